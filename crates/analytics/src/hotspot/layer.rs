//! Hot spot analysis of a layer: build the weights from its geometries, run Gi / Gi* or Local
//! Moran on one value per feature, and return the result columns.

use geo::{Centroid, Coord, Geometry, MultiPolygon};
use grid_core::weights::{Contiguity, SpatialWeights, WeightsSpec};
use polars::prelude::*;

use super::fdr::{bh_cutoff, confidence_bins};
use super::local::{Permutations, getis_ord, local_moran};
use crate::error::{Error, PolarsContext, Result};

/// Which local statistic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    /// Getis-Ord Gi* (`star`) or Gi.
    GetisOrd {
        /// Include the feature itself.
        star: bool,
    },
    /// Local Moran's I (row-standardised weights), clusters and outliers.
    LocalMoran,
}

/// What to run.
#[derive(Clone, Debug, PartialEq)]
pub struct HotspotOptions {
    /// How neighbours are found.
    pub weights: WeightsSpec,
    /// Which statistic.
    pub statistic: Statistic,
    /// The permutation test (0 permutations: none).
    pub test: Permutations,
    /// Benjamini–Hochberg control of the false discovery rate in the bins and clusters.
    pub fdr: bool,
    /// Significance level for Local Moran clusters (0.05 by default).
    pub alpha: f64,
    /// Contiguity tolerance in the layer's units (0: exact shared coordinates, as libpysal).
    pub tolerance: f64,
}

/// The result columns and what the user should be told.
#[derive(Debug)]
pub struct HotspotOutput {
    /// One row per feature: `neighbours`, then for Gi / Gi*: `g`, `z`, `p`, `p_sim` (with
    /// permutations), `bin`; for Local Moran: `i`, `quadrant`, `p_sim`, `cluster`.
    pub table: DataFrame,
    /// The weights used.
    pub weights: SpatialWeights,
    /// Islands, wide bands.
    pub warnings: Vec<String>,
}

/// The points distance-based weights use: points as they are, other shapes by their centroid
/// (area-weighted for polygons, as libpysal).
pub fn representative_points(geometries: &[Geometry<f64>]) -> Vec<Coord> {
    geometries
        .iter()
        .map(|g| match g {
            Geometry::Point(p) => p.0,
            other => other.centroid().map_or(
                Coord {
                    x: f64::NAN,
                    y: f64::NAN,
                },
                |c| c.0,
            ),
        })
        .collect()
}

/// Builds weights for a layer. `h3_cells` are the features' H3 indexes, needed for `h3:K`;
/// `tolerance` applies to contiguity.
pub fn layer_weights(
    spec: WeightsSpec,
    geometries: &[Geometry<f64>],
    h3_cells: Option<&[u64]>,
    tolerance: f64,
) -> Result<SpatialWeights> {
    let polygons = || -> Result<Vec<MultiPolygon<f64>>> {
        geometries
            .iter()
            .enumerate()
            .map(|(k, g)| match g {
                Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p.clone()])),
                Geometry::MultiPolygon(m) => Ok(m.clone()),
                _ => Err(Error::InvalidOption {
                    option: "weights",
                    message: format!(
                        "{spec} contiguity needs polygons; feature {} is not one (use knn:K or distance for points)",
                        k + 1
                    ),
                }),
            })
            .collect()
    };
    Ok(match spec {
        WeightsSpec::Queen => {
            SpatialWeights::contiguity_within(&polygons()?, Contiguity::Queen, tolerance)
        }
        WeightsSpec::Rook => {
            SpatialWeights::contiguity_within(&polygons()?, Contiguity::Rook, tolerance)
        }
        WeightsSpec::Knn(k) => SpatialWeights::knn(&representative_points(geometries), k),
        WeightsSpec::Distance(band) => {
            SpatialWeights::distance_band(&representative_points(geometries), band)
        }
        WeightsSpec::H3(k) => {
            let cells = h3_cells.ok_or_else(|| Error::InvalidOption {
                option: "weights",
                message: format!("{spec} needs the features' H3 cells (a cell_id column)"),
            })?;
            SpatialWeights::h3_ring(cells, k)?
        }
    })
}

/// Runs the analysis on `values` (one per feature) with weights from the geometries.
pub fn analyse_layer(
    values: &[f64],
    geometries: &[Geometry<f64>],
    h3_cells: Option<&[u64]>,
    options: &HotspotOptions,
) -> Result<HotspotOutput> {
    if values.len() != geometries.len() {
        return Err(Error::InvalidOption {
            option: "values",
            message: format!(
                "{} values for {} geometries",
                values.len(),
                geometries.len()
            ),
        });
    }
    let weights = layer_weights(options.weights, geometries, h3_cells, options.tolerance)?;
    let warnings = weights.warnings();
    let n = values.len();
    let neighbours: Vec<u32> = (0..n).map(|i| weights.neighbours(i).len() as u32).collect();
    let context = || "assembling the hot spot table".to_owned();
    let mut columns = vec![Column::new("neighbours".into(), neighbours)];
    match options.statistic {
        Statistic::GetisOrd { star } => {
            let out = getis_ord(values, &weights, star, &options.test)?;
            // Bins follow ArcGIS's Hot Spot Analysis: from the analytic p-value.
            let bins: Vec<Option<i32>> = confidence_bins(&out.z, &out.p, options.fdr)
                .into_iter()
                .map(|b| b.map(i32::from))
                .collect();
            columns.push(Column::new("g".into(), out.g));
            columns.push(Column::new("z".into(), out.z));
            columns.push(Column::new("p".into(), out.p));
            if let Some(p_sim) = out.p_sim {
                columns.push(Column::new("p_sim".into(), p_sim));
            }
            columns.push(Column::new("bin".into(), bins));
        }
        Statistic::LocalMoran => {
            let out = local_moran(values, &weights.row_standardised(), &options.test)?;
            let names = ["", "HH", "LH", "LL", "HL"];
            let quadrant: Vec<Option<&str>> = out
                .quadrant
                .iter()
                .map(|q| q.map(|q| names[usize::from(q)]))
                .collect();
            // Clusters and outliers as ArcGIS's Cluster and Outlier Analysis: from the pseudo
            // p-value (FDR-adjusted on request).
            let cluster: Vec<Option<&str>> = match &out.p_sim {
                None => vec![None; n],
                Some(p) => {
                    let cut = if options.fdr {
                        bh_cutoff(p, options.alpha)
                    } else {
                        Some(options.alpha)
                    };
                    p.iter()
                        .zip(&quadrant)
                        .map(|(p, q)| {
                            let (p, q) = ((*p)?, (*q)?);
                            Some(if cut.is_some_and(|c| p <= c) { q } else { "" })
                        })
                        .collect()
                }
            };
            columns.push(Column::new("i".into(), out.i));
            columns.push(Column::new("quadrant".into(), quadrant));
            if let Some(p_sim) = out.p_sim {
                columns.push(Column::new("p_sim".into(), p_sim));
            }
            columns.push(Column::new("cluster".into(), cluster));
        }
    }
    let table = DataFrame::new(n, columns).context(context)?;
    Ok(HotspotOutput {
        table,
        weights,
        warnings,
    })
}
