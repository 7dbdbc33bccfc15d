//! Lengths and areas in metres, which only a projected CRS gives.

use geo::{Area, Geometry};

use crate::crs::{Crs, CrsKind};
use crate::error::{Error, Result};

/// The area of a geometry in square metres, for a geometry in a projected CRS with metre units
/// (such as [`Crs::cgcs2000_gk_cm120`]). Fails for a geographic CRS, whose degrees have no area.
///
/// ```
/// use geo::{Geometry, Rect, coord};
/// use grid_core::{Crs, measure::area_m2};
/// let cell = Geometry::Rect(Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 100.0, y: 100.0 }));
/// assert_eq!(area_m2(&cell, Crs::cgcs2000_gk_cm120())?, 10_000.0);
/// # Ok::<(), grid_core::Error>(())
/// ```
pub fn area_m2(geometry: &Geometry, crs: Crs) -> Result<f64> {
    if crs.kind()? != CrsKind::Projected {
        return Err(Error::UnknownCrs {
            value: crs.to_string(),
            reason: "areas need a projected CRS in metres; transform the geometry first".to_owned(),
        });
    }
    Ok(geometry.unsigned_area())
}
