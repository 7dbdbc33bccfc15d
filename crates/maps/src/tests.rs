//! Pixel tests that need to know where things were drawn (the viewport and the legend's
//! swatches), which the public API does not expose.

use geo::{LineString, MultiPolygon, Polygon, Rect, coord};
use tiny_skia::Pixmap;

use crate::choropleth::OUTLINE_COLOR;
use crate::palette::{self, NO_DATA_COLOR};
use crate::render::{MAP_BACKGROUND, Placed, render_pixmap};
use crate::{Class, Font, MapSpec, Outline};

const X0: f64 = 500_000.0;
const Y0: f64 = 4_000_000.0;

fn square(x: f64, y: f64, size: f64) -> Polygon<f64> {
    Rect::new(
        coord! { x: X0 + x, y: Y0 + y },
        coord! { x: X0 + x + size, y: Y0 + y + size },
    )
    .to_polygon()
}

fn multi(p: Polygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![p])
}

/// A 1000 m square with a 400 m hole in the middle.
fn donut(x: f64, y: f64) -> Polygon<f64> {
    let outer = square(x, y, 1000.0).exterior().clone();
    let hole: LineString<f64> = square(x + 300.0, y + 300.0, 400.0).exterior().clone();
    Polygon::new(outer, vec![hole])
}

fn rgb(pixmap: &Pixmap, (x, y): (f32, f32)) -> [u8; 3] {
    let p = pixmap
        .pixel(x.floor() as u32, y.floor() as u32)
        .expect("pixel inside the picture");
    assert_eq!(p.alpha(), 255);
    [p.red(), p.green(), p.blue()]
}

fn spec() -> MapSpec {
    let mut spec = MapSpec::new("测试", "Test");
    spec.classes = vec![
        Class::new("一", "One", [200, 30, 30]),
        Class::new("二", "Two", [30, 160, 30]),
        Class::new("三", "Three", [30, 30, 200]),
    ];
    spec.features = vec![
        (multi(square(0.0, 0.0, 1000.0)), Some(0)),
        (multi(square(1000.0, 0.0, 1000.0)), Some(1)),
        // Two parts, both class 2.
        (
            MultiPolygon::new(vec![
                square(2000.0, 0.0, 1000.0),
                square(0.0, 2000.0, 1000.0),
            ]),
            Some(2),
        ),
        (multi(donut(2000.0, 2000.0)), Some(0)),
        (multi(square(1000.0, 1000.0, 1000.0)), None),
    ];
    spec.outlines = vec![Outline::labelled(multi(square(0.0, 0.0, 3000.0)), "东港区")];
    spec
}

fn render(spec: &MapSpec) -> (Pixmap, Placed) {
    render_pixmap(spec, &Font::bundled()).expect("renders")
}

fn at(placed: &Placed, x: f64, y: f64) -> (f32, f32) {
    placed
        .viewport
        .as_ref()
        .expect("a viewport")
        .px(X0 + x, Y0 + y)
}

#[test]
fn each_feature_is_painted_in_its_class_colour() {
    let spec = spec();
    let (pixmap, placed) = render(&spec);
    let c = |k: usize| spec.classes[k].color;
    assert_eq!(rgb(&pixmap, at(&placed, 500.0, 500.0)), c(0));
    assert_eq!(rgb(&pixmap, at(&placed, 1500.0, 500.0)), c(1));
    // Both parts of the multipolygon.
    assert_eq!(rgb(&pixmap, at(&placed, 2500.0, 500.0)), c(2));
    assert_eq!(rgb(&pixmap, at(&placed, 500.0, 2500.0)), c(2));
    // The donut's ring, and no class.
    assert_eq!(rgb(&pixmap, at(&placed, 2150.0, 2500.0)), c(0));
    // Off the centre, where the outline's label is.
    assert_eq!(rgb(&pixmap, at(&placed, 1150.0, 1150.0)), NO_DATA_COLOR);
}

#[test]
fn a_hole_stays_unpainted_whatever_the_ring_orientation() {
    let mut spec = spec();
    let (pixmap, placed) = render(&spec);
    assert_eq!(rgb(&pixmap, at(&placed, 2500.0, 2500.0)), MAP_BACKGROUND);
    // The same donut with its hole wound like its exterior.
    let mut same_way = donut(2000.0, 2000.0);
    same_way.interiors_mut(|holes| holes[0].0.reverse());
    spec.features[3].0 = multi(same_way);
    let (pixmap, placed) = render(&spec);
    assert_eq!(rgb(&pixmap, at(&placed, 2500.0, 2500.0)), MAP_BACKGROUND);
    assert_eq!(
        rgb(&pixmap, at(&placed, 2150.0, 2500.0)),
        spec.classes[0].color
    );
}

#[test]
fn outlines_are_dark_and_on_top() {
    let spec = spec();
    let (pixmap, placed) = render(&spec);
    // Midpoints of the outline's west and south edges, over class 0 and class 1 fills.
    for (x, y) in [(0.0, 500.0), (1500.0, 0.0), (3000.0, 1500.0)] {
        let px = rgb(&pixmap, at(&placed, x, y));
        for (got, want) in px.iter().zip(OUTLINE_COLOR) {
            assert!(got.abs_diff(want) <= 8, "{px:?} at ({x}, {y})");
        }
    }
}

#[test]
fn legend_swatches_show_each_class_then_no_data() {
    let spec = spec();
    let (pixmap, placed) = render(&spec);
    let mut want: Vec<[u8; 3]> = spec.classes.iter().map(|c| c.color).collect();
    want.push(NO_DATA_COLOR);
    assert_eq!(placed.swatches.len(), want.len());
    for (swatch, color) in placed.swatches.iter().zip(want) {
        let centre = (swatch.x + swatch.w / 2.0, swatch.y + swatch.h / 2.0);
        assert_eq!(rgb(&pixmap, centre), color);
        assert!(swatch.x >= placed.layout.legend.x);
    }
}

#[test]
fn seventeen_classes_fit_in_a_small_legend() {
    let mut spec = spec();
    spec.classes = palette::emerging_classes();
    spec.width_px = 640;
    spec.height_px = 480;
    let (pixmap, placed) = render(&spec);
    // 17 classes and "no data".
    assert_eq!(placed.swatches.len(), 18);
    let legend = placed.layout.legend;
    for (swatch, class) in placed.swatches.iter().zip(&spec.classes) {
        assert!(swatch.y >= legend.y && swatch.y + swatch.h <= legend.y + legend.h);
        let centre = (swatch.x + swatch.w / 2.0, swatch.y + swatch.h / 2.0);
        assert_eq!(rgb(&pixmap, centre), class.color);
    }
}

#[test]
fn the_map_keeps_its_aspect_ratio() {
    // A 4 km × 1 km strip in a landscape frame: equal pixels per metre both ways.
    let mut spec = spec();
    spec.features = vec![(multi(square(0.0, 0.0, 1000.0)), Some(0))];
    spec.features
        .push((multi(square(3000.0, 0.0, 1000.0)), Some(1)));
    spec.outlines.clear();
    let (_, placed) = render(&spec);
    let (x0, y0) = at(&placed, 0.0, 0.0);
    let (x1, y1) = at(&placed, 1000.0, 1000.0);
    assert!(((x1 - x0) - (y0 - y1)).abs() < 0.01, "square stays square");
    // North is up.
    assert!(y1 < y0);
}

#[test]
fn a_point_sized_map_still_renders() {
    let mut spec = spec();
    spec.features = vec![(multi(square(0.0, 0.0, 0.0)), Some(0))];
    spec.outlines.clear();
    let (_, placed) = render(&spec);
    let vp = placed.viewport.expect("a viewport");
    assert!(vp.px_per_m.is_finite() && vp.px_per_m > 0.0);
}
