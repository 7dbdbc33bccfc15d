//! Assessment of a year of cases: every indicator of every level (district, street, community,
//! grid, department, supervisor) for a quarter and the quarter before, then the scores, on
//! 10M synthetic cases over 2025 (35,000 grids, 24 departments, 420 supervisors). Under
//! `cargo test` (no `--bench`) the size shrinks to a smoke run.
#![allow(missing_docs, clippy::unwrap_used)]

use std::collections::HashMap;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grid_analytics::assess::{Level, Period, ScoringConfig, indicators_for, score_scopes};
use grid_analytics::case_schema as cs;
use polars::prelude::{Column, DataFrame, DataType, TimeUnit};

fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// SplitMix64: a deterministic stream of u64.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `n` cases reported over 2025 with lifecycle times, region codes, departments and supervisors.
fn cases(n: usize) -> DataFrame {
    let start = 1_735_689_600_000i64; // 2025-01-01 00:00 UTC, ms
    let year = 365 * 86_400_000i64;
    let hour = 3_600_000i64;
    let mut reported = Vec::with_capacity(n);
    let mut dispatched = Vec::with_capacity(n);
    let (mut filed, mut voided, mut due, mut disposed, mut checked, mut closed) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut rework, mut public, mut verified) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut grid, mut community, mut street, mut district) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut department, mut supervisor, mut verify_h, mut check_h) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for i in 0..n as u64 {
        let r = mix(i);
        let t = start + (r % year as u64) as i64;
        let g = mix(r) % 35_000;
        let void = r.is_multiple_of(50);
        reported.push(Some(t));
        filed.push((!void).then_some(t + hour));
        voided.push(void.then_some(t + hour));
        dispatched.push((!void && r % 97 != 3).then_some(t + 2 * hour));
        let d = t + hour * (2 + (r >> 8) as i64 % 72);
        due.push((!void).then_some(d));
        let done = (!void && r % 40 != 1).then_some(t + hour * (1 + (r >> 16) as i64 % 90));
        disposed.push(done);
        checked.push(done.map(|x| x + hour));
        closed.push(done.map(|x| x + 2 * hour));
        rework.push(u32::from((r >> 24).is_multiple_of(12)));
        public.push((r >> 28).is_multiple_of(3));
        verified.push((r >> 28).is_multiple_of(3) && !(r >> 32).is_multiple_of(4));
        let code = format!(
            "3711020{:02}{:03}{:03}",
            g / 5_000 + 1,
            g / 100 % 50,
            g % 100
        );
        community.push(code[..12].to_owned());
        street.push(code[..9].to_owned());
        district.push(code[..6].to_owned());
        grid.push(code);
        department.push(format!("department {}", (r >> 36) % 24));
        supervisor.push(format!("S{}", g / 84));
        verify_h.push(Some(((r >> 40) % 300) as f64 / 100.0));
        check_h.push(done.map(|_| ((r >> 48) % 300) as f64 / 100.0));
    }
    let time = |name: &str, v: Vec<Option<i64>>| {
        Column::new(name.into(), v)
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap()
    };
    DataFrame::new(
        n,
        vec![
            time(cs::REPORTED_AT, reported),
            time(cs::FILED_AT, filed),
            time(cs::VOIDED_AT, voided),
            time(cs::DISPATCHED_AT, dispatched),
            time(cs::DUE_AT, due),
            time(cs::DISPOSED_AT, disposed),
            time(cs::CHECKED_AT, checked),
            time(cs::CLOSED_AT, closed),
            Column::new(cs::REWORK_COUNT.into(), rework),
            Column::new(cs::PUBLIC_REPORT.into(), public),
            Column::new(cs::PUBLIC_REPORT_VERIFIED.into(), verified),
            Column::new(cs::GRID_CODE.into(), grid),
            Column::new(cs::COMMUNITY_CODE.into(), community),
            Column::new(cs::STREET_CODE.into(), street),
            Column::new(cs::DISTRICT_CODE.into(), district),
            Column::new(cs::DEPARTMENT.into(), department),
            Column::new(cs::SUPERVISOR_ID.into(), supervisor),
            Column::new("verify_work_h".into(), verify_h),
            Column::new("check_work_h".into(), check_h),
        ],
    )
    .unwrap()
}

fn assess(c: &mut Criterion) {
    let n = if full() { 10_000_000 } else { 20_000 };
    let table = cases(n);
    let config = ScoringConfig::defaults().unwrap();
    let period: Period = "2025-Q3".parse().unwrap();
    let previous = period.previous();
    let mut group = c.benchmark_group("assess");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(format!("year_{n}_cases"), |b| {
        b.iter(|| {
            let both =
                indicators_for(&table, &[&period, &previous], &Level::ALL, &config.limits).unwrap();
            score_scopes(&config, &both[0], &both[1], &HashMap::new())
        })
    });
    group.finish();
}

criterion_group!(benches, assess);
criterion_main!(benches);
