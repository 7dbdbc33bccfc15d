//! Components (部件): loading a coded component layer and querying it
//! (`grid_core::index::ComponentIndex`, `grid_analytics::components`).

use std::path::PathBuf;

use grid_analytics::components::{Query, match_components};
use grid_analytics::grid_io::{component_table, read_components};
use grid_core::index::ComponentIndex;
use grid_core::rejection::Rejection;
use grid_core::{ClassCatalog, ComponentClassCode, Crs};
use polars::prelude::*;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::errors::{self, InputError};
use crate::geo::{crs_or, layer_to_py, transformed};
use crate::grids::Grids;

/// A component layer in a projected working CRS with its R-trees (one for all components, one
/// per class).
#[pyclass(frozen, name = "Components", module = "citygrid._citygrid")]
pub(crate) struct Components {
    index: ComponentIndex,
    catalog: ClassCatalog,
}

/// Rejections as a table: `row_number`, `reject_field`, `reject_reason`, `reject_detail`.
pub(crate) fn rejections_frame(rejections: &[Rejection]) -> PyResult<PyDataFrame> {
    use grid_core::rejection::columns;
    DataFrame::new(
        rejections.len(),
        vec![
            Column::new(
                columns::ROW.into(),
                rejections.iter().map(|r| r.row as u64).collect::<Vec<_>>(),
            ),
            Column::new(
                columns::FIELD.into(),
                rejections
                    .iter()
                    .map(|r| r.field.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                columns::REASON.into(),
                rejections
                    .iter()
                    .map(|r| r.reason.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                columns::DETAIL.into(),
                rejections
                    .iter()
                    .map(|r| r.detail.as_str())
                    .collect::<Vec<_>>(),
            ),
        ],
    )
    .map(PyDataFrame)
    .map_err(|e| errors::internal(format!("the rejections table: {e}")))
}

impl Components {
    /// Components indexed, with the class tables their classes are checked against.
    pub(crate) fn new(layer: grid_core::component::ComponentLayer, catalog: ClassCatalog) -> Self {
        Self {
            index: ComponentIndex::new(layer),
            catalog,
        }
    }

    fn class(&self, class_code: Option<&str>) -> PyResult<Option<ComponentClassCode>> {
        let Some(text) = class_code else {
            return Ok(None);
        };
        let class: ComponentClassCode = text.parse().map_err(errors::core)?;
        if self.catalog.component_class(&class).is_none() {
            return Err(InputError::new_err(format!(
                "class_code {class}: not a component class of the {} tables",
                self.catalog.edition()
            )));
        }
        Ok(Some(class))
    }

    fn query(
        &self,
        py: Python<'_>,
        df: PyDataFrame,
        (x_col, y_col, crs): (&str, &str, &str),
        class_code: Option<&str>,
        table: &str,
        query: Query,
    ) -> PyResult<(PyDataFrame, PyDataFrame)> {
        let class = self.class(class_code)?;
        let crs: Crs = crs.parse().map_err(errors::core)?;
        let df = df.0;
        let out = py
            .detach(|| {
                match_components(
                    &self.index,
                    &df,
                    table,
                    (x_col, y_col),
                    crs,
                    class.as_ref(),
                    query,
                )
            })
            .map_err(errors::analytics)?;
        Ok((PyDataFrame(out.table), PyDataFrame(out.rejected)))
    }
}

#[pymethods]
impl Components {
    /// Reads a component layer (GeoJSON or GeoParquet, any CRS) into the projected
    /// `working_crs`. Each component's class must be in the class tables: the bundled GB/T
    /// 30428.2-2013 ones, or those of the `codes` edition folder. Returns the components and
    /// the features skipped as invalid (`row_number` from 1, `reject_field`, `reject_reason`,
    /// `reject_detail`).
    #[staticmethod]
    #[pyo3(signature = (path, working_crs, codes))]
    fn load(
        py: Python<'_>,
        path: PathBuf,
        working_crs: &str,
        codes: Option<PathBuf>,
    ) -> PyResult<(Self, PyDataFrame)> {
        let working: Crs = working_crs.parse().map_err(errors::core)?;
        let catalog = match &codes {
            Some(dir) => ClassCatalog::load(dir),
            None => ClassCatalog::bundled(),
        }
        .map_err(errors::core)?;
        let (layer, rejections) = py
            .detach(|| read_components(&path, working, &catalog))
            .map_err(errors::analytics)?;
        let rejected = rejections_frame(&rejections)?;
        Ok((Self::new(layer, catalog), rejected))
    }

    /// The working CRS of the components.
    #[getter]
    fn crs(&self) -> String {
        self.index.layer().crs().to_string()
    }

    fn __len__(&self) -> usize {
        self.index.layer().components().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Components({} components in {})",
            self.index.layer().components().len(),
            self.index.layer().crs()
        )
    }

    /// The components as a layer: `code`, `class_code`, `name`, `department`, `owner`,
    /// `maintainer`, `status`, `initial_date`, `change_date` and the WKB `geometry`, in `crs`
    /// (default: the working CRS).
    #[pyo3(signature = (crs=None))]
    fn layer(&self, py: Python<'_>, crs: Option<&str>) -> PyResult<(PyDataFrame, String)> {
        let layer = self.index.layer();
        let to = crs_or(crs, layer.crs())?;
        let (table, geometries) = py.detach(|| -> PyResult<_> {
            let table = component_table(layer)
                .map_err(|e| errors::internal(format!("the component table: {e}")))?;
            let shapes = layer.components().iter().map(|c| c.geometry.clone());
            Ok((table, transformed(shapes, layer.crs(), to)?))
        })?;
        layer_to_py(table, &geometries, to)
    }

    /// The `k` nearest components (of `class_code`, or any class) of each point of `df`.
    /// Returns one row per match (`row_number`, `rank`, `component_code`, `class_code`,
    /// `distance_m`) and the rejected rows.
    #[pyo3(signature = (df, x_col, y_col, crs, k, class_code, table))]
    #[allow(clippy::too_many_arguments)] // one per keyword of the Python method
    fn nearest(
        &self,
        py: Python<'_>,
        df: PyDataFrame,
        x_col: &str,
        y_col: &str,
        crs: &str,
        k: usize,
        class_code: Option<&str>,
        table: &str,
    ) -> PyResult<(PyDataFrame, PyDataFrame)> {
        self.query(
            py,
            df,
            (x_col, y_col, crs),
            class_code,
            table,
            Query::Nearest { k },
        )
    }

    /// Every component (of `class_code`, or any class) within `radius_m` metres of each point
    /// of `df`, nearest first. Same columns as `nearest`.
    #[pyo3(signature = (df, x_col, y_col, crs, radius_m, class_code, table))]
    #[allow(clippy::too_many_arguments)] // one per keyword of the Python method
    fn within(
        &self,
        py: Python<'_>,
        df: PyDataFrame,
        x_col: &str,
        y_col: &str,
        crs: &str,
        radius_m: f64,
        class_code: Option<&str>,
        table: &str,
    ) -> PyResult<(PyDataFrame, PyDataFrame)> {
        self.query(
            py,
            df,
            (x_col, y_col, crs),
            class_code,
            table,
            Query::Within { radius_m },
        )
    }

    /// The components of each class per grid (by each component's representative point):
    /// `grid_code` (null outside every grid), `class_code`, `components`; sorted.
    fn counts_per_grid(&self, py: Python<'_>, grids: &Grids) -> PyResult<PyDataFrame> {
        let counts = py.detach(|| self.index.counts_per_grid(&grids.index));
        let grid: Vec<Option<String>> = counts
            .keys()
            .map(|(g, _)| g.as_ref().map(ToString::to_string))
            .collect();
        let class: Vec<String> = counts.keys().map(|(_, c)| c.to_string()).collect();
        let n: Vec<u32> = counts.values().map(|&n| n as u32).collect();
        DataFrame::new(
            n.len(),
            vec![
                Column::new("grid_code".into(), grid),
                Column::new("class_code".into(), class),
                Column::new("components".into(), n),
            ],
        )
        .map(PyDataFrame)
        .map_err(|e| errors::internal(format!("the counts table: {e}")))
    }
}
