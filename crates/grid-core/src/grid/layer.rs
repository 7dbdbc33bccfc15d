//! [`GridLayer`]: a city's unit grids in one working CRS, read from and written to GeoJSON.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use geo::{Area, Geometry, MultiPolygon};
use geojson::{Feature, FeatureCollection, JsonObject};
use serde_json::Value;

use super::unit_grid::UnitGrid;
use crate::codes::GridCode;
use crate::crs::{Crs, CrsKind, Transformer};
use crate::error::{Error, Result};
use crate::io::{
    date_property as io_date_property, feature_collection_crs, read_feature_collection,
    text_property, write_feature_collection,
};
use crate::rejection::{RejectReason, Rejection};

/// Property names read from and written to grid layers.
pub mod properties {
    /// The 15-digit grid code (`grid_code` is accepted on input too).
    pub const CODE: &str = "code";
    /// Accepted on input as the grid code when `code` is absent.
    pub const CODE_ALIAS: &str = "grid_code";
    /// The 12-digit community code (written; derived from the grid code).
    pub const COMMUNITY: &str = "community_code";
    /// The 9-digit street code (written; derived).
    pub const STREET: &str = "street_code";
    /// The 6-digit district code (written; derived).
    pub const DISTRICT: &str = "district_code";
    /// Area in square metres (written; measured).
    pub const AREA_M2: &str = "area_m2";
    /// First valid day, `YYYY-MM-DD`.
    pub const VALID_FROM: &str = "valid_from";
    /// Last valid day, `YYYY-MM-DD`.
    pub const VALID_TO: &str = "valid_to";
    /// Land use.
    pub const LAND_USE: &str = "land_use";
    /// A city's grid class.
    pub const CLASS: &str = "class";
}

/// A set of unit grids in one projected working CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct GridLayer {
    crs: Crs,
    grids: Vec<UnitGrid>,
}

/// Why one feature could not become a grid.
type FeatureProblem = (RejectReason, String, String);

impl GridLayer {
    /// A layer from grids already in `crs`, which must be projected (grids are measured in
    /// metres). Grids are kept in the order given.
    pub fn new(crs: Crs, grids: Vec<UnitGrid>) -> Result<Self> {
        require_projected(crs)?;
        Ok(Self { crs, grids })
    }

    /// The working CRS of every geometry in the layer.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// The grids, in layer order (the order of the input file).
    pub fn grids(&self) -> &[UnitGrid] {
        &self.grids
    }

    /// Number of grids.
    pub fn len(&self) -> usize {
        self.grids.len()
    }

    /// True when the layer has no grids.
    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// Reads a GeoJSON grid layer in any CRS (its `"crs"` member, or WGS84) and transforms it to
    /// `working`. Features that cannot be grids are returned as rejections (with their 1-based
    /// feature number, field and reason), never dropped silently.
    pub fn read_geojson(path: &Path, working: Crs) -> Result<(Self, Vec<Rejection>)> {
        let collection = read_feature_collection(path)?;
        let source = feature_collection_crs(&collection)?;
        Self::from_features(&collection, source, working)
    }

    /// Builds a layer from GeoJSON features in `source`, transformed to `working`.
    pub fn from_features(
        collection: &FeatureCollection,
        source: Crs,
        working: Crs,
    ) -> Result<(Self, Vec<Rejection>)> {
        require_projected(working)?;
        let transformer = Transformer::new(source, working)?;
        let mut grids = Vec::with_capacity(collection.features.len());
        let mut rejections = Vec::new();
        let mut first_row: HashMap<GridCode, usize> = HashMap::new();
        for (index, feature) in collection.features.iter().enumerate() {
            let row = index + 1;
            let grid = grid_from_feature(feature, &transformer).and_then(|grid| {
                match first_row.get(&grid.code) {
                    Some(first) => Err((
                        RejectReason::DuplicateCode,
                        properties::CODE.to_owned(),
                        format!("{} is already the code of feature {first}", grid.code),
                    )),
                    None => Ok(grid),
                }
            });
            match grid {
                Ok(grid) => {
                    first_row.insert(grid.code.clone(), row);
                    grids.push(grid);
                }
                Err((reason, field, detail)) => rejections.push(Rejection {
                    row,
                    field,
                    reason,
                    detail,
                }),
            }
        }
        Ok((
            Self {
                crs: working,
                grids,
            },
            rejections,
        ))
    }

    /// The layer as GeoJSON features in `crs`, with the code, its parent codes, the area and
    /// the attributes as properties.
    pub fn to_features(&self, crs: Crs) -> Result<FeatureCollection> {
        let transformer = Transformer::new(self.crs, crs)?;
        let mut features = Vec::with_capacity(self.grids.len());
        for grid in &self.grids {
            let geometry =
                transformer.transform_geometry(&Geometry::MultiPolygon(grid.geometry.clone()))?;
            let mut props = JsonObject::new();
            props.insert(properties::CODE.into(), grid.code.as_str().into());
            props.insert(
                properties::COMMUNITY.into(),
                grid.community().as_str().into(),
            );
            props.insert(properties::STREET.into(), grid.street().as_str().into());
            props.insert(properties::DISTRICT.into(), grid.district().as_str().into());
            props.insert(
                properties::AREA_M2.into(),
                ((grid.area_m2 * 100.0).round() / 100.0).into(),
            );
            let date = |d: Option<NaiveDate>| d.map_or(Value::Null, |d| d.to_string().into());
            props.insert(properties::VALID_FROM.into(), date(grid.valid_from));
            props.insert(properties::VALID_TO.into(), date(grid.valid_to));
            let text = |t: &Option<String>| t.clone().map_or(Value::Null, Value::from);
            props.insert(properties::LAND_USE.into(), text(&grid.land_use));
            props.insert(properties::CLASS.into(), text(&grid.class));
            features.push(crate::io::feature(Some(&geometry), props));
        }
        Ok(FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        })
    }

    /// Writes the layer as GeoJSON in `crs` (use [`Crs::wgs84`] for RFC 7946 maps), atomically.
    pub fn write_geojson(&self, path: &Path, crs: Crs) -> Result<()> {
        write_feature_collection(path, &self.to_features(crs)?, crs)
    }
}

fn require_projected(crs: Crs) -> Result<()> {
    if crs.kind()? == CrsKind::Projected {
        Ok(())
    } else {
        Err(Error::UnknownCrs {
            value: crs.to_string(),
            reason: "grids need a projected working CRS in metres, such as EPSG:4549".to_owned(),
        })
    }
}

fn date_property(
    feature: &Feature,
    name: &str,
) -> std::result::Result<Option<NaiveDate>, FeatureProblem> {
    io_date_property(feature, name).map_err(|m| (RejectReason::InvalidValue, name.to_owned(), m))
}

fn grid_from_feature(
    feature: &Feature,
    transformer: &Transformer,
) -> std::result::Result<UnitGrid, FeatureProblem> {
    let code_text = text_property(feature, properties::CODE)
        .or_else(|| text_property(feature, properties::CODE_ALIAS))
        .ok_or_else(|| {
            (
                RejectReason::InvalidCode,
                properties::CODE.to_owned(),
                "no grid code (property \"code\" or \"grid_code\")".to_owned(),
            )
        })?;
    let code: GridCode = code_text.parse().map_err(|e: Error| {
        (
            RejectReason::InvalidCode,
            properties::CODE.to_owned(),
            e.to_string(),
        )
    })?;
    let geometry_field = || "geometry".to_owned();
    let geometry = feature.geometry.as_ref().ok_or_else(|| {
        (
            RejectReason::MissingGeometry,
            geometry_field(),
            "the feature has no geometry".to_owned(),
        )
    })?;
    let shape = Geometry::<f64>::try_from(geometry.clone()).map_err(|e| {
        (
            RejectReason::InvalidGeometry,
            geometry_field(),
            e.to_string(),
        )
    })?;
    let shape = transformer
        .transform_geometry(&shape)
        .map_err(|e| (RejectReason::OutOfRange, geometry_field(), e.to_string()))?;
    let geometry = match shape {
        Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        Geometry::MultiPolygon(m) => m,
        other => {
            return Err((
                RejectReason::InvalidGeometry,
                geometry_field(),
                format!(
                    "a grid needs a Polygon or MultiPolygon, not a {}",
                    geometry_type(&other)
                ),
            ));
        }
    };
    let area_m2 = geometry.unsigned_area();
    if area_m2 <= 0.0 {
        return Err((
            RejectReason::InvalidGeometry,
            geometry_field(),
            "the polygon has no area".to_owned(),
        ));
    }
    let valid_from = date_property(feature, properties::VALID_FROM)?;
    let valid_to = date_property(feature, properties::VALID_TO)?;
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        return Err((
            RejectReason::InvalidValue,
            properties::VALID_TO.to_owned(),
            format!("valid_to {to} is before valid_from {from}"),
        ));
    }
    Ok(UnitGrid {
        code,
        geometry,
        area_m2,
        valid_from,
        valid_to,
        land_use: text_property(feature, properties::LAND_USE),
        class: text_property(feature, properties::CLASS),
    })
}

fn geometry_type(geometry: &Geometry) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
    }
}
