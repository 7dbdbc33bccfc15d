//! Colours and ready-made class lists for citygrid's four kinds of map.
//!
//! Each palette comes twice: as colours (`*_COLORS`, for a caller who writes its own labels) and
//! as [`Class`] lists with the standard bilingual labels (`*_classes()`), in legend order.
//!
//! | map | colours | classes |
//! |---|---|---|
//! | Gi* confidence bins | [`HOTSPOT_BIN_COLORS`] (deep red → near white → deep blue) | [`hotspot_bin_classes`] |
//! | emerging hot spots | [`EMERGING_HOT_COLORS`], [`EMERGING_COLD_COLORS`], [`NO_PATTERN_COLOR`] | [`emerging_classes`] |
//! | forecast risk | [`RISK_COLORS`] (pale yellow → dark red) | [`risk_classes`] |
//! | assessment grades | [`GRADE_COLORS`] (green → red) | [`grade_classes`] |
//!
//! Features without a class are drawn in [`NO_DATA_COLOR`], a mid-light grey darker than every
//! "nothing here" colour above, so that "no data" never reads as "not significant".

use crate::spec::Class;

/// Features whose class is `None`.
pub const NO_DATA_COLOR: [u8; 3] = [204, 204, 204];

/// Gi* confidence bins in the order hot 99 %, hot 95 %, hot 90 %, not significant, cold 90 %,
/// cold 95 %, cold 99 % (bin +3 … −3), after ArcGIS's hot spot renderer.
pub const HOTSPOT_BIN_COLORS: [[u8; 3]; 7] = [
    [215, 48, 39],
    [239, 130, 92],
    [250, 190, 150],
    [238, 236, 228],
    [166, 196, 224],
    [105, 150, 201],
    [49, 92, 166],
];

/// [`HOTSPOT_BIN_COLORS`] with their labels, bin +3 first.
pub fn hotspot_bin_classes() -> Vec<Class> {
    let labels = [
        ("热点 99%", "Hot spot 99%"),
        ("热点 95%", "Hot spot 95%"),
        ("热点 90%", "Hot spot 90%"),
        ("不显著", "Not significant"),
        ("冷点 90%", "Cold spot 90%"),
        ("冷点 95%", "Cold spot 95%"),
        ("冷点 99%", "Cold spot 99%"),
    ];
    classes(&labels, &HOTSPOT_BIN_COLORS)
}

/// Emerging hot spot patterns, in the order new, consecutive, intensifying, persistent,
/// diminishing, sporadic, oscillating, historical (the rule order of ArcGIS's Emerging Hot Spot
/// Analysis): strong reds for the patterns that are hot now, oranges for the fading ones.
pub const EMERGING_HOT_COLORS: [[u8; 3]; 8] = [
    [254, 178, 76],
    [252, 141, 89],
    [165, 0, 38],
    [215, 48, 39],
    [244, 109, 67],
    [253, 208, 162],
    [230, 85, 13],
    [204, 160, 130],
];

/// Emerging cold spot patterns, in the same order as [`EMERGING_HOT_COLORS`].
pub const EMERGING_COLD_COLORS: [[u8; 3]; 8] = [
    [158, 202, 225],
    [116, 173, 209],
    [8, 48, 107],
    [33, 102, 172],
    [67, 147, 195],
    [198, 219, 239],
    [107, 81, 163],
    [150, 165, 190],
];

/// "No pattern detected" on an emerging hot spot map.
pub const NO_PATTERN_COLOR: [u8; 3] = [235, 235, 235];

/// The 17 emerging hot spot categories: the 8 hot patterns, the 8 cold patterns, then
/// "no pattern detected" (index 16).
pub fn emerging_classes() -> Vec<Class> {
    const PATTERNS: [(&str, &str); 8] = [
        ("新增", "New"),
        ("连续", "Consecutive"),
        ("加强", "Intensifying"),
        ("持续", "Persistent"),
        ("减弱", "Diminishing"),
        ("零星", "Sporadic"),
        ("振荡", "Oscillating"),
        ("历史", "Historical"),
    ];
    let mut out = Vec::with_capacity(17);
    for (kind_zh, kind_en, colors) in [
        ("热点", "hot spot", &EMERGING_HOT_COLORS),
        ("冷点", "cold spot", &EMERGING_COLD_COLORS),
    ] {
        for ((zh, en), color) in PATTERNS.iter().zip(colors.iter()) {
            out.push(Class::new(
                format!("{zh}{kind_zh}"),
                format!("{en} {kind_en}"),
                *color,
            ));
        }
    }
    out.push(Class::new("无显著模式", "No pattern", NO_PATTERN_COLOR));
    out
}

/// Five risk classes (e.g. quintiles of next week's forecast), lowest first; ColorBrewer YlOrRd.
pub const RISK_COLORS: [[u8; 3]; 5] = [
    [255, 255, 178],
    [254, 204, 92],
    [253, 141, 60],
    [240, 59, 32],
    [189, 0, 38],
];

/// [`RISK_COLORS`] labelled 很低 · Very low … 很高 · Very high. A caller showing the class
/// breaks (e.g. "3–5 起/周") builds its own classes from [`RISK_COLORS`].
pub fn risk_classes() -> Vec<Class> {
    let labels = [
        ("很低", "Very low"),
        ("较低", "Low"),
        ("中等", "Medium"),
        ("较高", "High"),
        ("很高", "Very high"),
    ];
    classes(&labels, &RISK_COLORS)
}

/// Assessment grades A (best) to E (worst); ColorBrewer RdYlGn, reversed.
pub const GRADE_COLORS: [[u8; 3]; 5] = [
    [26, 150, 65],
    [166, 217, 106],
    [255, 255, 191],
    [253, 174, 97],
    [215, 25, 28],
];

/// [`GRADE_COLORS`] labelled A 级 · Grade A … E 级 · Grade E.
pub fn grade_classes() -> Vec<Class> {
    let labels = [
        ("A 级", "Grade A"),
        ("B 级", "Grade B"),
        ("C 级", "Grade C"),
        ("D 级", "Grade D"),
        ("E 级", "Grade E"),
    ];
    classes(&labels, &GRADE_COLORS)
}

fn classes(labels: &[(&str, &str)], colors: &[[u8; 3]]) -> Vec<Class> {
    labels
        .iter()
        .zip(colors)
        .map(|(&(zh, en), &color)| Class::new(zh, en, color))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_lists_have_their_sizes_and_distinct_colours() {
        for (list, n) in [
            (hotspot_bin_classes(), 7),
            (emerging_classes(), 17),
            (risk_classes(), 5),
            (grade_classes(), 5),
        ] {
            assert_eq!(list.len(), n);
            let mut colors: Vec<_> = list.iter().map(|c| c.color).collect();
            colors.push(NO_DATA_COLOR);
            colors.sort_unstable();
            colors.dedup();
            assert_eq!(
                colors.len(),
                n + 1,
                "a colour repeats or equals NO_DATA_COLOR"
            );
        }
    }

    #[test]
    fn legend_labels_join_both_languages() {
        assert_eq!(
            hotspot_bin_classes()[0].legend_label(),
            "热点 99% · Hot spot 99%"
        );
        assert_eq!(
            emerging_classes()[10].legend_label(),
            "加强冷点 · Intensifying cold spot"
        );
    }
}
