//! Runs the stages of a nightly job: skips a stage whose inputs and parameters match the previous
//! run's (reusing its outputs), times the others, and records everything for the manifest.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use serde_json::json;

use super::manifest::{Manifest, StageRecord, checksum, text_checksum};
use super::progress::Progress;
use super::run_dir::RunDir;
use crate::exit::Outcome;

/// Status of a stage that ran.
pub const RAN: &str = "ran";
/// Status of a stage whose outputs were reused.
pub const SKIPPED: &str = "skipped (inputs unchanged)";
/// Status of a stage the configuration leaves out.
pub const NOT_CONFIGURED: &str = "not configured";

/// A stage to run: its name, what it reads and the parameters that shape its outputs.
#[derive(Debug)]
pub struct Stage {
    /// Name (also the key in the manifest).
    pub name: &'static str,
    /// What it does, for the progress line.
    pub what: String,
    /// Every file or folder it reads (inputs of the run or outputs of earlier stages).
    pub inputs: Vec<PathBuf>,
    /// Everything else its outputs depend on.
    pub params: serde_json::Value,
    /// Whether an unchanged stage may reuse the previous run's outputs (false: always runs).
    pub reuse: bool,
}

/// A reused stage's outputs and rejected rows by reason.
type Reused = (Vec<String>, BTreeMap<String, u64>);

/// The running job.
#[derive(Debug)]
pub struct Runner {
    /// The run folder.
    pub run: RunDir,
    force: bool,
    previous: Option<Manifest>,
    progress: Progress,
    index: usize,
    /// What each stage did, in order.
    pub records: Vec<StageRecord>,
    /// Rejected rows by stage and reason.
    pub rejected: BTreeMap<String, BTreeMap<String, u64>>,
    /// The equivalent commands of the stage running now.
    commands: Vec<String>,
    sums: HashMap<PathBuf, (String, u64)>,
    /// The executable's checksum, read once at the start (a rebuild during the run replaces
    /// the file); when it cannot be read, a value no later run matches.
    build: String,
}

impl Runner {
    /// A runner writing into `run`; `force` runs every stage.
    pub fn new(run: RunDir, force: bool, progress: Progress) -> Self {
        let previous = run.previous.as_deref().and_then(Manifest::read);
        Self {
            run,
            force,
            previous,
            progress,
            index: 0,
            records: Vec::new(),
            rejected: BTreeMap::new(),
            commands: Vec::new(),
            sums: HashMap::new(),
            build: std::env::current_exe()
                .ok()
                .and_then(|exe| checksum(&exe).ok())
                .map_or_else(|| format!("unknown {}", std::process::id()), |(sum, _)| sum),
        }
    }

    /// The temporary run folder stages write into.
    pub fn dir(&self) -> PathBuf {
        self.run.tmp.clone()
    }

    /// A file's (or folder's) SHA-256 and size, computed once per run: the inputs the ingest
    /// stage hashes are not hashed again for the stages' keys.
    pub fn checksum(&mut self, path: &Path) -> Result<(String, u64)> {
        if let Some(sum) = self.sums.get(path) {
            return Ok(sum.clone());
        }
        let sum = checksum(path)?;
        self.sums.insert(path.to_owned(), sum.clone());
        Ok(sum)
    }

    /// Runs `body` for `stage`, or reuses the previous run's outputs when its key matches.
    /// Errors say which stage failed on which input.
    pub fn stage(
        &mut self,
        stage: Stage,
        body: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<()> {
        self.index += 1;
        let bar = self.progress.start(self.index, stage.name, &stage.what);
        reset_peak_memory();
        let started = Instant::now();
        let result = self.key(&stage).and_then(|key| {
            if stage.reuse
                && let Some(record) = self.reusable(stage.name, &key)?
            {
                return Ok((key, SKIPPED, record.0, record.1));
            }
            self.commands.clear();
            let before = files(&self.run.tmp)?;
            body(self)?;
            let outputs: Vec<String> = files(&self.run.tmp)?
                .into_iter()
                .filter(|f| !before.contains(f))
                .collect();
            // What a stage rejected is in the `*rejected*` tables among its outputs.
            let mut rejected = BTreeMap::new();
            for output in outputs.iter().filter(|o| is_rejected_table(o)) {
                for (reason, n) in count_rejected(&self.run.tmp.join(output))? {
                    *rejected.entry(reason).or_default() += n;
                }
            }
            Ok((key, RAN, outputs, rejected))
        });
        let (key, status, outputs, rejected) = match result {
            Ok(r) => r,
            Err(error) => {
                bar.fail();
                let inputs = stage
                    .inputs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(error.context(format!(
                    "stage {} failed (inputs: {})",
                    stage.name,
                    if inputs.is_empty() { "none" } else { &inputs }
                )));
            }
        };
        let seconds = if status == SKIPPED {
            0.0
        } else {
            (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
        };
        bar.finish(status, seconds);
        let commands = if status == SKIPPED {
            // As this run would have written them: the earlier run's folder replaced by this one.
            let earlier = self
                .run
                .previous
                .as_ref()
                .map(|d| d.display().to_string())
                .unwrap_or_default();
            let now = self.run.final_dir().display().to_string();
            self.previous
                .as_ref()
                .and_then(|m| m.stage(stage.name))
                .map(|r| {
                    r.commands
                        .iter()
                        .map(|c| {
                            if earlier.is_empty() {
                                c.clone()
                            } else {
                                c.replace(&earlier, &now)
                            }
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            std::mem::take(&mut self.commands)
        };
        self.records.push(StageRecord {
            name: stage.name.to_owned(),
            status: status.to_owned(),
            seconds,
            peak_memory_mb: peak_memory_mb(),
            key,
            commands,
            outputs,
            rejected_rows: rejected.values().any(|n| *n > 0),
        });
        if !rejected.is_empty() {
            self.rejected.insert(stage.name.to_owned(), rejected);
        }
        Ok(())
    }

    /// Records a stage the configuration leaves out.
    pub fn not_configured(&mut self, name: &'static str, why: &str) {
        self.index += 1;
        let bar = self.progress.start(self.index, name, why);
        bar.finish(NOT_CONFIGURED, 0.0);
        self.records.push(StageRecord {
            name: name.to_owned(),
            status: NOT_CONFIGURED.to_owned(),
            seconds: 0.0,
            peak_memory_mb: None,
            key: String::new(),
            commands: Vec::new(),
            outputs: Vec::new(),
            rejected_rows: false,
        });
    }

    /// Runs a `citygrid` command as part of the running stage and records it; paths in the run
    /// folder are recorded as they will be once the run is renamed into place.
    pub fn citygrid(&mut self, args: Vec<OsString>) -> Result<Outcome> {
        let tmp = self.run.tmp.display().to_string();
        let target = self.run.final_dir().display().to_string();
        let shown: Vec<String> = args
            .iter()
            .map(|a| {
                let text = a.to_string_lossy().replace(&tmp, &target);
                if text.contains([' ', '"', '\'']) {
                    format!("{text:?}")
                } else {
                    text
                }
            })
            .collect();
        self.commands.push(format!("citygrid {}", shown.join(" ")));
        let argv = std::iter::once(OsString::from("citygrid")).chain(args);
        let cli = crate::Cli::try_parse_from(argv)
            .map_err(|e| anyhow::anyhow!("internal: a stage's command did not parse: {e}"))?;
        crate::dispatch(cli.command, true)
    }

    /// Records an equivalent command without running it (for stages done in-process).
    pub fn record_command(&mut self, text: String) {
        let tmp = self.run.tmp.display().to_string();
        let target = self.run.final_dir().display().to_string();
        self.commands.push(text.replace(&tmp, &target));
    }

    /// The stage's key: its name, citygrid's build (the executable's checksum, so that a new
    /// build reruns everything), its parameters and its inputs' checksums.
    fn key(&mut self, stage: &Stage) -> Result<String> {
        let mut sums = Vec::new();
        for path in &stage.inputs {
            sums.push(self.checksum(path)?.0);
        }
        let text = json!({
            "stage": stage.name,
            "citygrid": env!("CARGO_PKG_VERSION"),
            "build": self.build,
            "params": stage.params,
            "inputs": sums,
        })
        .to_string();
        Ok(text_checksum(&text))
    }

    /// When the previous run did this stage with the same key and its outputs are still there:
    /// links (or copies) them into this run and returns them with the rejections it counted.
    fn reusable(&self, name: &str, key: &str) -> Result<Option<Reused>> {
        if self.force {
            return Ok(None);
        }
        let (Some(manifest), Some(dir)) = (&self.previous, &self.run.previous) else {
            return Ok(None);
        };
        let Some(record) = manifest.stage(name) else {
            return Ok(None);
        };
        if record.key != key
            || record.status == NOT_CONFIGURED
            || !record.outputs.iter().all(|o| dir.join(o).is_file())
        {
            return Ok(None);
        }
        for output in &record.outputs {
            let (from, to) = (dir.join(output), self.run.tmp.join(output));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to)
                    .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
            }
        }
        let rejected = manifest.rejected.get(name).cloned().unwrap_or_default();
        Ok(Some((record.outputs.clone(), rejected)))
    }
}

/// Resets the process's peak resident memory (Linux: `/proc/self/clear_refs`), so that each
/// stage's peak can be read at its end.
fn reset_peak_memory() {
    #[cfg(target_os = "linux")]
    {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }
}

/// The peak resident memory since the last reset, in MB (Linux only).
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some((kb / 1024.0).round())
}

/// Every file under `dir`, relative to it, sorted ('/'-separated).
pub fn files(dir: &Path) -> Result<Vec<String>> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
            let entry = entry?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &format!("{name}/"), out)?;
            } else {
                out.push(name);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

/// Whether an output is a table of rejected rows (`rejected.parquet`, `x.rejected.csv`…).
fn is_rejected_table(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.contains("rejected") && (file.ends_with(".parquet") || file.ends_with(".csv"))
}

/// Rows of a rejected-rows table by its `reject_reason` (or `reason`) column.
fn count_rejected(path: &Path) -> Result<BTreeMap<String, u64>> {
    let table = grid_analytics::table_io::read_table(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let mut counts = BTreeMap::new();
    let reasons = ["reject_reason", "reason"]
        .iter()
        .find_map(|c| table.column(c).ok())
        .and_then(|c| c.str().ok().cloned());
    match reasons {
        Some(reasons) => {
            for reason in reasons.iter() {
                *counts
                    .entry(reason.unwrap_or("unknown").to_owned())
                    .or_default() += 1;
            }
        }
        None if table.height() > 0 => {
            counts.insert("rejected".to_owned(), table.height() as u64);
        }
        None => {}
    }
    Ok(counts)
}

/// An argument list from anything path- or text-like.
#[macro_export]
macro_rules! argv {
    ($($arg:expr),* $(,)?) => {
        vec![$(std::ffi::OsString::from($arg)),*]
    };
}
