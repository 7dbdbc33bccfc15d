//! Coherent forecasts across the spatial hierarchy: grid forecasts summed bottom-up to their
//! community, street and district, so that every level adds up.

use std::collections::BTreeMap;

use grid_core::GridCode;

use super::series::Unit;

/// Sums per-grid forecasts (series ids are 15-digit grid codes, optionally followed by
/// `/group`) into the series of a coarser `unit`, keeping the group. Ids that are not grid codes
/// are returned in the second list, untouched.
pub fn bottom_up(
    grid_forecasts: &[(String, Vec<f64>)],
    unit: Unit,
) -> (Vec<(String, Vec<f64>)>, Vec<String>) {
    let mut sums: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for (id, values) in grid_forecasts {
        let (code, group) = match id.split_once('/') {
            Some((c, g)) => (c, Some(g)),
            None => (id.as_str(), None),
        };
        let Ok(grid) = code.parse::<GridCode>() else {
            skipped.push(id.clone());
            continue;
        };
        let parent = match unit {
            Unit::Grid => grid.to_string(),
            Unit::Community => grid.community().to_string(),
            Unit::Street => grid.street().to_string(),
            Unit::District => grid.county().to_string(),
        };
        let key = match group {
            Some(g) => format!("{parent}/{g}"),
            None => parent,
        };
        let entry = sums.entry(key).or_insert_with(|| vec![0.0; values.len()]);
        for (s, v) in entry.iter_mut().zip(values) {
            *s += v;
        }
    }
    (sums.into_iter().collect(), skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_add_up_to_their_parents() {
        let f = vec![
            ("371102001001001".to_owned(), vec![1.0, 2.0]),
            ("371102001001002".to_owned(), vec![0.5, 0.5]),
            ("371102001002001".to_owned(), vec![3.0, 0.0]),
            ("371102002001001/event".to_owned(), vec![1.0, 1.0]),
            ("nonsense".to_owned(), vec![9.0, 9.0]),
        ];
        let (community, skipped) = bottom_up(&f, Unit::Community);
        assert_eq!(community[0], ("371102001001".to_owned(), vec![1.5, 2.5]));
        assert_eq!(community[1], ("371102001002".to_owned(), vec![3.0, 0.0]));
        assert_eq!(
            community[2],
            ("371102002001/event".to_owned(), vec![1.0, 1.0])
        );
        assert_eq!(skipped, ["nonsense"]);
        let (district, _) = bottom_up(&f, Unit::District);
        assert_eq!(district[0], ("371102".to_owned(), vec![4.5, 2.5]));
    }
}
