//! `citygrid nightly`: the nightly job. Reads the city's configuration, builds or loads the unit
//! grids, ingests and validates the case history, places the components on the grids, maps hot
//! spots and emerging hot spots, forecasts the next weeks per grid, scores the assessment period,
//! and writes everything into a dated run folder (renamed into place when the run has finished)
//! with a `manifest.json`. Stages whose inputs did not change since the last run are reused.

mod layers;
mod manifest;
mod pictures;
pub mod progress;
mod run_dir;
mod runner;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use grid_analytics::convert::convert_features;
use grid_analytics::grid_io::{read_components, read_grids, write_geo_table, write_grids};
use grid_analytics::simulate::{SimulationConfig, SimulationInput, simulate};
use grid_analytics::validate::{ValidateOptions, parse_time};
use grid_core::grid::GridBuilder;
use grid_core::index::GridIndex;
use grid_core::io::{read_feature_collection, write_feature_collection};
use grid_core::measure::area_m2;
use grid_core::{Crs, GridLayer};
use polars::prelude::{Column, DataFrame};
use serde_json::json;

use crate::argv;
use crate::commands::grid::{GridSource, build_grids};
use crate::commands::simulate::{load_calendar, load_codes};
use crate::commands::validate::{Request, validate_file};
use crate::config::Config;
use crate::exit::{Outcome, input};
use manifest::{InputFile, MANIFEST_VERSION, Manifest, OutputFile, checksum};
use progress::Progress;
use run_dir::RunDir;
use runner::{Runner, Stage, files};

/// Arguments of `citygrid nightly`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes OUT/<date of the cut-off>/ (renamed into place at the end, so \
a killed run leaves the last good output intact) and points OUT/latest at it: grids, cases \
(validated) and their rejected rows, components on grids, hot spots per measure, emerging hot \
spots, forecasts with their backtest and next week's risk map, assessment indicators, scores and \
maps per level, and manifest.json (inputs with checksums and rows, config, versions, stage \
timings, rejected rows by reason). Map layers are GeoJSON (WGS84) and GeoParquet (working CRS). \
A stage whose inputs and settings did not change since the latest run reuses its outputs \
(--force reruns all). docs/nightly.md describes every file."
)]
pub struct Args {
    /// The city's configuration (TOML; examples/city.toml annotates every key). Without it: the
    /// bundled sample city (Rizhao) with its simulated history.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output folder: one dated folder per run and `latest`.
    #[arg(long, default_value = "out", value_name = "DIR")]
    out: PathBuf,
    /// Rerun every stage, even those whose inputs did not change.
    #[arg(long)]
    force: bool,
    /// The case table (.csv or .parquet), overriding the config's [cases] path.
    #[arg(long, value_name = "FILE")]
    cases: Option<PathBuf>,
    /// Size of the simulated sample history (overrides [cases] sample_cases).
    #[arg(long, value_name = "N")]
    sample_cases: Option<u64>,
    /// Cut-off (overrides [city] now; default: today 00:00, or the end of the simulated sample).
    #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
    now: Option<String>,
}

/// The stages, in order.
const STAGES: [&str; 9] = [
    "grids", "ingest", "validate", "assign", "hotspots", "emerging", "forecast", "assess", "maps",
];

/// What the run resolved from its configuration.
struct Plan {
    config: Config,
    config_path: Option<PathBuf>,
    data: PathBuf,
    working: Crs,
    /// The cut-off: the city as it stood at this moment.
    now: NaiveDateTime,
    /// The end of the run's day (at least the cut-off): times after it cannot have happened.
    clock: NaiveDateTime,
    /// First day after the analysis window (cases reported before it count).
    to: NaiveDate,
    /// The simulated sample, when no case table is configured.
    sample: Option<SimulationConfig>,
    cases: PathBuf,
    components: Option<PathBuf>,
}

/// Runs `citygrid nightly`.
pub fn run(args: &Args, quiet: bool) -> Result<Outcome> {
    let started = Instant::now();
    let plan = plan(args)?;
    let label = plan.now.date().format("%Y-%m-%d").to_string();
    let run = RunDir::begin(&args.out, &label)?;
    let progress = Progress::new(progress::bars_wanted(quiet), STAGES.len());
    let mut runner = Runner::new(run, args.force, progress);
    let mut inputs = Vec::new();

    grids_stage(&mut runner, &plan)?;
    ingest_stage(&mut runner, &plan, &args.out, &mut inputs)?;
    validate_stage(&mut runner, &plan)?;
    if let Some(rows) = validated_rows(&runner.dir())?
        && let Some(cases) = inputs
            .iter_mut()
            .find(|i: &&mut InputFile| i.role == "cases")
    {
        cases.rows = Some(rows);
    }
    assign_stage(&mut runner, &plan)?;
    hotspots_stage(&mut runner, &plan)?;
    emerging_stage(&mut runner, &plan)?;
    forecast_stage(&mut runner, &plan)?;
    assess_stage(&mut runner, &plan)?;
    maps_stage(&mut runner, &plan)?;

    let manifest = write_manifest(&runner, &plan, inputs, &label)?;
    let records = runner.records.clone();
    let final_dir = runner.run.finish()?;
    if !quiet {
        print_summary(&plan, &final_dir, &records, &manifest, started);
    }
    Ok(if manifest.rejected_total > 0 {
        Outcome::Rejected
    } else {
        Outcome::Clean
    })
}

/// Reads the configuration and resolves the defaults that depend on it.
fn plan(args: &Args) -> Result<Plan> {
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(path) = &args.cases {
        config.cases.path = Some(path.clone());
    }
    if let Some(n) = args.sample_cases {
        config.cases.sample_cases = n;
    }
    if let Some(now) = &args.now {
        config.city.now = Some(now.clone());
    }
    config.check().map_err(|e| {
        input(anyhow::anyhow!(
            "{}: {e}",
            args.config
                .as_ref()
                .map_or("arguments".to_owned(), |p| p.display().to_string())
        ))
    })?;
    config.check_paths().map_err(|e| {
        input(anyhow::anyhow!(
            "{}: {e}",
            args.config
                .as_ref()
                .map_or("arguments".to_owned(), |p| p.display().to_string())
        ))
    })?;
    let data = config
        .city
        .data
        .clone()
        .unwrap_or_else(|| PathBuf::from("data"));
    let sample = config.cases.path.is_none().then(|| SimulationConfig {
        cases: config.cases.sample_cases,
        ..SimulationConfig::default()
    });
    let now = match (&config.city.now, &sample) {
        (Some(text), _) => parse_time(text)
            .ok_or_else(|| input(anyhow::anyhow!("now {text:?}: expected YYYY-MM-DD HH:MM")))?,
        (None, Some(sim)) => sim
            .start
            .with_year(sim.start.year() + sim.years as i32)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .context("the simulated history's end")?,
        (None, None) => city_now(&config)
            .date()
            .and_hms_opt(0, 0, 0)
            .context("today 00:00")?,
    };
    let to = if now.time() == chrono::NaiveTime::MIN {
        now.date()
    } else {
        now.date() + Duration::days(1)
    };
    let out_sample = args.out.join("sample");
    let cases = config
        .cases
        .path
        .clone()
        .unwrap_or_else(|| out_sample.join("cases.parquet"));
    let components = config.components.path.clone().or_else(|| {
        sample
            .as_ref()
            .map(|_| out_sample.join("components.parquet"))
    });
    // The end of today by the run's clock: a time after it cannot have happened. (The end of
    // the day, not the moment, so that runs on the same day write the same rejected rows.)
    let clock = (city_now(&config).date() + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .context("the end of today")?
        .max(now);
    Ok(Plan {
        clock,
        working: config.cases.working_crs,
        config_path: args.config.clone(),
        data,
        now,
        to,
        sample,
        cases,
        components,
        config,
    })
}

/// The city's wall-clock time now (UTC plus `[city] utc_offset_h`), whatever the server's
/// time zone: case times are the city's local times.
fn city_now(config: &Config) -> NaiveDateTime {
    chrono::Utc::now().naive_utc() + Duration::minutes((config.city.utc_offset_h * 60.0) as i64)
}

impl Plan {
    /// The boundary, communities and district outlines the grids are built from (the sample
    /// city's unless configured).
    fn grid_sources(&self) -> (Option<PathBuf>, Option<PathBuf>, Option<PathBuf>) {
        let g = &self.config.grids;
        if g.path.is_some() || g.boundary.is_some() {
            return (
                g.boundary.clone(),
                g.communities.clone(),
                g.districts.clone(),
            );
        }
        let rizhao = self.data.join("rizhao");
        (
            Some(rizhao.join("central_city.geojson")),
            Some(rizhao.join("communities.geojson")),
            Some(rizhao.join("districts.geojson")),
        )
    }

    fn working_arg(&self) -> String {
        self.working.to_string()
    }
}

/// Stage 1: the unit grids (loaded or generated) and the district outlines.
fn grids_stage(runner: &mut Runner, plan: &Plan) -> Result<()> {
    let (boundary, communities, districts) = plan.grid_sources();
    let mut inputs: Vec<PathBuf> = Vec::new();
    inputs.extend(plan.config.grids.path.clone());
    if plan.config.grids.path.is_none() {
        inputs.extend(boundary.clone());
        inputs.extend(communities.clone());
    }
    inputs.extend(districts.clone());
    let stage = Stage {
        name: "grids",
        what: "unit grids and district outlines".to_owned(),
        inputs,
        params: json!({
            "cell_size_m": plan.config.grids.cell_size_m,
            "working_crs": plan.working_arg(),
        }),
        reuse: true,
    };
    runner.stage(stage, |runner| {
        let dir = runner.dir();
        let layer: GridLayer = match (&plan.config.grids.path, &boundary) {
            (Some(path), _) => {
                let (layer, rejections) = read_grids(path, plan.working).map_err(input)?;
                if let Some(first) = rejections.first() {
                    return Err(input(anyhow::anyhow!("{}: {first}", path.display())));
                }
                layer
            }
            (None, Some(boundary)) => {
                let source = GridSource {
                    boundary,
                    communities: communities.as_deref(),
                    division_code: None,
                };
                let builder = GridBuilder::default().cell_size_m(plan.config.grids.cell_size_m);
                runner.record_command(format!(
                    "citygrid grid build --boundary {}{} --cell-size-m {} --crs {} --out {}",
                    boundary.display(),
                    communities
                        .as_ref()
                        .map(|c| format!(" --communities {}", c.display()))
                        .unwrap_or_default(),
                    plan.config.grids.cell_size_m,
                    plan.working,
                    dir.join("grids.parquet").display()
                ));
                build_grids(&source, &builder, plan.working)?.0
            }
            (None, None) => no_grid_source()?,
        };
        write_grids(&layer, &dir.join("grids.parquet"), plan.working)?;
        write_grids(&layer, &dir.join("grids.geojson"), Crs::wgs84())?;
        let outlines = dir.join("districts.geojson");
        match &districts {
            Some(path) => district_outlines(path, plan.working, &outlines)?,
            None => grid_district_outlines(&layer, plan.working, &outlines)?,
        }
        layers::geoparquet_beside(&outlines, plan.working)?;
        Ok(())
    })
}

fn no_grid_source<T>() -> Result<T> {
    Err(input(anyhow::anyhow!(
        "[grids]: give path (ready-made grids) or boundary (to generate them)"
    )))
}

/// Stage 2: the case table (simulating the sample city's history once when none is
/// configured) and the checksums and sizes of everything the run reads.
fn ingest_stage(
    runner: &mut Runner,
    plan: &Plan,
    out: &Path,
    inputs: &mut Vec<InputFile>,
) -> Result<()> {
    let stage = Stage {
        name: "ingest",
        what: "case table and input checksums".to_owned(),
        inputs: Vec::new(),
        params: json!({}),
        reuse: false,
    };
    runner.stage(stage, |runner| {
        if let Some(sim) = &plan.sample {
            let dir = out.join("sample");
            if !sample_is_current(&dir, sim) {
                // Its record goes first, so a simulation killed half-way is never taken as
                // current later.
                let _ = std::fs::remove_file(dir.join("simulation.json"));
                let grids = read_run_grids(runner, plan)?;
                let catalog = load_codes(&plan.data)?;
                let calendar = load_calendar(&plan.data)?;
                let tables = SimulationInput {
                    grids: &grids,
                    catalog: &catalog,
                    calendar: &calendar,
                };
                simulate(&tables, sim)
                    .and_then(|mut s| s.write(&dir, plan.working))
                    .with_context(|| {
                        format!("simulating the sample city into {}", dir.display())
                    })?;
            }
            runner.record_command(format!(
                "citygrid simulate --cases {} --seed {} --grid {} --out {}",
                sim.cases,
                sim.seed,
                runner.dir().join("grids.parquet").display(),
                dir.display()
            ));
        }
        if !plan.cases.is_file() {
            return Err(input(anyhow::anyhow!(
                "{}: no such case table",
                plan.cases.display()
            )));
        }
        let (boundary, communities, districts) = plan.grid_sources();
        let mut roles: Vec<(&str, PathBuf)> = vec![("cases", plan.cases.clone())];
        roles.extend(plan.components.clone().map(|p| ("components", p)));
        roles.extend(plan.config.grids.path.clone().map(|p| ("grids", p)));
        if plan.config.grids.path.is_none() {
            roles.extend(boundary.map(|p| ("boundary", p)));
            roles.extend(communities.map(|p| ("communities", p)));
        }
        roles.extend(districts.map(|p| ("districts", p)));
        roles.push(("codes", plan.data.join("codes")));
        roles.push(("calendar", plan.data.join("calendar")));
        roles.extend(plan.config_path.clone().map(|p| ("config", p)));
        roles.extend(
            plan.config
                .assessment
                .scoring
                .clone()
                .map(|p| ("scoring", p)),
        );
        roles.extend(
            plan.config
                .assessment
                .inspection
                .clone()
                .map(|p| ("inspection", p)),
        );
        for (role, path) in roles {
            let (sha256, bytes) = runner.checksum(&path).map_err(input)?;
            inputs.push(InputFile {
                role: role.to_owned(),
                path: path.display().to_string(),
                sha256,
                bytes,
                rows: None,
            });
        }
        Ok(())
    })
}

/// The run's grids as an index (from the grids stage's output).
fn read_run_grids(runner: &Runner, plan: &Plan) -> Result<GridIndex> {
    let path = runner.dir().join("grids.parquet");
    let (layer, _) =
        read_grids(&path, plan.working).with_context(|| format!("reading {}", path.display()))?;
    Ok(GridIndex::new(layer))
}

/// Stage 3: every case row checked, typed and given its grid; rejected rows kept with reasons.
fn validate_stage(runner: &mut Runner, plan: &Plan) -> Result<()> {
    let dir = runner.dir();
    let stage = Stage {
        name: "validate",
        what: "checking every case row and assigning grids".to_owned(),
        inputs: vec![
            plan.cases.clone(),
            plan.data.join("codes"),
            plan.data.join("calendar"),
            dir.join("grids.parquet"),
        ],
        params: json!({
            "path": plan.cases.display().to_string(),
            "columns": plan.config.cases.columns,
            "crs": plan.config.cases.crs.to_string(),
            "working_crs": plan.working_arg(),
            "now": plan.now.to_string(),
            // Times after the run's clock are rejected as future ones: a run on another day
            // may judge them differently.
            "clock_day": plan.clock.date().to_string(),
        }),
        reuse: true,
    };
    runner.stage(stage, |runner| {
        let grids = read_run_grids(runner, plan)?;
        let catalog = load_codes(&plan.data)?;
        let calendar = load_calendar(&plan.data)?;
        runner.record_command(format!(
            "citygrid validate --cases {}{} --data {} --grid {} --now \"{}\" --cutoff \"{}\" --out {}",
            plan.cases.display(),
            plan.config_path
                .as_ref()
                .map(|c| format!(" --config {}", c.display()))
                .unwrap_or_default(),
            plan.data.display(),
            dir.join("grids.parquet").display(),
            plan.clock.format("%Y-%m-%d %H:%M"),
            plan.now.format("%Y-%m-%d %H:%M"),
            dir.display()
        ));
        let report = validate_file(&Request {
            cases: &plan.cases,
            config: &plan.config,
            options: ValidateOptions {
                catalog: &catalog,
                calendar: &calendar,
                grids: Some(&grids),
                working_crs: plan.working,
                default_crs: plan.config.cases.crs,
                now: plan.clock,
                cutoff: Some(plan.now),
            },
            out: &dir,
        })?;
        // The rejected rows are in rejected.parquet, which the runner counts by reason.
        if report.rejected == report.rows {
            return Err(input(anyhow::anyhow!(
                "{}: none of its {} rows is a valid case (reasons in {})",
                plan.cases.display(),
                report.rows,
                dir.join("rejected.parquet").display()
            )));
        }
        Ok(())
    })
}

/// Rows of the case table, from the validation summary.
fn validated_rows(dir: &Path) -> Result<Option<u64>> {
    let Ok(text) = std::fs::read_to_string(dir.join("summary.json")) else {
        return Ok(None);
    };
    let summary: serde_json::Value = serde_json::from_str(&text)?;
    Ok(summary.get("rows").and_then(serde_json::Value::as_u64))
}

/// Stage 4: the component inventory placed on the grids.
fn assign_stage(runner: &mut Runner, plan: &Plan) -> Result<()> {
    let Some(path) = plan.components.clone() else {
        runner.not_configured("assign", "no component inventory ([components] path)");
        return Ok(());
    };
    let dir = runner.dir();
    let stage = Stage {
        name: "assign",
        what: "placing components on the grids".to_owned(),
        inputs: vec![
            path.clone(),
            plan.data.join("codes"),
            dir.join("grids.parquet"),
        ],
        params: json!({ "working_crs": plan.working_arg() }),
        reuse: true,
    };
    runner.stage(stage, |runner| {
        let grids = read_run_grids(runner, plan)?;
        let catalog = load_codes(&plan.data)?;
        let (layer, rejections) = read_components(&path, plan.working, &catalog).map_err(input)?;
        let components = layer.components();
        let points: Vec<geo::Coord<f64>> = components
            .iter()
            .map(|c| {
                c.representative_point().map_or(
                    geo::Coord {
                        x: f64::NAN,
                        y: f64::NAN,
                    },
                    |p| p.0,
                )
            })
            .collect();
        let grid_of = grids.assign(&points);
        let text = |f: &dyn Fn(&grid_core::component::Component) -> String| -> Vec<String> {
            components.iter().map(f).collect()
        };
        let mut columns = vec![
            Column::new("code".into(), text(&|c| c.code.to_string())),
            Column::new("class_code".into(), text(&|c| c.class_code().to_string())),
            Column::new("status".into(), text(&|c| c.status.to_string())),
        ];
        columns.extend(grid_analytics::assign::grid_code_columns(&grids, &grid_of));
        let table = DataFrame::new_infer_height(columns)?;
        let out = dir.join("components.parquet");
        write_geo_table(
            &out,
            &table,
            components.iter().map(|c| &c.geometry),
            layer.crs(),
            plan.working,
            "GeoParquet",
        )?;
        // Rejected components (row, field, reason): the runner counts them by reason.
        if !rejections.is_empty() {
            let rejected = dir.join("components.rejected.csv");
            crate::commands::report::report_rejections(&path, &rejections, &rejected);
            write_rejections(&rejected, &rejections)?;
        }
        let outside = grid_of.iter().filter(|g| g.is_none()).count();
        if outside > 0 {
            tracing::warn!(
                "{}: {outside} of {} components lie outside every grid (kept, with empty codes)",
                path.display(),
                components.len()
            );
        }
        Ok(())
    })
}

/// Writes rejections (row, field, reason, detail) as CSV.
fn write_rejections(path: &Path, rejections: &[grid_core::rejection::Rejection]) -> Result<()> {
    let mut table = DataFrame::new_infer_height(vec![
        Column::new(
            "row_number".into(),
            rejections.iter().map(|r| r.row as u64).collect::<Vec<_>>(),
        ),
        Column::new(
            "reject_field".into(),
            rejections
                .iter()
                .map(|r| r.field.clone())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "reject_reason".into(),
            rejections
                .iter()
                .map(|r| r.reason.as_str().to_owned())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "reject_detail".into(),
            rejections
                .iter()
                .map(|r| r.detail.clone())
                .collect::<Vec<_>>(),
        ),
    ])?;
    grid_analytics::table_io::write_table(&mut table, path)?;
    Ok(())
}

/// Stage 5: hot and cold spots (Gi*) of each configured measure over the recent window.
fn hotspots_stage(runner: &mut Runner, plan: &Plan) -> Result<()> {
    let dir = runner.dir();
    let h = &plan.config.hotspots;
    let from = plan.to - Duration::days(i64::from(h.days));
    let stage = Stage {
        name: "hotspots",
        what: format!(
            "Gi* of {} from {from} to {}",
            h.measures.join(", "),
            plan.to
        ),
        inputs: vec![dir.join("cases.parquet"), dir.join("grids.parquet")],
        params: json!({ "config": h, "from": from.to_string(), "to": plan.to.to_string(),
                        "working_crs": plan.working_arg() }),
        reuse: true,
    };
    runner.stage(stage, |runner| {
        for measure in &h.measures {
            let out = dir.join(format!("hotspots_{measure}.parquet"));
            let mut args = argv![
                "hotspots",
                "--cases",
                dir.join("cases.parquet"),
                "--grid",
                dir.join("grids.parquet"),
                "--measure",
                measure,
                "--from",
                from.to_string(),
                "--to",
                plan.to.to_string(),
                "--weights",
                &h.weights,
                "--permutations",
                h.permutations.to_string(),
                "--seed",
                h.seed.to_string(),
                "--working-crs",
                plan.working_arg(),
                "--out",
                &out,
            ];
            if h.fdr {
                args.push("--fdr".into());
            }
            match runner.citygrid(args) {
                Ok(_) => {
                    layers::geojson_beside(&out)?;
                }
                // A quiet measure (the same value in every grid, e.g. no open overdue case
                // anywhere) has no hot spot to map: said, not a failure of the night.
                Err(e) if is_zero_variance(&e) => {
                    tracing::warn!(
                        "hotspots: {measure} is the same in every grid from {from} to {}: no hot spot map for it",
                        plan.to
                    );
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })
}

/// Whether an error is Gi*'s "every feature has the same value", also inside an input error
/// (whose wrapped error keeps its own chain: `exit::InputError` prints it whole, so it does not
/// expose it as a source, which would print every cause twice).
fn is_zero_variance(error: &anyhow::Error) -> bool {
    let zero = |chain: anyhow::Chain<'_>| {
        chain.into_iter().any(|c| {
            matches!(
                c.downcast_ref::<grid_analytics::Error>()
                    .map(grid_analytics::Error::inner),
                Some(grid_analytics::Error::ZeroVariance)
            )
        })
    };
    zero(error.chain())
        || error.chain().any(|c| {
            c.downcast_ref::<crate::exit::InputError>()
                .is_some_and(|inner| zero(inner.0.chain()))
        })
}

/// Stage 6: emerging hot spots over the whole history.
fn emerging_stage(runner: &mut Runner, plan: &Plan) -> Result<()> {
    let dir = runner.dir();
    let e = &plan.config.emerging;
    let stage = Stage {
        name: "emerging",
        what: format!("emerging hot spots by {} up to {}", e.step, plan.to),
        inputs: vec![dir.join("cases.parquet"), dir.join("grids.parquet")],
        params: json!({ "config": e, "to": plan.to.to_string(), "working_crs": plan.working_arg() }),
        reuse: true,
    };
    runner.stage(stage, |runner| {
        let out = dir.join("emerging.parquet");
        runner.citygrid(argv![
            "emerging",
            "--cases",
            dir.join("cases.parquet"),
            "--grid",
            dir.join("grids.parquet"),
            "--step",
            &e.step,
            "--weights",
            &e.weights,
            "--to",
            plan.to.to_string(),
            "--working-crs",
            plan.working_arg(),
            "--out",
            &out,
            "--cube-out",
            dir.join("emerging_cube.parquet"),
        ])?;
        layers::geojson_beside(&out)?;
        Ok(())
    })
}

/// Stage 7: forecasts per grid with their backtest, and next period's risk map.
fn forecast_stage(runner: &mut Runner, plan: &Plan) -> Result<()> {
    let dir = runner.dir();
    let f = &plan.config.forecast;
    let stage = Stage {
        name: "forecast",
        what: format!(
            "{} forecasts per {} ({} steps) up to {}",
            f.freq, f.unit, f.horizon, plan.to
        ),
        inputs: vec![dir.join("cases.parquet"), dir.join("grids.parquet")],
        params: json!({ "config": f, "to": plan.to.to_string(), "working_crs": plan.working_arg() }),
        reuse: true,
    };
    runner.stage(stage, |runner| {
        let out = dir.join("forecast.parquet");
        let mut args = argv![
            "forecast",
            "--cases",
            dir.join("cases.parquet"),
            "--unit",
            &f.unit,
            "--group",
            &f.group,
            "--freq",
            &f.freq,
            "--horizon",
            f.horizon.to_string(),
            "--models",
            &f.models,
            "--score",
            &f.score,
            "--choose",
            &f.choose,
            "--windows",
            f.windows.to_string(),
            "--to",
            plan.to.to_string(),
            "--out",
            &out,
            "--metrics-out",
            dir.join("forecast_metrics.parquet"),
        ];
        let grid_map = f.unit == "grid" && f.group == "all";
        if grid_map {
            args.extend(argv![
                "--places-out",
                dir.join("forecast_places.parquet"),
                "--grid",
                dir.join("grids.parquet"),
                "--working-crs",
                plan.working_arg(),
            ]);
        }
        runner.citygrid(args)?;
        if grid_map {
            layers::forecast_risk(
                &out,
                &dir.join("grids.parquet"),
                plan.to,
                &dir.join("forecast_risk.parquet"),
            )?;
        } else {
            tracing::warn!(
                "the forecast risk map needs [forecast] unit = \"grid\" and group = \"all\""
            );
        }
        Ok(())
    })
}

/// The assessment period: the configured one, or the last full quarter before the cut-off.
fn assessment_period(plan: &Plan) -> String {
    plan.config
        .assessment
        .period
        .clone()
        .unwrap_or_else(|| last_full_quarter(plan.now))
}

/// Stage 9: the map pictures.
fn maps_stage(runner: &mut Runner, plan: &Plan) -> Result<()> {
    let m = &plan.config.maps;
    if !m.enabled {
        runner.not_configured("maps", "[maps] enabled = false");
        return Ok(());
    }
    let dir = runner.dir();
    let h = &plan.config.hotspots;
    let layers: Vec<PathBuf> = h
        .measures
        .iter()
        .map(|measure| dir.join(format!("hotspots_{measure}.parquet")))
        .chain([
            dir.join("emerging.parquet"),
            dir.join("forecast_risk.parquet"),
            dir.join("assess/street.parquet"),
        ])
        .filter(|p| p.is_file())
        .collect();
    let mut inputs = layers.clone();
    inputs.push(dir.join("districts.geojson"));
    inputs.extend(m.font.clone());
    let from = plan.to - Duration::days(i64::from(h.days));
    let last = plan.to - Duration::days(1);
    let period = assessment_period(plan);
    let stage = Stage {
        name: "maps",
        what: format!("{} map pictures", layers.len()),
        inputs,
        params: json!({
            "maps": m,
            "city": [&plan.config.city.name_zh, &plan.config.city.name_en],
            "now": plan.now.to_string(),
            "from": from.to_string(),
            "period": period,
            "measures": h.measures,
            "emerging_step": plan.config.emerging.step,
            "forecast_freq": plan.config.forecast.freq,
            "working_crs": plan.working_arg(),
        }),
        reuse: true,
    };
    runner.stage(stage, |_| {
        let font = match &m.font {
            Some(path) => grid_maps::Font::from_file(path).map_err(input)?,
            None => grid_maps::Font::bundled(),
        };
        let frame = pictures::Frame {
            font: &font,
            outlines: pictures::district_outlines(&dir.join("districts.geojson"), plan.working)?,
            city: format!("{} {}", plan.config.city.name_zh, plan.config.city.name_en),
            footer: format!(
                "citygrid {} · 数据截至 As of {} · {}",
                env!("CARGO_PKG_VERSION"),
                plan.now.format("%Y-%m-%d %H:%M"),
                plan.working
            ),
            width_px: m.width_px,
            height_px: m.height_px,
        };
        let out = dir.join("maps");
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
        for measure in &h.measures {
            let layer = dir.join(format!("hotspots_{measure}.parquet"));
            if layer.is_file() {
                pictures::hotspot_map(
                    &frame,
                    &layer,
                    measure,
                    &format!("{from} – {last}"),
                    plan.working,
                    &out.join(format!("hotspots_{measure}.png")),
                )?;
            }
        }
        let layer = dir.join("emerging.parquet");
        if layer.is_file() {
            pictures::emerging_map(
                &frame,
                &layer,
                &match plan.config.emerging.step.as_str() {
                    "week" => format!("按周 weekly · 截至 up to {last}"),
                    _ => format!("按月 monthly · 截至 up to {last}"),
                },
                plan.working,
                &out.join("emerging.png"),
            )?;
        }
        let layer = dir.join("forecast_risk.parquet");
        if layer.is_file() {
            let start = layers::risk_period_start(&layer)?;
            pictures::risk_map(
                &frame,
                &layer,
                &match plan.config.forecast.freq.as_str() {
                    "day" => format!("{start} 当天 · the day {start}"),
                    _ => format!("{start} 起一周 · the week from {start}"),
                },
                plan.working,
                &out.join("forecast_risk.png"),
            )?;
        }
        let layer = dir.join("assess/street.parquet");
        if layer.is_file() {
            pictures::grades_map(
                &frame,
                &layer,
                &period,
                plan.working,
                &out.join("grades_street.png"),
            )?;
        }
        Ok(())
    })
}

/// The last full quarter before the cut-off.
fn last_full_quarter(now: NaiveDateTime) -> String {
    let (year, quarter) = (now.year(), (now.month0() / 3) as i32);
    let (year, quarter) = if quarter == 0 {
        (year - 1, 4)
    } else {
        (year, quarter)
    };
    format!("{year}-Q{quarter}")
}

/// Stage 8: assessment indicators, scores and maps for the period.
fn assess_stage(runner: &mut Runner, plan: &Plan) -> Result<()> {
    let dir = runner.dir();
    let a = &plan.config.assessment;
    let period = assessment_period(plan);
    let mut inputs = vec![dir.join("cases.parquet"), dir.join("grids.parquet")];
    inputs.extend(a.scoring.clone());
    inputs.extend(a.inspection.clone());
    let stage = Stage {
        name: "assess",
        what: format!("assessment of {period}"),
        inputs,
        params: json!({ "period": period, "working_crs": plan.working_arg() }),
        reuse: true,
    };
    runner.stage(stage, |runner| {
        let mut args = argv![
            "assess",
            "--cases",
            dir.join("cases.parquet"),
            "--period",
            &period,
            "--grid",
            dir.join("grids.parquet"),
            "--working-crs",
            plan.working_arg(),
            "--out",
            dir.join("assess"),
        ];
        if let Some(scoring) = &a.scoring {
            args.extend(argv!["--config", scoring]);
        }
        if let Some(inspection) = &a.inspection {
            args.extend(argv!["--inspection", inspection]);
        }
        runner.citygrid(args)?;
        Ok(())
    })
}

/// Writes `manifest.json` into the run folder and returns it.
fn write_manifest(
    runner: &Runner,
    plan: &Plan,
    inputs: Vec<InputFile>,
    label: &str,
) -> Result<Manifest> {
    let dir = runner.dir();
    let mut outputs = Vec::new();
    for path in files(&dir)? {
        if path == "manifest.json" {
            continue;
        }
        let (sha256, bytes) = checksum(&dir.join(&path))?;
        outputs.push(OutputFile {
            path,
            sha256,
            bytes,
        });
    }
    let versions: BTreeMap<String, String> = [
        ("citygrid", env!("CARGO_PKG_VERSION")),
        ("geoparquet", grid_analytics::geoparquet::GEOPARQUET_VERSION),
        ("geojson", "RFC 7946"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let manifest = Manifest {
        manifest_version: MANIFEST_VERSION,
        versions,
        as_of: plan.now.to_string(),
        folder: label.to_owned(),
        config: serde_json::to_value(&plan.config)?,
        inputs,
        stages: runner.records.clone(),
        outputs,
        rejected_total: runner.rejected.values().flat_map(|m| m.values()).sum(),
        rejected: runner.rejected.clone(),
    };
    let path = dir.join("manifest.json");
    grid_core::io::write_atomic(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest)?;
        Ok(std::io::Write::write_all(w, b"\n")?)
    })
    .with_context(|| format!("writing {}", path.display()))?;
    Ok(manifest)
}

/// The closing summary on stdout.
fn print_summary(
    plan: &Plan,
    dir: &Path,
    records: &[manifest::StageRecord],
    manifest: &Manifest,
    started: Instant,
) {
    println!(
        "citygrid nightly: {} {}, cut-off {} -> {}",
        plan.config.city.name_zh,
        plan.config.city.name_en,
        plan.now.format("%Y-%m-%d %H:%M"),
        dir.display()
    );
    for r in records {
        println!(
            "  {:<9} {:<27} {:>8.1} s  {} files",
            r.name,
            r.status,
            r.seconds,
            r.outputs.len()
        );
    }
    let skipped: Vec<&str> = records
        .iter()
        .filter(|r| r.status == runner::SKIPPED)
        .map(|r| r.name.as_str())
        .collect();
    if !skipped.is_empty() {
        println!(
            "  reused the previous run's outputs (inputs unchanged; --force reruns): {}",
            skipped.join(", ")
        );
    }
    for (stage, reasons) in &manifest.rejected {
        println!(
            "  rejected rows in {stage}: {}",
            reasons
                .iter()
                .map(|(r, n)| format!("{r}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "  {} files, manifest.json; {:.1} s",
        manifest.outputs.len() + 1,
        started.elapsed().as_secs_f64()
    );
}

/// Whether `dir` holds a complete simulation drawn with `config`.
fn sample_is_current(dir: &Path, config: &SimulationConfig) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("simulation.json")) else {
        return false;
    };
    let Ok(found) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    serde_json::to_value(config).is_ok_and(|c| found.get("config") == Some(&c))
        && dir.join("cases.parquet").is_file()
        && dir.join("components.parquet").is_file()
}

/// Projects district boundaries (GeoJSON with `adcode`), measures them and writes them as WGS84
/// GeoJSON with `area_km2`.
fn district_outlines(path: &Path, working: Crs, out: &Path) -> Result<()> {
    let layer = read_feature_collection(path).map_err(input)?;
    let projected = convert_features(&layer, Crs::wgs84(), working).map_err(input)?;
    if let Some(first) = projected.rejections.first() {
        return Err(input(anyhow::anyhow!(
            "{}: feature {first}",
            path.display()
        )));
    }
    let mut output = layer.clone();
    for (index, (feature, projected)) in output
        .features
        .iter_mut()
        .zip(&projected.features.features)
        .enumerate()
    {
        if feature
            .property("adcode")
            .and_then(|v| v.as_str())
            .is_none()
        {
            return Err(input(anyhow::anyhow!(
                "{}: feature {}: field \"adcode\": missing or not a string",
                path.display(),
                index + 1
            )));
        }
        let geometry = projected
            .geometry
            .clone()
            .context("projected feature lost its geometry")?;
        let shape = geo::Geometry::<f64>::try_from(geometry)?;
        let area_km2 = area_m2(&shape, working)? / 1e6;
        feature.set_property("area_km2", (area_km2 * 1000.0).round() / 1000.0);
    }
    write_feature_collection(out, &output, Crs::wgs84())
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

/// District outlines merged from the grids when no boundary file is configured.
fn grid_district_outlines(layer: &GridLayer, working: Crs, out: &Path) -> Result<()> {
    let mut by_district: BTreeMap<String, Vec<geo::Polygon<f64>>> = BTreeMap::new();
    for grid in layer.grids() {
        by_district
            .entry(grid.district().to_string())
            .or_default()
            .extend(grid.geometry.0.iter().cloned());
    }
    let mut codes = Vec::new();
    let mut shapes = Vec::new();
    for (code, polygons) in by_district {
        let merged = geo::unary_union(polygons.iter());
        let area_km2 = area_m2(&geo::Geometry::MultiPolygon(merged.clone()), working)? / 1e6;
        codes.push((code, (area_km2 * 1000.0).round() / 1000.0));
        shapes.push(geo::Geometry::MultiPolygon(merged));
    }
    let table = DataFrame::new_infer_height(vec![
        Column::new(
            "adcode".into(),
            codes.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "area_km2".into(),
            codes.iter().map(|c| c.1).collect::<Vec<_>>(),
        ),
    ])?;
    write_geo_table(out, &table, shapes.iter(), working, working, "GeoJSON")?;
    Ok(())
}
