//! What the simulator plants: the calendar of days (weekdays, holidays, school terms, rain),
//! the emerging hot spots, and good and poor performers. All of it is written as ground truth.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use grid_core::GridLayer;
use grid_core::calendar::WorkCalendar;
use rand::RngExt;
use rand::seq::SliceRandom;

use super::city::CityModel;
use crate::rng::{Purpose, stream};

/// One simulated day.
#[derive(Clone, Debug)]
pub(crate) struct Day {
    pub date: NaiveDate,
    /// 0 = Monday.
    pub weekday: u32,
    /// A public holiday's day off (not a plain weekend).
    pub holiday: bool,
    /// A day off of the Spring Festival holiday.
    pub spring_festival: bool,
    /// A school day (a working day outside the winter and summer vacations).
    pub school: bool,
    /// 0 dry, 0.3 light rain, 1 heavy rain, plus 0.4 the day after heavy rain.
    pub rain: f64,
    /// Months since the start (the truth's time step).
    pub month: usize,
}

impl Day {
    /// Saturday or Sunday.
    pub(crate) fn weekend(&self) -> bool {
        self.weekday >= 5
    }

    /// The yearly cycle shared by most drivers: +20 % in mid-July, −20 % in mid-January.
    pub(crate) fn season(&self) -> f64 {
        let doy = f64::from(self.date.ordinal());
        1.0 + 0.2 * (std::f64::consts::TAU * (doy - 105.0) / 365.25).sin()
    }
}

/// Monthly chance of a wet day on the Shandong coast (rainy season July–August).
const WET: [f64; 12] = [
    0.08, 0.10, 0.14, 0.18, 0.22, 0.30, 0.50, 0.45, 0.26, 0.16, 0.12, 0.08,
];

/// The days from `start` for `years` years, with rain drawn as a two-state Markov chain whose
/// stationary wet probability is each month's [`WET`].
pub(crate) fn days(calendar: &WorkCalendar, start: NaiveDate, years: u32, seed: u64) -> Vec<Day> {
    let end = start
        .with_year(start.year() + years as i32)
        .unwrap_or(start + chrono::Duration::days(365 * i64::from(years)));
    let mut rng = stream(seed, Purpose::Weather, &[]);
    let mut out = Vec::new();
    let (mut wet, mut heavy_yesterday) = (false, false);
    let mut date = start;
    while date < end {
        let p = WET[date.month0() as usize];
        let stay = (p + 0.3).min(0.9);
        let p_wet = if wet {
            stay
        } else {
            p * (1.0 - stay) / (1.0 - p)
        };
        wet = rng.random::<f64>() < p_wet;
        let heavy = wet && rng.random::<f64>() < 0.35;
        let rain = match (wet, heavy) {
            (true, true) => 1.0,
            (true, false) => 0.3,
            _ => 0.0,
        } + if heavy_yesterday { 0.4 } else { 0.0 };
        heavy_yesterday = heavy;
        let holiday = calendar.holiday(date);
        let (m, d) = (date.month(), date.day());
        let vacation = (m == 7 && d >= 10) || m == 8 || (m == 1 && d >= 20) || (m == 2 && d <= 20);
        out.push(Day {
            date,
            weekday: date.weekday().num_days_from_monday(),
            holiday: holiday.is_some() && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
            spring_festival: holiday.is_some_and(|h| h.contains("春节") || h.contains("Spring")),
            school: calendar.is_work_day(date) && !vacation,
            rain,
            month: ((date.year() - start.year()) * 12 + date.month() as i32 - start.month() as i32)
                .max(0) as usize,
        });
        date += chrono::Duration::days(1);
    }
    out
}

/// The planted emerging hot (and cold) spot types, named as ArcGIS's emerging hot spot analysis
/// names its categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PlantType {
    New,
    Consecutive,
    Intensifying,
    Persistent,
    Diminishing,
    Sporadic,
    Oscillating,
    Historical,
    PersistentCold,
}

impl PlantType {
    pub(crate) const ALL: [PlantType; 9] = [
        Self::PersistentCold,
        Self::Oscillating,
        Self::New,
        Self::Consecutive,
        Self::Intensifying,
        Self::Persistent,
        Self::Diminishing,
        Self::Sporadic,
        Self::Historical,
    ];

    /// The category name in the emerging hot spot vocabulary.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::New => "new hot spot",
            Self::Consecutive => "consecutive hot spot",
            Self::Intensifying => "intensifying hot spot",
            Self::Persistent => "persistent hot spot",
            Self::Diminishing => "diminishing hot spot",
            Self::Sporadic => "sporadic hot spot",
            Self::Oscillating => "oscillating hot spot",
            Self::Historical => "historical hot spot",
            Self::PersistentCold => "persistent cold spot",
        }
    }

    /// Cold spots and oscillating spots need a busy neighbourhood to fall significantly low.
    fn needs_busy_area(self) -> bool {
        matches!(self, Self::PersistentCold | Self::Oscillating)
    }
}

/// One planted cluster.
#[derive(Clone, Debug)]
pub(crate) struct Cluster {
    pub id: usize,
    pub kind: PlantType,
    /// Grid positions in the layer.
    pub grids: Vec<u32>,
    /// Centre, layer CRS.
    pub centre: geo::Coord,
    /// Radius, metres.
    pub radius: f64,
    /// Per month: extra cases per grid-day, in units of the city's mean grid-day rate.
    pub excess: Vec<f64>,
    /// Per month: the share of ordinary cases that still happen (1 = untouched).
    pub keep: Vec<f64>,
}

/// Radius of a planted hot cluster, metres.
pub(crate) const CLUSTER_RADIUS_M: f64 = 260.0;
/// Radius of a planted cold or oscillating cluster, metres: wide enough that a whole distance-band
/// neighbourhood can fall quiet (a drop in one small patch is never significant with counts this
/// sparse; see docs/hotspots.md).
pub(crate) const COLD_RADIUS_M: f64 = 500.0;

/// Per-month profile of one plant type over `months` steps.
fn profile(kind: PlantType, months: usize, seed: u64, id: usize) -> (Vec<f64>, Vec<f64>) {
    let t = months.max(1);
    let last = t - 1;
    let ramp = |s: usize| {
        if last == 0 {
            1.0
        } else {
            s as f64 / last as f64
        }
    };
    let mut rng = stream(seed, Purpose::Plants, &[100, id as u64]);
    let sporadic: Vec<bool> = (0..t)
        .map(|s| s == last || rng.random::<f64>() < 0.25)
        .collect();
    let historical_tail = (t / 10).max(1);
    let excess = (0..t)
        .map(|s| match kind {
            PlantType::New => {
                if s == last {
                    3.0
                } else {
                    0.0
                }
            }
            PlantType::Consecutive => {
                if s + 4 > last {
                    1.5
                } else {
                    0.0
                }
            }
            PlantType::Intensifying => 1.0 + 2.0 * ramp(s),
            PlantType::Persistent => 1.0,
            PlantType::Diminishing => 3.0 - 2.0 * ramp(s),
            PlantType::Sporadic => {
                if sporadic[s] {
                    1.5
                } else {
                    0.0
                }
            }
            PlantType::Oscillating => {
                if ((last - s) / 3).is_multiple_of(2) {
                    1.5
                } else {
                    0.0
                }
            }
            PlantType::Historical => {
                if s + historical_tail <= last {
                    1.5
                } else {
                    0.0
                }
            }
            PlantType::PersistentCold => 0.0,
        })
        .collect();
    let keep = (0..t)
        .map(|s| match kind {
            PlantType::Oscillating if !((last - s) / 3).is_multiple_of(2) => 0.0,
            PlantType::PersistentCold => 0.03,
            _ => 1.0,
        })
        .collect();
    (excess, keep)
}

/// Places one cluster of each [`PlantType`]: hot spots in moderately busy areas (40th–80th
/// percentile of `base`), cold and oscillating spots in the busiest tenth (where a drop has the
/// best chance to be significant), every centre at least 2 km from the others. Types that find
/// no room are left out.
pub(crate) fn plant_clusters(
    city: &CityModel,
    base: &[f64],
    months: usize,
    seed: u64,
) -> Vec<Cluster> {
    let n = base.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| base[a].total_cmp(&base[b]).then(a.cmp(&b)));
    let rank: Vec<f64> = {
        let mut r = vec![0.0; n];
        for (k, &g) in order.iter().enumerate() {
            r[g] = k as f64 / n.max(1) as f64;
        }
        r
    };
    let mut rng = stream(seed, Purpose::Plants, &[]);
    let mut clusters: Vec<Cluster> = Vec::new();
    for kind in PlantType::ALL {
        let (lo, hi) = if kind.needs_busy_area() {
            (0.9, 1.0)
        } else {
            (0.4, 0.8)
        };
        let mut candidates: Vec<usize> =
            (0..n).filter(|&g| rank[g] >= lo && rank[g] <= hi).collect();
        candidates.shuffle(&mut rng);
        for centre in candidates {
            let at = city.centroids[centre];
            let far = clusters.iter().all(|c| {
                (c.centre.x - at.x).powi(2) + (c.centre.y - at.y).powi(2) >= 2000.0f64.powi(2)
            });
            if !far {
                continue;
            }
            let radius = if kind.needs_busy_area() {
                COLD_RADIUS_M
            } else {
                CLUSTER_RADIUS_M
            };
            let grids: Vec<u32> = (0..n)
                .filter(|&g| {
                    let c = city.centroids[g];
                    (c.x - at.x).powi(2) + (c.y - at.y).powi(2) <= radius.powi(2)
                })
                .map(|g| g as u32)
                .collect();
            if grids.len() < 8 {
                continue;
            }
            let id = clusters.len() + 1;
            let (excess, keep) = profile(kind, months, seed, id);
            clusters.push(Cluster {
                id,
                kind,
                grids,
                centre: at,
                radius,
                excess,
                keep,
            });
            break;
        }
    }
    clusters
}

/// A planted performance level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Good,
    Normal,
    Poor,
}

impl Level {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Normal => "normal",
            Self::Poor => "poor",
        }
    }
}

/// How a department or street office disposes: time factor on the limit, rework probability.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Disposal {
    pub level: Level,
    pub time_factor: f64,
    pub rework: f64,
    /// Probability that a case hangs for weeks.
    pub stall: f64,
}

impl Disposal {
    fn of(level: Level) -> Self {
        match level {
            Level::Good => Self {
                level,
                time_factor: 0.55,
                rework: 0.02,
                stall: 0.002,
            },
            Level::Normal => Self {
                level,
                time_factor: 1.0,
                rework: 0.07,
                stall: 0.01,
            },
            Level::Poor => Self {
                level,
                time_factor: 2.2,
                rework: 0.25,
                stall: 0.05,
            },
        }
    }
}

/// How a supervisor patrols: the share of problems found before the public reports them,
/// the share of reports that prove invalid, and a factor on check delays.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Patrol {
    pub level: Level,
    pub coverage: f64,
    pub invalid: f64,
    pub check_factor: f64,
}

impl Patrol {
    fn of(level: Level) -> Self {
        match level {
            Level::Good => Self {
                level,
                coverage: 0.8,
                invalid: 0.01,
                check_factor: 0.6,
            },
            Level::Normal => Self {
                level,
                coverage: 0.62,
                invalid: 0.04,
                check_factor: 1.0,
            },
            Level::Poor => Self {
                level,
                coverage: 0.35,
                invalid: 0.16,
                check_factor: 3.0,
            },
        }
    }
}

/// Departments a city dispatches to by name, of which some are planted good or poor.
pub(crate) const PLANTED_DEPARTMENTS: [&str; 8] = [
    "sanitation office",
    "street lighting office",
    "drainage utility",
    "parks and greening bureau",
    "traffic police",
    "urban management enforcement",
    "water utility",
    "municipal roads office",
];

/// Who performs how: departments, street offices and supervisors.
#[derive(Debug)]
pub(crate) struct Performance {
    /// Named departments (any other performs normally).
    pub departments: BTreeMap<&'static str, Disposal>,
    /// Street offices by street code.
    pub streets: BTreeMap<String, Disposal>,
    /// The supervisor (index into `supervisors`) whose beat each grid is on.
    pub beat_of: Vec<u32>,
    /// Supervisors: id and patrol.
    pub supervisors: Vec<(String, Patrol)>,
}

impl Performance {
    /// Department disposal (normal for departments not planted).
    pub(crate) fn department(&self, name: &str) -> Disposal {
        self.departments
            .get(name)
            .copied()
            .unwrap_or(Disposal::of(Level::Normal))
    }

    /// The supervisor of grid `g`: id and patrol.
    pub(crate) fn supervisor(&self, g: u32) -> Option<&(String, Patrol)> {
        self.beat_of
            .get(g as usize)
            .and_then(|&s| self.supervisors.get(s as usize))
    }
}

/// Grids per supervisor beat (about 1.5 km² of 100 m grids).
const BEAT_GRIDS: usize = 150;

/// Plants two poor and two good departments, an eighth of the streets poor and an eighth good
/// (at least one each), and 8 % of supervisors poor and 8 % good (at least one each when there
/// are four or more). Supervisors patrol beats of about [`BEAT_GRIDS`] grids within a community,
/// numbered `S<community code><beat>`.
pub(crate) fn plant_performance(layer: &GridLayer, seed: u64) -> Performance {
    let mut rng = stream(seed, Purpose::Performance, &[]);
    let level = |k: usize, poor: usize, good: usize| {
        if k < poor {
            Level::Poor
        } else if k < poor + good {
            Level::Good
        } else {
            Level::Normal
        }
    };
    let mut names = PLANTED_DEPARTMENTS.to_vec();
    names.shuffle(&mut rng);
    let departments = names
        .iter()
        .enumerate()
        .map(|(k, n)| (*n, Disposal::of(level(k, 2, 2))))
        .collect();

    let mut streets: Vec<String> = layer
        .grids()
        .iter()
        .map(|g| g.street().to_string())
        .collect();
    streets.sort();
    streets.dedup();
    streets.shuffle(&mut rng);
    let share = (streets.len() / 8).max(1);
    let streets = streets
        .into_iter()
        .enumerate()
        .map(|(k, s)| (s, Disposal::of(level(k, share, share))))
        .collect();

    let mut communities: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (g, grid) in layer.grids().iter().enumerate() {
        communities
            .entry(grid.community().to_string())
            .or_default()
            .push(g as u32);
    }
    let mut beat_of = vec![0u32; layer.len()];
    let mut ids = Vec::new();
    for (community, mut grids) in communities {
        grids.sort_by(|a, b| {
            layer.grids()[*a as usize]
                .code
                .cmp(&layer.grids()[*b as usize].code)
        });
        let beats = grids.len().div_ceil(BEAT_GRIDS).max(1);
        let first = ids.len() as u32;
        for b in 0..beats {
            ids.push(format!("S{community}{:02}", b + 1));
        }
        for (k, g) in grids.iter().enumerate() {
            beat_of[*g as usize] = first + (k * beats / grids.len()) as u32;
        }
    }
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.shuffle(&mut rng);
    let share = if ids.len() >= 4 {
        (ids.len() * 8 / 100).max(1)
    } else {
        0
    };
    let mut patrols = vec![Patrol::of(Level::Normal); ids.len()];
    for (k, i) in order.into_iter().enumerate() {
        patrols[i] = Patrol::of(level(k, share, share));
    }
    let supervisors = ids.into_iter().zip(patrols).collect();
    Performance {
        departments,
        streets,
        beat_of,
        supervisors,
    }
}
