//! The one error type of grid-core.

use std::path::PathBuf;

/// Everything that can go wrong in grid-core.
///
/// Every variant carries the offending value, so that a message shown to a user names what was
/// wrong and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A code (division, grid, component, class) failed validation.
    #[error("invalid {kind} {value:?}: {reason}")]
    InvalidCode {
        /// What kind of code was being parsed, e.g. "grid code".
        kind: &'static str,
        /// The text that was given.
        value: String,
        /// Why it was rejected.
        reason: String,
    },

    /// A coordinate reference system name or code that is not known.
    #[error("unknown coordinate reference system {value:?}: {reason}")]
    UnknownCrs {
        /// The name that was given.
        value: String,
        /// Why it was rejected.
        reason: String,
    },

    /// PROJ could not build a transformation between two CRSs.
    #[error("cannot transform from {from} to {to}: {message}")]
    Transform {
        /// Source CRS.
        from: String,
        /// Target CRS.
        to: String,
        /// PROJ's message.
        message: String,
    },

    /// A coordinate that cannot be a position in its CRS (not finite, latitude beyond ±90°, or
    /// rejected by PROJ).
    #[error("coordinate ({x}, {y}) is out of range for {crs}: {reason}")]
    CoordinateOutOfRange {
        /// First (east / longitude) value.
        x: f64,
        /// Second (north / latitude) value.
        y: f64,
        /// The CRS the coordinate was given in.
        crs: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// An argument or setting with a value that cannot be used.
    #[error("invalid {name} {value}: {reason}")]
    InvalidValue {
        /// What the value is for.
        name: &'static str,
        /// The value given.
        value: String,
        /// Why it cannot be used.
        reason: String,
    },

    /// A data table (CSV or GeoJSON) has a bad row or field.
    #[error("{}: line {line}: field {field:?}: {message}", path.display())]
    Table {
        /// The file.
        path: PathBuf,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// The field (column) at fault.
        field: String,
        /// What is wrong.
        message: String,
    },

    /// A GeoJSON feature with a bad field.
    #[error("{}: feature {feature}: field {field:?}: {message}", path.display())]
    Feature {
        /// The file.
        path: PathBuf,
        /// 1-based feature number.
        feature: usize,
        /// The field (property, or "geometry").
        field: String,
        /// What is wrong.
        message: String,
    },

    /// A data file is malformed as a whole (not valid CSV, missing columns, not GeoJSON).
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Shorthand for results in grid-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid_value(
        name: &'static str,
        value: String,
        reason: impl Into<String>,
    ) -> Self {
        Self::InvalidValue {
            name,
            value,
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_code(kind: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self::InvalidCode {
            kind,
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}
