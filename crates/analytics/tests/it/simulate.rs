//! The simulator: exact size, determinism whatever the thread count, defects that validation
//! catches one for one, and the planted effects present in the data.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use geo::{MultiPolygon, Rect, coord};
use grid_analytics::case_schema as cs;
use grid_analytics::simulate::{Simulation, SimulationConfig, SimulationInput, simulate};
use grid_analytics::validate::{ValidateOptions, ValidatedCases, validate_cases};
use grid_core::calendar::{OfficeHours, WorkCalendar};
use grid_core::grid::GridBuilder;
use grid_core::index::GridIndex;
use grid_core::{ClassCatalog, Crs, DivisionCode};
use polars::prelude::*;

/// An 8 × 8 km city near Rizhao in EPSG:4549: four streets of 4 × 4 km, 6,400 grids.
fn city() -> &'static GridIndex {
    static CITY: OnceLock<GridIndex> = OnceLock::new();
    CITY.get_or_init(|| {
        let (x0, y0) = (450_000.0, 3_914_000.0);
        let areas: Vec<(DivisionCode, MultiPolygon<f64>)> = (0..4)
            .map(|k| {
                let (i, j) = (f64::from(k % 2), f64::from(k / 2));
                let min = coord! { x: x0 + i * 4000.0, y: y0 + j * 4000.0 };
                let max = coord! { x: min.x + 4000.0, y: min.y + 4000.0 };
                let code = format!("37110200{}", k + 1).parse().unwrap();
                (
                    code,
                    MultiPolygon::new(vec![Rect::new(min, max).to_polygon()]),
                )
            })
            .collect();
        let (layer, _) = GridBuilder::default()
            .build(Crs::cgcs2000_gk_cm120(), &areas)
            .unwrap();
        GridIndex::new(layer)
    })
}

fn catalog() -> &'static ClassCatalog {
    static CATALOG: OnceLock<ClassCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| ClassCatalog::bundled().unwrap())
}

fn calendar() -> &'static WorkCalendar {
    static CALENDAR: OnceLock<WorkCalendar> = OnceLock::new();
    CALENDAR.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/calendar/china_holidays.csv");
        WorkCalendar::load(&path, OfficeHours::default()).unwrap()
    })
}

fn input() -> SimulationInput<'static> {
    SimulationInput {
        grids: city(),
        catalog: catalog(),
        calendar: calendar(),
    }
}

fn config(seed: u64, years: u32, cases: u64) -> SimulationConfig {
    SimulationConfig {
        seed,
        start: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
        years,
        cases,
        defect_rate: 0.005,
    }
}

/// Three years, 80,000 cases, simulated once for the tests that read it.
fn history() -> &'static Simulation {
    static HISTORY: OnceLock<Simulation> = OnceLock::new();
    HISTORY.get_or_init(|| simulate(&input(), &config(11, 3, 80_000)).unwrap())
}

fn validated() -> &'static ValidatedCases {
    static VALIDATED: OnceLock<ValidatedCases> = OnceLock::new();
    VALIDATED.get_or_init(|| {
        let options = ValidateOptions {
            cutoff: None,
            catalog: catalog(),
            calendar: calendar(),
            grids: Some(city()),
            working_crs: Crs::cgcs2000_gk_cm120(),
            default_crs: Crs::wgs84(),
            now: NaiveDate::from_ymd_opt(2026, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        };
        validate_cases(&history().cases, "simulated", &options).unwrap()
    })
}

fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

fn times(df: &DataFrame, name: &str) -> Vec<Option<NaiveDateTime>> {
    let c = df.column(name).unwrap().cast(&DataType::Int64).unwrap();
    c.i64()
        .unwrap()
        .iter()
        .map(|v| {
            v.and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| t.naive_utc())
        })
        .collect()
}

fn nums(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    let c = df.column(name).unwrap().cast(&DataType::Float64).unwrap();
    c.f64().unwrap().iter().collect()
}

fn flags(df: &DataFrame, name: &str) -> Vec<Option<bool>> {
    df.column(name).unwrap().bool().unwrap().iter().collect()
}

#[test]
fn writes_exactly_the_cases_asked_for_in_the_input_schema() {
    let sim = history();
    assert_eq!(sim.cases.height(), 80_000);
    assert_eq!(sim.truth.cases.height(), 80_000);
    let input_columns: Vec<&str> = cs::case_columns()
        .iter()
        .filter(|c| !c.derived)
        .map(|c| c.name)
        .collect();
    let names: Vec<&str> = sim
        .cases
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(names, input_columns);
    // Typed as the schema says.
    for column in cs::case_columns().iter().filter(|c| !c.derived) {
        assert_eq!(
            sim.cases.column(column.name).unwrap().dtype(),
            &column.dtype,
            "{}",
            column.name
        );
    }
    // App reports come in GCJ-02, everything else in WGS84.
    let sources = strs(&sim.cases, cs::SOURCE);
    let crs = strs(&sim.cases, cs::CRS);
    for (s, c) in sources.iter().zip(&crs) {
        let expected = if s.as_deref() == Some("citizen_app") {
            "gcj02"
        } else {
            "wgs84"
        };
        assert_eq!(c.as_deref(), Some(expected));
    }
    // The component inventory: codes unique, every class in the catalog.
    let codes: HashSet<String> = sim
        .components
        .components()
        .iter()
        .map(|c| c.code.to_string())
        .collect();
    assert_eq!(codes.len(), sim.components.components().len());
    assert!(codes.len() > 20_000, "{}", codes.len());
}

#[test]
fn the_same_seed_gives_the_same_history_whatever_the_thread_count() {
    let run = |threads: usize, seed: u64| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(&input(), &config(seed, 1, 8_000)).unwrap())
    };
    let (one, three) = (run(1, 5), run(3, 5));
    assert!(one.cases.equals_missing(&three.cases));
    assert!(one.truth.cases.equals_missing(&three.truth.cases));
    assert!(
        one.truth
            .performance
            .equals_missing(&three.truth.performance)
    );
    assert_eq!(one.components.components(), three.components.components());
    let other = run(2, 6);
    assert!(!one.cases.equals_missing(&other.cases));
}

#[test]
fn validation_rejects_exactly_the_planted_defects() {
    let sim = history();
    let defects = &sim.truth.defects;
    assert_eq!(defects.height(), 400);
    let rows = nums(defects, "row_number");
    let fields = strs(defects, "expected_field");
    let reasons = strs(defects, "expected_reason");
    let planted: HashSet<(usize, String, String)> = (0..defects.height())
        .map(|i| {
            (
                rows[i].unwrap() as usize,
                fields[i].clone().unwrap(),
                reasons[i].clone().unwrap(),
            )
        })
        .collect();
    let found: HashSet<(usize, String, String)> = validated()
        .rejections
        .iter()
        .map(|r| (r.row, r.field.clone(), r.reason.as_str().to_owned()))
        .collect();
    assert_eq!(found, planted);
    // Every kind of defect is planted.
    let kinds: HashSet<String> = strs(defects, "defect").into_iter().flatten().collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
}

/// Per-row facts of the history: reported time, class, source, true grid, driver, generation.
struct Facts {
    at: Vec<NaiveDateTime>,
    class: Vec<String>,
    source: Vec<String>,
    grid: Vec<String>,
    generation: Vec<f64>,
}

fn facts() -> Facts {
    let sim = history();
    let truth = &sim.truth.cases;
    Facts {
        at: times(&sim.cases, cs::REPORTED_AT)
            .into_iter()
            .flatten()
            .collect(),
        class: strs(&sim.cases, cs::CLASS_CODE)
            .into_iter()
            .flatten()
            .collect(),
        source: strs(&sim.cases, cs::SOURCE).into_iter().flatten().collect(),
        grid: strs(truth, cs::GRID_CODE).into_iter().flatten().collect(),
        generation: nums(truth, "generation").into_iter().flatten().collect(),
    }
}

/// Cases per day over the days matching `day`, among rows matching `row`.
fn per_day(f: &Facts, day: impl Fn(NaiveDate) -> bool, row: impl Fn(usize) -> bool) -> f64 {
    let days: HashSet<NaiveDate> = f.at.iter().map(|t| t.date()).filter(|d| day(*d)).collect();
    let n = (0..f.at.len())
        .filter(|&i| row(i) && day(f.at[i].date()))
        .count();
    n as f64 / days.len().max(1) as f64
}

#[test]
fn seasons_weekdays_holidays_and_rain_show_in_the_counts() {
    let f = facts();
    // The future-time defects moved to 2099; keep to the history.
    let real = |i: usize| f.at[i].year() < 2030;
    let summer = per_day(&f, |d| matches!(d.month(), 7 | 8), real);
    let winter = per_day(&f, |d| matches!(d.month(), 1 | 2), real);
    assert!(
        summer > 1.25 * winter,
        "summer {summer:.1}/day, winter {winter:.1}/day"
    );

    let weekend = |d: NaiveDate| d.weekday().num_days_from_monday() >= 5;
    let patrol = |i: usize| real(i) && f.source[i] == "supervisor";
    let (work, rest) = (
        per_day(&f, |d| !weekend(d), patrol),
        per_day(&f, weekend, patrol),
    );
    assert!(
        work > 1.5 * rest,
        "supervisor reports {work:.1} vs {rest:.1}/day"
    );

    let weather = &history().truth.weather;
    let dates: Vec<NaiveDate> = strs(weather, "date")
        .into_iter()
        .map(|d| d.unwrap().parse().unwrap())
        .collect();
    let rain: HashMap<NaiveDate, f64> = dates
        .iter()
        .copied()
        .zip(nums(weather, "rain").into_iter().flatten())
        .collect();
    let sewer = |i: usize| real(i) && f.class[i] == "0404";
    let heavy = per_day(&f, |d| rain.get(&d).copied().unwrap_or(0.0) >= 1.0, sewer);
    let dry = per_day(&f, |d| rain.get(&d).copied().unwrap_or(0.0) == 0.0, sewer);
    assert!(
        heavy > 5.0 * dry.max(0.01),
        "blocked sewers {heavy:.2} vs {dry:.2}/day"
    );

    let festival: HashSet<NaiveDate> = strs(weather, "holiday")
        .into_iter()
        .zip(&dates)
        .filter(|(h, _)| h.as_deref().is_some_and(|h| h.contains("春节")))
        .map(|(_, d)| *d)
        .collect();
    assert!(festival.len() >= 21, "{}", festival.len());
    let rubbish = |i: usize| real(i) && f.class[i] == "0102";
    let during = per_day(&f, |d| festival.contains(&d), rubbish);
    let otherwise = per_day(&f, |d| !festival.contains(&d), rubbish);
    assert!(
        during > 1.5 * otherwise,
        "rubbish {during:.1} vs {otherwise:.1}/day"
    );

    let repeats = f.generation.iter().filter(|g| **g > 0.0).count() as f64 / f.at.len() as f64;
    assert!((0.08..0.17).contains(&repeats), "near repeats {repeats:.3}");
}

#[test]
fn the_core_is_busier_than_the_outskirts() {
    let f = facts();
    let layer = city().layer();
    let mut per_grid: HashMap<&str, usize> = HashMap::new();
    for g in &f.grid {
        *per_grid.entry(g.as_str()).or_default() += 1;
    }
    let places = &history().truth.places;
    let kinds = strs(places, "kind");
    let (xs, ys) = (nums(places, cs::X_M), nums(places, cs::Y_M));
    let cores: Vec<(f64, f64)> = (0..kinds.len())
        .filter(|&i| kinds[i].as_deref() == Some("core"))
        .map(|i| (xs[i].unwrap(), ys[i].unwrap()))
        .collect();
    assert_eq!(cores.len(), 2);
    let planted: HashSet<String> = strs(&history().truth.hotspot_grids, cs::GRID_CODE)
        .into_iter()
        .flatten()
        .collect();
    let east = layer
        .grids()
        .iter()
        .map(|g| {
            geo::BoundingRect::bounding_rect(&g.geometry)
                .unwrap()
                .max()
                .x
        })
        .fold(f64::MIN, f64::max);
    let mut near = Vec::new();
    let mut far = Vec::new();
    for g in layer.grids() {
        if planted.contains(g.code.as_str()) {
            continue;
        }
        let c = geo::Centroid::centroid(&g.geometry).unwrap();
        let d = |p: (f64, f64)| ((c.x() - p.0).powi(2) + (c.y() - p.1).powi(2)).sqrt();
        let n = per_grid.get(g.code.as_str()).copied().unwrap_or(0) as f64;
        if d(cores[0]) < 800.0 {
            near.push(n);
        } else if d(cores[0]) > 4000.0 && d(cores[1]) > 3000.0 && east - c.x() > 1000.0 {
            far.push(n);
        }
    }
    assert!(
        near.len() > 100 && far.len() > 100,
        "{} near, {} far",
        near.len(),
        far.len()
    );
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    assert!(
        mean(&near) > 2.5 * mean(&far),
        "near {:.1}, far {:.1}",
        mean(&near),
        mean(&far)
    );
}

#[test]
fn planted_hot_and_cold_spots_follow_their_profiles() {
    let f = facts();
    let truth = &history().truth;
    let ids = nums(&truth.hotspots, "cluster_id");
    let types = strs(&truth.hotspots, "type");
    assert!(types.len() >= 8, "only {} clusters placed", types.len());
    let grid_cluster: HashMap<String, u32> = strs(&truth.hotspot_grids, cs::GRID_CODE)
        .into_iter()
        .zip(nums(&truth.hotspot_grids, "cluster_id"))
        .map(|(g, c)| (g.unwrap(), c.unwrap() as u32))
        .collect();
    let grids_of = |id: u32| grid_cluster.values().filter(|c| **c == id).count() as f64;
    // Cases per grid and month, by cluster, over the 36 months.
    let mut counts: HashMap<u32, [f64; 36]> = HashMap::new();
    let mut city_total = [0.0f64; 36];
    for i in 0..f.at.len() {
        if f.at[i].year() >= 2030 {
            continue;
        }
        let m = ((f.at[i].year() - 2023) * 12 + f.at[i].month0() as i32) as usize;
        city_total[m] += 1.0;
        if let Some(c) = grid_cluster.get(&f.grid[i]) {
            counts.entry(*c).or_insert([0.0; 36])[m] += 1.0;
        }
    }
    let n_grids = city().layer().len() as f64;
    let city_mean = city_total.iter().sum::<f64>() / 36.0 / n_grids;
    let avg = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    for (id, kind) in ids.iter().zip(&types) {
        let id = id.unwrap() as u32;
        let kind = kind.as_deref().unwrap();
        let per_grid: Vec<f64> = counts
            .get(&id)
            .copied()
            .unwrap_or([0.0; 36])
            .iter()
            .map(|c| c / grids_of(id))
            .collect();
        let rate = |from: usize, to: usize| avg(&per_grid[from..to]) / city_mean;
        let message = format!(
            "{kind}: per-grid monthly rates / city mean {:?}",
            per_grid
                .iter()
                .map(|r| (r / city_mean * 10.0).round() / 10.0)
                .collect::<Vec<_>>()
        );
        match kind {
            "persistent hot spot" => assert!(rate(0, 12) > 5.0 && rate(24, 36) > 5.0, "{message}"),
            "intensifying hot spot" => {
                assert!(
                    rate(24, 36) > 1.6 * rate(0, 12) && rate(0, 12) > 3.0,
                    "{message}"
                )
            }
            "diminishing hot spot" => {
                assert!(
                    rate(0, 12) > 1.6 * rate(24, 36) && rate(24, 36) > 3.0,
                    "{message}"
                )
            }
            "new hot spot" => assert!(rate(35, 36) > 5.0 * rate(0, 35), "{message}"),
            "consecutive hot spot" => {
                assert!(rate(32, 36) > 5.0 * rate(0, 32), "{message}")
            }
            "historical hot spot" => {
                assert!(rate(0, 33) > 4.0 * rate(33, 36).max(0.2), "{message}")
            }
            "sporadic hot spot" => {
                let hot = per_grid.iter().filter(|r| **r > 5.0 * city_mean).count();
                assert!((3..27).contains(&hot), "{message}");
                assert!(rate(35, 36) > 5.0, "{message}");
            }
            "oscillating hot spot" => {
                // Hot in the last three months, suppressed in the three before.
                assert!(rate(33, 36) > 4.0 * rate(30, 33).max(0.1), "{message}");
                assert!(rate(30, 33) < 0.5, "{message}");
            }
            "persistent cold spot" => assert!(rate(0, 36) < 0.3, "{message}"),
            other => panic!("unexpected type {other}"),
        }
    }
}

#[test]
fn planted_poor_performers_perform_poorly() {
    let sim = history();
    let clean = &validated().clean;
    let perf = &sim.truth.performance;
    let level: HashMap<String, String> = strs(perf, "id")
        .into_iter()
        .zip(strs(perf, "level"))
        .map(|(i, l)| (i.unwrap(), l.unwrap()))
        .collect();
    let departments = strs(clean, cs::DEPARTMENT);
    let on_time = flags(clean, "on_time");
    let reworked = flags(clean, "reworked");
    let mut by_level: HashMap<&str, (f64, f64, f64)> = HashMap::new();
    for i in 0..clean.height() {
        let (Some(d), Some(t)) = (&departments[i], on_time[i]) else {
            continue;
        };
        let l = level.get(d).map_or("normal", String::as_str);
        let e = by_level.entry(l).or_default();
        e.0 += 1.0;
        e.1 += f64::from(u8::from(t));
        e.2 += f64::from(u8::from(reworked[i].unwrap_or(false)));
    }
    let rate = |l: &str| {
        let e = by_level[l];
        (e.1 / e.0, e.2 / e.0)
    };
    let (good, normal, poor) = (rate("good"), rate("normal"), rate("poor"));
    assert!(
        good.0 > 0.9 && poor.0 < 0.5 && normal.0 > poor.0 + 0.2,
        "on time {good:?} {normal:?} {poor:?}"
    );
    assert!(
        poor.1 > 2.0 * normal.1 && normal.1 > good.1,
        "rework {good:?} {normal:?} {poor:?}"
    );

    // Poor supervisors find fewer problems first and file more invalid reports.
    let supervisors = strs(clean, cs::SUPERVISOR_ID);
    let sources = strs(clean, cs::SOURCE);
    let voided = times(clean, cs::VOIDED_AT);
    let mut patrol: HashMap<&str, (f64, f64, f64, f64)> = HashMap::new();
    for i in 0..clean.height() {
        let l = supervisors[i]
            .as_ref()
            .and_then(|s| level.get(s))
            .map_or("normal", String::as_str);
        let e = patrol.entry(l).or_default();
        e.0 += 1.0;
        if sources[i].as_deref() == Some("supervisor") {
            e.1 += 1.0;
            e.2 += 1.0;
            e.3 += f64::from(u8::from(voided[i].is_some()));
        }
    }
    let share = |l: &str| patrol[l].1 / patrol[l].0;
    let invalid = |l: &str| patrol[l].3 / patrol[l].2;
    assert!(share("poor") + 0.15 < share("normal"), "{patrol:?}");
    assert!(invalid("poor") > 2.0 * invalid("normal"), "{patrol:?}");
}

#[test]
fn bad_settings_are_errors_naming_the_setting() {
    for (config, name) in [
        (config(1, 0, 100), "years"),
        (config(1, 1, 0), "cases"),
        (
            SimulationConfig {
                defect_rate: 0.9,
                ..config(1, 1, 100)
            },
            "defect rate",
        ),
    ] {
        let err = simulate(&input(), &config).unwrap_err().to_string();
        assert!(err.starts_with(name), "{err}");
    }
}
