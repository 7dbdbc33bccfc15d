//! Multiple testing: Benjamini–Hochberg false discovery rate and ArcGIS-style confidence bins.

/// The Benjamini–Hochberg cut-off at rate `alpha`: the largest p_(k) with p_(k) ≤ k·α/m over the
/// m p-values present (sorted ascending); `None` when no p-value passes. A p-value is significant
/// when it is at most the cut-off.
pub fn bh_cutoff(p: &[Option<f64>], alpha: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = p.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let m = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .filter(|(k, v)| **v <= (*k as f64 + 1.0) * alpha / m)
        .map(|(_, v)| *v)
        .next_back()
}

/// Confidence bins as ArcGIS's Hot Spot Analysis writes them (`Gi_Bin`): ±3 at 99 %, ±2 at
/// 95 %, ±1 at 90 % confidence, signed like z, 0 otherwise; `None` where z or p is missing.
/// With `fdr`, each level's p-value threshold is its own Benjamini–Hochberg cut-off; z and p are
/// never adjusted, only the bin.
pub fn confidence_bins(z: &[Option<f64>], p: &[Option<f64>], fdr: bool) -> Vec<Option<i8>> {
    let levels: Vec<(i8, Option<f64>)> = [(3, 0.01), (2, 0.05), (1, 0.10)]
        .into_iter()
        .map(|(bin, alpha)| {
            (
                bin,
                if fdr {
                    bh_cutoff(p, alpha)
                } else {
                    Some(alpha)
                },
            )
        })
        .collect();
    z.iter()
        .zip(p)
        .map(|(z, p)| {
            let (z, p) = ((*z)?, (*p)?);
            let level = levels
                .iter()
                .find(|(_, cut)| cut.is_some_and(|c| p <= c))
                .map_or(0, |(bin, _)| *bin);
            Some(if z < 0.0 { -level } else { level })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bh_by_hand() {
        // m = 5 at α = 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05. Sorted p: 0.001, 0.015,
        // 0.035, 0.041, 0.2 → p(4) = 0.041 ≤ 0.04? no; p(3) = 0.035 ≤ 0.03? no; p(2) = 0.015 ≤
        // 0.02 yes: the cut-off is 0.015.
        let p = [
            Some(0.2),
            Some(0.015),
            None,
            Some(0.001),
            Some(0.041),
            Some(0.035),
        ];
        assert_eq!(bh_cutoff(&p, 0.05), Some(0.015));
        assert_eq!(bh_cutoff(&[Some(0.5), Some(0.9)], 0.05), None);
        // A later rank can pass when an earlier one does not (step-up).
        assert_eq!(bh_cutoff(&[Some(0.04), Some(0.045)], 0.05), Some(0.045));
    }

    #[test]
    fn bins_with_and_without_fdr() {
        let z = [Some(3.0), Some(-2.2), Some(1.7), Some(0.2), None];
        let p = [Some(0.002), Some(0.03), Some(0.09), Some(0.8), None];
        assert_eq!(
            confidence_bins(&z, &p, false),
            [Some(3), Some(-2), Some(1), Some(0), None]
        );
        // m = 4, sorted p 0.002, 0.03, 0.09, 0.8. α 0.01: 0.002 ≤ 0.0025 → cut 0.002.
        // α 0.05 (thresholds .0125 .025 .0375 .05): 0.03 > 0.025, 0.09 > 0.0375 → cut 0.002.
        // α 0.10 (.025 .05 .075 .1): 0.03 ≤ 0.05, 0.09 > 0.075, 0.8 > 0.1 → cut 0.03.
        assert_eq!(
            confidence_bins(&z, &p, true),
            [Some(3), Some(-1), Some(0), Some(0), None]
        );
    }
}
