//! Parity with statsforecast 2.1.1 on a real daily count series (US births) and five synthetic
//! ones, for every model citygrid has so far. Golden values: `tests/golden/
//! make_statsforecast_vectors.sh` (see `tests/golden/statsforecast/README.md`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use grid_analytics::forecast::{Model, forecast};

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/statsforecast")
        .join(name)
}

fn rows(name: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(golden(name)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// The models statsforecast was asked for, by the golden file's label, as citygrid spells them.
fn models() -> Vec<(&'static str, Model, f64)> {
    vec![
        ("Naive", Model::Naive, 1e-12),
        ("SeasonalNaive", Model::SeasonalNaive, 1e-12),
        ("HistoricAverage", Model::HistoricAverage, 1e-12),
        ("WindowAverage", Model::WindowAverage { window: 7 }, 1e-12),
        ("SES", Model::Ses { alpha: 0.3 }, 1e-12),
        ("SESOpt", "SESOpt".parse().unwrap(), 1e-7),
        ("CrostonClassic", Model::CrostonClassic, 1e-12),
        ("CrostonSBA", Model::CrostonSba, 1e-12),
        ("CrostonOptimized", Model::CrostonOptimized, 1e-7),
        (
            "TSB",
            Model::Tsb {
                alpha_d: 0.2,
                alpha_p: 0.2,
            },
            1e-12,
        ),
        ("ADIDA", Model::Adida, 1e-7),
        ("IMAPA", Model::Imapa, 1e-7),
    ]
}

#[test]
fn forecasts_and_intervals_match_statsforecast() {
    let mut series: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in rows("series.csv") {
        series
            .entry(r["unique_id"].clone())
            .or_default()
            .push(r["y"].parse().unwrap());
    }
    let golden = rows("forecasts.csv");
    let mut checked = 0;
    for (id, y) in &series {
        // Fitted on all but the last 14 values (the short series: on all of them).
        let train = if y.len() > 14 {
            &y[..y.len() - 14]
        } else {
            &y[..]
        };
        for (label, model, tol) in models() {
            let ours = forecast(&model, train, 14, 7, &[80.0, 95.0]).unwrap();
            let theirs: Vec<&BTreeMap<String, String>> = golden
                .iter()
                .filter(|r| r["unique_id"] == *id && r["model"] == label)
                .collect();
            assert_eq!(theirs.len(), 14, "{id} {label}");
            for r in theirs {
                let k: usize = r["step"].parse::<usize>().unwrap() - 1;
                let close = |a: f64, b: &str| {
                    let b: f64 = b.parse().unwrap();
                    (a - b).abs() <= tol * (1.0 + b.abs())
                };
                assert!(
                    close(ours.mean[k], &r["mean"]),
                    "{id} {label} step {}: {} vs {}",
                    k + 1,
                    ours.mean[k],
                    r["mean"]
                );
                checked += 1;
                if r["lo_80"].is_empty() {
                    assert!(
                        ours.intervals.is_empty(),
                        "{id} {label}: statsforecast has no intervals"
                    );
                    continue;
                }
                for (level, lo, hi) in &ours.intervals {
                    let name = format!("{}", *level as i64);
                    assert!(
                        close(lo[k], &r[&format!("lo_{name}")]),
                        "{id} {label} lo_{name} {k}"
                    );
                    assert!(
                        close(hi[k], &r[&format!("hi_{name}")]),
                        "{id} {label} hi_{name} {k}"
                    );
                }
            }
        }
    }
    assert_eq!(checked, 6 * 12 * 14);
}

/// statsforecast's AutoETS labels in the golden files and the ETS spec that should match.
fn ets_labels() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AutoETS_AZZ", "AZZ"),
        ("AutoETS_ANN", "ANN"),
        ("AutoETS_AAN_dampedFalse", "AAN"),
        ("AutoETS_AAN_dampedTrue", "AAdN"),
        ("AutoETS_ANA", "ANA"),
        ("AutoETS_AAA_dampedFalse", "AAA"),
    ]
}

/// AutoETS: the chosen form, AICc, parameters, iterations, forecasts and intervals. Our
/// Nelder–Mead takes the same steps as statsforecast's, so the fits agree to rounding. Interval
/// widths of seasonal forms differ on purpose in the first season of the horizon (we count the
/// completed seasons per step, statsforecast over the whole horizon: docs/forecasts.md), so
/// those steps are checked against the textbook variance instead, in the unit tests.
#[test]
fn ets_matches_statsforecast() {
    use grid_analytics::forecast::{EtsSpec, fit_ets};
    let mut series: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in rows("series.csv") {
        series
            .entry(r["unique_id"].clone())
            .or_default()
            .push(r["y"].parse().unwrap());
    }
    let params: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden("params.json")).unwrap()).unwrap();
    let golden_rows = rows("forecasts.csv");
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol * (1.0 + b.abs());
    let (mut fits, mut failures, mut values) = (0, 0, 0);
    for (id, y) in &series {
        let train = if y.len() > 14 {
            &y[..y.len() - 14]
        } else {
            &y[..]
        };
        for (label, form) in ets_labels() {
            let p = &params[id][label];
            let ours = fit_ets(train, 7, EtsSpec::parse(form).unwrap());
            if p.get("fit_error").is_some() {
                assert!(
                    ours.is_err(),
                    "{id} {label}: statsforecast could not fit it"
                );
                failures += 1;
                continue;
            }
            let f = ours.unwrap();
            fits += 1;
            // statsforecast leaves the method empty for a constant series (ANN, α 0.9999).
            let method = p["method"].as_str().unwrap_or("ETS(A,N,N)");
            assert_eq!(f.method(), method, "{id} {label}");
            assert!(
                close(f.aicc, p["aicc"].as_f64().unwrap(), 1e-10),
                "{id} {label} AICc"
            );
            assert!(
                close(f.sigma2, p["sigma2"].as_f64().unwrap(), 1e-8),
                "{id} {label} σ²"
            );
            assert_eq!(
                f.n_params as u64,
                p["n_params"].as_u64().unwrap(),
                "{id} {label}"
            );
            for (name, v) in [
                ("alpha", Some(f.alpha)),
                ("beta", f.beta),
                ("gamma", f.gamma),
                ("phi", f.phi),
            ] {
                match (v, p[name].as_f64()) {
                    (Some(a), Some(b)) => {
                        assert!((a - b).abs() < 1e-7, "{id} {label} {name}: {a} vs {b}")
                    }
                    (None, None) => {}
                    (a, b) => panic!("{id} {label} {name}: {a:?} vs {b:?}"),
                }
            }
            if f.iterations > 0 {
                // statsforecast reports 1,001 when the limit of 1,000 stops it.
                let theirs = p["optimizer_iterations"].as_u64().unwrap().min(1000);
                assert_eq!(f.iterations as u64, theirs, "{id} {label} iterations");
            }
            let fc = f.forecast(14, &[80.0, 95.0]);
            for r in golden_rows
                .iter()
                .filter(|r| r["unique_id"] == *id && r["model"] == label)
            {
                let k: usize = r["step"].parse::<usize>().unwrap() - 1;
                let num = |c: &str| r[c].parse::<f64>().unwrap();
                assert!(
                    close(fc.mean[k], num("mean"), 1e-9),
                    "{id} {label} mean {k}"
                );
                values += 1;
                if f.season.eq(&grid_analytics::forecast::Season::Additive) && k < 7 {
                    continue;
                }
                for (level, lo, hi) in &fc.intervals {
                    let l = *level as i64;
                    assert!(
                        close(lo[k], num(&format!("lo_{l}")), 1e-8),
                        "{id} {label} lo_{l} {k}"
                    );
                    assert!(
                        close(hi[k], num(&format!("hi_{l}")), 1e-8),
                        "{id} {label} hi_{l} {k}"
                    );
                }
            }
        }
    }
    assert_eq!((fits, failures), (34, 2));
    assert_eq!(values, 34 * 14);
}

/// Rolling-origin cross-validation (h 7, 3 windows, step 7) against statsforecast's
/// `cross_validation` for Naive, SeasonalNaive, HistoricAverage, SESOpt and AutoETS (AZZ):
/// the same cutoffs, and each window's forecast and intervals (ours clipped at 0: counts).
#[test]
fn cross_validation_matches_statsforecast() {
    use grid_analytics::forecast::{CrossValidation, cross_validate};
    let mut series: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut dates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows("series.csv") {
        series
            .entry(r["unique_id"].clone())
            .or_default()
            .push(r["y"].parse().unwrap());
        dates
            .entry(r["unique_id"].clone())
            .or_default()
            .push(r["ds"].clone());
    }
    let golden_rows = rows("cross_validation.csv");
    let cv = CrossValidation {
        h: 7,
        n_windows: 3,
        step_size: 7,
    };
    let mut checked = 0;
    for id in ["births_us", "seasonal"] {
        let y = &series[id];
        for (label, model) in [
            ("Naive", Model::Naive),
            ("SeasonalNaive", Model::SeasonalNaive),
            ("HistoricAverage", Model::HistoricAverage),
            ("SESOpt", "SESOpt".parse().unwrap()),
            ("AutoETS_AZZ", "AutoETS".parse().unwrap()),
        ] {
            let windows = cross_validate(&model, y, &cv, 7, &[80.0, 95.0]).unwrap();
            assert_eq!(windows.len(), 3);
            for (cut, f) in &windows {
                let cutoff = &dates[id][cut - 1];
                let theirs: Vec<_> = golden_rows
                    .iter()
                    .filter(|r| {
                        r["unique_id"] == id && r["model"] == label && &r["cutoff"] == cutoff
                    })
                    .collect();
                assert_eq!(theirs.len(), 7, "{id} {label} cutoff {cutoff}");
                for r in theirs {
                    let k: usize = r["step"].parse::<usize>().unwrap() - 1;
                    let num = |c: &str| r[c].parse::<f64>().unwrap().max(0.0);
                    let close = |a: f64, b: f64| (a - b).abs() <= 1e-8 * (1.0 + b.abs());
                    assert!(
                        close(f.mean[k], num("mean")),
                        "{id} {label} {cutoff} mean {k}"
                    );
                    // statsforecast refuses levels for SESOpt on this path (README).
                    let intervals = if r["lo_80"].is_empty() {
                        &[][..]
                    } else {
                        &f.intervals[..]
                    };
                    for (level, lo, hi) in intervals {
                        let l = *level as i64;
                        assert!(
                            close(lo[k], num(&format!("lo_{l}"))),
                            "{id} {label} {cutoff} lo {k}"
                        );
                        assert!(
                            close(hi[k], num(&format!("hi_{l}"))),
                            "{id} {label} {cutoff} hi {k}"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 2 * 5 * 3 * 7);
}
