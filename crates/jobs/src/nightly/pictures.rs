//! The map pictures (PNG) for decision makers: hot spot bins, emerging hot spot categories,
//! next week's forecast risk and assessment grades by street, each with the district outlines,
//! a bilingual title and legend, a scale bar and a north arrow (`grid_maps`).

use std::path::Path;

use anyhow::{Context, Result};
use geo::{Geometry, MultiPolygon};
use grid_analytics::grid_io::read_layer;
use grid_analytics::hotspot::{Category, Pattern};
use grid_core::{Crs, Transformer};
use grid_maps::{Class, Font, MapSpec, Outline, palette, render_png};
use polars::prelude::DataType;

use super::layers::RISK_CLASSES;

/// What every picture of a run shares.
pub struct Frame<'a> {
    /// The font.
    pub font: &'a Font,
    /// District outlines in the working CRS, labelled.
    pub outlines: Vec<Outline>,
    /// "日照市 Rizhao".
    pub city: String,
    /// The footer line.
    pub footer: String,
    /// Picture size.
    pub width_px: u32,
    /// Picture size.
    pub height_px: u32,
}

/// The Chinese and English names of a hot spot measure.
pub fn measure_names(measure: &str) -> (&'static str, &'static str) {
    match measure {
        "count" => ("案件数", "case count"),
        "open_overdue" => ("超期未结案件数", "open overdue cases"),
        "overdue_rate" => ("超期率", "overdue rate"),
        "rework_rate" => ("返工率", "rework rate"),
        _ => ("指标", "measure"),
    }
}

/// District outlines (a WGS84 GeoJSON with `adcode` and optionally `name_zh`) projected to
/// `working`, labelled with their Chinese name (or code).
pub fn district_outlines(path: &Path, working: Crs) -> Result<Vec<Outline>> {
    let layer = read_layer(path).with_context(|| format!("reading {}", path.display()))?;
    let to_working = Transformer::new(layer.crs, working)?;
    let label_column = ["name_zh", "name", "adcode"]
        .iter()
        .find_map(|c| layer.table.column(c).ok())
        .map(|c| c.cast(&DataType::String))
        .transpose()?;
    let mut out = Vec::new();
    for (i, geometry) in layer.geometries.iter().enumerate() {
        let Some(geometry) = geometry else { continue };
        let shape = multipolygon(&to_working.transform_geometry(geometry)?);
        let label = label_column
            .as_ref()
            .and_then(|c| c.str().ok().and_then(|s| s.get(i)).map(str::to_owned));
        out.push(match label {
            Some(label) => Outline::labelled(shape, label),
            None => Outline::new(shape),
        });
    }
    Ok(out)
}

/// The polygons of a geometry (points and lines have none).
fn multipolygon(geometry: &Geometry<f64>) -> MultiPolygon<f64> {
    match geometry {
        Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::GeometryCollection(c) => {
            MultiPolygon::new(c.iter().flat_map(|g| multipolygon(g).0).collect())
        }
        _ => MultiPolygon::new(Vec::new()),
    }
}

/// A layer's polygons (in `working`) with the text of one column per feature.
fn features(path: &Path, column: &str, working: Crs) -> Result<Vec<(MultiPolygon<f64>, String)>> {
    let layer = read_layer(path).with_context(|| format!("reading {}", path.display()))?;
    let to_working = Transformer::new(layer.crs, working)?;
    let values = layer
        .table
        .column(column)
        .map_err(|_| anyhow::anyhow!("{}: no column {column:?}", path.display()))?
        .cast(&DataType::String)?;
    let values = values.str()?;
    let mut out = Vec::with_capacity(layer.geometries.len());
    for (i, geometry) in layer.geometries.iter().enumerate() {
        if let Some(geometry) = geometry {
            let shape = multipolygon(&to_working.transform_geometry(geometry)?);
            out.push((shape, values.get(i).unwrap_or("").to_owned()));
        }
    }
    Ok(out)
}

/// Renders and writes one picture.
fn write(frame: &Frame<'_>, spec: MapSpec, out: &Path) -> Result<()> {
    write_with(frame, spec, Vec::new(), out)
}

/// Renders and writes one picture with more outlines under the district outlines.
fn write_with(
    frame: &Frame<'_>,
    mut spec: MapSpec,
    mut more: Vec<Outline>,
    out: &Path,
) -> Result<()> {
    more.extend(frame.outlines.iter().cloned());
    spec.outlines = more;
    spec.footer = Some(frame.footer.clone());
    spec.width_px = frame.width_px;
    spec.height_px = frame.height_px;
    let missing: Vec<char> = [&spec.title_zh, &spec.title_en]
        .into_iter()
        .chain(spec.subtitle.iter())
        .chain(spec.outlines.iter().filter_map(|o| o.label.as_ref()))
        .flat_map(|t| frame.font.missing_chars(t))
        .collect();
    if !missing.is_empty() {
        tracing::warn!(
            "{}: the font has no glyph for {:?} (drawn as boxes; set [maps] font)",
            out.display(),
            missing.iter().collect::<String>()
        );
    }
    let png =
        render_png(&spec, frame.font).with_context(|| format!("drawing {}", out.display()))?;
    grid_core::io::write_atomic(out, |w| Ok(std::io::Write::write_all(w, &png)?))
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

/// Gi* bins (−3…3) of a hot spot layer.
pub fn hotspot_map(
    frame: &Frame<'_>,
    layer: &Path,
    measure: &str,
    window: &str,
    working: Crs,
    out: &Path,
) -> Result<()> {
    let (zh, en) = measure_names(measure);
    let mut spec = MapSpec::new(
        format!("热点分析 (Gi*) · {zh}"),
        format!("Hot spots (Gi*) of {en}"),
    );
    spec.subtitle = Some(format!("{} · {window}", frame.city));
    spec.classes = palette::hotspot_bin_classes();
    spec.features = features(layer, "bin", working)?
        .into_iter()
        .map(|(shape, bin)| {
            let class = bin
                .parse::<i64>()
                .ok()
                .filter(|b| (-3..=3).contains(b))
                .map(|b| (3 - b) as usize);
            (shape, class)
        })
        .collect();
    write(frame, spec, out)
}

/// The class of an emerging category: the 8 hot patterns, the 8 cold ones, then no pattern
/// (the order of [`palette::emerging_classes`]).
fn emerging_class(category: &str) -> Option<usize> {
    Pattern::ORDER
        .iter()
        .enumerate()
        .find_map(|(i, p)| {
            if Category::Hot(*p).to_string() == category {
                Some(i)
            } else if Category::Cold(*p).to_string() == category {
                Some(8 + i)
            } else {
                None
            }
        })
        .or_else(|| (Category::NoPattern.to_string() == category).then_some(16))
}

/// Emerging hot spot categories; the legend lists the categories present.
pub fn emerging_map(
    frame: &Frame<'_>,
    layer: &Path,
    window: &str,
    working: Crs,
    out: &Path,
) -> Result<()> {
    let mut spec = MapSpec::new("时空热点趋势", "Emerging hot spots");
    spec.subtitle = Some(format!("{} · {window}", frame.city));
    let all = palette::emerging_classes();
    let found: Vec<(MultiPolygon<f64>, Option<usize>)> = features(layer, "category", working)?
        .into_iter()
        .map(|(shape, c)| (shape, emerging_class(&c)))
        .collect();
    let used: Vec<usize> = (0..all.len())
        .filter(|k| *k == 16 || found.iter().any(|(_, c)| *c == Some(*k)))
        .collect();
    spec.classes = used.iter().map(|k| all[*k].clone()).collect();
    spec.features = found
        .into_iter()
        .map(|(shape, c)| (shape, c.and_then(|c| used.iter().position(|u| *u == c))))
        .collect();
    write(frame, spec, out)
}

/// Next period's forecast risk per grid.
pub fn risk_map(
    frame: &Frame<'_>,
    layer: &Path,
    period: &str,
    working: Crs,
    out: &Path,
) -> Result<()> {
    let mut spec = MapSpec::new("案件风险预测", "Forecast case risk");
    spec.subtitle = Some(format!("{} · {period}", frame.city));
    spec.classes = RISK_CLASSES
        .iter()
        .enumerate()
        .map(|(i, (zh, en, _))| {
            Class::new(
                *zh,
                *en,
                palette::RISK_COLORS[palette::RISK_COLORS.len() - 1 - i],
            )
        })
        .collect();
    spec.features = features(layer, "risk_class", working)?
        .into_iter()
        .map(|(shape, c)| {
            let class = c
                .parse::<usize>()
                .ok()
                .filter(|c| (1..=RISK_CLASSES.len()).contains(c))
                .map(|c| c - 1);
            (shape, class)
        })
        .collect();
    write(frame, spec, out)
}

/// Assessment grades (A–E) by street; streets without a grade are "no data".
pub fn grades_map(
    frame: &Frame<'_>,
    layer: &Path,
    period: &str,
    working: Crs,
    out: &Path,
) -> Result<()> {
    let mut spec = MapSpec::new("街道考核等级", "Assessment grades by street");
    spec.subtitle = Some(format!("{} · {period}", frame.city));
    spec.classes = palette::grade_classes();
    spec.features = features(layer, "grade", working)?
        .into_iter()
        .map(|(shape, grade)| {
            let class = ["A", "B", "C", "D", "E"].iter().position(|g| *g == grade);
            (shape, class)
        })
        .collect();
    // Each street's edge, so that neighbours of the same grade stay apart.
    let streets: Vec<Outline> = spec
        .features
        .iter()
        .map(|(shape, _)| Outline::new(shape.clone()))
        .collect();
    write_with(frame, spec, streets, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_emerging_category_has_its_legend_class() {
        let classes = palette::emerging_classes();
        assert_eq!(emerging_class("new hot spot"), Some(0));
        assert_eq!(emerging_class("historical cold spot"), Some(15));
        assert_eq!(emerging_class("no pattern detected"), Some(16));
        assert_eq!(emerging_class("oscillating hot spot"), Some(6));
        assert_eq!(classes[6].label_en, "Oscillating hot spot");
        assert_eq!(classes[15].label_en, "Historical cold spot");
        assert_eq!(emerging_class("something else"), None);
    }
}
