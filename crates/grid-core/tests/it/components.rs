//! Component index answers equal brute-force scans; component layers load with rejections.

use std::fs;

use geo::{
    Coord, Distance, Euclidean, Geometry, Intersects, LineString, MultiPolygon, Point, coord,
    polygon,
};
use grid_core::component::{Component, ComponentLayer, ComponentStatus};
use grid_core::index::{ComponentIndex, GridIndex, Hit};
use grid_core::rejection::RejectReason;
use grid_core::{ClassCatalog, ComponentClassCode, Crs, GridLayer, UnitGrid};
use proptest::prelude::*;

fn component(seq: usize, class: &str, geometry: Geometry<f64>) -> Component {
    Component {
        code: format!("371102{class}{seq:06}").parse().unwrap(),
        name: None,
        department: None,
        owner: None,
        maintainer: None,
        status: ComponentStatus::Intact,
        geometry,
        initial_date: None,
        change_date: None,
    }
}

fn layer(raw: &[(f64, f64, u8)]) -> ComponentLayer {
    let components = raw
        .iter()
        .enumerate()
        .map(|(i, &(x, y, kind))| {
            let class = if kind % 2 == 0 { "0101" } else { "0305" };
            // Snap some to a coarse lattice so that equal distances (ties) happen.
            let (x, y) = if kind % 3 == 0 {
                ((x / 10.0).round() * 10.0, (y / 10.0).round() * 10.0)
            } else {
                (x, y)
            };
            let geometry = match kind % 5 {
                0 => Geometry::LineString(LineString::from(vec![(x, y), (x + 7.0, y + 3.0)])),
                1 => Geometry::Polygon(
                    polygon![(x: x, y: y), (x: x + 4.0, y: y), (x: x + 4.0, y: y + 4.0)],
                ),
                _ => Geometry::Point(Point::new(x, y)),
            };
            component(i + 1, class, geometry)
        })
        .collect();
    ComponentLayer::new(Crs::cgcs2000_gk_cm120(), components).unwrap()
}

fn brute(layer: &ComponentLayer, p: Coord, class: Option<&ComponentClassCode>) -> Vec<Hit> {
    let mut hits: Vec<Hit> = layer
        .components()
        .iter()
        .enumerate()
        .filter(|(_, c)| class.is_none_or(|k| c.class_code() == k))
        .map(|(i, c)| Hit {
            index: i as u32,
            distance_m: Euclidean.distance(&Point(p), &c.geometry),
        })
        .collect();
    hits.sort_by(|a, b| {
        a.distance_m.total_cmp(&b.distance_m).then_with(|| {
            layer.components()[a.index as usize]
                .code
                .cmp(&layer.components()[b.index as usize].code)
        })
    });
    hits
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn queries_equal_brute_force(
        raw in prop::collection::vec((0.0f64..500.0, 0.0f64..500.0, 0u8..30), 0..60),
        queries in prop::collection::vec((0.0f64..500.0, 0.0f64..500.0), 5),
        k in 0usize..6,
        radius in 0.0f64..150.0,
        class_choice in 0u8..3,
    ) {
        let layer = layer(&raw);
        let index = ComponentIndex::new(layer.clone());
        let class: Option<ComponentClassCode> = match class_choice {
            0 => None,
            1 => Some("0101".parse().unwrap()),
            _ => Some("0305".parse().unwrap()),
        };
        for &(x, y) in &queries {
            let p = coord! { x: x, y: y };
            let all = brute(&layer, p, class.as_ref());
            let expected: Vec<u32> = all.iter().take(k).map(|h| h.index).collect();
            let got: Vec<u32> = index.nearest(p, class.as_ref(), k).iter().map(|h| h.index).collect();
            prop_assert_eq!(got, expected);
            let expected: Vec<u32> = all.iter().filter(|h| h.distance_m <= radius).map(|h| h.index).collect();
            let got: Vec<u32> = index.within_radius(p, radius, class.as_ref()).iter().map(|h| h.index).collect();
            prop_assert_eq!(got, expected);
            let area = MultiPolygon::new(vec![polygon![(x: x, y: y), (x: x + radius, y: y), (x: x + radius, y: y + radius / 2.0)]]);
            let mut expected: Vec<u32> = (0..layer.components().len() as u32)
                .filter(|&i| class.as_ref().is_none_or(|k| layer.components()[i as usize].class_code() == k))
                .filter(|&i| layer.components()[i as usize].geometry.intersects(&area))
                .collect();
            expected.sort_by(|&a, &b| layer.components()[a as usize].code.cmp(&layer.components()[b as usize].code));
            prop_assert_eq!(index.within_polygon(&area, class.as_ref()), expected);
        }
    }
}

#[test]
fn counts_per_grid_count_each_component_once() {
    let sq = |code: &str, x: f64| UnitGrid {
        code: code.parse().unwrap(),
        geometry: MultiPolygon::new(vec![
            polygon![(x: x, y: 0.0), (x: x + 100.0, y: 0.0), (x: x + 100.0, y: 100.0), (x: x, y: 100.0)],
        ]),
        area_m2: 10_000.0,
        valid_from: None,
        valid_to: None,
        land_use: None,
        class: None,
    };
    let grids = GridIndex::new(
        GridLayer::new(
            Crs::cgcs2000_gk_cm120(),
            vec![sq("371102001001001", 0.0), sq("371102001001002", 100.0)],
        )
        .unwrap(),
    );
    let layer = ComponentLayer::new(
        Crs::cgcs2000_gk_cm120(),
        vec![
            component(1, "0101", Geometry::Point(Point::new(50.0, 50.0))),
            component(2, "0101", Geometry::Point(Point::new(100.0, 50.0))), // shared edge: smaller code
            component(3, "0305", Geometry::Point(Point::new(150.0, 50.0))),
            component(
                4,
                "0305",
                // Its interior point is the vertex (120, 10), in grid 002.
                Geometry::LineString(LineString::from(vec![
                    (90.0, 10.0),
                    (120.0, 10.0),
                    (130.0, 10.0),
                ])),
            ),
            component(5, "0305", Geometry::Point(Point::new(500.0, 50.0))),
        ],
    )
    .unwrap();
    let index = ComponentIndex::new(layer);
    let counts = index.counts_per_grid(&grids);
    let key = |g: Option<&str>, c: &str| {
        (
            g.map(|g| g.parse().unwrap()),
            c.parse::<ComponentClassCode>().unwrap(),
        )
    };
    assert_eq!(counts[&key(Some("371102001001001"), "0101")], 2);
    assert_eq!(counts[&key(Some("371102001001002"), "0305")], 2);
    assert_eq!(counts[&key(None, "0305")], 1);
    assert_eq!(counts.values().sum::<usize>(), 5);
    assert_eq!(index.within_grid(&grids, 0, None), vec![0, 1]);
}

#[test]
fn component_layers_keep_bad_features_as_rejections() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.geojson");
    fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"3711020301000001","name":"公厕","status":"破损"},"geometry":{"type":"Point","coordinates":[119.53,35.41]}},
          {"type":"Feature","properties":{"code":"3711029999000001"},"geometry":{"type":"Point","coordinates":[119.53,35.41]}},
          {"type":"Feature","properties":{"code":"3711020301000001"},"geometry":{"type":"Point","coordinates":[119.53,35.41]}},
          {"type":"Feature","properties":{"code":"3711020301000002","status":"gone"},"geometry":{"type":"Point","coordinates":[119.53,35.41]}},
          {"type":"Feature","properties":{"code":"3711020301000003","initial_date":"2024-13-01"},"geometry":{"type":"Point","coordinates":[119.53,35.41]}},
          {"type":"Feature","properties":{"code":"3711020301000004"},"geometry":null}
        ]}"#,
    )
    .unwrap();
    let catalog = ClassCatalog::bundled().unwrap();
    let (layer, rejections) =
        ComponentLayer::read_geojson(&path, Crs::cgcs2000_gk_cm120(), &catalog).unwrap();
    assert_eq!(layer.components().len(), 1);
    assert_eq!(layer.components()[0].status, ComponentStatus::Damaged);
    let got: Vec<(usize, RejectReason)> = rejections.iter().map(|r| (r.row, r.reason)).collect();
    assert_eq!(
        got,
        vec![
            (2, RejectReason::InvalidCode),
            (3, RejectReason::DuplicateCode),
            (4, RejectReason::InvalidValue),
            (5, RejectReason::InvalidValue),
            (6, RejectReason::MissingGeometry),
        ]
    );
    assert!(
        rejections[0]
            .detail
            .contains("class 9999 is not in the std2013 class table")
    );
}
