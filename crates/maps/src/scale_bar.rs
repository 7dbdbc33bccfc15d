//! The scale bar: a round length (1, 2 or 5 × 10^k m) of about a fifth of the map's width.

use tiny_skia::{Pixmap, Rect};

use crate::draw::{fill_rect, stroke_rect};
use crate::text::{TextStyle, Typesetter};

/// The largest length of the form 1, 2 or 5 × 10^k metres not longer than `target_m`; the
/// smallest such length (10^k) when `target_m` is below it. `None` for a non-positive or
/// non-finite target.
pub(crate) fn nice_length_m(target_m: f64) -> Option<f64> {
    if !(target_m.is_finite() && target_m > 0.0) {
        return None;
    }
    let mut exponent = target_m.log10().floor() as i32;
    // Guard against log10 rounding (e.g. 1000 → 2.9999…).
    if power_of_ten(exponent + 1) <= target_m * (1.0 + 1e-9) {
        exponent += 1;
    }
    let decade = power_of_ten(exponent);
    let step = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|len| *len <= target_m * (1.0 + 1e-9))
        .unwrap_or(decade);
    Some(step)
}

/// 10^k, exact for the powers a double holds exactly and correctly rounded for negative k.
fn power_of_ten(k: i32) -> f64 {
    if k >= 0 {
        10f64.powi(k)
    } else {
        1.0 / 10f64.powi(-k)
    }
}

/// `"2 km"`, `"500 m"`, `"0.2 m"`: kilometres from 1 km up, metres below.
pub(crate) fn format_length(length_m: f64) -> String {
    let (value, unit) = if length_m >= 1000.0 {
        (length_m / 1000.0, "km")
    } else {
        (length_m, "m")
    };
    format!("{} {unit}", trim_number(value))
}

/// A number without trailing zeros: 2, 0.5, 2.5.
fn trim_number(value: f64) -> String {
    let s = format!("{value:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

/// Draws the scale bar with its lower-left corner near (`left`, `bottom`): a white box holding
/// a bar of two halves (black, white) with "0", the half and the full length written above.
/// `px_per_m` is the map scale; `map_width_px` the width of the drawn extent.
pub(crate) fn draw(
    pixmap: &mut Pixmap,
    ts: &Typesetter<'_>,
    left: f32,
    bottom: f32,
    px_per_m: f64,
    map_width_px: f32,
    unit_px: f32,
) {
    let Some(length_m) = nice_length_m(f64::from(map_width_px) / 5.0 / px_per_m) else {
        return;
    };
    let bar_px = (length_m * px_per_m) as f32;
    let text_size = 0.8 * unit_px;
    let bar_h = 0.4 * unit_px;
    let pad = 0.5 * unit_px;
    let full = format_length(length_m);
    let full_w = ts.width(&full, text_size);
    let box_w = bar_px + full_w + 2.0 * pad;
    let box_h = text_size * 1.3 + bar_h + 2.0 * pad;
    let top = bottom - box_h;
    if let Some(r) = Rect::from_xywh(left, top, box_w, box_h) {
        fill_rect(pixmap, r, [255, 255, 255], 0.85);
    }
    let x0 = left + pad + ts.width("0", text_size) / 2.0;
    let bar_top = bottom - pad - bar_h;
    let half = bar_px / 2.0;
    for (i, color) in [[30, 30, 30], [255, 255, 255]].into_iter().enumerate() {
        if let Some(r) = Rect::from_xywh(x0 + i as f32 * half, bar_top, half, bar_h) {
            fill_rect(pixmap, r, color, 1.0);
        }
    }
    if let Some(r) = Rect::from_xywh(x0, bar_top, bar_px, bar_h) {
        stroke_rect(pixmap, r, [30, 30, 30], 1.0);
    }
    let baseline = bar_top - 0.25 * unit_px;
    let style = TextStyle::new(text_size, [30, 30, 30]);
    let mid = trim_number(if length_m >= 1000.0 {
        length_m / 2000.0
    } else {
        length_m / 2.0
    });
    for (label, at) in [("0", x0), (mid.as_str(), x0 + half)] {
        let w = ts.width(label, text_size);
        ts.draw(pixmap, label, at - w / 2.0, baseline, style);
    }
    // The full length with its unit, left-aligned on the bar's end so the unit sticks out.
    let number_w = ts.width(full.split(' ').next().unwrap_or(""), text_size);
    ts.draw(pixmap, &full, x0 + bar_px - number_w / 2.0, baseline, style);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifth_of_the_width_rounded_down_to_1_2_5() {
        // 12 km wide map → 2.4 km → 2 km.
        assert_eq!(nice_length_m(12_000.0 / 5.0), Some(2000.0));
        assert_eq!(nice_length_m(2_500.0 / 5.0), Some(500.0));
        assert_eq!(nice_length_m(1000.0), Some(1000.0));
        assert_eq!(nice_length_m(999.0), Some(500.0));
        assert_eq!(nice_length_m(4999.0), Some(2000.0));
        assert_eq!(nice_length_m(5000.0), Some(5000.0));
        assert_eq!(nice_length_m(9999.0), Some(5000.0));
        assert_eq!(nice_length_m(10_000.0), Some(10_000.0));
        assert_eq!(nice_length_m(150.0), Some(100.0));
        assert_eq!(nice_length_m(0.3), Some(0.2));
        assert_eq!(nice_length_m(0.0), None);
        assert_eq!(nice_length_m(f64::NAN), None);
        assert_eq!(nice_length_m(-5.0), None);
    }

    #[test]
    fn every_power_of_ten_is_its_own_nice_length() {
        for k in -3..9 {
            let x = power_of_ten(k);
            assert_eq!(nice_length_m(x), Some(x), "10^{k}");
            assert_eq!(nice_length_m(2.0 * x), Some(2.0 * x), "2×10^{k}");
            assert_eq!(nice_length_m(5.0 * x), Some(5.0 * x), "5×10^{k}");
        }
    }

    #[test]
    fn labels_switch_to_km_at_one_kilometre() {
        assert_eq!(format_length(2000.0), "2 km");
        assert_eq!(format_length(1000.0), "1 km");
        assert_eq!(format_length(20_000.0), "20 km");
        assert_eq!(format_length(500.0), "500 m");
        assert_eq!(format_length(0.2), "0.2 m");
        assert_eq!(trim_number(2.5), "2.5");
        assert_eq!(trim_number(1.0), "1");
    }
}
