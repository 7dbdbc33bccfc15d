//! [`read_division_table`]: a city's division codes and names from CSV
//! (`code,name_zh,name_en,level,parent_code`, as `data/rizhao/divisions.csv`).

use std::path::Path;

use serde::Deserialize;

use super::division::DivisionCode;
use crate::error::{Error, Result};

/// One division of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DivisionRecord {
    /// Its code.
    pub code: DivisionCode,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The parent division, if the table gives one.
    pub parent: Option<DivisionCode>,
}

#[derive(Deserialize)]
struct Row {
    code: String,
    name_zh: String,
    name_en: String,
    #[serde(default)]
    parent_code: Option<String>,
}

/// Reads a division table. Every code (and parent code) must be valid, every code unique, and
/// every code must lie inside its parent; a failure names the file, line and field.
pub fn read_division_table(path: &Path) -> Result<Vec<DivisionRecord>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| Error::Format {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
    let headers = reader
        .headers()
        .map_err(|e| Error::Format {
            path: path.to_owned(),
            message: e.to_string(),
        })?
        .clone();
    let fail = |line: u64, field: &str, message: String| Error::Table {
        path: path.to_owned(),
        line,
        field: field.to_owned(),
        message,
    };
    let mut records: Vec<DivisionRecord> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Format {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let row: Row = record
            .deserialize(Some(&headers))
            .map_err(|e| fail(line, "?", e.to_string()))?;
        let code: DivisionCode = row
            .code
            .parse()
            .map_err(|e: Error| fail(line, "code", e.to_string()))?;
        let parent = match row.parent_code.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(
                text.parse::<DivisionCode>()
                    .map_err(|e| fail(line, "parent_code", e.to_string()))?,
            ),
        };
        if let Some(parent) = &parent
            && !code.is_within(parent)
        {
            return Err(fail(
                line,
                "parent_code",
                format!("{code} does not lie inside {parent}"),
            ));
        }
        if records.iter().any(|r| r.code == code) {
            return Err(fail(line, "code", format!("{code} appears twice")));
        }
        records.push(DivisionRecord {
            code,
            name_zh: row.name_zh,
            name_en: row.name_en,
            parent,
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_rejects_with_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, "code,name_zh,name_en,level,parent_code\n371102,东港区,Donggang,county,371100\n371102001,日照街道,Rizhao,street,371102\n").unwrap();
        let records = read_division_table(&path).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].parent.as_ref().unwrap().as_str(), "371102");
        for (body, needle) in [
            ("37110X,a,b,county,\n", "line 2: field \"code\""),
            (
                "371102001,a,b,street,371103\n",
                "does not lie inside 371103",
            ),
            (
                "371102,a,b,county,\n371102,a,b,county,\n",
                "line 3: field \"code\": 371102 appears twice",
            ),
        ] {
            std::fs::write(
                &path,
                format!("code,name_zh,name_en,level,parent_code\n{body}"),
            )
            .unwrap();
            let err = read_division_table(&path).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }
}
