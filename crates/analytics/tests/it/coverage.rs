//! Prediction intervals cover near their nominal level on simulated series: model-based
//! intervals where the simulated process is the model's own (SES / ETS(A,N,N), ETS(A,N,A), a
//! random walk for Naive), and conformal intervals from cross-validation errors on count series.
//! Each check pools 600 series × 14 steps; with independent series the sampling error of a
//! coverage share is under 1 point, and the tolerance (3 points) leaves room for the estimated
//! parameters.

use grid_analytics::forecast::{ConformalQuantile, Model, conformal_intervals, forecast_series};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal, Poisson};
use rand_pcg::Pcg64Mcg;

const SERIES: usize = 600;
const H: usize = 14;
const LEVELS: [f64; 2] = [80.0, 95.0];

/// Simulates `SERIES` series of `n + H` values with `make`, forecasts the first `n` with
/// `model`, and returns the share of the last `H` actuals inside each level's interval.
fn coverage(
    model: &Model,
    n: usize,
    season: usize,
    conformal: Option<(usize, ConformalQuantile)>,
    mut make: impl FnMut(&mut Pcg64Mcg) -> Vec<f64>,
) -> Vec<f64> {
    let mut rng = Pcg64Mcg::seed_from_u64(20261126);
    let mut inside = [0usize; 2];
    let mut total = 0usize;
    for _ in 0..SERIES {
        let y = make(&mut rng);
        let (train, test) = y.split_at(n);
        let mut f = forecast_series(model, train, H, season, &LEVELS).unwrap();
        if let Some((windows, rule)) = conformal {
            f.forecast.intervals = conformal_intervals(
                model,
                train,
                H,
                season,
                windows,
                &LEVELS,
                &f.forecast.mean,
                rule,
            )
            .unwrap();
        }
        assert_eq!(f.forecast.intervals.len(), 2, "{model}");
        for (k, (_, lo, hi)) in f.forecast.intervals.iter().enumerate() {
            for (t, a) in test.iter().enumerate() {
                if lo[t] <= *a && *a <= hi[t] {
                    inside[k] += 1;
                }
            }
        }
        total += test.len();
    }
    inside.iter().map(|c| *c as f64 / total as f64).collect()
}

fn assert_near(label: &str, got: &[f64], tolerance: f64) {
    for (c, level) in got.iter().zip(LEVELS) {
        assert!(
            (c - level / 100.0).abs() <= tolerance,
            "{label}: {:.3} covered at the {level} % level",
            c
        );
    }
}

/// y_t = l_{t−1} + e_t, l_t = l_{t−1} + α e_t: ETS(A,N,N) with α = 0.3, σ = 2, level 50 (far
/// from 0, so clipping at 0 never matters).
fn local_level(rng: &mut Pcg64Mcg, len: usize) -> Vec<f64> {
    let noise = Normal::new(0.0, 2.0).unwrap();
    let mut l = 50.0;
    (0..len)
        .map(|_| {
            let e = noise.sample(rng);
            let y = l + e;
            l += 0.3 * e;
            y
        })
        .collect()
}

#[test]
fn model_intervals_cover_near_nominal() {
    let n = 300;
    let ets = "ETS:ANN".parse::<Model>().unwrap();
    assert_near(
        "ETS(A,N,N)",
        &coverage(&ets, n, 1, None, |r| local_level(r, n + H)),
        0.03,
    );
    let ses = "SESOpt".parse::<Model>().unwrap();
    assert_near(
        "SESOpt",
        &coverage(&ses, n, 1, None, |r| local_level(r, n + H)),
        0.03,
    );
    // A random walk: Naive is its true model.
    let walk = |r: &mut Pcg64Mcg| {
        let noise = Normal::new(0.0, 1.0).unwrap();
        let mut v = 100.0;
        (0..n + H)
            .map(|_| {
                v += noise.sample(r);
                v
            })
            .collect()
    };
    assert_near("Naive", &coverage(&Model::Naive, n, 1, None, walk), 0.03);
    // ETS(A,N,A): weekly season plus the local level.
    let seasonal = |r: &mut Pcg64Mcg| {
        let pattern = [0.0, 1.0, 2.0, 2.0, 1.0, -3.0, -3.0];
        let noise = Normal::new(0.0, 1.5).unwrap();
        let mut l = 40.0;
        (0..n + H)
            .map(|t| {
                let e = noise.sample(r);
                let y = l + pattern[t % 7] + e;
                l += 0.2 * e;
                y
            })
            .collect()
    };
    let ana = "ETS:ANA".parse::<Model>().unwrap();
    assert_near("ETS(A,N,A)", &coverage(&ana, n, 7, None, seasonal), 0.03);
}

#[test]
fn conformal_intervals_cover_count_series() {
    // Poisson counts with a weekday profile and a constant mean per series: the errors are
    // exchangeable across windows (14 steps apart, so a step always falls on the same weekday),
    // the condition conformal intervals need. Counts are discrete, so cover can exceed the level.
    let n = 400;
    let profile = [1.0, 1.0, 1.0, 1.0, 1.2, 0.6, 0.5];
    let make = |r: &mut Pcg64Mcg| {
        let base = 2.0 + 6.0 * rand::RngExt::random::<f64>(r);
        (0..n + H)
            .map(|t| Poisson::new(base * profile[t % 7]).unwrap().sample(r))
            .collect::<Vec<f64>>()
    };
    for model in [Model::HistoricAverage, "CrostonSBA".parse().unwrap()] {
        // 20 windows and the finite-sample rank: at least the level (3 points of slack for
        // sampling), at most 8 above it.
        let got = coverage(
            &model,
            n,
            7,
            Some((20, ConformalQuantile::FiniteSample)),
            make,
        );
        for (c, level) in got.iter().zip(LEVELS) {
            let nominal = level / 100.0;
            assert!(
                *c >= nominal - 0.03 && *c <= nominal + 0.08,
                "{model}: {c:.3} covered at the {level} % level"
            );
        }
    }
    // statsforecast's interpolated quantile over 10 windows falls short, as its rank predicts
    // (at most 9/11 = 0.82 and 10/11 = 0.91 of continuous errors): why the command does not use it.
    let got = coverage(
        &Model::HistoricAverage,
        n,
        7,
        Some((10, ConformalQuantile::Interpolated)),
        make,
    );
    assert!(got[1] < 0.93, "{got:?}");
}
