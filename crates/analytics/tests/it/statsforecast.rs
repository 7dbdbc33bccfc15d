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
