//! `citygrid forecast`: long tables in, forecasts and scores out; the automatic choice; bad rows
//! and bad options.

use std::fmt::Write as _;
use std::fs;

use grid_analytics::table_io::read_table;
use polars::prelude::*;

use super::{citygrid, path_str, stderr};

fn texts(df: &DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn forecasts_a_long_table_and_chooses_by_cross_validation() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("series.csv");
    // "weekly": six weeks of a weekday pattern; "flat": constant 2 with one gap day (a zero);
    // "short": three days; one row with a bad value.
    let mut csv = String::from("unique_id,ds,y\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for t in 0..42 {
        let day = start + chrono::Duration::days(t);
        writeln!(
            csv,
            "weekly,{day},{}",
            [1, 1, 1, 1, 1, 6, 8][t as usize % 7]
        )
        .unwrap();
        if t != 10 {
            writeln!(csv, "flat,{day},2").unwrap();
        }
    }
    csv.push_str(
        "short,2024-01-01,1\nshort,2024-01-02,3\nshort,2024-01-03,2\nshort,2024-01-04,x\n",
    );
    fs::write(&input, csv).unwrap();
    let out = dir.path().join("forecast.parquet");
    let metrics = dir.path().join("metrics.csv");
    let run = citygrid(&[
        "forecast",
        "--series",
        path_str(&input),
        "--freq",
        "day",
        "--horizon",
        "7",
        "--out",
        path_str(&out),
        "--metrics-out",
        path_str(&metrics),
    ]);
    // One row rejected: success with rejected rows.
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("row 87, field \"y\""),
        "{}",
        stderr(&run)
    );
    let f = read_table(&out).unwrap();
    assert_eq!(f.height(), 21);
    let ids = texts(&f, "unique_id");
    let models = texts(&f, "model");
    let means = f.column("mean").unwrap().f64().unwrap().clone();
    let at = |id: &str| ids.iter().position(|i| i == id).unwrap();
    assert_eq!(models[at("weekly")], "SeasonalNaive");
    // The first forecast day is a Monday (2024-02-12): the pattern's 1.
    assert_eq!(texts(&f, "ds")[at("weekly")], "2024-02-12");
    assert_eq!(means.get(at("weekly") + 5), Some(6.0));
    // Too short to cross-validate: Naive.
    assert_eq!(models[at("short")], "Naive");
    assert_eq!(means.get(at("short")), Some(2.0));
    let m = read_table(&metrics).unwrap();
    assert_eq!(m.height(), 2 * 9);
    assert!(texts(&m, "chosen").iter().filter(|c| *c == "true").count() == 2);
    let rejected = read_table(&dir.path().join("forecast.rejected.parquet")).unwrap();
    assert_eq!(texts(&rejected, "row_number"), ["87"]);

    // An explicit list: every model per series, with intervals where the model has them.
    let listed = dir.path().join("listed.csv");
    let run = citygrid(&[
        "forecast",
        "--series",
        path_str(&input),
        "--freq",
        "day",
        "--horizon",
        "2",
        "--models",
        "Naive,CrostonSBA",
        "--level",
        "90",
        "--out",
        path_str(&listed),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let l = read_table(&listed).unwrap();
    assert_eq!(l.height(), 3 * 2 * 2);
    let names: Vec<String> = l.get_column_names().iter().map(|c| c.to_string()).collect();
    assert!(names.contains(&"lo_90".to_owned()) && names.contains(&"hi_90".to_owned()));
    // Croston has no intervals of its own: conformal ones from cross-validation errors, except
    // on the series too short for two windows (Naive has its own everywhere).
    let lo = l.column("lo_90").unwrap().cast(&DataType::Float64).unwrap();
    let lo = lo.f64().unwrap();
    let (ids, models) = (texts(&l, "unique_id"), texts(&l, "model"));
    for i in 0..l.height() {
        let expected = !(ids[i] == "short" && models[i] == "CrostonSBA");
        assert_eq!(lo.get(i).is_some(), expected, "{} {}", ids[i], models[i]);
    }
}

#[test]
fn bad_options_are_input_errors() {
    for (extra, expected) in [
        (vec!["--models", "Prophet"], "unknown model"),
        (vec!["--horizon", "0"], "--horizon 0"),
        (vec!["--level", "150"], "--level 150"),
    ] {
        let mut args = vec![
            "forecast",
            "--series",
            "x.csv",
            "--freq",
            "day",
            "--out",
            "/tmp/f.csv",
        ];
        if !extra.contains(&"--horizon") {
            args.extend(["--horizon", "3"]);
        }
        args.extend(extra);
        let run = citygrid(&args);
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert!(stderr(&run).contains(expected), "{}", stderr(&run));
    }
}
