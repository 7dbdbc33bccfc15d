//! `citygrid hotspots`: Getis-Ord Gi* / Gi or Local Moran's I on any layer with a value column.

use std::path::PathBuf;

use anyhow::Result;
use grid_analytics::grid_io::{read_layer, write_geo_table};
use grid_analytics::hotspot::{
    HotspotOptions, LayerHotspots, Measure, Permutations, PseudoP, Statistic, layer_hotspots,
    measure_layer,
};
use grid_analytics::table_io::read_table;
use grid_analytics::table_io::{rejected_path, write_table};
use grid_core::Crs;
use grid_core::weights::WeightsSpec;
use polars::prelude::DataFrame;
use tracing::{info, warn};

use super::filter::CaseFilterArgs;
use super::report::{remove_stale, report_rejections};
use crate::exit::{Outcome, input};

/// Arguments of `citygrid hotspots`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes every input column plus: neighbours; for Gi*/Gi: g, z, p \
(two-sided normal), p_sim (pseudo p-value, with permutations) and bin (ArcGIS's Gi_Bin: ±3/±2/±1 \
at 99/95/90 % confidence from p, FDR-adjusted with --fdr); for Local Moran: i, quadrant (HH, LH, \
LL, HL), p_sim and cluster (the quadrant where p_sim is significant at --alpha, else empty). \
Rows without a number in --value or without a geometry are left out of the analysis and written \
to OUT's sibling <name>.rejected.parquet (for a .parquet OUT) or <name>.rejected.csv (exit code 1)."
)]
pub struct Args {
    /// The layer: polygons (or points for knn/distance weights), GeoJSON or GeoParquet, any CRS.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "cases",
        requires = "value"
    )]
    polygons: Option<PathBuf>,
    /// The column to analyse (a count or rate per feature).
    #[arg(long, value_name = "COLUMN")]
    value: Option<String>,
    /// Or: a validated case table (`citygrid validate` output) to map per unit grid.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "polygons",
        requires = "grid"
    )]
    cases: Option<PathBuf>,
    /// The unit grids the cases were assigned to (with --cases).
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// With --cases: count, open_overdue, overdue_rate or rework_rate per grid.
    #[arg(long, default_value = "count", value_name = "MEASURE")]
    measure: Measure,
    /// With --cases: which cases count.
    #[command(flatten)]
    filter: CaseFilterArgs,
    /// Neighbours: queen, rook, knn:K, distance (the smallest band that leaves no feature
    /// alone) or distance:M (metres in the analysis CRS), h3:K (needs a cell_id column).
    #[arg(long, default_value = "queen", value_name = "SPEC")]
    weights: WeightsSpec,
    /// Gi*: include each feature in its own neighbourhood (the default).
    #[arg(long, overrides_with = "no_star")]
    star: bool,
    /// Gi: leave each feature out of its own neighbourhood.
    #[arg(long)]
    no_star: bool,
    /// gi (Getis-Ord; hot and cold spots) or local-moran (clusters and outliers).
    #[arg(long, default_value = "gi", value_parser = ["gi", "local-moran"])]
    statistic: String,
    /// Conditional permutations for pseudo p-values (0: none).
    #[arg(long, default_value_t = 999)]
    permutations: u32,
    /// Seed of the permutations: the same seed gives the same output on any number of threads.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// two-sided pseudo p-values, or esda's directed (folded one-tailed) ones.
    #[arg(long, default_value = "two-sided", value_parser = ["two-sided", "directed"])]
    pseudo_p: String,
    /// Control the false discovery rate (Benjamini–Hochberg) in bins and clusters.
    #[arg(long)]
    fdr: bool,
    /// Contiguity tolerance in the analysis CRS's units (metres): boundaries this close touch
    /// (ArcGIS's default XY tolerance); 0 for libpysal's exact shared coordinates.
    #[arg(long, default_value_t = 0.001, value_name = "M")]
    tolerance_m: f64,
    /// Significance level of Local Moran clusters.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// CRS of the layer, overriding what the file says (GeoJSON without a crs member is WGS84).
    #[arg(long, value_name = "CRS")]
    crs: Option<Crs>,
    /// Projected CRS for distances when the layer is in longitude/latitude.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
    /// Output: .geojson (WGS84) or .parquet (GeoParquet in the analysis CRS).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `citygrid hotspots`.
pub fn run(args: &Args) -> Result<Outcome> {
    if !(args.alpha > 0.0 && args.alpha < 1.0) {
        return Err(input(anyhow::anyhow!(
            "--alpha {}: expected a number between 0 and 1",
            args.alpha
        )));
    }
    let (path, value, mut layer) = match (&args.polygons, &args.value, &args.cases, &args.grid) {
        (Some(path), Some(value), _, _) => (
            path.clone(),
            value.clone(),
            read_layer(path).map_err(input)?,
        ),
        (None, _, Some(cases), Some(grid)) => (
            grid.clone(),
            args.measure.to_string(),
            grid_layer_with_measure(args, cases, grid)?,
        ),
        _ => {
            return Err(input(anyhow::anyhow!(
                "give --polygons with --value, or --cases with --grid"
            )));
        }
    };
    let name = path.display().to_string();
    if let Some(crs) = args.crs {
        layer.crs = crs;
    }
    let options = HotspotOptions {
        weights: args.weights,
        statistic: if args.statistic == "local-moran" {
            Statistic::LocalMoran
        } else {
            Statistic::GetisOrd {
                star: !args.no_star,
            }
        },
        test: Permutations {
            permutations: args.permutations,
            seed: args.seed,
            pseudo_p: if args.pseudo_p == "directed" {
                PseudoP::Directed
            } else {
                PseudoP::TwoSided
            },
        },
        fdr: args.fdr,
        alpha: args.alpha,
        tolerance: args.tolerance_m,
    };
    let result =
        layer_hotspots(&layer, &name, &value, args.working_crs, &options).map_err(input)?;
    for warning in &result.warnings {
        warn!("{name}: {warning}");
    }
    let LayerHotspots {
        table,
        geometries,
        crs: analysis_crs,
        mut rejected,
        rejections,
        weights,
        ..
    } = result;
    write_geo_table(
        &args.out,
        &table,
        geometries.iter(),
        analysis_crs,
        analysis_crs,
        ".geojson or .parquet (GeoParquet) for the hot spot layer",
    )
    .map_err(input)?;
    // Rejected rows keep their columns but not their geometry: a table, Parquet beside a
    // GeoParquet output, CSV otherwise.
    let rejected_out = rejected_path(&args.out).with_extension(match args.out.extension() {
        Some(e) if e == "parquet" => "parquet",
        _ => "csv",
    });
    remove_stale(&rejected_out)?;
    if !rejections.is_empty() {
        write_table(&mut rejected, &rejected_out)?;
        report_rejections(&path, &rejections, &rejected_out);
    }
    summarise(&table, options.statistic, &weights, &args.out);
    Ok(if rejections.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

/// The grid layer with the measure of the cases as a column named after it: counts are 0 where
/// a grid has no case, rates are empty (and the grid left out) where they are undefined.
fn grid_layer_with_measure(
    args: &Args,
    cases: &std::path::Path,
    grid: &std::path::Path,
) -> Result<grid_analytics::geoparquet::GeoTable> {
    let layer = read_layer(grid).map_err(input)?;
    let table = read_table(cases).map_err(input)?;
    let measured = measure_layer(
        layer,
        &grid.display().to_string(),
        &table,
        &cases.display().to_string(),
        args.measure,
        &args.filter.filter(),
    )
    .map_err(input)?;
    // Cases assigned to grids this layer does not have would vanish from the map: say so.
    if let Some(first) = measured.unknown_grids.first() {
        warn!(
            "{}: {} grid codes with cases are not in {} (first: {first}); their cases are left out: validate the cases against these grids",
            cases.display(),
            measured.unknown_grids.len(),
            grid.display(),
        );
    }
    info!(
        "{}: {} of {} grids have {} > 0",
        cases.display(),
        measured.positive,
        measured.layer.table.height(),
        args.measure
    );
    Ok(measured.layer)
}

fn summarise(
    table: &DataFrame,
    statistic: Statistic,
    weights: &grid_core::weights::SpatialWeights,
    out: &std::path::Path,
) {
    info!(
        "{} features, {:.1} neighbours on average, {} without neighbours -> {}",
        weights.len(),
        weights.mean_neighbours(),
        weights.islands().len(),
        out.display()
    );
    match statistic {
        Statistic::GetisOrd { .. } => {
            if let Ok(bins) = table.column("bin").and_then(|c| c.i32().cloned()) {
                let count = |b: i32| bins.iter().filter(|v| *v == Some(b)).count();
                info!(
                    "hot spots: {} at 99 %, {} at 95 %, {} at 90 %; cold spots: {} at 99 %, {} at 95 %, {} at 90 %",
                    count(3),
                    count(2),
                    count(1),
                    count(-3),
                    count(-2),
                    count(-1)
                );
            }
        }
        Statistic::LocalMoran => {
            if let Ok(c) = table.column("cluster").and_then(|c| c.str().cloned()) {
                let count = |q: &str| c.iter().filter(|v| *v == Some(q)).count();
                info!(
                    "clusters: {} HH, {} LL; outliers: {} HL, {} LH",
                    count("HH"),
                    count("LL"),
                    count("HL"),
                    count("LH")
                );
            }
        }
    }
}
