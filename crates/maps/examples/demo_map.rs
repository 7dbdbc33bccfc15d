//! Renders a synthetic hot spot map: 35,000 grid cells of 100 m in 20 street-like rectangles,
//! and reports how long it took.
//!
//! ```text
//! cargo run -p grid-maps --example demo_map --release [-- OUT.png [WIDTHxHEIGHT]]
//! ```
//!
//! The default is /tmp/maps-demo.png at 1600x1200.
//!
//! ```text
//! ```

use std::time::Instant;

use geo::{MultiPolygon, Polygon, Rect, coord};
use grid_maps::{Font, MapSpec, Outline, palette, render_png};

/// Easting/northing of the south-west corner: somewhere in Rizhao in EPSG:4549 terms.
const X0: f64 = 480_000.0;
const Y0: f64 = 3_800_000.0;
const CELL_M: f64 = 100.0;
const COLS: usize = 250;
const ROWS: usize = 140;

const STREETS: [&str; 20] = [
    "日照街道",
    "石臼街道",
    "秦楼街道",
    "北京路街道",
    "卧龙山街道",
    "河山镇",
    "后村镇",
    "西湖镇",
    "南湖镇",
    "三庄镇",
    "涛雒镇",
    "奎山街道",
    "陈疃镇",
    "虎山镇",
    "岚山头街道",
    "安东卫街道",
    "碑廓镇",
    "黄墩镇",
    "巨峰镇",
    "高兴镇",
];

fn square(x: f64, y: f64, size: f64) -> Polygon<f64> {
    Rect::new(coord! { x: x, y: y }, coord! { x: x + size, y: y + size }).to_polygon()
}

/// A smooth field with two hot areas and one cold one, plus a little deterministic noise.
fn z_score(col: usize, row: usize, noise: &mut u64) -> f64 {
    let (x, y) = (col as f64, row as f64);
    let bump = |cx: f64, cy: f64, r: f64, h: f64| {
        h * (-((x - cx).powi(2) + (y - cy).powi(2)) / (2.0 * r * r)).exp()
    };
    *noise = noise
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let jitter = ((*noise >> 33) as f64 / f64::from(u32::MAX) - 0.25) * 1.2;
    bump(60.0, 95.0, 18.0, 4.0) + bump(180.0, 40.0, 12.0, 3.5) - bump(200.0, 110.0, 20.0, 3.5)
        + jitter
}

fn bin(z: f64) -> usize {
    match z {
        z if z >= 2.576 => 0,
        z if z >= 1.960 => 1,
        z if z >= 1.645 => 2,
        z if z > -1.645 => 3,
        z if z > -1.960 => 4,
        z if z > -2.576 => 5,
        _ => 6,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .unwrap_or_else(|| "/tmp/maps-demo.png".to_owned());
    let size = args.next();

    let mut spec = MapSpec::new("热点分析 (Gi*)", "Hot spots (Gi*)");
    spec.subtitle = Some("2024-06-01 至 2024-06-30 · 日照市（模拟数据）".to_owned());
    spec.footer = Some(
        "数据来源 · Source: 数字城管案件（模拟） · 坐标系 CGCS2000 / 3° 高斯-克吕格 CM 120°E (EPSG:4549)"
            .to_owned(),
    );
    spec.classes = palette::hotspot_bin_classes();
    if let Some((w, h)) = size.as_deref().and_then(|s| s.split_once('x')) {
        spec.width_px = w.parse()?;
        spec.height_px = h.parse()?;
    }

    let mut noise = 42u64;
    for row in 0..ROWS {
        for col in 0..COLS {
            // A "lake" with no cells, and a strip without data.
            let (dx, dy) = (col as f64 - 120.0, row as f64 - 70.0);
            if dx * dx + dy * dy < 64.0 {
                continue;
            }
            let z = z_score(col, row, &mut noise);
            let class = if (30..34).contains(&col) && row < 40 {
                None
            } else {
                Some(bin(z))
            };
            let x = X0 + col as f64 * CELL_M;
            let y = Y0 + row as f64 * CELL_M;
            spec.features
                .push((MultiPolygon::new(vec![square(x, y, CELL_M)]), class));
        }
    }
    let (w, h) = (COLS as f64 * CELL_M / 5.0, ROWS as f64 * CELL_M / 4.0);
    for (i, name) in STREETS.iter().enumerate() {
        let (c, r) = ((i % 5) as f64, (i / 5) as f64);
        let rect = Rect::new(
            coord! { x: X0 + c * w, y: Y0 + r * h },
            coord! { x: X0 + (c + 1.0) * w, y: Y0 + (r + 1.0) * h },
        );
        spec.outlines.push(Outline::labelled(
            MultiPolygon::new(vec![rect.to_polygon()]),
            *name,
        ));
    }

    let font = Font::bundled();
    let started = Instant::now();
    let png = render_png(&spec, &font)?;
    let elapsed = started.elapsed();
    std::fs::write(&out, &png)?;
    println!(
        "{} features, {} outlines: rendered in {:.0} ms, {} kB → {out}",
        spec.features.len(),
        spec.outlines.len(),
        elapsed.as_secs_f64() * 1000.0,
        png.len() / 1024,
    );
    Ok(())
}
