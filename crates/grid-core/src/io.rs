//! Writing files so that a reader never sees half of one.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// The hidden temporary path next to `path` that [`write_atomic`] writes first.
pub fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes a file atomically: `write` fills a temporary file in the same folder, which is flushed,
/// synced and renamed over `path` only if `write` succeeds. A failure or a killed process leaves
/// any previous `path` untouched. Creates missing parent folders.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("hello.txt");
/// grid_core::io::write_atomic(&path, |w| Ok(w.write_all(b"hello")?))?;
/// assert_eq!(std::fs::read_to_string(&path)?, "hello");
/// # use std::io::Write;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>,
{
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    let tmp = temporary_path(path);
    let result = (|| -> Result<()> {
        let file = File::create(&tmp).map_err(|e| io_error(&tmp, e))?;
        let mut writer = BufWriter::new(file);
        write(&mut writer).map_err(|e| io_error(path, std::io::Error::other(e.to_string())))?;
        let file = writer
            .into_inner()
            .map_err(|e| io_error(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| io_error(&tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| io_error(path, e))
    })();
    if result.is_err() {
        // Best effort: the temporary file is hidden and named after this process either way.
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn failure_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, |w| Ok(w.write_all(b"old")?)).unwrap();
        let err = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err("boom".into())
        })
        .unwrap_err();
        assert!(err.to_string().contains("boom"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert!(!temporary_path(&path).exists());
    }

    #[test]
    fn creates_parent_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x/y/z.txt");
        write_atomic(&path, |w| Ok(w.write_all(b"z")?)).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "z");
    }
}
