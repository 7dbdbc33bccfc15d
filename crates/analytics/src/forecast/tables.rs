//! The rows of a forecast run and the tables they become: forecasts (with bottom-up sums) and
//! cross-validation metrics. Column layouts are documented on
//! [`ForecastTables`](super::ForecastTables).

use std::borrow::Cow;
use std::collections::BTreeMap;

use polars::prelude::{Column, DataFrame};

use super::coherence::bottom_up;
use super::evaluate::Scores;
use super::series::Unit;
use crate::error::{PolarsContext, Result};

/// The `model` label of the automatic choice scored out of sample in the metrics.
pub const NESTED: &str = "auto (nested)";

/// One forecast step of one series and model.
pub(crate) struct ForecastRow {
    pub(crate) id: String,
    pub(crate) ds: String,
    /// The model asked for ("auto" for the automatic choice), which bottom-up sums group by.
    pub(crate) requested: &'static str,
    pub(crate) model: Cow<'static, str>,
    pub(crate) mean: f64,
    /// (lower, upper) per level.
    pub(crate) bounds: Vec<(f64, f64)>,
    pub(crate) fallback: bool,
}

/// One candidate's cross-validation scores on one series.
pub(crate) struct ScoreRow {
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

impl ScoreRow {
    /// `model`'s scores `sc` on series `id`, with the coverage of each of `levels`.
    pub(crate) fn new(
        id: &str,
        model: &'static str,
        sc: &Scores,
        levels: &[f64],
        chosen: bool,
    ) -> Self {
        Self {
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
}

/// One series' forecast rows and score rows.
#[derive(Default)]
pub(crate) struct Rows {
    pub(crate) forecasts: Vec<ForecastRow>,
    pub(crate) metrics: Vec<ScoreRow>,
}

/// Community, street and district rows summed from the grid rows, per model (with `auto`, each
/// grid's chosen model).
pub(crate) fn bottom_up_rows(rows: &[Rows], horizon: usize) -> Rows {
    let mut by_model: BTreeMap<&str, Vec<(String, Vec<f64>)>> = BTreeMap::new();
    let mut dates: BTreeMap<&str, Vec<String>> = BTreeMap::new();
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
        let days = dates.get(label).map_or(&[][..], Vec::as_slice);
        for unit in [Unit::Community, Unit::Street, Unit::District] {
            let (sums, _) = bottom_up(&list, unit);
            for (id, values) in sums {
                for (v, ds) in values.into_iter().zip(days) {
                    out.forecasts.push(ForecastRow {
                        id: id.clone(),
                        ds: ds.clone(),
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
    out
}

/// The model name of bottom-up rows: `BottomUp` for the chosen models, `BottomUp(<model>)` for a
/// listed one.
fn bottom_up_name(label: &str) -> Cow<'static, str> {
    match label {
        "auto" => Cow::Borrowed("BottomUp"),
        model => Cow::Owned(format!("BottomUp({model})")),
    }
}

/// A level in a column name: `80`, `97.5`.
fn level_name(l: f64) -> String {
    if l.fract() == 0.0 {
        format!("{}", l as i64)
    } else {
        format!("{l}")
    }
}

/// The forecast table: every row of every series, in order.
pub(crate) fn forecast_table(rows: &[Rows], levels: &[f64]) -> Result<DataFrame> {
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
    DataFrame::new(all.len(), columns).context(|| "assembling the forecast table".to_owned())
}

/// Every series' scores, then per candidate over all series (unique_id empty, scope "overall"):
/// MAE and MASE averaged over the series that have them, RMSE as the root of the mean square
/// (every series has the same number of window steps), coverage averaged; and the same for
/// each series' chosen candidate (model "chosen"). Also one summary line per overall row.
pub(crate) fn metrics_table(rows: &[Rows], levels: &[f64]) -> Result<(DataFrame, Vec<String>)> {
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
    let notes = summary
        .iter()
        .map(|r| {
            format!(
                "cross-validation over all series, {}: MAE {:.4}, RMSE {:.4}, MASE {}, RMSSE {}",
                r.model,
                r.mae,
                r.rmse,
                r.mase.map_or("-".to_owned(), |m| format!("{m:.4}")),
                r.rmsse.map_or("-".to_owned(), |m| format!("{m:.4}"))
            )
        })
        .collect();
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
    let table =
        DataFrame::new(all.len(), columns).context(|| "assembling the metrics table".to_owned())?;
    Ok((table, notes))
}
