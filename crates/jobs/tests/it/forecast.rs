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
    // Two series × (9 candidates + the nested score of the choice), then each of those over
    // both series, and the chosen candidates over both.
    assert_eq!(m.height(), 2 * 10 + 10 + 1);
    let scope = texts(&m, "scope");
    assert_eq!(scope.iter().filter(|s| *s == "overall").count(), 11);
    assert!(texts(&m, "chosen").iter().filter(|c| *c == "true").count() == 2);
    let mae = m.column("mae").unwrap().cast(&DataType::Float64).unwrap();
    let (mae, models) = (mae.f64().unwrap().clone(), texts(&m, "model"));
    let row = |model: &str, sc: &str| {
        (0..m.height())
            .find(|i| models[*i] == model && scope[*i] == sc)
            .unwrap()
    };
    // "weekly" repeats its week exactly, "flat" is constant but for one gap day: SeasonalNaive
    // is perfect on "weekly", so the chosen models' overall MAE is below SeasonalNaive's.
    assert!(mae.get(row("chosen", "overall")) <= mae.get(row("SeasonalNaive", "overall")));
    let rejected = read_table(&dir.path().join("forecast.rejected.parquet")).unwrap();
    assert_eq!(texts(&rejected, "row_number"), ["87"]);

    // Same bytes on one thread (auto choice, conformal intervals, metrics).
    let one = dir.path().join("one.parquet");
    let one_metrics = dir.path().join("one-metrics.csv");
    let run = super::citygrid_threads(
        &[
            "forecast",
            "--series",
            path_str(&input),
            "--freq",
            "day",
            "--horizon",
            "7",
            "--out",
            path_str(&one),
            "--metrics-out",
            path_str(&one_metrics),
        ],
        Some(1),
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(fs::read(&out).unwrap(), fs::read(&one).unwrap());
    assert_eq!(fs::read(&metrics).unwrap(), fs::read(&one_metrics).unwrap());

    // A place backtest needs series that end together: "short" ends in January.
    let run = citygrid(&[
        "forecast",
        "--series",
        path_str(&input),
        "--freq",
        "day",
        "--horizon",
        "7",
        "--out",
        path_str(&dir.path().join("p.parquet")),
        "--places-out",
        path_str(&dir.path().join("places.csv")),
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("must end on the same period"),
        "{}",
        stderr(&run)
    );

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
        (vec!["--score", "mad"], "expected mase or rmsse"),
        (vec!["--budgets", "0,5"], "--budgets 0"),
        (vec!["--models", "ETS:MNM"], "the ETS form must be"),
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

/// On a simulated city (three years, weekly counts): per community, the automatically chosen
/// models beat SeasonalNaive on MASE over all series — both their own cross-validated scores and
/// the choice's nested (out-of-sample) score; per grid, a place-based backtest of the next
/// four weeks' hot spots flags grids that catch far more cases than their share of the area, and
/// the pooled choice by RMSSE does better than SeasonalNaive there.
#[test]
fn simulated_city_chosen_models_and_places() {
    let dir = tempfile::tempdir().unwrap();
    let (grids, _sim, cases) = super::simulated_city(dir.path(), "60000");
    let metrics = dir.path().join("m.parquet");
    let run = citygrid(&[
        "forecast",
        "--cases",
        path_str(&cases),
        "--unit",
        "community",
        "--freq",
        "week",
        "--horizon",
        "4",
        "--out",
        path_str(&dir.path().join("f.parquet")),
        "--metrics-out",
        path_str(&metrics),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let m = read_table(&metrics).unwrap();
    let (scope, models) = (texts(&m, "scope"), texts(&m, "model"));
    let mase = m.column("mase").unwrap().f64().unwrap().clone();
    let overall = |model: &str| {
        (0..m.height())
            .find(|i| scope[*i] == "overall" && models[*i] == model)
            .and_then(|i| mase.get(i))
            .unwrap()
    };
    let (chosen, nested, snaive) = (
        overall("chosen"),
        overall("auto (nested)"),
        overall("SeasonalNaive"),
    );
    assert!(
        chosen < nested && nested < snaive,
        "{chosen} {nested} {snaive}"
    );

    let places = dir.path().join("p.csv");
    let run = citygrid(&[
        "forecast",
        "--cases",
        path_str(&cases),
        "--freq",
        "week",
        "--horizon",
        "4",
        "--choose",
        "pooled",
        "--score",
        "rmsse",
        "--out",
        path_str(&dir.path().join("g.parquet")),
        "--places-out",
        path_str(&places),
        "--grid",
        path_str(&grids),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let p = read_table(&places).unwrap();
    let col = |name: &str| -> Vec<f64> {
        let c = p.column(name).unwrap().cast(&DataType::Float64).unwrap();
        c.f64().unwrap().into_no_null_iter().collect()
    };
    let (model, window) = (texts(&p, "model"), texts(&p, "window"));
    let (budget, share, hit, pai, pei) = (
        col("budget_pct"),
        col("area_share"),
        col("hit_rate"),
        col("pai"),
        col("pei"),
    );
    // The pooled automatic choice and both baselines; 3 windows and their mean; 20 budgets.
    assert_eq!(p.height(), 3 * 4 * 20);
    let mut pai5 = Vec::new();
    for name in ["auto", "SeasonalNaive", "HistoricAverage"] {
        let rows: Vec<usize> = (0..p.height())
            .filter(|i| model[*i] == name && window[*i] == "mean")
            .collect();
        assert_eq!(rows.len(), 20);
        for pair in rows.windows(2) {
            // More area never catches fewer cases.
            assert!(hit[pair[1]] >= hit[pair[0]], "{name}");
        }
        for &i in &rows {
            assert!(share[i] <= budget[i] / 100.0 + 1e-12 && pei[i] <= 1.0 + 1e-12);
        }
        // The planted hot spots make next month's cases predictable from the past: at 5 % of
        // the area, far more than 5 % of the cases.
        let at5 = rows.iter().find(|i| budget[**i] == 5.0).unwrap();
        assert!(pai[*at5] > 2.0, "{name}: PAI {}", pai[*at5]);
        pai5.push(pai[*at5]);
    }
    // The pooled choice (by RMSSE, made before each window) ranks grids better than last
    // year's same weeks.
    assert!(pai5[0] > pai5[1], "{pai5:?}");
}
