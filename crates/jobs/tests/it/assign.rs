//! `citygrid assign`: points to grids through the command line.

use std::fs;

use grid_analytics::table_io::read_table;
use grid_core::{Crs, Transformer};

use super::{citygrid, path_str, stderr};

/// Four 100 m grids in EPSG:4549 around Rizhao's centre, as GeoJSON with a crs member.
fn write_grids(dir: &std::path::Path) -> std::path::PathBuf {
    let mut features = Vec::new();
    for (k, (col, row)) in [(0, 0), (1, 0), (0, 1), (1, 1)].iter().enumerate() {
        let (x, y) = (
            457_000.0 + f64::from(*col) * 100.0,
            3_920_800.0 + f64::from(*row) * 100.0,
        );
        features.push(format!(
            r#"{{"type":"Feature","properties":{{"code":"37110200100100{}","land_use":"residential"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#,
            k + 1,
            x + 100.0,
            x + 100.0,
            y + 100.0,
            y + 100.0
        ));
    }
    let path = dir.join("grids.geojson");
    fs::write(
        &path,
        format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::4549"}}}},"features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    path
}

#[test]
fn assigns_gcj02_points_to_grids() {
    let dir = tempfile::tempdir().unwrap();
    let grids = write_grids(dir.path());
    // Points placed in EPSG:4549, sent as GCJ-02 the way the citizen app sends them.
    let to_gcj = Transformer::new(Crs::cgcs2000_gk_cm120(), Crs::gcj02()).unwrap();
    let mut csv = String::from("case_id,lon,lat\n");
    for (id, (x, y)) in [
        ("c1", (457_050.0, 3_920_850.0)),
        ("c2", (457_150.0, 3_920_950.0)),
        ("c3", (457_500.0, 3_920_850.0)),
    ] {
        let (lon, lat) = to_gcj.transform(x, y).unwrap();
        csv.push_str(&format!("{id},{lon:.9},{lat:.9}\n"));
    }
    csv.push_str("c4,,35.4\n");
    let points = dir.path().join("cases.csv");
    fs::write(&points, csv).unwrap();
    let out = dir.path().join("assigned.parquet");
    let run = citygrid(&[
        "assign",
        "--grid",
        path_str(&grids),
        "--points",
        path_str(&points),
        "--crs",
        "gcj02",
        "--out",
        path_str(&out),
    ]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("1 points fell outside every grid"), "{err}");
    assert!(err.contains("rows 3"), "{err}");
    assert!(
        err.contains("row 4, field \"lon\": missing_coordinate"),
        "{err}"
    );
    let table = read_table(&out).unwrap();
    let codes: Vec<Option<&str>> = table
        .column("grid_code")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        codes,
        [Some("371102001001001"), Some("371102001001004"), None]
    );
    let districts: Vec<Option<&str>> = table
        .column("district_code")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(districts, [Some("371102"), Some("371102"), None]);

    // With a tolerance the third point, 300 m east of the grids, is still outside at 100 m
    // and inside at 400 m.
    let run = citygrid(&[
        "assign",
        "--grid",
        path_str(&grids),
        "--points",
        path_str(&points),
        "--crs",
        "gcj02",
        "--tolerance-m",
        "400",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let table = read_table(&out).unwrap();
    assert_eq!(
        table.column("grid_code").unwrap().str().unwrap().get(2),
        Some("371102001001002")
    );
    let d = table
        .column("grid_distance_m")
        .unwrap()
        .f64()
        .unwrap()
        .get(2)
        .unwrap();
    assert!((d - 300.0).abs() < 0.01, "{d}");
}

#[test]
fn bad_grid_layers_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let points = dir.path().join("p.csv");
    fs::write(&points, "lon,lat\n119.5,35.4\n").unwrap();
    let grids = dir.path().join("g.geojson");
    fs::write(
        &grids,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"371102001001001"},"geometry":{"type":"Point","coordinates":[119.5,35.4]}},
          {"type":"Feature","properties":{"code":"12"},"geometry":{"type":"Polygon","coordinates":[[[119.5,35.4],[119.6,35.4],[119.6,35.5],[119.5,35.4]]]}}
        ]}"#,
    )
    .unwrap();
    let out = dir.path().join("o.parquet");
    let run = citygrid(&[
        "assign",
        "--grid",
        path_str(&grids),
        "--points",
        path_str(&points),
        "--out",
        path_str(&out),
    ]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("2 features are not valid grids"), "{err}");
    assert!(err.contains("row 1, field \"geometry\": invalid_geometry: a grid needs a Polygon or MultiPolygon, not a Point"), "{err}");
    assert!(err.contains("invalid grid code \"12\""), "{err}");
    assert!(!out.exists());
}
