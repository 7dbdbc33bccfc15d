//! `citygrid validate`: checks a case table and writes the clean table, the rejected rows and a
//! summary of counts by reason.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDateTime;
use grid_analytics::grid_io::read_grids;
use grid_analytics::rejection::count_by_reason;
use grid_analytics::table_io::{read_table, rename_columns, write_table};
use grid_analytics::validate::{ValidateOptions, parse_time, validate_cases};
use grid_core::Crs;
use grid_core::index::GridIndex;
use tracing::info;

use super::report::report_rejections;
use super::simulate::{load_calendar, load_codes};
use crate::config::Config;
use crate::exit::{Outcome, input};

/// Arguments of `citygrid validate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes DIR/cases.parquet (valid rows with working-CRS coordinates, grid codes when
a grid is given, due times and lifecycle columns), DIR/rejected.parquet (every rejected row
with its reason) and DIR/summary.json (counts by reason). Exit code 1 when rows were rejected."
)]
pub struct Args {
    /// The case table: .csv or .parquet.
    #[arg(long, value_name = "FILE")]
    cases: PathBuf,
    /// City configuration (TOML): column mapping, CRS, grids.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Unit grids (overrides the config's cases.grid).
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// CRS of rows without a crs value (overrides the config's cases.crs).
    #[arg(long, value_name = "CRS")]
    crs: Option<Crs>,
    /// The moment of validation (default: now): later times are rejected; the cut-off for
    /// open_overdue.
    #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
    now: Option<String>,
    /// An "as of" cut-off before --now (the nightly job's midnight): cases reported after it are
    /// left out and counted (not rejected), later lifecycle times are taken as not yet happened.
    #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
    cutoff: Option<String>,
    /// Data folder with codes/ and calendar/.
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Runs `citygrid validate`.
pub fn run(args: &Args) -> Result<Outcome> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let now: NaiveDateTime = match &args.now {
        Some(text) => parse_time(text)
            .ok_or_else(|| input(anyhow::anyhow!("--now {text:?}: expected YYYY-MM-DD HH:MM")))?,
        None => chrono::Local::now().naive_local(),
    };
    let cutoff = match &args.cutoff {
        Some(text) => Some(parse_time(text).ok_or_else(|| {
            input(anyhow::anyhow!(
                "--cutoff {text:?}: expected YYYY-MM-DD HH:MM"
            ))
        })?),
        None => None,
    };
    if let Some(c) = cutoff
        && c > now
    {
        return Err(input(anyhow::anyhow!(
            "--cutoff {c} is after --now {now}: the cut-off cannot be later than the clock"
        )));
    }
    let catalog = load_codes(&args.data)?;
    let calendar = load_calendar(&args.data)?;
    let grid_path = args.grid.clone().or(config.cases.grid.clone());
    let grids = match &grid_path {
        Some(path) => {
            let (layer, rejections) = read_grids(path, config.cases.working_crs).map_err(input)?;
            if let Some(first) = rejections.first() {
                return Err(input(anyhow::anyhow!(
                    "{}: invalid grid, first: {first}",
                    path.display()
                )));
            }
            Some(GridIndex::new(layer))
        }
        None => None,
    };
    let request = Request {
        cases: &args.cases,
        config: &config,
        options: ValidateOptions {
            cutoff,
            catalog: &catalog,
            calendar: &calendar,
            grids: grids.as_ref(),
            working_crs: config.cases.working_crs,
            default_crs: args.crs.unwrap_or(config.cases.crs),
            now,
        },
        out: &args.out,
    };
    let report = validate_file(&request)?;
    Ok(if report.rejected == 0 {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

/// A case file to validate into an output folder.
pub struct Request<'a> {
    /// The case table (.csv or .parquet).
    pub cases: &'a Path,
    /// The city configuration (column mapping).
    pub config: &'a Config,
    /// Catalog, calendar, grids, cut-off.
    pub options: ValidateOptions<'a>,
    /// Output folder: cases.parquet, rejected.parquet, summary.json.
    pub out: &'a Path,
}

/// What [`validate_file`] found.
#[derive(Debug)]
pub struct Report {
    /// Rows read.
    pub rows: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// Reads, maps and validates a case file and writes the clean table, the rejected rows and the
/// summary (shared by `validate` and the nightly job).
pub fn validate_file(request: &Request<'_>) -> Result<Report> {
    let mut raw = read_table(request.cases).map_err(input)?;
    let name = request.cases.display().to_string();
    let mapping = request
        .config
        .cases
        .columns
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()));
    rename_columns(&mut raw, &name, mapping).map_err(input)?;
    let mut out = validate_cases(&raw, &name, &request.options).map_err(input)?;
    let (clean_path, rejected_path) = (
        request.out.join("cases.parquet"),
        request.out.join("rejected.parquet"),
    );
    // GeoParquet: each case's point in the working CRS (the x_m/y_m columns).
    grid_analytics::geoparquet::write_geoparquet_points(
        &clean_path,
        &out.clean,
        grid_analytics::case_schema::X_M,
        grid_analytics::case_schema::Y_M,
        request.options.working_crs,
    )
    .with_context(|| format!("writing {}", clean_path.display()))?;
    write_table(&mut out.rejected, &rejected_path)
        .with_context(|| format!("writing {}", rejected_path.display()))?;
    let counts: std::collections::BTreeMap<String, u64> = count_by_reason(&out.rejections)
        .into_iter()
        .map(|(reason, n)| (reason.as_str().to_owned(), n as u64))
        .collect();
    let summary = serde_json::json!({
        "input": name,
        "rows": raw.height(),
        "valid": out.clean.height(),
        "rejected": out.rejections.len(),
        "rejected_by_reason": &counts,
        "after_cutoff": out.after_cutoff,
        "now": request.options.cutoff.unwrap_or(request.options.now).to_string(),
    });
    let summary_path = request.out.join("summary.json");
    grid_core::io::write_atomic(&summary_path, |w| {
        Ok(serde_json::to_writer_pretty(w, &summary)?)
    })
    .with_context(|| format!("writing {}", summary_path.display()))?;
    if out.after_cutoff > 0 {
        info!(
            "{name}: {} valid cases reported after the cut-off {} left for the next run",
            out.after_cutoff,
            request.options.cutoff.unwrap_or(request.options.now)
        );
    }
    info!(
        "{} of {} cases valid -> {}",
        out.clean.height(),
        raw.height(),
        clean_path.display()
    );
    report_rejections(request.cases, &out.rejections, &rejected_path);
    Ok(Report {
        rows: raw.height(),
        rejected: out.rejections.len(),
    })
}
