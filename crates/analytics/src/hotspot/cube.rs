//! The space-time cube of a case table: cases per unit grid and time step, zeros included, over
//! the grids that had any case in the window.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use polars::prelude::*;

use super::emerging::Cube;
use super::measure::{CaseFilter, case_text, kept_rows, reported_millis};
use crate::case_schema as cs;
use crate::error::{Error, Result};

/// The length of a time step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Seven days, aligned so that the last step ends at the end of the window.
    Week,
    /// Calendar months.
    Month,
}

impl FromStr for Step {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            other => Err(Error::InvalidOption {
                option: "step",
                message: format!("{other:?}: expected week or month"),
            }),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Week => "week",
            Self::Month => "month",
        })
    }
}

/// A cube of case counts with its labels.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseCube {
    /// The counts.
    pub cube: Cube,
    /// Grid code of each location, sorted.
    pub grids: Vec<String>,
    /// First day of each step.
    pub starts: Vec<NaiveDate>,
    /// Cases the filter kept that fell outside the steps (before a partial first week).
    pub outside: usize,
}

/// Builds the cube of case counts per grid and step. The window runs from `from` (default: the
/// first kept case's day) to `to` (exclusive; default: the day after the last kept case). Only
/// whole steps count: weeks are counted back from `to`, months are the calendar months inside the
/// window; cases in a partial week or month at either end are counted in `outside`.
pub fn case_cube(
    cases: &DataFrame,
    filter: &CaseFilter,
    step: Step,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<CaseCube> {
    let grid = case_text(cases, cs::GRID_CODE)?;
    let reported = reported_millis(cases)?;
    let keep = kept_rows(cases, filter)?;
    // Kept cases: (grid, day).
    let mut kept: Vec<(&str, NaiveDate)> = Vec::new();
    for i in (0..cases.height()).filter(|&i| keep[i]) {
        let (Some(g), Some(ms)) = (grid[i].as_deref(), reported[i]) else {
            continue;
        };
        if let Some(at) = chrono::DateTime::from_timestamp_millis(ms) {
            kept.push((g, at.naive_utc().date()));
        }
    }
    let first = from.or_else(|| kept.iter().map(|k| k.1).min());
    let last = to.or_else(|| {
        kept.iter()
            .map(|k| k.1)
            .max()
            .map(|d| d + Duration::days(1))
    });
    let (Some(first), Some(end)) = (first, last) else {
        return Err(Error::InvalidOption {
            option: "cases",
            message: "no case passes the filter: the cube would be empty".to_owned(),
        });
    };
    if end <= first {
        return Err(Error::InvalidOption {
            option: "to",
            message: format!("the window {first} .. {end} is empty"),
        });
    }
    // Whole steps only: weeks counted back from the end; calendar months inside the window.
    let next_month = |d: NaiveDate| {
        if d.month() == 12 {
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
        }
    };
    let (starts, stop): (Vec<NaiveDate>, NaiveDate) = match step {
        Step::Week => {
            let weeks = (end - first).num_days() / 7;
            let starts = (0..weeks)
                .map(|k| end - Duration::days(7 * (weeks - k)))
                .collect();
            (starts, end)
        }
        Step::Month => {
            let mut out = Vec::new();
            let mut d = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
            if d < first {
                d = next_month(d).unwrap_or(end);
            }
            while let Some(next) = next_month(d).filter(|n| *n <= end) {
                out.push(d);
                d = next;
            }
            (out, d)
        }
    };
    if starts.len() < 2 {
        return Err(Error::InvalidOption {
            option: "step",
            message: format!("the window {first} .. {end} holds fewer than two {step}s"),
        });
    }
    let step_of = |day: NaiveDate| -> Option<usize> {
        if day >= stop || day < starts[0] {
            return None;
        }
        Some(starts.partition_point(|s| *s <= day) - 1)
    };
    let mut in_window: Vec<(&str, usize)> = Vec::with_capacity(kept.len());
    let mut outside = 0;
    for (g, day) in kept {
        match step_of(day) {
            Some(s) => in_window.push((g, s)),
            None => outside += 1,
        }
    }
    let mut grids: Vec<String> = in_window.iter().map(|(g, _)| (*g).to_owned()).collect();
    grids.sort();
    grids.dedup();
    let index: HashMap<&str, usize> = grids
        .iter()
        .enumerate()
        .map(|(i, g)| (g.as_str(), i))
        .collect();
    let n = grids.len();
    let mut values = vec![0.0; n * starts.len()];
    for (g, s) in in_window {
        if let Some(&i) = index.get(g) {
            values[s * n + i] += 1.0;
        }
    }
    Ok(CaseCube {
        cube: Cube {
            n,
            steps: starts.len(),
            values,
        },
        grids,
        starts,
        outside,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, &str)]) -> DataFrame {
        let grids: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let ms: Vec<i64> = rows
            .iter()
            .map(|r| {
                chrono::NaiveDateTime::parse_from_str(r.1, "%Y-%m-%d %H:%M")
                    .unwrap()
                    .and_utc()
                    .timestamp_millis()
            })
            .collect();
        DataFrame::new_infer_height(vec![
            Column::new(cs::GRID_CODE.into(), grids),
            Column::new(cs::REPORTED_AT.into(), ms)
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                .unwrap(),
        ])
        .unwrap()
    }

    #[test]
    fn months_and_end_aligned_weeks() {
        let df = table(&[
            ("A", "2024-01-03 10:00"),
            ("A", "2024-01-31 23:00"),
            ("B", "2024-02-01 08:00"),
            ("B", "2024-03-15 08:00"),
        ]);
        // Calendar months inside 1 January .. 1 April: January A 2; February B 1; March B 1.
        let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        let m = case_cube(
            &df,
            &CaseFilter::default(),
            Step::Month,
            Some(day(1, 1)),
            Some(day(4, 1)),
        )
        .unwrap();
        assert_eq!(m.grids, ["A", "B"]);
        assert_eq!(m.starts, [day(1, 1), day(2, 1), day(3, 1)]);
        assert_eq!(m.cube.values, [2.0, 0.0, 0.0, 1.0, 0.0, 1.0]);
        // From the first case (3 January) to the day after the last (16 March) only February
        // is whole: fewer than two steps.
        let err = case_cube(&df, &CaseFilter::default(), Step::Month, None, None).unwrap_err();
        assert!(err.to_string().contains("fewer than two months"), "{err}");
        // Weeks end on 16 March (the day after the last case): 10 whole weeks from 6 January;
        // the 3 January case falls before them.
        let w = case_cube(&df, &CaseFilter::default(), Step::Week, None, None).unwrap();
        assert_eq!(w.starts.len(), 10);
        assert_eq!(w.starts[0], NaiveDate::from_ymd_opt(2024, 1, 6).unwrap());
        assert_eq!(w.outside, 1);
        assert_eq!(w.cube.values.iter().sum::<f64>(), 3.0);
    }
}
