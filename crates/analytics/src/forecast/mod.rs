//! Forecasts of case counts per series: statsforecast's models with its definitions, fallbacks
//! for short and all-zero series, and forecasts that are never negative.

pub mod coherence;
pub mod ets;
pub mod evaluate;
pub mod models;
pub mod places;
pub mod series;

pub use coherence::bottom_up;
pub use ets::{EtsFit, EtsSpec, Season, Trend, fit_ets};
pub use evaluate::{
    ConformalQuantile, CrossValidation, Metric, Scores, choose, choose_by, choose_on,
    conformal_intervals, cross_validate, cross_validate_choice, cutoffs, pooled_best, score,
};
pub use models::{Forecast, Model, forecast};
pub use places::{PlaceScore, place_scores, window_start, window_totals, window_totals_with};
pub use series::{Freq, Group, Series, Unit, case_series, case_series_counted, long_series};

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
