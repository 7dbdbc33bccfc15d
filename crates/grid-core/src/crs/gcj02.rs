//! GCJ-02 ("Mars coordinates") and BD-09, the obfuscated lon/lat systems of Chinese map apps.
//!
//! PROJ does not know them. Citizen photo reports ("随手拍") made through WeChat mini-programs and
//! Amap/Tencent SDKs carry GCJ-02; Baidu's SDK carries BD-09.
//!
//! # The forward formulas
//! GCJ-02 adds to a WGS84 position a smooth, deterministic offset of up to roughly 700 m. The offset
//! is a polynomial-plus-sines function of (lon − 105°, lat − 35°), expressed in metres on the
//! Krasovsky 1940 ellipsoid (a = 6 378 245 m, e² = 0.006 693 421 622 965 943 23) and turned into
//! degrees with that ellipsoid's meridian and prime-vertical radii. BD-09 applies a second small
//! rotation-and-scale in polar form to GCJ-02, plus a constant shift (0.0065°, 0.006°).
//!
//! # The inside-China rule
//! The offset is applied only to points inside the rectangle
//! 72.004° ≤ lon ≤ 137.8347° and 0.8293° ≤ lat ≤ 55.8271° (see [`in_china`]); everywhere else
//! GCJ-02 equals WGS84. This is the rule the map SDKs and nearly every open implementation use, so
//! it is the rule that reproduces the coordinates apps really send. It is a rectangle, not the
//! national border: parts of neighbouring countries inside it are shifted too, exactly as the apps
//! shift them. BD-09 is applied everywhere, on top of GCJ-02.
//!
//! # The inverses
//! There is no closed-form inverse. [`gcj02_to_wgs84`] and [`bd09_to_gcj02`] solve the forward
//! formula by fixed-point iteration (the offset varies slowly, so each step shrinks the error by
//! a factor of about 10⁴) until the forward image of the answer is within 1e-10° (about 10 µm) of
//! the input; the documented accuracy is 1 cm, tested on round trips.

use std::f64::consts::PI;

/// Semi-major axis of the Krasovsky 1940 ellipsoid, in metres.
const KRASOVSKY_A: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid, with the digits every published
/// implementation of GCJ-02 uses.
#[allow(clippy::excessive_precision)]
const KRASOVSKY_E2: f64 = 0.006_693_421_622_965_943_23;

/// West edge of the inside-China rectangle, degrees.
pub const CHINA_MIN_LON: f64 = 72.004;
/// East edge of the inside-China rectangle, degrees.
pub const CHINA_MAX_LON: f64 = 137.8347;
/// South edge of the inside-China rectangle, degrees.
pub const CHINA_MIN_LAT: f64 = 0.8293;
/// North edge of the inside-China rectangle, degrees.
pub const CHINA_MAX_LAT: f64 = 55.8271;

/// BD-09's angular constant: π · 3000 / 180.
const BD_X_PI: f64 = PI * 3000.0 / 180.0;
/// BD-09's constant longitude shift, degrees.
const BD_DLON: f64 = 0.0065;
/// BD-09's constant latitude shift, degrees.
const BD_DLAT: f64 = 0.006;

/// Convergence threshold of the inverse iterations, degrees (about 10 µm).
const INVERSE_TOLERANCE_DEG: f64 = 1e-10;
/// Upper bound on inverse iterations; convergence takes 3–5 in practice.
const INVERSE_MAX_ITERATIONS: usize = 50;

/// True where GCJ-02 differs from WGS84: inside the rectangle documented at module level.
///
/// ```
/// use grid_core::crs::gcj02::in_china;
/// assert!(in_china(119.53, 35.42)); // Rizhao
/// assert!(!in_china(2.35, 48.85)); // Paris
/// ```
pub fn in_china(lon: f64, lat: f64) -> bool {
    (CHINA_MIN_LON..=CHINA_MAX_LON).contains(&lon) && (CHINA_MIN_LAT..=CHINA_MAX_LAT).contains(&lat)
}

/// The periodic part shared by both offset components: sines of a coordinate at periods
/// 1/6 and 1/2 of a degree-unit, then at two long periods chosen per component.
fn periodic(short: f64, long: f64, long_amps: (f64, f64), long_periods: (f64, f64)) -> f64 {
    let fine = 20.0 * (6.0 * short * PI).sin() + 20.0 * (2.0 * short * PI).sin();
    let mid = 20.0 * (long * PI).sin() + 40.0 * (long / 3.0 * PI).sin();
    let coarse = long_amps.0 * (long / long_periods.0 * PI).sin()
        + long_amps.1 * (long / long_periods.1 * PI).sin();
    (fine + mid + coarse) * 2.0 / 3.0
}

/// Northward offset in metres-like units before scaling, at (x, y) = (lon − 105, lat − 35).
fn raw_offset_north(x: f64, y: f64) -> f64 {
    -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + periodic(x, y, (160.0, 320.0), (12.0, 30.0))
}

/// Eastward offset in metres-like units before scaling, at (x, y) = (lon − 105, lat − 35).
fn raw_offset_east(x: f64, y: f64) -> f64 {
    300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + periodic(x, x, (150.0, 300.0), (12.0, 30.0))
}

/// The GCJ-02 offset (Δlon, Δlat) in degrees at a WGS84 position inside China.
fn gcj02_offset(lon: f64, lat: f64) -> (f64, f64) {
    let x = lon - 105.0;
    let y = lat - 35.0;
    let phi = lat.to_radians();
    let w = 1.0 - KRASOVSKY_E2 * phi.sin().powi(2);
    // Meridian radius of curvature M and prime-vertical radius N on Krasovsky.
    let meridian_radius = KRASOVSKY_A * (1.0 - KRASOVSKY_E2) / (w * w.sqrt());
    let prime_vertical_radius = KRASOVSKY_A / w.sqrt();
    let dlat = raw_offset_north(x, y).to_degrees() / meridian_radius;
    let dlon = raw_offset_east(x, y).to_degrees() / (prime_vertical_radius * phi.cos());
    (dlon, dlat)
}

/// WGS84 → GCJ-02. Points outside China (see [`in_china`]) are returned unchanged.
///
/// ```
/// use grid_core::crs::gcj02::wgs84_to_gcj02;
/// let (lon, lat) = wgs84_to_gcj02(119.526888, 35.416377);
/// assert!((lon - 119.526888).abs() > 1e-4); // shifted by hundreds of metres
/// ```
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    apply_gcj02_offset(lon, lat)
}

/// The forward formula without the inside-China rule.
fn apply_gcj02_offset(lon: f64, lat: f64) -> (f64, f64) {
    let (dlon, dlat) = gcj02_offset(lon, lat);
    (lon + dlon, lat + dlat)
}

/// Solves `forward(p) = target` for p by fixed-point iteration from `target`.
fn invert(target: (f64, f64), forward: impl Fn(f64, f64) -> (f64, f64)) -> (f64, f64) {
    let (mut lon, mut lat) = target;
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (flon, flat) = forward(lon, lat);
        let (elon, elat) = (flon - target.0, flat - target.1);
        if elon.abs() < INVERSE_TOLERANCE_DEG && elat.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        lon -= elon;
        lat -= elat;
    }
    (lon, lat)
}

/// GCJ-02 → WGS84 by iteration, accurate to well under 1 cm. Points outside China are returned
/// unchanged. Inside, the iteration solves the formula itself, without the rectangle test: a
/// GCJ-02 point in the thin band along the rectangle's edge whose WGS84 solution lies just outside
/// still gets that continuous solution (no WGS84 point maps there under the rule).
///
/// ```
/// use grid_core::crs::gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};
/// let (glon, glat) = wgs84_to_gcj02(119.526888, 35.416377);
/// let (lon, lat) = gcj02_to_wgs84(glon, glat);
/// assert!((lon - 119.526888).abs() < 1e-9 && (lat - 35.416377).abs() < 1e-9);
/// ```
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    invert((lon, lat), apply_gcj02_offset)
}

/// GCJ-02 → BD-09 (applied everywhere).
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let r = lon.hypot(lat) + 0.00002 * (lat * BD_X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * BD_X_PI).cos();
    (r * theta.cos() + BD_DLON, r * theta.sin() + BD_DLAT)
}

/// BD-09 → GCJ-02 by iteration, accurate to well under 1 cm.
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    invert((lon, lat), gcj02_to_bd09)
}

/// WGS84 → BD-09 (through GCJ-02).
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (glon, glat) = wgs84_to_gcj02(lon, lat);
    gcj02_to_bd09(glon, glat)
}

/// BD-09 → WGS84 (through GCJ-02), accurate to well under 1 cm.
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (glon, glat) = bd09_to_gcj02(lon, lat);
    gcj02_to_wgs84(glon, glat)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in metres between two nearby lon/lat points (equirectangular, fine at < 1 km).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let r = 6_371_000.0;
        let dx = (a.0 - b.0).to_radians() * r * a.1.to_radians().cos();
        let dy = (a.1 - b.1).to_radians() * r;
        dx.hypot(dy)
    }

    #[test]
    fn outside_china_is_identity() {
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
        assert_eq!(gcj02_to_wgs84(-74.0, 40.7), (-74.0, 40.7));
        assert_eq!(wgs84_to_gcj02(120.0, 60.0), (120.0, 60.0));
    }

    #[test]
    fn rectangle_edges_are_inside() {
        assert!(in_china(CHINA_MIN_LON, CHINA_MIN_LAT));
        assert!(in_china(CHINA_MAX_LON, CHINA_MAX_LAT));
        assert!(!in_china(CHINA_MAX_LON + 1e-9, 30.0));
        assert!(!in_china(100.0, CHINA_MIN_LAT - 1e-9));
    }

    #[test]
    fn offset_is_hundreds_of_metres_in_rizhao() {
        let p = (119.526888, 35.416377);
        let d = metres(p, wgs84_to_gcj02(p.0, p.1));
        assert!((100.0..800.0).contains(&d), "offset {d} m");
    }

    #[test]
    fn inverses_round_trip_to_a_centimetre_across_china() {
        let mut worst: f64 = 0.0;
        for i in 0..=40 {
            for j in 0..=40 {
                let lon = 73.0 + 64.0 * f64::from(i) / 40.0;
                let lat = 1.0 + 54.0 * f64::from(j) / 40.0;
                let (glon, glat) = wgs84_to_gcj02(lon, lat);
                worst = worst.max(metres((lon, lat), gcj02_to_wgs84(glon, glat)));
                let (blon, blat) = wgs84_to_bd09(lon, lat);
                worst = worst.max(metres((lon, lat), bd09_to_wgs84(blon, blat)));
            }
        }
        assert!(worst < 0.01, "worst round trip error {worst} m");
    }
}
