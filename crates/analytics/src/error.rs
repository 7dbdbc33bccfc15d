//! The one error type of grid-analytics.

use std::path::PathBuf;

/// Everything that can go wrong in grid-analytics.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An error from grid-core (codes, coordinates, files).
    #[error(transparent)]
    Core(#[from] grid_core::Error),

    /// A table lacks a column the operation needs.
    #[error("{table}: no column {column:?} (columns: {available})")]
    MissingColumn {
        /// The table (usually its file).
        table: String,
        /// The column that was asked for.
        column: String,
        /// The columns it has, comma-separated.
        available: String,
    },

    /// A file whose extension names no format citygrid reads or writes.
    #[error("{}: unsupported file type; expected {expected}", path.display())]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
        /// The formats accepted here.
        expected: &'static str,
    },

    /// Polars could not read, write or compute a table.
    #[error("{context}: {source}")]
    Polars {
        /// What was being done, naming the file where there is one.
        context: String,
        /// Polars' error.
        #[source]
        source: polars::error::PolarsError,
    },

    /// Every feature has the same value: a local statistic cannot single any out (a quiet
    /// measure, e.g. no open overdue case anywhere).
    #[error(
        "values: every feature has the same value: the variance is zero, so no feature can stand out"
    )]
    ZeroVariance,

    /// An option of an analysis with a value it cannot use.
    #[error("{option}: {message}")]
    InvalidOption {
        /// The option, as its command-line flag or field names it.
        option: &'static str,
        /// What is wrong and what is expected.
        message: String,
    },

    /// A configuration file with a key it cannot use.
    #[error("{file}: {key}: {message}")]
    Config {
        /// The file (or "default config").
        file: String,
        /// The key, as a dotted path (`region.closure_rate.weight`).
        key: String,
        /// What is wrong and what is expected.
        message: String,
    },

    /// An error with what it happened in (a file or table name) in front of its message. The
    /// field is not a `source`: the message already holds the inner one, and a chain printer
    /// would print it twice.
    #[error("{what}: {inner}")]
    Within {
        /// The file or table.
        what: String,
        /// The error.
        inner: Box<Error>,
    },

    /// A GeoJSON file that is not valid GeoJSON or not a FeatureCollection.
    #[error("{}: {message}", path.display())]
    GeoJson {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// This error inside `what` (usually a file or table name): its message becomes
    /// `what: message`, and [`Error::inner`] gives the error back for classification.
    pub fn within(self, what: impl Into<String>) -> Self {
        Self::Within {
            what: what.into(),
            inner: Box::new(self),
        }
    }

    /// The error under any [`Error::Within`] layers.
    pub fn inner(&self) -> &Self {
        match self {
            Self::Within { inner, .. } => inner.inner(),
            other => other,
        }
    }
}

/// Shorthand for results in grid-analytics.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds context to a polars error.
pub(crate) trait PolarsContext<T> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> PolarsContext<T> for polars::error::PolarsResult<T> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Polars {
            context: context(),
            source,
        })
    }
}
