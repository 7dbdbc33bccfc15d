//! `citygrid simulate`: a realistic, deterministic case history and component inventory for a
//! city's grids (the bundled sample city by default), with the ground truth of what it planted.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use grid_analytics::grid_io::read_grids;
use grid_analytics::simulate::{SimulationConfig, SimulationInput, simulate};
use grid_core::calendar::WorkCalendar;
use grid_core::grid::GridBuilder;
use grid_core::index::GridIndex;
use grid_core::{ClassCatalog, Crs, GridLayer};
use tracing::info;

use super::grid::{GridSource, build_grids};
use crate::exit::{Outcome, input};

/// Arguments of `citygrid simulate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes DIR/cases.parquet (the case table as a city exports it: input \
columns of docs/schema.md, app reports in GCJ-02, about 0.4 % of rows defective on purpose), \
DIR/components.parquet (GeoParquet), DIR/simulation.json (settings and counts) and the ground \
truth in DIR/truth/: planted hot spots (hotspots.csv, hotspot_grids.csv, hotspot_profiles.csv), \
planted performance (performance.csv), defective rows and the reasons validation should give \
(defects.csv), weather.csv, places.csv, and per case its true grid and cause (cases.parquet)."
)]
pub struct Args {
    /// Seed: the same seed and inputs give the same output, whatever the thread count.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// First day of the history.
    #[arg(long, default_value = "2023-01-01", value_name = "YYYY-MM-DD")]
    start: NaiveDate,
    /// Length of the history in years.
    #[arg(long, default_value_t = 3)]
    years: u32,
    /// Number of case rows.
    #[arg(long, default_value_t = 300_000)]
    cases: u64,
    /// Share of rows made defective on purpose (0 to 0.5).
    #[arg(long, default_value_t = 0.004, value_name = "SHARE")]
    defect_rate: f64,
    /// Unit grids (.geojson or .parquet); default: the sample city's central-city grids built
    /// from the data folder.
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// Data folder with codes/, calendar/ and the sample city.
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    /// Working (projected) CRS.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    crs: Crs,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// The bundled edition of the class tables plus the city's local classes, when it has any.
pub fn load_codes(data: &Path) -> Result<ClassCatalog> {
    grid_analytics::validate::data_catalog(data).map_err(input)
}

/// The work calendar of the data folder with the default office hours.
pub fn load_calendar(data: &Path) -> Result<WorkCalendar> {
    grid_analytics::validate::data_calendar(data).map_err(input)
}

/// The sample city's central-city unit grids (100 m), built from its boundaries.
pub fn sample_grids(data: &Path, crs: Crs) -> Result<GridLayer> {
    let source = GridSource {
        boundary: &data.join("rizhao/central_city.geojson"),
        communities: Some(&data.join("rizhao/communities.geojson")),
        division_code: None,
    };
    Ok(build_grids(&source, &GridBuilder::default(), crs)?.0)
}

/// Runs `citygrid simulate`.
pub fn run(args: &Args) -> Result<Outcome> {
    let config = SimulationConfig {
        seed: args.seed,
        start: args.start,
        years: args.years,
        cases: args.cases,
        defect_rate: args.defect_rate,
    };
    config.check().map_err(input)?;
    let catalog = load_codes(&args.data)?;
    let calendar = load_calendar(&args.data)?;
    let layer = match &args.grid {
        Some(path) => {
            let (layer, rejections) = read_grids(path, args.crs).map_err(input)?;
            if let Some(first) = rejections.first() {
                return Err(input(anyhow::anyhow!(
                    "{}: invalid grid, first: {first}",
                    path.display()
                )));
            }
            layer
        }
        None => sample_grids(&args.data, args.crs)?,
    };
    let grids = GridIndex::new(layer);
    let started = Instant::now();
    let input_tables = SimulationInput {
        grids: &grids,
        catalog: &catalog,
        calendar: &calendar,
    };
    let mut simulation = simulate(&input_tables, &config).map_err(input)?;
    info!(
        "simulated {} cases and {} components on {} grids in {:.1} s",
        simulation.cases.height(),
        simulation.components.components().len(),
        grids.layer().len(),
        started.elapsed().as_secs_f64()
    );
    simulation
        .write(&args.out, args.crs)
        .with_context(|| format!("writing the simulation to {}", args.out.display()))?;
    info!("wrote {}", args.out.display());
    Ok(Outcome::Clean)
}
