//! `citygrid forecast`: forecasts per series, from any long-format table or from a case table.

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::Duration;
use grid_analytics::convert::rejected_table;
use grid_analytics::forecast::{
    CrossValidation, Freq, Group, Model, Series, Unit, bottom_up, case_series, choose,
    conformal_intervals, forecast_series, long_series,
};
use grid_analytics::table_io::{read_table, rejected_path, write_table};
use polars::prelude::{BooleanChunked, Column, DataFrame, NewChunkedArray};
use rayon::prelude::*;
use tracing::info;

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
from the absolute errors of max(--windows, 2) cross-validation windows), fallback (true where a \
series too short for the model got Naive). Forecasts are never negative. With --models \
auto each series gets the candidate with the lowest cross-validated MASE (rolling origin: \
--windows cutoffs --step-size apart, each forecasting --horizon steps); --metrics-out writes every \
candidate's MAE, RMSE, MASE and interval coverage per series."
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
    /// auto, or a comma-separated list of models (Naive, SeasonalNaive, HistoricAverage,
    /// WindowAverage[:K], SES[:α], SESOpt, CrostonClassic, CrostonSBA, CrostonOptimized, TSB,
    /// ADIDA, IMAPA).
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
    /// Cross-validation scores per series and candidate (.parquet or .csv).
    #[arg(long, value_name = "FILE")]
    metrics_out: Option<PathBuf>,
}

/// One forecast step of one series and model.
struct ForecastRow {
    id: String,
    ds: String,
    /// The model asked for ("auto" with --models auto), which bottom-up sums group by.
    requested: &'static str,
    model: &'static str,
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
    if args.windows == 0 || args.step_size == Some(0) {
        return Err(input(anyhow::anyhow!(
            "--windows and --step-size: expected at least 1"
        )));
    }
    if let Some(l) = args.level.iter().find(|l| !(**l > 0.0 && **l < 100.0)) {
        return Err(input(anyhow::anyhow!(
            "--level {l}: expected a percentage between 0 and 100"
        )));
    }
    let auto = args.models.trim() == "auto";
    let names: Vec<&str> = if auto {
        AUTO.to_vec()
    } else {
        args.models.split(',').collect()
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
            let series = case_series(
                &table,
                args.unit,
                args.group,
                args.freq,
                &args.filter.filter(),
            )
            .map_err(|e| input(anyhow::anyhow!("{}: {e}", path.display())))?;
            (series, path.clone(), 0)
        }
        _ => return Err(input(anyhow::anyhow!("give --series or --cases"))),
    };
    let cv = CrossValidation {
        h: args.horizon,
        n_windows: args.windows,
        step_size: args.step_size.unwrap_or(args.horizon),
    };
    let levels = &args.level;
    let rows: Vec<Rows> = series
        .par_iter()
        .map(|s| one_series(s, &models, auto, &cv, season, levels, args))
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

fn one_series(
    s: &Series,
    models: &[Model],
    auto: bool,
    cv: &CrossValidation,
    season: usize,
    levels: &[f64],
    args: &Args,
) -> Result<Rows> {
    let mut rows = Rows::default();
    let chosen: Vec<Model> = if auto {
        match choose(models, &s.values, cv, season, levels) {
            Ok((best, scores)) => {
                for (m, sc) in models.iter().zip(&scores) {
                    rows.metrics.push(ScoreRow {
                        id: s.id.clone(),
                        model: m.name(),
                        mae: sc.mae,
                        rmse: sc.rmse,
                        mase: sc.mase,
                        coverage: levels
                            .iter()
                            .map(|l| {
                                sc.coverage
                                    .iter()
                                    .find(|c| c.0 == *l)
                                    .map_or(f64::NAN, |c| c.1)
                            })
                            .collect(),
                        chosen: *m == models[best],
                    });
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
            let windows = args.windows.max(2);
            if let Some(mut intervals) = conformal_intervals(
                &f.model,
                &s.values,
                args.horizon,
                season,
                windows,
                levels,
                &f.forecast.mean,
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
                model: f.model.name(),
                mean: f.forecast.mean[k],
                bounds,
                fallback: f.fallback,
            });
        }
    }
    Ok(rows)
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
fn bottom_up_name(label: &str) -> &'static str {
    match label {
        "auto" => "BottomUp",
        "Naive" => "BottomUp(Naive)",
        "SeasonalNaive" => "BottomUp(SeasonalNaive)",
        "HistoricAverage" => "BottomUp(HistoricAverage)",
        "WindowAverage" => "BottomUp(WindowAverage)",
        "SES" => "BottomUp(SES)",
        "SESOpt" => "BottomUp(SESOpt)",
        "CrostonClassic" => "BottomUp(CrostonClassic)",
        "CrostonSBA" => "BottomUp(CrostonSBA)",
        "CrostonOptimized" => "BottomUp(CrostonOptimized)",
        "TSB" => "BottomUp(TSB)",
        "ADIDA" => "BottomUp(ADIDA)",
        "IMAPA" => "BottomUp(IMAPA)",
        _ => "BottomUp",
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
            all.iter().map(|r| r.model).collect::<Vec<_>>(),
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

fn metrics_table(rows: &[Rows], levels: &[f64]) -> Result<DataFrame> {
    let all: Vec<_> = rows.iter().flat_map(|r| &r.metrics).collect();
    let mut columns = vec![
        Column::new(
            "unique_id".into(),
            all.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
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
