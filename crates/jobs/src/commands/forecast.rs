//! `citygrid forecast`: forecasts per series, from any long-format table or from a case table.

use std::borrow::Cow;
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::Duration;
use grid_analytics::convert::rejected_table;
use grid_analytics::forecast::{
    ConformalQuantile, CrossValidation, Freq, Group, Metric, Model, PlaceScore, Scores, Series,
    Unit, bottom_up, case_series_counted, choose_by, conformal_intervals, cross_validate_choice,
    forecast_series, long_series, place_scores, pooled_best, score, window_start, window_totals,
    window_totals_with,
};
use grid_analytics::grid_io::read_layer;
use grid_analytics::table_io::{read_table, rejected_path, write_table};
use grid_core::measure::area_m2;
use grid_core::{Crs, Transformer};
use polars::prelude::{BooleanChunked, Column, DataFrame, NewChunkedArray};
use rayon::prelude::*;
use tracing::{info, warn};

use super::filter::CaseFilterArgs;
use super::report::{remove_stale, report_rejections};
use crate::exit::{Outcome, input};

/// The candidates `--models auto` chooses among.
const AUTO: [&str; 9] = [
    "Naive",
    "SeasonalNaive",
    "HistoricAverage",
    "WindowAverage",
    "SESOpt",
    "CrostonSBA",
    "TSB",
    "ADIDA",
    "IMAPA",
];

/// Arguments of `citygrid forecast`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes OUT with one row per series, step and model: unique_id, ds (start \
of the period), model, mean, lo_<level>/hi_<level> (the model's own intervals, or conformal ones \
from the absolute errors of up to --conformal-windows windows of --horizon steps, split \
conformal's finite-sample quantile), fallback (true where a \
series too short for the model got a fallback). Forecasts are never negative. With --models \
auto each series gets the candidate with the lowest cross-validated --score (rolling origin: \
--windows cutoffs --step-size apart, each forecasting --horizon steps), or with --choose pooled \
every series the candidate best over all; --metrics-out writes every candidate's MAE, RMSE, MASE, \
RMSSE and interval coverage per series and overall, and the choice's nested out-of-sample \
score (model \"auto (nested)\"); --places-out backtests next-period hot spots (docs/forecasts.md)."
)]
pub struct Args {
    /// A long table of series (.csv or .parquet).
    #[arg(long, value_name = "FILE", required_unless_present = "cases")]
    series: Option<PathBuf>,
    /// Its series id column.
    #[arg(long, default_value = "unique_id", value_name = "COLUMN")]
    id_col: String,
    /// Its time column (dates).
    #[arg(long, default_value = "ds", value_name = "COLUMN")]
    time_col: String,
    /// Its value column.
    #[arg(long, default_value = "y", value_name = "COLUMN")]
    value_col: String,
    /// Or: a validated case table, counted per --unit and --group.
    #[arg(long, value_name = "FILE", conflicts_with = "series")]
    cases: Option<PathBuf>,
    /// With --cases: grid, community, street or district.
    #[arg(long, default_value = "grid", value_name = "UNIT")]
    unit: Unit,
    /// With --cases: all, kind, major, class or source.
    #[arg(long, default_value = "all", value_name = "GROUP")]
    group: Group,
    /// With --cases: which cases count.
    #[command(flatten)]
    filter: CaseFilterArgs,
    /// day or week.
    #[arg(long, value_name = "FREQ")]
    freq: Freq,
    /// Steps to forecast.
    #[arg(long, value_name = "H")]
    horizon: usize,
    /// Season length (default 7 for days, 52 for weeks).
    #[arg(long, value_name = "M")]
    season: Option<usize>,
    /// auto (choose among Naive, SeasonalNaive, HistoricAverage, WindowAverage, SESOpt,
    /// CrostonSBA, TSB, ADIDA, IMAPA), auto:LIST (choose among the listed models, e.g.
    /// auto:HistoricAverage,SESOpt,AutoETS), or a comma-separated list of models: Naive,
    /// SeasonalNaive, HistoricAverage, WindowAverage[:K], SES[:α], SESOpt, CrostonClassic,
    /// CrostonSBA, CrostonOptimized, TSB, ADIDA, IMAPA, AutoETS (additive-error ETS chosen by
    /// AICc), or ETS:ANN, ETS:AAN, ETS:AAdN, ETS:ANA, ETS:AAA, ETS:AAdA for one form.
    #[arg(long, default_value = "auto", value_name = "MODELS")]
    models: String,
    /// Prediction interval levels, %.
    #[arg(
        long,
        default_value = "80,95",
        value_delimiter = ',',
        value_name = "LEVELS"
    )]
    level: Vec<f64>,
    /// Cross-validation windows for --models auto.
    #[arg(long, default_value_t = 3)]
    windows: usize,
    /// What --models auto minimises: mase (MAE where the scale is 0) or rmsse (RMSE where the
    /// scale is 0). MAE rewards forecasts of 0 on mostly-zero series; rmsse suits grid-level
    /// counts whose forecasts rank places (docs/forecasts.md).
    #[arg(long, default_value = "mase", value_name = "METRIC")]
    score: Metric,
    /// With --models auto: series (each series its own model) or pooled (one model for all
    /// series, the lowest mean score; steadier on short or mostly-zero series).
    #[arg(long, value_enum, default_value = "series")]
    choose: Choose,
    /// Calibration windows for conformal intervals (models without their own), as many as the
    /// series holds up to this; 19 or more give a 95 % interval its finite-sample guarantee.
    #[arg(long, default_value_t = 20)]
    conformal_windows: usize,
    /// Steps between cross-validation cutoffs (default: the horizon).
    #[arg(long)]
    step_size: Option<usize>,
    /// Output: .parquet or .csv.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// With --cases --unit grid: also write community, street and district forecasts as the sums
    /// of their grids' (model BottomUp for --models auto, BottomUp(<model>) per listed model;
    /// bottom-up is the one reconciliation offered so far).
    #[arg(long)]
    bottom_up: bool,
    /// Cross-validation scores per series and candidate (.parquet or .csv), then per candidate
    /// over all series (scope "overall").
    #[arg(long, value_name = "FILE")]
    metrics_out: Option<PathBuf>,
    /// Place-based backtest of next-period hot-spot forecasts (.parquet or .csv): in each
    /// cross-validation window, flag the places with the highest forecast totals within each
    /// area budget, for the model(s) asked for and the SeasonalNaive and HistoricAverage
    /// baselines; hit rate, PAI and PEI* per model, window and budget, and their mean over windows.
    #[arg(long, value_name = "FILE")]
    places_out: Option<PathBuf>,
    /// Area budgets for --places-out, % of the total area.
    #[arg(
        long,
        default_value = "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20",
        value_delimiter = ',',
        value_name = "PERCENTS"
    )]
    budgets: Vec<f64>,
    /// Grid layer (GeoJSON or GeoParquet, code or grid_code column) whose areas weigh the
    /// places in --places-out; without it every place counts as the same area.
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// Projected CRS for areas when --grid is in longitude/latitude.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
}

/// One forecast step of one series and model.
struct ForecastRow {
    id: String,
    ds: String,
    /// The model asked for ("auto" with --models auto), which bottom-up sums group by.
    requested: &'static str,
    model: Cow<'static, str>,
    mean: f64,
    /// (lower, upper) per level.
    bounds: Vec<(f64, f64)>,
    fallback: bool,
}

/// One candidate's cross-validation scores on one series.
struct ScoreRow {
    id: String,
    model: &'static str,
    mae: f64,
    rmse: f64,
    mase: Option<f64>,
    rmsse: Option<f64>,
    /// Per level; NaN where the model has no intervals.
    coverage: Vec<f64>,
    chosen: bool,
}

/// One series' forecast rows and score rows.
#[derive(Default)]
struct Rows {
    forecasts: Vec<ForecastRow>,
    metrics: Vec<ScoreRow>,
}

/// Runs `citygrid forecast`.
pub fn run(args: &Args) -> Result<Outcome> {
    if args.horizon == 0 {
        return Err(input(anyhow::anyhow!(
            "--horizon 0: expected at least 1 step"
        )));
    }
    if args.conformal_windows < 2 {
        return Err(input(anyhow::anyhow!(
            "--conformal-windows {}: expected at least 2",
            args.conformal_windows
        )));
    }
    if args.windows == 0 || args.step_size == Some(0) {
        return Err(input(anyhow::anyhow!(
            "--windows and --step-size: expected at least 1"
        )));
    }
    if let Some(b) = args.budgets.iter().find(|b| !(**b > 0.0 && **b <= 100.0)) {
        return Err(input(anyhow::anyhow!(
            "--budgets {b}: expected a percentage above 0 and at most 100"
        )));
    }
    if args.places_out.is_some() && args.cases.is_some() && args.group != Group::All {
        return Err(input(anyhow::anyhow!(
            "--places-out needs one series per place: use --group all"
        )));
    }
    if let Some(l) = args.level.iter().find(|l| !(**l > 0.0 && **l < 100.0)) {
        return Err(input(anyhow::anyhow!(
            "--level {l}: expected a percentage between 0 and 100"
        )));
    }
    let spec = args.models.trim();
    let auto = spec == "auto" || spec.starts_with("auto:");
    let names: Vec<&str> = match spec.strip_prefix("auto:") {
        Some(list) => list.split(',').collect(),
        None if auto => AUTO.to_vec(),
        None => spec.split(',').collect(),
    };
    let models: Vec<Model> = names
        .iter()
        .map(|m| m.parse::<Model>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| input(anyhow::anyhow!("--models: {e}")))?;
    let season = args.season.unwrap_or(args.freq.season());
    let (series, source, rejected) = match (&args.series, &args.cases) {
        (Some(path), _) => {
            let table = read_table(path).map_err(input)?;
            let (series, rejections) = long_series(
                &table,
                &args.id_col,
                &args.time_col,
                &args.value_col,
                args.freq,
            )
            .map_err(|e| input(anyhow::anyhow!("{}: {e}", path.display())))?;
            let rejected_out = rejected_path(&args.out);
            remove_stale(&rejected_out)?;
            if !rejections.is_empty() {
                let mut rejected_rows = vec![false; table.height()];
                for r in &rejections {
                    rejected_rows[r.row - 1] = true;
                }
                let mask = BooleanChunked::from_slice("rejected".into(), &rejected_rows);
                let mut rejected = rejected_table(&table, &mask, &rejections)
                    .context("assembling the rejected rows")?;
                write_table(&mut rejected, &rejected_out)
                    .with_context(|| format!("writing {}", rejected_out.display()))?;
                report_rejections(path, &rejections, &rejected_out);
            }
            (series, path.clone(), rejections.len())
        }
        (None, Some(path)) => {
            let table = read_table(path).map_err(input)?;
            let (series, missing) = case_series_counted(
                &table,
                args.unit,
                args.group,
                args.freq,
                &args.filter.filter(),
            )
            .map_err(|e| input(anyhow::anyhow!("{}: {e}", path.display())))?;
            if missing > 0 {
                warn!(
                    "{}: {missing} cases have no {} (or no report time) and are not counted",
                    path.display(),
                    args.unit.column()
                );
            }
            (series, path.clone(), 0)
        }
        _ => return Err(input(anyhow::anyhow!("give --series or --cases"))),
    };
    if args.places_out.is_some() {
        check_aligned(&series, args.freq)?;
    }
    let cv = CrossValidation {
        h: args.horizon,
        n_windows: args.windows,
        step_size: args.step_size.unwrap_or(args.horizon),
    };
    let levels = &args.level;
    let pooled = (auto && args.choose == Choose::Pooled)
        .then(|| pooled_choice(&series, &models, &cv, season, levels, args.score));
    let rows: Vec<Rows> = series
        .par_iter()
        .enumerate()
        .map(|s| one_series(s, &models, auto, pooled.as_ref(), &cv, season, levels, args))
        .collect::<Result<_>>()?;
    let mut rows = rows;
    if args.bottom_up {
        if args.cases.is_none() || args.unit != Unit::Grid {
            return Err(input(anyhow::anyhow!(
                "--bottom-up needs --cases with --unit grid"
            )));
        }
        rows.push(bottom_up_rows(&rows, args.horizon)?);
    }
    let mut table = forecast_table(&rows, levels)?;
    write_table(&mut table, &args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    if let Some(path) = &args.metrics_out {
        let mut metrics = metrics_table(&rows, levels)?;
        write_table(&mut metrics, path).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.places_out {
        let mut places = places_table(&series, &models, auto, pooled.as_ref(), &cv, season, args)?;
        write_table(&mut places, path).with_context(|| format!("writing {}", path.display()))?;
    }
    let fallbacks = rows
        .iter()
        .flat_map(|r| &r.forecasts)
        .filter(|f| f.fallback)
        .count()
        / args.horizon;
    info!(
        "{} series from {}, {} steps of a {}: {} forecasts ({} fell back to Naive) -> {}",
        series.len(),
        source.display(),
        args.horizon,
        args.freq,
        table.height() / args.horizon,
        fallbacks,
        args.out.display()
    );
    Ok(if rejected == 0 {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

/// How `--models auto` chooses: per series, or one model for all (`--choose pooled`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Choose {
    /// Each series its own model (statsforecast users' way).
    Series,
    /// One model for every series, the lowest mean score over all of them.
    Pooled,
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
fn pooled_choice(
    series: &[Series],
    models: &[Model],
    cv: &CrossValidation,
    season: usize,
    levels: &[f64],
    metric: Metric,
) -> Pooled {
    let scores: Vec<Option<Vec<Scores>>> = series
        .par_iter()
        .map(|s| {
            choose_by(metric, models, &s.values, cv, season, levels)
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
                    let cut = window_start(s.values.len(), w, cv)?;
                    choose_by(metric, models, &s.values[..cut], cv, season, &[])
                        .ok()
                        .map(|r| r.1)
                })
                .collect();
            if inner.is_empty() {
                Model::Naive
            } else {
                models[pooled_best(metric, &inner)]
            }
        })
        .collect();
    info!(
        "pooled choice over {} series: {}",
        present.len(),
        models[best].name()
    );
    Pooled {
        best,
        scores,
        nested,
    }
}

#[allow(clippy::too_many_arguments)]
fn one_series(
    (index, s): (usize, &Series),
    models: &[Model],
    auto: bool,
    pooled: Option<&Pooled>,
    cv: &CrossValidation,
    season: usize,
    levels: &[f64],
    args: &Args,
) -> Result<Rows> {
    let mut rows = Rows::default();
    let chosen: Vec<Model> = if let Some(p) = pooled {
        if let Some(scores) = &p.scores[index] {
            for (c, (m, sc)) in models.iter().zip(scores).enumerate() {
                rows.metrics
                    .push(score_row(&s.id, m.name(), sc, levels, c == p.best));
            }
        }
        // The nested score over the same series as the candidates' rows.
        if args.metrics_out.is_some() && p.scores[index].is_some() {
            let windows: Vec<_> = (0..cv.n_windows)
                .filter_map(|w| {
                    let cut = window_start(s.values.len(), w, cv)?;
                    let f = forecast_series(&p.nested[w], &s.values[..cut], cv.h, season, levels)
                        .ok()?;
                    Some((cut, f.forecast))
                })
                .collect();
            if !windows.is_empty() {
                let sc = score(&s.values, &windows, season);
                rows.metrics
                    .push(score_row(&s.id, NESTED, &sc, levels, false));
            }
        }
        vec![models[p.best]]
    } else if auto {
        match choose_by(args.score, models, &s.values, cv, season, levels) {
            Ok((best, scores)) => {
                for (m, sc) in models.iter().zip(&scores) {
                    rows.metrics
                        .push(score_row(&s.id, m.name(), sc, levels, *m == models[best]));
                }
                // The choice's own out-of-sample score, chosen anew before each window.
                if args.metrics_out.is_some()
                    && let Ok(w) =
                        cross_validate_choice(args.score, models, &s.values, cv, season, levels)
                {
                    let sc = score(&s.values, &w, season);
                    rows.metrics
                        .push(score_row(&s.id, NESTED, &sc, levels, false));
                }
                vec![models[best]]
            }
            // Too short to cross-validate: Naive.
            Err(_) => vec![Model::Naive],
        }
    } else {
        models.to_vec()
    };
    let days = args.freq.days();
    let next = s.start + Duration::days(days * s.values.len() as i64);
    for model in &chosen {
        let mut f = forecast_series(model, &s.values, args.horizon, season, levels)?;
        // Models without their own intervals get conformal ones from cross-validation errors.
        if f.forecast.intervals.is_empty() && !levels.is_empty() {
            // As many calibration windows as asked for and the series holds (at least 2).
            let fit = (s.values.len().saturating_sub(1) / args.horizon).min(args.conformal_windows);
            if let Some(mut intervals) = conformal_intervals(
                &f.model,
                &s.values,
                args.horizon,
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
        for k in 0..args.horizon {
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
                mean: f.forecast.mean[k],
                bounds,
                fallback: f.fallback,
            });
        }
    }
    Ok(rows)
}

/// The metrics label of the automatic choice scored out of sample.
const NESTED: &str = "auto (nested)";

fn score_row(id: &str, model: &'static str, sc: &Scores, levels: &[f64], chosen: bool) -> ScoreRow {
    ScoreRow {
        id: id.to_owned(),
        model,
        mae: sc.mae,
        rmse: sc.rmse,
        mase: sc.mase,
        rmsse: sc.rmsse,
        coverage: levels
            .iter()
            .map(|l| {
                sc.coverage
                    .iter()
                    .find(|c| c.0 == *l)
                    .map_or(f64::NAN, |c| c.1)
            })
            .collect(),
        chosen,
    }
}

/// The place-based backtest: per method (the model or models asked for, then the SeasonalNaive
/// and HistoricAverage baselines), window and budget, the places flagged by forecast totals and
/// what they caught; then each method's mean over the windows (window "mean").
#[allow(clippy::too_many_arguments)]
fn places_table(
    series: &[Series],
    models: &[Model],
    auto: bool,
    pooled: Option<&Pooled>,
    cv: &CrossValidation,
    season: usize,
    args: &Args,
) -> Result<DataFrame> {
    let days = args.freq.days();
    let last = check_aligned(series, args.freq)?;
    let mut methods: Vec<(&str, Vec<Model>)> = if auto {
        vec![("auto", models.to_vec())]
    } else {
        models.iter().map(|m| (m.name(), vec![*m])).collect()
    };
    for baseline in [Model::SeasonalNaive, Model::HistoricAverage] {
        if !methods.iter().any(|(_, c)| c.as_slice() == [baseline]) {
            methods.push((baseline.name(), vec![baseline]));
        }
    }
    // Grids of the layer without any case are places too: forecast 0, no cases, their area.
    let (areas, empty) = match &args.grid {
        Some(path) => place_areas(path, series, args.working_crs)?,
        None => (vec![1.0; series.len()], Vec::new()),
    };
    let areas: Vec<f64> = areas.into_iter().chain(empty.iter().copied()).collect();
    let budgets: Vec<f64> = args.budgets.iter().map(|b| b / 100.0).collect();
    let span = cv.h + cv.step_size * (cv.n_windows - 1);
    let mut out: Vec<(&str, String, PlaceScore)> = Vec::new();
    for (label, candidates) in &methods {
        let totals: Vec<Vec<(f64, f64)>> = series
            .par_iter()
            .map(|s| match pooled {
                Some(p) if *label == "auto" => {
                    window_totals_with(&s.values, cv, season, |w, _| p.nested[w])
                }
                _ => window_totals(args.score, candidates, &s.values, cv, season),
            })
            .collect();
        let mut mean: Vec<PlaceScore> = budgets
            .iter()
            .map(|b| PlaceScore {
                budget: *b,
                cells: 0.0,
                area_share: 0.0,
                hit_rate: 0.0,
                pai: 0.0,
                pei: 0.0,
            })
            .collect();
        let windows = cv.n_windows as f64;
        for w in 0..cv.n_windows {
            let zeros = std::iter::repeat_n(0.0, empty.len());
            let forecast: Vec<f64> = totals.iter().map(|t| t[w].0).chain(zeros.clone()).collect();
            let actual: Vec<f64> = totals.iter().map(|t| t[w].1).chain(zeros).collect();
            let first = last - Duration::days(days * (span - w * cv.step_size) as i64);
            for (k, score) in place_scores(&forecast, &actual, &areas, &budgets)
                .into_iter()
                .enumerate()
            {
                let m = &mut mean[k];
                m.cells += score.cells / windows;
                m.area_share += score.area_share / windows;
                m.hit_rate += score.hit_rate / windows;
                m.pai += score.pai / windows;
                m.pei += score.pei / windows;
                out.push((label, first.to_string(), score));
            }
        }
        if let Some(m) = mean.iter().find(|m| (m.budget - 0.05).abs() < 1e-12) {
            info!(
                "places, {label}: at 5 % of the area, hit rate {:.3}, PAI {:.2}, PEI* {:.3} (mean of {} windows)",
                m.hit_rate, m.pai, m.pei, cv.n_windows
            );
        }
        out.extend(mean.into_iter().map(|m| (*label, "mean".to_owned(), m)));
    }
    let column = |name: &str, f: &dyn Fn(&PlaceScore) -> f64| {
        Column::new(name.into(), out.iter().map(|r| f(&r.2)).collect::<Vec<_>>())
    };
    Ok(DataFrame::new(
        out.len(),
        vec![
            Column::new("model".into(), out.iter().map(|r| r.0).collect::<Vec<_>>()),
            Column::new(
                "window".into(),
                out.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
            ),
            column("budget_pct", &|p| p.budget * 100.0),
            Column::new(
                "cells".into(),
                out.iter().map(|r| r.2.cells).collect::<Vec<_>>(),
            ),
            column("area_share", &|p| p.area_share),
            column("hit_rate", &|p| p.hit_rate),
            column("pai", &|p| p.pai),
            column("pei", &|p| p.pei),
        ],
    )?)
}

/// The end (exclusive) common to every series: the place backtest compares places window by
/// window, so every series must end on the same period.
fn check_aligned(series: &[Series], freq: Freq) -> Result<chrono::NaiveDate> {
    let end = |s: &Series| s.start + Duration::days(freq.days() * s.values.len() as i64);
    let Some(last) = series.first().map(end) else {
        return Err(input(anyhow::anyhow!("--places-out: there are no series")));
    };
    if let Some(s) = series.iter().find(|s| end(s) != last) {
        return Err(input(anyhow::anyhow!(
            "--places-out compares places window by window, so every series must end on the \
             same period: {} ends before {}, others before {last}",
            s.id,
            end(s)
        )));
    }
    Ok(last)
}

/// Each series' area in m², from a grid layer whose codes are the series ids, and the areas of
/// the layer's grids that have no series.
fn place_areas(
    path: &std::path::Path,
    series: &[Series],
    working: Crs,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let name = path.display().to_string();
    let layer = read_layer(path).map_err(input)?;
    let codes = super::layer::grid_codes(&layer, path)?;
    let crs = if layer.crs.is_geographic().map_err(input)? {
        working
    } else {
        layer.crs
    };
    let to_metres = Transformer::new(layer.crs, crs).map_err(input)?;
    let mut area_of: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    for (code, geometry) in codes.str()?.iter().zip(&layer.geometries) {
        if let (Some(c), Some(g)) = (code, geometry) {
            let g = to_metres.transform_geometry(g).map_err(input)?;
            area_of.insert(c.to_owned(), area_m2(&g, crs).map_err(input)?);
        }
    }
    let areas = series
        .iter()
        .map(|s| {
            area_of.remove(&s.id).ok_or_else(|| {
                input(anyhow::anyhow!(
                    "{name}: series {} has no grid of that code in the layer",
                    s.id
                ))
            })
        })
        .collect::<Result<Vec<f64>>>()?;
    // The rest in code order, so the output does not depend on hashing.
    let mut rest: Vec<(String, f64)> = area_of.into_iter().collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((areas, rest.into_iter().map(|(_, a)| a).collect()))
}

/// Community, street and district rows summed from the grid rows, per model (with `auto`, each
/// grid's chosen model).
fn bottom_up_rows(rows: &[Rows], horizon: usize) -> Result<Rows> {
    let mut by_model: std::collections::BTreeMap<&str, Vec<(String, Vec<f64>)>> =
        Default::default();
    let mut dates: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for r in rows {
        for chunk in r.forecasts.chunks(horizon) {
            let Some(first) = chunk.first() else { continue };
            let label = first.requested;
            by_model
                .entry(label)
                .or_default()
                .push((first.id.clone(), chunk.iter().map(|f| f.mean).collect()));
            dates
                .entry(label)
                .or_insert_with(|| chunk.iter().map(|f| f.ds.clone()).collect());
        }
    }
    let mut out = Rows::default();
    for (label, list) in by_model {
        for unit in [Unit::Community, Unit::Street, Unit::District] {
            let (sums, _) = bottom_up(&list, unit);
            for (id, values) in sums {
                for (k, v) in values.into_iter().enumerate() {
                    out.forecasts.push(ForecastRow {
                        id: id.clone(),
                        ds: dates[label][k].clone(),
                        requested: label,
                        model: bottom_up_name(label),
                        mean: v,
                        bounds: Vec::new(),
                        fallback: false,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The model name of bottom-up rows: `BottomUp` for the chosen models, `BottomUp(<model>)` for a
/// listed one.
fn bottom_up_name(label: &str) -> Cow<'static, str> {
    match label {
        "auto" => Cow::Borrowed("BottomUp"),
        model => Cow::Owned(format!("BottomUp({model})")),
    }
}

fn level_name(l: f64) -> String {
    if l.fract() == 0.0 {
        format!("{}", l as i64)
    } else {
        format!("{l}")
    }
}

fn forecast_table(rows: &[Rows], levels: &[f64]) -> Result<DataFrame> {
    let all: Vec<_> = rows.iter().flat_map(|r| &r.forecasts).collect();
    let mut columns = vec![
        Column::new(
            "unique_id".into(),
            all.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "ds".into(),
            all.iter().map(|r| r.ds.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "model".into(),
            all.iter().map(|r| r.model.as_ref()).collect::<Vec<_>>(),
        ),
        Column::new(
            "mean".into(),
            all.iter().map(|r| r.mean).collect::<Vec<_>>(),
        ),
    ];
    for (k, l) in levels.iter().enumerate() {
        let name = level_name(*l);
        columns.push(Column::new(
            format!("lo_{name}").into(),
            all.iter()
                .map(|r| r.bounds.get(k).map(|b| b.0))
                .collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            format!("hi_{name}").into(),
            all.iter()
                .map(|r| r.bounds.get(k).map(|b| b.1))
                .collect::<Vec<_>>(),
        ));
    }
    columns.push(Column::new(
        "fallback".into(),
        all.iter().map(|r| r.fallback).collect::<Vec<_>>(),
    ));
    Ok(DataFrame::new(all.len(), columns)?)
}

/// Every series' scores, then per candidate over all series (unique_id empty, scope "overall"):
/// MAE and MASE averaged over the series that have them, RMSE as the root of the mean square
/// (every series has the same number of window steps), coverage averaged; and the same for
/// each series' chosen candidate (model "chosen").
fn metrics_table(rows: &[Rows], levels: &[f64]) -> Result<DataFrame> {
    let per_series: Vec<&ScoreRow> = rows.iter().flat_map(|r| &r.metrics).collect();
    let mut names: Vec<&'static str> = Vec::new();
    for r in &per_series {
        if !names.contains(&r.model) {
            names.push(r.model);
        }
    }
    let overall = |label: &'static str, pick: &dyn Fn(&ScoreRow) -> bool| -> Option<ScoreRow> {
        let rows: Vec<&&ScoreRow> = per_series.iter().filter(|r| pick(r)).collect();
        if rows.is_empty() {
            return None;
        }
        let n = rows.len() as f64;
        let mases: Vec<f64> = rows.iter().filter_map(|r| r.mase).collect();
        let rmsses: Vec<f64> = rows.iter().filter_map(|r| r.rmsse).collect();
        Some(ScoreRow {
            id: String::new(),
            model: label,
            mae: rows.iter().map(|r| r.mae).sum::<f64>() / n,
            rmse: (rows.iter().map(|r| r.rmse * r.rmse).sum::<f64>() / n).sqrt(),
            mase: (!mases.is_empty()).then(|| mases.iter().sum::<f64>() / mases.len() as f64),
            rmsse: (!rmsses.is_empty()).then(|| rmsses.iter().sum::<f64>() / rmsses.len() as f64),
            coverage: (0..levels.len())
                .map(|k| {
                    let c: Vec<f64> = rows
                        .iter()
                        .filter_map(|r| r.coverage.get(k).copied().filter(|v| !v.is_nan()))
                        .collect();
                    if c.is_empty() {
                        f64::NAN
                    } else {
                        c.iter().sum::<f64>() / c.len() as f64
                    }
                })
                .collect(),
            chosen: false,
        })
    };
    let mut summary: Vec<ScoreRow> = names
        .iter()
        .filter_map(|name| overall(name, &|r: &ScoreRow| r.model == *name))
        .collect();
    summary.extend(overall("chosen", &|r: &ScoreRow| r.chosen));
    for r in &summary {
        info!(
            "cross-validation over all series, {}: MAE {:.4}, RMSE {:.4}, MASE {}, RMSSE {}",
            r.model,
            r.mae,
            r.rmse,
            r.mase.map_or("-".to_owned(), |m| format!("{m:.4}")),
            r.rmsse.map_or("-".to_owned(), |m| format!("{m:.4}"))
        );
    }
    let scope: Vec<&str> = per_series
        .iter()
        .map(|_| "series")
        .chain(summary.iter().map(|_| "overall"))
        .collect();
    let all: Vec<&ScoreRow> = per_series.into_iter().chain(summary.iter()).collect();
    let mut columns = vec![
        Column::new("scope".into(), scope),
        Column::new(
            "unique_id".into(),
            all.iter()
                .map(|r| (!r.id.is_empty()).then_some(r.id.as_str()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "model".into(),
            all.iter().map(|r| r.model).collect::<Vec<_>>(),
        ),
        Column::new("mae".into(), all.iter().map(|r| r.mae).collect::<Vec<_>>()),
        Column::new(
            "rmse".into(),
            all.iter().map(|r| r.rmse).collect::<Vec<_>>(),
        ),
        Column::new(
            "mase".into(),
            all.iter().map(|r| r.mase).collect::<Vec<_>>(),
        ),
        Column::new(
            "rmsse".into(),
            all.iter().map(|r| r.rmsse).collect::<Vec<_>>(),
        ),
    ];
    for (k, l) in levels.iter().enumerate() {
        columns.push(Column::new(
            format!("coverage_{}", level_name(*l)).into(),
            all.iter()
                .map(|r| r.coverage.get(k).copied().filter(|v| !v.is_nan()))
                .collect::<Vec<_>>(),
        ));
    }
    columns.push(Column::new(
        "chosen".into(),
        all.iter().map(|r| r.chosen).collect::<Vec<_>>(),
    ));
    Ok(DataFrame::new(all.len(), columns)?)
}
