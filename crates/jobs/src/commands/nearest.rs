//! `citygrid nearest`: the nearest components of a class to a place.

use std::path::PathBuf;

use anyhow::Result;
use geo::{Coord, Geometry};
use grid_analytics::grid_io::read_components;
use grid_core::index::ComponentIndex;
use grid_core::{ClassCatalog, ComponentClassCode, Crs, Transformer};

use crate::exit::{Outcome, input};

/// Arguments of `citygrid nearest`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: the three public toilets nearest to a citizen's report, given in GCJ-02:
  citygrid nearest --components components.geojson --class 0301 --at 119.5323,35.4161 --crs gcj02 -k 3"
)]
pub struct Args {
    /// Component layer (GeoJSON or GeoParquet, any CRS).
    #[arg(long, value_name = "FILE")]
    components: PathBuf,
    /// Component class code (for example 0301); all classes when omitted.
    #[arg(long, value_name = "CODE")]
    class: Option<ComponentClassCode>,
    /// The place: x,y (longitude,latitude in --crs).
    #[arg(long, value_name = "LON,LAT", value_parser = parse_xy)]
    at: (f64, f64),
    /// CRS of --at.
    #[arg(long, default_value = "wgs84", value_name = "CRS")]
    crs: Crs,
    /// How many components.
    #[arg(short, long, default_value_t = 1)]
    k: usize,
    /// Projected CRS distances are measured in.
    #[arg(long, default_value = "EPSG:4549", value_name = "CRS")]
    working_crs: Crs,
    /// A class-table edition folder (default: the bundled std2013 tables).
    #[arg(long, value_name = "DIR")]
    codes: Option<PathBuf>,
}

fn parse_xy(text: &str) -> Result<(f64, f64), String> {
    let (x, y) = text
        .split_once(',')
        .ok_or_else(|| format!("{text:?}: expected two numbers as x,y (e.g. 119.53,35.41)"))?;
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("{text:?}: {s:?} is not a number"))
    };
    Ok((number(x)?, number(y)?))
}

/// Runs `citygrid nearest`.
pub fn run(args: &Args) -> Result<Outcome> {
    let catalog = match &args.codes {
        Some(dir) => ClassCatalog::load(dir).map_err(input)?,
        None => ClassCatalog::bundled()?,
    };
    if let Some(class) = &args.class
        && catalog.component_class(class).is_none()
    {
        return Err(input(anyhow::anyhow!(
            "--class {class}: not a component class of the {} tables",
            catalog.edition()
        )));
    }
    let (layer, rejections) =
        read_components(&args.components, args.working_crs, &catalog).map_err(input)?;
    if let Some(first) = rejections.first() {
        tracing::warn!(
            "{}: {} features skipped as invalid, first: {first}",
            args.components.display(),
            rejections.len()
        );
    }
    let to_working = Transformer::new(args.crs, args.working_crs).map_err(input)?;
    let (x, y) = to_working.transform(args.at.0, args.at.1).map_err(input)?;
    let to_wgs84 = Transformer::new(args.working_crs, Crs::wgs84())?;
    let index = ComponentIndex::new(layer);
    let hits = index.nearest(Coord { x, y }, args.class.as_ref(), args.k);
    println!("rank\tcode\tclass\tname\tstatus\tdistance_m\tlon\tlat");
    for (rank, hit) in hits.iter().enumerate() {
        let c = &index.layer().components()[hit.index as usize];
        let class = catalog.component_class(c.class_code()).map_or_else(
            || c.class_code().to_string(),
            |k| format!("{} {}", k.code, k.name_zh),
        );
        let (lon, lat) = match c.representative_point().map(Geometry::Point) {
            Some(Geometry::Point(p)) => to_wgs84.transform(p.x(), p.y())?,
            _ => (f64::NAN, f64::NAN),
        };
        println!(
            "{}\t{}\t{class}\t{}\t{}\t{:.1}\t{lon:.6}\t{lat:.6}",
            rank + 1,
            c.code,
            c.name.as_deref().unwrap_or(""),
            c.status,
            hit.distance_m
        );
    }
    if hits.len() < args.k {
        tracing::warn!("only {} components of that class in the layer", hits.len());
    }
    Ok(if rejections.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Rejected
    })
}
