//! The legend: one swatch per class with its bilingual label, and "no data" when some feature
//! has no class.

use tiny_skia::Pixmap;

use crate::draw::{fill_rect, pixel_rect, stroke_rect};
use crate::palette::NO_DATA_COLOR;
use crate::spec::{MapSpec, legend_label};
use crate::text::{TextStyle, Typesetter};
use crate::view::PxRect;

/// The legend's heading.
const TITLE: &str = "图例 · Legend";

// Sizes in units (see `layout`).
const TITLE_SIZE: f32 = 1.05;
const TITLE_ROW: f32 = 2.2;
const TEXT_SIZE: f32 = 0.95;
const ROW: f32 = 1.6;
const SWATCH_W: f32 = 1.8;
const SWATCH_H: f32 = 1.1;
const GAP: f32 = 0.6;
const PAD: f32 = 0.4;

/// The rows of the legend.
pub(crate) struct Legend {
    entries: Vec<(String, [u8; 3])>,
}

impl Legend {
    /// The spec's classes in order, then "无数据 · No data" if any feature has no class.
    pub fn new(spec: &MapSpec) -> Self {
        let mut entries: Vec<_> = spec
            .classes
            .iter()
            .map(|c| (c.legend_label(), c.color))
            .collect();
        if spec.features.iter().any(|(_, class)| class.is_none()) {
            entries.push((legend_label("无数据", "No data"), NO_DATA_COLOR));
        }
        Self { entries }
    }

    /// The width the legend would like, in px per layout unit.
    pub fn width_per_unit(&self, ts: &Typesetter<'_>) -> f32 {
        let labels = self
            .entries
            .iter()
            .map(|(label, _)| ts.width(label, TEXT_SIZE))
            .fold(0.0, f32::max);
        let rows = SWATCH_W + GAP + labels;
        let title = ts.width(TITLE, TITLE_SIZE);
        2.0 * PAD + rows.max(title)
    }

    /// Draws the legend at the top of `panel`, shrinking it to fit the panel when there are many
    /// classes or long labels. Returns each swatch's box.
    pub fn draw(
        &self,
        pixmap: &mut Pixmap,
        ts: &Typesetter<'_>,
        panel: PxRect,
        unit: f32,
    ) -> Vec<PxRect> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        let natural_h = (TITLE_ROW + ROW * self.entries.len() as f32) * unit;
        let natural_w = self.width_per_unit(ts) * unit;
        let fit = (panel.h / natural_h).min(panel.w / natural_w).min(1.0);
        let u = unit * fit;

        let dark = [40, 40, 40];
        let x = panel.x + PAD * u;
        let mut y = panel.y;
        let title_style = TextStyle {
            bold: true,
            ..TextStyle::new(TITLE_SIZE * u, dark)
        };
        ts.draw(pixmap, TITLE, x, y + ts.ascent(TITLE_SIZE * u), title_style);
        y += TITLE_ROW * u;

        let mut swatches = Vec::with_capacity(self.entries.len());
        let text = TextStyle::new(TEXT_SIZE * u, dark);
        for (label, color) in &self.entries {
            let top = y + (ROW - SWATCH_H) / 2.0 * u;
            if let Some(r) = pixel_rect(x, top, SWATCH_W * u, SWATCH_H * u) {
                fill_rect(pixmap, r, *color, 1.0);
                // The border sits on the swatch's outermost pixels only.
                if let Some(inner) = tiny_skia::Rect::from_ltrb(
                    r.left() + 0.5,
                    r.top() + 0.5,
                    r.right() - 0.5,
                    r.bottom() - 0.5,
                ) {
                    stroke_rect(pixmap, inner, [110, 110, 110], 1.0);
                }
                swatches.push(PxRect {
                    x: r.left(),
                    y: r.top(),
                    w: r.width(),
                    h: r.height(),
                });
            }
            // Centre the label's ideographs on the swatch.
            let mid = top + SWATCH_H * u / 2.0;
            let baseline = mid + (ts.ascent(TEXT_SIZE * u) - ts.descent(TEXT_SIZE * u)) / 2.0;
            ts.draw(pixmap, label, x + (SWATCH_W + GAP) * u, baseline, text);
            y += ROW * u;
        }
        swatches
    }
}
