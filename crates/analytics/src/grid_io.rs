//! Reading and writing grid and component layers as GeoJSON or GeoParquet, chosen by file
//! extension.

use std::path::Path;

use geo::{BooleanOps, Geometry, MultiPolygon};
use geojson::{FeatureCollection, JsonObject};
use grid_core::grid::{AreaReport, GridBuilder, GridLayer, properties, read_division_areas};
use grid_core::rejection::Rejection;
use grid_core::{Crs, Transformer};
use grid_core::{DivisionCode, DivisionLevel};
use polars::prelude::*;
use serde_json::Value;

use crate::error::{Error, PolarsContext, Result};
use crate::geoparquet::{read_geoparquet, write_geoparquet};
use crate::table_io::FileFormat;

/// The projected CRS a layer's distances, areas and contiguity are measured in: `crs` itself
/// when projected, else `working`.
pub fn analysis_crs(crs: Crs, working: Crs) -> Result<Crs> {
    Ok(if crs.is_geographic()? { working } else { crs })
}

/// The grid codes of a layer's table: its `code` column, or `grid_code`, as text (one per
/// feature, in order). `name` names the layer in the error when it has neither.
pub fn grid_codes(table: &DataFrame, name: &str) -> Result<Column> {
    let column = [properties::CODE, properties::CODE_ALIAS]
        .iter()
        .find_map(|c| table.column(c).ok())
        .ok_or_else(|| Error::MissingColumn {
            table: name.to_owned(),
            column: "code (or grid_code)".to_owned(),
            available: table
                .get_column_names()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    column
        .cast(&DataType::String)
        .context(|| format!("{name}: grid codes as text"))
}

/// Reads a grid layer from GeoJSON or GeoParquet (any CRS) into the projected `working` CRS.
/// Rows that cannot be grids come back as rejections.
pub fn read_grids(path: &Path, working: Crs) -> Result<(GridLayer, Vec<Rejection>)> {
    match FileFormat::from_path(path)? {
        FileFormat::GeoJson => Ok(GridLayer::read_geojson(path, working)?),
        FileFormat::Parquet => {
            let geo = read_geoparquet(path)?;
            let features = table_to_features(&geo.table, geo.geometries)
                .context(|| format!("reading {}", path.display()))?;
            Ok(GridLayer::from_features(&features, geo.crs, working)?)
        }
        FileFormat::Csv => Err(Error::UnsupportedFormat {
            path: path.to_owned(),
            expected: ".geojson or .parquet (GeoParquet) for a grid layer",
        }),
    }
}

/// Where generated grids come from: boundary polygons, optionally with a community layer.
#[derive(Clone, Copy, Debug)]
pub struct GridSource<'a> {
    /// Boundary polygons (GeoJSON, coded by `code` or `adcode`).
    pub boundary: &'a Path,
    /// Community polygons (GeoJSON), tiled inside the boundary's divisions.
    pub communities: Option<&'a Path>,
    /// Code for a single uncoded boundary feature.
    pub division_code: Option<&'a DivisionCode>,
}

/// Reads the areas to tile and generates coded grids from them in the projected `crs`: the
/// boundary's divisions, or with communities, the communities that lie within them, clipped to
/// the boundary's outline. Returns the layer and what happened in each area.
pub fn build_grids(
    source: &GridSource<'_>,
    builder: &GridBuilder,
    crs: Crs,
) -> Result<(GridLayer, Vec<AreaReport>)> {
    let boundary = read_division_areas(source.boundary, crs, source.division_code)?;
    let areas = match source.communities {
        None => boundary,
        Some(path) => {
            let outline = boundary
                .iter()
                .fold(MultiPolygon::new(vec![]), |acc, (_, p)| acc.union(p));
            let mut communities = read_division_areas(path, crs, None)?;
            // The communities of the boundary's divisions, by code; clipped to its outline.
            let before = communities.len();
            communities.retain(|(code, _)| boundary.iter().any(|(b, _)| code.is_within(b)));
            let invalid = |message: String| Error::InvalidOption {
                option: "communities",
                message: format!("{}: {message}", path.display()),
            };
            if communities.is_empty() {
                return Err(invalid(format!(
                    "none of its {before} communities lies within the boundary's divisions ({})",
                    boundary
                        .iter()
                        .map(|(b, _)| b.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            for (code, shape) in &mut communities {
                if code.level() != DivisionLevel::Community {
                    return Err(invalid(format!("{code} is not a 12-digit community code")));
                }
                *shape = shape.intersection(&outline);
            }
            communities.retain(|(_, shape)| !shape.0.is_empty());
            communities
        }
    };
    Ok(builder.build(crs, &areas)?)
}

/// The attribute table of a grid layer, one row per grid in layer order: `code`,
/// `community_code`, `street_code`, `district_code`, `area_m2`, `valid_from`, `valid_to`
/// (dates), `land_use`, `class`.
pub fn grid_table(layer: &GridLayer) -> Result<DataFrame> {
    let grids = layer.grids();
    let text = |f: &dyn Fn(&grid_core::UnitGrid) -> Option<String>| -> Vec<Option<String>> {
        grids.iter().map(f).collect()
    };
    let dates = |f: &dyn Fn(&grid_core::UnitGrid) -> Option<chrono::NaiveDate>| -> Column {
        let days: Vec<Option<i32>> = grids
            .iter()
            .map(|g| f(g).map(|d| (d - chrono::NaiveDate::default()).num_days() as i32))
            .collect();
        Column::new("".into(), days)
    };
    let context = || "the grid table".to_owned();
    let date_column =
        |name: &str, c: Column| c.cast(&DataType::Date).map(|c| c.with_name(name.into()));
    DataFrame::new_infer_height(vec![
        Column::new(properties::CODE.into(), text(&|g| Some(g.code.to_string()))),
        Column::new(
            properties::COMMUNITY.into(),
            text(&|g| Some(g.community().to_string())),
        ),
        Column::new(
            properties::STREET.into(),
            text(&|g| Some(g.street().to_string())),
        ),
        Column::new(
            properties::DISTRICT.into(),
            text(&|g| Some(g.district().to_string())),
        ),
        Column::new(
            properties::AREA_M2.into(),
            grids.iter().map(|g| g.area_m2).collect::<Vec<_>>(),
        ),
        date_column(properties::VALID_FROM, dates(&|g| g.valid_from)).context(context)?,
        date_column(properties::VALID_TO, dates(&|g| g.valid_to)).context(context)?,
        Column::new(properties::LAND_USE.into(), text(&|g| g.land_use.clone())),
        Column::new(properties::CLASS.into(), text(&|g| g.class.clone())),
    ])
    .context(context)
}

/// Writes a grid layer as GeoJSON (always WGS84, RFC 7946) or GeoParquet (in `crs`, named in
/// the metadata), atomically.
pub fn write_grids(layer: &GridLayer, path: &Path, crs: Crs) -> Result<()> {
    match FileFormat::from_path(path)? {
        FileFormat::GeoJson => Ok(layer.write_geojson(path, Crs::wgs84())?),
        FileFormat::Parquet => {
            let transformer = Transformer::new(layer.crs(), crs)?;
            let grids = layer.grids();
            let geometries = grids
                .iter()
                .map(|g| {
                    transformer.transform_geometry(&Geometry::MultiPolygon(g.geometry.clone()))
                })
                .collect::<grid_core::Result<Vec<_>>>()?;
            let table = grid_table(layer)?;
            write_geoparquet(path, &table, &geometries, crs)
        }
        FileFormat::Csv => Err(Error::UnsupportedFormat {
            path: path.to_owned(),
            expected: ".geojson or .parquet (GeoParquet) for a grid layer",
        }),
    }
}

/// Writes a table with one geometry per row (in `working`) as GeoParquet in `crs` or as GeoJSON
/// in WGS84 (RFC 7946), by extension, atomically. `what` names the layer in errors.
pub fn write_geo_table<'a>(
    path: &Path,
    table: &DataFrame,
    geometries: impl Iterator<Item = &'a Geometry<f64>>,
    working: Crs,
    crs: Crs,
    what: &'static str,
) -> Result<()> {
    let format = FileFormat::from_path(path)?;
    if format == FileFormat::Csv {
        return Err(Error::UnsupportedFormat {
            path: path.to_owned(),
            expected: what,
        });
    }
    let out_crs = if format == FileFormat::GeoJson {
        Crs::wgs84()
    } else {
        crs
    };
    let transformer = Transformer::new(working, out_crs)?;
    let geometries = geometries
        .map(|g| transformer.transform_geometry(g))
        .collect::<grid_core::Result<Vec<_>>>()?;
    if format == FileFormat::Parquet {
        return write_geoparquet(path, table, &geometries, out_crs);
    }
    let features = table_to_features(table, geometries.into_iter().map(Some).collect())
        .context(|| format!("writing {}", path.display()))?;
    Ok(grid_core::io::write_feature_collection(
        path,
        &features,
        Crs::wgs84(),
    )?)
}

/// Reads a component layer from GeoJSON or GeoParquet (any CRS) into the projected `working`
/// CRS; each code's class must be in `catalog`. Rows that cannot be components come back as
/// rejections.
pub fn read_components(
    path: &Path,
    working: Crs,
    catalog: &grid_core::ClassCatalog,
) -> Result<(grid_core::component::ComponentLayer, Vec<Rejection>)> {
    use grid_core::component::ComponentLayer;
    match FileFormat::from_path(path)? {
        FileFormat::GeoJson => Ok(ComponentLayer::read_geojson(path, working, catalog)?),
        FileFormat::Parquet => {
            let geo = read_geoparquet(path)?;
            let features = table_to_features(&geo.table, geo.geometries)
                .context(|| format!("reading {}", path.display()))?;
            Ok(ComponentLayer::from_features(
                &features, geo.crs, working, catalog,
            )?)
        }
        FileFormat::Csv => Err(Error::UnsupportedFormat {
            path: path.to_owned(),
            expected: ".geojson or .parquet (GeoParquet) for a component layer",
        }),
    }
}

/// The attribute table of a component layer, one row per component in layer order: `code`,
/// `class_code`, `name`, `department`, `owner`, `maintainer`, `status`, `initial_date`,
/// `change_date` (dates as ISO text).
pub fn component_table(layer: &grid_core::component::ComponentLayer) -> PolarsResult<DataFrame> {
    use grid_core::component::{Component, properties as p};
    let list = layer.components();
    let text = |f: &dyn Fn(&Component) -> Option<String>| -> Vec<Option<String>> {
        list.iter().map(f).collect()
    };
    DataFrame::new_infer_height(vec![
        Column::new(p::CODE.into(), text(&|c| Some(c.code.to_string()))),
        Column::new(
            "class_code".into(),
            text(&|c| Some(c.class_code().to_string())),
        ),
        Column::new(p::NAME.into(), text(&|c| c.name.clone())),
        Column::new(p::DEPARTMENT.into(), text(&|c| c.department.clone())),
        Column::new(p::OWNER.into(), text(&|c| c.owner.clone())),
        Column::new(p::MAINTAINER.into(), text(&|c| c.maintainer.clone())),
        Column::new(p::STATUS.into(), text(&|c| Some(c.status.to_string()))),
        Column::new(
            p::INITIAL_DATE.into(),
            text(&|c| c.initial_date.map(|d| d.to_string())),
        ),
        Column::new(
            p::CHANGE_DATE.into(),
            text(&|c| c.change_date.map(|d| d.to_string())),
        ),
    ])
}

/// Writes a component layer as GeoJSON (WGS84) or GeoParquet (in `crs`), atomically, with the
/// code, class, attributes and status as columns.
pub fn write_components(
    layer: &grid_core::component::ComponentLayer,
    path: &Path,
    crs: Crs,
) -> Result<()> {
    let table = component_table(layer).context(|| format!("writing {}", path.display()))?;
    let list = layer.components();
    let geometries = list.iter().map(|c| &c.geometry);
    write_geo_table(
        path,
        &table,
        geometries,
        layer.crs(),
        crs,
        ".geojson or .parquet (GeoParquet) for a component layer",
    )
}

/// Writes analysis cells (fishnet or H3) as GeoJSON (WGS84) or GeoParquet (in `crs`), with
/// `cell_id`, `area_m2` and `full` columns, atomically. `working` is the cells' CRS.
pub fn write_analysis_cells(
    cells: &[grid_core::grid::analysis::AnalysisCell],
    path: &Path,
    working: Crs,
    crs: Crs,
) -> Result<()> {
    let table = DataFrame::new_infer_height(vec![
        Column::new(
            "cell_id".into(),
            cells.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "area_m2".into(),
            cells.iter().map(|c| c.area_m2).collect::<Vec<_>>(),
        ),
        Column::new(
            "full".into(),
            cells.iter().map(|c| c.full).collect::<Vec<_>>(),
        ),
    ])
    .context(|| format!("writing {}", path.display()))?;
    let geometries: Vec<Geometry<f64>> = cells
        .iter()
        .map(|c| Geometry::MultiPolygon(c.geometry.clone()))
        .collect();
    write_geo_table(
        path,
        &table,
        geometries.iter(),
        working,
        crs,
        ".geojson or .parquet (GeoParquet) for an analysis grid",
    )
}

/// A grid crosswalk as a table: `old_code`, `new_code`, `overlap_m2`, `share_of_old`,
/// `share_of_new`.
pub fn crosswalk_table(
    rows: &[grid_core::grid::crosswalk::CrosswalkRow],
) -> PolarsResult<DataFrame> {
    let text = |f: &dyn Fn(&grid_core::grid::crosswalk::CrosswalkRow) -> String| {
        rows.iter().map(f).collect::<Vec<_>>()
    };
    let number = |f: &dyn Fn(&grid_core::grid::crosswalk::CrosswalkRow) -> f64| {
        rows.iter().map(f).collect::<Vec<_>>()
    };
    DataFrame::new_infer_height(vec![
        Column::new("old_code".into(), text(&|r| r.old_code.to_string())),
        Column::new("new_code".into(), text(&|r| r.new_code.to_string())),
        Column::new("overlap_m2".into(), number(&|r| r.overlap_m2)),
        Column::new("share_of_old".into(), number(&|r| r.share_of_old)),
        Column::new("share_of_new".into(), number(&|r| r.share_of_new)),
    ])
}

/// The rows of a table as GeoJSON features (properties from the columns), so that every layer
/// format goes through one validation.
pub fn table_to_features(
    table: &DataFrame,
    geometries: Vec<Option<Geometry<f64>>>,
) -> PolarsResult<FeatureCollection> {
    let columns = table.columns();
    let mut features = Vec::with_capacity(table.height());
    for (row, geometry) in geometries.into_iter().enumerate() {
        let mut props = JsonObject::new();
        for column in columns {
            props.insert(column.name().to_string(), json_value(&column.get(row)?));
        }
        features.push(grid_core::io::feature(geometry.as_ref(), props));
    }
    Ok(FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    })
}

fn json_value(value: &AnyValue<'_>) -> Value {
    match value {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::String(s) => Value::String((*s).to_owned()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Date(days) => chrono::NaiveDate::default()
            .checked_add_signed(chrono::Duration::days(i64::from(*days)))
            .map_or(Value::Null, |d| Value::String(d.to_string())),
        other => match other.extract::<f64>() {
            Some(v) if other.is_integer() => {
                other.extract::<i64>().map_or(Value::from(v), Value::from)
            }
            Some(v) => Value::from(v),
            None => Value::String(other.to_string()),
        },
    }
}

/// Reads any layer (GeoJSON or GeoParquet) as a table of its properties plus one geometry per
/// row, in the CRS the file declares. GeoJSON properties become columns: numbers as `f64` (or
/// `i64` when every value is whole), booleans as `bool`, anything else as text.
pub fn read_layer(path: &Path) -> Result<crate::geoparquet::GeoTable> {
    match FileFormat::from_path(path)? {
        FileFormat::Parquet => read_geoparquet(path),
        FileFormat::GeoJson => {
            let collection = grid_core::io::read_feature_collection(path)?;
            let crs = grid_core::io::feature_collection_crs(&collection)?;
            let mut names: Vec<String> = Vec::new();
            for feature in &collection.features {
                for key in feature.properties.iter().flat_map(|p| p.keys()) {
                    if !names.contains(key) {
                        names.push(key.clone());
                    }
                }
            }
            let columns: Vec<Column> = names
                .iter()
                .map(|name| property_column(&collection, name))
                .collect();
            let table = DataFrame::new(collection.features.len(), columns)
                .context(|| format!("reading {}", path.display()))?;
            let mut geometries = Vec::with_capacity(collection.features.len());
            for (k, feature) in collection.features.iter().enumerate() {
                let geometry =
                    match &feature.geometry {
                        None => None,
                        Some(g) => Some(Geometry::<f64>::try_from(g.clone()).map_err(|e| {
                            Error::GeoJson {
                                path: path.to_owned(),
                                message: format!("feature {}: geometry: {e}", k + 1),
                            }
                        })?),
                    };
                geometries.push(geometry);
            }
            Ok(crate::geoparquet::GeoTable {
                table,
                geometries,
                crs,
            })
        }
        FileFormat::Csv => Err(Error::UnsupportedFormat {
            path: path.to_owned(),
            expected: ".geojson or .parquet (GeoParquet) for a layer",
        }),
    }
}

/// One GeoJSON property as a typed column.
fn property_column(collection: &FeatureCollection, name: &str) -> Column {
    let values: Vec<Option<&Value>> = collection
        .features
        .iter()
        .map(|f| {
            f.properties
                .as_ref()
                .and_then(|p| p.get(name))
                .filter(|v| !v.is_null())
        })
        .collect();
    let present = || values.iter().flatten();
    if present().all(|v| v.is_i64()) {
        Column::new(
            name.into(),
            values
                .iter()
                .map(|v| v.and_then(Value::as_i64))
                .collect::<Vec<_>>(),
        )
    } else if present().all(|v| v.is_number()) {
        Column::new(
            name.into(),
            values
                .iter()
                .map(|v| v.and_then(Value::as_f64))
                .collect::<Vec<_>>(),
        )
    } else if present().all(|v| v.is_boolean()) {
        Column::new(
            name.into(),
            values
                .iter()
                .map(|v| v.and_then(Value::as_bool))
                .collect::<Vec<_>>(),
        )
    } else {
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Column::new(
            name.into(),
            values.iter().map(|v| v.map(text)).collect::<Vec<_>>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_round_trip_through_geoparquet_and_geojson() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("c.geojson");
        std::fs::write(
            &json,
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"3711020301000001","name":"公厕","status":"破损","initial_date":"2020-05-01"},
               "geometry":{"type":"Point","coordinates":[119.52,35.41]}},
              {"type":"Feature","properties":{"code":"3711020402000001"},
               "geometry":{"type":"LineString","coordinates":[[119.52,35.41],[119.521,35.411]]}}]}"#,
        )
        .unwrap();
        let catalog = grid_core::ClassCatalog::bundled().unwrap();
        let (layer, rejections) =
            read_components(&json, Crs::cgcs2000_gk_cm120(), &catalog).unwrap();
        assert!(rejections.is_empty(), "{rejections:?}");
        for name in ["c.parquet", "d.geojson"] {
            let path = dir.path().join(name);
            write_components(&layer, &path, Crs::cgcs2000_gk_cm120()).unwrap();
            let (back, rejections) =
                read_components(&path, Crs::cgcs2000_gk_cm120(), &catalog).unwrap();
            assert!(rejections.is_empty(), "{rejections:?}");
            let (a, b) = (&layer.components()[0], &back.components()[0]);
            assert_eq!(
                (&a.code, &a.name, a.status, a.initial_date),
                (&b.code, &b.name, b.status, b.initial_date)
            );
            let moved = geo::Distance::distance(
                &geo::Euclidean,
                &a.representative_point().unwrap(),
                &b.representative_point().unwrap(),
            );
            assert!(moved < 1e-6, "{moved}");
        }
    }

    #[test]
    fn grids_round_trip_through_geoparquet() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("g.geojson");
        std::fs::write(
            &json,
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"371102001001001","valid_from":"2024-01-01","land_use":"residential"},
               "geometry":{"type":"Polygon","coordinates":[[[119.52,35.41],[119.521,35.41],[119.521,35.411],[119.52,35.41]]]}}]}"#,
        )
        .unwrap();
        let (layer, rejections) = read_grids(&json, Crs::cgcs2000_gk_cm120()).unwrap();
        assert!(rejections.is_empty());
        for crs in [Crs::wgs84(), Crs::cgcs2000_gk_cm120()] {
            let parquet = dir.path().join("g.parquet");
            write_grids(&layer, &parquet, crs).unwrap();
            let (back, rejections) = read_grids(&parquet, Crs::cgcs2000_gk_cm120()).unwrap();
            assert!(rejections.is_empty(), "{rejections:?}");
            let (a, b) = (&layer.grids()[0], &back.grids()[0]);
            assert_eq!(
                (&a.code, a.valid_from, &a.land_use),
                (&b.code, b.valid_from, &b.land_use)
            );
            assert!(
                (a.area_m2 - b.area_m2).abs() < 1e-6,
                "{} vs {}",
                a.area_m2,
                b.area_m2
            );
        }
    }
}
