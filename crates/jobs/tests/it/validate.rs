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
