//! Reading OSV records from files, directories and zip archives, and `import`.
//!
//! Archives are checked as they are read: entry count, each entry's real (not declared)
//! decompressed size, the total, and the compression ratio are capped so a zip bomb fails
//! fast with an error naming it, and the zip crate checks every entry's CRC-32.

use crate::atomic::{self, Seed};
use crate::error::{Error, Result};
use crate::osv::Record;
use crate::store::{Added, BuildOptions, Writer};
use drydock_core::DbInfo;
use serde::Serialize;
use std::fs::{self, File};
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

/// Caps applied to every archive, against zip bombs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    pub max_entries: usize,
    /// Largest decompressed entry. The biggest real OSV records are a few hundred KB.
    pub max_entry_bytes: u64,
    /// Largest decompressed total.
    pub max_total_bytes: u64,
    /// Largest decompressed/compressed ratio for entries over 1 MiB. OSV JSON deflates about
    /// 10:1; deflate's own ceiling is about 1032:1, reached only by degenerate input.
    pub max_ratio: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_entries: 2_000_000,
            max_entry_bytes: 16 << 20,
            max_total_bytes: 8 << 30,
            max_ratio: 200,
        }
    }
}

/// A record that could not be used, or a part of one that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportWarning {
    /// The file, or `archive.zip!entry.json`.
    pub input: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportStats {
    /// JSON documents read (files and archive entries).
    pub files: usize,
    /// Records parsed.
    pub records: usize,
    /// Records stored (new, or merged into an existing id).
    pub stored: usize,
    pub withdrawn: usize,
    /// Records with nothing matchable (only GIT ranges, no packages).
    pub nothing_to_match: usize,
    pub warnings: Vec<ImportWarning>,
    /// The database after the import.
    pub db: DbInfo,
}

/// Options of [`import_with`].
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub limits: ZipLimits,
    pub build: BuildOptions,
    /// What to start from when `db_path` does not exist yet.
    pub seed: Seed,
    /// Name sources `<label>:<file name>` instead of `import:<absolute path>` (the baseline
    /// uses `baseline`, so no build machine's paths end up in it).
    pub source_label: Option<String>,
}

/// Imports OSV records from files, directories (recursively: `*.json` and `*.zip`) and zip
/// archives into the database at `db_path`, creating it if needed.
///
/// Each input is one source: importing the same path again replaces what it brought before.
/// Records that do not parse become warnings naming their file and the import goes on; an
/// archive that fails its checks (corrupt, too large) stops the import with an error naming
/// it, and the database is left as it was.
pub fn import<P: AsRef<Path>>(db_path: &Path, inputs: &[P]) -> Result<ImportStats> {
    import_with(db_path, inputs, &ImportOptions::default())
}

/// [`import`] with options.
pub fn import_with<P: AsRef<Path>>(
    db_path: &Path,
    inputs: &[P],
    opts: &ImportOptions,
) -> Result<ImportStats> {
    let mut stats = ImportStats {
        files: 0,
        records: 0,
        stored: 0,
        withdrawn: 0,
        nothing_to_match: 0,
        warnings: Vec::new(),
        db: DbInfo {
            built_at: String::new(),
            content_hash: String::new(),
        },
    };
    let lock = atomic::lock(db_path)?;
    let (_, info) = atomic::rebuild(&lock, db_path, opts.seed, opts.build.clone(), |w| {
        for input in inputs {
            let input = input.as_ref();
            let abs = fs::canonicalize(input).map_err(Error::io(input))?;
            let name = match &opts.source_label {
                Some(label) => format!(
                    "{label}:{}",
                    abs.file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default()
                ),
                None => format!("import:{}", abs.display()),
            };
            let source = w.begin_source(&name, "import", None)?;
            let mut sink = Sink {
                writer: w,
                source,
                stats: &mut stats,
                strict: false,
            };
            read_path(&abs, &opts.limits, &mut sink)?;
        }
        Ok(())
    })?;
    stats.db = info;
    Ok(stats)
}

/// Where records read from inputs go.
pub(crate) struct Sink<'a> {
    pub writer: &'a mut Writer,
    pub source: i64,
    pub stats: &'a mut ImportStats,
    /// Update mode: any record that fails to parse fails the archive.
    pub strict: bool,
}

impl Sink<'_> {
    fn document(&mut self, input: &str, bytes: &[u8]) -> Result<()> {
        self.stats.files += 1;
        let records = match parse_document(bytes) {
            Ok(r) => r,
            Err(msg) => {
                if self.strict {
                    return Err(Error::invalid(input, msg));
                }
                self.warn(input, msg);
                return Ok(());
            }
        };
        for rec in records {
            self.stats.records += 1;
            match self.writer.add(&rec, self.source)? {
                Added::Stored { problems, .. } => {
                    self.stats.stored += 1;
                    for p in problems {
                        self.warn(input, format!("{}: {p}", rec.id));
                    }
                }
                Added::Withdrawn => self.stats.withdrawn += 1,
                Added::NothingToMatch { problems } => {
                    self.stats.nothing_to_match += 1;
                    for p in problems {
                        self.warn(input, format!("{}: {p}", rec.id));
                    }
                }
            }
        }
        Ok(())
    }

    fn warn(&mut self, input: &str, message: String) {
        self.stats.warnings.push(ImportWarning {
            input: input.to_string(),
            message,
        });
    }
}

/// One JSON document: a record, or an array of records.
fn parse_document(bytes: &[u8]) -> std::result::Result<Vec<Record>, String> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let values: Vec<serde_json::Value> =
            serde_json::from_slice(bytes).map_err(|e| format!("not an OSV record: {e}"))?;
        values
            .into_iter()
            .map(|v| {
                let bytes = serde_json::to_vec(&v).map_err(|e| e.to_string())?;
                Record::from_slice(&bytes).map_err(|e| e.to_string())
            })
            .collect()
    } else {
        Record::from_slice(bytes)
            .map(|r| vec![r])
            .map_err(|e| e.to_string())
    }
}

fn read_path(path: &Path, limits: &ZipLimits, sink: &mut Sink<'_>) -> Result<()> {
    let meta = fs::metadata(path).map_err(Error::io(path))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .map_err(Error::io(path))?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()
            .map_err(Error::io(path))?;
        // Sorted, so a build from the same tree is the same database.
        entries.sort();
        for p in entries {
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() || has_ext(&p, "json") || has_ext(&p, "zip") {
                read_path(&p, limits, sink)?;
            }
        }
        Ok(())
    } else if has_ext(path, "zip") {
        let f = File::open(path).map_err(Error::io(path))?;
        read_zip(BufReader::new(f), &path.display().to_string(), limits, sink)
    } else {
        let bytes = fs::read(path).map_err(Error::io(path))?;
        sink.document(&path.display().to_string(), &bytes)
    }
}

fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Reads every `*.json` entry of an archive into `sink`, enforcing `limits`.
pub(crate) fn read_zip<R: Read + Seek>(
    reader: R,
    name: &str,
    limits: &ZipLimits,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| Error::invalid(name, format!("not a readable zip archive: {e}")))?;
    if zip.len() > limits.max_entries {
        return Err(Error::invalid(
            name,
            format!(
                "{} entries, more than the limit of {}",
                zip.len(),
                limits.max_entries
            ),
        ));
    }
    let mut total: u64 = 0;
    let mut buf = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| Error::invalid(name, format!("entry {i}: {e}")))?;
        let entry_name = entry
            .name()
            .map_err(|e| Error::invalid(name, format!("entry {i}: {e}")))?
            .to_string();
        if entry.is_dir() || !entry_name.to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        let input = format!("{name}!{entry_name}");
        if entry.size() > limits.max_entry_bytes {
            return Err(Error::invalid(
                input,
                format!(
                    "declares {} bytes decompressed, more than the limit of {} (zip bomb?)",
                    entry.size(),
                    limits.max_entry_bytes
                ),
            ));
        }
        let compressed = entry.compressed_size();
        buf.clear();
        // Read one byte past the cap: headers can lie about sizes, the data cannot.
        (&mut entry)
            .take(limits.max_entry_bytes + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::invalid(&input, format!("corrupt entry: {e}")))?;
        let n = buf.len() as u64;
        if n > limits.max_entry_bytes {
            return Err(Error::invalid(
                input,
                format!(
                    "decompresses past the limit of {} bytes (zip bomb?)",
                    limits.max_entry_bytes
                ),
            ));
        }
        if n > (1 << 20) && compressed > 0 && n / compressed > limits.max_ratio {
            return Err(Error::invalid(
                input,
                format!(
                    "compression ratio {}:1 is above {}:1 (zip bomb?)",
                    n / compressed,
                    limits.max_ratio
                ),
            ));
        }
        total += n;
        if total > limits.max_total_bytes {
            return Err(Error::invalid(
                name,
                format!(
                    "decompresses past the total limit of {} bytes (zip bomb?)",
                    limits.max_total_bytes
                ),
            ));
        }
        drop(entry);
        sink.document(&input, &buf)?;
    }
    Ok(())
}
