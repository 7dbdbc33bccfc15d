//! Small drawing helpers over tiny-skia: solid paints and rectangles.

use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

/// An opaque, anti-aliased solid paint.
pub(crate) fn paint(color: [u8; 3]) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(color[0], color[1], color[2], 255);
    p.anti_alias = true;
    p
}

/// A solid paint with `opacity` in 0–1.
pub(crate) fn paint_alpha(color: [u8; 3], opacity: f32) -> Paint<'static> {
    let mut p = paint(color);
    let mut c = Color::from_rgba8(color[0], color[1], color[2], 255);
    c.apply_opacity(opacity);
    p.set_color(c);
    p
}

/// Fills `rect` with `color` at `opacity`.
pub(crate) fn fill_rect(pixmap: &mut Pixmap, rect: Rect, color: [u8; 3], opacity: f32) {
    pixmap.fill_rect(
        rect,
        &paint_alpha(color, opacity),
        Transform::identity(),
        None,
    );
}

/// Strokes `rect`'s border with `color`, `width_px` wide.
pub(crate) fn stroke_rect(pixmap: &mut Pixmap, rect: Rect, color: [u8; 3], width_px: f32) {
    let path = PathBuilder::from_rect(rect);
    let stroke = Stroke {
        width: width_px,
        ..Stroke::default()
    };
    pixmap.stroke_path(&path, &paint(color), &stroke, Transform::identity(), None);
}

/// Fills a closed polygon given by its pixel vertices.
pub(crate) fn fill_polygon(pixmap: &mut Pixmap, points: &[(f32, f32)], color: [u8; 3]) {
    let mut pb = PathBuilder::new();
    for (i, &(x, y)) in points.iter().enumerate() {
        if i == 0 {
            pb.move_to(x, y);
        } else {
            pb.line_to(x, y);
        }
    }
    pb.close();
    if let Some(path) = pb.finish() {
        pixmap.fill_path(
            &path,
            &paint(color),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }
}

/// A rectangle snapped to whole pixels, so that its fill is exactly its colour.
pub(crate) fn pixel_rect(x: f32, y: f32, w: f32, h: f32) -> Option<Rect> {
    Rect::from_ltrb(x.round(), y.round(), (x + w).round(), (y + h).round())
}
