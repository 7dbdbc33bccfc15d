//! A whole forecast run, table in and tables out: series from a long table or a case table,
//! the automatic choice (per series or pooled), conformal intervals for models without their
//! own, bottom-up sums, cross-validation metrics and the place backtest. `citygrid forecast` and
//! the Python `citygrid.forecast` / `citygrid.forecast_cases` are this function plus file or
//! Arrow conversion.

use chrono::Duration;
use polars::prelude::{BooleanChunked, DataFrame, NewChunkedArray};
use rayon::prelude::*;

use super::backtest::{check_aligned, places_table};
use super::evaluate::{
    ConformalQuantile, CrossValidation, Scores, choose_by, conformal_intervals,
    cross_validate_choice, pooled_best, score,
};
use super::forecast_series;
use super::models::Model;
use super::options::{Choose, ForecastOptions};
use super::places::window_start;
use super::series::{Group, Series, Unit, case_series_counted, long_series};
use super::tables::{
    ForecastRow, NESTED, Rows, ScoreRow, bottom_up_rows, forecast_table, metrics_table,
};
use crate::convert::rejected_table;
use crate::error::{Error, PolarsContext, Result};
use crate::geoparquet::GeoTable;
use crate::hotspot::CaseFilter;
use crate::rejection::Rejection;

/// Where the series come from.
#[derive(Clone, Copy, Debug)]
pub enum SeriesInput<'a> {
    /// A long table, one row per series and period (see [`long_series`]): rows with an empty or
    /// unreadable id, time or value are rejected.
    Long {
        /// The table.
        table: &'a DataFrame,
        /// Its series id column (`unique_id` in `citygrid forecast`).
        id_col: &'a str,
        /// Its time column: dates, date-times or text starting with YYYY-MM-DD (`ds`).
        time_col: &'a str,
        /// Its value column (`y`).
        value_col: &'a str,
    },
    /// A validated case table, counted per unit, group and period (see [`case_series_counted`]).
    Cases {
        /// The table.
        table: &'a DataFrame,
        /// The spatial unit of a series.
        unit: Unit,
        /// The categories a unit's cases are split into.
        group: Group,
        /// Which cases count.
        filter: &'a CaseFilter,
    },
}

/// The tables of a forecast run, and what the caller should tell the user.
#[derive(Debug)]
pub struct ForecastTables {
    /// One row per series, step and model: `unique_id`, `ds` (the start of the period, text
    /// YYYY-MM-DD), `model` (the model that forecast, a fallback's name where the series was
    /// too short, `BottomUp`/`BottomUp(<model>)` for bottom-up sums), `mean`, then
    /// `lo_<level>`/`hi_<level>` per level (the model's own intervals, else conformal ones; null
    /// for bottom-up rows and where a series is too short to calibrate), `fallback`. Series in
    /// id order, each series' models in the order asked for; never negative.
    pub forecasts: DataFrame,
    /// With [`ForecastOptions::metrics`]: per series (`scope` "series") every candidate's
    /// cross-validation `mae`, `rmse`, `mase`, `rmsse`, `coverage_<level>` and whether it was
    /// `chosen`, plus the automatic choice's nested out-of-sample score (model "auto
    /// (nested)"); then the same per candidate over all series (`scope` "overall",
    /// `unique_id` null) and over each series' chosen candidate (model "chosen"). Empty for
    /// listed models (nothing is chosen).
    pub metrics: Option<DataFrame>,
    /// With [`ForecastOptions::places`]: per method (`model`: "auto" or each listed model, then
    /// the SeasonalNaive and HistoricAverage baselines), cross-validation `window` (its first
    /// period, then "mean" over the windows) and `budget_pct`: the `cells` flagged, their
    /// `area_share`, `hit_rate`, `pai` and `pei` (PEI*).
    pub places: Option<DataFrame>,
    /// The rejected rows of a long table with `row_number`, `reject_field`, `reject_reason` and
    /// `reject_detail` in front of their original columns (no rows for a case table).
    pub rejected: DataFrame,
    /// The same rejections as values, in row order.
    pub rejections: Vec<Rejection>,
    /// How many series were forecast.
    pub series: usize,
    /// How many series × models fell back to a simpler model (too short for the one asked for).
    pub fallbacks: usize,
    /// What the user should be warned about (cases not counted).
    pub warnings: Vec<String>,
    /// Summary lines: the pooled choice, the overall scores, the backtest at 5 % of the area.
    pub notes: Vec<String>,
}

/// Runs a forecast: builds the series from `input`, forecasts each with the models `options`
/// ask for, and assembles the tables. `grid`, for the place backtest only, gives the places'
/// areas (a layer whose `code` or `grid_code` column holds the series ids; its grids without a
/// series count as places forecast 0); without it every place counts as the same area.
///
/// Errors: [`Error::InvalidOption`] for an option out of range (see
/// [`ForecastOptions::validate`]), bottom-up sums without grid case series, a place backtest
/// over grouped case series or series that do not end together, a grid layer without codes or
/// without one of the series; [`Error::MissingColumn`] for a missing input column.
pub fn run_forecasts(
    input: SeriesInput<'_>,
    options: &ForecastOptions,
    grid: Option<&GeoTable>,
) -> Result<ForecastTables> {
    options.validate()?;
    let bad = |option: &'static str, message: &str| {
        Err(Error::InvalidOption {
            option,
            message: message.to_owned(),
        })
    };
    let cases_by = match input {
        SeriesInput::Cases { unit, group, .. } => Some((unit, group)),
        SeriesInput::Long { .. } => None,
    };
    if options.places && matches!(cases_by, Some((_, g)) if g != Group::All) {
        return bad(
            "places",
            "the backtest needs one series per place: use group all",
        );
    }
    if options.bottom_up && !matches!(cases_by, Some((Unit::Grid, _))) {
        return bad("bottom_up", "needs case series per grid (unit grid)");
    }
    let mut warnings = Vec::new();
    let (series, rejected, rejections) = match input {
        SeriesInput::Long {
            table,
            id_col,
            time_col,
            value_col,
        } => {
            let (series, rejections) =
                long_series(table, id_col, time_col, value_col, options.freq)?;
            let mut rows = vec![false; table.height()];
            for r in &rejections {
                if let Some(row) = r.row.checked_sub(1).and_then(|i| rows.get_mut(i)) {
                    *row = true;
                }
            }
            let mask = BooleanChunked::from_slice("rejected".into(), &rows);
            let rejected = rejected_table(table, &mask, &rejections)
                .context(|| "assembling the rejected rows".to_owned())?;
            (series, rejected, rejections)
        }
        SeriesInput::Cases {
            table,
            unit,
            group,
            filter,
        } => {
            let (series, missing) = case_series_counted(table, unit, group, options.freq, filter)?;
            if missing > 0 {
                warnings.push(format!(
                    "{missing} cases have no {} (or no report time) and are not counted",
                    unit.column()
                ));
            }
            let mask = BooleanChunked::from_slice("rejected".into(), &vec![false; table.height()]);
            let rejected = rejected_table(table, &mask, &[])
                .context(|| "assembling the rejected rows".to_owned())?;
            (series, rejected, Vec::new())
        }
    };
    if options.places {
        check_aligned(&series, options.freq)?;
    }
    let mut notes = Vec::new();
    let pooled = (options.models.is_auto() && options.choose == Choose::Pooled)
        .then(|| pooled_choice(&series, options));
    if let Some(p) = &pooled {
        notes.push(format!(
            "pooled choice over {} series: {}",
            p.scores.iter().flatten().count(),
            options.models.models().get(p.best).map_or("-", Model::name)
        ));
    }
    let mut rows: Vec<Rows> = series
        .par_iter()
        .enumerate()
        .map(|s| one_series(s, options, pooled.as_ref()))
        .collect::<Result<_>>()?;
    if options.bottom_up {
        rows.push(bottom_up_rows(&rows, options.horizon));
    }
    let forecasts = forecast_table(&rows, &options.levels)?;
    let metrics = if options.metrics {
        let (table, lines) = metrics_table(&rows, &options.levels)?;
        notes.extend(lines);
        Some(table)
    } else {
        None
    };
    let places = if options.places {
        let nested = pooled.as_ref().map(|p| p.nested.as_slice());
        let backtest = places_table(&series, options, nested, grid)?;
        notes.extend(backtest.notes);
        Some(backtest.table)
    } else {
        None
    };
    let fallbacks = rows
        .iter()
        .flat_map(|r| &r.forecasts)
        .filter(|f| f.fallback)
        .count()
        / options.horizon;
    Ok(ForecastTables {
        forecasts,
        metrics,
        places,
        rejected,
        rejections,
        series: series.len(),
        fallbacks,
        warnings,
        notes,
    })
}

/// The pooled choice, made before the series are forecast.
struct Pooled {
    /// Position of the chosen candidate.
    best: usize,
    /// Each series' cross-validation scores per candidate (`None`: too short).
    scores: Vec<Option<Vec<Scores>>>,
    /// Per window (oldest first, counted back from the end), the pooled choice made on the data
    /// before that window only: the nested evaluation's models.
    nested: Vec<Model>,
}

/// Cross-validates every candidate on every series and pools the scores: the choice on the
/// whole history and, per window, on the history before it.
fn pooled_choice(series: &[Series], options: &ForecastOptions) -> Pooled {
    let (models, metric) = (options.models.models(), options.score);
    let (cv, season) = (options.cross_validation(), options.season_length());
    let scores: Vec<Option<Vec<Scores>>> = series
        .par_iter()
        .map(|s| {
            choose_by(metric, models, &s.values, &cv, season, &options.levels)
                .ok()
                .map(|r| r.1)
        })
        .collect();
    let present: Vec<Vec<Scores>> = scores.iter().flatten().cloned().collect();
    let best = pooled_best(metric, &present);
    let nested = (0..cv.n_windows)
        .map(|w| {
            let inner: Vec<Vec<Scores>> = series
                .par_iter()
                .filter_map(|s| {
                    let cut = window_start(s.values.len(), w, &cv)?;
                    choose_by(metric, models, &s.values[..cut], &cv, season, &[])
                        .ok()
                        .map(|r| r.1)
                })
                .collect();
            if inner.is_empty() {
                Model::Naive
            } else {
                models
                    .get(pooled_best(metric, &inner))
                    .copied()
                    .unwrap_or(Model::Naive)
            }
        })
        .collect();
    Pooled {
        best,
        scores,
        nested,
    }
}

/// One series' forecast rows (per model asked for, or the chosen one) and, for the automatic
/// choice, its score rows.
fn one_series(
    (index, s): (usize, &Series),
    options: &ForecastOptions,
    pooled: Option<&Pooled>,
) -> Result<Rows> {
    let models = options.models.models();
    let auto = options.models.is_auto();
    let (cv, season, levels) = (
        options.cross_validation(),
        options.season_length(),
        options.levels.as_slice(),
    );
    let mut rows = Rows::default();
    let chosen: Vec<Model> = if let Some(p) = pooled {
        let scores = p.scores.get(index).and_then(Option::as_ref);
        if let Some(scores) = scores {
            for (c, (m, sc)) in models.iter().zip(scores).enumerate() {
                rows.metrics
                    .push(ScoreRow::new(&s.id, m.name(), sc, levels, c == p.best));
            }
            // The nested score over the same series as the candidates' rows.
            if options.metrics {
                nested_pooled_score(&mut rows, s, &p.nested, &cv, season, levels);
            }
        }
        models.get(p.best).copied().into_iter().collect()
    } else if auto {
        match choose_by(options.score, models, &s.values, &cv, season, levels) {
            Ok((best, scores)) => {
                for (m, sc) in models.iter().zip(&scores) {
                    let chosen = models.get(best) == Some(m);
                    rows.metrics
                        .push(ScoreRow::new(&s.id, m.name(), sc, levels, chosen));
                }
                // The choice's own out-of-sample score, chosen anew before each window.
                if options.metrics
                    && let Ok(w) =
                        cross_validate_choice(options.score, models, &s.values, &cv, season, levels)
                {
                    let sc = score(&s.values, &w, season);
                    rows.metrics
                        .push(ScoreRow::new(&s.id, NESTED, &sc, levels, false));
                }
                models.get(best).copied().into_iter().collect()
            }
            // Too short to cross-validate: Naive.
            Err(_) => vec![Model::Naive],
        }
    } else {
        models.to_vec()
    };
    let days = options.freq.days();
    let next = s.start + Duration::days(days * s.values.len() as i64);
    for model in &chosen {
        let mut f = forecast_series(model, &s.values, options.horizon, season, levels)?;
        // Models without their own intervals get conformal ones from cross-validation errors.
        if f.forecast.intervals.is_empty() && !levels.is_empty() {
            // As many calibration windows as asked for and the series holds (at least 2).
            let fit =
                (s.values.len().saturating_sub(1) / options.horizon).min(options.conformal_windows);
            if let Some(mut intervals) = conformal_intervals(
                &f.model,
                &s.values,
                options.horizon,
                season,
                fit.max(2),
                levels,
                &f.forecast.mean,
                ConformalQuantile::FiniteSample,
            ) {
                for (_, lo, hi) in &mut intervals {
                    for v in lo.iter_mut().chain(hi.iter_mut()) {
                        *v = v.max(0.0);
                    }
                }
                f.forecast.intervals = intervals;
            }
        }
        for (k, mean) in f.forecast.mean.iter().enumerate().take(options.horizon) {
            let ds = (next + Duration::days(days * k as i64)).to_string();
            let bounds = f
                .forecast
                .intervals
                .iter()
                .map(|(_, lo, hi)| (lo[k], hi[k]))
                .collect();
            rows.forecasts.push(ForecastRow {
                id: s.id.clone(),
                ds,
                requested: if auto { "auto" } else { model.name() },
                model: f.model.name().into(),
                mean: *mean,
                bounds,
                fallback: f.fallback,
            });
        }
    }
    Ok(rows)
}

/// Adds the pooled choice's nested score on series `s`: each window forecast by the pooled
/// choice made before it.
fn nested_pooled_score(
    rows: &mut Rows,
    s: &Series,
    nested: &[Model],
    cv: &CrossValidation,
    season: usize,
    levels: &[f64],
) {
    let windows: Vec<_> = nested
        .iter()
        .enumerate()
        .filter_map(|(w, model)| {
            let cut = window_start(s.values.len(), w, cv)?;
            let f = forecast_series(model, &s.values[..cut], cv.h, season, levels).ok()?;
            Some((cut, f.forecast))
        })
        .collect();
    if !windows.is_empty() {
        let sc = score(&s.values, &windows, season);
        rows.metrics
            .push(ScoreRow::new(&s.id, NESTED, &sc, levels, false));
    }
}
