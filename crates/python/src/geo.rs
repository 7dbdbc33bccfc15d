//! Layers across the boundary. In Python a layer is a `citygrid.GeoTable`: a polars DataFrame
//! whose geometry column holds WKB (as GeoParquet stores it) plus the name of its CRS. Here it
//! is a [`GeoTable`]: attribute columns, decoded geometries and a [`Crs`].

use std::path::PathBuf;

use geo::Geometry;
use grid_analytics::geoparquet::{GEOMETRY_COLUMN, GeoTable};
use grid_analytics::grid_io::{read_layer as read_layer_file, table_to_features, write_geo_table};
use grid_core::wkb::{from_wkb, to_wkb};
use grid_core::{Crs, Transformer};
use polars::prelude::*;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::errors::{self, InputError, InternalError};

/// A layer as it crosses from Python: its table (with a WKB column), CRS and geometry column.
pub(crate) type PyLayer = (PyDataFrame, String, String);

/// A Rust layer as its Python parts: the table with the geometries appended as a WKB column
/// named `geometry` (null where a row has none), and the CRS's name (`EPSG:4549`, …).
pub(crate) fn layer_to_py(
    mut table: DataFrame,
    geometries: &[Option<Geometry<f64>>],
    crs: Crs,
) -> PyResult<(PyDataFrame, String)> {
    let wkb = BinaryChunked::from_iter_options(
        GEOMETRY_COLUMN.into(),
        geometries.iter().map(|g| g.as_ref().map(to_wkb)),
    );
    // A column of that name in the table gives way to the geometries.
    let _ = table.drop_in_place(GEOMETRY_COLUMN);
    table
        .with_column(wkb.into_column())
        .map_err(|e| InternalError::new_err(format!("adding the geometry column: {e}")))?;
    Ok((PyDataFrame(table), crs.to_string()))
}

/// A layer whose geometries are all present, as its Python parts.
pub(crate) fn layer_to_py_all(
    table: DataFrame,
    geometries: Vec<Geometry<f64>>,
    crs: Crs,
) -> PyResult<(PyDataFrame, String)> {
    let geometries: Vec<Option<Geometry<f64>>> = geometries.into_iter().map(Some).collect();
    layer_to_py(table, &geometries, crs)
}

/// The CRS a caller asks for (`None`: `default`).
pub(crate) fn crs_or(crs: Option<&str>, default: Crs) -> PyResult<Crs> {
    crs.map_or(Ok(default), |c| c.parse().map_err(errors::core))
}

/// `geometries` (in `from`) moved into `to`, each present.
pub(crate) fn transformed(
    geometries: impl IntoIterator<Item = Geometry<f64>>,
    from: Crs,
    to: Crs,
) -> PyResult<Vec<Option<Geometry<f64>>>> {
    let transformer = Transformer::new(from, to).map_err(errors::core)?;
    geometries
        .into_iter()
        .map(|g| transformer.transform_geometry(&g).map(Some))
        .collect::<grid_core::Result<Vec<_>>>()
        .map_err(errors::core)
}

/// A Python layer's parts as a Rust layer: `geometry_col` (binary WKB, nulls allowed) is decoded
/// and dropped from the table. `name` names the layer in errors.
pub(crate) fn layer_from_py(
    df: DataFrame,
    crs: &str,
    geometry_col: &str,
    name: &str,
) -> PyResult<GeoTable> {
    let crs: Crs = crs.parse().map_err(errors::core)?;
    let column = df.column(geometry_col).map_err(|_| {
        InputError::new_err(format!(
            "{name}: no geometry column {geometry_col:?} (columns: {})",
            df.get_column_names()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let binary = column.binary().map_err(|_| {
        InputError::new_err(format!(
            "{name}: column {geometry_col:?} is {}, not WKB (binary)",
            column.dtype()
        ))
    })?;
    let geometries = binary
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            bytes
                .map(|b| {
                    from_wkb(b).map_err(|e| {
                        InputError::new_err(format!(
                            "{name}: row {}, field {geometry_col:?}: {e}",
                            i + 1
                        ))
                    })
                })
                .transpose()
        })
        .collect::<PyResult<Vec<_>>>()?;
    let mut table = df;
    let _ = table.drop_in_place(geometry_col);
    Ok(GeoTable {
        table,
        geometries,
        crs,
    })
}

/// Reads a GeoJSON or GeoParquet layer: its table with the WKB `geometry` column, and its CRS.
#[pyfunction]
pub(crate) fn read_layer(py: Python<'_>, path: PathBuf) -> PyResult<(PyDataFrame, String)> {
    let layer = py
        .detach(|| read_layer_file(&path))
        .map_err(errors::analytics)?;
    layer_to_py(layer.table, &layer.geometries, layer.crs)
}

/// Writes a layer as GeoJSON (WGS84, RFC 7946) or GeoParquet (in `to_crs`, default the
/// layer's), by extension, atomically. Rows without a geometry cannot be written.
#[pyfunction]
#[pyo3(signature = (df, crs, geometry_col, path, to_crs=None))]
pub(crate) fn write_layer(
    py: Python<'_>,
    df: PyDataFrame,
    crs: &str,
    geometry_col: &str,
    path: PathBuf,
    to_crs: Option<&str>,
) -> PyResult<()> {
    let name = path.display().to_string();
    let layer = layer_from_py(df.0, crs, geometry_col, &name)?;
    let out_crs = crs_or(to_crs, layer.crs)?;
    let geometries = layer
        .geometries
        .iter()
        .enumerate()
        .map(|(i, g)| {
            g.as_ref().ok_or_else(|| {
                InputError::new_err(format!(
                    "{name}: row {} has no geometry; drop it first",
                    i + 1
                ))
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    py.detach(|| {
        write_geo_table(
            &path,
            &layer.table,
            geometries.into_iter(),
            layer.crs,
            out_crs,
            ".geojson or .parquet (GeoParquet) for a layer",
        )
    })
    .map_err(errors::analytics)
}

/// A layer as GeoJSON text (a FeatureCollection, coordinates in `to_crs`, default the layer's),
/// for `__geo_interface__`.
#[pyfunction]
#[pyo3(signature = (df, crs, geometry_col, to_crs=None))]
pub(crate) fn layer_geojson(
    py: Python<'_>,
    df: PyDataFrame,
    crs: &str,
    geometry_col: &str,
    to_crs: Option<&str>,
) -> PyResult<String> {
    let layer = layer_from_py(df.0, crs, geometry_col, "layer")?;
    let out_crs = crs_or(to_crs, layer.crs)?;
    py.detach(|| {
        let transformer = Transformer::new(layer.crs, out_crs).map_err(errors::core)?;
        let geometries = layer
            .geometries
            .iter()
            .map(|g| {
                g.as_ref()
                    .map(|g| transformer.transform_geometry(g))
                    .transpose()
            })
            .collect::<grid_core::Result<Vec<_>>>()
            .map_err(errors::core)?;
        let features = table_to_features(&layer.table, geometries)
            .map_err(|e| InputError::new_err(format!("layer: {e}")))?;
        serde_json::to_string(&features)
            .map_err(|e| InternalError::new_err(format!("layer as GeoJSON: {e}")))
    })
}

/// Adds the layer functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_layer, m)?)?;
    m.add_function(wrap_pyfunction!(write_layer, m)?)?;
    m.add_function(wrap_pyfunction!(layer_geojson, m)?)?;
    Ok(())
}
