//! The shapes of the assessed regions: unit grids and their unions per district, street and
//! community from a grid layer, or, without one, a point at the mean position of each scope's
//! cases.

use std::collections::{BTreeMap, HashMap};

use geo::{Geometry, MultiPolygon, Point, Polygon, unary_union};
use grid_core::{Crs, GridCode, Transformer};
use polars::prelude::*;

use super::indicators::Level;
use crate::case_schema as cs;
use crate::error::{PolarsContext, Result};
use crate::geoparquet::GeoTable;
use crate::grid_io::grid_codes;
use crate::table_io::require_column;

/// The unit grids of a layer, by code, with their polygons in a projected CRS: the shapes of
/// the region maps.
#[derive(Clone, Debug)]
pub struct GridPolygons {
    grids: Vec<(GridCode, Vec<Polygon<f64>>)>,
    crs: Crs,
}

impl GridPolygons {
    /// The grids of a layer (its `code` column, or `grid_code`), transformed into `working`.
    /// Features without a valid grid code or without a (multi)polygon are left out. `table`
    /// names the layer in errors; a layer with neither column is an error.
    pub fn from_layer(layer: &GeoTable, table: &str, working: Crs) -> Result<Self> {
        let codes = grid_codes(&layer.table, table)?;
        let context = || format!("{table}: grid codes");
        let to_working = Transformer::new(layer.crs, working)?;
        let mut grids = Vec::new();
        for (code, geometry) in codes.str().context(context)?.iter().zip(&layer.geometries) {
            let (Some(code), Some(g)) = (code, geometry) else {
                continue;
            };
            let Ok(grid) = code.parse::<GridCode>() else {
                continue;
            };
            match to_working.transform_geometry(g)? {
                Geometry::Polygon(p) => grids.push((grid, vec![p])),
                Geometry::MultiPolygon(m) => grids.push((grid, m.0)),
                _ => {}
            }
        }
        Ok(Self {
            grids,
            crs: working,
        })
    }

    /// The CRS of the polygons.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// The number of grids.
    pub fn len(&self) -> usize {
        self.grids.len()
    }

    /// Whether the layer had no usable grid.
    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// The grids merged per scope code at a region `level` (`unary_union` of a district's,
    /// street's or community's grids; each grid as it is at the grid level), as multipolygons.
    pub fn shapes(&self, level: Level) -> HashMap<String, Geometry<f64>> {
        let mut members: BTreeMap<String, Vec<Polygon<f64>>> = BTreeMap::new();
        for (grid, polygons) in &self.grids {
            let key = match level {
                Level::District => grid.county().to_string(),
                Level::Street => grid.street().to_string(),
                Level::Community => grid.community().to_string(),
                _ => grid.to_string(),
            };
            members
                .entry(key)
                .or_default()
                .extend(polygons.iter().cloned());
        }
        members
            .into_iter()
            .map(|(k, polygons)| {
                let shape = if level == Level::Grid || polygons.len() == 1 {
                    MultiPolygon(polygons)
                } else {
                    unary_union(polygons.iter())
                };
                (k, Geometry::MultiPolygon(shape))
            })
            .collect()
    }
}

/// The mean `x_m`/`y_m` of each scope's cases at `level`, as points (in the CRS of those
/// columns); `None` when the case table has no `x_m` or `y_m`.
pub fn case_centres(
    cases: &DataFrame,
    level: Level,
) -> Result<Option<HashMap<String, Geometry<f64>>>> {
    if cases.column(cs::X_M).is_err() || cases.column(cs::Y_M).is_err() {
        return Ok(None);
    }
    let context = || format!("case table: the {} centres", level.name());
    let scope = require_column(cases, "case table", level.column())?
        .cast(&DataType::String)
        .context(context)?;
    let x = require_column(cases, "case table", cs::X_M)?
        .cast(&DataType::Float64)
        .context(context)?;
    let y = require_column(cases, "case table", cs::Y_M)?
        .cast(&DataType::Float64)
        .context(context)?;
    let mut sums: HashMap<String, (f64, f64, f64)> = HashMap::new();
    for ((s, x), y) in scope
        .str()
        .context(context)?
        .iter()
        .zip(x.f64().context(context)?.iter())
        .zip(y.f64().context(context)?.iter())
    {
        if let (Some(s), Some(x), Some(y)) = (s, x, y) {
            let e = sums.entry(s.to_owned()).or_insert((0.0, 0.0, 0.0));
            e.0 += x;
            e.1 += y;
            e.2 += 1.0;
        }
    }
    Ok(Some(
        sums.into_iter()
            .map(|(k, (x, y, n))| (k, Geometry::Point(Point::new(x / n, y / n))))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use geo::{Area, Rect, coord};

    use super::*;

    /// Three 100 m grids in a row: two in community 001 of street 371102001, one in 002.
    fn layer() -> GeoTable {
        let square = |x: f64| {
            Some(Geometry::Polygon(
                Rect::new(
                    coord! { x: 500_000.0 + x, y: 3_900_000.0 },
                    coord! { x: 500_100.0 + x, y: 3_900_100.0 },
                )
                .to_polygon(),
            ))
        };
        GeoTable {
            table: df!(
                "grid_code" => ["371102001001001", "371102001001002", "371102001002001", "bad"],
            )
            .unwrap(),
            geometries: vec![square(0.0), square(100.0), square(200.0), square(300.0)],
            crs: Crs::cgcs2000_gk_cm120(),
        }
    }

    #[test]
    fn grids_merge_per_scope() {
        let grids = GridPolygons::from_layer(&layer(), "grids", Crs::cgcs2000_gk_cm120()).unwrap();
        // The feature with an invalid code is left out.
        assert_eq!(grids.len(), 3);
        let area = |g: &Geometry<f64>| g.unsigned_area().round();
        let grid = grids.shapes(Level::Grid);
        assert_eq!(grid.len(), 3);
        assert_eq!(area(&grid["371102001001002"]), 10_000.0);
        let community = grids.shapes(Level::Community);
        assert_eq!(area(&community["371102001001"]), 20_000.0);
        let street = grids.shapes(Level::Street);
        let Geometry::MultiPolygon(merged) = &street["371102001"] else {
            panic!("not a multipolygon");
        };
        // One polygon: the union dissolved the shared edges.
        assert_eq!((merged.0.len(), area(&street["371102001"])), (1, 30_000.0));
        assert_eq!(grids.shapes(Level::District).len(), 1);
    }

    #[test]
    fn a_layer_without_codes_is_an_error() {
        let mut layer = layer();
        layer.table = df!("name" => ["a", "b", "c", "d"]).unwrap();
        let err = GridPolygons::from_layer(&layer, "grids.geojson", Crs::cgcs2000_gk_cm120())
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("grids.geojson: no column \"code (or grid_code)\""),
            "{err}"
        );
    }

    #[test]
    fn case_centres_are_mean_positions() {
        let cases = df!(
            "street_code" => [Some("A"), Some("A"), Some("B"), None],
            "x_m" => [0.0, 10.0, 5.0, 1.0],
            "y_m" => [2.0, 4.0, 6.0, 1.0],
        )
        .unwrap();
        let centres = case_centres(&cases, Level::Street).unwrap().unwrap();
        assert_eq!(centres.len(), 2);
        assert_eq!(centres["A"], Geometry::Point(Point::new(5.0, 3.0)));
        let without = cases.drop("x_m").unwrap();
        assert!(case_centres(&without, Level::Street).unwrap().is_none());
    }
}
