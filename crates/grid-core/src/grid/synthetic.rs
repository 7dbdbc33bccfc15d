//! Synthetic street and community layers for a city whose real ones are not available: each
//! district is cut into its streets, and each street into communities, by
//! [`partition`](super::partition::partition). The codes and names of the streets are real (from
//! the division table); the shapes, and the communities altogether, are made up and marked so.

use geo::{Area, MultiPolygon};

use super::partition::partition;
use crate::codes::DivisionCode;
use crate::error::Result;

/// A street (or town) to place inside a district.
#[derive(Clone, Debug, PartialEq)]
pub struct StreetSpec {
    /// 9-digit code.
    pub code: DivisionCode,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// A synthesised area: a street or a community.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticArea {
    /// Its code (9 digits for a street, 12 for a community).
    pub code: DivisionCode,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Its shape, in the working CRS.
    pub geometry: MultiPolygon<f64>,
}

/// Target community size in an urban street (街道), square metres.
pub const URBAN_COMMUNITY_M2: f64 = 1.5e6;
/// Target village size in a town or township, square metres.
pub const RURAL_COMMUNITY_M2: f64 = 4.0e6;
/// Relative area of a town against an urban street when a district is cut into streets.
pub const TOWN_WEIGHT: f64 = 3.0;

fn is_urban(code: &DivisionCode) -> bool {
    code.as_str().get(6..7) == Some("0")
}

/// Cuts `district` into `streets` (towns first, so that urban streets, which come last, share
/// one side of the district), each town weighing [`TOWN_WEIGHT`] urban streets; then cuts each
/// street into communities of about [`URBAN_COMMUNITY_M2`] or [`RURAL_COMMUNITY_M2`] (at most
/// 999, and never above 9 km², so that 100 m grids can number them). Returns (streets,
/// communities) in code order.
pub fn synthesize(
    district: &MultiPolygon<f64>,
    streets: &[StreetSpec],
) -> Result<(Vec<SyntheticArea>, Vec<SyntheticArea>)> {
    let mut ordered: Vec<&StreetSpec> = streets.iter().collect();
    ordered.sort_by_key(|s| (is_urban(&s.code), s.code.clone()));
    let weights: Vec<f64> = ordered
        .iter()
        .map(|s| if is_urban(&s.code) { 1.0 } else { TOWN_WEIGHT })
        .collect();
    let shapes = partition(district, &weights)?;
    let mut street_areas = Vec::with_capacity(ordered.len());
    let mut communities = Vec::new();
    for (spec, shape) in ordered.into_iter().zip(shapes) {
        let area = shape.unsigned_area();
        let (target, kind_zh, kind_en) = if is_urban(&spec.code) {
            (URBAN_COMMUNITY_M2, "社区", "community")
        } else {
            (RURAL_COMMUNITY_M2, "村", "village")
        };
        let n = ((area / target).round().max((area / 9.0e6).ceil()).max(1.0) as usize).min(999);
        let parts = partition(&shape, &vec![1.0; n])?;
        for (k, part) in parts.into_iter().enumerate() {
            communities.push(SyntheticArea {
                code: format!("{}{:03}", spec.code, k + 1).parse()?,
                name_zh: format!("{}第{}{kind_zh}（合成）", spec.name_zh, k + 1),
                name_en: format!("Synthetic {kind_en} {} of {}", k + 1, spec.name_en),
                geometry: part,
            });
        }
        street_areas.push(SyntheticArea {
            code: spec.code.clone(),
            name_zh: spec.name_zh.clone(),
            name_en: spec.name_en.clone(),
            geometry: shape,
        });
    }
    street_areas.sort_by(|a, b| a.code.cmp(&b.code));
    communities.sort_by(|a, b| a.code.cmp(&b.code));
    Ok((street_areas, communities))
}

#[cfg(test)]
mod tests {
    use geo::polygon;

    use super::*;

    #[test]
    fn streets_and_communities_tile_the_district() {
        let district = MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 20_000.0, y: 0.0), (x: 20_000.0, y: 10_000.0), (x: 0.0, y: 10_000.0)],
        ]);
        let spec = |code: &str| StreetSpec {
            code: code.parse().unwrap(),
            name_zh: "街".into(),
            name_en: "S".into(),
        };
        let (streets, communities) = synthesize(
            &district,
            &[spec("371102001"), spec("371102100"), spec("371102002")],
        )
        .unwrap();
        assert_eq!(streets.len(), 3);
        let town = streets
            .iter()
            .find(|s| s.code.as_str() == "371102100")
            .unwrap();
        assert!((town.geometry.unsigned_area() - 2.0e8 * 3.0 / 5.0).abs() < 1.0);
        let total: f64 = communities.iter().map(|c| c.geometry.unsigned_area()).sum();
        assert!((total - 2.0e8).abs() < 1.0);
        assert!(
            communities
                .iter()
                .all(|c| c.geometry.unsigned_area() <= 9.0e6 + 1.0)
        );
        assert!(
            communities
                .iter()
                .any(|c| c.code.as_str() == "371102001001")
        );
    }
}
