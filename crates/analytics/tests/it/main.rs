//! Public-API tests of grid-analytics, one binary (see docs/style.md).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod coverage;
mod esda;
mod simulate;
mod statsforecast;
