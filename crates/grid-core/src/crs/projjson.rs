//! PROJJSON, the CRS encoding GeoParquet metadata uses.
//!
//! Writing asks PROJ for the full PROJJSON of an EPSG CRS (the one place citygrid calls PROJ's C
//! API directly: the `proj` crate does not expose `proj_as_projjson`). Reading takes the CRS's
//! EPSG identifier from the JSON.

use std::ffi::{CStr, CString};

use serde_json::Value;

use super::definition::Crs;
use crate::error::{Error, Result};

fn projjson_error(crs: &Crs, reason: &str) -> Error {
    Error::UnknownCrs {
        value: crs.to_string(),
        reason: format!("PROJ gave no PROJJSON: {reason}"),
    }
}

impl Crs {
    /// The CRS as PROJJSON, from PROJ's database. GCJ-02 and BD-09 have no PROJJSON of their own;
    /// theirs is WGS84's, the datum they offset.
    pub fn projjson(&self) -> Result<String> {
        let definition = CString::new(self.proj_definition())
            .map_err(|_| projjson_error(self, "the definition holds a NUL byte"))?;
        // SAFETY: every PROJ object is created, used and destroyed inside this block, on a
        // context of its own; the returned string is owned by `object` and copied before
        // `object` is destroyed; null returns are checked before use.
        #[allow(unsafe_code)]
        unsafe {
            let context = proj_sys::proj_context_create();
            if context.is_null() {
                return Err(projjson_error(self, "no PROJ context"));
            }
            let object = proj_sys::proj_create(context, definition.as_ptr());
            let result = if object.is_null() {
                Err(projjson_error(self, "unknown to PROJ"))
            } else {
                let text = proj_sys::proj_as_projjson(context, object, std::ptr::null());
                let copied = if text.is_null() {
                    Err(projjson_error(self, "no PROJJSON form"))
                } else {
                    Ok(CStr::from_ptr(text).to_string_lossy().into_owned())
                };
                proj_sys::proj_destroy(object);
                copied
            };
            proj_sys::proj_context_destroy(context);
            result
        }
    }

    /// The CRS a PROJJSON object names by its EPSG `id` (or OGC CRS84, which is WGS84 in
    /// longitude/latitude order).
    pub fn from_projjson(json: &Value) -> Result<Self> {
        let unknown = |reason: &str| Error::UnknownCrs {
            value: json.to_string().chars().take(120).collect(),
            reason: reason.to_owned(),
        };
        let id = json.get("id").ok_or_else(|| {
            unknown("the PROJJSON has no \"id\"; citygrid reads CRSs by EPSG code")
        })?;
        let authority = id
            .get("authority")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let code = id.get("code");
        match (authority.to_ascii_uppercase().as_str(), code) {
            ("EPSG", Some(Value::Number(n))) => n
                .as_u64()
                .and_then(|c| u32::try_from(c).ok())
                .map(Crs::epsg)
                .ok_or_else(|| unknown("the EPSG code is not a whole number")),
            ("EPSG", Some(Value::String(s))) => format!("EPSG:{s}").parse(),
            ("OGC", Some(Value::String(s))) if s.eq_ignore_ascii_case("CRS84") => Ok(Crs::wgs84()),
            _ => Err(unknown("only EPSG and OGC:CRS84 identifiers are read")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_projjson() {
        for crs in [
            Crs::cgcs2000_gk_cm120(),
            Crs::wgs84(),
            Crs::utm_50n(),
            Crs::cgcs2000(),
        ] {
            let json: Value = serde_json::from_str(&crs.projjson().unwrap()).unwrap();
            assert_eq!(Crs::from_projjson(&json).unwrap(), crs);
        }
        let gk: Value =
            serde_json::from_str(&Crs::cgcs2000_gk_cm120().projjson().unwrap()).unwrap();
        assert_eq!(gk["type"], "ProjectedCRS");
        assert!(Crs::epsg(999_999).projjson().is_err());
        let crs84 = serde_json::json!({"id": {"authority": "OGC", "code": "CRS84"}});
        assert_eq!(Crs::from_projjson(&crs84).unwrap(), Crs::wgs84());
        assert!(Crs::from_projjson(&serde_json::json!({"name": "x"})).is_err());
    }
}
