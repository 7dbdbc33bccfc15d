//! Forecasts per series, from a long table or a case table (`grid_analytics::forecast::
//! run_forecasts`, what `citygrid forecast` runs).

use grid_analytics::forecast::{ForecastOptions, SeriesInput, run_forecasts};
use grid_analytics::geoparquet::GeoTable;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::errors::{self, InputError};
use crate::geo::{PyLayer, layer_from_py};
use crate::hotspots::Filter;

/// The options of a forecast run as the Python keywords give them (names and meanings of
/// `citygrid forecast`'s flags).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct Settings {
    freq: String,
    horizon: i64,
    season: Option<i64>,
    models: String,
    level: Vec<f64>,
    windows: i64,
    step_size: Option<i64>,
    score: String,
    choose: String,
    conformal_windows: i64,
    bottom_up: bool,
    metrics: bool,
    places: bool,
    budgets: Vec<f64>,
    working_crs: String,
}

impl Settings {
    fn options(self) -> PyResult<ForecastOptions> {
        let freq = self.freq.parse().map_err(errors::analytics)?;
        Ok(ForecastOptions {
            season: self.season.map(|v| count("season", v)).transpose()?,
            models: self.models.parse().map_err(errors::analytics)?,
            levels: self.level,
            windows: count("windows", self.windows)?,
            step_size: self.step_size.map(|v| count("step_size", v)).transpose()?,
            score: self.score.parse().map_err(errors::analytics)?,
            choose: self.choose.parse().map_err(errors::analytics)?,
            conformal_windows: count("conformal_windows", self.conformal_windows)?,
            bottom_up: self.bottom_up,
            metrics: self.metrics,
            places: self.places,
            budgets: self.budgets,
            working_crs: self.working_crs.parse().map_err(errors::core)?,
            ..ForecastOptions::new(freq, count("horizon", self.horizon)?)
        })
    }
}

/// A count from Python, where a negative number is an input error (the ranges are checked by
/// `ForecastOptions::validate`).
fn count(option: &str, value: i64) -> PyResult<usize> {
    usize::try_from(value)
        .map_err(|_| InputError::new_err(format!("{option}: {value}: expected a count, 0 or more")))
}

/// The tables of a run: forecasts, metrics (or None), places (or None), rejected rows; then the
/// warnings and the summary lines.
type Tables = (
    PyDataFrame,
    Option<PyDataFrame>,
    Option<PyDataFrame>,
    PyDataFrame,
    Vec<String>,
    Vec<String>,
);

/// The grid layer whose areas weigh the places of the backtest, if any.
fn grid_layer(grid: Option<PyLayer>) -> PyResult<Option<GeoTable>> {
    grid.map(|(df, crs, geometry)| layer_from_py(df.0, &crs, &geometry, "grid"))
        .transpose()
}

/// Runs the forecast with the GIL released and converts the tables.
fn run(
    py: Python<'_>,
    input: SeriesInput<'_>,
    options: &ForecastOptions,
    grid: Option<&GeoTable>,
) -> PyResult<Tables> {
    let out = py
        .detach(|| run_forecasts(input, options, grid))
        .map_err(errors::analytics)?;
    Ok((
        PyDataFrame(out.forecasts),
        out.metrics.map(PyDataFrame),
        out.places.map(PyDataFrame),
        PyDataFrame(out.rejected),
        out.warnings,
        out.notes,
    ))
}

/// Forecasts the series of a long table (`id_col`, `time_col`, `value_col`); rows with an
/// empty or unreadable id, time or value are returned rejected. `grid` (table, CRS, geometry
/// column) gives the place backtest its areas.
#[pyfunction]
#[pyo3(signature = (df, id_col, time_col, value_col, settings, grid))]
pub(crate) fn forecast(
    py: Python<'_>,
    df: PyDataFrame,
    id_col: &str,
    time_col: &str,
    value_col: &str,
    settings: Settings,
    grid: Option<PyLayer>,
) -> PyResult<Tables> {
    let options = settings.options()?;
    let grid = grid_layer(grid)?;
    let table = df.0;
    let input = SeriesInput::Long {
        table: &table,
        id_col,
        time_col,
        value_col,
    };
    run(py, input, &options, grid.as_ref())
}

/// Forecasts the case counts of a validated case table per `unit` (grid, community, street,
/// district) and `group` (all, kind, major, class, source), of the cases `filter` keeps.
/// `grid` (table, CRS, geometry column) gives the place backtest its areas.
#[pyfunction]
#[pyo3(signature = (df, unit, group, filter, settings, grid))]
pub(crate) fn forecast_cases(
    py: Python<'_>,
    df: PyDataFrame,
    unit: &str,
    group: &str,
    filter: Filter,
    settings: Settings,
    grid: Option<PyLayer>,
) -> PyResult<Tables> {
    let unit = unit.parse().map_err(errors::analytics)?;
    let group = group.parse().map_err(errors::analytics)?;
    let filter = filter.filter()?;
    let options = settings.options()?;
    let grid = grid_layer(grid)?;
    let table = df.0;
    let input = SeriesInput::Cases {
        table: &table,
        unit,
        group,
        filter: &filter,
    };
    run(py, input, &options, grid.as_ref())
}

/// Adds the forecast functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_cases, m)?)?;
    Ok(())
}
