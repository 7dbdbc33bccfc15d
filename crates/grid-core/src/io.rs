//! File input and output shared by every crate: atomic writes and GeoJSON feature collections.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use geojson::{FeatureCollection, GeoJson};

use crate::crs::Crs;
use crate::error::{Error, Result};

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// The hidden temporary path next to `path` that [`write_atomic`] writes first.
pub fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes a file atomically: `write` fills a temporary file in the same folder, which is flushed,
/// synced and renamed over `path` only if `write` succeeds. A failure or a killed process leaves
/// any previous `path` untouched. Creates missing parent folders.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("hello.txt");
/// grid_core::io::write_atomic(&path, |w| Ok(w.write_all(b"hello")?))?;
/// assert_eq!(std::fs::read_to_string(&path)?, "hello");
/// # use std::io::Write;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(
        &mut BufWriter<File>,
    ) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>,
{
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    let tmp = temporary_path(path);
    let result = (|| -> Result<()> {
        let file = File::create(&tmp).map_err(|e| io_error(&tmp, e))?;
        let mut writer = BufWriter::new(file);
        write(&mut writer).map_err(|e| io_error(path, std::io::Error::other(e.to_string())))?;
        let file = writer
            .into_inner()
            .map_err(|e| io_error(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| io_error(&tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| io_error(path, e))
    })();
    if result.is_err() {
        // Best effort: the temporary file is hidden and named after this process either way.
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A feature property as trimmed text (numbers as written); `None` when absent, null or empty.
pub fn text_property(feature: &geojson::Feature, name: &str) -> Option<String> {
    match feature.property(name)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A feature property as a `YYYY-MM-DD` date; `Ok(None)` when absent, `Err` with a message
/// naming the value when it is not a date.
pub fn date_property(
    feature: &geojson::Feature,
    name: &str,
) -> std::result::Result<Option<chrono::NaiveDate>, String> {
    text_property(feature, name)
        .map(|t| {
            chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .map_err(|e| format!("{t:?} is not a YYYY-MM-DD date: {e}"))
        })
        .transpose()
}

/// A GeoJSON feature from a geometry (if any) and its properties.
pub fn feature(
    geometry: Option<&geo::Geometry<f64>>,
    properties: geojson::JsonObject,
) -> geojson::Feature {
    geojson::Feature {
        bbox: None,
        geometry: geometry.map(|g| geojson::Geometry::new(geojson::GeometryValue::from(g))),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

/// Reads a GeoJSON file that holds a FeatureCollection.
pub fn read_feature_collection(path: &Path) -> Result<FeatureCollection> {
    let text = fs::read_to_string(path).map_err(|e| io_error(path, e))?;
    let format_error = |message: String| Error::Format {
        path: path.to_owned(),
        message,
    };
    match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => Ok(fc),
        Ok(GeoJson::Feature(_)) => Err(format_error(
            "is a single Feature; expected a FeatureCollection".to_owned(),
        )),
        Ok(GeoJson::Geometry(_)) => Err(format_error(
            "is a bare Geometry; expected a FeatureCollection".to_owned(),
        )),
        Err(e) => Err(format_error(format!("not valid GeoJSON: {e}"))),
    }
}

/// The CRS a GeoJSON layer declares: the pre-RFC 7946 `"crs"` member
/// (`urn:ogc:def:crs:EPSG::4549`, `EPSG:4549`, or CRS84) if present, else WGS84 as RFC 7946
/// requires.
pub fn feature_collection_crs(collection: &FeatureCollection) -> Result<Crs> {
    let Some(member) = collection
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("crs"))
    else {
        return Ok(Crs::wgs84());
    };
    let name = member
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| Error::UnknownCrs {
            value: member.to_string(),
            reason: "a GeoJSON \"crs\" member needs properties.name".to_owned(),
        })?;
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("CRS84") {
        return Ok(Crs::wgs84());
    }
    // urn:ogc:def:crs:EPSG::4549 or urn:ogc:def:crs:EPSG:9.9:4549 or EPSG:4549
    if let Some(code) = upper
        .strip_prefix("URN:OGC:DEF:CRS:EPSG:")
        .and_then(|rest| rest.rsplit(':').next())
    {
        return format!("EPSG:{code}").parse();
    }
    name.parse()
}

/// Writes a FeatureCollection atomically.
///
/// RFC 7946 GeoJSON is WGS84 longitude/latitude and carries no CRS. When `crs` is another EPSG
/// system, the file gets the pre-RFC `"crs"` member (`urn:ogc:def:crs:EPSG::<code>`) that GDAL,
/// QGIS and GeoPandas read, so projected output is still located correctly; for WGS84 any such
/// member is removed. GCJ-02 and BD-09 have no identifier to write: such files look like WGS84 to
/// other tools, which is exactly how map apps exchange them.
pub fn write_feature_collection(
    path: &Path,
    collection: &FeatureCollection,
    crs: Crs,
) -> Result<()> {
    let mut collection = collection.clone();
    let members = collection
        .foreign_members
        .get_or_insert_with(Default::default);
    members.remove("crs");
    match crs.epsg_code() {
        Some(code) if crs != Crs::Wgs84 => {
            members.insert(
                "crs".to_owned(),
                serde_json::json!({
                    "type": "name",
                    "properties": { "name": format!("urn:ogc:def:crs:EPSG::{code}") }
                }),
            );
        }
        _ => {}
    }
    if members.is_empty() {
        collection.foreign_members = None;
    }
    write_atomic(path, |w| Ok(serde_json::to_writer(w, &collection)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn failure_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, |w| Ok(w.write_all(b"old")?)).unwrap();
        let err = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err("boom".into())
        })
        .unwrap_err();
        assert!(err.to_string().contains("boom"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert!(!temporary_path(&path).exists());
    }

    #[test]
    fn feature_collections_round_trip_with_their_crs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.geojson");
        let fc: FeatureCollection = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#
            .parse::<GeoJson>()
            .and_then(FeatureCollection::try_from)
            .unwrap();
        write_feature_collection(&path, &fc, Crs::cgcs2000_gk_cm120()).unwrap();
        let back = read_feature_collection(&path).unwrap();
        assert_eq!(back.features, fc.features);
        let crs = &back.foreign_members.as_ref().unwrap()["crs"];
        assert_eq!(crs["properties"]["name"], "urn:ogc:def:crs:EPSG::4549");
        write_feature_collection(&path, &back, Crs::wgs84()).unwrap();
        assert!(
            read_feature_collection(&path)
                .unwrap()
                .foreign_members
                .is_none()
        );
    }

    #[test]
    fn declared_crs_is_read() {
        let with = |name: &str| -> FeatureCollection {
            format!(
                r#"{{"type":"FeatureCollection","features":[],"crs":{{"type":"name","properties":{{"name":"{name}"}}}}}}"#
            )
            .parse::<GeoJson>()
            .and_then(FeatureCollection::try_from)
            .unwrap()
        };
        assert_eq!(
            feature_collection_crs(&with("urn:ogc:def:crs:EPSG::4549")).unwrap(),
            Crs::Epsg(4549)
        );
        assert_eq!(
            feature_collection_crs(&with("EPSG:32650")).unwrap(),
            Crs::Epsg(32650)
        );
        assert_eq!(
            feature_collection_crs(&with("urn:ogc:def:crs:OGC:1.3:CRS84")).unwrap(),
            Crs::wgs84()
        );
        assert!(feature_collection_crs(&with("mars")).is_err());
        let plain = FeatureCollection {
            bbox: None,
            features: vec![],
            foreign_members: None,
        };
        assert_eq!(feature_collection_crs(&plain).unwrap(), Crs::wgs84());
    }

    #[test]
    fn non_collections_are_named_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.geojson");
        fs::write(&path, r#"{"type":"Point","coordinates":[1,2]}"#).unwrap();
        let err = read_feature_collection(&path).unwrap_err().to_string();
        assert!(
            err.contains("f.geojson") && err.contains("bare Geometry"),
            "{err}"
        );
        fs::write(&path, "{").unwrap();
        let err = read_feature_collection(&path).unwrap_err().to_string();
        assert!(err.contains("not valid GeoJSON"), "{err}");
    }

    #[test]
    fn creates_parent_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x/y/z.txt");
        write_atomic(&path, |w| Ok(w.write_all(b"z")?)).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "z");
    }
}
