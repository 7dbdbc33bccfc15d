//! The assessment as tables: the long indicators table (one row per level, scope and indicator)
//! and the wide scores table of a level (one row per scope), with the columns
//! docs/assessment.md lists.

use std::collections::HashMap;

use polars::prelude::*;

use super::indicators::{Indicator, IndicatorValue, Level};
use super::scoring::{ScopeScore, ScoringConfig};
use crate::error::{PolarsContext, Result};

/// The configured (weight, score) of an indicator value: both `None` when the level's config
/// does not score the indicator; the score `None` when the value is missing or its denominator
/// is below `min_denominator`.
pub fn rule_score(config: &ScoringConfig, v: &IndicatorValue) -> (Option<f64>, Option<f64>) {
    let enough = v.denominator.is_none_or(|d| d >= config.min_denominator);
    match config.rules(v.level).get(v.indicator.name()) {
        Some(rule) => (
            Some(rule.weight),
            v.value.filter(|_| enough).map(|x| rule.score(x)),
        ),
        None => (None, None),
    }
}

/// The long indicators table of a period: `period`, `level`, `scope`, `indicator`, `numerator`,
/// `denominator` (empty for counts), `value` (empty for a zero denominator), `weight` and
/// `score` (empty where the config does not score the indicator), one row per value of `rows`,
/// in their order.
pub fn indicators_table(
    period: &str,
    config: &ScoringConfig,
    rows: &[IndicatorValue],
) -> Result<DataFrame> {
    let scored: Vec<(Option<f64>, Option<f64>)> =
        rows.iter().map(|r| rule_score(config, r)).collect();
    DataFrame::new(
        rows.len(),
        vec![
            Column::new("period".into(), vec![period; rows.len()]),
            Column::new(
                "level".into(),
                rows.iter().map(|r| r.level.name()).collect::<Vec<_>>(),
            ),
            Column::new(
                "scope".into(),
                rows.iter().map(|r| r.scope.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "indicator".into(),
                rows.iter().map(|r| r.indicator.name()).collect::<Vec<_>>(),
            ),
            Column::new(
                "numerator".into(),
                rows.iter().map(|r| r.numerator).collect::<Vec<_>>(),
            ),
            Column::new(
                "denominator".into(),
                rows.iter().map(|r| r.denominator).collect::<Vec<_>>(),
            ),
            Column::new(
                "value".into(),
                rows.iter().map(|r| r.value).collect::<Vec<_>>(),
            ),
            Column::new(
                "weight".into(),
                scored.iter().map(|s| s.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "score".into(),
                scored.iter().map(|s| s.1).collect::<Vec<_>>(),
            ),
        ],
    )
    .context(|| format!("{period}: the indicators table"))
}

/// The three largest drivers of a scope's change as text, e.g.
/// `on_time_closure_rate -4.20; closure_rate -1.10`; `None` when nothing moved.
pub fn drivers_text(s: &ScopeScore) -> Option<String> {
    let parts: Vec<String> = s
        .drivers
        .iter()
        .filter(|d| d.1 != 0.0)
        .take(3)
        .map(|(i, d)| format!("{} {d:+.2}", i.name()))
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The wide scores table of one level, one row per scope of `rows` (in their order):
/// `period`, `level`, `scope`, `peer_class`, then `<indicator>_value` and `<indicator>_score`
/// for every indicator of the level, then `platform`, `inspection`, `composite`, `grade`,
/// `rank`, `peer_rank` (UInt32), `previous`, `change` and `drivers` ([`drivers_text`]).
/// `values` are the period's indicator values (of any level).
pub fn scores_table(
    period: &str,
    level: Level,
    rows: &[&ScopeScore],
    values: &[IndicatorValue],
) -> Result<DataFrame> {
    let n = rows.len();
    let value_of: HashMap<(&str, Indicator), Option<f64>> = values
        .iter()
        .filter(|v| v.level == level)
        .map(|v| ((v.scope.as_str(), v.indicator), v.value))
        .collect();
    let mut columns = vec![
        Column::new("period".into(), vec![period; n]),
        Column::new("level".into(), vec![level.name(); n]),
        Column::new(
            "scope".into(),
            rows.iter().map(|r| r.scope.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "peer_class".into(),
            rows.iter()
                .map(|r| r.peer_class.as_deref())
                .collect::<Vec<_>>(),
        ),
    ];
    for indicator in Indicator::of(level) {
        columns.push(Column::new(
            format!("{}_value", indicator.name()).into(),
            rows.iter()
                .map(|r| {
                    value_of
                        .get(&(r.scope.as_str(), *indicator))
                        .copied()
                        .flatten()
                })
                .collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            format!("{}_score", indicator.name()).into(),
            rows.iter()
                .map(|r| {
                    r.parts
                        .iter()
                        .find(|p| p.indicator == *indicator)
                        .and_then(|p| p.score)
                })
                .collect::<Vec<_>>(),
        ));
    }
    let f = |name: &str, get: &dyn Fn(&ScopeScore) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(|r| get(r)).collect::<Vec<_>>())
    };
    columns.extend([
        f("platform", &|r| r.platform),
        f("inspection", &|r| r.inspection),
        f("composite", &|r| r.composite),
        Column::new(
            "grade".into(),
            rows.iter().map(|r| r.grade.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new(
            "rank".into(),
            rows.iter()
                .map(|r| r.rank.map(|x| x as u32))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "peer_rank".into(),
            rows.iter()
                .map(|r| r.peer_rank.map(|x| x as u32))
                .collect::<Vec<_>>(),
        ),
        f("previous", &|r| r.previous),
        f("change", &|r| r.change),
        Column::new(
            "drivers".into(),
            rows.iter().map(|r| drivers_text(r)).collect::<Vec<_>>(),
        ),
    ]);
    DataFrame::new(n, columns).context(|| format!("{period}: the {} scores table", level.name()))
}
