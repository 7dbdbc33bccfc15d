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
    /// Root mean squared error over the root of the in-sample seasonal-naive mean squared error
    /// of each window's training part, averaged (RMSSE as the M5 competition defines it but
    /// scaled by seasonal differences, like MASE here; M5 uses lag 1); `None` when every
    /// training part is flat.
    pub rmsse: Option<f64>,
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
    let mut scaled_sq = Vec::new();
    let mut covered: Vec<(f64, f64, f64)> = Vec::new();
    for (cut, f) in windows {
        let actual = &y[*cut..(*cut + f.mean.len()).min(y.len())];
        let (mut window_abs, mut window_sq) = (0.0, 0.0);
        for (a, m) in actual.iter().zip(&f.mean) {
            abs += (a - m).abs();
            window_abs += (a - m).abs();
            window_sq += (a - m) * (a - m);
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
            let scale_sq = (m..train.len())
                .map(|t| (train[t] - train[t - m]).powi(2))
                .sum::<f64>()
                / (train.len() - m) as f64;
            if scale_sq > 0.0 && !actual.is_empty() {
                scaled_sq.push((window_sq / actual.len() as f64 / scale_sq).sqrt());
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
        rmsse: (!scaled_sq.is_empty())
            .then(|| scaled_sq.iter().sum::<f64>() / scaled_sq.len() as f64),
        coverage: covered
            .into_iter()
            .map(|(level, inside, total)| (level, inside / total.max(1.0)))
            .collect(),
    }
}

/// What the automatic choice minimises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Metric {
    /// MASE (MAE where the scale is 0): the and statsforecast users' default. MAE is
    /// minimised by the median, so on mostly-zero series it favours forecasts of 0.
    #[default]
    Mase,
    /// RMSSE (RMSE where the scale is 0), minimised by the mean: the better choice for sparse
    /// counts whose forecasts rank places.
    Rmsse,
}

impl std::str::FromStr for Metric {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "mase" => Ok(Self::Mase),
            "rmsse" => Ok(Self::Rmsse),
            _ => Err(Error::InvalidOption {
                option: "score",
                message: format!("{s:?}: expected mase or rmsse"),
            }),
        }
    }
}

impl Metric {
    /// The value a candidate is ranked by.
    pub fn key(&self, s: &Scores) -> f64 {
        match self {
            Self::Mase => s.mase.unwrap_or(s.mae),
            Self::Rmsse => s.rmsse.unwrap_or(s.rmse),
        }
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
    choose_by(Metric::Mase, candidates, y, cv, season, levels)
}

/// [`choose`] by `metric`.
pub fn choose_by(
    metric: Metric,
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
    let key = |s: &Scores| metric.key(s);
    let mut best = 0;
    for (i, s) in scores.iter().enumerate() {
        // NaN scores rank last.
        let (a, b) = (key(s), key(&scores[best]));
        if !a.is_nan() && (b.is_nan() || a < b) {
            best = i;
        }
    }
    Ok((best, scores))
}

/// The model [`choose`] picks among `candidates` on `train` alone (Naive when `train` is too
/// short to cross-validate); a single candidate is returned as it is.
pub fn choose_on(
    metric: Metric,
    candidates: &[Model],
    train: &[f64],
    cv: &CrossValidation,
    season: usize,
) -> Model {
    match candidates {
        [one] => *one,
        many => choose_by(metric, many, train, cv, season, &[])
            .map(|(best, _)| many[best])
            .unwrap_or(Model::Naive),
    }
}

/// Cross-validates the automatic choice itself (nested): in each window the model is chosen by
/// [`choose`] on the data before the window only, then forecasts it. Scoring these windows with
/// [`score`] gives the out-of-sample error of `--models auto`, which the chosen candidates'
/// own scores (picked for being lowest on the same windows) overstate.
pub fn cross_validate_choice(
    metric: Metric,
    candidates: &[Model],
    y: &[f64],
    cv: &CrossValidation,
    season: usize,
    levels: &[f64],
) -> Result<Vec<(usize, Forecast)>> {
    cutoffs(y.len(), cv)?
        .into_iter()
        .map(|cut| {
            let model = choose_on(metric, candidates, &y[..cut], cv, season);
            forecast_series(&model, &y[..cut], cv.h, season, levels).map(|f| (cut, f.forecast))
        })
        .collect()
}

/// The pooled choice: the candidate with the lowest mean `metric` over all series (MASE or
/// RMSSE averaged over the series where it is defined; MAE or RMSE where it is defined for
/// none). `scores` holds each series' scores per candidate, as [`choose_by`] returns them; ties
/// go to the earlier candidate. One model for every series is a far steadier choice than one
/// per series when series are short or mostly zero (docs/forecasts.md).
pub fn pooled_best(metric: Metric, scores: &[Vec<Scores>]) -> usize {
    let Some(k) = scores.first().map(Vec::len) else {
        return 0;
    };
    let scaled = |s: &Scores| match metric {
        Metric::Mase => s.mase,
        Metric::Rmsse => s.rmsse,
    };
    let raw = |s: &Scores| match metric {
        Metric::Mase => s.mae,
        Metric::Rmsse => s.rmse,
    };
    let mean_of = |c: usize, f: &dyn Fn(&Scores) -> Option<f64>| -> Option<f64> {
        let v: Vec<f64> = scores.iter().filter_map(|s| s.get(c).and_then(f)).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let any_scaled = (0..k).any(|c| mean_of(c, &scaled).is_some());
    let key = |c: usize| {
        if any_scaled {
            mean_of(c, &scaled).unwrap_or(f64::INFINITY)
        } else {
            mean_of(c, &|s: &Scores| Some(raw(s))).unwrap_or(f64::INFINITY)
        }
    };
    let mut best = 0;
    for c in 1..k {
        let (a, b) = (key(c), key(best));
        if !a.is_nan() && (b.is_nan() || a < b) {
            best = c;
        }
    }
    best
}

/// Which quantile of the calibration errors a conformal interval uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConformalQuantile {
    /// numpy's linearly interpolated quantile, as statsforecast's `conformal_error` takes it. With
    /// n windows it covers about (⌊q(n−1)⌋ + 1)/(n + 1) to (⌈q(n−1)⌉ + 1)/(n + 1) of new errors,
    /// under the level for few windows (10 windows: 73–82 % at the 80 % level).
    Interpolated,
    /// The ⌈(n + 1)q⌉-th smallest error (split conformal's finite-sample rule), which covers at
    /// least q of new exchangeable errors; when that rank exceeds n (fewer than 1/(1 − q) − 1
    /// windows) the largest error, and the level is not guaranteed.
    FiniteSample,
}

/// Conformal prediction intervals for a model without its own (statsforecast's
/// `ConformalIntervals`): refit at `n_windows` cutoffs `h` steps apart ending at the series' end,
/// take each step's absolute errors across the windows, and put mean ± their `level` quantile
/// around `mean` — statsforecast's `conformal_error` method, with the quantile rule `rule`
/// ([`ConformalQuantile::Interpolated`] is statsforecast's). `None` when the series is too short
/// for the windows or a level is not a percentage strictly between 0 and 100.
#[allow(clippy::too_many_arguments)]
pub fn conformal_intervals(
    model: &Model,
    y: &[f64],
    h: usize,
    season: usize,
    n_windows: usize,
    levels: &[f64],
    mean: &[f64],
    rule: ConformalQuantile,
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
    Some(
        levels
            .iter()
            .map(|level| {
                let q: Vec<f64> = errors
                    .iter()
                    .map(|e| conformal_quantile(e, level / 100.0, rule))
                    .collect();
                let lo = mean.iter().zip(&q).map(|(m, q)| m - q).collect();
                let hi = mean.iter().zip(&q).map(|(m, q)| m + q).collect();
                (*level, lo, hi)
            })
            .collect(),
    )
}

/// The `q` quantile of sorted calibration errors by `rule` (NaN when there are none).
fn conformal_quantile(sorted: &[f64], q: f64, rule: ConformalQuantile) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    match rule {
        ConformalQuantile::Interpolated => {
            let pos = q * (n - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
        ConformalQuantile::FiniteSample => {
            // ⌈(n + 1)q⌉, with a hair off so that an exact product is not pushed up a rank.
            let rank = ((n + 1) as f64 * q - 1e-9).ceil().max(1.0) as usize;
            sorted[rank.min(n) - 1]
        }
    }
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
    fn pooled_choice_by_hand() {
        let sc = |mase: Option<f64>, mae: f64| Scores {
            mae,
            rmse: mae,
            mase,
            rmsse: mase,
            coverage: Vec::new(),
        };
        // Candidate 0 wins one series by a lot, candidate 1 both others: mean MASE 0.9 vs 0.8.
        let scores = vec![
            vec![sc(Some(0.2), 1.0), sc(Some(1.0), 1.0)],
            vec![sc(Some(1.2), 1.0), sc(Some(0.7), 1.0)],
            vec![sc(Some(1.3), 1.0), sc(Some(0.7), 1.0)],
        ];
        assert_eq!(pooled_best(Metric::Mase, &scores), 1);
        // Undefined MASE everywhere: MAE decides.
        let flat = vec![vec![sc(None, 2.0), sc(None, 1.0)]];
        assert_eq!(pooled_best(Metric::Rmsse, &flat), 1);
        assert_eq!(pooled_best(Metric::Mase, &[]), 0);
    }

    #[test]
    fn conformal_quantiles_by_hand() {
        let e: Vec<f64> = (1..=10).map(f64::from).collect();
        // Interpolated: position 0.8 · 9 = 7.2 → 8 + 0.2.
        let q = conformal_quantile(&e, 0.8, ConformalQuantile::Interpolated);
        assert!((q - 8.2).abs() < 1e-12);
        // Finite sample: ⌈11 · 0.8⌉ = 9th; ⌈11 · 0.95⌉ = 11 > 10: the largest.
        assert_eq!(
            conformal_quantile(&e, 0.8, ConformalQuantile::FiniteSample),
            9.0
        );
        assert_eq!(
            conformal_quantile(&e, 0.95, ConformalQuantile::FiniteSample),
            10.0
        );
        // 19 errors reach the 95 % level exactly: ⌈20 · 0.95⌉ = 19th.
        let e19: Vec<f64> = (1..=19).map(f64::from).collect();
        assert_eq!(
            conformal_quantile(&e19, 0.95, ConformalQuantile::FiniteSample),
            19.0
        );
        assert!(conformal_quantile(&[], 0.5, ConformalQuantile::FiniteSample).is_nan());
    }

    #[test]
    fn conformal_intervals_by_hand() {
        // Naive on 1..=8 with h 2 and 2 windows: cutoffs 4 and 6; forecasts 4 and 6; errors
        // step 1: |5−4|, |7−6| = 1, 1; step 2: |6−4|, |8−6| = 2, 2.
        let y: Vec<f64> = (1..=8).map(f64::from).collect();
        let out = conformal_intervals(
            &Model::Naive,
            &y,
            2,
            1,
            2,
            &[80.0],
            &[8.0, 8.0],
            ConformalQuantile::Interpolated,
        )
        .unwrap();
        assert_eq!(out[0].1, [7.0, 6.0]);
        assert_eq!(out[0].2, [9.0, 10.0]);
        assert!(
            conformal_intervals(
                &Model::Naive,
                &y[..3],
                2,
                1,
                2,
                &[80.0],
                &[3.0, 3.0],
                ConformalQuantile::Interpolated
            )
            .is_none()
        );
    }
}
