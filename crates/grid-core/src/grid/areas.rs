//! Reading coded division areas (districts, streets, communities) from GeoJSON.

use std::path::Path;

use geo::{Geometry, MultiPolygon};

use crate::codes::DivisionCode;
use crate::crs::{Crs, Transformer};
use crate::error::{Error, Result};
use crate::io::{feature_collection_crs, read_feature_collection, text_property};

/// Reads polygons coded by their `code` (or `adcode`) property from a GeoJSON layer in any CRS
/// (its `"crs"` member, else WGS84), transformed to `working`. `fallback` codes a layer of one
/// feature that has no code. Any feature without a valid code or polygon is an error naming the
/// file, the feature (from 1) and the field: a boundary layer must be whole.
pub fn read_division_areas(
    path: &Path,
    working: Crs,
    fallback: Option<&DivisionCode>,
) -> Result<Vec<(DivisionCode, MultiPolygon<f64>)>> {
    let layer = read_feature_collection(path)?;
    let transformer = Transformer::new(feature_collection_crs(&layer)?, working)?;
    let single = layer.features.len() == 1;
    let mut areas = Vec::with_capacity(layer.features.len());
    for (index, feature) in layer.features.iter().enumerate() {
        let fail = |field: &str, message: String| Error::Feature {
            path: path.to_owned(),
            feature: index + 1,
            field: field.to_owned(),
            message,
        };
        let text = ["code", "adcode"]
            .iter()
            .find_map(|name| text_property(feature, name));
        let code = match (text, fallback) {
            (Some(text), _) => text
                .parse::<DivisionCode>()
                .map_err(|e| fail("code", e.to_string()))?,
            (None, Some(code)) if single => code.clone(),
            (None, Some(_)) => {
                return Err(fail(
                    "code",
                    "missing; a fallback code (--division-code) only codes a layer of one feature"
                        .to_owned(),
                ));
            }
            (None, None) => {
                return Err(fail(
                    "code",
                    "missing: give the feature a \"code\" or \"adcode\" (or pass --division-code for a single feature)".to_owned(),
                ));
            }
        };
        let geometry = feature
            .geometry
            .clone()
            .ok_or_else(|| fail("geometry", "missing".to_owned()))?;
        let shape =
            Geometry::<f64>::try_from(geometry).map_err(|e| fail("geometry", e.to_string()))?;
        let polygons = match transformer
            .transform_geometry(&shape)
            .map_err(|e| fail("geometry", e.to_string()))?
        {
            Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
            Geometry::MultiPolygon(m) => m,
            _ => {
                return Err(fail(
                    "geometry",
                    "must be a Polygon or MultiPolygon".to_owned(),
                ));
            }
        };
        areas.push((code, polygons));
    }
    if areas.is_empty() {
        return Err(Error::Format {
            path: path.to_owned(),
            message: "the layer has no features".to_owned(),
        });
    }
    Ok(areas)
}
