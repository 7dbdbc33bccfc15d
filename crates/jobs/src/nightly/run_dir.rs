//! The run folder: every write goes to a hidden temporary folder beside the dated one, renamed
//! into place when the run has finished, so a killed run leaves the last good output intact.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::exit::input;

/// The name of the link (or, off Unix, the text file) to the newest finished run.
pub const LATEST: &str = "latest";

/// A run being written.
#[derive(Debug)]
pub struct RunDir {
    /// The output folder holding the dated runs.
    pub out: PathBuf,
    /// The run's folder name (the cut-off's date, YYYY-MM-DD).
    pub label: String,
    /// Where this run writes until it finishes.
    pub tmp: PathBuf,
    /// The newest finished run, if any.
    pub previous: Option<PathBuf>,
    /// Held for the whole run: a second run on the same folder stops instead of interleaving.
    _lock: File,
}

impl RunDir {
    /// Locks `out`, clears what killed runs left behind and creates the temporary folder.
    pub fn begin(out: &Path, label: &str) -> Result<Self> {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let lock_path = out.join(".nightly.lock");
        let lock = File::create(&lock_path)
            .with_context(|| format!("creating {}", lock_path.display()))?;
        lock.try_lock().map_err(|_| {
            input(anyhow::anyhow!(
                "{}: another `citygrid nightly` is writing to this folder",
                out.display()
            ))
        })?;
        // A run killed between moving the earlier folder of its date aside and renaming its own
        // into place left `.<date>.old` and no `<date>`: that is the last good output, put back.
        for entry in std::fs::read_dir(out).with_context(|| format!("listing {}", out.display()))? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if let Some(date) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".old"))
                && !out.join(date).exists()
            {
                tracing::warn!("restoring {} (an interrupted run had moved it aside)", date);
                std::fs::rename(&path, out.join(date))
                    .with_context(|| format!("restoring {}", path.display()))?;
            }
        }
        for entry in std::fs::read_dir(out).with_context(|| format!("listing {}", out.display()))? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') && (name.ends_with(".partial") || name.ends_with(".old")) {
                tracing::info!("removing {} (left by an interrupted run)", path.display());
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
        let tmp = out.join(format!(".{label}.partial"));
        std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        Ok(Self {
            out: out.to_owned(),
            label: label.to_owned(),
            tmp,
            previous: latest(out),
            _lock: lock,
        })
    }

    /// The run's final folder.
    pub fn final_dir(&self) -> PathBuf {
        self.out.join(&self.label)
    }

    /// Renames the temporary folder into place (replacing an earlier run of the same date) and
    /// points `latest` at it. Returns the final folder.
    pub fn finish(self) -> Result<PathBuf> {
        let target = self.final_dir();
        let old = self.out.join(format!(".{}.old", self.label));
        if target.exists() {
            std::fs::rename(&target, &old)
                .with_context(|| format!("moving {} aside", target.display()))?;
        }
        std::fs::rename(&self.tmp, &target)
            .with_context(|| format!("renaming {} to {}", self.tmp.display(), target.display()))?;
        if old.exists() {
            std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
        }
        point_latest(&self.out, &self.label)?;
        Ok(target)
    }
}

/// The newest finished run in `out`, following `latest`.
pub fn latest(out: &Path) -> Option<PathBuf> {
    let link = out.join(LATEST);
    let label = match std::fs::read_link(&link) {
        Ok(target) => target,
        Err(_) => PathBuf::from(std::fs::read_to_string(&link).ok()?.trim()),
    };
    let dir = out.join(label);
    dir.join("manifest.json").is_file().then_some(dir)
}

/// Points `out/latest` at `label`, atomically (a new link renamed over the old one).
fn point_latest(out: &Path, label: &str) -> Result<()> {
    let link = out.join(LATEST);
    let tmp = out.join(".latest.tmp");
    let _ = std::fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(label, &tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    #[cfg(not(unix))]
    std::fs::write(&tmp, label).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &link).with_context(|| format!("updating {}", link.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_run_replaces_the_same_date_and_moves_latest() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::begin(dir.path(), "2025-12-31").unwrap();
        std::fs::write(run.tmp.join("manifest.json"), "1").unwrap();
        let first = run.finish().unwrap();
        assert_eq!(latest(dir.path()), Some(first.clone()));
        let run = RunDir::begin(dir.path(), "2025-12-31").unwrap();
        assert_eq!(run.previous, Some(first.clone()));
        std::fs::write(run.tmp.join("manifest.json"), "2").unwrap();
        run.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(first.join("manifest.json")).unwrap(),
            "2"
        );
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with(".nightly"))
            .collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, ["2025-12-31", "latest"]);
    }

    #[test]
    fn an_unfinished_run_leaves_the_last_good_one_and_is_cleared_next_time() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::begin(dir.path(), "2025-12-30").unwrap();
        std::fs::write(run.tmp.join("manifest.json"), "good").unwrap();
        let good = run.finish().unwrap();
        // A run that never finishes (dropped, as a killed process would be).
        let run = RunDir::begin(dir.path(), "2025-12-31").unwrap();
        std::fs::write(run.tmp.join("half.parquet"), "…").unwrap();
        let tmp = run.tmp.clone();
        drop(run);
        assert_eq!(latest(dir.path()), Some(good.clone()));
        assert!(tmp.exists());
        let next = RunDir::begin(dir.path(), "2025-12-31").unwrap();
        assert!(!next.tmp.join("half.parquet").exists());
        assert_eq!(next.previous, Some(good));
    }

    #[test]
    fn a_run_killed_while_swapping_folders_gets_the_last_good_one_back() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::begin(dir.path(), "2025-12-31").unwrap();
        std::fs::write(run.tmp.join("manifest.json"), "good").unwrap();
        let good = run.finish().unwrap();
        // The state a kill between finish()'s two renames leaves.
        let aside = dir.path().join(".2025-12-31.old");
        std::fs::rename(&good, &aside).unwrap();
        std::fs::create_dir(dir.path().join(".2025-12-31.partial")).unwrap();
        let next = RunDir::begin(dir.path(), "2025-12-31").unwrap();
        assert_eq!(
            std::fs::read_to_string(good.join("manifest.json")).unwrap(),
            "good"
        );
        assert_eq!(next.previous, Some(good));
        assert!(!aside.exists());
    }

    #[test]
    fn a_second_run_on_the_same_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _first = RunDir::begin(dir.path(), "2025-12-31").unwrap();
        let second = RunDir::begin(dir.path(), "2025-12-31").unwrap_err();
        assert!(second.to_string().contains("another"), "{second}");
    }
}
