//! # grid-analytics
//!
//! Tables of city-management data and the analyses over them, built on polars and rayon. This
//! foundation release holds the table I/O and the coordinate conversion of point tables; case
//! ingestion, hotspots, forecasts and assessment scores arrive in later modules.
//!
//! | module | what it holds |
//! |---|---|
//! | [`schema`] | the column names every table shares |
//! | [`table_io`] | CSV and Parquet tables by file extension, written atomically |
//! | [`assign`] | point tables → unit grid, community, street and district codes |
//! | [`convert`] | point tables and GeoJSON layers between any two [`grid_core::Crs`], rejected rows kept |
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
