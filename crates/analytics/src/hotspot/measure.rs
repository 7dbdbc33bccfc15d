//! What to map from a validated case table: counts or lifecycle rates per unit grid, over the
//! cases a filter keeps.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use polars::prelude::*;

use crate::case_schema as cs;
use crate::error::{Error, PolarsContext, Result};
use crate::lifecycle::columns as lc;

/// A per-grid measure of the cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Cases reported.
    Count,
    /// Cases open past due at the cut-off (超期未处置).
    OpenOverdue,
    /// Share of cases with a due time that were disposed late or are open past due: where do
    /// cases stall? Undefined (left out) where no case had a due time.
    OverdueRate,
    /// Share of disposed cases sent back at least once (返工率); undefined where none was disposed.
    ReworkRate,
}

impl FromStr for Measure {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "count" => Ok(Self::Count),
            "open_overdue" => Ok(Self::OpenOverdue),
            "overdue_rate" => Ok(Self::OverdueRate),
            "rework_rate" => Ok(Self::ReworkRate),
            other => Err(Error::InvalidOption {
                option: "measure",
                message: format!(
                    "{other:?}: expected count, open_overdue, overdue_rate or rework_rate"
                ),
            }),
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Count => "count",
            Self::OpenOverdue => "open_overdue",
            Self::OverdueRate => "overdue_rate",
            Self::ReworkRate => "rework_rate",
        })
    }
}

/// Which cases count.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseFilter {
    /// Only these class codes (any when empty).
    pub classes: Vec<String>,
    /// Only these sources (any when empty), as the schema spells them.
    pub sources: Vec<String>,
    /// Reported at or after.
    pub from: Option<NaiveDateTime>,
    /// Reported before.
    pub to: Option<NaiveDateTime>,
}

/// A case-table column as text (any type cast), or an error naming the columns there are.
pub(crate) fn case_text(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let column = df
        .column(name)
        .map_err(|_| missing_column(df, name))?
        .cast(&DataType::String)
        .context(|| format!("column {name:?}"))?;
    Ok(column
        .str()
        .context(|| format!("column {name:?}"))?
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect())
}

fn flags(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>> {
    let column = df
        .column(name)
        .map_err(|_| missing_column(df, name))?
        .cast(&DataType::Boolean)
        .context(|| format!("column {name:?}"))?;
    Ok(column
        .bool()
        .context(|| format!("column {name:?}"))?
        .iter()
        .collect())
}

/// The error for a case table without a column.
pub(crate) fn missing_column(df: &DataFrame, name: &str) -> Error {
    Error::MissingColumn {
        table: "table".to_owned(),
        column: name.to_owned(),
        available: df
            .get_column_names()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `reported_at` as milliseconds since 1970 (naive local time), whatever its stored type.
pub(crate) fn reported_millis(df: &DataFrame) -> Result<Vec<Option<i64>>> {
    let context = || format!("column {:?}", cs::REPORTED_AT);
    let column = df
        .column(cs::REPORTED_AT)
        .map_err(|_| missing_column(df, cs::REPORTED_AT))?
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        .and_then(|c| c.cast(&DataType::Int64))
        .context(context)?;
    Ok(column.i64().context(context)?.iter().collect())
}

/// Which rows of a case table `filter` keeps.
pub fn kept_rows(cases: &DataFrame, filter: &CaseFilter) -> Result<Vec<bool>> {
    let n = cases.height();
    let class = if filter.classes.is_empty() {
        vec![None; n]
    } else {
        case_text(cases, cs::CLASS_CODE)?
    };
    let source = if filter.sources.is_empty() {
        vec![None; n]
    } else {
        case_text(cases, cs::SOURCE)?
    };
    let reported: Vec<Option<i64>> = if filter.from.is_some() || filter.to.is_some() {
        reported_millis(cases)?
    } else {
        vec![None; n]
    };
    let ms = |t: NaiveDateTime| t.and_utc().timestamp_millis();
    let keep = |i: usize| {
        (filter.classes.is_empty()
            || class[i]
                .as_ref()
                .is_some_and(|c| filter.classes.contains(c)))
            && (filter.sources.is_empty()
                || source[i]
                    .as_ref()
                    .is_some_and(|s| filter.sources.contains(s)))
            && filter
                .from
                .is_none_or(|f| reported[i].is_some_and(|r| r >= ms(f)))
            && filter
                .to
                .is_none_or(|t| reported[i].is_some_and(|r| r < ms(t)))
    };
    Ok((0..n).map(keep).collect())
}

/// Working-CRS positions (`x_m`, `y_m`) of the rows `filter` keeps that have them.
pub fn case_points(cases: &DataFrame, filter: &CaseFilter) -> Result<Vec<geo::Coord>> {
    let kept = kept_rows(cases, filter)?;
    let column = |name: &str| -> Result<Vec<Option<f64>>> {
        let c = cases
            .column(name)
            .map_err(|_| missing_column(cases, name))?
            .cast(&DataType::Float64)
            .context(|| format!("column {name:?}"))?;
        Ok(c.f64()
            .context(|| format!("column {name:?}"))?
            .iter()
            .collect())
    };
    let (x, y) = (column(cs::X_M)?, column(cs::Y_M)?);
    Ok((0..cases.height())
        .filter(|&i| kept[i])
        .filter_map(|i| Some(geo::Coord { x: x[i]?, y: y[i]? }))
        .collect())
}

/// The measure per grid code over the cases `filter` keeps, for a validated case table
/// (`citygrid validate` output: grid codes and lifecycle columns). Grids without cases are
/// absent from the map (a count of 0; a rate left undefined).
pub fn per_grid(
    cases: &DataFrame,
    measure: Measure,
    filter: &CaseFilter,
) -> Result<HashMap<String, f64>> {
    let grid = case_text(cases, cs::GRID_CODE)?;
    let n = cases.height();
    let kept = kept_rows(cases, filter)?;
    let keep = |i: usize| kept[i];
    // (numerator, denominator) per grid.
    let mut sums: HashMap<String, (f64, f64)> = HashMap::new();
    let mut add = |i: usize, num: f64, den: f64| {
        if let Some(g) = &grid[i] {
            let e = sums.entry(g.clone()).or_default();
            e.0 += num;
            e.1 += den;
        }
    };
    match measure {
        Measure::Count => (0..n).filter(|&i| keep(i)).for_each(|i| add(i, 1.0, 1.0)),
        Measure::OpenOverdue => {
            let open = flags(cases, lc::OPEN_OVERDUE)?;
            for i in (0..n).filter(|&i| keep(i)) {
                add(i, f64::from(u8::from(open[i] == Some(true))), 1.0);
            }
        }
        Measure::OverdueRate => {
            let (late, open) = (flags(cases, lc::OVERDUE)?, flags(cases, lc::OPEN_OVERDUE)?);
            for i in (0..n).filter(|&i| keep(i)) {
                let counted = late[i].is_some() || open[i] == Some(true);
                if counted {
                    let bad = late[i] == Some(true) || open[i] == Some(true);
                    add(i, f64::from(u8::from(bad)), 1.0);
                }
            }
        }
        Measure::ReworkRate => {
            let reworked = flags(cases, lc::REWORKED)?;
            let disposed = case_text(cases, cs::DISPOSED_AT)?;
            for i in (0..n).filter(|&i| keep(i) && disposed[i].is_some()) {
                add(i, f64::from(u8::from(reworked[i] == Some(true))), 1.0);
            }
        }
    }
    Ok(sums
        .into_iter()
        .filter(|(_, (_, den))| *den > 0.0)
        .map(|(g, (num, den))| {
            let value = match measure {
                Measure::Count | Measure::OpenOverdue => num,
                Measure::OverdueRate | Measure::ReworkRate => num / den,
            };
            (g, value)
        })
        .collect())
}
