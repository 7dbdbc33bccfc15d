//! Assigning point tables to unit grids: each row gets its grid, community, street and district
//! codes.

use geo::Coord;
use grid_core::Crs;
use grid_core::index::GridIndex;
use grid_core::rejection::Rejection;
use polars::prelude::*;

use crate::convert::transform_rows;
use crate::error::{PolarsContext, Result};
use crate::schema;

/// The outcome of [`assign_points`].
#[derive(Debug)]
pub struct AssignedTable {
    /// Every row whose coordinates could be read, in input order, with the original columns
    /// untouched and `grid_code`, `community_code`, `street_code`, `district_code` (null for
    /// points outside every grid) and, with a tolerance, `grid_distance_m` added.
    pub table: DataFrame,
    /// Rows whose coordinates could not be read or transformed, with their reasons.
    pub rejected: DataFrame,
    /// The same rejections as values.
    pub rejections: Vec<Rejection>,
    /// 1-based input row numbers of the points that fell outside every grid (and outside the
    /// tolerance, if one was given). They stay in `table` with null codes.
    pub outside: Vec<usize>,
}

/// The `grid_code`, `community_code`, `street_code` and `district_code` columns for rows whose
/// grids (positions in the index's layer) are given. Each code is formatted once per grid and
/// rows borrow it, so a million rows cost no allocation.
pub fn grid_code_columns(index: &GridIndex, grid_of_row: &[Option<u32>]) -> Vec<Column> {
    let grids = index.layer().grids();
    let column = |name: &str, code: &dyn Fn(&grid_core::UnitGrid) -> String| {
        let codes: Vec<String> = grids.iter().map(code).collect();
        let values = grid_of_row
            .iter()
            .map(|g| g.map(|i| codes[i as usize].as_str()));
        StringChunked::from_iter_options(name.into(), values).into_column()
    };
    vec![
        column(schema::GRID_CODE, &|g| g.code.to_string()),
        column(schema::COMMUNITY_CODE, &|g| g.community().to_string()),
        column(schema::STREET_CODE, &|g| g.street().to_string()),
        column(schema::DISTRICT_CODE, &|g| g.district().to_string()),
    ]
}

/// Assigns each point of a table to the grid it falls in.
///
/// The points' columns `x_col`/`y_col` are in `crs`; they are transformed to the index's working
/// CRS, looked up in parallel, and the codes added as columns. With `tolerance_m`, a point
/// outside every grid takes the nearest grid within that distance. See
/// [`GridIndex`] for the rule on shared edges.
pub fn assign_points(
    df: &DataFrame,
    table: &str,
    x_col: &str,
    y_col: &str,
    crs: Crs,
    index: &GridIndex,
    tolerance_m: Option<f64>,
) -> Result<AssignedTable> {
    let rows = transform_rows(df, table, x_col, y_col, crs, index.layer().crs())?;
    let points: Vec<Coord> = rows.coords.iter().map(|&(x, y)| Coord { x, y }).collect();
    let found: Vec<Option<(u32, f64)>> = match tolerance_m {
        Some(tolerance) => index.assign_within(&points, tolerance),
        None => index
            .assign(&points)
            .into_iter()
            .map(|g| g.map(|i| (i, 0.0)))
            .collect(),
    };
    let grid_of_row: Vec<Option<u32>> = found.iter().map(|f| f.map(|(i, _)| i)).collect();
    let mut columns = grid_code_columns(index, &grid_of_row);
    if tolerance_m.is_some() {
        let distances: Vec<Option<f64>> = found.iter().map(|f| f.map(|(_, d)| d)).collect();
        columns.push(Column::new(schema::GRID_DISTANCE_M.into(), distances));
    }
    let context = || format!("{table}: assembling the assigned table");
    let kept = df.filter(&rows.keep).context(context)?;
    let assigned = kept.hstack(&columns).context(context)?;
    // Input row numbers of the kept rows, to name the points that fell outside.
    let kept_rows: Vec<usize> = rows
        .keep
        .iter()
        .enumerate()
        .filter(|(_, k)| k.unwrap_or(false))
        .map(|(i, _)| i + 1)
        .collect();
    let outside = found
        .iter()
        .zip(&kept_rows)
        .filter(|(f, _)| f.is_none())
        .map(|(_, &row)| row)
        .collect();
    let rejected = rows.rejected_table(df).context(context)?;
    Ok(AssignedTable {
        table: assigned,
        rejected,
        rejections: rows.rejections,
        outside,
    })
}

#[cfg(test)]
mod tests {
    use geo::{MultiPolygon, polygon};
    use grid_core::{GridLayer, UnitGrid};

    use super::*;

    fn index() -> GridIndex {
        let square = |code: &str, x: f64| UnitGrid {
            code: code.parse().unwrap(),
            geometry: MultiPolygon::new(vec![
                polygon![(x: x, y: 0.0), (x: x + 100.0, y: 0.0), (x: x + 100.0, y: 100.0), (x: x, y: 100.0)],
            ]),
            area_m2: 10_000.0,
            valid_from: None,
            valid_to: None,
            land_use: None,
            class: None,
        };
        GridIndex::new(
            GridLayer::new(
                Crs::utm_50n(),
                vec![
                    square("371102001001001", 0.0),
                    square("371103100002003", 100.0),
                ],
            )
            .unwrap(),
        )
    }

    #[test]
    fn codes_are_added_and_outside_points_kept() {
        let df = df!(
            "id" => ["a", "b", "c", "d"],
            "x" => ["50", "150", "250", "nope"],
            "y" => ["50", "50", "50", "50"],
        )
        .unwrap();
        let out = assign_points(&df, "t", "x", "y", Crs::utm_50n(), &index(), None).unwrap();
        assert_eq!(out.table.height(), 3);
        let codes: Vec<Option<&str>> = out
            .table
            .column("grid_code")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(
            codes,
            [Some("371102001001001"), Some("371103100002003"), None]
        );
        let streets: Vec<Option<&str>> = out
            .table
            .column("street_code")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(streets, [Some("371102001"), Some("371103100"), None]);
        assert_eq!(out.outside, vec![3]);
        assert_eq!(out.rejections.len(), 1);
        assert_eq!(out.rejections[0].row, 4);
        // The original coordinate columns are untouched.
        assert_eq!(
            out.table.column("x").unwrap().str().unwrap().get(1),
            Some("150")
        );
    }

    #[test]
    fn tolerance_takes_the_nearest_grid() {
        let df = df!("x" => [205.0, 230.0], "y" => [50.0, 50.0]).unwrap();
        let out = assign_points(&df, "t", "x", "y", Crs::utm_50n(), &index(), Some(10.0)).unwrap();
        let codes: Vec<Option<&str>> = out
            .table
            .column("grid_code")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(codes, [Some("371103100002003"), None]);
        let d = out
            .table
            .column("grid_distance_m")
            .unwrap()
            .f64()
            .unwrap()
            .get(0)
            .unwrap();
        assert!((d - 5.0).abs() < 1e-9);
        assert_eq!(out.outside, vec![2]);
    }
}
