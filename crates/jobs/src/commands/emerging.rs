//! `citygrid emerging`: emerging hot spot analysis of a case history over unit grids.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use grid_analytics::grid_io::{read_layer, write_geo_table};
use grid_analytics::hotspot::{EmergingOptions, EmergingRequest, Pattern, Step, layer_emerging};
use grid_analytics::table_io::{read_table, write_table};
use grid_core::Crs;
use grid_core::weights::WeightsSpec;
use tracing::{info, warn};

use super::filter::CaseFilterArgs;
use crate::exit::{Outcome, input};

/// Arguments of `citygrid emerging`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Builds the space-time cube of case counts per unit grid and step (zeros \
included, over the grids with any case in the window), computes space-time Gi* per bin (the \
grid and its neighbours in this step and the previous --neighbourhood-steps), flags bins hot or \
cold at --alpha after Benjamini–Hochberg over the cube, runs Mann-Kendall on each grid's z-scores \
and names its category: new, consecutive, intensifying, persistent, diminishing, sporadic, \
oscillating or historical hot or cold spot, or no pattern. Writes per grid: grid_code, category, \
hot_steps, cold_steps, trend_z, trend_p, final_z, final_p, cases, neighbours."
)]
pub struct Args {
    /// A validated case table (`citygrid validate` output, with grid codes).
    #[arg(long, value_name = "FILE")]
    cases: PathBuf,
    /// The unit grids (GeoJSON or GeoParquet).
    #[arg(long, value_name = "FILE")]
    grid: PathBuf,
    /// Time step: week (counted back from the end of the window) or month.
    #[arg(long, value_name = "STEP")]
    step: Step,
    /// Spatial neighbours: queen, rook, knn:K, distance or distance:M.
    #[arg(long, default_value = "queen", value_name = "SPEC")]
    weights: WeightsSpec,
    /// Contiguity tolerance, metres.
    #[arg(long, default_value_t = 0.001, value_name = "M")]
    tolerance_m: f64,
    /// Previous steps in each bin's neighbourhood.
    #[arg(long, default_value_t = 1, value_name = "N")]
    neighbourhood_steps: usize,
    /// Significance level of a hot or cold bin.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Do not control the false discovery rate over the cube's bins.
    #[arg(long)]
    no_fdr: bool,
    /// Significance level of a Mann-Kendall trend.
    #[arg(long, default_value_t = 0.05)]
    trend_alpha: f64,
    /// The share of steps that makes a grid mostly hot or cold.
    #[arg(long, default_value_t = 0.9)]
    mostly: f64,
    /// The order the category rules are tried in (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "new,consecutive,intensifying,persistent,diminishing,sporadic,oscillating,historical"
    )]
    rule_order: Vec<Pattern>,
    /// Which cases count.
    #[command(flatten)]
    filter: CaseFilterArgs,
    /// Projected CRS for distances when the grids are in longitude/latitude.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
    /// Output: .geojson (WGS84) or .parquet (GeoParquet).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Also write the cube (grid_code, step, cases, z, p, flag) as Parquet or CSV.
    #[arg(long, value_name = "FILE")]
    cube_out: Option<PathBuf>,
}

/// Runs `citygrid emerging`.
pub fn run(args: &Args) -> Result<Outcome> {
    let options = EmergingOptions {
        neighbourhood_steps: args.neighbourhood_steps,
        alpha: args.alpha,
        fdr: !args.no_fdr,
        trend_alpha: args.trend_alpha,
        mostly: args.mostly,
        order: args.rule_order.clone(),
    };
    let cases_name = args.cases.display().to_string();
    let grid_name = args.grid.display().to_string();
    let table = read_table(&args.cases).map_err(input)?;
    let layer = read_layer(&args.grid).map_err(input)?;
    let request = EmergingRequest {
        options,
        filter: args.filter.filter(),
        step: args.step,
        weights: args.weights,
        tolerance_m: args.tolerance_m,
        working_crs: args.working_crs,
    };
    let mut result =
        layer_emerging(&table, &cases_name, &layer, &grid_name, &request).map_err(input)?;
    if result.outside > 0 {
        info!(
            "{} cases fall in a partial {} at an end of the window and are left out",
            result.outside, args.step
        );
    }
    for warning in &result.warnings {
        warn!("{grid_name}: {warning}");
    }
    write_geo_table(
        &args.out,
        &result.table,
        result.geometries.iter(),
        result.crs,
        result.crs,
        ".geojson or .parquet (GeoParquet) for the emerging hot spot layer",
    )
    .map_err(input)?;
    if let Some(path) = &args.cube_out {
        write_table(&mut result.cube, path)?;
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let categories = result
        .table
        .column("category")
        .and_then(|c| c.str().cloned())
        .context("reading the categories back")?;
    for category in categories.iter().flatten() {
        *counts.entry(category.to_owned()).or_default() += 1;
    }
    info!(
        "{} grids × {} {}s ({} .. {}) -> {}",
        result.table.height(),
        result.starts.len(),
        args.step,
        result
            .starts
            .first()
            .map(ToString::to_string)
            .unwrap_or_default(),
        args.filter
            .to
            .map(|d| d.to_string())
            .unwrap_or_else(|| "the last case".to_owned()),
        args.out.display()
    );
    for (category, count) in counts {
        info!("  {category}: {count}");
    }
    Ok(Outcome::Clean)
}
