//! Serde support for the types that are written as text (CRS names, codes): they serialise as
//! their `Display` string and deserialise through `FromStr`, so config files and JSON carry the
//! same spellings users type, and a bad value fails with the type's own message.

/// Implements `Serialize` and `Deserialize` through `Display` and `FromStr`.
macro_rules! serde_as_string {
    ($($ty:ty),* $(,)?) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

serde_as_string!(
    crate::crs::Crs,
    crate::codes::DivisionCode,
    crate::codes::GridCode,
    crate::codes::ComponentCode,
    crate::codes::ComponentClassCode,
    crate::codes::EventClassCode,
    crate::codes::TimeLimit,
);

#[cfg(test)]
mod tests {
    use crate::{Crs, GridCode};

    #[test]
    fn round_trips_through_json() {
        let crs: Crs = serde_json::from_str("\"EPSG:4549\"").unwrap();
        assert_eq!(crs, Crs::cgcs2000_gk_cm120());
        assert_eq!(serde_json::to_string(&Crs::gcj02()).unwrap(), "\"gcj02\"");
        let code: GridCode = serde_json::from_str("\"37110200100101\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"371102001001001\"");
        let err = serde_json::from_str::<GridCode>("\"12\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid grid code \"12\""), "{err}");
    }
}
