//! The assessment indicators: named formulas over lifecycle events in a period, per scope, with
//! numerator and denominator kept (docs/assessment.md).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use polars::prelude::{DataFrame, DataType};
use rayon::prelude::*;

use super::period::Period;
use crate::case_schema as cs;
use crate::error::{PolarsContext, Result};
use crate::hotspot::measure::missing_column;
use crate::lifecycle::times;

/// Who an indicator is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// District (区县), by `district_code`.
    District,
    /// Street or town (街道/乡镇), by `street_code`.
    Street,
    /// Community (社区), by `community_code`.
    Community,
    /// Unit grid (单元网格), by `grid_code`.
    Grid,
    /// Disposal department, by `department`.
    Department,
    /// Patrol supervisor, by `supervisor_id`.
    Supervisor,
}

impl Level {
    /// Every level.
    pub const ALL: [Self; 6] = [
        Self::District,
        Self::Street,
        Self::Community,
        Self::Grid,
        Self::Department,
        Self::Supervisor,
    ];

    /// The name used in tables.
    pub fn name(&self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Street => "street",
            Self::Community => "community",
            Self::Grid => "grid",
            Self::Department => "department",
            Self::Supervisor => "supervisor",
        }
    }

    /// The case table column naming the scope.
    pub fn column(&self) -> &'static str {
        match self {
            Self::District => cs::DISTRICT_CODE,
            Self::Street => cs::STREET_CODE,
            Self::Community => cs::COMMUNITY_CODE,
            Self::Grid => cs::GRID_CODE,
            Self::Department => cs::DEPARTMENT,
            Self::Supervisor => cs::SUPERVISOR_ID,
        }
    }

    /// Whether it is a region (district, street, community, grid).
    pub fn is_region(&self) -> bool {
        matches!(
            self,
            Self::District | Self::Street | Self::Community | Self::Grid
        )
    }
}

/// An indicator: a named count or ratio of counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Indicator {
    /// 立案数: cases filed in the period (a count; fewer is better).
    FiledCases,
    /// 监督举报率: verified public reports ÷ cases filed, both filed in the period.
    PublicReportRate,
    /// 结案率: cases due in the period closed by its end ÷ cases due in the period.
    ClosureRate,
    /// 按期结案率: cases due in the period closed by its end and disposed by their due time ÷
    /// cases due in the period.
    OnTimeClosureRate,
    /// 超期未处置: cases due before the end of the period and not disposed by then (a count,
    /// earlier periods' cases included).
    OverdueOpen,
    /// 未派遣: cases filed by the end of the period, not voided, dispatched or disposed by then
    /// (a count, earlier periods' cases included): cases with no due time, which the due-based
    /// indicators cannot see.
    UndispatchedOpen,
    /// 处置率: cases due in the period disposed by its end ÷ cases due in the period.
    DisposalRate,
    /// 按期处置率: cases due in the period disposed by their due time ÷ cases due in the period.
    OnTimeDisposalRate,
    /// 返工率: cases disposed in the period sent back at least once ÷ cases disposed in it.
    ReworkRate,
    /// 超期处置数: cases disposed in the period after their due time (a count).
    LateDisposals,
    /// 有效上报率: the supervisor's own reports in the period that were filed ÷ all of them.
    ValidReportRate,
    /// 漏报率: verified public reports filed in the period in the supervisor's charge ÷ cases
    /// filed in the period in their charge (the reports the patrol should have found).
    MissedReportRate,
    /// 按时核实率: public reports in the supervisor's charge reported in the period and
    /// verified (filed or voided) within the verification limit ÷ those verified.
    OnTimeVerificationRate,
    /// 按时核查率: cases in the supervisor's charge checked on site in the period within the
    /// check limit after disposal ÷ cases checked in the period.
    OnTimeCheckRate,
}

/// The supervisors' time limits, in working hours (`verify_work_h`, `check_work_h` of the case
/// table are measured on the work calendar).
#[derive(Clone, Copy, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// From a public report to its verification (filing or voiding).
    pub verify_work_hours: f64,
    /// From disposal to the on-site check.
    pub check_work_hours: f64,
}

impl Default for Limits {
    /// One working hour for each: a placeholder to set per city (the scoring config's
    /// `[limits]`).
    fn default() -> Self {
        Self {
            verify_work_hours: 1.0,
            check_work_hours: 1.0,
        }
    }
}

impl Indicator {
    /// Region indicators.
    pub const REGION: [Self; 6] = [
        Self::FiledCases,
        Self::PublicReportRate,
        Self::ClosureRate,
        Self::OnTimeClosureRate,
        Self::OverdueOpen,
        Self::UndispatchedOpen,
    ];
    /// Department indicators.
    pub const DEPARTMENT: [Self; 5] = [
        Self::DisposalRate,
        Self::OnTimeDisposalRate,
        Self::ReworkRate,
        Self::ClosureRate,
        Self::LateDisposals,
    ];
    /// Supervisor indicators.
    pub const SUPERVISOR: [Self; 4] = [
        Self::ValidReportRate,
        Self::OnTimeVerificationRate,
        Self::OnTimeCheckRate,
        Self::MissedReportRate,
    ];

    /// The indicators of a level.
    pub fn of(level: Level) -> &'static [Self] {
        match level {
            Level::Department => &Self::DEPARTMENT,
            Level::Supervisor => &Self::SUPERVISOR,
            _ => &Self::REGION,
        }
    }

    /// The name used in tables and configs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::FiledCases => "filed_cases",
            Self::PublicReportRate => "public_report_rate",
            Self::ClosureRate => "closure_rate",
            Self::OnTimeClosureRate => "on_time_closure_rate",
            Self::OverdueOpen => "overdue_open",
            Self::UndispatchedOpen => "undispatched_open",
            Self::DisposalRate => "disposal_rate",
            Self::OnTimeDisposalRate => "on_time_disposal_rate",
            Self::ReworkRate => "rework_rate",
            Self::LateDisposals => "late_disposals",
            Self::ValidReportRate => "valid_report_rate",
            Self::MissedReportRate => "missed_report_rate",
            Self::OnTimeVerificationRate => "on_time_verification_rate",
            Self::OnTimeCheckRate => "on_time_check_rate",
        }
    }

    /// Whether it is a count (no denominator) rather than a ratio.
    pub fn is_count(&self) -> bool {
        matches!(
            self,
            Self::FiledCases | Self::OverdueOpen | Self::UndispatchedOpen | Self::LateDisposals
        )
    }
}

/// One indicator of one scope in one period.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorValue {
    /// The level.
    pub level: Level,
    /// The scope's code or id.
    pub scope: String,
    /// The indicator.
    pub indicator: Indicator,
    /// What was counted.
    pub numerator: f64,
    /// What it is a share of (`None` for counts).
    pub denominator: Option<f64>,
    /// numerator ÷ denominator, or the count; `None` ("no score") when the denominator is 0.
    pub value: Option<f64>,
}

/// One case's lifecycle facts, read once.
struct Case {
    reported: Option<NaiveDateTime>,
    filed: Option<NaiveDateTime>,
    voided: Option<NaiveDateTime>,
    dispatched: Option<NaiveDateTime>,
    due: Option<NaiveDateTime>,
    disposed: Option<NaiveDateTime>,
    closed: Option<NaiveDateTime>,
    reworked: bool,
    public: bool,
    verified: bool,
    checked: Option<NaiveDateTime>,
    verify_h: Option<f64>,
    check_h: Option<f64>,
}

fn required_times(df: &DataFrame, name: &str) -> Result<Vec<Option<NaiveDateTime>>> {
    if df.column(name).is_err() {
        return Err(missing_column(df, name));
    }
    times(df, name)
}

fn flags(df: &DataFrame, name: &str) -> Result<Vec<bool>> {
    let column = df.column(name).map_err(|_| missing_column(df, name))?;
    let b = column
        .cast(&DataType::Boolean)
        .context(|| format!("case table: column {name:?}"))?;
    Ok(b.bool()
        .context(|| format!("case table: column {name:?}"))?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect())
}

/// A numeric column's values (all null when the table lacks it).
fn optional_numbers(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let Ok(column) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    let c = column
        .cast(&DataType::Float64)
        .context(|| format!("case table: column {name:?}"))?;
    Ok(c.f64()
        .context(|| format!("case table: column {name:?}"))?
        .iter()
        .collect())
}

/// Every indicator of `levels` for `period` over a validated case table (with `due_at` and the
/// working-hour columns, see `derive_lifecycle`; without `verify_work_h` or `check_work_h` the
/// supervisors' on-time rates have no score). Scopes are the codes present in the table; rows
/// come sorted by level, scope and indicator. A case without a scope code at a level does not
/// count at that level.
pub fn indicators(
    cases: &DataFrame,
    period: &Period,
    levels: &[Level],
    limits: &Limits,
) -> Result<Vec<IndicatorValue>> {
    let mut all = indicators_for(cases, &[period], levels, limits)?;
    Ok(all.pop().unwrap_or_default())
}

/// [`indicators`] for several periods at once (one list per period, in order), reading the
/// table and numbering the scopes once.
pub fn indicators_for(
    cases: &DataFrame,
    periods: &[&Period],
    levels: &[Level],
    limits: &Limits,
) -> Result<Vec<Vec<IndicatorValue>>> {
    let n = cases.height();
    let reported = required_times(cases, cs::REPORTED_AT)?;
    let filed = required_times(cases, cs::FILED_AT)?;
    let voided = required_times(cases, cs::VOIDED_AT)?;
    let due = required_times(cases, cs::DUE_AT)?;
    let dispatched = required_times(cases, cs::DISPATCHED_AT)?;
    let disposed = required_times(cases, cs::DISPOSED_AT)?;
    let closed = required_times(cases, cs::CLOSED_AT)?;
    let public = flags(cases, cs::PUBLIC_REPORT)?;
    let checked = required_times(cases, cs::CHECKED_AT)?;
    let verify_h = optional_numbers(cases, crate::lifecycle::columns::VERIFY_WORK_H)?;
    let check_h = optional_numbers(cases, crate::lifecycle::columns::CHECK_WORK_H)?;
    let verified = flags(cases, cs::PUBLIC_REPORT_VERIFIED)?;
    let reworks: Vec<bool> = {
        let c = cases
            .column(cs::REWORK_COUNT)
            .map_err(|_| missing_column(cases, cs::REWORK_COUNT))?
            .cast(&DataType::UInt32)
            .context(|| "case table: column \"rework_count\"".to_owned())?;
        c.u32()
            .context(|| "case table: column \"rework_count\"".to_owned())?
            .iter()
            .map(|v| v.unwrap_or(0) > 0)
            .collect()
    };
    let facts: Vec<Case> = (0..n)
        .map(|i| Case {
            reported: reported[i],
            filed: filed[i],
            voided: voided[i],
            dispatched: dispatched[i],
            due: due[i],
            disposed: disposed[i],
            closed: closed[i],
            reworked: reworks[i],
            public: public[i],
            verified: verified[i],
            checked: checked[i],
            verify_h: verify_h[i],
            check_h: check_h[i],
        })
        .collect();
    let mut out: Vec<Vec<IndicatorValue>> = vec![Vec::new(); periods.len()];
    for &level in levels {
        let context = || format!("case table: column {:?}", level.column());
        let column = cases
            .column(level.column())
            .map_err(|_| missing_column(cases, level.column()))?
            .cast(&DataType::String)
            .context(context)?;
        let codes = column.str().context(context)?;
        // Scope ids in order of first appearance; u32::MAX for a case without a code.
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        let mut id_of = Vec::with_capacity(n);
        for code in codes.iter() {
            id_of.push(match code {
                None => u32::MAX,
                Some(code) => *ids.entry(code).or_insert_with(|| {
                    names.push(code);
                    (names.len() - 1) as u32
                }),
            });
        }
        let mut list: Vec<Indicator> = Indicator::of(level).to_vec();
        list.sort();
        let k = list.len();
        let size = names.len() * k * 2;
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by(|a, b| names[*a].cmp(names[*b]));
        for (out, period) in out.iter_mut().zip(periods) {
            // (numerator, denominator) per scope and indicator: whole numbers, so the parallel sums
            // are exact and the same on any thread count.
            let sums = facts
                .par_iter()
                .zip(id_of.par_iter())
                .with_min_len(1 << 14)
                .fold(
                    || vec![0.0f64; size],
                    |mut acc, (case, &id)| {
                        if id != u32::MAX {
                            let base = id as usize * k * 2;
                            for (j, &indicator) in list.iter().enumerate() {
                                let (num, den) = contribution(indicator, case, period, limits);
                                acc[base + 2 * j] += num;
                                acc[base + 2 * j + 1] += den;
                            }
                        }
                        acc
                    },
                )
                .reduce(
                    || vec![0.0f64; size],
                    |mut a, b| {
                        for (x, y) in a.iter_mut().zip(b) {
                            *x += y;
                        }
                        a
                    },
                );
            for &id in &order {
                for (j, &indicator) in list.iter().enumerate() {
                    let (num, den) = (sums[(id * k + j) * 2], sums[(id * k + j) * 2 + 1]);
                    let (denominator, value) = if indicator.is_count() {
                        (None, Some(num))
                    } else {
                        (Some(den), (den > 0.0).then(|| num / den))
                    };
                    out.push(IndicatorValue {
                        level,
                        scope: names[id].to_owned(),
                        indicator,
                        numerator: num,
                        denominator,
                        value,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// What one case adds to an indicator's (numerator, denominator).
fn contribution(indicator: Indicator, c: &Case, p: &Period, limits: &Limits) -> (f64, f64) {
    let one = |b: bool| f64::from(u8::from(b));
    // Only what had happened by the cut-off (the period's end) counts: a later refresh of the
    // table does not change a past period's numbers.
    let before_end = |t: Option<NaiveDateTime>| t.is_some_and(|t| t < p.end);
    let voided = before_end(c.voided);
    let filed = before_end(c.filed) && !voided;
    let filed_in = filed && c.filed.is_some_and(|t| p.contains(t));
    // Due in the period: filed by the end, not voided, with a due time inside.
    let due_in = filed && c.due.is_some_and(|t| p.contains(t));
    let on_time = match (c.disposed, c.due) {
        (Some(d), Some(due)) => d <= due && d < p.end,
        _ => false,
    };
    let disposed_in = c.disposed.is_some_and(|t| p.contains(t));
    match indicator {
        Indicator::FiledCases => (one(filed_in), 0.0),
        Indicator::PublicReportRate => (one(filed_in && c.public && c.verified), one(filed_in)),
        Indicator::ClosureRate => (one(due_in && before_end(c.closed)), one(due_in)),
        Indicator::OnTimeClosureRate => {
            (one(due_in && before_end(c.closed) && on_time), one(due_in))
        }
        Indicator::OverdueOpen => {
            let past_due = filed && c.due.is_some_and(|t| t < p.end);
            (one(past_due && !before_end(c.disposed)), 0.0)
        }
        Indicator::UndispatchedOpen => (
            one(filed && !before_end(c.dispatched) && !before_end(c.disposed)),
            0.0,
        ),
        Indicator::DisposalRate => (one(due_in && before_end(c.disposed)), one(due_in)),
        Indicator::OnTimeDisposalRate => (one(due_in && on_time), one(due_in)),
        Indicator::ReworkRate => (one(disposed_in && c.reworked), one(disposed_in)),
        Indicator::LateDisposals => (
            one(disposed_in && c.due.is_some_and(|due| c.disposed.is_some_and(|d| d > due))),
            0.0,
        ),
        Indicator::ValidReportRate => {
            let own = !c.public && c.reported.is_some_and(|t| p.contains(t));
            (one(own && filed), one(own))
        }
        Indicator::MissedReportRate => (one(filed_in && c.public && c.verified), one(filed_in)),
        Indicator::OnTimeVerificationRate => {
            let verified = c.public
                && c.reported.is_some_and(|t| p.contains(t))
                && before_end(c.filed.or(c.voided));
            match c.verify_h.filter(|_| verified) {
                Some(h) => (one(h <= limits.verify_work_hours), 1.0),
                None => (0.0, 0.0),
            }
        }
        Indicator::OnTimeCheckRate => {
            let checked = c.checked.is_some_and(|t| p.contains(t));
            match c.check_h.filter(|_| checked) {
                Some(h) => (one(h <= limits.check_work_hours), 1.0),
                None => (0.0, 0.0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{Column, TimeUnit};

    fn ms(s: &str) -> Option<i64> {
        (!s.is_empty()).then(|| {
            NaiveDateTime::parse_from_str(&format!("{s} 12:00"), "%Y-%m-%d %H:%M")
                .unwrap()
                .and_utc()
                .timestamp_millis()
        })
    }

    fn time_column(name: &str, v: &[&str]) -> Column {
        Column::new(name.into(), v.iter().map(|s| ms(s)).collect::<Vec<_>>())
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap()
    }

    fn text(name: &str, v: &[&str]) -> Column {
        Column::new(
            name.into(),
            v.iter()
                .map(|s| (!s.is_empty()).then_some(*s))
                .collect::<Vec<_>>(),
        )
    }

    /// Six cases around July 2025 (see each line) and one voided report.
    fn cases() -> DataFrame {
        // c1 supervisor report, on time, closed       G1, dept A, sv1
        // c2 verified public report, late, reworked    G1, dept A, sv1
        // c3 supervisor report, due 07-30, still open  G2, dept B, sv2
        // c4 supervisor report voided                  G2, no dept, sv2
        // c5 filed in June, due 06-28, still open      G2, dept B, sv2
        // c6 filed 07-25, due in August, disposed 07-28 G1, dept A, sv1
        let columns = vec![
            text(cs::CASE_ID, &["c1", "c2", "c3", "c4", "c5", "c6"]),
            time_column(
                cs::REPORTED_AT,
                &[
                    "2025-07-02",
                    "2025-07-03",
                    "2025-07-20",
                    "2025-07-05",
                    "2025-06-20",
                    "2025-07-25",
                ],
            ),
            time_column(
                cs::FILED_AT,
                &[
                    "2025-07-02",
                    "2025-07-03",
                    "2025-07-20",
                    "",
                    "2025-06-20",
                    "2025-07-25",
                ],
            ),
            time_column(cs::VOIDED_AT, &["", "", "", "2025-07-05", "", ""]),
            // c3 was never dispatched (its due time is hand-set here to test the rest).
            time_column(
                cs::DISPATCHED_AT,
                &[
                    "2025-07-02",
                    "2025-07-03",
                    "",
                    "",
                    "2025-06-20",
                    "2025-07-25",
                ],
            ),
            time_column(
                cs::DUE_AT,
                &[
                    "2025-07-05",
                    "2025-07-10",
                    "2025-07-30",
                    "",
                    "2025-06-28",
                    "2025-08-05",
                ],
            ),
            time_column(
                cs::DISPOSED_AT,
                &["2025-07-04", "2025-07-12", "", "", "", "2025-07-28"],
            ),
            time_column(
                cs::CLOSED_AT,
                &["2025-07-06", "2025-07-13", "", "", "", "2025-07-29"],
            ),
            time_column(
                cs::CHECKED_AT,
                &["2025-07-05", "2025-07-12", "", "", "", "2025-07-28"],
            ),
            Column::new(
                "verify_work_h".into(),
                [
                    Some(0.2),
                    Some(3.0),
                    Some(0.5),
                    Some(0.1),
                    Some(0.3),
                    Some(0.4),
                ],
            ),
            Column::new(
                "check_work_h".into(),
                [Some(0.5), Some(0.8), None, None, None, Some(2.0)],
            ),
            Column::new(cs::REWORK_COUNT.into(), [0u32, 1, 0, 0, 0, 0]),
            Column::new(
                cs::PUBLIC_REPORT.into(),
                [false, true, false, false, false, false],
            ),
            Column::new(
                cs::PUBLIC_REPORT_VERIFIED.into(),
                [false, true, false, false, false, false],
            ),
            text(cs::GRID_CODE, &["G1", "G1", "G2", "G2", "G2", "G1"]),
            text(cs::DEPARTMENT, &["A", "A", "B", "", "B", "A"]),
            text(
                cs::SUPERVISOR_ID,
                &["sv1", "sv1", "sv2", "sv2", "sv2", "sv1"],
            ),
        ];
        DataFrame::new(6, columns).unwrap()
    }

    fn get(
        rows: &[IndicatorValue],
        scope: &str,
        indicator: Indicator,
    ) -> (f64, Option<f64>, Option<f64>) {
        let r = rows
            .iter()
            .find(|r| r.scope == scope && r.indicator == indicator)
            .unwrap();
        (r.numerator, r.denominator, r.value)
    }

    #[test]
    fn indicators_by_hand() {
        let july: Period = "2025-07".parse().unwrap();
        let rows = indicators(
            &cases(),
            &july,
            &[Level::Grid, Level::Department, Level::Supervisor],
            &Limits::default(),
        )
        .unwrap();
        use Indicator::*;
        // G1: c1, c2, c6 filed; c2 a verified public report; c1 and c2 due in July, both
        // closed, only c1 on time.
        assert_eq!(get(&rows, "G1", FiledCases), (3.0, None, Some(3.0)));
        assert_eq!(
            get(&rows, "G1", PublicReportRate),
            (1.0, Some(3.0), Some(1.0 / 3.0))
        );
        assert_eq!(get(&rows, "G1", ClosureRate), (2.0, Some(2.0), Some(1.0)));
        assert_eq!(
            get(&rows, "G1", OnTimeClosureRate),
            (1.0, Some(2.0), Some(0.5))
        );
        assert_eq!(get(&rows, "G1", OverdueOpen).0, 0.0);
        // G2: c3 filed (c4 voided, c5 filed in June); c3 due and open; open past due at the
        // end of July: c3 and June's c5.
        assert_eq!(get(&rows, "G2", FiledCases).0, 1.0);
        assert_eq!(get(&rows, "G2", ClosureRate), (0.0, Some(1.0), Some(0.0)));
        assert_eq!(get(&rows, "G2", OverdueOpen), (2.0, None, Some(2.0)));
        // Not dispatched by the end of July and still open: c3 (G2); none in G1.
        assert_eq!(get(&rows, "G2", UndispatchedOpen).0, 1.0);
        assert_eq!(get(&rows, "G1", UndispatchedOpen).0, 0.0);
        // Department A: c1, c2 due and disposed, c1 on time; disposed in July c1, c2, c6, of
        // which c2 reworked; c2 disposed after its due time.
        assert_eq!(get(&rows, "A", DisposalRate), (2.0, Some(2.0), Some(1.0)));
        assert_eq!(
            get(&rows, "A", OnTimeDisposalRate),
            (1.0, Some(2.0), Some(0.5))
        );
        assert_eq!(
            get(&rows, "A", ReworkRate),
            (1.0, Some(3.0), Some(1.0 / 3.0))
        );
        assert_eq!(get(&rows, "A", LateDisposals).0, 1.0);
        // Department B disposed nothing in July: its rework rate has no score, never 0 or 100.
        assert_eq!(get(&rows, "B", ReworkRate), (0.0, Some(0.0), None));
        assert_eq!(get(&rows, "B", DisposalRate), (0.0, Some(1.0), Some(0.0)));
        // The voided case has no department and counts nowhere there.
        assert_eq!(
            rows.iter().filter(|r| r.level == Level::Department).count(),
            10
        );
        // sv1 reported c1 and c6 (both filed) itself; of the cases filed in its charge (c1, c2,
        // c6) one was a verified public report it missed. sv2 reported c3 (filed) and c4
        // (voided).
        assert_eq!(
            get(&rows, "sv1", ValidReportRate),
            (2.0, Some(2.0), Some(1.0))
        );
        assert_eq!(
            get(&rows, "sv1", MissedReportRate),
            (1.0, Some(3.0), Some(1.0 / 3.0))
        );
        // Verification: sv1's one public report (c2) took 3 working hours, over the limit of 1;
        // checks: c1 (0.5 h) and c2 (0.8 h) on time, c6 (2 h) late. sv2 verified no public
        // report and checked nothing: no score.
        assert_eq!(
            get(&rows, "sv1", OnTimeVerificationRate),
            (0.0, Some(1.0), Some(0.0))
        );
        assert_eq!(
            get(&rows, "sv1", OnTimeCheckRate),
            (2.0, Some(3.0), Some(2.0 / 3.0))
        );
        assert_eq!(get(&rows, "sv2", OnTimeCheckRate), (0.0, Some(0.0), None));
        assert_eq!(
            get(&rows, "sv2", OnTimeVerificationRate),
            (0.0, Some(0.0), None)
        );
        assert_eq!(
            get(&rows, "sv2", ValidReportRate),
            (1.0, Some(2.0), Some(0.5))
        );
        assert_eq!(
            get(&rows, "sv2", MissedReportRate),
            (0.0, Some(1.0), Some(0.0))
        );

        // A level whose column the table lacks is an error naming it.
        let e = indicators(&cases(), &july, &[Level::Street], &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("street_code"), "{e}");
    }

    #[test]
    fn overdue_across_national_day() {
        use crate::lifecycle::derive_lifecycle;
        use grid_core::calendar::{OfficeHours, WorkCalendar};
        use grid_core::codes::ClassCatalog;
        let calendar = WorkCalendar::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../data/calendar/china_holidays.csv"),
            OfficeHours::default(),
        )
        .unwrap();
        let catalog = ClassCatalog::bundled().unwrap();
        // 0505 (illegal parking, 2 work hours) dispatched Mon 30 Sep 2024 16:00: the limit runs
        // one hour that day and one after the holiday, so the case is due 8 Oct 09:00. a is
        // disposed at 09:00 (on time), b at 09:30 (late); on a plain clock both would be late.
        let at = |s: &str| time_column(s, &["2024-09-30", "2024-09-30"]);
        let df = DataFrame::new(
            2,
            vec![
                text(cs::CASE_ID, &["a", "b"]),
                text(cs::KIND, &["event", "event"]),
                text(cs::CLASS_CODE, &["0505", "0505"]),
                at(cs::REPORTED_AT),
                at(cs::FILED_AT),
                Column::new(
                    cs::DISPATCHED_AT.into(),
                    [ms_at("2024-09-30 16:00"), ms_at("2024-09-30 16:00")],
                )
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                .unwrap(),
                time_column(cs::VOIDED_AT, &["", ""]),
                Column::new(
                    cs::DISPOSED_AT.into(),
                    [ms_at("2024-10-08 09:00"), ms_at("2024-10-08 09:30")],
                )
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                .unwrap(),
                time_column(cs::CLOSED_AT, &["2024-10-09", "2024-10-09"]),
                time_column(cs::CHECKED_AT, &["2024-10-09", "2024-10-09"]),
                Column::new(cs::REWORK_COUNT.into(), [0u32, 0]),
                Column::new(cs::PUBLIC_REPORT.into(), [false, false]),
                Column::new(cs::PUBLIC_REPORT_VERIFIED.into(), [false, false]),
                text(cs::DEPARTMENT, &["A", "A"]),
            ],
        )
        .unwrap();
        let cutoff = NaiveDateTime::parse_from_str("2024-11-01 00:00", "%Y-%m-%d %H:%M").unwrap();
        let with_due = derive_lifecycle(&df, &calendar, &catalog, cutoff).unwrap();
        let october: Period = "2024-10".parse().unwrap();
        let rows = indicators(
            &with_due,
            &october,
            &[Level::Department],
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            get(&rows, "A", Indicator::OnTimeDisposalRate),
            (1.0, Some(2.0), Some(0.5))
        );
        assert_eq!(get(&rows, "A", Indicator::LateDisposals).0, 1.0);
    }

    fn ms_at(s: &str) -> Option<i64> {
        Some(
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
                .unwrap()
                .and_utc()
                .timestamp_millis(),
        )
    }
}
