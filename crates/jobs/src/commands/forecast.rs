//! `citygrid forecast`: forecasts per series, from any long-format table or from a case table.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use grid_analytics::Error;
use grid_analytics::forecast::{
    Choose, ForecastOptions, Freq, Group, Metric, SeriesInput, Unit, run_forecasts,
};
use grid_analytics::grid_io::read_layer;
use grid_analytics::table_io::{read_table, rejected_path, write_table};
use grid_core::Crs;
use tracing::{info, warn};

use super::filter::CaseFilterArgs;
use super::report::{remove_stale, report_rejections};
use crate::exit::{Outcome, input};

/// Arguments of `citygrid forecast`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes OUT with one row per series, step and model: unique_id, ds (start \
of the period), model, mean, lo_<level>/hi_<level> (the model's own intervals, or conformal ones \
from the absolute errors of up to --conformal-windows windows of --horizon steps, split \
conformal's finite-sample quantile), fallback (true where a \
series too short for the model got a fallback). Forecasts are never negative. With --models \
auto each series gets the candidate with the lowest cross-validated --score (rolling origin: \
--windows cutoffs --step-size apart, each forecasting --horizon steps), or with --choose pooled \
every series the candidate best over all; --metrics-out writes every candidate's MAE, RMSE, MASE, \
RMSSE and interval coverage per series and overall, and the choice's nested out-of-sample \
score (model \"auto (nested)\"); --places-out backtests next-period hot spots (docs/forecasts.md)."
)]
pub struct Args {
    /// A long table of series (.csv or .parquet).
    #[arg(long, value_name = "FILE", required_unless_present = "cases")]
    series: Option<PathBuf>,
    /// Its series id column.
    #[arg(long, default_value = "unique_id", value_name = "COLUMN")]
    id_col: String,
    /// Its time column (dates).
    #[arg(long, default_value = "ds", value_name = "COLUMN")]
    time_col: String,
    /// Its value column.
    #[arg(long, default_value = "y", value_name = "COLUMN")]
    value_col: String,
    /// Or: a validated case table, counted per --unit and --group.
    #[arg(long, value_name = "FILE", conflicts_with = "series")]
    cases: Option<PathBuf>,
    /// With --cases: grid, community, street or district.
    #[arg(long, default_value = "grid", value_name = "UNIT")]
    unit: Unit,
    /// With --cases: all, kind, major, class or source.
    #[arg(long, default_value = "all", value_name = "GROUP")]
    group: Group,
    /// With --cases: which cases count.
    #[command(flatten)]
    filter: CaseFilterArgs,
    /// day or week.
    #[arg(long, value_name = "FREQ")]
    freq: Freq,
    /// Steps to forecast.
    #[arg(long, value_name = "H")]
    horizon: usize,
    /// Season length (default 7 for days, 52 for weeks).
    #[arg(long, value_name = "M")]
    season: Option<usize>,
    /// auto (choose among Naive, SeasonalNaive, HistoricAverage, WindowAverage, SESOpt,
    /// CrostonSBA, TSB, ADIDA, IMAPA), auto:LIST (choose among the listed models, e.g.
    /// auto:HistoricAverage,SESOpt,AutoETS), or a comma-separated list of models: Naive,
    /// SeasonalNaive, HistoricAverage, WindowAverage[:K], SES[:α], SESOpt, CrostonClassic,
    /// CrostonSBA, CrostonOptimized, TSB, ADIDA, IMAPA, AutoETS (additive-error ETS chosen by
    /// AICc), or ETS:ANN, ETS:AAN, ETS:AAdN, ETS:ANA, ETS:AAA, ETS:AAdA for one form.
    #[arg(long, default_value = "auto", value_name = "MODELS")]
    models: String,
    /// Prediction interval levels, %.
    #[arg(
        long,
        default_value = "80,95",
        value_delimiter = ',',
        value_name = "LEVELS"
    )]
    level: Vec<f64>,
    /// Cross-validation windows for --models auto.
    #[arg(long, default_value_t = 3)]
    windows: usize,
    /// What --models auto minimises: mase (MAE where the scale is 0) or rmsse (RMSE where the
    /// scale is 0). MAE rewards forecasts of 0 on mostly-zero series; rmsse suits grid-level
    /// counts whose forecasts rank places (docs/forecasts.md).
    #[arg(long, default_value = "mase", value_name = "METRIC")]
    score: Metric,
    /// With --models auto: series (each series its own model) or pooled (one model for all
    /// series, the lowest mean score; steadier on short or mostly-zero series).
    #[arg(
        long,
        default_value = "series",
        value_parser = PossibleValuesParser::new(["series", "pooled"]).try_map(|s| s.parse::<Choose>())
    )]
    choose: Choose,
    /// Calibration windows for conformal intervals (models without their own), as many as the
    /// series holds up to this; 19 or more give a 95 % interval its finite-sample guarantee.
    #[arg(long, default_value_t = 20)]
    conformal_windows: usize,
    /// Steps between cross-validation cutoffs (default: the horizon).
    #[arg(long)]
    step_size: Option<usize>,
    /// Output: .parquet or .csv.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// With --cases --unit grid: also write community, street and district forecasts as the sums
    /// of their grids' (model BottomUp for --models auto, BottomUp(<model>) per listed model;
    /// bottom-up is the one reconciliation offered so far).
    #[arg(long)]
    bottom_up: bool,
    /// Cross-validation scores per series and candidate (.parquet or .csv), then per candidate
    /// over all series (scope "overall").
    #[arg(long, value_name = "FILE")]
    metrics_out: Option<PathBuf>,
    /// Place-based backtest of next-period hot-spot forecasts (.parquet or .csv): in each
    /// cross-validation window, flag the places with the highest forecast totals within each
    /// area budget, for the model(s) asked for and the SeasonalNaive and HistoricAverage
    /// baselines; hit rate, PAI and PEI* per model, window and budget, and their mean over windows.
    #[arg(long, value_name = "FILE")]
    places_out: Option<PathBuf>,
    /// Area budgets for --places-out, % of the total area.
    #[arg(
        long,
        default_value = "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20",
        value_delimiter = ',',
        value_name = "PERCENTS"
    )]
    budgets: Vec<f64>,
    /// Grid layer (GeoJSON or GeoParquet, code or grid_code column) whose areas weigh the
    /// places in --places-out; without it every place counts as the same area.
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// Projected CRS for areas when --grid is in longitude/latitude.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
}

/// Runs `citygrid forecast`: reads the input, runs `grid_analytics::forecast::run_forecasts`,
/// writes the tables and tells the user what happened.
pub fn run(args: &Args) -> Result<Outcome> {
    let options = args.options()?;
    let filter = args.filter.filter();
    let (source, table) = match (&args.series, &args.cases) {
        (Some(path), _) | (None, Some(path)) => (path, read_table(path).map_err(input)?),
        (None, None) => return Err(input(anyhow::anyhow!("give --series or --cases"))),
    };
    let input_table = match &args.series {
        Some(_) => SeriesInput::Long {
            table: &table,
            id_col: &args.id_col,
            time_col: &args.time_col,
            value_col: &args.value_col,
        },
        None => SeriesInput::Cases {
            table: &table,
            unit: args.unit,
            group: args.group,
            filter: &filter,
        },
    };
    let grid = match (&args.places_out, &args.grid) {
        (Some(_), Some(path)) => {
            let layer = read_layer(path).map_err(input)?;
            // A layer without codes, told with its file's name.
            super::layer::grid_codes(&layer, path)?;
            Some(layer)
        }
        _ => None,
    };
    let out = run_forecasts(input_table, &options, grid.as_ref()).map_err(|e| match e {
        // Options that do not fit the input: the message names the flag.
        Error::InvalidOption { option, message } => {
            input(anyhow::anyhow!("{}: {message}", flag(option)))
        }
        e => input(anyhow::anyhow!("{}: {e}", source.display())),
    })?;
    for warning in &out.warnings {
        warn!("{}: {warning}", source.display());
    }
    if args.series.is_some() {
        let rejected_out = rejected_path(&args.out);
        remove_stale(&rejected_out)?;
        if !out.rejections.is_empty() {
            let mut rejected = out.rejected;
            write_table(&mut rejected, &rejected_out)
                .with_context(|| format!("writing {}", rejected_out.display()))?;
            report_rejections(source, &out.rejections, &rejected_out);
        }
    }
    let mut forecasts = out.forecasts;
    write_table(&mut forecasts, &args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    for (table, path) in [
        (out.metrics, &args.metrics_out),
        (out.places, &args.places_out),
    ] {
        if let (Some(mut table), Some(path)) = (table, path) {
            write_table(&mut table, path).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    for note in &out.notes {
        info!("{note}");
    }
    info!(
        "{} series from {}, {} steps of a {}: {} forecasts ({} fell back to Naive) -> {}",
        out.series,
        source.display(),
        args.horizon,
        args.freq,
        forecasts.height() / args.horizon,
        out.fallbacks,
        args.out.display()
    );
    Ok(if out.rejections.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

impl Args {
    /// The options the flags describe, checked before any file is read; an error names the flag
    /// (`--horizon 0: expected at least 1 step`).
    fn options(&self) -> Result<ForecastOptions> {
        let flag_error = |e: Error| match e {
            Error::InvalidOption { option, message } => {
                input(anyhow::anyhow!("{} {message}", flag(option)))
            }
            e => input(e),
        };
        let options = ForecastOptions {
            season: self.season,
            models: self.models.parse().map_err(flag_error)?,
            levels: self.level.clone(),
            windows: self.windows,
            step_size: self.step_size,
            score: self.score,
            choose: self.choose,
            conformal_windows: self.conformal_windows,
            bottom_up: self.bottom_up,
            metrics: self.metrics_out.is_some(),
            places: self.places_out.is_some(),
            budgets: self.budgets.clone(),
            working_crs: self.working_crs,
            ..ForecastOptions::new(self.freq, self.horizon)
        };
        options.validate().map_err(flag_error)?;
        Ok(options)
    }
}

/// The flag of a `ForecastOptions` field, as `Error::InvalidOption` names it.
fn flag(option: &str) -> String {
    match option {
        "metrics" => "--metrics-out".to_owned(),
        "places" => "--places-out".to_owned(),
        other => format!("--{}", other.replace('_', "-")),
    }
}
