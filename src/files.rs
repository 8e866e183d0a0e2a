//! Writing files so that a failure never costs what was there: the bytes go to a temporary file
//! beside the target, are flushed to disk, and replace the target by a rename, which is atomic
//! on one file system. A full disk, a killed process or a failing device leaves the old file
//! whole (a model trained for hours is not turned into 4 KiB of broken JSON).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The temporary file beside `path` that [`write_atomic`] writes first.
fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Replace `path` by what `write` writes, or leave it as it was: on any error of `write`, of
/// the flush or of the rename, the temporary file is removed and `path` is untouched.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temporary(path);
    let result = (|| {
        let mut f = File::create(&tmp)?;
        write(&mut f)?;
        f.flush()?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Replace `path` by `bytes`, atomically (see [`write_atomic_with`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// Whether a file can be written at `path` (its folder exists and takes a new file), found by
/// creating and removing the temporary file [`write_atomic`] would use: checked before hours of
/// training, not after.
pub fn check_writable(path: &Path) -> io::Result<()> {
    let tmp = temporary(path);
    File::create(&tmp)?;
    std::fs::remove_file(&tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("adsdl-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_write_that_fails_halfway_leaves_the_old_file_whole() {
        let dir = folder("full");
        let model = dir.join("model.json");
        std::fs::write(&model, "{\"the\": \"good model\"}").unwrap();
        // A disk that fills after 4 KiB, as a full tmpfs does.
        let err = write_atomic_with(&model, |f| {
            f.write_all(&[b'x'; 4096])?;
            Err(io::Error::from_raw_os_error(28)) // ENOSPC
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28));
        assert_eq!(
            std::fs::read_to_string(&model).unwrap(),
            "{\"the\": \"good model\"}"
        );
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "{left:?}");
        // A write that succeeds replaces it.
        write_atomic(&model, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&model).unwrap(), "new");
    }

    #[test]
    fn an_unwritable_folder_is_found_before_the_work() {
        let dir = folder("check");
        assert!(check_writable(&dir.join("m.json")).is_ok());
        assert!(check_writable(&dir.join("no/such/folder/m.json")).is_err());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }
}
