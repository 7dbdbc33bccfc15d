//! Forecasts per series, from a long table or a case table (`grid_analytics::forecast::
//! run_forecasts`, what `citygrid forecast` runs).

use chrono::NaiveDate;
use grid_analytics::forecast::{ForecastOptions, SeriesInput, run_forecasts};
use grid_analytics::hotspot::CaseFilter;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::errors::{self, InputError};

/// The options of a forecast run as the Python keywords give them (names and meanings of
/// `citygrid forecast`'s flags).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct Settings {
    freq: String,
    horizon: usize,
    season: Option<usize>,
    models: String,
    level: Vec<f64>,
    windows: usize,
    step_size: Option<usize>,
    score: String,
    choose: String,
    conformal_windows: usize,
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
            season: self.season,
            models: self.models.parse().map_err(errors::analytics)?,
            levels: self.level,
            windows: self.windows,
            step_size: self.step_size,
            score: self.score.parse().map_err(errors::analytics)?,
            choose: self.choose.parse().map_err(errors::analytics)?,
            conformal_windows: self.conformal_windows,
            bottom_up: self.bottom_up,
            metrics: self.metrics,
            places: self.places,
            budgets: self.budgets,
            working_crs: self.working_crs.parse().map_err(errors::core)?,
            ..ForecastOptions::new(freq, self.horizon)
        })
    }
}

/// Which cases count, from the Python keywords: class codes, sources, and days as
/// `YYYY-MM-DD` (`from_day` inclusive, `to_day` exclusive).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct Filter {
    classes: Vec<String>,
    sources: Vec<String>,
    from_day: Option<String>,
    to_day: Option<String>,
}

impl Filter {
    fn filter(self) -> PyResult<CaseFilter> {
        let day = |option: &str, text: Option<String>| -> PyResult<_> {
            text.map(|t| {
                NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                    .map_err(|_| {
                        InputError::new_err(format!("{option} {t:?}: expected YYYY-MM-DD"))
                    })
                    .map(|d| d.and_time(chrono::NaiveTime::MIN))
            })
            .transpose()
        };
        Ok(CaseFilter {
            classes: self.classes,
            sources: self.sources,
            from: day("from_day", self.from_day)?,
            to: day("to_day", self.to_day)?,
        })
    }
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

/// Runs the forecast with the GIL released and converts the tables.
fn run(py: Python<'_>, input: SeriesInput<'_>, options: &ForecastOptions) -> PyResult<Tables> {
    let out = py
        .detach(|| run_forecasts(input, options, None))
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
/// empty or unreadable id, time or value are returned rejected.
#[pyfunction]
#[pyo3(signature = (df, id_col, time_col, value_col, settings))]
pub(crate) fn forecast(
    py: Python<'_>,
    df: PyDataFrame,
    id_col: &str,
    time_col: &str,
    value_col: &str,
    settings: Settings,
) -> PyResult<Tables> {
    let options = settings.options()?;
    let table = df.0;
    let input = SeriesInput::Long {
        table: &table,
        id_col,
        time_col,
        value_col,
    };
    run(py, input, &options)
}

/// Forecasts the case counts of a validated case table per `unit` (grid, community, street,
/// district) and `group` (all, kind, major, class, source), of the cases `filter` keeps.
#[pyfunction]
#[pyo3(signature = (df, unit, group, filter, settings))]
pub(crate) fn forecast_cases(
    py: Python<'_>,
    df: PyDataFrame,
    unit: &str,
    group: &str,
    filter: Filter,
    settings: Settings,
) -> PyResult<Tables> {
    let unit = unit.parse().map_err(errors::analytics)?;
    let group = group.parse().map_err(errors::analytics)?;
    let filter = filter.filter()?;
    let options = settings.options()?;
    let table = df.0;
    let input = SeriesInput::Cases {
        table: &table,
        unit,
        group,
        filter: &filter,
    };
    run(py, input, &options)
}

/// Adds the forecast functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_cases, m)?)?;
    Ok(())
}
