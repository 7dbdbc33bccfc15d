//! Forecasting models with statsforecast's definitions: baselines (Naive, SeasonalNaive,
//! HistoricAverage, WindowAverage), simple exponential smoothing, and the intermittent-demand
//! family (Croston classic / SBA / optimised, TSB, ADIDA, IMAPA).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::forecast::ets::{EtsSpec, fit_ets};

/// A model and its settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Model {
    /// The last value.
    Naive,
    /// The value one season earlier.
    SeasonalNaive,
    /// The mean of the whole history.
    HistoricAverage,
    /// The mean of the last `window` values.
    WindowAverage {
        /// Window length.
        window: usize,
    },
    /// Simple exponential smoothing with a fixed α.
    Ses {
        /// Smoothing weight.
        alpha: f64,
    },
    /// Simple exponential smoothing with α chosen by in-sample MSE within `bounds`.
    SesOptimized {
        /// α's search range (statsforecast 2.1: 0.01 to 0.99 for SESOpt; 0.1 to 0.3 inside
        /// CrostonOptimized, ADIDA and IMAPA).
        bounds: (f64, f64),
    },
    /// Croston: SES (α 0.1) on demand sizes and on intervals between demands.
    CrostonClassic,
    /// Croston with the Syntetos–Boylan correction (× 0.95).
    CrostonSba,
    /// Croston with both α chosen by MSE in 0.1 .. 0.3.
    CrostonOptimized,
    /// Teunter–Syntetos–Babai: SES on demand probability and on demand size.
    Tsb {
        /// α for demand sizes.
        alpha_d: f64,
        /// α for the demand probability.
        alpha_p: f64,
    },
    /// Aggregate–disaggregate: optimised SES on sums over the mean inter-demand interval.
    Adida,
    /// The mean of ADIDA-like forecasts over every aggregation level up to the mean interval.
    Imapa,
    /// Exponential smoothing with additive errors (trend none/additive/damped, season
    /// none/additive), one form or the lowest-AICc one (statsforecast's `AutoETS`).
    Ets(EtsSpec),
}

impl Model {
    /// SESOpt as statsforecast 2.1 runs it: α by golden section on [0.01, 0.99].
    pub const SES_OPT: Self = Self::SesOptimized {
        bounds: (0.01, 0.99),
    };

    /// The name statsforecast gives the model (the output's `model` column).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Naive => "Naive",
            Self::SeasonalNaive => "SeasonalNaive",
            Self::HistoricAverage => "HistoricAverage",
            Self::WindowAverage { .. } => "WindowAverage",
            Self::Ses { .. } => "SES",
            Self::SesOptimized { .. } => "SESOpt",
            Self::CrostonClassic => "CrostonClassic",
            Self::CrostonSba => "CrostonSBA",
            Self::CrostonOptimized => "CrostonOptimized",
            Self::Tsb { .. } => "TSB",
            Self::Adida => "ADIDA",
            Self::Imapa => "IMAPA",
            Self::Ets(spec) => spec.name(),
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Model {
    type Err = Error;

    /// Names as statsforecast spells them (case-insensitive), with defaults: `WindowAverage`
    /// (window 7; `WindowAverage:K`), `SES` (α 0.1; `SES:0.3`), `SESOpt`, `TSB` (α 0.2, 0.2),
    /// `AutoETS` (or `ETS`; `ETS:AAdN` and the like for one form, see [`EtsSpec::parse`]).
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_lowercase();
        let (name, arg) = match lower.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (lower.as_str(), None),
        };
        let bad = |why: &str| Error::InvalidOption {
            option: "models",
            message: format!("{s:?}: {why}"),
        };
        let number = |a: Option<&str>, default: f64| -> Result<f64> {
            match a {
                None => Ok(default),
                Some(a) => a
                    .parse::<f64>()
                    .ok()
                    .filter(|v| *v > 0.0 && *v <= 1.0)
                    .ok_or_else(|| bad("α must lie in (0, 1]")),
            }
        };
        Ok(match name {
            "naive" => Self::Naive,
            "seasonalnaive" => Self::SeasonalNaive,
            "historicaverage" => Self::HistoricAverage,
            "windowaverage" => Self::WindowAverage {
                window: match arg {
                    None => 7,
                    Some(a) => a
                        .parse::<usize>()
                        .ok()
                        .filter(|w| *w > 0)
                        .ok_or_else(|| bad("the window must be a whole number above 0"))?,
                },
            },
            "ses" => Self::Ses {
                alpha: number(arg, 0.1)?,
            },
            "sesopt" | "sesoptimized" => Self::SES_OPT,
            "crostonclassic" => Self::CrostonClassic,
            "crostonsba" => Self::CrostonSba,
            "crostonoptimized" => Self::CrostonOptimized,
            "tsb" => Self::Tsb {
                alpha_d: 0.2,
                alpha_p: 0.2,
            },
            "adida" => Self::Adida,
            "imapa" => Self::Imapa,
            "autoets" | "ets" => Self::Ets(match arg {
                None => EtsSpec::AUTO,
                Some(a) => EtsSpec::parse(a).ok_or_else(|| {
                    bad("the ETS form must be AZZ, ANN, AAN, AAdN, ANA, AAA or AAdA")
                })?,
            }),
            _ => return Err(bad("unknown model")),
        })
    }
}

/// Prediction intervals: (level in %, lower bounds, upper bounds) per level.
pub type Intervals = Vec<(f64, Vec<f64>, Vec<f64>)>;

/// A point forecast with prediction intervals at some levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// Mean forecast, one per step.
    pub mean: Vec<f64>,
    /// (level in %, lower, upper) per requested level, when the model has intervals.
    pub intervals: Intervals,
}

/// The standard normal quantile, by Acklam's rational approximation refined with one Halley
/// step (about 1e-15 relative).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let low = 0.02425;
    let x = if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley step on Φ(x) − p.
    let e = 1.0 - crate::hotspot::local::normal_sf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// SES over `x` with level initialised at the first value: the final level (the forecast) and
/// the mean squared one-step error over steps 2..n (statsforecast's `_ses_fcst_mse`).
fn ses(x: &[f64], alpha: f64) -> (f64, f64) {
    let Some(&first) = x.first() else {
        return (f64::NAN, f64::NAN);
    };
    let mut level = first;
    let mut sse = 0.0;
    for w in x.windows(2) {
        level = alpha * w[0] + (1.0 - alpha) * level;
        let e = w[1] - level;
        sse += e * e;
    }
    let last = *x.last().unwrap_or(&first);
    (alpha * last + (1.0 - alpha) * level, sse / x.len() as f64)
}

/// α minimising SES's in-sample squared one-step error within `bounds` by golden-section
/// search as statsforecast runs it (`golden_section_ses`): stop when the bracket is narrower than
/// 1e-12 or the two trial points score exactly the same (a flat series: the middle), and take
/// the middle of the last bracket. Returns the forecast and α.
fn ses_optimized(x: &[f64], bounds: (f64, f64)) -> (f64, f64) {
    let sse = |a: f64| ses(x, a).1;
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = bounds;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (sse(c), sse(d));
    for _ in 0..500 {
        if b - a <= 1e-12 || fc == fd {
            break;
        }
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = sse(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = sse(d);
        }
    }
    let alpha = (a + b) / 2.0;
    (ses(x, alpha).0, alpha)
}

/// One-step residuals of SES (the first is 0: the level starts at the first value).
fn ses_residuals(x: &[f64], alpha: f64) -> Vec<f64> {
    let Some(&first) = x.first() else {
        return Vec::new();
    };
    let mut level = first;
    let mut out = vec![0.0];
    for w in x.windows(2) {
        level = alpha * w[0] + (1.0 - alpha) * level;
        out.push(w[1] - level);
    }
    out
}

/// SES's intervals (statsforecast's `predict`): σ from the one-step residuals over n − 1, and
/// σ_h = σ √(1 + (h − 1) α²).
fn ses_intervals(x: &[f64], alpha: f64, mean: &[f64], levels: &[f64]) -> Intervals {
    if x.len() < 2 || levels.is_empty() {
        return Vec::new();
    }
    let s = sigma(ses_residuals(x, alpha).into_iter(), x.len() - 1);
    let sh: Vec<f64> = (0..mean.len())
        .map(|k| s * (1.0 + k as f64 * alpha * alpha).sqrt())
        .collect();
    normal_intervals(mean, &sh, levels)
}

/// The demands (positive values) of a series.
fn demand(y: &[f64]) -> Vec<f64> {
    y.iter().copied().filter(|v| *v > 0.0).collect()
}

/// Intervals between non-zero values, the first counted from before the series
/// (statsforecast's `_intervals`).
fn intervals(y: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    let mut previous = 0usize;
    for (i, v) in y.iter().enumerate() {
        if *v != 0.0 {
            out.push((i + 1 - previous) as f64);
            previous = i + 1;
        }
    }
    out
}

/// Sums over consecutive chunks of `size`, after dropping the oldest `len % size` values.
fn chunk_sums(y: &[f64], size: usize) -> Vec<f64> {
    let cut = y.len() % size;
    y[cut..].chunks(size).map(|c| c.iter().sum()).collect()
}

/// The intervals that statsforecast computes for a mean and residual scale per step.
fn normal_intervals(
    mean: &[f64],
    sigma_h: &[f64],
    levels: &[f64],
) -> Vec<(f64, Vec<f64>, Vec<f64>)> {
    levels
        .iter()
        .map(|level| {
            let z = normal_quantile(0.5 + level / 200.0);
            let lo = mean.iter().zip(sigma_h).map(|(m, s)| m - z * s).collect();
            let hi = mean.iter().zip(sigma_h).map(|(m, s)| m + z * s).collect();
            (*level, lo, hi)
        })
        .collect()
}

/// √(Σ e² / n) over the residuals that exist (statsforecast's `_calculate_sigma`).
fn sigma(residuals: impl Iterator<Item = f64>, n: usize) -> f64 {
    (residuals.map(|e| e * e).sum::<f64>() / n as f64).sqrt()
}

/// Fits `model` to `y` and forecasts `h` steps, with intervals at `levels` (in %) for the
/// models that have them. Errors only for an empty series or a season longer than it; see
/// [`crate::forecast::forecast_series`] for the fallbacks short and all-zero series get.
pub fn forecast(
    model: &Model,
    y: &[f64],
    h: usize,
    season: usize,
    levels: &[f64],
) -> Result<Forecast> {
    let n = y.len();
    let too_short = |need: usize| Error::InvalidOption {
        option: "series",
        message: format!("{model} needs at least {need} values, the series has {n}"),
    };
    if n == 0 {
        return Err(too_short(1));
    }
    let flat = |v: f64| vec![v; h];
    let steps: Vec<f64> = (1..=h).map(|s| s as f64).collect();
    let out = match *model {
        Model::Naive => {
            let mean = flat(y[n - 1]);
            let intervals = if n > 1 && !levels.is_empty() {
                let s = sigma(y.windows(2).map(|w| w[1] - w[0]), n - 1);
                normal_intervals(
                    &mean,
                    &steps.iter().map(|k| s * k.sqrt()).collect::<Vec<_>>(),
                    levels,
                )
            } else {
                Vec::new()
            };
            Forecast { mean, intervals }
        }
        Model::SeasonalNaive => {
            if n < season || season == 0 {
                return Err(too_short(season.max(1)));
            }
            let mean: Vec<f64> = (0..h).map(|k| y[n - season + k % season]).collect();
            let intervals = if n > season && !levels.is_empty() {
                let s = sigma((season..n).map(|t| y[t] - y[t - season]), n - season);
                let sh: Vec<f64> = (0..h)
                    .map(|k| s * ((k / season) as f64 + 1.0).sqrt())
                    .collect();
                normal_intervals(&mean, &sh, levels)
            } else {
                Vec::new()
            };
            Forecast { mean, intervals }
        }
        Model::HistoricAverage => {
            let avg = y.iter().sum::<f64>() / n as f64;
            let mean = flat(avg);
            let intervals = if n > 1 && !levels.is_empty() {
                let s = sigma(y.iter().map(|v| v - avg), n - 1);
                let sh = vec![s * (1.0 + 1.0 / n as f64).sqrt(); h];
                normal_intervals(&mean, &sh, levels)
            } else {
                Vec::new()
            };
            Forecast { mean, intervals }
        }
        Model::WindowAverage { window } => {
            if n < window {
                return Err(too_short(window));
            }
            Forecast {
                mean: flat(y[n - window..].iter().sum::<f64>() / window as f64),
                intervals: Vec::new(),
            }
        }
        Model::Ses { alpha } => {
            let mean = flat(ses(y, alpha).0);
            let intervals = ses_intervals(y, alpha, &mean, levels);
            Forecast { mean, intervals }
        }
        Model::SesOptimized { bounds } => {
            let (level, alpha) = ses_optimized(y, bounds);
            let mean = flat(level);
            let intervals = ses_intervals(y, alpha, &mean, levels);
            Forecast { mean, intervals }
        }
        Model::CrostonClassic | Model::CrostonSba | Model::CrostonOptimized => {
            let (sizes, gaps) = (demand(y), intervals(y));
            let smooth = |x: &[f64]| match model {
                Model::CrostonOptimized => ses_optimized(x, (0.1, 0.3)).0,
                _ => ses(x, 0.1).0,
            };
            let mean = if sizes.is_empty() {
                0.0
            } else {
                let (z, p) = (smooth(&sizes), smooth(&gaps));
                let ratio = if p != 0.0 { z / p } else { z };
                if *model == Model::CrostonSba {
                    0.95 * ratio
                } else {
                    ratio
                }
            };
            Forecast {
                mean: flat(mean),
                intervals: Vec::new(),
            }
        }
        Model::Tsb { alpha_d, alpha_p } => {
            let sizes = demand(y);
            let mean = if sizes.is_empty() {
                0.0
            } else {
                let occurs: Vec<f64> = y.iter().map(|v| f64::from(u8::from(*v != 0.0))).collect();
                ses(&occurs, alpha_p).0 * ses(&sizes, alpha_d).0
            };
            Forecast {
                mean: flat(mean),
                intervals: Vec::new(),
            }
        }
        Model::Ets(spec) => fit_ets(y, season, spec)?.forecast(h, levels),
        Model::Adida | Model::Imapa => {
            let gaps = intervals(y);
            let mean = if gaps.is_empty() {
                0.0
            } else {
                let mean_gap = gaps.iter().sum::<f64>() / gaps.len() as f64;
                // Python's round: halves to even.
                let level = (mean_gap.round_ties_even() as usize).max(1);
                let at =
                    |size: usize| ses_optimized(&chunk_sums(y, size), (0.1, 0.3)).0 / size as f64;
                if *model == Model::Adida {
                    at(level)
                } else {
                    (1..=level).map(at).sum::<f64>() / level as f64
                }
            };
            Forecast {
                mean: flat(mean),
                intervals: Vec::new(),
            }
        }
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles() {
        for (p, z) in [
            (0.5, 0.0),
            (0.9, 1.281_551_565_544_600_5),
            (0.975, 1.959_963_984_540_054),
            (0.995, 2.575_829_303_548_901),
            (0.01, -2.326_347_874_040_841),
        ] {
            assert!((normal_quantile(p) - z).abs() < 1e-12, "{p}");
        }
    }

    #[test]
    fn baselines_by_hand() {
        let y = [1.0, 3.0, 2.0, 4.0, 3.0, 5.0];
        let naive = forecast(&Model::Naive, &y, 2, 2, &[80.0]).unwrap();
        assert_eq!(naive.mean, [5.0, 5.0]);
        // Steps 2, −1, 2, −1, 2: σ = √(14/5); 80 %: ±1.2816 σ √h.
        let s = (14.0f64 / 5.0).sqrt();
        let (_, lo, hi) = &naive.intervals[0];
        assert!((hi[1] - (5.0 + 1.281_551_565_544_600_5 * s * 2f64.sqrt())).abs() < 1e-12);
        assert!((lo[0] - (5.0 - 1.281_551_565_544_600_5 * s)).abs() < 1e-12);
        let snaive = forecast(&Model::SeasonalNaive, &y, 3, 2, &[]).unwrap();
        assert_eq!(snaive.mean, [3.0, 5.0, 3.0]);
        let avg = forecast(&Model::HistoricAverage, &y, 1, 1, &[]).unwrap();
        assert_eq!(avg.mean, [3.0]);
        let window = forecast(&Model::WindowAverage { window: 3 }, &y, 1, 1, &[]).unwrap();
        assert_eq!(window.mean, [4.0]);
        // SES α 0.5 from level 1: 1 → 2 → 2 → 3 → 3 → 4.
        let ses = forecast(&Model::Ses { alpha: 0.5 }, &y, 1, 1, &[]).unwrap();
        assert_eq!(ses.mean, [4.0]);
    }

    #[test]
    fn intermittent_by_hand() {
        let y = [0.0, 0.0, 3.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0];
        assert_eq!(intervals(&y), [3.0, 2.0, 4.0]);
        // Sizes 3, 1, 2 with α 0.1 from 3: 3 → 2.8 → 2.72; intervals 3, 2, 4: 3 → 2.9 → 3.01.
        let c = forecast(&Model::CrostonClassic, &y, 1, 1, &[]).unwrap();
        assert!((c.mean[0] - 2.72 / 3.01).abs() < 1e-12);
        let sba = forecast(&Model::CrostonSba, &y, 1, 1, &[]).unwrap();
        assert!((sba.mean[0] - 0.95 * 2.72 / 3.01).abs() < 1e-12);
        let zeros = [0.0; 10];
        for m in [
            Model::CrostonClassic,
            Model::Adida,
            Model::Imapa,
            Model::Tsb {
                alpha_d: 0.2,
                alpha_p: 0.2,
            },
        ] {
            assert_eq!(
                forecast(&m, &zeros, 3, 1, &[]).unwrap().mean,
                [0.0; 3],
                "{m}"
            );
        }
        // Mean interval 3 → ADIDA sums over 3 (9 values, nothing cut): 3, 1, 2.
        assert_eq!(chunk_sums(&y, 3), [3.0, 1.0, 2.0]);
        // Size 2 drops the oldest value: 0 3 | 0 1 | 0 0 | 0 2.
        assert_eq!(chunk_sums(&y, 2), [3.0, 1.0, 0.0, 2.0]);
        assert!("CrostonSBA".parse::<Model>().is_ok() && "ses:2".parse::<Model>().is_err());
    }
}
