//! [`TimeLimit`]: how long a department has to dispose of a case of a class.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// The unit a time limit is counted in, on the work calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeLimitUnit {
    /// Office hours on working days.
    WorkHours,
    /// Whole working days.
    WorkDays,
}

/// A disposal time limit such as "4 work_hours" or "2 work_days", counted from dispatch.
///
/// ```
/// use grid_core::codes::{TimeLimit, TimeLimitUnit};
/// let t: TimeLimit = "4 work_hours".parse()?;
/// assert_eq!((t.amount, t.unit), (4, TimeLimitUnit::WorkHours));
/// assert_eq!(t.to_string(), "4 work_hours");
/// # Ok::<(), grid_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeLimit {
    /// How many units, at least 1.
    pub amount: u32,
    /// Work hours or work days.
    pub unit: TimeLimitUnit,
}

impl FromStr for TimeLimit {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::invalid_code("time limit", s, reason);
        let mut parts = s.split_whitespace();
        let (Some(amount), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid("expected '<n> work_hours' or '<n> work_days'"));
        };
        let amount: u32 = amount
            .parse()
            .map_err(|_| invalid("the amount must be a whole number"))?;
        if amount == 0 {
            return Err(invalid("the amount must be at least 1"));
        }
        let unit = match unit {
            "work_hours" | "work_hour" => TimeLimitUnit::WorkHours,
            "work_days" | "work_day" => TimeLimitUnit::WorkDays,
            _ => return Err(invalid("the unit must be work_hours or work_days")),
        };
        Ok(Self { amount, unit })
    }
}

impl fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            TimeLimitUnit::WorkHours => "work_hours",
            TimeLimitUnit::WorkDays => "work_days",
        };
        write!(f, "{} {unit}", self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            "2 work_days".parse::<TimeLimit>().unwrap(),
            TimeLimit {
                amount: 2,
                unit: TimeLimitUnit::WorkDays
            }
        );
        for bad in [
            "",
            "4",
            "4 hours",
            "0 work_days",
            "x work_days",
            "1 work_days extra",
        ] {
            assert!(bad.parse::<TimeLimit>().is_err(), "{bad}");
        }
    }
}
