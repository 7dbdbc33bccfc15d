//! Drawing the cases: drivers (where and when problems arise, and of which classes), near-repeat
//! offspring, the channel each case comes in by, and its lifecycle on the work calendar.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, NaiveTime};
use geo::Coord;
use grid_core::ClassCatalog;
use grid_core::calendar::WorkCalendar;
use grid_core::codes::{TimeLimit, TimeLimitUnit};
use grid_core::index::GridIndex;
use rand::RngExt;
use rand::SeedableRng;
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::{Distribution, LogNormal, Normal};
use rayon::prelude::*;

use super::city::{CityModel, DRAINAGE, INVENTORY, SimComponent, poisson};
use super::plan::{Cluster, Day, Disposal, Performance};
use crate::case_schema::{CaseKind, CaseSource};
use crate::rng::{Purpose, Rng, key, stream};

/// Expected near-repeat offspring per case (a subcritical branching ratio).
pub(crate) const NEAR_REPEAT_RATIO: f64 = 0.15;
/// Mean delay of a near repeat, days.
const NEAR_REPEAT_DAYS: f64 = 3.0;
/// Spread of a near repeat around its parent, metres.
const NEAR_REPEAT_M: f64 = 75.0;
/// Extra cases per grid-day of a planted cluster at profile 1, in units of the city's mean
/// grid-day rate.
pub(crate) const CLUSTER_EXCESS: f64 = 10.0;

/// A case class the simulator uses, resolved against the catalog.
#[derive(Clone, Debug)]
pub(crate) struct ClassInfo {
    pub kind: CaseKind,
    pub code: &'static str,
    /// Disposal limit as working time.
    pub limit: Duration,
    /// Department by name, or `None` for the street office of the case's street.
    pub department: Option<String>,
}

/// Event classes by driver, with relative weights (std2013 codes; absent ones are skipped).
const GENERAL: [(&str, f64); 16] = [
    ("0102", 20.0),
    ("0104", 12.0),
    ("0201", 14.0),
    ("0507", 8.0),
    ("0506", 10.0),
    ("0505", 8.0),
    ("0101", 3.0),
    ("0103", 4.0),
    ("0106", 5.0),
    ("0108", 4.0),
    ("0109", 3.0),
    ("0202", 3.0),
    ("0302", 3.0),
    ("0301", 2.0),
    ("0508", 2.0),
    ("0107", 2.0),
];
const ROADS: [(&str, f64); 10] = [
    ("0505", 20.0),
    ("0506", 14.0),
    ("0203", 8.0),
    ("0104", 10.0),
    ("0107", 4.0),
    ("0503", 3.0),
    ("0204", 3.0),
    ("0509", 3.0),
    ("0102", 6.0),
    ("0401", 1.0),
];
const MARKETS: [(&str, f64); 7] = [
    ("0501", 25.0),
    ("0504", 25.0),
    ("0102", 15.0),
    ("0510", 8.0),
    ("0508", 6.0),
    ("0506", 6.0),
    ("0203", 5.0),
];
const SCHOOLS: [(&str, f64); 5] = [
    ("0505", 20.0),
    ("0506", 15.0),
    ("0501", 15.0),
    ("0204", 5.0),
    ("0102", 5.0),
];
const SEAFRONT: [(&str, f64); 7] = [
    ("0102", 25.0),
    ("0105", 12.0),
    ("0501", 12.0),
    ("0510", 8.0),
    ("0502", 4.0),
    ("0106", 8.0),
    ("0104", 6.0),
];
const RAIN: [(&str, f64); 3] = [("0404", 60.0), ("0401", 10.0), ("0105", 10.0)];
const FESTIVAL: [(&str, f64); 3] = [("0102", 50.0), ("0104", 40.0), ("0108", 10.0)];

/// The department an event class goes to; `None` sends it to the street office (属地).
fn event_department(code: &str) -> Option<&'static str> {
    Some(match code {
        "0101" | "0201" | "0202" | "0203" | "0501" | "0504" | "0510" => {
            "urban management enforcement"
        }
        "0102" | "0103" | "0104" => "sanitation office",
        "0105" => "water authority",
        "0106" | "0109" => "parks and greening bureau",
        "0107" | "0505" | "0509" => "traffic police",
        "0301" | "0302" => "housing and construction bureau",
        "0401" => "municipal roads office",
        "0402" => "water utility",
        "0403" => "gas utility",
        "0404" => "drainage utility",
        _ => return None,
    })
}

/// A class mix: an alias table over positions in the class table.
pub(crate) type ClassMix = (WeightedAliasIndex<f64>, Vec<u16>);

/// Where a driver puts its cases.
#[derive(Debug)]
pub(crate) enum Spatial {
    /// Grids by weight.
    Grids(WeightedAliasIndex<f64>),
    /// Components by weight (indexes into the inventory), with their classes.
    Components(WeightedAliasIndex<f64>, Vec<u32>),
    /// A planted cluster, uniformly over its grids.
    Cluster(usize),
}

/// When a driver is active, relative to its mean.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Temporal {
    Everyday,
    Markets,
    Schools,
    Seafront,
    Components,
    Rain,
    Festival,
    Cluster(usize),
}

/// One cause of cases.
#[derive(Debug)]
pub(crate) struct Driver {
    pub name: &'static str,
    pub spatial: Spatial,
    /// Class mix (indexes into the class table) for grid drivers.
    pub classes: Option<ClassMix>,
    pub temporal: Temporal,
    /// Expected cases per unit of temporal factor.
    pub rate: f64,
}

/// Everything the day-by-day draw needs.
pub(crate) struct World<'a> {
    pub seed: u64,
    pub index: &'a GridIndex,
    pub city: &'a CityModel,
    pub calendar: &'a WorkCalendar,
    pub days: &'a [Day],
    pub classes: Vec<ClassInfo>,
    pub components: &'a [SimComponent],
    pub component_class: Vec<u16>,
    pub clusters: &'a [Cluster],
    pub performance: &'a Performance,
    pub drivers: Vec<Driver>,
    /// Cluster index by grid, for clusters that suppress ordinary cases.
    pub suppressed: HashMap<u32, usize>,
    /// Street offices (`street office <street code>`) and how they dispose.
    pub offices: Vec<(String, Disposal)>,
    /// The street office of each grid (index into `offices`).
    pub office_of: Vec<u32>,
}

/// Who a case was dispatched to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Dept {
    /// The department of the class (index into the class table).
    OfClass(u16),
    /// A street office (index into `World::offices`).
    Office(u32),
}

/// One drawn case before its lifecycle.
#[derive(Clone, Debug)]
pub(crate) struct RawCase {
    pub key: u64,
    pub at: NaiveDateTime,
    pub pos: Coord,
    pub grid: u32,
    pub class: u16,
    pub component: Option<u32>,
    pub driver: u8,
    pub generation: u8,
    pub source: CaseSource,
}

/// Builds the class table from the mixes and inventory that the catalog knows.
pub(crate) fn class_table(catalog: &ClassCatalog, per_day_h: f64) -> Vec<ClassInfo> {
    let work = |limit: Option<TimeLimit>| match limit {
        Some(TimeLimit {
            amount,
            unit: TimeLimitUnit::WorkHours,
        }) => Duration::minutes(i64::from(amount) * 60),
        Some(TimeLimit {
            amount,
            unit: TimeLimitUnit::WorkDays,
        }) => Duration::minutes((f64::from(amount) * per_day_h * 60.0) as i64),
        None => Duration::minutes((2.0 * per_day_h * 60.0) as i64),
    };
    let mut out: Vec<ClassInfo> = Vec::new();
    let events = GENERAL
        .iter()
        .chain(&ROADS)
        .chain(&MARKETS)
        .chain(&SCHOOLS)
        .chain(&SEAFRONT)
        .chain(&RAIN)
        .chain(&FESTIVAL)
        .map(|(c, _)| *c);
    for code in events {
        if out
            .iter()
            .any(|c| c.kind == CaseKind::Event && c.code == code)
        {
            continue;
        }
        if let Some(class) = code.parse().ok().and_then(|c| catalog.event_class(&c)) {
            out.push(ClassInfo {
                kind: CaseKind::Event,
                code,
                limit: work(class.time_limit),
                department: event_department(code).map(str::to_owned),
            });
        }
    }
    for (code, _, _) in INVENTORY {
        if out
            .iter()
            .any(|c| c.kind == CaseKind::Component && c.code == code)
        {
            continue;
        }
        if let Some(class) = code.parse().ok().and_then(|c| catalog.component_class(&c)) {
            out.push(ClassInfo {
                kind: CaseKind::Component,
                code,
                limit: work(class.time_limit),
                department: Some(class.typical_department.clone()),
            });
        }
    }
    out
}

fn mix(classes: &[ClassInfo], list: &[(&str, f64)]) -> Option<ClassMix> {
    let mut ids = Vec::new();
    let mut weights = Vec::new();
    for (code, w) in list {
        if let Some(i) = classes
            .iter()
            .position(|c| c.kind == CaseKind::Event && c.code == *code)
        {
            ids.push(i as u16);
            weights.push(*w);
        }
    }
    WeightedAliasIndex::new(weights).ok().map(|a| (a, ids))
}

/// The temporal factor of a driver on a day.
pub(crate) fn temporal(t: Temporal, day: &Day, clusters: &[Cluster]) -> f64 {
    let weekday = [1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.75][day.weekday as usize];
    let holiday = if day.spring_festival {
        0.5
    } else if day.holiday {
        0.75
    } else {
        1.0
    };
    match t {
        Temporal::Everyday | Temporal::Components => day.season() * weekday * holiday,
        Temporal::Markets => {
            day.season()
                * if day.weekend() { 1.4 } else { 1.0 }
                * if day.spring_festival { 0.3 } else { 1.0 }
        }
        Temporal::Schools => f64::from(u8::from(day.school)),
        Temporal::Seafront => {
            let doy = f64::from(chrono::Datelike::ordinal(&day.date));
            let summer =
                (1.0 + 0.9 * (std::f64::consts::TAU * (doy - 105.0) / 365.25).sin()).max(0.1);
            summer
                * if day.holiday || day.spring_festival {
                    2.5
                } else if day.weekend() {
                    1.4
                } else {
                    1.0
                }
        }
        Temporal::Rain => day.rain,
        Temporal::Festival => f64::from(u8::from(day.spring_festival)),
        Temporal::Cluster(c) => clusters[c].excess.get(day.month).copied().unwrap_or(0.0),
    }
}

/// Shares of the ordinary (not planted) primary cases by driver.
const SHARES: [(&str, f64); 9] = [
    ("general", 0.30),
    ("roads", 0.15),
    ("markets", 0.08),
    ("schools", 0.04),
    ("seafront", 0.06),
    ("components", 0.22),
    ("rain", 0.03),
    ("rain_components", 0.03),
    ("festival", 0.01),
];

/// Sets up the drivers so that the expected number of cases, near repeats included, is
/// `target`.
pub(crate) fn drivers(
    city: &CityModel,
    classes: &[ClassInfo],
    components: &[SimComponent],
    clusters: &[Cluster],
    days: &[Day],
    target: f64,
) -> Vec<Driver> {
    let primary = target * (1.0 - NEAR_REPEAT_RATIO);
    let n = city.centroids.len().max(1) as f64;
    let mean_grid_day = primary / (n * days.len().max(1) as f64);
    let mut out = Vec::new();
    // Planted clusters first: their expected total is fixed by the mean rate, capped at 30 %.
    let mut planted = 0.0;
    for (c, cluster) in clusters.iter().enumerate() {
        let sum: f64 = days
            .iter()
            .map(|d| temporal(Temporal::Cluster(c), d, clusters))
            .sum();
        planted += CLUSTER_EXCESS * mean_grid_day * cluster.grids.len() as f64 * sum;
    }
    let cap = if planted > 0.3 * primary {
        0.3 * primary / planted
    } else {
        1.0
    };
    let general = mix(classes, &GENERAL);
    for (c, cluster) in clusters.iter().enumerate() {
        out.push(Driver {
            name: "planted",
            spatial: Spatial::Cluster(c),
            classes: mix(classes, &GENERAL),
            temporal: Temporal::Cluster(c),
            rate: CLUSTER_EXCESS * mean_grid_day * cluster.grids.len() as f64 * cap,
        });
    }
    let ordinary = primary - planted * cap;

    let weights = |f: &dyn Fn(usize) -> f64| -> Option<WeightedAliasIndex<f64>> {
        WeightedAliasIndex::new((0..city.centroids.len()).map(f).collect()).ok()
    };
    let area = |g: usize| city.areas[g] / 10_000.0;
    let base = |g: usize| area(g) * (0.1 + 3.0 * city.core[g]);
    // A driver takes part when it has somewhere to put cases and classes to give them.
    let candidate = |name, spatial: Option<Spatial>, classes: Option<ClassMix>, temporal| {
        let spatial = spatial?;
        if !matches!(spatial, Spatial::Components(..)) && classes.is_none() {
            return None;
        }
        Some(Driver {
            name,
            spatial,
            classes,
            temporal,
            rate: 0.0,
        })
    };
    let grids = |f: &dyn Fn(usize) -> f64| weights(f).map(Spatial::Grids);
    let mut candidates = vec![
        candidate("general", grids(&base), general, Temporal::Everyday),
        candidate(
            "roads",
            grids(&|g| city.road[g] * area(g) * (0.15 + city.core[g])),
            mix(classes, &ROADS),
            Temporal::Everyday,
        ),
        candidate(
            "markets",
            grids(&|g| city.market[g] * area(g)),
            mix(classes, &MARKETS),
            Temporal::Markets,
        ),
        candidate(
            "schools",
            grids(&|g| city.school[g] * area(g)),
            mix(classes, &SCHOOLS),
            Temporal::Schools,
        ),
        candidate(
            "seafront",
            grids(&|g| city.seafront[g] * area(g)),
            mix(classes, &SEAFRONT),
            Temporal::Seafront,
        ),
        candidate(
            "rain",
            grids(&|g| area(g) * (0.2 + city.road[g] + 2.0 * city.core[g])),
            mix(classes, &RAIN),
            Temporal::Rain,
        ),
        candidate(
            "festival",
            grids(&base),
            mix(classes, &FESTIVAL),
            Temporal::Festival,
        ),
    ];
    // Components: each rule's failure weight; drainage again for rainy days.
    let failure: HashMap<&str, f64> = INVENTORY.iter().map(|(c, _, w)| (*c, *w)).collect();
    let drainage: HashMap<&str, f64> = DRAINAGE.iter().copied().collect();
    for (name, table, t) in [
        ("components", &failure, Temporal::Components),
        ("rain_components", &drainage, Temporal::Rain),
    ] {
        let (ids, w): (Vec<u32>, Vec<f64>) = components
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                // Busy streets wear components out and get them noticed.
                let busy = 0.3 + city.core[c.grid as usize];
                table.get(c.class).map(|w| (i as u32, *w * busy))
            })
            .unzip();
        let spatial = WeightedAliasIndex::new(w)
            .ok()
            .map(|a| Spatial::Components(a, ids));
        candidates.push(candidate(name, spatial, None, t));
    }
    // Each active driver's share of the ordinary cases, spread over its active days.
    let active: Vec<(Driver, f64, f64)> = candidates
        .into_iter()
        .flatten()
        .filter_map(|driver| {
            let share = SHARES
                .iter()
                .find(|(n, _)| *n == driver.name)
                .map_or(0.0, |(_, s)| *s);
            let sum: f64 = days
                .iter()
                .map(|d| temporal(driver.temporal, d, clusters))
                .sum();
            (sum > 0.0 && share > 0.0).then_some((driver, share, sum))
        })
        .collect();
    let total_share: f64 = active.iter().map(|a| a.1).sum();
    for (mut driver, share, sum) in active {
        driver.rate = ordinary * share / total_share / sum;
        out.push(driver);
    }
    out
}

/// Hour-of-day weights by source (reports per hour, relative).
fn hour_weights(source: CaseSource) -> [f64; 24] {
    match source {
        CaseSource::Supervisor => [
            0., 0., 0., 0., 0., 0., 0., 0., 6., 8., 8., 6., 1., 3., 8., 8., 7., 4., 0., 0., 0., 0.,
            0., 0.,
        ],
        CaseSource::CitizenApp => [
            0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1., 3., 5., 6., 6., 5., 4., 4., 5., 5., 5., 5., 6., 7.,
            6., 4., 2., 1.,
        ],
        CaseSource::Hotline12345 | CaseSource::Hotline12319 => [
            0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 2., 5., 7., 7., 6., 4., 4., 6., 6., 5., 4., 3., 3.,
            2., 1., 0.5, 0.3,
        ],
        CaseSource::VideoAi => [
            1., 1., 1., 1., 1., 1., 2., 3., 4., 4., 4., 4., 4., 4., 4., 4., 4., 4., 4., 4., 3., 2.,
            2., 1.,
        ],
        CaseSource::Other => [
            0., 0., 0., 0., 0., 0., 0., 0., 4., 6., 6., 4., 1., 2., 6., 6., 4., 1., 0., 0., 0., 0.,
            0., 0.,
        ],
    }
}

/// A time of day for a report from `source`.
fn time_of_day(source: CaseSource, rng: &mut Rng) -> NaiveTime {
    let w = hour_weights(source);
    let total: f64 = w.iter().sum();
    let mut u = rng.random::<f64>() * total;
    let mut hour = 23;
    for (h, x) in w.iter().enumerate() {
        u -= x;
        if u < 0.0 {
            hour = h;
            break;
        }
    }
    let second = hour as u32 * 3600 + rng.random_range(0..3600u32);
    NaiveTime::from_num_seconds_from_midnight_opt(second, 0).unwrap_or(NaiveTime::MIN)
}

impl World<'_> {
    /// The channel a problem of `class` in grid `grid` is reported by on `day`.
    fn source(&self, rng: &mut Rng, grid: u32, class: u16, day: &Day) -> CaseSource {
        let info = &self.classes[class as usize];
        let patrol = self
            .performance
            .supervisor(grid)
            .map_or(0.62, |(_, p)| p.coverage);
        if info.kind == CaseKind::Event
            && matches!(info.code, "0505" | "0501" | "0102" | "0506")
            && self.city.core[grid as usize] > 0.3
            && rng.random::<f64>() < 0.10
        {
            return CaseSource::VideoAi;
        }
        let factor = if day.holiday || day.spring_festival {
            0.35
        } else if day.weekend() {
            0.45
        } else {
            1.0
        };
        let c = patrol * factor;
        if rng.random::<f64>() < c / (c + 1.0 - patrol) {
            return CaseSource::Supervisor;
        }
        let construction =
            info.kind == CaseKind::Event && (info.code.starts_with("03") || info.code == "0101");
        let u = rng.random::<f64>();
        if construction && u < 0.6 {
            return CaseSource::Hotline12319;
        }
        match rng.random::<f64>() {
            u if u < 0.55 => CaseSource::CitizenApp,
            u if u < 0.90 => CaseSource::Hotline12345,
            u if u < 0.93 => CaseSource::Hotline12319,
            _ => CaseSource::Other,
        }
    }

    /// The primary cases of day `d`.
    pub(crate) fn day_cases(&self, d: usize) -> Vec<RawCase> {
        let day = &self.days[d];
        let mut rng = stream(self.seed, Purpose::Day, &[d as u64]);
        let layer = self.index.layer();
        let mut out = Vec::new();
        for (k, driver) in self.drivers.iter().enumerate() {
            let count = poisson(
                &mut rng,
                driver.rate * temporal(driver.temporal, day, self.clusters),
            );
            for j in 0..count {
                let case_key = key(self.seed, Purpose::Day, &[d as u64, k as u64, j]);
                let mut r = Rng::seed_from_u64(case_key);
                let (grid, pos, class, component) = match &driver.spatial {
                    Spatial::Components(alias, ids) => {
                        let c = ids[alias.sample(&mut r)];
                        let comp = &self.components[c as usize];
                        (
                            comp.grid,
                            comp.at,
                            self.component_class[c as usize],
                            Some(c),
                        )
                    }
                    Spatial::Grids(alias) => {
                        let g = alias.sample(&mut r);
                        let class = driver
                            .classes
                            .as_ref()
                            .map_or(0, |(a, ids)| ids[a.sample(&mut r)]);
                        (g as u32, self.city.point_in(layer, g, &mut r), class, None)
                    }
                    Spatial::Cluster(c) => {
                        let grids = &self.clusters[*c].grids;
                        let g = grids[r.random_range(0..grids.len())] as usize;
                        let class = driver
                            .classes
                            .as_ref()
                            .map_or(0, |(a, ids)| ids[a.sample(&mut r)]);
                        (g as u32, self.city.point_in(layer, g, &mut r), class, None)
                    }
                };
                let source = self.source(&mut r, grid, class, day);
                let at = day.date.and_time(time_of_day(source, &mut r));
                out.push(RawCase {
                    key: case_key,
                    at,
                    pos,
                    grid,
                    class,
                    component,
                    driver: k as u8,
                    generation: 0,
                    source,
                });
            }
        }
        out
    }

    /// Near repeats of `parents`: each has Poisson([`NEAR_REPEAT_RATIO`]) children a few days
    /// later and about [`NEAR_REPEAT_M`] away (at the same component for component cases).
    pub(crate) fn offspring(&self, parents: &[RawCase]) -> Vec<RawCase> {
        let Some(last) = self.days.last() else {
            return Vec::new();
        };
        let end = last.date + Duration::days(1);
        let first = self.days.first().map_or(end, |d| d.date);
        parents
            .par_iter()
            .flat_map_iter(|p| {
                let mut rng = stream(self.seed, Purpose::Offspring, &[p.key]);
                let n = poisson(&mut rng, NEAR_REPEAT_RATIO);
                let mut children = Vec::new();
                for j in 0..n {
                    let child_key = key(self.seed, Purpose::Offspring, &[p.key, j]);
                    let mut r = Rng::seed_from_u64(child_key);
                    let delay = -NEAR_REPEAT_DAYS * (1.0 - r.random::<f64>()).ln();
                    let date = p.at.date() + Duration::days(delay.floor() as i64);
                    if date >= end || date < first {
                        continue;
                    }
                    let (pos, grid) = match p.component {
                        Some(_) => (p.pos, Some(p.grid)),
                        None => {
                            let normal = Normal::new(0.0, NEAR_REPEAT_M).ok();
                            let mut dx = || normal.map_or(0.0, |n| n.sample(&mut r));
                            let pos = Coord {
                                x: p.pos.x + dx(),
                                y: p.pos.y + dx(),
                            };
                            (pos, self.index.locate(pos))
                        }
                    };
                    let Some(grid) = grid else { continue };
                    let day_index = (date - first).num_days() as usize;
                    let Some(day) = self.days.get(day_index) else {
                        continue;
                    };
                    let source = self.source(&mut r, grid, p.class, day);
                    let at = date.and_time(time_of_day(source, &mut r));
                    // A repeat never comes before its parent: on the parent's day, after it.
                    let at = if at > p.at {
                        at
                    } else {
                        p.at + Duration::seconds((delay * 86_400.0) as i64 + 60)
                    };
                    if at.date() >= end {
                        continue;
                    }
                    children.push(RawCase {
                        key: child_key,
                        at,
                        pos,
                        grid,
                        class: p.class,
                        component: p.component,
                        driver: p.driver,
                        generation: p.generation.saturating_add(1),
                        source,
                    });
                }
                children
            })
            .collect()
    }

    /// Whether an ordinary case survives a planted suppression (cold spots, the cold phases of
    /// oscillating spots).
    pub(crate) fn survives(&self, case: &RawCase) -> bool {
        if matches!(
            self.drivers[case.driver as usize].spatial,
            Spatial::Cluster(_)
        ) {
            return true;
        }
        let Some(&c) = self.suppressed.get(&case.grid) else {
            return true;
        };
        let first = self.days.first().map_or(case.at.date(), |d| d.date);
        let day = (case.at.date() - first).num_days() as usize;
        let month = self.days.get(day).map_or(0, |d| d.month);
        let keep = self.clusters[c].keep.get(month).copied().unwrap_or(1.0);
        keep >= 1.0 || stream(self.seed, Purpose::Thinning, &[case.key]).random::<f64>() < keep
    }
}

/// One case's lifecycle.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lifecycle {
    pub department: Option<Dept>,
    pub filed: Option<NaiveDateTime>,
    pub voided: Option<NaiveDateTime>,
    pub dispatched: Option<NaiveDateTime>,
    pub disposed: Option<NaiveDateTime>,
    pub checked: Option<NaiveDateTime>,
    pub closed: Option<NaiveDateTime>,
    pub rework: Option<u32>,
    pub verified: Option<bool>,
    /// Index into the supervisors of [`Performance`].
    pub supervisor: Option<u32>,
}

fn lognormal(rng: &mut Rng, median: f64, sigma: f64) -> f64 {
    LogNormal::new(median.ln(), sigma).map_or(median, |d| d.sample(rng))
}

fn minutes(m: f64) -> Duration {
    Duration::seconds((m * 60.0).round() as i64)
}

impl World<'_> {
    /// The name of a department a case was dispatched to.
    pub(crate) fn department_name(&self, dept: Dept) -> &str {
        match dept {
            Dept::OfClass(c) => self.classes[c as usize].department.as_deref().unwrap_or(""),
            Dept::Office(o) => &self.offices[o as usize].0,
        }
    }

    /// Runs a case through file → dispatch → dispose → check → close, cut off at `end`.
    pub(crate) fn lifecycle(&self, case: &RawCase, end: NaiveDateTime) -> Lifecycle {
        let mut rng = stream(self.seed, Purpose::Lifecycle, &[case.key]);
        let info = &self.classes[case.class as usize];
        let supervisor = self.performance.beat_of.get(case.grid as usize).copied();
        let patrol = self.performance.supervisor(case.grid).map(|(_, p)| *p);
        let public = case.source.is_public();
        let invalid = match case.source {
            CaseSource::Supervisor => patrol.map_or(0.04, |p| p.invalid),
            CaseSource::VideoAi => 0.08,
            _ if public => 0.12,
            _ => 0.05,
        };
        let mut life = Lifecycle {
            supervisor,
            ..Lifecycle::default()
        };
        let cut = |t: NaiveDateTime| (t <= end).then_some(t);
        if rng.random::<f64>() < invalid {
            life.voided = cut(case.at + minutes(lognormal(&mut rng, 25.0, 0.8)));
            life.verified = public.then_some(false);
            return life;
        }
        life.verified = public.then_some(true);
        let (department, disposal) = match &info.department {
            Some(name) => (Dept::OfClass(case.class), self.performance.department(name)),
            None => {
                let office = self.office_of[case.grid as usize];
                (Dept::Office(office), self.offices[office as usize].1)
            }
        };
        life.department = Some(department);
        let Some(filed) = cut(case.at + minutes(lognormal(&mut rng, 12.0, 0.7))) else {
            return life;
        };
        life.filed = Some(filed);
        let Some(dispatched) = cut(filed + minutes(lognormal(&mut rng, 18.0, 0.8))) else {
            return life;
        };
        life.dispatched = Some(dispatched);
        let limit_min = info.limit.num_seconds() as f64 / 60.0;
        let check_factor = patrol.map_or(1.0, |p| p.check_factor);
        let mut from = dispatched;
        let mut reworks = 0u32;
        // Some cases hang (挂账) for weeks: waiting for parts, disputes over who is responsible.
        let mut share = if rng.random::<f64>() < disposal.stall {
            15.0
        } else {
            1.0
        };
        loop {
            let work =
                minutes(limit_min * share * disposal.time_factor * lognormal(&mut rng, 0.55, 0.65));
            let Some(disposed) = self
                .calendar
                .add_working_time(from, work)
                .ok()
                .and_then(cut)
            else {
                break;
            };
            life.disposed = Some(disposed);
            // The table keeps the latest round: a re-disposal not yet checked has no check.
            life.checked = None;
            let Some(checked) =
                cut(disposed + minutes(lognormal(&mut rng, 150.0 * check_factor, 0.9)))
            else {
                break;
            };
            life.checked = Some(checked);
            let again = if reworks == 0 { disposal.rework } else { 0.35 };
            if rng.random::<f64>() < again {
                reworks += 1;
                life.rework = Some(reworks);
                from = checked;
                share = 0.5;
                continue;
            }
            life.closed = cut(checked + minutes(lognormal(&mut rng, 15.0, 0.7)));
            break;
        }
        if life.rework.is_none() && life.disposed.is_some() {
            life.rework = Some(0);
        }
        life
    }
}

/// Where an observer would put the case: the true position plus the channel's positioning
/// error (phone GPS, geocoded hotline addresses), redrawn while it falls outside the city.
pub(crate) fn observed(world: &World<'_>, case: &RawCase) -> Coord {
    let sigma = match case.source {
        CaseSource::Supervisor => 3.0,
        CaseSource::CitizenApp => 8.0,
        CaseSource::Hotline12345 | CaseSource::Hotline12319 => 40.0,
        CaseSource::VideoAi => 15.0,
        CaseSource::Other => 30.0,
    };
    let mut rng = stream(world.seed, Purpose::Lifecycle, &[case.key, 1]);
    let Ok(normal) = Normal::new(0.0, sigma) else {
        return case.pos;
    };
    for _ in 0..8 {
        let p = Coord {
            x: case.pos.x + normal.sample(&mut rng),
            y: case.pos.y + normal.sample(&mut rng),
        };
        if world.index.locate(p).is_some() {
            return p;
        }
    }
    case.pos
}
