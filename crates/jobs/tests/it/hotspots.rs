//! `citygrid hotspots`: esda parity through the command line, the planted hot spots of a
//! simulated history, rejected rows, determinism, and bad input.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use grid_analytics::grid_io::read_layer;
use grid_analytics::table_io::read_table;
use polars::prelude::*;

use super::{citygrid, citygrid_threads, path_str, repo_root, simulated_city, stderr};

fn golden(name: &str) -> PathBuf {
    repo_root()
        .join("crates/analytics/tests/golden/esda")
        .join(name)
}

fn floats(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    df.column(name)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}

fn texts(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

/// Golden CSV column by name.
fn golden_column(file: &str, name: &str) -> Vec<String> {
    let df = read_table(&golden(file)).unwrap();
    texts(&df, name).into_iter().map(Option::unwrap).collect()
}

#[test]
fn gi_star_and_local_moran_match_esda_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let layer = golden("columbus.geojson");
    let run = |extra: &[&str], out: &Path| {
        let mut args = vec![
            "hotspots",
            "--polygons",
            path_str(&layer),
            "--crs",
            "EPSG:3857",
            "--value",
            "CRIME",
            "--tolerance-m",
            "0",
            "--permutations",
            "0",
            "--out",
            path_str(out),
        ];
        args.extend_from_slice(extra);
        let result = citygrid(&args);
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
        read_layer(out).unwrap().table
    };
    let gi = run(&[], &dir.path().join("gi.parquet"));
    let z = golden_column("columbus_CRIME_queen_gistar.csv", "z");
    let p_norm = golden_column("columbus_CRIME_queen_gistar.csv", "p_norm");
    let (ours_z, ours_p) = (floats(&gi, "z"), floats(&gi, "p"));
    let bins = floats(&gi, "bin");
    for i in 0..z.len() {
        let (z, p) = (
            z[i].parse::<f64>().unwrap(),
            2.0 * p_norm[i].parse::<f64>().unwrap(),
        );
        assert!((ours_z[i].unwrap() - z).abs() < 1e-9, "{i}");
        assert!((ours_p[i].unwrap() - p).abs() < 1e-9, "{i}");
        let level = if p <= 0.01 {
            3.0
        } else if p <= 0.05 {
            2.0
        } else if p <= 0.1 {
            1.0
        } else {
            0.0
        };
        assert_eq!(bins[i], Some(level * z.signum()), "{i}");
    }
    let moran = run(
        &["--statistic", "local-moran"],
        &dir.path().join("moran.geojson"),
    );
    let i_values = golden_column("columbus_CRIME_queen_moran.csv", "I");
    let q = golden_column("columbus_CRIME_queen_moran.csv", "q");
    let names = ["", "HH", "LH", "LL", "HL"];
    let (ours_i, ours_q) = (floats(&moran, "i"), texts(&moran, "quadrant"));
    for k in 0..q.len() {
        assert!((ours_i[k].unwrap() - i_values[k].parse::<f64>().unwrap()).abs() < 1e-12);
        assert_eq!(
            ours_q[k].as_deref(),
            Some(names[q[k].parse::<usize>().unwrap()])
        );
    }
}

#[test]
fn finds_the_planted_hot_spots_of_a_simulated_history() {
    let dir = tempfile::tempdir().unwrap();
    let (grids, sim, cases) = simulated_city(dir.path(), "60000");
    let ok = |args: &[&str], code: i32| {
        let out = citygrid(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
    };
    let out = dir.path().join("hot.parquet");
    ok(
        &[
            "hotspots",
            "--cases",
            path_str(&cases),
            "--grid",
            path_str(&grids),
            "--permutations",
            "99",
            "--fdr",
            "--out",
            path_str(&out),
        ],
        0,
    );
    let hot = read_table(&out).unwrap();
    let bin_of: HashMap<String, f64> = texts(&hot, "code")
        .into_iter()
        .zip(floats(&hot, "bin"))
        .map(|(c, b)| (c.unwrap(), b.unwrap_or(0.0)))
        .collect();
    let truth = read_table(&sim.join("truth/hotspot_grids.csv")).unwrap();
    let mut found: HashMap<String, (usize, usize)> = HashMap::new();
    for (code, kind) in texts(&truth, "grid_code")
        .into_iter()
        .zip(texts(&truth, "type"))
    {
        let e = found.entry(kind.unwrap()).or_default();
        e.0 += 1;
        e.1 += usize::from(bin_of[&code.unwrap()] >= 2.0);
    }
    // Over the whole history the clusters that were hot most of the time are hot spots.
    for kind in [
        "persistent hot spot",
        "intensifying hot spot",
        "diminishing hot spot",
        "historical hot spot",
    ] {
        let Some((n, hot)) = found.get(kind) else {
            continue;
        };
        assert!(
            *hot * 10 >= *n * 8,
            "{kind}: {hot} of {n} grids hot: {found:?}"
        );
    }
    assert!(found.len() >= 6, "{found:?}");
    let share = bin_of.values().filter(|b| **b >= 2.0).count() as f64 / bin_of.len() as f64;
    assert!(share < 0.25, "{share}");
    // A new hot spot shows only in the last month.
    let recent = dir.path().join("recent.parquet");
    ok(
        &[
            "hotspots",
            "--cases",
            path_str(&cases),
            "--grid",
            path_str(&grids),
            "--from",
            "2025-12-01",
            "--permutations",
            "0",
            "--out",
            path_str(&recent),
        ],
        0,
    );
    let recent = read_table(&recent).unwrap();
    let recent_bin: HashMap<String, f64> = texts(&recent, "code")
        .into_iter()
        .zip(floats(&recent, "bin"))
        .map(|(c, b)| (c.unwrap(), b.unwrap_or(0.0)))
        .collect();
    for (code, kind) in texts(&truth, "grid_code")
        .into_iter()
        .zip(texts(&truth, "type"))
    {
        if kind.as_deref() == Some("new hot spot") {
            let b = recent_bin[&code.unwrap()];
            assert!(b >= 1.0, "new hot spot grid not hot in the last month: {b}");
        }
    }
}

#[test]
fn rows_without_a_value_or_geometry_are_rejected_and_the_rest_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(golden("columbus.geojson")).unwrap();
    let mut layer: serde_json::Value = serde_json::from_str(&text).unwrap();
    let features = layer["features"].as_array_mut().unwrap();
    features[3]["properties"]["CRIME"] = serde_json::Value::Null;
    features[7]["geometry"] = serde_json::Value::Null;
    let input = dir.path().join("holes.geojson");
    fs::write(&input, layer.to_string()).unwrap();
    let out = dir.path().join("hot.geojson");
    let run = citygrid(&[
        "hotspots",
        "--polygons",
        path_str(&input),
        "--crs",
        "EPSG:3857",
        "--value",
        "CRIME",
        "--permutations",
        "0",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("row 4, field \"CRIME\": missing_field"),
        "{err}"
    );
    assert!(
        err.contains("row 8, field \"geometry\": missing_geometry"),
        "{err}"
    );
    let kept = read_layer(&out).unwrap().table;
    assert_eq!(kept.height(), 47);
    let rejected = read_table(&dir.path().join("hot.rejected.csv")).unwrap();
    assert_eq!(rejected.height(), 2);
}

#[test]
fn the_same_seed_gives_the_same_file_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let layer = golden("tokyo.geojson");
    let run = |threads: usize| {
        let out = dir.path().join(format!("t{threads}.parquet"));
        let args = [
            "hotspots",
            "--polygons",
            path_str(&layer),
            "--crs",
            "EPSG:3857",
            "--value",
            "UNEMP",
            "--weights",
            "knn:6",
            "--seed",
            "7",
            "--out",
            path_str(&out),
        ];
        let result = citygrid_threads(&args, Some(threads));
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
        fs::read(out).unwrap()
    };
    assert!(run(1) == run(2));
}

#[test]
fn bad_input_names_the_problem() {
    let layer = golden("baltim.geojson");
    for (extra, expected) in [
        (vec!["--value", "PRIZE"], "no column \"PRIZE\""),
        (
            vec!["--value", "PRICE", "--weights", "queen"],
            "queen contiguity needs polygons; feature 1",
        ),
        (
            vec!["--value", "PRICE", "--weights", "knn:0"],
            "k must be a whole number above 0",
        ),
    ] {
        let mut args = vec![
            "hotspots",
            "--polygons",
            path_str(&layer),
            "--crs",
            "EPSG:3857",
            "--out",
            "/tmp/never.geojson",
        ];
        args.extend(extra);
        let run = citygrid(&args);
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert!(stderr(&run).contains(expected), "{}", stderr(&run));
    }
}
