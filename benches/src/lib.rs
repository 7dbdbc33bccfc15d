//! Shared inputs of the citygrid benchmarks: deterministic synthetic data, no files.

/// `n` lon/lat points spread over Rizhao's extent (118.6–119.7°E, 35.0–36.0°N), the same for
/// the same `seed` (a fixed linear congruential generator, so no dependency on `rand`).
pub fn rizhao_points(n: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // The top 53 bits as a fraction in [0, 1).
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| (118.6 + 1.1 * next(), 35.0 + next()))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn points_are_deterministic_and_in_range() {
        let a = super::rizhao_points(1000, 7);
        assert_eq!(a, super::rizhao_points(1000, 7));
        assert_ne!(a, super::rizhao_points(1000, 8));
        assert!(
            a.iter()
                .all(|&(x, y)| (118.6..119.7).contains(&x) && (35.0..36.0).contains(&y))
        );
    }
}
