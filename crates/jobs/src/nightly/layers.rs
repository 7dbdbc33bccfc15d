//! Map layers for the run folder: every layer is written as GeoParquet (in the working CRS) and
//! as GeoJSON (WGS84); the forecast risk layer joins next week's forecast to the grids.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use geo::Geometry;
use grid_analytics::grid_io::{read_layer, write_geo_table};
use grid_analytics::table_io::read_table;
use grid_core::Crs;
use polars::prelude::*;

use crate::commands::layer::grid_codes;

/// Writes `<stem>.geojson` (WGS84) beside a GeoParquet layer `<stem>.parquet`, row for row.
pub fn geojson_beside(parquet: &Path) -> Result<std::path::PathBuf> {
    let layer = read_layer(parquet).with_context(|| format!("reading {}", parquet.display()))?;
    let out = parquet.with_extension("geojson");
    let keep: Vec<bool> = layer.geometries.iter().map(Option::is_some).collect();
    let table = layer
        .table
        .filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
    write_geo_table(
        &out,
        &table,
        layer.geometries.iter().flatten(),
        layer.crs,
        Crs::wgs84(),
        "a .geojson layer",
    )
    .with_context(|| format!("writing {}", out.display()))?;
    Ok(out)
}

/// Writes `<stem>.parquet` (GeoParquet in `working`) beside a GeoJSON layer `<stem>.geojson`.
pub fn geoparquet_beside(geojson: &Path, working: Crs) -> Result<std::path::PathBuf> {
    let layer = read_layer(geojson).with_context(|| format!("reading {}", geojson.display()))?;
    let out = geojson.with_extension("parquet");
    let keep: Vec<bool> = layer.geometries.iter().map(Option::is_some).collect();
    let table = layer
        .table
        .filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
    let to_working = grid_core::Transformer::new(layer.crs, working)?;
    let geometries = layer
        .geometries
        .iter()
        .flatten()
        .map(|g| to_working.transform_geometry(g))
        .collect::<grid_core::Result<Vec<_>>>()?;
    write_geo_table(
        &out,
        &table,
        geometries.iter(),
        working,
        working,
        "a GeoParquet layer",
    )
    .with_context(|| format!("writing {}", out.display()))?;
    Ok(out)
}

/// Risk classes of next step's forecast, from the highest: the top 1 %, 1–5 %, 5–10 % and
/// 10–25 % of grids by forecast (grids forecast at 0 are never above "low").
pub const RISK_CLASSES: [(&str, &str, f64); 5] = [
    ("最高 1%", "top 1 %", 0.01),
    ("前 1–5%", "top 1–5 %", 0.05),
    ("前 5–10%", "top 5–10 %", 0.10),
    ("前 10–25%", "top 10–25 %", 0.25),
    ("较低", "lower", 1.0),
];

/// The class (index into [`RISK_CLASSES`]) of a grid ranked `rank` (from 0) of `n` by forecast.
pub fn risk_class(rank: usize, n: usize, mean: f64) -> usize {
    if mean <= 0.0 || n == 0 {
        return RISK_CLASSES.len() - 1;
    }
    let share = (rank + 1) as f64 / n as f64;
    RISK_CLASSES
        .iter()
        .position(|(_, _, upto)| share <= *upto + 1e-12)
        .unwrap_or(RISK_CLASSES.len() - 1)
}

/// One grid of the risk layer: code, mean, upper bound, model, polygon.
struct RiskRow(String, f64, Option<f64>, String, Geometry<f64>);

/// The `period_start` of a risk layer (its first row's).
pub fn risk_period_start(layer: &Path) -> Result<String> {
    let table = read_layer(layer).with_context(|| format!("reading {}", layer.display()))?;
    let column = table
        .table
        .column("period_start")?
        .cast(&DataType::String)?;
    Ok(column.str()?.get(0).unwrap_or("").to_owned())
}

/// Joins each grid's forecast for the first period that starts on or after `from` (the next
/// period after the cut-off; the first period forecast when none does) from `forecast.parquet`
/// (series ids = grid codes) to the grid polygons, and writes `forecast_risk.parquet` and
/// `.geojson`: grid_code, period start, model, mean, upper interval bound, rank (1 = highest)
/// and the risk class. Grids without a series (no case in the history) are forecast 0. Returns
/// the rows written.
pub fn forecast_risk(
    forecast: &Path,
    grids: &Path,
    from: chrono::NaiveDate,
    out: &Path,
) -> Result<usize> {
    let table = read_table(forecast).with_context(|| format!("reading {}", forecast.display()))?;
    let first = table
        .column("ds")?
        .as_materialized_series()
        .cast(&DataType::String)?;
    let first = first.str()?;
    // Periods as ISO dates: text order is date order.
    let from = from.to_string();
    let start = first
        .iter()
        .flatten()
        .filter(|d| d.get(..10).unwrap_or(d) >= from.as_str())
        .min()
        .or_else(|| first.iter().flatten().min())
        .map(str::to_owned)
        .context("the forecast table is empty")?;
    let ids = table.column("unique_id")?.str()?.clone();
    let means = table.column("mean")?.f64()?.clone();
    let hi = table
        .get_column_names()
        .iter()
        .find(|c| c.starts_with("hi_"))
        .map(|c| c.to_string());
    let his = match &hi {
        Some(c) => Some(table.column(c)?.f64()?.clone()),
        None => None,
    };
    let models = table.column("model")?.str()?.clone();
    let mut by_grid: HashMap<String, (f64, Option<f64>, String)> = HashMap::new();
    for i in 0..table.height() {
        if first.get(i) != Some(start.as_str()) {
            continue;
        }
        if let (Some(id), Some(mean)) = (ids.get(i), means.get(i)) {
            let hi = his.as_ref().and_then(|h| h.get(i));
            let model = models.get(i).unwrap_or("").to_owned();
            by_grid.insert(id.to_owned(), (mean, hi, model));
        }
    }
    let layer = read_layer(grids).with_context(|| format!("reading {}", grids.display()))?;
    let codes = grid_codes(&layer, grids)?;
    let codes = codes.str()?;
    let mut rows: Vec<RiskRow> = Vec::new();
    for (i, geometry) in layer.geometries.iter().enumerate() {
        let (Some(code), Some(geometry)) = (codes.get(i), geometry) else {
            continue;
        };
        let (mean, hi, model) = by_grid
            .get(code)
            .cloned()
            .unwrap_or((0.0, None, String::new()));
        rows.push(RiskRow(code.to_owned(), mean, hi, model, geometry.clone()));
    }
    // Highest forecast first; ties in grid-code order, so the ranks are the same on every run.
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let n = rows.len();
    let class: Vec<usize> = rows
        .iter()
        .enumerate()
        .map(|(rank, r)| risk_class(rank, n, r.1))
        .collect();
    let hi_name = hi.unwrap_or_else(|| "hi".to_owned());
    let df = DataFrame::new_infer_height(vec![
        Column::new(
            "grid_code".into(),
            rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ),
        Column::new("period_start".into(), vec![start.as_str(); n]),
        Column::new(
            "model".into(),
            rows.iter().map(|r| r.3.as_str()).collect::<Vec<_>>(),
        ),
        Column::new("mean".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
        Column::new(
            hi_name.as_str().into(),
            rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        ),
        Column::new("rank".into(), (1..=n as u32).collect::<Vec<_>>()),
        Column::new(
            "risk_class".into(),
            class.iter().map(|c| *c as u32 + 1).collect::<Vec<_>>(),
        ),
        Column::new(
            "risk".into(),
            class.iter().map(|c| RISK_CLASSES[*c].1).collect::<Vec<_>>(),
        ),
    ])?;
    let geometries = rows.iter().map(|r| &r.4);
    write_geo_table(
        out,
        &df,
        geometries,
        layer.crs,
        layer.crs,
        "a GeoParquet layer",
    )
    .with_context(|| format!("writing {}", out.display()))?;
    geojson_beside(out)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_classes_by_share_of_grids() {
        let n = 1000;
        assert_eq!(risk_class(0, n, 5.0), 0);
        assert_eq!(risk_class(9, n, 5.0), 0); // the 10th of 1000 is the top 1 %
        assert_eq!(risk_class(10, n, 5.0), 1);
        assert_eq!(risk_class(49, n, 5.0), 1);
        assert_eq!(risk_class(99, n, 5.0), 2);
        assert_eq!(risk_class(249, n, 5.0), 3);
        assert_eq!(risk_class(250, n, 5.0), 4);
        // A grid forecast at 0 is never flagged, whatever its rank.
        assert_eq!(risk_class(0, n, 0.0), 4);
    }
}
