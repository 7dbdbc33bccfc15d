//! Cases: reading a case table under the canonical column names, validating it, and simulating
//! one (`grid_analytics::table_io`, `grid_analytics::validate`, `grid_analytics::simulate`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use grid_analytics::rejection::count_by_reason;
use grid_analytics::simulate::{SimulationConfig, SimulationInput, simulate as simulate_city};
use grid_analytics::table_io::{read_table, rename_columns};
use grid_analytics::validate::{
    ValidateOptions, data_calendar, data_catalog, parse_time, validate_cases as validate,
};
use grid_core::Crs;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::components::Components;
use crate::errors::{self, InputError};
use crate::grids::Grids;

/// Reads a case table (.csv as text, or .parquet) and renames its columns to the canonical
/// names: `columns` maps canonical name → the file's column; a mapped column the file lacks is
/// an error naming both.
#[pyfunction]
#[pyo3(signature = (path, columns))]
pub(crate) fn read_cases(
    py: Python<'_>,
    path: PathBuf,
    columns: BTreeMap<String, String>,
) -> PyResult<PyDataFrame> {
    let name = path.display().to_string();
    py.detach(|| {
        let mut table = read_table(&path)?;
        rename_columns(
            &mut table,
            &name,
            columns.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )?;
        Ok(PyDataFrame(table))
    })
    .map_err(errors::analytics)
}

fn time(option: &str, text: &str) -> PyResult<chrono::NaiveDateTime> {
    parse_time(text).ok_or_else(|| {
        InputError::new_err(format!("{option} {text:?}: expected YYYY-MM-DD HH:MM[:SS]"))
    })
}

/// The outcome of validation as Python values: the valid rows, the rejected rows, the counts
/// by reason and the number of valid rows reported after the cut-off.
type Validated = (PyDataFrame, PyDataFrame, BTreeMap<String, usize>, usize);

/// Validates a case table in the canonical schema: every row checked, failures kept with their
/// reason. `data` is a folder with the class tables (`codes/`) and the work calendar
/// (`calendar/`); `now` and `cutoff` are `YYYY-MM-DD HH:MM` local times; rows without a `crs`
/// value are in `crs`; coordinates go to `working_crs` (the grids' CRS when grids are given).
#[pyfunction]
#[pyo3(signature = (df, table, data, now, cutoff, grids, crs, working_crs))]
#[allow(clippy::too_many_arguments)] // one per keyword of the Python function
pub(crate) fn validate_cases(
    py: Python<'_>,
    df: PyDataFrame,
    table: &str,
    data: PathBuf,
    now: &str,
    cutoff: Option<&str>,
    grids: Option<&Grids>,
    crs: &str,
    working_crs: &str,
) -> PyResult<Validated> {
    let now = time("now", now)?;
    let cutoff = cutoff.map(|c| time("cutoff", c)).transpose()?;
    if let Some(c) = cutoff
        && c > now
    {
        return Err(InputError::new_err(format!(
            "cutoff {c} is after now {now}: the cut-off cannot be later than the clock"
        )));
    }
    let default_crs: Crs = crs.parse().map_err(errors::core)?;
    let index = grids.map(|g| &g.index);
    let working: Crs = match index {
        Some(i) => i.layer().crs(),
        None => working_crs.parse().map_err(errors::core)?,
    };
    let df = df.0;
    let out = py
        .detach(|| {
            let catalog = data_catalog(&data)?;
            let calendar = data_calendar(&data)?;
            let options = ValidateOptions {
                catalog: &catalog,
                calendar: &calendar,
                grids: index,
                working_crs: working,
                default_crs,
                now,
                cutoff,
            };
            validate(&df, table, &options)
        })
        .map_err(errors::analytics)?;
    let counts = count_by_reason(&out.rejections)
        .into_iter()
        .map(|(reason, n)| (reason.as_str().to_owned(), n))
        .collect();
    Ok((
        PyDataFrame(out.clean),
        PyDataFrame(out.rejected),
        counts,
        out.after_cutoff,
    ))
}

/// A simulated case history and component inventory on `grids` (`grid_analytics::simulate`):
/// `cases` rows over `years` from `start` (`YYYY-MM-DD`), a share `defect_rate` of them
/// defective on purpose, drawn from `seed`. `data` holds the class tables and the calendar.
/// Returns the case table as a city exports it (canonical input columns, no derived ones) and
/// the components.
#[pyfunction]
#[pyo3(signature = (grids, data, seed, start, years, cases, defect_rate))]
#[allow(clippy::too_many_arguments)] // one per keyword of the Python function
pub(crate) fn simulate(
    py: Python<'_>,
    grids: &Grids,
    data: PathBuf,
    seed: u64,
    start: &str,
    years: u32,
    cases: u64,
    defect_rate: f64,
) -> PyResult<(PyDataFrame, Components)> {
    let start = chrono::NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d")
        .map_err(|_| InputError::new_err(format!("start {start:?}: expected YYYY-MM-DD")))?;
    let config = SimulationConfig {
        seed,
        start,
        years,
        cases,
        defect_rate,
    };
    let (simulation, catalog) = py
        .detach(|| {
            let catalog = data_catalog(&data)?;
            let calendar = data_calendar(&data)?;
            let input = SimulationInput {
                grids: &grids.index,
                catalog: &catalog,
                calendar: &calendar,
            };
            simulate_city(&input, &config).map(|s| (s, catalog))
        })
        .map_err(errors::analytics)?;
    Ok((
        PyDataFrame(simulation.cases),
        Components::new(simulation.components, catalog),
    ))
}

/// Adds the case functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(read_cases, m)?)?;
    m.add_function(wrap_pyfunction!(validate_cases, m)?)?;
    Ok(())
}
