//! Scoring the indicators: per-indicator transforms, weights, composite scores, grades, ranks
//! overall and within peer classes, the change against the previous period and what drove it,
//! and a blend with an inspection score — all set by a versioned TOML config whose defaults are
//! written out in [`DEFAULT_CONFIG`].

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::indicators::{Indicator, IndicatorValue, Level, Limits};
use crate::error::{Error, Result};

/// The default scoring config, every value marked as a default to verify per city. Weights
/// follow one published implementation (domain.md §5): regions 10/20/30/40 over public-report
/// rate, filed cases, closure rate and on-time closure rate; departments 10/30/30/30 over
/// disposal, on-time disposal, rework and closure rates.
pub const DEFAULT_CONFIG: &str = r#"# citygrid scoring config. Every value below is a default (verify per city).
version = 1

# Share of the final score that comes from a periodic inspection score (--inspection), 0..1.
inspection_share = 0.0

# A ratio whose denominator is below this many cases gets no score (a department with two cases,
# one of them reworked, would otherwise score a 50 % rework rate). 1 scores every non-empty one.
min_denominator = 1.0

# Grades: the first band whose minimum the composite reaches (A >= 90, B >= 75, C >= 60,
# D >= 40, E below).
grades = [
  { grade = "A", min = 90.0 },
  { grade = "B", min = 75.0 },
  { grade = "C", min = 60.0 },
  { grade = "D", min = 40.0 },
  { grade = "E", min = -inf },
]

# Per level: indicator = { weight, transform = "ratio" (value x 100) | "inverted"
# (100 - value x 100) | "bands" (a table: the score of the first band whose up_to the value
# does not exceed; 0 above the last) }.
[region]
public_report_rate = { weight = 10.0, transform = "inverted" }
filed_cases = { weight = 20.0, transform = "bands", bands = [
  { up_to = 50.0, score = 100.0 },
  { up_to = 100.0, score = 90.0 },
  { up_to = 200.0, score = 80.0 },
  { up_to = 400.0, score = 70.0 },
  { up_to = 800.0, score = 60.0 },
] }
closure_rate = { weight = 30.0, transform = "ratio" }
on_time_closure_rate = { weight = 40.0, transform = "ratio" }

# A section [district], [street], [community] or [grid] with the same keys replaces [region] for
# that level (the filed-cases bands above suit a street over a quarter). undispatched_open (cases
# filed but never dispatched, which the due-based indicators cannot see) is reported, not scored,
# by default.

[department]
disposal_rate = { weight = 10.0, transform = "ratio" }
on_time_disposal_rate = { weight = 30.0, transform = "ratio" }
rework_rate = { weight = 30.0, transform = "inverted" }
closure_rate = { weight = 30.0, transform = "ratio" }

[supervisor]
valid_report_rate = { weight = 25.0, transform = "ratio" }
on_time_verification_rate = { weight = 25.0, transform = "ratio" }
on_time_check_rate = { weight = 25.0, transform = "ratio" }
missed_report_rate = { weight = 25.0, transform = "inverted" }

# Supervisors' time limits in working hours on the work calendar: from a public report to its
# verification (filing or voiding), and from disposal to the on-site check. Placeholders: set
# your city's.
[limits]
verify_work_hours = 1.0
check_work_hours = 1.0

# Peer classes for ranks within a class, by scope code (Rizhao ranks its streets and towns in
# classes A, B and C), e.g. "371102001" = "A".
[peer_classes]
"#;

/// How an indicator's value becomes a 0–100 score.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// value × 100.
    #[default]
    Ratio,
    /// 100 − value × 100 (for "bad" ratios).
    Inverted,
    /// A band table.
    Bands,
}

/// One band of a band table: values up to `up_to` score `score`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The largest value of the band.
    pub up_to: f64,
    /// Its score.
    pub score: f64,
}

/// How one indicator counts in the composite.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Weight in the composite (weights are normalised over the indicators that have a score).
    pub weight: f64,
    /// The transform.
    #[serde(default)]
    pub transform: Transform,
    /// The band table, for `transform = "bands"`, in increasing `up_to`.
    #[serde(default)]
    pub bands: Vec<Band>,
}

/// A grade and the least composite that earns it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Its name.
    pub grade: String,
    /// The least composite.
    pub min: f64,
}

/// The scoring config.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScoringConfig {
    /// Config format version (1).
    pub version: u32,
    /// Share of the inspection score in the final score, 0..1.
    #[serde(default)]
    pub inspection_share: f64,
    /// Ratios with a smaller denominator get no score.
    #[serde(default = "one")]
    pub min_denominator: f64,
    /// Grade bands, highest first.
    pub grades: Vec<Grade>,
    /// Region indicators (district, street, community, grid).
    #[serde(default)]
    pub region: BTreeMap<String, Rule>,
    /// District rules, replacing `[region]` for districts when given.
    #[serde(default)]
    pub district: BTreeMap<String, Rule>,
    /// Street rules, replacing `[region]` for streets when given.
    #[serde(default)]
    pub street: BTreeMap<String, Rule>,
    /// Community rules, replacing `[region]` for communities when given.
    #[serde(default)]
    pub community: BTreeMap<String, Rule>,
    /// Grid rules, replacing `[region]` for grids when given.
    #[serde(default)]
    pub grid: BTreeMap<String, Rule>,
    /// Department indicators.
    #[serde(default)]
    pub department: BTreeMap<String, Rule>,
    /// Supervisor indicators.
    #[serde(default)]
    pub supervisor: BTreeMap<String, Rule>,
    /// Peer class per scope code.
    #[serde(default)]
    pub peer_classes: BTreeMap<String, String>,
    /// The supervisors' time limits.
    #[serde(default)]
    pub limits: Limits,
}

fn one() -> f64 {
    1.0
}

impl ScoringConfig {
    /// The defaults of [`DEFAULT_CONFIG`].
    pub fn defaults() -> Result<Self> {
        Self::parse(DEFAULT_CONFIG, "default config")
    }

    /// Parses and checks a config; `file` names it in errors, which name the key.
    pub fn parse(text: &str, file: &str) -> Result<Self> {
        let bad = |key: String, message: String| Error::Config {
            file: file.to_owned(),
            key,
            message,
        };
        let config: Self = toml::from_str(text).map_err(|e| {
            let span = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}")
                })
                .unwrap_or_else(|| "config".to_owned());
            bad(span, e.message().to_owned())
        })?;
        if config.version != 1 {
            return Err(bad(
                "version".into(),
                format!("{}: this citygrid reads version 1", config.version),
            ));
        }
        if !(0.0..=1.0).contains(&config.inspection_share) {
            return Err(bad(
                "inspection_share".into(),
                format!("{}: expected a share from 0 to 1", config.inspection_share),
            ));
        }
        if !(config.min_denominator >= 0.0 && config.min_denominator.is_finite()) {
            return Err(bad(
                "min_denominator".into(),
                format!("{}: expected 0 or more", config.min_denominator),
            ));
        }
        for (key, v) in [
            ("limits.verify_work_hours", config.limits.verify_work_hours),
            ("limits.check_work_hours", config.limits.check_work_hours),
        ] {
            if !(v > 0.0 && v.is_finite()) {
                return Err(bad(
                    key.into(),
                    format!("{v}: expected working hours above 0"),
                ));
            }
        }
        if config.grades.is_empty() {
            return Err(bad("grades".into(), "expected at least one grade".into()));
        }
        for (i, pair) in config.grades.windows(2).enumerate() {
            if pair[1].min >= pair[0].min {
                return Err(bad(
                    format!("grades[{}].min", i + 1),
                    "grades must be listed from the highest minimum down".into(),
                ));
            }
        }
        for (section, rules, level) in [
            ("region", &config.region, Level::Grid),
            ("district", &config.district, Level::District),
            ("street", &config.street, Level::Street),
            ("community", &config.community, Level::Community),
            ("grid", &config.grid, Level::Grid),
            ("department", &config.department, Level::Department),
            ("supervisor", &config.supervisor, Level::Supervisor),
        ] {
            for (name, rule) in rules {
                let key = |k: &str| format!("{section}.{name}{k}");
                if !Indicator::of(level).iter().any(|i| i.name() == name) {
                    let known: Vec<&str> = Indicator::of(level).iter().map(|i| i.name()).collect();
                    return Err(bad(
                        key(""),
                        format!(
                            "not a {section} indicator; expected one of {}",
                            known.join(", ")
                        ),
                    ));
                }
                if !(rule.weight >= 0.0 && rule.weight.is_finite()) {
                    return Err(bad(key(".weight"), "expected a weight of 0 or more".into()));
                }
                match rule.transform {
                    Transform::Bands if rule.bands.is_empty() => {
                        return Err(bad(key(".bands"), "transform \"bands\" needs bands".into()));
                    }
                    Transform::Bands if rule.bands.windows(2).any(|b| b[1].up_to <= b[0].up_to) => {
                        return Err(bad(
                            key(".bands"),
                            "bands must be listed in increasing up_to".into(),
                        ));
                    }
                    Transform::Bands => {}
                    _ if !rule.bands.is_empty() => {
                        return Err(bad(
                            key(".bands"),
                            "bands are only read with transform = \"bands\"".into(),
                        ));
                    }
                    _ => {}
                }
            }
            if !rules.is_empty() && rules.values().all(|r| r.weight == 0.0) {
                return Err(bad(section.into(), "every weight is 0".into()));
            }
        }
        Ok(config)
    }

    /// The rules of a level.
    pub fn rules(&self, level: Level) -> &BTreeMap<String, Rule> {
        let own = match level {
            Level::Department => return &self.department,
            Level::Supervisor => return &self.supervisor,
            Level::District => &self.district,
            Level::Street => &self.street,
            Level::Community => &self.community,
            Level::Grid => &self.grid,
        };
        if own.is_empty() { &self.region } else { own }
    }

    /// The grade of a composite.
    pub fn grade(&self, composite: f64) -> Option<&str> {
        self.grades
            .iter()
            .find(|g| composite >= g.min)
            .map(|g| g.grade.as_str())
    }
}

impl Rule {
    /// The 0–100 score of an indicator value.
    pub fn score(&self, value: f64) -> f64 {
        match self.transform {
            Transform::Ratio => value * 100.0,
            Transform::Inverted => 100.0 - value * 100.0,
            Transform::Bands => self
                .bands
                .iter()
                .find(|b| value <= b.up_to)
                .map_or(0.0, |b| b.score),
        }
    }
}

/// One indicator's part in a scope's score.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The indicator.
    pub indicator: Indicator,
    /// Its score, `None` when the indicator has no value (zero denominator or no data).
    pub score: Option<f64>,
    /// Its configured weight.
    pub weight: f64,
}

/// A scope's scores in a period.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeScore {
    /// The level.
    pub level: Level,
    /// The scope.
    pub scope: String,
    /// Its peer class, if the config gives one.
    pub peer_class: Option<String>,
    /// Per configured indicator.
    pub parts: Vec<Part>,
    /// The weighted mean of the scored parts (weights renormalised over them); `None` when no
    /// part has a score.
    pub platform: Option<f64>,
    /// The inspection score given for the scope.
    pub inspection: Option<f64>,
    /// The final score: the platform score blended with the inspection score at the configured
    /// share (the platform score alone where the scope has no inspection score).
    pub composite: Option<f64>,
    /// The grade of the composite.
    pub grade: Option<String>,
    /// Rank within the level (1 = best; ties share the better rank).
    pub rank: Option<usize>,
    /// Rank within the peer class.
    pub peer_rank: Option<usize>,
    /// The previous period's platform score.
    pub previous: Option<f64>,
    /// platform − previous.
    pub change: Option<f64>,
    /// The indicators that moved the platform score most, with their contribution to the change
    /// (weight share × score change), largest first.
    pub drivers: Vec<(Indicator, f64)>,
}

/// Scores every scope of `current` (indicators of one period) against the previous period's
/// indicators, with optional inspection scores by (level, scope).
pub fn score_scopes(
    config: &ScoringConfig,
    current: &[IndicatorValue],
    previous: &[IndicatorValue],
    inspection: &HashMap<(Level, String), f64>,
) -> Vec<ScopeScore> {
    let group = |rows: &[IndicatorValue]| {
        let mut by: BTreeMap<(Level, String), HashMap<Indicator, Option<f64>>> = BTreeMap::new();
        for r in rows {
            let enough = r.denominator.is_none_or(|d| d >= config.min_denominator);
            by.entry((r.level, r.scope.clone()))
                .or_default()
                .insert(r.indicator, r.value.filter(|_| enough));
        }
        by
    };
    let now = group(current);
    let before = group(previous);
    let parts_of = |level: Level, values: Option<&HashMap<Indicator, Option<f64>>>| -> Vec<Part> {
        config
            .rules(level)
            .iter()
            .filter_map(|(name, rule)| {
                let indicator = *Indicator::of(level).iter().find(|i| i.name() == name)?;
                let value = values.and_then(|v| v.get(&indicator).copied().flatten());
                Some(Part {
                    indicator,
                    score: value.map(|v| rule.score(v)),
                    weight: rule.weight,
                })
            })
            .collect()
    };
    // A scope needs at least one scored ratio: counts alone (no cases filed: a perfect band
    // score) would put an idle scope at the top.
    let platform = |parts: &[Part]| -> Option<f64> {
        if !parts
            .iter()
            .any(|p| p.score.is_some() && !p.indicator.is_count())
        {
            return None;
        }
        let scored: Vec<&Part> = parts.iter().filter(|p| p.score.is_some()).collect();
        let total: f64 = scored.iter().map(|p| p.weight).sum();
        (total > 0.0).then(|| {
            scored
                .iter()
                .map(|p| p.weight * p.score.unwrap_or(0.0))
                .sum::<f64>()
                / total
        })
    };
    let mut out: Vec<ScopeScore> = now
        .iter()
        .map(|((level, scope), values)| {
            let parts = parts_of(*level, Some(values));
            let prev_parts = parts_of(*level, before.get(&(*level, scope.clone())));
            let platform_now = platform(&parts);
            let platform_before = platform(&prev_parts);
            let inspection_score = inspection.get(&(*level, scope.clone())).copied();
            let composite = platform_now.map(|p| match inspection_score {
                Some(i) => (1.0 - config.inspection_share) * p + config.inspection_share * i,
                None => p,
            });
            // Contribution of each indicator to the change: its share of the weight scored in
            // both periods times its score change.
            let both: f64 = parts
                .iter()
                .zip(&prev_parts)
                .filter(|(a, b)| a.score.is_some() && b.score.is_some())
                .map(|(a, _)| a.weight)
                .sum();
            let mut drivers: Vec<(Indicator, f64)> = parts
                .iter()
                .zip(&prev_parts)
                .filter_map(|(a, b)| {
                    let delta = a.score? - b.score?;
                    (both > 0.0).then(|| (a.indicator, a.weight / both * delta))
                })
                .collect();
            drivers.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
            ScopeScore {
                level: *level,
                scope: scope.clone(),
                peer_class: config.peer_classes.get(scope).cloned(),
                parts,
                platform: platform_now,
                inspection: inspection_score,
                composite,
                grade: composite.and_then(|c| config.grade(c)).map(str::to_owned),
                rank: None,
                peer_rank: None,
                previous: platform_before,
                change: platform_now.zip(platform_before).map(|(a, b)| a - b),
                drivers,
            }
        })
        .collect();
    rank(&mut out, |s| (s.level, None));
    rank(&mut out, |s| (s.level, Some(s.peer_class.clone())));
    out
}

/// Competition ranking ("1, 2, 2, 4") on the composite, highest first, within each group of
/// `key`; the second call (with a peer class in the key) fills `peer_rank` for scopes that
/// have a class.
fn rank(scores: &mut [ScopeScore], key: impl Fn(&ScopeScore) -> (Level, Option<Option<String>>)) {
    let mut groups: HashMap<(Level, Option<Option<String>>), Vec<usize>> = HashMap::new();
    for (i, s) in scores.iter().enumerate() {
        if s.composite.is_some() {
            groups.entry(key(s)).or_default().push(i);
        }
    }
    for ((_, class), mut members) in groups {
        if matches!(class, Some(None)) {
            continue;
        }
        members.sort_by(|a, b| {
            let (x, y) = (scores[*a].composite, scores[*b].composite);
            y.unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&x.unwrap_or(f64::NEG_INFINITY))
        });
        let mut place = 0;
        for (k, &i) in members.iter().enumerate() {
            if k == 0 || scores[i].composite != scores[members[k - 1]].composite {
                place = k + 1;
            }
            if class.is_some() {
                scores[i].peer_rank = Some(place);
            } else {
                scores[i].rank = Some(place);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(level: Level, scope: &str, indicator: Indicator, v: Option<f64>) -> IndicatorValue {
        IndicatorValue {
            level,
            scope: scope.into(),
            indicator,
            numerator: 0.0,
            denominator: None,
            value: v,
        }
    }

    #[test]
    fn defaults_parse_and_transforms_by_hand() {
        let c = ScoringConfig::defaults().unwrap();
        assert_eq!(c.grade(90.0), Some("A"));
        assert_eq!(c.grade(89.99), Some("B"));
        assert_eq!(c.grade(-5.0), Some("E"));
        let filed = &c.region["filed_cases"];
        assert_eq!(filed.score(50.0), 100.0);
        assert_eq!(filed.score(51.0), 90.0);
        assert_eq!(filed.score(801.0), 0.0);
        assert_eq!(c.region["public_report_rate"].score(0.25), 75.0);
        assert_eq!(c.region["closure_rate"].score(0.9), 90.0);
    }

    #[test]
    fn a_level_section_replaces_region() {
        let c = ScoringConfig::parse(
            "version = 1\ngrades = [{ grade = \"A\", min = 0.0 }]\n[region]\nclosure_rate = { weight = 1.0 }\n[grid]\nfiled_cases = { weight = 1.0, transform = \"bands\", bands = [{ up_to = 3.0, score = 100.0 }] }\n",
            "t",
        )
        .unwrap();
        assert!(c.rules(Level::Grid).contains_key("filed_cases"));
        assert!(!c.rules(Level::Grid).contains_key("closure_rate"));
        assert!(c.rules(Level::Street).contains_key("closure_rate"));
    }

    #[test]
    fn config_errors_name_the_key() {
        let base = "version = 1\ngrades = [{ grade = \"A\", min = 0.0 }]\n";
        for (extra, key) in [
            (
                "[region]\nclosure_rat = { weight = 1.0 }\n",
                "region.closure_rat",
            ),
            (
                "[region]\nclosure_rate = { weight = -1.0 }\n",
                "region.closure_rate.weight",
            ),
            (
                "[region]\nfiled_cases = { weight = 1.0, transform = \"bands\" }\n",
                "region.filed_cases.bands",
            ),
            ("inspection_share = 1.5\n", "inspection_share"),
            (
                "[department]\nrework_rate = { weight = 1.0, wieght = 2.0 }\n",
                "line 4",
            ),
        ] {
            let e = ScoringConfig::parse(&format!("{base}{extra}"), "s.toml").unwrap_err();
            assert!(e.to_string().contains(key), "{extra}: {e}");
            assert!(e.to_string().starts_with("s.toml: "), "{e}");
        }
        let e = ScoringConfig::parse("version = 2\ngrades = []", "s.toml").unwrap_err();
        assert!(e.to_string().contains("version"), "{e}");
    }

    #[test]
    fn composite_grade_ranks_change_and_drivers_by_hand() {
        let config = ScoringConfig::parse(
            r#"version = 1
inspection_share = 0.5
grades = [{ grade = "A", min = 80.0 }, { grade = "B", min = -inf }]
[department]
disposal_rate = { weight = 1.0 }
rework_rate = { weight = 3.0, transform = "inverted" }
[peer_classes]
x = "P"
y = "P"
"#,
            "t",
        )
        .unwrap();
        use Indicator::*;
        let d = Level::Department;
        let now = vec![
            // x: disposal 0.9 → 90, rework 0.1 → 90: platform 90.
            value(d, "x", DisposalRate, Some(0.9)),
            value(d, "x", ReworkRate, Some(0.1)),
            // y: disposal 1.0 → 100, rework no score: platform 100 (weights renormalised).
            value(d, "y", DisposalRate, Some(1.0)),
            value(d, "y", ReworkRate, None),
            // z: nothing scored: no composite, no grade, no rank.
            value(d, "z", DisposalRate, None),
        ];
        let before = vec![
            // x before: disposal 0.9 → 90, rework 0.3 → 70: platform (90 + 210)/4 = 75.
            value(d, "x", DisposalRate, Some(0.9)),
            value(d, "x", ReworkRate, Some(0.3)),
        ];
        let inspection = HashMap::from([((d, "x".to_owned()), 70.0)]);
        let s = score_scopes(&config, &now, &before, &inspection);
        let get = |scope: &str| s.iter().find(|r| r.scope == scope).unwrap();
        let x = get("x");
        assert_eq!(x.platform, Some(90.0));
        // Blend: 0.5 · 90 + 0.5 · 70 = 80 → A.
        assert_eq!((x.composite, x.grade.as_deref()), (Some(80.0), Some("A")));
        assert_eq!((x.previous, x.change), (Some(75.0), Some(15.0)));
        // The whole change came from rework: 3/4 of the weight × (90 − 70) = 15.
        assert_eq!(x.drivers[0], (ReworkRate, 15.0));
        assert_eq!(x.drivers[1], (DisposalRate, 0.0));
        let y = get("y");
        assert_eq!((y.platform, y.composite), (Some(100.0), Some(100.0)));
        assert_eq!((y.rank, y.peer_rank), (Some(1), Some(1)));
        assert_eq!((x.rank, x.peer_rank), (Some(2), Some(2)));
        let z = get("z");
        assert_eq!((z.composite, z.grade.clone(), z.rank), (None, None, None));
        assert_eq!(z.peer_rank, None);

        // min_denominator: a rate over 2 cases gets no score when 5 are required.
        let strict = ScoringConfig {
            min_denominator: 5.0,
            ..config.clone()
        };
        let mut few = value(d, "w", DisposalRate, Some(0.5));
        few.denominator = Some(2.0);
        let s = score_scopes(&strict, &[few.clone()], &[], &HashMap::new());
        assert_eq!(s[0].platform, None);
        let s = score_scopes(&config, &[few], &[], &HashMap::new());
        assert_eq!(s[0].platform, Some(50.0));
    }
}
