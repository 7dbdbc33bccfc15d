//! Differential tests of coordinate transformations against PROJ's cs2cs and against the
//! independent GCJ-02 implementation prcoords (scripts in tests/golden).

use grid_core::crs::gcj02;
use grid_core::{Crs, Transformer};

use super::{golden, read_csv};

fn num(row: &std::collections::HashMap<String, String>, key: &str) -> f64 {
    row[key].parse().unwrap()
}

/// cs2cs printed degrees with 10 decimals and metres with 5; we allow 1e-9° (0.1 mm) and 1 mm.
#[test]
fn matches_cs2cs_for_every_vector() {
    let rows = read_csv(&golden("proj_vectors.csv"));
    assert!(rows.len() >= 100, "only {} vectors", rows.len());
    let mut checked = 0;
    let mut transformers = std::collections::HashMap::new();
    for row in &rows {
        let from: Crs = row["from"].parse().unwrap();
        let to: Crs = row["to"].parse().unwrap();
        let t = transformers
            .entry((from, to))
            .or_insert_with(|| Transformer::new(from, to).unwrap());
        let (x, y) = t.transform(num(row, "x"), num(row, "y")).unwrap();
        let tolerance = if to.is_geographic().unwrap() {
            1e-9
        } else {
            1e-3
        };
        let (ex, ey) = (num(row, "expected_x"), num(row, "expected_y"));
        assert!(
            (x - ex).abs() <= tolerance && (y - ey).abs() <= tolerance,
            "{from} -> {to} of ({}, {}): got ({x}, {y}), cs2cs ({ex}, {ey})",
            row["x"],
            row["y"]
        );
        checked += 1;
    }
    assert_eq!(checked, rows.len());
}

/// Forward formulas agree with prcoords to 1e-9° (0.1 mm); the iterative inverses to 1e-8°
/// (about 1 mm), inside the 1 cm the issue asks for.
#[test]
fn matches_prcoords_for_every_vector() {
    let rows = read_csv(&golden("gcj02_vectors.csv"));
    assert!(rows.len() >= 500);
    let mut compared = 0;
    for row in &rows {
        let (lon, lat) = (num(row, "lon"), num(row, "lat"));
        let expected = (num(row, "expected_lon"), num(row, "expected_lat"));
        let kind = row["kind"].as_str();
        let (got, tolerance) = match kind {
            "wgs84_to_gcj02" => (gcj02::wgs84_to_gcj02(lon, lat), 1e-9),
            "wgs84_to_bd09" => (gcj02::wgs84_to_bd09(lon, lat), 1e-9),
            "gcj02_to_bd09" => (gcj02::gcj02_to_bd09(lon, lat), 1e-9),
            "bd09_to_gcj02" => (gcj02::bd09_to_gcj02(lon, lat), 1e-8),
            // prcoords' iterative inverses apply the offset even outside China; ours follow the
            // documented rule and return such points unchanged, checked separately below.
            "gcj02_to_wgs84" if gcj02::in_china(lon, lat) => {
                (gcj02::gcj02_to_wgs84(lon, lat), 1e-8)
            }
            "bd09_to_wgs84" => {
                let (glon, glat) = gcj02::bd09_to_gcj02(lon, lat);
                if !gcj02::in_china(glon, glat) {
                    continue;
                }
                (gcj02::bd09_to_wgs84(lon, lat), 1e-8)
            }
            "gcj02_to_wgs84" => {
                assert_eq!(gcj02::gcj02_to_wgs84(lon, lat), (lon, lat));
                continue;
            }
            other => panic!("unknown kind {other}"),
        };
        assert!(
            (got.0 - expected.0).abs() <= tolerance && (got.1 - expected.1).abs() <= tolerance,
            "{kind} of ({lon}, {lat}): got {got:?}, prcoords {expected:?}"
        );
        compared += 1;
    }
    assert!(compared >= 500, "compared {compared}");
}

#[test]
fn transformer_chains_gcj02_and_proj_like_the_parts() {
    // GCJ-02 → EPSG:4549 equals GCJ-02 → WGS84 (formula) then WGS84 → EPSG:4549 (PROJ).
    let rows = read_csv(&golden("proj_vectors.csv"));
    let chain = Transformer::new(Crs::gcj02(), Crs::cgcs2000_gk_cm120()).unwrap();
    let back = Transformer::new(Crs::cgcs2000_gk_cm120(), Crs::bd09()).unwrap();
    for row in rows
        .iter()
        .filter(|r| r["from"] == "EPSG:4326" && r["to"] == "EPSG:4549")
    {
        let (lon, lat) = (num(row, "x"), num(row, "y"));
        let (glon, glat) = gcj02::wgs84_to_gcj02(lon, lat);
        let (e, n) = chain.transform(glon, glat).unwrap();
        assert!((e - num(row, "expected_x")).abs() < 2e-3, "{e}");
        assert!((n - num(row, "expected_y")).abs() < 2e-3, "{n}");
        let (blon, blat) = back.transform(e, n).unwrap();
        let (elon, elat) = gcj02::wgs84_to_bd09(lon, lat);
        assert!((blon - elon).abs() < 1e-8 && (blat - elat).abs() < 1e-8);
    }
}

#[test]
fn unknown_epsg_code_is_a_clear_error() {
    let err = Transformer::new(Crs::epsg(999_999), Crs::wgs84())
        .unwrap_err()
        .to_string();
    assert!(err.contains("EPSG:999999"), "{err}");
}
