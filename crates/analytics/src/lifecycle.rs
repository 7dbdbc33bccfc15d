//! The lifecycle clock per case: due time, on time or overdue, open past due at a cut-off, and
//! the working time spent in each stage, all on the [`WorkCalendar`].

use chrono::{DateTime, NaiveDateTime};
use grid_core::ClassCatalog;
use grid_core::calendar::WorkCalendar;
use polars::prelude::*;
use rayon::prelude::*;

use crate::case_schema as cs;
use crate::error::{PolarsContext, Result};

/// Columns [`derive_lifecycle`] adds.
pub mod columns {
    /// Disposed no later than due.
    pub const ON_TIME: &str = "on_time";
    /// Disposed after due.
    pub const OVERDUE: &str = "overdue";
    /// Not disposed (nor voided) and past due at the cut-off (超期未处置).
    pub const OPEN_OVERDUE: &str = "open_overdue";
    /// Sent back at least once (返工).
    pub const REWORKED: &str = "reworked";
    /// Working hours from the report to filing or voiding (the verification, 核实).
    pub const VERIFY_WORK_H: &str = "verify_work_h";
    /// Working hours from filing to dispatch.
    pub const DISPATCH_WORK_H: &str = "dispatch_work_h";
    /// Working hours from dispatch to disposal.
    pub const DISPOSAL_WORK_H: &str = "disposal_work_h";
    /// Working hours from disposal to the on-site check.
    pub const CHECK_WORK_H: &str = "check_work_h";
    /// Working hours from the check to closing.
    pub const CLOSE_WORK_H: &str = "close_work_h";
}

/// A text column's values (all null when the table lacks it).
fn strings(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let Ok(column) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    let values = column
        .str()
        .context(|| format!("case table: column {name:?}"))?;
    Ok(values.iter().map(|v| v.map(str::to_owned)).collect())
}

pub(crate) fn times(df: &DataFrame, name: &str) -> Result<Vec<Option<NaiveDateTime>>> {
    let context = || format!("case table: column {name:?}");
    let Ok(column) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    let millis = column
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        .context(context)?;
    let values = millis.datetime().context(context)?;
    Ok(values
        .physical()
        .iter()
        .map(|ms| {
            ms.and_then(DateTime::from_timestamp_millis)
                .map(|t| t.naive_utc())
        })
        .collect())
}

/// Adds `due_at` and the lifecycle columns of [`columns`] to a case table (see `docs/schema.md`).
///
/// `due_at` is the class's time limit (event classes, and component classes whose table gives
/// one) counted on `calendar` from `dispatched_at`; cases without a dispatch time or whose class
/// has no limit get no due time, and then no on-time verdict either (null, never false). A case is open past due when it has a due time, no
/// disposal and no voiding, and `cutoff` is after its due time. Stage durations are working
/// hours between consecutive lifecycle times, null where either is missing.
pub fn derive_lifecycle(
    cases: &DataFrame,
    calendar: &WorkCalendar,
    catalog: &ClassCatalog,
    cutoff: NaiveDateTime,
) -> Result<DataFrame> {
    let n = cases.height();
    let kinds = strings(cases, cs::KIND)?;
    let classes = strings(cases, cs::CLASS_CODE)?;
    let reported = times(cases, cs::REPORTED_AT)?;
    let filed = times(cases, cs::FILED_AT)?;
    let voided = times(cases, cs::VOIDED_AT)?;
    let dispatched = times(cases, cs::DISPATCHED_AT)?;
    let disposed = times(cases, cs::DISPOSED_AT)?;
    let checked = times(cases, cs::CHECKED_AT)?;
    let closed = times(cases, cs::CLOSED_AT)?;
    let reworks: Vec<Option<u32>> = match cases.column(cs::REWORK_COUNT) {
        Ok(c) => c
            .cast(&DataType::UInt32)
            .context(|| "case table: column \"rework_count\"".to_owned())?
            .u32()
            .context(|| "case table: column \"rework_count\"".to_owned())?
            .iter()
            .collect(),
        Err(_) => vec![None; n],
    };

    let due: Vec<Option<NaiveDateTime>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let limit = match (kinds[i].as_deref(), classes[i].as_deref()) {
                (Some("event"), Some(code)) => code
                    .parse()
                    .ok()
                    .and_then(|c| catalog.event_class(&c))
                    .and_then(|c| c.time_limit),
                (Some("component"), Some(code)) => code
                    .parse()
                    .ok()
                    .and_then(|c| catalog.component_class(&c))
                    .and_then(|c| c.time_limit),
                _ => None,
            }?;
            calendar.due(dispatched[i]?, limit).ok()
        })
        .collect();
    let hours = |a: &[Option<NaiveDateTime>], b: &[Option<NaiveDateTime>]| -> Vec<Option<f64>> {
        (0..n)
            .into_par_iter()
            .map(|i| {
                Some(calendar.working_time_between(a[i]?, b[i]?).num_seconds() as f64 / 3600.0)
            })
            .collect()
    };
    let on_time: Vec<Option<bool>> = (0..n).map(|i| Some(disposed[i]? <= due[i]?)).collect();
    let overdue: Vec<Option<bool>> = on_time.iter().map(|v| v.map(|t| !t)).collect();
    let open_overdue: Vec<Option<bool>> = (0..n)
        .map(|i| due[i].map(|d| disposed[i].is_none() && voided[i].is_none() && cutoff > d))
        .collect();
    let reworked: Vec<Option<bool>> = reworks.iter().map(|r| r.map(|r| r > 0)).collect();
    let due_ms: Vec<Option<i64>> = due
        .iter()
        .map(|d| d.map(|d| d.and_utc().timestamp_millis()))
        .collect();

    let accepted_or_voided: Vec<Option<NaiveDateTime>> =
        (0..n).map(|i| filed[i].or(voided[i])).collect();
    let context = || "case table: adding lifecycle columns".to_owned();
    let due_column = Column::new(cs::DUE_AT.into(), due_ms)
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        .context(context)?;
    let mut out = cases.clone();
    if out.column(cs::DUE_AT).is_ok() {
        out = out.drop(cs::DUE_AT).context(context)?;
    }
    out.hstack(&[
        due_column,
        Column::new(columns::ON_TIME.into(), on_time),
        Column::new(columns::OVERDUE.into(), overdue),
        Column::new(columns::OPEN_OVERDUE.into(), open_overdue),
        Column::new(columns::REWORKED.into(), reworked),
        Column::new(
            columns::VERIFY_WORK_H.into(),
            hours(&reported, &accepted_or_voided),
        ),
        Column::new(columns::DISPATCH_WORK_H.into(), hours(&filed, &dispatched)),
        Column::new(
            columns::DISPOSAL_WORK_H.into(),
            hours(&dispatched, &disposed),
        ),
        Column::new(columns::CHECK_WORK_H.into(), hours(&disposed, &checked)),
        Column::new(columns::CLOSE_WORK_H.into(), hours(&checked, &closed)),
    ])
    .context(context)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use grid_core::calendar::OfficeHours;

    use super::*;

    fn ms(text: &str) -> Option<i64> {
        Some(
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
                .unwrap()
                .and_utc()
                .timestamp_millis(),
        )
    }

    fn datetimes(name: &str, values: Vec<Option<i64>>) -> Column {
        Column::new(name.into(), values)
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap()
    }

    #[test]
    fn hand_computed_cases_across_national_day() {
        let calendar = WorkCalendar::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/calendar/china_holidays.csv"),
            OfficeHours::default(),
        )
        .unwrap();
        let catalog = ClassCatalog::bundled().unwrap();
        // 0505 illegally parked car: 2 work hours. 0103 accumulated rubbish: 2 work days.
        // a: dispatched Mon 30 Sep 16:00, disposed Tue 8 Oct 09:00 -> due 8 Oct 09:00, on time.
        // b: same dispatch, disposed 8 Oct 09:30 -> overdue.
        // c: dispatched 30 Sep 16:00 (2 work days), never disposed; cut-off 8 Oct 17:00, due
        //    9 Oct 16:00 -> not yet open past due.
        // d: 0505 dispatched 30 Sep 16:00, never disposed, cut-off after due -> open past due.
        // e: voided component case, no due time, no verdicts.
        let df = DataFrame::new_infer_height(vec![
            Column::new("case_id".into(), ["a", "b", "c", "d", "e"]),
            Column::new(
                "kind".into(),
                ["event", "event", "event", "event", "component"],
            ),
            Column::new(
                "class_code".into(),
                ["0505", "0505", "0103", "0505", "0101"],
            ),
            datetimes(
                "filed_at",
                vec![
                    ms("2024-09-30 15:00"),
                    ms("2024-09-30 15:00"),
                    None,
                    None,
                    None,
                ],
            ),
            datetimes(
                "dispatched_at",
                vec![
                    ms("2024-09-30 16:00"),
                    ms("2024-09-30 16:00"),
                    ms("2024-09-30 16:00"),
                    ms("2024-09-30 16:00"),
                    None,
                ],
            ),
            datetimes(
                "disposed_at",
                vec![
                    ms("2024-10-08 09:00"),
                    ms("2024-10-08 09:30"),
                    None,
                    None,
                    None,
                ],
            ),
            datetimes(
                "voided_at",
                vec![None, None, None, None, ms("2024-09-30 16:00")],
            ),
            Column::new("rework_count".into(), [0u32, 2, 0, 0, 0]),
        ])
        .unwrap();
        let out = derive_lifecycle(
            &df,
            &calendar,
            &catalog,
            NaiveDateTime::parse_from_str("2024-10-08 17:00", "%Y-%m-%d %H:%M").unwrap(),
        )
        .unwrap();
        let due: Vec<Option<i64>> = out
            .column("due_at")
            .unwrap()
            .datetime()
            .unwrap()
            .physical()
            .iter()
            .collect();
        assert_eq!(
            due,
            vec![
                ms("2024-10-08 09:00"),
                ms("2024-10-08 09:00"),
                ms("2024-10-09 16:00"),
                ms("2024-10-08 09:00"),
                None
            ]
        );
        let flags = |name: &str| -> Vec<Option<bool>> {
            out.column(name).unwrap().bool().unwrap().iter().collect()
        };
        assert_eq!(
            flags("on_time"),
            vec![Some(true), Some(false), None, None, None]
        );
        assert_eq!(
            flags("overdue"),
            vec![Some(false), Some(true), None, None, None]
        );
        assert_eq!(
            flags("open_overdue"),
            vec![Some(false), Some(false), Some(false), Some(true), None]
        );
        assert_eq!(
            flags("reworked"),
            vec![
                Some(false),
                Some(true),
                Some(false),
                Some(false),
                Some(false)
            ]
        );
        let hours: Vec<Option<f64>> = out
            .column("disposal_work_h")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(hours, vec![Some(2.0), Some(2.5), None, None, None]);
        let dispatch: Vec<Option<f64>> = out
            .column("dispatch_work_h")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(dispatch[0], Some(1.0));
    }
}
