//! `citygrid simulate`: a history on an analyst's own grids, byte-identical for a seed, whose
//! defects `citygrid validate` finds; bad settings.

use std::fs;
use std::path::Path;

use grid_analytics::table_io::read_table;

use super::{citygrid, path_str, stderr, street_grids};

#[test]
fn simulates_on_given_grids_reproducibly_with_defects_validation_finds() {
    let dir = tempfile::tempdir().unwrap();
    let grids = street_grids(dir.path());
    let simulate = |out: &Path, seed: &str| {
        let run = citygrid(&[
            "simulate",
            "--grid",
            path_str(&grids),
            "--seed",
            seed,
            "--years",
            "1",
            "--cases",
            "6000",
            "--out",
            path_str(out),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    };
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    simulate(&a, "3");
    simulate(&b, "3");
    simulate(&c, "4");
    let files = [
        "cases.parquet",
        "components.parquet",
        "simulation.json",
        "truth/cases.parquet",
        "truth/hotspots.csv",
        "truth/hotspot_grids.csv",
        "truth/hotspot_profiles.csv",
        "truth/performance.csv",
        "truth/defects.csv",
        "truth/weather.csv",
        "truth/places.csv",
    ];
    for file in files {
        let (x, y) = (
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap(),
        );
        assert!(x == y, "{file} differs between two runs with the same seed");
    }
    assert_ne!(
        fs::read(a.join("cases.parquet")).unwrap(),
        fs::read(c.join("cases.parquet")).unwrap()
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(a.join("simulation.json")).unwrap()).unwrap();
    assert_eq!(summary["cases"], 6000);
    assert_eq!(summary["config"]["seed"], 3);
    assert_eq!(read_table(&a.join("cases.parquet")).unwrap().height(), 6000);

    // Validation rejects exactly the planted defects.
    let defects = read_table(&a.join("truth/defects.csv")).unwrap();
    assert_eq!(defects.height(), 24);
    let out = dir.path().join("validated");
    let run = citygrid(&[
        "validate",
        "--cases",
        path_str(&a.join("cases.parquet")),
        "--grid",
        path_str(&grids),
        "--now",
        "2024-01-01 00:00",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let rejected = read_table(&out.join("rejected.parquet")).unwrap();
    let column = |df: &polars::prelude::DataFrame, name: &str| -> Vec<String> {
        let c = df
            .column(name)
            .unwrap()
            .cast(&polars::prelude::DataType::String)
            .unwrap();
        c.str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_owned())
            .collect()
    };
    let mut found: Vec<(String, String)> = column(&rejected, "row_number")
        .into_iter()
        .zip(column(&rejected, "reject_reason"))
        .collect();
    let mut planted: Vec<(String, String)> = column(&defects, "row_number")
        .into_iter()
        .zip(column(&defects, "expected_reason"))
        .collect();
    found.sort();
    planted.sort();
    assert_eq!(found, planted);
}

#[test]
fn bad_settings_are_input_errors_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, value, expected) in [
        ("--years", "0", "years: 0"),
        ("--defect-rate", "2", "defect rate: 2"),
        ("--start", "2023-13-01", "--start"),
    ] {
        let run = citygrid(&[
            "simulate",
            flag,
            value,
            "--cases",
            "100",
            "--out",
            path_str(dir.path()),
        ]);
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert!(stderr(&run).contains(expected), "{}", stderr(&run));
    }
}
