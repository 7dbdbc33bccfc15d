//! The city configuration file (TOML): one file for `citygrid nightly` and `citygrid validate`.
//! Every section and key is optional; unknown keys and bad values are errors that name the key.
//! `docs/nightly.md` and `examples/city.toml` annotate every key.
//!
//! ```toml
//! [city]
//! name_zh = "日照市"
//! name_en = "Rizhao"
//!
//! [cases]
//! path = "cases.csv"          # the case table (default: the simulated sample city)
//! crs = "gcj02"               # CRS of lon/lat for rows without a `crs` value (default: wgs84)
//! working_crs = "EPSG:4549"   # projected CRS for x_m/y_m, grids, areas (default: EPSG:4549)
//!
//! [cases.columns]             # canonical column = column in the input (optional)
//! case_id = "案件编号"
//! reported_at = "上报时间"
//! ```

use std::collections::BTreeMap;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, Result};
use grid_analytics::assess::Period;
use grid_analytics::forecast::{Freq, Group, Metric, Unit};
use grid_analytics::hotspot::{Measure, Step};
use grid_core::Crs;
use grid_core::weights::WeightsSpec;
use serde::{Deserialize, Serialize};

use crate::exit::input;

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The city's names and data folder.
    #[serde(default)]
    pub city: CityConfig,
    /// How case tables are read.
    #[serde(default)]
    pub cases: CasesConfig,
    /// Where the unit grids come from.
    #[serde(default)]
    pub grids: GridsConfig,
    /// The component inventory placed on the grids.
    #[serde(default)]
    pub components: ComponentsConfig,
    /// Hot spots of the recent cases.
    #[serde(default)]
    pub hotspots: HotspotsConfig,
    /// Emerging hot spots over the whole history.
    #[serde(default)]
    pub emerging: EmergingConfig,
    /// Forecasts per grid.
    #[serde(default)]
    pub forecast: ForecastConfig,
    /// Assessment scores.
    #[serde(default)]
    pub assessment: AssessmentConfig,
    /// Map pictures.
    #[serde(default)]
    pub maps: MapsConfig,
}

/// `[city]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CityConfig {
    /// Chinese name, used in map titles.
    #[serde(default = "default_name_zh")]
    pub name_zh: String,
    /// English name, used in map titles.
    #[serde(default = "default_name_en")]
    pub name_en: String,
    /// The folder with the code tables (`codes/`) and the work calendar (`calendar/`).
    /// Default: the bundled `data/`.
    pub data: Option<PathBuf>,
    /// The city's offset from UTC in hours (China: 8): case times are local times, and the
    /// default cut-off is the city's midnight whatever the server's time zone.
    #[serde(default = "default_utc_offset_h")]
    pub utc_offset_h: f64,
    /// Cut-off of the run ("YYYY-MM-DD HH:MM"): open cases are judged at this time and nothing
    /// reported later is read. Default: now (for the simulated sample: the end of its history).
    pub now: Option<String>,
}

/// `[cases]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CasesConfig {
    /// The case table (.csv or .parquet). Without it the nightly job simulates the sample city.
    pub path: Option<PathBuf>,
    /// Size of the simulated sample history when no `path` is given.
    #[serde(default = "default_sample_cases")]
    pub sample_cases: u64,
    /// CRS of rows without a `crs` value.
    #[serde(default = "default_crs")]
    pub crs: Crs,
    /// Projected working CRS: x_m/y_m, grids, areas, distances, map pictures.
    #[serde(default = "default_working_crs")]
    pub working_crs: Crs,
    /// Unit grids for `citygrid validate` (the nightly job uses `[grids]`).
    pub grid: Option<PathBuf>,
    /// Canonical column name → input column name.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

/// `[grids]`: a grid file, or a boundary (and communities) to generate them from.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GridsConfig {
    /// Ready-made unit grids (GeoJSON or GeoParquet with a code or grid_code column).
    pub path: Option<PathBuf>,
    /// Boundary to tile (GeoJSON with division codes) when no `path` is given. Without `path`
    /// and `boundary`: the sample city's central city, communities and districts.
    pub boundary: Option<PathBuf>,
    /// Community polygons tiled inside the boundary (optional).
    pub communities: Option<PathBuf>,
    /// District outlines for the maps (GeoJSON, WGS84, with an `adcode` property).
    pub districts: Option<PathBuf>,
    /// Grid size.
    #[serde(default = "default_cell_size_m")]
    pub cell_size_m: f64,
}

/// `[components]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentsConfig {
    /// The component inventory (points; CSV, Parquet or GeoJSON). Default: the simulated
    /// sample's inventory when the sample city runs, else none.
    pub path: Option<PathBuf>,
}

/// `[hotspots]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HotspotsConfig {
    /// The window: cases reported in the last `days` days before the cut-off.
    #[serde(default = "default_days")]
    pub days: u32,
    /// What is mapped per grid: count, open_overdue, overdue_rate, rework_rate.
    #[serde(default = "default_measures")]
    pub measures: Vec<String>,
    /// Neighbours (queen, rook, knn:K, distance[:M]).
    #[serde(default = "default_weights")]
    pub weights: String,
    /// Permutations for pseudo p-values.
    #[serde(default = "default_permutations")]
    pub permutations: u32,
    /// Seed of the permutations.
    #[serde(default)]
    pub seed: u64,
    /// Benjamini–Hochberg false discovery rate control of the bins.
    #[serde(default = "yes")]
    pub fdr: bool,
}

/// `[emerging]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmergingConfig {
    /// Time step: week or month.
    #[serde(default = "default_step")]
    pub step: String,
    /// Neighbours.
    #[serde(default = "default_weights")]
    pub weights: String,
}

/// `[forecast]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastConfig {
    /// Unit of the series: grid, community, street or district.
    #[serde(default = "default_unit")]
    pub unit: String,
    /// Grouping of the series: all, kind, major, class or source.
    #[serde(default = "default_group")]
    pub group: String,
    /// day or week.
    #[serde(default = "default_freq")]
    pub freq: String,
    /// Steps ahead.
    #[serde(default = "default_horizon")]
    pub horizon: usize,
    /// auto, auto:LIST or LIST (see `citygrid forecast --help`).
    #[serde(default = "default_models")]
    pub models: String,
    /// What `auto` minimises: mase or rmsse.
    #[serde(default = "default_score")]
    pub score: String,
    /// series or pooled.
    #[serde(default = "default_choose")]
    pub choose: String,
    /// Cross-validation windows.
    #[serde(default = "default_windows")]
    pub windows: usize,
}

/// `[assessment]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentConfig {
    /// The period assessed (2025, 2025-Q3, 2025-07, 2025-07-01..2025-10-01). Default: the last
    /// full quarter before the cut-off.
    pub period: Option<String>,
    /// Scoring config (TOML; `citygrid assess --print-config`). Default: the documented defaults.
    pub scoring: Option<PathBuf>,
    /// Inspection scores (CSV) blended in.
    pub inspection: Option<PathBuf>,
}

/// `[maps]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MapsConfig {
    /// Draw the PNG pictures.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Picture width in pixels.
    #[serde(default = "default_width_px")]
    pub width_px: u32,
    /// Picture height in pixels.
    #[serde(default = "default_height_px")]
    pub height_px: u32,
    /// A TrueType/OpenType font with the city's Chinese characters (default: the bundled subset
    /// of Noto Sans CJK SC).
    pub font: Option<PathBuf>,
}

fn default_name_zh() -> String {
    "日照市".to_owned()
}
fn default_name_en() -> String {
    "Rizhao".to_owned()
}
fn default_utc_offset_h() -> f64 {
    8.0
}
fn default_sample_cases() -> u64 {
    grid_analytics::simulate::SimulationConfig::default().cases
}
fn default_crs() -> Crs {
    Crs::wgs84()
}
fn default_working_crs() -> Crs {
    Crs::cgcs2000_gk_cm120()
}
fn default_cell_size_m() -> f64 {
    100.0
}
fn default_days() -> u32 {
    90
}
fn default_measures() -> Vec<String> {
    vec!["count".to_owned(), "open_overdue".to_owned()]
}
fn default_weights() -> String {
    "queen".to_owned()
}
fn default_permutations() -> u32 {
    999
}
fn yes() -> bool {
    true
}
fn default_step() -> String {
    "month".to_owned()
}
fn default_unit() -> String {
    "grid".to_owned()
}
fn default_group() -> String {
    "all".to_owned()
}
fn default_freq() -> String {
    "week".to_owned()
}
fn default_horizon() -> usize {
    4
}
fn default_models() -> String {
    "auto".to_owned()
}
fn default_score() -> String {
    "rmsse".to_owned()
}
fn default_choose() -> String {
    "pooled".to_owned()
}
fn default_windows() -> usize {
    3
}
fn default_width_px() -> u32 {
    1600
}
fn default_height_px() -> u32 {
    1200
}

impl Default for CityConfig {
    fn default() -> Self {
        Self {
            name_zh: default_name_zh(),
            name_en: default_name_en(),
            data: None,
            utc_offset_h: default_utc_offset_h(),
            now: None,
        }
    }
}

impl Default for CasesConfig {
    fn default() -> Self {
        Self {
            path: None,
            sample_cases: default_sample_cases(),
            crs: default_crs(),
            working_crs: default_working_crs(),
            grid: None,
            columns: BTreeMap::new(),
        }
    }
}

impl Default for GridsConfig {
    fn default() -> Self {
        Self {
            path: None,
            boundary: None,
            communities: None,
            districts: None,
            cell_size_m: default_cell_size_m(),
        }
    }
}

impl Default for HotspotsConfig {
    fn default() -> Self {
        Self {
            days: default_days(),
            measures: default_measures(),
            weights: default_weights(),
            permutations: default_permutations(),
            seed: 0,
            fdr: true,
        }
    }
}

impl Default for EmergingConfig {
    fn default() -> Self {
        Self {
            step: default_step(),
            weights: default_weights(),
        }
    }
}

impl Default for ForecastConfig {
    fn default() -> Self {
        Self {
            unit: default_unit(),
            group: default_group(),
            freq: default_freq(),
            horizon: default_horizon(),
            models: default_models(),
            score: default_score(),
            choose: default_choose(),
            windows: default_windows(),
        }
    }
}

impl Default for MapsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            width_px: default_width_px(),
            height_px: default_height_px(),
            font: None,
        }
    }
}

/// Checks that `value` parses as a `T`, naming the key when it does not.
fn check<T>(key: &str, value: &str) -> Result<(), String>
where
    T: FromStr,
    T::Err: Display,
{
    value
        .parse::<T>()
        .map(|_| ())
        .map_err(|e| format!("{key} = {value:?}: {e}"))
}

impl Config {
    /// Reads a config file; paths inside it are taken relative to the file's folder.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))
            .map_err(input)?;
        let mut config: Self =
            toml::from_str(&text).map_err(|e| input(anyhow::anyhow!("{}: {e}", path.display())))?;
        config
            .check()
            .map_err(|e| input(anyhow::anyhow!("{}: {e}", path.display())))?;
        if let Some(dir) = path.parent() {
            config.resolve(dir);
        }
        Ok(config)
    }

    /// Every value that the types above cannot check by themselves.
    pub fn check(&self) -> Result<(), String> {
        let names: Vec<&str> = grid_analytics::case_schema::case_columns()
            .iter()
            .map(|c| c.name)
            .collect();
        if let Some(key) = self
            .cases
            .columns
            .keys()
            .find(|k| !names.contains(&k.as_str()))
        {
            return Err(format!(
                "[cases.columns] key {key:?} is not a case column (see docs/schema.md)"
            ));
        }
        if let Some(now) = &self.city.now
            && grid_analytics::validate::parse_time(now).is_none()
        {
            return Err(format!("city.now = {now:?}: expected \"YYYY-MM-DD HH:MM\""));
        }
        if !(-12.0..=14.0).contains(&self.city.utc_offset_h)
            || (self.city.utc_offset_h * 4.0).fract() != 0.0
        {
            return Err(format!(
                "city.utc_offset_h = {}: expected hours from -12 to 14, in quarter hours (China: 8)",
                self.city.utc_offset_h
            ));
        }
        if self.cases.sample_cases == 0 {
            return Err("cases.sample_cases = 0: expected at least 1".to_owned());
        }
        if self.cases.working_crs.is_geographic().unwrap_or(false) {
            return Err(format!(
                "cases.working_crs = \"{}\": a projected CRS in metres is needed (grids, \
                 areas and distances), e.g. EPSG:4549",
                self.cases.working_crs
            ));
        }
        if !(self.grids.cell_size_m.is_finite() && self.grids.cell_size_m > 0.0) {
            return Err(format!(
                "grids.cell_size_m = {}: expected a positive number of metres",
                self.grids.cell_size_m
            ));
        }
        if !(1..=36_500).contains(&self.hotspots.days) {
            return Err(format!(
                "hotspots.days = {}: expected 1 to 36500 days",
                self.hotspots.days
            ));
        }
        if self.hotspots.measures.is_empty() {
            return Err("hotspots.measures = []: name at least one measure".to_owned());
        }
        for m in &self.hotspots.measures {
            check::<Measure>("hotspots.measures", m)?;
        }
        check::<WeightsSpec>("hotspots.weights", &self.hotspots.weights)?;
        check::<Step>("emerging.step", &self.emerging.step)?;
        check::<WeightsSpec>("emerging.weights", &self.emerging.weights)?;
        check::<Unit>("forecast.unit", &self.forecast.unit)?;
        check::<Group>("forecast.group", &self.forecast.group)?;
        check::<Freq>("forecast.freq", &self.forecast.freq)?;
        check::<Metric>("forecast.score", &self.forecast.score)?;
        if !["series", "pooled"].contains(&self.forecast.choose.as_str()) {
            return Err(format!(
                "forecast.choose = {:?}: expected \"series\" or \"pooled\"",
                self.forecast.choose
            ));
        }
        let models = self.forecast.models.trim();
        let list = match models.strip_prefix("auto:") {
            Some(list) => Some(list),
            None if models == "auto" => None,
            None => Some(models),
        };
        if let Some(list) = list {
            for name in list.split(',') {
                check::<grid_analytics::forecast::Model>("forecast.models", name.trim())?;
            }
            // The risk map shows one forecast per grid: one model, or the choice among several.
            if !models.starts_with("auto")
                && list.split(',').count() > 1
                && self.forecast.unit == "grid"
                && self.forecast.group == "all"
            {
                return Err(format!(
                    "forecast.models = {models:?}: the grid risk map needs one forecast per grid: \
                     give one model, or auto:{list} to choose among them"
                ));
            }
        }
        if self.forecast.horizon == 0 {
            return Err("forecast.horizon = 0: expected at least 1".to_owned());
        }
        if self.forecast.windows == 0 {
            return Err("forecast.windows = 0: expected at least 1".to_owned());
        }
        if self.cases.path.is_some() && self.grids.path.is_none() && self.grids.boundary.is_none() {
            return Err(
                "[grids]: a city's own case table needs its grids: give path (ready-made unit \
                 grids) or boundary (to generate them); only the simulated sample city uses the \
                 bundled grids"
                    .to_owned(),
            );
        }
        if self.grids.path.is_none()
            && self.grids.boundary.is_none()
            && (self.grids.communities.is_some() || self.grids.districts.is_some())
        {
            return Err(
                "[grids]: communities and districts go with boundary (or give path)".to_owned(),
            );
        }
        if let Some(period) = &self.assessment.period {
            check::<Period>("assessment.period", period)?;
        }
        if !(200..=8000).contains(&self.maps.width_px)
            || !(200..=8000).contains(&self.maps.height_px)
        {
            return Err(format!(
                "maps.width_px/height_px = {}×{}: expected 200 to 8000 pixels",
                self.maps.width_px, self.maps.height_px
            ));
        }
        Ok(())
    }

    /// Every configured input file or folder must exist: an error names the key.
    pub fn check_paths(&self) -> Result<(), String> {
        let files = [
            ("cases.path", self.cases.path.as_ref()),
            ("grids.path", self.grids.path.as_ref()),
            ("grids.boundary", self.grids.boundary.as_ref()),
            ("grids.communities", self.grids.communities.as_ref()),
            ("grids.districts", self.grids.districts.as_ref()),
            ("components.path", self.components.path.as_ref()),
            ("assessment.scoring", self.assessment.scoring.as_ref()),
            ("assessment.inspection", self.assessment.inspection.as_ref()),
            ("maps.font", self.maps.font.as_ref()),
        ];
        for (key, path) in files {
            if let Some(path) = path
                && !path.is_file()
            {
                return Err(format!(
                    "{key} = {:?}: no such file",
                    path.display().to_string()
                ));
            }
        }
        if let Some(data) = &self.city.data {
            for sub in ["codes", "calendar"] {
                if !data.join(sub).is_dir() {
                    return Err(format!(
                        "city.data = {:?}: no {sub}/ folder in it",
                        data.display().to_string()
                    ));
                }
            }
        }
        Ok(())
    }

    /// Makes every relative path relative to `dir` (the config file's folder).
    fn resolve(&mut self, dir: &Path) {
        let join = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        for p in [
            &mut self.city.data,
            &mut self.grids.boundary,
            &mut self.cases.path,
            &mut self.cases.grid,
            &mut self.grids.path,
            &mut self.grids.communities,
            &mut self.grids.districts,
            &mut self.components.path,
            &mut self.assessment.scoring,
            &mut self.assessment.inspection,
            &mut self.maps.font,
        ]
        .into_iter()
        .flatten()
        {
            join(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    #[test]
    fn the_annotated_example_loads_and_states_the_defaults() {
        let path = repo().join("examples/city.toml");
        let config = Config::load(&path).unwrap();
        let defaults = Config::default();
        assert_eq!(json(&config.hotspots), json(&defaults.hotspots));
        assert_eq!(json(&config.emerging), json(&defaults.emerging));
        assert_eq!(json(&config.forecast), json(&defaults.forecast));
        assert_eq!(json(&config.maps), json(&defaults.maps));
        assert_eq!(config.cases.sample_cases, defaults.cases.sample_cases);
        assert_eq!(config.cases.working_crs, defaults.cases.working_crs);
        // Paths are taken from the file's folder.
        assert_eq!(
            config.grids.boundary,
            Some(repo().join("examples/../data/rizhao/central_city.geojson"))
        );
        assert!(config.grids.boundary.as_ref().unwrap().is_file());
    }

    fn json<T: Serialize>(value: &T) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    #[test]
    fn bad_values_name_their_key() {
        for (text, key) in [
            ("[forecast]\nchoose = \"best\"\n", "forecast.choose"),
            ("[forecast]\nhorizon = 0\n", "forecast.horizon"),
            (
                "[hotspots]\nmeasures = [\"count\", \"noise\"]\n",
                "hotspots.measures",
            ),
            ("[grids]\ncell_size_m = -5\n", "grids.cell_size_m"),
            ("[maps]\nwidth_px = 20\n", "maps.width_px"),
            ("[cases]\nworking_crs = \"wgs84\"\n", "cases.working_crs"),
            ("[city]\nutc_offset_h = 15\n", "city.utc_offset_h"),
        ] {
            let config: Config = toml::from_str(text).unwrap();
            let error = config.check().unwrap_err();
            assert!(error.contains(key), "{text}: {error}");
        }
        let error = toml::from_str::<Config>("[grids]\ncellsize = 5\n").unwrap_err();
        assert!(error.to_string().contains("cellsize"), "{error}");
    }
}
