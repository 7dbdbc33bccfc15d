//! Unit grids: loading and generating a grid layer, and assigning points to it
//! (`grid_analytics::grid_io`, `grid_analytics::assign`, `grid_core::index::GridIndex`).

use std::path::PathBuf;

use geo::Geometry;
use grid_analytics::assign::assign_points;
use grid_analytics::grid_io::{GridSource, build_grids, grid_table, read_grids, write_grids};
use grid_core::grid::GridBuilder;
use grid_core::index::GridIndex;
use grid_core::{Crs, DivisionCode, GridLayer};
use polars::prelude::*;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::errors::{self, InputError};
use crate::geo::{crs_or, layer_to_py, transformed};

/// A grid layer in a projected working CRS with its spatial index, built once and queried
/// many times.
#[pyclass(frozen, name = "Grids", module = "citygrid._citygrid")]
pub(crate) struct Grids {
    pub(crate) index: GridIndex,
}

impl Grids {
    fn new(layer: GridLayer, name: &str) -> PyResult<Self> {
        if layer.is_empty() {
            return Err(InputError::new_err(format!(
                "{name}: the layer has no grids"
            )));
        }
        Ok(Self {
            index: GridIndex::new(layer),
        })
    }
}

#[pymethods]
impl Grids {
    /// Reads a grid layer (GeoJSON or GeoParquet, any CRS) into the projected `working_crs`.
    /// Every feature must be a valid grid: the first invalid ones are named in the error.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf, working_crs: &str) -> PyResult<Self> {
        let working: Crs = working_crs.parse().map_err(errors::core)?;
        let (layer, rejections) = py
            .detach(|| read_grids(&path, working))
            .map_err(errors::analytics)?;
        if !rejections.is_empty() {
            let first: String = rejections
                .iter()
                .take(10)
                .map(|r| format!("\n  {r}"))
                .collect();
            return Err(InputError::new_err(format!(
                "{}: {} features are not valid grids (rows number the features from 1):{first}",
                path.display(),
                rejections.len()
            )));
        }
        Self::new(layer, &path.display().to_string())
    }

    /// Generates coded unit grids by tiling boundary polygons (GeoJSON coded by `code` or
    /// `adcode`; `division_code` codes a single uncoded feature), optionally only the
    /// `communities` inside them, with square cells of `cell_size_m` in the projected `crs`;
    /// pieces under `sliver_share` of a cell are merged into a neighbour. Returns the grids and
    /// one report row per area: `code`, `grids`, `slivers_merged`, `isolated_small`, `blocks`.
    #[staticmethod]
    #[pyo3(signature = (boundary, communities, division_code, cell_size_m, sliver_share, crs))]
    fn generate(
        py: Python<'_>,
        boundary: PathBuf,
        communities: Option<PathBuf>,
        division_code: Option<&str>,
        cell_size_m: f64,
        sliver_share: f64,
        crs: &str,
    ) -> PyResult<(Self, PyDataFrame)> {
        let crs: Crs = crs.parse().map_err(errors::core)?;
        let division: Option<DivisionCode> = division_code
            .map(str::parse)
            .transpose()
            .map_err(errors::core)?;
        let source = GridSource {
            boundary: &boundary,
            communities: communities.as_deref(),
            division_code: division.as_ref(),
        };
        let builder = GridBuilder::default()
            .cell_size_m(cell_size_m)
            .sliver_share(sliver_share);
        let (layer, reports) = py
            .detach(|| build_grids(&source, &builder, crs))
            .map_err(errors::analytics)?;
        let report = DataFrame::new(
            reports.len(),
            vec![
                Column::new(
                    "code".into(),
                    reports
                        .iter()
                        .map(|r| r.code.to_string())
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "grids".into(),
                    reports.iter().map(|r| r.grids as u32).collect::<Vec<_>>(),
                ),
                Column::new(
                    "slivers_merged".into(),
                    reports
                        .iter()
                        .map(|r| r.slivers_merged as u32)
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "isolated_small".into(),
                    reports
                        .iter()
                        .map(|r| r.isolated_small as u32)
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "blocks".into(),
                    reports.iter().map(|r| r.blocks as u32).collect::<Vec<_>>(),
                ),
            ],
        )
        .map_err(|e| errors::internal(format!("the area report: {e}")))?;
        Ok((
            Self::new(layer, &boundary.display().to_string())?,
            PyDataFrame(report),
        ))
    }

    /// The working CRS of the grids.
    #[getter]
    fn crs(&self) -> String {
        self.index.layer().crs().to_string()
    }

    fn __len__(&self) -> usize {
        self.index.layer().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Grids({} grids in {})",
            self.index.layer().len(),
            self.index.layer().crs()
        )
    }

    /// The grids as a layer: `code`, `community_code`, `street_code`, `district_code`, `area_m2`,
    /// `valid_from`, `valid_to`, `land_use`, `class` and the WKB `geometry`, in `crs`
    /// (default: the working CRS).
    #[pyo3(signature = (crs=None))]
    fn layer(&self, py: Python<'_>, crs: Option<&str>) -> PyResult<(PyDataFrame, String)> {
        let layer = self.index.layer();
        let to = crs_or(crs, layer.crs())?;
        let (table, geometries) = py.detach(|| -> PyResult<_> {
            let table = grid_table(layer).map_err(errors::analytics)?;
            let shapes = layer
                .grids()
                .iter()
                .map(|g| Geometry::MultiPolygon(g.geometry.clone()));
            Ok((table, transformed(shapes, layer.crs(), to)?))
        })?;
        layer_to_py(table, &geometries, to)
    }

    /// Assigns each point of `df` (columns `x_col`/`y_col` in `crs`) to the grid it falls in;
    /// with `tolerance_m`, a point outside every grid takes the nearest grid within that
    /// distance. Returns the rows with `grid_code`, `community_code`, `street_code`,
    /// `district_code` (null outside every grid) and, with a tolerance, `grid_distance_m`
    /// added; the rejected rows (unreadable coordinates) with their reasons; and the row
    /// numbers (from 1) of the points outside every grid. `table` names the table in errors.
    #[pyo3(signature = (df, x_col, y_col, crs, tolerance_m, table))]
    #[allow(clippy::too_many_arguments)] // one per keyword of the Python method
    fn assign(
        &self,
        py: Python<'_>,
        df: PyDataFrame,
        x_col: &str,
        y_col: &str,
        crs: &str,
        tolerance_m: Option<f64>,
        table: &str,
    ) -> PyResult<(PyDataFrame, PyDataFrame, Vec<usize>)> {
        if let Some(t) = tolerance_m
            && !(t.is_finite() && t >= 0.0)
        {
            return Err(InputError::new_err(format!(
                "tolerance_m {t}: must be a number of metres, 0 or more"
            )));
        }
        let crs: Crs = crs.parse().map_err(errors::core)?;
        let df = df.0;
        let out = py
            .detach(|| assign_points(&df, table, x_col, y_col, crs, &self.index, tolerance_m))
            .map_err(errors::analytics)?;
        Ok((
            PyDataFrame(out.table),
            PyDataFrame(out.rejected),
            out.outside,
        ))
    }

    /// Writes the grids as GeoJSON (WGS84, RFC 7946) or GeoParquet (in `crs`, default the
    /// working CRS), by extension, atomically.
    #[pyo3(signature = (path, crs=None))]
    fn write(&self, py: Python<'_>, path: PathBuf, crs: Option<&str>) -> PyResult<()> {
        let layer = self.index.layer();
        let crs = crs_or(crs, layer.crs())?;
        py.detach(|| write_grids(layer, &path, crs))
            .map_err(errors::analytics)
    }
}
