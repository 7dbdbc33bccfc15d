//! `citygrid grid build`: coded grids from boundaries through the command line.

use std::fs;

use geo::{Area, Geometry};
use grid_core::io::read_feature_collection;
use grid_core::{Crs, GridLayer, Transformer};

use super::{citygrid, path_str, stderr};

/// A ~1.2 km × 0.9 km irregular polygon near Rizhao's centre, WGS84.
const BOUNDARY: &str = r#"{"type":"Polygon","coordinates":[[[119.5201,35.4101],[119.5333,35.4099],[119.5329,35.4182],[119.5268,35.4190],[119.5203,35.4160],[119.5201,35.4101]]]}"#;

/// Writes the boundary as a one-feature layer with the given properties (JSON object body).
fn write_boundary(dir: &std::path::Path, properties: &str) -> std::path::PathBuf {
    let path = dir.join("b.geojson");
    fs::write(
        &path,
        format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{{properties}}},"geometry":{BOUNDARY}}}]}}"#),
    )
    .unwrap();
    path
}

fn boundary_area_m2() -> f64 {
    let g: geojson::Geometry = BOUNDARY.parse().unwrap();
    let shape = Geometry::<f64>::try_from(g).unwrap();
    let t = Transformer::new(Crs::wgs84(), Crs::cgcs2000_gk_cm120()).unwrap();
    t.transform_geometry(&shape).unwrap().unsigned_area()
}

#[test]
fn builds_exact_coded_grids_for_a_community() {
    let dir = tempfile::tempdir().unwrap();
    let boundary = write_boundary(dir.path(), "");
    let out = dir.path().join("grids.geojson");
    let run = citygrid(&[
        "grid",
        "build",
        "--boundary",
        path_str(&boundary),
        "--division-code",
        "371102001003",
        "--cell-size-m",
        "100",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let (layer, rejections) = GridLayer::read_geojson(&out, Crs::cgcs2000_gk_cm120()).unwrap();
    assert!(rejections.is_empty());
    assert!(layer.len() > 60, "{}", layer.len());
    // Areas sum to the boundary's (the WGS84 round trip through 6-decimal-free JSON is exact
    // enough for 1e-6 relative).
    let total: f64 = layer.grids().iter().map(|g| g.area_m2).sum();
    let expected = boundary_area_m2();
    assert!(
        (total - expected).abs() / expected < 1e-6,
        "{total} vs {expected}"
    );
    assert!(
        layer
            .grids()
            .iter()
            .all(|g| g.code.community().as_str() == "371102001003")
    );
    let raw = read_feature_collection(&out).unwrap();
    let first = &raw.features[0];
    assert_eq!(first.property("street_code").unwrap(), "371102001");
    assert!(first.property("area_m2").unwrap().as_f64().unwrap() > 0.0);
}

#[test]
fn a_district_without_community_layer_gets_synthetic_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let boundary = write_boundary(dir.path(), r#""adcode":"371102""#);
    let out = dir.path().join("grids.geojson");
    let run = citygrid(&[
        "grid",
        "build",
        "--boundary",
        path_str(&boundary),
        "--cell-size-m",
        "50",
        "--out",
        path_str(&out),
    ]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert!(err.contains("split into 1 synthetic blocks"), "{err}");
    let raw = read_feature_collection(&out).unwrap();
    assert_eq!(raw.features[0].property("code").unwrap(), "371102900001001");
}

#[test]
fn communities_are_tiled_inside_the_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let boundary = write_boundary(dir.path(), r#""code":"371102001""#);
    // Two communities splitting the boundary's box at 119.527, each overhanging it.
    let half = |code: &str, west: f64, east: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{west},35.40],[{east},35.40],[{east},35.43],[{west},35.43],[{west},35.40]]]}}}}"#
        )
    };
    let communities = dir.path().join("c.geojson");
    fs::write(
        &communities,
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
            half("371102001001", 119.51, 119.527),
            half("371102001002", 119.527, 119.54)
        ),
    )
    .unwrap();
    let out = dir.path().join("grids.geojson");
    let run = citygrid(&[
        "grid",
        "build",
        "--boundary",
        path_str(&boundary),
        "--communities",
        path_str(&communities),
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let (layer, _) = GridLayer::read_geojson(&out, Crs::cgcs2000_gk_cm120()).unwrap();
    let total: f64 = layer.grids().iter().map(|g| g.area_m2).sum();
    let expected = boundary_area_m2();
    assert!(
        (total - expected).abs() / expected < 1e-6,
        "{total} vs {expected}"
    );
    let communities: std::collections::BTreeSet<String> = layer
        .grids()
        .iter()
        .map(|g| g.community().to_string())
        .collect();
    assert_eq!(
        communities.into_iter().collect::<Vec<_>>(),
        ["371102001001", "371102001002"]
    );
}

#[test]
fn boundary_errors_name_the_feature_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let boundary = dir.path().join("b.geojson");
    let feature = format!(r#"{{"type":"Feature","properties":{{}},"geometry":{BOUNDARY}}}"#);
    fs::write(
        &boundary,
        format!(r#"{{"type":"FeatureCollection","features":[{feature},{feature}]}}"#),
    )
    .unwrap();
    let out = dir.path().join("grids.geojson");
    let run = citygrid(&[
        "grid",
        "build",
        "--boundary",
        path_str(&boundary),
        "--division-code",
        "371102",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains(
            "feature 1: field \"code\": missing; a fallback code (--division-code) only codes a layer of one feature"
        ),
        "{}",
        stderr(&run)
    );
    let run = citygrid(&[
        "grid",
        "build",
        "--boundary",
        path_str(&boundary),
        "--cell-size-m",
        "-1",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists());
}

#[test]
fn geoparquet_grids_feed_assign() {
    let dir = tempfile::tempdir().unwrap();
    let boundary = write_boundary(dir.path(), r#""code":"371102001003""#);
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
    let geo = grid_analytics::geoparquet::read_geoparquet(&grids).unwrap();
    assert_eq!(geo.crs, Crs::cgcs2000_gk_cm120());
    let points = dir.path().join("p.csv");
    fs::write(&points, "id,lon,lat\n1,119.525,35.413\n2,119.60,35.413\n").unwrap();
    let out = dir.path().join("a.csv");
    let run = citygrid(&[
        "assign",
        "--grid",
        path_str(&grids),
        "--points",
        path_str(&points),
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].starts_with("1,119.525,35.413,371102001003"),
        "{text}"
    );
    assert!(lines[2].ends_with(",,,,"), "{text}");
}

#[test]
fn crosswalk_between_two_cell_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let boundary = write_boundary(dir.path(), r#""code":"371102001003""#);
    let (old, new) = (
        dir.path().join("old.parquet"),
        dir.path().join("new.geojson"),
    );
    for (size, out) in [("100", &old), ("150", &new)] {
        let run = citygrid(&[
            "grid",
            "build",
            "--boundary",
            path_str(&boundary),
            "--cell-size-m",
            size,
            "--out",
            path_str(out),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    let out = dir.path().join("crosswalk.csv");
    let run = citygrid(&[
        "grid",
        "crosswalk",
        "--old",
        path_str(&old),
        "--new",
        path_str(&new),
        "--out",
        path_str(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let table = grid_analytics::table_io::read_table(&out).unwrap();
    // Both versions tile the same boundary: every old grid's shares sum to 1.
    let mut sums = std::collections::BTreeMap::<String, f64>::new();
    let codes = table.column("old_code").unwrap().str().unwrap().clone();
    let shares = table.column("share_of_old").unwrap().str().unwrap().clone();
    for (code, share) in codes.iter().zip(shares.iter()) {
        *sums.entry(code.unwrap().to_owned()).or_default() +=
            share.unwrap().parse::<f64>().unwrap();
    }
    assert!(sums.len() > 60);
    for (code, sum) in sums {
        assert!((sum - 1.0).abs() < 1e-5, "{code}: {sum}");
    }
}

#[test]
fn analysis_grids_fishnet_and_h3() {
    let dir = tempfile::tempdir().unwrap();
    let area = dir.path().join("a.geojson");
    fs::write(&area, format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{BOUNDARY}}}]}}"#)).unwrap();
    let expected = boundary_area_m2();
    for (kind, extra, out) in [
        ("fishnet", ["--cell-size-m", "250"], "f.parquet"),
        ("h3", ["--resolution", "9"], "h.geojson"),
    ] {
        let out = dir.path().join(out);
        let mut args = vec![
            "grid",
            kind,
            "--area",
            path_str(&area),
            "--out",
            path_str(&out),
        ];
        args.extend(extra);
        let run = citygrid(&args);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let total: f64 = if out.extension().unwrap() == "parquet" {
            let geo = grid_analytics::geoparquet::read_geoparquet(&out).unwrap();
            assert_eq!(geo.crs, Crs::cgcs2000_gk_cm120());
            geo.geometries
                .iter()
                .map(|g| g.as_ref().unwrap().unsigned_area())
                .sum()
        } else {
            let layer = read_feature_collection(&out).unwrap();
            assert!(
                layer.features[0]
                    .property("cell_id")
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .starts_with('8')
            );
            layer
                .features
                .iter()
                .map(|f| f.property("area_m2").unwrap().as_f64().unwrap())
                .sum()
        };
        assert!(
            (total - expected).abs() / expected < 1e-6,
            "{kind}: {total} vs {expected}"
        );
    }
}
