//! Time series to forecast: from a validated case table (cases per spatial unit × category group
//! × day or week, on a complete calendar with zeros) or from any long-format table.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use polars::prelude::*;

use crate::case_schema as cs;
use crate::error::{Error, PolarsContext, Result};
use crate::hotspot::measure::{case_text, missing_column, reported_millis};
use crate::hotspot::{CaseFilter, kept_rows};
use crate::rejection::{RejectReason, Rejection};

/// The period of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freq {
    /// Days.
    Day,
    /// Weeks starting on Monday.
    Week,
}

impl Freq {
    /// Days per period.
    pub fn days(self) -> i64 {
        match self {
            Self::Day => 1,
            Self::Week => 7,
        }
    }

    /// The start of the period holding `day`.
    pub fn period_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => day,
            Self::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        }
    }

    /// The usual season length: 7 for days, 52 for weeks.
    pub fn season(self) -> usize {
        match self {
            Self::Day => 7,
            Self::Week => 52,
        }
    }
}

impl FromStr for Freq {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "day" | "D" => Ok(Self::Day),
            "week" | "W" => Ok(Self::Week),
            other => Err(Error::InvalidOption {
                option: "freq",
                message: format!("{other:?}: expected day or week"),
            }),
        }
    }
}

impl fmt::Display for Freq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Day => "day",
            Self::Week => "week",
        })
    }
}

/// One series: an id, the start of its first period, and one value per period.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// `unique_id`.
    pub id: String,
    /// Start of the first period.
    pub start: NaiveDate,
    /// Values, one per period, no gaps.
    pub values: Vec<f64>,
}

/// The spatial unit a case series is counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Unit grid.
    Grid,
    /// Community.
    Community,
    /// Street or town.
    Street,
    /// County-level district.
    District,
}

impl Unit {
    /// The case-table column holding the unit's code.
    pub fn column(self) -> &'static str {
        match self {
            Self::Grid => cs::GRID_CODE,
            Self::Community => cs::COMMUNITY_CODE,
            Self::Street => cs::STREET_CODE,
            Self::District => cs::DISTRICT_CODE,
        }
    }
}

impl FromStr for Unit {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "grid" => Ok(Self::Grid),
            "community" => Ok(Self::Community),
            "street" => Ok(Self::Street),
            "district" => Ok(Self::District),
            other => Err(Error::InvalidOption {
                option: "unit",
                message: format!("{other:?}: expected grid, community, street or district"),
            }),
        }
    }
}

/// How cases are grouped into categories within a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// All cases together.
    All,
    /// Component or event.
    Kind,
    /// Kind and major class (e.g. `event/05`).
    Major,
    /// Kind and class code.
    Class,
    /// Source channel.
    Source,
}

impl FromStr for Group {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "all" => Ok(Self::All),
            "kind" => Ok(Self::Kind),
            "major" => Ok(Self::Major),
            "class" => Ok(Self::Class),
            "source" => Ok(Self::Source),
            other => Err(Error::InvalidOption {
                option: "group",
                message: format!("{other:?}: expected all, kind, major, class or source"),
            }),
        }
    }
}

/// Case counts per (unit, group) and period over a common calendar of the whole periods from the
/// first to the last kept case (or within `from` .. `to`, `to` exclusive), zeros included; cases
/// in a period the window cuts are left out. Series ids are the unit code, or `unit/group` when
/// grouped. Only (unit, group) pairs with at least one case get a series; cases without a unit
/// code are left out ([`case_series_counted`] says how many).
pub fn case_series(
    cases: &DataFrame,
    unit: Unit,
    group: Group,
    freq: Freq,
    filter: &CaseFilter,
) -> Result<Vec<Series>> {
    case_series_counted(cases, unit, group, freq, filter).map(|(series, _)| series)
}

/// [`case_series`], and how many kept cases had no code for `unit` (or no report time) and were
/// left out, for the caller to report.
pub fn case_series_counted(
    cases: &DataFrame,
    unit: Unit,
    group: Group,
    freq: Freq,
    filter: &CaseFilter,
) -> Result<(Vec<Series>, usize)> {
    let keep = kept_rows(cases, filter)?;
    let units = case_text(cases, unit.column())?;
    let groups: Vec<Option<String>> = match group {
        Group::All => vec![None; cases.height()],
        Group::Source => case_text(cases, cs::SOURCE)?,
        Group::Kind | Group::Major | Group::Class => {
            let kind = case_text(cases, cs::KIND)?;
            let class = case_text(cases, cs::CLASS_CODE)?;
            kind.into_iter()
                .zip(class)
                .map(|(k, c)| {
                    let k = k.unwrap_or_default();
                    Some(match group {
                        Group::Kind => k,
                        Group::Major => {
                            format!("{k}/{}", c.unwrap_or_default().get(..2).unwrap_or(""))
                        }
                        _ => format!("{k}/{}", c.unwrap_or_default()),
                    })
                })
                .collect()
        }
    };
    let mut without_unit = 0usize;
    let reported = reported_millis(cases)?;
    let mut counts: BTreeMap<String, BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    let (mut first_day, mut last_day): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    for i in (0..cases.height()).filter(|&i| keep[i]) {
        let (Some(u), Some(ms)) = (&units[i], reported[i]) else {
            without_unit += 1;
            continue;
        };
        let Some(day) = chrono::DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc().date())
        else {
            continue;
        };
        let id = match &groups[i] {
            None => u.clone(),
            Some(g) => format!("{u}/{g}"),
        };
        first_day = Some(first_day.map_or(day, |d| d.min(day)));
        last_day = Some(last_day.map_or(day, |d| d.max(day)));
        *counts
            .entry(id)
            .or_default()
            .entry(freq.period_of(day))
            .or_default() += 1.0;
    }
    // Whole periods only: a week that the window cuts (the data start on a Wednesday, end on a
    // Tuesday) would look like a drop in cases.
    let from = filter.from.map(|f| f.date()).or(first_day);
    let to = filter
        .to
        .map(|t| t.date())
        .or(last_day.map(|d| d + Duration::days(1)));
    let (Some(from), Some(to)) = (from, to) else {
        return Ok((Vec::new(), without_unit));
    };
    let step = Duration::days(freq.days());
    let first = if freq.period_of(from) < from {
        freq.period_of(from) + step
    } else {
        from
    };
    let last = freq.period_of(to) - step;
    if last < first {
        return Ok((Vec::new(), without_unit));
    }
    let len = ((last - first).num_days() / freq.days() + 1).max(0) as usize;
    let series = counts
        .into_iter()
        .map(|(id, periods)| {
            let mut values = vec![0.0; len];
            for (p, n) in periods {
                let k = (p - first).num_days() / freq.days();
                if let Some(v) = usize::try_from(k).ok().and_then(|k| values.get_mut(k)) {
                    *v += n;
                }
            }
            Series {
                id,
                start: first,
                values,
            }
        })
        .collect();
    Ok((series, without_unit))
}

/// Series from a long table (`id`, `time`, `value` columns). Times are dates (or date-times,
/// whose date counts, or text starting with YYYY-MM-DD); each series runs from its first to its
/// last time in steps of `freq`, periods without a row count as 0. Rows with an empty or
/// unreadable id, time or value, or a time off the series' step, are rejected with their reason;
/// a repeated (id, time) adds up. Series come sorted by id.
///
/// Memory: two passes over the table's own columns, holding per row only one bit (kept or not),
/// so the series themselves are the only large allocation.
pub fn long_series(
    df: &DataFrame,
    id_col: &str,
    time_col: &str,
    value_col: &str,
    freq: Freq,
) -> Result<(Vec<Series>, Vec<Rejection>)> {
    let column = |name: &str| df.column(name).map_err(|_| missing_column(df, name));
    let context = |name: &str| format!("column {name:?}");
    let ids = column(id_col)?
        .cast(&DataType::String)
        .context(|| context(id_col))?;
    let ids = ids.str().context(|| context(id_col))?;
    let times = TimeCells::new(column(time_col)?).context(|| context(time_col))?;
    let values = ValueCells::new(column(value_col)?).context(|| context(value_col))?;

    // Pass 1: check every row, number the series, find each one's first and last day.
    let mut rejections = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut span: Vec<(i32, i32)> = Vec::new();
    let mut kept = vec![false; df.height()];
    for (i, ((id, day), value)) in ids.iter().zip(times.iter()).zip(values.iter()).enumerate() {
        let reject = |field: &str, reason, detail: String| Rejection {
            row: i + 1,
            field: field.to_owned(),
            reason,
            detail,
        };
        let Some(id) = id.filter(|v| !v.trim().is_empty()) else {
            rejections.push(reject(
                id_col,
                RejectReason::MissingField,
                "empty".to_owned(),
            ));
            continue;
        };
        let day = match day {
            Cell::Missing => {
                rejections.push(reject(
                    time_col,
                    RejectReason::MissingField,
                    "empty".to_owned(),
                ));
                continue;
            }
            Cell::Bad(t) => {
                rejections.push(reject(
                    time_col,
                    RejectReason::InvalidValue,
                    format!("{t:?} is not a date (YYYY-MM-DD)"),
                ));
                continue;
            }
            Cell::Value(d) => d,
        };
        match value {
            Cell::Value(_) => {}
            Cell::Missing => {
                rejections.push(reject(
                    value_col,
                    RejectReason::InvalidValue,
                    "\"\" is not a number".to_owned(),
                ));
                continue;
            }
            Cell::Bad(v) => {
                rejections.push(reject(
                    value_col,
                    RejectReason::InvalidValue,
                    format!("{v:?} is not a number"),
                ));
                continue;
            }
        }
        let k = *index.entry(id).or_insert_with(|| {
            span.push((day, day));
            span.len() - 1
        });
        span[k] = (span[k].0.min(day), span[k].1.max(day));
        kept[i] = true;
    }
    // Pass 2: fill each series' calendar.
    let step = freq.days() as i32;
    let mut filled: Vec<Vec<f64>> = span
        .iter()
        .map(|(a, b)| vec![0.0; ((b - a) / step + 1) as usize])
        .collect();
    for (i, ((id, day), value)) in ids.iter().zip(times.iter()).zip(values.iter()).enumerate() {
        if !kept[i] {
            continue;
        }
        let (Some(id), Cell::Value(day), Cell::Value(v)) = (id, day, value) else {
            continue;
        };
        let Some(&k) = index.get(id) else {
            continue;
        };
        let offset = day - span[k].0;
        if offset % step != 0 {
            rejections.push(Rejection {
                row: i + 1,
                field: time_col.to_owned(),
                reason: RejectReason::InvalidValue,
                detail: format!(
                    "{} is not a whole number of {freq}s after the series' first time {}",
                    date_of(day),
                    date_of(span[k].0)
                ),
            });
            continue;
        }
        filled[k][(offset / step) as usize] += v;
    }
    let mut out: Vec<Series> = index
        .into_iter()
        .map(|(id, k)| Series {
            id: id.to_owned(),
            start: date_of(span[k].0),
            values: std::mem::take(&mut filled[k]),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    rejections.sort_by_key(|r| r.row);
    Ok((out, rejections))
}

/// A cell read from a column: missing, a value, or text that does not read as one.
enum Cell<'a, T> {
    Missing,
    Value(T),
    Bad(&'a str),
}

/// Days since 1970-01-01 as a date.
fn date_of(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + Duration::days(i64::from(days))
}

/// A time column read as days since 1970: dates, date-times (their date) or text.
enum TimeCells {
    Days(Column),
    Text(Column),
}

impl TimeCells {
    fn new(c: &Column) -> PolarsResult<Self> {
        Ok(match c.dtype() {
            DataType::Date => Self::Days(c.cast(&DataType::Int32)?),
            DataType::Datetime(..) => Self::Days(c.cast(&DataType::Date)?.cast(&DataType::Int32)?),
            _ => Self::Text(c.cast(&DataType::String)?),
        })
    }

    fn iter(&self) -> Box<dyn Iterator<Item = Cell<'_, i32>> + '_> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        match self {
            Self::Days(c) => match c.i32() {
                Ok(ca) => Box::new(ca.iter().map(|d| d.map_or(Cell::Missing, Cell::Value))),
                Err(_) => Box::new(std::iter::empty()),
            },
            Self::Text(c) => match c.str() {
                Ok(ca) => Box::new(ca.iter().map(move |t| {
                    match t {
                        None => Cell::Missing,
                        Some(t) => t
                            .get(..10)
                            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                            .map_or(Cell::Bad(t), |d| Cell::Value((d - epoch).num_days() as i32)),
                    }
                })),
                Err(_) => Box::new(std::iter::empty()),
            },
        }
    }
}

/// A value column read as finite numbers: numeric columns directly, text parsed.
enum ValueCells {
    Numbers(Column),
    Text(Column),
}

impl ValueCells {
    fn new(c: &Column) -> PolarsResult<Self> {
        Ok(if c.dtype().is_primitive_numeric() {
            Self::Numbers(c.cast(&DataType::Float64)?)
        } else {
            Self::Text(c.cast(&DataType::String)?)
        })
    }

    fn iter(&self) -> Box<dyn Iterator<Item = Cell<'_, f64>> + '_> {
        match self {
            Self::Numbers(c) => match c.f64() {
                Ok(ca) => Box::new(ca.iter().map(|v| match v {
                    None => Cell::Missing,
                    Some(v) if v.is_finite() => Cell::Value(v),
                    Some(_) => Cell::Bad("not finite"),
                })),
                Err(_) => Box::new(std::iter::empty()),
            },
            Self::Text(c) => match c.str() {
                Ok(ca) => Box::new(ca.iter().map(|t| {
                    match t {
                        None => Cell::Missing,
                        Some(t) => t
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|v| v.is_finite())
                            .map_or(Cell::Bad(t), Cell::Value),
                    }
                })),
                Err(_) => Box::new(std::iter::empty()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_tables_fill_gaps_and_reject_bad_rows() {
        let df = df!(
            "id" => ["a", "a", "a", "b", "b", "", "b"],
            "ds" => ["2024-01-01", "2024-01-03", "2024-01-03", "2024-01-01", "x", "2024-01-01", "2024-01-02"],
            "y" => ["1", "2", "3", "4", "5", "6", "n/a"]
        )
        .unwrap();
        let (series, rejected) = long_series(&df, "id", "ds", "y", Freq::Day).unwrap();
        assert_eq!(series[0].values, [1.0, 0.0, 5.0]);
        assert_eq!(series[1].values, [4.0]);
        let rows: Vec<usize> = rejected.iter().map(|r| r.row).collect();
        assert_eq!(rows, [5, 6, 7]);
        let weekly = df!("id" => ["w", "w", "w"], "ds" => ["2024-01-01", "2024-01-15", "2024-01-16"], "y" => [1, 2, 3]).unwrap();
        let (series, rejected) = long_series(&weekly, "id", "ds", "y", Freq::Week).unwrap();
        assert_eq!(series[0].values, [1.0, 0.0, 2.0]);
        assert_eq!(rejected[0].row, 3);
    }

    #[test]
    fn case_series_keep_whole_weeks_only() {
        // Sunday 2023-01-01 to Wednesday 2023-01-18: whole weeks are 2–8 and 9–15 January.
        let ms = |d: &str| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis()
        };
        let days = [
            "2023-01-01",
            "2023-01-02",
            "2023-01-08",
            "2023-01-09",
            "2023-01-18",
        ];
        let df = DataFrame::new_infer_height(vec![
            Column::new(cs::GRID_CODE.into(), vec!["371102001001001"; 5]),
            Column::new(
                cs::REPORTED_AT.into(),
                days.iter().map(|d| ms(d)).collect::<Vec<_>>(),
            )
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap(),
        ])
        .unwrap();
        let weekly = case_series(
            &df,
            Unit::Grid,
            Group::All,
            Freq::Week,
            &CaseFilter::default(),
        )
        .unwrap();
        assert_eq!(
            weekly[0].start,
            NaiveDate::from_ymd_opt(2023, 1, 2).unwrap()
        );
        assert_eq!(weekly[0].values, [2.0, 1.0]);
        let daily = case_series(
            &df,
            Unit::Grid,
            Group::All,
            Freq::Day,
            &CaseFilter::default(),
        )
        .unwrap();
        assert_eq!(daily[0].values.len(), 18);
        assert_eq!(daily[0].values.iter().sum::<f64>(), 5.0);
    }

    #[test]
    fn weeks_start_on_monday() {
        let sunday = NaiveDate::from_ymd_opt(2024, 1, 7).unwrap();
        assert_eq!(
            Freq::Week.period_of(sunday),
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
        );
    }
}
