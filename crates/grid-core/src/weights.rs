//! Sparse spatial weights: who neighbours whom, and how much.
//!
//! Contiguity on any polygons (queen: a shared vertex; rook: a shared edge, both by exact
//! coordinates as libpysal does), with a fast path for layers of equal axis-aligned squares;
//! k nearest neighbours; a fixed distance band (by default the smallest distance that gives every
//! feature a neighbour); and H3 k-rings. Weights are stored row by row (CSR) and never include a
//! feature itself; statistics that need a self weight (Gi*) add it.
//!
//! ```
//! use geo::{MultiPolygon, Rect, coord};
//! use grid_core::weights::{Contiguity, SpatialWeights};
//!
//! // A 3 × 3 block of 100 m squares: the centre has 8 queen and 4 rook neighbours.
//! let cells: Vec<MultiPolygon<f64>> = (0..9)
//!     .map(|k| {
//!         let (x, y) = (f64::from(k % 3) * 100.0, f64::from(k / 3) * 100.0);
//!         Rect::new(coord! { x: x, y: y }, coord! { x: x + 100.0, y: y + 100.0 }).to_polygon().into()
//!     })
//!     .collect();
//! let queen = SpatialWeights::contiguity(&cells, Contiguity::Queen);
//! let rook = SpatialWeights::contiguity(&cells, Contiguity::Rook);
//! assert_eq!((queen.neighbours(4).len(), rook.neighbours(4).len()), (8, 4));
//! assert!(queen.islands().is_empty());
//! ```

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use geo::{BoundingRect, Coord, MultiPolygon};
use rstar::primitives::GeomWithData;
use rstar::{RTree, RTreeObject};

use crate::error::{Error, Result};

/// Which polygons touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contiguity {
    /// A shared vertex (corners count).
    Queen,
    /// A shared edge.
    Rook,
}

/// How to build weights, as users write it: `queen`, `rook`, `knn:K`, `distance:M` (metres; `distance`
/// alone for the smallest band that gives every feature a neighbour), `h3:K` (k-ring of H3 cells).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WeightsSpec {
    /// Queen contiguity.
    Queen,
    /// Rook contiguity.
    Rook,
    /// The k nearest neighbours.
    Knn(usize),
    /// Everything within a distance (metres); `None` for the smallest distance that gives every
    /// feature a neighbour.
    Distance(Option<f64>),
    /// H3 cells within k steps.
    H3(u32),
}

impl FromStr for WeightsSpec {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::invalid_value(
                "weights",
                s.to_owned(),
                format!("{why}; expected queen, rook, knn:K, distance, distance:M or h3:K"),
            )
        };
        let text = s.trim().to_lowercase();
        let (kind, arg) = match text.split_once(':') {
            Some((k, a)) => (k, Some(a)),
            None => (text.as_str(), None),
        };
        match (kind, arg) {
            ("queen", None) => Ok(Self::Queen),
            ("rook", None) => Ok(Self::Rook),
            ("knn", Some(k)) => match k.parse::<usize>() {
                Ok(k) if k > 0 => Ok(Self::Knn(k)),
                _ => Err(bad("k must be a whole number above 0")),
            },
            ("distance", None) => Ok(Self::Distance(None)),
            ("distance", Some(m)) => match m.parse::<f64>() {
                Ok(m) if m.is_finite() && m > 0.0 => Ok(Self::Distance(Some(m))),
                _ => Err(bad("the band must be a positive number of metres")),
            },
            ("h3", Some(k)) => match k.parse::<u32>() {
                Ok(k) if k > 0 => Ok(Self::H3(k)),
                _ => Err(bad("k must be a whole number above 0")),
            },
            _ => Err(bad("unknown weights")),
        }
    }
}

impl fmt::Display for WeightsSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Queen => f.write_str("queen"),
            Self::Rook => f.write_str("rook"),
            Self::Knn(k) => write!(f, "knn:{k}"),
            Self::Distance(None) => f.write_str("distance"),
            Self::Distance(Some(m)) => write!(f, "distance:{m}"),
            Self::H3(k) => write!(f, "h3:{k}"),
        }
    }
}

/// Sparse weights in compressed rows: the neighbours of feature `i` are
/// `neighbours[offsets[i]..offsets[i + 1]]`, in increasing order, with their weights.
#[derive(Clone, Debug, PartialEq)]
pub struct SpatialWeights {
    offsets: Vec<usize>,
    neighbours: Vec<u32>,
    weights: Vec<f64>,
    /// What the band was, for distance bands.
    threshold: Option<f64>,
}

impl SpatialWeights {
    /// Binary weights from neighbour lists (any order, duplicates and self-pairs dropped).
    pub fn from_lists(lists: Vec<Vec<u32>>) -> Self {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut neighbours = Vec::new();
        offsets.push(0);
        for (i, list) in lists.into_iter().enumerate() {
            let set: BTreeSet<u32> = list.into_iter().filter(|&j| j as usize != i).collect();
            neighbours.extend(set);
            offsets.push(neighbours.len());
        }
        let weights = vec![1.0; neighbours.len()];
        Self {
            offsets,
            neighbours,
            weights,
            threshold: None,
        }
    }

    /// Contiguity weights of polygons (binary). Exact shared coordinates, as libpysal; for
    /// layers of equal axis-aligned squares the neighbours come from lattice positions instead
    /// (same answer, less work).
    pub fn contiguity(polygons: &[MultiPolygon<f64>], rule: Contiguity) -> Self {
        if let Some(w) = lattice_contiguity(polygons, rule) {
            return w;
        }
        let key = |c: &Coord| {
            // -0.0 and 0.0 are the same vertex.
            ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())
        };
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); polygons.len()];
        match rule {
            Contiguity::Queen => {
                let mut at: HashMap<VertexKey, Vec<u32>> = HashMap::new();
                for (i, shape) in polygons.iter().enumerate() {
                    let mut own = BTreeSet::new();
                    for polygon in shape {
                        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                            own.extend(ring.0.iter().map(key));
                        }
                    }
                    for k in own {
                        at.entry(k).or_default().push(i as u32);
                    }
                }
                link_groups(at.into_values(), &mut lists);
            }
            Contiguity::Rook => {
                let mut at: HashMap<(VertexKey, VertexKey), Vec<u32>> = HashMap::new();
                for (i, shape) in polygons.iter().enumerate() {
                    let mut own = BTreeSet::new();
                    for polygon in shape {
                        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                            for pair in ring.0.windows(2) {
                                let (a, b) = (key(&pair[0]), key(&pair[1]));
                                if a != b {
                                    own.insert((a.min(b), a.max(b)));
                                }
                            }
                        }
                    }
                    for k in own {
                        at.entry(k).or_default().push(i as u32);
                    }
                }
                link_groups(at.into_values(), &mut lists);
            }
        }
        Self::from_lists(lists)
    }

    /// Contiguity with a tolerance, as GIS packages apply their XY tolerance: queen neighbours
    /// have boundaries within `tolerance` of each other somewhere; rook neighbours have a run of
    /// boundary longer than `tolerance` along which the two lie within `tolerance` (a shared edge
    /// even where vertices differ slightly or one side has extra vertices). `tolerance` ≤ 0 is
    /// [`SpatialWeights::contiguity`]'s exact rule.
    pub fn contiguity_within(
        polygons: &[MultiPolygon<f64>],
        rule: Contiguity,
        tolerance: f64,
    ) -> Self {
        if tolerance.is_nan() || tolerance <= 0.0 {
            return Self::contiguity(polygons, rule);
        }
        if let Some(w) = lattice_contiguity(polygons, rule) {
            return w;
        }
        let segments: Vec<Vec<(Coord, Coord)>> = polygons
            .iter()
            .map(|shape| {
                shape
                    .iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .flat_map(|ring| ring.0.windows(2).map(|w| (w[0], w[1])))
                    .filter(|(a, b)| a != b)
                    .collect()
            })
            .collect();
        let boxes: Vec<
            rstar::primitives::GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, u32>,
        > = polygons
            .iter()
            .enumerate()
            .filter_map(|(i, shape)| {
                let r = shape.bounding_rect()?;
                Some(rstar::primitives::GeomWithData::new(
                    rstar::primitives::Rectangle::from_corners(
                        [r.min().x - tolerance, r.min().y - tolerance],
                        [r.max().x + tolerance, r.max().y + tolerance],
                    ),
                    i as u32,
                ))
            })
            .collect();
        let tree = RTree::bulk_load(boxes.clone());
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); polygons.len()];
        for b in &boxes {
            let i = b.data as usize;
            for other in tree.locate_in_envelope_intersecting(&b.geom().envelope()) {
                let j = other.data as usize;
                if j <= i {
                    continue;
                }
                let touch = match rule {
                    Contiguity::Queen => segments[i].iter().any(|a| {
                        segments[j]
                            .iter()
                            .any(|b| segment_distance(*a, *b) <= tolerance)
                    }),
                    Contiguity::Rook => segments[i].iter().any(|a| {
                        segments[j]
                            .iter()
                            .any(|b| collinear_overlap(*a, *b, tolerance) > tolerance)
                    }),
                };
                if touch {
                    lists[i].push(j as u32);
                    lists[j].push(i as u32);
                }
            }
        }
        Self::from_lists(lists)
    }

    /// The `k` nearest other points of each point (binary, not symmetric). Ties at the k-th
    /// distance go to the lower index.
    pub fn knn(points: &[Coord], k: usize) -> Self {
        let tree = point_tree(points);
        let lists = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut found: Vec<(f64, u32)> = Vec::with_capacity(k + 4);
                for hit in tree.nearest_neighbor_iter_with_distance_2(&[p.x, p.y]) {
                    let (point, d2) = hit;
                    if point.data as usize == i {
                        continue;
                    }
                    // Keep going past k while the distance ties the k-th.
                    if found.len() >= k && d2 > found[k - 1].0 {
                        break;
                    }
                    found.push((d2, point.data));
                }
                found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                found.truncate(k);
                found.into_iter().map(|(_, j)| j).collect()
            })
            .collect();
        Self::from_lists(lists)
    }

    /// Every other point within `threshold` (inclusive, comparing squared distances as scipy
    /// and libpysal do), binary. `None` uses [`SpatialWeights::min_threshold`] and compares with
    /// the largest squared nearest-neighbour distance itself, so that no point is left alone by
    /// rounding (libpysal's `min_threshold_distance` can leave one out: √d² squared may fall
    /// below d²).
    pub fn distance_band(points: &[Coord], threshold: Option<f64>) -> Self {
        let (threshold, squared) = match threshold {
            Some(t) => (t, t * t),
            None => {
                let d2 = max_nearest_d2(points);
                (d2.sqrt(), d2)
            }
        };
        let tree = point_tree(points);
        let lists = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                tree.locate_within_distance([p.x, p.y], squared)
                    .map(|hit| hit.data)
                    .filter(|&j| j as usize != i)
                    .collect()
            })
            .collect();
        let mut w = Self::from_lists(lists);
        w.threshold = Some(threshold);
        w
    }

    /// The smallest distance at which every point has a neighbour: the largest
    /// nearest-neighbour distance (0 for fewer than two points).
    pub fn min_threshold(points: &[Coord]) -> f64 {
        max_nearest_d2(points).sqrt()
    }

    /// H3 cells within `k` grid steps of each cell, among the given cells (binary). Cells that
    /// are not valid H3 indexes are errors naming the position.
    pub fn h3_ring(cells: &[u64], k: u32) -> Result<Self> {
        let mut position: HashMap<u64, u32> = HashMap::with_capacity(cells.len());
        let mut parsed = Vec::with_capacity(cells.len());
        for (i, raw) in cells.iter().enumerate() {
            let cell = h3o::CellIndex::try_from(*raw).map_err(|e| {
                Error::invalid_value(
                    "H3 cell",
                    format!("{raw:x} (feature {})", i + 1),
                    e.to_string(),
                )
            })?;
            position.insert(*raw, i as u32);
            parsed.push(cell);
        }
        let lists = parsed
            .iter()
            .map(|cell| {
                cell.grid_disk::<Vec<_>>(k)
                    .into_iter()
                    .filter_map(|c| position.get(&u64::from(c)).copied())
                    .collect()
            })
            .collect();
        Ok(Self::from_lists(lists))
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no features.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The neighbours of feature `i`, in increasing order.
    pub fn neighbours(&self, i: usize) -> &[u32] {
        &self.neighbours[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The weights of feature `i`'s neighbours, in the order of [`SpatialWeights::neighbours`].
    pub fn weights(&self, i: usize) -> &[f64] {
        &self.weights[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Features without neighbours.
    pub fn islands(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.neighbours(i).is_empty())
            .collect()
    }

    /// The distance band, for weights built by [`SpatialWeights::distance_band`].
    pub fn threshold(&self) -> Option<f64> {
        self.threshold
    }

    /// The most neighbours any feature has.
    pub fn max_neighbours(&self) -> usize {
        (0..self.len())
            .map(|i| self.neighbours(i).len())
            .max()
            .unwrap_or(0)
    }

    /// Mean number of neighbours.
    pub fn mean_neighbours(&self) -> f64 {
        self.neighbours.len() as f64 / self.len().max(1) as f64
    }

    /// The same neighbours with each row's weights summing to 1 (islands stay empty).
    pub fn row_standardised(&self) -> Self {
        let mut w = self.clone();
        for i in 0..self.len() {
            let range = self.offsets[i]..self.offsets[i + 1];
            let sum: f64 = self.weights[range.clone()].iter().sum();
            if sum > 0.0 {
                for v in &mut w.weights[range] {
                    *v /= sum;
                }
            }
        }
        w
    }

    /// Warnings a user should see about these weights: islands, and bands so wide that some
    /// feature has hundreds of neighbours or everything neighbours everything.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let islands = self.islands();
        if !islands.is_empty() {
            let shown: Vec<String> = islands
                .iter()
                .take(10)
                .map(|i| (i + 1).to_string())
                .collect();
            out.push(format!(
                "{} features have no neighbours (features {}{}): no local statistic for them (space-time ones use their own past only)",
                islands.len(),
                shown.join(", "),
                if islands.len() > 10 { ", …" } else { "" }
            ));
        }
        let n = self.len();
        let max = self.max_neighbours();
        if n > 2 && max + 1 >= n {
            out.push(format!(
                "a feature neighbours all {} others: the weights cannot tell places apart; use a smaller band or k",
                n - 1
            ));
        } else if max >= 200 {
            out.push(format!(
                "a feature has {max} neighbours (mean {:.1}): local statistics will be smoothed over a wide area",
                self.mean_neighbours()
            ));
        }
        out
    }
}

fn point_segment_distance(p: Coord, (a, b): (Coord, Coord)) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((a.x + t * dx - p.x).powi(2) + (a.y + t * dy - p.y).powi(2)).sqrt()
}

fn cross(o: Coord, a: Coord, b: Coord) -> f64 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

/// Distance between two segments (0 when they cross).
fn segment_distance(s: (Coord, Coord), t: (Coord, Coord)) -> f64 {
    let (d1, d2) = (cross(t.0, t.1, s.0), cross(t.0, t.1, s.1));
    let (d3, d4) = (cross(s.0, s.1, t.0), cross(s.0, s.1, t.1));
    if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
        return 0.0;
    }
    point_segment_distance(s.0, t)
        .min(point_segment_distance(s.1, t))
        .min(point_segment_distance(t.0, s))
        .min(point_segment_distance(t.1, s))
}

/// Length along `s` over which `t` runs within `tolerance` of it (0 unless `t` is nearly
/// collinear with `s`).
fn collinear_overlap(s: (Coord, Coord), t: (Coord, Coord), tolerance: f64) -> f64 {
    let (dx, dy) = (s.1.x - s.0.x, s.1.y - s.0.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return 0.0;
    }
    let (ux, uy) = (dx / len, dy / len);
    let along = |p: Coord| (p.x - s.0.x) * ux + (p.y - s.0.y) * uy;
    let off = |p: Coord| ((p.x - s.0.x) * uy - (p.y - s.0.y) * ux).abs();
    // Clip t to the stretch alongside s, then both clipped ends must lie within tolerance.
    let (mut t0, mut t1) = (along(t.0), along(t.1));
    let (mut p0, mut p1) = (t.0, t.1);
    if t0 > t1 {
        std::mem::swap(&mut t0, &mut t1);
        std::mem::swap(&mut p0, &mut p1);
    }
    let (lo, hi) = (t0.max(0.0), t1.min(len));
    if hi <= lo {
        return 0.0;
    }
    let at = |u: f64| {
        let f = if t1 > t0 { (u - t0) / (t1 - t0) } else { 0.0 };
        Coord {
            x: p0.x + f * (p1.x - p0.x),
            y: p0.y + f * (p1.y - p0.y),
        }
    };
    if off(at(lo)) <= tolerance && off(at(hi)) <= tolerance {
        hi - lo
    } else {
        0.0
    }
}

/// The largest squared distance from a point to its nearest other point.
fn max_nearest_d2(points: &[Coord]) -> f64 {
    if points.len() < 2 {
        return 0.0;
    }
    let tree = point_tree(points);
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            tree.nearest_neighbor_iter_with_distance_2(&[p.x, p.y])
                .find(|(hit, _)| hit.data as usize != i)
                .map_or(0.0, |(_, d2)| d2)
        })
        .fold(0.0, f64::max)
}

/// A vertex by the bits of its coordinates.
type VertexKey = (u64, u64);

/// Links every pair of features within each group.
fn link_groups(groups: impl Iterator<Item = Vec<u32>>, lists: &mut [Vec<u32>]) {
    for group in groups {
        if group.len() < 2 {
            continue;
        }
        for &a in &group {
            for &b in &group {
                if a != b {
                    lists[a as usize].push(b);
                }
            }
        }
    }
}

fn point_tree(points: &[Coord]) -> RTree<GeomWithData<[f64; 2], u32>> {
    RTree::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new([p.x, p.y], i as u32))
            .collect(),
    )
}

/// Contiguity by lattice position when every polygon is one axis-aligned square of the same
/// size on a common lattice; `None` otherwise.
fn lattice_contiguity(polygons: &[MultiPolygon<f64>], rule: Contiguity) -> Option<SpatialWeights> {
    let first = polygons.first()?.bounding_rect()?;
    let size = first.width();
    if size.is_nan() || size <= 0.0 {
        return None;
    }
    let (x0, y0) = (first.min().x, first.min().y);
    let mut cells: HashMap<(i64, i64), u32> = HashMap::with_capacity(polygons.len());
    for (i, shape) in polygons.iter().enumerate() {
        let [polygon] = shape.0.as_slice() else {
            return None;
        };
        if !polygon.interiors().is_empty() {
            return None;
        }
        let r = shape.bounding_rect()?;
        // An axis-aligned square of the common size: every vertex is one of its corners.
        let ring = &polygon.exterior().0;
        let on_corner = |c: &Coord| {
            (c.x == r.min().x || c.x == r.max().x) && (c.y == r.min().y || c.y == r.max().y)
        };
        if r.width() != size || r.height() != size || !ring.iter().all(on_corner) {
            return None;
        }
        let col = ((r.min().x - x0) / size).round();
        let row = ((r.min().y - y0) / size).round();
        if cells.insert((col as i64, row as i64), i as u32).is_some() {
            return None;
        }
    }
    // Squares whose corners are not bit-identical to their neighbours' would not touch by the
    // exact rule: any such pair sends the layer down the general path.
    let corner = |shape: &MultiPolygon<f64>| shape.bounding_rect().map(|r| (r.min(), r.max()));
    let steps: &[(i64, i64)] = match rule {
        Contiguity::Queen => &[
            (-1, -1),
            (0, -1),
            (1, -1),
            (-1, 0),
            (1, 0),
            (-1, 1),
            (0, 1),
            (1, 1),
        ],
        Contiguity::Rook => &[(0, -1), (-1, 0), (1, 0), (0, 1)],
    };
    let mut lists = vec![Vec::new(); polygons.len()];
    for (&(c, r), &i) in &cells {
        let (lo, hi) = corner(&polygons[i as usize])?;
        for (dc, dr) in steps {
            if let Some(&j) = cells.get(&(c + dc, r + dr)) {
                let (jlo, jhi) = corner(&polygons[j as usize])?;
                let touch_x = match dc {
                    -1 => jhi.x == lo.x,
                    1 => jlo.x == hi.x,
                    _ => jlo.x == lo.x && jhi.x == hi.x,
                };
                let touch_y = match dr {
                    -1 => jhi.y == lo.y,
                    1 => jlo.y == hi.y,
                    _ => jlo.y == lo.y && jhi.y == hi.y,
                };
                if !(touch_x && touch_y) {
                    return None;
                }
                lists[i as usize].push(j);
            }
        }
    }
    Some(SpatialWeights::from_lists(lists))
}

#[cfg(test)]
mod tests {
    use geo::{Rect, coord};

    use super::*;

    fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        Rect::new(coord! { x: x, y: y }, coord! { x: x + s, y: y + s })
            .to_polygon()
            .into()
    }

    #[test]
    fn lattice_fast_path_agrees_with_vertex_matching() {
        // A 5 × 4 block with two cells missing.
        let cells: Vec<MultiPolygon<f64>> = (0..20)
            .filter(|k| *k != 7 && *k != 13)
            .map(|k| {
                square(
                    f64::from(k % 5) * 100.0 + 400_000.0,
                    f64::from(k / 5) * 100.0,
                    100.0,
                )
            })
            .collect();
        for rule in [Contiguity::Queen, Contiguity::Rook] {
            let fast = lattice_contiguity(&cells, rule).unwrap();
            // A hole in one square forces the general path.
            let mut general_input = cells.clone();
            general_input.push(square(0.0, 10_000.0, 30.0));
            let general = SpatialWeights::contiguity(&general_input, rule);
            for i in 0..cells.len() {
                assert_eq!(fast.neighbours(i), general.neighbours(i), "{rule:?} {i}");
            }
        }
    }

    #[test]
    fn rook_needs_an_edge_queen_a_corner() {
        // Two squares touching at one corner.
        let cells = vec![
            square(0.0, 0.0, 1.0),
            square(1.0, 1.0, 1.0),
            square(5.0, 5.0, 0.5),
        ];
        let queen = SpatialWeights::contiguity(&cells, Contiguity::Queen);
        let rook = SpatialWeights::contiguity(&cells, Contiguity::Rook);
        assert_eq!(queen.neighbours(0), [1]);
        assert!(rook.neighbours(0).is_empty());
        assert_eq!(queen.islands(), [2]);
        assert!(queen.warnings()[0].contains("1 features have no neighbours (features 3)"));
    }

    #[test]
    fn tolerance_joins_near_misses_and_t_junctions() {
        // B sits 0.5 mm to the right of A's right edge; C is under A and B, its top edge one
        // segment where A and B have two (a T-junction at x = 1).
        let a = square(0.0, 1.0, 1.0);
        let b = square(1.0005, 1.0, 1.0);
        let c: MultiPolygon<f64> =
            Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 2.0005, y: 1.0 })
                .to_polygon()
                .into();
        let cells = vec![a, b, c];
        let exact = SpatialWeights::contiguity(&cells, Contiguity::Rook);
        assert!(exact.neighbours(0).is_empty() && exact.neighbours(2).is_empty());
        let rook = SpatialWeights::contiguity_within(&cells, Contiguity::Rook, 0.001);
        assert_eq!(rook.neighbours(0), [1, 2]);
        assert_eq!(rook.neighbours(2), [0, 1]);
        // 0.5 mm is beyond a 0.1 mm tolerance.
        let tight = SpatialWeights::contiguity_within(&cells, Contiguity::Queen, 0.0001);
        assert_eq!(tight.neighbours(0), [2]);
        // Corner contact is queen, not rook.
        let corner = vec![square(0.0, 0.0, 1.0), square(1.0002, 1.0002, 1.0)];
        let q = SpatialWeights::contiguity_within(&corner, Contiguity::Queen, 0.001);
        let r = SpatialWeights::contiguity_within(&corner, Contiguity::Rook, 0.001);
        assert_eq!((q.neighbours(0), r.neighbours(0)), (&[1u32][..], &[][..]));
    }

    #[test]
    fn knn_band_and_threshold() {
        let points: Vec<Coord> = [(0.0, 0.0), (1.0, 0.0), (3.0, 0.0), (3.0, 4.0)]
            .iter()
            .map(|&(x, y)| Coord { x, y })
            .collect();
        let knn = SpatialWeights::knn(&points, 2);
        assert_eq!(knn.neighbours(0), [1, 2]);
        assert_eq!(knn.neighbours(3), [1, 2]);
        // Point 3's nearest neighbour is 4 away: the smallest band that leaves no island.
        assert_eq!(SpatialWeights::min_threshold(&points), 4.0);
        let band = SpatialWeights::distance_band(&points, None);
        assert_eq!(band.neighbours(3), [2]);
        assert_eq!(band.neighbours(0), [1, 2]);
        assert_eq!(band.threshold(), Some(4.0));
        let row = band.row_standardised();
        assert_eq!(row.weights(0), [0.5, 0.5]);
    }

    #[test]
    fn specs_parse_and_print() {
        for text in ["queen", "rook", "knn:8", "distance", "distance:250", "h3:1"] {
            let spec: WeightsSpec = text.parse().unwrap();
            assert_eq!(spec.to_string(), text);
        }
        for bad in ["knn", "knn:0", "distance:-1", "hex", "queen:2"] {
            assert!(bad.parse::<WeightsSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn h3_rings_stay_among_the_given_cells() {
        let centre = h3o::LatLng::new(35.42, 119.53)
            .unwrap()
            .to_cell(h3o::Resolution::Nine);
        let ring: Vec<u64> = centre
            .grid_disk::<Vec<_>>(1)
            .into_iter()
            .map(u64::from)
            .collect();
        assert_eq!(ring.len(), 7);
        let w = SpatialWeights::h3_ring(&ring, 1).unwrap();
        let at = ring.iter().position(|c| *c == u64::from(centre)).unwrap();
        assert_eq!(w.neighbours(at).len(), 6);
        assert!(SpatialWeights::h3_ring(&[42], 1).is_err());
    }
}
