//! `citygrid sample-city` regenerates the committed synthetic layers byte for byte.

use std::fs;

use super::{citygrid, path_str, repo_root, stderr};

#[test]
fn regenerates_the_committed_layers_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo_root().join("data/rizhao");
    for name in ["districts.geojson", "divisions.csv"] {
        fs::copy(data.join(name), dir.path().join(name)).unwrap();
    }
    let run = citygrid(&["sample-city", "--dir", path_str(dir.path())]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    for name in [
        "streets.geojson",
        "communities.geojson",
        "central_city.geojson",
    ] {
        let made = fs::read(dir.path().join(name)).unwrap();
        let committed = fs::read(data.join(name)).unwrap();
        assert!(
            made == committed,
            "{name} differs from data/rizhao/{name}: rerun `citygrid sample-city`"
        );
    }
    let streets =
        grid_core::io::read_feature_collection(&dir.path().join("streets.geojson")).unwrap();
    assert_eq!(streets.features.len(), 30);
    assert!(
        streets
            .features
            .iter()
            .all(|f| f.property("synthetic") == Some(&serde_json::Value::Bool(true)))
    );
}
