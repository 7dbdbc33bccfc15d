//! `citygrid convert`: every format, every rejection reason, every input error.

use std::fs;

use grid_analytics::table_io::{read_table, write_table};
use polars::prelude::*;

use super::{citygrid, path_str, repo_root, stderr};

/// Converts the cs2cs reference points through the CLI and compares with PROJ's answers.
#[test]
fn csv_matches_cs2cs_through_the_cli() {
    let golden = repo_root().join("crates/grid-core/tests/golden/proj_vectors.csv");
    let mut reader = csv::Reader::from_path(golden).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("points.csv");
    let mut text = String::from("id,lon,lat\n");
    let mut expected = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.unwrap();
        if &row[0] == "EPSG:4326" && &row[1] == "EPSG:4549" {
            text.push_str(&format!("p{i},{},{}\n", &row[2], &row[3]));
            expected.push((
                row[4].parse::<f64>().unwrap(),
                row[5].parse::<f64>().unwrap(),
            ));
        }
    }
    fs::write(&input, text).unwrap();
    let output = dir.path().join("points_gk.csv");
    let out = citygrid(&[
        "convert",
        "--from",
        "wgs84",
        "--to",
        "EPSG:4549",
        path_str(&input),
        path_str(&output),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = read_table(&output).unwrap();
    assert_eq!(table.height(), expected.len());
    let lon = table.column("lon").unwrap().str().unwrap().clone();
    let lat = table.column("lat").unwrap().str().unwrap().clone();
    for (i, (e, n)) in expected.iter().enumerate() {
        let x: f64 = lon.get(i).unwrap().parse().unwrap();
        let y: f64 = lat.get(i).unwrap().parse().unwrap();
        assert!(
            (x - e).abs() < 1e-3 && (y - n).abs() < 1e-3,
            "row {i}: ({x}, {y}) vs ({e}, {n})"
        );
    }
    assert!(!dir.path().join("points_gk.rejected.csv").exists());
}

#[test]
fn bad_rows_are_reported_with_row_numbers_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("reports.csv");
    fs::write(
        &input,
        "case_id,x,y,class\n\
         A1,119.532,35.414,0101\n\
         A2,,35.414,0102\n\
         A3,119.53O,35.414,0103\n\
         A4,119.532,95.0,0104\n\
         A5,119.533,35.415,0105\n",
    )
    .unwrap();
    let output = dir.path().join("reports_wgs84.csv");
    let out = citygrid(&[
        "convert",
        "--from",
        "gcj02",
        "--to",
        "wgs84",
        "--lon-col",
        "x",
        "--lat-col",
        "y",
        path_str(&input),
        path_str(&output),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("rejected 3 rows"), "{err}");
    assert!(
        err.contains("row 2, field \"x\": missing_coordinate"),
        "{err}"
    );
    assert!(
        err.contains("row 3, field \"x\": unparsable_coordinate: \"119.53O\" is not a number"),
        "{err}"
    );
    assert!(err.contains("row 4, field \"y\": out_of_range"), "{err}");
    let good = fs::read_to_string(&output).unwrap();
    assert_eq!(good.lines().count(), 3, "{good}");
    assert!(
        good.contains(",0101") && good.contains(",0105"),
        "codes keep their zeros: {good}"
    );
    let rejected = fs::read_to_string(dir.path().join("reports_wgs84.rejected.csv")).unwrap();
    let lines: Vec<&str> = rejected.lines().collect();
    assert_eq!(
        lines[0],
        "row_number,reject_field,reject_reason,reject_detail,case_id,x,y,class"
    );
    assert!(
        lines[2].starts_with("3,x,unparsable_coordinate,")
            && lines[2].ends_with("A3,119.53O,35.414,0103"),
        "{}",
        lines[2]
    );
    assert_eq!(lines.len(), 4);
    insta::assert_snapshot!("rejected_csv", rejected);

    // A clean rerun removes the stale rejected file.
    fs::write(&input, "case_id,x,y,class\nA1,119.532,35.414,0101\n").unwrap();
    let out = citygrid(&[
        "convert",
        "--from",
        "gcj02",
        "--to",
        "wgs84",
        "--lon-col",
        "x",
        "--lat-col",
        "y",
        path_str(&input),
        path_str(&output),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!dir.path().join("reports_wgs84.rejected.csv").exists());
}

#[test]
fn parquet_in_parquet_out_with_numeric_columns() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("p.parquet");
    let mut df = df!(
        "id" => [1i64, 2, 3],
        "lon" => [Some(119.5f64), Some(119.6), None],
        "lat" => [Some(35.4f64), Some(35.5), Some(35.6)],
    )
    .unwrap();
    write_table(&mut df, &input).unwrap();
    let output = dir.path().join("q.parquet");
    let out = citygrid(&[
        "convert",
        "--from",
        "EPSG:4326",
        "--to",
        "bd09",
        path_str(&input),
        path_str(&output),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let table = read_table(&output).unwrap();
    assert_eq!(table.height(), 2);
    assert_eq!(table.column("id").unwrap().dtype(), &DataType::Int64);
    let (lon, lat) = grid_core::crs::gcj02::wgs84_to_bd09(119.5, 35.4);
    let got = table.column("lon").unwrap().f64().unwrap().get(0).unwrap();
    assert!((got - lon).abs() < 1e-12);
    let got = table.column("lat").unwrap().f64().unwrap().get(0).unwrap();
    assert!((got - lat).abs() < 1e-12);
    let rejected = read_table(&dir.path().join("q.rejected.parquet")).unwrap();
    assert_eq!(rejected.height(), 1);
    assert_eq!(
        rejected.column("id").unwrap().i64().unwrap().get(0),
        Some(3)
    );
    assert_eq!(
        rejected.column("row_number").unwrap().u64().unwrap().get(0),
        Some(3)
    );
}

#[test]
fn geojson_points_and_polygons() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.geojson");
    fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"toilet"},"geometry":{"type":"Point","coordinates":[119.532,35.414]}},
          {"type":"Feature","properties":{"name":"bad"},"geometry":{"type":"Point","coordinates":[519.532,35.414]}},
          {"type":"Feature","properties":{"name":"park"},"geometry":{"type":"Polygon","coordinates":[[[119.5,35.4],[119.51,35.4],[119.51,35.41],[119.5,35.4]]]}}
        ]}"#,
    )
    .unwrap();
    let output = dir.path().join("out.geojson");
    let out = citygrid(&[
        "convert",
        "--from",
        "wgs84",
        "--to",
        "EPSG:4549",
        path_str(&input),
        path_str(&output),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("row 2, field \"geometry\": out_of_range"),
        "{}",
        stderr(&out)
    );
    let text = fs::read_to_string(&output).unwrap();
    assert!(text.contains("urn:ogc:def:crs:EPSG::4549"));
    let layer = grid_core::io::read_feature_collection(&output).unwrap();
    assert_eq!(layer.features.len(), 2);
    let rejected =
        grid_core::io::read_feature_collection(&dir.path().join("out.rejected.geojson")).unwrap();
    assert_eq!(rejected.features[0].property("name").unwrap(), "bad");
}

#[test]
fn input_errors_exit_2_and_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let csv_in = dir.path().join("a.csv");
    fs::write(&csv_in, "x,y\n1,2\n").unwrap();
    let out_csv = dir.path().join("b.csv");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--from",
                "mars",
                "--to",
                "wgs84",
                path_str(&csv_in),
                path_str(&out_csv),
            ],
            "unknown coordinate reference system \"mars\"",
        ),
        (
            vec![
                "--from",
                "wgs84",
                "--to",
                "EPSG:999999",
                path_str(&csv_in),
                path_str(&out_csv),
            ],
            "EPSG:999999",
        ),
        (
            vec![
                "--from",
                "wgs84",
                "--to",
                "gcj02",
                path_str(&csv_in),
                path_str(&out_csv),
            ],
            "no column \"lon\" (columns: x, y)",
        ),
        (
            vec![
                "--from",
                "wgs84",
                "--to",
                "gcj02",
                "nowhere.csv",
                path_str(&out_csv),
            ],
            "nowhere.csv",
        ),
        (
            vec![
                "--from",
                "wgs84",
                "--to",
                "gcj02",
                path_str(&csv_in),
                "b.xlsx",
            ],
            "b.xlsx: unsupported file type",
        ),
        (
            vec![
                "--from",
                "wgs84",
                "--to",
                "gcj02",
                path_str(&csv_in),
                "b.geojson",
            ],
            "GeoJSON converts to GeoJSON",
        ),
        (
            vec![
                "--from",
                "wgs84",
                "--to",
                "gcj02",
                path_str(&csv_in),
                path_str(&csv_in),
            ],
            "both input and output",
        ),
    ];
    for (args, needle) in cases {
        let mut full = vec!["convert"];
        full.extend(args);
        let out = citygrid(&full);
        assert_eq!(out.status.code(), Some(2), "{full:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{full:?}: {}", stderr(&out));
    }
    assert!(!out_csv.exists());
}

#[test]
fn help_is_stable() {
    let out = citygrid(&["convert", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("convert_help", super::stdout(&out));
    let out = citygrid(&["--help"]);
    insta::assert_snapshot!("citygrid_help", super::stdout(&out));
}
