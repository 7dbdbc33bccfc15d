//! End-to-end tests of the `citygrid` binary: its command-line contracts, outputs and exit codes.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assess;
mod assign;
mod convert;
mod emerging;
mod forecast;
mod grid;
mod hotspots;
mod nearest;
mod nightly;
mod sample_city;
mod simulate;
mod validate;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `citygrid` with arguments, from the repository root.
pub fn citygrid(args: &[&str]) -> Output {
    citygrid_threads(args, None)
}

/// Runs `citygrid` with a fixed number of rayon threads (or the default).
pub fn citygrid_threads(args: &[&str], threads: Option<usize>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_citygrid"));
    command
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1");
    if let Some(n) = threads {
        command
            .env("RAYON_NUM_THREADS", n.to_string())
            .env("POLARS_MAX_THREADS", n.to_string());
    }
    command.output().unwrap()
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A 9 × 9 km street near Rizhao's centre, tiled into 100 m grids (8,100 of them).
pub fn street_grids(dir: &Path) -> PathBuf {
    let boundary = dir.join("street.geojson");
    std::fs::write(&boundary, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"371102001"},"geometry":{"type":"Polygon","coordinates":[[[119.45,35.38],[119.55,35.38],[119.55,35.46],[119.45,35.46],[119.45,35.38]]]}}]}"#).unwrap();
    let grids = dir.join("grids.parquet");
    let run = citygrid(&[
        "grid",
        "build",
        "--boundary",
        path_str(&boundary),
        "--out",
        path_str(&grids),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    grids
}

/// The street's grids, a simulated three-year history of `cases` cases on them, and that
/// history validated: (grids, simulation folder, validated cases).
pub fn simulated_city(dir: &Path, cases: &str) -> (PathBuf, PathBuf, PathBuf) {
    let grids = street_grids(dir);
    let sim = dir.join("sim");
    let run = citygrid(&[
        "simulate",
        "--grid",
        path_str(&grids),
        "--cases",
        cases,
        "--out",
        path_str(&sim),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let validated = dir.join("validated");
    let run = citygrid(&[
        "validate",
        "--cases",
        path_str(&sim.join("cases.parquet")),
        "--grid",
        path_str(&grids),
        "--now",
        "2026-01-01 00:00",
        "--out",
        path_str(&validated),
    ]);
    // The simulated history has defective rows on purpose.
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    (grids, sim, validated.join("cases.parquet"))
}
