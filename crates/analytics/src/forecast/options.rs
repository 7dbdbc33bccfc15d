//! What a forecast run is asked for ([`ForecastOptions`], the `citygrid forecast` flags) and the
//! checks on it.

use std::fmt;
use std::str::FromStr;

use grid_core::Crs;

use super::evaluate::{CrossValidation, Metric};
use super::models::Model;
use super::series::Freq;
use crate::error::{Error, Result};

/// The candidates the automatic choice (`auto`) chooses among by default.
pub const AUTO_CANDIDATES: [Model; 9] = [
    Model::Naive,
    Model::SeasonalNaive,
    Model::HistoricAverage,
    Model::WindowAverage { window: 7 },
    Model::SES_OPT,
    Model::CrostonSba,
    Model::Tsb {
        alpha_d: 0.2,
        alpha_p: 0.2,
    },
    Model::Adida,
    Model::Imapa,
];

/// Which models forecast each series.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelSelection {
    /// Each series gets the candidate with the best cross-validated score (or, with
    /// [`Choose::Pooled`], every series the candidate best over all of them).
    Auto(Vec<Model>),
    /// Every series is forecast by each of these models.
    Each(Vec<Model>),
}

impl ModelSelection {
    /// The candidates (`Auto`) or the models (`Each`).
    pub fn models(&self) -> &[Model] {
        match self {
            Self::Auto(models) | Self::Each(models) => models,
        }
    }

    /// Whether the models are chosen among.
    pub fn is_auto(&self) -> bool {
        matches!(self, Self::Auto(_))
    }
}

impl Default for ModelSelection {
    /// `auto` among [`AUTO_CANDIDATES`].
    fn default() -> Self {
        Self::Auto(AUTO_CANDIDATES.to_vec())
    }
}

impl FromStr for ModelSelection {
    type Err = Error;

    /// `auto` (among [`AUTO_CANDIDATES`]), `auto:LIST` (among the listed models), or a
    /// comma-separated list of models, each as [`Model`]'s `FromStr` reads it.
    fn from_str(s: &str) -> Result<Self> {
        let spec = s.trim();
        let list = |list: &str| -> Result<Vec<Model>> { list.split(',').map(str::parse).collect() };
        match spec.strip_prefix("auto:") {
            Some(candidates) => Ok(Self::Auto(list(candidates)?)),
            None if spec == "auto" => Ok(Self::default()),
            None => Ok(Self::Each(list(spec)?)),
        }
    }
}

/// How the automatic choice chooses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Choose {
    /// Each series its own model (statsforecast users' way).
    #[default]
    Series,
    /// One model for every series, the lowest mean score over all of them; steadier on short or
    /// mostly-zero series.
    Pooled,
}

impl FromStr for Choose {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "series" => Ok(Self::Series),
            "pooled" => Ok(Self::Pooled),
            other => Err(Error::InvalidOption {
                option: "choose",
                message: format!("{other:?}: expected series or pooled"),
            }),
        }
    }
}

impl fmt::Display for Choose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Series => "series",
            Self::Pooled => "pooled",
        })
    }
}

/// Everything a forecast run is asked for, with the defaults of `citygrid forecast`
/// ([`ForecastOptions::new`]). Option errors name the field (`horizon: 0: expected at least 1
/// step`).
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastOptions {
    /// The period of the series.
    pub freq: Freq,
    /// Steps to forecast (at least 1).
    pub horizon: usize,
    /// Season length; `None`: [`Freq::season`] (7 for days, 52 for weeks).
    pub season: Option<usize>,
    /// The models; default `auto` among [`AUTO_CANDIDATES`].
    pub models: ModelSelection,
    /// Prediction interval levels in % (each above 0 and below 100); default 80 and 95.
    pub levels: Vec<f64>,
    /// Cross-validation windows of the automatic choice, the metrics and the place backtest;
    /// default 3.
    pub windows: usize,
    /// Steps between cross-validation cutoffs; `None`: the horizon.
    pub step_size: Option<usize>,
    /// What the automatic choice minimises; default MASE.
    pub score: Metric,
    /// How the automatic choice chooses; default per series.
    pub choose: Choose,
    /// Calibration windows for conformal intervals (models without their own), as many as the
    /// series holds up to this (at least 2); default 20.
    pub conformal_windows: usize,
    /// Also forecast community, street and district totals as the sums of their grids' (case
    /// series per grid only); default off.
    pub bottom_up: bool,
    /// Also return every candidate's cross-validation scores, and the automatic choice's
    /// nested out-of-sample score (which costs a cross-validation per window); default off.
    pub metrics: bool,
    /// Also return the place-based backtest of next-period hot spots (one series per place,
    /// all ending on the same period); default off.
    pub places: bool,
    /// Area budgets of the place backtest, % of the total area (each above 0, at most 100);
    /// default 1 to 20.
    pub budgets: Vec<f64>,
    /// Projected CRS for place areas when the grid layer is in longitude/latitude; default
    /// EPSG:4549.
    pub working_crs: Crs,
}

impl ForecastOptions {
    /// `horizon` steps of `freq` with every other option at its default.
    pub fn new(freq: Freq, horizon: usize) -> Self {
        Self {
            freq,
            horizon,
            season: None,
            models: ModelSelection::default(),
            levels: vec![80.0, 95.0],
            windows: 3,
            step_size: None,
            score: Metric::default(),
            choose: Choose::default(),
            conformal_windows: 20,
            bottom_up: false,
            metrics: false,
            places: false,
            budgets: (1..=20).map(f64::from).collect(),
            working_crs: Crs::cgcs2000_gk_cm120(),
        }
    }

    /// Checks every option on its own; [`run_forecasts`](super::run_forecasts) calls it first.
    pub fn validate(&self) -> Result<()> {
        let bad =
            |option: &'static str, message: String| Err(Error::InvalidOption { option, message });
        if self.horizon == 0 {
            return bad("horizon", "0: expected at least 1 step".to_owned());
        }
        if self.conformal_windows < 2 {
            return bad(
                "conformal_windows",
                format!("{}: expected at least 2", self.conformal_windows),
            );
        }
        if self.windows == 0 {
            return bad("windows", "0: expected at least 1".to_owned());
        }
        if self.step_size == Some(0) {
            return bad("step_size", "0: expected at least 1".to_owned());
        }
        if self.season == Some(0) {
            return bad("season", "0: expected at least 1".to_owned());
        }
        if self.models.models().is_empty() {
            return bad("models", "expected at least one model".to_owned());
        }
        if let Some(b) = self.budgets.iter().find(|b| !(**b > 0.0 && **b <= 100.0)) {
            return bad(
                "budgets",
                format!("{b}: expected a percentage above 0 and at most 100"),
            );
        }
        if let Some(l) = self.levels.iter().find(|l| !(**l > 0.0 && **l < 100.0)) {
            return bad(
                "level",
                format!("{l}: expected a percentage between 0 and 100"),
            );
        }
        Ok(())
    }

    /// The season length in use.
    pub fn season_length(&self) -> usize {
        self.season.unwrap_or(self.freq.season())
    }

    /// The rolling-origin cross-validation the options describe.
    pub fn cross_validation(&self) -> CrossValidation {
        CrossValidation {
            h: self.horizon,
            n_windows: self.windows,
            step_size: self.step_size.unwrap_or(self.horizon),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_selections_read_as_the_flag_does() {
        assert_eq!(
            "auto".parse::<ModelSelection>().unwrap(),
            ModelSelection::default()
        );
        assert_eq!(
            " auto:Naive,HistoricAverage"
                .parse::<ModelSelection>()
                .unwrap(),
            ModelSelection::Auto(vec![Model::Naive, Model::HistoricAverage])
        );
        assert_eq!(
            "Naive,CrostonSBA".parse::<ModelSelection>().unwrap(),
            ModelSelection::Each(vec![Model::Naive, Model::CrostonSba])
        );
        let auto: Vec<&str> = AUTO_CANDIDATES.iter().map(Model::name).collect();
        let parsed: Vec<Model> = auto.iter().map(|m| m.parse().unwrap()).collect();
        assert_eq!(parsed, AUTO_CANDIDATES);
        let error = "Prophet".parse::<ModelSelection>().unwrap_err().to_string();
        assert!(error.contains("unknown model"), "{error}");
    }

    #[test]
    fn options_are_checked_by_field() {
        let ok = ForecastOptions::new(Freq::Day, 7);
        assert!(ok.validate().is_ok());
        assert_eq!(ok.season_length(), 7);
        assert_eq!(ok.cross_validation().step_size, 7);
        for (options, expected) in [
            (
                ForecastOptions::new(Freq::Day, 0),
                "horizon: 0: expected at least 1 step",
            ),
            (
                ForecastOptions {
                    levels: vec![150.0],
                    ..ok.clone()
                },
                "level: 150: expected a percentage between 0 and 100",
            ),
            (
                ForecastOptions {
                    budgets: vec![0.0, 5.0],
                    ..ok.clone()
                },
                "budgets: 0: expected a percentage above 0 and at most 100",
            ),
            (
                ForecastOptions {
                    step_size: Some(0),
                    ..ok.clone()
                },
                "step_size: 0: expected at least 1",
            ),
        ] {
            assert_eq!(options.validate().unwrap_err().to_string(), expected);
        }
    }
}
