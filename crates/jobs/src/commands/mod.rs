//! One module per subcommand.

pub mod assess;
pub mod assign;
pub mod convert;
pub mod density;
pub mod emerging;
mod filter;
pub mod forecast;
pub mod grid;
pub mod hotspots;
pub(crate) mod layer;
pub mod nearest;
pub(crate) mod report;
pub mod sample_city;
pub mod simulate;
pub mod validate;
