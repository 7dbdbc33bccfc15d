//! `citygrid assign`: points to unit grids.

use std::path::PathBuf;

use anyhow::{Context, Result};
use grid_analytics::assign::assign_points;
use grid_analytics::grid_io::read_grids;
use grid_analytics::table_io::{FileFormat, read_table, rejected_path, write_table};
use grid_core::Crs;
use grid_core::index::GridIndex;
use tracing::{debug, info, warn};

use super::report::{LISTED_REJECTIONS, remove_stale, report_rejections};
use crate::exit::{Outcome, input};

/// Arguments of `citygrid assign`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Points outside every grid stay in the output with empty codes and are listed
here. Rows whose coordinates cannot be read go to OUT's sibling <name>.rejected.<ext>
with their reason; the exit code is then 1."
)]
pub struct Args {
    /// The unit grids: GeoJSON (its \"crs\" member, else WGS84) or GeoParquet, any CRS.
    #[arg(long, value_name = "FILE")]
    grid: PathBuf,
    /// The points: a CSV or Parquet table.
    #[arg(long, value_name = "FILE")]
    points: PathBuf,
    /// CRS of the points' coordinates.
    #[arg(long, default_value = "wgs84", value_name = "CRS")]
    crs: Crs,
    /// Column holding x (longitude or easting).
    #[arg(long, default_value = "lon", value_name = "NAME")]
    lon_col: String,
    /// Column holding y (latitude or northing).
    #[arg(long, default_value = "lat", value_name = "NAME")]
    lat_col: String,
    /// Projected CRS the grids are measured and searched in.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
    /// Give a point outside every grid the nearest grid within this many metres.
    #[arg(long, value_name = "METRES")]
    tolerance_m: Option<f64>,
    /// Output table: .parquet or .csv.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `citygrid assign`.
pub fn run(args: &Args) -> Result<Outcome> {
    let started = std::time::Instant::now();
    if let Some(t) = args.tolerance_m
        && !(t.is_finite() && t >= 0.0)
    {
        return Err(input(anyhow::anyhow!(
            "--tolerance-m {t}: must be a number of metres, 0 or more"
        )));
    }
    FileFormat::from_path(&args.out).map_err(input)?;
    let (layer, grid_rejections) = read_grids(&args.grid, args.working_crs).map_err(input)?;
    if !grid_rejections.is_empty() {
        let first = grid_rejections
            .iter()
            .take(LISTED_REJECTIONS)
            .map(|r| format!("\n  {r}"))
            .collect::<String>();
        return Err(input(anyhow::anyhow!(
            "{}: {} features are not valid grids (rows number the features from 1):{first}",
            args.grid.display(),
            grid_rejections.len()
        )));
    }
    if layer.is_empty() {
        return Err(input(anyhow::anyhow!(
            "{}: the layer has no grids",
            args.grid.display()
        )));
    }
    debug!("read {} grids in {:.2?}", layer.len(), started.elapsed());
    let index = GridIndex::new(layer);
    debug!("indexed in {:.2?}", started.elapsed());
    let table = read_table(&args.points).map_err(input)?;
    debug!(
        "read {} points in {:.2?}",
        table.height(),
        started.elapsed()
    );
    let name = args.points.display().to_string();
    let mut out = assign_points(
        &table,
        &name,
        &args.lon_col,
        &args.lat_col,
        args.crs,
        &index,
        args.tolerance_m,
    )
    .map_err(input)?;
    debug!("assigned in {:.2?}", started.elapsed());
    write_table(&mut out.table, &args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    let rejected_out = rejected_path(&args.out);
    remove_stale(&rejected_out)?;
    if !out.rejections.is_empty() {
        write_table(&mut out.rejected, &rejected_out)
            .with_context(|| format!("writing {}", rejected_out.display()))?;
    }
    debug!("written in {:.2?}", started.elapsed());
    let assigned = out.table.height() - out.outside.len();
    info!(
        "assigned {assigned} of {} points of {} to {} grids of {} -> {}",
        table.height(),
        args.points.display(),
        index.layer().len(),
        args.grid.display(),
        args.out.display()
    );
    if !out.outside.is_empty() {
        let listed: Vec<String> = out
            .outside
            .iter()
            .take(LISTED_REJECTIONS)
            .map(ToString::to_string)
            .collect();
        warn!(
            "{} points fell outside every grid{} (kept with empty codes); rows {}{}",
            out.outside.len(),
            args.tolerance_m
                .map(|t| format!(" and beyond {t} m"))
                .unwrap_or_default(),
            listed.join(", "),
            if out.outside.len() > LISTED_REJECTIONS {
                ", …"
            } else {
                ""
            }
        );
    }
    report_rejections(&args.points, &out.rejections, &rejected_out);
    Ok(if out.rejections.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}
