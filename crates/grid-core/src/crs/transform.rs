//! [`Transformer`]: moves coordinates between any two [`Crs`]s, through PROJ and the GCJ-02 /
//! BD-09 formulas.

use geo::{Coord, Geometry, MapCoords};
use proj::Proj;

use super::definition::{Crs, CrsKind};
use super::gcj02;
use crate::error::{Error, Result};

/// How far outside its EPSG area of use a projected coordinate may lie before it is rejected as
/// out of range, in degrees. Swapped easting/northing or a wrong zone lands far outside; genuine
/// data near a zone edge does not.
pub const AREA_OF_USE_MARGIN_DEG: f64 = 3.0;

/// A coordinate transformation between two CRSs, built once and applied to many points.
///
/// The pipeline is: undo GCJ-02/BD-09 if the source is one of them (giving WGS84), run PROJ
/// between the two datums/projections if they differ (with the axis order normalised to
/// east/north), then apply GCJ-02/BD-09 if the target is one of them. GCJ-02 → BD-09 and back
/// skip WGS84.
///
/// Inputs are checked before they are transformed: coordinates must be finite; longitudes in
/// [−180, 180] and latitudes in [−90, 90] for geographic sources; and projected coordinates must
/// lie within the CRS's area of use widened by [`AREA_OF_USE_MARGIN_DEG`]. Anything else is an
/// [`Error::CoordinateOutOfRange`] naming the coordinate and the reason.
///
/// A `Transformer` owns PROJ state that is not thread-safe, so it is not `Send`. For parallel
/// work, share its [`TransformPlan`] (which is `Send + Sync`) and build one `Transformer` per task
/// from it: the first build searches PROJ's database for the operation (tens of milliseconds),
/// the plan remembers the answer, and later builds take a fraction of a millisecond.
///
/// ```
/// use grid_core::crs::{Crs, Transformer};
/// let t = Transformer::new(Crs::wgs84(), Crs::cgcs2000_gk_cm120())?;
/// let (e, n) = t.transform(119.5, 35.4)?;
/// assert!((e - 454_578.957).abs() < 1e-3 && (n - 3_919_085.406).abs() < 1e-3);
/// # Ok::<(), grid_core::Error>(())
/// ```
pub struct Transformer {
    plan: TransformPlan,
    proj: Option<Proj>,
}

/// Everything about a transformation except the PROJ object itself: cheap to clone, safe to
/// share between threads, and quick to turn into a [`Transformer`] with
/// [`TransformPlan::build`].
#[derive(Clone, Debug)]
pub struct TransformPlan {
    from: Crs,
    to: Crs,
    source_geographic: bool,
    /// Valid (x, y) rectangle for a projected source: its area of use plus the margin, in source
    /// units. `None` when PROJ gives no area of use.
    source_domain: Option<[f64; 4]>,
    pre: Offset,
    post: Offset,
    /// The PROJ step, if the datums or projections differ.
    proj: Option<ProjStep>,
}

/// The PROJ operation between the two base CRSs.
#[derive(Clone, Debug)]
struct ProjStep {
    from: String,
    to: String,
    /// The operation's PROJ pipeline, when PROJ chose a single one; rebuilding from it skips the
    /// database search. `None` when PROJ keeps several candidates and picks per point.
    pipeline: Option<String>,
}

impl ProjStep {
    fn build(&self) -> std::result::Result<Proj, proj::ProjCreateError> {
        match &self.pipeline {
            Some(pipeline) => Proj::new(pipeline),
            None => Proj::new_known_crs(&self.from, &self.to, None),
        }
    }
}

/// A GCJ-02/BD-09 step around the PROJ step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Offset {
    None,
    Gcj02ToWgs84,
    Bd09ToWgs84,
    Wgs84ToGcj02,
    Wgs84ToBd09,
    Gcj02ToBd09,
    Bd09ToGcj02,
}

impl Offset {
    fn apply(self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Self::None => (lon, lat),
            Self::Gcj02ToWgs84 => gcj02::gcj02_to_wgs84(lon, lat),
            Self::Bd09ToWgs84 => gcj02::bd09_to_wgs84(lon, lat),
            Self::Wgs84ToGcj02 => gcj02::wgs84_to_gcj02(lon, lat),
            Self::Wgs84ToBd09 => gcj02::wgs84_to_bd09(lon, lat),
            Self::Gcj02ToBd09 => gcj02::gcj02_to_bd09(lon, lat),
            Self::Bd09ToGcj02 => gcj02::bd09_to_gcj02(lon, lat),
        }
    }
}

fn transform_error(from: Crs, to: Crs, message: impl ToString) -> Error {
    Error::Transform {
        from: from.to_string(),
        to: to.to_string(),
        message: message.to_string(),
    }
}

fn unknown_crs(crs: &Crs, reason: impl ToString) -> Error {
    Error::UnknownCrs {
        value: crs.to_string(),
        reason: reason.to_string(),
    }
}

/// Asks PROJ whether an EPSG CRS is geographic: moves 0.01° east from the middle of its area of
/// use and sees whether the CRS's own x moves by about 0.01 (degrees) or by about a kilometre.
pub(super) fn crs_kind_from_proj(crs: &Crs) -> Result<CrsKind> {
    let definition = crs.proj_definition();
    let object = Proj::new(&definition).map_err(|e| unknown_crs(crs, e))?;
    let (lon, lat) = match object.area_of_use() {
        Ok((Some(area), _)) if area.west <= area.east => (
            (area.west + area.east) / 2.0,
            (area.south + area.north) / 2.0,
        ),
        _ => (0.0, 0.0),
    };
    let to_crs =
        Proj::new_known_crs("EPSG:4326", &definition, None).map_err(|e| unknown_crs(crs, e))?;
    let a = to_crs
        .convert((lon, lat))
        .map_err(|e| unknown_crs(crs, e))?;
    let b = to_crs
        .convert((lon + 0.01, lat))
        .map_err(|e| unknown_crs(crs, e))?;
    let step = (b.0 - a.0).hypot(b.1 - a.1);
    if !step.is_finite() {
        return Err(unknown_crs(
            crs,
            "PROJ gave no finite position in its area of use",
        ));
    }
    Ok(if step < 1.0 {
        CrsKind::Geographic
    } else {
        CrsKind::Projected
    })
}

/// The source-CRS rectangle of a projected CRS's area of use widened by the margin.
fn projected_domain(crs: &Crs) -> Option<[f64; 4]> {
    let definition = crs.proj_definition();
    let object = Proj::new(&definition).ok()?;
    let (Some(area), _) = object.area_of_use().ok()? else {
        return None;
    };
    if area.west > area.east {
        return None; // crosses the antimeridian: leave the check to PROJ
    }
    let west = (area.west - AREA_OF_USE_MARGIN_DEG).max(-180.0);
    let east = (area.east + AREA_OF_USE_MARGIN_DEG).min(180.0);
    let south = (area.south - AREA_OF_USE_MARGIN_DEG).max(-89.0);
    let north = (area.north + AREA_OF_USE_MARGIN_DEG).min(89.0);
    let to_crs = Proj::new_known_crs("EPSG:4326", &definition, None).ok()?;
    let bounds = to_crs.transform_bounds(west, south, east, north, 21).ok()?;
    bounds.iter().all(|v| v.is_finite()).then_some(bounds)
}

impl Transformer {
    /// Builds the transformation from `from` to `to`. Fails with [`Error::UnknownCrs`] for an
    /// EPSG code PROJ does not know and [`Error::Transform`] when PROJ has no path between them.
    pub fn new(from: Crs, to: Crs) -> Result<Self> {
        let source_geographic = from.is_geographic()?;
        to.kind()?;
        let (pre, from_base) = match (from, to) {
            _ if from == to => (Offset::None, from),
            (Crs::Gcj02, Crs::Bd09) => (Offset::Gcj02ToBd09, to),
            (Crs::Bd09, Crs::Gcj02) => (Offset::Bd09ToGcj02, to),
            (Crs::Gcj02, _) => (Offset::Gcj02ToWgs84, Crs::Wgs84),
            (Crs::Bd09, _) => (Offset::Bd09ToWgs84, Crs::Wgs84),
            _ => (Offset::None, from),
        };
        let (to_base, post) = match to {
            _ if from_base == to => (to, Offset::None),
            Crs::Gcj02 => (Crs::Wgs84, Offset::Wgs84ToGcj02),
            Crs::Bd09 => (Crs::Wgs84, Offset::Wgs84ToBd09),
            _ => (to, Offset::None),
        };
        let (proj, step) = if from_base == to_base {
            (None, None)
        } else {
            let (from_def, to_def) = (from_base.proj_definition(), to_base.proj_definition());
            let proj = Proj::new_known_crs(&from_def, &to_def, None)
                .map_err(|e| transform_error(from, to, e))?;
            // A single chosen operation has a PROJ-string pipeline; several candidates do not
            // ("unavailable until proj_trans is called").
            let pipeline = proj.def().ok().filter(|d| d.starts_with("proj="));
            let step = ProjStep {
                from: from_def,
                to: to_def,
                pipeline,
            };
            (Some(proj), Some(step))
        };
        let source_domain = if source_geographic {
            None
        } else {
            projected_domain(&from)
        };
        let plan = TransformPlan {
            from,
            to,
            source_geographic,
            source_domain,
            pre,
            post,
            proj: step,
        };
        Ok(Self { plan, proj })
    }

    /// The plan this transformer was built from, to build more of it on other threads.
    pub fn plan(&self) -> &TransformPlan {
        &self.plan
    }

    /// The source CRS.
    pub fn from(&self) -> Crs {
        self.plan.from
    }

    /// The target CRS.
    pub fn to(&self) -> Crs {
        self.plan.to
    }

    fn out_of_range(&self, x: f64, y: f64, reason: impl Into<String>) -> Error {
        Error::CoordinateOutOfRange {
            x,
            y,
            crs: self.plan.from.to_string(),
            reason: reason.into(),
        }
    }

    /// Checks that (x, y) can be a position in the source CRS, without transforming it.
    pub fn check(&self, x: f64, y: f64) -> Result<()> {
        if !x.is_finite() || !y.is_finite() {
            return Err(self.out_of_range(x, y, "not a finite number"));
        }
        if self.plan.source_geographic {
            if !(-180.0..=180.0).contains(&x) {
                return Err(self.out_of_range(x, y, "longitude outside [-180, 180]"));
            }
            if !(-90.0..=90.0).contains(&y) {
                return Err(self.out_of_range(x, y, "latitude outside [-90, 90]"));
            }
        } else if let Some([west, south, east, north]) = self.plan.source_domain
            && (!(west..=east).contains(&x) || !(south..=north).contains(&y))
        {
            {
                return Err(self.out_of_range(
                    x,
                    y,
                    format!(
                        "outside the CRS's area of use (widened by {AREA_OF_USE_MARGIN_DEG}°): \
                         x in [{west:.0}, {east:.0}], y in [{south:.0}, {north:.0}]; \
                         are easting and northing swapped?"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Transforms one coordinate (x = east/longitude, y = north/latitude).
    pub fn transform(&self, x: f64, y: f64) -> Result<(f64, f64)> {
        self.check(x, y)?;
        let (mut u, mut v) = self.plan.pre.apply(x, y);
        if let Some(proj) = &self.proj {
            (u, v) = proj
                .convert((u, v))
                .map_err(|e| self.out_of_range(x, y, format!("PROJ: {e}")))?;
        }
        let (u, v) = self.plan.post.apply(u, v);
        if !u.is_finite() || !v.is_finite() {
            return Err(self.out_of_range(x, y, "the transformed position is not finite"));
        }
        Ok((u, v))
    }

    /// Transforms a [`Coord`].
    pub fn transform_coord(&self, c: Coord) -> Result<Coord> {
        let (x, y) = self.transform(c.x, c.y)?;
        Ok(Coord { x, y })
    }

    /// Transforms every vertex of a geometry; fails on the first vertex out of range.
    pub fn transform_geometry(&self, geometry: &Geometry) -> Result<Geometry> {
        if self.is_identity() {
            return Ok(geometry.clone());
        }
        geometry.try_map_coords(|c| self.transform_coord(c))
    }

    /// True when source and target are the same CRS.
    pub fn is_identity(&self) -> bool {
        self.plan.from == self.plan.to
    }
}

impl std::fmt::Debug for Transformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transformer")
            .field("plan", &self.plan)
            .finish_non_exhaustive()
    }
}

impl TransformPlan {
    /// Builds a [`Transformer`] from the plan, without searching PROJ's database again where
    /// PROJ chose a single operation.
    pub fn build(&self) -> Result<Transformer> {
        let proj = match &self.proj {
            None => None,
            Some(step) => Some(
                step.build()
                    .map_err(|e| transform_error(self.from, self.to, e))?,
            ),
        };
        Ok(Transformer {
            plan: self.clone(),
            proj,
        })
    }

    /// The source CRS.
    pub fn from(&self) -> Crs {
        self.from
    }

    /// The target CRS.
    pub fn to(&self) -> Crs {
        self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_proj() {
        assert_eq!(Crs::Epsg(4214).kind().unwrap(), CrsKind::Geographic); // Beijing 1954
        assert_eq!(Crs::Epsg(2385).kind().unwrap(), CrsKind::Projected); // Xian 1980 GK CM 120E
        assert_eq!(Crs::Epsg(4549).kind().unwrap(), CrsKind::Projected);
        assert!(matches!(
            Crs::Epsg(999_999).kind(),
            Err(Error::UnknownCrs { .. })
        ));
    }

    #[test]
    fn transformers_built_from_a_plan_agree_exactly() {
        for (from, to) in [
            (Crs::wgs84(), Crs::cgcs2000_gk_cm120()),
            (Crs::gcj02(), Crs::utm_50n()),
            (Crs::Epsg(4214), Crs::wgs84()), // several candidate operations: no pipeline
            (Crs::bd09(), Crs::gcj02()),
        ] {
            let first = Transformer::new(from, to).unwrap();
            let again = first.plan().build().unwrap();
            let a = first.transform(119.5, 35.4).unwrap();
            let b = again.transform(119.5, 35.4).unwrap();
            assert_eq!(a, b, "{from} -> {to}");
        }
    }

    #[test]
    fn plans_cross_threads() {
        let plan = Transformer::new(Crs::gcj02(), Crs::cgcs2000_gk_cm120())
            .unwrap()
            .plan()
            .clone();
        let here = plan.build().unwrap().transform(119.5, 35.4).unwrap();
        let there =
            std::thread::spawn(move || plan.build().unwrap().transform(119.5, 35.4).unwrap())
                .join()
                .unwrap();
        assert_eq!(here, there);
    }

    #[test]
    fn identity_is_exact() {
        let t = Transformer::new(Crs::gcj02(), Crs::gcj02()).unwrap();
        assert_eq!(t.transform(119.5, 35.4).unwrap(), (119.5, 35.4));
    }

    #[test]
    fn rejects_out_of_range_inputs() {
        let t = Transformer::new(Crs::wgs84(), Crs::cgcs2000_gk_cm120()).unwrap();
        for (x, y, needle) in [
            (f64::NAN, 35.0, "finite"),
            (119.0, f64::INFINITY, "finite"),
            (300.5, 35.4, "longitude"),
            (119.5, 95.4, "latitude"),
        ] {
            let err = t.transform(x, y).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
        let back = Transformer::new(Crs::cgcs2000_gk_cm120(), Crs::wgs84()).unwrap();
        // Northing and easting swapped: far outside CM 120°E's zone.
        let err = back
            .transform(3_919_085.4, 454_578.9)
            .unwrap_err()
            .to_string();
        assert!(err.contains("area of use"), "{err}");
        assert!(back.transform(454_578.957, 3_919_085.406).is_ok());
    }

    #[test]
    fn gcj02_to_projected_goes_through_wgs84() {
        let direct = Transformer::new(Crs::gcj02(), Crs::cgcs2000_gk_cm120()).unwrap();
        let (glon, glat) = gcj02::wgs84_to_gcj02(119.5, 35.4);
        let (e, n) = direct.transform(glon, glat).unwrap();
        let via = Transformer::new(Crs::wgs84(), Crs::cgcs2000_gk_cm120()).unwrap();
        let (e2, n2) = via.transform(119.5, 35.4).unwrap();
        assert!((e - e2).abs() < 1e-3 && (n - n2).abs() < 1e-3);
    }
}
