//! # grid-core
//!
//! The foundation of citygrid: coordinate systems, the national codes of digital city management
//! (数字化城市管理), and (in later modules) management grids and spatial indexes. No tables, no
//! command line: those live in `grid-analytics` and `grid-jobs`.
//!
//! | module | what it holds |
//! |---|---|
//! | [`component`] | components (部件): records with status and geometry, read from GeoJSON |
//! | [`crs`] | [`Crs`] and [`Transformer`]: EPSG systems through PROJ, GCJ-02 and BD-09 by formula |
//! | [`calendar`] | the work calendar case time limits run on: office hours, weekends, holidays, 调休 |
//! | [`codes`] | validated codes: [`DivisionCode`], [`GridCode`], [`ComponentCode`], class codes, and the class tables loaded from `data/codes` |
//! | [`grid`] | [`GridLayer`] of [`UnitGrid`]s from GeoJSON; fishnet analysis grids |
//! | [`index`] | [`index::GridIndex`]: point → unit grid over an R-tree, in parallel |
//! | [`io`] | atomic file writes, GeoJSON feature collections |
//! | [`wkb`] | well-known binary geometry, for GeoParquet |
//! | [`measure`] | areas in square metres |
//! | [`rejection`] | why a row or feature was rejected, and the counts a run reports |
//!
//! ```
//! use grid_core::{Crs, GridCode, Transformer};
//!
//! // A citizen's photo report arrives in GCJ-02; the city works in CGCS2000 / GK CM 120°E.
//! let to_working = Transformer::new(Crs::gcj02(), Crs::cgcs2000_gk_cm120())?;
//! let (easting, northing) = to_working.transform(119.532, 35.414)?;
//! assert!(easting > 400_000.0 && northing > 3_900_000.0);
//!
//! // Legacy 14-digit grid codes are normalised to the 15-digit form.
//! let code: GridCode = "37110200100101".parse()?;
//! assert_eq!(code.as_str(), "371102001001001");
//! # Ok::<(), grid_core::Error>(())
//! ```

pub mod calendar;
pub mod codes;
pub mod component;
pub mod crs;
mod error;
pub mod grid;
pub mod index;
pub mod io;
pub mod measure;
pub mod rejection;
mod serde_str;
pub mod weights;
pub mod wkb;

pub use codes::{
    ClassCatalog, ComponentClassCode, ComponentCode, DivisionCode, DivisionLevel, EventClassCode,
    GridCode,
};
pub use crs::{Crs, CrsKind, Transformer};
pub use error::{Error, Result};
pub use grid::{GridLayer, UnitGrid};
