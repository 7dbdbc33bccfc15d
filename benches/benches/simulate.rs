//! The simulator on the sample city's central-city grids (three years), and validation of its
//! output (row checks, coordinates per channel CRS, grid assignment, lifecycle clock).
#![allow(missing_docs, clippy::unwrap_used)]

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grid_analytics::simulate::{SimulationConfig, SimulationInput, simulate};
use grid_analytics::validate::{ValidateOptions, validate_cases};
use grid_benches::{central_city_grids, work_calendar};
use grid_core::index::GridIndex;
use grid_core::{ClassCatalog, Crs};

fn bench(c: &mut Criterion) {
    let grids = GridIndex::new(central_city_grids().unwrap());
    let catalog = ClassCatalog::bundled().unwrap();
    let calendar = work_calendar().unwrap();
    let input = SimulationInput {
        grids: &grids,
        catalog: &catalog,
        calendar: &calendar,
    };
    let config = SimulationConfig {
        cases: 100_000,
        ..SimulationConfig::default()
    };
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(config.cases));
    group.bench_function("100k_cases_3_years_central_city", |b| {
        b.iter(|| simulate(&input, &config).unwrap())
    });
    let cases = simulate(&input, &config).unwrap().cases;
    let options = ValidateOptions {
        cutoff: None,
        catalog: &catalog,
        calendar: &calendar,
        grids: Some(&grids),
        working_crs: Crs::cgcs2000_gk_cm120(),
        default_crs: Crs::wgs84(),
        now: NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    };
    group.bench_function("validate_100k_cases", |b| {
        b.iter(|| validate_cases(&cases, "simulated", &options).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
