//! [`GridCode`]: the 15-digit unit grid (单元网格) code.

use std::str::FromStr;

use super::digits::{check_digits, check_division_prefix, check_nonzero};
use super::division::DivisionCode;
use crate::error::{Error, Result};

const KIND: &str = "grid code";

/// What the 3-digit street segment of a code says the unit is (GB/T 10114's ranges).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreetKind {
    /// 001–099: 街道 street (urban subdistrict).
    Street,
    /// 100–199: 镇 town.
    Town,
    /// 200–399: 乡 township.
    Township,
    /// 400–599: state-owned farms, forests and other units at town level.
    StateUnit,
    /// 600–999: not assigned by the standard; some cities use them locally.
    Other,
}

/// A unit grid code: 6-digit county + 3-digit street + 3-digit community + 3-digit sequence.
///
/// Legacy 14-digit codes (2-digit sequence) are accepted and normalised to 15 digits by
/// widening the sequence, so `37110200100101` becomes `371102001001001`. Validation: digits
/// only, a GB/T 2260 county prefix, and non-zero street, community and sequence segments.
///
/// ```
/// use grid_core::GridCode;
/// let g: GridCode = "371102001001012".parse()?;
/// assert_eq!(g.community().as_str(), "371102001001");
/// assert_eq!(g.street().as_str(), "371102001");
/// assert_eq!(g.county().as_str(), "371102");
/// assert_eq!(g.sequence(), 12);
/// # Ok::<(), grid_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GridCode(String);

impl GridCode {
    /// The 15 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Builds a code from its community and a sequence number in 1..=999.
    pub fn new(community: &DivisionCode, sequence: u16) -> Result<Self> {
        if community.as_str().len() != 12 {
            return Err(Error::invalid_code(
                KIND,
                community.as_str(),
                "a grid code needs a 12-digit community code",
            ));
        }
        if !(1..=999).contains(&sequence) {
            return Err(Error::invalid_code(
                KIND,
                &format!("{community}{sequence:03}"),
                format!("sequence {sequence} is outside 1..=999"),
            ));
        }
        format!("{community}{sequence:03}").parse()
    }

    /// The county-level division (first 6 digits).
    pub fn county(&self) -> DivisionCode {
        DivisionCode::from_validated(&self.0[0..6])
    }

    /// The street or town (first 9 digits).
    pub fn street(&self) -> DivisionCode {
        DivisionCode::from_validated(&self.0[0..9])
    }

    /// The community or village (first 12 digits).
    pub fn community(&self) -> DivisionCode {
        DivisionCode::from_validated(&self.0[0..12])
    }

    /// The sequence number inside the community, 1..=999.
    pub fn sequence(&self) -> u16 {
        self.0[12..15].parse().unwrap_or_default()
    }

    /// The kind of unit the street segment denotes.
    pub fn street_kind(&self) -> StreetKind {
        match self.0[6..9].parse::<u16>().unwrap_or_default() {
            1..=99 => StreetKind::Street,
            100..=199 => StreetKind::Town,
            200..=399 => StreetKind::Township,
            400..=599 => StreetKind::StateUnit,
            _ => StreetKind::Other,
        }
    }
}

impl FromStr for GridCode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let value = s.trim();
        check_digits(KIND, value, &[15, 14])?;
        check_division_prefix(KIND, value)?;
        let digits = if value.len() == 14 {
            format!("{}0{}", &value[..12], &value[12..])
        } else {
            value.to_owned()
        };
        check_nonzero(KIND, value, 6..9, "street")?;
        check_nonzero(KIND, value, 9..12, "community")?;
        check_nonzero(KIND, &digits, 12..15, "sequence")?;
        Ok(Self(digits))
    }
}

super::digits::text_code_impls!(GridCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_fourteen_digits_are_normalised() {
        let g: GridCode = "37110200100101".parse().unwrap();
        assert_eq!(g.as_str(), "371102001001001");
        assert_eq!(g.sequence(), 1);
        let g: GridCode = "37110200100199".parse().unwrap();
        assert_eq!(g.as_str(), "371102001001099");
    }

    #[test]
    fn built_from_community_and_sequence() {
        let community: DivisionCode = "371102001002".parse().unwrap();
        assert_eq!(
            GridCode::new(&community, 7).unwrap().as_str(),
            "371102001002007"
        );
        assert!(GridCode::new(&community, 0).is_err());
        assert!(GridCode::new(&community, 1000).is_err());
        let street: DivisionCode = "371102001".parse().unwrap();
        assert!(GridCode::new(&street, 1).is_err());
    }

    #[test]
    fn street_kinds() {
        let kind = |s: &str| s.parse::<GridCode>().unwrap().street_kind();
        assert_eq!(kind("371102001001001"), StreetKind::Street);
        assert_eq!(kind("371103100001001"), StreetKind::Town);
        assert_eq!(kind("371103200001001"), StreetKind::Township);
        assert_eq!(kind("371103450001001"), StreetKind::StateUnit);
        assert_eq!(kind("371103700001001"), StreetKind::Other);
    }

    #[test]
    fn each_validation_error_names_the_problem() {
        for (value, needle) in [
            ("3711020010010011", "has 16 digits"),
            ("3711020010010", "has 13 digits"),
            ("37110200100100x", "contains 'x'"),
            ("991102001001001", "province"),
            ("371102000001001", "street segment is all zeros"),
            ("371102001000001", "community segment is all zeros"),
            ("371102001001000", "sequence segment is all zeros"),
            ("37110200100100", "sequence segment is all zeros"),
        ] {
            let err = value.parse::<GridCode>().unwrap_err().to_string();
            assert!(err.contains(needle), "{value}: {err}");
            assert!(err.contains("grid code"), "{err}");
        }
    }
}
