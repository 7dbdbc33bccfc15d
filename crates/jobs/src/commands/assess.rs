//! `citygrid assess`: assessment indicators and scores per region, department and supervisor for
//! a period, as tables and maps.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use grid_analytics::assess::{
    AssessOptions, GridPolygons, Inspection, InspectionScores, Period, ScoringConfig, assess,
};
use grid_analytics::grid_io::{read_layer, write_geo_table};
use grid_analytics::table_io::{read_table, write_table};
use grid_core::Crs;
use polars::prelude::{Column, DataFrame};
use tracing::{info, warn};

use crate::exit::{Outcome, input};

/// Arguments of `citygrid assess`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes into OUT: indicators.parquet (long: period, level, scope, indicator, \
numerator, denominator, value, weight, score), scores_<level>.parquet (wide: one row per scope \
with every indicator's value and score, platform, inspection, composite, grade, rank, peer_rank, \
previous, change, drivers), and <level>.geojson for district, street, community and grid (the \
grids' polygons and their unions with --grid, otherwise a point at the mean position of the \
scope's cases). A zero denominator gives no score. docs/assessment.md states every definition."
)]
pub struct Args {
    /// A validated case table (`citygrid validate` output, with due_at and region codes).
    #[arg(long, value_name = "FILE", required_unless_present = "print_config")]
    cases: Option<PathBuf>,
    /// 2025 (a year), 2025-Q3, 2025-07, or 2025-07-01..2025-10-01 (end exclusive).
    #[arg(long, value_name = "PERIOD", required_unless_present = "print_config")]
    period: Option<Period>,
    /// Scoring config (TOML); default: the documented defaults (`--print-config` shows them).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Inspection scores (CSV: scope, score 0–100, optional level) blended in at the config's
    /// inspection_share.
    #[arg(long, value_name = "FILE")]
    inspection: Option<PathBuf>,
    /// Unit grids (GeoJSON or GeoParquet, code or grid_code column) for polygon maps.
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// Projected CRS of the cases' x_m/y_m (and for merging grids).
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
    /// Output folder.
    #[arg(long, value_name = "DIR", required_unless_present = "print_config")]
    out: Option<PathBuf>,
    /// Print the default scoring config (a starting point for --config) and exit.
    #[arg(long)]
    print_config: bool,
}

/// Runs `citygrid assess`: reads the files, runs `grid_analytics::assess::assess`, writes the
/// tables and maps.
pub fn run(args: &Args) -> Result<Outcome> {
    if args.print_config {
        print!("{}", grid_analytics::assess::DEFAULT_CONFIG);
        return Ok(Outcome::Clean);
    }
    let (Some(cases_path), Some(period), Some(out)) = (&args.cases, &args.period, &args.out) else {
        return Err(input(anyhow::anyhow!("give --cases, --period and --out")));
    };
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))
                .map_err(input)?;
            ScoringConfig::parse(&text, &path.display().to_string()).map_err(input)?
        }
        None => ScoringConfig::defaults()?,
    };
    let cases = read_table(cases_path).map_err(input)?;
    let name = cases_path.display().to_string();
    let (inspection, rejected) = match &args.inspection {
        Some(path) => read_inspection(path, out)?,
        None => (InspectionScores::new(), 0),
    };
    let grids = match &args.grid {
        Some(path) => {
            let layer = read_layer(path).map_err(input)?;
            let table = path.display().to_string();
            Some(GridPolygons::from_layer(&layer, &table, args.working_crs).map_err(input)?)
        }
        None => None,
    };
    let options = AssessOptions {
        period: period.clone(),
        config,
        inspection,
        grids,
        working_crs: args.working_crs,
    };
    let assessment = assess(&cases, &options).map_err(|e| input(anyhow::anyhow!("{name}: {e}")))?;
    for warning in &assessment.warnings {
        warn!("{name}: {warning}");
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut long = assessment.indicators;
    write_table(&mut long, &out.join("indicators.parquet"))?;
    let period = period.label.as_str();
    for level in assessment.levels {
        let name = level.level.name();
        let mut wide = level.scores;
        write_table(&mut wide, &out.join(format!("scores_{name}.parquet")))?;
        if let Some(map) = &level.map {
            // The same layer as GeoParquet (in its CRS) beside the GeoJSON (WGS84).
            for path in [
                out.join(format!("{name}.geojson")),
                out.join(format!("{name}.parquet")),
            ] {
                write_geo_table(
                    &path,
                    &map.table,
                    map.geometries.iter().flatten(),
                    map.crs,
                    map.crs,
                    "a map layer",
                )?;
            }
        }
        let scopes = &level.scopes;
        if let Some(worst) = scopes
            .iter()
            .filter(|s| s.rank.is_some())
            .max_by_key(|s| s.rank)
        {
            info!(
                "{period}, {name}: scored {} of {}; last {} ({:.1})",
                scopes.iter().filter(|s| s.composite.is_some()).count(),
                scopes.len(),
                worst.scope,
                worst.composite.unwrap_or(f64::NAN)
            );
        }
    }
    info!(
        "{period} (previous {}): {} indicator values -> {}",
        assessment.previous,
        long.height(),
        out.display()
    );
    Ok(if rejected == 0 {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

/// Reads inspection scores; rows without a scope or with a score outside 0–100 are rejected with
/// their line and reason into `<out>/inspection.rejected.csv`; a repeated scope keeps its last
/// row, with a warning.
fn read_inspection(path: &Path, out: &Path) -> Result<(InspectionScores, usize)> {
    let name = path.display().to_string();
    let table = read_table(path).map_err(input)?;
    let inspection = Inspection::from_table(&table, &name).map_err(input)?;
    // Lines of the CSV file: the header is line 1.
    let line = |row: usize| row + 1;
    for (row, scope) in &inspection.repeated {
        warn!(
            "{name}: row {}: scope {scope:?} was given before; this row wins",
            line(*row)
        );
    }
    let rejected = &inspection.rejections;
    if !rejected.is_empty() {
        std::fs::create_dir_all(out)?;
        let target = out.join("inspection.rejected.csv");
        let mut df = DataFrame::new(
            rejected.len(),
            vec![
                Column::new(
                    "row_number".into(),
                    rejected
                        .iter()
                        .map(|r| line(r.row) as u64)
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "field".into(),
                    rejected
                        .iter()
                        .map(|r| r.field.as_str())
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "reason".into(),
                    rejected
                        .iter()
                        .map(|r| r.detail.as_str())
                        .collect::<Vec<_>>(),
                ),
            ],
        )?;
        write_table(&mut df, &target)?;
        for r in rejected.iter().take(5) {
            warn!(
                "{name}: row {}, field {:?}: {}",
                line(r.row),
                r.field,
                r.detail
            );
        }
        warn!(
            "{name}: {} rows rejected -> {}",
            rejected.len(),
            target.display()
        );
    }
    Ok((inspection.scores, rejected.len()))
}
