//! A realistic, deterministic case history for a city's unit grids, with its ground truth.
//!
//! The simulator lays out a city over any grid layer (two centres, an arterial road lattice,
//! markets, schools and a seafront on the layer's eastern edge), a component inventory along the
//! roads and over the grids, and then draws cases day by day from a set of drivers:
//!
//! | driver | where | when | classes |
//! |---|---|---|---|
//! | general | density of the core | yearly cycle, weekdays, fewer on holidays | rubbish, ads, parking… |
//! | roads | grids an arterial crosses | as general | parking, road occupation… |
//! | markets | around markets | weekends +40 %, quiet at the Spring Festival | hawkers, trading outside shops… |
//! | schools | around schools | school days only | parking, hawkers… |
//! | seafront | the coast | summer, holidays ×2.5, weekends | rubbish, dirty water, barbecues… |
//! | components | each component by class failure rate | as general | the component's class |
//! | rain, rain_components | drainage | heavy-rain days and the day after | blocked sewers, grates, covers |
//! | festival | density of the core | Spring Festival days off | fireworks rubbish |
//! | planted | planted clusters | each cluster's monthly profile | as general |
//!
//! Every case may have near repeats (a subcritical branching process, ratio 0.15, a few days
//! later, about 75 m away). Each case's channel depends on its street supervisor's coverage and
//! the day (supervisors patrol less on weekends and holidays); app reports carry GCJ-02
//! coordinates. Lifecycles run on the work calendar against the class's time limit, with
//! planted good and poor departments, street offices and supervisors. A small share of rows is
//! corrupted on purpose (each kind of defect validation must catch), and everything planted is
//! written as ground truth beside the data.
//!
//! Randomness comes from streams keyed by the seed and what is drawn (see `rng`), so the output
//! is the same for a seed whatever the thread count.

mod city;
mod generate;
mod plan;

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use grid_core::calendar::WorkCalendar;
use grid_core::component::ComponentLayer;
use grid_core::crs::gcj02::wgs84_to_gcj02;
use grid_core::index::GridIndex;
use grid_core::{ClassCatalog, Crs, Transformer};
use polars::prelude::*;
use rand::seq::SliceRandom;
use rayon::prelude::*;
use serde::Serialize;

use self::generate::{RawCase, World, observed};
use self::plan::{Level, PlantType};
use crate::case_schema::{self as cs, CaseKind, CaseSource};
use crate::convert::par_transform;
use crate::error::{Error, PolarsContext, Result};
use crate::rng::{Purpose, stream};
use crate::table_io::write_table;

/// What to simulate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimulationConfig {
    /// Seed: the same seed, grids and tables give the same output.
    pub seed: u64,
    /// First day of the history.
    pub start: NaiveDate,
    /// Length in years.
    pub years: u32,
    /// Number of case rows to write.
    pub cases: u64,
    /// Share of rows corrupted on purpose (bad coordinates, broken lifecycles…), 0 to 0.5.
    pub defect_rate: f64,
}

impl Default for SimulationConfig {
    /// The sample city's history: seed 1, three years from 2023-01-01, 300,000 cases, 0.4 %
    /// defective rows.
    fn default() -> Self {
        Self {
            seed: 1,
            start: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
            years: 3,
            cases: 300_000,
            defect_rate: 0.004,
        }
    }
}

impl SimulationConfig {
    /// Checks the settings: 1 to 50 years, at least one case, a defect rate from 0 to 0.5.
    pub fn check(&self) -> Result<()> {
        if self.years == 0 || self.years > 50 {
            return Err(Error::InvalidOption {
                option: "years",
                message: format!("{}: expected 1 to 50", self.years),
            });
        }
        if self.cases == 0 {
            return Err(Error::InvalidOption {
                option: "cases",
                message: "0: expected at least 1".to_owned(),
            });
        }
        if !(0.0..=0.5).contains(&self.defect_rate) {
            return Err(Error::InvalidOption {
                option: "defect rate",
                message: format!("{}: expected 0 to 0.5", self.defect_rate),
            });
        }
        Ok(())
    }
}

/// The tables the simulator reads.
#[derive(Debug)]
pub struct SimulationInput<'a> {
    /// The city's unit grids (in a projected CRS).
    pub grids: &'a GridIndex,
    /// Class tables: cases and components use the std2013 classes the catalog has.
    pub catalog: &'a ClassCatalog,
    /// Work calendar for the lifecycle clock.
    pub calendar: &'a WorkCalendar,
}

/// The simulated city history.
#[derive(Debug)]
pub struct Simulation {
    /// The configuration it was drawn with.
    pub config: SimulationConfig,
    /// The component inventory, in the grids' CRS.
    pub components: ComponentLayer,
    /// The case table as a city would export it: the input columns of the canonical schema
    /// (`docs/schema.md`), positions in the channel's CRS, no derived columns.
    pub cases: DataFrame,
    /// What was planted.
    pub truth: GroundTruth,
}

/// What the simulator planted, for tests and for scoring the analyses.
#[derive(Debug)]
pub struct GroundTruth {
    /// Per case row: `row_number`, `case_id`, true position `x_m`/`y_m`, true `grid_code`,
    /// `driver`, `cluster_id` (0 = none), `generation` (0 = primary, n = nth near repeat).
    pub cases: DataFrame,
    /// Per planted cluster: `cluster_id`, `type`, `direction`, centre, `grids`, `radius_m`,
    /// `step` (the time step the type refers to).
    pub hotspots: DataFrame,
    /// Per grid of a planted cluster: `grid_code`, `cluster_id`, `type`.
    pub hotspot_grids: DataFrame,
    /// Per cluster and month: `excess` (extra cases per grid-day in units of the city's mean
    /// grid-day rate) and `keep` (share of ordinary cases that still happen).
    pub hotspot_profiles: DataFrame,
    /// Per department, street office and supervisor: `scope`, `id`, `level` (good, normal,
    /// poor) and the parameters behind it.
    pub performance: DataFrame,
    /// Per corrupted row: `row_number`, `case_id`, `defect`, `expected_field`,
    /// `expected_reason` (what `citygrid validate` should report).
    pub defects: DataFrame,
    /// Per day: `date`, `rain` (0 dry, 0.3 light, 1 heavy, +0.4 after heavy rain), `holiday`,
    /// `school_day`.
    pub weather: DataFrame,
    /// The centres, markets and schools: `kind`, `x_m`, `y_m`.
    pub places: DataFrame,
    /// Counts for `simulation.json`.
    pub summary: serde_json::Value,
}

/// The defects planted in the data and what validation should say about each.
const DEFECTS: [(&str, &str, &str); 7] = [
    ("swapped_coordinates", "coordinates", "out_of_range"),
    ("outside_city", "coordinates", "outside_city"),
    ("missing_coordinates", cs::LON, "missing_field"),
    ("unknown_class", cs::CLASS_CODE, "unknown_class"),
    ("closed_before_filed", cs::CLOSED_AT, "times_out_of_order"),
    ("duplicate_id", cs::CASE_ID, "duplicate_code"),
    ("future_time", cs::REPORTED_AT, "future_time"),
];

/// One finished case row.
#[derive(Clone, Debug)]
struct Row {
    id: String,
    source: CaseSource,
    kind: CaseKind,
    class: &'static str,
    reported: NaiveDateTime,
    lon: Option<f64>,
    lat: Option<f64>,
    crs: &'static str,
    component: Option<u32>,
    life: generate::Lifecycle,
}

/// Draws a city history. See the module documentation for what is in it.
pub fn simulate(input: &SimulationInput<'_>, config: &SimulationConfig) -> Result<Simulation> {
    config.check()?;
    let layer = input.grids.layer();
    if layer.is_empty() {
        return Err(Error::InvalidOption {
            option: "grids",
            message: "the grid layer is empty".to_owned(),
        });
    }
    let seed = config.seed;
    let city = city::CityModel::build(layer, seed);
    let laid = city::lay_out_components(&city, input.grids, input.catalog, seed);
    let components = ComponentLayer::new(
        layer.crs(),
        city::to_components(&laid, layer, input.catalog, config.start, seed)?,
    )?;
    let days = plan::days(input.calendar, config.start, config.years, seed);
    let months = days.last().map_or(1, |d| d.month + 1);
    let base: Vec<f64> = (0..layer.len())
        .map(|g| city.areas[g] / 10_000.0 * (0.1 + 3.0 * city.core[g]) + city.road[g] * 0.3)
        .collect();
    let clusters = plan::plant_clusters(&city, &base, months, seed);
    let performance = plan::plant_performance(layer, seed);
    let per_day_h = input.calendar.hours().per_day().num_minutes() as f64 / 60.0;
    let classes = generate::class_table(input.catalog, per_day_h);
    let component_class: Vec<u16> = laid
        .iter()
        .map(|c| {
            classes
                .iter()
                .position(|k| k.kind == CaseKind::Component && k.code == c.class)
                .unwrap_or(0) as u16
        })
        .collect();
    // Draw a few per cent more than asked, then thin uniformly to the exact count.
    let headroom = 1.0 + (6.0 / (config.cases as f64).sqrt()).max(0.05);
    let drivers = generate::drivers(
        &city,
        &classes,
        &laid,
        &clusters,
        &days,
        config.cases as f64 * headroom,
    );
    let suppressed: HashMap<u32, usize> = clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| c.keep.iter().any(|k| *k < 1.0))
        .flat_map(|(i, c)| c.grids.iter().map(move |g| (*g, i)))
        .collect();
    let office_index: BTreeMap<&String, u32> = performance
        .streets
        .keys()
        .enumerate()
        .map(|(i, s)| (s, i as u32))
        .collect();
    let offices: Vec<(String, plan::Disposal)> = performance
        .streets
        .iter()
        .map(|(street, d)| (format!("street office {street}"), *d))
        .collect();
    let office_of: Vec<u32> = layer
        .grids()
        .iter()
        .map(|g| {
            office_index
                .get(&g.street().to_string())
                .copied()
                .unwrap_or(0)
        })
        .collect();
    let mut world = World {
        seed,
        index: input.grids,
        city: &city,
        calendar: input.calendar,
        days: &days,
        classes,
        components: &laid,
        component_class,
        clusters: &clusters,
        performance: &performance,
        drivers,
        suppressed,
        offices,
        office_of,
    };

    // Primary cases day by day, then near repeats generation by generation; suppressed and
    // late repeats can leave fewer than asked, so draw again with more headroom if they do.
    let draw = |world: &World<'_>| -> Vec<RawCase> {
        let mut all: Vec<RawCase> = (0..days.len())
            .into_par_iter()
            .flat_map_iter(|d| world.day_cases(d))
            .collect();
        let mut generation = 0;
        loop {
            let children = world.offspring(&all[generation..]);
            if children.is_empty() {
                break;
            }
            generation = all.len();
            all.extend(children);
        }
        all.retain(|c| world.survives(c));
        all
    };
    let mut all = draw(&world);
    let mut attempt = 0;
    while (all.len() as u64) < config.cases {
        attempt += 1;
        if attempt > 4 {
            return Err(Error::InvalidOption {
                option: "cases",
                message: format!(
                    "{} drawn of {} asked even with {:.0} % headroom: the grid layer is too small for this many cases",
                    all.len(),
                    config.cases,
                    (headroom * 1.25f64.powi(4) - 1.0) * 100.0
                ),
            });
        }
        world.drivers = generate::drivers(
            &city,
            &world.classes,
            &laid,
            &clusters,
            &days,
            config.cases as f64 * headroom * 1.25f64.powi(attempt),
        );
        all = draw(&world);
    }
    all.par_sort_unstable_by(|a, b| a.at.cmp(&b.at).then(a.key.cmp(&b.key)));
    let drawn = all.len();
    if drawn as u64 > config.cases {
        let mut order: Vec<usize> = (0..drawn).collect();
        let mut rng = stream(seed, Purpose::Thinning, &[u64::MAX]);
        let (kept, _) = order.partial_shuffle(&mut rng, config.cases as usize);
        let mut keep = vec![false; drawn];
        for &i in kept.iter() {
            keep[i] = true;
        }
        let mut flags = keep.into_iter();
        all.retain(|_| flags.next().unwrap_or(false));
    }

    let end = days
        .last()
        .map_or(config.start, |d| d.date + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let lives: Vec<generate::Lifecycle> = all.par_iter().map(|c| world.lifecycle(c, end)).collect();
    let observed_at: Vec<geo::Coord> = all.par_iter().map(|c| observed(&world, c)).collect();
    let plan = Transformer::new(layer.crs(), Crs::wgs84())?.plan().clone();
    let lonlat: Vec<Option<(f64, f64)>> =
        par_transform(&observed_at, &plan, |t, p| t.transform(p.x, p.y).ok())?;

    let round7 = |v: f64| (v * 1e7).round() / 1e7;
    let mut per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    let mut rows: Vec<Row> = Vec::with_capacity(all.len());
    for ((case, life), ll) in all.iter().zip(lives).zip(lonlat) {
        let n = per_day.entry(case.at.date()).or_insert(0);
        *n += 1;
        let info = &world.classes[case.class as usize];
        let (crs, point) = match (case.source, ll) {
            (CaseSource::CitizenApp, Some((lon, lat))) => ("gcj02", Some(wgs84_to_gcj02(lon, lat))),
            (_, p) => ("wgs84", p),
        };
        rows.push(Row {
            id: format!("{}{:06}", case.at.format("%Y%m%d"), n),
            source: case.source,
            kind: info.kind,
            class: info.code,
            reported: case.at,
            lon: point.map(|p| round7(p.0)),
            lat: point.map(|p| round7(p.1)),
            crs,
            component: case.component,
            life,
        });
    }
    let defects = plant_defects(&mut rows, config, seed);
    let cases = case_table(&rows, &world, &components)?;
    let truth = ground_truth(&world, &all, &rows, &defects, config, drawn)?;
    Ok(Simulation {
        config: config.clone(),
        components,
        cases,
        truth,
    })
}

/// Corrupts `defect_rate` of the rows, cycling through [`DEFECTS`], never two neighbours (so a
/// duplicated id always copies a valid row). Returns (row index, defect index).
fn plant_defects(rows: &mut [Row], config: &SimulationConfig, seed: u64) -> Vec<(usize, usize)> {
    let n = rows.len();
    let want = ((n as f64) * config.defect_rate).round() as usize;
    let want = want.min(n / 3);
    let mut rng = stream(seed, Purpose::Defects, &[]);
    let mut order: Vec<usize> = (1..n).collect();
    order.shuffle(&mut rng);
    let mut taken = vec![false; n];
    let mut out = Vec::new();
    for i in order {
        if out.len() == want {
            break;
        }
        if taken[i] || taken[i - 1] || taken.get(i + 1).copied().unwrap_or(false) {
            continue;
        }
        taken[i] = true;
        let kind = out.len() % DEFECTS.len();
        out.push((i, kind));
    }
    out.sort_unstable();
    for &(i, kind) in &out {
        let previous_id = rows[i - 1].id.clone();
        let row = &mut rows[i];
        match DEFECTS[kind].0 {
            "swapped_coordinates" => {
                std::mem::swap(&mut row.lon, &mut row.lat);
            }
            "outside_city" => {
                // About 50 km out to sea.
                row.lon = row.lon.map(|v| v + 0.6);
            }
            "missing_coordinates" => {
                row.lon = None;
                row.lat = None;
            }
            "unknown_class" => {
                row.class = "0999";
                row.kind = CaseKind::Event;
            }
            "closed_before_filed" => {
                row.life.closed = Some(row.reported - Duration::hours(2));
            }
            "duplicate_id" => row.id = previous_id,
            _ => {
                // A device clock gone wrong: the year 2099.
                // (29 February has no 2099 twin: a day later then.)
                row.reported = row
                    .reported
                    .with_year(2099)
                    .unwrap_or_else(|| row.reported + Duration::days(365 * 76));
            }
        }
    }
    out
}

/// The case rows as the canonical input columns, typed.
fn case_table(rows: &[Row], world: &World<'_>, components: &ComponentLayer) -> Result<DataFrame> {
    let ms = |t: Option<NaiveDateTime>| t.map(|t| t.and_utc().timestamp_millis());
    let time = |name: &str, f: &dyn Fn(&Row) -> Option<NaiveDateTime>| -> PolarsResult<Column> {
        Column::new(
            name.into(),
            rows.iter().map(|r| ms(f(r))).collect::<Vec<_>>(),
        )
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
    };
    fn text_column<'a>(
        name: &str,
        rows: &'a [Row],
        f: impl Fn(&'a Row) -> Option<&'a str>,
    ) -> Column {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    }
    let text =
        |name: &str, f: &dyn Fn(&Row) -> Option<&str>| -> Column { text_column(name, rows, f) };
    let list = components.components();
    let supervisors = &world.performance.supervisors;
    let context = || "assembling the simulated case table".to_owned();
    DataFrame::new_infer_height(vec![
        text(cs::CASE_ID, &|r| Some(r.id.as_str())),
        text(cs::SOURCE, &|r| Some(r.source.as_str())),
        text(cs::KIND, &|r| Some(r.kind.as_str())),
        text(cs::CLASS_CODE, &|r| Some(r.class)),
        time(cs::REPORTED_AT, &|r| Some(r.reported)).context(context)?,
        Column::new(
            cs::LON.into(),
            rows.iter().map(|r| r.lon).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::LAT.into(),
            rows.iter().map(|r| r.lat).collect::<Vec<_>>(),
        ),
        text(cs::CRS, &|r| Some(r.crs)),
        text_column(cs::COMPONENT_CODE, rows, |r| {
            r.component.map(|c| list[c as usize].code.as_str())
        }),
        text_column(cs::DEPARTMENT, rows, |r| {
            r.life.department.map(|d| world.department_name(d))
        }),
        time(cs::FILED_AT, &|r| r.life.filed).context(context)?,
        time(cs::VOIDED_AT, &|r| r.life.voided).context(context)?,
        time(cs::DISPATCHED_AT, &|r| r.life.dispatched).context(context)?,
        time(cs::DISPOSED_AT, &|r| r.life.disposed).context(context)?,
        time(cs::CHECKED_AT, &|r| r.life.checked).context(context)?,
        time(cs::CLOSED_AT, &|r| r.life.closed).context(context)?,
        Column::new(
            cs::REWORK_COUNT.into(),
            rows.iter().map(|r| r.life.rework).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::PUBLIC_REPORT.into(),
            rows.iter()
                .map(|r| r.source.is_public())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            cs::PUBLIC_REPORT_VERIFIED.into(),
            rows.iter().map(|r| r.life.verified).collect::<Vec<_>>(),
        ),
        text_column(cs::SUPERVISOR_ID, rows, |r| {
            r.life
                .supervisor
                .and_then(|s| supervisors.get(s as usize))
                .map(|(id, _)| id.as_str())
        }),
    ])
    .context(context)
}

fn ground_truth(
    world: &World<'_>,
    all: &[RawCase],
    rows: &[Row],
    defects: &[(usize, usize)],
    config: &SimulationConfig,
    drawn: usize,
) -> Result<GroundTruth> {
    let layer = world.index.layer();
    let code = |g: u32| layer.grids()[g as usize].code.as_str();
    let context = || "assembling the simulation's ground truth".to_owned();
    let driver_name = |c: &RawCase| world.drivers[c.driver as usize].name;
    let cases = DataFrame::new_infer_height(vec![
        Column::new(
            "row_number".into(),
            (1..=rows.len() as u64).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::CASE_ID.into(),
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::X_M.into(),
            all.iter().map(|c| c.pos.x).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::Y_M.into(),
            all.iter().map(|c| c.pos.y).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::GRID_CODE.into(),
            all.iter().map(|c| code(c.grid)).collect::<Vec<_>>(),
        ),
        Column::new(
            "driver".into(),
            all.iter().map(driver_name).collect::<Vec<_>>(),
        ),
        Column::new(
            "cluster_id".into(),
            all.iter()
                .map(|c| match world.drivers[c.driver as usize].spatial {
                    generate::Spatial::Cluster(i) => world.clusters[i].id as u32,
                    _ => 0,
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "generation".into(),
            all.iter()
                .map(|c| u32::from(c.generation))
                .collect::<Vec<_>>(),
        ),
    ])
    .context(context)?;

    let clusters = world.clusters;
    let hotspots = DataFrame::new_infer_height(vec![
        Column::new(
            "cluster_id".into(),
            clusters.iter().map(|c| c.id as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "type".into(),
            clusters.iter().map(|c| c.kind.name()).collect::<Vec<_>>(),
        ),
        Column::new(
            "direction".into(),
            clusters
                .iter()
                .map(|c| {
                    if c.kind == PlantType::PersistentCold {
                        "cold"
                    } else {
                        "hot"
                    }
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "centre_x_m".into(),
            clusters.iter().map(|c| c.centre.x).collect::<Vec<_>>(),
        ),
        Column::new(
            "centre_y_m".into(),
            clusters.iter().map(|c| c.centre.y).collect::<Vec<_>>(),
        ),
        Column::new(
            "radius_m".into(),
            clusters.iter().map(|c| c.radius).collect::<Vec<_>>(),
        ),
        Column::new(
            "grids".into(),
            clusters
                .iter()
                .map(|c| c.grids.len() as u32)
                .collect::<Vec<_>>(),
        ),
        Column::new("step".into(), vec!["month"; clusters.len()]),
    ])
    .context(context)?;
    let pairs: Vec<(&plan::Cluster, u32)> = clusters
        .iter()
        .flat_map(|c| c.grids.iter().map(move |g| (c, *g)))
        .collect();
    let hotspot_grids = DataFrame::new_infer_height(vec![
        Column::new(
            cs::GRID_CODE.into(),
            pairs.iter().map(|(_, g)| code(*g)).collect::<Vec<_>>(),
        ),
        Column::new(
            "cluster_id".into(),
            pairs.iter().map(|(c, _)| c.id as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "type".into(),
            pairs.iter().map(|(c, _)| c.kind.name()).collect::<Vec<_>>(),
        ),
    ])
    .context(context)?;
    let start = config.start;
    let month_label = |m: usize| {
        let total = start.year() * 12 + start.month0() as i32 + m as i32;
        format!(
            "{:04}-{:02}",
            total.div_euclid(12),
            total.rem_euclid(12) + 1
        )
    };
    let steps: Vec<(&plan::Cluster, usize)> = clusters
        .iter()
        .flat_map(|c| (0..c.excess.len()).map(move |m| (c, m)))
        .collect();
    let hotspot_profiles = DataFrame::new_infer_height(vec![
        Column::new(
            "cluster_id".into(),
            steps.iter().map(|(c, _)| c.id as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "month".into(),
            steps
                .iter()
                .map(|(_, m)| month_label(*m))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "excess".into(),
            steps.iter().map(|(c, m)| c.excess[*m]).collect::<Vec<_>>(),
        ),
        Column::new(
            "keep".into(),
            steps.iter().map(|(c, m)| c.keep[*m]).collect::<Vec<_>>(),
        ),
    ])
    .context(context)?;

    let perf = world.performance;
    let mut scope = Vec::new();
    let mut id = Vec::new();
    let mut level: Vec<&str> = Vec::new();
    let mut time_factor = Vec::new();
    let mut rework = Vec::new();
    let mut stall = Vec::new();
    let mut coverage = Vec::new();
    let mut invalid = Vec::new();
    for (name, d) in &perf.departments {
        scope.push("department");
        id.push((*name).to_owned());
        level.push(d.level.as_str());
        time_factor.push(Some(d.time_factor));
        rework.push(Some(d.rework));
        stall.push(Some(d.stall));
        coverage.push(None);
        invalid.push(None);
    }
    for (street, d) in &perf.streets {
        scope.push("street_office");
        id.push(format!("street office {street}"));
        level.push(d.level.as_str());
        time_factor.push(Some(d.time_factor));
        rework.push(Some(d.rework));
        stall.push(Some(d.stall));
        coverage.push(None);
        invalid.push(None);
    }
    for (sid, p) in &perf.supervisors {
        scope.push("supervisor");
        id.push(sid.clone());
        level.push(p.level.as_str());
        time_factor.push(Some(p.check_factor));
        rework.push(None);
        stall.push(None);
        coverage.push(Some(p.coverage));
        invalid.push(Some(p.invalid));
    }
    let performance = DataFrame::new_infer_height(vec![
        Column::new("scope".into(), scope),
        Column::new("id".into(), id),
        Column::new("level".into(), level),
        Column::new("time_factor".into(), time_factor),
        Column::new("rework_probability".into(), rework),
        Column::new("stall_probability".into(), stall),
        Column::new("patrol_coverage".into(), coverage),
        Column::new("invalid_report_probability".into(), invalid),
    ])
    .context(context)?;

    let defects_df = DataFrame::new_infer_height(vec![
        Column::new(
            "row_number".into(),
            defects
                .iter()
                .map(|(i, _)| *i as u64 + 1)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            cs::CASE_ID.into(),
            defects
                .iter()
                .map(|(i, _)| rows[*i].id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "defect".into(),
            defects
                .iter()
                .map(|(_, k)| DEFECTS[*k].0)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "expected_field".into(),
            defects
                .iter()
                .map(|(_, k)| DEFECTS[*k].1)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "expected_reason".into(),
            defects
                .iter()
                .map(|(_, k)| DEFECTS[*k].2)
                .collect::<Vec<_>>(),
        ),
    ])
    .context(context)?;
    let days = world.days;
    let weather = DataFrame::new_infer_height(vec![
        Column::new(
            "date".into(),
            days.iter().map(|d| d.date.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            "rain".into(),
            days.iter().map(|d| d.rain).collect::<Vec<_>>(),
        ),
        Column::new(
            "holiday".into(),
            days.iter()
                .map(|d| world.calendar.holiday(d.date).map(str::to_owned))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "school_day".into(),
            days.iter().map(|d| d.school).collect::<Vec<_>>(),
        ),
    ])
    .context(context)?;
    let places = &world.city.places;
    let places = DataFrame::new_infer_height(vec![
        Column::new(
            "kind".into(),
            places.iter().map(|p| p.kind).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::X_M.into(),
            places.iter().map(|p| p.at.x).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::Y_M.into(),
            places.iter().map(|p| p.at.y).collect::<Vec<_>>(),
        ),
    ])
    .context(context)?;

    let mut by_source: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_driver: BTreeMap<&str, u64> = BTreeMap::new();
    for (row, case) in rows.iter().zip(all) {
        *by_source.entry(row.source.as_str()).or_default() += 1;
        *by_driver.entry(driver_name(case)).or_default() += 1;
    }
    let mut by_defect: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, k) in defects {
        *by_defect.entry(DEFECTS[*k].0).or_default() += 1;
    }
    let levels =
        |f: &dyn Fn(Level) -> bool| perf.supervisors.iter().filter(|(_, p)| f(p.level)).count();
    let summary = serde_json::json!({
        "config": config,
        "cases": rows.len(),
        "drawn_before_thinning": drawn,
        "near_repeats": all.iter().filter(|c| c.generation > 0).count(),
        "components": world.components.len(),
        "grids": layer.len(),
        "days": days.len(),
        "by_source": by_source,
        "by_driver": by_driver,
        "defects": by_defect,
        "planted_hotspots": clusters.iter().map(|c| serde_json::json!({"cluster_id": c.id, "type": c.kind.name(), "grids": c.grids.len()})).collect::<Vec<_>>(),
        "supervisors": {"total": perf.supervisors.len(), "poor": levels(&|l| l == Level::Poor), "good": levels(&|l| l == Level::Good)},
    });
    Ok(GroundTruth {
        cases,
        hotspots,
        hotspot_grids,
        hotspot_profiles,
        performance,
        defects: defects_df,
        weather,
        places,
        summary,
    })
}

impl Simulation {
    /// Writes the history to `dir`: `cases.parquet`, `components.parquet` (GeoParquet in
    /// `crs`), `simulation.json`, and the ground truth under `truth/`. Each file is written
    /// atomically.
    pub fn write(&mut self, dir: &Path, crs: Crs) -> Result<()> {
        let truth_dir = dir.join("truth");
        write_table(&mut self.cases, &dir.join("cases.parquet"))?;
        crate::grid_io::write_components(&self.components, &dir.join("components.parquet"), crs)?;
        let t = &mut self.truth;
        write_table(&mut t.cases, &truth_dir.join("cases.parquet"))?;
        for (name, table) in [
            ("hotspots.csv", &mut t.hotspots),
            ("hotspot_grids.csv", &mut t.hotspot_grids),
            ("hotspot_profiles.csv", &mut t.hotspot_profiles),
            ("performance.csv", &mut t.performance),
            ("defects.csv", &mut t.defects),
            ("weather.csv", &mut t.weather),
            ("places.csv", &mut t.places),
        ] {
            write_table(table, &truth_dir.join(name))?;
        }
        let json = serde_json::to_vec_pretty(&t.summary).unwrap_or_default();
        let path = dir.join("simulation.json");
        grid_core::io::write_atomic(&path, |w| Ok(w.write_all(&json)?))?;
        Ok(())
    }
}
