//! Reading and writing tables as CSV or Parquet, chosen by file extension.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, PolarsContext, Result};

/// The file formats of tables and point layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Comma-separated values with a header row, UTF-8.
    Csv,
    /// Apache Parquet (GeoParquet is Parquet with metadata).
    Parquet,
    /// GeoJSON FeatureCollection.
    GeoJson,
}

impl FileFormat {
    /// The format a path's extension names: `.csv`, `.parquet`/`.geoparquet`/`.pq`,
    /// `.geojson`/`.json`.
    pub fn from_path(path: &Path) -> Result<Self> {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv") => Ok(Self::Csv),
            Some("parquet" | "geoparquet" | "pq") => Ok(Self::Parquet),
            Some("geojson" | "json") => Ok(Self::GeoJson),
            _ => Err(Error::UnsupportedFormat {
                path: path.to_owned(),
                expected: ".csv, .parquet or .geojson",
            }),
        }
    }

    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Parquet => "Parquet",
            Self::GeoJson => "GeoJSON",
        }
    }
}

/// Reads a CSV or Parquet table.
///
/// CSV columns are all read as text, so that codes keep their leading zeros and no value is
/// reinterpreted; callers parse the columns they use, row by row, and report what fails.
pub fn read_table(path: &Path) -> Result<DataFrame> {
    match FileFormat::from_path(path)? {
        FileFormat::Csv => CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_raise_if_empty(false)
            .try_into_reader_with_file_path(Some(path.to_owned()))
            .and_then(SerReader::finish)
            .context(|| format!("reading {}", path.display())),
        FileFormat::Parquet => File::open(path)
            .map_err(|source| grid_core::Error::Io {
                path: path.to_owned(),
                source,
            })
            .map_err(Error::from)
            .and_then(|file| {
                ParquetReader::new(file)
                    .finish()
                    .context(|| format!("reading {}", path.display()))
            }),
        FileFormat::GeoJson => Err(Error::UnsupportedFormat {
            path: path.to_owned(),
            expected: ".csv or .parquet (a table)",
        }),
    }
}

/// Writes a table as CSV or Parquet (by extension), atomically: a reader sees the old file or
/// the complete new one, never a part.
pub fn write_table(df: &mut DataFrame, path: &Path) -> Result<()> {
    let format = FileFormat::from_path(path)?;
    let result = grid_core::io::write_atomic(path, |writer| {
        match format {
            FileFormat::Csv => CsvWriter::new(writer).include_header(true).finish(df)?,
            FileFormat::Parquet => {
                ParquetWriter::new(writer)
                    .with_compression(ParquetCompression::Snappy)
                    .finish(df)?;
            }
            FileFormat::GeoJson => {
                return Err("a table cannot be written as GeoJSON".into());
            }
        }
        Ok(())
    });
    result.map_err(Error::from)
}

/// The path of the rejected-rows file that goes with an output: `points.csv` →
/// `points.rejected.csv`.
pub fn rejected_path(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map_or_else(|| "output".into(), |s| s.to_string_lossy().into_owned());
    let extension = out
        .extension()
        .map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    out.with_file_name(format!("{stem}.rejected{extension}"))
}

/// Renames input columns to canonical names (`canonical → input` pairs, as a config maps them);
/// a mapped column the table lacks is an error naming both.
pub fn rename_columns<'a>(
    df: &mut DataFrame,
    table: &str,
    mapping: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<()> {
    for (canonical, column) in mapping {
        require_column(df, table, column)?;
        df.rename(column, canonical.into())
            .context(|| format!("{table}: renaming {column:?} to {canonical:?}"))?;
    }
    Ok(())
}

/// Looks up a column, or fails naming the table and listing the columns it has.
pub fn require_column<'a>(df: &'a DataFrame, table: &str, column: &str) -> Result<&'a Column> {
    df.column(column).map_err(|_| Error::MissingColumn {
        table: table.to_owned(),
        column: column.to_owned(),
        available: df
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            FileFormat::from_path(Path::new("a.CSV")).unwrap(),
            FileFormat::Csv
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.parquet")).unwrap(),
            FileFormat::Parquet
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.geojson")).unwrap(),
            FileFormat::GeoJson
        );
        let err = FileFormat::from_path(Path::new("a.xlsx"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a.xlsx") && err.contains("unsupported"),
            "{err}"
        );
    }

    #[test]
    fn rejected_path_keeps_the_extension() {
        assert_eq!(
            rejected_path(Path::new("d/p.csv")),
            Path::new("d/p.rejected.csv")
        );
        assert_eq!(
            rejected_path(Path::new("p.parquet")),
            Path::new("p.rejected.parquet")
        );
    }

    #[test]
    fn csv_round_trip_keeps_text_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "code,x\n0101,1.50\n0002,\n").unwrap();
        let mut df = read_table(&path).unwrap();
        assert_eq!(df.column("code").unwrap().dtype(), &DataType::String);
        let out = dir.path().join("u.csv");
        write_table(&mut df, &out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out).unwrap(),
            "code,x\n0101,1.50\n0002,\n"
        );
    }

    #[test]
    fn missing_column_lists_what_is_there() {
        let df = df!("a" => [1], "b" => [2]).unwrap();
        let err = require_column(&df, "t.csv", "lat").unwrap_err().to_string();
        assert_eq!(err, "t.csv: no column \"lat\" (columns: a, b)");
    }
}
