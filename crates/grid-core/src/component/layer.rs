//! [`ComponentLayer`]: a city's components in one working CRS, read from GeoJSON.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use geo::Geometry;
use geojson::{Feature, FeatureCollection};

use super::record::{Component, ComponentStatus};
use crate::codes::{ClassCatalog, ComponentCode};
use crate::crs::{Crs, CrsKind, Transformer};
use crate::error::{Error, Result};
use crate::io::{date_property, feature_collection_crs, read_feature_collection, text_property};
use crate::rejection::{RejectReason, Rejection};

/// Property names of component layers.
pub mod properties {
    /// The component code (`component_code` is accepted too).
    pub const CODE: &str = "code";
    /// Accepted as the code when `code` is absent.
    pub const CODE_ALIAS: &str = "component_code";
    /// Name.
    pub const NAME: &str = "name";
    /// Competent department.
    pub const DEPARTMENT: &str = "department";
    /// Owner.
    pub const OWNER: &str = "owner";
    /// Maintainer.
    pub const MAINTAINER: &str = "maintainer";
    /// Status: intact, damaged, lost, occupied (or 完好, 破损, 丢失, 占用); intact when absent.
    pub const STATUS: &str = "status";
    /// Date first recorded, `YYYY-MM-DD`.
    pub const INITIAL_DATE: &str = "initial_date";
    /// Date last changed, `YYYY-MM-DD`.
    pub const CHANGE_DATE: &str = "change_date";
}

/// Components in one projected working CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentLayer {
    crs: Crs,
    components: Vec<Component>,
}

type Problem = (RejectReason, String, String);

impl ComponentLayer {
    /// A layer from components already in `crs` (projected: distances are in metres).
    pub fn new(crs: Crs, components: Vec<Component>) -> Result<Self> {
        if crs.kind()? != CrsKind::Projected {
            return Err(Error::UnknownCrs {
                value: crs.to_string(),
                reason: "components need a projected working CRS in metres".to_owned(),
            });
        }
        Ok(Self { crs, components })
    }

    /// The working CRS.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// The components, in file order.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// Reads a GeoJSON component layer (its `"crs"` member, else WGS84) into `working`. Each
    /// code's class must be in `catalog`. Features that fail are returned as rejections.
    pub fn read_geojson(
        path: &Path,
        working: Crs,
        catalog: &ClassCatalog,
    ) -> Result<(Self, Vec<Rejection>)> {
        let collection = read_feature_collection(path)?;
        let source = feature_collection_crs(&collection)?;
        Self::from_features(&collection, source, working, catalog)
    }

    /// Builds a layer from GeoJSON features in `source`, transformed to `working`.
    pub fn from_features(
        collection: &FeatureCollection,
        source: Crs,
        working: Crs,
        catalog: &ClassCatalog,
    ) -> Result<(Self, Vec<Rejection>)> {
        let mut layer = Self::new(working, Vec::new())?;
        let transformer = Transformer::new(source, working)?;
        let mut rejections = Vec::new();
        let mut first_row: HashMap<ComponentCode, usize> = HashMap::new();
        for (index, feature) in collection.features.iter().enumerate() {
            let row = index + 1;
            let component =
                component_from_feature(feature, &transformer, catalog).and_then(
                    |c| match first_row.get(&c.code) {
                        Some(first) => Err((
                            RejectReason::DuplicateCode,
                            properties::CODE.to_owned(),
                            format!("{} is already the code of feature {first}", c.code),
                        )),
                        None => Ok(c),
                    },
                );
            match component {
                Ok(c) => {
                    first_row.insert(c.code.clone(), row);
                    layer.components.push(c);
                }
                Err((reason, field, detail)) => rejections.push(Rejection {
                    row,
                    field,
                    reason,
                    detail,
                }),
            }
        }
        Ok((layer, rejections))
    }
}

fn date(feature: &Feature, name: &str) -> std::result::Result<Option<NaiveDate>, Problem> {
    date_property(feature, name).map_err(|m| (RejectReason::InvalidValue, name.to_owned(), m))
}

fn component_from_feature(
    feature: &Feature,
    transformer: &Transformer,
    catalog: &ClassCatalog,
) -> std::result::Result<Component, Problem> {
    let code_field = || properties::CODE.to_owned();
    let code_text = text_property(feature, properties::CODE)
        .or_else(|| text_property(feature, properties::CODE_ALIAS))
        .ok_or_else(|| {
            (
                RejectReason::InvalidCode,
                code_field(),
                "no component code".to_owned(),
            )
        })?;
    let code: ComponentCode = code_text
        .parse()
        .map_err(|e: Error| (RejectReason::InvalidCode, code_field(), e.to_string()))?;
    catalog
        .classify_component(&code)
        .map_err(|e| (RejectReason::InvalidCode, code_field(), e.to_string()))?;
    let geometry_field = || "geometry".to_owned();
    let geometry = feature.geometry.clone().ok_or_else(|| {
        (
            RejectReason::MissingGeometry,
            geometry_field(),
            "the feature has no geometry".to_owned(),
        )
    })?;
    let shape = Geometry::<f64>::try_from(geometry).map_err(|e| {
        (
            RejectReason::InvalidGeometry,
            geometry_field(),
            e.to_string(),
        )
    })?;
    if matches!(shape, Geometry::GeometryCollection(_)) {
        return Err((
            RejectReason::InvalidGeometry,
            geometry_field(),
            "a component is one point, line or polygon (or a multi- of one)".to_owned(),
        ));
    }
    let geometry = transformer
        .transform_geometry(&shape)
        .map_err(|e| (RejectReason::OutOfRange, geometry_field(), e.to_string()))?;
    let status = match text_property(feature, properties::STATUS) {
        None => ComponentStatus::Intact,
        Some(s) => s.parse().map_err(|e: Error| {
            (
                RejectReason::InvalidValue,
                properties::STATUS.to_owned(),
                e.to_string(),
            )
        })?,
    };
    Ok(Component {
        code,
        name: text_property(feature, properties::NAME),
        department: text_property(feature, properties::DEPARTMENT),
        owner: text_property(feature, properties::OWNER),
        maintainer: text_property(feature, properties::MAINTAINER),
        status,
        geometry,
        initial_date: date(feature, properties::INITIAL_DATE)?,
        change_date: date(feature, properties::CHANGE_DATE)?,
    })
}
