//! [`Font`]: the typeface map text is drawn with.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use ttf_parser::Face;

use crate::error::MapError;

/// The bundled font: Citygrid Sans SC, a subset of Noto Sans CJK SC Regular (SIL OFL 1.1) with
/// ASCII, Latin-1, common punctuation and symbols, and the 6,763 hanzi of GB 2312. Made by
/// `scripts/make-font-subset.sh`; see `data/fonts/README.md`.
static BUNDLED: &[u8] = include_bytes!("../../../data/fonts/CitygridSansSC-Regular.otf");

/// An OpenType or TrueType font (CFF or TrueType outlines), kept as bytes and parsed when a map
/// is drawn.
///
/// Text is laid out glyph by glyph from the `cmap` and horizontal advances: no shaping, no
/// kerning, which is right for Chinese and adequate for short English labels. A character the
/// font does not have is drawn as the font's `.notdef` glyph (an empty box in the bundled
/// font); [`Font::missing_chars`] finds them beforehand.
#[derive(Clone)]
pub struct Font {
    data: Cow<'static, [u8]>,
    index: u32,
    source: String,
}

impl Font {
    /// The font compiled into the crate (about 1.6 MB), so that every machine draws the same
    /// pixels without a system font.
    pub fn bundled() -> Self {
        Self {
            data: Cow::Borrowed(BUNDLED),
            index: 0,
            source: "bundled".to_owned(),
        }
    }

    /// A font from a `.ttf`/`.otf` file, or the first face of a `.ttc` collection, e.g. a
    /// city's own typeface.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, MapError> {
        let path = path.as_ref();
        let data = std::fs::read(path).map_err(|source| MapError::ReadFont {
            path: path.to_owned(),
            source,
        })?;
        Self::parsed(Cow::Owned(data), 0, path.display().to_string())
    }

    /// A font from bytes: a single font, or face `index` of a collection (`0` for a single
    /// font). Which face is which is in the collection's name table, e.g. face 2 of
    /// `NotoSansCJK-Regular.ttc` is Simplified Chinese.
    pub fn from_bytes(data: Vec<u8>, index: u32) -> Result<Self, MapError> {
        Self::parsed(Cow::Owned(data), index, "bytes".to_owned())
    }

    fn parsed(data: Cow<'static, [u8]>, index: u32, source: String) -> Result<Self, MapError> {
        let font = Self {
            data,
            index,
            source,
        };
        font.face()?;
        Ok(font)
    }

    /// The parsed face.
    pub(crate) fn face(&self) -> Result<Face<'_>, MapError> {
        let face = Face::parse(&self.data, self.index).map_err(|e| MapError::InvalidFont {
            font: self.source.clone(),
            reason: e.to_string(),
        })?;
        if face.units_per_em() == 0 {
            return Err(MapError::InvalidFont {
                font: self.source.clone(),
                reason: "units per em is 0".to_owned(),
            });
        }
        Ok(face)
    }

    /// The font's family name (name ID 1, English), if it has one.
    pub fn family_name(&self) -> Option<String> {
        let face = self.face().ok()?;
        face.names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
            .find_map(|n| n.to_string())
    }

    /// The characters of `text` (each once, in order of appearance) that the font has no glyph
    /// for and would draw as `.notdef`. Control characters and spaces are never reported.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let Ok(face) = self.face() else {
            return text.chars().filter(|c| !c.is_whitespace()).collect();
        };
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            let missing = !c.is_control() && !c.is_whitespace() && face.glyph_index(c).is_none();
            if missing && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}

impl fmt::Debug for Font {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Font")
            .field("source", &self.source)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_font_parses_and_is_named() {
        let font = Font::bundled();
        assert!(font.face().is_ok());
        assert_eq!(font.family_name().as_deref(), Some("Citygrid Sans SC"));
    }

    #[test]
    fn bundled_font_covers_map_text() {
        let font = Font::bundled();
        let text = "热点分析 (Gi*) 冷点 不显著 无显著模式 日照市 东港区 岚山区 莒县 五莲县 \
                    风险等级 评价 A–E 级 0 1 2 km 500 m 北 N 数据来源：数字城管 \
                    ° ² · — → ↑ ≥ ≤ % ℃ ㎡ 《》【】，。、；：“”";
        assert_eq!(font.missing_chars(text), Vec::<char>::new());
        // Outside GB 2312: reported, once.
        assert_eq!(font.missing_chars("𠮷𠮷a"), vec!['𠮷']);
    }

    #[test]
    fn garbage_is_not_a_font() {
        let err = Font::from_bytes(b"not a font".to_vec(), 0).unwrap_err();
        assert!(matches!(err, MapError::InvalidFont { .. }), "{err}");
        let err = Font::from_file("/nonexistent/font.ttf").unwrap_err();
        assert!(matches!(err, MapError::ReadFont { .. }), "{err}");
    }
}
