//! The [`Crs`] type: which coordinate reference system a coordinate is in.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A coordinate reference system.
///
/// Build one with a named constructor ([`Crs::wgs84`], [`Crs::cgcs2000_gk_cm120`], [`Crs::epsg`],
/// …) or parse the names users type on the command line (see the [`FromStr`] impl). Coordinates
/// are always in the normalised order: x = east / longitude, y = north / latitude, whatever axis
/// order the EPSG definition states (EPSG:4326, EPSG:4490 and EPSG:4549 all state north first).
///
/// ```
/// use grid_core::crs::Crs;
/// assert_eq!("EPSG:4549".parse::<Crs>().unwrap(), Crs::cgcs2000_gk_cm120());
/// assert_eq!("epsg:4326".parse::<Crs>().unwrap(), Crs::wgs84());
/// assert_eq!("gcj02".parse::<Crs>().unwrap(), Crs::gcj02());
/// assert_eq!(Crs::cgcs2000_gk_cm120().to_string(), "EPSG:4549");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Crs {
    /// WGS84 longitude/latitude, EPSG:4326. The CRS of GeoJSON (RFC 7946).
    Wgs84,
    /// CGCS2000 longitude/latitude, EPSG:4490: China's official geodetic system, within about a
    /// metre of WGS84.
    Cgcs2000,
    /// GCJ-02 longitude/latitude: WGS84 with the obfuscating offset of Chinese map apps
    /// (see [`gcj02`](super::gcj02)). Citizen app reports arrive in it.
    Gcj02,
    /// BD-09 longitude/latitude: Baidu's further offset on top of GCJ-02.
    Bd09,
    /// Any other CRS by EPSG code, resolved by PROJ.
    Epsg(u32),
}

/// Whether a CRS measures angles or lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CrsKind {
    /// Longitude/latitude in degrees.
    Geographic,
    /// Easting/northing in linear units (metres for every CRS this project uses).
    Projected,
}

impl Crs {
    /// WGS84 longitude/latitude (EPSG:4326).
    pub const fn wgs84() -> Self {
        Self::Wgs84
    }

    /// CGCS2000 longitude/latitude (EPSG:4490).
    pub const fn cgcs2000() -> Self {
        Self::Cgcs2000
    }

    /// GCJ-02 longitude/latitude (Chinese consumer map apps).
    pub const fn gcj02() -> Self {
        Self::Gcj02
    }

    /// BD-09 longitude/latitude (Baidu maps).
    pub const fn bd09() -> Self {
        Self::Bd09
    }

    /// CGCS2000 / 3-degree Gauss-Krüger CM 120°E (EPSG:4549), metres: the default working CRS for
    /// the sample city, Rizhao (about 119.2°E–119.7°E).
    pub const fn cgcs2000_gk_cm120() -> Self {
        Self::Epsg(4549)
    }

    /// WGS84 / UTM zone 50N (EPSG:32650), metres: an alternative working CRS for eastern China.
    pub const fn utm_50n() -> Self {
        Self::Epsg(32650)
    }

    /// WGS84 / Pseudo-Mercator (EPSG:3857), the web-map CRS.
    pub const fn web_mercator() -> Self {
        Self::Epsg(3857)
    }

    /// A CRS by EPSG code. 4326 and 4490 become [`Crs::Wgs84`] and [`Crs::Cgcs2000`], so that
    /// equal systems compare equal. Whether PROJ knows the code is checked when a
    /// [`Transformer`](super::Transformer) is built.
    pub const fn epsg(code: u32) -> Self {
        match code {
            4326 => Self::Wgs84,
            4490 => Self::Cgcs2000,
            _ => Self::Epsg(code),
        }
    }

    /// The `AUTHORITY:CODE` string PROJ understands for this CRS's datum. GCJ-02 and BD-09 are
    /// offsets applied on top of WGS84, so their datum is EPSG:4326.
    pub fn proj_definition(&self) -> String {
        match self {
            Self::Wgs84 | Self::Gcj02 | Self::Bd09 => "EPSG:4326".to_owned(),
            Self::Cgcs2000 => "EPSG:4490".to_owned(),
            Self::Epsg(code) => format!("EPSG:{code}"),
        }
    }

    /// The EPSG code, where there is one (none for GCJ-02 and BD-09).
    pub const fn epsg_code(&self) -> Option<u32> {
        match self {
            Self::Wgs84 => Some(4326),
            Self::Cgcs2000 => Some(4490),
            Self::Gcj02 | Self::Bd09 => None,
            Self::Epsg(code) => Some(*code),
        }
    }

    /// Geographic (degrees) or projected (metres). Asks PROJ for EPSG codes it does not name
    /// itself; fails for a code PROJ does not know.
    pub fn kind(&self) -> Result<CrsKind> {
        match self {
            Self::Wgs84 | Self::Cgcs2000 | Self::Gcj02 | Self::Bd09 => Ok(CrsKind::Geographic),
            Self::Epsg(4549 | 32650 | 3857) => Ok(CrsKind::Projected),
            Self::Epsg(_) => super::transform::crs_kind_from_proj(self),
        }
    }

    /// True for longitude/latitude systems.
    pub fn is_geographic(&self) -> Result<bool> {
        Ok(self.kind()? == CrsKind::Geographic)
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Gcj02 => f.write_str("gcj02"),
            Self::Bd09 => f.write_str("bd09"),
            other => write!(f, "EPSG:{}", other.epsg_code().unwrap_or_default()),
        }
    }
}

/// The names accepted on the command line and in config files, case-insensitive:
/// `wgs84` (= `EPSG:4326`), `cgcs2000` (= `EPSG:4490`), `gcj02`, `bd09`, and `EPSG:<code>`.
impl FromStr for Crs {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        let compact: String = lower
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect();
        match compact.as_str() {
            "wgs84" => return Ok(Self::Wgs84),
            "cgcs2000" => return Ok(Self::Cgcs2000),
            "gcj02" => return Ok(Self::Gcj02),
            "bd09" => return Ok(Self::Bd09),
            _ => {}
        }
        let unknown = |reason: &str| Error::UnknownCrs {
            value: s.to_owned(),
            reason: reason.to_owned(),
        };
        let code = lower
            .strip_prefix("epsg:")
            .ok_or_else(|| unknown("expected wgs84, cgcs2000, gcj02, bd09 or EPSG:<code>"))?;
        let code: u32 = code
            .trim()
            .parse()
            .map_err(|_| unknown("the EPSG code must be a positive whole number"))?;
        if code == 0 {
            return Err(unknown("the EPSG code must be a positive whole number"));
        }
        Ok(Self::epsg(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        for (text, crs) in [
            ("wgs84", Crs::Wgs84),
            ("WGS-84", Crs::Wgs84),
            ("EPSG:4326", Crs::Wgs84),
            ("cgcs2000", Crs::Cgcs2000),
            ("epsg:4490", Crs::Cgcs2000),
            ("GCJ-02", Crs::Gcj02),
            ("bd09", Crs::Bd09),
            ("EPSG:4549", Crs::Epsg(4549)),
            (" epsg:32650 ", Crs::Epsg(32650)),
        ] {
            assert_eq!(text.parse::<Crs>().unwrap(), crs, "{text}");
        }
    }

    #[test]
    fn rejects_nonsense_with_the_value_in_the_message() {
        for text in [
            "",
            "mars",
            "EPSG:",
            "EPSG:abc",
            "EPSG:0",
            "EPSG:-4326",
            "4326",
        ] {
            let err = text.parse::<Crs>().unwrap_err().to_string();
            assert!(err.contains(&format!("{text:?}")), "{err}");
        }
    }

    #[test]
    fn display_round_trips() {
        for crs in [
            Crs::wgs84(),
            Crs::cgcs2000(),
            Crs::gcj02(),
            Crs::bd09(),
            Crs::utm_50n(),
        ] {
            assert_eq!(crs.to_string().parse::<Crs>().unwrap(), crs);
        }
    }
}
