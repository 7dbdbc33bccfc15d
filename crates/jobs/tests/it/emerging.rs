//! `citygrid emerging`: the planted emerging hot spots of a simulated history are found with
//! their type; the cube and its options.

use std::collections::HashMap;

use grid_analytics::grid_io::read_layer;
use grid_analytics::table_io::read_table;
use polars::prelude::*;

use super::{citygrid, path_str, simulated_city, stderr};

fn texts(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn planted_emerging_hot_spots_are_found_with_their_type() {
    let dir = tempfile::tempdir().unwrap();
    let (grids, sim, cases) = simulated_city(dir.path(), "80000");
    let ok = |args: &[&str], code: i32| {
        let out = citygrid(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        out
    };
    let out = dir.path().join("emerging.geojson");
    let cube = dir.path().join("cube.parquet");
    let run = ok(
        &[
            "emerging",
            "--cases",
            path_str(&cases),
            "--grid",
            path_str(&grids),
            "--step",
            "month",
            "--out",
            path_str(&out),
            "--cube-out",
            path_str(&cube),
        ],
        0,
    );
    assert!(stderr(&run).contains("× 36 months"), "{}", stderr(&run));
    let result = read_layer(&out).unwrap().table;
    let category: HashMap<String, String> = texts(&result, "grid_code")
        .into_iter()
        .zip(texts(&result, "category"))
        .collect();
    let truth = read_table(&sim.join("truth/hotspot_grids.csv")).unwrap();
    let mut recall: HashMap<String, (usize, usize)> = HashMap::new();
    for (code, kind) in texts(&truth, "grid_code")
        .into_iter()
        .zip(texts(&truth, "type"))
    {
        let e = recall.entry(kind.clone()).or_default();
        e.0 += 1;
        e.1 += usize::from(category.get(&code) == Some(&kind));
    }
    for kind in [
        "new hot spot",
        "consecutive hot spot",
        "intensifying hot spot",
        "persistent hot spot",
        "diminishing hot spot",
        "historical hot spot",
        "sporadic hot spot",
    ] {
        let Some((n, found)) = recall.get(kind) else {
            continue;
        };
        assert!(*found * 10 >= *n * 7, "{kind}: {found} of {n}: {recall:?}");
    }
    assert!(recall.len() >= 7, "{recall:?}");
    // The cube: every grid × 36 months, zeros included, counts summing to the cases in it.
    let cube = read_table(&cube).unwrap();
    assert_eq!(cube.height(), result.height() * 36);
    let total: f64 = cube.column("cases").unwrap().f64().unwrap().sum().unwrap();
    let per_grid: f64 = result
        .column("cases")
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .sum()
        .unwrap();
    assert_eq!(total, per_grid);

    // Kernel density on the same grids holds the cases (less what spills over the edge).
    let density = dir.path().join("density.parquet");
    let run = ok(
        &[
            "density",
            "--cases",
            path_str(&cases),
            "--grid",
            path_str(&grids),
            "--out",
            path_str(&density),
        ],
        0,
    );
    assert!(stderr(&run).contains(" m, 8"), "{}", stderr(&run));
    let layer = read_table(&density).unwrap();
    let d = layer.column("density_km2").unwrap().f64().unwrap();
    let area = layer
        .column("area_m2")
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap();
    let mass: f64 = d
        .iter()
        .zip(area.f64().unwrap().iter())
        .map(|(d, a)| d.unwrap() * a.unwrap() / 1e6)
        .sum();
    let n = read_table(&cases).unwrap().height() as f64;
    assert!(mass > 0.93 * n && mass <= n * 1.0001, "{mass} of {n}");
    let bad = citygrid(&[
        "density",
        "--cases",
        path_str(&cases),
        "--grid",
        path_str(&grids),
        "--radius-m",
        "0",
        "--out",
        path_str(&density),
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("radius: 0: expected a positive distance"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn bad_options_are_input_errors() {
    for (extra, expected) in [
        (vec!["--step", "fortnight"], "expected week or month"),
        (
            vec!["--step", "month", "--rule-order", "new,weird"],
            "\"weird\"",
        ),
    ] {
        let mut args = vec![
            "emerging",
            "--cases",
            "no.parquet",
            "--grid",
            "no.parquet",
            "--out",
            "/tmp/x.geojson",
        ];
        args.extend(extra);
        let run = citygrid(&args);
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert!(stderr(&run).contains(expected), "{}", stderr(&run));
    }
}
