//! What a map shows: [`MapSpec`], its [`Class`]es and its district [`Outline`]s.

use geo::MultiPolygon;

/// One class of the choropleth: a colour and its legend label in Chinese and English.
///
/// The legend shows `"{label_zh} · {label_en}"`, or the Chinese label alone when `label_en` is
/// empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    /// Chinese label, e.g. `"热点 99%"`.
    pub label_zh: String,
    /// English label, e.g. `"Hot spot 99%"`.
    pub label_en: String,
    /// Fill colour, sRGB.
    pub color: [u8; 3],
}

impl Class {
    /// A class with its labels and colour.
    pub fn new(label_zh: impl Into<String>, label_en: impl Into<String>, color: [u8; 3]) -> Self {
        Self {
            label_zh: label_zh.into(),
            label_en: label_en.into(),
            color,
        }
    }

    /// The text the legend shows for this class.
    pub fn legend_label(&self) -> String {
        legend_label(&self.label_zh, &self.label_en)
    }
}

/// `"zh · en"`, or whichever of the two is not empty.
pub(crate) fn legend_label(zh: &str, en: &str) -> String {
    match (zh.is_empty(), en.is_empty()) {
        (false, false) => format!("{zh} · {en}"),
        (false, true) => zh.to_owned(),
        (true, _) => en.to_owned(),
    }
}

/// A district (or street) boundary drawn on top of the classes, with an optional label placed
/// at a point inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outline {
    /// The boundary, in the map's projected CRS (metres).
    pub shape: MultiPolygon<f64>,
    /// The name to write inside it, e.g. `"东港区"`.
    pub label: Option<String>,
}

impl Outline {
    /// An outline without a label.
    pub fn new(shape: MultiPolygon<f64>) -> Self {
        Self { shape, label: None }
    }

    /// An outline with its name written inside it.
    pub fn labelled(shape: MultiPolygon<f64>, label: impl Into<String>) -> Self {
        Self {
            shape,
            label: Some(label.into()),
        }
    }
}

/// Everything one map picture shows.
///
/// Start from [`MapSpec::new`] (1600 × 1200 px, nothing drawn) and set the fields:
///
/// ```
/// use geo::{MultiPolygon, Rect, coord};
/// use grid_maps::{Class, MapSpec};
///
/// let cell = Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 100.0, y: 100.0 }).to_polygon();
/// let mut spec = MapSpec::new("热点分析 (Gi*)", "Hot spots (Gi*)");
/// spec.subtitle = Some("2024-06-01 – 2024-06-30 · 日照市".into());
/// spec.classes = vec![Class::new("热点 99%", "Hot spot 99%", [215, 48, 39])];
/// spec.features.push((MultiPolygon::new(vec![cell]), Some(0)));
/// ```
///
/// **Coordinates** are in a projected CRS whose unit is the metre (the caller projects, e.g. to
/// EPSG:4549, CGCS2000 / 3-degree Gauss–Kruger CM 120E, with x east and y north), so that the
/// scale bar is exact and the map is not distorted. Longitude/latitude degrees would give a
/// stretched map and a meaningless scale bar.
///
/// The map's extent is the bounding box of the features and the outlines together, padded a
/// little; the picture keeps its aspect ratio (one metre is as many pixels across as up).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MapSpec {
    /// First title line, Chinese, e.g. `"热点分析 (Gi*)"`.
    pub title_zh: String,
    /// Second title line, English, e.g. `"Hot spots (Gi*)"`. Empty: no second line.
    pub title_en: String,
    /// A smaller line under the title, e.g. the period and the city.
    pub subtitle: Option<String>,
    /// The source line at the bottom, e.g. `"数据来源 · Source: 数字城管 2024"`.
    pub footer: Option<String>,
    /// The classes, in legend order; features refer to them by index.
    pub classes: Vec<Class>,
    /// The polygons to colour, each with the index of its class in [`classes`](Self::classes),
    /// or `None` for "no data": drawn in [`NO_DATA_COLOR`](crate::palette::NO_DATA_COLOR), with
    /// a "无数据 · No data" legend entry after the classes when there is at least one.
    pub features: Vec<(MultiPolygon<f64>, Option<usize>)>,
    /// District boundaries drawn on top of the features, in order.
    pub outlines: Vec<Outline>,
    /// Picture width in pixels.
    pub width_px: u32,
    /// Picture height in pixels.
    pub height_px: u32,
}

impl MapSpec {
    /// The default picture width.
    pub const DEFAULT_WIDTH_PX: u32 = 1600;
    /// The default picture height.
    pub const DEFAULT_HEIGHT_PX: u32 = 1200;

    /// A 1600 × 1200 px map with these titles and nothing else.
    pub fn new(title_zh: impl Into<String>, title_en: impl Into<String>) -> Self {
        Self {
            title_zh: title_zh.into(),
            title_en: title_en.into(),
            ..Self::default()
        }
    }
}

impl Default for MapSpec {
    fn default() -> Self {
        Self {
            title_zh: String::new(),
            title_en: String::new(),
            subtitle: None,
            footer: None,
            classes: Vec::new(),
            features: Vec::new(),
            outlines: Vec::new(),
            width_px: Self::DEFAULT_WIDTH_PX,
            height_px: Self::DEFAULT_HEIGHT_PX,
        }
    }
}
