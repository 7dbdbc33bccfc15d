//! Assessment (绩效评价) of regions, departments and supervisors on platform data: indicators
//! per period and scope with their numerators and denominators, scores, grades, ranks and the
//! explanation of changes (docs/assessment.md).
//!
//! | module | what it holds |
//! |---|---|
//! | [`period`] | the assessed window: a year, quarter, month or any days |
//! | [`indicators`] | the indicators of each level, with numerator and denominator |
//! | [`scoring`] | the TOML scoring config, scores, grades, ranks, change and drivers |
//! | [`inspection`] | inspection scores from a table, to blend in |
//! | [`tables`] | the long indicators table and the wide scores table of a level |
//! | [`maps`] | the regions' shapes: grid polygons and their unions, or case centres |
//! | [`run`] | [`assess`]: all of it for a period, as `citygrid assess` and Python run it |
//!
//! ```
//! use grid_analytics::assess::{AssessOptions, assess};
//! use polars::prelude::*;
//!
//! // One street, one case: filed on 1 July 2025, due on the 4th, disposed and closed on the 3rd.
//! let day = |d| chrono::NaiveDate::from_ymd_opt(2025, 7, d)
//!     .and_then(|d| d.and_hms_opt(9, 0, 0))
//!     .map(|t| t.and_utc().timestamp_millis());
//! let time = |name: &str, v: Option<i64>| {
//!     Column::new(name.into(), [v]).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
//! };
//! let cases = DataFrame::new(1, vec![
//!     time("reported_at", day(1))?, time("filed_at", day(1))?, time("voided_at", None)?,
//!     time("dispatched_at", day(1))?, time("due_at", day(4))?, time("disposed_at", day(3))?,
//!     time("closed_at", day(3))?, time("checked_at", day(3))?,
//!     Column::new("public_report".into(), [false]),
//!     Column::new("public_report_verified".into(), [false]),
//!     Column::new("rework_count".into(), [0u32]),
//!     Column::new("street_code".into(), ["371102001"]),
//! ])?;
//! let result = assess(&cases, &AssessOptions::new("2025-Q3".parse()?)?)?;
//! assert_eq!(result.previous.label, "2025-Q2");
//! let street = &result.levels[0]; // the one level whose column the table has
//! assert_eq!(street.scopes[0].composite, Some(100.0));
//! assert_eq!(street.scores.column("grade")?.str()?.get(0), Some("A"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod indicators;
pub mod inspection;
pub mod maps;
pub mod period;
pub mod run;
pub mod scoring;
pub mod tables;

pub use indicators::{Indicator, IndicatorValue, Level, Limits, indicators, indicators_for};
pub use inspection::{Inspection, InspectionScores};
pub use maps::GridPolygons;
pub use period::Period;
pub use run::{AssessOptions, Assessment, LevelAssessment, assess};
pub use scoring::{DEFAULT_CONFIG, ScopeScore, ScoringConfig, score_scopes};
pub use tables::{indicators_table, scores_table};
