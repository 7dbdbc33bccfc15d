//! Management grids: the unit grids (单元网格) a city is cut into, and analysis grids.
//!
//! - [`UnitGrid`]: one coded grid with its polygon and attributes.
//! - [`GridLayer`]: a city's grids in one projected working CRS, read from and written to GeoJSON.
//! - [`fishnet`]: regular square analysis grids of any cell size, clipped to a study area.

pub mod analysis;
mod areas;
pub mod crosswalk;
pub mod fishnet;
mod generate;
mod layer;
pub mod partition;
pub mod synthetic;
mod unit_grid;

pub use areas::read_division_areas;
pub use generate::{
    AreaReport, COUNTY_BLOCK_FIRST_STREET, GridBuilder, MAX_GRIDS_PER_COMMUNITY,
    STREET_BLOCK_FIRST_COMMUNITY,
};
pub use layer::{GridLayer, properties};
pub use unit_grid::UnitGrid;
