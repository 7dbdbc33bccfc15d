//! `citygrid nearest`: the nearest components of a class.

use std::fs;

use grid_core::{Crs, Transformer};

use super::{citygrid, path_str, stderr, stdout};

#[test]
fn finds_the_nearest_toilets_from_a_gcj02_report() {
    let dir = tempfile::tempdir().unwrap();
    // Toilets (0301) 100, 300 and 200 m east of a point, and a bin (0305) right at it; placed in
    // EPSG:4549 and written as WGS84.
    let to_wgs = Transformer::new(Crs::cgcs2000_gk_cm120(), Crs::wgs84()).unwrap();
    let (x0, y0) = (457_000.0, 3_920_800.0);
    let feature = |code: &str, name: &str, dx: f64| {
        let (lon, lat) = to_wgs.transform(x0 + dx, y0).unwrap();
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","name":"{name}"}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}"#
        )
    };
    let layer = format!(
        r#"{{"type":"FeatureCollection","features":[{},{},{},{}]}}"#,
        feature("3711020301000001", "东", 100.0),
        feature("3711020301000002", "远", 300.0),
        feature("3711020301000003", "中", 200.0),
        feature("3711020305000001", "箱", 0.0)
    );
    let path = dir.path().join("components.geojson");
    fs::write(&path, layer).unwrap();
    let (glon, glat) = Transformer::new(Crs::cgcs2000_gk_cm120(), Crs::gcj02())
        .unwrap()
        .transform(x0, y0)
        .unwrap();
    let at = format!("{glon:.9},{glat:.9}");
    let run = citygrid(&[
        "nearest",
        "--components",
        path_str(&path),
        "--class",
        "0301",
        "--at",
        &at,
        "--crs",
        "gcj02",
        "-k",
        "2",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = stdout(&run);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[1].starts_with("1\t3711020301000001\t0301 公共厕所\t东\tintact\t100.0\t"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("2\t3711020301000003\t0301 公共厕所\t中\tintact\t200.0\t"),
        "{}",
        lines[2]
    );

    let run = citygrid(&[
        "nearest",
        "--components",
        path_str(&path),
        "--class",
        "0999",
        "--at",
        &at,
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("--class 0999: not a component class"),
        "{}",
        stderr(&run)
    );
    let run = citygrid(&["nearest", "--components", path_str(&path), "--at", "119.5"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("expected two numbers as x,y"),
        "{}",
        stderr(&run)
    );
}
