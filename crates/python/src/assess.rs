//! Assessment of a period: indicators, scores per level and map layers
//! (`grid_analytics::assess`).

use grid_analytics::assess::{
    AssessOptions, DEFAULT_CONFIG, GridPolygons, Inspection, Period, ScoringConfig,
    assess as run_assess,
};
use grid_core::Crs;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::errors;
use crate::geo::{PyLayer, layer_from_py, layer_to_py};

/// What `assess` returns to the facade: the period and the previous one (labels), the long
/// indicators table, the wide scores table per level, the map layer per region level (table
/// with its WKB `geometry` column, CRS), the rejected inspection rows (when inspection scores
/// were given) and the warnings.
type Output = (
    String,
    String,
    PyDataFrame,
    Vec<(String, PyDataFrame)>,
    Vec<(String, (PyDataFrame, String))>,
    Option<PyDataFrame>,
    Vec<String>,
);

/// Assesses a validated case table for `period` (`2025`, `2025-Q3`, `2025-07`,
/// `2025-07-01..2025-10-01`) with the scoring config `scoring` (its TOML text and the name
/// errors give it; `None`: the defaults), optional inspection scores (`scope`, `score`,
/// optional `level`), unit grids for polygon maps (a layer with a `code` or `grid_code`
/// column), and the projected `working_crs` of the cases' `x_m`/`y_m`, in which the grids are
/// merged and the maps come back.
#[pyfunction]
#[pyo3(signature = (cases, period, scoring, inspection, grids, working_crs))]
pub(crate) fn assess(
    py: Python<'_>,
    cases: PyDataFrame,
    period: &str,
    scoring: Option<(String, String)>,
    inspection: Option<PyDataFrame>,
    grids: Option<PyLayer>,
    working_crs: &str,
) -> PyResult<Output> {
    let period: Period = period.parse().map_err(errors::analytics)?;
    let config = match scoring {
        Some((text, name)) => ScoringConfig::parse(&text, &name),
        None => ScoringConfig::defaults(),
    }
    .map_err(errors::analytics)?;
    let working_crs: Crs = working_crs.parse().map_err(errors::core)?;
    let cases = cases.0;
    let inspection = inspection.map(|df| df.0);
    let grids = grids
        .map(|(df, crs, geometry)| layer_from_py(df.0, &crs, &geometry, "grids"))
        .transpose()?;
    let (assessment, rejected) = py
        .detach(|| {
            let read = inspection
                .as_ref()
                .map(|df| {
                    let scores = Inspection::from_table(df, "inspection")?;
                    let rejected = scores.rejected_table(df, "inspection")?;
                    Ok::<_, grid_analytics::Error>((scores.scores, rejected))
                })
                .transpose()?;
            let (scores, rejected) = match read {
                Some((scores, rejected)) => (scores, Some(rejected)),
                None => (Default::default(), None),
            };
            let grids = grids
                .map(|layer| GridPolygons::from_layer(&layer, "grids", working_crs))
                .transpose()?;
            let options = AssessOptions {
                period,
                config,
                inspection: scores,
                grids,
                working_crs,
            };
            Ok((run_assess(&cases, &options)?, rejected))
        })
        .map_err(errors::analytics)?;
    let mut scores = Vec::with_capacity(assessment.levels.len());
    let mut maps = Vec::new();
    for level in assessment.levels {
        let name = level.level.name().to_owned();
        if let Some(map) = level.map {
            maps.push((
                name.clone(),
                layer_to_py(map.table, &map.geometries, map.crs)?,
            ));
        }
        scores.push((name, PyDataFrame(level.scores)));
    }
    Ok((
        assessment.period.label,
        assessment.previous.label,
        PyDataFrame(assessment.indicators),
        scores,
        maps,
        rejected.map(PyDataFrame),
        assessment.warnings,
    ))
}

/// The default scoring config (TOML), every value a default to verify per city: what
/// `citygrid assess --print-config` prints.
#[pyfunction]
pub(crate) fn default_scoring() -> &'static str {
    DEFAULT_CONFIG
}

/// Adds the assessment functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(assess, m)?)?;
    m.add_function(wrap_pyfunction!(default_scoring, m)?)?;
    Ok(())
}
