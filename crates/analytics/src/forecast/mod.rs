//! Forecasts of case counts per series: statsforecast's models with its definitions, fallbacks
//! for short and all-zero series, and forecasts that are never negative.
//!
//! [`run_forecasts`] is a whole run, tables in and tables out (what `citygrid forecast` and the
//! Python `citygrid.forecast` do); the modules below are its parts.
//!
//! ```
//! use grid_analytics::forecast::{ForecastOptions, Freq, SeriesInput, run_forecasts};
//! use polars::prelude::*;
//!
//! let table = df!(
//!     "unique_id" => ["a", "a", "a", "b", "b"],
//!     "ds" => ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01", "2024-01-02"],
//!     "y" => [1.0, 3.0, 2.0, 4.0, 4.0],
//! )?;
//! let input = SeriesInput::Long { table: &table, id_col: "unique_id", time_col: "ds", value_col: "y" };
//! let options = ForecastOptions { models: "Naive".parse()?, ..ForecastOptions::new(Freq::Day, 2) };
//! let out = run_forecasts(input, &options, None)?;
//! let mean: Vec<Option<f64>> = out.forecasts.column("mean")?.f64()?.iter().collect();
//! assert_eq!(mean, [Some(2.0), Some(2.0), Some(4.0), Some(4.0)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod backtest;
pub mod coherence;
pub mod ets;
pub mod evaluate;
pub mod models;
pub mod options;
pub mod pipeline;
pub mod places;
pub mod series;
mod tables;

pub use coherence::bottom_up;
pub use ets::{EtsFit, EtsSpec, Season, Trend, fit_ets};
pub use evaluate::{
    ConformalQuantile, CrossValidation, Metric, Scores, choose, choose_by, choose_on,
    conformal_intervals, cross_validate, cross_validate_choice, cutoffs, pooled_best, score,
};
pub use models::{Forecast, Model, forecast};
pub use options::{AUTO_CANDIDATES, Choose, ForecastOptions, ModelSelection};
pub use pipeline::{ForecastTables, SeriesInput, run_forecasts};
pub use places::{PlaceScore, place_scores, window_start, window_totals, window_totals_with};
pub use series::{Freq, Group, Series, Unit, case_series, case_series_counted, long_series};
pub use tables::NESTED;

use crate::error::Result;

/// The model that actually produced a forecast, and the forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesForecast {
    /// The model asked for, or the fallback that answered.
    pub model: Model,
    /// Whether the answer is a fallback.
    pub fallback: bool,
    /// Mean and intervals, never below 0.
    pub forecast: Forecast,
}

/// Forecasts one count series with `model`, never failing: a series too short for the model
/// falls back to Naive (one value is enough), or for ETS first to SES with optimised α; the mean and lower bounds are clipped at 0,
/// because counts cannot be negative.
pub fn forecast_series(
    model: &Model,
    y: &[f64],
    h: usize,
    season: usize,
    levels: &[f64],
) -> Result<SeriesForecast> {
    let (used, fallback, mut out) = match forecast(model, y, h, season, levels) {
        Ok(f) => (*model, false, f),
        Err(e) if y.is_empty() => return Err(e),
        Err(_) => {
            // ETS → SES (optimised α) → Naive; every other model → Naive.
            let ses = Model::SES_OPT;
            match matches!(model, Model::Ets(_)).then(|| forecast(&ses, y, h, season, levels)) {
                Some(Ok(f)) => (ses, true, f),
                _ => (
                    Model::Naive,
                    true,
                    forecast(&Model::Naive, y, h, season, levels)?,
                ),
            }
        }
    };
    for v in &mut out.mean {
        *v = v.max(0.0);
    }
    for (_, lo, hi) in &mut out.intervals {
        for v in lo.iter_mut().chain(hi.iter_mut()) {
            *v = v.max(0.0);
        }
    }
    Ok(SeriesForecast {
        model: used,
        fallback,
        forecast: out,
    })
}
