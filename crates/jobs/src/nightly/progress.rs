//! What a run shows while it works: a progress bar per stage on a terminal (indicatif), plain
//! structured log lines otherwise (tracing), nothing but warnings with `--quiet`.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bars on screen, so that log lines can be printed above them instead of through them.
static BARS: OnceLock<MultiProgress> = OnceLock::new();

/// Whether the nightly job draws progress bars: stderr is a terminal and not `--quiet`.
pub fn bars_wanted(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// How the run reports its stages.
#[derive(Debug)]
pub struct Progress {
    bars: Option<MultiProgress>,
    total: usize,
}

/// One stage on screen.
#[derive(Debug)]
pub struct StageBar {
    bar: Option<ProgressBar>,
    name: &'static str,
}

impl Progress {
    /// Bars when `bars` (see [`bars_wanted`]), log lines otherwise; `total` stages.
    pub fn new(bars: bool, total: usize) -> Self {
        let bars = bars.then(|| {
            BARS.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
                .clone()
        });
        Self { bars, total }
    }

    /// Starts stage number `index` (from 1).
    pub fn start(&self, index: usize, name: &'static str, what: &str) -> StageBar {
        match &self.bars {
            Some(bars) => {
                // Styled and labelled before it is added, so it never shows half-made.
                let bar = ProgressBar::new_spinner()
                    .with_style(
                        ProgressStyle::with_template("{spinner} [{prefix}] {msg} {elapsed}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    )
                    .with_prefix(format!("{index}/{}", self.total))
                    .with_message(format!("{name}: {what}"));
                let bar = bars.add(bar);
                bar.enable_steady_tick(Duration::from_millis(120));
                StageBar {
                    bar: Some(bar),
                    name,
                }
            }
            None => {
                tracing::info!(stage = name, step = index, of = self.total, "{what}");
                StageBar { bar: None, name }
            }
        }
    }
}

impl StageBar {
    /// Ends the stage with a one-line result.
    pub fn finish(self, status: &str, seconds: f64) {
        match self.bar {
            Some(bar) => {
                bar.set_style(
                    ProgressStyle::with_template("✔ [{prefix}] {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.finish_with_message(format!("{}: {status} ({seconds:.1} s)", self.name));
            }
            None => tracing::info!(stage = self.name, status, seconds, "stage finished"),
        }
    }

    /// Ends the stage on a failure (the error itself is printed by `main`).
    pub fn fail(self) {
        if let Some(bar) = self.bar {
            bar.abandon_with_message(format!("{}: failed", self.name));
        }
    }
}

/// Log output that goes above the progress bars when they are on screen.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogWriter;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        LogWriter
    }
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match BARS.get() {
            Some(bars) => bars.suspend(|| std::io::stderr().write_all(buf))?,
            None => std::io::stderr().write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
