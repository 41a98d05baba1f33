//! Secrets in a directory tree (`drydock fs`, `rootfs`): a parallel walk with
//! the `ignore` crate that honours `.gitignore` unless told not to, reads each
//! wanted file once and hands it to the engine.

use crate::engine::SecretScanner;
use crate::{Error, ScanOutput, to_finding};
use drydock_core::{Location, ScanWarning};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Options of [`scan_dir`].
pub struct DirOptions<'a> {
    pub scanner: &'a SecretScanner,
    /// Honour `.gitignore`, `.ignore` and `.git/info/exclude` (project trees).
    pub respect_gitignore: bool,
    /// Absolute paths never entered (drydock's cache).
    pub skip: Vec<PathBuf>,
    /// Worker threads; 0 lets the walker choose (one per core).
    pub threads: usize,
}

impl<'a> DirOptions<'a> {
    pub fn new(scanner: &'a SecretScanner) -> DirOptions<'a> {
        DirOptions {
            scanner,
            respect_gitignore: true,
            skip: Vec::new(),
            threads: 0,
        }
    }
}

/// Scans every text file under `root`. Symlinks are not followed; `.git`
/// directories are skipped (use [`crate::scan_git`] for history). Paths in
/// findings are relative to `root`, `/`-separated. Findings are sorted by path and line.
pub fn scan_dir(root: &Path, opts: &DirOptions<'_>) -> Result<ScanOutput, Error> {
    let io = |e: std::io::Error| Error::Io {
        path: root.display().to_string(),
        source: e,
    };
    let meta = std::fs::metadata(root).map_err(io)?;
    if !meta.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "not a directory",
        )));
    }
    let root = std::fs::canonicalize(root).map_err(io)?;
    let skip: Vec<PathBuf> = opts
        .skip
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let out = Mutex::new(ScanOutput::default());

    let mut builder = ignore::WalkBuilder::new(&root);
    builder
        .follow_links(false)
        .hidden(false)
        .parents(false)
        .git_ignore(opts.respect_gitignore)
        .git_global(false)
        .git_exclude(opts.respect_gitignore)
        .ignore(opts.respect_gitignore)
        .require_git(false)
        .threads(opts.threads);
    builder.filter_entry(move |e| {
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        !(is_dir && (e.file_name() == ".git" || skip.iter().any(|s| s == e.path())))
    });

    let scanner = opts.scanner;
    let (out_ref, root_ref) = (&out, &root);
    builder.build_parallel().run(|| {
        let (out, root) = (out_ref, root_ref);
        // One read buffer per walker thread, reused for every file: no
        // allocation, and no fresh pages to fault in, per file.
        let mut buf: Vec<u8> = Vec::new();
        Box::new(move |entry| {
            let warn = |input: String, message: String| {
                if let Ok(mut o) = out.lock() {
                    o.warnings.push(ScanWarning { input, message });
                }
            };
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let w = ScanWarning::from_walk(root, &e);
                    warn(w.input, w.message);
                    return ignore::WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if !scanner.wants(&rel, size) {
                return ignore::WalkState::Continue;
            }
            buf.clear();
            // `size` from the walk's lstat; `take` keeps a file that grew meanwhile within the cap.
            let read = std::fs::File::open(entry.path())
                .and_then(|f| f.take(scanner.max_file_size()).read_to_end(&mut buf));
            if let Err(e) = read {
                warn(rel, e.to_string());
                return ignore::WalkState::Continue;
            }
            let content = &buf[..];
            let found = scanner.scan_bytes(&rel, content);
            if let Ok(mut o) = out.lock() {
                o.files += 1;
                o.bytes += content.len() as u64;
                o.findings.extend(
                    found
                        .iter()
                        .map(|f| to_finding(f, Location::file(rel.clone()))),
                );
            }
            ignore::WalkState::Continue
        })
    });
    let mut out = out
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    out.findings.sort_by(|a, b| {
        (&a.location.path, a.location.line, &a.id).cmp(&(&b.location.path, b.location.line, &b.id))
    });
    out.warnings.sort_by(|a, b| a.input.cmp(&b.input));
    Ok(out)
}
