//! GeoParquet 1.1: Parquet tables with a WKB geometry column and the `geo` metadata that names
//! its encoding, geometry types, bounding box and CRS (PROJJSON).

use std::fs::File;
use std::path::Path;

use geo::{BoundingRect, Geometry};
use grid_core::Crs;
use grid_core::wkb::{from_wkb, geometry_type_name, to_wkb};
use polars::prelude::*;
use serde_json::{Value, json};

use crate::error::{Error, PolarsContext, Result};

/// The geometry column's name in the files citygrid writes.
pub const GEOMETRY_COLUMN: &str = "geometry";
/// The GeoParquet version written.
pub const GEOPARQUET_VERSION: &str = "1.1.0";

/// A table read from GeoParquet: its attribute columns, its geometries and their CRS.
#[derive(Debug)]
pub struct GeoTable {
    /// Every column but the geometry.
    pub table: DataFrame,
    /// One geometry per row (`None` for a null geometry).
    pub geometries: Vec<Option<Geometry<f64>>>,
    /// The CRS of the geometries (WGS84 when the file names none, as GeoParquet specifies).
    pub crs: Crs,
}

fn geo_error(path: &Path, message: impl Into<String>) -> Error {
    Error::GeoJson {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// The `geo` metadata for geometries in `crs`.
fn metadata(geometries: &[Geometry<f64>], crs: Crs) -> Result<String> {
    let mut types: Vec<&str> = geometries.iter().map(geometry_type_name).collect();
    types.sort_unstable();
    types.dedup();
    let mut column = json!({ "encoding": "WKB", "geometry_types": types });
    let bounds = geometries
        .iter()
        .filter_map(BoundingRect::bounding_rect)
        .fold(None, |acc: Option<[f64; 4]>, r| {
            Some(match acc {
                None => [r.min().x, r.min().y, r.max().x, r.max().y],
                Some(b) => [
                    b[0].min(r.min().x),
                    b[1].min(r.min().y),
                    b[2].max(r.max().x),
                    b[3].max(r.max().y),
                ],
            })
        });
    if let Some(b) = bounds {
        column["bbox"] = json!(b);
    }
    // No "crs" means OGC:CRS84, which is WGS84 in the longitude/latitude order we write.
    if crs != Crs::wgs84() {
        let projjson: Value =
            serde_json::from_str(&crs.projjson()?).map_err(|e| Error::GeoJson {
                path: crs.to_string().into(),
                message: format!("PROJ's PROJJSON is not JSON: {e}"),
            })?;
        column["crs"] = projjson;
    }
    let geo = json!({
        "version": GEOPARQUET_VERSION,
        "primary_column": GEOMETRY_COLUMN,
        "columns": { GEOMETRY_COLUMN: column },
    });
    Ok(geo.to_string())
}

/// Writes `table` plus a `geometry` column as GeoParquet, atomically. `geometries` has one entry
/// per row, in `crs`.
pub fn write_geoparquet(
    path: &Path,
    table: &DataFrame,
    geometries: &[Geometry<f64>],
    crs: Crs,
) -> Result<()> {
    if geometries.len() != table.height() {
        return Err(geo_error(
            path,
            format!(
                "{} geometries for {} rows",
                geometries.len(),
                table.height()
            ),
        ));
    }
    let geo = metadata(geometries, crs)?;
    let wkb: Vec<Vec<u8>> = geometries.iter().map(to_wkb).collect();
    write_with_wkb(path, table, &wkb, geo)
}

/// Writes a table of points as GeoParquet, the points from two of its number columns (in
/// `crs`); the columns stay as they are. Every row needs both numbers. Builds the WKB directly
/// (no geometry per row is kept), for case tables of millions of rows.
pub fn write_geoparquet_points(
    path: &Path,
    table: &DataFrame,
    x_col: &str,
    y_col: &str,
    crs: Crs,
) -> Result<()> {
    let number = |name: &str| -> Result<Float64Chunked> {
        let column = table
            .column(name)
            .and_then(|c| c.cast(&DataType::Float64))
            .context(|| format!("{}: column {name}", path.display()))?;
        Ok(column
            .f64()
            .context(|| format!("{}: column {name}", path.display()))?
            .clone())
    };
    let (xs, ys) = (number(x_col)?, number(y_col)?);
    let mut wkb = Vec::with_capacity(table.height());
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for (row, (x, y)) in xs.iter().zip(ys.iter()).enumerate() {
        let (Some(x), Some(y)) = (x, y) else {
            return Err(geo_error(
                path,
                format!("row {}: no {x_col}/{y_col} for its point", row + 1),
            ));
        };
        min = [min[0].min(x), min[1].min(y)];
        max = [max[0].max(x), max[1].max(y)];
        wkb.push(to_wkb(&Geometry::Point(geo::Point::new(x, y))));
    }
    // The metadata of the points is that of their bounding box's corners: type Point and the
    // bbox (an empty table declares no type, which GeoParquet reads as "any").
    let corners: Vec<Geometry<f64>> = if wkb.is_empty() {
        Vec::new()
    } else {
        vec![
            Geometry::Point(geo::Point::new(min[0], min[1])),
            Geometry::Point(geo::Point::new(max[0], max[1])),
        ]
    };
    let geo = metadata(&corners, crs)?;
    write_with_wkb(path, table, &wkb, geo)
}

/// Writes `table` plus the `geometry` column of `wkb` (one per row) with the `geo` metadata,
/// atomically: the one writer of every GeoParquet file.
fn write_with_wkb(path: &Path, table: &DataFrame, wkb: &[Vec<u8>], geo: String) -> Result<()> {
    let wkb =
        BinaryChunked::from_iter_values(GEOMETRY_COLUMN.into(), wkb.iter().map(Vec::as_slice));
    let mut full = table
        .hstack(&[wkb.into_series().into_column()])
        .context(|| format!("{}: adding the geometry column", path.display()))?;
    let arrow_schema = arrow_schema_with(&full, "geo", &geo)
        .context(|| format!("{}: the embedded Arrow schema", path.display()))?;
    grid_core::io::write_atomic(path, |writer| {
        ParquetWriter::new(writer)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(Some(KeyValueMetadata::from_static(vec![
                (ARROW_SCHEMA_KEY.to_owned(), arrow_schema),
                ("geo".to_owned(), geo),
            ])))
            .finish(&mut full)?;
        Ok(())
    })?;
    Ok(())
}

/// The key under which Parquet files keep the Arrow schema they were written from.
const ARROW_SCHEMA_KEY: &str = "ARROW:schema";

/// The `ARROW:schema` value polars writes for `table`, with `key: value` added to the schema's
/// own metadata. Arrow readers (pyarrow) take a file's schema metadata from this embedded
/// schema and not from the footer's key/value pairs, so without it they miss `geo`. polars
/// writes that value for a zero-row slice of the table (same schema, a few hundred bytes); it
/// is read back, decoded (base64 of a length-prefixed IPC Schema message), given the key and
/// encoded again the same way.
fn arrow_schema_with(table: &DataFrame, key: &str, value: &str) -> PolarsResult<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use polars_arrow::io::ipc::read::deserialize_schema;
    use polars_arrow::io::ipc::write::schema_to_bytes;

    let mut empty = table.slice(0, 0);
    let mut buffer = Vec::new();
    ParquetWriter::new(&mut buffer).finish(&mut empty)?;
    let metadata = ParquetReader::new(std::io::Cursor::new(buffer))
        .get_metadata()?
        .clone();
    let encoded = metadata
        .key_value_metadata()
        .as_ref()
        .and_then(|kv| kv.iter().find(|k| k.key == ARROW_SCHEMA_KEY))
        .and_then(|k| k.value.clone())
        .ok_or_else(|| polars_err!(ComputeError: "polars wrote no {ARROW_SCHEMA_KEY}"))?;
    let bad = |what: &str| polars_err!(ComputeError: "{ARROW_SCHEMA_KEY}: {what}");
    let bytes = STANDARD
        .decode(encoded.as_bytes())
        .map_err(|e| bad(&format!("not base64: {e}")))?;
    // The legacy IPC framing: 0xFFFFFFFF, the message length (u32, little-endian), the message.
    let message = bytes
        .get(8..)
        .filter(|_| bytes[..4] == [0xFF; 4])
        .ok_or_else(|| bad("not a length-prefixed IPC message"))?;
    let (schema, ipc, metadata) = deserialize_schema(message)?;
    let mut metadata = metadata.unwrap_or_default();
    metadata.insert(key.into(), value.into());
    let message = schema_to_bytes(&schema, &ipc.fields, Some(&metadata));
    let mut framed = Vec::with_capacity(message.len() + 8);
    framed.extend_from_slice(&[0xFF; 4]);
    framed.extend_from_slice(&(message.len() as u32).to_le_bytes());
    framed.extend_from_slice(&message);
    Ok(STANDARD.encode(framed))
}

/// Reads a GeoParquet file (WKB encoding; any CRS with an EPSG id).
pub fn read_geoparquet(path: &Path) -> Result<GeoTable> {
    let file = File::open(path).map_err(|source| grid_core::Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut reader = ParquetReader::new(file);
    let metadata = reader
        .get_metadata()
        .context(|| format!("reading {}", path.display()))?;
    let geo_text = metadata
        .key_value_metadata()
        .as_ref()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.clone())
        .ok_or_else(|| geo_error(path, "no \"geo\" metadata: a Parquet table, not GeoParquet"))?;
    let geo: Value = serde_json::from_str(&geo_text)
        .map_err(|e| geo_error(path, format!("\"geo\" metadata is not JSON: {e}")))?;
    let primary = geo
        .get("primary_column")
        .and_then(Value::as_str)
        .ok_or_else(|| geo_error(path, "\"geo\" metadata has no primary_column"))?
        .to_owned();
    let column = &geo["columns"][&primary];
    let encoding = column
        .get("encoding")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !encoding.eq_ignore_ascii_case("WKB") {
        return Err(geo_error(
            path,
            format!("geometry encoding {encoding:?}: only WKB is read"),
        ));
    }
    let crs = match column.get("crs") {
        None => Crs::wgs84(),
        Some(Value::Null) => {
            return Err(geo_error(
                path,
                "the geometry has an explicitly unknown CRS (crs: null)",
            ));
        }
        Some(projjson) => Crs::from_projjson(projjson)?,
    };
    let mut table = reader
        .finish()
        .context(|| format!("reading {}", path.display()))?;
    let wkb = table
        .column(&primary)
        .context(|| format!("{}: geometry column {primary:?}", path.display()))?
        .binary()
        .context(|| {
            format!(
                "{}: geometry column {primary:?} is not binary",
                path.display()
            )
        })?
        .clone();
    let mut geometries = Vec::with_capacity(wkb.len());
    for (row, bytes) in wkb.iter().enumerate() {
        geometries.push(match bytes {
            None => None,
            Some(bytes) => Some(
                from_wkb(bytes).map_err(|e| geo_error(path, format!("row {}: {e}", row + 1)))?,
            ),
        });
    }
    table = table
        .drop(&primary)
        .context(|| format!("{}: dropping the geometry column", path.display()))?;
    Ok(GeoTable {
        table,
        geometries,
        crs,
    })
}

#[cfg(test)]
mod tests {
    use geo::{point, polygon};

    use super::*;

    #[test]
    fn the_embedded_arrow_schema_carries_the_geo_metadata() {
        use base64::Engine as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("points.parquet");
        let table = df!("id" => ["a"], "x_m" => [454_000.5], "y_m" => [3_919_000.0]).unwrap();
        write_geoparquet_points(&path, &table, "x_m", "y_m", Crs::cgcs2000_gk_cm120()).unwrap();
        let meta = ParquetReader::new(File::open(&path).unwrap())
            .get_metadata()
            .unwrap()
            .clone();
        let kv = meta.key_value_metadata().as_ref().unwrap();
        let value = |key: &str| {
            kv.iter()
                .find(|k| k.key == key)
                .and_then(|k| k.value.clone())
                .unwrap()
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value(ARROW_SCHEMA_KEY))
            .unwrap();
        let (schema, _, metadata) =
            polars_arrow::io::ipc::read::deserialize_schema(&bytes[8..]).unwrap();
        assert_eq!(
            schema.iter_names().map(|n| n.as_str()).collect::<Vec<_>>(),
            ["id", "x_m", "y_m", "geometry"]
        );
        assert_eq!(metadata.unwrap()["geo"].as_str(), value("geo"));
        // And polars still reads the file with its own types.
        let back = read_geoparquet(&path).unwrap();
        assert_eq!(back.table.get_column_names(), ["id", "x_m", "y_m"]);
    }

    #[test]
    fn point_tables_round_trip_with_their_bbox() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("points.parquet");
        let table = df!(
            "id" => ["a", "b", "c"],
            "x_m" => [454_000.5, 455_000.0, 454_500.0],
            "y_m" => [3_919_000.0, 3_918_000.25, 3_919_500.0],
        )
        .unwrap();
        write_geoparquet_points(&path, &table, "x_m", "y_m", Crs::cgcs2000_gk_cm120()).unwrap();
        let back = read_geoparquet(&path).unwrap();
        assert_eq!(back.crs, Crs::cgcs2000_gk_cm120());
        assert_eq!(back.table.get_column_names(), ["id", "x_m", "y_m"]);
        assert_eq!(
            back.geometries[0],
            Some(Geometry::Point(geo::Point::new(454_000.5, 3_919_000.0)))
        );
        let file = File::open(&path).unwrap();
        let meta = ParquetReader::new(file).get_metadata().unwrap().clone();
        let text = meta
            .key_value_metadata()
            .as_ref()
            .unwrap()
            .iter()
            .find(|k| k.key == "geo")
            .unwrap()
            .value
            .clone()
            .unwrap();
        let geo: Value = serde_json::from_str(&text).unwrap();
        let column = &geo["columns"]["geometry"];
        assert_eq!(column["geometry_types"], json!(["Point"]));
        assert_eq!(
            column["bbox"],
            json!([454_000.5, 3_918_000.25, 455_000.0, 3_919_500.0])
        );
        // A row without a coordinate is an error naming it.
        let gap = df!("x_m" => [Some(1.0), None], "y_m" => [Some(1.0), Some(2.0)]).unwrap();
        let error = write_geoparquet_points(&path, &gap, "x_m", "y_m", Crs::cgcs2000_gk_cm120())
            .unwrap_err();
        assert!(error.to_string().contains("row 2"), "{error}");
    }

    #[test]
    fn round_trips_with_crs_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let table = df!("code" => ["a", "b"], "n" => [1i64, 2]).unwrap();
        let geometries = vec![
            Geometry::Point(point!(x: 457_000.0, y: 3_920_000.0)),
            Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)]),
        ];
        write_geoparquet(&path, &table, &geometries, Crs::cgcs2000_gk_cm120()).unwrap();
        let back = read_geoparquet(&path).unwrap();
        assert_eq!(back.crs, Crs::cgcs2000_gk_cm120());
        assert!(back.table.equals(&table));
        assert_eq!(
            back.geometries,
            geometries.into_iter().map(Some).collect::<Vec<_>>()
        );

        let mut reader = ParquetReader::new(File::open(&path).unwrap());
        let kv = reader
            .get_metadata()
            .unwrap()
            .key_value_metadata()
            .clone()
            .unwrap();
        let geo: Value = serde_json::from_str(
            kv.iter()
                .find(|k| k.key == "geo")
                .unwrap()
                .value
                .as_ref()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(geo["version"], "1.1.0");
        assert_eq!(
            geo["columns"]["geometry"]["geometry_types"],
            json!(["Point", "Polygon"])
        );
        assert_eq!(
            geo["columns"]["geometry"]["bbox"],
            json!([0.0, 0.0, 457_000.0, 3_920_000.0])
        );
        assert_eq!(geo["columns"]["geometry"]["crs"]["id"]["code"], 4549);
    }

    #[test]
    fn plain_parquet_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain.parquet");
        crate::table_io::write_table(&mut df!("a" => [1]).unwrap(), &path).unwrap();
        let err = read_geoparquet(&path).unwrap_err().to_string();
        assert!(err.contains("not GeoParquet"), "{err}");
    }
}
