//! From metres to pixels: the map's extent and the transform that fits it into a frame without
//! stretching.

use geo::CoordsIter;

use crate::error::MapError;
use crate::spec::MapSpec;

/// Below this span (metres) an extent is widened to it around its centre: a single point or a
/// tiny feature still gets a sensible map and scale bar.
const MIN_SPAN_M: f64 = 100.0;

/// Padding around the data, as a share of the larger side of the extent.
const PAD_SHARE: f64 = 0.03;

/// An axis-aligned box in map units (metres).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Extent {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl Extent {
    pub fn width(&self) -> f64 {
        self.max_x - self.min_x
    }

    pub fn height(&self) -> f64 {
        self.max_y - self.min_y
    }

    fn include(&mut self, x: f64, y: f64) {
        self.min_x = self.min_x.min(x);
        self.min_y = self.min_y.min(y);
        self.max_x = self.max_x.max(x);
        self.max_y = self.max_y.max(y);
    }

    /// The bounding box of the features (the outlines are context, clipped to the frame: a
    /// district far larger than the grids does not shrink them), or of the outlines when there
    /// is no feature; `None` when there are no coordinates. Fails on the first non-finite
    /// coordinate of either.
    pub fn of_spec(spec: &MapSpec) -> Result<Option<Self>, MapError> {
        let features = spec
            .features
            .iter()
            .enumerate()
            .map(|(i, (shape, _))| ("feature", i, shape));
        let outlines = spec
            .outlines
            .iter()
            .enumerate()
            .map(|(i, o)| ("outline", i, &o.shape));
        let of_features = Self::of_shapes(features)?;
        let of_outlines = Self::of_shapes(outlines)?;
        Ok(of_features.or(of_outlines))
    }

    fn of_shapes<'a>(
        layers: impl Iterator<Item = (&'static str, usize, &'a geo::MultiPolygon<f64>)>,
    ) -> Result<Option<Self>, MapError> {
        let mut ext: Option<Self> = None;
        for (layer, index, shape) in layers {
            for c in shape.coords_iter() {
                if !(c.x.is_finite() && c.y.is_finite()) {
                    return Err(MapError::NonFiniteCoordinate {
                        layer,
                        index,
                        x: c.x,
                        y: c.y,
                    });
                }
                match ext.as_mut() {
                    Some(e) => e.include(c.x, c.y),
                    None => {
                        ext = Some(Self {
                            min_x: c.x,
                            min_y: c.y,
                            max_x: c.x,
                            max_y: c.y,
                        })
                    }
                }
            }
        }
        Ok(ext)
    }

    /// This extent padded on every side, and at least [`MIN_SPAN_M`] on its larger side.
    pub fn padded(self) -> Self {
        let span = self.width().max(self.height());
        let (cx, cy) = (
            (self.min_x + self.max_x) / 2.0,
            (self.min_y + self.max_y) / 2.0,
        );
        if span < MIN_SPAN_M {
            let h = MIN_SPAN_M / 2.0;
            return Self {
                min_x: cx - h,
                min_y: cy - h,
                max_x: cx + h,
                max_y: cy + h,
            };
        }
        let pad = span * PAD_SHARE;
        Self {
            min_x: self.min_x - pad,
            min_y: self.min_y - pad,
            max_x: self.max_x + pad,
            max_y: self.max_y + pad,
        }
    }
}

/// A rectangle in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PxRect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl PxRect {
    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    pub fn overlaps(&self, other: &PxRect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// Metres to pixels: uniform scale, y flipped (north up), the extent centred in the frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Viewport {
    /// Pixels per metre.
    pub px_per_m: f64,
    /// Map x of the frame's pixel x = 0 and map y of pixel y = 0.
    origin_x: f64,
    origin_y: f64,
    /// Where the extent lands, in pixels.
    pub drawn: PxRect,
}

impl Viewport {
    /// Fits `extent` (non-empty, see [`Extent::padded`]) into `frame`.
    pub fn fit(extent: Extent, frame: PxRect) -> Self {
        let (w, h) = (extent.width().max(1e-9), extent.height().max(1e-9));
        let px_per_m = (f64::from(frame.w) / w).min(f64::from(frame.h) / h);
        let drawn_w = w * px_per_m;
        let drawn_h = h * px_per_m;
        let left = f64::from(frame.x) + (f64::from(frame.w) - drawn_w) / 2.0;
        let top = f64::from(frame.y) + (f64::from(frame.h) - drawn_h) / 2.0;
        Self {
            px_per_m,
            origin_x: extent.min_x - left / px_per_m,
            origin_y: extent.max_y + top / px_per_m,
            drawn: PxRect {
                x: left as f32,
                y: top as f32,
                w: drawn_w as f32,
                h: drawn_h as f32,
            },
        }
    }

    /// The pixel of map point (`x`, `y`). Computed in f64, so projected coordinates in the
    /// millions of metres keep their precision.
    pub fn px(&self, x: f64, y: f64) -> (f32, f32) {
        (
            ((x - self.origin_x) * self.px_per_m) as f32,
            ((self.origin_y - y) * self.px_per_m) as f32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> Extent {
        Extent {
            min_x,
            min_y,
            max_x,
            max_y,
        }
    }

    #[test]
    fn the_features_set_the_extent_and_outlines_only_without_features() {
        use geo::{Rect, coord};
        let square = |x0: f64, y0: f64, side: f64| {
            geo::MultiPolygon::new(vec![
                Rect::new(
                    coord! { x: x0, y: y0 },
                    coord! { x: x0 + side, y: y0 + side },
                )
                .to_polygon(),
            ])
        };
        let mut spec = MapSpec::new("t", "t");
        spec.outlines = vec![crate::Outline::new(square(-50_000.0, -50_000.0, 100_000.0))];
        let outlines_only = Extent::of_spec(&spec).unwrap().unwrap();
        assert_eq!(outlines_only.width(), 100_000.0);
        spec.features = vec![(square(1000.0, 2000.0, 300.0), Some(0))];
        let e = Extent::of_spec(&spec).unwrap().unwrap();
        assert_eq!(
            (e.min_x, e.min_y, e.max_x, e.max_y),
            (1000.0, 2000.0, 1300.0, 2300.0)
        );
    }

    #[test]
    fn fit_keeps_the_aspect_ratio_and_centres() {
        // A 2:1 extent in a square frame: full width, half height, centred vertically.
        let frame = PxRect {
            x: 10.0,
            y: 20.0,
            w: 400.0,
            h: 400.0,
        };
        let v = Viewport::fit(ext(500_000.0, 4_000_000.0, 502_000.0, 4_001_000.0), frame);
        assert!((v.px_per_m - 0.2).abs() < 1e-12);
        assert_eq!(v.px(500_000.0, 4_001_000.0), (10.0, 120.0));
        assert_eq!(v.px(502_000.0, 4_000_000.0), (410.0, 320.0));
    }

    #[test]
    fn degenerate_extents_get_a_minimum_span() {
        let p = ext(5.0, 5.0, 5.0, 5.0).padded();
        assert_eq!((p.width(), p.height()), (MIN_SPAN_M, MIN_SPAN_M));
        // A vertical line: the width is only padding, but not zero.
        let l = ext(0.0, 0.0, 0.0, 1000.0).padded();
        assert!(l.width() > 0.0 && l.height() > 1000.0);
    }
}
