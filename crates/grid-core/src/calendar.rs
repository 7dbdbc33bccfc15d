//! [`WorkCalendar`]: the clock that case time limits run on: office hours on working days, with
//! weekends, Chinese public holidays and the swapped working days (调休) of the State Council's
//! yearly notices (`data/calendar/china_holidays.csv`, 2020–2026).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::Deserialize;

use crate::codes::{TimeLimit, TimeLimitUnit};
use crate::error::{Error, Result};

/// Longest search for working time before giving up (a calendar with no working days).
const MAX_SEARCH_DAYS: i64 = 3_660;

/// Office hours: the periods of a working day when the clock runs, in order, not overlapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficeHours {
    periods: Vec<(NaiveTime, NaiveTime)>,
}

impl Default for OfficeHours {
    /// 08:30–12:00 and 13:30–17:30 (7.5 hours), a common schedule of Chinese city offices. A
    /// default to check against the city's own rules.
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        Self {
            periods: vec![(t(8, 30), t(12, 0)), (t(13, 30), t(17, 30))],
        }
    }
}

impl OfficeHours {
    /// Office hours from periods (start, end); each must end after it starts and after the
    /// previous one ends.
    pub fn new(periods: Vec<(NaiveTime, NaiveTime)>) -> Result<Self> {
        let ordered = periods.windows(2).all(|w| w[0].1 <= w[1].0);
        if periods.is_empty() || !ordered || periods.iter().any(|(s, e)| s >= e) {
            return Err(Error::invalid_value(
                "office hours",
                format!("{periods:?}"),
                "need at least one period, each ending after it starts, in order, not overlapping",
            ));
        }
        Ok(Self { periods })
    }

    /// Working time in one day.
    pub fn per_day(&self) -> Duration {
        self.periods.iter().map(|(s, e)| *e - *s).sum()
    }
}

#[derive(Deserialize)]
struct Row {
    year: i32,
    holiday: String,
    kind: String,
    start: String,
    end: String,
}

/// Working days and office hours.
///
/// A day is a working day if the calendar lists it as a swapped working day (`work`), else if it
/// is not a listed holiday (`off`) and falls Monday to Friday. Outside the years the table covers
/// only weekends are known: [`WorkCalendar::covers`] tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCalendar {
    off: BTreeMap<NaiveDate, String>,
    work: BTreeSet<NaiveDate>,
    years: Option<(i32, i32)>,
    hours: OfficeHours,
}

impl WorkCalendar {
    /// Reads a holiday table (`year,holiday,kind,start,end`; kind `off` or `work`; inclusive
    /// ISO dates). Errors name the file, line and field.
    pub fn load(path: &Path, hours: OfficeHours) -> Result<Self> {
        let format = |message: String| Error::Format {
            path: path.to_owned(),
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| format(e.to_string()))?;
        let headers = reader.headers().map_err(|e| format(e.to_string()))?.clone();
        let mut calendar = Self {
            off: BTreeMap::new(),
            work: BTreeSet::new(),
            years: None,
            hours,
        };
        for record in reader.records() {
            let record = record.map_err(|e| format(e.to_string()))?;
            let line = record.position().map_or(0, csv::Position::line);
            let fail = |field: &str, message: String| Error::Table {
                path: path.to_owned(),
                line,
                field: field.to_owned(),
                message,
            };
            let row: Row = record
                .deserialize(Some(&headers))
                .map_err(|e| fail("?", e.to_string()))?;
            let date = |field: &str, text: &str| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map_err(|e| fail(field, format!("{text:?}: {e}")))
            };
            let (start, end) = (date("start", &row.start)?, date("end", &row.end)?);
            if end < start {
                return Err(fail("end", format!("{end} is before start {start}")));
            }
            let off = match row.kind.as_str() {
                "off" => true,
                "work" => false,
                other => return Err(fail("kind", format!("{other:?}: expected off or work"))),
            };
            let mut day = start;
            while day <= end {
                if off {
                    calendar.off.insert(day, row.holiday.clone());
                } else {
                    calendar.work.insert(day);
                }
                day += Duration::days(1);
            }
            calendar.years = Some(match calendar.years {
                None => (row.year, row.year),
                Some((a, b)) => (a.min(row.year), b.max(row.year)),
            });
        }
        Ok(calendar)
    }

    /// Whether the holiday table covers `day`'s year.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.years
            .is_some_and(|(a, b)| (a..=b).contains(&day.year()))
    }

    /// The office hours.
    pub fn hours(&self) -> &OfficeHours {
        &self.hours
    }

    /// The name of the public holiday `day` is a day off for (as the table spells it, e.g.
    /// `春节 Spring Festival`), if it is one.
    pub fn holiday(&self, day: NaiveDate) -> Option<&str> {
        self.off.get(&day).map(String::as_str)
    }

    /// Whether the clock runs on `day`.
    pub fn is_work_day(&self, day: NaiveDate) -> bool {
        if self.work.contains(&day) {
            return true;
        }
        !self.off.contains_key(&day) && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The instant when `amount` of working time has run from `start`. Time before office hours,
    /// in breaks, after hours and on days off does not count; a limit that runs out exactly at
    /// the end of a period is due at that end.
    pub fn add_working_time(
        &self,
        start: NaiveDateTime,
        amount: Duration,
    ) -> Result<NaiveDateTime> {
        let mut remaining = amount;
        if remaining <= Duration::zero() {
            return Ok(start);
        }
        let mut day = start.date();
        for _ in 0..MAX_SEARCH_DAYS {
            if self.is_work_day(day) {
                for (s, e) in &self.hours.periods {
                    let (open, close) = (day.and_time(*s), day.and_time(*e));
                    if start >= close {
                        continue;
                    }
                    let from = start.max(open);
                    let available = close - from;
                    if remaining <= available {
                        return Ok(from + remaining);
                    }
                    remaining -= available;
                }
            }
            day += Duration::days(1);
        }
        Err(Error::invalid_value(
            "work calendar",
            start.to_string(),
            "has no working time in ten years",
        ))
    }

    /// The due time of a case dispatched at `start` with a class's time limit. Work hours count
    /// office time; `n work_days` count n × one day's office hours, which is the same clock time
    /// n working days later for a start within office hours.
    pub fn due(&self, start: NaiveDateTime, limit: TimeLimit) -> Result<NaiveDateTime> {
        let amount = match limit.unit {
            TimeLimitUnit::WorkHours => Duration::hours(i64::from(limit.amount)),
            TimeLimitUnit::WorkDays => {
                self.hours.per_day() * i32::try_from(limit.amount).unwrap_or(i32::MAX)
            }
        };
        self.add_working_time(start, amount)
    }

    /// Working time between two instants (zero if `end` is not after `start`): how long a stage
    /// took on the clock the time limits use.
    pub fn working_time_between(&self, start: NaiveDateTime, end: NaiveDateTime) -> Duration {
        let mut total = Duration::zero();
        let mut day = start.date();
        while day <= end.date() {
            if self.is_work_day(day) {
                for (s, e) in &self.hours.periods {
                    let from = start.max(day.and_time(*s));
                    let to = end.min(day.and_time(*e));
                    if to > from {
                        total += to - from;
                    }
                }
            }
            day += Duration::days(1);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar() -> WorkCalendar {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/calendar/china_holidays.csv");
        WorkCalendar::load(&path, OfficeHours::default()).unwrap()
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn limit(text: &str) -> TimeLimit {
        text.parse().unwrap()
    }

    #[test]
    fn hand_computed_due_times() {
        let c = calendar();
        for (start, limit_text, due) in [
            // 1.5 h on Mon 30 Sep, National Day 1-7 Oct off, 2.5 h from 08:30 on Tue 8 Oct.
            ("2024-09-30 16:00", "4 work_hours", "2024-10-08 11:00"),
            // Sat 12 Oct 2024 is a swapped working day.
            ("2024-10-12 09:00", "2 work_hours", "2024-10-12 11:00"),
            // Friday evening into Monday.
            ("2024-11-08 17:00", "1 work_hours", "2024-11-11 09:00"),
            // Two work days from Thu 26 Sep: Fri 27, then Sun 29 Sep (swapped working day).
            ("2024-09-26 10:00", "2 work_days", "2024-09-29 10:00"),
            // Dispatched in the lunch break: the clock starts at 13:30.
            ("2024-11-12 12:30", "1 work_hours", "2024-11-12 14:30"),
            // Exactly at closing time: nothing runs until the next morning.
            ("2024-11-12 17:30", "1 work_hours", "2024-11-13 09:30"),
            // Running out exactly at a period's end is due at that end.
            ("2024-11-12 11:00", "1 work_hours", "2024-11-12 12:00"),
            ("2024-11-12 16:30", "1 work_hours", "2024-11-12 17:30"),
            // Spring Festival 2025, off 28 Jan - 4 Feb: 0.5 h on Mon 27 Jan, then 7 h from 08:30
            // on Wed 5 Feb (3.5 h before lunch, 3.5 h from 13:30).
            ("2025-01-27 17:00", "1 work_days", "2025-02-05 17:00"),
        ] {
            assert_eq!(
                c.due(at(start), limit(limit_text)).unwrap(),
                at(due),
                "{start} + {limit_text}"
            );
        }
    }

    #[test]
    fn working_time_between_matches_due() {
        let c = calendar();
        let start = at("2024-09-30 16:00");
        let due = c.due(start, limit("4 work_hours")).unwrap();
        assert_eq!(c.working_time_between(start, due), Duration::hours(4));
        assert_eq!(c.working_time_between(due, start), Duration::zero());
        assert!(c.covers(start.date()) && !c.covers(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()));
    }

    #[test]
    fn bad_tables_and_hours_are_named_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        for (body, needle) in [
            (
                "2024,x,holiday,2024-01-01,2024-01-01\n",
                "line 2: field \"kind\"",
            ),
            ("2024,x,off,2024-01-05,2024-01-01\n", "field \"end\""),
            ("2024,x,off,2024-13-01,2024-01-01\n", "field \"start\""),
        ] {
            std::fs::write(&path, format!("year,holiday,kind,start,end\n{body}")).unwrap();
            let err = WorkCalendar::load(&path, OfficeHours::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{err}");
        }
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        assert!(OfficeHours::new(vec![(t(9), t(8))]).is_err());
        assert!(OfficeHours::new(vec![(t(8), t(12)), (t(11), t(13))]).is_err());
        assert_eq!(
            OfficeHours::new(vec![(t(8), t(12))]).unwrap().per_day(),
            Duration::hours(4)
        );
    }
}
