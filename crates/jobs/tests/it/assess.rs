//! `citygrid assess`: tables and maps for a period on a simulated city, the planted poor
//! performers at the bottom, inspection scores with a bad row, and config errors.

use std::collections::HashMap;
use std::fs;

use grid_analytics::table_io::read_table;
use polars::prelude::*;

use super::{citygrid, citygrid_threads, path_str, simulated_city, stderr};

fn texts(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect()
}

fn ranks(df: &DataFrame) -> HashMap<String, Option<u32>> {
    let r = df.column("rank").unwrap().u32().unwrap().clone();
    texts(df, "scope").into_iter().zip(r.iter()).collect()
}

#[test]
fn assesses_a_simulated_city() {
    let dir = tempfile::tempdir().unwrap();
    let (grids, sim, cases) = simulated_city(dir.path(), "60000");
    let out = dir.path().join("q3");
    let inspection = dir.path().join("inspection.csv");
    fs::write(
        &inspection,
        "level,scope,score\ndepartment,drainage utility,40\nstreet,371102001,abc\n",
    )
    .unwrap();
    let run = citygrid(&[
        "assess",
        "--cases",
        path_str(&cases),
        "--period",
        "2025-Q3",
        "--grid",
        path_str(&grids),
        "--inspection",
        path_str(&inspection),
        "--out",
        path_str(&out),
    ]);
    // One inspection row rejected: success with rejected rows, the row named.
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("row 3, field \"score\""),
        "{}",
        stderr(&run)
    );
    let rejected = read_table(&out.join("inspection.rejected.csv")).unwrap();
    assert_eq!(rejected.height(), 1);

    // Long table: numerator and denominator kept; a zero denominator has no value and no score.
    let long = read_table(&out.join("indicators.parquet")).unwrap();
    for column in [
        "period",
        "level",
        "scope",
        "indicator",
        "numerator",
        "denominator",
        "value",
        "score",
    ] {
        assert!(long.column(column).is_ok(), "{column}");
    }
    let den = long.column("denominator").unwrap().f64().unwrap().clone();
    let value = long.column("value").unwrap().f64().unwrap().clone();
    for i in 0..long.height() {
        if den.get(i) == Some(0.0) {
            assert_eq!(value.get(i), None);
        }
    }

    // The planted poor departments and supervisors rank at the bottom, the good at the top.
    let truth = read_table(&sim.join("truth/performance.csv")).unwrap();
    let (scope, id, level) = (
        texts(&truth, "scope"),
        texts(&truth, "id"),
        texts(&truth, "level"),
    );
    let departments = read_table(&out.join("scores_department.parquet")).unwrap();
    let dept_rank = ranks(&departments);
    let n_dept = departments.height() as u32;
    let supervisors = read_table(&out.join("scores_supervisor.parquet")).unwrap();
    let sup_rank = ranks(&supervisors);
    let n_sup = supervisors.height() as f64;
    let mut supervisor_ranks: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut departments_checked = 0;
    for i in 0..truth.height() {
        match scope[i].as_str() {
            "department" => {
                let Some(Some(r)) = dept_rank.get(&id[i]) else {
                    continue;
                };
                departments_checked += 1;
                match level[i].as_str() {
                    "poor" => assert!(*r + 3 > n_dept, "{} ranks {r} of {n_dept}", id[i]),
                    "good" => assert!(*r <= 4, "{} ranks {r}", id[i]),
                    _ => {}
                }
            }
            "supervisor" => {
                if let Some(Some(r)) = sup_rank.get(&id[i]) {
                    supervisor_ranks
                        .entry(level[i].as_str())
                        .or_default()
                        .push(f64::from(*r));
                }
            }
            _ => {}
        }
    }
    assert!(departments_checked >= 4, "{departments_checked}");
    let mean = |l: &str| {
        let v = &supervisor_ranks[l];
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(mean("poor") > 0.75 * n_sup, "{} of {n_sup}", mean("poor"));
    assert!(mean("good") < 0.25 * n_sup, "{} of {n_sup}", mean("good"));

    // The inspection score is read, but blended only at a share above 0 (the default is 0).
    let column = |name: &str| departments.column(name).unwrap().f64().unwrap().clone();
    let (inspection_col, platform, composite) = (
        column("inspection"),
        column("platform"),
        column("composite"),
    );
    let at = texts(&departments, "scope")
        .iter()
        .position(|s| s == "drainage utility")
        .unwrap();
    assert_eq!(inspection_col.get(at), Some(40.0));
    assert_eq!(composite.get(at), platform.get(at));

    // Same bytes on one thread.
    let one = dir.path().join("q3-one-thread");
    let run = citygrid_threads(
        &[
            "assess",
            "--cases",
            path_str(&cases),
            "--period",
            "2025-Q3",
            "--grid",
            path_str(&grids),
            "--inspection",
            path_str(&inspection),
            "--out",
            path_str(&one),
        ],
        Some(1),
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    for file in [
        "indicators.parquet",
        "scores_grid.parquet",
        "scores_supervisor.parquet",
        "street.geojson",
    ] {
        assert_eq!(
            fs::read(out.join(file)).unwrap(),
            fs::read(one.join(file)).unwrap(),
            "{file}"
        );
    }

    // Maps: one GeoJSON per region level, polygons merged from the grids.
    for level in ["district", "street", "community", "grid"] {
        let text = fs::read_to_string(out.join(format!("{level}.geojson"))).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let features = json["features"].as_array().unwrap();
        assert!(!features.is_empty(), "{level}");
        let properties = features[0]["properties"].as_object().unwrap();
        assert!(properties.contains_key("composite") && properties.contains_key("grade"));
        assert_eq!(features[0]["geometry"]["type"], "MultiPolygon", "{level}");
    }
}

#[test]
fn config_errors_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("scoring.toml");
    fs::write(
        &config,
        "version = 1\ngrades = [{ grade = \"A\", min = 0.0 }]\n[department]\nrework_rate = { weight = -2.0 }\n",
    )
    .unwrap();
    let cases = dir.path().join("cases.csv");
    fs::write(&cases, "case_id\n1\n").unwrap();
    let run = citygrid(&[
        "assess",
        "--cases",
        path_str(&cases),
        "--period",
        "2025-Q3",
        "--config",
        path_str(&config),
        "--out",
        path_str(&dir.path().join("out")),
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("department.rework_rate.weight"),
        "{}",
        stderr(&run)
    );
    let run = citygrid(&[
        "assess", "--cases", "x", "--period", "2025-Q5", "--out", "y",
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("quarters are Q1 to Q4"),
        "{}",
        stderr(&run)
    );
    // The defaults print as a config file that parses.
    let run = citygrid(&["assess", "--print-config"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("version = 1") && text.contains("on_time_closure_rate"));
}
