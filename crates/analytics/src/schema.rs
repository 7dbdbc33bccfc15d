//! Column names shared by every table citygrid writes. Everything else imports these constants;
//! the Python bindings will export the same ones.

/// The 15-digit unit grid code a row was assigned to.
pub const GRID_CODE: &str = "grid_code";
/// The 12-digit community code of that grid.
pub const COMMUNITY_CODE: &str = "community_code";
/// The 9-digit street code of that grid.
pub const STREET_CODE: &str = "street_code";
/// The 6-digit district (county-level) code of that grid.
pub const DISTRICT_CODE: &str = "district_code";
/// Distance in metres from a point to the grid it was given when it lay outside every grid
/// (0 for points inside; only with a tolerance).
pub const GRID_DISTANCE_M: &str = "grid_distance_m";

pub use grid_core::rejection::columns::{
    DETAIL as REJECT_DETAIL, FIELD as REJECT_FIELD, REASON as REJECT_REASON, ROW as ROW_NUMBER,
};
