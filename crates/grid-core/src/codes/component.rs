//! [`ComponentCode`]: the code of one coded public facility (部件).

use std::str::FromStr;

use super::class::ComponentClassCode;
use super::digits::{check_digits, check_division_prefix, check_nonzero};
use super::division::DivisionCode;
use crate::error::{Error, Result};

const KIND: &str = "component code";

/// The standards generation a component code follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeEdition {
    /// The 2007–2013 standards: 16 digits, 2-digit minor class.
    Std2013,
    /// The 2026 edition: 17 digits, 3-digit minor class.
    Std2026,
}

/// A component code: 6-digit county + 2-digit major class + 2-digit minor class + 6-digit
/// sequence (16 digits), or with a 3-digit minor class in the 2026 edition (17 digits).
///
/// ```
/// use grid_core::ComponentCode;
/// use grid_core::codes::CodeEdition;
/// let c: ComponentCode = "3711020101000123".parse()?;
/// assert_eq!(c.class_code().as_str(), "0101");
/// assert_eq!(c.division().as_str(), "371102");
/// assert_eq!(c.sequence(), 123);
/// assert_eq!(c.edition(), CodeEdition::Std2013);
/// let c2026: ComponentCode = "37110201001000123".parse()?;
/// assert_eq!(c2026.class_code().as_str(), "01001");
/// # Ok::<(), grid_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ComponentCode {
    digits: String,
    class: ComponentClassCode,
}

impl ComponentCode {
    /// The 16 or 17 digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// Which standards generation the code's width says it follows.
    pub fn edition(&self) -> CodeEdition {
        if self.digits.len() == 17 {
            CodeEdition::Std2026
        } else {
            CodeEdition::Std2013
        }
    }

    /// The county-level division that owns the component.
    pub fn division(&self) -> DivisionCode {
        DivisionCode::from_validated(&self.digits[0..6])
    }

    /// The class (major + minor) part.
    pub fn class_code(&self) -> &ComponentClassCode {
        &self.class
    }

    /// The 6-digit sequence number.
    pub fn sequence(&self) -> u32 {
        self.digits[self.digits.len() - 6..]
            .parse()
            .unwrap_or_default()
    }
}

impl FromStr for ComponentCode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let value = s.trim();
        check_digits(KIND, value, &[16, 17])?;
        check_division_prefix(KIND, value)?;
        let class_end = value.len() - 6;
        let class: ComponentClassCode = value[6..class_end].parse().map_err(|e| match e {
            Error::InvalidCode { reason, .. } => Error::invalid_code(KIND, value, reason),
            other => other,
        })?;
        check_nonzero(KIND, value, class_end..value.len(), "sequence")?;
        Ok(Self {
            digits: value.to_owned(),
            class,
        })
    }
}

super::digits::text_code_impls!(ComponentCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_widths() {
        let c: ComponentCode = "3711020305000042".parse().unwrap();
        assert_eq!(
            (c.class_code().major(), c.class_code().minor()),
            ("03", "05")
        );
        assert_eq!(c.sequence(), 42);
        let c: ComponentCode = "37110203005000042".parse().unwrap();
        assert_eq!(
            (c.class_code().major(), c.class_code().minor()),
            ("03", "005")
        );
        assert_eq!(c.edition(), CodeEdition::Std2026);
    }

    #[test]
    fn each_validation_error_names_the_problem() {
        for (value, needle) in [
            ("371102010100012", "has 15 digits"),
            ("371102010100012345", "has 18 digits"),
            ("37110201010001x3", "contains 'x'"),
            ("9911020101000123", "province"),
            ("3711020001000123", "major class segment is all zeros"),
            ("3711020100000123", "minor class segment is all zeros"),
            ("3711020101000000", "sequence segment is all zeros"),
        ] {
            let err = value.parse::<ComponentCode>().unwrap_err().to_string();
            assert!(err.contains(needle), "{value}: {err}");
            assert!(err.contains("component code"), "{err}");
        }
    }
}
