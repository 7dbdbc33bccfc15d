//! [`ComponentIndex`]: nearest components, components within a radius or a polygon, counts per
//! grid and class.

use std::collections::{BTreeMap, HashMap};

use geo::{BoundingRect, Coord, Distance, Euclidean, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::grid_index::GridIndex;
use crate::codes::{ComponentClassCode, GridCode};
use crate::component::{Component, ComponentLayer};

type Envelope = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// A component found by a query, with its distance from the query point (metres; 0 for a point
/// on or inside the component).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// Position of the component in the layer.
    pub index: u32,
    /// Distance from the query point to the component's geometry.
    pub distance_m: f64,
}

/// Spatial queries over a [`ComponentLayer`]: one R-tree of geometry envelopes for all
/// components and one per class, then exact distances and intersections.
///
/// Results are sorted by distance, ties by component code, so they are the same for any layer
/// order.
#[derive(Debug)]
pub struct ComponentIndex {
    layer: ComponentLayer,
    all: RTree<Envelope>,
    by_class: HashMap<ComponentClassCode, RTree<Envelope>>,
}

fn envelope(component: &Component, index: u32) -> Option<Envelope> {
    let rect = component.geometry.bounding_rect()?;
    Some(GeomWithData::new(
        Rectangle::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]),
        index,
    ))
}

impl ComponentIndex {
    /// Indexes a layer.
    pub fn new(layer: ComponentLayer) -> Self {
        let mut all = Vec::new();
        let mut by_class: HashMap<ComponentClassCode, Vec<Envelope>> = HashMap::new();
        for (i, component) in layer.components().iter().enumerate() {
            let Some(item) = u32::try_from(i).ok().and_then(|i| envelope(component, i)) else {
                continue;
            };
            by_class
                .entry(component.class_code().clone())
                .or_default()
                .push(item);
            all.push(item);
        }
        Self {
            layer,
            all: RTree::bulk_load(all),
            by_class: by_class
                .into_iter()
                .map(|(k, v)| (k, RTree::bulk_load(v)))
                .collect(),
        }
    }

    /// The indexed layer.
    pub fn layer(&self) -> &ComponentLayer {
        &self.layer
    }

    fn tree(&self, class: Option<&ComponentClassCode>) -> Option<&RTree<Envelope>> {
        match class {
            None => Some(&self.all),
            Some(class) => self.by_class.get(class),
        }
    }

    fn distance(&self, index: u32, p: Coord) -> f64 {
        Euclidean.distance(&Point(p), &self.layer.components()[index as usize].geometry)
    }

    fn by_distance_then_code(&self, a: &Hit, b: &Hit) -> std::cmp::Ordering {
        let code = |h: &Hit| &self.layer.components()[h.index as usize].code;
        a.distance_m
            .total_cmp(&b.distance_m)
            .then_with(|| code(a).cmp(code(b)))
    }

    /// The `k` components nearest to `p` (of one class, or of any), nearest first.
    pub fn nearest(&self, p: Coord, class: Option<&ComponentClassCode>, k: usize) -> Vec<Hit> {
        let Some(tree) = self.tree(class) else {
            return Vec::new();
        };
        if k == 0 {
            return Vec::new();
        }
        let mut best: Vec<Hit> = Vec::with_capacity(k + 1);
        for (item, envelope_d2) in tree.nearest_neighbor_iter_with_distance_2(&[p.x, p.y]) {
            let envelope_d = envelope_d2.sqrt();
            // Envelope distances only grow and never exceed the true distance: once one exceeds
            // the k-th best (with slack for rounding, so ties are seen), nothing further can enter.
            if best.len() == k
                && best
                    .last()
                    .is_some_and(|h| envelope_d > h.distance_m + 1e-9 * envelope_d.max(1.0))
            {
                break;
            }
            let hit = Hit {
                index: item.data,
                distance_m: self.distance(item.data, p),
            };
            let at = best.partition_point(|h| self.by_distance_then_code(h, &hit).is_lt());
            best.insert(at, hit);
            best.truncate(k);
        }
        best
    }

    /// The components within `radius_m` of `p` (of one class, or of any), nearest first.
    pub fn within_radius(
        &self,
        p: Coord,
        radius_m: f64,
        class: Option<&ComponentClassCode>,
    ) -> Vec<Hit> {
        let Some(tree) = self.tree(class) else {
            return Vec::new();
        };
        let search = AABB::from_corners(
            [p.x - radius_m, p.y - radius_m],
            [p.x + radius_m, p.y + radius_m],
        );
        let mut hits: Vec<Hit> = tree
            .locate_in_envelope_intersecting(&search)
            .map(|item| Hit {
                index: item.data,
                distance_m: self.distance(item.data, p),
            })
            .filter(|h| h.distance_m <= radius_m)
            .collect();
        hits.sort_by(|a, b| self.by_distance_then_code(a, b));
        hits
    }

    /// The components whose geometry meets `area` (inside it or touching it), by code.
    pub fn within_polygon(
        &self,
        area: &MultiPolygon<f64>,
        class: Option<&ComponentClassCode>,
    ) -> Vec<u32> {
        let (Some(tree), Some(rect)) = (self.tree(class), area.bounding_rect()) else {
            return Vec::new();
        };
        let search = AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let components = self.layer.components();
        let mut found: Vec<u32> = tree
            .locate_in_envelope_intersecting(&search)
            .map(|item| item.data)
            .filter(|&i| components[i as usize].geometry.intersects(area))
            .collect();
        found.sort_by(|&a, &b| {
            components[a as usize]
                .code
                .cmp(&components[b as usize].code)
        });
        found
    }

    /// The components in one grid (by their representative points, so each component counts in
    /// exactly one grid), by code.
    pub fn within_grid(
        &self,
        grids: &GridIndex,
        grid: u32,
        class: Option<&ComponentClassCode>,
    ) -> Vec<u32> {
        let Some(unit) = grids.layer().grids().get(grid as usize) else {
            return Vec::new();
        };
        self.within_polygon(&unit.geometry, class)
            .into_iter()
            .filter(|&i| {
                self.layer.components()[i as usize]
                    .representative_point()
                    .and_then(|p| grids.locate(p.0))
                    == Some(grid)
            })
            .collect()
    }

    /// Components per (grid, class), each component counted once in the grid its
    /// representative point belongs to (the [`GridIndex`] rule). Components outside every grid
    /// are counted under `None`.
    pub fn counts_per_grid(
        &self,
        grids: &GridIndex,
    ) -> BTreeMap<(Option<GridCode>, ComponentClassCode), usize> {
        let points: Vec<Coord> = self
            .layer
            .components()
            .iter()
            .map(|c| {
                c.representative_point().map_or(
                    Coord {
                        x: f64::NAN,
                        y: f64::NAN,
                    },
                    |p| p.0,
                )
            })
            .collect();
        let located = grids.assign(&points);
        let mut counts = BTreeMap::new();
        for (component, grid) in self.layer.components().iter().zip(located) {
            let code = grid.map(|g| grids.layer().grids()[g as usize].code.clone());
            *counts
                .entry((code, component.class_code().clone()))
                .or_insert(0) += 1;
        }
        counts
    }
}
