//! The map itself: class fills, district outlines on top, district labels.
//!
//! All features of one class go into one path filled once (35,000 grid cells are 8 fills, not
//! 35,000). Rings are oriented (exteriors one way, holes the other) and filled with the nonzero
//! rule, so holes stay empty while touching or overlapping features of a class merge without
//! gaps. Within a class, shared edges leave no anti-aliasing seam (coverage is computed for the
//! whole path); between classes the seam is at most a faint blend of the two colours.

use geo::{InteriorPoint, LineString, MultiPolygon};
use tiny_skia::{FillRule, LineCap, LineJoin, Mask, PathBuilder, Pixmap, Stroke, Transform};

use crate::draw::paint;
use crate::palette::NO_DATA_COLOR;
use crate::spec::MapSpec;
use crate::text::{TextStyle, Typesetter};
use crate::view::{PxRect, Viewport};

/// The colour of district outlines and their labels.
pub(crate) const OUTLINE_COLOR: [u8; 3] = [51, 51, 51];

/// Fills every feature with its class colour ("no data" features first, then the classes in
/// order). Class indices must have been checked.
pub(crate) fn draw_features(pixmap: &mut Pixmap, spec: &MapSpec, vp: &Viewport) {
    let n = spec.classes.len();
    // Slot n is "no data".
    let mut builders: Vec<PathBuilder> = (0..=n).map(|_| PathBuilder::new()).collect();
    for (shape, class) in &spec.features {
        let slot = class.unwrap_or(n).min(n);
        if let Some(pb) = builders.get_mut(slot) {
            push_multi_polygon(pb, shape, vp);
        }
    }
    // "No data" goes first, under the classes.
    builders.rotate_right(1);
    let colors = std::iter::once(NO_DATA_COLOR).chain(spec.classes.iter().map(|c| c.color));
    for (pb, color) in builders.into_iter().zip(colors) {
        let Some(path) = pb.finish() else {
            continue;
        };
        let fill = paint(color);
        pixmap.fill_path(&path, &fill, FillRule::Winding, Transform::identity(), None);
    }
}

/// Strokes every outline, thick and dark.
pub(crate) fn draw_outlines(
    pixmap: &mut Pixmap,
    spec: &MapSpec,
    vp: &Viewport,
    frame: PxRect,
    unit: f32,
) {
    let mut pb = PathBuilder::new();
    for outline in &spec.outlines {
        push_multi_polygon(&mut pb, &outline.shape, vp);
    }
    let Some(path) = pb.finish() else {
        return;
    };
    let stroke = Stroke {
        width: 0.15 * unit,
        line_join: LineJoin::Round,
        line_cap: LineCap::Round,
        ..Stroke::default()
    };
    // Outlines reaching beyond the features are clipped to the map frame.
    let mut clip = Mask::new(pixmap.width(), pixmap.height());
    if let (Some(clip), Some(rect)) = (
        clip.as_mut(),
        tiny_skia::Rect::from_xywh(frame.x, frame.y, frame.w, frame.h),
    ) {
        clip.fill_path(
            &PathBuilder::from_rect(rect),
            FillRule::Winding,
            false,
            Transform::identity(),
        );
    }
    pixmap.stroke_path(
        &path,
        &paint(OUTLINE_COLOR),
        &stroke,
        Transform::identity(),
        clip.as_ref(),
    );
}

/// Writes outline labels at a point inside each outline, with a white halo. A label that would
/// overlap one already written, or leave the map frame, is skipped (the outlines' order is
/// their priority).
pub(crate) fn draw_labels(
    pixmap: &mut Pixmap,
    ts: &Typesetter<'_>,
    spec: &MapSpec,
    vp: &Viewport,
    frame: PxRect,
    unit: f32,
) {
    let size = 0.9 * unit;
    let style = TextStyle {
        bold: true,
        halo: Some(([255, 255, 255], 0.25 * unit)),
        ..TextStyle::new(size, OUTLINE_COLOR)
    };
    let mut placed: Vec<PxRect> = Vec::new();
    for outline in &spec.outlines {
        let Some(label) = outline.label.as_deref().filter(|l| !l.is_empty()) else {
            continue;
        };
        let Some(point) = outline.shape.interior_point() else {
            continue;
        };
        let (cx, cy) = vp.px(point.x(), point.y());
        let w = ts.width(label, size);
        let (asc, desc) = (ts.ascent(size), ts.descent(size));
        let baseline = cy + (asc - desc) / 2.0;
        let pad = 0.3 * unit;
        let bbox = PxRect {
            x: cx - w / 2.0 - pad,
            y: baseline - asc - pad,
            w: w + 2.0 * pad,
            h: asc + desc + 2.0 * pad,
        };
        let inside = bbox.x >= frame.x
            && bbox.y >= frame.y
            && bbox.right() <= frame.right()
            && bbox.bottom() <= frame.bottom();
        if !inside || placed.iter().any(|p| p.overlaps(&bbox)) {
            continue;
        }
        ts.draw(pixmap, label, cx - w / 2.0, baseline, style);
        placed.push(bbox);
    }
}

fn push_multi_polygon(pb: &mut PathBuilder, shape: &MultiPolygon<f64>, vp: &Viewport) {
    for polygon in shape {
        push_ring(pb, polygon.exterior(), vp, true);
        for hole in polygon.interiors() {
            push_ring(pb, hole, vp, false);
        }
    }
}

/// Appends a ring, counter-clockwise (in map coordinates) if `exterior`, clockwise if not.
fn push_ring(pb: &mut PathBuilder, ring: &LineString<f64>, vp: &Viewport, exterior: bool) {
    let coords = &ring.0;
    if coords.len() < 3 {
        return;
    }
    let ccw = signed_area(coords) > 0.0;
    let mut first = true;
    let mut push = |c: &geo::Coord<f64>| {
        let (x, y) = vp.px(c.x, c.y);
        if first {
            pb.move_to(x, y);
            first = false;
        } else {
            pb.line_to(x, y);
        }
    };
    if ccw == exterior {
        coords.iter().for_each(&mut push);
    } else {
        coords.iter().rev().for_each(&mut push);
    }
    pb.close();
}

/// Twice the signed area (shoelace): positive for counter-clockwise rings. Relative to the
/// first vertex, so large projected coordinates do not cancel out.
fn signed_area(coords: &[geo::Coord<f64>]) -> f64 {
    let Some(o) = coords.first() else {
        return 0.0;
    };
    coords
        .windows(2)
        .map(|w| (w[0].x - o.x) * (w[1].y - o.y) - (w[1].x - o.x) * (w[0].y - o.y))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    #[test]
    fn signed_area_tells_orientation_far_from_the_origin() {
        let (x0, y0) = (39_500_000.0, 4_000_000.0);
        let ccw = [
            coord! { x: x0, y: y0 },
            coord! { x: x0 + 100.0, y: y0 },
            coord! { x: x0 + 100.0, y: y0 + 100.0 },
            coord! { x: x0, y: y0 + 100.0 },
            coord! { x: x0, y: y0 },
        ];
        assert_eq!(signed_area(&ccw), 20_000.0);
        let cw: Vec<_> = ccw.iter().rev().copied().collect();
        assert_eq!(signed_area(&cw), -20_000.0);
    }
}
