//! A citizen's photo report ("随手拍") arrives with a GCJ-02 position, a grid code from an old
//! system and an event class. This example converts the position to the city's working CRS and
//! validates the codes against the bundled class tables.
//!
//! Run with `cargo run -p grid-examples --example convert_report`.

use grid_core::{ClassCatalog, Crs, EventClassCode, GridCode, Transformer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // As received from the app: GCJ-02 lon/lat, a legacy 14-digit grid code, an event class.
    let (gcj_lon, gcj_lat) = (119.532_316, 35.416_089);
    let grid: GridCode = "37110200100107".parse()?;
    let class: EventClassCode = "0505".parse()?;

    let to_wgs84 = Transformer::new(Crs::gcj02(), Crs::wgs84())?;
    let to_working = Transformer::new(Crs::gcj02(), Crs::cgcs2000_gk_cm120())?;
    let (lon, lat) = to_wgs84.transform(gcj_lon, gcj_lat)?;
    let (easting, northing) = to_working.transform(gcj_lon, gcj_lat)?;

    let catalog = ClassCatalog::bundled()?;
    let event = catalog.event_class(&class).ok_or_else(|| {
        format!(
            "event class {class} is not in the {} table",
            catalog.edition()
        )
    })?;

    println!("report at GCJ-02 ({gcj_lon:.6}, {gcj_lat:.6})");
    println!("  WGS84            ({lon:.6}, {lat:.6})");
    println!("  EPSG:4549        ({easting:.2} m E, {northing:.2} m N)");
    println!(
        "  grid {grid} (community {}, sequence {})",
        grid.community(),
        grid.sequence()
    );
    let limit = event
        .time_limit
        .map_or_else(|| "none".to_owned(), |t| t.to_string());
    println!(
        "  class {class}: {} / {}, time limit {limit}",
        event.name_zh, event.name_en
    );
    Ok(())
}
