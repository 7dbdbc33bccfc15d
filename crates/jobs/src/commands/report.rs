//! What every command tells the user about rejected rows, and the files that hold them.

use std::path::Path;

use anyhow::{Context, Result};
use grid_analytics::rejection::{Rejection, count_by_reason};
use tracing::warn;

/// How many rejected rows are listed on the terminal; all of them are in the rejected file.
pub const LISTED_REJECTIONS: usize = 20;

/// A rejected file from an earlier run would be mistaken for this run's.
pub fn remove_stale(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing the stale {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Logs the count of rejections by reason, the first few rejections, and where all of them are.
pub fn report_rejections(input: &Path, rejections: &[Rejection], rejected_out: &Path) {
    if rejections.is_empty() {
        return;
    }
    let counts = count_by_reason(rejections)
        .into_iter()
        .map(|(reason, n)| format!("{reason}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    warn!(
        "rejected {} rows ({counts}) -> {}",
        rejections.len(),
        rejected_out.display()
    );
    for rejection in rejections.iter().take(LISTED_REJECTIONS) {
        warn!("  {}: {rejection}", input.display());
    }
    if rejections.len() > LISTED_REJECTIONS {
        warn!(
            "  … and {} more in {}",
            rejections.len() - LISTED_REJECTIONS,
            rejected_out.display()
        );
    }
}
