//! Coordinate conversion of a table's point columns (`grid_analytics::convert`).

use grid_analytics::convert::convert_table;
use grid_core::Crs;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::errors;

/// Converts the point columns `x_col`/`y_col` of `df` from `from_crs` to `to_crs` (`wgs84`,
/// `cgcs2000`, `gcj02`, `bd09`, `EPSG:<code>`). Returns the converted rows (input order,
/// coordinates as Float64) and the rejected rows with `row_number`, `reject_field`,
/// `reject_reason`, `reject_detail` in front of their original columns. `table` names the
/// table in messages.
#[pyfunction]
#[pyo3(signature = (df, from_crs, to_crs, x_col, y_col, table))]
pub(crate) fn convert_points(
    py: Python<'_>,
    df: PyDataFrame,
    from_crs: &str,
    to_crs: &str,
    x_col: &str,
    y_col: &str,
    table: &str,
) -> PyResult<(PyDataFrame, PyDataFrame)> {
    let from: Crs = from_crs.parse().map_err(errors::core)?;
    let to: Crs = to_crs.parse().map_err(errors::core)?;
    let df = df.0;
    let out = py
        .detach(|| convert_table(&df, table, x_col, y_col, from, to))
        .map_err(errors::analytics)?;
    Ok((PyDataFrame(out.table), PyDataFrame(out.rejected)))
}
