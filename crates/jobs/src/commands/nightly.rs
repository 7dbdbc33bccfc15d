//! `citygrid nightly`: the nightly job.
//!
//! Until the hotspot, forecast and assessment stages land, this runs the stages that exist
//! (codes, divisions, district boundaries, the central city's unit grids, the case history and
//! its validation) on the city's data folder and says plainly which are still to come.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::Datelike;
use grid_analytics::convert::convert_features;
use grid_analytics::grid_io::write_grids;
use grid_analytics::simulate::{SimulationConfig, SimulationInput, simulate};
use grid_analytics::validate::{ValidateOptions, parse_time};
use grid_core::codes::read_division_table;
use grid_core::grid::GridBuilder;
use grid_core::index::GridIndex;
use grid_core::io::{read_feature_collection, write_feature_collection};
use grid_core::measure::area_m2;
use grid_core::{Crs, DivisionCode, DivisionLevel};

use super::grid::{GridSource, build_grids};
use super::simulate::{load_calendar, load_codes};
use super::validate::{Request, validate_file};
use crate::config::Config;
use crate::exit::{Outcome, input};

/// Arguments of `citygrid nightly`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The city's data folder (the bundled sample city by default).
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    /// Where outputs go.
    #[arg(long, default_value = "out", value_name = "DIR")]
    out: PathBuf,
    /// The working (projected) CRS for areas and distances.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    crs: Crs,
    /// The city's case table (.csv or .parquet). Without it the job simulates the sample city's
    /// history once (`citygrid simulate` defaults) into OUT/sample and reuses it afterwards.
    #[arg(long, value_name = "FILE")]
    cases: Option<PathBuf>,
    /// Size of the simulated sample history when no case table is given.
    #[arg(long, default_value_t = SimulationConfig::default().cases, value_name = "N")]
    sample_cases: u64,
    /// Cut-off for open cases (default: now; for the simulated sample, the end of its history).
    #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
    now: Option<String>,
}

/// The stages of the full nightly job that are not built yet, with the issue that builds them.
const STAGES_TO_COME: [(&str, u32); 4] = [
    ("hotspots and emerging hot spots", 5),
    ("forecasts", 6),
    ("assessment scores", 7),
    (
        "dated output folders, manifest, map pictures, incremental reruns",
        8,
    ),
];

/// Runs `citygrid nightly`.
pub fn run(args: &Args, quiet: bool) -> Result<Outcome> {
    // The summary is the point of this command; --quiet silences it.
    macro_rules! say {
        ($($t:tt)*) => { if !quiet { println!($($t)*); } };
    }
    say!("citygrid nightly: city data in {}", args.data.display());

    let catalog = load_codes(&args.data)?;
    say!(
        "  [codes]      edition {}: {} component classes in {} major classes, {} event classes in {}",
        catalog.edition(),
        catalog.component_classes().count(),
        catalog.component_major_classes().count(),
        catalog.event_classes().count(),
        catalog.event_major_classes().count(),
    );

    let divisions_path = args.data.join("rizhao/divisions.csv");
    let divisions = load_divisions(&divisions_path)?;
    let mut by_level: BTreeMap<DivisionLevel, usize> = BTreeMap::new();
    for code in divisions.keys() {
        *by_level.entry(code.level()).or_default() += 1;
    }
    say!(
        "  [divisions]  {} valid division codes ({})",
        divisions.len(),
        by_level
            .iter()
            .map(|(level, n)| format!("{n} {level:?}"))
            .collect::<Vec<_>>()
            .join(", ")
            .to_lowercase()
    );

    let boundaries = args.data.join("rizhao/districts.geojson");
    let out_path = args.out.join("districts.geojson");
    let rows = district_areas(&boundaries, &divisions, args.crs, &out_path)?;
    say!(
        "  [boundaries] {} districts from {}, areas in {}:",
        rows.len(),
        boundaries.display(),
        args.crs
    );
    for (code, name, area_km2) in &rows {
        say!("                 {code} {name:<24} {area_km2:>8.1} km²");
    }
    say!("  [output]     {}", out_path.display());

    let grids_parquet = args.out.join("grids.parquet");
    let grids_geojson = args.out.join("grids.geojson");
    let source = GridSource {
        boundary: &args.data.join("rizhao/central_city.geojson"),
        communities: Some(&args.data.join("rizhao/communities.geojson")),
        division_code: None,
    };
    let (layer, reports) = build_grids(&source, &GridBuilder::default(), args.crs)?;
    write_grids(&layer, &grids_parquet, args.crs)
        .with_context(|| format!("writing {}", grids_parquet.display()))?;
    write_grids(&layer, &grids_geojson, Crs::wgs84())
        .with_context(|| format!("writing {}", grids_geojson.display()))?;
    let streets: std::collections::BTreeSet<String> = layer
        .grids()
        .iter()
        .map(|g| g.street().to_string())
        .collect();
    say!(
        "  [grids]      {} unit grids of 100 m for the central city ({} streets, {} communities)",
        layer.len(),
        streets.len(),
        reports.len()
    );
    say!(
        "  [output]     {}, {}",
        grids_parquet.display(),
        grids_geojson.display()
    );

    let grids = GridIndex::new(layer);
    let calendar = load_calendar(&args.data)?;
    let (cases_path, simulated_end) = match &args.cases {
        Some(path) => (path.clone(), None),
        None => {
            let config = SimulationConfig {
                cases: args.sample_cases,
                ..SimulationConfig::default()
            };
            let dir = args.out.join("sample");
            let reused = sample_is_current(&dir, &config);
            if !reused {
                let input_tables = SimulationInput {
                    grids: &grids,
                    catalog: &catalog,
                    calendar: &calendar,
                };
                simulate(&input_tables, &config)
                    .and_then(|mut s| s.write(&dir, args.crs))
                    .with_context(|| {
                        format!("simulating the sample city into {}", dir.display())
                    })?;
            }
            say!(
                "  [cases]      {} the sample city's history: {} cases, {} from {} (seed {}) in {}",
                if reused { "reused" } else { "simulated" },
                config.cases,
                plural(config.years, "year"),
                config.start,
                config.seed,
                dir.display()
            );
            let end = config
                .start
                .with_year(config.start.year() + config.years as i32)
                .and_then(|d| d.and_hms_opt(0, 0, 0));
            (dir.join("cases.parquet"), end)
        }
    };
    let now = match (&args.now, simulated_end) {
        (Some(text), _) => parse_time(text)
            .ok_or_else(|| input(anyhow::anyhow!("--now {text:?}: expected YYYY-MM-DD HH:MM")))?,
        (None, Some(end)) => end,
        (None, None) => chrono::Local::now().naive_local(),
    };
    let config = Config::default();
    let report = validate_file(&Request {
        cases: &cases_path,
        config: &config,
        options: ValidateOptions {
            catalog: &catalog,
            calendar: &calendar,
            grids: Some(&grids),
            working_crs: args.crs,
            default_crs: config.cases.crs,
            now,
        },
        out: &args.out,
    })?;
    say!(
        "  [validate]   {} of {} cases valid, {} rejected{} (cut-off {now})",
        report.valid,
        report.rows,
        report.rejected,
        if report.rejected == 0 {
            String::new()
        } else {
            format!(": {}", report.by_reason)
        }
    );
    say!(
        "  [output]     {}, {}, {}",
        args.out.join("cases.parquet").display(),
        args.out.join("rejected.parquet").display(),
        args.out.join("summary.json").display()
    );
    say!("  not built yet (the nightly job gains each stage as its issue lands):");
    for (stage, issue) in STAGES_TO_COME {
        say!("                 {stage} (issue {issue})");
    }
    Ok(if report.rejected == 0 {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Whether `dir` holds a complete simulation drawn with `config`.
fn sample_is_current(dir: &Path, config: &SimulationConfig) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("simulation.json")) else {
        return false;
    };
    let Ok(found) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    serde_json::to_value(config).is_ok_and(|c| found.get("config") == Some(&c))
        && dir.join("cases.parquet").is_file()
        && dir.join("components.parquet").is_file()
}

/// Division code → (Chinese name, English name); every code must be valid.
fn load_divisions(path: &Path) -> Result<BTreeMap<DivisionCode, (String, String)>> {
    Ok(read_division_table(path)
        .map_err(input)?
        .into_iter()
        .map(|r| (r.code, (r.name_zh, r.name_en)))
        .collect())
}

/// Projects the district boundaries, measures them, and writes them as WGS84 GeoJSON with
/// `area_km2`. Returns (code, name, area in km²) per district.
fn district_areas(
    path: &Path,
    divisions: &BTreeMap<DivisionCode, (String, String)>,
    working: Crs,
    out_path: &Path,
) -> Result<Vec<(String, String, f64)>> {
    let layer = read_feature_collection(path).map_err(input)?;
    let projected = convert_features(&layer, Crs::wgs84(), working).map_err(input)?;
    if let Some(first) = projected.rejections.first() {
        return Err(input(anyhow::anyhow!(
            "{}: feature {first}",
            path.display()
        )));
    }
    let mut output = layer.clone();
    let mut rows = Vec::new();
    for (index, (feature, projected)) in output
        .features
        .iter_mut()
        .zip(&projected.features.features)
        .enumerate()
    {
        let field = |e: &dyn std::fmt::Display| {
            input(anyhow::anyhow!(
                "{}: feature {}: field \"adcode\": {e}",
                path.display(),
                index + 1
            ))
        };
        let adcode = feature
            .property("adcode")
            .and_then(|v| v.as_str())
            .ok_or_else(|| field(&"missing or not a string"))?;
        let code: DivisionCode = adcode.parse().map_err(|e| field(&e))?;
        let (zh, en) = divisions
            .get(&code)
            .ok_or_else(|| field(&format!("{code} is not in the division table")))?;
        let geometry = projected
            .geometry
            .clone()
            .context("projected feature lost its geometry")?;
        let shape = geo::Geometry::<f64>::try_from(geometry)?;
        let area_km2 = area_m2(&shape, working)? / 1e6;
        feature.set_property("area_km2", (area_km2 * 1000.0).round() / 1000.0);
        rows.push((code.to_string(), format!("{zh} {en}"), area_km2));
    }
    write_feature_collection(out_path, &output, Crs::wgs84())
        .with_context(|| format!("writing {}", out_path.display()))?;
    Ok(rows)
}
