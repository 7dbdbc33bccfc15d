//! The private native module `citygrid._citygrid` behind the typed Python package `citygrid`.
//!
//! Every function here converts its arguments, calls grid-core or grid-analytics, and converts
//! the result back; no analysis happens in this crate. Tables cross as polars DataFrames (Arrow
//! memory, through pyo3-polars); errors become the exception classes of [`errors`].
//!
//! Built by maturin only (`pip install ./crates/python`, `scripts/test-python.sh`), never by
//! plain `cargo build`: see the comment in this crate's `Cargo.toml`.
//!
//! | Python | Rust |
//! |---|---|
//! | `convert_points` | `grid_analytics::convert::convert_table` |
//! | `assess`, `default_scoring` | `grid_analytics::assess` |
//! | `read_layer`, `write_layer`, `layer_geojson` | `grid_analytics::grid_io` (layers as WKB columns) |
//! | `Grids` (`load`, `generate`, `layer`, `assign`, `write`) | `grid_analytics::grid_io`, `grid_analytics::assign`, `grid_core::index::GridIndex` |
//! | `Components` (`load`, `layer`, `nearest`, `within`, `counts_per_grid`) | `grid_analytics::components`, `grid_core::index::ComponentIndex` |
//! | `read_cases`, `validate_cases` | `grid_analytics::table_io`, `grid_analytics::validate` |
//! | `hotspots`, `measure_grids`, `emerging` | `grid_analytics::hotspot` |
//! | `forecast`, `forecast_cases` | `grid_analytics::forecast::run_forecasts` |
//! | `CitygridError`, `InputError`, `InternalError` | `grid_core::Error`, `grid_analytics::Error` |
//! | `GRID_CODE`, … (`citygrid.schema`) | `grid_analytics::schema` |

mod assess;
mod cases;
mod components;
mod convert;
mod errors;
mod forecast;
mod geo;
mod grids;
mod hotspots;
mod schema;

use pyo3::prelude::*;

/// The native module. Its public names are listed in `python/citygrid/_citygrid.pyi`, and a
/// test checks that the two agree.
#[pymodule]
fn _citygrid(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    schema::register(m)?;
    m.add_function(wrap_pyfunction!(convert::convert_points, m)?)?;
    geo::register(m)?;
    m.add_class::<grids::Grids>()?;
    m.add_class::<components::Components>()?;
    cases::register(m)?;
    hotspots::register(m)?;
    forecast::register(m)?;
    assess::register(m)?;
    Ok(())
}
