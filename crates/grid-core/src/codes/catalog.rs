//! [`ClassCatalog`]: the component and event class tables of one standard edition, plus a
//! city's local classes, loaded from CSV at run time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::class::{ClassCode, ClassKind, ComponentClassCode, EventClassCode};
use super::component::ComponentCode;
use super::time_limit::TimeLimit;
use crate::error::{Error, Result};

/// File names of the four tables inside an edition folder.
pub const COMPONENT_MAJOR_FILE: &str = "component_major_classes.csv";
/// Minor component classes.
pub const COMPONENT_FILE: &str = "component_classes.csv";
/// Major event classes.
pub const EVENT_MAJOR_FILE: &str = "event_major_classes.csv";
/// Minor event classes.
pub const EVENT_FILE: &str = "event_classes.csv";

/// Where a class came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClassOrigin {
    /// The standard edition's table.
    Standard,
    /// A city's local table, adding a class.
    Local,
    /// A city's local table, replacing a standard class (for example with its own time limit).
    LocalOverride,
}

/// A major class (大类).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MajorClass {
    /// Two digits.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Where it came from.
    pub origin: ClassOrigin,
}

/// A component class (部件小类).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentClass {
    /// Major + minor code.
    pub code: ComponentClassCode,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The department usually responsible (a default; each component records its own).
    pub typical_department: String,
    /// Disposal time limit for problems with this kind of component, if the table gives one
    /// (the bundled std2013 limits are the project's assumption; a city overrides them).
    pub time_limit: Option<TimeLimit>,
    /// Where it came from.
    pub origin: ClassOrigin,
}

/// An event class (事件小类).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventClass {
    /// Major + minor code.
    pub code: EventClassCode,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Default disposal time limit, if the table gives one.
    pub time_limit: Option<TimeLimit>,
    /// Where it came from.
    pub origin: ClassOrigin,
}

#[derive(Deserialize)]
struct MajorRow {
    major_code: String,
    name_zh: String,
    name_en: String,
}

#[derive(Deserialize)]
struct ComponentRow {
    code: String,
    major_code: String,
    name_zh: String,
    name_en: String,
    typical_department: String,
    #[serde(default)]
    default_time_limit: Option<String>,
}

#[derive(Deserialize)]
struct EventRow {
    code: String,
    major_code: String,
    name_zh: String,
    name_en: String,
    default_time_limit: Option<String>,
}

/// An optional `default_time_limit` cell: empty means none.
fn parse_time_limit(path: &Path, line: u64, text: Option<&str>) -> Result<Option<TimeLimit>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse::<TimeLimit>()
            .map(Some)
            .map_err(|e| table_error(path, line, "default_time_limit", e.to_string())),
    }
}

/// The class tables of one edition of the standard, with a city's local classes merged in.
///
/// An edition is a folder holding `component_major_classes.csv`, `component_classes.csv`,
/// `event_major_classes.csv` and `event_classes.csv` (see `data/codes/README.md`). A city's
/// local folder has the same files, any of them optional: rows with new codes add classes, rows
/// with existing codes replace them (for local time limits), and both are marked in
/// [`ClassOrigin`].
///
/// ```
/// use grid_core::ClassCatalog;
/// let catalog = ClassCatalog::bundled()?;
/// let bin = catalog.component_class(&"0305".parse()?).unwrap();
/// assert_eq!(bin.name_en, "litter bin");
/// assert_eq!(bin.time_limit.unwrap().to_string(), "1 work_days");
/// let parking = catalog.event_class(&"0505".parse()?).unwrap();
/// assert_eq!(parking.time_limit.unwrap().to_string(), "2 work_hours");
/// # Ok::<(), grid_core::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ClassCatalog {
    edition: String,
    component_majors: BTreeMap<String, MajorClass>,
    components: BTreeMap<ComponentClassCode, ComponentClass>,
    event_majors: BTreeMap<String, MajorClass>,
    events: BTreeMap<EventClassCode, EventClass>,
}

/// The edition shipped in `data/codes/std2013`, compiled in so that the library works anywhere.
const BUNDLED_EDITION: &str = "std2013";
const BUNDLED: [(&str, &str); 4] = [
    (
        COMPONENT_MAJOR_FILE,
        include_str!("../../../../data/codes/std2013/component_major_classes.csv"),
    ),
    (
        COMPONENT_FILE,
        include_str!("../../../../data/codes/std2013/component_classes.csv"),
    ),
    (
        EVENT_MAJOR_FILE,
        include_str!("../../../../data/codes/std2013/event_major_classes.csv"),
    ),
    (
        EVENT_FILE,
        include_str!("../../../../data/codes/std2013/event_classes.csv"),
    ),
];

/// The four table files of a folder, in the order `merge` takes them: (path, text) of each file
/// that is present.
type TableFiles = [Option<(PathBuf, String)>; 4];

/// The four file names, in `TableFiles` order.
const FILES: [&str; 4] = [
    COMPONENT_MAJOR_FILE,
    COMPONENT_FILE,
    EVENT_MAJOR_FILE,
    EVENT_FILE,
];

fn read_rows<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<Vec<(u64, T)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let row = record
            .deserialize(Some(&headers))
            .map_err(|e| csv_error(path, &e).at_line(line))?;
        rows.push((line, row));
    }
    Ok(rows)
}

fn csv_error(path: &Path, error: &csv::Error) -> Error {
    let line = error.position().map_or(0, csv::Position::line);
    let field = match error.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err
            .field()
            .map_or_else(|| "?".to_owned(), |index| format!("column {}", index + 1)),
        _ => "?".to_owned(),
    };
    if line == 0 {
        return Error::Format {
            path: path.to_owned(),
            message: error.to_string(),
        };
    }
    Error::Table {
        path: path.to_owned(),
        line,
        field,
        message: error.to_string(),
    }
}

impl Error {
    /// Gives a table error the line it happened on, when the error itself does not know it.
    fn at_line(self, at: u64) -> Self {
        match self {
            Error::Format { path, message } => Error::Table {
                path,
                line: at,
                field: "?".to_owned(),
                message,
            },
            Error::Table {
                path,
                line: 0,
                field,
                message,
            } => Error::Table {
                path,
                line: at,
                field,
                message,
            },
            other => other,
        }
    }
}

fn table_error(path: &Path, line: u64, field: &str, message: impl Into<String>) -> Error {
    Error::Table {
        path: path.to_owned(),
        line,
        field: field.to_owned(),
        message: message.into(),
    }
}

fn parse_code<K: ClassKind>(path: &Path, line: u64, code: &str) -> Result<ClassCode<K>> {
    code.parse()
        .map_err(|e: Error| table_error(path, line, "code", e.to_string()))
}

impl ClassCatalog {
    /// The edition shipped with citygrid (the 2007–2013 standards generation, `data/codes/std2013`).
    pub fn bundled() -> Result<Self> {
        let files = BUNDLED.map(|(name, text)| {
            let path = Path::new("data/codes").join(BUNDLED_EDITION).join(name);
            Some((path, text.to_owned()))
        });
        let mut catalog = Self {
            edition: BUNDLED_EDITION.to_owned(),
            ..Self::default()
        };
        catalog.merge(&files, false)?;
        Ok(catalog)
    }

    /// Loads an edition folder; all four tables are required. The edition is named after the
    /// folder.
    pub fn load(dir: &Path) -> Result<Self> {
        let mut files = TableFiles::default();
        for (slot, name) in files.iter_mut().zip(FILES) {
            let path = dir.join(name);
            let text = read_text(&path)?;
            *slot = Some((path, text));
        }
        let mut catalog = Self {
            edition: dir.file_name().map_or_else(
                || dir.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            ..Self::default()
        };
        catalog.merge(&files, false)?;
        Ok(catalog)
    }

    /// Merges a city's local tables from `dir`: any of the four files, each optional.
    pub fn extend_local(&mut self, dir: &Path) -> Result<()> {
        let mut files = TableFiles::default();
        for (slot, name) in files.iter_mut().zip(FILES) {
            let path = dir.join(name);
            if path.exists() {
                let text = read_text(&path)?;
                *slot = Some((path, text));
            }
        }
        if files.iter().all(Option::is_none) {
            return Err(Error::Format {
                path: dir.to_owned(),
                message: format!(
                    "no class tables found; expected any of {}",
                    FILES.join(", ")
                ),
            });
        }
        self.merge(&files, true)
    }

    fn merge(&mut self, files: &TableFiles, local: bool) -> Result<()> {
        let [component_majors, components, event_majors, events] = files;
        let origin_for = |exists: bool| match (local, exists) {
            (false, _) => ClassOrigin::Standard,
            (true, false) => ClassOrigin::Local,
            (true, true) => ClassOrigin::LocalOverride,
        };
        if let Some((path, text)) = component_majors {
            merge_majors(&mut self.component_majors, path, text, &origin_for)?;
        }
        if let Some((path, text)) = event_majors {
            merge_majors(&mut self.event_majors, path, text, &origin_for)?;
        }
        if let Some((path, text)) = components {
            let mut seen = BTreeMap::new();
            for (line, row) in read_rows::<ComponentRow>(path, text)? {
                let code = parse_code(path, line, &row.code)?;
                check_row(
                    path,
                    line,
                    code.major(),
                    &row.major_code,
                    &self.component_majors,
                )?;
                check_duplicate(path, line, &mut seen, code.as_str())?;
                let time_limit = parse_time_limit(path, line, row.default_time_limit.as_deref())?;
                let origin = origin_for(self.components.contains_key(&code));
                self.components.insert(
                    code.clone(),
                    ComponentClass {
                        code,
                        name_zh: row.name_zh,
                        name_en: row.name_en,
                        typical_department: row.typical_department,
                        time_limit,
                        origin,
                    },
                );
            }
        }
        if let Some((path, text)) = events {
            let mut seen = BTreeMap::new();
            for (line, row) in read_rows::<EventRow>(path, text)? {
                let code = parse_code(path, line, &row.code)?;
                check_row(
                    path,
                    line,
                    code.major(),
                    &row.major_code,
                    &self.event_majors,
                )?;
                check_duplicate(path, line, &mut seen, code.as_str())?;
                let time_limit = parse_time_limit(path, line, row.default_time_limit.as_deref())?;
                let origin = origin_for(self.events.contains_key(&code));
                self.events.insert(
                    code.clone(),
                    EventClass {
                        code,
                        name_zh: row.name_zh,
                        name_en: row.name_en,
                        time_limit,
                        origin,
                    },
                );
            }
        }
        self.check_minor_width()
    }

    /// Every class of one catalog has the same minor-code width (2 or 3 digits).
    fn check_minor_width(&self) -> Result<()> {
        let widths: Vec<usize> = self
            .components
            .keys()
            .map(ClassCode::minor_width)
            .chain(self.events.keys().map(ClassCode::minor_width))
            .collect();
        if let (Some(min), Some(max)) = (widths.iter().min(), widths.iter().max())
            && min != max
        {
            return Err(Error::Format {
                path: PathBuf::from(&self.edition),
                message: "class codes mix 2-digit and 3-digit minor classes; one edition \
                          uses one width"
                    .to_owned(),
            });
        }
        Ok(())
    }

    /// The edition's name (its folder name).
    pub fn edition(&self) -> &str {
        &self.edition
    }

    /// A component class by code.
    pub fn component_class(&self, code: &ComponentClassCode) -> Option<&ComponentClass> {
        self.components.get(code)
    }

    /// An event class by code.
    pub fn event_class(&self, code: &EventClassCode) -> Option<&EventClass> {
        self.events.get(code)
    }

    /// The class of a component code, or an error naming the code if the catalog lacks it.
    pub fn classify_component(&self, code: &ComponentCode) -> Result<&ComponentClass> {
        self.component_class(code.class_code()).ok_or_else(|| {
            Error::invalid_code(
                "component code",
                code.as_str(),
                format!(
                    "class {} is not in the {} class table",
                    code.class_code(),
                    self.edition
                ),
            )
        })
    }

    /// All component classes, in code order.
    pub fn component_classes(&self) -> impl Iterator<Item = &ComponentClass> {
        self.components.values()
    }

    /// All event classes, in code order.
    pub fn event_classes(&self) -> impl Iterator<Item = &EventClass> {
        self.events.values()
    }

    /// Component major classes, in code order.
    pub fn component_major_classes(&self) -> impl Iterator<Item = &MajorClass> {
        self.component_majors.values()
    }

    /// Event major classes, in code order.
    pub fn event_major_classes(&self) -> impl Iterator<Item = &MajorClass> {
        self.event_majors.values()
    }
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

fn merge_majors(
    majors: &mut BTreeMap<String, MajorClass>,
    path: &Path,
    text: &str,
    origin_for: &impl Fn(bool) -> ClassOrigin,
) -> Result<()> {
    let mut seen = BTreeMap::new();
    for (line, row) in read_rows::<MajorRow>(path, text)? {
        let code = row.major_code;
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) || code == "00" {
            return Err(table_error(
                path,
                line,
                "major_code",
                format!("{code:?} is not a 2-digit major class from 01 to 99"),
            ));
        }
        check_duplicate(path, line, &mut seen, &code)?;
        let origin = origin_for(majors.contains_key(&code));
        majors.insert(
            code.clone(),
            MajorClass {
                code,
                name_zh: row.name_zh,
                name_en: row.name_en,
                origin,
            },
        );
    }
    Ok(())
}

fn check_row(
    path: &Path,
    line: u64,
    code_major: &str,
    major_code: &str,
    majors: &BTreeMap<String, MajorClass>,
) -> Result<()> {
    if code_major != major_code {
        return Err(table_error(
            path,
            line,
            "major_code",
            format!("{major_code:?} does not match the code's first two digits {code_major:?}"),
        ));
    }
    if !majors.contains_key(major_code) {
        return Err(table_error(
            path,
            line,
            "major_code",
            format!("major class {major_code:?} is not in the major class table"),
        ));
    }
    Ok(())
}

fn check_duplicate(
    path: &Path,
    line: u64,
    seen: &mut BTreeMap<String, u64>,
    code: &str,
) -> Result<()> {
    if let Some(first) = seen.insert(code.to_owned(), line) {
        return Err(table_error(
            path,
            line,
            "code",
            format!("{code} appears twice (first on line {first})"),
        ));
    }
    Ok(())
}
