//! The canonical case table (案件表): one row per reported problem, with its lifecycle times.
//! Every module reads and writes cases with these names and types; `docs/schema.md` documents
//! them (a test keeps the two in step) and the Python bindings export the same constants.

use std::fmt;
use std::str::FromStr;

use polars::prelude::{DataType, Field, Schema, TimeUnit};

use crate::error::Error;

/// Case id, unique in a city's history.
pub const CASE_ID: &str = "case_id";
/// Where the report came from: a [`CaseSource`].
pub const SOURCE: &str = "source";
/// Component (部件) or event (事件): a [`CaseKind`].
pub const KIND: &str = "kind";
/// Component or event class code (4 digits; 5 in the 2026 edition).
pub const CLASS_CODE: &str = "class_code";
/// When the problem was reported.
pub const REPORTED_AT: &str = "reported_at";
/// Reported longitude (or easting), in `CRS`.
pub const LON: &str = "lon";
/// Reported latitude (or northing), in `CRS`.
pub const LAT: &str = "lat";
/// The CRS of `lon`/`lat` as citygrid spells it (`gcj02` for app reports, `wgs84`, `EPSG:…`).
pub const CRS: &str = "crs";
/// Easting in the working CRS, metres (derived).
pub const X_M: &str = "x_m";
/// Northing in the working CRS, metres (derived).
pub const Y_M: &str = "y_m";
/// Component code, for component cases that name one.
pub const COMPONENT_CODE: &str = "component_code";
/// Department the case was dispatched to.
pub const DEPARTMENT: &str = "department";
/// Accepted and filed (立案).
pub const FILED_AT: &str = "filed_at";
/// Voided instead of filed (作废).
pub const VOIDED_AT: &str = "voided_at";
/// Dispatched to the department (派遣); the time limit runs from here.
pub const DISPATCHED_AT: &str = "dispatched_at";
/// Disposal due (derived from the class's time limit on the work calendar).
pub const DUE_AT: &str = "due_at";
/// Disposed by the department (处置).
pub const DISPOSED_AT: &str = "disposed_at";
/// Checked on site (核查).
pub const CHECKED_AT: &str = "checked_at";
/// Closed (结案).
pub const CLOSED_AT: &str = "closed_at";
/// How many times a failed check sent the case back (返工).
pub const REWORK_COUNT: &str = "rework_count";
/// Reported by the public (citizen app or hotline) rather than by a supervisor.
pub const PUBLIC_REPORT: &str = "public_report";
/// A public report verified as valid (counts in the public-report rate, 监督举报率).
pub const PUBLIC_REPORT_VERIFIED: &str = "public_report_verified";
/// The patrol supervisor who reported or verified the case.
pub const SUPERVISOR_ID: &str = "supervisor_id";
pub use crate::schema::{COMMUNITY_CODE, DISTRICT_CODE, GRID_CODE, STREET_CODE};

/// One column of the case table.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseColumn {
    /// Its name.
    pub name: &'static str,
    /// Its type in every table citygrid writes.
    pub dtype: DataType,
    /// Whether an input row must have it (derived columns are not required on input).
    pub required: bool,
    /// Whether citygrid derives it (coordinates in the working CRS, grid codes, due time).
    pub derived: bool,
    /// What it holds.
    pub description: &'static str,
}

fn datetime() -> DataType {
    DataType::Datetime(TimeUnit::Milliseconds, None)
}

/// Every column of the case table, in table order.
pub fn case_columns() -> Vec<CaseColumn> {
    let text = DataType::String;
    let c = |name, dtype, required, derived, description| CaseColumn {
        name,
        dtype,
        required,
        derived,
        description,
    };
    vec![
        c(CASE_ID, text.clone(), true, false, "case id, unique"),
        c(
            SOURCE,
            text.clone(),
            true,
            false,
            "supervisor, citizen_app, hotline_12345, hotline_12319, video_ai, other",
        ),
        c(KIND, text.clone(), true, false, "component or event"),
        c(
            CLASS_CODE,
            text.clone(),
            true,
            false,
            "component or event class code",
        ),
        c(
            REPORTED_AT,
            datetime(),
            true,
            false,
            "when the problem was reported (local time)",
        ),
        c(
            LON,
            DataType::Float64,
            true,
            false,
            "reported x: longitude, or easting in a projected CRS",
        ),
        c(
            LAT,
            DataType::Float64,
            true,
            false,
            "reported y: latitude, or northing",
        ),
        c(
            CRS,
            text.clone(),
            true,
            false,
            "CRS of lon/lat: gcj02, bd09, wgs84, cgcs2000 or EPSG:<code>",
        ),
        c(
            X_M,
            DataType::Float64,
            false,
            true,
            "easting in the working CRS, metres",
        ),
        c(
            Y_M,
            DataType::Float64,
            false,
            true,
            "northing in the working CRS, metres",
        ),
        c(
            GRID_CODE,
            text.clone(),
            false,
            true,
            "unit grid the case falls in (15 digits)",
        ),
        c(
            COMMUNITY_CODE,
            text.clone(),
            false,
            true,
            "its community (12 digits)",
        ),
        c(
            STREET_CODE,
            text.clone(),
            false,
            true,
            "its street or town (9 digits)",
        ),
        c(
            DISTRICT_CODE,
            text.clone(),
            false,
            true,
            "its county-level district (6 digits)",
        ),
        c(
            COMPONENT_CODE,
            text.clone(),
            false,
            false,
            "component code (16 or 17 digits), component cases only",
        ),
        c(
            DEPARTMENT,
            text.clone(),
            false,
            false,
            "department dispatched to",
        ),
        c(
            FILED_AT,
            datetime(),
            false,
            false,
            "accepted and filed (立案)",
        ),
        c(
            VOIDED_AT,
            datetime(),
            false,
            false,
            "voided instead of filed (作废)",
        ),
        c(
            DISPATCHED_AT,
            datetime(),
            false,
            false,
            "dispatched (派遣); the time limit runs from here",
        ),
        c(
            DUE_AT,
            datetime(),
            false,
            true,
            "disposal due, from the class's time limit on the work calendar",
        ),
        c(DISPOSED_AT, datetime(), false, false, "disposed (处置)"),
        c(
            CHECKED_AT,
            datetime(),
            false,
            false,
            "checked on site (核查)",
        ),
        c(CLOSED_AT, datetime(), false, false, "closed (结案)"),
        c(
            REWORK_COUNT,
            DataType::UInt32,
            false,
            false,
            "returns to the department after a failed check (返工)",
        ),
        c(
            PUBLIC_REPORT,
            DataType::Boolean,
            false,
            false,
            "reported by the public (app or hotline)",
        ),
        c(
            PUBLIC_REPORT_VERIFIED,
            DataType::Boolean,
            false,
            false,
            "public report verified as valid",
        ),
        c(
            SUPERVISOR_ID,
            text,
            false,
            false,
            "patrol supervisor who reported or verified it",
        ),
    ]
}

/// The case table's polars schema.
pub fn case_schema() -> Schema {
    case_columns()
        .into_iter()
        .map(|c| Field::new(c.name.into(), c.dtype))
        .collect()
}

/// Where a case came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseSource {
    /// A patrol supervisor (监督员).
    Supervisor,
    /// A citizen's photo report in the city's app (随手拍), positions in GCJ-02.
    CitizenApp,
    /// The 12345 government service hotline.
    Hotline12345,
    /// The 12319 construction hotline.
    Hotline12319,
    /// Video or AI detection.
    VideoAi,
    /// Anything else (media, leadership referral…).
    Other,
}

impl CaseSource {
    /// Every source, in table order.
    pub const ALL: [Self; 6] = [
        Self::Supervisor,
        Self::CitizenApp,
        Self::Hotline12345,
        Self::Hotline12319,
        Self::VideoAi,
        Self::Other,
    ];

    /// The name written in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supervisor => "supervisor",
            Self::CitizenApp => "citizen_app",
            Self::Hotline12345 => "hotline_12345",
            Self::Hotline12319 => "hotline_12319",
            Self::VideoAi => "video_ai",
            Self::Other => "other",
        }
    }

    /// Whether reports from this source are public reports (counted in 监督举报率).
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Self::CitizenApp | Self::Hotline12345 | Self::Hotline12319
        )
    }
}

impl fmt::Display for CaseSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Accepts the table names and the usual Chinese terms (监督员, 随手拍, 12345, 12319, 视频, 其他).
impl FromStr for CaseSource {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim().to_lowercase();
        Ok(match t.as_str() {
            "supervisor" | "监督员" | "监督员上报" => Self::Supervisor,
            "citizen_app" | "随手拍" | "app" => Self::CitizenApp,
            "hotline_12345" | "12345" => Self::Hotline12345,
            "hotline_12319" | "12319" => Self::Hotline12319,
            "video_ai" | "视频" | "视频监控" | "ai" => Self::VideoAi,
            "other" | "其他" => Self::Other,
            _ => {
                return Err(Error::Core(grid_core::Error::InvalidValue {
                    name: "case source",
                    value: s.to_owned(),
                    reason: "expected supervisor, citizen_app, hotline_12345, hotline_12319, video_ai or other".to_owned(),
                }));
            }
        })
    }
}

/// Whether a case is about a component (部件) or an event (事件).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseKind {
    /// A coded facility.
    Component,
    /// A behaviour or state.
    Event,
}

impl CaseKind {
    /// The name written in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Component => "component",
            Self::Event => "event",
        }
    }
}

/// Accepts `component`/`event` and 部件/事件.
impl FromStr for CaseKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_lowercase().as_str() {
            "component" | "部件" => Ok(Self::Component),
            "event" | "事件" => Ok(Self::Event),
            _ => Err(Error::Core(grid_core::Error::InvalidValue {
                name: "case kind",
                value: s.to_owned(),
                reason: "expected component or event (部件 or 事件)".to_owned(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_table_lists_every_column_with_its_type() {
        let docs =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/schema.md"))
                .unwrap();
        for column in case_columns() {
            let row = docs
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", column.name)))
                .unwrap_or_else(|| panic!("docs/schema.md has no row for {}", column.name));
            assert!(
                row.contains(&format!("`{}`", column.dtype)),
                "{row} should name {}",
                column.dtype
            );
        }
        assert_eq!(
            case_schema().len(),
            case_columns().len(),
            "column names are unique"
        );
    }

    #[test]
    fn sources_and_kinds_parse() {
        for source in CaseSource::ALL {
            assert_eq!(source.as_str().parse::<CaseSource>().unwrap(), source);
        }
        assert_eq!(
            "随手拍".parse::<CaseSource>().unwrap(),
            CaseSource::CitizenApp
        );
        assert!(CaseSource::CitizenApp.is_public() && !CaseSource::Supervisor.is_public());
        assert!(
            "fax"
                .parse::<CaseSource>()
                .unwrap_err()
                .to_string()
                .contains("invalid case source fax")
        );
        assert_eq!("部件".parse::<CaseKind>().unwrap(), CaseKind::Component);
        assert!("thing".parse::<CaseKind>().is_err());
    }
}
