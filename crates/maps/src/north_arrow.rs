//! The north arrow: "N" over a two-tone needle pointing up (the map is always north-up: the
//! caller's projected CRS has y pointing north).

use tiny_skia::{PathBuilder, Pixmap, Stroke, Transform};

use crate::draw::{fill_polygon, paint};
use crate::text::{TextStyle, Typesetter};
use crate::view::PxRect;

/// Draws the arrow inside `frame`.
pub(crate) fn draw(pixmap: &mut Pixmap, ts: &Typesetter<'_>, frame: PxRect, unit: f32) {
    let dark = [40, 40, 40];
    let size = 1.1 * unit;
    let cx = frame.x + frame.w / 2.0;
    let letter_w = ts.width("N", size);
    let baseline = frame.y + ts.ascent(size);
    ts.draw(
        pixmap,
        "N",
        cx - letter_w / 2.0,
        baseline,
        TextStyle {
            bold: true,
            ..TextStyle::new(size, dark)
        },
    );

    let tip = (cx, baseline + 0.35 * unit);
    let bottom = frame.bottom();
    let notch = (cx, bottom - 0.55 * unit);
    let half_w = frame.w * 0.32;
    let left = (cx - half_w, bottom);
    let right = (cx + half_w, bottom);
    // Left half dark, right half white, one outline around both.
    fill_polygon(pixmap, &[tip, left, notch], dark);
    fill_polygon(pixmap, &[tip, right, notch], [255, 255, 255]);
    let mut pb = PathBuilder::new();
    pb.move_to(tip.0, tip.1);
    pb.line_to(right.0, right.1);
    pb.line_to(notch.0, notch.1);
    pb.line_to(left.0, left.1);
    pb.close();
    if let Some(path) = pb.finish() {
        let stroke = Stroke {
            width: (0.08 * unit).max(1.0),
            line_join: tiny_skia::LineJoin::Miter,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(dark), &stroke, Transform::identity(), None);
    }
}
