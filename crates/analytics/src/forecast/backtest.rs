//! The place-based backtest table of a forecast run: per method, cross-validation window and
//! area budget, the places flagged by forecast totals and what they caught
//! ([`place_scores`]), with place areas from a grid layer.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use grid_core::measure::area_m2;
use grid_core::{Crs, Transformer};
use polars::prelude::{Column, DataFrame};
use rayon::prelude::*;

use super::models::Model;
use super::options::ForecastOptions;
use super::places::{PlaceScore, place_scores, window_totals, window_totals_with};
use super::series::{Freq, Series};
use crate::error::{Error, PolarsContext, Result};
use crate::geoparquet::GeoTable;
use crate::grid_io::{analysis_crs, grid_codes};

/// The backtest table and one summary line per method (its mean scores at 5 % of the area).
pub(crate) struct Backtest {
    pub(crate) table: DataFrame,
    pub(crate) notes: Vec<String>,
}

/// The place-based backtest: per method (the model or models asked for, then the SeasonalNaive
/// and HistoricAverage baselines), window and budget, the places flagged by forecast totals and
/// what they caught; then each method's mean over the windows (window "mean"). `nested` is the
/// pooled choice per window, when the automatic choice is pooled.
pub(crate) fn places_table(
    series: &[Series],
    options: &ForecastOptions,
    nested: Option<&[Model]>,
    grid: Option<&GeoTable>,
) -> Result<Backtest> {
    let cv = options.cross_validation();
    let season = options.season_length();
    let days = options.freq.days();
    let last = check_aligned(series, options.freq)?;
    let models = options.models.models();
    let mut methods: Vec<(&str, Vec<Model>)> = if options.models.is_auto() {
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
    let (areas, empty) = match grid {
        Some(layer) => place_areas(layer, series, options.working_crs)?,
        None => (vec![1.0; series.len()], Vec::new()),
    };
    let areas: Vec<f64> = areas.into_iter().chain(empty.iter().copied()).collect();
    let budgets: Vec<f64> = options.budgets.iter().map(|b| b / 100.0).collect();
    let span = cv.h + cv.step_size * (cv.n_windows - 1);
    let mut out: Vec<(&str, String, PlaceScore)> = Vec::new();
    let mut notes = Vec::new();
    for (label, candidates) in &methods {
        let totals: Vec<Vec<(f64, f64)>> = series
            .par_iter()
            .map(|s| match nested {
                Some(nested) if *label == "auto" => {
                    window_totals_with(&s.values, &cv, season, |w, _| {
                        nested.get(w).copied().unwrap_or(Model::Naive)
                    })
                }
                _ => window_totals(options.score, candidates, &s.values, &cv, season),
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
            for (m, score) in mean
                .iter_mut()
                .zip(place_scores(&forecast, &actual, &areas, &budgets))
            {
                m.cells += score.cells / windows;
                m.area_share += score.area_share / windows;
                m.hit_rate += score.hit_rate / windows;
                m.pai += score.pai / windows;
                m.pei += score.pei / windows;
                out.push((label, first.to_string(), score));
            }
        }
        if let Some(m) = mean.iter().find(|m| (m.budget - 0.05).abs() < 1e-12) {
            notes.push(format!(
                "places, {label}: at 5 % of the area, hit rate {:.3}, PAI {:.2}, PEI* {:.3} (mean of {} windows)",
                m.hit_rate, m.pai, m.pei, cv.n_windows
            ));
        }
        out.extend(mean.into_iter().map(|m| (*label, "mean".to_owned(), m)));
    }
    let column = |name: &str, f: &dyn Fn(&PlaceScore) -> f64| {
        Column::new(name.into(), out.iter().map(|r| f(&r.2)).collect::<Vec<_>>())
    };
    let table = DataFrame::new(
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
    )
    .context(|| "assembling the places table".to_owned())?;
    Ok(Backtest { table, notes })
}

/// The end (exclusive) common to every series: the place backtest compares places window by
/// window, so every series must end on the same period.
pub(crate) fn check_aligned(series: &[Series], freq: Freq) -> Result<NaiveDate> {
    let end = |s: &Series| s.start + Duration::days(freq.days() * s.values.len() as i64);
    let Some(last) = series.first().map(end) else {
        return Err(Error::InvalidOption {
            option: "places",
            message: "there are no series".to_owned(),
        });
    };
    if let Some(s) = series.iter().find(|s| end(s) != last) {
        return Err(Error::InvalidOption {
            option: "places",
            message: format!(
                "the backtest compares places window by window, so every series must end on \
                 the same period: {} ends before {}, others before {last}",
                s.id,
                end(s)
            ),
        });
    }
    Ok(last)
}

/// Each series' area in m², from a grid layer whose codes are the series ids, and the areas of
/// the layer's grids that have no series, in code order.
fn place_areas(layer: &GeoTable, series: &[Series], working: Crs) -> Result<(Vec<f64>, Vec<f64>)> {
    let codes = grid_codes(&layer.table, "grid")?;
    let crs = analysis_crs(layer.crs, working)?;
    let to_metres = Transformer::new(layer.crs, crs)?;
    let mut area_of: HashMap<String, f64> = HashMap::new();
    let codes = codes
        .str()
        .context(|| "the grid layer's codes as text".to_owned())?;
    for (code, geometry) in codes.iter().zip(&layer.geometries) {
        if let (Some(c), Some(g)) = (code, geometry) {
            let g = to_metres.transform_geometry(g)?;
            area_of.insert(c.to_owned(), area_m2(&g, crs)?);
        }
    }
    let areas = series
        .iter()
        .map(|s| {
            area_of.remove(&s.id).ok_or_else(|| Error::InvalidOption {
                option: "grid",
                message: format!("series {} has no grid of that code in the layer", s.id),
            })
        })
        .collect::<Result<Vec<f64>>>()?;
    // The rest in code order, so the output does not depend on hashing.
    let mut rest: Vec<(String, f64)> = area_of.into_iter().collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((areas, rest.into_iter().map(|(_, a)| a).collect()))
}
