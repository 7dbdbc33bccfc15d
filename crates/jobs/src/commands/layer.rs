//! Reading grid layers the way every command does.

use std::path::Path;

use anyhow::Result;
use grid_analytics::geoparquet::GeoTable;
use polars::prelude::{Column, DataType};

use crate::exit::input;

/// The grid codes of a layer read from `path`: its `code` column, or `grid_code`, as text (one
/// per feature, in order); an input error naming the file when it has neither.
pub fn grid_codes(layer: &GeoTable, path: &Path) -> Result<Column> {
    let column = ["code", "grid_code"]
        .iter()
        .find_map(|c| layer.table.column(c).ok())
        .ok_or_else(|| {
            input(anyhow::anyhow!(
                "{}: no code or grid_code column",
                path.display()
            ))
        })?;
    Ok(column.cast(&DataType::String)?)
}
