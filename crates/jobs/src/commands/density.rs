//! `citygrid density`: kernel density of cases evaluated on unit grids.

use std::path::PathBuf;

use anyhow::{Context, Result};
use geo::{Centroid, Coord};
use grid_analytics::grid_io::{read_layer, write_geo_table};
use grid_analytics::hotspot::{case_points, default_radius, kernel_density};
use grid_analytics::table_io::read_table;
use grid_core::{Crs, Transformer};
use polars::prelude::Column;
use tracing::info;

use super::filter::CaseFilterArgs;
use crate::exit::{Outcome, input};

/// Arguments of `citygrid density`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Quartic kernel, D = (1/r²) Σ (3/π) (1 − (d/r)²)² over the cases within r \
of each grid's centroid, written per grid as density_km2 (cases per km²). The default radius is \
ArcGIS's: 0.9 · min(standard distance, √(1/ln 2) · median distance to the mean centre) · n^−0.2."
)]
pub struct Args {
    /// A validated case table (`citygrid validate` output, with x_m/y_m in --working-crs).
    #[arg(long, value_name = "FILE")]
    cases: PathBuf,
    /// The unit grids (GeoJSON or GeoParquet): density is evaluated at their centroids.
    #[arg(long, value_name = "FILE")]
    grid: PathBuf,
    /// Search radius in metres (default: ArcGIS's rule).
    #[arg(long, value_name = "M")]
    radius_m: Option<f64>,
    /// Which cases count.
    #[command(flatten)]
    filter: CaseFilterArgs,
    /// The CRS of the cases' x_m/y_m.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
    /// Output: .geojson (WGS84) or .parquet (GeoParquet).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `citygrid density`.
pub fn run(args: &Args) -> Result<Outcome> {
    let table = read_table(&args.cases).map_err(input)?;
    let filter = args.filter.filter();
    let name = args.cases.display().to_string();
    let points = case_points(&table, &filter).map_err(|e| input(anyhow::anyhow!("{name}: {e}")))?;
    let radius = match args.radius_m {
        Some(r) => r,
        None => default_radius(&points, None).ok_or_else(|| {
            input(anyhow::anyhow!(
                "{name}: fewer than two distinct case positions pass the filter; give --radius-m"
            ))
        })?,
    };
    let layer = read_layer(&args.grid).map_err(input)?;
    let to_working = Transformer::new(layer.crs, args.working_crs).map_err(input)?;
    let mut geometries = Vec::with_capacity(layer.geometries.len());
    let mut centroids = Vec::with_capacity(layer.geometries.len());
    for (k, g) in layer.geometries.iter().enumerate() {
        let g = g.as_ref().ok_or_else(|| {
            input(anyhow::anyhow!(
                "{}: feature {}: no geometry",
                args.grid.display(),
                k + 1
            ))
        })?;
        let g = to_working.transform_geometry(g).map_err(input)?;
        centroids.push(g.centroid().map_or(
            Coord {
                x: f64::NAN,
                y: f64::NAN,
            },
            |c| c.0,
        ));
        geometries.push(g);
    }
    let density = kernel_density(&points, None, &centroids, radius).map_err(input)?;
    let mut table = layer.table.clone();
    table
        .with_column(Column::new(
            "density_km2".into(),
            density.iter().map(|d| d * 1e6).collect::<Vec<_>>(),
        ))
        .context("adding the density")?;
    write_geo_table(
        &args.out,
        &table,
        geometries.iter(),
        args.working_crs,
        args.working_crs,
        ".geojson or .parquet (GeoParquet) for the density layer",
    )
    .map_err(input)?;
    info!(
        "{} cases, radius {radius:.1} m, {} grids -> {}",
        points.len(),
        geometries.len(),
        args.out.display()
    );
    Ok(Outcome::Clean)
}
