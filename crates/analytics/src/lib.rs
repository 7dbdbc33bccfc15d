//! # grid-analytics
//!
//! Tables of city-management data and the analyses over them, built on polars and rayon. The
//! `citygrid` command and the Python bindings are thin layers over these modules.
//!
//! | module | what it holds |
//! |---|---|
//! | [`schema`], [`case_schema`] | the column names every table shares; the case table's columns |
//! | [`table_io`], [`geoparquet`], [`grid_io`] | tables, GeoParquet and grid/component layers by file extension, written atomically |
//! | [`assign`] | point tables → unit grid, community, street and district codes |
//! | [`components`] | point tables → their nearest components, or those within a distance |
//! | [`convert`] | point tables and GeoJSON layers between any two [`grid_core::Crs`], rejected rows kept |
//! | [`validate`], [`lifecycle`] | raw case tables → validated cases with due times and lifecycle flags |
//! | [`hotspot`] | Gi*, Local Moran, emerging hot spots, kernel density |
//! | [`forecast`] | per-grid and per-category forecasts, cross-validation, backtests |
//! | [`assess`] | the assessment indicators, composite scores, grades and ranks |
//! | [`simulate`] | a simulated case history for a city's grids |
//!
//! ```
//! use grid_analytics::convert::convert_table;
//! use grid_core::Crs;
//! use polars::prelude::*;
//!
//! // Two citizen reports in GCJ-02, one with a typo in its latitude.
//! let reports = df!("id" => [1, 2], "lon" => ["119.532", "119.533"], "lat" => ["35.414", "3541.4"])?;
//! let out = convert_table(&reports, "reports", "lon", "lat", Crs::gcj02(), Crs::cgcs2000_gk_cm120())?;
//! assert_eq!((out.table.height(), out.rejected.height()), (1, 1));
//! println!("{}", out.rejections[0]); // row 2, field "lat": out_of_range: …
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod assess;
pub mod assign;
pub mod case_schema;
pub mod components;
pub mod convert;
mod error;
pub mod forecast;
pub mod geoparquet;
pub mod grid_io;
pub mod hotspot;
pub mod lifecycle;
/// Rejected rows (defined in grid-core, shared by every crate).
pub use grid_core::rejection;
mod rng;
pub mod schema;
pub mod simulate;
pub mod table_io;
pub mod validate;

pub use error::{Error, Result};
