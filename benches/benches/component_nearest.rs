//! ComponentIndex queries: the k nearest components of a class, and components within a radius.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use geo::{Coord, Geometry, Point};
use grid_benches::{central_city_grids, points_in_bounds};
use grid_core::component::{Component, ComponentLayer, ComponentStatus};
use grid_core::index::{ComponentIndex, GridIndex};
use grid_core::{ComponentClassCode, Crs};

const CLASSES: [&str; 5] = ["0101", "0103", "0301", "0305", "0402"];

fn components(index: &GridIndex, n: usize) -> ComponentLayer {
    let points = points_in_bounds(index, n, 21);
    let list = points
        .iter()
        .enumerate()
        .map(|(i, p)| Component {
            code: format!(
                "371102{}{:06}",
                CLASSES[i % CLASSES.len()],
                i / CLASSES.len() + 1
            )
            .parse()
            .unwrap(),
            name: None,
            department: None,
            owner: None,
            maintainer: None,
            status: ComponentStatus::Intact,
            geometry: Geometry::Point(Point(*p)),
            initial_date: None,
            change_date: None,
        })
        .collect();
    ComponentLayer::new(Crs::cgcs2000_gk_cm120(), list).unwrap()
}

fn queries(c: &mut Criterion) {
    let grids = GridIndex::new(central_city_grids().unwrap());
    let index = ComponentIndex::new(components(&grids, 200_000));
    let at: Vec<Coord> = points_in_bounds(&grids, 10_000, 31);
    let toilets: ComponentClassCode = "0301".parse().unwrap();
    let mut group = c.benchmark_group("component_index_200k");
    group.throughput(Throughput::Elements(at.len() as u64));
    group.bench_function("nearest_3_of_class", |b| {
        b.iter(|| {
            at.iter()
                .map(|p| index.nearest(*p, Some(&toilets), 3).len())
                .sum::<usize>()
        });
    });
    group.bench_function("nearest_3_any_class", |b| {
        b.iter(|| {
            at.iter()
                .map(|p| index.nearest(*p, None, 3).len())
                .sum::<usize>()
        });
    });
    group.bench_function("within_300m_of_class", |b| {
        b.iter(|| {
            at.iter()
                .map(|p| index.within_radius(*p, 300.0, Some(&toilets)).len())
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
