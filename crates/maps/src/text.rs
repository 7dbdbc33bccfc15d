//! Text as filled glyph outlines: measuring and drawing one line at a time.

use tiny_skia::{FillRule, Paint, Path, PathBuilder, Pixmap, Stroke, Transform};
use ttf_parser::{Face, GlyphId, OutlineBuilder};

use crate::draw::paint;

/// How a run of text looks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextStyle {
    /// Em size in pixels.
    pub size_px: f32,
    /// Fill colour.
    pub color: [u8; 3],
    /// Thicken the glyphs (a stroke of the fill colour), for titles: the bundled font has one
    /// weight.
    pub bold: bool,
    /// A light outline behind the glyphs (colour, width in px), for labels over the map.
    pub halo: Option<([u8; 3], f32)>,
}

impl TextStyle {
    /// Plain text of this size and colour.
    pub fn new(size_px: f32, color: [u8; 3]) -> Self {
        Self {
            size_px,
            color,
            bold: false,
            halo: None,
        }
    }
}

/// Lays out and draws single lines of text with one face.
pub(crate) struct Typesetter<'a> {
    face: Face<'a>,
    units_per_em: f32,
}

impl<'a> Typesetter<'a> {
    /// A typesetter for this face.
    pub fn new(face: Face<'a>) -> Self {
        let units_per_em = f32::from(face.units_per_em().max(1));
        Self { face, units_per_em }
    }

    fn glyphs<'t>(&'t self, text: &'t str) -> impl Iterator<Item = GlyphId> + 't {
        text.chars()
            .filter(|c| !c.is_control())
            .map(|c| self.face.glyph_index(c).unwrap_or(GlyphId(0)))
    }

    fn advance(&self, glyph: GlyphId) -> f32 {
        self.face
            .glyph_hor_advance(glyph)
            .map_or(self.units_per_em / 2.0, f32::from)
    }

    /// The advance width of `text` at `size_px`.
    pub fn width(&self, text: &str, size_px: f32) -> f32 {
        let units: f32 = self.glyphs(text).map(|g| self.advance(g)).sum();
        units * size_px / self.units_per_em
    }

    /// Distance from the baseline up to the top of tall glyphs at `size_px`.
    pub fn ascent(&self, size_px: f32) -> f32 {
        // The typo ascender (880/1000 in Noto CJK) hugs the ideographs; hhea's (1160) does not.
        let asc = self
            .face
            .typographic_ascender()
            .filter(|a| *a > 0)
            .unwrap_or_else(|| self.face.ascender());
        f32::from(asc) * size_px / self.units_per_em
    }

    /// Distance from the baseline down to the bottom of descenders at `size_px` (positive).
    pub fn descent(&self, size_px: f32) -> f32 {
        let desc = self
            .face
            .typographic_descender()
            .filter(|d| *d < 0)
            .unwrap_or_else(|| self.face.descender());
        -f32::from(desc) * size_px / self.units_per_em
    }

    /// The outline of `text` with its baseline starting at (`x`, `baseline`), in pixels.
    pub fn path(&self, text: &str, size_px: f32, x: f32, baseline: f32) -> Option<Path> {
        let scale = size_px / self.units_per_em;
        let mut sink = GlyphSink {
            builder: PathBuilder::new(),
            x,
            y: baseline,
            scale,
        };
        for glyph in self.glyphs(text) {
            self.face.outline_glyph(glyph, &mut sink);
            sink.x += self.advance(glyph) * scale;
        }
        sink.builder.finish()
    }

    /// Draws `text` with its baseline starting at (`x`, `baseline`).
    pub fn draw(&self, pixmap: &mut Pixmap, text: &str, x: f32, baseline: f32, style: TextStyle) {
        let Some(path) = self.path(text, style.size_px, x, baseline) else {
            return;
        };
        if let Some((color, width)) = style.halo {
            let stroke = Stroke {
                width,
                line_join: tiny_skia::LineJoin::Round,
                ..Stroke::default()
            };
            pixmap.stroke_path(&path, &paint(color), &stroke, Transform::identity(), None);
        }
        let fill: Paint<'_> = paint(style.color);
        pixmap.fill_path(&path, &fill, FillRule::Winding, Transform::identity(), None);
        if style.bold {
            let stroke = Stroke {
                width: style.size_px * 0.035,
                line_join: tiny_skia::LineJoin::Round,
                ..Stroke::default()
            };
            pixmap.stroke_path(&path, &fill, &stroke, Transform::identity(), None);
        }
    }
}

/// Receives a glyph's outline in font units (y up) and appends it in pixels (y down).
struct GlyphSink {
    builder: PathBuilder,
    x: f32,
    y: f32,
    scale: f32,
}

impl GlyphSink {
    fn px(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y - y * self.scale)
    }
}

impl OutlineBuilder for GlyphSink {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.px(x, y);
        self.builder.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.px(x, y);
        self.builder.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.px(x1, y1);
        let (x, y) = self.px(x, y);
        self.builder.quad_to(x1, y1, x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.px(x1, y1);
        let (x2, y2) = self.px(x2, y2);
        let (x, y) = self.px(x, y);
        self.builder.cubic_to(x1, y1, x2, y2, x, y);
    }

    fn close(&mut self) {
        self.builder.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Font;

    #[test]
    fn widths_add_up_and_scale() {
        let font = Font::bundled();
        let ts = Typesetter::new(font.face().unwrap());
        // Ideographs are one em wide.
        assert!((ts.width("热点", 20.0) - 40.0).abs() < 0.01);
        let a = ts.width("Hot ", 20.0);
        let b = ts.width("spot", 20.0);
        assert!((ts.width("Hot spot", 20.0) - a - b).abs() < 0.01);
        assert!((ts.width("Hot spot", 40.0) - 2.0 * (a + b)).abs() < 0.01);
        assert!(ts.ascent(20.0) > 15.0 && ts.descent(20.0) > 1.0);
    }

    #[test]
    fn a_chinese_line_has_an_outline() {
        let font = Font::bundled();
        let ts = Typesetter::new(font.face().unwrap());
        let path = ts.path("日照市", 30.0, 10.0, 50.0).unwrap();
        let b = path.bounds();
        assert!(b.left() >= 10.0 && b.right() <= 10.0 + 90.0);
        assert!(b.top() >= 50.0 - 30.0 && b.bottom() <= 50.0 + 8.0);
    }
}
