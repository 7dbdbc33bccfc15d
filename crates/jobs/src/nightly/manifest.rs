//! `manifest.json`: what a run read (with checksums and row counts), how it was configured, what
//! each stage did and how long it took, and what it wrote. Everything in it but `seconds`,
//! `peak_memory_mb` and `status` is the same for the same inputs and configuration.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's own format version.
pub const MANIFEST_VERSION: u32 = 1;

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Manifest {
    /// Format version of this file.
    pub manifest_version: u32,
    /// citygrid's version and the formats written.
    pub versions: BTreeMap<String, String>,
    /// The run's cut-off ("YYYY-MM-DD HH:MM:SS") and folder name.
    pub as_of: String,
    /// The folder name.
    pub folder: String,
    /// The configuration in force (defaults filled in).
    pub config: serde_json::Value,
    /// Every file read from outside the run, by role.
    pub inputs: Vec<InputFile>,
    /// The stages in the order they ran.
    pub stages: Vec<StageRecord>,
    /// Every file in the run folder but this one.
    pub outputs: Vec<OutputFile>,
    /// Rejected rows by stage and reason.
    pub rejected: BTreeMap<String, BTreeMap<String, u64>>,
    /// All rejected rows.
    pub rejected_total: u64,
}

/// A file (or folder of files) read from outside the run.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct InputFile {
    /// What it is (cases, grids, codes, calendar…).
    pub role: String,
    /// Its path as given.
    pub path: String,
    /// SHA-256 of its bytes (of a folder: of its files' names and checksums, sorted).
    pub sha256: String,
    /// Size in bytes (a folder: the sum over its files).
    pub bytes: u64,
    /// Data rows, where the file is a table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
}

/// What a stage did.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct StageRecord {
    /// Stage name.
    pub name: String,
    /// `ran`, `skipped (inputs unchanged)` or `not configured`.
    pub status: String,
    /// Wall time in seconds (0 when skipped).
    pub seconds: f64,
    /// Peak resident memory of the process during the stage, MB (Linux; the peak is reset at
    /// each stage's start).
    pub peak_memory_mb: Option<f64>,
    /// SHA-256 over the stage's inputs and parameters: a rerun with the same key reuses the
    /// outputs of the previous run.
    pub key: String,
    /// The equivalent `citygrid` commands, to rerun the stage by hand.
    pub commands: Vec<String>,
    /// Files written, relative to the run folder.
    pub outputs: Vec<String>,
    /// Whether the stage rejected rows.
    pub rejected_rows: bool,
}

/// A file the run wrote.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct OutputFile {
    /// Path relative to the run folder.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// SHA-256 and size of a file, or of a folder's files (names and checksums, sorted).
pub fn checksum(path: &Path) -> Result<(String, u64)> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .with_context(|| format!("listing {}", path.display()))?
            .collect::<std::io::Result<Vec<_>>>()?;
        entries.sort_by_key(|e| e.file_name());
        let mut hasher = Sha256::new();
        let mut bytes = 0;
        for entry in entries {
            let (sha, size) = checksum(&entry.path())?;
            hasher.update(entry.file_name().to_string_lossy().as_bytes());
            hasher.update(b"\0");
            hasher.update(sha.as_bytes());
            hasher.update(b"\n");
            bytes += size;
        }
        return Ok((hex(&hasher.finalize()), bytes));
    }
    let mut file =
        std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file
            .read(&mut buffer)
            .with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok((hex(&hasher.finalize()), bytes))
}

/// SHA-256 of a text.
pub fn text_checksum(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Manifest {
    /// Reads a run's manifest, if it has a readable one.
    pub fn read(dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// The record of a stage.
    pub fn stage(&self, name: &str) -> Option<&StageRecord> {
        self.stages.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_sha256_test_vectors() {
        // FIPS 180-2 example "abc".
        assert_eq!(
            text_checksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "abc").unwrap();
        let (sha, bytes) = checksum(&dir.path().join("a.txt")).unwrap();
        assert_eq!(sha, text_checksum("abc"));
        assert_eq!(bytes, 3);
        let (folder, total) = checksum(dir.path()).unwrap();
        assert_eq!(total, 3);
        std::fs::write(dir.path().join("b.txt"), "d").unwrap();
        assert_ne!(checksum(dir.path()).unwrap().0, folder);
    }
}
