//! Components (部件): coded public facilities with a location.

mod layer;
mod record;

pub use layer::{ComponentLayer, properties};
pub use record::{Component, ComponentStatus};
