//! Where everything goes: header (titles, north arrow), map frame, legend panel, footer.
//!
//! ```text
//! ┌──────────────────────────────────────────────┐
//! │ 标题 (zh, bold)                            ↑N │  header
//! │ Title (en)                                   │
//! │ subtitle                                     │
//! │ ┌──────────────────────────────┐  图例·Legend │
//! │ │                              │  ■ class 1   │
//! │ │            map               │  ■ class 2   │  legend panel
//! │ │                              │  …           │
//! │ │ [0  1  2 km]                 │              │
//! │ └──────────────────────────────┘              │
//! │ footer / source                              │  footer
//! └──────────────────────────────────────────────┘
//! ```
//!
//! Every size is a multiple of `unit`, 20 px at the default 1600 × 1200 and proportional to the
//! smaller of width/1600 and height/1200 otherwise.

use crate::text::Typesetter;
use crate::view::PxRect;

/// Font sizes and boxes of one picture.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layout {
    /// The base size, px.
    pub unit: f32,
    /// Outer margin, px.
    pub margin: f32,
    /// Title and subtitle baselines with their sizes, top to bottom.
    pub title_lines: Vec<Line>,
    /// The north arrow's box (top-right).
    pub north_arrow: PxRect,
    /// The map frame; the extent is centred in it.
    pub map_frame: PxRect,
    /// The legend panel (right of the map).
    pub legend: PxRect,
    /// The footer line, if any.
    pub footer: Option<Line>,
}

/// One line of text: what, where, how big.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    pub text: String,
    pub baseline: f32,
    pub size_px: f32,
    pub bold: bool,
    pub grey: bool,
}

/// The texts the layout has to make room for.
pub(crate) struct Texts<'s> {
    pub title_zh: &'s str,
    pub title_en: &'s str,
    pub subtitle: Option<&'s str>,
    pub footer: Option<&'s str>,
    /// The widest legend row's needs are computed by the legend itself; this is its width in
    /// px at `unit` = 1 (so the layout can scale it).
    pub legend_width_per_unit: f32,
}

impl Layout {
    /// Lays out a `width` × `height` picture.
    pub fn new(width: f32, height: f32, texts: &Texts<'_>, ts: &Typesetter<'_>) -> Self {
        let unit = 20.0 * (width / 1600.0).min(height / 1200.0);
        let margin = 1.6 * unit;

        // Title lines stop short of the north arrow; a line too long for that shrinks.
        let title_room = width - 2.0 * margin - 3.5 * unit;
        let fit = |text: &str, size_px: f32, room: f32| {
            let w = ts.width(text, size_px);
            if w > room && w > 0.0 {
                size_px * room / w
            } else {
                size_px
            }
        };
        let mut title_lines = Vec::new();
        let mut y = margin;
        let mut push = |text: &str, size_px: f32, bold: bool, grey: bool, y: &mut f32| {
            if text.is_empty() {
                return;
            }
            let size_px = fit(text, size_px, title_room);
            if !title_lines.is_empty() {
                *y += 0.3 * size_px;
            }
            let baseline = *y + ts.ascent(size_px);
            *y = baseline + ts.descent(size_px);
            title_lines.push(Line {
                text: text.to_owned(),
                baseline,
                size_px,
                bold,
                grey,
            });
        };
        push(texts.title_zh, 2.0 * unit, true, false, &mut y);
        push(texts.title_en, 1.3 * unit, false, false, &mut y);
        if let Some(sub) = texts.subtitle {
            y += 0.2 * unit;
            push(sub, 1.0 * unit, false, true, &mut y);
        }
        let arrow_h = 3.6 * unit;
        let header_bottom = y.max(margin + arrow_h) + 1.0 * unit;
        let north_arrow = PxRect {
            x: width - margin - 2.0 * unit,
            y: margin,
            w: 2.0 * unit,
            h: arrow_h,
        };

        let (footer, content_bottom) = match texts.footer {
            Some(text) if !text.is_empty() => {
                let footer_size = fit(text, 0.75 * unit, width - 2.0 * margin);
                let baseline = height - margin + 0.6 * unit - ts.descent(footer_size);
                let top = baseline - ts.ascent(footer_size) - 0.6 * unit;
                let line = Line {
                    text: text.to_owned(),
                    baseline,
                    size_px: footer_size,
                    bold: false,
                    grey: true,
                };
                (Some(line), top)
            }
            _ => (None, height - margin),
        };

        let legend_w = (texts.legend_width_per_unit * unit).min(0.4 * width);
        let legend = PxRect {
            x: width - margin - legend_w,
            y: header_bottom,
            w: legend_w,
            h: (content_bottom - header_bottom).max(1.0),
        };
        let map_frame = PxRect {
            x: margin,
            y: header_bottom,
            w: (legend.x - 1.2 * unit - margin).max(1.0),
            h: (content_bottom - header_bottom).max(1.0),
        };
        Self {
            unit,
            margin,
            title_lines,
            north_arrow,
            map_frame,
            legend,
            footer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Font;

    #[test]
    fn boxes_do_not_overlap_and_stay_inside() {
        let font = Font::bundled();
        let ts = Typesetter::new(font.face().unwrap());
        let texts = Texts {
            title_zh: "热点分析 (Gi*)",
            title_en: "Hot spots (Gi*)",
            subtitle: Some(
                "2024-06-01 至 2024-06-30 · 日照市东港区、岚山区、莒县、五莲县 · 数字城管案件 · 模拟数据",
            ),
            footer: Some("数据来源：数字城管"),
            legend_width_per_unit: 16.0,
        };
        for (w, h) in [(1600.0, 1200.0), (800.0, 600.0), (1200.0, 1600.0)] {
            let l = Layout::new(w, h, &texts, &ts);
            for line in l.title_lines.iter() {
                assert!(l.margin + ts.width(&line.text, line.size_px) < l.north_arrow.x);
            }
            assert!(!l.map_frame.overlaps(&l.legend));
            assert!(!l.map_frame.overlaps(&l.north_arrow));
            assert!(l.map_frame.y > l.title_lines[2].baseline);
            assert!(l.legend.right() <= w && l.map_frame.x >= 0.0);
            let footer = l.footer.as_ref().unwrap();
            assert!(footer.baseline < h && footer.baseline > l.map_frame.bottom());
            assert_eq!(l.title_lines.len(), 3);
        }
    }
}
