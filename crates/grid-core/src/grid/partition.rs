//! Splitting a polygon into parts of given area shares, by recursive bisection with straight
//! cuts. Used to synthesise plausible street and community layers where real ones are missing.

use geo::{Area, BooleanOps, BoundingRect, MultiPolygon, Rect, coord};

use crate::error::{Error, Result};

/// Bisection steps per cut: the cut line is found to (extent / 2⁴⁸), far below a millimetre.
const CUT_ITERATIONS: usize = 48;

/// Splits `area` into `weights.len()` parts whose areas are proportional to the weights.
///
/// The weights are halved in order (the first half goes west or south of the cut, the second
/// east or north), and each half of the area is cut across its longer side at the line that
/// gives it its share. Parts come back in the order of `weights`, tile `area` exactly (their
/// areas sum to its area) and depend only on the input: the same input always gives the same
/// parts.
///
/// ```
/// use geo::{Area, MultiPolygon, polygon};
/// use grid_core::grid::partition::partition;
/// let square = MultiPolygon::new(vec![polygon![(x: 0.0, y: 0.0), (x: 300.0, y: 0.0), (x: 300.0, y: 100.0), (x: 0.0, y: 100.0)]]);
/// let parts = partition(&square, &[1.0, 2.0])?;
/// assert!((parts[0].unsigned_area() - 10_000.0).abs() < 1e-6);
/// assert!((parts[1].unsigned_area() - 20_000.0).abs() < 1e-6);
/// # Ok::<(), grid_core::Error>(())
/// ```
pub fn partition(area: &MultiPolygon<f64>, weights: &[f64]) -> Result<Vec<MultiPolygon<f64>>> {
    if weights.is_empty() || weights.iter().any(|w| !(w.is_finite() && *w > 0.0)) {
        return Err(Error::invalid_value(
            "partition weights",
            format!("{weights:?}"),
            "need at least one weight, each a positive number",
        ));
    }
    let mut parts = Vec::with_capacity(weights.len());
    split(area.clone(), weights, &mut parts);
    Ok(parts)
}

fn split(area: MultiPolygon<f64>, weights: &[f64], out: &mut Vec<MultiPolygon<f64>>) {
    if weights.len() == 1 {
        out.push(area);
        return;
    }
    let Some(bounds) = area.bounding_rect() else {
        out.extend(std::iter::repeat_n(
            MultiPolygon::new(vec![]),
            weights.len(),
        ));
        return;
    };
    let (first, second) = weights.split_at(weights.len() / 2);
    let share = first.iter().sum::<f64>() / weights.iter().sum::<f64>();
    let target = share * area.unsigned_area();
    let vertical = bounds.width() >= bounds.height();
    // The half-plane before the cut, as a rectangle covering the area's bounds.
    let pad = bounds.width().max(bounds.height());
    let before = |cut: f64| -> Rect<f64> {
        if vertical {
            Rect::new(
                coord! { x: bounds.min().x - pad, y: bounds.min().y - pad },
                coord! { x: cut, y: bounds.max().y + pad },
            )
        } else {
            Rect::new(
                coord! { x: bounds.min().x - pad, y: bounds.min().y - pad },
                coord! { x: bounds.max().x + pad, y: cut },
            )
        }
    };
    let (mut lo, mut hi) = if vertical {
        (bounds.min().x, bounds.max().x)
    } else {
        (bounds.min().y, bounds.max().y)
    };
    for _ in 0..CUT_ITERATIONS {
        let mid = 0.5 * (lo + hi);
        if area.intersection(&before(mid).to_polygon()).unsigned_area() < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let knife = before(0.5 * (lo + hi)).to_polygon();
    let head = area.intersection(&knife);
    let tail = area.difference(&knife);
    split(head, first, out);
    split(tail, second, out);
}

#[cfg(test)]
mod tests {
    use geo::{Intersects, polygon};

    use super::*;

    #[test]
    fn parts_tile_the_area_in_proportion() {
        let area = MultiPolygon::new(vec![polygon!(
            exterior: [(x: 3.0, y: 7.0), (x: 812.0, y: 40.0), (x: 950.0, y: 610.0), (x: 420.0, y: 930.0), (x: 60.0, y: 500.0)],
            interiors: [[(x: 400.0, y: 400.0), (x: 520.0, y: 410.0), (x: 470.0, y: 520.0)]],
        )]);
        let weights = [1.0, 3.0, 1.0, 1.0, 2.0, 5.0, 1.0];
        let parts = partition(&area, &weights).unwrap();
        let total = area.unsigned_area();
        let sum: f64 = weights.iter().sum();
        for (part, w) in parts.iter().zip(weights) {
            let share = part.unsigned_area() / total;
            assert!((share - w / sum).abs() < 1e-6, "{share} vs {}", w / sum);
        }
        for (i, a) in parts.iter().enumerate() {
            for b in &parts[i + 1..] {
                if a.intersects(b) {
                    let o = a.intersection(b).unsigned_area();
                    assert!(o < 1e-9 * total, "overlap {o}");
                }
            }
        }
        assert_eq!(partition(&area, &weights).unwrap(), parts);
        assert!(partition(&area, &[]).is_err());
        assert!(partition(&area, &[1.0, 0.0]).is_err());
    }
}
