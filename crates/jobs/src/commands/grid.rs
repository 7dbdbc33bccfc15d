//! `citygrid grid …`: building and inspecting management grids.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use geo::{BooleanOps, MultiPolygon};
pub use grid_analytics::grid_io::{GridSource, build_grids};
use grid_analytics::grid_io::{crosswalk_table, read_grids, write_analysis_cells, write_grids};
use grid_analytics::table_io::FileFormat;
use grid_analytics::table_io::write_table;
use grid_core::grid::analysis::{fishnet_cells, h3_cells};
use grid_core::grid::{GridBuilder, GridLayer};
use grid_core::io::{feature_collection_crs, read_feature_collection};
use grid_core::{Crs, DivisionCode};
use tracing::info;

use crate::exit::{Outcome, input};

/// `citygrid grid` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Generate coded unit grids by tiling boundary polygons with square cells.
    Build(BuildArgs),
    /// The area crosswalk between two versions of a grid layer (old code, new code, shares).
    Crosswalk(CrosswalkArgs),
    /// A regular square analysis grid of any cell size, clipped to a study area.
    Fishnet(AnalysisArgs),
    /// The H3 cells of a resolution covering a study area, clipped to it.
    H3(AnalysisArgs),
}

/// Arguments of `citygrid grid fishnet` and `citygrid grid h3`.
#[derive(Debug, clap::Args)]
pub struct AnalysisArgs {
    /// Study area polygons (GeoJSON, any CRS); every feature counts, codes are not needed.
    #[arg(long, value_name = "FILE")]
    area: PathBuf,
    /// Fishnet cell side, metres (fishnet only).
    #[arg(long, default_value_t = 500.0, value_name = "METRES")]
    cell_size_m: f64,
    /// H3 resolution, 0-15 (h3 only; 9 is about 0.1 km² per cell).
    #[arg(long, default_value_t = 9)]
    resolution: u8,
    /// Projected working CRS.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    crs: Crs,
    /// Output: .geojson (WGS84) or .parquet (GeoParquet in --crs).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Arguments of `citygrid grid crosswalk`.
#[derive(Debug, clap::Args)]
pub struct CrosswalkArgs {
    /// The old grid layer (GeoJSON or GeoParquet, any CRS).
    #[arg(long, value_name = "FILE")]
    old: PathBuf,
    /// The new grid layer.
    #[arg(long, value_name = "FILE")]
    new: PathBuf,
    /// Projected CRS the overlaps are measured in.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    crs: Crs,
    /// Overlaps under this share of the old grid are dropped as rounding noise along edges.
    #[arg(long, default_value_t = 1e-6, value_name = "SHARE")]
    min_share: f64,
    /// Output table: .parquet or .csv.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Arguments of `citygrid grid build`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each boundary feature is coded by its \"code\" or \"adcode\" property, or by
--division-code when the file has a single feature without one. With --communities, each
community (12-digit code) of the boundary's divisions is tiled, clipped to the boundary, and
its grids numbered 001-999.
Without it, streets (9 digits) and county-level areas (6 digits) are split into synthetic
blocks of at most 999 grids: communities 901, 902, ... of a street, or streets 900, 901, ...
with communities 001-999 of a county; the output says how many blocks each area got."
)]
pub struct BuildArgs {
    /// Boundary polygons (GeoJSON, any CRS): a district, streets, or communities.
    #[arg(long, value_name = "FILE")]
    boundary: PathBuf,
    /// Community polygons (GeoJSON, 12-digit codes), tiled inside the boundary.
    #[arg(long, value_name = "FILE")]
    communities: Option<PathBuf>,
    /// Code for a boundary file whose single feature has none.
    #[arg(long, value_name = "CODE")]
    division_code: Option<DivisionCode>,
    /// Side of the square cells, metres.
    #[arg(long, default_value_t = 100.0, value_name = "METRES")]
    cell_size_m: f64,
    /// Cells under this share of a whole cell are merged into a neighbour.
    #[arg(long, default_value_t = 0.3, value_name = "SHARE")]
    sliver_share: f64,
    /// Projected working CRS the grids are cut in.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    crs: Crs,
    /// Output grid layer: .geojson (WGS84, RFC 7946) or .parquet (GeoParquet 1.1 in --crs).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs a `citygrid grid` subcommand.
pub fn run(command: &Command) -> Result<Outcome> {
    match command {
        Command::Build(args) => build(args),
        Command::Crosswalk(args) => crosswalk(args),
        Command::Fishnet(args) => analysis(args, false),
        Command::H3(args) => analysis(args, true),
    }
}

fn build(args: &BuildArgs) -> Result<Outcome> {
    if FileFormat::from_path(&args.out).map_err(input)? == FileFormat::Csv {
        return Err(input(anyhow::anyhow!(
            "{}: a grid layer is written as .geojson or .parquet (GeoParquet)",
            args.out.display()
        )));
    }
    let source = GridSource {
        boundary: &args.boundary,
        communities: args.communities.as_deref(),
        division_code: args.division_code.as_ref(),
    };
    let builder = GridBuilder::default()
        .cell_size_m(args.cell_size_m)
        .sliver_share(args.sliver_share);
    let (layer, reports) = build_grids(&source, &builder, args.crs).map_err(input)?;
    write_grids(&layer, &args.out, args.crs)
        .with_context(|| format!("writing {}", args.out.display()))?;
    for r in &reports {
        let blocks = if r.blocks > 0 {
            format!(
                ", split into {} synthetic blocks of at most 999 grids",
                r.blocks
            )
        } else {
            String::new()
        };
        info!(
            "{}: {} grids ({} slivers merged, {} small isolated pieces kept){blocks}",
            r.code, r.grids, r.slivers_merged, r.isolated_small
        );
    }
    info!(
        "built {} grids of {} m in {} -> {}",
        layer.len(),
        args.cell_size_m,
        args.crs,
        args.out.display()
    );
    Ok(Outcome::Clean)
}

fn crosswalk(args: &CrosswalkArgs) -> Result<Outcome> {
    let read = |path: &Path| -> Result<GridLayer> {
        let (layer, rejections) = read_grids(path, args.crs).map_err(input)?;
        if let Some(first) = rejections.first() {
            return Err(input(anyhow::anyhow!(
                "{}: {} features are not valid grids, first: {first}",
                path.display(),
                rejections.len()
            )));
        }
        Ok(layer)
    };
    let (old, new) = (read(&args.old)?, read(&args.new)?);
    let rows = grid_core::grid::crosswalk::crosswalk(&old, &new, args.min_share).map_err(input)?;
    let mut table = crosswalk_table(&rows).map_err(anyhow::Error::from)?;
    write_table(&mut table, &args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    let carried: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.old_code.as_str()).collect();
    info!(
        "{} rows: {} of {} old grids overlap the {} new ones -> {}",
        rows.len(),
        carried.len(),
        old.len(),
        new.len(),
        args.out.display()
    );
    Ok(Outcome::Clean)
}

fn analysis(args: &AnalysisArgs, h3: bool) -> Result<Outcome> {
    let layer = read_feature_collection(&args.area).map_err(input)?;
    let source = feature_collection_crs(&layer).map_err(input)?;
    let converted =
        grid_analytics::convert::convert_features(&layer, source, args.crs).map_err(input)?;
    if let Some(first) = converted.rejections.first() {
        return Err(input(anyhow::anyhow!(
            "{}: {first} (rows number the features)",
            args.area.display()
        )));
    }
    let working = converted.features;
    let mut area = MultiPolygon::new(vec![]);
    for (index, feature) in working.features.iter().enumerate() {
        let shape = feature
            .geometry
            .clone()
            .map(geo::Geometry::<f64>::try_from)
            .transpose()
            .map_err(|e| {
                input(anyhow::anyhow!(
                    "{}: feature {}: {e}",
                    args.area.display(),
                    index + 1
                ))
            })?;
        match shape {
            Some(geo::Geometry::Polygon(p)) => area = area.union(&MultiPolygon::new(vec![p])),
            Some(geo::Geometry::MultiPolygon(m)) => area = area.union(&m),
            _ => {
                return Err(input(anyhow::anyhow!(
                    "{}: feature {}: field \"geometry\": must be a Polygon or MultiPolygon",
                    args.area.display(),
                    index + 1
                )));
            }
        }
    }
    if area.0.is_empty() {
        return Err(input(anyhow::anyhow!(
            "{}: no polygons",
            args.area.display()
        )));
    }
    let cells = if h3 {
        h3_cells(&area, args.crs, args.resolution)
    } else {
        fishnet_cells(&area, args.crs, args.cell_size_m)
    }
    .map_err(input)?;
    write_analysis_cells(&cells, &args.out, args.crs, args.crs)
        .with_context(|| format!("writing {}", args.out.display()))?;
    info!(
        "{} {} cells ({} whole) -> {}",
        cells.len(),
        if h3 {
            format!("H3 resolution {}", args.resolution)
        } else {
            format!("{} m fishnet", args.cell_size_m)
        },
        cells.iter().filter(|c| c.full).count(),
        args.out.display()
    );
    Ok(Outcome::Clean)
}
