//! The city configuration file (TOML). Unknown keys and bad values are errors that name the key.
//!
//! ```toml
//! [cases]
//! crs = "gcj02"               # CRS of lon/lat for rows without a `crs` value (default: wgs84)
//! working_crs = "EPSG:4549"   # projected CRS for x_m/y_m and grids (default: EPSG:4549)
//! grid = "out/grids.parquet"  # unit grids; cases outside them are rejected (optional)
//!
//! [cases.columns]             # canonical column = column in the input (optional)
//! case_id = "案件编号"
//! reported_at = "上报时间"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use grid_core::Crs;
use serde::Deserialize;

use crate::exit::input;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// How case tables are read.
    #[serde(default)]
    pub cases: CasesConfig,
}

/// `[cases]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasesConfig {
    /// CRS of rows without a `crs` value.
    #[serde(default = "default_crs")]
    pub crs: Crs,
    /// Projected working CRS.
    #[serde(default = "default_working_crs")]
    pub working_crs: Crs,
    /// Unit grids (GeoJSON or GeoParquet), relative to the config file.
    pub grid: Option<PathBuf>,
    /// Canonical column name → input column name.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

fn default_crs() -> Crs {
    Crs::wgs84()
}

fn default_working_crs() -> Crs {
    Crs::cgcs2000_gk_cm120()
}

impl Default for CasesConfig {
    fn default() -> Self {
        Self {
            crs: default_crs(),
            working_crs: default_working_crs(),
            grid: None,
            columns: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads a config file; paths inside it are taken relative to the file's folder.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))
            .map_err(input)?;
        let mut config: Self =
            toml::from_str(&text).map_err(|e| input(anyhow::anyhow!("{}: {e}", path.display())))?;
        let names: Vec<&str> = grid_analytics::case_schema::case_columns()
            .iter()
            .map(|c| c.name)
            .collect();
        if let Some(key) = config
            .cases
            .columns
            .keys()
            .find(|k| !names.contains(&k.as_str()))
        {
            return Err(input(anyhow::anyhow!(
                "{}: [cases.columns] key {key:?} is not a case column (see docs/schema.md)",
                path.display()
            )));
        }
        if let (Some(grid), Some(dir)) = (&config.cases.grid, path.parent()) {
            config.cases.grid = Some(dir.join(grid));
        }
        Ok(config)
    }
}
