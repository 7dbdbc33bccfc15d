//! Hot spots: Gi* / Gi and Local Moran's I on a layer, a measure of the cases per grid, and
//! emerging hot spots (`grid_analytics::hotspot`).

use chrono::NaiveDate;
use grid_analytics::hotspot::{
    CaseFilter, EmergingOptions, EmergingRequest, HotspotOptions, Measure, Pattern, Permutations,
    PseudoP, Statistic, Step, layer_emerging, layer_hotspots, measure_layer,
};
use grid_core::Crs;
use grid_core::weights::WeightsSpec;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;

use crate::errors::{self, InputError};
use crate::geo::{PyLayer, layer_from_py, layer_to_py, layer_to_py_all};

/// Which cases count, from the Python keywords: class codes, sources, and days as
/// `YYYY-MM-DD` (`from` inclusive, `to` exclusive).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct Filter {
    classes: Vec<String>,
    sources: Vec<String>,
    from_day: Option<String>,
    to_day: Option<String>,
}

impl Filter {
    pub(crate) fn filter(&self) -> PyResult<CaseFilter> {
        let day = |option: &str, text: &Option<String>| -> PyResult<_> {
            text.as_deref()
                .map(|t| {
                    NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                        .map_err(|_| {
                            InputError::new_err(format!("{option} {t:?}: expected YYYY-MM-DD"))
                        })
                        .map(|d| d.and_time(chrono::NaiveTime::MIN))
                })
                .transpose()
        };
        Ok(CaseFilter {
            classes: self.classes.clone(),
            sources: self.sources.clone(),
            from: day("from_day", &self.from_day)?,
            to: day("to_day", &self.to_day)?,
        })
    }
}

fn probability(option: &str, value: f64) -> PyResult<f64> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(InputError::new_err(format!(
            "{option} {value}: expected a number between 0 and 1"
        )))
    }
}

/// The settings of a hot spot analysis, as the Python keywords give them.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct HotspotSettings {
    weights: String,
    statistic: String,
    star: bool,
    permutations: u32,
    seed: u64,
    pseudo_p: String,
    fdr: bool,
    alpha: f64,
    tolerance_m: f64,
}

impl HotspotSettings {
    fn options(&self) -> PyResult<HotspotOptions> {
        let statistic = match self.statistic.as_str() {
            "gi" => Statistic::GetisOrd { star: self.star },
            "local_moran" | "local-moran" => Statistic::LocalMoran,
            other => {
                return Err(InputError::new_err(format!(
                    "statistic {other:?}: expected gi or local_moran"
                )));
            }
        };
        let pseudo_p = match self.pseudo_p.as_str() {
            "two_sided" | "two-sided" => PseudoP::TwoSided,
            "directed" => PseudoP::Directed,
            other => {
                return Err(InputError::new_err(format!(
                    "pseudo_p {other:?}: expected two_sided or directed"
                )));
            }
        };
        if !(self.tolerance_m.is_finite() && self.tolerance_m >= 0.0) {
            return Err(InputError::new_err(format!(
                "tolerance_m {}: expected metres, 0 or more",
                self.tolerance_m
            )));
        }
        Ok(HotspotOptions {
            weights: self.weights.parse::<WeightsSpec>().map_err(errors::core)?,
            statistic,
            test: Permutations {
                permutations: self.permutations,
                seed: self.seed,
                pseudo_p,
            },
            fdr: self.fdr,
            alpha: probability("alpha", self.alpha)?,
            tolerance: self.tolerance_m,
        })
    }
}

/// The result of `hotspots`: the analysed rows as a layer (table with WKB geometries in the
/// analysis CRS, and that CRS), the rejected rows, and the warnings.
type Hotspots = (PyDataFrame, String, PyDataFrame, Vec<String>);

/// Gi* / Gi or Local Moran's I on the column `value` of a layer; geographic layers are analysed
/// in `working_crs`. `name` names the layer in errors.
#[pyfunction]
#[pyo3(signature = (layer, value, settings, working_crs, name))]
pub(crate) fn hotspots(
    py: Python<'_>,
    layer: PyLayer,
    value: &str,
    settings: HotspotSettings,
    working_crs: &str,
    name: &str,
) -> PyResult<Hotspots> {
    let options = settings.options()?;
    let working: Crs = working_crs.parse().map_err(errors::core)?;
    let (df, crs, geometry) = layer;
    let layer = layer_from_py(df.0, &crs, &geometry, name)?;
    let out = py
        .detach(|| layer_hotspots(&layer, name, value, working, &options))
        .map_err(errors::analytics)?;
    let (table, crs) = layer_to_py_all(out.table, out.geometries, out.crs)?;
    Ok((table, crs, PyDataFrame(out.rejected), out.warnings))
}

/// A grid layer (a `code` or `grid_code` column) with `measure` of the validated `cases` as a
/// column; returns the layer, its CRS and the grid codes with cases missing from the layer.
#[pyfunction]
#[pyo3(signature = (layer, cases, measure, filter, name))]
pub(crate) fn measure_grids(
    py: Python<'_>,
    layer: PyLayer,
    cases: PyDataFrame,
    measure: &str,
    filter: Filter,
    name: &str,
) -> PyResult<(PyDataFrame, String, Vec<String>)> {
    let measure: Measure = measure.parse().map_err(errors::analytics)?;
    let filter = filter.filter()?;
    let (df, crs, geometry) = layer;
    let layer = layer_from_py(df.0, &crs, &geometry, name)?;
    let cases = cases.0;
    let out = py
        .detach(|| measure_layer(layer, name, &cases, "cases", measure, &filter))
        .map_err(errors::analytics)?;
    let (table, crs) = layer_to_py(out.layer.table, &out.layer.geometries, out.layer.crs)?;
    Ok((table, crs, out.unknown_grids))
}

/// The settings of an emerging hot spot analysis, as the Python keywords give them.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct EmergingSettings {
    step: String,
    weights: String,
    tolerance_m: f64,
    neighbourhood_steps: usize,
    alpha: f64,
    fdr: bool,
    trend_alpha: f64,
    mostly: f64,
    rule_order: Vec<String>,
}

/// The result of `emerging`: the per-grid layer (table with WKB geometries, CRS), the cube,
/// the first day of each step, the cases left out in partial steps, and the warnings.
type Emerging = (
    PyDataFrame,
    String,
    PyDataFrame,
    Vec<String>,
    usize,
    Vec<String>,
);

/// Emerging hot spots of validated `cases` on the grids of a layer.
#[pyfunction]
#[pyo3(signature = (cases, layer, settings, filter, working_crs, name))]
pub(crate) fn emerging(
    py: Python<'_>,
    cases: PyDataFrame,
    layer: PyLayer,
    settings: EmergingSettings,
    filter: Filter,
    working_crs: &str,
    name: &str,
) -> PyResult<Emerging> {
    let order = settings
        .rule_order
        .iter()
        .map(|p| p.parse::<Pattern>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(errors::analytics)?;
    if !(0.0..=1.0).contains(&settings.mostly) {
        return Err(InputError::new_err(format!(
            "mostly {}: expected a share between 0 and 1",
            settings.mostly
        )));
    }
    let request = EmergingRequest {
        options: EmergingOptions {
            neighbourhood_steps: settings.neighbourhood_steps,
            alpha: probability("alpha", settings.alpha)?,
            fdr: settings.fdr,
            trend_alpha: probability("trend_alpha", settings.trend_alpha)?,
            mostly: settings.mostly,
            order,
        },
        filter: filter.filter()?,
        step: settings.step.parse::<Step>().map_err(errors::analytics)?,
        weights: settings
            .weights
            .parse::<WeightsSpec>()
            .map_err(errors::core)?,
        tolerance_m: settings.tolerance_m,
        working_crs: working_crs.parse().map_err(errors::core)?,
    };
    let (df, crs, geometry) = layer;
    let layer = layer_from_py(df.0, &crs, &geometry, name)?;
    let cases = cases.0;
    let out = py
        .detach(|| layer_emerging(&cases, "cases", &layer, name, &request))
        .map_err(errors::analytics)?;
    let (table, crs) = layer_to_py_all(out.table, out.geometries, out.crs)?;
    Ok((
        table,
        crs,
        PyDataFrame(out.cube),
        out.starts.iter().map(ToString::to_string).collect(),
        out.outside,
        out.warnings,
    ))
}

/// Adds the hot spot functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(hotspots, m)?)?;
    m.add_function(wrap_pyfunction!(measure_grids, m)?)?;
    m.add_function(wrap_pyfunction!(emerging, m)?)?;
    Ok(())
}
