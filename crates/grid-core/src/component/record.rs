//! [`Component`]: one coded public facility (部件) and its attributes.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use geo::{Geometry, InteriorPoint, Point};

use crate::codes::{ComponentClassCode, ComponentCode};
use crate::error::{Error, Result};

/// A component's state, as the standard records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentStatus {
    /// 完好 intact.
    Intact,
    /// 破损 damaged.
    Damaged,
    /// 丢失 lost.
    Lost,
    /// 占用 occupied (used by someone else).
    Occupied,
}

impl ComponentStatus {
    /// The English name written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Intact => "intact",
            Self::Damaged => "damaged",
            Self::Lost => "lost",
            Self::Occupied => "occupied",
        }
    }
}

impl fmt::Display for ComponentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Accepts the English names and the Chinese terms of the standard (完好, 破损, 丢失, 占用).
impl FromStr for ComponentStatus {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "intact" | "完好" => Ok(Self::Intact),
            "damaged" | "破损" => Ok(Self::Damaged),
            "lost" | "丢失" => Ok(Self::Lost),
            "occupied" | "占用" => Ok(Self::Occupied),
            _ => Err(Error::invalid_value(
                "component status",
                s.to_owned(),
                "expected intact, damaged, lost or occupied (完好, 破损, 丢失, 占用)",
            )),
        }
    }
}

/// One component: a coded facility with a point, line or polygon geometry in the layer's CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    /// The 16- or 17-digit code; its class is `code.class_code()`.
    pub code: ComponentCode,
    /// Name, if recorded.
    pub name: Option<String>,
    /// Competent department (主管部门).
    pub department: Option<String>,
    /// Owner (权属单位).
    pub owner: Option<String>,
    /// Maintainer (养护单位).
    pub maintainer: Option<String>,
    /// State.
    pub status: ComponentStatus,
    /// Point, line or polygon, in the layer's CRS.
    pub geometry: Geometry<f64>,
    /// Date first recorded (初始日期).
    pub initial_date: Option<NaiveDate>,
    /// Date last changed (变更日期).
    pub change_date: Option<NaiveDate>,
}

impl Component {
    /// The component's class.
    pub fn class_code(&self) -> &ComponentClassCode {
        self.code.class_code()
    }

    /// The point that stands for the component in per-grid counts: the point itself, or a point
    /// guaranteed to lie on a line or inside a polygon.
    pub fn representative_point(&self) -> Option<Point<f64>> {
        match &self.geometry {
            Geometry::Point(p) => Some(*p),
            other => other.interior_point(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_in_both_languages() {
        assert_eq!(
            "破损".parse::<ComponentStatus>().unwrap(),
            ComponentStatus::Damaged
        );
        assert_eq!(
            " Lost ".parse::<ComponentStatus>().unwrap(),
            ComponentStatus::Lost
        );
        let err = "broken".parse::<ComponentStatus>().unwrap_err().to_string();
        assert!(err.contains("invalid component status broken"), "{err}");
    }
}
