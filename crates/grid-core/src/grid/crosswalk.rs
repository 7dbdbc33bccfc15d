//! Crosswalks between grid versions: when grids are redrawn, how the area of each old grid is
//! shared among the new ones, so that counts can be carried across versions.

use geo::{Area, BooleanOps, BoundingRect, Intersects};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::layer::GridLayer;
use crate::codes::GridCode;
use crate::error::{Error, Result};

/// One row of a crosswalk: the share of an old grid's area that lies in a new grid.
#[derive(Clone, Debug, PartialEq)]
pub struct CrosswalkRow {
    /// The old grid.
    pub old_code: GridCode,
    /// The new grid.
    pub new_code: GridCode,
    /// Area of the overlap, square metres.
    pub overlap_m2: f64,
    /// `overlap_m2` over the old grid's area: the share of the old grid's counts that goes to
    /// the new grid when counts are carried by area.
    pub share_of_old: f64,
    /// `overlap_m2` over the new grid's area.
    pub share_of_new: f64,
}

/// The area crosswalk from `old` to `new` (both in the same projected CRS): one row per pair of
/// grids whose overlap is at least `min_share` of the old grid (pieces below it are rounding
/// noise along shared edges), sorted by old code, then new code. For an old grid wholly covered
/// by the new layer, its `share_of_old` values sum to 1 (up to the dropped noise); an old grid
/// partly outside the new layer sums to less, and the rest has no successor.
pub fn crosswalk(old: &GridLayer, new: &GridLayer, min_share: f64) -> Result<Vec<CrosswalkRow>> {
    if old.crs() != new.crs() {
        return Err(Error::invalid_value(
            "grid layers",
            format!("{} and {}", old.crs(), new.crs()),
            "a crosswalk needs both versions in the same CRS",
        ));
    }
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
        new.grids()
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let r = g.geometry.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect(),
    );
    let mut rows = Vec::new();
    for old_grid in old.grids() {
        let Some(r) = old_grid.geometry.bounding_rect() else {
            continue;
        };
        let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        for candidate in tree.locate_in_envelope_intersecting(&envelope) {
            let new_grid = &new.grids()[candidate.data];
            if !old_grid.geometry.intersects(&new_grid.geometry) {
                continue;
            }
            let overlap_m2 = old_grid
                .geometry
                .intersection(&new_grid.geometry)
                .unsigned_area();
            let share_of_old = overlap_m2 / old_grid.area_m2;
            if share_of_old >= min_share && overlap_m2 > 0.0 {
                rows.push(CrosswalkRow {
                    old_code: old_grid.code.clone(),
                    new_code: new_grid.code.clone(),
                    overlap_m2,
                    share_of_old,
                    share_of_new: overlap_m2 / new_grid.area_m2,
                });
            }
        }
    }
    rows.sort_by(|a, b| (&a.old_code, &a.new_code).cmp(&(&b.old_code, &b.new_code)));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use geo::{MultiPolygon, polygon};

    use super::*;
    use crate::crs::Crs;
    use crate::grid::UnitGrid;

    fn grid(code: &str, x0: f64, x1: f64) -> UnitGrid {
        let geometry = MultiPolygon::new(vec![
            polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 100.0), (x: x0, y: 100.0)],
        ]);
        UnitGrid {
            code: code.parse().unwrap(),
            area_m2: geometry.unsigned_area(),
            geometry,
            valid_from: None,
            valid_to: None,
            land_use: None,
            class: None,
        }
    }

    #[test]
    fn shares_follow_the_redrawn_edges() {
        let crs = Crs::cgcs2000_gk_cm120();
        let old = GridLayer::new(
            crs,
            vec![
                grid("371102001001001", 0.0, 100.0),
                grid("371102001001002", 100.0, 200.0),
            ],
        )
        .unwrap();
        // Redrawn: the edge moves from x = 100 to x = 75, and a third grid extends the area.
        let new = GridLayer::new(
            crs,
            vec![
                grid("371102001002001", 0.0, 75.0),
                grid("371102001002002", 75.0, 200.0),
                grid("371102001002003", 200.0, 300.0),
            ],
        )
        .unwrap();
        let rows = crosswalk(&old, &new, 1e-9).unwrap();
        let got: Vec<(&str, &str, f64)> = rows
            .iter()
            .map(|r| {
                (
                    r.old_code.as_str(),
                    r.new_code.as_str(),
                    (r.share_of_old * 1e6).round() / 1e6,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("371102001001001", "371102001002001", 0.75),
                ("371102001001001", "371102001002002", 0.25),
                ("371102001001002", "371102001002002", 1.0),
            ]
        );
        assert!((rows[1].share_of_new - 2_500.0 / 12_500.0).abs() < 1e-12);
        let other = GridLayer::new(Crs::utm_50n(), vec![]).unwrap();
        assert!(crosswalk(&old, &other, 0.0).is_err());
    }
}
