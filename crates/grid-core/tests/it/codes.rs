//! The bundled code tables load, agree with the files in data/, and reject bad rows with the
//! file, line and field.

use std::fs;

use grid_core::codes::{ClassOrigin, TimeLimitUnit};
use grid_core::{ClassCatalog, ComponentCode, DivisionCode, DivisionLevel, Error};

use super::{read_csv, repo_path};

#[test]
fn bundled_catalog_equals_the_data_folder() {
    let bundled = ClassCatalog::bundled().unwrap();
    let loaded = ClassCatalog::load(&repo_path("data/codes/std2013")).unwrap();
    assert_eq!(bundled.edition(), "std2013");
    assert_eq!(loaded.edition(), "std2013");
    let codes = |c: &ClassCatalog| {
        (
            c.component_classes()
                .map(|k| k.code.to_string())
                .collect::<Vec<_>>(),
            c.event_classes()
                .map(|k| k.code.to_string())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(codes(&bundled), codes(&loaded));
    let rows = read_csv(&repo_path("data/codes/std2013/component_classes.csv"));
    assert_eq!(bundled.component_classes().count(), rows.len());
    let rows = read_csv(&repo_path("data/codes/std2013/event_classes.csv"));
    assert_eq!(bundled.event_classes().count(), rows.len());
    assert_eq!(bundled.component_major_classes().count(), 7);
    assert_eq!(bundled.event_major_classes().count(), 6);
}

#[test]
fn component_codes_are_classified_by_the_catalog() {
    let catalog = ClassCatalog::bundled().unwrap();
    let cover: ComponentCode = "3711020101000001".parse().unwrap();
    assert_eq!(
        catalog.classify_component(&cover).unwrap().name_en,
        "water supply manhole cover"
    );
    let unknown: ComponentCode = "3711020199000001".parse().unwrap();
    let err = catalog
        .classify_component(&unknown)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("class 0199 is not in the std2013 class table"),
        "{err}"
    );
}

#[test]
fn local_tables_add_and_override_classes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("event_classes.csv"),
        "code,major_code,name_zh,name_en,default_time_limit\n\
         0601,06,共享单车堆积,piled-up shared bikes,3 work_hours\n\
         0505,05,机动车乱停放,illegally parked motor vehicle,1 work_days\n",
    )
    .unwrap();
    let mut catalog = ClassCatalog::bundled().unwrap();
    catalog.extend_local(dir.path()).unwrap();
    let added = catalog.event_class(&"0601".parse().unwrap()).unwrap();
    assert_eq!(added.origin, ClassOrigin::Local);
    assert_eq!(added.time_limit.unwrap().unit, TimeLimitUnit::WorkHours);
    let replaced = catalog.event_class(&"0505".parse().unwrap()).unwrap();
    assert_eq!(replaced.origin, ClassOrigin::LocalOverride);
    assert_eq!(replaced.time_limit.unwrap().to_string(), "1 work_days");
    let kept = catalog.event_class(&"0101".parse().unwrap()).unwrap();
    assert_eq!(kept.origin, ClassOrigin::Standard);
}

/// Each bad row is reported with its file, line and field.
#[test]
fn bad_rows_name_file_line_and_field() {
    let header = "code,major_code,name_zh,name_en,default_time_limit\n";
    for (body, line, field, needle) in [
        (
            "0101,01,a,b,4 work_hours\n01x1,01,a,b,\n",
            3,
            "code",
            "contains 'x'",
        ),
        ("0101,02,a,b,\n", 2, "major_code", "does not match"),
        (
            "0901,09,a,b,\n",
            2,
            "major_code",
            "not in the major class table",
        ),
        (
            "0101,01,a,b,\n0102,01,a,b,\n0101,01,a,b,\n",
            4,
            "code",
            "first on line 2",
        ),
        (
            "0101,01,a,b,4 fortnights\n",
            2,
            "default_time_limit",
            "work_hours or work_days",
        ),
        ("0101,01,a,b\n", 2, "?", "found record with 4 fields"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event_classes.csv");
        fs::write(&path, format!("{header}{body}")).unwrap();
        let mut catalog = ClassCatalog::bundled().unwrap();
        match catalog.extend_local(dir.path()).unwrap_err() {
            Error::Table {
                path: p,
                line: l,
                field: f,
                message,
            } => {
                assert_eq!(p, path);
                assert_eq!((l, f.as_str()), (line, field), "{message}");
                assert!(message.contains(needle), "{message}");
            }
            other => panic!("expected a table error, got {other}"),
        }
    }
}

#[test]
fn an_empty_local_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = ClassCatalog::bundled()
        .unwrap()
        .extend_local(dir.path())
        .unwrap_err();
    assert!(err.to_string().contains("no class tables found"), "{err}");
}

#[test]
fn a_missing_edition_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = ClassCatalog::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("component_major_classes.csv"), "{err}");
}

#[test]
fn rizhao_division_table_is_consistent() {
    let rows = read_csv(&repo_path("data/rizhao/divisions.csv"));
    assert!(rows.len() > 30);
    for row in rows {
        let code: DivisionCode = row["code"].parse().unwrap();
        let level = match row["level"].as_str() {
            "city" => DivisionLevel::Prefecture,
            "county" => DivisionLevel::County,
            "street" => DivisionLevel::Street,
            other => panic!("unknown level {other}"),
        };
        assert_eq!(code.level(), level, "{code}");
        if !row["parent_code"].is_empty() {
            let parent: DivisionCode = row["parent_code"].parse().unwrap();
            assert!(code.is_within(&parent), "{code} not within {parent}");
        }
    }
}
