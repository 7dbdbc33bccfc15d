//! The one error type of the crate.

use std::path::PathBuf;

/// What can go wrong when loading a font or rendering a map.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MapError {
    /// The picture is smaller than [`MIN_SIDE_PX`](crate::MIN_SIDE_PX) or larger than
    /// [`MAX_SIDE_PX`](crate::MAX_SIDE_PX) on a side.
    #[error(
        "picture size {width_px}×{height_px} px: each side must be {}–{} px",
        crate::MIN_SIDE_PX,
        crate::MAX_SIDE_PX
    )]
    InvalidSize {
        /// The requested width.
        width_px: u32,
        /// The requested height.
        height_px: u32,
    },
    /// A feature names a class the spec does not have.
    #[error("feature {feature} has class {class}, but the map has {classes} classes")]
    ClassOutOfRange {
        /// The feature's position in [`MapSpec::features`](crate::MapSpec::features).
        feature: usize,
        /// Its class index.
        class: usize,
        /// How many classes the spec has.
        classes: usize,
    },
    /// A feature or outline has a NaN or infinite coordinate.
    #[error("{layer} {index} has a non-finite coordinate ({x}, {y})")]
    NonFiniteCoordinate {
        /// `"feature"` or `"outline"`.
        layer: &'static str,
        /// Its position in the spec's list.
        index: usize,
        /// The offending x.
        x: f64,
        /// The offending y.
        y: f64,
    },
    /// A font file could not be read.
    #[error("reading font {}: {source}", path.display())]
    ReadFont {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Font data is not an OpenType/TrueType font (or collection) that can be used.
    #[error("font {font}: {reason}")]
    InvalidFont {
        /// The file name, or `"bundled"` / `"bytes"`.
        font: String,
        /// Why.
        reason: String,
    },
    /// The PNG encoder failed (in practice: out of memory).
    #[error("encoding PNG: {reason}")]
    Png {
        /// The encoder's message.
        reason: String,
    },
}
