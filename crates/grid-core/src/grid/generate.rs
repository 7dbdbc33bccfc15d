//! Generating unit grids from boundary polygons: tile with squares, clip, merge slivers, number
//! and code.

use geo::{Area, BooleanOps, Coord, MultiPolygon, Polygon};

use super::fishnet::{Lattice, fishnet};
use super::layer::GridLayer;
use super::unit_grid::UnitGrid;
use crate::codes::{DivisionCode, DivisionLevel, GridCode};
use crate::crs::Crs;
use crate::error::{Error, Result};

/// The most grids one community code can number (a 3-digit sequence).
pub const MAX_GRIDS_PER_COMMUNITY: usize = 999;
/// First community segment of the synthetic blocks used when a street has no community layer.
pub const STREET_BLOCK_FIRST_COMMUNITY: u16 = 901;
/// First street segment of the synthetic blocks used when a county-level area has no street
/// layer (600–999 are not assigned by GB/T 10114).
pub const COUNTY_BLOCK_FIRST_STREET: u16 = 900;

/// Settings for [`GridBuilder::build`].
#[derive(Clone, Debug, PartialEq)]
pub struct GridBuilder {
    cell_size_m: f64,
    sliver_share: f64,
}

impl Default for GridBuilder {
    /// 100 m cells (10,000 m², the customary unit grid) and slivers under 30 % of a cell merged.
    fn default() -> Self {
        Self {
            cell_size_m: 100.0,
            sliver_share: 0.3,
        }
    }
}

/// One generated area's outcome, for the report.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaReport {
    /// The division the area was coded as.
    pub code: DivisionCode,
    /// Grids made.
    pub grids: usize,
    /// Slivers merged into a neighbour.
    pub slivers_merged: usize,
    /// Small pieces kept as grids because they share no edge with another cell.
    pub isolated_small: usize,
    /// Number of synthetic blocks the area was split into (0 for a community).
    pub blocks: usize,
}

/// A clipped cell during generation: its lattice position, part number, and shape.
#[derive(Clone, Debug)]
struct Cell {
    row: u32,
    col: u32,
    part: usize,
    shape: MultiPolygon<f64>,
}

impl GridBuilder {
    /// Square cells of `cell_size_m` metres (a target area of its square).
    pub fn cell_size_m(mut self, cell_size_m: f64) -> Self {
        self.cell_size_m = cell_size_m;
        self
    }

    /// Cells smaller than this share of a whole cell's area are merged into a neighbour.
    pub fn sliver_share(mut self, share: f64) -> Self {
        self.sliver_share = share;
        self
    }

    /// Tiles each area with the lattice anchored at multiples of the cell size, clipped exactly
    /// to the area; merges every piece under the sliver threshold into the neighbouring cell it
    /// shares the longest edge with (ties: the northern-, then western-most); numbers the grids
    /// west to east within rows, rows north to south; and codes them:
    ///
    /// - a community (12 digits): its code + sequence 001–999 (more than 999 grids is an error:
    ///   choose a larger cell or split the community);
    /// - a street or town (9 digits): synthetic blocks of at most 999 grids in numbering order,
    ///   coded as communities 901, 902, …;
    /// - a county-level area (6 digits): blocks coded as street 900, 901, … (unassigned by
    ///   GB/T 10114) with communities 001–999 inside each.
    ///
    /// Geometry is in `crs`, which must be projected (metres). Areas must not overlap.
    pub fn build(
        &self,
        crs: Crs,
        areas: &[(DivisionCode, MultiPolygon<f64>)],
    ) -> Result<(GridLayer, Vec<AreaReport>)> {
        if !(self.cell_size_m.is_finite() && self.cell_size_m > 0.0) {
            return Err(Error::invalid_value(
                "cell size",
                self.cell_size_m.to_string(),
                "must be a positive number of metres",
            ));
        }
        if !(0.0..1.0).contains(&self.sliver_share) {
            return Err(Error::invalid_value(
                "sliver share",
                self.sliver_share.to_string(),
                "must be at least 0 and below 1",
            ));
        }
        let mut grids = Vec::new();
        let mut reports = Vec::new();
        for (code, area) in areas {
            let (lattice, cells) = fishnet(area, self.cell_size_m)?;
            let mut cells = split_parts(
                cells
                    .into_iter()
                    .map(|c| (c.row, c.col, snap_to_lattice(&c.geometry, &lattice))),
            );
            let (slivers_merged, isolated_small) = self.merge_slivers(&mut cells, &lattice);
            cells.sort_by_key(|c| (c.row, c.col, c.part));
            let codes = assign_codes(code, cells.len())?;
            let blocks = if code.level() == DivisionLevel::Community {
                0
            } else {
                cells.len().div_ceil(MAX_GRIDS_PER_COMMUNITY)
            };
            reports.push(AreaReport {
                code: code.clone(),
                grids: cells.len(),
                slivers_merged,
                isolated_small,
                blocks,
            });
            for (cell, code) in cells.into_iter().zip(codes) {
                grids.push(UnitGrid {
                    code,
                    area_m2: cell.shape.unsigned_area(),
                    geometry: cell.shape,
                    valid_from: None,
                    valid_to: None,
                    land_use: None,
                    class: None,
                });
            }
        }
        Ok((GridLayer::new(crs, grids)?, reports))
    }

    /// Merges cells under the sliver threshold into their longest-edge neighbour; returns
    /// (merged, isolated small pieces kept).
    fn merge_slivers(&self, cells: &mut Vec<Cell>, lattice: &Lattice) -> (usize, usize) {
        let threshold = self.sliver_share * self.cell_size_m * self.cell_size_m;
        let tolerance = 1e-6 * self.cell_size_m;
        // Smallest first, so that slivers join substantial cells where they can.
        let mut order: Vec<usize> = (0..cells.len()).collect();
        order.sort_by(|&a, &b| {
            cells[a]
                .shape
                .unsigned_area()
                .total_cmp(&cells[b].shape.unsigned_area())
                .then((cells[a].row, cells[a].col, cells[a].part).cmp(&(
                    cells[b].row,
                    cells[b].col,
                    cells[b].part,
                )))
        });
        let mut alive = vec![true; cells.len()];
        let (mut merged, mut isolated) = (0, 0);
        for i in order {
            if !alive[i] || cells[i].shape.unsigned_area() >= threshold {
                continue;
            }
            let best = (0..cells.len())
                .filter(|&j| j != i && alive[j])
                .filter(|&j| {
                    cells[i].row.abs_diff(cells[j].row) + cells[i].col.abs_diff(cells[j].col) <= 2
                })
                .map(|j| {
                    (
                        shared_edge_length(&cells[i].shape, &cells[j].shape, lattice, tolerance),
                        j,
                    )
                })
                .filter(|&(len, _)| len > tolerance)
                .max_by(|a, b| {
                    a.0.total_cmp(&b.0).then_with(|| {
                        let (ca, cb) = (&cells[a.1], &cells[b.1]);
                        (cb.row, cb.col, cb.part).cmp(&(ca.row, ca.col, ca.part))
                    })
                });
            match best {
                Some((_, j)) => {
                    cells[j].shape = cells[j].shape.union(&cells[i].shape);
                    alive[i] = false;
                    merged += 1;
                }
                None => isolated += 1,
            }
        }
        let mut k = 0;
        cells.retain(|_| {
            k += 1;
            alive[k - 1]
        });
        (merged, isolated)
    }
}

/// Coordinates this close to a lattice line (metres) are moved onto it.
const SNAP_M: f64 = 1e-4;

/// Moves the coordinates that clipping left a hair off a lattice line (floating-point noise,
/// under a micrometre) exactly onto it, so that neighbouring cells share their edges exactly:
/// a sliver merged into its neighbour then becomes one polygon, not two parts touching along an
/// edge a micrometre apart (which turns into an invalid multipolygon once reprojected and
/// rounded).
fn snap_to_lattice(shape: &MultiPolygon<f64>, lattice: &Lattice) -> MultiPolygon<f64> {
    use geo::MapCoords;
    let s = lattice.cell_size;
    let snap = |v: f64, origin: f64| {
        let line = origin + ((v - origin) / s).round() * s;
        if (v - line).abs() <= SNAP_M { line } else { v }
    };
    shape.map_coords(|c| Coord {
        x: snap(c.x, lattice.x0),
        y: snap(c.y, lattice.y0),
    })
}

/// Splits multi-part clipped cells into one cell per part (numbered in the order of their
/// westmost, then northmost vertex), so that every grid is one piece before merging.
fn split_parts(cells: impl Iterator<Item = (u32, u32, MultiPolygon<f64>)>) -> Vec<Cell> {
    let mut out = Vec::new();
    for (row, col, shape) in cells {
        let mut parts: Vec<Polygon<f64>> = shape
            .0
            .into_iter()
            .filter(|p| p.unsigned_area() > 0.0)
            .collect();
        parts.sort_by(|a, b| {
            let key = |p: &Polygon<f64>| {
                p.exterior()
                    .0
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(x, y), c| {
                        if c.x < x || (c.x == x && c.y > y) {
                            (c.x, c.y)
                        } else {
                            (x, y)
                        }
                    })
            };
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0).then(kb.1.total_cmp(&ka.1))
        });
        for (part, polygon) in parts.into_iter().enumerate() {
            out.push(Cell {
                row,
                col,
                part,
                shape: MultiPolygon::new(vec![polygon]),
            });
        }
    }
    out
}

/// Length of boundary two cells share along lattice lines: their edges that lie on a common
/// vertical or horizontal lattice line, overlapped as intervals.
fn shared_edge_length(
    a: &MultiPolygon<f64>,
    b: &MultiPolygon<f64>,
    lattice: &Lattice,
    tolerance: f64,
) -> f64 {
    let on_lines = |shape: &MultiPolygon<f64>| -> Vec<(bool, i64, f64, f64)> {
        let mut edges = Vec::new();
        for polygon in shape {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for line in ring.lines() {
                    if let Some(edge) = lattice_edge(line.start, line.end, lattice, tolerance) {
                        edges.push(edge);
                    }
                }
            }
        }
        edges
    };
    let (ea, eb) = (on_lines(a), on_lines(b));
    let mut total = 0.0;
    for &(vertical_a, line_a, lo_a, hi_a) in &ea {
        for &(vertical_b, line_b, lo_b, hi_b) in &eb {
            if vertical_a == vertical_b && line_a == line_b {
                total += (hi_a.min(hi_b) - lo_a.max(lo_b)).max(0.0);
            }
        }
    }
    total
}

/// An edge lying on a lattice line: (vertical?, line number, low end, high end).
fn lattice_edge(
    start: Coord,
    end: Coord,
    lattice: &Lattice,
    tolerance: f64,
) -> Option<(bool, i64, f64, f64)> {
    let s = lattice.cell_size;
    let snap = |v: f64, origin: f64| {
        let k = ((v - origin) / s).round();
        ((v - origin - k * s).abs() <= tolerance).then_some(k as i64)
    };
    if (start.x - end.x).abs() <= tolerance {
        let k = snap(start.x, lattice.x0)?;
        return Some((true, k, start.y.min(end.y), start.y.max(end.y)));
    }
    if (start.y - end.y).abs() <= tolerance {
        let k = snap(start.y, lattice.y0)?;
        return Some((false, k, start.x.min(end.x), start.x.max(end.x)));
    }
    None
}

/// The codes of `n` grids numbered inside a division, by the rules in [`GridBuilder::build`].
fn assign_codes(area: &DivisionCode, n: usize) -> Result<Vec<GridCode>> {
    let per = MAX_GRIDS_PER_COMMUNITY;
    let too_many = |what: &str| {
        Error::invalid_value(
            "grid layout",
            format!("{n} grids in {area}"),
            format!("{what}; choose a larger cell size or give a finer boundary layer"),
        )
    };
    let mut codes = Vec::with_capacity(n);
    for k in 0..n {
        let sequence = u16::try_from(k % per + 1).map_err(|_| too_many("sequence overflow"))?;
        let block = k / per;
        let community: DivisionCode = match area.level() {
            DivisionLevel::Community => {
                if n > per {
                    return Err(too_many("a community numbers at most 999 grids"));
                }
                area.clone()
            }
            DivisionLevel::Street => {
                let segment = usize::from(STREET_BLOCK_FIRST_COMMUNITY) + block;
                if segment > 999 {
                    return Err(too_many(
                        "a street holds at most 99 synthetic blocks of 999 grids",
                    ));
                }
                format!("{area}{segment:03}").parse()?
            }
            DivisionLevel::County => {
                let street = usize::from(COUNTY_BLOCK_FIRST_STREET) + block / per;
                let community = block % per + 1;
                if street > 999 {
                    return Err(too_many(
                        "a county holds at most 100 × 999 synthetic blocks",
                    ));
                }
                format!("{area}{street:03}{community:03}").parse()?
            }
            DivisionLevel::Province | DivisionLevel::Prefecture => {
                return Err(Error::invalid_value(
                    "boundary code",
                    area.to_string(),
                    "grids are generated inside a county-level division, street or community",
                ));
            }
        };
        codes.push(GridCode::new(&community, sequence)?);
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use geo::{Intersects, polygon};

    use super::*;

    fn community() -> DivisionCode {
        "371102001001".parse().unwrap()
    }

    fn irregular() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon!(
            exterior: [(x: 457_003.0, y: 3_920_007.0), (x: 457_812.0, y: 3_920_040.0), (x: 457_950.0, y: 3_920_610.0), (x: 457_420.0, y: 3_920_930.0), (x: 457_060.0, y: 3_920_500.0)],
            interiors: [[(x: 457_400.0, y: 3_920_400.0), (x: 457_520.0, y: 3_920_410.0), (x: 457_470.0, y: 3_920_520.0)]],
        )])
    }

    #[test]
    fn a_merged_sliver_and_its_neighbour_become_one_polygon() {
        // A street drawn in longitude/latitude and projected: its edges cross the lattice at
        // coordinates a hair off the lattice lines, as real boundaries do.
        let to = crate::Transformer::new(Crs::wgs84(), Crs::cgcs2000_gk_cm120()).unwrap();
        let lonlat = polygon![
            (x: 119.50, y: 35.40), (x: 119.522, y: 35.40), (x: 119.522, y: 35.418),
            (x: 119.50, y: 35.418), (x: 119.50, y: 35.40),
        ];
        let area = match to
            .transform_geometry(&geo::Geometry::Polygon(lonlat))
            .unwrap()
        {
            geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
            other => panic!("{other:?}"),
        };
        let (layer, reports) = GridBuilder::default()
            .build(Crs::cgcs2000_gk_cm120(), &[(community(), area)])
            .unwrap();
        assert!(reports[0].slivers_merged > 0);
        // The sliver's edge and its neighbour's are snapped onto the same lattice line, so
        // the union is one polygon, not two parts along an edge a micrometre apart.
        for g in layer.grids() {
            assert_eq!(
                g.geometry.0.len(),
                1,
                "{} has {} parts",
                g.code,
                g.geometry.0.len()
            );
        }
    }

    #[test]
    fn tiling_is_exact_and_slivers_are_merged() {
        let area = irregular();
        let (layer, reports) = GridBuilder::default()
            .build(Crs::cgcs2000_gk_cm120(), &[(community(), area.clone())])
            .unwrap();
        let grids = layer.grids();
        let total: f64 = grids.iter().map(|g| g.area_m2).sum();
        assert!(
            (total - area.unsigned_area()).abs() / area.unsigned_area() < 1e-6,
            "{total}"
        );
        for (i, a) in grids.iter().enumerate() {
            for b in &grids[i + 1..] {
                if a.geometry.intersects(&b.geometry) {
                    let overlap = a.geometry.intersection(&b.geometry).unsigned_area();
                    assert!(
                        overlap < 1e-6,
                        "{} and {} overlap by {overlap}",
                        a.code,
                        b.code
                    );
                }
            }
        }
        assert!(reports[0].slivers_merged > 0);
        // A merged sliver and its neighbour share their edge exactly (the clipping noise is
        // snapped onto the lattice): one polygon each, never two parts along an edge.
        for g in grids {
            assert_eq!(
                g.geometry.0.len(),
                1,
                "{} has {} parts",
                g.code,
                g.geometry.0.len()
            );
        }
        // Every grid left is at least the sliver threshold unless it had no neighbour.
        let small = grids.iter().filter(|g| g.area_m2 < 3_000.0).count();
        assert_eq!(small, reports[0].isolated_small);
        // Sequence numbers run 1..=n in order.
        let seqs: Vec<u16> = grids.iter().map(|g| g.code.sequence()).collect();
        assert_eq!(seqs, (1..=grids.len() as u16).collect::<Vec<_>>());
    }

    #[test]
    fn numbering_runs_west_to_east_then_north_to_south() {
        let square = MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 300.0, y: 0.0), (x: 300.0, y: 200.0), (x: 0.0, y: 200.0)],
        ]);
        let (layer, _) = GridBuilder::default()
            .build(Crs::cgcs2000_gk_cm120(), &[(community(), square)])
            .unwrap();
        let corners: Vec<(u16, f64, f64)> = layer
            .grids()
            .iter()
            .map(|g| {
                let r = geo::BoundingRect::bounding_rect(&g.geometry).unwrap();
                (g.code.sequence(), r.min().x, r.min().y)
            })
            .collect();
        assert_eq!(
            corners,
            vec![
                (1, 0.0, 100.0),
                (2, 100.0, 100.0),
                (3, 200.0, 100.0),
                (4, 0.0, 0.0),
                (5, 100.0, 0.0),
                (6, 200.0, 0.0)
            ]
        );
    }

    #[test]
    fn streets_and_counties_are_split_into_coded_blocks() {
        assert_eq!(
            assign_codes(&"371102001".parse().unwrap(), 1000).unwrap()[999].as_str(),
            "371102001902001"
        );
        let county = assign_codes(&"371102".parse().unwrap(), 1_000_000).unwrap();
        assert_eq!(county[0].as_str(), "371102900001001");
        assert_eq!(
            county[998_001].as_str(),
            "371102901001999"[..15]
                .parse::<GridCode>()
                .unwrap()
                .as_str()
                .replace("901001999", "901001001")
                .as_str()
        );
        let err = assign_codes(&community(), 1000).unwrap_err().to_string();
        assert!(err.contains("at most 999 grids"), "{err}");
        assert!(assign_codes(&"371100".parse().unwrap(), 1).is_err());
    }
}
