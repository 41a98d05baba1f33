//! One streaming pass over a layer blob.
//!
//! The blob is read once, start to end: it is hashed as stored (the blob
//! digest), decompressed (gzip, zstd or none, told apart by magic bytes), hashed
//! again (the diffID; an uncompressed blob is hashed once, its digest is its
//! diffID) and parsed as a tar. Hashing runs on its own thread per stream
//! ([`PipedHasher`]), so it overlaps with decompression and parsing. Each
//! regular file is offered to the analyzers by path; only files some analyzer
//! wants are read into memory, and only up to that analyzer's size limit; the
//! others are skipped without being copied. Nothing is written to disk.

use crate::digest::PipedHasher;
use crate::path::normalize;
use drydock_core::{Analyzer, FileOutput, ScanWarning};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Read, Seek};
use std::sync::{Condvar, Mutex, PoisonError};

/// What one layer holds, as far as the analyzers care. Serialisable: this is what
/// the cache stores per diffID.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LayerAnalysis {
    /// Digest of the uncompressed tar, computed while reading.
    pub diff_id: String,
    /// Digest of the blob as stored, computed while reading.
    pub blob_digest: String,
    /// Uncompressed size.
    pub size: u64,
    /// Compression found: `gzip`, `zstd` or `none`.
    pub compression: String,
    /// Analyzer results by path.
    pub files: BTreeMap<String, FileOutput>,
    /// Paths this layer deletes from lower layers (`.wh.` files), and wanted
    /// paths it shadows with something that is not a readable file.
    pub whiteouts: Vec<String>,
    /// Directories whose lower-layer contents this layer hides (`.wh..wh..opq`).
    pub opaque_dirs: Vec<String>,
    /// Symlinks at wanted paths: link path to root-relative target.
    pub symlinks: BTreeMap<String, String>,
    pub warnings: Vec<ScanWarning>,
    /// False when the tar ended in an error: the results are partial and not cached.
    pub complete: bool,
}

/// Largest file kept in memory for hard links that may follow it.
const MAX_RETAINED_FILE: u64 = 1024 * 1024;

/// Limits that keep hostile layers from taking all memory or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest uncompressed layer read; past it the layer is cut off with a warning.
    pub max_layer_bytes: u64,
    /// Contents of wanted files kept for hard links to them, in bytes per layer.
    pub max_retained_bytes: u64,
    /// Where a wanted file too large to hold in memory is copied (an unnamed
    /// temporary file, gone when closed or on a crash) for analyzers that read
    /// by ranges ([`Analyzer::reads_large`]). `None`: such files are read whole.
    pub spill_dir: Option<&'static std::path::Path>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layer_bytes: 256 * 1024 * 1024 * 1024,
            max_retained_bytes: 8 * 1024 * 1024,
            spill_dir: None,
        }
    }
}

/// Bytes of wanted files held in memory at once by all the layers being read in
/// parallel (big executables for the binary catalogers, mostly). A file larger
/// than this is still read, once nothing else is held.
const READ_BUDGET_BYTES: u64 = 48 * 1024 * 1024;

/// Files larger than this are read by ranges when every analyzer that wants
/// them can ([`Analyzer::reads_large`]): from the disk for a directory, from
/// a spill copy for a layer.
pub(crate) const LARGE_FILE: u64 = READ_BUDGET_BYTES;

static READ_BUDGET: ReadBudget = ReadBudget {
    held: Mutex::new(0),
    freed: Condvar::new(),
};

struct ReadBudget {
    held: Mutex<u64>,
    freed: Condvar,
}

/// Bytes taken from [`READ_BUDGET`], given back on drop.
struct Reservation(u64);

impl ReadBudget {
    /// Waits until `n` bytes (at most the whole budget) fit, and takes them.
    fn reserve(&'static self, n: u64) -> Reservation {
        let n = n.min(READ_BUDGET_BYTES);
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        while *held + n > READ_BUDGET_BYTES {
            held = self
                .freed
                .wait(held)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *held += n;
        Reservation(n)
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut held = READ_BUDGET
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *held -= self.0;
        READ_BUDGET.freed.notify_all();
    }
}

const BOMB: &str = "layer exceeds the uncompressed size limit (possible compression bomb)";

enum Compression {
    Gzip,
    Zstd,
    None,
}

fn sniff(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// Analyzes one layer blob. `name` identifies the blob in warnings.
///
/// Errors in the tar stream do not fail the call: what was read so far is
/// returned with `complete = false` and a warning naming the blob. Only an error
/// before any byte could be read (the blob cannot be opened) is returned as `Err`.
pub fn analyze_layer<R: Read>(
    blob: R,
    name: &str,
    analyzers: &[Box<dyn Analyzer>],
    limits: Limits,
) -> io::Result<LayerAnalysis> {
    // An uncompressed blob is its own tar: its one digest is the diffID too,
    // and the size limit applies to it directly.
    let mut raw = PipedHasher::with_limit(blob, limits.max_layer_bytes, BOMB)?;
    let head = raw.fill_buf()?.to_vec();
    let compression = sniff(&head);
    let mut out = LayerAnalysis {
        compression: match compression {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::None => "none",
        }
        .to_string(),
        complete: true,
        ..LayerAnalysis::default()
    };

    let result = match compression {
        Compression::Gzip => {
            let dec = flate2::bufread::MultiGzDecoder::new(&mut raw);
            walk_decompressed(dec, name, analyzers, limits, &mut out)
        }
        Compression::Zstd => match zstd::stream::read::Decoder::with_buffer(&mut raw) {
            Ok(dec) => walk_decompressed(dec, name, analyzers, limits, &mut out),
            Err(e) => Err(e),
        },
        Compression::None => walk_tar(&mut raw, name, analyzers, limits, &mut out),
    };
    if let Err(e) = result {
        out.complete = false;
        out.warnings.push(ScanWarning {
            input: name.to_string(),
            message: format!("layer could not be read to the end: {e}"),
        });
        return Ok(out);
    }
    // Whatever follows the compressed stream still belongs to the blob digest.
    match raw.finish() {
        Ok((digest, size)) => {
            if out.compression == "none" {
                out.diff_id = digest.clone();
                out.size = size;
            }
            out.blob_digest = digest;
        }
        Err(e) => {
            out.complete = false;
            out.warnings.push(ScanWarning {
                input: name.to_string(),
                message: format!("layer blob could not be read to the end: {e}"),
            });
        }
    }
    Ok(out)
}

/// Hashes (the diffID) and size-limits a decompressed stream while its tar is walked.
fn walk_decompressed<R: Read>(
    decompressed: R,
    name: &str,
    analyzers: &[Box<dyn Analyzer>],
    limits: Limits,
    out: &mut LayerAnalysis,
) -> io::Result<()> {
    let mut tar = PipedHasher::with_limit(decompressed, limits.max_layer_bytes, BOMB)?;
    walk_tar(&mut tar, name, analyzers, limits, out)?;
    let (diff_id, size) = tar.finish()?;
    out.diff_id = diff_id;
    out.size = size;
    Ok(())
}

/// Walks a tar stream (the caller hashes it and reads what follows the end of
/// the archive). Forward seeks skip the files no analyzer wants.
fn walk_tar<R: Read + Seek>(
    tar: R,
    name: &str,
    analyzers: &[Box<dyn Analyzer>],
    limits: Limits,
    out: &mut LayerAnalysis,
) -> io::Result<()> {
    let mut archive = tar::Archive::new(tar);
    // Content of wanted files, kept so hard links to them can be analyzed too.
    let mut retained: HashMap<String, std::sync::Arc<Vec<u8>>> = HashMap::new();
    let mut retained_bytes = 0u64;
    let mut escaped_reported = false;

    for entry in archive.entries_with_seek()? {
        let mut entry = entry?;
        let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let (path, escaped) = normalize(&raw_path);
        if escaped && !escaped_reported {
            escaped_reported = true;
            out.warnings.push(ScanWarning {
                input: format!("{name}:{raw_path}"),
                message: "entry path climbs out of the root with '..'; read as if clamped at the image root".into(),
            });
        }
        if path.is_empty() {
            continue;
        }
        let (dir, base) = match path.rfind('/') {
            Some(i) => (&path[..i], &path[i + 1..]),
            None => ("", path.as_str()),
        };
        if let Some(hidden) = base.strip_prefix(".wh.") {
            if hidden == ".wh..opq" {
                out.opaque_dirs.push(dir.to_string());
            } else if !hidden.starts_with(".wh.") {
                out.whiteouts.push(if dir.is_empty() {
                    hidden.to_string()
                } else {
                    format!("{dir}/{hidden}")
                });
            }
            continue;
        }

        let kind = entry.header().entry_type();
        let is_file = matches!(
            kind,
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse
        );
        let size = entry.size();
        let executable = entry
            .header()
            .mode()
            .map(|m| m & 0o111 != 0)
            .unwrap_or(false);
        let wanted: Vec<&dyn Analyzer> = analyzers
            .iter()
            .filter(|a| {
                if is_file {
                    a.wants_file(&path, size, executable)
                } else {
                    a.wants(&path)
                }
            })
            .map(|a| a.as_ref())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        use tar::EntryType as T;
        match kind {
            T::Regular | T::Continuous | T::GNUSparse => {
                let max = wanted.iter().map(|a| a.max_size()).max().unwrap_or(0);
                if size > max {
                    out.warnings.push(ScanWarning {
                        input: format!("{name}:{path}"),
                        message: format!(
                            "file of {size} bytes is larger than the {max}-byte limit; skipped"
                        ),
                    });
                    out.whiteouts.push(path);
                    continue;
                }
                if size > LARGE_FILE
                    && wanted.iter().all(|a| a.reads_large())
                    && let Some(file) = limits.spill_dir.and_then(|d| tempfile::tempfile_in(d).ok())
                {
                    let input = format!("{name}:{path}");
                    match spill(&mut entry, size, file)? {
                        Ok(file) => {
                            let merged = analyze_each(
                                &wanted,
                                &path,
                                size,
                                &input,
                                &mut out.warnings,
                                |a| a.analyze_large(&path, &file, size),
                            );
                            out.files.insert(path, merged);
                        }
                        // The layer is fine, our copy of the file is not (a full disk):
                        // this file is skipped, the rest of the layer is read.
                        Err(e) => {
                            out.warnings.push(ScanWarning {
                                input,
                                message: format!(
                                    "could not copy it to the spill directory to read it: {e}; skipped"
                                ),
                            });
                            out.whiteouts.push(path);
                        }
                    }
                    continue;
                }
                // `size <= max` here, and the reservation bounds what the
                // workers hold together; the buffer is sized once (no doubling).
                let reservation = READ_BUDGET.reserve(size);
                let mut buf = Vec::with_capacity(size as usize);
                (&mut entry).take(max).read_to_end(&mut buf)?;
                let buf = std::sync::Arc::new(buf);
                run_analyzers(&wanted, &path, &buf, name, size, out);
                drop(reservation);
                // Hard links to metadata files are common, to big binaries rare:
                // keeping only small files bounds memory on images full of programs.
                if buf.len() as u64 <= MAX_RETAINED_FILE
                    && retained_bytes + buf.len() as u64 <= limits.max_retained_bytes
                {
                    retained_bytes += buf.len() as u64;
                    retained.insert(path, buf);
                }
            }
            T::Link => {
                let target = entry
                    .link_name_bytes()
                    .map(|b| normalize(&String::from_utf8_lossy(&b)).0)
                    .unwrap_or_default();
                match retained.get(&target).cloned() {
                    Some(buf) => {
                        let size = buf.len() as u64;
                        run_analyzers(&wanted, &path, &buf, name, size, out);
                    }
                    None => {
                        out.warnings.push(ScanWarning {
                            input: format!("{name}:{path}"),
                            message: format!("hard link to {target}, whose content was not read in this layer; skipped"),
                        });
                        out.whiteouts.push(path);
                    }
                }
            }
            T::Symlink => {
                let target = entry
                    .link_name_bytes()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                let resolved = crate::path::resolve_link(&path, &target);
                out.whiteouts.push(path.clone());
                out.symlinks.insert(path, resolved);
            }
            T::Directory => {
                // A directory where a wanted file was hides the file below it.
                out.whiteouts.push(path);
            }
            _ => {}
        }
    }
    Ok(())
}

fn run_analyzers(
    wanted: &[&dyn Analyzer],
    path: &str,
    content: &[u8],
    layer_name: &str,
    size: u64,
    out: &mut LayerAnalysis,
) {
    let input = format!("{layer_name}:{path}");
    let merged = analyze_each(wanted, path, size, &input, &mut out.warnings, |a| {
        a.analyze(path, content)
    });
    out.files.insert(path.to_string(), merged);
}

/// Runs `analyze` for each wanted analyzer that takes a file of `size` bytes
/// and merges what they found; their warnings and errors are reported against
/// `input`.
pub(crate) fn analyze_each(
    wanted: &[&dyn Analyzer],
    path: &str,
    size: u64,
    input: &str,
    warnings: &mut Vec<ScanWarning>,
    analyze: impl Fn(&dyn Analyzer) -> Result<FileOutput, drydock_core::AnalyzeError>,
) -> FileOutput {
    let mut merged = FileOutput::default();
    for a in wanted {
        if size > a.max_size() {
            continue;
        }
        match analyze(*a) {
            Ok(o) => {
                if merged.os.is_none() {
                    merged.os = o.os;
                }
                if merged.facts.is_none() {
                    merged.facts = o.facts;
                }
                merged.packages.extend(o.packages);
                merged.findings.extend(o.findings);
                for w in o.warnings {
                    warnings.push(ScanWarning::from_analyzer(input, path, w));
                }
            }
            Err(e) => warnings.push(ScanWarning {
                input: input.to_string(),
                message: format!("{}: {e}", a.name()),
            }),
        }
    }
    merged
}

/// Copies the rest of a tar entry into `file` (bounded memory) for reading by
/// ranges. The outer error is the layer's (a cut or corrupt stream: the walk
/// stops), the inner one the copy's (writing the spill file failed).
fn spill<R: Read>(
    entry: &mut R,
    size: u64,
    mut file: std::fs::File,
) -> io::Result<io::Result<std::fs::File>> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut copied = 0u64;
    loop {
        let n = match entry.read(&mut buf) {
            // A layer cut inside the entry ends it early: that is the layer's error.
            Ok(0) if copied < size => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("stream ended after {copied} of the entry's {size} bytes"),
                ));
            }
            Ok(0) => return Ok(Ok(file)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        copied += n as u64;
        if let Err(e) = std::io::Write::write_all(&mut file, &buf[..n]) {
            return Ok(Err(e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Two big wanted files in two workers: the second waits until the first
    /// is given back; one larger than the whole budget still gets through.
    #[test]
    fn read_budget_bounds_what_workers_hold_together() {
        let first = READ_BUDGET.reserve(40 << 20);
        let (tx, rx) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            let r = READ_BUDGET.reserve(40 << 20);
            tx.send(()).unwrap();
            drop(r);
            let huge = READ_BUDGET.reserve(200 << 20);
            assert_eq!(huge.0, READ_BUDGET_BYTES);
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "the second 40 MiB file was let in beside the first"
        );
        drop(first);
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the second file never got its reservation");
        worker.join().unwrap();
    }
}
