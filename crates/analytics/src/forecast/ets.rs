//! Exponential smoothing state-space models with additive errors (ETS(A,·,·)): level, optional
//! additive or damped trend, optional additive season, fitted by maximum likelihood and chosen by
//! AICc, the way statsforecast 2.1's `AutoETS(model="AZZ")` does it.
//!
//! Conventions followed, all from statsforecast 2.1.1 (`ets.py`, `src/ets.cpp`), itself a port
//! of R's `forecast::ets` (Hyndman et al., *Forecasting with Exponential Smoothing*, 2008):
//! - initial states: level (and trend) from a regression on the first max(10, 2m) seasonally
//!   adjusted values; seasonal states from a classical additive decomposition (centred moving
//!   average) when there are at least three seasons, otherwise from a regression on a trend and
//!   one Fourier pair; the m-th seasonal state is minus the sum of the others (not estimated);
//! - starting values α = 0.2/m of its range, β = a tenth of its range, γ = a twentieth, φ = 0.9782;
//!   bounds α, β, γ in [1e-4, 0.9999] with β ≤ the starting α and γ ≤ 1 − the starting α (the box
//!   statsforecast's search ends up with), φ in [0.8, 0.98];
//! - the objective n·ln(SSE), minimised over the smoothing parameters and initial states by a
//!   bounded adaptive Nelder–Mead (5 % initial steps, stop when the simplex values' standard
//!   deviation is under 1e-4, at most 1,000 iterations);
//! - AIC = n·ln(SSE) + 2k, AICc = AIC + 2k(k+1)/(n−k−1), k = parameters + initial states + 1,
//!   σ² = SSE/(n − k − 1); candidates in the order ANN, ANA, AAdN, AAN, AAdA, AAA, the first
//!   lowest AICc wins; a constant series gets ANN with α = 0.9999.
//!
//! Where we differ on purpose (docs/forecasts.md): the seasonal models' interval variances use
//! each step's number of completed seasons, ⌊(k−1)/m⌋, as in Hyndman et al.'s Table 6.1, where
//! statsforecast uses the horizon's, ⌊(h−1)/m⌋, for every step; and a search point whose
//! likelihood is not a number scores +∞ rather than −∞.

use std::fmt;

use crate::error::{Error, Result};
use crate::forecast::models::{Forecast, normal_quantile};

/// The trend component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// No trend.
    None,
    /// Additive trend.
    Additive,
    /// Additive trend damped by φ.
    Damped,
}

/// The seasonal component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Season {
    /// No season.
    None,
    /// Additive season of length m.
    Additive,
}

/// Which ETS models to consider: a fixed form, or (`None`) every form, chosen by AICc.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EtsSpec {
    /// A fixed (trend, season), or `None` for automatic choice.
    pub form: Option<(Trend, Season)>,
}

impl EtsSpec {
    /// Every additive-error form, chosen by AICc (statsforecast's `AutoETS(model="AZZ")`).
    pub const AUTO: Self = Self { form: None };

    /// Parses a form as statsforecast writes it: `ANN`, `AAN`, `AAdN`, `ANA`, `AAA`, `AAdA`
    /// (error, trend with `d` for damped, season); `AZZ` for automatic choice.
    pub fn parse(text: &str) -> Option<Self> {
        let form = match text.trim().to_uppercase().as_str() {
            "AZZ" => return Some(Self::AUTO),
            "ANN" => (Trend::None, Season::None),
            "AAN" => (Trend::Additive, Season::None),
            "AADN" => (Trend::Damped, Season::None),
            "ANA" => (Trend::None, Season::Additive),
            "AAA" => (Trend::Additive, Season::Additive),
            "AADA" => (Trend::Damped, Season::Additive),
            _ => return None,
        };
        Some(Self { form: Some(form) })
    }

    /// The output name: `AutoETS`, or `ETS(A,Ad,N)` and the like for a fixed form.
    pub fn name(&self) -> &'static str {
        match self.form {
            None => "AutoETS",
            Some((Trend::None, Season::None)) => "ETS(A,N,N)",
            Some((Trend::Additive, Season::None)) => "ETS(A,A,N)",
            Some((Trend::Damped, Season::None)) => "ETS(A,Ad,N)",
            Some((Trend::None, Season::Additive)) => "ETS(A,N,A)",
            Some((Trend::Additive, Season::Additive)) => "ETS(A,A,A)",
            Some((Trend::Damped, Season::Additive)) => "ETS(A,Ad,A)",
        }
    }
}

/// A fitted ETS model.
#[derive(Clone, Debug, PartialEq)]
pub struct EtsFit {
    /// Trend component.
    pub trend: Trend,
    /// Seasonal component.
    pub season: Season,
    /// Season length used (1 without a season).
    pub m: usize,
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing (trended models).
    pub beta: Option<f64>,
    /// Season smoothing (seasonal models).
    pub gamma: Option<f64>,
    /// Damping (damped models).
    pub phi: Option<f64>,
    /// Initial states: level, trend if any, then the m seasonal states s₁..s_m (s_m is the one
    /// the first observation uses).
    pub initial: Vec<f64>,
    /// The states after the last observation, laid out like `initial`.
    pub last: Vec<f64>,
    /// n·ln(SSE), statsforecast's "−2 log-likelihood" (its constant left out).
    pub neg2loglik: f64,
    /// Akaike's criterion.
    pub aic: f64,
    /// AIC corrected for small samples, the selection criterion.
    pub aicc: f64,
    /// Bayesian criterion.
    pub bic: f64,
    /// Residual variance SSE/(n − k − 1).
    pub sigma2: f64,
    /// k: smoothing parameters + initial states + 1.
    pub n_params: usize,
    /// Nelder–Mead iterations used (0 when nothing was searched).
    pub iterations: usize,
}

impl EtsFit {
    /// The form as statsforecast prints it, e.g. `ETS(A,Ad,N)`.
    pub fn method(&self) -> String {
        let t = match self.trend {
            Trend::None => "N",
            Trend::Additive => "A",
            Trend::Damped => "Ad",
        };
        let s = match self.season {
            Season::None => "N",
            Season::Additive => "A",
        };
        format!("ETS(A,{t},{s})")
    }

    /// Point forecasts for `h` steps with normal intervals at `levels` (in %).
    pub fn forecast(&self, h: usize, levels: &[f64]) -> Forecast {
        let (l, b, seasonals) = self.split(&self.last);
        let phi = self.phi.unwrap_or(1.0);
        let m = self.m;
        let mut mean = Vec::with_capacity(h);
        let mut damp_sum = phi;
        for i in 0..h {
            let mut f = l;
            if self.trend != Trend::None {
                f += damp_sum * b;
            }
            if self.season == Season::Additive {
                // s[(m − 1 − i) mod m]: the state of the same season a whole number of seasons
                // back.
                f += seasonals
                    .get((m.max(1) - 1) - (i % m.max(1)))
                    .copied()
                    .unwrap_or(0.0);
            }
            mean.push(f);
            damp_sum += if self.trend == Trend::Damped {
                phi.powi(i as i32 + 1)
            } else {
                1.0
            };
        }
        let sd: Vec<f64> = (1..=h).map(|k| self.variance(k).max(0.0).sqrt()).collect();
        let intervals = levels
            .iter()
            .map(|level| {
                let z = normal_quantile(0.5 + level / 200.0);
                let lo = mean.iter().zip(&sd).map(|(f, s)| f - z * s).collect();
                let hi = mean.iter().zip(&sd).map(|(f, s)| f + z * s).collect();
                (*level, lo, hi)
            })
            .collect();
        Forecast { mean, intervals }
    }

    /// The forecast variance k steps ahead (Hyndman et al. 2008, Table 6.1, class 1).
    pub fn variance(&self, k: usize) -> f64 {
        let a = self.alpha;
        let b = self.beta.unwrap_or(0.0);
        let g = self.gamma.unwrap_or(0.0);
        let p = self.phi.unwrap_or(1.0);
        let m = self.m as f64;
        let kf = k as f64;
        let seasons = (k.saturating_sub(1) / self.m.max(1)) as f64;
        let linear = a * a + a * b * kf + b * b * kf * (2.0 * kf - 1.0) / 6.0;
        let damped = || {
            b * p * kf / (1.0 - p).powi(2) * (2.0 * a * (1.0 - p) + b * p)
                - b * p * (1.0 - p.powi(k as i32)) / ((1.0 - p).powi(2) * (1.0 - p * p))
                    * (2.0 * a * (1.0 - p * p) + b * p * (1.0 + 2.0 * p - p.powi(k as i32)))
        };
        let factor = match (self.trend, self.season) {
            (Trend::None, Season::None) => 1.0 + a * a * (kf - 1.0),
            (Trend::Additive, Season::None) => 1.0 + (kf - 1.0) * linear,
            (Trend::Damped, Season::None) => 1.0 + a * a * (kf - 1.0) + damped(),
            (Trend::None, Season::Additive) => {
                1.0 + a * a * (kf - 1.0) + g * seasons * (2.0 * a + g)
            }
            (Trend::Additive, Season::Additive) => {
                1.0 + (kf - 1.0) * linear + g * seasons * (2.0 * a + g + b * m * (seasons + 1.0))
            }
            (Trend::Damped, Season::Additive) => {
                let pm = p.powf(m);
                1.0 + a * a * (kf - 1.0)
                    + damped()
                    + g * seasons * (2.0 * a + g)
                    + 2.0 * b * g * p / ((1.0 - p) * (1.0 - pm))
                        * (seasons * (1.0 - pm) - pm * (1.0 - p.powf(m * seasons)))
            }
        };
        self.sigma2 * factor
    }

    /// (level, trend, seasonal states) of a state vector laid out like `initial`.
    fn split<'a>(&self, x: &'a [f64]) -> (f64, f64, &'a [f64]) {
        let trended = usize::from(self.trend != Trend::None);
        let l = x.first().copied().unwrap_or(f64::NAN);
        let b = if trended == 1 {
            x.get(1).copied().unwrap_or(0.0)
        } else {
            0.0
        };
        (l, b, x.get(1 + trended..).unwrap_or(&[]))
    }
}

impl fmt::Display for EtsFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} AICc {:.3}", self.method(), self.aicc)
    }
}

const LOWER: f64 = 1e-4;
const UPPER: f64 = 0.9999;
const PHI_LOWER: f64 = 0.8;
const PHI_UPPER: f64 = 0.98;

/// Fits the ETS model(s) `spec` allows to `y` with season length `season` and returns the one
/// with the lowest AICc. Errors (for the caller's fallback) when the series is too short for any
/// allowed form: n ≤ (parameter count) + 4, or every form has at least n − 1 parameters.
pub fn fit_ets(y: &[f64], season: usize, spec: EtsSpec) -> Result<EtsFit> {
    let n = y.len();
    let fail = |why: String| Error::InvalidOption {
        option: "models",
        message: format!("{}: {why}", spec.name()),
    };
    if n == 0 || y.iter().any(|v| !v.is_finite()) {
        return Err(fail(
            "the series is empty or has a value that is not finite".into(),
        ));
    }
    if y.iter().all(|v| *v == y[0]) {
        return Ok(constant_fit(y));
    }
    let mut m = season.max(1);
    let mut forms: Vec<(Trend, Season)> = match spec.form {
        Some(form) => vec![form],
        None => vec![
            (Trend::None, Season::None),
            (Trend::None, Season::Additive),
            (Trend::Damped, Season::None),
            (Trend::Additive, Season::None),
            (Trend::Damped, Season::Additive),
            (Trend::Additive, Season::Additive),
        ],
    };
    // statsforecast: a season no shorter than the series is dropped; season length 1 has none.
    if n <= m {
        m = 1;
    }
    if m == 1 {
        match spec.form {
            Some((_, Season::Additive)) if season <= 1 => {
                return Err(fail("a seasonal form needs a season length above 1".into()));
            }
            // A fixed seasonal form on a series no longer than its season loses the season.
            Some(_) => forms.iter_mut().for_each(|f| f.1 = Season::None),
            None => forms.retain(|f| f.1 == Season::None),
        }
    }
    // statsforecast counts α and l₀, plus 2 for a fixed trend and 2 for a fixed season, and
    // refuses "tiny" series of at most that + 4 values.
    let counted = 2 + match spec.form {
        None => 0,
        Some((t, s)) => {
            let trend = match t {
                Trend::None => 0,
                Trend::Additive => 2,
                Trend::Damped => 3,
            };
            trend + if s == Season::Additive && m > 1 { 2 } else { 0 }
        }
    };
    if n <= counted + 4 {
        return Err(fail(format!(
            "{n} values are too few (more than {} needed)",
            counted + 4
        )));
    }
    let mut best: Option<EtsFit> = None;
    for (trend, s) in forms {
        if let Some(fit) = fit_form(y, m, trend, s)
            && fit.aicc.is_finite()
            && best.as_ref().is_none_or(|b| fit.aicc < b.aicc)
        {
            best = Some(fit);
        }
    }
    best.ok_or_else(|| fail(format!("no form can be fitted to {n} values")))
}

/// ANN with α = 0.9999 and the level at the value: statsforecast's answer for a constant series.
fn constant_fit(y: &[f64]) -> EtsFit {
    let n = y.len() as f64;
    let k = 3usize;
    // SSE = 0: statsforecast takes ln(0 + 1e-8).
    let neg2 = n * (1e-8f64).ln();
    let (aic, bic, aicc) = criteria(neg2, k, y.len());
    EtsFit {
        trend: Trend::None,
        season: Season::None,
        m: 1,
        alpha: UPPER,
        beta: None,
        gamma: None,
        phi: None,
        initial: vec![y[0]],
        last: vec![y[0]],
        neg2loglik: neg2,
        aic,
        aicc,
        bic,
        sigma2: 0.0,
        n_params: k,
        iterations: 0,
    }
}

fn criteria(neg2: f64, k: usize, n: usize) -> (f64, f64, f64) {
    let kf = k as f64;
    let aic = neg2 + 2.0 * kf;
    let bic = neg2 + (n as f64).ln() * kf;
    let aicc = if n > k + 1 {
        aic + 2.0 * kf * (kf + 1.0) / (n - k - 1) as f64
    } else {
        f64::INFINITY
    };
    (aic, bic, aicc)
}

/// The layout of the searched vector: smoothing parameters, then initial states.
struct Layout {
    trend: Trend,
    season: Season,
    m: usize,
    /// Number of smoothing parameters (α, β, γ, φ as present).
    n_smooth: usize,
}

impl Layout {
    fn new(trend: Trend, season: Season, m: usize) -> Self {
        let n_smooth = 1
            + usize::from(trend != Trend::None)
            + usize::from(season == Season::Additive)
            + usize::from(trend == Trend::Damped);
        Self {
            trend,
            season,
            m,
            n_smooth,
        }
    }

    /// (α, β, γ, φ) from a searched vector.
    fn smoothing(&self, x: &[f64]) -> (f64, f64, f64, f64) {
        let mut j = 0;
        let mut next = || {
            let v = x[j];
            j += 1;
            v
        };
        let alpha = next();
        let beta = if self.trend != Trend::None {
            next()
        } else {
            0.0
        };
        let gamma = if self.season == Season::Additive {
            next()
        } else {
            0.0
        };
        let phi = if self.trend == Trend::Damped {
            next()
        } else {
            1.0
        };
        (alpha, beta, gamma, phi)
    }

    /// The full initial state (the last seasonal state appended as minus the others' sum).
    fn states(&self, x: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend_from_slice(&x[self.n_smooth..]);
        if self.season == Season::Additive {
            let start = 1 + usize::from(self.trend != Trend::None);
            let sum: f64 = out[start..].iter().sum();
            out.push(-sum);
        }
    }
}

/// Runs the model over `y` from `state` (updated in place to the final state) and returns the
/// sum of squared one-step errors; `residuals`, when given, receives each error.
fn filter(
    y: &[f64],
    layout: &Layout,
    smoothing: (f64, f64, f64, f64),
    state: &mut [f64],
    seasonal: &mut Vec<f64>,
    residuals: Option<&mut Vec<f64>>,
) -> f64 {
    // One loop per form, so that the search's inner loop carries no form tests.
    let run = match (
        layout.trend != Trend::None,
        layout.season == Season::Additive,
    ) {
        (false, false) => run_filter::<false, false>,
        (true, false) => run_filter::<true, false>,
        (false, true) => run_filter::<false, true>,
        (true, true) => run_filter::<true, true>,
    };
    run(y, layout.m, smoothing, state, seasonal, residuals)
}

/// [`filter`] for a form with (`TREND`, `SEASON`) components.
fn run_filter<const TREND: bool, const SEASON: bool>(
    y: &[f64],
    m: usize,
    (alpha, beta, gamma, phi): (f64, f64, f64, f64),
    state: &mut [f64],
    seasonal: &mut Vec<f64>,
    mut residuals: Option<&mut Vec<f64>>,
) -> f64 {
    let mut l = state[0];
    let mut b = if TREND { state[1] } else { 0.0 };
    // Seasonal states in a ring: logical s[k] = seasonal[(head + k) % m].
    seasonal.clear();
    if SEASON {
        seasonal.extend_from_slice(&state[1 + usize::from(TREND)..]);
    }
    let mut head = 0usize;
    let ratio = beta / alpha;
    let mut sse = 0.0;
    for &v in y {
        let phi_b = phi * b;
        let q = l + phi_b;
        let (s_old, slot) = if SEASON {
            let slot = if head == 0 { m - 1 } else { head - 1 };
            (seasonal[slot], slot)
        } else {
            (0.0, 0)
        };
        let e = v - (q + s_old);
        sse += e * e;
        if let Some(r) = residuals.as_deref_mut() {
            r.push(e);
        }
        let new_l = q + alpha * (v - s_old - q);
        if TREND {
            b = phi_b + ratio * (new_l - l - phi_b);
        }
        if SEASON {
            seasonal[slot] = s_old + gamma * (v - q - s_old);
            head = slot;
        }
        l = new_l;
    }
    state[0] = l;
    if TREND {
        state[1] = b;
    }
    if SEASON {
        let start = 1 + usize::from(TREND);
        for k in 0..m {
            state[start + k] = seasonal[(head + k) % m];
        }
    }
    sse
}

/// n·ln(SSE) as statsforecast computes it (ln(SSE + 1e-8) when SSE is 0).
fn neg2loglik(sse: f64, n: usize) -> f64 {
    let n = n as f64;
    if sse > 0.0 {
        n * sse.ln()
    } else {
        n * (sse + 1e-8).ln()
    }
}

/// Fits one form; `None` when it has at least n − 1 parameters.
fn fit_form(y: &[f64], m: usize, trend: Trend, season: Season) -> Option<EtsFit> {
    let n = y.len();
    let m = if season == Season::None { 1 } else { m };
    let layout = Layout::new(trend, season, m);
    let init = initial_states(y, m, trend, season)?;
    // Starting values and bounds.
    let alpha0 = {
        let a = LOWER + 0.2 * (UPPER - LOWER) / m as f64;
        if (0.0..=1.0).contains(&a) {
            a
        } else {
            LOWER + 2e-3
        }
    };
    let mut x0 = vec![alpha0];
    let mut lower = vec![LOWER];
    let mut upper = vec![UPPER];
    if trend != Trend::None {
        let up = UPPER.min(alpha0);
        let mut beta0 = LOWER + 0.1 * (up - LOWER);
        if !(0.0..=alpha0).contains(&beta0) {
            beta0 = alpha0 - 1e-3;
        }
        x0.push(beta0);
        lower.push(LOWER);
        upper.push(up);
    }
    if season == Season::Additive {
        let up = UPPER.min(1.0 - alpha0);
        let mut gamma0 = LOWER + 0.05 * (up - LOWER);
        if !(0.0..=1.0 - alpha0).contains(&gamma0) {
            gamma0 = 1.0 - alpha0 - 1e-3;
        }
        x0.push(gamma0);
        lower.push(LOWER);
        upper.push(up);
    }
    if trend == Trend::Damped {
        x0.push(PHI_LOWER + 0.99 * (PHI_UPPER - PHI_LOWER));
        lower.push(PHI_LOWER);
        upper.push(PHI_UPPER);
    }
    let n_states = init.len();
    x0.extend_from_slice(&init);
    lower.resize(x0.len(), f64::NEG_INFINITY);
    upper.resize(x0.len(), f64::INFINITY);
    let np = x0.len();
    if np + 1 >= n {
        return None;
    }
    let mut state = Vec::with_capacity(n_states + 1);
    let mut ring = Vec::with_capacity(m);
    let objective = |x: &[f64], state: &mut Vec<f64>, ring: &mut Vec<f64>| -> f64 {
        layout.states(x, state);
        let sse = filter(y, &layout, layout.smoothing(x), state, ring, None);
        let v = neg2loglik(sse, n);
        if v.is_nan() {
            f64::INFINITY
        } else {
            v.max(-1e10)
        }
    };
    let (best, _, iterations) =
        nelder_mead(|x| objective(x, &mut state, &mut ring), &x0, &lower, &upper);
    let smoothing = layout.smoothing(&best);
    let mut initial = Vec::new();
    layout.states(&best, &mut initial);
    let mut last = initial.clone();
    let mut ring = Vec::with_capacity(m);
    let sse = filter(y, &layout, smoothing, &mut last, &mut ring, None);
    let neg2 = neg2loglik(sse, n);
    let k = np + 1;
    let (aic, bic, aicc) = criteria(neg2, k, n);
    let (alpha, beta, gamma, phi) = smoothing;
    Some(EtsFit {
        trend,
        season,
        m,
        alpha,
        beta: (trend != Trend::None).then_some(beta),
        gamma: (season == Season::Additive).then_some(gamma),
        phi: (trend == Trend::Damped).then_some(phi),
        initial,
        last,
        neg2loglik: neg2,
        aic,
        aicc,
        bic,
        sigma2: sse / (n as f64 - k as f64 - 1.0),
        n_params: k,
        iterations,
    })
}

/// Initial level, trend and m − 1 seasonal states (statsforecast's `initstate`); `None` when a
/// seasonal form has fewer than 4 values.
fn initial_states(y: &[f64], m: usize, trend: Trend, season: Season) -> Option<Vec<f64>> {
    let n = y.len();
    let mut out = Vec::new();
    let mut seasonal_states: Vec<f64> = Vec::new();
    let adjusted: Vec<f64> = if season == Season::Additive {
        if n < 4 {
            return None;
        }
        let seasonal = if n < 3 * m {
            fourier_seasonal(y, m)?
        } else {
            decompose_seasonal(y, m)
        };
        // s₁..s_{m−1}: the decomposition's seasons 1..m−1, latest first.
        seasonal_states.extend(seasonal[1..m].iter().rev());
        y.iter().zip(&seasonal).map(|(v, s)| v - s).collect()
    } else {
        y.to_vec()
    };
    let span = if season == Season::Additive { m } else { 1 };
    let maxn = (10usize.max(2 * span)).min(n);
    let head = &adjusted[..maxn];
    if trend == Trend::None {
        out.push(head.iter().sum::<f64>() / maxn as f64);
    } else {
        let (mut l, mut b) = line_fit(head);
        if (l + b).abs() < 1e-8 {
            l *= 1.0 + 1e-3;
            b *= 1.0 - 1e-3;
        }
        out.push(l);
        out.push(b);
    }
    out.extend(seasonal_states);
    Some(out)
}

/// Least-squares intercept and slope of `v` on t = 1..len.
fn line_fit(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    if v.len() < 2 {
        return (v.first().copied().unwrap_or(0.0), 0.0);
    }
    let t_mean = (n + 1.0) / 2.0;
    let v_mean = v.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, y) in v.iter().enumerate() {
        let dt = (i + 1) as f64 - t_mean;
        sxy += dt * (y - v_mean);
        sxx += dt * dt;
    }
    let b = sxy / sxx;
    (v_mean - b * t_mean, b)
}

/// The additive seasonal component of a classical decomposition (statsmodels'
/// `seasonal_decompose`): centred moving average of length m (2×m for even m), the detrended
/// values averaged per season, centred to sum 0, repeated.
fn decompose_seasonal(y: &[f64], m: usize) -> Vec<f64> {
    let n = y.len();
    let half = m / 2;
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for t in half..n.saturating_sub(half) {
        let trend = if m % 2 == 1 {
            y[t - half..=t + half].iter().sum::<f64>() / m as f64
        } else {
            (0.5 * y[t - half] + y[t - half + 1..t + half].iter().sum::<f64>() + 0.5 * y[t + half])
                / m as f64
        };
        sums[t % m] += y[t] - trend;
        counts[t % m] += 1;
    }
    let averages: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(s, c)| s / (*c).max(1) as f64)
        .collect();
    let centre = averages.iter().sum::<f64>() / m as f64;
    (0..n).map(|t| averages[t % m] - centre).collect()
}

/// For fewer than three seasons: y minus a fitted line, from a regression on a constant, t and
/// the first Fourier pair of period m (statsforecast's short-series rule).
fn fourier_seasonal(y: &[f64], m: usize) -> Option<Vec<f64>> {
    let n = y.len();
    let p = 1.0 / m as f64;
    let with_sine = (2.0 * p - (2.0 * p).round()).abs() > f64::EPSILON;
    let columns: Vec<Vec<f64>> = {
        let t: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let mut c = vec![vec![1.0; n], t.clone()];
        c.push(
            t.iter()
                .map(|v| (2.0 * std::f64::consts::PI * p * v).cos())
                .collect(),
        );
        if with_sine {
            c.push(
                t.iter()
                    .map(|v| (2.0 * std::f64::consts::PI * p * v).sin())
                    .collect(),
            );
        }
        c
    };
    let coef = least_squares(&columns, y)?;
    Some(
        (0..n)
            .map(|i| y[i] - coef[0] - coef[1] * (i + 1) as f64)
            .collect(),
    )
}

/// Least squares by Householder QR on the given columns; `None` if they are rank deficient.
fn least_squares(columns: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let k = columns.len();
    let n = y.len();
    if n < k {
        return None;
    }
    let mut a: Vec<Vec<f64>> = columns.to_vec();
    let mut rhs = y.to_vec();
    for j in 0..k {
        let norm = a[j][j..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm == 0.0 {
            return None;
        }
        let alpha = if a[j][j] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = a[j][j..].to_vec();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|x| x * x).sum();
        if vnorm2 == 0.0 {
            continue;
        }
        for col in a.iter_mut().skip(j) {
            let dot: f64 = v.iter().zip(&col[j..]).map(|(p, q)| p * q).sum();
            let f = 2.0 * dot / vnorm2;
            for (c, vi) in col[j..].iter_mut().zip(&v) {
                *c -= f * vi;
            }
        }
        let dot: f64 = v.iter().zip(&rhs[j..]).map(|(p, q)| p * q).sum();
        let f = 2.0 * dot / vnorm2;
        for (c, vi) in rhs[j..].iter_mut().zip(&v) {
            *c -= f * vi;
        }
    }
    let mut coef = vec![0.0; k];
    for j in (0..k).rev() {
        let mut s = rhs[j];
        for i in j + 1..k {
            s -= a[i][j] * coef[i];
        }
        if a[j][j].abs() < 1e-12 * a[0][0].abs().max(1.0) {
            return None;
        }
        coef[j] = s / a[j][j];
    }
    Some(coef)
}

/// Bounded adaptive Nelder–Mead as statsforecast runs it: starting simplex from `x0` with each
/// coordinate in turn scaled by 1.05 (1e-4 when 0), every point clamped to the box; stop when
/// the population standard deviation of the simplex values drops under 1e-4, or after 1,000
/// iterations. Returns the best point, its value and the iterations used.
fn nelder_mead(
    mut f: impl FnMut(&[f64]) -> f64,
    x0: &[f64],
    lower: &[f64],
    upper: &[f64],
) -> (Vec<f64>, f64, usize) {
    const MAX_ITER: usize = 1_000;
    const TOL: f64 = 1e-4;
    let d = x0.len();
    let dn = d as f64;
    let (reflect, expand, contract, shrink) =
        (1.0, 1.0 + 2.0 / dn, 0.75 - 1.0 / (2.0 * dn), 1.0 - 1.0 / dn);
    let clamp = |x: &mut [f64]| {
        for ((v, lo), hi) in x.iter_mut().zip(lower).zip(upper) {
            *v = v.max(*lo).min(*hi);
        }
    };
    let mut start = x0.to_vec();
    clamp(&mut start);
    let mut simplex: Vec<Vec<f64>> = vec![start; d + 1];
    for (i, row) in simplex.iter_mut().enumerate().take(d) {
        let v = row[i];
        row[i] = if v == 0.0 { 1e-4 } else { v * 1.05 }.clamp(lower[i], upper[i]);
    }
    let mut values: Vec<f64> = simplex.iter().map(|x| f(x)).collect();
    let mut order: Vec<usize> = (0..=d).collect();
    let mut centroid = vec![0.0; d];
    let mut trial = vec![0.0; d];
    let mut trial2 = vec![0.0; d];
    let mut best = 0;
    let mut iterations = 0;
    for it in 0..MAX_ITER {
        iterations = it + 1;
        order.clear();
        order.extend(0..=d);
        order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
        best = order[0];
        let worst = order[d];
        let second = order[d - 1];
        let mean = values.iter().sum::<f64>() / (d + 1) as f64;
        let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (d + 1) as f64).sqrt();
        if sd < TOL {
            break;
        }
        for (j, c) in centroid.iter_mut().enumerate() {
            let total: f64 = simplex.iter().map(|x| x[j]).sum();
            *c = (total - simplex[worst][j]) / dn;
        }
        for j in 0..d {
            trial[j] = centroid[j] + reflect * (centroid[j] - simplex[worst][j]);
        }
        clamp(&mut trial);
        let f_r = f(&trial);
        if values[best] <= f_r && f_r < values[second] {
            simplex[worst].copy_from_slice(&trial);
            values[worst] = f_r;
            continue;
        }
        if f_r < values[best] {
            for j in 0..d {
                trial2[j] = centroid[j] + expand * (trial[j] - centroid[j]);
            }
            clamp(&mut trial2);
            let f_e = f(&trial2);
            if f_e < f_r {
                simplex[worst].copy_from_slice(&trial2);
                values[worst] = f_e;
            } else {
                simplex[worst].copy_from_slice(&trial);
                values[worst] = f_r;
            }
            continue;
        }
        let outside = values[second] <= f_r && f_r < values[worst];
        let sign = if outside { 1.0 } else { -1.0 };
        for j in 0..d {
            trial2[j] = centroid[j] + sign * contract * (trial[j] - centroid[j]);
        }
        clamp(&mut trial2);
        let f_c = f(&trial2);
        let accept = if outside {
            f_c <= f_r
        } else {
            f_c < values[worst]
        };
        if accept {
            simplex[worst].copy_from_slice(&trial2);
            values[worst] = f_c;
            continue;
        }
        let anchor = simplex[best].clone();
        for (i, row) in simplex.iter_mut().enumerate() {
            if i == best {
                continue;
            }
            for j in 0..d {
                row[j] = anchor[j] + shrink * (row[j] - anchor[j]);
            }
            clamp(row);
            values[i] = f(row);
        }
    }
    (simplex[best].clone(), values[best], iterations)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(trend: Trend, season: Season) -> EtsFit {
        EtsFit {
            trend,
            season,
            m: 4,
            alpha: 0.3,
            beta: (trend != Trend::None).then_some(0.1),
            gamma: (season == Season::Additive).then_some(0.2),
            phi: (trend == Trend::Damped).then_some(0.9),
            initial: vec![],
            last: vec![],
            neg2loglik: 0.0,
            aic: 0.0,
            aicc: 0.0,
            bic: 0.0,
            sigma2: 2.0,
            n_params: 0,
            iterations: 0,
        }
    }

    /// Variance from the state-space form: σ²(1 + Σ_{j=1}^{k−1} c_j²), c_j = w F^{j−1} g.
    fn variance_by_matrices(f: &EtsFit, k: usize) -> f64 {
        let m = f.m;
        let trended = f.trend != Trend::None;
        let seasonal = f.season == Season::Additive;
        let p = 1 + usize::from(trended) + if seasonal { m } else { 0 };
        let phi = f.phi.unwrap_or(1.0);
        // State (l, b, s_1..s_m); w picks l + φb + s_m; F moves it; g the smoothing gains.
        let mut w = vec![0.0; p];
        let mut big_f = vec![vec![0.0; p]; p];
        let mut g = vec![0.0; p];
        w[0] = 1.0;
        big_f[0][0] = 1.0;
        g[0] = f.alpha;
        let sb = 1 + usize::from(trended);
        if trended {
            w[1] = phi;
            big_f[0][1] = phi;
            big_f[1][1] = phi;
            g[1] = f.beta.unwrap_or(0.0);
        }
        if seasonal {
            w[sb + m - 1] = 1.0;
            big_f[sb][sb + m - 1] = 1.0;
            for i in 1..m {
                big_f[sb + i][sb + i - 1] = 1.0;
            }
            g[sb] = f.gamma.unwrap_or(0.0);
        }
        let mut total = 1.0;
        let mut v = g.clone(); // F^{j−1} g
        for _ in 1..k {
            let c: f64 = w.iter().zip(&v).map(|(a, b)| a * b).sum();
            total += c * c;
            v = (0..p)
                .map(|r| (0..p).map(|c| big_f[r][c] * v[c]).sum())
                .collect();
        }
        f.sigma2 * total
    }

    #[test]
    fn variances_match_the_state_space_form() {
        for trend in [Trend::None, Trend::Additive, Trend::Damped] {
            for season in [Season::None, Season::Additive] {
                let f = fit(trend, season);
                for k in 1..=13 {
                    let a = f.variance(k);
                    let b = variance_by_matrices(&f, k);
                    assert!(
                        (a - b).abs() < 1e-9 * b.abs().max(1.0),
                        "{trend:?} {season:?} step {k}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn filter_by_hand() {
        // ETS(A,N,N), α = 0.5, l₀ = 1: y = 3 → e = 2, l = 2; y = 0 → e = −2, l = 1.
        let layout = Layout::new(Trend::None, Season::None, 1);
        let mut state = vec![1.0];
        let mut ring = Vec::new();
        let mut r = Vec::new();
        let sse = filter(
            &[3.0, 0.0],
            &layout,
            (0.5, 0.0, 0.0, 1.0),
            &mut state,
            &mut ring,
            Some(&mut r),
        );
        assert_eq!(r, vec![2.0, -2.0]);
        assert_eq!(sse, 8.0);
        assert_eq!(state, vec![1.0]);
    }

    #[test]
    fn seasonal_filter_by_hand() {
        // ETS(A,N,A), m = 2, α = 0.5, γ = 0.5, l₀ = 10, s = (1, −1) with s₂ = −1 used first.
        let layout = Layout::new(Trend::None, Season::Additive, 2);
        let mut state = vec![10.0, 1.0, -1.0];
        let mut ring = Vec::new();
        let mut r = Vec::new();
        filter(
            &[11.0],
            &layout,
            (0.5, 0.0, 0.5, 1.0),
            &mut state,
            &mut ring,
            Some(&mut r),
        );
        // f = 10 − 1 = 9, e = 2; l = 10 + 0.5·(12 − 10) = 11; new s = −1 + 0.5·(1 − (−1)) = 0,
        // and the states shift: (0, 1).
        assert_eq!(r, vec![2.0]);
        assert_eq!(state, vec![11.0, 0.0, 1.0]);
    }

    #[test]
    fn decomposition_by_hand() {
        // Period 2, y = 1, 3, 1, 3, 1, 3: trend 2 inside, detrended ∓1: seasonal −1, 1.
        let s = decompose_seasonal(&[1.0, 3.0, 1.0, 3.0, 1.0, 3.0], 2);
        for (i, v) in s.iter().enumerate() {
            assert!((v - if i % 2 == 0 { -1.0 } else { 1.0 }).abs() < 1e-12);
        }
    }

    #[test]
    fn least_squares_recovers_a_plane() {
        let x: Vec<f64> = (0..8).map(|i| i as f64).collect();
        let z: Vec<f64> = x.iter().map(|v| (v * 0.7).sin()).collect();
        let y: Vec<f64> = x.iter().zip(&z).map(|(a, b)| 2.0 + 3.0 * a - b).collect();
        let c = least_squares(&[vec![1.0; 8], x, z], &y).unwrap();
        assert!((c[0] - 2.0).abs() < 1e-12 && (c[1] - 3.0).abs() < 1e-12);
        assert!((c[2] + 1.0).abs() < 1e-12);
    }

    #[test]
    fn constant_and_short_series() {
        let c = fit_ets(&[4.0; 20], 7, EtsSpec::AUTO).unwrap();
        assert_eq!(c.method(), "ETS(A,N,N)");
        assert_eq!(c.forecast(3, &[]).mean, vec![4.0; 3]);
        assert!(fit_ets(&[1.0, 2.0, 3.0, 1.0, 2.0, 1.0], 7, EtsSpec::AUTO).is_err());
        assert!(fit_ets(&[1.0, 2.0], 1, EtsSpec::parse("ANA").unwrap()).is_err());
    }
}
