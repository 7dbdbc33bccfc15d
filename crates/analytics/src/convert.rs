//! Converting point tables and GeoJSON layers between coordinate systems, keeping every row:
//! rows that cannot be converted go to a rejected table with their reason.

use geojson::{Feature, FeatureCollection};
use grid_core::crs::TransformPlan;
use grid_core::{Crs, Transformer};
use polars::prelude::*;
use rayon::prelude::*;

use crate::error::{Error, PolarsContext, Result};
use crate::rejection::{RejectReason, Rejection, columns};
use crate::table_io::require_column;

/// The fewest rows per parallel task of [`par_transform`] (a new PROJ context costs
/// milliseconds). The output does not depend on the split.
const CHUNK_ROWS: usize = 16_384;

/// The outcome of converting a table: converted rows in input order, and the rejected rows with
/// their reasons in front of their original columns.
#[derive(Debug)]
pub struct ConvertedTable {
    /// Rows that converted, in input order; the coordinate columns are now `Float64` in the target
    /// CRS and every other column is untouched.
    pub table: DataFrame,
    /// Rows that did not, with `row_number`, `reject_field`, `reject_reason`, `reject_detail`
    /// before the original columns.
    pub rejected: DataFrame,
    /// The same rejections as values, in row order.
    pub rejections: Vec<Rejection>,
}

/// A coordinate cell after parsing.
enum Cell {
    Value(f64),
    Missing,
    Unparsable(String),
}

/// Reads a coordinate column as numbers, accepting text (parsed strictly) or any numeric type.
fn parse_column(df: &DataFrame, table: &str, name: &str) -> Result<Vec<Cell>> {
    let column = require_column(df, table, name)?;
    let context = || format!("{table}: column {name:?}");
    match column.dtype() {
        DataType::String => Ok(column
            .str()
            .context(context)?
            .iter()
            .map(|value| match value.map(str::trim) {
                None | Some("") => Cell::Missing,
                Some(text) => text
                    .parse::<f64>()
                    .map_or_else(|_| Cell::Unparsable(text.to_owned()), Cell::Value),
            })
            .collect()),
        dtype if dtype.is_primitive_numeric() => {
            let floats = column.cast(&DataType::Float64).context(context)?;
            Ok(floats
                .f64()
                .context(context)?
                .iter()
                .map(|value| value.map_or(Cell::Missing, Cell::Value))
                .collect())
        }
        dtype => Err(Error::Polars {
            context: context(),
            source: polars::error::PolarsError::SchemaMismatch(
                format!("coordinates must be numbers or text, not {dtype}").into(),
            ),
        }),
    }
}

/// Converts one row's cells, or says why not.
fn convert_cell(
    transformer: &Transformer,
    (x, y): (&Cell, &Cell),
    (x_name, y_name): (&str, &str),
) -> std::result::Result<(f64, f64), (String, RejectReason, String)> {
    let value = |cell: &Cell, name: &str| match cell {
        Cell::Value(v) => Ok(*v),
        Cell::Missing => Err((
            name.to_owned(),
            RejectReason::MissingCoordinate,
            "empty".to_owned(),
        )),
        Cell::Unparsable(text) => Err((
            name.to_owned(),
            RejectReason::UnparsableCoordinate,
            format!("{text:?} is not a number"),
        )),
    };
    let (x, y) = (value(x, x_name)?, value(y, y_name)?);
    transformer.transform(x, y).map_err(|e| {
        // Name the column that is out of range where the check says which.
        let message = e.to_string();
        let field = if message.contains("latitude") {
            y_name
        } else if message.contains("longitude") {
            x_name
        } else {
            "coordinates"
        };
        (field.to_owned(), RejectReason::OutOfRange, message)
    })
}

/// Converts the point columns `x_col`/`y_col` of a table from one CRS to another.
///
/// `table` names the table in messages (usually its file). Work is split across threads in
/// fixed-size chunks and reassembled in input order, so the output is the same whatever the
/// thread count.
///
/// ```
/// use grid_analytics::convert::convert_table;
/// use grid_core::Crs;
/// use polars::prelude::*;
///
/// let df = df!("lon" => ["119.53", "abc", "119.5"], "lat" => ["35.41", "35.4", "95"])?;
/// let out = convert_table(&df, "reports.csv", "lon", "lat", Crs::gcj02(), Crs::wgs84())?;
/// assert_eq!(out.table.height(), 1);
/// assert_eq!(out.rejections.len(), 2);
/// assert_eq!(out.rejections[0].row, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn convert_table(
    df: &DataFrame,
    table: &str,
    x_col: &str,
    y_col: &str,
    from: Crs,
    to: Crs,
) -> Result<ConvertedTable> {
    let rows = transform_rows(df, table, x_col, y_col, from, to)?;
    let context = || format!("{table}: assembling the converted table");
    let (out_x, out_y): (Vec<f64>, Vec<f64>) = rows.coords.iter().copied().unzip();
    let mut converted = df.filter(&rows.keep).context(context)?;
    converted
        .replace(x_col, Column::new(x_col.into(), out_x))
        .context(context)?;
    converted
        .replace(y_col, Column::new(y_col.into(), out_y))
        .context(context)?;
    let rejected = rows.rejected_table(df).context(context)?;
    Ok(ConvertedTable {
        table: converted,
        rejected,
        rejections: rows.rejections,
    })
}

/// Runs `f` on every item in parallel tasks, each with its own [`Transformer`] built from `plan`
/// (PROJ state is per thread). Tasks are as large as load balancing allows: four per thread, at
/// least [`CHUNK_ROWS`] items. Results come back in input order, whatever the thread count.
pub(crate) fn par_transform<T: Sync, R: Send>(
    items: &[T],
    plan: &TransformPlan,
    f: impl Fn(&Transformer, &T) -> R + Sync,
) -> Result<Vec<R>> {
    let chunk = items
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(CHUNK_ROWS);
    Ok(items
        .par_chunks(chunk)
        .map(|chunk| -> Result<Vec<R>> {
            let transformer = plan.build()?;
            Ok(chunk.iter().map(|item| f(&transformer, item)).collect())
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect())
}

/// The rows of a table transformed to another CRS: the coordinates of the rows that converted,
/// which rows those are, and why the others did not.
#[derive(Debug)]
pub struct TransformedRows {
    /// (x, y) in the target CRS of each kept row, in input order.
    pub coords: Vec<(f64, f64)>,
    /// True for the rows that converted.
    pub keep: BooleanChunked,
    /// Why the other rows did not, in row order.
    pub rejections: Vec<Rejection>,
}

impl TransformedRows {
    /// The rejected rows of `df` with `row_number`, `reject_field`, `reject_reason` and
    /// `reject_detail` in front of their original columns.
    pub fn rejected_table(&self, df: &DataFrame) -> PolarsResult<DataFrame> {
        rejected_table(df, &!&self.keep, &self.rejections)
    }
}

/// Parses and transforms the point columns of a table, in parallel (fixed-size tasks
/// reassembled in input order, so the result does not depend on the thread count). The
/// building block of [`convert_table`] and of grid assignment.
pub fn transform_rows(
    df: &DataFrame,
    table: &str,
    x_col: &str,
    y_col: &str,
    from: Crs,
    to: Crs,
) -> Result<TransformedRows> {
    // Fail on an unusable CRS pair before looking at any row; PROJ's operation search runs once.
    let plan = Transformer::new(from, to)?.plan().clone();
    let xs = parse_column(df, table, x_col)?;
    let ys = parse_column(df, table, y_col)?;
    let cells: Vec<(&Cell, &Cell)> = xs.iter().zip(ys.iter()).collect();
    let results = par_transform(&cells, &plan, |t, &cell| {
        convert_cell(t, cell, (x_col, y_col))
    })?;

    let mut coords = Vec::with_capacity(results.len());
    let mut keep = Vec::with_capacity(results.len());
    let mut rejections = Vec::new();
    for (index, result) in results.into_iter().enumerate() {
        match result {
            Ok(xy) => {
                coords.push(xy);
                keep.push(true);
            }
            Err((field, reason, detail)) => {
                rejections.push(Rejection {
                    row: index + 1,
                    field,
                    reason,
                    detail,
                });
                keep.push(false);
            }
        }
    }
    Ok(TransformedRows {
        coords,
        keep: BooleanChunked::from_slice("keep".into(), &keep),
        rejections,
    })
}

/// The rejected rows of `df` (where `mask` is true, one [`Rejection`] each, in row order) with
/// the rejection columns in front.
pub fn rejected_table(
    df: &DataFrame,
    mask: &BooleanChunked,
    rejections: &[Rejection],
) -> PolarsResult<DataFrame> {
    let originals = df.filter(mask)?;
    let rows: Vec<u64> = rejections.iter().map(|r| r.row as u64).collect();
    let fields: Vec<&str> = rejections.iter().map(|r| r.field.as_str()).collect();
    let reasons: Vec<&str> = rejections.iter().map(|r| r.reason.as_str()).collect();
    let details: Vec<&str> = rejections.iter().map(|r| r.detail.as_str()).collect();
    let front = DataFrame::new_infer_height(vec![
        Column::new(columns::ROW.into(), rows),
        Column::new(columns::FIELD.into(), fields),
        Column::new(columns::REASON.into(), reasons),
        Column::new(columns::DETAIL.into(), details),
    ])?;
    front.hstack(originals.columns())
}

/// The outcome of converting a GeoJSON layer.
#[derive(Debug)]
pub struct ConvertedFeatures {
    /// Features that converted, in input order, properties untouched.
    pub features: FeatureCollection,
    /// Features that did not, unchanged but for `row_number`, `reject_field`, `reject_reason`
    /// and `reject_detail` added to their properties.
    pub rejected: FeatureCollection,
    /// The same rejections as values, in feature order.
    pub rejections: Vec<Rejection>,
}

/// Converts every vertex of every feature of a GeoJSON layer (points, lines, polygons, and
/// collections of them). A feature with no geometry, an unreadable geometry or any vertex out of
/// range is rejected whole; feature numbers start at 1.
pub fn convert_features(
    collection: &FeatureCollection,
    from: Crs,
    to: Crs,
) -> Result<ConvertedFeatures> {
    let transformer = Transformer::new(from, to)?;
    let mut kept = Vec::with_capacity(collection.features.len());
    let mut rejected = Vec::new();
    let mut rejections = Vec::new();
    for (index, feature) in collection.features.iter().enumerate() {
        match convert_feature(&transformer, feature) {
            Ok(converted) => kept.push(converted),
            Err((reason, detail)) => {
                let rejection = Rejection {
                    row: index + 1,
                    field: "geometry".to_owned(),
                    reason,
                    detail,
                };
                let mut feature = feature.clone();
                feature.set_property(columns::ROW, rejection.row);
                feature.set_property(columns::FIELD, rejection.field.clone());
                feature.set_property(columns::REASON, rejection.reason.as_str());
                feature.set_property(columns::DETAIL, rejection.detail.clone());
                rejected.push(feature);
                rejections.push(rejection);
            }
        }
    }
    let layer = |features| FeatureCollection {
        bbox: None,
        features,
        foreign_members: collection.foreign_members.clone(),
    };
    Ok(ConvertedFeatures {
        features: layer(kept),
        rejected: layer(rejected),
        rejections,
    })
}

fn convert_feature(
    transformer: &Transformer,
    feature: &Feature,
) -> std::result::Result<Feature, (RejectReason, String)> {
    let Some(geometry) = &feature.geometry else {
        return Err((
            RejectReason::MissingGeometry,
            "the feature has no geometry".to_owned(),
        ));
    };
    let shape = geo::Geometry::<f64>::try_from(geometry.clone())
        .map_err(|e| (RejectReason::InvalidGeometry, e.to_string()))?;
    let moved = transformer
        .transform_geometry(&shape)
        .map_err(|e| (RejectReason::OutOfRange, e.to_string()))?;
    let mut out = feature.clone();
    out.bbox = None;
    out.geometry = Some(geojson::Geometry::new(geojson::GeometryValue::from(&moved)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(out: &ConvertedTable) -> Vec<(usize, &str, RejectReason)> {
        out.rejections
            .iter()
            .map(|r| (r.row, r.field.as_str(), r.reason))
            .collect()
    }

    #[test]
    fn every_bad_row_is_kept_with_its_reason() {
        let df = df!(
            "id" => ["a", "b", "c", "d", "e", "f"],
            "lon" => [Some("119.5"), Some(""), Some("x1"), Some("119.5"), None, Some("300")],
            "lat" => [Some("35.4"), Some("35.4"), Some("35.4"), Some("-91"), Some("35"), Some("35")],
        )
        .unwrap();
        let out = convert_table(
            &df,
            "t.csv",
            "lon",
            "lat",
            Crs::wgs84(),
            Crs::cgcs2000_gk_cm120(),
        )
        .unwrap();
        assert_eq!(out.table.height() + out.rejected.height(), df.height());
        assert_eq!(
            reasons(&out),
            vec![
                (2, "lon", RejectReason::MissingCoordinate),
                (3, "lon", RejectReason::UnparsableCoordinate),
                (4, "lat", RejectReason::OutOfRange),
                (5, "lon", RejectReason::MissingCoordinate),
                (6, "lon", RejectReason::OutOfRange),
            ]
        );
        let ids: Vec<_> = out
            .rejected
            .column("id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect();
        assert_eq!(ids, ["b", "c", "d", "e", "f"]);
        assert_eq!(
            out.rejected.get_column_names()[..4],
            [
                "row_number",
                "reject_field",
                "reject_reason",
                "reject_detail"
            ]
        );
        let e = out
            .table
            .column("lon")
            .unwrap()
            .f64()
            .unwrap()
            .get(0)
            .unwrap();
        assert!((e - 454_578.957).abs() < 1e-3, "{e}");
    }

    #[test]
    fn output_does_not_depend_on_the_thread_count() {
        // Enough rows for several chunks, with bad rows scattered through them.
        let n = 3 * CHUNK_ROWS + 17;
        let lon: Vec<String> = (0..n)
            .map(|i| {
                if i % 997 == 0 {
                    "x".to_owned()
                } else {
                    format!("{:.6}", 119.0 + (i as f64) * 1e-5)
                }
            })
            .collect();
        let lat: Vec<String> = (0..n)
            .map(|i| format!("{:.6}", 35.0 + (i % 1000) as f64 * 1e-4))
            .collect();
        let df = df!("lon" => lon, "lat" => lat).unwrap();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                convert_table(
                    &df,
                    "t",
                    "lon",
                    "lat",
                    Crs::gcj02(),
                    Crs::cgcs2000_gk_cm120(),
                )
                .unwrap()
            })
        };
        let (one, four) = (run(1), run(4));
        assert!(one.table.equals_missing(&four.table));
        assert!(one.rejected.equals_missing(&four.rejected));
        assert_eq!(one.rejections, four.rejections);
        assert_eq!(one.rejections.len(), n.div_ceil(997));
    }

    #[test]
    fn numeric_columns_are_accepted() {
        let df = df!("x" => [119.5f64, f64::NAN], "y" => [35.4f64, 35.4]).unwrap();
        let out = convert_table(&df, "t.parquet", "x", "y", Crs::wgs84(), Crs::gcj02()).unwrap();
        assert_eq!(out.table.height(), 1);
        assert_eq!(
            reasons(&out),
            vec![(2, "coordinates", RejectReason::OutOfRange)]
        );
    }

    #[test]
    fn a_missing_column_is_one_clear_error() {
        let df = df!("x" => [1.0], "y" => [2.0]).unwrap();
        let err =
            convert_table(&df, "t.csv", "lon", "lat", Crs::wgs84(), Crs::gcj02()).unwrap_err();
        assert!(
            err.to_string().contains("t.csv: no column \"lon\""),
            "{err}"
        );
    }

    #[test]
    fn features_with_bad_geometry_are_rejected_whole() {
        let fc: FeatureCollection = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[119.5,35.4]}},
            {"type":"Feature","properties":{"n":2},"geometry":null},
            {"type":"Feature","properties":{"n":3},"geometry":{"type":"LineString","coordinates":[[119.5,35.4],[119.5,135.4]]}}
        ]}"#
        .parse::<geojson::GeoJson>()
        .and_then(FeatureCollection::try_from)
        .unwrap();
        let out = convert_features(&fc, Crs::wgs84(), Crs::gcj02()).unwrap();
        assert_eq!(out.features.features.len(), 1);
        let got: Vec<_> = out.rejections.iter().map(|r| (r.row, r.reason)).collect();
        assert_eq!(
            got,
            vec![
                (2, RejectReason::MissingGeometry),
                (3, RejectReason::OutOfRange)
            ]
        );
        assert_eq!(
            out.rejected.features[1].property("reject_reason").unwrap(),
            "out_of_range"
        );
    }
}
