//! Reading grid layers the way every command does.

use std::path::Path;

use anyhow::Result;
use grid_analytics::geoparquet::GeoTable;
use polars::prelude::Column;

use crate::exit::input;

/// The grid codes of a layer read from `path`: its `code` column, or `grid_code`, as text (one
/// per feature, in order); an input error naming the file when it has neither.
pub fn grid_codes(layer: &GeoTable, path: &Path) -> Result<Column> {
    grid_analytics::grid_io::grid_codes(&layer.table, &path.display().to_string()).map_err(input)
}
