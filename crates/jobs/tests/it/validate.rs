//! `citygrid validate`: a mapped case table with bad rows, and bad configs.

use std::fs;

use grid_analytics::table_io::read_table;

use super::{citygrid, path_str, stderr};

#[test]
fn validates_a_mapped_table_against_the_grids() {
    let dir = tempfile::tempdir().unwrap();
    // Grids: one community around Rizhao's centre.
    let boundary = dir.path().join("b.geojson");
    fs::write(&boundary, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"371102001001"},"geometry":{"type":"Polygon","coordinates":[[[119.52,35.41],[119.54,35.41],[119.54,35.43],[119.52,35.43],[119.52,35.41]]]}}]}"#).unwrap();
    let grids = dir.path().join("grids.parquet");
    let run = citygrid(&[
        "grid",
        "build",
        "--boundary",
        path_str(&boundary),
        "--out",
        path_str(&grids),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let config = dir.path().join("city.toml");
    fs::write(&config, "[cases]\ncrs = \"gcj02\"\ngrid = \"grids.parquet\"\n\n[cases.columns]\ncase_id = \"案件编号\"\nreported_at = \"上报时间\"\n").unwrap();
    let cases = dir.path().join("cases.csv");
    fs::write(
        &cases,
        "案件编号,source,kind,class_code,上报时间,lon,lat,dispatched_at,disposed_at\n\
         A1,随手拍,event,0505,2024-09-30 15:50,119.5323,35.4161,2024-09-30 16:00,2024-10-08 09:30\n\
         A2,supervisor,event,0505,2024-09-30 15:50,119.70,35.4161,,\n\
         A3,supervisor,event,0505,2024-09-30 15:50,119.5323,35.4161,2024-09-30 14:00,\n",
    )
    .unwrap();
    let out = dir.path().join("validated");
    let run = citygrid(&[
        "validate",
        "--cases",
        path_str(&cases),
        "--config",
        path_str(&config),
        "--now",
        "2024-11-01 00:00",
        "--out",
        path_str(&out),
    ]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("row 2, field \"coordinates\": outside_city"),
        "{err}"
    );
    assert!(
        err.contains("row 3, field \"dispatched_at\": times_out_of_order"),
        "{err}"
    );
    let clean = read_table(&out.join("cases.parquet")).unwrap();
    assert_eq!(clean.height(), 1);
    assert_eq!(
        clean
            .column("grid_code")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .len(),
        15
    );
    assert_eq!(
        clean.column("overdue").unwrap().bool().unwrap().get(0),
        Some(true)
    );
    let rejected = read_table(&out.join("rejected.parquet")).unwrap();
    assert_eq!(rejected.height(), 2);
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["rows"], 3);
    assert_eq!(summary["rejected_by_reason"]["outside_city"], 1);
    assert_eq!(summary["rejected_by_reason"]["times_out_of_order"], 1);
}

#[test]
fn config_errors_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.csv");
    fs::write(&cases, "case_id\nA1\n").unwrap();
    let out = dir.path().join("o");
    for (text, needle) in [
        ("[cases]\ncrss = \"gcj02\"\n", "crss"),
        ("[cases]\ncrs = \"mars\"\n", "mars"),
        (
            "[cases.columns]\ncase_number = \"编号\"\n",
            "\"case_number\" is not a case column",
        ),
        (
            "[cases.columns]\ncase_id = \"编号\"\n",
            "no column \"编号\"",
        ),
    ] {
        let config = dir.path().join("city.toml");
        fs::write(&config, text).unwrap();
        let run = citygrid(&[
            "validate",
            "--cases",
            path_str(&cases),
            "--config",
            path_str(&config),
            "--out",
            path_str(&out),
        ]);
        assert_eq!(run.status.code(), Some(2), "{text}: {}", stderr(&run));
        assert!(stderr(&run).contains(needle), "{text}: {}", stderr(&run));
    }
}

/// With `--cutoff`, the table is the city as it stood then: a case closed after the cut-off is
/// open (and, past its due time, open overdue) at it; a case reported after it is left for the
/// next run and counted, not rejected; a time after `--now` is still a future-time defect.
#[test]
fn a_cutoff_shows_the_city_as_it_stood() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.csv");
    fs::write(
        &cases,
        "case_id,source,kind,class_code,reported_at,lon,lat,dispatched_at,disposed_at,closed_at\n\
         B1,supervisor,event,0505,2024-10-08 09:00,119.5323,35.4161,2024-10-08 09:10,2024-10-31 16:00,2024-11-01 09:00\n\
         B2,supervisor,event,0505,2024-10-31 23:30,119.5323,35.4161,2024-10-31 23:40,2024-11-01 08:00,\n\
         B3,supervisor,event,0505,2024-11-01 08:00,119.5323,35.4161,,,\n\
         B4,supervisor,event,0505,2024-10-30 10:00,119.5323,35.4161,2024-10-30 11:00,2099-01-01 10:00,\n",
    )
    .unwrap();
    let out = dir.path().join("v");
    let run = citygrid(&[
        "validate",
        "--cases",
        path_str(&cases),
        "--now",
        "2024-11-01 10:00",
        "--cutoff",
        "2024-11-01 00:00",
        "--out",
        path_str(&out),
    ]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("row 4, field \"disposed_at\": future_time"),
        "{err}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["after_cutoff"], 1, "{summary}");
    assert_eq!(summary["rejected"], 1, "{summary}");
    assert_eq!(summary["now"], "2024-11-01 00:00:00", "{summary}");
    let clean = read_table(&out.join("cases.parquet")).unwrap();
    let ids: Vec<&str> = clean
        .column("case_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(ids, ["B1", "B2"]);
    let null = |name: &str| -> Vec<bool> {
        clean
            .column(name)
            .unwrap()
            .is_null()
            .iter()
            .map(|v| v == Some(true))
            .collect()
    };
    // B1 was disposed before the cut-off and closed after it; B2 disposed after it.
    assert_eq!(null("closed_at"), [true, true]);
    assert_eq!(null("disposed_at"), [false, true]);
    // B2, dispatched 20 minutes before the cut-off, is open but not yet overdue at it.
    let open_overdue: Vec<Option<bool>> = clean
        .column("open_overdue")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(open_overdue[1], Some(false));
    // A cut-off after the clock is refused.
    let run = citygrid(&[
        "validate",
        "--cases",
        path_str(&cases),
        "--now",
        "2024-11-01 00:00",
        "--cutoff",
        "2024-11-02 00:00",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
}
