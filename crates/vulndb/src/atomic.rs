//! Replacing the live database file safely.
//!
//! Every change (import, update) builds a complete new file beside the live one, fsyncs it,
//! renames it over the old one and fsyncs the directory. A rename within one directory is
//! atomic, so a reader (or a process killed at any moment) sees either the old file or the
//! new one, never a mix. Writers take an advisory lock on `<db>.lock` so two updates cannot
//! race; leftovers of killed writers are removed by the next one.

use crate::error::{Error, Result};
use crate::store::{BuildOptions, Writer};
use drydock_core::DbInfo;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a new database starts from when none exists at the path yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seed {
    /// An empty database.
    #[default]
    Empty,
    /// The baseline shipped with drydock.
    Baseline,
}

/// An exclusive lock on `<db>.lock`, released on drop (and by the kernel if the process dies).
/// Taking it also removes what killed writers left behind.
pub(crate) struct WriteLock {
    _file: File,
}

pub(crate) fn lock(db_path: &Path) -> Result<WriteLock> {
    let dir = dir_of(db_path);
    fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    let lock_path = sibling(db_path, ".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(Error::io(&lock_path))?;
    match file.try_lock() {
        Ok(()) => {
            // Holding the lock, any temporary file beside the database is a killed writer's.
            remove_stale_temps(db_path);
            Ok(WriteLock { _file: file })
        }
        Err(fs::TryLockError::WouldBlock) => Err(Error::Locked {
            path: db_path.to_path_buf(),
        }),
        Err(fs::TryLockError::Error(e)) => Err(Error::Io {
            path: lock_path,
            source: e,
        }),
    }
}

/// `<db>` + suffix, in the same directory.
pub(crate) fn sibling(db_path: &Path, suffix: &str) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    db_path.with_file_name(name)
}

pub(crate) fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The prefix of temporary files beside `db_path`: `.<db file name>.tmp-`.
pub(crate) fn temp_prefix(db_path: &Path) -> String {
    format!(
        ".{}.tmp-",
        db_path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    )
}

/// Removes temporary files a killed writer left behind. Only called with the lock held, so
/// no live writer owns them.
fn remove_stale_temps(db_path: &Path) {
    let dir = dir_of(db_path);
    let prefix = temp_prefix(db_path);
    if let Ok(entries) = fs::read_dir(&dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// A new temporary file beside `db_path`, removed on drop unless persisted.
pub(crate) fn temp_beside(db_path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = dir_of(db_path);
    fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    tempfile::Builder::new()
        .prefix(&temp_prefix(db_path))
        .tempfile_in(&dir)
        .map_err(Error::io(&dir))
}

/// Fsyncs `tmp` and renames it over `dest`, then fsyncs the directory so the rename itself
/// survives a crash.
pub(crate) fn persist(tmp: tempfile::NamedTempFile, dest: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates 0600; a cache database holds public data.
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o644))
            .map_err(Error::io(tmp.path()))?;
    }
    tmp.as_file().sync_all().map_err(Error::io(tmp.path()))?;
    tmp.persist(dest).map_err(|e| Error::Io {
        path: dest.to_path_buf(),
        source: e.error,
    })?;
    let dir = dir_of(dest);
    // Directories cannot be fsynced on every platform; where they can, do.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Builds a new version of the database at `db_path` with `build`, then swaps it in. The
/// caller holds the write lock.
///
/// The new file starts as a copy of the current one (or from `seed` when there is none, or
/// when the current one has an older schema, which cannot be updated in place); on any error
/// the live file is untouched and the copy is removed.
pub(crate) fn rebuild<T>(
    _lock: &WriteLock,
    db_path: &Path,
    seed: Seed,
    opts: BuildOptions,
    build: impl FnOnce(&mut Writer) -> Result<T>,
) -> Result<(T, DbInfo)> {
    let tmp = temp_beside(db_path)?;
    let reuse = db_path.exists()
        && match crate::store::Db::open(db_path) {
            Ok(_) => true,
            Err(Error::Schema { .. }) => false,
            Err(e) => return Err(e),
        };
    if reuse {
        fs::copy(db_path, tmp.path()).map_err(Error::io(db_path))?;
    } else if seed == Seed::Baseline {
        let mut f = tmp.as_file();
        crate::baseline::decompress_into(&mut f)?;
        f.flush().map_err(Error::io(tmp.path()))?;
    }
    let mut writer = Writer::open(tmp.path(), opts)?;
    let out = build(&mut writer)?;
    let info = writer.finish()?;
    persist(tmp, db_path)?;
    Ok((out, info))
}
