//! Scanning a directory: a root filesystem (`drydock rootfs`) or a project
//! tree (`drydock fs`).
//!
//! Symlinks are never followed (no loops, nothing outside the root is read);
//! wanted symlinks are resolved lexically inside the root instead. Special
//! files are skipped, and so are the kernel's virtual trees (`proc`, `sys`,
//! `dev`) of a live root. Only files an analyzer wants are opened.

use crate::merge::{Merged, MergedFile};
use crate::path::resolve_link;
use crate::scan::ImageScan;
use crate::{ImageError, Progress};
use drydock_core::analyze::FileOutput;
use drydock_core::{Analyzer, Artifact, ArtifactKind, ScanWarning};
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Options of a directory scan.
pub struct DirOptions<'a> {
    pub analyzers: &'a [Box<dyn Analyzer>],
    /// Honour `.gitignore`/`.ignore` files (project trees); off for root filesystems.
    pub respect_gitignore: bool,
    /// Paths (absolute) never entered, e.g. drydock's own cache.
    pub skip: Vec<PathBuf>,
    pub progress: Option<&'a dyn Progress>,
}

/// Scans `root` as a root filesystem or a project tree.
pub fn scan_dir(
    root: &Path,
    kind: ArtifactKind,
    opts: &DirOptions<'_>,
) -> Result<ImageScan, ImageError> {
    let meta = fs::metadata(root).map_err(|e| ImageError::io(root.display().to_string(), e))?;
    if !meta.is_dir() {
        return Err(ImageError::Usage(format!(
            "{} is not a directory",
            root.display()
        )));
    }
    let root_abs =
        fs::canonicalize(root).map_err(|e| ImageError::io(root.display().to_string(), e))?;
    let live_root = root_abs == Path::new("/");
    let skip: Vec<PathBuf> = opts
        .skip
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();

    let files: Mutex<BTreeMap<String, FileOutput>> = Mutex::new(BTreeMap::new());
    let symlinks: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    let warnings: Mutex<Vec<ScanWarning>> = Mutex::new(Vec::new());

    let mut builder = ignore::WalkBuilder::new(&root_abs);
    builder
        .follow_links(false)
        .hidden(false)
        .parents(false)
        .git_ignore(opts.respect_gitignore)
        .git_global(false)
        .git_exclude(opts.respect_gitignore)
        .ignore(opts.respect_gitignore)
        .require_git(false)
        .same_file_system(false);
    let root_for_filter = root_abs.clone();
    builder.filter_entry(move |e| {
        let p = e.path();
        if e.depth() == 1
            && live_root
            && let Some(name) = p.file_name().and_then(|n| n.to_str())
            && drydock_core::analyze::LIVE_ROOT_SKIP.contains(&name)
        {
            return false;
        }
        if e.depth() > 0 && e.file_type().is_some_and(|t| t.is_dir()) && skip.iter().any(|s| s == p)
        {
            return false;
        }
        let _ = &root_for_filter;
        true
    });

    builder.build_parallel().run(|| {
        // Per walker thread: the read buffer and the wanted-analyzer list are
        // reused from file to file instead of allocated per file.
        let mut buf: Vec<u8> = Vec::new();
        let mut wanted: Vec<&dyn Analyzer> = Vec::new();
        let (files, symlinks, warnings, root_abs) = (&files, &symlinks, &warnings, &root_abs);
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    if let Ok(mut w) = warnings.lock() {
                        w.push(ScanWarning::from_walk(root_abs, &e));
                    }
                    return ignore::WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if !(ft.is_file() || ft.is_symlink()) {
                return ignore::WalkState::Continue;
            }
            let Ok(rel) = entry.path().strip_prefix(root_abs) else {
                return ignore::WalkState::Continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.is_empty() {
                return ignore::WalkState::Continue;
            }
            wanted.clear();
            // The walk's lstat is the only stat of a file: its size decides the
            // analyzers and the size limit; the read itself is bounded too.
            let mut size = 0;
            if ft.is_file() {
                let executable = match entry.metadata() {
                    Ok(m) => {
                        use std::os::unix::fs::PermissionsExt;
                        size = m.len();
                        m.permissions().mode() & 0o111 != 0
                    }
                    Err(e) => {
                        if let Ok(mut w) = warnings.lock() {
                            w.push(ScanWarning {
                                input: rel,
                                message: format!("could not stat: {e}"),
                            });
                        }
                        return ignore::WalkState::Continue;
                    }
                };
                wanted.extend(
                    opts.analyzers
                        .iter()
                        .filter(|a| a.wants_file(&rel, size, executable))
                        .map(|a| a.as_ref()),
                );
            } else {
                wanted.extend(
                    opts.analyzers
                        .iter()
                        .filter(|a| a.wants(&rel))
                        .map(|a| a.as_ref()),
                );
            }
            if wanted.is_empty() {
                return ignore::WalkState::Continue;
            }
            if ft.is_symlink() {
                if let Ok(t) = fs::read_link(entry.path()) {
                    let target = resolve_link(&rel, &t.to_string_lossy());
                    if let Ok(mut s) = symlinks.lock() {
                        s.insert(rel, target);
                    }
                }
                return ignore::WalkState::Continue;
            }
            let mut warns = Vec::new();
            let out = analyze_file(entry.path(), &rel, size, &wanted, &mut buf, &mut warns);
            if !warns.is_empty()
                && let Ok(mut w) = warnings.lock()
            {
                w.extend(warns);
            }
            if let Some(p) = opts.progress {
                p.advance(1);
            }
            // A directory has no layers to shadow: a file that yields nothing
            // needs no entry in the merged view.
            if let Some(out) = out
                && !out.is_empty()
                && let Ok(mut f) = files.lock()
            {
                f.insert(rel, out);
            }
            ignore::WalkState::Continue
        })
    });

    let files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    let merged = Merged {
        files: files
            .into_iter()
            .map(|(path, output)| MergedFile {
                path,
                layer: None,
                output,
            })
            .collect(),
        symlinks: symlinks.into_inner().unwrap_or_else(|e| e.into_inner()),
    };
    let mut warnings = warnings.into_inner().unwrap_or_else(|e| e.into_inner());
    warnings.sort_by(|a, b| (&a.input, &a.message).cmp(&(&b.input, &b.message)));
    let findings = merged
        .files
        .iter()
        .flat_map(|f| {
            f.output.findings.iter().cloned().map(|mut x| {
                if x.location.path.is_empty() {
                    x.location.path = f.path.clone();
                }
                x
            })
        })
        .collect();
    Ok(ImageScan {
        artifact: Artifact {
            name: root.display().to_string(),
            kind,
            ..Artifact::default()
        },
        merged,
        warnings,
        findings,
    })
}

/// Largest read buffer a walker thread keeps between files.
const KEPT_BUFFER: usize = 4 << 20;

/// Reads `path` (of `size` bytes by the walk's lstat) into `buf` and runs the
/// analyzers on it. The file is opened without following a symlink (it may
/// have been swapped for one since the walk) nor blocking (nor for a FIFO).
fn analyze_file(
    path: &Path,
    rel: &str,
    size: u64,
    wanted: &[&dyn Analyzer],
    buf: &mut Vec<u8>,
    warnings: &mut Vec<ScanWarning>,
) -> Option<FileOutput> {
    let max = wanted.iter().map(|a| a.max_size()).max().unwrap_or(0);
    let too_large = |size: u64| ScanWarning {
        input: rel.to_string(),
        message: format!("file of {size} bytes is larger than the {max}-byte limit; skipped"),
    };
    if size > max {
        warnings.push(too_large(size));
        return None;
    }
    if size > crate::walker::LARGE_FILE && wanted.iter().all(|a| a.reads_large()) {
        // Read by ranges straight from the file: a big binary is never held whole.
        let file = match open_no_follow(path) {
            Ok(f) => f,
            Err(e) => {
                warnings.push(ScanWarning {
                    input: rel.to_string(),
                    message: format!("could not read: {e}"),
                });
                return None;
            }
        };
        return Some(crate::walker::analyze_each(
            wanted,
            rel,
            size,
            rel,
            warnings,
            |a| a.analyze_large(rel, &file, size),
        ));
    }
    buf.clear();
    if buf.capacity() > KEPT_BUFFER {
        buf.shrink_to(KEPT_BUFFER);
    }
    // `size <= max` here, so the reservation is bounded by the analyzers' limit.
    buf.reserve(size as usize);
    let read = open_no_follow(path).and_then(|f| f.take(max.saturating_add(1)).read_to_end(buf));
    if let Err(e) = read {
        warnings.push(ScanWarning {
            input: rel.to_string(),
            message: format!("could not read: {e}"),
        });
        return None;
    }
    // The file grew past the limit after the walk saw it.
    if buf.len() as u64 > max {
        warnings.push(too_large(buf.len() as u64));
        return None;
    }
    let buf = &buf[..];
    let size = buf.len() as u64;
    Some(crate::walker::analyze_each(
        wanted,
        rel,
        size,
        rel,
        warnings,
        |a| a.analyze(rel, buf),
    ))
}

/// Opens a file for reading, failing on a symlink (`ELOOP`) instead of
/// following it, and never waiting on a FIFO.
fn open_no_follow(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // No fstat after the open: a device swapped in is read only up to the
    // limit (then reported as too large), a FIFO gives EAGAIN or nothing.
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_no_follow_refuses_symlinks_and_never_blocks_on_fifos() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        fs::write(&target, b"outside").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_no_follow(&link).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ELOOP), "{err}");

        let mut s = String::new();
        open_no_follow(&target)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "outside");

        // A FIFO with no writer: a blocking open would hang here forever.
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path for the call's duration.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let mut buf = Vec::new();
        let n = open_no_follow(&fifo)
            .unwrap()
            .read_to_end(&mut buf)
            .unwrap();
        assert_eq!(n, 0);
    }
}
