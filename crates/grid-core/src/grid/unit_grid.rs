//! [`UnitGrid`]: one management unit grid (单元网格).

use chrono::NaiveDate;
use geo::MultiPolygon;

use crate::codes::{DivisionCode, GridCode};

/// One unit grid: its code, its polygon in the layer's (projected) CRS, and its attributes.
///
/// The parent codes (community, street, county) are part of the grid code, so they are methods
/// rather than fields and can never disagree with it.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitGrid {
    /// The 15-digit code.
    pub code: GridCode,
    /// The polygon(s), in the layer's CRS.
    pub geometry: MultiPolygon<f64>,
    /// Area in square metres, measured in the layer's CRS.
    pub area_m2: f64,
    /// First day the grid is valid, if known.
    pub valid_from: Option<NaiveDate>,
    /// Last day the grid is valid; `None` while it is current.
    pub valid_to: Option<NaiveDate>,
    /// Land use (for example "residential", "commercial"), if recorded.
    pub land_use: Option<String>,
    /// A city's own grid class, if recorded.
    pub class: Option<String>,
}

impl UnitGrid {
    /// The community (社区/村) the grid belongs to.
    pub fn community(&self) -> DivisionCode {
        self.code.community()
    }

    /// The street or town (街道/乡镇).
    pub fn street(&self) -> DivisionCode {
        self.code.street()
    }

    /// The county-level district (区县).
    pub fn district(&self) -> DivisionCode {
        self.code.county()
    }

    /// Whether the grid is valid on `day` (both ends inclusive; open ends always match).
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= day) && self.valid_to.is_none_or(|to| day <= to)
    }
}
