//! Component queries for whole point tables: the nearest components of each point, or those
//! within a distance of it, as one long table (the `citygrid nearest` command answers one
//! point; notebooks ask for thousands).

use geo::Coord;
use grid_core::ComponentClassCode;
use grid_core::Crs;
use grid_core::index::{ComponentIndex, Hit};
use grid_core::rejection::Rejection;
use polars::prelude::*;
use rayon::prelude::*;

use crate::convert::transform_rows;
use crate::error::{Error, PolarsContext, Result};

/// Column names of [`ComponentMatches::table`].
pub mod columns {
    /// The input row the match belongs to (data rows from 1, as in rejected-row tables).
    pub const ROW: &str = "row_number";
    /// 1 for the closest component of that row, then 2, 3, …
    pub const RANK: &str = "rank";
    /// The component's code.
    pub const COMPONENT_CODE: &str = "component_code";
    /// The component's class code (4 digits).
    pub const CLASS_CODE: &str = "class_code";
    /// Distance from the point to the component's geometry, metres in the working CRS.
    pub const DISTANCE_M: &str = "distance_m";
}

/// What to look for around each point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Query {
    /// The `k` nearest components.
    Nearest {
        /// How many per point.
        k: usize,
    },
    /// Every component within this distance (metres), nearest first.
    Within {
        /// The radius in metres.
        radius_m: f64,
    },
}

/// The matches of every point of a table.
#[derive(Debug)]
pub struct ComponentMatches {
    /// One row per (point, component) match, points in input order and matches nearest first
    /// (ties by component code): `row_number`, `rank`, `component_code`, `class_code`,
    /// `distance_m` (see [`columns`]). A point without a match has no row.
    pub table: DataFrame,
    /// Rows whose coordinates could not be read or transformed, with their reasons.
    pub rejected: DataFrame,
    /// The same rejections as values.
    pub rejections: Vec<Rejection>,
}

/// Runs `query` around each point of `df` (columns `x_col`/`y_col` in `crs`), over the
/// components of `class` (all when `None`). Points are moved into the index's working CRS
/// and answered in parallel; the result does not depend on the thread count. `table` names
/// the table in errors.
pub fn match_components(
    index: &ComponentIndex,
    df: &DataFrame,
    table: &str,
    (x_col, y_col): (&str, &str),
    crs: Crs,
    class: Option<&ComponentClassCode>,
    query: Query,
) -> Result<ComponentMatches> {
    match query {
        Query::Nearest { k: 0 } => {
            return Err(Error::InvalidOption {
                option: "k",
                message: "0: ask for at least 1 component".to_owned(),
            });
        }
        Query::Within { radius_m } if !(radius_m.is_finite() && radius_m >= 0.0) => {
            return Err(Error::InvalidOption {
                option: "radius_m",
                message: format!("{radius_m}: expected a distance in metres, 0 or more"),
            });
        }
        _ => {}
    }
    let rows = transform_rows(df, table, x_col, y_col, crs, index.layer().crs())?;
    let hits: Vec<Vec<Hit>> = rows
        .coords
        .par_iter()
        .map(|&(x, y)| {
            let p = Coord { x, y };
            match query {
                Query::Nearest { k } => index.nearest(p, class, k),
                Query::Within { radius_m } => index.within_radius(p, radius_m, class),
            }
        })
        .collect();
    // Input row numbers of the points that were read.
    let row_numbers = rows
        .keep
        .iter()
        .enumerate()
        .filter(|(_, k)| k.unwrap_or(false))
        .map(|(i, _)| i as u64 + 1);
    let components = index.layer().components();
    let total: usize = hits.iter().map(Vec::len).sum();
    let mut row = Vec::with_capacity(total);
    let mut rank = Vec::with_capacity(total);
    let mut code = Vec::with_capacity(total);
    let mut class_code = Vec::with_capacity(total);
    let mut distance = Vec::with_capacity(total);
    for (number, found) in row_numbers.zip(&hits) {
        for (r, hit) in found.iter().enumerate() {
            let c = &components[hit.index as usize];
            row.push(number);
            rank.push(r as u32 + 1);
            code.push(c.code.to_string());
            class_code.push(c.class_code().to_string());
            distance.push(hit.distance_m);
        }
    }
    let context = || format!("{table}: assembling the component matches");
    let matches = DataFrame::new(
        total,
        vec![
            Column::new(columns::ROW.into(), row),
            Column::new(columns::RANK.into(), rank),
            Column::new(columns::COMPONENT_CODE.into(), code),
            Column::new(columns::CLASS_CODE.into(), class_code),
            Column::new(columns::DISTANCE_M.into(), distance),
        ],
    )
    .context(context)?;
    let rejected = rows.rejected_table(df).context(context)?;
    Ok(ComponentMatches {
        table: matches,
        rejected,
        rejections: rows.rejections,
    })
}

#[cfg(test)]
mod tests {
    use geo::{Geometry, Point};
    use grid_core::component::{Component, ComponentLayer, ComponentStatus};

    use super::*;

    fn index() -> ComponentIndex {
        let crs = Crs::cgcs2000_gk_cm120();
        let lamp = |code: &str, x: f64| Component {
            code: code.parse().unwrap(),
            name: None,
            department: None,
            owner: None,
            maintainer: None,
            status: ComponentStatus::Intact,
            geometry: Geometry::Point(Point::new(x, 3_900_000.0)),
            initial_date: None,
            change_date: None,
        };
        let layer = ComponentLayer::new(
            crs,
            vec![
                lamp("3711020102000001", 500_000.0),
                lamp("3711020102000002", 500_010.0),
                lamp("3711020102000003", 500_030.0),
            ],
        )
        .unwrap();
        ComponentIndex::new(layer)
    }

    #[test]
    fn nearest_and_within_rank_by_distance_and_keep_row_numbers() {
        let index = index();
        let points = df!(
            "x" => ["500004", "nowhere", "500029"],
            "y" => ["3900000", "3900000", "3900000"],
        )
        .unwrap();
        let crs = Crs::cgcs2000_gk_cm120();
        let near = match_components(
            &index,
            &points,
            "points",
            ("x", "y"),
            crs,
            None,
            Query::Nearest { k: 2 },
        )
        .unwrap();
        let t = &near.table;
        let rows: Vec<u64> = t
            .column("row_number")
            .unwrap()
            .u64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        let ranks: Vec<u32> = t
            .column("rank")
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .collect();
        let d: Vec<f64> = t
            .column("distance_m")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(rows, [1, 1, 3, 3]);
        assert_eq!(ranks, [1, 2, 1, 2]);
        assert_eq!(d, [4.0, 6.0, 1.0, 19.0]);
        assert_eq!(near.rejections.len(), 1);
        assert_eq!(near.rejections[0].row, 2);
        assert_eq!(near.rejected.height(), 1);

        let within = match_components(
            &index,
            &points,
            "points",
            ("x", "y"),
            crs,
            None,
            Query::Within { radius_m: 5.0 },
        )
        .unwrap();
        let codes: Vec<String> = within
            .table
            .column("component_code")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|c| c.unwrap().to_owned())
            .collect();
        assert_eq!(codes, ["3711020102000001", "3711020102000003"]);
    }

    #[test]
    fn bad_queries_are_errors() {
        let points = df!("x" => [0.0], "y" => [0.0]).unwrap();
        let crs = Crs::cgcs2000_gk_cm120();
        for query in [Query::Nearest { k: 0 }, Query::Within { radius_m: -1.0 }] {
            let e = match_components(&index(), &points, "p", ("x", "y"), crs, None, query);
            assert!(matches!(e, Err(Error::InvalidOption { .. })), "{e:?}");
        }
    }
}
