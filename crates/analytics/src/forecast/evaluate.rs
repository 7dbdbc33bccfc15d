//! Rolling-origin cross-validation (statsforecast's `cross_validation`: expanding window, `h`,
//! `n_windows`, `step_size`), error metrics, and the choice of a model per series by MASE.

use super::forecast_series;
use super::models::{Forecast, Intervals, Model};
use crate::error::{Error, Result};

/// Cross-validation settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrossValidation {
    /// Steps forecast from each cutoff.
    pub h: usize,
    /// Number of cutoffs.
    pub n_windows: usize,
    /// Steps between cutoffs.
    pub step_size: usize,
}

/// Errors of one model on one series over the windows.
#[derive(Clone, Debug, PartialEq)]
pub struct Scores {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// MAE over the in-sample seasonal-naive MAE of each window's training part, averaged;
    /// `None` when every training part is flat (the scale is 0).
    pub mase: Option<f64>,
    /// Share of actuals inside the interval, per level, when the model has intervals.
    pub coverage: Vec<(f64, f64)>,
}

/// The cutoffs (training lengths) of the windows, oldest first; an error when the series is too
/// short for them.
pub fn cutoffs(n: usize, cv: &CrossValidation) -> Result<Vec<usize>> {
    let span = cv.h + cv.step_size * cv.n_windows.saturating_sub(1);
    if cv.h == 0 || cv.n_windows == 0 || n <= span {
        return Err(Error::InvalidOption {
            option: "cross-validation",
            message: format!(
                "{} windows of {} steps, {} apart, need more than {span} values; the series has {n}",
                cv.n_windows, cv.h, cv.step_size
            ),
        });
    }
    Ok((0..cv.n_windows)
        .map(|w| n - span + w * cv.step_size)
        .collect())
}

/// Cross-validates one model on one series: per window, the forecast from the cutoff and the
/// actuals that followed.
pub fn cross_validate(
    model: &Model,
    y: &[f64],
    cv: &CrossValidation,
    season: usize,
    levels: &[f64],
) -> Result<Vec<(usize, Forecast)>> {
    cutoffs(y.len(), cv)?
        .into_iter()
        .map(|cut| {
            forecast_series(model, &y[..cut], cv.h, season, levels).map(|f| (cut, f.forecast))
        })
        .collect()
}

/// Scores cross-validation windows against the series.
pub fn score(y: &[f64], windows: &[(usize, Forecast)], season: usize) -> Scores {
    let (mut abs, mut sq, mut count) = (0.0f64, 0.0f64, 0.0f64);
    let mut scaled = Vec::new();
    let mut covered: Vec<(f64, f64, f64)> = Vec::new();
    for (cut, f) in windows {
        let actual = &y[*cut..(*cut + f.mean.len()).min(y.len())];
        let mut window_abs = 0.0;
        for (a, m) in actual.iter().zip(&f.mean) {
            abs += (a - m).abs();
            window_abs += (a - m).abs();
            sq += (a - m) * (a - m);
            count += 1.0;
        }
        let m = season.max(1);
        let train = &y[..*cut];
        if train.len() > m {
            let scale = (m..train.len())
                .map(|t| (train[t] - train[t - m]).abs())
                .sum::<f64>()
                / (train.len() - m) as f64;
            if scale > 0.0 && !actual.is_empty() {
                scaled.push(window_abs / actual.len() as f64 / scale);
            }
        }
        for (level, lo, hi) in &f.intervals {
            let inside = actual
                .iter()
                .zip(lo.iter().zip(hi))
                .filter(|(a, (l, h))| *a >= l && *a <= h)
                .count() as f64;
            match covered.iter_mut().find(|c| c.0 == *level) {
                Some(c) => {
                    c.1 += inside;
                    c.2 += actual.len() as f64;
                }
                None => covered.push((*level, inside, actual.len() as f64)),
            }
        }
    }
    Scores {
        mae: abs / count.max(1.0),
        rmse: (sq / count.max(1.0)).sqrt(),
        mase: (!scaled.is_empty()).then(|| scaled.iter().sum::<f64>() / scaled.len() as f64),
        coverage: covered
            .into_iter()
            .map(|(level, inside, total)| (level, inside / total.max(1.0)))
            .collect(),
    }
}

/// The candidate with the lowest cross-validated MASE (MAE where MASE is undefined); ties go
/// to the earlier candidate. Returns its position and every candidate's scores.
pub fn choose(
    candidates: &[Model],
    y: &[f64],
    cv: &CrossValidation,
    season: usize,
    levels: &[f64],
) -> Result<(usize, Vec<Scores>)> {
    let scores: Vec<Scores> = candidates
        .iter()
        .map(|m| cross_validate(m, y, cv, season, levels).map(|w| score(y, &w, season)))
        .collect::<Result<_>>()?;
    let key = |s: &Scores| s.mase.unwrap_or(s.mae);
    let mut best = 0;
    for (i, s) in scores.iter().enumerate() {
        if key(s) < key(&scores[best]) {
            best = i;
        }
    }
    Ok((best, scores))
}

/// Conformal prediction intervals for a model without its own (statsforecast's
/// `ConformalIntervals`): refit at `n_windows` cutoffs `h` steps apart ending at the series' end,
/// take each step's absolute errors across the windows, and put mean ± their `level` quantile
/// (linear interpolation, numpy's default) around `mean` — statsforecast's `conformal_error`
/// method. `None` when the series is too short for the windows or a level is not a percentage
/// strictly between 0 and 100.
pub fn conformal_intervals(
    model: &Model,
    y: &[f64],
    h: usize,
    season: usize,
    n_windows: usize,
    levels: &[f64],
    mean: &[f64],
) -> Option<Intervals> {
    if levels.iter().any(|l| !(*l > 0.0 && *l < 100.0)) {
        return None;
    }
    let cv = CrossValidation {
        h,
        n_windows,
        step_size: h,
    };
    let windows = cross_validate(model, y, &cv, season, &[]).ok()?;
    let errors: Vec<Vec<f64>> = (0..h)
        .map(|k| {
            let mut e: Vec<f64> = windows
                .iter()
                .filter_map(|(cut, f)| Some((y.get(cut + k)? - f.mean.get(k)?).abs()))
                .collect();
            e.sort_by(f64::total_cmp);
            e
        })
        .collect();
    let quantile = |sorted: &[f64], q: f64| -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let pos = q * (sorted.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
    };
    Some(
        levels
            .iter()
            .map(|level| {
                let q: Vec<f64> = errors.iter().map(|e| quantile(e, level / 100.0)).collect();
                let lo = mean.iter().zip(&q).map(|(m, q)| m - q).collect();
                let hi = mean.iter().zip(&q).map(|(m, q)| m + q).collect();
                (*level, lo, hi)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_metrics_and_choice() {
        let cv = CrossValidation {
            h: 2,
            n_windows: 2,
            step_size: 1,
        };
        // 10 values: windows cut at 7 and 8.
        assert_eq!(cutoffs(10, &cv).unwrap(), [7, 8]);
        assert!(cutoffs(3, &cv).is_err());
        // A weekly pattern: SeasonalNaive is exact and wins over Naive.
        let y: Vec<f64> = (0..42)
            .map(|t| [1.0, 1.0, 1.0, 1.0, 1.0, 6.0, 8.0][t % 7])
            .collect();
        let cv = CrossValidation {
            h: 7,
            n_windows: 3,
            step_size: 7,
        };
        let (best, scores) =
            choose(&[Model::Naive, Model::SeasonalNaive], &y, &cv, 7, &[80.0]).unwrap();
        assert_eq!(best, 1);
        assert_eq!(scores[1].mae, 0.0);
        // Seasonal-naive's scale is 0 on a perfectly weekly series: MASE is undefined there,
        // and the choice falls back to MAE.
        assert_eq!(scores[1].mase, None);
        let windows = cross_validate(&Model::Naive, &y, &cv, 7, &[80.0]).unwrap();
        let s = score(&y, &windows, 7);
        assert_eq!(s.mase, None);
        assert!(s.mae > 0.0 && s.coverage[0].0 == 80.0);
    }

    #[test]
    fn conformal_intervals_by_hand() {
        // Naive on 1..=8 with h 2 and 2 windows: cutoffs 4 and 6; forecasts 4 and 6; errors
        // step 1: |5−4|, |7−6| = 1, 1; step 2: |6−4|, |8−6| = 2, 2.
        let y: Vec<f64> = (1..=8).map(f64::from).collect();
        let out = conformal_intervals(&Model::Naive, &y, 2, 1, 2, &[80.0], &[8.0, 8.0]).unwrap();
        assert_eq!(out[0].1, [7.0, 6.0]);
        assert_eq!(out[0].2, [9.0, 10.0]);
        assert!(
            conformal_intervals(&Model::Naive, &y[..3], 2, 1, 2, &[80.0], &[3.0, 3.0]).is_none()
        );
    }
}
