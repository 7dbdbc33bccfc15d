//! `citygrid convert`: points between coordinate systems, rejected rows reported and kept.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use grid_analytics::convert::{convert_features, convert_table};
use grid_analytics::table_io::{FileFormat, read_table, rejected_path, write_table};
use grid_core::Crs;
use grid_core::io::{read_feature_collection, write_feature_collection};
use tracing::info;

use super::report::{remove_stale, report_rejections};
use crate::exit::{Outcome, input};

/// Arguments of `citygrid convert`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "CRS names: wgs84 (EPSG:4326), cgcs2000 (EPSG:4490), gcj02, bd09, EPSG:<code>.
Rows that cannot be converted are written to OUT's sibling <name>.rejected.<ext> with
their row number and reason, and listed here; the exit code is then 1."
)]
pub struct Args {
    /// CRS of the input coordinates.
    #[arg(long, value_name = "CRS")]
    from: Crs,
    /// CRS to convert to.
    #[arg(long, value_name = "CRS")]
    to: Crs,
    /// Column holding x (longitude or easting), for CSV and Parquet input.
    #[arg(long, default_value = "lon", value_name = "NAME")]
    lon_col: String,
    /// Column holding y (latitude or northing), for CSV and Parquet input.
    #[arg(long, default_value = "lat", value_name = "NAME")]
    lat_col: String,
    /// Input file: .csv, .parquet or .geojson.
    #[arg(value_name = "IN")]
    input: PathBuf,
    /// Output file: .csv or .parquet for table input, .geojson for GeoJSON input.
    #[arg(value_name = "OUT")]
    output: PathBuf,
}

/// Runs `citygrid convert`.
pub fn run(args: &Args) -> Result<Outcome> {
    let in_format = FileFormat::from_path(&args.input).map_err(input)?;
    let out_format = FileFormat::from_path(&args.output).map_err(input)?;
    if (in_format == FileFormat::GeoJson) != (out_format == FileFormat::GeoJson) {
        return Err(input(anyhow::anyhow!(
            "{} is {} but {} is {}: GeoJSON converts to GeoJSON, tables (CSV, Parquet) to tables",
            args.input.display(),
            in_format.name(),
            args.output.display(),
            out_format.name()
        )));
    }
    if same_file(&args.input, &args.output) {
        return Err(input(anyhow::anyhow!(
            "{} is both input and output; write to another file",
            args.input.display()
        )));
    }
    let rejected_out = rejected_path(&args.output);
    let name = args.input.display().to_string();
    let (converted, rejections) = if in_format == FileFormat::GeoJson {
        let layer = read_feature_collection(&args.input).map_err(input)?;
        let out = convert_features(&layer, args.from, args.to).map_err(input)?;
        write_feature_collection(&args.output, &out.features, args.to)
            .with_context(|| format!("writing {}", args.output.display()))?;
        remove_stale(&rejected_out)?;
        if !out.rejections.is_empty() {
            write_feature_collection(&rejected_out, &out.rejected, args.from)
                .with_context(|| format!("writing {}", rejected_out.display()))?;
        }
        (out.features.features.len(), out.rejections)
    } else {
        let table = read_table(&args.input).map_err(input)?;
        let mut out = convert_table(
            &table,
            &name,
            &args.lon_col,
            &args.lat_col,
            args.from,
            args.to,
        )
        .map_err(input)?;
        write_table(&mut out.table, &args.output)
            .with_context(|| format!("writing {}", args.output.display()))?;
        remove_stale(&rejected_out)?;
        if !out.rejections.is_empty() {
            write_table(&mut out.rejected, &rejected_out)
                .with_context(|| format!("writing {}", rejected_out.display()))?;
        }
        (out.table.height(), out.rejections)
    };
    info!(
        "converted {converted} rows of {} from {} to {} -> {}",
        args.input.display(),
        args.from,
        args.to,
        args.output.display()
    );
    report_rejections(&args.input, &rejections, &rejected_out);
    Ok(if rejections.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
