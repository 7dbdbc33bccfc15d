//! Bulk assignment of points to the sample city's unit grids (GridIndex), and the grid
//! generation that makes those grids.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use geo::Coord;
use grid_benches::{central_city_grids, points_in_bounds};
use grid_core::index::GridIndex;

fn assign(c: &mut Criterion) {
    let layer = central_city_grids().unwrap();
    let n_grids = layer.len();
    let index = GridIndex::new(layer);
    let points: Vec<Coord> = points_in_bounds(&index, 1_000_000, 11);
    let mut group = c.benchmark_group("grid_assign");
    group.sample_size(10);
    group.throughput(Throughput::Elements(points.len() as u64));
    group.bench_function(format!("1M_points_into_{n_grids}_grids"), |b| {
        b.iter(|| index.assign(&points))
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("grid_build");
    group.sample_size(10);
    group.bench_function("central_city_100m", |b| {
        b.iter(|| central_city_grids().unwrap())
    });
    group.finish();
}

criterion_group!(benches, assign, build);
criterion_main!(benches);
