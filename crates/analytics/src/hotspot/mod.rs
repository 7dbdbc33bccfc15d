//! Hot spot analysis: local Getis-Ord Gi / Gi* and Local Moran's I over sparse spatial weights
//! (`grid_core::weights`), with analytic and permutation p-values, false-discovery-rate control
//! and confidence bins; the space-time cube and emerging hot spots; kernel density. The
//! formulas and conventions are in `docs/hotspots.md`.

pub mod cube;
pub mod density;
pub mod emerging;
pub mod fdr;
pub mod layer;
pub mod local;
pub mod measure;
pub mod table;

pub use cube::{CaseCube, Step, case_cube};
pub use density::{default_radius, kernel_density};
pub use emerging::{
    Category, Cube, Emerging, EmergingOptions, MannKendall, Pattern, emerging_hot_spots,
    mann_kendall,
};
pub use fdr::{bh_cutoff, confidence_bins};
pub use layer::{HotspotOptions, HotspotOutput, Statistic, analyse_layer, layer_weights};
pub use local::{GetisOrd, LocalMoran, Permutations, PseudoP, getis_ord, local_moran, two_sided_p};
pub use measure::{CaseFilter, Measure, case_points, kept_rows, per_grid};
pub use table::{
    EmergingRequest, LayerEmerging, LayerHotspots, MeasuredLayer, layer_emerging, layer_hotspots,
    measure_layer,
};
