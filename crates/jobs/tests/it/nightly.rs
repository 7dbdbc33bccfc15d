//! `citygrid nightly`: the whole job on a small simulated city (a 2 × 2 km street, 400 grids),
//! its outputs, reruns, a killed run, determinism and bad configuration or input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::{citygrid, citygrid_threads, path_str, repo_root, stderr, stdout};

/// A small city: a 2 × 2 km street, its simulated history and a config for it. Returns the
/// config file.
fn small_city(dir: &Path, extra: &str) -> PathBuf {
    small_city_with(dir, "", extra)
}

/// [`small_city`] with more `[hotspots]` settings.
fn small_city_with(dir: &Path, hotspots: &str, extra: &str) -> PathBuf {
    let boundary = dir.join("street.geojson");
    std::fs::write(&boundary, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"371102001"},"geometry":{"type":"Polygon","coordinates":[[[119.50,35.40],[119.522,35.40],[119.522,35.418],[119.50,35.418],[119.50,35.40]]]}}]}"#).unwrap();
    let sim = dir.join("sim");
    if !sim.join("cases.parquet").exists() {
        let grids = dir.join("grids.parquet");
        let run = citygrid(&[
            "grid",
            "build",
            "--boundary",
            path_str(&boundary),
            "--out",
            path_str(&grids),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let run = citygrid(&[
            "simulate",
            "--grid",
            path_str(&grids),
            "--cases",
            "6000",
            "--out",
            path_str(&sim),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    let config = dir.join("city.toml");
    std::fs::write(
        &config,
        format!(
            r#"[city]
name_zh = "测试市"
name_en = "Test City"
data = "{data}"
now = "2026-01-01 00:00"

[cases]
path = "sim/cases.parquet"

[grids]
boundary = "street.geojson"

[components]
path = "sim/components.parquet"

[hotspots]
permutations = 99
{hotspots}

[forecast]
windows = 2
{extra}"#,
            data = path_str(&repo_root().join("data")),
            hotspots = hotspots,
        ),
    )
    .unwrap();
    config
}

fn nightly(config: &Path, out: &Path, more: &[&str]) -> std::process::Output {
    let mut args = vec![
        "nightly",
        "--config",
        path_str(config),
        "--out",
        path_str(out),
    ];
    args.extend(more);
    citygrid(&args)
}

fn manifest(run: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap()
}

fn statuses(run: &Path) -> BTreeMap<String, String> {
    manifest(run)["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Every file of a run folder (relative path → bytes).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.insert(name, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// Counts of a text column's values, sorted.
fn counts(path: &Path, column: &str) -> String {
    let df = grid_analytics::table_io::read_table(path).unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let values = df.column(column).unwrap().cast(&DataType::String).unwrap();
    for v in values.str().unwrap().iter() {
        *counts.entry(v.unwrap_or("null").to_owned()).or_default() += 1;
    }
    counts
        .iter()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn runs_every_stage_on_a_small_city_and_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let config = small_city(dir.path(), "");
    let out = dir.path().join("out");
    let run = nightly(&config, &out, &[]);
    // The simulated history has defective rows on purpose: success with rejected rows.
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let folder = out.join("2026-01-01");
    assert_eq!(
        std::fs::read_link(out.join("latest")).unwrap(),
        PathBuf::from("2026-01-01")
    );
    let written = files(&folder);
    let m = manifest(&folder);
    // Every file is in the manifest with its checksum, and the manifest names every stage.
    let listed: Vec<&str> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    let on_disk: Vec<&str> = written
        .keys()
        .map(String::as_str)
        .filter(|f| *f != "manifest.json")
        .collect();
    assert_eq!(listed, on_disk);
    let cases_input = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["role"] == "cases")
        .unwrap();
    assert_eq!(cases_input["rows"], 6000);
    assert_eq!(cases_input["sha256"].as_str().unwrap().len(), 64);
    assert!(m["rejected_total"].as_u64().unwrap() > 0);

    // GeoJSON layers are WGS84 without a crs member; GeoParquet layers carry 1.1 metadata.
    for layer in [
        "grids",
        "districts",
        "hotspots_count",
        "hotspots_open_overdue",
        "emerging",
        "forecast_risk",
        "assess/street",
        "assess/grid",
    ] {
        let geojson = folder.join(format!("{layer}.geojson"));
        let collection = grid_core::io::read_feature_collection(&geojson).unwrap();
        assert!(!collection.features.is_empty(), "{layer}");
        assert!(
            !collection
                .foreign_members
                .unwrap_or_default()
                .contains_key("crs"),
            "{layer}"
        );
        let parquet = folder.join(format!("{layer}.parquet"));
        let table = grid_analytics::geoparquet::read_geoparquet(&parquet).unwrap();
        assert_eq!(table.crs, grid_core::Crs::cgcs2000_gk_cm120(), "{layer}");
        assert_eq!(table.geometries.len(), collection.features.len(), "{layer}");
    }

    // The map pictures: PNGs of the configured size (IHDR width and height, big-endian).
    for picture in [
        "hotspots_count",
        "hotspots_open_overdue",
        "emerging",
        "forecast_risk",
        "grades_street",
    ] {
        let png = &written[&format!("maps/{picture}.png")];
        assert_eq!(&png[1..4], b"PNG", "{picture}");
        let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        assert_eq!((size(16), size(20)), (1600, 1200), "{picture}");
    }

    let summary = format!(
        "files:\n{}\n\nstages:\n{}\n\nrejected: {}\n\nhot spot bins (count): {}\nemerging: {}\nrisk: {}\nstreet grades: {}\n",
        on_disk.join("\n"),
        statuses(&folder)
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        m["rejected"],
        counts(&folder.join("hotspots_count.parquet"), "bin"),
        counts(&folder.join("emerging.parquet"), "category"),
        counts(&folder.join("forecast_risk.parquet"), "risk"),
        counts(&folder.join("assess/scores_street.parquet"), "grade"),
    );
    insta::assert_snapshot!("nightly_small_city", summary);

    // GeoPandas and DuckDB open every output unmodified (CI sets CITYGRID_CHECK_OUTPUTS=1;
    // scripts/check-outputs.sh makes a pinned venv once).
    if std::env::var_os("CITYGRID_CHECK_OUTPUTS").is_some_and(|v| v == "1") {
        let check = std::process::Command::new(repo_root().join("scripts/check-outputs.sh"))
            .arg(&folder)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "scripts/check-outputs.sh {}:\n{}\n{}",
            folder.display(),
            stdout(&check),
            stderr(&check)
        );
        println!("{}", stdout(&check));
    } else {
        println!("CITYGRID_CHECK_OUTPUTS is not 1: GeoPandas/DuckDB check left to CI");
    }

    let text = stdout(&run);
    assert!(text.contains("测试市 Test City"), "{text}");
    assert!(text.contains("rejected rows in validate"), "{text}");
}

#[test]
fn a_rerun_skips_unchanged_stages_and_force_reruns_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = small_city(dir.path(), "");
    let out = dir.path().join("out");
    let first = nightly(&config, &out, &[]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let folder = out.join("2026-01-01");
    let before = files(&folder);

    let again = nightly(&config, &out, &[]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    let status = statuses(&folder);
    for stage in [
        "grids", "validate", "assign", "hotspots", "emerging", "forecast", "assess",
    ] {
        assert_eq!(status[stage], "skipped (inputs unchanged)", "{stage}");
    }
    assert!(
        stdout(&again).contains("reused the previous run's outputs"),
        "{}",
        stdout(&again)
    );
    let after = files(&folder);
    for (name, bytes) in &before {
        if name != "manifest.json" {
            assert_eq!(after.get(name), Some(bytes), "{name}");
        }
    }

    // A changed setting reruns the stage it shapes, and only that one.
    let config = small_city(dir.path(), "[emerging]\nstep = \"week\"\n");
    let changed = nightly(&config, &out, &[]);
    assert_eq!(changed.status.code(), Some(1), "{}", stderr(&changed));
    let status = statuses(&folder);
    assert_eq!(status["emerging"], "ran");
    assert_eq!(status["hotspots"], "skipped (inputs unchanged)");

    let forced = nightly(&config, &out, &["--force"]);
    assert_eq!(forced.status.code(), Some(1), "{}", stderr(&forced));
    assert!(statuses(&folder).values().all(|s| s == "ran"));
}

#[test]
fn the_same_inputs_give_byte_identical_outputs_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let config = small_city(dir.path(), "");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let run = |out: &Path, threads: usize| {
        citygrid_threads(
            &[
                "nightly",
                "--config",
                path_str(&config),
                "--out",
                path_str(out),
            ],
            Some(threads),
        )
    };
    let one = run(&a, 1);
    assert_eq!(one.status.code(), Some(1), "{}", stderr(&one));
    let many = run(&b, 4);
    assert_eq!(many.status.code(), Some(1), "{}", stderr(&many));
    let (fa, fb) = (files(&a.join("2026-01-01")), files(&b.join("2026-01-01")));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        if name == "manifest.json" {
            continue;
        }
        assert!(fb[name] == *bytes, "{name} differs between the runs");
    }
    // The manifests differ only in timings and in the output folder's name inside commands.
    let strip = |out: &Path| {
        let mut m = manifest(&out.join("2026-01-01"));
        for stage in m["stages"].as_array_mut().unwrap() {
            stage["seconds"] = 0.into();
            stage["peak_memory_mb"] = 0.into();
        }
        m.to_string().replace(path_str(out), "<out>")
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn a_killed_run_leaves_the_last_good_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let config = small_city(dir.path(), "");
    let out = dir.path().join("out");
    let first = nightly(&config, &out, &[]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let folder = out.join("2026-01-01");
    let good = files(&folder);

    // A forced rerun, killed once it has started writing its temporary folder.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citygrid"))
        .args([
            "--quiet",
            "nightly",
            "--config",
            path_str(&config),
            "--out",
            path_str(&out),
            "--force",
        ])
        .current_dir(repo_root())
        .spawn()
        .unwrap();
    let partial = out.join(".2026-01-01.partial");
    let started = std::time::Instant::now();
    while !partial.join("cases.parquet").exists() {
        assert!(
            started.elapsed().as_secs() < 120,
            "the rerun never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(partial.exists(), "the killed run's temporary folder stays");
    assert_eq!(files(&folder), good, "the last good run is untouched");
    assert_eq!(
        std::fs::read_link(out.join("latest")).unwrap(),
        PathBuf::from("2026-01-01")
    );

    // The next run clears the leftovers and finishes.
    let next = nightly(&config, &out, &[]);
    assert_eq!(next.status.code(), Some(1), "{}", stderr(&next));
    assert!(!partial.exists());
    assert!(folder.join("manifest.json").exists());
}

#[test]
fn bad_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (text, expected) in [
        ("[hotspot]\ndays = 30\n", "hotspot"),
        ("[hotspots]\ndayz = 30\n", "dayz"),
        ("[hotspots]\ndays = \"thirty\"\n", "days"),
        ("[forecast]\nfreq = \"hourly\"\n", "forecast.freq"),
        ("[emerging]\nweights = \"queen:3\"\n", "emerging.weights"),
        ("[assessment]\nperiod = \"2025-Q5\"\n", "assessment.period"),
        ("[city]\nnow = \"tomorrow\"\n", "city.now"),
        ("[cases.columns]\ncase_no = \"id\"\n", "case_no"),
        ("[hotspots]\ndays = 100000000\n", "hotspots.days"),
        ("[forecast]\nmodels = \"Naive,Foo\"\n", "forecast.models"),
        ("[forecast]\nmodels = \"Naive,SESOpt\"\n", "forecast.models"),
        ("[cases]\npath = \"bad.toml\"\n", "[grids]"),
    ] {
        let config = dir.path().join("bad.toml");
        std::fs::write(&config, text).unwrap();
        let run = nightly(&config, &out, &[]);
        assert_eq!(run.status.code(), Some(2), "{text}: {}", stderr(&run));
        let message = stderr(&run);
        assert!(message.contains(expected), "{text}: {message}");
        assert!(message.contains("bad.toml"), "{text}: {message}");
    }
    assert!(!out.join("latest").exists());
}

#[test]
fn bad_input_names_the_stage_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = small_city(dir.path(), "");
    let out = dir.path().join("out");
    // A case table without the columns a case table needs.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "a,b\n1,2\n").unwrap();
    let run = nightly(&config, &out, &["--cases", path_str(&bad)]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let message = stderr(&run);
    assert!(message.contains("stage validate failed"), "{message}");
    assert!(message.contains("bad.csv"), "{message}");
    // A case table that is not there.
    let run = nightly(&config, &out, &["--cases", "no/such/cases.csv"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let message = stderr(&run);
    assert!(message.contains("cases.path"), "{message}");
    assert!(message.contains("no/such/cases.csv"), "{message}");
    // A boundary that is not there: the key is named, before any stage runs.
    let config = small_city(dir.path(), "");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "boundary = \"street.geojson\"",
        "boundary = \"streets.geojson\"",
    );
    std::fs::write(&config, text).unwrap();
    let run = nightly(&config, &out, &[]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let message = stderr(&run);
    assert!(message.contains("grids.boundary"), "{message}");
    assert!(message.contains("streets.geojson"), "{message}");
    assert!(!out.join("latest").exists(), "no run finished");
}

#[test]
fn quiet_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = small_city(dir.path(), "");
    let run = citygrid(&[
        "--quiet",
        "nightly",
        "--config",
        path_str(&config),
        "--out",
        path_str(&dir.path().join("out")),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stdout(&run).is_empty(), "{}", stdout(&run));
}

#[test]
fn a_quiet_measure_is_said_and_the_night_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    // Cases reported on New Year's Eve that are overdue by midnight: none, in every grid.
    let config = small_city_with(dir.path(), "days = 1\nmeasures = [\"open_overdue\"]\n", "");
    let out = dir.path().join("out");
    let run = nightly(&config, &out, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("open_overdue is the same in every grid"),
        "{}",
        stderr(&run)
    );
    let folder = out.join("2026-01-01");
    assert!(!folder.join("hotspots_open_overdue.parquet").exists());
    assert!(!folder.join("maps/hotspots_open_overdue.png").exists());
    assert!(folder.join("maps/emerging.png").exists());
    // The risk map is of the first week starting on or after the cut-off.
    let risk = grid_analytics::grid_io::read_layer(&folder.join("forecast_risk.parquet")).unwrap();
    let start = risk
        .table
        .column("period_start")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_owned();
    assert!(start.as_str() >= "2026-01-01", "{start}");
}
