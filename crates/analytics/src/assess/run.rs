//! The whole assessment of a period in one call, as `citygrid assess` and the Python
//! `citygrid.assess` run it: indicators for the period and the one before, scores, and per
//! level the wide scores table and (for regions) the map layer.

use std::collections::HashMap;

use geo::Geometry;
use grid_core::Crs;
use polars::prelude::*;

use super::indicators::{Level, indicators_for};
use super::inspection::InspectionScores;
use super::maps::{GridPolygons, case_centres};
use super::period::Period;
use super::scoring::{ScopeScore, ScoringConfig, score_scopes};
use super::tables::{indicators_table, scores_table};
use crate::error::{PolarsContext, Result};
use crate::geoparquet::GeoTable;

/// What to assess, besides the case table.
#[derive(Clone, Debug)]
pub struct AssessOptions {
    /// The period; its end is the evaluation cut-off. The previous period is assessed too, for
    /// the change.
    pub period: Period,
    /// The scoring config.
    pub config: ScoringConfig,
    /// Inspection scores, blended in at `config.inspection_share` (none by default).
    pub inspection: InspectionScores,
    /// Unit grids for polygon maps; without them a region's map shape is the mean position of
    /// its cases.
    pub grids: Option<GridPolygons>,
    /// The projected CRS of the cases' `x_m`/`y_m` (the CRS of the point maps).
    pub working_crs: Crs,
}

impl AssessOptions {
    /// `period` with the default config ([`ScoringConfig::defaults`]), no inspection scores, no
    /// grids, and EPSG:4549 (CGCS2000 / 3-degree Gauss-Krüger CM 120E) as the working CRS.
    pub fn new(period: Period) -> Result<Self> {
        Ok(Self {
            period,
            config: ScoringConfig::defaults()?,
            inspection: HashMap::new(),
            grids: None,
            working_crs: Crs::cgcs2000_gk_cm120(),
        })
    }
}

/// The assessment of one level.
#[derive(Debug)]
pub struct LevelAssessment {
    /// The level.
    pub level: Level,
    /// Every scope's scores, sorted by scope.
    pub scopes: Vec<ScopeScore>,
    /// The wide scores table, one row per scope of `scopes` ([`scores_table`]).
    pub scores: DataFrame,
    /// For a region level, the map layer: the rows of `scores` whose scope has a shape, with
    /// the shape (grid polygons, or their union per scope, or the mean position of the scope's
    /// cases) in its CRS. `None` for departments and supervisors.
    pub map: Option<GeoTable>,
}

/// The assessment of a period.
#[derive(Debug)]
pub struct Assessment {
    /// The period assessed.
    pub period: Period,
    /// The period before, whose platform scores give the change.
    pub previous: Period,
    /// The long indicators table of the period ([`indicators_table`]).
    pub indicators: DataFrame,
    /// Per level whose scope column the case table has, in [`Level::ALL`] order.
    pub levels: Vec<LevelAssessment>,
    /// What the user should be told: levels skipped for want of a column, inspection scores
    /// that matched no scope, scopes left off a map.
    pub warnings: Vec<String>,
}

/// Assesses a validated case table (`citygrid validate` output: `due_at`, the lifecycle times,
/// the region codes, `department`, `supervisor_id`, and `x_m`/`y_m` for point maps) for
/// `options.period`: every indicator of every level whose column the table has, for the period
/// and the previous one, then the scores (docs/assessment.md).
pub fn assess(cases: &DataFrame, options: &AssessOptions) -> Result<Assessment> {
    let mut warnings = Vec::new();
    let levels: Vec<Level> = Level::ALL
        .into_iter()
        .filter(|l| {
            let present = cases.column(l.column()).is_ok();
            if !present {
                warnings.push(format!("no {} column: no {} scores", l.column(), l.name()));
            }
            present
        })
        .collect();
    let period = &options.period;
    let previous = period.previous();
    let config = &options.config;
    let mut both = indicators_for(cases, &[period, &previous], &levels, &config.limits)?;
    let before = both.pop().unwrap_or_default();
    let current = both.pop().unwrap_or_default();
    let scores = score_scopes(config, &current, &before, &options.inspection);
    let matched = options
        .inspection
        .keys()
        .filter(|(l, s)| current.iter().any(|v| v.level == *l && &v.scope == s))
        .count();
    if !options.inspection.is_empty() && matched == 0 {
        warnings.push(
            "no inspection score matched a scope of the case table: check the codes".to_owned(),
        );
    }
    let label = period.label.as_str();
    let indicators = indicators_table(label, config, &current)?;
    let mut out = Vec::with_capacity(levels.len());
    for level in levels {
        let scopes: Vec<ScopeScore> = scores
            .iter()
            .filter(|s| s.level == level)
            .cloned()
            .collect();
        let rows: Vec<&ScopeScore> = scopes.iter().collect();
        let table = scores_table(label, level, &rows, &current)?;
        let map = if level.is_region() {
            Some(map_layer(
                cases,
                options,
                level,
                &scopes,
                &table,
                &mut warnings,
            )?)
        } else {
            None
        };
        out.push(LevelAssessment {
            level,
            scopes,
            scores: table,
            map,
        });
    }
    Ok(Assessment {
        period: period.clone(),
        previous,
        indicators,
        levels: out,
        warnings,
    })
}

/// The map layer of a region level: the rows of `table` (one per scope of `scopes`) whose scope
/// has a shape, and the shapes.
fn map_layer(
    cases: &DataFrame,
    options: &AssessOptions,
    level: Level,
    scopes: &[ScopeScore],
    table: &DataFrame,
    warnings: &mut Vec<String>,
) -> Result<GeoTable> {
    let name = level.name();
    let (shapes, crs): (HashMap<String, Geometry<f64>>, Crs) = match &options.grids {
        Some(grids) => (grids.shapes(level), grids.crs()),
        None => match case_centres(cases, level)? {
            Some(centres) => (centres, options.working_crs),
            None => {
                warnings.push(format!(
                    "the case table has no x_m/y_m: the {name} map has no shapes (give the grids)"
                ));
                (HashMap::new(), options.working_crs)
            }
        },
    };
    let keep: Vec<bool> = scopes
        .iter()
        .map(|s| shapes.contains_key(&s.scope))
        .collect();
    let missing = keep.iter().filter(|k| !**k).count();
    if missing > 0 {
        warnings.push(format!(
            "{missing} {name} scopes have no shape and are left off the {name} map"
        ));
    }
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let kept = table
        .filter(&mask)
        .context(|| format!("the {name} map layer"))?;
    let geometries = scopes
        .iter()
        .filter_map(|s| shapes.get(&s.scope).cloned().map(Some))
        .collect();
    Ok(GeoTable {
        table: kept,
        geometries,
        crs,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    /// Two cases of two streets in July 2025, the first with a position; no department or
    /// supervisor column.
    fn cases() -> DataFrame {
        let ms = |d: u32| {
            NaiveDate::from_ymd_opt(2025, 7, d)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .map(|t| t.and_utc().timestamp_millis())
        };
        let time = |name: &str, v: [Option<i64>; 2]| {
            Column::new(name.into(), v)
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                .unwrap()
        };
        DataFrame::new(
            2,
            vec![
                time("reported_at", [ms(1), ms(2)]),
                time("filed_at", [ms(1), ms(2)]),
                time("voided_at", [None, None]),
                time("dispatched_at", [ms(1), ms(2)]),
                time("due_at", [ms(4), ms(5)]),
                time("disposed_at", [ms(3), None]),
                time("closed_at", [ms(3), None]),
                time("checked_at", [ms(3), None]),
                Column::new("public_report".into(), [false, false]),
                Column::new("public_report_verified".into(), [false, false]),
                Column::new("rework_count".into(), [0u32, 0]),
                Column::new("street_code".into(), ["371102001", "371102002"]),
                Column::new("x_m".into(), [Some(500_000.0), None]),
                Column::new("y_m".into(), [Some(3_900_000.0), None]),
            ],
        )
        .unwrap()
    }

    #[test]
    fn assesses_the_levels_the_table_has() {
        let options = AssessOptions::new("2025-07".parse().unwrap()).unwrap();
        let result = assess(&cases(), &options).unwrap();
        assert_eq!(result.previous.label, "2025-06");
        let levels: Vec<Level> = result.levels.iter().map(|l| l.level).collect();
        assert_eq!(levels, vec![Level::Street]);
        assert_eq!(
            result.warnings[..5],
            [
                "no district_code column: no district scores",
                "no community_code column: no community scores",
                "no grid_code column: no grid scores",
                "no department column: no department scores",
                "no supervisor_id column: no supervisor scores",
            ]
        );
        // The second street has no case with a position: scored, but left off the map.
        assert_eq!(
            result.warnings[5],
            "1 street scopes have no shape and are left off the street map"
        );
        let street = &result.levels[0];
        assert_eq!(street.scores.height(), 2);
        assert_eq!(street.scopes[0].composite, Some(100.0));
        let map = street.map.as_ref().unwrap();
        assert_eq!(map.table.height(), 1);
        assert_eq!(map.crs, Crs::cgcs2000_gk_cm120());
        assert_eq!(
            map.geometries,
            vec![Some(Geometry::Point(geo::Point::new(
                500_000.0,
                3_900_000.0
            )))]
        );
        // Long table: six region indicators for each street.
        assert_eq!(result.indicators.height(), 12);
    }

    #[test]
    fn inspection_scores_that_match_nothing_are_a_warning() {
        let mut options = AssessOptions::new("2025-07".parse().unwrap()).unwrap();
        options
            .inspection
            .insert((Level::Street, "nowhere".into()), 50.0);
        let result = assess(&cases(), &options).unwrap();
        assert!(
            result
                .warnings
                .iter()
                .any(|w| w.starts_with("no inspection score matched"))
        );
    }

    #[test]
    fn a_missing_lifecycle_column_is_an_error() {
        let options = AssessOptions::new("2025-07".parse().unwrap()).unwrap();
        let cases = cases().drop("filed_at").unwrap();
        let err = assess(&cases, &options).unwrap_err();
        assert!(err.to_string().contains("no column \"filed_at\""), "{err}");
    }
}
