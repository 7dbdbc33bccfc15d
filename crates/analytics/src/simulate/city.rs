//! The simulated city's structure over its unit grids: where the centres, main roads, markets,
//! schools and seafront are, and the component inventory that follows from them.
//!
//! Nothing here is read from a map: the structure is drawn from the seed over the grids' own
//! extent, so the simulator works for any grid layer. Distances are metres in the layer's
//! (projected) CRS.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use geo::{BoundingRect, Centroid, Contains, Coord, Point};
use grid_core::codes::ComponentCode;
use grid_core::component::{Component, ComponentStatus};
use grid_core::index::GridIndex;
use grid_core::{ClassCatalog, GridLayer};
use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use crate::error::Result;
use crate::rng::{Purpose, Rng, stream};

/// Spacing of the simulated arterial road lattice, metres.
pub(crate) const ROAD_SPACING_M: f64 = 900.0;
/// Standard deviation of a city centre's density bump, metres.
const CORE_SIGMA_M: f64 = 2500.0;
/// Standard deviation of a market's bump, metres.
const MARKET_SIGMA_M: f64 = 150.0;
/// Standard deviation of a school's bump, metres.
const SCHOOL_SIGMA_M: f64 = 110.0;
/// How far inland from the coast the seafront reaches, metres.
const SEAFRONT_M: f64 = 700.0;

/// One place that drives case rates (a centre, market or school).
#[derive(Clone, Debug)]
pub(crate) struct Place {
    /// `core`, `market` or `school`.
    pub kind: &'static str,
    /// Where it is.
    pub at: Coord,
}

/// Per-grid spatial drivers, each in 0..=1 (the core can sum to slightly more).
#[derive(Debug)]
pub(crate) struct CityModel {
    /// Grid centroids.
    pub centroids: Vec<Coord>,
    /// Grid bounding boxes (min, max).
    pub boxes: Vec<(Coord, Coord)>,
    /// Grid areas, m².
    pub areas: Vec<f64>,
    /// Density of the built-up core (two centres).
    pub core: Vec<f64>,
    /// 1 where an arterial road crosses the grid.
    pub road: Vec<f64>,
    /// Market bumps.
    pub market: Vec<f64>,
    /// School bumps.
    pub school: Vec<f64>,
    /// 1 near the coast (the layer's eastern edge), fading inland.
    pub seafront: Vec<f64>,
    /// The centres, markets and schools.
    pub places: Vec<Place>,
    /// Road lattice offsets (x, y).
    pub road_offset: (f64, f64),
}

fn gaussian(d2: f64, sigma: f64) -> f64 {
    (-d2 / (2.0 * sigma * sigma)).exp()
}

fn dist2(a: Coord, b: Coord) -> f64 {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2)
}

/// Draws `count` grid centroids with probability proportional to `weight`, at least `spacing`
/// apart (fewer if the city is too small).
fn draw_places(
    rng: &mut Rng,
    centroids: &[Coord],
    weight: &[f64],
    count: usize,
    spacing: f64,
) -> Vec<Coord> {
    let total: f64 = weight.iter().sum();
    let mut chosen: Vec<Coord> = Vec::new();
    if total <= 0.0 {
        return chosen;
    }
    for _ in 0..count * 50 {
        if chosen.len() == count {
            break;
        }
        let mut target = rng.random::<f64>() * total;
        let mut pick = centroids.len() - 1;
        for (i, w) in weight.iter().enumerate() {
            target -= w;
            if target <= 0.0 {
                pick = i;
                break;
            }
        }
        let at = centroids[pick];
        if chosen.iter().all(|c| dist2(*c, at) >= spacing * spacing) {
            chosen.push(at);
        }
    }
    chosen
}

impl CityModel {
    /// Lays out the city over `layer` from the seed.
    pub(crate) fn build(layer: &GridLayer, seed: u64) -> Self {
        let grids = layer.grids();
        let centroids: Vec<Coord> = grids
            .iter()
            .map(|g| {
                g.geometry
                    .centroid()
                    .map_or(Coord { x: 0.0, y: 0.0 }, Point::into)
            })
            .collect();
        let boxes: Vec<(Coord, Coord)> = grids
            .iter()
            .zip(&centroids)
            .map(|(g, c)| {
                g.geometry
                    .bounding_rect()
                    .map_or((*c, *c), |r| (r.min(), r.max()))
            })
            .collect();
        let areas: Vec<f64> = grids
            .iter()
            .map(|g| geo::Area::unsigned_area(&g.geometry))
            .collect();
        let n = grids.len().max(1) as f64;
        let mean = Coord {
            x: centroids.iter().map(|c| c.x).sum::<f64>() / n,
            y: centroids.iter().map(|c| c.y).sum::<f64>() / n,
        };
        let mut rng = stream(seed, Purpose::Places, &[]);

        // Two centres: the old town nearest the layer's mean, a newer one 3-6 km away.
        let nearest = |p: Coord| {
            centroids
                .iter()
                .copied()
                .min_by(|a, b| dist2(*a, p).total_cmp(&dist2(*b, p)))
                .unwrap_or(p)
        };
        let main = nearest(mean);
        let angle = rng.random::<f64>() * std::f64::consts::TAU;
        let radius = 3000.0 + 3000.0 * rng.random::<f64>();
        let second = nearest(Coord {
            x: main.x + radius * angle.cos(),
            y: main.y + radius * angle.sin(),
        });
        let core: Vec<f64> = centroids
            .iter()
            .map(|c| {
                gaussian(dist2(*c, main), CORE_SIGMA_M)
                    + 0.6 * gaussian(dist2(*c, second), CORE_SIGMA_M * 0.7)
            })
            .collect();

        let road_offset = (
            rng.random::<f64>() * ROAD_SPACING_M,
            rng.random::<f64>() * ROAD_SPACING_M,
        );
        let road: Vec<f64> = boxes
            .iter()
            .map(|(lo, hi)| {
                let crosses = |lo: f64, hi: f64, offset: f64| {
                    ((hi - offset) / ROAD_SPACING_M).floor()
                        >= ((lo - offset) / ROAD_SPACING_M).ceil()
                };
                f64::from(u8::from(
                    crosses(lo.x, hi.x, road_offset.0) || crosses(lo.y, hi.y, road_offset.1),
                ))
            })
            .collect();

        let markets_at = {
            let w: Vec<f64> = core.iter().map(|c| c + 0.05).collect();
            draw_places(
                &mut rng,
                &centroids,
                &w,
                (grids.len() / 2500).clamp(2, 20),
                1200.0,
            )
        };
        let schools_at = {
            let w: Vec<f64> = core.iter().map(|c| c + 0.2).collect();
            draw_places(
                &mut rng,
                &centroids,
                &w,
                (grids.len() / 1000).clamp(3, 40),
                700.0,
            )
        };
        let bumps = |points: &[Coord], sigma: f64| -> Vec<f64> {
            centroids
                .iter()
                .map(|c| {
                    points
                        .iter()
                        .map(|p| dist2(*c, *p))
                        .filter(|d2| *d2 < 9.0 * sigma * sigma)
                        .map(|d2| gaussian(d2, sigma))
                        .sum::<f64>()
                        .min(1.0)
                })
                .collect()
        };
        let market = bumps(&markets_at, MARKET_SIGMA_M);
        let school = bumps(&schools_at, SCHOOL_SIGMA_M);

        // The coast: the eastern edge of the layer, row by row (rows of 200 m).
        let mut east: BTreeMap<i64, f64> = BTreeMap::new();
        for (_, hi) in &boxes {
            let row = (hi.y / 200.0).floor() as i64;
            let e = east.entry(row).or_insert(f64::MIN);
            *e = e.max(hi.x);
        }
        let seafront: Vec<f64> = centroids
            .iter()
            .map(|c| {
                let row = (c.y / 200.0).floor() as i64;
                let edge = east.get(&row).copied().unwrap_or(c.x);
                let d = edge - c.x;
                if d < SEAFRONT_M {
                    1.0 - d / SEAFRONT_M * 0.5
                } else {
                    0.0
                }
            })
            .collect();

        let mut places = vec![
            Place {
                kind: "core",
                at: main,
            },
            Place {
                kind: "core",
                at: second,
            },
        ];
        places.extend(
            markets_at
                .into_iter()
                .map(|at| Place { kind: "market", at }),
        );
        places.extend(
            schools_at
                .into_iter()
                .map(|at| Place { kind: "school", at }),
        );
        Self {
            centroids,
            boxes,
            areas,
            core,
            road,
            market,
            school,
            seafront,
            places,
            road_offset,
        }
    }

    /// A uniformly random point in grid `g` (its centroid if 64 draws all miss).
    pub(crate) fn point_in(&self, layer: &GridLayer, g: usize, rng: &mut Rng) -> Coord {
        let (lo, hi) = self.boxes[g];
        let shape = &layer.grids()[g].geometry;
        for _ in 0..64 {
            let p = Coord {
                x: lo.x + (hi.x - lo.x) * rng.random::<f64>(),
                y: lo.y + (hi.y - lo.y) * rng.random::<f64>(),
            };
            if shape.contains(&p) {
                return p;
            }
        }
        self.centroids[g]
    }
}

/// A simulated component with the grid it stands in.
#[derive(Clone, Debug)]
pub(crate) struct SimComponent {
    /// Position in the layer's CRS.
    pub at: Coord,
    /// Its grid (position in the layer).
    pub grid: u32,
    /// Its class code (4 digits).
    pub class: &'static str,
}

/// How components are laid out: along the road lattice every `spacing` metres on one or both
/// sides, or scattered at `per_km2` × (0.3 + core density) over the grids.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Layout {
    Road { spacing: f64, both_sides: bool },
    CoreRoad { spacing: f64 },
    Intersections,
    Area { per_km2: f64 },
    Seafront { per_km2: f64 },
    Outskirts { per_km2: f64 },
    PerCommunity,
}

/// The inventory rules: class, layout, and relative failure rate (cases per component-day,
/// up to a common factor).
pub(crate) const INVENTORY: [(&str, Layout, f64); 28] = [
    (
        "0101",
        Layout::Road {
            spacing: 120.0,
            both_sides: false,
        },
        0.5,
    ),
    (
        "0102",
        Layout::Road {
            spacing: 80.0,
            both_sides: false,
        },
        0.5,
    ),
    ("0102", Layout::Area { per_km2: 30.0 }, 0.5),
    (
        "0103",
        Layout::Road {
            spacing: 80.0,
            both_sides: false,
        },
        0.5,
    ),
    (
        "0104",
        Layout::Road {
            spacing: 40.0,
            both_sides: false,
        },
        0.6,
    ),
    (
        "0105",
        Layout::Road {
            spacing: 150.0,
            both_sides: false,
        },
        0.4,
    ),
    (
        "0106",
        Layout::Road {
            spacing: 200.0,
            both_sides: false,
        },
        0.4,
    ),
    (
        "0107",
        Layout::Road {
            spacing: 150.0,
            both_sides: false,
        },
        0.4,
    ),
    (
        "0111",
        Layout::Road {
            spacing: 200.0,
            both_sides: false,
        },
        0.4,
    ),
    (
        "0113",
        Layout::Road {
            spacing: 150.0,
            both_sides: false,
        },
        0.3,
    ),
    ("0115", Layout::Area { per_km2: 3.0 }, 0.3),
    ("0117", Layout::Outskirts { per_km2: 10.0 }, 0.2),
    (
        "0118",
        Layout::Road {
            spacing: 35.0,
            both_sides: true,
        },
        1.0,
    ),
    ("0126", Layout::Area { per_km2: 2.0 }, 0.8),
    (
        "0203",
        Layout::Road {
            spacing: 500.0,
            both_sides: false,
        },
        1.0,
    ),
    (
        "0209",
        Layout::Road {
            spacing: 250.0,
            both_sides: true,
        },
        0.4,
    ),
    ("0210", Layout::Intersections, 1.5),
    ("0211", Layout::CoreRoad { spacing: 50.0 }, 0.6),
    ("0301", Layout::Area { per_km2: 2.0 }, 4.0),
    ("0304", Layout::Area { per_km2: 4.0 }, 2.0),
    (
        "0305",
        Layout::Road {
            spacing: 70.0,
            both_sides: true,
        },
        1.2,
    ),
    ("0305", Layout::Area { per_km2: 20.0 }, 1.2),
    ("0401", Layout::Area { per_km2: 0.2 }, 0.5),
    (
        "0402",
        Layout::Road {
            spacing: 15.0,
            both_sides: true,
        },
        0.08,
    ),
    ("0407", Layout::Seafront { per_km2: 40.0 }, 0.5),
    ("0407", Layout::Area { per_km2: 5.0 }, 0.5),
    ("0501", Layout::PerCommunity, 0.5),
    ("0410", Layout::Seafront { per_km2: 0.5 }, 1.0),
];

/// The drainage classes whose failures surge on rainy days, with their relative weights.
pub(crate) const DRAINAGE: [(&str, f64); 3] = [("0102", 1.0), ("0103", 1.0), ("0104", 3.0)];

/// Lays out the component inventory. Classes missing from the catalog are skipped.
pub(crate) fn lay_out_components(
    city: &CityModel,
    index: &GridIndex,
    catalog: &ClassCatalog,
    seed: u64,
) -> Vec<SimComponent> {
    let layer = index.layer();
    let (lo, hi) = city.boxes.iter().fold(
        (
            Coord {
                x: f64::MAX,
                y: f64::MAX,
            },
            Coord {
                x: f64::MIN,
                y: f64::MIN,
            },
        ),
        |(lo, hi), (a, b)| {
            (
                Coord {
                    x: lo.x.min(a.x),
                    y: lo.y.min(a.y),
                },
                Coord {
                    x: hi.x.max(b.x),
                    y: hi.y.max(b.y),
                },
            )
        },
    );
    let lines = |offset: f64, from: f64, to: f64| -> Vec<f64> {
        let first = ((from - offset) / ROAD_SPACING_M).ceil() as i64;
        let last = ((to - offset) / ROAD_SPACING_M).floor() as i64;
        (first..=last)
            .map(|k| offset + k as f64 * ROAD_SPACING_M)
            .collect()
    };
    let verticals = lines(city.road_offset.0, lo.x, hi.x);
    let horizontals = lines(city.road_offset.1, lo.y, hi.y);
    let mut out = Vec::new();
    let push = |at: Coord, class: &'static str, out: &mut Vec<SimComponent>| {
        if let Some(grid) = index.locate(at) {
            out.push(SimComponent { at, grid, class });
        }
    };
    for (rule, (class, layout, _)) in INVENTORY.iter().enumerate() {
        let known = class
            .parse()
            .ok()
            .and_then(|c| catalog.component_class(&c))
            .is_some();
        if !known {
            continue;
        }
        let mut rng = stream(seed, Purpose::Components, &[rule as u64]);
        // Walks every road at `spacing`, `side` metres off its centre line.
        let along = |spacing: f64,
                     sides: &[f64],
                     core_only: bool,
                     rng: &mut Rng,
                     out: &mut Vec<SimComponent>| {
            let start = rng.random::<f64>() * spacing;
            for &x in &verticals {
                let mut y = lo.y + start;
                while y <= hi.y {
                    for side in sides {
                        let at = Coord { x: x + side, y };
                        if !core_only || core_at(city, index, at) > 0.35 {
                            push(at, class, out);
                        }
                    }
                    y += spacing;
                }
            }
            for &y in &horizontals {
                let mut x = lo.x + start;
                while x <= hi.x {
                    for side in sides {
                        let at = Coord { x, y: y + side };
                        if !core_only || core_at(city, index, at) > 0.35 {
                            push(at, class, out);
                        }
                    }
                    x += spacing;
                }
            }
        };
        match *layout {
            Layout::Road {
                spacing,
                both_sides,
            } => {
                let sides: &[f64] = if both_sides { &[-12.0, 12.0] } else { &[8.0] };
                along(spacing, sides, false, &mut rng, &mut out);
            }
            Layout::CoreRoad { spacing } => along(spacing, &[0.0], true, &mut rng, &mut out),
            Layout::Intersections => {
                for &x in &verticals {
                    for &y in &horizontals {
                        for (dx, dy) in [(-10.0, -10.0), (10.0, -10.0), (-10.0, 10.0), (10.0, 10.0)]
                        {
                            push(
                                Coord {
                                    x: x + dx,
                                    y: y + dy,
                                },
                                class,
                                &mut out,
                            );
                        }
                    }
                }
            }
            Layout::Area { .. } | Layout::Seafront { .. } | Layout::Outskirts { .. } => {
                for g in 0..layer.len() {
                    let km2 = city.areas[g] / 1e6;
                    let mean = match *layout {
                        Layout::Area { per_km2 } => per_km2 * km2 * (0.3 + city.core[g]),
                        Layout::Seafront { per_km2 } => per_km2 * km2 * city.seafront[g],
                        Layout::Outskirts { per_km2 } => {
                            per_km2 * km2 * (1.0 - city.core[g]).max(0.0)
                        }
                        _ => 0.0,
                    };
                    for _ in 0..poisson(&mut rng, mean) {
                        let at = city.point_in(layer, g, &mut rng);
                        out.push(SimComponent {
                            at,
                            grid: g as u32,
                            class,
                        });
                    }
                }
            }
            Layout::PerCommunity => {
                let mut first: BTreeMap<String, usize> = BTreeMap::new();
                for (g, grid) in layer.grids().iter().enumerate() {
                    first.entry(grid.community().to_string()).or_insert(g);
                }
                for g in first.into_values() {
                    let at = city.point_in(layer, g, &mut rng);
                    out.push(SimComponent {
                        at,
                        grid: g as u32,
                        class,
                    });
                }
            }
        }
    }
    out
}

fn core_at(city: &CityModel, index: &GridIndex, at: Coord) -> f64 {
    index.locate(at).map_or(0.0, |g| city.core[g as usize])
}

/// A Poisson count with mean `mean` (0 for a mean of 0 or less).
pub(crate) fn poisson(rng: &mut Rng, mean: f64) -> u64 {
    if mean <= 0.0 || !mean.is_finite() {
        return 0;
    }
    Poisson::new(mean).map_or(0, |d| d.sample(rng) as u64)
}

/// Codes, attributes and geometry for the simulated inventory: sequence numbers run per
/// district and class in layout order.
pub(crate) fn to_components(
    list: &[SimComponent],
    layer: &GridLayer,
    catalog: &ClassCatalog,
    start: NaiveDate,
    seed: u64,
) -> Result<Vec<Component>> {
    let mut sequence: BTreeMap<(String, &str), u32> = BTreeMap::new();
    let mut out = Vec::with_capacity(list.len());
    let earliest = NaiveDate::from_ymd_opt(2008, 1, 1).unwrap_or(start);
    let span = (start - earliest).num_days().max(1);
    for (i, c) in list.iter().enumerate() {
        let district = layer.grids()[c.grid as usize].district().to_string();
        let n = sequence.entry((district.clone(), c.class)).or_insert(0);
        *n += 1;
        let code: ComponentCode = format!("{district}{}{:06}", c.class, *n).parse()?;
        let mut rng = stream(seed, Purpose::Components, &[1000, i as u64]);
        let status = match rng.random::<f64>() {
            u if u < 0.96 => ComponentStatus::Intact,
            u if u < 0.99 => ComponentStatus::Damaged,
            u if u < 0.995 => ComponentStatus::Lost,
            _ => ComponentStatus::Occupied,
        };
        let department = code
            .class_code()
            .to_string()
            .parse()
            .ok()
            .and_then(|k| catalog.component_class(&k))
            .map(|k| k.typical_department.clone());
        out.push(Component {
            code,
            name: None,
            department: department.clone(),
            owner: None,
            maintainer: department,
            status,
            geometry: geo::Geometry::Point(Point::from(c.at)),
            initial_date: Some(earliest + Duration::days(rng.random_range(0..span))),
            change_date: None,
        });
    }
    Ok(out)
}
