//! `convert_table` on a table of GCJ-02 report positions (text columns, as read from CSV), to
//! the working CRS: parsing, per-row validation, parallel transformation and reassembly.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grid_analytics::convert::convert_table;
use grid_benches::rizhao_points;
use grid_core::Crs;
use polars::prelude::*;

fn table(n: usize) -> DataFrame {
    let points = rizhao_points(n, 3);
    let lon: Vec<String> = points.iter().map(|p| format!("{:.6}", p.0)).collect();
    let lat: Vec<String> = points.iter().map(|p| format!("{:.6}", p.1)).collect();
    let id: Vec<u64> = (0..n as u64).collect();
    df!("id" => id, "lon" => lon, "lat" => lat).unwrap()
}

fn convert(c: &mut Criterion) {
    let mut group = c.benchmark_group("convert_table");
    group.sample_size(10);
    for n in [100_000, 1_000_000] {
        let df = table(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("gcj02_to_epsg4549/{n}"), |b| {
            b.iter(|| {
                convert_table(
                    &df,
                    "bench",
                    "lon",
                    "lat",
                    Crs::gcj02(),
                    Crs::cgcs2000_gk_cm120(),
                )
                .unwrap()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, convert);
criterion_main!(benches);
