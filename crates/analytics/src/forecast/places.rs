//! Place-based evaluation of hot spot forecasts (the crime-forecasting standard): flag the cells
//! with the highest forecasts within an area budget and count the cases they catch.

use crate::forecast::evaluate::{CrossValidation, Metric, choose_on};
use crate::forecast::{Model, forecast_series};

/// How a forecast did at one area budget.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceScore {
    /// The budget: the largest share of the total area the flagged cells may cover.
    pub budget: f64,
    /// Cells flagged (in expectation: a fraction of a tied group, see [`place_scores`]).
    pub cells: f64,
    /// Their share of the area, a/A.
    pub area_share: f64,
    /// Hit rate n/N: the share of the cases that happened in flagged cells.
    pub hit_rate: f64,
    /// Predictive accuracy index (n/N)/(a/A).
    pub pai: f64,
    /// PEI* = n/n*, n* the most cases any choice of the same number of cells caught.
    pub pei: f64,
}

/// Flags cells in decreasing order of `forecast` while their area stays within each budget, and
/// scores them against `actual`. `area` is each cell's area; budgets are shares (0.01 = 1 % of
/// the total area). Cells forecast the same value form a tied group: a group that fits is
/// flagged whole; the first group that does not fit is flagged in expectation — the budget's
/// remaining share of the group's area, cases and cells — as a random pick among the tied
/// cells would on average, so no ordering of the input decides between tied cells. A lone cell
/// that does not fit stops the flagging. Cells forecast 0 or less are never flagged. Hit rate,
/// PAI and PEI* are 0 when no case happened.
pub fn place_scores(
    forecast: &[f64],
    actual: &[f64],
    area: &[f64],
    budgets: &[f64],
) -> Vec<PlaceScore> {
    let n = forecast.len().min(actual.len()).min(area.len());
    let total_area: f64 = area[..n].iter().sum();
    let total_cases: f64 = actual[..n].iter().sum();
    let mut by_forecast: Vec<usize> = (0..n).filter(|&i| forecast[i] > 0.0).collect();
    by_forecast.sort_by(|&a, &b| forecast[b].total_cmp(&forecast[a]).then(a.cmp(&b)));
    // Tied groups: (area, cases, cells).
    let mut groups: Vec<(f64, f64, f64)> = Vec::new();
    let mut last = f64::NAN;
    for &i in &by_forecast {
        if forecast[i] == last {
            if let Some(g) = groups.last_mut() {
                g.0 += area[i];
                g.1 += actual[i];
                g.2 += 1.0;
            }
        } else {
            groups.push((area[i], actual[i], 1.0));
            last = forecast[i];
        }
    }
    let mut by_actual: Vec<f64> = actual[..n].to_vec();
    by_actual.sort_by(|a, b| b.total_cmp(a));
    budgets
        .iter()
        .map(|&budget| {
            let limit = budget * total_area;
            let (mut used, mut caught, mut cells) = (0.0, 0.0, 0.0);
            for &(g_area, g_cases, g_cells) in &groups {
                if used + g_area <= limit {
                    used += g_area;
                    caught += g_cases;
                    cells += g_cells;
                    continue;
                }
                if g_cells > 1.0 && g_area > 0.0 {
                    let share = (limit - used) / g_area;
                    used += share * g_area;
                    caught += share * g_cases;
                    cells += share * g_cells;
                }
                break;
            }
            // n*: the best whole cells, and the same fraction of the next best.
            let whole = cells.floor() as usize;
            let best: f64 = by_actual.iter().take(whole).sum::<f64>()
                + (cells - whole as f64) * by_actual.get(whole).copied().unwrap_or(0.0);
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
        assert_eq!((s[0].cells, s[0].hit_rate), (1.0, 0.3));
        assert!((s[0].pai - 3.0).abs() < 1e-12 && (s[0].pei - 0.6).abs() < 1e-12);
        // 20 %: cells 0 and 1 → 8 of 10, the best two cells hold 8 too: PEI* 1.
        assert_eq!((s[1].cells, s[1].hit_rate, s[1].pei), (2.0, 0.8, 1.0));
        assert!((s[1].pai - 4.0).abs() < 1e-12);
        // 30 %: cells 0–2 → 8 of 10; the best three hold 10.
        assert!((s[2].pei - 0.8).abs() < 1e-12);
        // 5 %: no cell fits.
        assert_eq!((s[3].cells, s[3].pai), (0.0, 0.0));
    }

    #[test]
    fn tied_cells_count_in_expectation() {
        // Four equal cells forecast 2, 1, 1, 1 (the last three tied), cases 0, 3, 0, 0; a third
        // of a cell is never flagged (forecast 0). At a 50 % budget: cell 0, then half of the
        // tie's area: 1.5 of its 3 cells, 1.5 of its 3 cases in expectation.
        let s = place_scores(
            &[2.0, 1.0, 1.0, 1.0, 0.0],
            &[0.0, 3.0, 0.0, 0.0, 1.0],
            &[1.0; 5],
            &[0.5],
        );
        assert!((s[0].cells - 2.5).abs() < 1e-12);
        assert!((s[0].hit_rate - 1.5 / 4.0).abs() < 1e-12);
        assert!((s[0].area_share - 0.5).abs() < 1e-12);
        // n* for 2.5 cells: 3 + 1 + 0.5 · 0.
        assert!((s[0].pei - 1.5 / 4.0).abs() < 1e-12);
        // Reordering the tied cells changes nothing.
        let t = place_scores(
            &[2.0, 1.0, 1.0, 1.0, 0.0],
            &[0.0, 0.0, 0.0, 3.0, 1.0],
            &[1.0; 5],
            &[0.5],
        );
        assert_eq!(s, t);
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
        let three = window_totals(Metric::Mase, &[Model::HistoricAverage], &y[..4], &cv3, 1);
        assert_eq!(three[0], (0.0, 0.0));
        // The second window starts at the series' first value: no history, actual 1 + 2.
        assert_eq!(three[1], (0.0, 3.0));
        // The third: the mean of 1, 2 for two steps against 3 + 4.
        assert_eq!(three[2], (3.0, 7.0));
    }
}
