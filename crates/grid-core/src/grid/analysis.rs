//! Analysis grids for statistics: regular fishnets and H3 cells, clipped to a study area.
//!
//! Unlike unit grids, analysis cells carry no national code: a fishnet cell is named by its
//! column and row (`c<col>_r<row>` on the lattice anchored at multiples of the cell size) and an
//! H3 cell by its index.

use geo::{Area, BooleanOps, Geometry, MultiPolygon};
use h3o::geom::{ContainmentMode, TilerBuilder};
use h3o::{CellIndex, Resolution};

use super::fishnet::fishnet;
use crate::crs::{Crs, CrsKind, Transformer};
use crate::error::{Error, Result};

/// One analysis cell, clipped to the study area, in the working CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisCell {
    /// `c<col>_r<row>` for a fishnet cell, the H3 index (hex) for an H3 cell.
    pub id: String,
    /// The cell clipped to the study area.
    pub geometry: MultiPolygon<f64>,
    /// Area after clipping, square metres.
    pub area_m2: f64,
    /// True when the study area's boundary does not cut the cell.
    pub full: bool,
}

fn require_projected(crs: Crs) -> Result<()> {
    if crs.kind()? == CrsKind::Projected {
        return Ok(());
    }
    Err(Error::UnknownCrs {
        value: crs.to_string(),
        reason: "analysis grids are cut in a projected CRS in metres".to_owned(),
    })
}

/// A regular square fishnet of `cell_size_m` over `area` (in the projected `crs`), clipped.
pub fn fishnet_cells(
    area: &MultiPolygon<f64>,
    crs: Crs,
    cell_size_m: f64,
) -> Result<Vec<AnalysisCell>> {
    require_projected(crs)?;
    let (_, cells) = fishnet(area, cell_size_m)?;
    Ok(cells
        .into_iter()
        .map(|c| AnalysisCell {
            id: format!("c{}_r{}", c.col, c.row),
            area_m2: c.geometry.unsigned_area(),
            geometry: c.geometry,
            full: c.full,
        })
        .collect())
}

/// The H3 cells of `resolution` (0–15) that cover `area` (in the projected `crs`), each clipped
/// to the area, in index order. Clipping makes the cells tile the area exactly: their areas sum
/// to the area's.
pub fn h3_cells(area: &MultiPolygon<f64>, crs: Crs, resolution: u8) -> Result<Vec<AnalysisCell>> {
    require_projected(crs)?;
    let resolution = Resolution::try_from(resolution).map_err(|e| {
        Error::invalid_value("H3 resolution", resolution.to_string(), e.to_string())
    })?;
    let to_wgs84 = Transformer::new(crs, Crs::wgs84())?;
    let to_working = Transformer::new(Crs::wgs84(), crs)?;
    let Geometry::MultiPolygon(lonlat) =
        to_wgs84.transform_geometry(&Geometry::MultiPolygon(area.clone()))?
    else {
        return Err(Error::invalid_value(
            "study area",
            "geometry".to_owned(),
            "is not polygons",
        ));
    };
    let mut tiler = TilerBuilder::new(resolution)
        .containment_mode(ContainmentMode::Covers)
        .build();
    for polygon in lonlat {
        tiler
            .add(polygon)
            .map_err(|e| Error::invalid_value("study area", "polygon".to_owned(), e.to_string()))?;
    }
    let mut indexes: Vec<CellIndex> = tiler.into_coverage().collect();
    indexes.sort_unstable();
    let mut cells = Vec::with_capacity(indexes.len());
    for index in indexes {
        let hexagon =
            to_working.transform_geometry(&Geometry::MultiPolygon(MultiPolygon::from(index)))?;
        let Geometry::MultiPolygon(hexagon) = hexagon else {
            continue;
        };
        let whole = hexagon.unsigned_area();
        let clipped = area.intersection(&hexagon);
        let area_m2 = clipped.unsigned_area();
        if area_m2 <= 0.0 {
            continue;
        }
        cells.push(AnalysisCell {
            id: index.to_string(),
            geometry: clipped,
            area_m2,
            full: (whole - area_m2).abs() <= 1e-9 * whole,
        });
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use geo::polygon;

    use super::*;

    fn rizhao_block() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![
            polygon![(x: 455_000.0, y: 3_918_000.0), (x: 458_000.0, y: 3_918_000.0), (x: 457_500.0, y: 3_921_000.0), (x: 455_200.0, y: 3_920_500.0)],
        ])
    }

    #[test]
    fn h3_cells_tile_the_area() {
        let area = rizhao_block();
        let cells = h3_cells(&area, Crs::cgcs2000_gk_cm120(), 8).unwrap();
        let total: f64 = cells.iter().map(|c| c.area_m2).sum();
        assert!(
            (total - area.unsigned_area()).abs() / area.unsigned_area() < 1e-6,
            "{total}"
        );
        // Resolution 8 hexagons are about 0.74 km²: a 7.5 km² block needs roughly 10-30.
        assert!((8..40).contains(&cells.len()), "{}", cells.len());
        assert!(cells.iter().any(|c| c.full));
        assert!(
            cells
                .iter()
                .all(|c| c.id.len() == 15 && c.id.starts_with('8'))
        );
        assert!(h3_cells(&area, Crs::cgcs2000_gk_cm120(), 16).is_err());
        assert!(h3_cells(&area, Crs::wgs84(), 8).is_err());
    }

    #[test]
    fn fishnet_cells_are_named_by_column_and_row() {
        let cells = fishnet_cells(&rizhao_block(), Crs::cgcs2000_gk_cm120(), 500.0).unwrap();
        assert!(cells.iter().any(|c| c.id == "c0_r0"));
        let total: f64 = cells.iter().map(|c| c.area_m2).sum();
        let expected = rizhao_block().unsigned_area();
        assert!(
            (total - expected).abs() / expected < 1e-6,
            "{total} vs {expected}"
        );
    }
}
