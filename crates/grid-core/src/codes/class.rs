//! Class codes of components (部件) and events (事件): a 2-digit major class and a 2-digit (or,
//! in the 2026 edition, 3-digit) minor class.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use super::digits::{check_digits, check_nonzero};
use crate::error::{Error, Result};

/// Which class table a code belongs to: [`Component`] or [`Event`].
pub trait ClassKind: Clone + Copy + fmt::Debug + PartialEq + Eq + std::hash::Hash + Ord {
    /// The name used in error messages.
    const NAME: &'static str;
}

/// Marker for component (部件) classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Component;

/// Marker for event (事件) classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Event;

impl ClassKind for Component {
    const NAME: &'static str = "component class code";
}

impl ClassKind for Event {
    const NAME: &'static str = "event class code";
}

/// A class code: 2-digit major class + 2- or 3-digit minor class, neither all zeros.
///
/// Whether the class exists is a question for a [`ClassCatalog`](super::ClassCatalog), not for
/// the code: class tables are data, versioned by standard edition, and cities add their own.
///
/// ```
/// use grid_core::{ComponentClassCode, EventClassCode};
/// let c: ComponentClassCode = "0101".parse()?;
/// assert_eq!((c.major(), c.minor()), ("01", "01"));
/// let e: EventClassCode = "0505".parse()?;
/// assert_eq!(e.as_str(), "0505");
/// assert!("0100".parse::<EventClassCode>().is_err());
/// # Ok::<(), grid_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassCode<K: ClassKind> {
    digits: String,
    kind: PhantomData<K>,
}

/// A component (部件) class code such as `0101` (water supply manhole cover).
pub type ComponentClassCode = ClassCode<Component>;
/// An event (事件) class code such as `0505` (illegally parked motor vehicle).
pub type EventClassCode = ClassCode<Event>;

impl<K: ClassKind> ClassCode<K> {
    /// The 4 (or 5) digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The 2-digit major class.
    pub fn major(&self) -> &str {
        &self.digits[0..2]
    }

    /// The 2- or 3-digit minor class.
    pub fn minor(&self) -> &str {
        &self.digits[2..]
    }

    /// Width of the minor part: 2 in the 2007–2013 standards, 3 in the 2026 edition.
    pub fn minor_width(&self) -> usize {
        self.digits.len() - 2
    }
}

impl<K: ClassKind> FromStr for ClassCode<K> {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let value = s.trim();
        check_digits(K::NAME, value, &[4, 5])?;
        check_nonzero(K::NAME, value, 0..2, "major class")?;
        check_nonzero(K::NAME, value, 2..value.len(), "minor class")?;
        Ok(Self {
            digits: value.to_owned(),
            kind: PhantomData,
        })
    }
}

impl<K: ClassKind> fmt::Display for ClassCode<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl<K: ClassKind> AsRef<str> for ClassCode<K> {
    fn as_ref(&self) -> &str {
        &self.digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_editions() {
        let old: ComponentClassCode = "0305".parse().unwrap();
        assert_eq!(old.minor_width(), 2);
        let new: ComponentClassCode = "03005".parse().unwrap();
        assert_eq!(
            (new.major(), new.minor(), new.minor_width()),
            ("03", "005", 3)
        );
    }

    #[test]
    fn each_validation_error_names_the_problem() {
        for (value, needle) in [
            ("010", "has 3 digits"),
            ("010101", "has 6 digits"),
            ("01a1", "contains 'a'"),
            ("0001", "major class segment is all zeros"),
            ("0100", "minor class segment is all zeros"),
        ] {
            let err = value.parse::<EventClassCode>().unwrap_err().to_string();
            assert!(err.contains(needle), "{value}: {err}");
            assert!(err.contains("event class code"), "{err}");
        }
    }
}
