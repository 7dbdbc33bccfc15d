//! `citygrid assess`: assessment indicators and scores per region, department and supervisor for
//! a period, as tables and maps.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use geo::{Geometry, MultiPolygon, Point, unary_union};
use grid_analytics::assess::{
    Indicator, IndicatorValue, Level, Period, ScopeScore, ScoringConfig, indicators_for,
    score_scopes,
};
use grid_analytics::case_schema as cs;
use grid_analytics::grid_io::{read_layer, write_geo_table};
use grid_analytics::table_io::{read_table, write_table};
use grid_core::{Crs, Transformer};
use polars::prelude::{BooleanChunked, Column, DataFrame, DataType, NewChunkedArray};
use tracing::{info, warn};

use crate::exit::{Outcome, input};

/// Arguments of `citygrid assess`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes into OUT: indicators.parquet (long: period, level, scope, indicator, \
numerator, denominator, value, weight, score), scores_<level>.parquet (wide: one row per scope \
with every indicator's value and score, platform, inspection, composite, grade, rank, peer_rank, \
previous, change, drivers), and <level>.geojson for district, street, community and grid (the \
grids' polygons and their unions with --grid, otherwise a point at the mean position of the \
scope's cases). A zero denominator gives no score. docs/assessment.md states every definition."
)]
pub struct Args {
    /// A validated case table (`citygrid validate` output, with due_at and region codes).
    #[arg(long, value_name = "FILE", required_unless_present = "print_config")]
    cases: Option<PathBuf>,
    /// 2025 (a year), 2025-Q3, 2025-07, or 2025-07-01..2025-10-01 (end exclusive).
    #[arg(long, value_name = "PERIOD", required_unless_present = "print_config")]
    period: Option<Period>,
    /// Scoring config (TOML); default: the documented defaults (`--print-config` shows them).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Inspection scores (CSV: scope, score 0–100, optional level) blended in at the config's
    /// inspection_share.
    #[arg(long, value_name = "FILE")]
    inspection: Option<PathBuf>,
    /// Unit grids (GeoJSON or GeoParquet, code or grid_code column) for polygon maps.
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// Projected CRS of the cases' x_m/y_m (and for merging grids).
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
    /// Output folder.
    #[arg(long, value_name = "DIR", required_unless_present = "print_config")]
    out: Option<PathBuf>,
    /// Print the default scoring config (a starting point for --config) and exit.
    #[arg(long)]
    print_config: bool,
}

/// Runs `citygrid assess`.
pub fn run(args: &Args) -> Result<Outcome> {
    if args.print_config {
        print!("{}", grid_analytics::assess::DEFAULT_CONFIG);
        return Ok(Outcome::Clean);
    }
    let (Some(cases_path), Some(period), Some(out)) = (&args.cases, &args.period, &args.out) else {
        return Err(input(anyhow::anyhow!("give --cases, --period and --out")));
    };
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))
                .map_err(input)?;
            ScoringConfig::parse(&text, &path.display().to_string()).map_err(input)?
        }
        None => ScoringConfig::defaults()?,
    };
    let cases = read_table(cases_path).map_err(input)?;
    let name = cases_path.display().to_string();
    let levels: Vec<Level> = Level::ALL
        .into_iter()
        .filter(|l| {
            let present = cases.column(l.column()).is_ok();
            if !present {
                warn!("{name}: no {} column: no {} scores", l.column(), l.name());
            }
            present
        })
        .collect();
    let previous_period = period.previous();
    let mut both = indicators_for(&cases, &[period, &previous_period], &levels, &config.limits)
        .map_err(|e| input(anyhow::anyhow!("{name}: {e}")))?;
    let previous = both.pop().unwrap_or_default();
    let current = both.pop().unwrap_or_default();
    let (inspection, rejected) = match &args.inspection {
        Some(path) => read_inspection(path, out)?,
        None => (HashMap::new(), 0),
    };
    let scores = score_scopes(&config, &current, &previous, &inspection);
    let matched = inspection
        .keys()
        .filter(|(l, s)| current.iter().any(|v| v.level == *l && &v.scope == s))
        .count();
    if args.inspection.is_some() && matched == 0 {
        warn!("no inspection score matched a scope of the case table: check the codes");
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let grids = match &args.grid {
        Some(path) => Some(read_grids(path, args.working_crs)?),
        None => None,
    };
    let period = period.label.as_str();
    let mut long = long_table(period, &config, &current)?;
    write_table(&mut long, &out.join("indicators.parquet"))?;
    for level in &levels {
        let rows: Vec<&ScopeScore> = scores.iter().filter(|s| s.level == *level).collect();
        let mut wide = wide_table(period, *level, &rows, &current)?;
        write_table(
            &mut wide,
            &out.join(format!("scores_{}.parquet", level.name())),
        )?;
        if level.is_region() {
            write_map(args, out, grids.as_ref(), &cases, *level, &rows, &wide)?;
        }
        if let Some(worst) = rows
            .iter()
            .filter(|s| s.rank.is_some())
            .max_by_key(|s| s.rank)
        {
            info!(
                "{period}, {}: scored {} of {}; last {} ({:.1})",
                level.name(),
                rows.iter().filter(|s| s.composite.is_some()).count(),
                rows.len(),
                worst.scope,
                worst.composite.unwrap_or(f64::NAN)
            );
        }
    }
    info!(
        "{period} (previous {}): {} indicator values -> {}",
        previous_period,
        current.len(),
        out.display()
    );
    Ok(if rejected == 0 {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}

/// Inspection scores by (level, scope).
type Inspection = HashMap<(Level, String), f64>;

/// Reads inspection scores; rows without a scope or with a score outside 0–100 are rejected with
/// their row and reason into `<out>/inspection.rejected.csv`; a repeated scope keeps its last
/// row, with a warning.
fn read_inspection(path: &Path, out: &Path) -> Result<(Inspection, usize)> {
    let name = path.display().to_string();
    let table = read_table(path).map_err(input)?;
    let text = |c: &str| -> Result<Option<Vec<Option<String>>>> {
        let Ok(column) = table.column(c) else {
            return Ok(None);
        };
        let s = column.cast(&DataType::String)?;
        Ok(Some(
            s.str()?.iter().map(|v| v.map(str::to_owned)).collect(),
        ))
    };
    let scopes =
        text("scope")?.ok_or_else(|| input(anyhow::anyhow!("{name}: no \"scope\" column")))?;
    let raw =
        text("score")?.ok_or_else(|| input(anyhow::anyhow!("{name}: no \"score\" column")))?;
    let level_names = text("level")?;
    let mut scores = HashMap::new();
    let mut rejected: Vec<(usize, &str, String)> = Vec::new();
    for (i, (scope, score)) in scopes.iter().zip(&raw).enumerate() {
        let row = i + 2; // header is line 1
        let Some(scope) = scope.as_deref().filter(|s| !s.trim().is_empty()) else {
            rejected.push((row, "scope", "empty".into()));
            continue;
        };
        let value = score.as_deref().and_then(|s| s.trim().parse::<f64>().ok());
        let Some(value) = value.filter(|v| (0.0..=100.0).contains(v)) else {
            rejected.push((
                row,
                "score",
                format!("{score:?}: expected a number from 0 to 100"),
            ));
            continue;
        };
        let levels: Vec<Level> = match level_names.as_ref().and_then(|l| l[i].clone()) {
            Some(l) => match Level::ALL.into_iter().find(|x| x.name() == l.trim()) {
                Some(level) => vec![level],
                None => {
                    rejected.push((row, "level", format!("{l:?}: not a level")));
                    continue;
                }
            },
            None => Level::ALL.to_vec(),
        };
        let mut repeated = false;
        for level in levels {
            repeated |= scores
                .insert((level, scope.trim().to_owned()), value)
                .is_some();
        }
        if repeated {
            warn!("{name}: row {row}: scope {scope:?} was given before; this row wins");
        }
    }
    if !rejected.is_empty() {
        std::fs::create_dir_all(out)?;
        let target = out.join("inspection.rejected.csv");
        let mut df = DataFrame::new(
            rejected.len(),
            vec![
                Column::new(
                    "row_number".into(),
                    rejected.iter().map(|r| r.0 as u64).collect::<Vec<_>>(),
                ),
                Column::new(
                    "field".into(),
                    rejected.iter().map(|r| r.1).collect::<Vec<_>>(),
                ),
                Column::new(
                    "reason".into(),
                    rejected.iter().map(|r| r.2.as_str()).collect::<Vec<_>>(),
                ),
            ],
        )?;
        write_table(&mut df, &target)?;
        for (row, field, reason) in rejected.iter().take(5) {
            warn!("{name}: row {row}, field {field:?}: {reason}");
        }
        warn!(
            "{name}: {} rows rejected -> {}",
            rejected.len(),
            target.display()
        );
    }
    Ok((scores, rejected.len()))
}

/// The configured score of an indicator value, if the level's config has the indicator.
fn rule_score(config: &ScoringConfig, v: &IndicatorValue) -> (Option<f64>, Option<f64>) {
    let enough = v.denominator.is_none_or(|d| d >= config.min_denominator);
    match config.rules(v.level).get(v.indicator.name()) {
        Some(rule) => (
            Some(rule.weight),
            v.value.filter(|_| enough).map(|x| rule.score(x)),
        ),
        None => (None, None),
    }
}

fn long_table(period: &str, config: &ScoringConfig, rows: &[IndicatorValue]) -> Result<DataFrame> {
    let scored: Vec<(Option<f64>, Option<f64>)> =
        rows.iter().map(|r| rule_score(config, r)).collect();
    Ok(DataFrame::new(
        rows.len(),
        vec![
            Column::new("period".into(), vec![period; rows.len()]),
            Column::new(
                "level".into(),
                rows.iter().map(|r| r.level.name()).collect::<Vec<_>>(),
            ),
            Column::new(
                "scope".into(),
                rows.iter().map(|r| r.scope.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "indicator".into(),
                rows.iter().map(|r| r.indicator.name()).collect::<Vec<_>>(),
            ),
            Column::new(
                "numerator".into(),
                rows.iter().map(|r| r.numerator).collect::<Vec<_>>(),
            ),
            Column::new(
                "denominator".into(),
                rows.iter().map(|r| r.denominator).collect::<Vec<_>>(),
            ),
            Column::new(
                "value".into(),
                rows.iter().map(|r| r.value).collect::<Vec<_>>(),
            ),
            Column::new(
                "weight".into(),
                scored.iter().map(|s| s.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "score".into(),
                scored.iter().map(|s| s.1).collect::<Vec<_>>(),
            ),
        ],
    )?)
}

/// The three largest drivers as text, e.g. `on_time_closure_rate -4.20; closure_rate -1.10`.
fn drivers_text(s: &ScopeScore) -> Option<String> {
    let parts: Vec<String> = s
        .drivers
        .iter()
        .filter(|d| d.1 != 0.0)
        .take(3)
        .map(|(i, d)| format!("{} {d:+.2}", i.name()))
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn wide_table(
    period: &str,
    level: Level,
    rows: &[&ScopeScore],
    values: &[IndicatorValue],
) -> Result<DataFrame> {
    let n = rows.len();
    let value_of: HashMap<(&str, Indicator), Option<f64>> = values
        .iter()
        .filter(|v| v.level == level)
        .map(|v| ((v.scope.as_str(), v.indicator), v.value))
        .collect();
    let mut columns = vec![
        Column::new("period".into(), vec![period; n]),
        Column::new("level".into(), vec![level.name(); n]),
        Column::new(
            "scope".into(),
            rows.iter().map(|r| r.scope.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "peer_class".into(),
            rows.iter()
                .map(|r| r.peer_class.as_deref())
                .collect::<Vec<_>>(),
        ),
    ];
    for indicator in Indicator::of(level) {
        columns.push(Column::new(
            format!("{}_value", indicator.name()).into(),
            rows.iter()
                .map(|r| {
                    value_of
                        .get(&(r.scope.as_str(), *indicator))
                        .copied()
                        .flatten()
                })
                .collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            format!("{}_score", indicator.name()).into(),
            rows.iter()
                .map(|r| {
                    r.parts
                        .iter()
                        .find(|p| p.indicator == *indicator)
                        .and_then(|p| p.score)
                })
                .collect::<Vec<_>>(),
        ));
    }
    let f = |name: &str, get: &dyn Fn(&ScopeScore) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(|r| get(r)).collect::<Vec<_>>())
    };
    columns.extend([
        f("platform", &|r| r.platform),
        f("inspection", &|r| r.inspection),
        f("composite", &|r| r.composite),
        Column::new(
            "grade".into(),
            rows.iter().map(|r| r.grade.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new(
            "rank".into(),
            rows.iter()
                .map(|r| r.rank.map(|x| x as u32))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "peer_rank".into(),
            rows.iter()
                .map(|r| r.peer_rank.map(|x| x as u32))
                .collect::<Vec<_>>(),
        ),
        f("previous", &|r| r.previous),
        f("change", &|r| r.change),
        Column::new(
            "drivers".into(),
            rows.iter().map(|r| drivers_text(r)).collect::<Vec<_>>(),
        ),
    ]);
    Ok(DataFrame::new(n, columns)?)
}

/// Writes `<level>.geojson`: the scopes' polygons (grids, or unions of their grids) with
/// `--grid`, otherwise points at the mean position of each scope's cases.
fn write_map(
    args: &Args,
    out: &Path,
    grids: Option<&Grids>,
    cases: &DataFrame,
    level: Level,
    rows: &[&ScopeScore],
    wide: &DataFrame,
) -> Result<()> {
    let path = out.join(format!("{}.geojson", level.name()));
    let shapes: HashMap<String, Geometry<f64>> = match grids {
        Some(grids) => grid_shapes(grids, level),
        None => case_centres(cases, level)?,
    };
    let keep: Vec<bool> = rows.iter().map(|r| shapes.contains_key(&r.scope)).collect();
    let missing = keep.iter().filter(|k| !**k).count();
    if missing > 0 {
        warn!(
            "{}: {missing} {} scopes have no shape and are left off the map",
            path.display(),
            level.name()
        );
    }
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let table = wide.filter(&mask)?;
    let geometries: Vec<&Geometry<f64>> =
        rows.iter().filter_map(|r| shapes.get(&r.scope)).collect();
    // The same layer as GeoParquet (in the working CRS) beside the GeoJSON (WGS84).
    for path in [path.clone(), path.with_extension("parquet")] {
        write_geo_table(
            &path,
            &table,
            geometries.iter().copied(),
            args.working_crs,
            args.working_crs,
            "a map layer",
        )?;
    }
    Ok(())
}

/// The grids of a layer with a valid grid code, their polygons in `working`.
type Grids = Vec<(grid_core::GridCode, Vec<geo::Polygon<f64>>)>;

/// Reads the grid layer once for every map.
fn read_grids(path: &Path, working: Crs) -> Result<Grids> {
    let layer = read_layer(path).map_err(input)?;
    let codes = super::layer::grid_codes(&layer, path)?;
    let to_working = Transformer::new(layer.crs, working).map_err(input)?;
    let mut grids = Vec::new();
    for (code, geometry) in codes.str()?.iter().zip(&layer.geometries) {
        let (Some(code), Some(g)) = (code, geometry) else {
            continue;
        };
        let Ok(grid) = code.parse::<grid_core::GridCode>() else {
            continue;
        };
        match to_working.transform_geometry(g).map_err(input)? {
            Geometry::Polygon(p) => grids.push((grid, vec![p])),
            Geometry::MultiPolygon(m) => grids.push((grid, m.0)),
            _ => {}
        }
    }
    Ok(grids)
}

/// The grids merged per scope code at `level`.
fn grid_shapes(grids: &Grids, level: Level) -> HashMap<String, Geometry<f64>> {
    let mut members: BTreeMap<String, Vec<geo::Polygon<f64>>> = BTreeMap::new();
    for (grid, polygons) in grids {
        let key = match level {
            Level::District => grid.county().to_string(),
            Level::Street => grid.street().to_string(),
            Level::Community => grid.community().to_string(),
            _ => grid.to_string(),
        };
        members
            .entry(key)
            .or_default()
            .extend(polygons.iter().cloned());
    }
    members
        .into_iter()
        .map(|(k, polygons)| {
            let shape = if level == Level::Grid || polygons.len() == 1 {
                MultiPolygon(polygons)
            } else {
                unary_union(polygons.iter())
            };
            (k, Geometry::MultiPolygon(shape))
        })
        .collect()
}

/// The mean x_m/y_m of each scope's cases, as points.
fn case_centres(cases: &DataFrame, level: Level) -> Result<HashMap<String, Geometry<f64>>> {
    if cases.column(cs::X_M).is_err() || cases.column(cs::Y_M).is_err() {
        warn!(
            "the case table has no x_m/y_m: the {} map has no shapes (give --grid)",
            level.name()
        );
        return Ok(HashMap::new());
    }
    let scope = cases.column(level.column())?.cast(&DataType::String)?;
    let x = cases.column(cs::X_M)?.cast(&DataType::Float64)?;
    let y = cases.column(cs::Y_M)?.cast(&DataType::Float64)?;
    let mut sums: HashMap<String, (f64, f64, f64)> = HashMap::new();
    for ((s, x), y) in scope
        .str()?
        .iter()
        .zip(x.f64()?.iter())
        .zip(y.f64()?.iter())
    {
        if let (Some(s), Some(x), Some(y)) = (s, x, y) {
            let e = sums.entry(s.to_owned()).or_insert((0.0, 0.0, 0.0));
            e.0 += x;
            e.1 += y;
            e.2 += 1.0;
        }
    }
    Ok(sums
        .into_iter()
        .map(|(k, (x, y, n))| (k, Geometry::Point(Point::new(x / n, y / n))))
        .collect())
}
