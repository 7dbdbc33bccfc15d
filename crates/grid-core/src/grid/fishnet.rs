//! Regular square analysis grids ("fishnets") of any cell size, clipped to a study area.
//!
//! The lattice is anchored at multiples of the cell size in the CRS's own coordinates, so two
//! fishnets of the same cell size always line up, whatever their study areas. Columns count west
//! to east from the lattice line at or west of the area; rows count north to south.

use geo::coordinate_position::CoordPos;
use geo::{BooleanOps, BoundingRect, Coord, CoordinatePosition, Line, MultiPolygon, Rect, coord};
use rstar::{AABB, RTree, primitives::GeomWithData};

use crate::error::{Error, Result};

/// One cell of a fishnet.
#[derive(Clone, Debug, PartialEq)]
pub struct FishnetCell {
    /// Column, west to east, from 0 at the lattice line at or west of the study area.
    pub col: u32,
    /// Row, north to south, from 0 at the lattice line at or north of the study area.
    pub row: u32,
    /// The cell clipped to the study area (the whole square where it lies inside).
    pub geometry: MultiPolygon<f64>,
    /// True when the cell is the whole square, untouched by the study area's boundary.
    pub full: bool,
}

/// The lattice of a fishnet: where column 0 / row 0 start and how big a cell is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lattice {
    /// x of the west edge of column 0.
    pub x0: f64,
    /// y of the north edge of row 0.
    pub y0: f64,
    /// Cell side, in CRS units (metres).
    pub cell_size: f64,
}

impl Lattice {
    /// The square of a column and row.
    pub fn square(&self, col: u32, row: u32) -> Rect<f64> {
        let west = self.x0 + f64::from(col) * self.cell_size;
        let north = self.y0 - f64::from(row) * self.cell_size;
        Rect::new(
            coord! { x: west, y: north - self.cell_size },
            coord! { x: west + self.cell_size, y: north },
        )
    }
}

type BoundarySegment = GeomWithData<rstar::primitives::Line<[f64; 2]>, ()>;

/// Cuts `area` into square cells of side `cell_size` (CRS units, metres in a projected CRS),
/// clipped to the area. Cells the area does not reach are left out; cells its boundary crosses
/// are clipped exactly (the clipped cells' areas sum to the area's). Cells come in row-major
/// order: north to south, and west to east within a row.
///
/// ```
/// use geo::{MultiPolygon, polygon};
/// use grid_core::grid::fishnet::fishnet;
/// let square = MultiPolygon::new(vec![polygon![(x: 0.0, y: 0.0), (x: 250.0, y: 0.0), (x: 250.0, y: 200.0), (x: 0.0, y: 200.0)]]);
/// let (lattice, cells) = fishnet(&square, 100.0)?;
/// assert_eq!(cells.len(), 6); // 3 columns (the last one 50 m wide) × 2 rows
/// assert_eq!(cells.iter().filter(|c| c.full).count(), 4);
/// assert_eq!((lattice.x0, lattice.y0), (0.0, 200.0));
/// # Ok::<(), grid_core::Error>(())
/// ```
pub fn fishnet(area: &MultiPolygon<f64>, cell_size: f64) -> Result<(Lattice, Vec<FishnetCell>)> {
    if !(cell_size.is_finite() && cell_size > 0.0) {
        return Err(Error::invalid_value(
            "cell size",
            cell_size.to_string(),
            "must be a positive number",
        ));
    }
    let bounds = area
        .bounding_rect()
        .ok_or_else(|| Error::invalid_value("study area", "empty".to_owned(), "has no polygons"))?;
    let x0 = (bounds.min().x / cell_size).floor() * cell_size;
    let y0 = (bounds.max().y / cell_size).ceil() * cell_size;
    let lattice = Lattice { x0, y0, cell_size };
    let cols = ((bounds.max().x - x0) / cell_size).ceil().max(1.0);
    let rows = ((y0 - bounds.min().y) / cell_size).ceil().max(1.0);
    if cols * rows > 1e9 {
        return Err(Error::invalid_value(
            "cell size",
            cell_size.to_string(),
            format!("gives {cols} × {rows} cells; choose a larger cell size"),
        ));
    }
    let boundary: RTree<BoundarySegment> = RTree::bulk_load(
        area.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ring| ring.lines())
            .map(|l: Line<f64>| {
                GeomWithData::new(
                    rstar::primitives::Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]),
                    (),
                )
            })
            .collect(),
    );
    let mut cells = Vec::new();
    for row in 0..rows as u32 {
        for col in 0..cols as u32 {
            let square = lattice.square(col, row);
            let envelope = AABB::from_corners(
                [square.min().x, square.min().y],
                [square.max().x, square.max().y],
            );
            let crossed = boundary
                .locate_in_envelope_intersecting(&envelope)
                .any(|segment| segment_touches_rect(segment.geom(), &square));
            if crossed {
                let clipped = area.intersection(&square.to_polygon());
                let clipped_area: f64 = clipped.0.iter().map(geo::Area::unsigned_area).sum();
                let whole = cell_size * cell_size;
                if (whole - clipped_area).abs() <= 1e-9 * whole {
                    // The boundary only runs along the cell's edges: the cell is whole.
                    cells.push(FishnetCell {
                        col,
                        row,
                        geometry: MultiPolygon::new(vec![square.to_polygon()]),
                        full: true,
                    });
                } else if clipped_area > 0.0 {
                    cells.push(FishnetCell {
                        col,
                        row,
                        geometry: clipped,
                        full: false,
                    });
                }
            } else if area.coordinate_position(&square.center()) == CoordPos::Inside {
                cells.push(FishnetCell {
                    col,
                    row,
                    geometry: MultiPolygon::new(vec![square.to_polygon()]),
                    full: true,
                });
            }
        }
    }
    Ok((lattice, cells))
}

/// Whether a boundary segment meets the closed rectangle (a segment along an edge counts).
fn segment_touches_rect(segment: &rstar::primitives::Line<[f64; 2]>, rect: &Rect<f64>) -> bool {
    use geo::Intersects;
    let line = Line::new(
        Coord {
            x: segment.from[0],
            y: segment.from[1],
        },
        Coord {
            x: segment.to[0],
            y: segment.to[1],
        },
    );
    line.intersects(rect)
}

#[cfg(test)]
mod tests {
    use geo::{Area, polygon};

    use super::*;

    #[test]
    fn tiles_exactly_without_gaps_or_overlaps() {
        // An irregular polygon with a hole.
        let area = MultiPolygon::new(vec![polygon!(
            exterior: [(x: 3.0, y: 7.0), (x: 812.0, y: 40.0), (x: 950.0, y: 610.0), (x: 420.0, y: 930.0), (x: 60.0, y: 500.0)],
            interiors: [[(x: 400.0, y: 400.0), (x: 520.0, y: 410.0), (x: 470.0, y: 520.0)]],
        )]);
        let (_, cells) = fishnet(&area, 100.0).unwrap();
        let total: f64 = cells.iter().map(|c| c.geometry.unsigned_area()).sum();
        assert!(
            (total - area.unsigned_area()).abs() / area.unsigned_area() < 1e-9,
            "{total}"
        );
        for (i, a) in cells.iter().enumerate() {
            for b in &cells[i + 1..] {
                let overlap = a.geometry.intersection(&b.geometry).unsigned_area();
                assert!(
                    overlap < 1e-6,
                    "cells {:?} and {:?} overlap by {overlap}",
                    (a.col, a.row),
                    (b.col, b.row)
                );
            }
        }
        assert!(cells.iter().any(|c| c.full) && cells.iter().any(|c| !c.full));
    }

    #[test]
    fn lattice_is_anchored_at_multiples_of_the_cell() {
        let area = MultiPolygon::new(vec![
            polygon![(x: 1234.0, y: 5678.0), (x: 1500.0, y: 5678.0), (x: 1500.0, y: 5900.0)],
        ]);
        let (lattice, cells) = fishnet(&area, 100.0).unwrap();
        assert_eq!((lattice.x0, lattice.y0), (1200.0, 5900.0));
        let first = &cells[0];
        assert!(
            first.row == 0
                && cells
                    .iter()
                    .all(|c| (c.row, c.col) >= (first.row, first.col))
        );
    }

    #[test]
    fn rejects_bad_cell_sizes() {
        let area = MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)],
        ]);
        for size in [0.0, -5.0, f64::NAN] {
            assert!(fishnet(&area, size).is_err());
        }
        assert!(fishnet(&area, 1e-6).is_err());
    }
}
