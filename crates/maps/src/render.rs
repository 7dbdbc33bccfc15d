//! [`render_png`]: a [`MapSpec`] to PNG bytes.

use tiny_skia::{Pixmap, Rect};

use crate::choropleth::{draw_features, draw_labels, draw_outlines};
use crate::draw::{fill_rect, stroke_rect};
use crate::error::MapError;
use crate::font::Font;
use crate::layout::{Layout, Texts};
use crate::legend::Legend;
use crate::spec::{MapSpec, legend_label};
use crate::text::{TextStyle, Typesetter};
use crate::view::{Extent, PxRect, Viewport};
use crate::{north_arrow, scale_bar};

/// The smallest picture side, px.
pub const MIN_SIDE_PX: u32 = 200;
/// The largest picture side, px (a 8000 × 8000 picture is 256 MB while drawn).
pub const MAX_SIDE_PX: u32 = 8000;

/// The page background.
pub(crate) const PAPER: [u8; 3] = [255, 255, 255];
/// The map frame's background (and what holes show).
pub(crate) const MAP_BACKGROUND: [u8; 3] = [255, 255, 255];
const INK: [u8; 3] = [30, 30, 30];
const GREY_INK: [u8; 3] = [100, 100, 100];

/// Renders `spec` as an 8-bit RGB PNG, writing its text with `font`.
///
/// The same spec and font give the same bytes: the PNG has no time or other metadata chunk
/// (only `sRGB`), and drawing uses no randomness, threads or hash-map order. Pixels are computed
/// by tiny-skia in `f32`; builds for another CPU architecture (other SIMD paths) are not
/// promised to match bit for bit.
///
/// An empty map (no features) is not an error: the picture has its titles, outlines if any,
/// and "无数据 · No data" in the middle of the map frame (no scale bar when there is nothing to
/// measure).
///
/// # Errors
/// [`MapError::InvalidSize`] for a side outside [`MIN_SIDE_PX`]–[`MAX_SIDE_PX`],
/// [`MapError::ClassOutOfRange`] for a feature whose class index has no [`Class`](crate::Class),
/// [`MapError::NonFiniteCoordinate`] for NaN or infinite coordinates,
/// [`MapError::InvalidFont`] if `font` cannot be parsed.
pub fn render_png(spec: &MapSpec, font: &Font) -> Result<Vec<u8>, MapError> {
    let (pixmap, _) = render_pixmap(spec, font)?;
    encode_rgb_png(&pixmap)
}

/// Where things were drawn, for tests.
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Placed {
    pub layout: Layout,
    pub viewport: Option<Viewport>,
    pub swatches: Vec<PxRect>,
}

/// Renders into a pixmap.
pub(crate) fn render_pixmap(spec: &MapSpec, font: &Font) -> Result<(Pixmap, Placed), MapError> {
    check(spec)?;
    let extent = Extent::of_spec(spec)?;
    let face = font.face()?;
    let ts = Typesetter::new(face);
    let (w, h) = (spec.width_px, spec.height_px);
    let mut pixmap = Pixmap::new(w, h).ok_or(MapError::InvalidSize {
        width_px: w,
        height_px: h,
    })?;
    let full = Rect::from_xywh(0.0, 0.0, w as f32, h as f32);
    if let Some(r) = full {
        fill_rect(&mut pixmap, r, PAPER, 1.0);
    }

    let legend = Legend::new(spec);
    let texts = Texts {
        title_zh: &spec.title_zh,
        title_en: &spec.title_en,
        subtitle: spec.subtitle.as_deref(),
        footer: spec.footer.as_deref(),
        legend_width_per_unit: legend.width_per_unit(&ts),
    };
    let layout = Layout::new(w as f32, h as f32, &texts, &ts);
    let unit = layout.unit;
    let frame = layout.map_frame;
    if let Some(r) = Rect::from_xywh(frame.x, frame.y, frame.w, frame.h) {
        fill_rect(&mut pixmap, r, MAP_BACKGROUND, 1.0);
    }

    let viewport = extent.map(|e| Viewport::fit(e.padded(), frame));
    if let Some(vp) = &viewport {
        draw_features(&mut pixmap, spec, vp);
        draw_outlines(&mut pixmap, spec, vp, frame, unit);
        draw_labels(&mut pixmap, &ts, spec, vp, frame, unit);
    }
    if spec.features.is_empty() {
        let note = legend_label("无数据", "No data");
        let size = 1.4 * unit;
        let style = TextStyle {
            halo: Some((MAP_BACKGROUND, 0.3 * unit)),
            ..TextStyle::new(size, GREY_INK)
        };
        let x = frame.x + (frame.w - ts.width(&note, size)) / 2.0;
        let baseline = frame.y + frame.h / 2.0 + ts.ascent(size) / 2.0;
        ts.draw(&mut pixmap, &note, x, baseline, style);
    }
    if let Some(vp) = viewport.as_ref().filter(|_| !spec.features.is_empty()) {
        scale_bar::draw(
            &mut pixmap,
            &ts,
            frame.x + 0.6 * unit,
            frame.bottom() - 0.6 * unit,
            vp.px_per_m,
            vp.drawn.w.min(frame.w),
            unit,
        );
    }
    // The frame's border goes over anything that spilled.
    if let Some(r) = Rect::from_xywh(frame.x, frame.y, frame.w, frame.h) {
        stroke_rect(&mut pixmap, r, [160, 160, 160], 1.0);
    }

    for line in &layout.title_lines {
        let style = TextStyle {
            bold: line.bold,
            ..TextStyle::new(line.size_px, if line.grey { GREY_INK } else { INK })
        };
        ts.draw(&mut pixmap, &line.text, layout.margin, line.baseline, style);
    }
    north_arrow::draw(&mut pixmap, &ts, layout.north_arrow, unit);
    let swatches = legend.draw(&mut pixmap, &ts, layout.legend, unit);
    if let Some(line) = &layout.footer {
        let style = TextStyle::new(line.size_px, GREY_INK);
        ts.draw(&mut pixmap, &line.text, layout.margin, line.baseline, style);
    }
    Ok((
        pixmap,
        Placed {
            layout,
            viewport,
            swatches,
        },
    ))
}

/// Size limits and class indices.
fn check(spec: &MapSpec) -> Result<(), MapError> {
    let ok = |side: u32| (MIN_SIDE_PX..=MAX_SIDE_PX).contains(&side);
    if !ok(spec.width_px) || !ok(spec.height_px) {
        return Err(MapError::InvalidSize {
            width_px: spec.width_px,
            height_px: spec.height_px,
        });
    }
    let classes = spec.classes.len();
    for (feature, (_, class)) in spec.features.iter().enumerate() {
        if let Some(class) = *class
            && class >= classes
        {
            return Err(MapError::ClassOutOfRange {
                feature,
                class,
                classes,
            });
        }
    }
    Ok(())
}

/// The pixmap as an RGB PNG. Everything drawn is on an opaque background, so the
/// premultiplied RGBA pixels are plain RGB with alpha 255.
fn encode_rgb_png(pixmap: &Pixmap) -> Result<Vec<u8>, MapError> {
    let mut rgb = Vec::with_capacity(pixmap.data().len() / 4 * 3);
    for px in pixmap.data().chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
    }
    let mut out = Vec::new();
    let err = |e: png::EncodingError| MapError::Png {
        reason: e.to_string(),
    };
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    encoder.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(&rgb).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}
