//! Public-API tests of grid-maps, one binary (see docs/style.md): the PNG bytes, decoded.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use geo::{MultiPolygon, Rect, coord};
use grid_maps::{Class, Font, MapError, MapSpec, Outline, palette, render_png};

const X0: f64 = 440_000.0;
const Y0: f64 = 3_800_000.0;

fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
    let r = Rect::new(
        coord! { x: X0 + x, y: Y0 + y },
        coord! { x: X0 + x + size, y: Y0 + y + size },
    );
    MultiPolygon::new(vec![r.to_polygon()])
}

/// A 30 × 20 grid of 100 m cells in four district quadrants, every hot spot bin used.
fn hotspot_spec() -> MapSpec {
    let mut spec = MapSpec::new("热点分析 (Gi*)", "Hot spots (Gi*)");
    spec.subtitle = Some("2024 年 6 月 · 日照市".to_owned());
    spec.footer = Some("数据来源 · Source: 数字城管".to_owned());
    spec.classes = palette::hotspot_bin_classes();
    for row in 0..20 {
        for col in 0..30 {
            let class = (col / 4 + row) % 8;
            let class = (class < 7).then_some(class);
            spec.features
                .push((square(col as f64 * 100.0, row as f64 * 100.0, 100.0), class));
        }
    }
    for (i, name) in ["东港区", "岚山区", "莒县", "五莲县"].iter().enumerate() {
        let (x, y) = ((i % 2) as f64 * 1500.0, (i / 2) as f64 * 1000.0);
        let r = Rect::new(
            coord! { x: X0 + x, y: Y0 + y },
            coord! { x: X0 + x + 1500.0, y: Y0 + y + 1000.0 },
        );
        spec.outlines.push(Outline::labelled(
            MultiPolygon::new(vec![r.to_polygon()]),
            *name,
        ));
    }
    spec
}

struct Decoded {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Decoded {
    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Pixels in the box that are not white.
    fn inked(&self, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| self.pixel(x, y) != [255, 255, 255])
            .count()
    }

    fn contains(&self, x0: u32, y0: u32, x1: u32, y1: u32, color: [u8; 3]) -> bool {
        (y0..y1).any(|y| (x0..x1).any(|x| self.pixel(x, y) == color))
    }

    /// Whether some row has `len` pixels of `color` in a row: a swatch or a fill, not the
    /// anti-aliased edge of a glyph.
    fn has_run(&self, color: [u8; 3], len: u32) -> bool {
        (0..self.height).any(|y| {
            let mut run = 0;
            (0..self.width).any(|x| {
                run = if self.pixel(x, y) == color {
                    run + 1
                } else {
                    0
                };
                run >= len
            })
        })
    }
}

fn decode(png_bytes: &[u8]) -> Decoded {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    Decoded {
        width: info.width,
        height: info.height,
        rgb: buf,
    }
}

/// The chunk types of a PNG, in order.
fn chunk_types(png_bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 8;
    while i + 8 <= png_bytes.len() {
        let len = u32::from_be_bytes(png_bytes[i..i + 4].try_into().unwrap()) as usize;
        out.push(String::from_utf8_lossy(&png_bytes[i + 4..i + 8]).into_owned());
        i += 12 + len;
    }
    out
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let spec = hotspot_spec();
    let a = render_png(&spec, &Font::bundled()).unwrap();
    let b = render_png(&spec.clone(), &Font::bundled()).unwrap();
    assert!(a == b, "two renders differ");
    // No time or text chunks that could differ between runs.
    let chunks = chunk_types(&a);
    assert_eq!(chunks.first().map(String::as_str), Some("IHDR"));
    assert_eq!(chunks.last().map(String::as_str), Some("IEND"));
    for chunk in &chunks {
        assert!(
            ["IHDR", "sRGB", "IDAT", "IEND"].contains(&chunk.as_str()),
            "{chunk}"
        );
    }
}

#[test]
fn the_png_decodes_at_the_requested_size() {
    for (w, h) in [(1600, 1200), (800, 600), (1000, 1400), (200, 200)] {
        let mut spec = hotspot_spec();
        spec.width_px = w;
        spec.height_px = h;
        let img = decode(&render_png(&spec, &Font::bundled()).unwrap());
        assert_eq!((img.width, img.height), (w, h));
        assert_eq!(img.rgb.len(), (w * h * 3) as usize);
    }
}

#[test]
fn chinese_title_text_is_drawn() {
    // Only the Chinese title line: ink in the title area, none without it.
    let mut spec = hotspot_spec();
    spec.title_en.clear();
    spec.subtitle = None;
    let with = decode(&render_png(&spec, &Font::bundled()).unwrap());
    spec.title_zh.clear();
    let without = decode(&render_png(&spec, &Font::bundled()).unwrap());
    // At 1600 × 1200 the title's ideographs are 40 px, from 32 px in and down.
    let area = (32, 32, 400, 72);
    let inked = with.inked(area.0, area.1, area.2, area.3);
    assert!(inked > 800, "{inked} inked pixels in the title area");
    assert_eq!(without.inked(area.0, area.1, area.2, area.3), 0);
    // Some of it is near black.
    assert!(with.contains(area.0, area.1, area.2, area.3, [30, 30, 30]));
}

#[test]
fn the_legend_shows_every_class_colour() {
    // No features: any block of a class colour is the legend's swatch.
    let mut spec = MapSpec::new("新兴热点", "Emerging hot spots");
    spec.classes = palette::emerging_classes();
    spec.width_px = 1000;
    spec.height_px = 750;
    let img = decode(&render_png(&spec, &Font::bundled()).unwrap());
    for class in &spec.classes {
        assert!(
            img.has_run(class.color, 20),
            "{} missing from the legend",
            class.legend_label()
        );
    }
    // "No data" only when some feature has no class.
    assert!(!img.has_run(palette::NO_DATA_COLOR, 10));
    spec.features.push((square(0.0, 0.0, 100.0), None));
    let img = decode(&render_png(&spec, &Font::bundled()).unwrap());
    assert!(img.has_run(palette::NO_DATA_COLOR, 20));
}

#[test]
fn an_empty_map_renders_with_a_no_data_note() {
    let mut spec = MapSpec::new("风险预测", "Forecast risk");
    spec.classes = palette::risk_classes();
    let img = decode(&render_png(&spec, &Font::bundled()).unwrap());
    // Ink around the middle of the map frame: the "无数据 · No data" note.
    let (cx, cy) = (img.width * 2 / 5, img.height / 2);
    assert!(img.inked(cx - 150, cy - 80, cx + 150, cy + 80) > 200);
}

#[test]
fn bad_specs_are_errors_naming_the_problem() {
    let font = Font::bundled();
    let mut spec = hotspot_spec();
    spec.features[5].1 = Some(7);
    match render_png(&spec, &font) {
        Err(MapError::ClassOutOfRange {
            feature: 5,
            class: 7,
            classes: 7,
        }) => {}
        other => panic!("{other:?}"),
    }

    let mut spec = hotspot_spec();
    spec.width_px = 10;
    assert!(matches!(
        render_png(&spec, &font),
        Err(MapError::InvalidSize { width_px: 10, .. })
    ));

    let mut spec = hotspot_spec();
    spec.outlines
        .push(Outline::new(square(f64::NAN, 0.0, 10.0)));
    let err = render_png(&spec, &font).unwrap_err();
    assert!(
        matches!(
            err,
            MapError::NonFiniteCoordinate {
                layer: "outline",
                index: 4,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_font_file_draws_like_the_bundled_font() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/fonts/CitygridSansSC-Regular.otf");
    let file = Font::from_file(&path).unwrap();
    assert_eq!(file.family_name().as_deref(), Some("Citygrid Sans SC"));
    let mut spec = hotspot_spec();
    spec.width_px = 400;
    spec.height_px = 300;
    assert!(render_png(&spec, &file).unwrap() == render_png(&spec, &Font::bundled()).unwrap());
}

#[test]
fn missing_characters_are_reported_not_fatal() {
    let font = Font::bundled();
    assert_eq!(font.missing_chars("𠀀区"), vec!['𠀀']);
    let mut spec = hotspot_spec();
    spec.outlines[0].label = Some("𠀀区".to_owned());
    spec.classes[0] = Class::new("𠀀", "", [215, 48, 39]);
    assert!(render_png(&spec, &font).is_ok());
}
