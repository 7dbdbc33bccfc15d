//! Shared checks for the all-digit national codes.

use crate::error::{Error, Result};

/// Province-level prefixes of GB/T 2260 (the first two digits of every division code).
pub const PROVINCE_PREFIXES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// Checks that `value` is only ASCII digits, of one of the allowed lengths.
pub(crate) fn check_digits(kind: &'static str, value: &str, lengths: &[usize]) -> Result<()> {
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_digit()) {
        return Err(Error::invalid_code(
            kind,
            value,
            format!("contains {bad:?}; only the digits 0-9 are allowed"),
        ));
    }
    if !lengths.contains(&value.len()) {
        let allowed: Vec<String> = lengths.iter().map(ToString::to_string).collect();
        return Err(Error::invalid_code(
            kind,
            value,
            format!(
                "has {} digits; expected {}",
                value.len(),
                allowed.join(" or ")
            ),
        ));
    }
    Ok(())
}

/// Checks the GB/T 2260 structure of the leading six digits: a known province, and no county
/// part under an empty prefecture part.
pub(crate) fn check_division_prefix(kind: &'static str, value: &str) -> Result<()> {
    let province = &value[0..2];
    if !PROVINCE_PREFIXES.contains(&province) {
        return Err(Error::invalid_code(
            kind,
            value,
            format!("{province} is not a GB/T 2260 province code"),
        ));
    }
    if &value[2..4] == "00" && &value[4..6] != "00" {
        return Err(Error::invalid_code(
            kind,
            value,
            "a county part under prefecture 00 is not a GB/T 2260 code",
        ));
    }
    Ok(())
}

/// Rejects an all-zero segment `value[range]`, naming it.
pub(crate) fn check_nonzero(
    kind: &'static str,
    value: &str,
    range: std::ops::Range<usize>,
    segment: &str,
) -> Result<()> {
    if value[range].bytes().all(|b| b == b'0') {
        return Err(Error::invalid_code(
            kind,
            value,
            format!("the {segment} segment is all zeros"),
        ));
    }
    Ok(())
}

/// `TryFrom<&str>` (through `FromStr`), `Display` and `AsRef<str>` (through `as_str`) for the
/// code newtypes, which all keep their validated digits as text.
macro_rules! text_code_impls {
    ($ty:ty) => {
        impl TryFrom<&str> for $ty {
            type Error = crate::error::Error;
            fn try_from(value: &str) -> crate::error::Result<Self> {
                value.parse()
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}
pub(crate) use text_code_impls;
