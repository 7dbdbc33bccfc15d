//! [`DivisionCode`]: administrative division codes (GB/T 2260 and the statistical street and
//! community extensions).

use std::str::FromStr;

use super::digits::{check_digits, check_division_prefix};
use crate::error::{Error, Result};

const KIND: &str = "division code";

/// The level of an administrative division.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DivisionLevel {
    /// 省 province-level (`370000`).
    Province,
    /// 市 prefecture-level city (`371100`).
    Prefecture,
    /// 区县 county-level: district, county, county-level city (`371102`).
    County,
    /// 街道/乡镇 street or town (`371102001`).
    Street,
    /// 社区/村 community or village (`371102001001`).
    Community,
}

/// An administrative division code: 6 digits (province, prefecture or county), 9 (street/town)
/// or 12 (community/village).
///
/// The statistical form that pads every code to 12 digits is accepted and shortened: trailing
/// all-zero 3-digit groups are dropped, so `371102001000` is the street `371102001` and
/// `371102000000` the county `371102`. Validation: digits only, a GB/T 2260 province prefix, and
/// no county part under prefecture `00`.
///
/// ```
/// use grid_core::{DivisionCode, DivisionLevel};
/// let street: DivisionCode = "371102001".parse()?;
/// assert_eq!(street.level(), DivisionLevel::Street);
/// assert_eq!(street.parent().unwrap().as_str(), "371102");
/// assert_eq!("371102001000".parse::<DivisionCode>()?, street);
/// assert!("991102".parse::<DivisionCode>().is_err());
/// # Ok::<(), grid_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

impl DivisionCode {
    /// Wraps digits already validated as part of a longer code (a grid or component code).
    pub(crate) fn from_validated(digits: &str) -> Self {
        Self(digits.to_owned())
    }

    /// The code's digits, in their shortest form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level this code names.
    pub fn level(&self) -> DivisionLevel {
        match self.0.len() {
            12 => DivisionLevel::Community,
            9 => DivisionLevel::Street,
            _ if self.0.ends_with("0000") => DivisionLevel::Province,
            _ if self.0.ends_with("00") => DivisionLevel::Prefecture,
            _ => DivisionLevel::County,
        }
    }

    /// The division one level up; `None` for a province.
    pub fn parent(&self) -> Option<DivisionCode> {
        let s = &self.0;
        match self.level() {
            DivisionLevel::Province => None,
            DivisionLevel::Prefecture => Some(Self(format!("{}0000", &s[0..2]))),
            DivisionLevel::County => Some(Self(format!("{}00", &s[0..4]))),
            DivisionLevel::Street | DivisionLevel::Community => {
                Some(Self(s[..s.len() - 3].to_owned()))
            }
        }
    }

    /// The 6-digit county-level (or higher) part.
    pub fn county(&self) -> DivisionCode {
        Self(self.0[0..6].to_owned())
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &DivisionCode) -> bool {
        let mut current = Some(self.clone());
        while let Some(code) = current {
            if &code == other {
                return true;
            }
            current = code.parent();
        }
        false
    }
}

impl FromStr for DivisionCode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let value = s.trim();
        check_digits(KIND, value, &[6, 9, 12])?;
        check_division_prefix(KIND, value)?;
        let mut digits = value;
        while digits.len() > 6 && digits.ends_with("000") {
            digits = &digits[..digits.len() - 3];
        }
        Ok(Self(digits.to_owned()))
    }
}

super::digits::text_code_impls!(DivisionCode);

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> DivisionCode {
        s.parse().unwrap()
    }

    #[test]
    fn levels_and_parents() {
        assert_eq!(code("370000").level(), DivisionLevel::Province);
        assert_eq!(code("371100").level(), DivisionLevel::Prefecture);
        assert_eq!(code("371102").level(), DivisionLevel::County);
        assert_eq!(code("371102001").level(), DivisionLevel::Street);
        assert_eq!(code("371102001001").level(), DivisionLevel::Community);
        assert_eq!(code("371102001001").parent(), Some(code("371102001")));
        assert_eq!(code("371102").parent(), Some(code("371100")));
        assert_eq!(code("371100").parent(), Some(code("370000")));
        assert_eq!(code("370000").parent(), None);
        assert!(code("371102001001").is_within(&code("371100")));
        assert!(!code("371102001001").is_within(&code("371103")));
    }

    #[test]
    fn statistical_twelve_digit_form_is_shortened() {
        assert_eq!(code("371102001000"), code("371102001"));
        assert_eq!(code("371102000000"), code("371102"));
        assert_eq!(code("371102000000").level(), DivisionLevel::County);
        // A prefecture-level city without districts has towns directly under it.
        assert_eq!(code("441900003").parent(), Some(code("441900")));
    }

    #[test]
    fn each_validation_error_names_the_problem() {
        for (value, needle) in [
            ("37110", "has 5 digits"),
            ("3711020011", "has 10 digits"),
            ("37110A", "contains 'A'"),
            ("", "has 0 digits"),
            ("991102", "not a GB/T 2260 province"),
            ("370012", "prefecture 00"),
        ] {
            let err = value.parse::<DivisionCode>().unwrap_err().to_string();
            assert!(err.contains(needle), "{value}: {err}");
            assert!(err.contains("division code"), "{err}");
        }
    }
}
