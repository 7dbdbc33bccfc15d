//! Local Gi* (analytic and 999 conditional permutations) on square lattices of 100k and 1M
//! cells with queen weights, and emerging hot spots on a three-year weekly cube over the sample
//! city's 35,030 grids. Under `cargo test` (no `--bench`) the sizes shrink to a smoke run.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grid_analytics::hotspot::{
    Cube, EmergingOptions, Permutations, emerging_hot_spots, getis_ord, layer_weights,
};
use grid_benches::{central_city_grids, unit_points};
use grid_core::weights::{SpatialWeights, WeightsSpec};

/// Queen weights of a side × side lattice, row by row.
fn lattice(side: usize) -> SpatialWeights {
    let mut lists = vec![Vec::new(); side * side];
    for r in 0..side {
        for c in 0..side {
            for (dr, dc) in [
                (-1i64, -1i64),
                (-1, 0),
                (-1, 1),
                (0, -1),
                (0, 1),
                (1, -1),
                (1, 0),
                (1, 1),
            ] {
                let (rr, cc) = (r as i64 + dr, c as i64 + dc);
                if rr >= 0 && cc >= 0 && (rr as usize) < side && (cc as usize) < side {
                    lists[r * side + c].push((rr as usize * side + cc as usize) as u32);
                }
            }
        }
    }
    SpatialWeights::from_lists(lists)
}

/// Counts with a few hot blocks, deterministic.
fn counts(n: usize) -> Vec<f64> {
    unit_points(n, 3)
        .into_iter()
        .enumerate()
        .map(|(i, (u, v))| {
            let base = (u * 4.0).floor();
            if i % 997 < 40 { base + 10.0 * v } else { base }
        })
        .collect()
}

fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn gi_star(c: &mut Criterion) {
    let sides: &[usize] = if full() { &[317, 1000] } else { &[30] };
    let mut group = c.benchmark_group("gi_star");
    group.sample_size(10);
    for &side in sides {
        let w = lattice(side);
        let x = counts(side * side);
        let n = side * side;
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("analytic_{n}_cells"), |b| {
            b.iter(|| getis_ord(&x, &w, true, &Permutations::none()).unwrap())
        });
        let test = Permutations {
            permutations: 999,
            seed: 1,
            ..Permutations::default()
        };
        group.bench_function(format!("999_permutations_{n}_cells"), |b| {
            b.iter(|| getis_ord(&x, &w, true, &test).unwrap())
        });
    }
    group.finish();
}

fn emerging(c: &mut Criterion) {
    let (geometries, steps) = if full() {
        let layer = central_city_grids().unwrap();
        let g: Vec<geo::Geometry<f64>> = layer
            .grids()
            .iter()
            .map(|g| geo::Geometry::MultiPolygon(g.geometry.clone()))
            .collect();
        (g, 156)
    } else {
        let g = (0..400)
            .map(|k| {
                let (x, y) = (f64::from(k % 20) * 100.0, f64::from(k / 20) * 100.0);
                geo::Geometry::Polygon(
                    geo::Rect::new(
                        geo::coord! { x: x, y: y },
                        geo::coord! { x: x + 100.0, y: y + 100.0 },
                    )
                    .to_polygon(),
                )
            })
            .collect();
        (g, 20)
    };
    let n = geometries.len();
    let w = layer_weights(WeightsSpec::Queen, &geometries, None, 0.001).unwrap();
    let cube = Cube {
        n,
        steps,
        values: counts(n * steps)
            .into_iter()
            .map(|v| (v - 2.0).max(0.0))
            .collect(),
    };
    let mut group = c.benchmark_group("emerging");
    group.sample_size(10);
    group.throughput(Throughput::Elements((n * steps) as u64));
    group.bench_function(format!("{n}_grids_x_{steps}_weeks"), |b| {
        b.iter(|| emerging_hot_spots(&cube, &w, &EmergingOptions::default()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, gi_star, emerging);
criterion_main!(benches);
