//! Inspection scores (现场考核, scored by people on site) read from a table, to blend with the
//! platform score at the config's `inspection_share`.

use std::collections::HashMap;

use grid_core::rejection::{RejectReason, Rejection};
use polars::prelude::*;

use super::indicators::Level;
use crate::error::{PolarsContext, Result};
use crate::table_io::require_column;

/// Inspection scores (0–100) by (level, scope code).
pub type InspectionScores = HashMap<(Level, String), f64>;

/// The inspection scores of a table and the rows that could not be used.
#[derive(Clone, Debug, Default)]
pub struct Inspection {
    /// The scores by (level, scope); a row without a level gives its score at every level.
    pub scores: InspectionScores,
    /// The rows set aside, in row order: no scope (`scope`, missing field), a score that is not
    /// a number from 0 to 100 (`score`, invalid value), an unknown level (`level`, invalid
    /// value). `detail` is the message.
    pub rejections: Vec<Rejection>,
    /// Rows (1-based data rows) whose scope an earlier row already gave, with the scope: the
    /// later row wins.
    pub repeated: Vec<(usize, String)>,
}

impl Inspection {
    /// Reads inspection scores from a table with a `scope` and a `score` column (numbers or
    /// text) and an optional `level` column (`district`, `street`, `community`, `grid`,
    /// `department`, `supervisor`; null or absent: every level). Scopes and levels are trimmed.
    /// `table` names the table in errors; a missing `scope` or `score` column is an error.
    pub fn from_table(df: &DataFrame, table: &str) -> Result<Self> {
        let text = |c: &str| -> Result<Vec<Option<String>>> {
            let column = require_column(df, table, c)?;
            let context = || format!("{table}: column {c:?}");
            let s = column.cast(&DataType::String).context(context)?;
            Ok(s.str()
                .context(context)?
                .iter()
                .map(|v| v.map(str::to_owned))
                .collect())
        };
        let scopes = text("scope")?;
        let raw = text("score")?;
        let level_names = match df.column("level") {
            Ok(_) => Some(text("level")?),
            Err(_) => None,
        };
        let mut out = Self::default();
        for (i, (scope, score)) in scopes.iter().zip(&raw).enumerate() {
            let row = i + 1;
            let mut reject = |field: &str, reason: RejectReason, detail: String| {
                out.rejections.push(Rejection {
                    row,
                    field: field.to_owned(),
                    reason,
                    detail,
                });
            };
            let Some(scope) = scope.as_deref().filter(|s| !s.trim().is_empty()) else {
                reject("scope", RejectReason::MissingField, "empty".into());
                continue;
            };
            let value = score.as_deref().and_then(|s| s.trim().parse::<f64>().ok());
            let Some(value) = value.filter(|v| (0.0..=100.0).contains(v)) else {
                reject(
                    "score",
                    RejectReason::InvalidValue,
                    format!("{score:?}: expected a number from 0 to 100"),
                );
                continue;
            };
            let levels: Vec<Level> = match level_names.as_ref().and_then(|l| l[i].as_deref()) {
                Some(l) => match Level::ALL.into_iter().find(|x| x.name() == l.trim()) {
                    Some(level) => vec![level],
                    None => {
                        reject(
                            "level",
                            RejectReason::InvalidValue,
                            format!("{l:?}: not a level"),
                        );
                        continue;
                    }
                },
                None => Level::ALL.to_vec(),
            };
            let scope = scope.trim();
            let mut repeated = false;
            for level in levels {
                repeated |= out
                    .scores
                    .insert((level, scope.to_owned()), value)
                    .is_some();
            }
            if repeated {
                out.repeated.push((row, scope.to_owned()));
            }
        }
        Ok(out)
    }

    /// The rejected rows of `df` (the table read by [`Self::from_table`]) with `row_number`,
    /// `reject_field`, `reject_reason` and `reject_detail` in front of their original columns.
    pub fn rejected_table(&self, df: &DataFrame, table: &str) -> Result<DataFrame> {
        let mut mask = vec![false; df.height()];
        for r in &self.rejections {
            if let Some(m) = mask.get_mut(r.row - 1) {
                *m = true;
            }
        }
        let mask = BooleanChunked::from_slice("rejected".into(), &mask);
        crate::convert::rejected_table(df, &mask, &self.rejections)
            .context(|| format!("{table}: the rejected rows"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_scores_levels_and_rejects_bad_rows() {
        let df = df!(
            "level" => [Some("department"), None, Some("street"), Some("city"), None, None],
            "scope" => [Some("water"), Some(" 371102001 "), Some("371102001"), Some("x"), Some(""), Some("371102001")],
            "score" => [Some("40"), Some("80.5"), Some("abc"), Some("50"), Some("60"), Some("90")],
        )
        .unwrap();
        let inspection = Inspection::from_table(&df, "inspection.csv").unwrap();
        assert_eq!(
            inspection.scores[&(Level::Department, "water".to_owned())],
            40.0
        );
        // No level: every level; the last row for a scope wins.
        assert_eq!(
            inspection.scores[&(Level::Grid, "371102001".to_owned())],
            90.0
        );
        assert_eq!(inspection.repeated, vec![(6, "371102001".to_owned())]);
        let rejected: Vec<(usize, &str)> = inspection
            .rejections
            .iter()
            .map(|r| (r.row, r.field.as_str()))
            .collect();
        assert_eq!(rejected, vec![(3, "score"), (4, "level"), (5, "scope")]);
        let table = inspection.rejected_table(&df, "inspection.csv").unwrap();
        assert_eq!(table.height(), 3);
        assert_eq!(table.get_column_names()[0].as_str(), "row_number");
    }

    #[test]
    fn needs_scope_and_score() {
        let df = df!("scope" => ["a"]).unwrap();
        let err = Inspection::from_table(&df, "i.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "i.csv: no column \"score\" (columns: scope)"
        );
    }
}
