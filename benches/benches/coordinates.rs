//! Per-point coordinate work: the GCJ-02 / BD-09 formulas and their iterative inverses, and one
//! PROJ transformation (WGS84 → CGCS2000 / GK CM 120°E).
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grid_benches::rizhao_points;
use grid_core::crs::gcj02;
use grid_core::{Crs, Transformer};

const N: usize = 10_000;

fn gcj02_formulas(c: &mut Criterion) {
    let points = rizhao_points(N, 1);
    let mut group = c.benchmark_group("gcj02");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("wgs84_to_gcj02", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|&(x, y)| gcj02::wgs84_to_gcj02(x, y).0)
                .sum::<f64>()
        });
    });
    group.bench_function("gcj02_to_wgs84", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|&(x, y)| gcj02::gcj02_to_wgs84(x, y).0)
                .sum::<f64>()
        });
    });
    group.bench_function("bd09_to_wgs84", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|&(x, y)| gcj02::bd09_to_wgs84(x, y).0)
                .sum::<f64>()
        });
    });
    group.finish();
}

fn proj_transform(c: &mut Criterion) {
    let points = rizhao_points(N, 2);
    let mut group = c.benchmark_group("transformer");
    group.throughput(Throughput::Elements(N as u64));
    let wgs = Transformer::new(Crs::wgs84(), Crs::cgcs2000_gk_cm120()).unwrap();
    group.bench_function("wgs84_to_epsg4549", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|&(x, y)| wgs.transform(x, y).unwrap().0)
                .sum::<f64>()
        });
    });
    let gcj = Transformer::new(Crs::gcj02(), Crs::cgcs2000_gk_cm120()).unwrap();
    group.bench_function("gcj02_to_epsg4549", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|&(x, y)| gcj.transform(x, y).unwrap().0)
                .sum::<f64>()
        });
    });
    group.finish();
    c.bench_function("transformer/new_gcj02_to_epsg4549", |b| {
        b.iter(|| Transformer::new(black_box(Crs::gcj02()), Crs::cgcs2000_gk_cm120()).unwrap());
    });
    let plan = gcj.plan().clone();
    c.bench_function("transformer/plan_build_gcj02_to_epsg4549", |b| {
        b.iter(|| black_box(&plan).build().unwrap());
    });
}

criterion_group!(benches, gcj02_formulas, proj_transform);
criterion_main!(benches);
