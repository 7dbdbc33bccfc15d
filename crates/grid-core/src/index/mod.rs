//! Spatial indexes over grids and components, built on rstar.
//!
//! - [`GridIndex`]: point → unit grid, with a documented rule for points on shared edges.
//! - [`ComponentIndex`]: nearest components of a class, components within a radius, a polygon
//!   or a grid, and counts per grid and class.

mod component_index;
mod grid_index;

pub use component_index::{ComponentIndex, Hit};
pub use grid_index::GridIndex;
