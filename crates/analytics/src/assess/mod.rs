//! Assessment (绩效评价) of regions, departments and supervisors on platform data: indicators
//! per period and scope with their numerators and denominators (docs/assessment.md). Scoring,
//! grades, ranks and the explanation of changes build on these.

pub mod indicators;
pub mod period;
pub mod scoring;

pub use indicators::{Indicator, IndicatorValue, Level, Limits, indicators, indicators_for};
pub use period::Period;
pub use scoring::{DEFAULT_CONFIG, ScopeScore, ScoringConfig, score_scopes};
