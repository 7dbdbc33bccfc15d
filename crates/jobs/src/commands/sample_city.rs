//! `citygrid sample-city`: regenerates the bundled sample city's synthetic street and community
//! layers from its real district boundaries and division codes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use geo::{Geometry, MultiPolygon};
use geojson::{FeatureCollection, JsonObject};
use grid_core::codes::read_division_table;
use grid_core::grid::synthetic::{StreetSpec, SyntheticArea, synthesize};
use grid_core::io::{feature_collection_crs, read_feature_collection, write_feature_collection};
use grid_core::{Crs, DivisionLevel, Transformer};
use tracing::info;

use crate::exit::{Outcome, input};

/// County-level units without a polygon of their own, and the district whose polygon holds
/// their streets: Rizhao's development zone (371171) lies inside 东港区 (371102).
const HOSTS: [(&str, &str); 1] = [("371171", "371102")];

/// Arguments of `citygrid sample-city`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sample city's folder (districts.geojson and divisions.csv in; streets.geojson,
    /// communities.geojson and central_city.geojson out).
    #[arg(long, default_value = "data/rizhao", value_name = "DIR")]
    dir: PathBuf,
    /// Projected CRS the areas are cut in.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    crs: Crs,
}

/// Runs `citygrid sample-city`.
pub fn run(args: &Args) -> Result<Outcome> {
    let districts_path = args.dir.join("districts.geojson");
    let districts = read_feature_collection(&districts_path).map_err(input)?;
    let to_working = Transformer::new(feature_collection_crs(&districts).map_err(input)?, args.crs)
        .map_err(input)?;
    let divisions = read_streets(&args.dir.join("divisions.csv"))?;
    let hosts: BTreeMap<&str, &str> = HOSTS.into_iter().collect();
    let (mut streets, mut communities) = (Vec::new(), Vec::new());
    for (index, feature) in districts.features.iter().enumerate() {
        let fail = |m: String| {
            input(anyhow::anyhow!(
                "{}: feature {}: {m}",
                districts_path.display(),
                index + 1
            ))
        };
        let code = feature
            .property("adcode")
            .or_else(|| feature.property("code"))
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| fail("field \"adcode\": missing".to_owned()))?;
        let geometry = feature
            .geometry
            .clone()
            .ok_or_else(|| fail("no geometry".to_owned()))?;
        let shape = to_working
            .transform_geometry(&Geometry::try_from(geometry).map_err(|e| fail(e.to_string()))?)
            .map_err(|e| fail(e.to_string()))?;
        let polygon = match shape {
            Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
            Geometry::MultiPolygon(m) => m,
            _ => return Err(fail("not a polygon".to_owned())),
        };
        let specs: Vec<StreetSpec> = divisions
            .iter()
            .filter(|s| {
                let county = s.code.county();
                county.as_str() == code || hosts.get(county.as_str()) == Some(&code)
            })
            .cloned()
            .collect();
        if specs.is_empty() {
            continue;
        }
        let (s, c) = synthesize(&polygon, &specs).map_err(input)?;
        info!(
            "{code}: {} streets, {} synthetic communities",
            s.len(),
            c.len()
        );
        streets.extend(s);
        communities.extend(c);
    }
    let central: Vec<SyntheticArea> = streets
        .iter()
        .filter(|s| {
            let county = s.code.county();
            (county.as_str() == "371102" || county.as_str() == "371171")
                && s.code.as_str().get(6..7) == Some("0")
        })
        .cloned()
        .collect();
    let to_wgs84 = Transformer::new(args.crs, Crs::wgs84())?;
    for (name, areas, parent) in [
        ("streets.geojson", &streets, "district_code"),
        ("communities.geojson", &communities, "street_code"),
        ("central_city.geojson", &central, "district_code"),
    ] {
        let path = args.dir.join(name);
        let layer = to_features(areas, parent, &to_wgs84)?;
        write_feature_collection(&path, &layer, Crs::wgs84())
            .with_context(|| format!("writing {}", path.display()))?;
        info!("wrote {} areas to {}", areas.len(), path.display());
    }
    Ok(Outcome::Clean)
}

/// The street and town rows of the division table.
fn read_streets(path: &Path) -> Result<Vec<StreetSpec>> {
    Ok(read_division_table(path)
        .map_err(input)?
        .into_iter()
        .filter(|r| r.code.level() == DivisionLevel::Street)
        .map(|r| StreetSpec {
            code: r.code,
            name_zh: r.name_zh,
            name_en: r.name_en,
        })
        .collect())
}

fn to_features(
    areas: &[SyntheticArea],
    parent: &str,
    to_wgs84: &Transformer,
) -> Result<FeatureCollection> {
    let mut features = Vec::with_capacity(areas.len());
    for area in areas {
        let geometry =
            to_wgs84.transform_geometry(&Geometry::MultiPolygon(area.geometry.clone()))?;
        let mut props = JsonObject::new();
        props.insert("code".into(), area.code.as_str().into());
        props.insert("name_zh".into(), area.name_zh.clone().into());
        props.insert("name_en".into(), area.name_en.clone().into());
        let parent_code = area
            .code
            .parent()
            .map(|p| p.to_string())
            .unwrap_or_default();
        props.insert(parent.into(), parent_code.into());
        props.insert("synthetic".into(), true.into());
        features.push(grid_core::io::feature(Some(&geometry), props));
    }
    Ok(FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    })
}
