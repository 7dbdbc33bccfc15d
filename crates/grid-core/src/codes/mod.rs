//! The national codes of digital city management, validated at construction.
//!
//! | type | digits | what |
//! |---|---|---|
//! | [`DivisionCode`] | 6 / 9 / 12 | county-level division, street/town, community/village |
//! | [`GridCode`] | 15 (legacy 14) | unit grid (单元网格) |
//! | [`ComponentCode`] | 16 (2026: 17) | one component (部件) |
//! | [`ComponentClassCode`], [`EventClassCode`] | 4 (2026: 5) | a class of component or event |
//!
//! The class tables themselves are data ([`ClassCatalog`]), not enums.

mod catalog;
mod class;
mod component;
mod digits;
mod division;
mod division_table;
mod grid;
mod time_limit;

pub use catalog::{
    COMPONENT_FILE, COMPONENT_MAJOR_FILE, ClassCatalog, ClassOrigin, ComponentClass, EVENT_FILE,
    EVENT_MAJOR_FILE, EventClass, MajorClass,
};
pub use class::{ClassCode, ClassKind, Component, ComponentClassCode, Event, EventClassCode};
pub use component::{CodeEdition, ComponentCode};
pub use digits::PROVINCE_PREFIXES;
pub use division::{DivisionCode, DivisionLevel};
pub use division_table::{DivisionRecord, read_division_table};
pub use grid::{GridCode, StreetKind};
pub use time_limit::{TimeLimit, TimeLimitUnit};
