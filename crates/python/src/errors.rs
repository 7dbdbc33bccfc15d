//! One exception hierarchy for every error citygrid raises in Python, carrying the Rust error's
//! message unchanged.
//!
//! ```text
//! CitygridError            base class: catch this to catch everything citygrid raises
//! ├── InputError           a bad argument, an unknown CRS, a missing column, an unreadable file
//! └── InternalError        anything else (a bug, or a failure not caused by the input)
//! ```
//!
//! The split follows the `citygrid` command's exit codes 2 (input error) and 3 (internal error).

use pyo3::exceptions::PyException;
use pyo3::prelude::*;

pyo3::create_exception!(
    citygrid,
    CitygridError,
    PyException,
    "Base class of every error citygrid raises; its message is the Rust error's."
);
pyo3::create_exception!(
    citygrid,
    InputError,
    CitygridError,
    "A bad argument or input: an unknown CRS, a missing column, an unreadable or invalid file."
);
pyo3::create_exception!(
    citygrid,
    InternalError,
    CitygridError,
    "A failure not caused by the input (please report it)."
);

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CitygridError", py.get_type::<CitygridError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}

/// An internal error with this message.
pub(crate) fn internal(message: String) -> PyErr {
    InternalError::new_err(message)
}

/// A grid-core error as a Python exception. Every variant is named, so that a new one needs a
/// decision here.
pub(crate) fn core(error: grid_core::Error) -> PyErr {
    use grid_core::Error as E;
    let message = error.to_string();
    match error {
        E::InvalidCode { .. }
        | E::UnknownCrs { .. }
        | E::Transform { .. }
        | E::CoordinateOutOfRange { .. }
        | E::Io { .. }
        | E::InvalidValue { .. }
        | E::Table { .. }
        | E::Feature { .. }
        | E::Format { .. } => InputError::new_err(message),
    }
}

/// `error`'s class with another message.
fn with_message(error: PyErr, message: String) -> PyErr {
    Python::attach(|py| {
        if error.is_instance_of::<InputError>(py) {
            InputError::new_err(message)
        } else {
            InternalError::new_err(message)
        }
    })
}

/// A grid-analytics error as a Python exception.
pub(crate) fn analytics(error: grid_analytics::Error) -> PyErr {
    use grid_analytics::Error as E;
    use polars::error::PolarsError as P;
    let message = error.to_string();
    match error {
        E::Core(error) => core(error),
        E::Within { inner, .. } => with_message(analytics(*inner), message),
        E::MissingColumn { .. }
        | E::UnsupportedFormat { .. }
        | E::ZeroVariance
        | E::InvalidOption { .. }
        | E::Config { .. }
        | E::GeoJson { .. } => InputError::new_err(message),
        E::Polars { source, .. } => match source {
            P::ColumnNotFound(_)
            | P::SchemaMismatch(_)
            | P::SchemaFieldNotFound(_)
            | P::ShapeMismatch(_)
            | P::NoData(_)
            | P::IO { .. } => InputError::new_err(message),
            _ => InternalError::new_err(message),
        },
    }
}
