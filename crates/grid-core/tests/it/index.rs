//! Property tests: every index answer equals a brute-force scan, on random grid layouts with
//! points on edges and vertices; and the fishnet generator feeds the fast path.

use geo::coordinate_position::CoordPos;
use geo::{Coord, CoordinatePosition, Distance, Euclidean, MultiPolygon, Point, coord, polygon};
use grid_core::grid::fishnet::fishnet;
use grid_core::index::GridIndex;
use grid_core::{Crs, GridLayer, UnitGrid};
use proptest::prelude::*;

fn grid(code: &str, geometry: MultiPolygon<f64>) -> UnitGrid {
    UnitGrid {
        code: code.parse().unwrap(),
        area_m2: geo::Area::unsigned_area(&geometry),
        geometry,
        valid_from: None,
        valid_to: None,
        land_use: None,
        class: None,
    }
}

/// A random layout on a lattice: whole squares, dropped cells (gaps), pairs merged into
/// rectangles, and cells cut to triangles; codes in a shuffled order.
#[derive(Debug, Clone)]
struct Layout {
    size: f64,
    grids: Vec<UnitGrid>,
    bounds: (f64, f64, f64, f64),
}

fn layout(
    cols: usize,
    rows: usize,
    size: f64,
    ox: i64,
    oy: i64,
    kinds: &[u8],
    order: &[usize],
) -> Layout {
    let mut shapes = Vec::new();
    let mut taken = vec![false; cols * rows];
    for r in 0..rows {
        for c in 0..cols {
            let k = r * cols + c;
            if taken[k] {
                continue;
            }
            let x = (ox + c as i64) as f64 * size;
            let y = (oy + r as i64) as f64 * size;
            let square = |w: f64| polygon![(x: x, y: y), (x: x + w, y: y), (x: x + w, y: y + size), (x: x, y: y + size)];
            match kinds[k % kinds.len()] {
                0 => {} // a gap
                1 if c + 1 < cols && !taken[k + 1] => {
                    taken[k + 1] = true;
                    shapes.push(square(2.0 * size));
                }
                2 => shapes.push(polygon![(x: x, y: y), (x: x + size, y: y), (x: x, y: y + size)]),
                _ => shapes.push(square(size)),
            }
            taken[k] = true;
        }
    }
    let n = shapes.len();
    let grids = shapes
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            grid(
                &format!(
                    "371102001001{:03}",
                    1 + (order[i % order.len()] + i * 7) % 997
                ),
                MultiPolygon::new(vec![p]),
            )
        })
        .collect::<Vec<_>>();
    // Codes must be unique: drop any repeats (rare with the stride above).
    let mut seen = std::collections::HashSet::new();
    let grids: Vec<_> = grids
        .into_iter()
        .filter(|g| seen.insert(g.code.clone()))
        .collect();
    assert!(grids.len() <= n);
    let x0 = ox as f64 * size;
    let y0 = oy as f64 * size;
    Layout {
        size,
        grids,
        bounds: (x0, y0, x0 + cols as f64 * size, y0 + rows as f64 * size),
    }
}

/// The rule, by brute force over every grid.
fn brute_locate(grids: &[UnitGrid], p: Coord) -> Option<u32> {
    let mut inside = None;
    let mut boundary: Option<u32> = None;
    for (i, g) in grids.iter().enumerate() {
        match g.geometry.coordinate_position(&p) {
            CoordPos::Inside => {
                assert!(inside.is_none(), "layout overlaps");
                inside = Some(i as u32);
            }
            CoordPos::OnBoundary => {
                if boundary.is_none_or(|b| g.code < grids[b as usize].code) {
                    boundary = Some(i as u32);
                }
            }
            CoordPos::Outside => {}
        }
    }
    inside.or(boundary)
}

fn brute_nearest(grids: &[UnitGrid], p: Coord, tolerance: f64) -> Option<(u32, f64)> {
    if let Some(i) = brute_locate(grids, p) {
        return Some((i, 0.0));
    }
    let mut best: Option<(f64, u32)> = None;
    for (i, g) in grids.iter().enumerate() {
        let d = Euclidean.distance(&Point(p), &g.geometry);
        let better =
            best.is_none_or(|(bd, bi)| d < bd || (d == bd && g.code < grids[bi as usize].code));
        if d <= tolerance && better {
            best = Some((d, i as u32));
        }
    }
    best.map(|(d, i)| (i, d))
}

/// Points: anywhere in and around the layout, or snapped onto lattice lines and vertices.
fn points(layout: &Layout, raw: &[(f64, f64, u8)]) -> Vec<Coord> {
    let (x0, y0, x1, y1) = layout.bounds;
    let s = layout.size;
    raw.iter()
        .map(|&(u, v, snap)| {
            let x = x0 - s + u * (x1 - x0 + 2.0 * s);
            let y = y0 - s + v * (y1 - y0 + 2.0 * s);
            match snap % 4 {
                0 => coord! { x: (x / s).round() * s, y: y },
                1 => coord! { x: x, y: (y / s).round() * s },
                2 => coord! { x: (x / s).round() * s, y: (y / s).round() * s },
                _ => coord! { x: x, y: y },
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn index_equals_brute_force(
        cols in 1usize..7,
        rows in 1usize..7,
        size in prop::sample::select(vec![1.0, 7.5, 100.0]),
        ox in -20i64..20,
        oy in -20i64..20,
        kinds in prop::collection::vec(0u8..8, 49),
        order in prop::collection::vec(0usize..997, 49),
        raw in prop::collection::vec((0.0f64..1.0, 0.0f64..1.0, 0u8..8), 40),
        tolerance in prop::sample::select(vec![0.0, 0.5, 3.0, 1000.0]),
    ) {
        let layout = layout(cols, rows, size, ox + 3_000, oy + 40_000, &kinds, &order);
        let grids = layout.grids.clone();
        let index = GridIndex::new(GridLayer::new(Crs::cgcs2000_gk_cm120(), grids.clone()).unwrap());
        let pts = points(&layout, &raw);
        let bulk = index.assign(&pts);
        let bulk_within = index.assign_within(&pts, tolerance);
        for (k, &p) in pts.iter().enumerate() {
            let expected = brute_locate(&grids, p);
            prop_assert_eq!(index.locate(p), expected, "point {:?}", p);
            prop_assert_eq!(bulk[k], expected);
            let near = brute_nearest(&grids, p, tolerance);
            prop_assert_eq!(bulk_within[k].map(|x| x.0), near.map(|x| x.0), "nearest of {:?}", p);
            if let (Some((_, a)), Some((_, b))) = (bulk_within[k], near) {
                prop_assert!((a - b).abs() < 1e-9);
            }
        }
    }
}

#[test]
fn fishnet_layers_use_the_fast_path_and_agree_with_brute_force() {
    let area = MultiPolygon::new(vec![
        polygon![(x: 450_003.0, y: 3_920_011.0), (x: 452_517.0, y: 3_920_200.0), (x: 451_800.0, y: 3_922_950.0), (x: 450_100.0, y: 3_922_400.0)],
    ]);
    let (_, cells) = fishnet(&area, 100.0).unwrap();
    let grids: Vec<UnitGrid> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            grid(
                &format!("371102001{:03}{:03}", 1 + i / 999, 1 + i % 999),
                c.geometry.clone(),
            )
        })
        .collect();
    let index = GridIndex::new(GridLayer::new(Crs::cgcs2000_gk_cm120(), grids.clone()).unwrap());
    assert!(index.has_lattice_fast_path());
    let mut state = 7u64;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut pts: Vec<Coord> = (0..3000)
        .map(|_| coord! { x: 449_900.0 + 2800.0 * next(), y: 3_919_900.0 + 3200.0 * next() })
        .collect();
    // Lattice vertices and lines, exactly.
    pts.extend((0..200).map(|i| coord! { x: 450_000.0 + f64::from(i % 25) * 100.0, y: 3_920_100.0 + f64::from(i / 25) * 100.0 }));
    pts.extend((0..200).map(|i| coord! { x: 450_200.0 + f64::from(i % 10) * 100.0, y: 3_920_150.0 + f64::from(i) * 13.0 }));
    let got = index.assign(&pts);
    for (p, g) in pts.iter().zip(&got) {
        assert_eq!(*g, brute_locate(&grids, *p), "{p:?}");
    }
    assert!(got.iter().filter(|g| g.is_some()).count() > 1000);
}

#[test]
fn a_point_on_a_shared_vertex_of_four_grids_gets_the_smallest_code() {
    let sq = |x: f64, y: f64| {
        MultiPolygon::new(vec![
            polygon![(x: x, y: y), (x: x + 10.0, y: y), (x: x + 10.0, y: y + 10.0), (x: x, y: y + 10.0)],
        ])
    };
    let grids = vec![
        grid("371102001001004", sq(0.0, 0.0)),
        grid("371102001001002", sq(10.0, 0.0)),
        grid("371102001001003", sq(0.0, 10.0)),
        grid("371102001001009", sq(10.0, 10.0)),
    ];
    let index = GridIndex::new(GridLayer::new(Crs::cgcs2000_gk_cm120(), grids).unwrap());
    assert_eq!(
        index
            .locate_code(coord! { x: 10.0, y: 10.0 })
            .unwrap()
            .as_str(),
        "371102001001002"
    );
    assert_eq!(
        index
            .locate_code(coord! { x: 5.0, y: 10.0 })
            .unwrap()
            .as_str(),
        "371102001001003"
    );
    assert_eq!(
        index
            .locate_code(coord! { x: 20.0, y: 15.0 })
            .unwrap()
            .as_str(),
        "371102001001009"
    );
    assert_eq!(index.locate(coord! { x: 20.000001, y: 15.0 }), None);
    let (i, d) = index
        .locate_within(coord! { x: 21.0, y: 15.0 }, 2.0)
        .unwrap();
    assert_eq!(
        (index.layer().grids()[i as usize].code.as_str(), d),
        ("371102001001009", 1.0)
    );
    assert_eq!(index.locate_within(coord! { x: 23.0, y: 15.0 }, 2.0), None);
}
