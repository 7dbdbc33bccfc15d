//! Forecasts of synthetic daily count series (730 days, like benches/peers/make_series.py: low
//! means with a weekday profile and a yearly cycle, a third intermittent, a few busy), 14 days
//! ahead with season 7 and 80/95 % intervals, one thread: `forecast_series` with Naive, SESOpt
//! and CrostonSBA on 1,000 series, AutoETS and `fit_ets` (AutoETS's search, and one fixed form)
//! on the first 100 of them (AutoETS costs tens of milliseconds a series, so ten samples of 1,000
//! would take minutes). Under `cargo test` (no `--bench`) the sizes shrink to a smoke run.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grid_analytics::forecast::{EtsSpec, Model, fit_ets, forecast_series};
use grid_benches::unit_points;

const DAYS: usize = 730;
const HORIZON: usize = 14;
const SEASON: usize = 7;
const LEVELS: [f64; 2] = [80.0, 95.0];

/// A Poisson draw with mean `mean` from the uniform `u` by inversion (means here stay under 100).
fn poisson(mean: f64, u: f64) -> f64 {
    let (mut k, mut p) = (0u32, (-mean).exp());
    let mut cdf = p;
    while u > cdf && k < 1000 {
        k += 1;
        p *= mean / f64::from(k);
        cdf += p;
    }
    f64::from(k)
}

/// `n` series of 730 daily counts, deterministic: 60 % regular (mean 0.5 to 4 a day), 35 %
/// intermittent (0.02 to 0.3), 5 % busy (15 to 80), each with a weekday profile and a yearly
/// cycle of its own.
fn series(n: usize) -> Vec<Vec<f64>> {
    const WEEK: [f64; 7] = [1.15, 1.10, 1.05, 1.05, 1.0, 0.85, 0.80];
    let params = unit_points(2 * n, 11);
    (0..n)
        .map(|s| {
            let (kind, level) = params[2 * s];
            let (week_amp, phase) = params[2 * s + 1];
            let base = if kind < 0.60 {
                0.5 + 3.5 * level
            } else if kind < 0.95 {
                0.02 + 0.28 * level
            } else {
                15.0 + 65.0 * level
            };
            let year_amp = 0.3 * phase;
            unit_points(DAYS, 1000 + s as u64)
                .into_iter()
                .enumerate()
                .map(|(d, (u, _))| {
                    let week = 1.0 + 1.5 * week_amp * (WEEK[d % 7] - 1.0);
                    let angle = 2.0 * std::f64::consts::PI * (d as f64 / 365.25 - phase);
                    poisson(base * week * (1.0 + year_amp * angle.cos()), u)
                })
                .collect()
        })
        .collect()
}

fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn forecasts(c: &mut Criterion) {
    let (n_fast, n_ets) = if full() { (1000, 100) } else { (20, 2) };
    let ys = series(n_fast);
    let models = [
        ("Naive", n_fast),
        ("SESOpt", n_fast),
        ("CrostonSBA", n_fast),
        ("AutoETS", n_ets),
    ];
    let mut group = c.benchmark_group("forecast_series");
    group.sample_size(10);
    for (name, n) in models {
        let model: Model = name.parse().unwrap();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("{name}_{n}_series_x_{DAYS}_days"), |b| {
            b.iter(|| {
                ys[..n]
                    .iter()
                    .map(|y| {
                        let f = forecast_series(&model, y, HORIZON, SEASON, &LEVELS).unwrap();
                        f.forecast.mean[HORIZON - 1]
                    })
                    .sum::<f64>()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("fit_ets");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n_ets as u64));
    for form in ["AZZ", "ANA"] {
        let spec = EtsSpec::parse(form).unwrap();
        group.bench_function(format!("{form}_{n_ets}_series_x_{DAYS}_days"), |b| {
            b.iter(|| {
                ys[..n_ets]
                    .iter()
                    .map(|y| fit_ets(y, SEASON, spec).unwrap().aicc)
                    .sum::<f64>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, forecasts);
criterion_main!(benches);
