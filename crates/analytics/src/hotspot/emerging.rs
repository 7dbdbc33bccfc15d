//! Emerging hot spot analysis over a space-time cube: space-time Gi* per bin, the Mann-Kendall
//! trend of each location's z-scores, and the 17 categories of ArcGIS's Emerging Hot Spot
//! Analysis, with the significance level, trend α and rule order as parameters.

use std::fmt;
use std::str::FromStr;

use grid_core::weights::SpatialWeights;
use rayon::prelude::*;

use super::fdr::bh_cutoff;
use super::local::two_sided_p;
use crate::error::{Error, Result};

/// A space-time cube: `values[t * n + i]` for location `i` at step `t`, zeros included.
#[derive(Clone, Debug, PartialEq)]
pub struct Cube {
    /// Locations.
    pub n: usize,
    /// Time steps.
    pub steps: usize,
    /// Values, step by step.
    pub values: Vec<f64>,
}

impl Cube {
    /// The value of location `i` at step `t`.
    pub fn value(&self, i: usize, t: usize) -> f64 {
        self.values[t * self.n + i]
    }
}

/// The categories, hot and cold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pattern {
    /// Only the final step is significant.
    New,
    /// One unbroken run of ≥ 2 significant steps ending at the final one, nothing before it,
    /// under 90 % of steps.
    Consecutive,
    /// ≥ 90 % of steps including the final one, with a significant trend towards more extreme.
    Intensifying,
    /// ≥ 90 % of steps including the final one, no significant trend.
    Persistent,
    /// ≥ 90 % of steps including the final one, with a significant trend towards less extreme.
    Diminishing,
    /// The final step significant, on and off before, under 90 %, never the opposite kind.
    Sporadic,
    /// The final step significant, at least one earlier step of the opposite kind, under 90 %.
    Oscillating,
    /// The final step not significant, ≥ 90 % of steps significant.
    Historical,
}

impl Pattern {
    /// The default rule order.
    pub const ORDER: [Pattern; 8] = [
        Self::New,
        Self::Consecutive,
        Self::Intensifying,
        Self::Persistent,
        Self::Diminishing,
        Self::Sporadic,
        Self::Oscillating,
        Self::Historical,
    ];

    fn word(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Consecutive => "consecutive",
            Self::Intensifying => "intensifying",
            Self::Persistent => "persistent",
            Self::Diminishing => "diminishing",
            Self::Sporadic => "sporadic",
            Self::Oscillating => "oscillating",
            Self::Historical => "historical",
        }
    }
}

impl FromStr for Pattern {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ORDER
            .into_iter()
            .find(|p| p.word() == s.trim())
            .ok_or_else(|| Error::InvalidOption {
                option: "rule order",
                message: format!(
                    "{s:?}: expected new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating or historical"
                ),
            })
    }
}

/// A location's category: a pattern of hot or cold spots, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// A hot spot pattern.
    Hot(Pattern),
    /// A cold spot pattern.
    Cold(Pattern),
    /// No pattern.
    NoPattern,
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hot(p) => write!(f, "{} hot spot", p.word()),
            Self::Cold(p) => write!(f, "{} cold spot", p.word()),
            Self::NoPattern => f.write_str("no pattern detected"),
        }
    }
}

/// The parameters ArcGIS leaves undocumented, with citygrid's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct EmergingOptions {
    /// Previous steps in a bin's neighbourhood (backward only); default 1.
    pub neighbourhood_steps: usize,
    /// A bin is hot or cold when its p-value is at most this (after FDR when on); default 0.05.
    pub alpha: f64,
    /// Benjamini–Hochberg over all bins of the cube; default on.
    pub fdr: bool,
    /// Mann-Kendall trends are significant at this level; default 0.05.
    pub trend_alpha: f64,
    /// The share of steps that makes a location "mostly" hot (persistent, historical…);
    /// default 0.9.
    pub mostly: f64,
    /// The order in which the rules are tried; the first that matches wins.
    pub order: Vec<Pattern>,
}

impl Default for EmergingOptions {
    fn default() -> Self {
        Self {
            neighbourhood_steps: 1,
            alpha: 0.05,
            fdr: true,
            trend_alpha: 0.05,
            mostly: 0.9,
            order: Pattern::ORDER.to_vec(),
        }
    }
}

/// The Mann-Kendall trend test of a series: S, its variance with the tie correction, z with
/// the continuity correction, and the two-sided normal p.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MannKendall {
    /// S = Σ_{i<j} sign(x_j − x_i).
    pub s: f64,
    /// Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over groups of t tied values.
    pub variance: f64,
    /// (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, 0 for S = 0.
    pub z: f64,
    /// Two-sided normal p of z.
    pub p: f64,
}

/// Mann-Kendall on a series (at least two values for a defined variance).
pub fn mann_kendall(x: &[f64]) -> MannKendall {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            s += match x[j].partial_cmp(&x[i]) {
                Some(std::cmp::Ordering::Greater) => 1.0,
                Some(std::cmp::Ordering::Less) => -1.0,
                _ => 0.0,
            };
        }
    }
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut ties = 0.0;
    let mut k = 0;
    while k < n {
        let mut m = k + 1;
        while m < n && sorted[m] == sorted[k] {
            m += 1;
        }
        let t = (m - k) as f64;
        ties += t * (t - 1.0) * (2.0 * t + 5.0);
        k = m;
    }
    let nf = n as f64;
    let variance = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    let z = if variance <= 0.0 {
        0.0
    } else if s > 0.0 {
        (s - 1.0) / variance.sqrt()
    } else if s < 0.0 {
        (s + 1.0) / variance.sqrt()
    } else {
        0.0
    };
    MannKendall {
        s,
        variance,
        z,
        p: two_sided_p(z),
    }
}

/// Space-time Gi* of every bin: the neighbourhood of (i, t) is i and its spatial neighbours at
/// steps t − N ..= t (fewer at the start), with the mean and variance of the whole cube.
/// Returns (z, p) per bin in the cube's order; bins whose neighbourhood spans the whole cube
/// get `None`.
pub fn space_time_gi_star(
    cube: &Cube,
    w: &SpatialWeights,
    steps_back: usize,
) -> Result<Vec<(Option<f64>, Option<f64>)>> {
    if w.len() != cube.n || cube.values.len() != cube.n * cube.steps {
        return Err(Error::InvalidOption {
            option: "cube",
            message: format!(
                "{} locations × {} steps but {} values and weights for {} locations",
                cube.n,
                cube.steps,
                cube.values.len(),
                w.len()
            ),
        });
    }
    let total = cube.values.len() as f64;
    let mean = cube.values.iter().sum::<f64>() / total;
    let sd = (cube
        .values
        .iter()
        .map(|v| (v - mean) * (v - mean))
        .sum::<f64>()
        / total)
        .sqrt();
    if sd.is_nan() || sd <= 0.0 {
        return Err(Error::InvalidOption {
            option: "cube",
            message: "every bin has the same value: nothing can stand out".to_owned(),
        });
    }
    let n = cube.n;
    Ok((0..cube.values.len())
        .into_par_iter()
        .map(|bin| {
            let (t, i) = (bin / n, bin % n);
            let first = t.saturating_sub(steps_back);
            let mut sum = 0.0;
            let mut count = 0.0;
            for s in first..=t {
                sum += cube.value(i, s);
                count += 1.0;
                for &j in w.neighbours(i) {
                    sum += cube.value(j as usize, s);
                    count += 1.0;
                }
            }
            // Binary weights: Σw = Σw² = count.
            let spread = (total * count - count * count) / (total - 1.0);
            if spread <= 0.0 {
                return (None, None);
            }
            let z = (sum - mean * count) / (sd * spread.sqrt());
            (Some(z), Some(two_sided_p(z)))
        })
        .collect())
}

/// One location's result.
#[derive(Clone, Debug, PartialEq)]
pub struct LocationTrend {
    /// Its category.
    pub category: Category,
    /// Steps that were significant hot spots.
    pub hot_steps: usize,
    /// Steps that were significant cold spots.
    pub cold_steps: usize,
    /// Mann-Kendall on its z-scores.
    pub trend: MannKendall,
    /// z and p of the final step.
    pub final_z: Option<f64>,
    /// p of the final step.
    pub final_p: Option<f64>,
}

/// Classifies one location from its per-step hot (+1), cold (−1) or neither (0) flags and its
/// Mann-Kendall trend.
pub fn classify(flags: &[i8], trend: &MannKendall, options: &EmergingOptions) -> Category {
    let Some(&last) = flags.last() else {
        return Category::NoPattern;
    };
    let steps = flags.len() as f64;
    let try_kind = |sign: i8| -> Option<Pattern> {
        let on: Vec<bool> = flags.iter().map(|f| *f == sign).collect();
        let opposite = flags.iter().any(|f| *f == -sign);
        let count = on.iter().filter(|v| **v).count();
        let mostly = count as f64 >= options.mostly * steps;
        let final_on = last == sign;
        // The run of `on` steps that ends at the final one.
        let run = on.iter().rev().take_while(|v| **v).count();
        let before_run = count - run;
        let trend_sig = trend.p <= options.trend_alpha;
        let towards = f64::from(sign) * trend.z > 0.0;
        options.order.iter().copied().find(|rule| match rule {
            Pattern::New => final_on && count == 1,
            Pattern::Consecutive => final_on && run >= 2 && before_run == 0 && !mostly,
            Pattern::Intensifying => final_on && mostly && trend_sig && towards,
            Pattern::Persistent => final_on && mostly && !trend_sig,
            Pattern::Diminishing => final_on && mostly && trend_sig && !towards,
            Pattern::Sporadic => final_on && !mostly && !opposite && before_run > 0,
            Pattern::Oscillating => final_on && !mostly && opposite,
            Pattern::Historical => !final_on && mostly,
        })
    };
    // The kind of the final step is tried first; otherwise hot, then cold.
    let order: [i8; 2] = if last == -1 { [-1, 1] } else { [1, -1] };
    for sign in order {
        if let Some(p) = try_kind(sign) {
            return if sign == 1 {
                Category::Hot(p)
            } else {
                Category::Cold(p)
            };
        }
    }
    Category::NoPattern
}

/// The whole analysis: per-bin z and p (and the hot/cold flag after FDR), per-location trend
/// and category.
#[derive(Clone, Debug, PartialEq)]
pub struct Emerging {
    /// Per bin (cube order): z.
    pub z: Vec<Option<f64>>,
    /// Per bin: p.
    pub p: Vec<Option<f64>>,
    /// Per bin: +1 hot, −1 cold, 0 neither.
    pub flag: Vec<i8>,
    /// Per location.
    pub locations: Vec<LocationTrend>,
}

/// Runs emerging hot spot analysis on a cube with spatial weights among its locations.
pub fn emerging_hot_spots(
    cube: &Cube,
    w: &SpatialWeights,
    options: &EmergingOptions,
) -> Result<Emerging> {
    let level = |a: f64| a > 0.0 && a < 1.0;
    if !level(options.alpha) || !level(options.trend_alpha) {
        return Err(Error::InvalidOption {
            option: "alpha",
            message: "significance levels must lie between 0 and 1".to_owned(),
        });
    }
    let bins = space_time_gi_star(cube, w, options.neighbourhood_steps)?;
    let z: Vec<Option<f64>> = bins.iter().map(|b| b.0).collect();
    let p: Vec<Option<f64>> = bins.iter().map(|b| b.1).collect();
    let cut = if options.fdr {
        bh_cutoff(&p, options.alpha)
    } else {
        Some(options.alpha)
    };
    let flag: Vec<i8> = z
        .iter()
        .zip(&p)
        .map(|(z, p)| match (z, p, cut) {
            (Some(z), Some(p), Some(c)) if *p <= c => {
                if *z > 0.0 {
                    1
                } else {
                    -1
                }
            }
            _ => 0,
        })
        .collect();
    let n = cube.n;
    let locations = (0..n)
        .into_par_iter()
        .map(|i| {
            let series: Vec<f64> = (0..cube.steps)
                .map(|t| z[t * n + i].unwrap_or(0.0))
                .collect();
            let flags: Vec<i8> = (0..cube.steps).map(|t| flag[t * n + i]).collect();
            let trend = mann_kendall(&series);
            let last = (cube.steps.max(1) - 1) * n + i;
            LocationTrend {
                category: classify(&flags, &trend, options),
                hot_steps: flags.iter().filter(|f| **f == 1).count(),
                cold_steps: flags.iter().filter(|f| **f == -1).count(),
                trend,
                final_z: z.get(last).copied().flatten(),
                final_p: p.get(last).copied().flatten(),
            }
        })
        .collect();
    Ok(Emerging {
        z,
        p,
        flag,
        locations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(text: &str) -> Vec<i8> {
        text.chars()
            .map(|c| match c {
                'H' => 1,
                'C' => -1,
                _ => 0,
            })
            .collect()
    }

    fn no_trend() -> MannKendall {
        MannKendall {
            s: 0.0,
            variance: 1.0,
            z: 0.0,
            p: 1.0,
        }
    }

    fn trend(z: f64) -> MannKendall {
        MannKendall {
            s: z.signum(),
            variance: 1.0,
            z,
            p: two_sided_p(z),
        }
    }

    #[test]
    fn every_category_from_hand_made_series() {
        let o = EmergingOptions::default();
        let cases: Vec<(&str, MannKendall, Category)> = vec![
            ("..........H", no_trend(), Category::Hot(Pattern::New)),
            (
                "........HHH",
                no_trend(),
                Category::Hot(Pattern::Consecutive),
            ),
            (
                "HHHHHHHHHHH",
                trend(3.0),
                Category::Hot(Pattern::Intensifying),
            ),
            (
                "HHHHHHHHHHH",
                no_trend(),
                Category::Hot(Pattern::Persistent),
            ),
            (
                "HHHHH.HHHHH",
                trend(-3.0),
                Category::Hot(Pattern::Diminishing),
            ),
            ("..H..H...HH", no_trend(), Category::Hot(Pattern::Sporadic)),
            (
                "..C..H...HH",
                no_trend(),
                Category::Hot(Pattern::Oscillating),
            ),
            (
                "HHHHHHHHHH.",
                no_trend(),
                Category::Hot(Pattern::Historical),
            ),
            ("..........C", no_trend(), Category::Cold(Pattern::New)),
            (
                "........CCC",
                no_trend(),
                Category::Cold(Pattern::Consecutive),
            ),
            (
                "CCCCCCCCCCC",
                trend(-3.0),
                Category::Cold(Pattern::Intensifying),
            ),
            (
                "CCCCCCCCCCC",
                no_trend(),
                Category::Cold(Pattern::Persistent),
            ),
            (
                "CCCCCCCCCCC",
                trend(3.0),
                Category::Cold(Pattern::Diminishing),
            ),
            ("..C..C...CC", no_trend(), Category::Cold(Pattern::Sporadic)),
            (
                "..H..C...CC",
                no_trend(),
                Category::Cold(Pattern::Oscillating),
            ),
            (
                "CCCCCCCCCC.",
                no_trend(),
                Category::Cold(Pattern::Historical),
            ),
            ("..H..C.....", no_trend(), Category::NoPattern),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (text, mk, expected) in cases {
            assert_eq!(classify(&flags(text), &mk, &o), expected, "{text}");
            seen.insert(expected.to_string());
        }
        assert_eq!(seen.len(), 17);
        // A run after an earlier hot step is sporadic, not consecutive.
        assert_eq!(
            classify(&flags("H.......HHH"), &no_trend(), &o),
            Category::Hot(Pattern::Sporadic)
        );
        // Ninety per cent: 9 of 10 is mostly, 8 of 10 is not.
        assert_eq!(
            classify(&flags("H.HHHHHHHH"), &no_trend(), &o),
            Category::Hot(Pattern::Persistent)
        );
        assert_eq!(
            classify(&flags("H..HHHHHHH"), &no_trend(), &o),
            Category::Hot(Pattern::Sporadic)
        );
        // Rule order is a parameter, and only the listed rules are tried: with [sporadic,
        // consecutive] a plain final run is still consecutive and a persistent one matches
        // nothing.
        let order = EmergingOptions {
            order: vec![Pattern::Sporadic, Pattern::Consecutive],
            ..EmergingOptions::default()
        };
        assert_eq!(
            classify(&flags("........HHH"), &no_trend(), &order),
            Category::Hot(Pattern::Consecutive)
        );
        assert_eq!(
            classify(&flags("HHHHHHHHHHH"), &no_trend(), &order),
            Category::NoPattern
        );
    }

    #[test]
    fn mann_kendall_by_hand() {
        // 1, 2, 3, 4, 5: S = 10, Var = 5·4·15/18 = 50/3, z = 9/√(50/3).
        let mk = mann_kendall(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(mk.s, 10.0);
        assert!((mk.variance - 50.0 / 3.0).abs() < 1e-12);
        assert!((mk.z - 9.0 / (50.0f64 / 3.0).sqrt()).abs() < 1e-12);
        // Ties: 1, 2, 2, 3: S = 5 (pairs: 1<2,1<2,1<3,2=2,2<3,2<3), one tie group of 2:
        // Var = (4·3·13 − 2·1·9)/18 = 138/18.
        let mk = mann_kendall(&[1.0, 2.0, 2.0, 3.0]);
        assert_eq!(mk.s, 5.0);
        assert!((mk.variance - 138.0 / 18.0).abs() < 1e-12);
        assert!((mk.z - 4.0 / (138.0f64 / 18.0).sqrt()).abs() < 1e-12);
        let flat = mann_kendall(&[2.0; 6]);
        assert_eq!((flat.s, flat.z, flat.p), (0.0, 0.0, 1.0));
    }

    #[test]
    fn space_time_gi_star_by_hand() {
        // Two locations, neighbours of each other, three steps; values 0,0 | 0,0 | 4,0.
        let w = SpatialWeights::from_lists(vec![vec![1], vec![0]]);
        let cube = Cube {
            n: 2,
            steps: 3,
            values: vec![0.0, 0.0, 0.0, 0.0, 4.0, 0.0],
        };
        let out = space_time_gi_star(&cube, &w, 1).unwrap();
        // Mean 4/6, population sd √(16/6 − 4/9) = √(20/9). Bin (0, t=2): neighbourhood is both
        // locations at steps 1 and 2: sum 4, count 4. z = (4 − 4·2/3) / (sd·√((6·4 − 16)/5)).
        let sd = (20.0f64 / 9.0).sqrt();
        let expected = (4.0 - 8.0 / 3.0) / (sd * (8.0f64 / 5.0).sqrt());
        assert!((out[4].0.unwrap() - expected).abs() < 1e-12);
        // Bin (0, t=0): steps 0 only (nothing before): sum 0, count 2.
        let expected0 = (0.0 - 2.0 * 2.0 / 3.0) / (sd * ((6.0 * 2.0 - 4.0) / 5.0f64).sqrt());
        assert!((out[0].0.unwrap() - expected0).abs() < 1e-12);
    }
}
