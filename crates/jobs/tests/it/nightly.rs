//! `citygrid nightly` on the bundled sample city.

use super::{citygrid, path_str, stderr, stdout};

#[test]
fn runs_on_the_sample_city_and_measures_its_districts() {
    let dir = tempfile::tempdir().unwrap();
    let out = citygrid(&[
        "nightly",
        "--out",
        path_str(dir.path()),
        "--sample-cases",
        "20000",
    ]);
    // The simulated history has defective rows on purpose: success with rejected rows.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    // Areas in EPSG:4549 as stated in the boundaries' reference README.
    for (code, km2) in [
        ("371102", "1312.5"),
        ("371103", "806.4"),
        ("371121", "1495.2"),
        ("371122", "1817.4"),
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(code))
            .unwrap_or_else(|| panic!("{code}: {text}"));
        assert!(line.contains(km2), "{line}");
    }
    assert!(text.contains("not built yet"), "{text}");
    insta::assert_snapshot!(
        "nightly_summary",
        text.replace(path_str(dir.path()), "<out>")
    );
    let layer =
        grid_core::io::read_feature_collection(&dir.path().join("districts.geojson")).unwrap();
    assert_eq!(layer.features.len(), 4);
    let members = layer.foreign_members.unwrap_or_default();
    assert!(
        !members.contains_key("crs"),
        "WGS84 output carries no crs member"
    );
    assert!(
        layer
            .features
            .iter()
            .all(|f| f.property("area_km2").is_some())
    );
}

#[test]
fn quiet_prints_nothing_and_a_rerun_reuses_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--quiet",
        "nightly",
        "--out",
        path_str(dir.path()),
        "--sample-cases",
        "5000",
    ];
    let out = citygrid(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    // A second run reuses the simulated history.
    let before = std::fs::metadata(dir.path().join("sample/cases.parquet"))
        .unwrap()
        .modified()
        .unwrap();
    let again = citygrid(&args[1..]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("reused the sample city's history"),
        "{}",
        stdout(&again)
    );
    let after = std::fs::metadata(dir.path().join("sample/cases.parquet"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn a_missing_data_folder_is_an_input_error() {
    let out = citygrid(&["nightly", "--data", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no/such/dir/codes/std2013/component_major_classes.csv"),
        "{}",
        stderr(&out)
    );
}
