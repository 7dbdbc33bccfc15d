//! Shared inputs of the citygrid benchmarks: deterministic synthetic data, no files.

/// `n` points uniformly in the unit square [0, 1)², the same for the same `seed` (a fixed linear
/// congruential generator, so no dependency on `rand`).
pub fn unit_points(n: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // The top 53 bits as a fraction in [0, 1).
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n).map(|_| (next(), next())).collect()
}

/// `n` lon/lat points spread over Rizhao's extent (118.6–119.7°E, 35.0–36.0°N), the same for
/// the same `seed`.
pub fn rizhao_points(n: usize, seed: u64) -> Vec<(f64, f64)> {
    unit_points(n, seed)
        .into_iter()
        .map(|(u, v)| (118.6 + 1.1 * u, 35.0 + v))
        .collect()
}

/// The sample city's central-city unit grids at 100 m (about 35,000), generated from
/// `data/rizhao` as `citygrid nightly` does.
pub fn central_city_grids() -> grid_core::Result<grid_core::GridLayer> {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/rizhao");
    let crs = grid_core::Crs::cgcs2000_gk_cm120();
    let read = |name: &str| grid_core::grid::read_division_areas(&data.join(name), crs, None);
    let streets = read("central_city.geojson")?;
    let communities: Vec<_> = read("communities.geojson")?
        .into_iter()
        .filter(|(code, _)| streets.iter().any(|(s, _)| code.is_within(s)))
        .collect();
    let (layer, _) = grid_core::grid::GridBuilder::default().build(crs, &communities)?;
    Ok(layer)
}

/// `n` points spread uniformly over the bounding box of an index's grids, the same for the same
/// `seed`.
pub fn points_in_bounds(
    index: &grid_core::index::GridIndex,
    n: usize,
    seed: u64,
) -> Vec<geo::Coord> {
    use geo::BoundingRect;
    let mut min = (f64::INFINITY, f64::INFINITY);
    let mut max = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for g in index.layer().grids() {
        if let Some(r) = g.geometry.bounding_rect() {
            min = (min.0.min(r.min().x), min.1.min(r.min().y));
            max = (max.0.max(r.max().x), max.1.max(r.max().y));
        }
    }
    unit_points(n, seed)
        .into_iter()
        .map(|(u, v)| geo::Coord {
            x: min.0 + u * (max.0 - min.0),
            y: min.1 + v * (max.1 - min.1),
        })
        .collect()
}

/// The bundled work calendar (`data/calendar/china_holidays.csv`) with default office hours.
pub fn work_calendar() -> grid_core::Result<grid_core::calendar::WorkCalendar> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/calendar/china_holidays.csv");
    grid_core::calendar::WorkCalendar::load(&path, grid_core::calendar::OfficeHours::default())
}

#[cfg(test)]
mod tests {
    #[test]
    fn points_are_deterministic_and_in_range() {
        let a = super::rizhao_points(1000, 7);
        assert_eq!(a, super::rizhao_points(1000, 7));
        assert_ne!(a, super::rizhao_points(1000, 8));
        assert!(
            a.iter()
                .all(|&(x, y)| (118.6..119.7).contains(&x) && (35.0..36.0).contains(&y))
        );
    }
}
