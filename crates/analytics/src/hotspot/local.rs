//! Local statistics over sparse weights: Getis-Ord Gi and Gi*, Local Moran's I, and the
//! conditional permutation test they share.

use grid_core::weights::SpatialWeights;
use rand::RngExt;
use rand::seq::SliceRandom;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::rng::{Purpose, stream};

/// Which pseudo p-value a permutation test reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PseudoP {
    /// min(1, 2 · (min(#sim ≥ obs, #sim ≤ obs) + 1) / (R + 1)): two-sided, comparable with an
    /// analytic two-sided p.
    #[default]
    TwoSided,
    /// esda's folded one-tailed value, (min(#sim ≥ obs, #sim < obs) + 1) / (R + 1), in the
    /// direction the observation lies.
    Directed,
}

/// Conditional permutation settings: `permutations` = 0 turns the test off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Permutations {
    /// Number of permutations R (999 is the usual choice).
    pub permutations: u32,
    /// Seed: the same seed gives the same pseudo p-values whatever the thread count.
    pub seed: u64,
    /// Which pseudo p-value to report.
    pub pseudo_p: PseudoP,
}

impl Default for Permutations {
    /// 999 permutations, seed 0, two-sided.
    fn default() -> Self {
        Self {
            permutations: 999,
            seed: 0,
            pseudo_p: PseudoP::TwoSided,
        }
    }
}

impl Permutations {
    /// No permutation test.
    pub fn none() -> Self {
        Self {
            permutations: 0,
            ..Self::default()
        }
    }
}

/// Getis-Ord Gi or Gi* per feature; `None` for features without neighbours.
#[derive(Clone, Debug, PartialEq)]
pub struct GetisOrd {
    /// Whether the feature itself is in its sum (Gi*).
    pub star: bool,
    /// G: the weighted neighbourhood sum over the sum of all values (Gi: of all other values).
    pub g: Vec<Option<f64>>,
    /// The z-score.
    pub z: Vec<Option<f64>>,
    /// Two-sided normal p-value of z.
    pub p: Vec<Option<f64>>,
    /// Pseudo p-value of the permutation test, when one was run.
    pub p_sim: Option<Vec<Option<f64>>>,
}

/// Local Moran's I per feature; `None` for features without neighbours.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalMoran {
    /// I_i = (n − 1) z_i Σ_j w_ij z_j / Σ_k z_k², z standardised with the population sd.
    pub i: Vec<Option<f64>>,
    /// Quadrant: 1 HH, 2 LH, 3 LL, 4 HL (own value, then the neighbours'; 0 counts as low).
    pub quadrant: Vec<Option<u8>>,
    /// Pseudo p-value of the permutation test, when one was run.
    pub p_sim: Option<Vec<Option<f64>>>,
}

/// Two-sided p-value of a standard normal z.
pub fn two_sided_p(z: f64) -> f64 {
    (2.0 * normal_sf(z.abs())).min(1.0)
}

/// Upper tail of the standard normal, 1 − Φ(x), by the complementary error function.
pub(crate) fn normal_sf(x: f64) -> f64 {
    0.5 * erfc(x / std::f64::consts::SQRT_2)
}

/// The complementary error function to about 1e-15: the Taylor series of erf below 2, a
/// continued fraction (modified Lentz) above, where 1 − erf would lose the small tail.
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.0 {
        // Series for erf: erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)).
        let mut sum = x;
        let mut term = x;
        let x2 = x * x;
        // Terms shrink below 1e-17 of the sum within 60 steps for x < 2.
        for n in 1..80 {
            let n = f64::from(n);
            term *= -x2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() <= 1e-17 * sum.abs() {
                break;
            }
        }
        1.0 - sum * std::f64::consts::FRAC_2_SQRT_PI
    } else {
        // Continued fraction (Lentz): erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))).
        let tiny = 1e-300;
        let mut f = x;
        let mut c = x;
        let mut d = 0.0;
        for k in 1..500 {
            let a = f64::from(k) / 2.0;
            d = x + a * d;
            d = if d.abs() < tiny { tiny } else { d };
            c = x + a / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            let delta = c * d;
            f *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-x * x).exp() / (f * std::f64::consts::PI.sqrt())
    }
}

fn check_values(x: &[f64], w: &SpatialWeights) -> Result<()> {
    if x.len() != w.len() {
        return Err(Error::InvalidOption {
            option: "values",
            message: format!("{} values for {} features in the weights", x.len(), w.len()),
        });
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::InvalidOption {
            option: "values",
            message: format!("feature {}: {} is not a finite number", i + 1, x[i]),
        });
    }
    if x.len() < 3 {
        return Err(Error::InvalidOption {
            option: "values",
            message: format!("{} features: local statistics need at least 3", x.len()),
        });
    }
    Ok(())
}

fn zero_variance() -> Error {
    Error::ZeroVariance
}

/// Getis-Ord local statistics with the variance that is exact for any weights (ArcGIS's form;
/// it equals esda's `G_Local(transform='B')` for binary weights). Gi* adds the feature itself
/// with weight 1; x̄ and S are over all n values for Gi* and over the other n − 1 for Gi.
pub fn getis_ord(
    x: &[f64],
    w: &SpatialWeights,
    star: bool,
    test: &Permutations,
) -> Result<GetisOrd> {
    check_values(x, w)?;
    let n = x.len();
    if x.iter().all(|v| *v == x[0]) {
        return Err(zero_variance());
    }
    let total: f64 = x.iter().sum();
    let nf = n as f64;
    // Centred sums (two passes) keep the variance exact for large values with a small spread.
    let mu = total / nf;
    let centred2: f64 = x.iter().map(|v| (v - mu) * (v - mu)).sum();
    let per_feature: Vec<(Option<f64>, Option<f64>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (js, ws) = (w.neighbours(i), w.weights(i));
            if js.is_empty() {
                return (None, None);
            }
            let lag: f64 = js.iter().zip(ws).map(|(&j, wij)| wij * x[j as usize]).sum();
            let mut wsum: f64 = ws.iter().sum();
            let mut w2: f64 = ws.iter().map(|v| v * v).sum();
            let (sum_x, mean, sd, m, numerator) = if star {
                wsum += 1.0;
                w2 += 1.0;
                (total, mu, (centred2 / nf).sqrt(), nf, lag + x[i])
            } else {
                // The other n − 1 values: Σ(x_j − μ) over them is −(x_i − μ), so their mean is
                // μ − (x_i − μ)/m and their centred sum of squares drops (x_i − μ)²(1 + 1/m).
                let m = nf - 1.0;
                let d = x[i] - mu;
                let others = total - x[i];
                let ss = (centred2 - d * d * (1.0 + 1.0 / m)).max(0.0);
                (others, mu - d / m, (ss / m).sqrt(), m, lag)
            };
            let g = if sum_x != 0.0 {
                Some(numerator / sum_x)
            } else {
                None
            };
            let spread = (m * w2 - wsum * wsum) / (m - 1.0);
            let z = if sd > 0.0 && spread > 0.0 {
                Some((numerator - mean * wsum) / (sd * spread.sqrt()))
            } else {
                None
            };
            (g, z)
        })
        .collect();
    let g: Vec<Option<f64>> = per_feature.iter().map(|v| v.0).collect();
    let z: Vec<Option<f64>> = per_feature.iter().map(|v| v.1).collect();
    let p = z.iter().map(|z| z.map(two_sided_p)).collect();
    let p_sim = (test.permutations > 0).then(|| {
        let observed: Vec<f64> = (0..n)
            .map(|i| lag_of(x, w, i) + if star { x[i] } else { 0.0 })
            .collect();
        permutation_p(
            x,
            w,
            test,
            |i, lag| lag + if star { x[i] } else { 0.0 },
            &observed,
        )
    });
    Ok(GetisOrd {
        star,
        g,
        z,
        p,
        p_sim,
    })
}

/// Local Moran's I with the weights as given (pass row-standardised weights for esda's default)
/// and a conditional permutation test.
pub fn local_moran(x: &[f64], w: &SpatialWeights, test: &Permutations) -> Result<LocalMoran> {
    check_values(x, w)?;
    let n = x.len();
    let nf = n as f64;
    let mean = x.iter().sum::<f64>() / nf;
    let sd = (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nf).sqrt();
    if sd.is_nan() || sd <= 0.0 {
        return Err(zero_variance());
    }
    let z: Vec<f64> = x.iter().map(|v| (v - mean) / sd).collect();
    let den: f64 = z.iter().map(|v| v * v).sum();
    let scale = (nf - 1.0) / den;
    let lags: Vec<f64> = (0..n).map(|i| lag_of(&z, w, i)).collect();
    let has = |i: usize| !w.neighbours(i).is_empty();
    let i_values = (0..n)
        .map(|i| has(i).then(|| scale * z[i] * lags[i]))
        .collect();
    let quadrant = (0..n)
        .map(|i| {
            has(i).then(|| match (z[i] > 0.0, lags[i] > 0.0) {
                (true, true) => 1,
                (false, true) => 2,
                (false, false) => 3,
                (true, false) => 4,
            })
        })
        .collect();
    let p_sim = (test.permutations > 0).then(|| {
        let observed: Vec<f64> = (0..n).map(|i| scale * z[i] * lags[i]).collect();
        permutation_p(&z, w, test, |i, lag| scale * z[i] * lag, &observed)
    });
    Ok(LocalMoran {
        i: i_values,
        quadrant,
        p_sim,
    })
}

fn lag_of(x: &[f64], w: &SpatialWeights, i: usize) -> f64 {
    w.neighbours(i)
        .iter()
        .zip(w.weights(i))
        .map(|(&j, wij)| wij * x[j as usize])
        .sum()
}

/// The conditional permutation test: for each feature, its own value stays and its neighbours'
/// values are drawn without replacement from the other n − 1, `permutations` times; `stat` turns
/// a simulated weighted neighbour sum into the statistic compared with `observed`. Counts are
/// kept, not the simulations.
///
/// Two ways to draw, both deterministic for a seed whatever the thread count:
/// - large layers (n > R · (k_max + 1)): one seeded shuffle of all values is read in order from a
///   random offset per feature, skipping the feature itself; each permutation takes the next k
///   values, so every simulated neighbourhood is a uniform random k-subset of the others, the R
///   subsets of one feature are disjoint, and memory is read sequentially (random reads into the
///   value array were the cost at a million cells);
/// - otherwise each feature draws indices from its own stream keyed by the seed and its position.
fn permutation_p(
    x: &[f64],
    w: &SpatialWeights,
    test: &Permutations,
    stat: impl Fn(usize, f64) -> f64 + Sync,
    observed: &[f64],
) -> Vec<Option<f64>> {
    let sequential =
        x.len() as u64 > u64::from(test.permutations) * (w.max_neighbours() as u64 + 1);
    permutation_p_drawn(x, w, test, stat, observed, sequential)
}

/// [`permutation_p`] with the way of drawing chosen.
fn permutation_p_drawn(
    x: &[f64],
    w: &SpatialWeights,
    test: &Permutations,
    stat: impl Fn(usize, f64) -> f64 + Sync,
    observed: &[f64],
    sequential: bool,
) -> Vec<Option<f64>> {
    let n = x.len();
    let r = test.permutations;
    let shuffled: Option<(Vec<u32>, Vec<f64>)> = sequential.then(|| {
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.shuffle(&mut stream(test.seed, Purpose::Permutations, &[u64::MAX]));
        let values = order.iter().map(|&j| x[j as usize]).collect();
        (order, values)
    });
    (0..n)
        .into_par_iter()
        .map_init(Vec::new, |drawn: &mut Vec<usize>, i| {
            let (js, ws) = (w.neighbours(i), w.weights(i));
            let k = js.len();
            if k == 0 {
                return None;
            }
            let mut rng = stream(test.seed, Purpose::Permutations, &[i as u64]);
            let (mut ge, mut le) = (0u32, 0u32);
            let obs = observed[i];
            let mut pos = rng.random_range(0..n);
            for _ in 0..r {
                let lag: f64 = match &shuffled {
                    Some((order, values)) => {
                        let mut sum = 0.0;
                        let mut taken = 0;
                        while taken < k {
                            if order[pos] as usize != i {
                                sum += ws[taken] * values[pos];
                                taken += 1;
                            }
                            pos = if pos + 1 == n { 0 } else { pos + 1 };
                        }
                        sum
                    }
                    None => {
                        drawn.clear();
                        while drawn.len() < k {
                            let pick = rng.random_range(0..n - 1);
                            let j = if pick >= i { pick + 1 } else { pick };
                            if !drawn.contains(&j) {
                                drawn.push(j);
                            }
                        }
                        drawn.iter().zip(ws).map(|(&j, wij)| wij * x[j]).sum()
                    }
                };
                let s = stat(i, lag);
                ge += u32::from(s >= obs);
                le += u32::from(s <= obs);
            }
            let total = f64::from(r) + 1.0;
            Some(match test.pseudo_p {
                PseudoP::TwoSided => (2.0 * (f64::from(ge.min(le)) + 1.0) / total).min(1.0),
                PseudoP::Directed => (f64::from(ge.min(r - ge)) + 1.0) / total,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tail_matches_known_values() {
        // Φ values from standard tables (scipy.stats.norm.sf).
        for (z, p) in [
            (0.0, 1.0),
            (1.0, 0.317_310_507_862_914_1),
            (1.959_963_984_540_054, 0.05),
            (2.575_829_303_548_901, 0.01),
            (3.5, 4.652_581_580_710_802e-4),
            (6.0, 1.973_175_290_075_943_6e-9),
        ] {
            let got = two_sided_p(z);
            assert!((got - p).abs() <= 1e-14 + 1e-12 * p, "z {z}: {got} vs {p}");
            assert_eq!(two_sided_p(-z), got);
        }
    }

    /// Rook neighbours on a side × side lattice, row by row.
    fn rook_lattice(side: usize) -> SpatialWeights {
        let mut lists = vec![Vec::new(); side * side];
        for r in 0..side {
            for c in 0..side {
                let i = r * side + c;
                if c + 1 < side {
                    lists[i].push((i + 1) as u32);
                    lists[i + 1].push(i as u32);
                }
                if r + 1 < side {
                    lists[i].push((i + side) as u32);
                    lists[i + side].push(i as u32);
                }
            }
        }
        SpatialWeights::from_lists(lists)
    }

    /// A path of five features 0–1–2–3–4 with binary weights.
    fn path() -> SpatialWeights {
        SpatialWeights::from_lists(vec![vec![1], vec![0, 2], vec![1, 3], vec![2, 4], vec![3]])
    }

    #[test]
    fn gi_star_by_hand() {
        // x = 1, 2, 3, 4, 10: n 5, mean 4, population variance (1+4+9+16+100)/5 − 16 = 10.
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        let out = getis_ord(&x, &path(), true, &Permutations::none()).unwrap();
        // Feature 3: neighbours 2, 4 plus itself: sum 17, W 3, S1 3.
        // z = (17 − 4·3) / (√10 · √((5·3 − 9)/4)) = 5 / (√10 · √1.5).
        let expected = 5.0 / (10f64.sqrt() * 1.5f64.sqrt());
        assert!((out.z[3].unwrap() - expected).abs() < 1e-12);
        assert!((out.g[3].unwrap() - 17.0 / 20.0).abs() < 1e-15);
        // Gi for feature 3: the others are 1, 2, 3, 10 (mean 4, variance 114/4 − 16 = 12.5);
        // sum of neighbours 13, W 2: z = (13 − 8) / (√12.5 · √((4·2 − 4)/3)).
        let gi = getis_ord(&x, &path(), false, &Permutations::none()).unwrap();
        let expected = 5.0 / (12.5f64.sqrt() * (4.0f64 / 3.0).sqrt());
        assert!((gi.z[3].unwrap() - expected).abs() < 1e-12);
        assert!((gi.g[3].unwrap() - 13.0 / 16.0).abs() < 1e-15);
    }

    #[test]
    fn islands_have_no_statistics_and_constant_values_are_an_error() {
        let w = SpatialWeights::from_lists(vec![vec![1], vec![0], vec![]]);
        let out = getis_ord(&[1.0, 2.0, 5.0], &w, true, &Permutations::default()).unwrap();
        assert_eq!((out.z[2], out.p[2]), (None, None));
        assert_eq!(out.p_sim.unwrap()[2], None);
        let err = getis_ord(&[2.0; 3], &w, true, &Permutations::none()).unwrap_err();
        assert!(err.to_string().contains("variance is zero"), "{err}");
        assert!(local_moran(&[2.0; 3], &w, &Permutations::none()).is_err());
    }

    #[test]
    fn local_moran_by_hand() {
        // x = 1, 2, 3, 4, 10 on the path, row-standardised.
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        let w = path().row_standardised();
        let out = local_moran(&x, &w, &Permutations::none()).unwrap();
        let sd = 10f64.sqrt();
        let z: Vec<f64> = x.iter().map(|v| (v - 4.0) / sd).collect();
        // Feature 4: its one neighbour is feature 3; I = (n − 1) z4 z3 / Σz² with Σz² = n.
        let expected = 4.0 * z[4] * z[3] / 5.0;
        assert!((out.i[4].unwrap() - expected).abs() < 1e-12);
        // Own value high, neighbour's exactly average (0 counts as low): HL.
        assert_eq!(out.quadrant[4], Some(4));
        assert_eq!(out.quadrant[0], Some(3));
    }

    #[test]
    fn both_ways_of_drawing_give_the_same_p_values_within_sampling_error() {
        // A 150 × 150 rook lattice, 199 permutations drawn both ways.
        let side = 150usize;
        let w = rook_lattice(side);
        let x: Vec<f64> = (0..side * side).map(|i| ((i * 7919) % 13) as f64).collect();
        let test = Permutations {
            permutations: 199,
            seed: 3,
            pseudo_p: PseudoP::Directed,
        };
        let observed: Vec<f64> = (0..x.len()).map(|i| lag_of(&x, &w, i) + x[i]).collect();
        let run = |sequential: bool| {
            permutation_p_drawn(&x, &w, &test, |i, lag| lag + x[i], &observed, sequential)
        };
        let (fast, slow) = (run(true), run(false));
        // The two estimates of each p differ by sampling error only: sd √(2p(1−p)/199).
        // Beyond 3 sd: 0.3 % expected under a normal approximation (skewed near p = 0).
        let mut beyond = 0;
        let mut mean_diff = 0.0;
        for (a, b) in fast.iter().zip(&slow) {
            let (a, b) = (a.unwrap(), b.unwrap());
            let sd = (2.0 * b * (1.0 - b) / 199.0).sqrt() + 0.005;
            beyond += usize::from((a - b).abs() > 3.0 * sd);
            mean_diff += a - b;
        }
        assert!(beyond * 100 < fast.len(), "{beyond} of {}", fast.len());
        let mean_diff = mean_diff / fast.len() as f64;
        assert!(mean_diff.abs() < 0.002, "{mean_diff}");
    }

    #[test]
    fn permutations_are_deterministic_and_find_a_planted_cluster() {
        // A 30 × 30 lattice, rook neighbours, a hot 4 × 4 block.
        let side = 30usize;
        let w = rook_lattice(side);
        let x: Vec<f64> = (0..side * side)
            .map(|i| {
                let (r, c) = (i / side, i % side);
                let hot = (10..14).contains(&r) && (10..14).contains(&c);
                (if hot { 20.0 } else { 2.0 }) + ((i * 7919) % 5) as f64
            })
            .collect();
        let test = Permutations {
            permutations: 199,
            seed: 9,
            pseudo_p: PseudoP::TwoSided,
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| getis_ord(&x, &w, true, &test).unwrap())
        };
        let (a, b) = (run(1), run(2));
        assert_eq!(a, b);
        let p = a.p_sim.unwrap();
        let centre = 11 * side + 11;
        assert_eq!(p[centre], Some(2.0 / 200.0));
        let far = 25 * side + 3;
        assert!(p[far].unwrap() > 0.05, "{:?}", p[far]);
        let directed = getis_ord(
            &x,
            &w,
            true,
            &Permutations {
                pseudo_p: PseudoP::Directed,
                ..test
            },
        )
        .unwrap()
        .p_sim
        .unwrap();
        assert_eq!(directed[centre], Some(1.0 / 200.0));
    }
}
