//! [`GridIndex`]: which unit grid a point falls in.

use std::collections::HashMap;

use geo::coordinate_position::CoordPos;
use geo::{BoundingRect, Coord, CoordinatePosition, Distance, Euclidean, Point};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::grid::{GridLayer, UnitGrid};

type Envelope = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// Margin, as a fraction of the cell, within which the fishnet fast path hands a point to the
/// exact path: floating-point division cannot say on which side of a lattice line such a point
/// lies.
const LATTICE_EDGE_MARGIN: f64 = 1e-9;

/// Point → unit grid look-ups over a [`GridLayer`], with an R-tree of grid envelopes and an exact
/// point-in-polygon test.
///
/// # Which grid a point belongs to
/// - A point in the interior of a grid belongs to that grid.
/// - A point on the boundary of one or more grids (an edge or a vertex they share, or the city's
///   outer edge) belongs to the one with the **smallest grid code** among them.
///
/// So every point of the grids' closed union belongs to exactly one grid, whatever the order of
/// the layer, and points outside get none. The grids are assumed to tile without overlapping, as
/// unit grids do.
///
/// # Speed
/// Look-ups are independent, so [`GridIndex::assign`] runs them in parallel with rayon; the
/// output is in input order, the same for any thread count. When most grids are whole squares of
/// one regular lattice (a fishnet, or grids generated from one), a point strictly inside such a
/// square is found by arithmetic, without the R-tree; points on or near lattice lines take the
/// exact path, so the answer is the same either way.
///
/// ```
/// use geo::{coord, MultiPolygon, polygon};
/// use grid_core::{Crs, GridLayer, UnitGrid};
/// use grid_core::index::GridIndex;
///
/// let square = |code: &str, x: f64| UnitGrid {
///     code: code.parse().unwrap(),
///     geometry: MultiPolygon::new(vec![polygon![(x: x, y: 0.0), (x: x + 100.0, y: 0.0), (x: x + 100.0, y: 100.0), (x: x, y: 100.0)]]),
///     area_m2: 10_000.0, valid_from: None, valid_to: None, land_use: None, class: None,
/// };
/// let layer = GridLayer::new(Crs::cgcs2000_gk_cm120(), vec![square("371102001001002", 100.0), square("371102001001001", 0.0)])?;
/// let index = GridIndex::new(layer);
/// assert_eq!(index.locate_code(coord! { x: 150.0, y: 50.0 }).unwrap().as_str(), "371102001001002");
/// // On the shared edge x = 100: the smaller code wins.
/// assert_eq!(index.locate_code(coord! { x: 100.0, y: 50.0 }).unwrap().as_str(), "371102001001001");
/// assert!(index.locate(coord! { x: 250.0, y: 50.0 }).is_none());
/// # Ok::<(), grid_core::Error>(())
/// ```
#[derive(Debug)]
pub struct GridIndex {
    layer: GridLayer,
    tree: RTree<Envelope>,
    lattice: Option<LatticeLookup>,
}

/// The fast path: whole lattice squares by (column, row).
#[derive(Debug)]
struct LatticeLookup {
    cell_size: f64,
    cells: HashMap<(i64, i64), u32>,
}

impl LatticeLookup {
    /// The lattice most grids of the layer are whole squares of, if there is one. The lattice is
    /// anchored at multiples of the cell size, as [`fishnet`](crate::grid::fishnet::fishnet)
    /// anchors it.
    fn detect(grids: &[UnitGrid]) -> Option<Self> {
        let mut cell_size = None;
        let mut cells = HashMap::new();
        for (i, grid) in grids.iter().enumerate() {
            let Some((size, col, row)) = lattice_square(grid, cell_size) else {
                continue;
            };
            cell_size = Some(size);
            cells.insert((col, row), u32::try_from(i).ok()?);
        }
        let cell_size = cell_size?;
        (cells.len() * 2 >= grids.len()).then_some(Self { cell_size, cells })
    }

    /// The grid whose whole square strictly contains `p`, if `p` is clear of the lattice lines.
    fn locate(&self, p: Coord) -> Option<u32> {
        let (fx, fy) = (p.x / self.cell_size, p.y / self.cell_size);
        let (col, row) = (fx.floor(), fy.floor());
        let inside = |f: f64| (LATTICE_EDGE_MARGIN..=1.0 - LATTICE_EDGE_MARGIN).contains(&f);
        if !(inside(fx - col) && inside(fy - row)) {
            return None;
        }
        self.cells.get(&(col as i64, row as i64)).copied()
    }
}

/// (cell size, column, row) when the grid is one whole axis-aligned square on a lattice anchored
/// at multiples of its size (and of `size`, once a size is known).
fn lattice_square(grid: &UnitGrid, size: Option<f64>) -> Option<(f64, i64, i64)> {
    let [polygon] = grid.geometry.0.as_slice() else {
        return None;
    };
    if !polygon.interiors().is_empty() || polygon.exterior().0.len() != 5 {
        return None;
    }
    let rect = polygon.bounding_rect()?;
    let (w, h) = (rect.width(), rect.height());
    let side = size.unwrap_or(w);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * side.abs().max(1.0);
    if !(side > 0.0 && close(w, side) && close(h, side)) {
        return None;
    }
    // All four corners are corners of the rectangle: an axis-aligned square.
    let corners = polygon.exterior().0[..4].iter().all(|c| {
        (close(c.x, rect.min().x) || close(c.x, rect.max().x))
            && (close(c.y, rect.min().y) || close(c.y, rect.max().y))
    });
    let (col, row) = ((rect.min().x / side).round(), (rect.min().y / side).round());
    let anchored = close(col * side, rect.min().x) && close(row * side, rect.min().y);
    (corners && anchored).then_some((side, col as i64, row as i64))
}

impl GridIndex {
    /// Indexes a layer (bulk-loaded R-tree; the lattice fast path when it applies).
    pub fn new(layer: GridLayer) -> Self {
        let envelopes = layer
            .grids()
            .iter()
            .enumerate()
            .filter_map(|(i, grid)| {
                let rect = grid.geometry.bounding_rect()?;
                let i = u32::try_from(i).ok()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners(
                        [rect.min().x, rect.min().y],
                        [rect.max().x, rect.max().y],
                    ),
                    i,
                ))
            })
            .collect();
        let lattice = LatticeLookup::detect(layer.grids());
        Self {
            tree: RTree::bulk_load(envelopes),
            layer,
            lattice,
        }
    }

    /// The indexed layer.
    pub fn layer(&self) -> &GridLayer {
        &self.layer
    }

    /// Whether the lattice fast path is in use.
    pub fn has_lattice_fast_path(&self) -> bool {
        self.lattice.is_some()
    }

    /// The grid (its position in the layer) that `p` belongs to, by the rule in the type's
    /// documentation; `None` outside every grid. `p` is in the layer's CRS.
    pub fn locate(&self, p: Coord) -> Option<u32> {
        if let Some(found) = self.lattice.as_ref().and_then(|l| l.locate(p)) {
            return Some(found);
        }
        self.locate_exact(p)
    }

    /// The R-tree path of [`GridIndex::locate`].
    fn locate_exact(&self, p: Coord) -> Option<u32> {
        let grids = self.layer.grids();
        let mut on_boundary: Option<u32> = None;
        for candidate in self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([p.x, p.y]))
        {
            let i = candidate.data;
            match grids[i as usize].geometry.coordinate_position(&p) {
                CoordPos::Inside => return Some(i),
                CoordPos::OnBoundary => {
                    let better =
                        on_boundary.is_none_or(|b| grids[i as usize].code < grids[b as usize].code);
                    if better {
                        on_boundary = Some(i);
                    }
                }
                CoordPos::Outside => {}
            }
        }
        on_boundary
    }

    /// The grid `p` belongs to, as a code.
    pub fn locate_code(&self, p: Coord) -> Option<&crate::GridCode> {
        self.locate(p).map(|i| &self.layer.grids()[i as usize].code)
    }

    /// Like [`GridIndex::locate`], but a point outside every grid gets the nearest grid whose
    /// polygon lies within `tolerance_m` of it (ties go to the smaller code). Returns the grid
    /// and the distance (0 for a point inside).
    pub fn locate_within(&self, p: Coord, tolerance_m: f64) -> Option<(u32, f64)> {
        if let Some(i) = self.locate(p) {
            return Some((i, 0.0));
        }
        let grids = self.layer.grids();
        let point = Point(p);
        let mut best: Option<(f64, u32)> = None;
        for (candidate, envelope_d2) in self.tree.nearest_neighbor_iter_with_distance_2(&[p.x, p.y])
        {
            let envelope_d = envelope_d2.sqrt();
            // Envelope distances only grow and never exceed the true distance, so nothing further
            // can beat or tie the best. The slack covers rounding: an envelope distance equal to
            // a polygon's true distance may come out a unit in the last place larger.
            let slack = 1e-9 * envelope_d.max(1.0);
            if envelope_d > tolerance_m + slack || best.is_some_and(|(d, _)| envelope_d > d + slack)
            {
                break;
            }
            let i = candidate.data;
            let d = Euclidean.distance(&point, &grids[i as usize].geometry);
            let better = match best {
                None => true,
                Some((bd, bi)) => {
                    d < bd || (d == bd && grids[i as usize].code < grids[bi as usize].code)
                }
            };
            if d <= tolerance_m && better {
                best = Some((d, i));
            }
        }
        best.map(|(d, i)| (i, d))
    }

    /// [`GridIndex::locate`] for many points, in parallel; the result is in input order.
    pub fn assign(&self, points: &[Coord]) -> Vec<Option<u32>> {
        points.par_iter().map(|&p| self.locate(p)).collect()
    }

    /// [`GridIndex::locate_within`] for many points, in parallel; the result is in input order.
    pub fn assign_within(&self, points: &[Coord], tolerance_m: f64) -> Vec<Option<(u32, f64)>> {
        points
            .par_iter()
            .map(|&p| self.locate_within(p, tolerance_m))
            .collect()
    }
}
