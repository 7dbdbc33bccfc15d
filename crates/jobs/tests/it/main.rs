//! End-to-end tests of the `citygrid` binary: its command-line contracts, outputs and exit codes.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assign;
mod convert;
mod emerging;
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
        command.env("RAYON_NUM_THREADS", n.to_string());
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
