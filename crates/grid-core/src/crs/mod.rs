//! Coordinate reference systems and transformations.
//!
//! - [`Crs`]: which system a coordinate is in, with named constructors.
//! - [`Transformer`]: any CRS to any other, through PROJ for EPSG systems and through
//!   [`gcj02`] for the offsets of Chinese map apps, which PROJ lacks.

mod definition;
pub mod gcj02;
mod projjson;
mod transform;

pub use definition::{Crs, CrsKind};
pub use transform::{AREA_OF_USE_MARGIN_DEG, TransformPlan, Transformer};
