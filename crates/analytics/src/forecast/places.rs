//! Place-based evaluation of hot spot forecasts (the crime-forecasting standard): flag the cells
//! with the highest forecasts within an area budget and count the cases they catch.

use crate::forecast::evaluate::{CrossValidation, Metric, choose_on};
use crate::forecast::{Model, forecast_series};

/// How a forecast did at one area budget.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceScore {
    /// The budget: the largest share of the total area the flagged cells may cover.
    pub budget: f64,
    /// Cells flagged.
    pub cells: usize,
    /// Their share of the area, a/A.
    pub area_share: f64,
    /// Hit rate n/N: the share of the cases that happened in flagged cells.
    pub hit_rate: f64,
    /// Predictive accuracy index (n/N)/(a/A).
    pub pai: f64,
    /// PEI* = n/n*, n* the most cases any choice of the same number of cells caught.
    pub pei: f64,
}

/// Flags cells in decreasing order of `forecast` (ties: the lower position first) while their
/// area stays within each budget, and scores them against `actual`. `area` is each cell's area;
/// budgets are shares (0.01 = 1 % of the total area). Hit rate, PAI and PEI* are 0 when no case
/// happened.
pub fn place_scores(
    forecast: &[f64],
    actual: &[f64],
    area: &[f64],
    budgets: &[f64],
) -> Vec<PlaceScore> {
    let n = forecast.len().min(actual.len()).min(area.len());
    let total_area: f64 = area[..n].iter().sum();
    let total_cases: f64 = actual[..n].iter().sum();
    let mut by_forecast: Vec<usize> = (0..n).collect();
    by_forecast.sort_by(|&a, &b| forecast[b].total_cmp(&forecast[a]).then(a.cmp(&b)));
    let mut by_actual: Vec<f64> = actual[..n].to_vec();
    by_actual.sort_by(|a, b| b.total_cmp(a));
    budgets
        .iter()
        .map(|&budget| {
            let limit = budget * total_area;
            let (mut used, mut caught, mut cells) = (0.0, 0.0, 0);
            for &i in &by_forecast {
                if used + area[i] > limit {
                    break;
                }
                used += area[i];
                caught += actual[i];
                cells += 1;
            }
            let best: f64 = by_actual.iter().take(cells).sum();
            let hit_rate = if total_cases > 0.0 {
                caught / total_cases
            } else {
                0.0
            };
            let area_share = if total_area > 0.0 {
                used / total_area
            } else {
                0.0
            };
            PlaceScore {
                budget,
                cells,
                area_share,
                hit_rate,
                pai: if area_share > 0.0 {
                    hit_rate / area_share
                } else {
                    0.0
                },
                pei: if best > 0.0 { caught / best } else { 0.0 },
            }
        })
        .collect()
}

/// For a place-based backtest: per cross-validation window (oldest first, counted back from
/// the series' end so that series ending together share windows), the total the model `pick`
/// names forecast for the window's `h` steps from the data before it, and the total that
/// happened. `pick` gets the window and the data before it; to score an automatic choice
/// honestly it must choose from that data only (see [`window_totals`]). A window with no history
/// before it forecasts 0.
pub fn window_totals_with(
    y: &[f64],
    cv: &CrossValidation,
    season: usize,
    pick: impl Fn(usize, &[f64]) -> Model,
) -> Vec<(f64, f64)> {
    let n = y.len();
    (0..cv.n_windows)
        .map(|w| {
            let Some(cut) = window_start(n, w, cv) else {
                let end = (n as i64 + (w * cv.step_size) as i64 - span(cv) as i64 + cv.h as i64)
                    .clamp(0, n as i64) as usize;
                return (0.0, y[..end].iter().sum());
            };
            let train = &y[..cut];
            let model = pick(w, train);
            let forecast = forecast_series(&model, train, cv.h, season, &[])
                .map(|f| f.forecast.mean.iter().sum())
                .unwrap_or(0.0);
            (forecast, y[cut..(cut + cv.h).min(n)].iter().sum())
        })
        .collect()
}

/// [`window_totals_with`] choosing per series among `candidates` by `metric`, as
/// `--models auto` does, on the data before each window only.
pub fn window_totals(
    metric: Metric,
    candidates: &[Model],
    y: &[f64],
    cv: &CrossValidation,
    season: usize,
) -> Vec<(f64, f64)> {
    window_totals_with(y, cv, season, |_, train| {
        choose_on(metric, candidates, train, cv, season)
    })
}

/// Steps from the first window's start to the last window's end.
fn span(cv: &CrossValidation) -> usize {
    cv.h + cv.step_size * cv.n_windows.saturating_sub(1)
}

/// Where window `w` (oldest first, counted back from the end) starts in a series of `n` values;
/// `None` when no data come before it.
pub fn window_start(n: usize, w: usize, cv: &CrossValidation) -> Option<usize> {
    (n + w * cv.step_size)
        .checked_sub(span(cv))
        .filter(|start| *start > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_rate_pai_and_pei_by_hand() {
        // Ten equal cells; the forecast ranks cell 0 first, then 1, 2…; the cases fell 5 in
        // cell 1, 3 in cell 0, 2 in cell 7 (10 in all).
        let forecast = [9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0];
        let mut actual = [0.0; 10];
        actual[0] = 3.0;
        actual[1] = 5.0;
        actual[7] = 2.0;
        let s = place_scores(&forecast, &actual, &[1.0; 10], &[0.1, 0.2, 0.3, 0.05]);
        // 10 %: cell 0 → 3 of 10 cases on 10 % of the area: PAI 3; the best single cell held 5.
        assert_eq!((s[0].cells, s[0].hit_rate), (1, 0.3));
        assert!((s[0].pai - 3.0).abs() < 1e-12 && (s[0].pei - 0.6).abs() < 1e-12);
        // 20 %: cells 0 and 1 → 8 of 10, the best two cells hold 8 too: PEI* 1.
        assert_eq!((s[1].cells, s[1].hit_rate, s[1].pei), (2, 0.8, 1.0));
        assert!((s[1].pai - 4.0).abs() < 1e-12);
        // 30 %: cells 0–2 → 8 of 10; the best three hold 10.
        assert!((s[2].pei - 0.8).abs() < 1e-12);
        // 5 %: no cell fits.
        assert_eq!((s[3].cells, s[3].pai), (0, 0.0));
    }

    #[test]
    fn window_totals_by_hand() {
        // 2 windows of 2 steps, 2 apart, on 6 values: cutoffs 2 and 4.
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let cv = CrossValidation {
            h: 2,
            n_windows: 2,
            step_size: 2,
        };
        // Naive: last value twice.
        assert_eq!(
            window_totals(Metric::Mase, &[Model::Naive], &y, &cv, 1),
            vec![(4.0, 7.0), (8.0, 11.0)]
        );
        // Three windows on 4 values: the first has no history.
        let cv3 = CrossValidation { n_windows: 3, ..cv };
        assert_eq!(
            window_totals(Metric::Mase, &[Model::HistoricAverage], &y[..4], &cv3, 1)[0],
            (0.0, 0.0)
        );
    }
}
