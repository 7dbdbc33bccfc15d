//! `citygrid`: the command-line tool of citygrid. Every analysis is a subcommand; `nightly` runs
//! them in order on a city.

mod commands;
mod config;
mod exit;
mod nightly;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Geospatial grid analytics for digital city management (数字化城市管理).
#[derive(Debug, Parser)]
#[command(name = "citygrid", version, after_help = exit::EXIT_CODES_HELP)]
struct Cli {
    /// Print only warnings and errors.
    #[arg(long, short, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assessment indicators and scores per region, department and supervisor for a period.
    Assess(commands::assess::Args),
    /// Add each point's unit grid, community, street and district codes.
    Assign(commands::assign::Args),
    /// Build management grids.
    #[command(subcommand)]
    Grid(commands::grid::Command),
    /// Convert a CSV, Parquet or GeoJSON point file between coordinate systems.
    Convert(commands::convert::Args),
    /// Kernel density of cases on unit grids (quartic kernel, ArcGIS's default radius).
    Density(commands::density::Args),
    /// Emerging hot spots: space-time Gi* over a case history, trends and categories per grid.
    Emerging(commands::emerging::Args),
    /// Forecasts per series (statsforecast's models, chosen per series by cross-validation).
    Forecast(commands::forecast::Args),
    /// Hot and cold spots (Getis-Ord Gi*/Gi) or clusters and outliers (Local Moran) on a layer.
    Hotspots(commands::hotspots::Args),
    /// The nearest components of a class to a place (nearest public toilet, bus shelter…).
    Nearest(commands::nearest::Args),
    /// Regenerate the sample city's synthetic street and community layers (data/rizhao).
    SampleCity(commands::sample_city::Args),
    /// Simulate a city's case history and components, with the ground truth of what was planted.
    Simulate(commands::simulate::Args),
    /// Check a case table; write the clean table, the rejected rows and counts by reason.
    Validate(commands::validate::Args),
    /// Run the nightly job on a city (with no arguments: the bundled sample city).
    Nightly(nightly::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The nightly job on a terminal shows progress bars; its stages' info lines would scroll
    // them away (CITYGRID_LOG=info brings them back).
    let bars =
        matches!(cli.command, Command::Nightly(_)) && nightly::progress::bars_wanted(cli.quiet);
    let default_level = if cli.quiet || bars { "warn" } else { "info" };
    let filter =
        EnvFilter::try_from_env("CITYGRID_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(nightly::progress::LogWriter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match dispatch(cli.command, cli.quiet) {
        Ok(outcome) => outcome.code(),
        Err(error) => {
            eprintln!("error: {}", exit::message(&error));
            exit::code_for(&error)
        }
    }
}

/// Runs a command (also used by the nightly job's stages).
fn dispatch(command: Command, quiet: bool) -> anyhow::Result<exit::Outcome> {
    match command {
        Command::Assess(args) => commands::assess::run(&args),
        Command::Assign(args) => commands::assign::run(&args),
        Command::Convert(args) => commands::convert::run(&args),
        Command::Grid(command) => commands::grid::run(&command),
        Command::Density(args) => commands::density::run(&args),
        Command::Emerging(args) => commands::emerging::run(&args),
        Command::Forecast(args) => commands::forecast::run(&args),
        Command::Hotspots(args) => commands::hotspots::run(&args),
        Command::Nearest(args) => commands::nearest::run(&args),
        Command::SampleCity(args) => commands::sample_city::run(&args),
        Command::Simulate(args) => commands::simulate::run(&args),
        Command::Validate(args) => commands::validate::run(&args),
        Command::Nightly(args) => nightly::run(&args, quiet),
    }
}
