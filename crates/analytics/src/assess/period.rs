//! Assessment periods: a year, a quarter, a month, or any window of days.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};

use crate::error::{Error, Result};

/// A half-open window [start, end) of whole days, with the label it was written as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// As written: `2025`, `2025-Q3`, `2025-07` or `2025-07-01..2025-10-01`.
    pub label: String,
    /// First instant inside.
    pub start: NaiveDateTime,
    /// First instant after (the evaluation cut-off).
    pub end: NaiveDateTime,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Year,
    Quarter,
    Month,
    Window,
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default()
}

impl Period {
    fn new(kind: Kind, start: NaiveDate, end: NaiveDate) -> Self {
        let label = match kind {
            Kind::Year => format!("{}", start.year()),
            Kind::Quarter => format!("{}-Q{}", start.year(), start.month0() / 3 + 1),
            Kind::Month => format!("{}-{:02}", start.year(), start.month()),
            Kind::Window => format!("{start}..{end}"),
        };
        Self {
            label,
            start: midnight(start),
            end: midnight(end),
            kind,
        }
    }

    /// The period just before: the previous year, quarter or month, or for a window the window
    /// of the same length ending where this one starts.
    pub fn previous(&self) -> Self {
        let start = self.start.date();
        let back = |months: u32| {
            start
                .checked_sub_months(Months::new(months))
                .unwrap_or(start)
        };
        match self.kind {
            Kind::Year => Self::new(Kind::Year, back(12), start),
            Kind::Quarter => Self::new(Kind::Quarter, back(3), start),
            Kind::Month => Self::new(Kind::Month, back(1), start),
            Kind::Window => {
                let days = (self.end - self.start).num_days();
                Self::new(Kind::Window, start - chrono::Duration::days(days), start)
            }
        }
    }

    /// Whether `t` lies inside.
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        self.start <= t && t < self.end
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl FromStr for Period {
    type Err = Error;

    /// `2025`, `2025-Q3` (also `2025Q3`), `2025-07`, or `2025-07-01..2025-10-01` (end exclusive).
    fn from_str(s: &str) -> Result<Self> {
        let text = s.trim();
        let bad = |why: &str| Error::InvalidOption {
            option: "period",
            message: format!(
                "{text:?}: {why}; expected 2025, 2025-Q3, 2025-07 or 2025-07-01..2025-10-01"
            ),
        };
        let date = |d: &str| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| bad("not a date"))
        };
        let first =
            |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| bad("no such month"));
        let after = |d: NaiveDate, months: u32| {
            d.checked_add_months(Months::new(months))
                .ok_or_else(|| bad("out of range"))
        };
        if let Some((a, b)) = text.split_once("..") {
            let (a, b) = (date(a)?, date(b)?);
            if b <= a {
                return Err(bad("the window ends before it starts"));
            }
            return Ok(Self::new(Kind::Window, a, b));
        }
        let upper = text.to_uppercase();
        if let Some((y, q)) = upper.split_once('Q') {
            let year: i32 = y
                .trim_end_matches('-')
                .parse()
                .map_err(|_| bad("not a year"))?;
            let q: u32 = q
                .parse()
                .ok()
                .filter(|q| (1..=4).contains(q))
                .ok_or_else(|| bad("quarters are Q1 to Q4"))?;
            let start = first(year, 3 * q - 2)?;
            return Ok(Self::new(Kind::Quarter, start, after(start, 3)?));
        }
        if let Some((y, m)) = text.split_once('-') {
            let year: i32 = y.parse().map_err(|_| bad("not a year"))?;
            let month: u32 = m.parse().map_err(|_| bad("not a month"))?;
            let start = first(year, month)?;
            return Ok(Self::new(Kind::Month, start, after(start, 1)?));
        }
        let year: i32 = text.parse().map_err(|_| bad("not a period"))?;
        let start = first(year, 1)?;
        Ok(Self::new(Kind::Year, start, after(start, 12)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDateTime {
        midnight(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn periods_parse_and_step_back() {
        let q: Period = "2025-Q3".parse().unwrap();
        assert_eq!((q.start, q.end), (day("2025-07-01"), day("2025-10-01")));
        assert_eq!(q.previous().label, "2025-Q2");
        assert_eq!(
            "2025-Q1".parse::<Period>().unwrap().previous().label,
            "2024-Q4"
        );
        let m: Period = "2025-03".parse().unwrap();
        assert_eq!((m.start, m.end), (day("2025-03-01"), day("2025-04-01")));
        assert_eq!(m.previous().label, "2025-02");
        let y: Period = "2024".parse().unwrap();
        assert_eq!(y.end, day("2025-01-01"));
        assert_eq!(y.previous().label, "2023");
        let w: Period = "2025-07-10..2025-07-20".parse().unwrap();
        assert_eq!(w.previous().label, "2025-06-30..2025-07-10");
        assert!(w.contains(day("2025-07-19")) && !w.contains(day("2025-07-20")));
        for bad in [
            "2025-Q5",
            "2025-13",
            "x",
            "2025-07-20..2025-07-10",
            "2025-02-30..2025-03-01",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
