//! Static choropleth map pictures (PNG) for decision makers: Gi* hot spot bins, emerging hot
//! spot categories, forecast risk, assessment grades.
//!
//! One picture shows a bilingual two-line title (Chinese, then English) with an optional
//! subtitle, the classed features, district outlines on top with their names, a legend (one
//! swatch per class, `"热点 99% · Hot spot 99%"`), a scale bar of a round length, a north arrow
//! and a footer/source line. The caller builds a [`MapSpec`] and calls [`render_png`].
//!
//! ```
//! use geo::{MultiPolygon, Rect, coord};
//! use grid_maps::{Font, MapSpec, Outline, palette, render_png};
//!
//! // Coordinates in metres of a projected CRS (e.g. EPSG:4549), x east, y north.
//! let cell = |x: f64, y: f64| {
//!     let r = Rect::new(coord! { x: x, y: y }, coord! { x: x + 100.0, y: y + 100.0 });
//!     MultiPolygon::new(vec![r.to_polygon()])
//! };
//! let mut spec = MapSpec::new("热点分析 (Gi*)", "Hot spots (Gi*)");
//! spec.subtitle = Some("2024 年 6 月 · 日照市".into());
//! spec.footer = Some("数据来源 · Source: 数字城管".into());
//! spec.classes = palette::hotspot_bin_classes();
//! spec.features = vec![(cell(0.0, 0.0), Some(0)), (cell(100.0, 0.0), Some(3)), (cell(200.0, 0.0), None)];
//! let district = Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 300.0, y: 100.0 }).to_polygon();
//! spec.outlines = vec![Outline::labelled(MultiPolygon::new(vec![district]), "东港区")];
//! spec.width_px = 800;
//! spec.height_px = 600;
//!
//! let png = render_png(&spec, &Font::bundled())?;
//! assert_eq!(&png[1..4], b"PNG");
//! # Ok::<(), grid_maps::MapError>(())
//! ```
//!
//! | item | what |
//! |---|---|
//! | [`MapSpec`], [`Class`], [`Outline`] | what to draw; coordinates in metres of a projected CRS |
//! | [`render_png`] | the picture, as PNG bytes (deterministic) |
//! | [`Font`] | [`Font::bundled`] (Chinese + Latin, compiled in) or a city's own font file |
//! | [`palette`] | colours and bilingual class lists for the four kinds of map |
//! | [`MapError`] | everything that can fail |
//!
//! # Choices
//! - **Drawing: [tiny-skia]** (anti-aliased paths, a Skia subset in pure Rust, as used by
//!   resvg) with **[ttf-parser]** for glyph outlines and **[png]** for encoding. They add eight
//!   pure-Rust crates to the workspace (those three, tiny-skia-path, strict-num, arrayref,
//!   fdeflate and an older miniz_oxide); grid-maps with geo builds from clean in about 30 s on
//!   two cores. `plotters` rasterises the
//!   same way but brings `image` and its codecs and a chart-oriented API; the map layout and
//!   the text would be ours either way. The root `Cargo.toml` builds tiny-skia, ttf-parser and
//!   png optimised in dev profiles (a 35,000-cell map: 0.8 s instead of 1.9 s; release 0.1 s).
//! - **Text** is filled glyph outlines, one glyph per character from the font's `cmap`, no
//!   shaping or kerning (right for Chinese, adequate for short English labels). A character
//!   the font lacks is drawn as its `.notdef` box; [`Font::missing_chars`] lists them
//!   beforehand. The bundled font covers ASCII, Latin-1, common punctuation and symbols, and
//!   all 6,763 hanzi of GB 2312, which holds almost every district and street name.
//! - **Features without a class** (`None`) are drawn in [`palette::NO_DATA_COLOR`] and get a
//!   "无数据 · No data" legend entry, so a missing value is never mistaken for a low one.
//! - **No features** is not an error: the picture says "无数据 · No data" (a nightly job still
//!   gets its picture).
//! - **Holes** are kept: rings are oriented and filled with the nonzero rule.
//! - **Outlines** are drawn over the classes; their labels sit at
//!   [`interior_point`](geo::InteriorPoint) with a white halo, skipped when they would overlap
//!   an earlier label or leave the map.
//!
//! [tiny-skia]: https://docs.rs/tiny-skia
//! [ttf-parser]: https://docs.rs/ttf-parser
//! [png]: https://docs.rs/png

mod choropleth;
mod draw;
mod error;
mod font;
mod layout;
mod legend;
mod north_arrow;
pub mod palette;
mod render;
mod scale_bar;
mod spec;
mod text;
mod view;

pub use error::MapError;
pub use font::Font;
pub use render::{MAX_SIDE_PX, MIN_SIDE_PX, render_png};
pub use spec::{Class, MapSpec, Outline};

#[cfg(test)]
mod tests;
