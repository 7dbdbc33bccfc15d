//! `citygrid emerging`: emerging hot spot analysis of a case history over unit grids.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use anyhow::{Context, Result};
use geo::Geometry;
use grid_analytics::grid_io::{read_layer, write_geo_table};
use grid_analytics::hotspot::{
    EmergingOptions, Pattern, Step, case_cube, emerging_hot_spots, layer_weights,
};
use grid_analytics::table_io::{read_table, write_table};
use grid_core::weights::WeightsSpec;
use grid_core::{Crs, Transformer};
use polars::prelude::{Column, DataFrame};
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
    let table = read_table(&args.cases).map_err(input)?;
    let filter = args.filter.filter();
    let cube = case_cube(&table, &filter, args.step, args.filter.from, args.filter.to)
        .map_err(|e| input(anyhow::anyhow!("{cases_name}: {e}")))?;
    if cube.outside > 0 {
        info!(
            "{} cases fall in a partial {} at an end of the window and are left out",
            cube.outside, args.step
        );
    }

    let grid_name = args.grid.display().to_string();
    let layer = read_layer(&args.grid).map_err(input)?;
    let codes = super::layer::grid_codes(&layer, &args.grid)?;
    let mut geometry_of: HashMap<String, &Geometry<f64>> = HashMap::new();
    for (code, geometry) in codes.str()?.iter().zip(&layer.geometries) {
        if let (Some(c), Some(g)) = (code, geometry) {
            geometry_of.insert(c.to_owned(), g);
        }
    }
    let crs = layer.crs;
    let analysis_crs = if crs.is_geographic().map_err(input)? {
        args.working_crs
    } else {
        crs
    };
    let to_analysis = Transformer::new(crs, analysis_crs).map_err(input)?;
    let mut geometries = Vec::with_capacity(cube.grids.len());
    for code in &cube.grids {
        let g = geometry_of.get(code).ok_or_else(|| {
            input(anyhow::anyhow!(
                "{cases_name}: grid {code} is not in {grid_name}; validate the cases against these grids"
            ))
        })?;
        geometries.push(to_analysis.transform_geometry(g).map_err(input)?);
    }
    let weights =
        layer_weights(args.weights, &geometries, None, args.tolerance_m).map_err(input)?;
    for warning in weights.warnings() {
        warn!("{grid_name}: {warning}");
    }
    let result = emerging_hot_spots(&cube.cube, &weights, &options).map_err(input)?;

    let n = cube.grids.len();
    let totals: Vec<f64> = (0..n)
        .map(|i| (0..cube.cube.steps).map(|t| cube.cube.value(i, t)).sum())
        .collect();
    let loc = &result.locations;
    let out = DataFrame::new(
        n,
        vec![
            Column::new("grid_code".into(), cube.grids.clone()),
            Column::new(
                "category".into(),
                loc.iter()
                    .map(|l| l.category.to_string())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "hot_steps".into(),
                loc.iter().map(|l| l.hot_steps as u32).collect::<Vec<_>>(),
            ),
            Column::new(
                "cold_steps".into(),
                loc.iter().map(|l| l.cold_steps as u32).collect::<Vec<_>>(),
            ),
            Column::new(
                "trend_z".into(),
                loc.iter().map(|l| l.trend.z).collect::<Vec<_>>(),
            ),
            Column::new(
                "trend_p".into(),
                loc.iter().map(|l| l.trend.p).collect::<Vec<_>>(),
            ),
            Column::new(
                "final_z".into(),
                loc.iter().map(|l| l.final_z).collect::<Vec<_>>(),
            ),
            Column::new(
                "final_p".into(),
                loc.iter().map(|l| l.final_p).collect::<Vec<_>>(),
            ),
            Column::new("cases".into(), totals),
            Column::new(
                "neighbours".into(),
                (0..n)
                    .map(|i| weights.neighbours(i).len() as u32)
                    .collect::<Vec<_>>(),
            ),
        ],
    )
    .context("assembling the emerging hot spot table")?;
    write_geo_table(
        &args.out,
        &out,
        geometries.iter(),
        analysis_crs,
        analysis_crs,
        ".geojson or .parquet (GeoParquet) for the emerging hot spot layer",
    )
    .map_err(input)?;
    if let Some(path) = &args.cube_out {
        let steps = cube.cube.steps;
        let bins = n * steps;
        let mut table = DataFrame::new(
            bins,
            vec![
                Column::new(
                    "grid_code".into(),
                    (0..bins)
                        .map(|b| cube.grids[b % n].as_str())
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "step".into(),
                    (0..bins)
                        .map(|b| cube.starts[b / n].to_string())
                        .collect::<Vec<_>>(),
                ),
                Column::new("cases".into(), cube.cube.values.clone()),
                Column::new("z".into(), result.z.clone()),
                Column::new("p".into(), result.p.clone()),
                Column::new(
                    "flag".into(),
                    result
                        .flag
                        .iter()
                        .map(|f| i32::from(*f))
                        .collect::<Vec<_>>(),
                ),
            ],
        )
        .context("assembling the cube")?;
        write_table(&mut table, path)?;
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for l in loc {
        *counts.entry(l.category.to_string()).or_default() += 1;
    }
    info!(
        "{} grids × {} {}s ({} .. {}) -> {}",
        n,
        cube.cube.steps,
        args.step,
        cube.starts
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
