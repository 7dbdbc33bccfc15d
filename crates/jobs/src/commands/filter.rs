//! The case filter flags shared by `hotspots --cases`, `emerging` and `density`.

use chrono::NaiveDate;
use grid_analytics::hotspot::CaseFilter;

/// Which cases count.
#[derive(Debug, Clone, clap::Args)]
pub struct CaseFilterArgs {
    /// Only these class codes (comma-separated).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub class: Vec<String>,
    /// Only these sources (comma-separated: supervisor, citizen_app, hotline_12345, …).
    #[arg(long, value_name = "SOURCES", value_delimiter = ',')]
    pub source: Vec<String>,
    /// Reported on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// Reported before this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
}

impl CaseFilterArgs {
    /// The filter the flags describe.
    pub fn filter(&self) -> CaseFilter {
        let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0);
        CaseFilter {
            classes: self.class.clone(),
            sources: self.source.clone(),
            from: self.from.and_then(day),
            to: self.to.and_then(day),
        }
    }
}
