//! Spatial indexes over grids (and, later in this module, components), built on rstar.
//!
//! - [`GridIndex`]: point → unit grid, with a documented rule for points on shared edges.

mod grid_index;

pub use grid_index::GridIndex;
