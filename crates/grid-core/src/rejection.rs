//! Rejected rows: why a row was set aside, and the tally a run reports.

use std::collections::BTreeMap;
use std::fmt;

/// Why a row (or feature) was rejected. Every rejected row keeps one reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    /// A coordinate field is empty or null.
    MissingCoordinate,
    /// A coordinate field is text that is not a number.
    UnparsableCoordinate,
    /// A coordinate is a number that cannot be a position in its CRS.
    OutOfRange,
    /// A GeoJSON feature has no geometry.
    MissingGeometry,
    /// A GeoJSON geometry that cannot be read as a geometry, or of the wrong type (a point
    /// where a polygon is needed).
    InvalidGeometry,
    /// A code (grid, division, class) that fails validation.
    InvalidCode,
    /// A code that an earlier row already used.
    DuplicateCode,
    /// A field whose value cannot be read (a date that is not a date).
    InvalidValue,
    /// A required field is empty or the column is absent.
    MissingField,
    /// A class code not in the class tables (or of the wrong kind).
    UnknownClass,
    /// A time after the moment of validation.
    FutureTime,
    /// Lifecycle times out of order (closed before filed, dispatched although voided…).
    TimesOutOfOrder,
    /// A position outside every unit grid of the city.
    OutsideCity,
}

impl RejectReason {
    /// The snake_case name written in rejected tables and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingCoordinate => "missing_coordinate",
            Self::UnparsableCoordinate => "unparsable_coordinate",
            Self::OutOfRange => "out_of_range",
            Self::MissingGeometry => "missing_geometry",
            Self::InvalidGeometry => "invalid_geometry",
            Self::InvalidCode => "invalid_code",
            Self::DuplicateCode => "duplicate_code",
            Self::InvalidValue => "invalid_value",
            Self::MissingField => "missing_field",
            Self::UnknownClass => "unknown_class",
            Self::FutureTime => "future_time",
            Self::TimesOutOfOrder => "times_out_of_order",
            Self::OutsideCity => "outside_city",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rejected row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// 1-based data row (the header does not count), or feature number in a GeoJSON file.
    pub row: usize,
    /// The field at fault.
    pub field: String,
    /// Why.
    pub reason: RejectReason,
    /// A message naming the offending value.
    pub detail: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, field {:?}: {}: {}",
            self.row, self.field, self.reason, self.detail
        )
    }
}

/// Counts of rejections by reason, in a stable order.
pub fn count_by_reason(rejections: &[Rejection]) -> BTreeMap<RejectReason, usize> {
    let mut counts = BTreeMap::new();
    for r in rejections {
        *counts.entry(r.reason).or_insert(0) += 1;
    }
    counts
}

/// Column names added in front of the original columns of a rejected table.
pub mod columns {
    /// 1-based data row number in the input.
    pub const ROW: &str = "row_number";
    /// The field at fault.
    pub const FIELD: &str = "reject_field";
    /// [`RejectReason`](super::RejectReason) as text.
    pub const REASON: &str = "reject_reason";
    /// The message naming the offending value.
    pub const DETAIL: &str = "reject_detail";
}
