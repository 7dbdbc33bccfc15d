//! Hot spots of whole layers, as the `citygrid hotspots` and `citygrid emerging` commands and
//! the Python bindings run them: a table with one geometry per row goes in; its rows are checked
//! (rejected rows kept with their reason), its geometries put into a projected CRS, and the
//! result columns come back beside the input columns.

use std::collections::{HashMap, HashSet};

use geo::Geometry;
use grid_core::rejection::{RejectReason, Rejection};
use grid_core::weights::{SpatialWeights, WeightsSpec};
use grid_core::{Crs, Transformer};
use polars::prelude::*;

use super::cube::{Step, case_cube};
use super::emerging::{EmergingOptions, emerging_hot_spots};
use super::layer::{HotspotOptions, analyse_layer, layer_weights};
use super::measure::{CaseFilter, Measure, per_grid};
use crate::convert::rejected_table;
use crate::error::{Error, PolarsContext, Result};
use crate::geoparquet::GeoTable;
use crate::grid_io::{analysis_crs, grid_codes};
use crate::table_io::require_column;

/// The hot spot analysis of a layer.
#[derive(Debug)]
pub struct LayerHotspots {
    /// The rows analysed: every input column, then the result columns (an input column named
    /// like a result column gives way to it). See [`super::HotspotOutput::table`].
    pub table: DataFrame,
    /// The rows' geometries in [`Self::crs`].
    pub geometries: Vec<Geometry<f64>>,
    /// The CRS of the analysis: the layer's, or the working CRS when the layer is geographic.
    pub crs: Crs,
    /// Rows without a finite value or without a usable geometry: `row_number` (from 1),
    /// `reject_field`, `reject_reason`, `reject_detail`, then their input columns.
    pub rejected: DataFrame,
    /// The same rejections as values, in row order.
    pub rejections: Vec<Rejection>,
    /// The weights used.
    pub weights: SpatialWeights,
    /// What the user should be told (islands, wide distance bands).
    pub warnings: Vec<String>,
}

/// Runs `options` on the column `value` of `layer` (any numeric or numeric-text column).
/// Geographic layers are analysed in `working_crs`. With `h3:K` weights the layer needs a
/// `cell_id` column of H3 cells in hexadecimal. `name` names the layer in errors.
pub fn layer_hotspots(
    layer: &GeoTable,
    name: &str,
    value: &str,
    working_crs: Crs,
    options: &HotspotOptions,
) -> Result<LayerHotspots> {
    let crs = analysis_crs(layer.crs, working_crs)?;
    let column = require_column(&layer.table, name, value)?;
    let numbers = column.cast(&DataType::Float64).ok();
    let texts = column.cast(&DataType::String).ok();
    let to_analysis = Transformer::new(layer.crs, crs)?;

    // Each row: a finite number and a geometry in the analysis CRS, or a rejection.
    let mut values = Vec::new();
    let mut geometries: Vec<Geometry<f64>> = Vec::new();
    let mut keep = Vec::with_capacity(layer.table.height());
    let mut rejections = Vec::new();
    for (i, geometry) in layer.geometries.iter().enumerate() {
        let number = numbers
            .as_ref()
            .and_then(|c| c.f64().ok())
            .and_then(|c| c.get(i))
            .or_else(|| {
                texts
                    .as_ref()
                    .and_then(|c| c.str().ok())
                    .and_then(|c| c.get(i))
                    .and_then(|t| t.trim().parse::<f64>().ok())
            })
            .filter(|v| v.is_finite());
        let reject = |field: &str, reason, detail: String| Rejection {
            row: i + 1,
            field: field.to_owned(),
            reason,
            detail,
        };
        let outcome = match (number, geometry) {
            (None, _) => Err(reject(
                value,
                RejectReason::MissingField,
                "empty or not a number".to_owned(),
            )),
            (_, None) => Err(reject(
                "geometry",
                RejectReason::MissingGeometry,
                "no geometry".to_owned(),
            )),
            (Some(v), Some(g)) => to_analysis
                .transform_geometry(g)
                .map(|g| (v, g))
                .map_err(|e| reject("geometry", RejectReason::OutOfRange, e.to_string())),
        };
        match outcome {
            Ok((v, g)) => {
                values.push(v);
                geometries.push(g);
                keep.push(true);
            }
            Err(r) => {
                rejections.push(r);
                keep.push(false);
            }
        }
    }
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let kept = layer
        .table
        .filter(&mask)
        .context(|| "filtering the layer".to_owned())?;
    let h3_cells = match options.weights {
        WeightsSpec::H3(_) => Some(h3_cells(&kept).map_err(|e| e.within(name))?),
        _ => None,
    };
    let result = analyse_layer(&values, &geometries, h3_cells.as_deref(), options)
        .map_err(|e| e.within(name))?;
    let mut table = kept;
    for column in result.table.columns() {
        if table.column(column.name().as_str()).is_ok() {
            table
                .drop_in_place(column.name().as_str())
                .context(|| format!("replacing column {}", column.name()))?;
        }
        table
            .with_column(column.clone())
            .context(|| "adding the results".to_owned())?;
    }
    let rejected = rejected_table(&layer.table, &!&mask, &rejections)
        .context(|| "assembling the rejected rows".to_owned())?;
    Ok(LayerHotspots {
        table,
        geometries,
        crs,
        rejected,
        rejections,
        weights: result.weights,
        warnings: result.warnings,
    })
}

/// H3 indexes from a `cell_id` column (hexadecimal text, as `citygrid grid h3` writes them).
fn h3_cells(table: &DataFrame) -> Result<Vec<u64>> {
    let column = table
        .column("cell_id")
        .map_err(|_| Error::InvalidOption {
            option: "weights",
            message: "h3:K weights need a cell_id column of H3 cells".to_owned(),
        })?
        .cast(&DataType::String)
        .context(|| "column \"cell_id\"".to_owned())?;
    let texts = column.str().context(|| "column \"cell_id\"".to_owned())?;
    texts
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.and_then(|t| u64::from_str_radix(t.trim(), 16).ok())
                .ok_or_else(|| Error::InvalidOption {
                    option: "weights",
                    message: format!(
                        "row {}, field \"cell_id\": {:?} is not an H3 cell index",
                        i + 1,
                        v.unwrap_or("")
                    ),
                })
        })
        .collect()
}

/// A grid layer with a measure of the cases as a column.
#[derive(Debug)]
pub struct MeasuredLayer {
    /// The grid layer with the column named after the measure (`count`, `open_overdue`, …)
    /// appended (replacing one of that name): counts are 0 where a grid has no case, rates are
    /// null where they are undefined.
    pub layer: GeoTable,
    /// Grid codes that have cases but are not in the layer, sorted: their cases are left out
    /// (validate the cases against these grids).
    pub unknown_grids: Vec<String>,
    /// Grids of the layer whose measure is above 0.
    pub positive: usize,
}

/// Adds `measure` of the validated `cases` (those `filter` keeps) to a grid layer with a `code`
/// or `grid_code` column. `layer_name` and `cases_name` name the inputs in errors.
pub fn measure_layer(
    mut layer: GeoTable,
    layer_name: &str,
    cases: &DataFrame,
    cases_name: &str,
    measure: Measure,
    filter: &CaseFilter,
) -> Result<MeasuredLayer> {
    let values = per_grid(cases, measure, filter).map_err(|e| e.within(cases_name))?;
    let codes = grid_codes(&layer.table, layer_name)?;
    let codes = codes
        .str()
        .context(|| format!("{layer_name}: grid codes"))?;
    let known: HashSet<&str> = codes.iter().flatten().collect();
    let mut unknown_grids: Vec<String> = values
        .keys()
        .filter(|g| !known.contains(g.as_str()))
        .cloned()
        .collect();
    unknown_grids.sort_unstable();
    let zero = matches!(measure, Measure::Count | Measure::OpenOverdue).then_some(0.0);
    let column: Vec<Option<f64>> = codes
        .iter()
        .map(|c| c.and_then(|c| values.get(c).copied()).or(zero))
        .collect();
    let positive = values.values().filter(|v| **v > 0.0).count();
    let name = measure.to_string();
    let _ = layer.table.drop_in_place(&name);
    layer
        .table
        .with_column(Column::new(name.as_str().into(), column))
        .context(|| format!("{layer_name}: adding the measure"))?;
    Ok(MeasuredLayer {
        layer,
        unknown_grids,
        positive,
    })
}

/// What to run for [`layer_emerging`].
#[derive(Clone, Debug, PartialEq)]
pub struct EmergingRequest {
    /// The classification's options.
    pub options: EmergingOptions,
    /// Which cases count; its `from`/`to` (days at midnight) also bound the cube.
    pub filter: CaseFilter,
    /// The length of a time step.
    pub step: Step,
    /// Spatial neighbours of a grid.
    pub weights: WeightsSpec,
    /// Contiguity tolerance in metres.
    pub tolerance_m: f64,
    /// Projected CRS when the grid layer is geographic.
    pub working_crs: Crs,
}

/// Emerging hot spots per grid, and the space-time cube behind them.
#[derive(Debug)]
pub struct LayerEmerging {
    /// One row per grid with cases: `grid_code`, `category`, `hot_steps`, `cold_steps`,
    /// `trend_z`, `trend_p`, `final_z`, `final_p`, `cases`, `neighbours`.
    pub table: DataFrame,
    /// The grids' geometries in [`Self::crs`].
    pub geometries: Vec<Geometry<f64>>,
    /// The CRS of the analysis.
    pub crs: Crs,
    /// One row per grid and step (grids vary fastest): `grid_code`, `step` (its first day),
    /// `cases`, `z`, `p`, `flag` (1 hot, −1 cold, 0 neither).
    pub cube: DataFrame,
    /// The first day of each step.
    pub starts: Vec<chrono::NaiveDate>,
    /// Cases left out because they fall in a partial step at an end of the window.
    pub outside: usize,
    /// What the user should be told (islands, wide distance bands).
    pub warnings: Vec<String>,
}

/// Emerging hot spot analysis of validated `cases` on the grids of `layer` (a `code` or
/// `grid_code` column). Every grid with cases must be in the layer. `cases_name` and
/// `layer_name` name the inputs in errors.
pub fn layer_emerging(
    cases: &DataFrame,
    cases_name: &str,
    layer: &GeoTable,
    layer_name: &str,
    request: &EmergingRequest,
) -> Result<LayerEmerging> {
    let filter = &request.filter;
    let day = |t: Option<chrono::NaiveDateTime>| t.map(|t| t.date());
    let cube = case_cube(
        cases,
        filter,
        request.step,
        day(filter.from),
        day(filter.to),
    )
    .map_err(|e| e.within(cases_name))?;
    let codes = grid_codes(&layer.table, layer_name)?;
    let codes = codes
        .str()
        .context(|| format!("{layer_name}: grid codes"))?;
    let mut geometry_of: HashMap<&str, &Geometry<f64>> = HashMap::new();
    for (code, geometry) in codes.iter().zip(&layer.geometries) {
        if let (Some(c), Some(g)) = (code, geometry) {
            geometry_of.insert(c, g);
        }
    }
    let crs = analysis_crs(layer.crs, request.working_crs)?;
    let to_analysis = Transformer::new(layer.crs, crs)?;
    let mut geometries = Vec::with_capacity(cube.grids.len());
    for code in &cube.grids {
        let g = geometry_of
            .get(code.as_str())
            .ok_or_else(|| Error::InvalidOption {
                option: "grid",
                message: format!(
                    "{cases_name}: grid {code} is not in {layer_name}; validate the cases against these grids"
                ),
            })?;
        geometries.push(to_analysis.transform_geometry(g)?);
    }
    let weights = layer_weights(request.weights, &geometries, None, request.tolerance_m)?;
    let warnings = weights.warnings();
    let result = emerging_hot_spots(&cube.cube, &weights, &request.options)?;

    let n = cube.grids.len();
    let steps = cube.cube.steps;
    let totals: Vec<f64> = (0..n)
        .map(|i| (0..steps).map(|t| cube.cube.value(i, t)).sum())
        .collect();
    let loc = &result.locations;
    let table = DataFrame::new(
        n,
        vec![
            Column::new("grid_code".into(), cube.grids.clone()),
            Column::new(
                "category".into(),
                loc.iter()
                    .map(|l| l.category.to_string())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "hot_steps".into(),
                loc.iter().map(|l| l.hot_steps as u32).collect::<Vec<_>>(),
            ),
            Column::new(
                "cold_steps".into(),
                loc.iter().map(|l| l.cold_steps as u32).collect::<Vec<_>>(),
            ),
            Column::new(
                "trend_z".into(),
                loc.iter().map(|l| l.trend.z).collect::<Vec<_>>(),
            ),
            Column::new(
                "trend_p".into(),
                loc.iter().map(|l| l.trend.p).collect::<Vec<_>>(),
            ),
            Column::new(
                "final_z".into(),
                loc.iter().map(|l| l.final_z).collect::<Vec<_>>(),
            ),
            Column::new(
                "final_p".into(),
                loc.iter().map(|l| l.final_p).collect::<Vec<_>>(),
            ),
            Column::new("cases".into(), totals),
            Column::new(
                "neighbours".into(),
                (0..n)
                    .map(|i| weights.neighbours(i).len() as u32)
                    .collect::<Vec<_>>(),
            ),
        ],
    )
    .context(|| "assembling the emerging hot spot table".to_owned())?;
    let bins = n * steps;
    let cube_table = DataFrame::new(
        bins,
        vec![
            Column::new(
                "grid_code".into(),
                (0..bins)
                    .map(|b| cube.grids[b % n].as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "step".into(),
                (0..bins)
                    .map(|b| cube.starts[b / n].to_string())
                    .collect::<Vec<_>>(),
            ),
            Column::new("cases".into(), cube.cube.values.clone()),
            Column::new("z".into(), result.z.clone()),
            Column::new("p".into(), result.p.clone()),
            Column::new(
                "flag".into(),
                result
                    .flag
                    .iter()
                    .map(|f| i32::from(*f))
                    .collect::<Vec<_>>(),
            ),
        ],
    )
    .context(|| "assembling the cube".to_owned())?;
    Ok(LayerEmerging {
        table,
        geometries,
        crs,
        cube: cube_table,
        starts: cube.starts,
        outside: cube.outside,
        warnings,
    })
}
