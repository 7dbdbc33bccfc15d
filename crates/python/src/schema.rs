//! The column names of `grid_analytics::schema`, as module constants (the Python package
//! re-exports them as `citygrid.schema`), so Python never spells a column name itself.

use grid_analytics::schema;
use pyo3::prelude::*;

/// Every constant, by its Rust name.
const COLUMNS: [(&str, &str); 9] = [
    ("GRID_CODE", schema::GRID_CODE),
    ("COMMUNITY_CODE", schema::COMMUNITY_CODE),
    ("STREET_CODE", schema::STREET_CODE),
    ("DISTRICT_CODE", schema::DISTRICT_CODE),
    ("GRID_DISTANCE_M", schema::GRID_DISTANCE_M),
    ("ROW_NUMBER", schema::ROW_NUMBER),
    ("REJECT_FIELD", schema::REJECT_FIELD),
    ("REJECT_REASON", schema::REJECT_REASON),
    ("REJECT_DETAIL", schema::REJECT_DETAIL),
];

/// Adds the constants to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for (name, value) in COLUMNS {
        m.add(name, value)?;
    }
    Ok(())
}
