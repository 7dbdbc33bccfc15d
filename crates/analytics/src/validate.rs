//! Validating a raw case table: every row is checked, and what fails is kept with its reason.
//!
//! Checks, in this order (a row is rejected for the first that fails): required fields present;
//! case id not seen before; source and kind readable; class code in the class tables for its
//! kind; every time readable, none in the future, the lifecycle in order; coordinates readable and
//! in range for their CRS; inside the city's grids (when grids are given).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDateTime;
use geo::Coord;
use grid_core::calendar::{OfficeHours, WorkCalendar};
use grid_core::index::GridIndex;
use grid_core::rejection::{RejectReason, Rejection};
use grid_core::{ClassCatalog, Crs, Transformer};
use polars::prelude::*;
use rayon::prelude::*;

use crate::assign::grid_code_columns;
use crate::case_schema::{self as cs, CaseKind, CaseSource};
use crate::convert::par_transform;
use crate::error::{PolarsContext, Result};
use crate::lifecycle::derive_lifecycle;

/// The class tables of a data folder: the bundled-edition tables in `codes/std2013` plus the
/// city's own classes in `codes/local`, when it has that folder.
pub fn data_catalog(data: &Path) -> Result<ClassCatalog> {
    let dir = data.join("codes");
    let mut catalog = ClassCatalog::load(&dir.join("std2013"))?;
    let local = dir.join("local");
    if local.is_dir() {
        catalog.extend_local(&local)?;
    }
    Ok(catalog)
}

/// The work calendar of a data folder (`calendar/china_holidays.csv`) with the default office
/// hours.
pub fn data_calendar(data: &Path) -> Result<WorkCalendar> {
    Ok(WorkCalendar::load(
        &data.join("calendar/china_holidays.csv"),
        OfficeHours::default(),
    )?)
}

/// What validation needs besides the table.
#[derive(Debug)]
pub struct ValidateOptions<'a> {
    /// Class tables: each case's class must be in them.
    pub catalog: &'a ClassCatalog,
    /// Work calendar for due times.
    pub calendar: &'a WorkCalendar,
    /// The city's unit grids; when given, cases outside them are rejected and the rest get codes.
    pub grids: Option<&'a GridIndex>,
    /// Projected CRS of `x_m`/`y_m` (the grids' CRS when grids are given).
    pub working_crs: Crs,
    /// CRS of rows without a `crs` value.
    pub default_crs: Crs,
    /// The moment of validation: later times are rejected (they cannot have happened yet), and
    /// without a `cutoff` it is the cut-off for `open_overdue`.
    pub now: NaiveDateTime,
    /// An "as of" cut-off before `now` (the nightly job's midnight): cases reported after it are
    /// left out (counted in [`ValidatedCases::after_cutoff`], not rejected: they belong to the
    /// next run) and later lifecycle times are taken as not yet happened (null), so the table
    /// shows the city as it stood at the cut-off. `None`: the cut-off is `now`.
    pub cutoff: Option<NaiveDateTime>,
}

/// The outcome of [`validate_cases`].
#[derive(Debug)]
pub struct ValidatedCases {
    /// Valid rows in the canonical schema (`docs/schema.md`), with working-CRS coordinates, grid
    /// codes (with grids), due times and lifecycle columns; other input columns kept after them.
    pub clean: DataFrame,
    /// Rejected rows: `row_number`, `reject_field`, `reject_reason`, `reject_detail`, then the
    /// original columns.
    pub rejected: DataFrame,
    /// The same rejections as values, in row order.
    pub rejections: Vec<Rejection>,
    /// Valid rows reported after [`ValidateOptions::cutoff`], left out of `clean`.
    pub after_cutoff: usize,
}

type Problem = (String, RejectReason, String);

/// What the row checks read from a valid row: its lifecycle times, its CRS and its position.
struct RowReading {
    times: Vec<(&'static str, NaiveDateTime)>,
    crs: Crs,
    point: (f64, f64),
}

/// A row's position in the working CRS, or why it has none.
type Moved = (usize, std::result::Result<(f64, f64), String>);

fn problem(field: &str, reason: RejectReason, detail: impl Into<String>) -> Problem {
    (field.to_owned(), reason, detail.into())
}

/// A column as text per row (absent column: all missing; empty text counts as missing).
fn text(df: &DataFrame, name: &str, table: &str) -> Result<Vec<Option<String>>> {
    let Ok(column) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    let as_text = column
        .cast(&DataType::String)
        .context(|| format!("{table}: column {name:?}"))?;
    let values = as_text
        .str()
        .context(|| format!("{table}: column {name:?}"))?;
    Ok(values
        .iter()
        .map(|v| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        })
        .collect())
}

/// The values of a datetime column without a time zone, or `None` for any other column.
fn naive_datetimes(column: &Column) -> Option<Vec<Option<NaiveDateTime>>> {
    let DataType::Datetime(unit, None) = column.dtype() else {
        return None;
    };
    let per_second: i64 = match unit {
        TimeUnit::Milliseconds => 1_000,
        TimeUnit::Microseconds => 1_000_000,
        TimeUnit::Nanoseconds => 1_000_000_000,
    };
    let raw = column.cast(&DataType::Int64).ok()?;
    let values = raw.i64().ok()?;
    Some(
        values
            .iter()
            .map(|v| {
                let v = v?;
                let nanos = v.rem_euclid(per_second) * (1_000_000_000 / per_second);
                chrono::DateTime::from_timestamp(v.div_euclid(per_second), nanos as u32)
                    .map(|t| t.naive_utc())
            })
            .collect(),
    )
}

/// Reads the time formats case systems export: ISO with `T` or a space, seconds and fractions
/// optional, `-` or `/` between date parts.
pub fn parse_time(text: &str) -> Option<NaiveDateTime> {
    const FORMATS: [&str; 6] = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_lowercase().as_str() {
        "true" | "1" | "yes" | "是" => Some(true),
        "false" | "0" | "no" | "否" => Some(false),
        _ => None,
    }
}

/// The lifecycle times in order; each present time must not precede the one before it.
const LIFECYCLE: [&str; 6] = [
    cs::REPORTED_AT,
    cs::FILED_AT,
    cs::DISPATCHED_AT,
    cs::DISPOSED_AT,
    cs::CHECKED_AT,
    cs::CLOSED_AT,
];
const REQUIRED: [&str; 7] = [
    cs::CASE_ID,
    cs::SOURCE,
    cs::KIND,
    cs::CLASS_CODE,
    cs::REPORTED_AT,
    cs::LON,
    cs::LAT,
];

/// Validates a case table whose columns already carry the canonical names.
pub fn validate_cases(
    raw: &DataFrame,
    table: &str,
    options: &ValidateOptions<'_>,
) -> Result<ValidatedCases> {
    validate_in_slices(raw, table, options, VALIDATE_SLICE_ROWS)
}

/// [`validate_cases`] in slices of `rows`, so that the text form of the columns is held for one
/// slice at a time; ids are checked for duplicates across all of them.
fn validate_in_slices(
    raw: &DataFrame,
    table: &str,
    options: &ValidateOptions<'_>,
    rows: usize,
) -> Result<ValidatedCases> {
    let n = raw.height();
    let context = || format!("{table}: assembling the validated table");
    let slice = |first: usize| raw.slice(first as i64, rows.min(n - first));
    let mut seen = HashSet::new();
    let mut all = validate_slice(&slice(0), table, options, 0, &mut seen)?;
    let mut first = rows.min(n);
    while first < n {
        let part = validate_slice(&slice(first), table, options, first, &mut seen)?;
        all.clean.vstack_mut(&part.clean).context(context)?;
        all.rejected.vstack_mut(&part.rejected).context(context)?;
        all.rejections.extend(part.rejections);
        all.after_cutoff += part.after_cutoff;
        first += rows.min(n - first);
    }
    all.clean.rechunk_mut();
    all.rejected.rechunk_mut();
    Ok(all)
}

/// Rows validated at a time by [`validate_cases`].
const VALIDATE_SLICE_ROWS: usize = 1 << 20;

/// Validates rows `first + 1 ..` of a table; `seen` holds the valid ids of earlier slices.
fn validate_slice(
    raw: &DataFrame,
    table: &str,
    options: &ValidateOptions<'_>,
    first: usize,
    seen: &mut HashSet<String>,
) -> Result<ValidatedCases> {
    let n = raw.height();
    let time_columns = [
        cs::REPORTED_AT,
        cs::FILED_AT,
        cs::VOIDED_AT,
        cs::DISPATCHED_AT,
        cs::DISPOSED_AT,
        cs::CHECKED_AT,
        cs::CLOSED_AT,
    ];
    // Time columns already typed as naive datetimes (Parquet) are read as they are; everything
    // else as text.
    let typed: HashMap<&str, Vec<Option<NaiveDateTime>>> = time_columns
        .iter()
        .filter_map(|name| Some((*name, naive_datetimes(raw.column(name).ok()?)?)))
        .collect();
    let mut values: HashMap<&str, Vec<Option<String>>> = HashMap::new();
    let names: Vec<&str> = cs::case_columns().iter().map(|c| c.name).collect();
    for name in names.iter().filter(|n| !typed.contains_key(*n)) {
        values.insert(name, text(raw, name, table)?);
    }
    let get = |name: &str, i: usize| values.get(name).and_then(|v| v[i].as_deref());
    let present = |name: &str, i: usize| {
        get(name, i).is_some() || typed.get(name).is_some_and(|v| v[i].is_some())
    };

    let mut problems: Vec<Option<Problem>> = vec![None; n];
    let mut parsed_times: HashMap<&str, Vec<Option<NaiveDateTime>>> =
        time_columns.iter().map(|c| (*c, vec![None; n])).collect();
    let mut crs_of_row: Vec<Crs> = vec![options.default_crs; n];
    let mut xy: Vec<Option<(f64, f64)>> = vec![None; n];
    // Each row on its own, in parallel; then ids in row order (a duplicate is a later row
    // whose id an earlier valid row has).
    let readings: Vec<std::result::Result<RowReading, Problem>> = (0..n)
        .into_par_iter()
        .map(|i| -> std::result::Result<RowReading, Problem> {
            if let Some(missing) = REQUIRED.iter().find(|f| !present(f, i)) {
                return Err(problem(
                    missing,
                    RejectReason::MissingField,
                    "empty or absent",
                ));
            }
            let source = get(cs::SOURCE, i).unwrap_or_default();
            source
                .parse::<CaseSource>()
                .map_err(|e| problem(cs::SOURCE, RejectReason::InvalidValue, e.to_string()))?;
            let kind = get(cs::KIND, i)
                .unwrap_or_default()
                .parse::<CaseKind>()
                .map_err(|e| problem(cs::KIND, RejectReason::InvalidValue, e.to_string()))?;
            let class = get(cs::CLASS_CODE, i).unwrap_or_default();
            let known = match kind {
                CaseKind::Event => class
                    .parse()
                    .ok()
                    .and_then(|c| options.catalog.event_class(&c))
                    .is_some(),
                CaseKind::Component => class
                    .parse()
                    .ok()
                    .and_then(|c| options.catalog.component_class(&c))
                    .is_some(),
            };
            if !known {
                return Err(problem(
                    cs::CLASS_CODE,
                    RejectReason::UnknownClass,
                    format!(
                        "{class:?} is not a {} class of the {} tables",
                        kind.as_str(),
                        options.catalog.edition()
                    ),
                ));
            }
            let mut times = Vec::new();
            for column in time_columns {
                let at = match (typed.get(column), get(column, i)) {
                    (Some(v), _) => v[i],
                    (None, Some(t)) => Some(parse_time(t).ok_or_else(|| {
                        problem(
                            column,
                            RejectReason::InvalidValue,
                            format!("{t:?} is not a date and time"),
                        )
                    })?),
                    (None, None) => None,
                };
                if let Some(at) = at {
                    if at > options.now {
                        return Err(problem(
                            column,
                            RejectReason::FutureTime,
                            format!("{at} is after {}", options.now),
                        ));
                    }
                    times.push((column, at));
                }
            }
            let at = |c: &str| times.iter().find(|(k, _)| *k == c).map(|(_, t)| *t);
            let mut previous: Option<(&str, NaiveDateTime)> = None;
            for column in LIFECYCLE {
                if let Some(t) = at(column) {
                    if let Some((before, p)) = previous
                        && t < p
                    {
                        return Err(problem(
                            column,
                            RejectReason::TimesOutOfOrder,
                            format!("{column} {t} is before {before} {p}"),
                        ));
                    }
                    previous = Some((column, t));
                }
            }
            if at(cs::VOIDED_AT).is_some() && at(cs::DISPATCHED_AT).is_some() {
                return Err(problem(
                    cs::VOIDED_AT,
                    RejectReason::TimesOutOfOrder,
                    "a voided case cannot also be dispatched",
                ));
            }
            if let Some(count) = get(cs::REWORK_COUNT, i) {
                count.parse::<u32>().map_err(|_| {
                    problem(
                        cs::REWORK_COUNT,
                        RejectReason::InvalidValue,
                        format!("{count:?} is not a whole number"),
                    )
                })?;
            }
            for flag in [cs::PUBLIC_REPORT, cs::PUBLIC_REPORT_VERIFIED] {
                if let Some(v) = get(flag, i) {
                    parse_bool(v).ok_or_else(|| {
                        problem(
                            flag,
                            RejectReason::InvalidValue,
                            format!("{v:?} is not true or false"),
                        )
                    })?;
                }
            }
            let crs = match get(cs::CRS, i) {
                None => options.default_crs,
                Some(c) => c.parse().map_err(|e: grid_core::Error| {
                    problem(cs::CRS, RejectReason::InvalidValue, e.to_string())
                })?,
            };
            let number = |field: &str| -> std::result::Result<f64, Problem> {
                let t = get(field, i).unwrap_or_default();
                t.parse::<f64>().map_err(|_| {
                    problem(
                        field,
                        RejectReason::UnparsableCoordinate,
                        format!("{t:?} is not a number"),
                    )
                })
            };
            let point = (number(cs::LON)?, number(cs::LAT)?);
            Ok(RowReading { times, crs, point })
        })
        .collect();
    for (i, reading) in readings.into_iter().enumerate() {
        let id = get(cs::CASE_ID, i).unwrap_or_default();
        let reading = match reading {
            Ok(_) if seen.contains(id) => Err(problem(
                cs::CASE_ID,
                RejectReason::DuplicateCode,
                format!("case id {id:?} appears earlier"),
            )),
            other => other,
        };
        match reading {
            Ok(RowReading { times, crs, point }) => {
                seen.insert(id.to_owned());
                for (column, at) in times {
                    if let Some(v) = parsed_times.get_mut(column) {
                        v[i] = Some(at);
                    }
                }
                crs_of_row[i] = crs;
                xy[i] = Some(point);
            }
            Err(p) => problems[i] = Some(p),
        }
    }

    // Coordinates, per source CRS, in parallel tasks that each build their transformer.
    let mut working: Vec<Option<(f64, f64)>> = vec![None; n];
    let mut by_crs: HashMap<Crs, Vec<usize>> = HashMap::new();
    for i in (0..n).filter(|&i| problems[i].is_none()) {
        by_crs.entry(crs_of_row[i]).or_default().push(i);
    }
    for (crs, rows) in by_crs {
        let plan = Transformer::new(crs, options.working_crs)?.plan().clone();
        let results: Vec<Moved> = par_transform(&rows, &plan, |t, &i| {
            let (x, y) = xy[i].unwrap_or((f64::NAN, f64::NAN));
            (i, t.transform(x, y).map_err(|e| e.to_string()))
        })?;
        for (i, result) in results {
            match result {
                Ok(p) => working[i] = Some(p),
                Err(e) => problems[i] = Some(problem("coordinates", RejectReason::OutOfRange, e)),
            }
        }
    }

    // Grids.
    let mut grid_of_row: Vec<Option<u32>> = vec![None; n];
    if let Some(grids) = options.grids {
        let rows: Vec<usize> = (0..n).filter(|&i| problems[i].is_none()).collect();
        let points: Vec<Coord> = rows
            .iter()
            .map(|&i| {
                working[i].map_or(
                    Coord {
                        x: f64::NAN,
                        y: f64::NAN,
                    },
                    |(x, y)| Coord { x, y },
                )
            })
            .collect();
        for (&i, found) in rows.iter().zip(grids.assign(&points)) {
            match found {
                Some(g) => grid_of_row[i] = Some(g),
                None => {
                    problems[i] = Some(problem(
                        "coordinates",
                        RejectReason::OutsideCity,
                        "outside every unit grid of the city",
                    ))
                }
            }
        }
    }

    // Rejections and the kept rows.
    let mut rejections = Vec::new();
    let keep: Vec<bool> = problems.iter().map(Option::is_none).collect();
    for (i, p) in problems.into_iter().enumerate() {
        if let Some((field, reason, detail)) = p {
            rejections.push(Rejection {
                row: first + i + 1,
                field,
                reason,
                detail,
            });
        }
    }
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let kept: Vec<usize> = (0..n).filter(|&i| keep[i]).collect();
    let context = || format!("{table}: assembling the validated table");

    // The canonical columns, typed.
    let text_col = |name: &str, f: &dyn Fn(usize) -> Option<String>| {
        Column::new(name.into(), kept.iter().map(|&i| f(i)).collect::<Vec<_>>())
    };
    let time_col = |name: &str| -> PolarsResult<Column> {
        let ms: Vec<Option<i64>> = kept
            .iter()
            .map(|&i| parsed_times[name][i].map(|t| t.and_utc().timestamp_millis()))
            .collect();
        Column::new(name.into(), ms).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
    };
    let mut columns = vec![
        text_col(cs::CASE_ID, &|i| get(cs::CASE_ID, i).map(str::to_owned)),
        text_col(cs::SOURCE, &|i| {
            get(cs::SOURCE, i)
                .and_then(|s| s.parse::<CaseSource>().ok())
                .map(|s| s.as_str().to_owned())
        }),
        text_col(cs::KIND, &|i| {
            get(cs::KIND, i)
                .and_then(|s| s.parse::<CaseKind>().ok())
                .map(|k| k.as_str().to_owned())
        }),
        text_col(cs::CLASS_CODE, &|i| {
            get(cs::CLASS_CODE, i).map(str::to_owned)
        }),
        time_col(cs::REPORTED_AT).context(context)?,
        Column::new(
            cs::LON.into(),
            kept.iter().map(|&i| xy[i].map(|p| p.0)).collect::<Vec<_>>(),
        ),
        Column::new(
            cs::LAT.into(),
            kept.iter().map(|&i| xy[i].map(|p| p.1)).collect::<Vec<_>>(),
        ),
        text_col(cs::CRS, &|i| Some(crs_of_row[i].to_string())),
        Column::new(
            cs::X_M.into(),
            kept.iter()
                .map(|&i| working[i].map(|p| p.0))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            cs::Y_M.into(),
            kept.iter()
                .map(|&i| working[i].map(|p| p.1))
                .collect::<Vec<_>>(),
        ),
    ];
    if let Some(grids) = options.grids {
        let of_kept: Vec<Option<u32>> = kept.iter().map(|&i| grid_of_row[i]).collect();
        columns.extend(grid_code_columns(grids, &of_kept));
    }
    for name in [cs::COMPONENT_CODE, cs::DEPARTMENT, cs::SUPERVISOR_ID] {
        columns.push(text_col(name, &|i| get(name, i).map(str::to_owned)));
    }
    for name in [
        cs::FILED_AT,
        cs::VOIDED_AT,
        cs::DISPATCHED_AT,
        cs::DISPOSED_AT,
        cs::CHECKED_AT,
        cs::CLOSED_AT,
    ] {
        columns.push(time_col(name).context(context)?);
    }
    columns.push(Column::new(
        cs::REWORK_COUNT.into(),
        kept.iter()
            .map(|&i| {
                get(cs::REWORK_COUNT, i)
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(0)
            })
            .collect::<Vec<u32>>(),
    ));
    columns.push(Column::new(
        cs::PUBLIC_REPORT.into(),
        kept.iter()
            .map(|&i| {
                get(cs::PUBLIC_REPORT, i).and_then(parse_bool).or_else(|| {
                    get(cs::SOURCE, i)
                        .and_then(|s| s.parse::<CaseSource>().ok())
                        .map(CaseSource::is_public)
                })
            })
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        cs::PUBLIC_REPORT_VERIFIED.into(),
        kept.iter()
            .map(|&i| get(cs::PUBLIC_REPORT_VERIFIED, i).and_then(parse_bool))
            .collect::<Vec<_>>(),
    ));
    // Other input columns follow, untouched.
    let extra: Vec<Column> = raw
        .columns()
        .iter()
        .filter(|c| !names.contains(&c.name().as_str()))
        .map(|c| c.filter(&mask))
        .collect::<PolarsResult<_>>()
        .context(context)?;
    columns.extend(extra);
    let clean = DataFrame::new_infer_height(columns).context(context)?;
    let (clean, after_cutoff) = match options.cutoff {
        Some(cutoff) => as_of(clean, cutoff).context(context)?,
        None => (clean, 0),
    };
    let cutoff = options.cutoff.unwrap_or(options.now);
    let clean = derive_lifecycle(&clean, options.calendar, options.catalog, cutoff)?;
    let rejected = crate::convert::rejected_table(raw, &!&mask, &rejections).context(context)?;
    Ok(ValidatedCases {
        clean,
        rejected,
        rejections,
        after_cutoff,
    })
}

/// The table as it stood at `cutoff`: rows reported later left out (their number returned), and
/// lifecycle times after it set to null.
fn as_of(clean: DataFrame, cutoff: NaiveDateTime) -> PolarsResult<(DataFrame, usize)> {
    let limit = cutoff.and_utc().timestamp_millis();
    let millis = |df: &DataFrame, name: &str| -> PolarsResult<Int64Chunked> {
        Ok(df.column(name)?.cast(&DataType::Int64)?.i64()?.clone())
    };
    let reported = millis(&clean, cs::REPORTED_AT)?;
    let keep: BooleanChunked = reported
        .iter()
        .map(|t| Some(t.is_none_or(|t| t <= limit)))
        .collect();
    let after = keep.iter().filter(|k| *k == Some(false)).count();
    let mut clean = if after > 0 {
        clean.filter(&keep)?
    } else {
        clean
    };
    for name in LIFECYCLE.into_iter().chain([cs::VOIDED_AT]) {
        if name == cs::REPORTED_AT || clean.column(name).is_err() {
            continue;
        }
        let dtype = clean.column(name)?.dtype().clone();
        let times = millis(&clean, name)?;
        if times.iter().flatten().all(|t| t <= limit) {
            continue;
        }
        let capped: Int64Chunked = times
            .iter()
            .map(|t| t.filter(|t| *t <= limit))
            .collect::<Int64Chunked>()
            .with_name(name.into());
        clean.replace(name, capped.into_series().cast(&dtype)?.into_column())?;
    }
    Ok((clean, after))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use geo::{MultiPolygon, polygon};
    use grid_core::calendar::OfficeHours;
    use grid_core::{GridLayer, UnitGrid};

    use super::*;

    fn grids() -> GridIndex {
        // One 2 km square around Rizhao's centre in EPSG:4549.
        let (x, y) = (456_000.0, 3_919_500.0);
        let geometry = MultiPolygon::new(vec![
            polygon![(x: x, y: y), (x: x + 2000.0, y: y), (x: x + 2000.0, y: y + 2000.0), (x: x, y: y + 2000.0)],
        ]);
        let grid = UnitGrid {
            code: "371102001001001".parse().unwrap(),
            area_m2: 4e6,
            geometry,
            valid_from: None,
            valid_to: None,
            land_use: None,
            class: None,
        };
        GridIndex::new(GridLayer::new(Crs::cgcs2000_gk_cm120(), vec![grid]).unwrap())
    }

    #[test]
    fn every_reason_is_caught_and_kept() {
        let calendar = WorkCalendar::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/calendar/china_holidays.csv"),
            OfficeHours::default(),
        )
        .unwrap();
        let catalog = ClassCatalog::bundled().unwrap();
        let index = grids();
        let options = ValidateOptions {
            cutoff: None,
            catalog: &catalog,
            calendar: &calendar,
            grids: Some(&index),
            working_crs: Crs::cgcs2000_gk_cm120(),
            default_crs: Crs::gcj02(),
            now: parse_time("2024-11-01 00:00").unwrap(),
        };
        let (lon, lat) = ("119.5323", "35.4161"); // GCJ-02, inside the square
        let rows: Vec<[&str; 10]> = vec![
            // case_id, source, kind, class, reported, lon, lat, dispatched, disposed, note
            [
                "c1",
                "随手拍",
                "事件",
                "0505",
                "2024-09-30 15:50",
                lon,
                lat,
                "2024-09-30 16:00",
                "2024-10-08 09:00",
                "good",
            ],
            [
                "c2",
                "supervisor",
                "event",
                "0505",
                "",
                lon,
                lat,
                "",
                "",
                "missing reported_at",
            ],
            [
                "c1",
                "supervisor",
                "event",
                "0505",
                "2024-09-30 15:50",
                lon,
                lat,
                "",
                "",
                "duplicate",
            ],
            [
                "c4",
                "fax",
                "event",
                "0505",
                "2024-09-30 15:50",
                lon,
                lat,
                "",
                "",
                "bad source",
            ],
            [
                "c5",
                "supervisor",
                "event",
                "0999",
                "2024-09-30 15:50",
                lon,
                lat,
                "",
                "",
                "unknown class",
            ],
            [
                "c6",
                "supervisor",
                "event",
                "0505",
                "2024-13-30 15:50",
                lon,
                lat,
                "",
                "",
                "bad time",
            ],
            [
                "c7",
                "supervisor",
                "event",
                "0505",
                "2025-01-01 10:00",
                lon,
                lat,
                "",
                "",
                "future",
            ],
            [
                "c8",
                "supervisor",
                "event",
                "0505",
                "2024-09-30 15:50",
                lon,
                lat,
                "2024-09-30 16:00",
                "2024-09-30 15:00",
                "disposed before dispatch",
            ],
            [
                "c9",
                "supervisor",
                "event",
                "0505",
                "2024-09-30 15:50",
                "119.53x",
                lat,
                "",
                "",
                "bad lon",
            ],
            [
                "c10",
                "supervisor",
                "event",
                "0505",
                "2024-09-30 15:50",
                lon,
                "95.0",
                "",
                "",
                "lat out of range",
            ],
            [
                "c11",
                "supervisor",
                "event",
                "0505",
                "2024-09-30 15:50",
                "119.60",
                lat,
                "",
                "",
                "outside the city",
            ],
            [
                "c12",
                "12345",
                "component",
                "0301",
                "2024-09-30 15:50",
                lon,
                lat,
                "",
                "",
                "good component",
            ],
        ];
        let col = |k: usize, name: &str| {
            Column::new(name.into(), rows.iter().map(|r| r[k]).collect::<Vec<_>>())
        };
        let raw = DataFrame::new_infer_height(vec![
            col(0, "case_id"),
            col(1, "source"),
            col(2, "kind"),
            col(3, "class_code"),
            col(4, "reported_at"),
            col(5, "lon"),
            col(6, "lat"),
            col(7, "dispatched_at"),
            col(8, "disposed_at"),
            col(9, "note"),
        ])
        .unwrap();
        let out = validate_cases(&raw, "cases.csv", &options).unwrap();
        let got: Vec<(usize, &str, RejectReason)> = out
            .rejections
            .iter()
            .map(|r| (r.row, r.field.as_str(), r.reason))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "reported_at", RejectReason::MissingField),
                (3, "case_id", RejectReason::DuplicateCode),
                (4, "source", RejectReason::InvalidValue),
                (5, "class_code", RejectReason::UnknownClass),
                (6, "reported_at", RejectReason::InvalidValue),
                (7, "reported_at", RejectReason::FutureTime),
                (8, "disposed_at", RejectReason::TimesOutOfOrder),
                (9, "lon", RejectReason::UnparsableCoordinate),
                (10, "coordinates", RejectReason::OutOfRange),
                (11, "coordinates", RejectReason::OutsideCity),
            ]
        );
        assert_eq!(out.clean.height() + out.rejected.height(), raw.height());
        // Slices of any size give the same result (duplicates are found across slices).
        for rows in [1, 2, 5] {
            let sliced = validate_in_slices(&raw, "cases.csv", &options, rows).unwrap();
            assert!(sliced.clean.equals_missing(&out.clean), "slices of {rows}");
            assert!(
                sliced.rejected.equals_missing(&out.rejected),
                "slices of {rows}"
            );
            assert_eq!(sliced.rejections, out.rejections);
        }
        let ids: Vec<Option<&str>> = out
            .clean
            .column("case_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(ids, [Some("c1"), Some("c12")]);
        let sources: Vec<Option<&str>> = out
            .clean
            .column("source")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(sources, [Some("citizen_app"), Some("hotline_12345")]);
        assert_eq!(
            out.clean.column("grid_code").unwrap().str().unwrap().get(0),
            Some("371102001001001")
        );
        assert_eq!(
            out.clean.column("on_time").unwrap().bool().unwrap().get(0),
            Some(true)
        );
        assert_eq!(
            out.clean
                .column("public_report")
                .unwrap()
                .bool()
                .unwrap()
                .get(0),
            Some(true)
        );
        assert_eq!(
            out.clean.column("note").unwrap().str().unwrap().get(1),
            Some("good component")
        );
        assert_eq!(
            out.rejected
                .column("case_id")
                .unwrap()
                .str()
                .unwrap()
                .get(0),
            Some("c2")
        );
        let reported = out.clean.column("reported_at").unwrap();
        assert_eq!(
            reported.dtype(),
            &DataType::Datetime(TimeUnit::Milliseconds, None)
        );
    }

    #[test]
    fn time_formats() {
        for t in [
            "2024-09-30 16:00:05",
            "2024-09-30T16:00:05.250",
            "2024-09-30 16:00",
            "2024/09/30 16:00",
        ] {
            assert!(parse_time(t).is_some(), "{t}");
        }
        assert!(parse_time("30/09/2024").is_none());
    }
}
