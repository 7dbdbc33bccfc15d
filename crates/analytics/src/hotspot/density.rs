//! Kernel density of points, evaluated at any locations (grid centroids): the quartic kernel
//! and ArcGIS's default search radius.

use geo::Coord;
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::error::{Error, Result};

/// ArcGIS's default search radius for kernel density (Silverman's rule of thumb adapted to
/// space): r = 0.9 · min(SD, √(1/ln 2) · D_m) · n^(−0.2), with SD the standard distance and
/// D_m the median distance to the mean centre, both weighted by `weights` when given (n is then
/// their sum). `None` for fewer than two points, points that all coincide, or weights that do
/// not match the points.
pub fn default_radius(points: &[Coord], weights: Option<&[f64]>) -> Option<f64> {
    if points.len() < 2 || weights.is_some_and(|w| w.len() != points.len()) {
        return None;
    }
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let n: f64 = (0..points.len()).map(w).sum();
    if n.is_nan() || n <= 0.0 {
        return None;
    }
    let mx = points
        .iter()
        .enumerate()
        .map(|(i, p)| w(i) * p.x)
        .sum::<f64>()
        / n;
    let my = points
        .iter()
        .enumerate()
        .map(|(i, p)| w(i) * p.y)
        .sum::<f64>()
        / n;
    let sd = (points
        .iter()
        .enumerate()
        .map(|(i, p)| w(i) * ((p.x - mx).powi(2) + (p.y - my).powi(2)))
        .sum::<f64>()
        / n)
        .sqrt();
    // Weighted median of the distances to the mean centre.
    let mut d: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (((p.x - mx).powi(2) + (p.y - my).powi(2)).sqrt(), w(i)))
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = n / 2.0;
    let mut acc = 0.0;
    let mut median = d.last().map_or(0.0, |v| v.0);
    for (k, (dist, weight)) in d.iter().enumerate() {
        acc += weight;
        if acc > half {
            median = *dist;
            break;
        }
        if acc == half {
            // An even split: the mean of the two middle distances.
            median = (dist + d.get(k + 1).map_or(*dist, |v| v.0)) / 2.0;
            break;
        }
    }
    let r = 0.9 * sd.min((1.0 / std::f64::consts::LN_2).sqrt() * median) * n.powf(-0.2);
    (r > 0.0).then_some(r)
}

/// Quartic-kernel density at each of `at`, per square unit of the coordinates:
/// D = (1/r²) Σ_{d_i < r} (3/π) w_i (1 − (d_i/r)²)². Each point's kernel integrates to its
/// weight, so densities × area sum back to the number of points (away from the edges).
pub fn kernel_density(
    points: &[Coord],
    weights: Option<&[f64]>,
    at: &[Coord],
    radius: f64,
) -> Result<Vec<f64>> {
    if radius.is_nan() || radius <= 0.0 {
        return Err(Error::InvalidOption {
            option: "radius",
            message: format!("{radius}: expected a positive distance"),
        });
    }
    if let Some(w) = weights
        && w.len() != points.len()
    {
        return Err(Error::InvalidOption {
            option: "weights",
            message: format!("{} weights for {} points", w.len(), points.len()),
        });
    }
    let tree = RTree::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new([p.x, p.y], i))
            .collect(),
    );
    let r2 = radius * radius;
    let scale = 3.0 / std::f64::consts::PI / r2;
    Ok(at
        .par_iter()
        .map(|c| {
            tree.locate_within_distance([c.x, c.y], r2)
                .map(|hit| {
                    let p = points[hit.data];
                    let u = ((p.x - c.x).powi(2) + (p.y - c.y).powi(2)) / r2;
                    if u < 1.0 {
                        weights.map_or(1.0, |w| w[hit.data]) * (1.0 - u).powi(2)
                    } else {
                        0.0
                    }
                })
                .sum::<f64>()
                * scale
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_point_by_hand_and_mass_preserved() {
        let points = [Coord { x: 0.0, y: 0.0 }];
        let r = 100.0;
        let d = kernel_density(
            &points,
            None,
            &[Coord { x: 50.0, y: 0.0 }, Coord { x: 100.0, y: 0.0 }],
            r,
        )
        .unwrap();
        // (3/π)(1 − 1/4)² / r² at half the radius; nothing at the radius itself.
        assert!((d[0] - 3.0 / std::f64::consts::PI * 0.5625 / 1e4).abs() < 1e-15);
        assert_eq!(d[1], 0.0);
        // Summed over a fine lattice the kernel holds one point.
        let cells: Vec<Coord> = (-60..60)
            .flat_map(|i| {
                (-60..60).map(move |j| Coord {
                    x: f64::from(i) * 2.0 + 1.0,
                    y: f64::from(j) * 2.0 + 1.0,
                })
            })
            .collect();
        let mass: f64 = kernel_density(&points, Some(&[3.0]), &cells, r)
            .unwrap()
            .iter()
            .sum::<f64>()
            * 4.0;
        assert!((mass - 3.0).abs() < 1e-3, "{mass}");
    }

    #[test]
    fn default_radius_by_hand() {
        // Four points at (±1, 0), (0, ±1): mean centre 0, SD 1, median distance 1,
        // √(1/ln 2) > 1, so r = 0.9 · 1 · 4^(−0.2).
        let p = [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)].map(|(x, y)| Coord { x, y });
        let r = default_radius(&p, None).unwrap();
        assert!((r - 0.9 * 4f64.powf(-0.2)).abs() < 1e-12);
        // Weights count as points: doubling every weight is eight points at the same places.
        let r2 = default_radius(&p, Some(&[2.0; 4])).unwrap();
        assert!((r2 - 0.9 * 8f64.powf(-0.2)).abs() < 1e-12);
        assert_eq!(default_radius(&p[..1], None), None);
        assert!(kernel_density(&p, None, &p, 0.0).is_err());
    }
}
