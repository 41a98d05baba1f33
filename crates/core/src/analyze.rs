//! The contract between the layer walker (I/O, in `drydock-image`) and the
//! analyzers (pure, in `drydock-catalog` and later scanners).
//!
//! The walker reads each layer once; for every regular file it asks each
//! analyzer whether it [`wants`](Analyzer::wants) that path, reads only the files
//! some analyzer wants, and hands their bytes to [`Analyzer::analyze`]. Results
//! are kept per file path and per layer, so they can be cached by layer diffID
//! and merged across layers (upper layers and whiteouts win) afterwards.

use crate::{Finding, OsInfo, Package};
use serde::{Deserialize, Serialize};

/// Top-level directories of a live root (`drydock rootfs /`) that directory
/// walks skip: the kernel's virtual trees, whose files are not the system's
/// contents and can block or fail to read.
pub const LIVE_ROOT_SKIP: &[&str] = &["proc", "sys", "dev"];

/// The largest file an analyzer is handed; bigger files are skipped with a warning.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 512 * 1024 * 1024;

/// What one analyzer found in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FileOutput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<OsInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<Package>,
    /// Non-fatal problems with this file (a malformed stanza, an unknown field).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// What is wrong in the file itself (secrets, misconfigurations); the
    /// walker fills in the layer of each finding's location.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// What this file tells about other files' packages (a manifest's direct
    /// dependencies, a lockfile's dependency graph, a parent POM), in the
    /// analyzer's own shape; read when the inventory is assembled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<serde_json::Value>,
}

impl FileOutput {
    pub fn is_empty(&self) -> bool {
        self.os.is_none()
            && self.packages.is_empty()
            && self.warnings.is_empty()
            && self.findings.is_empty()
            && self.facts.is_none()
    }
}

/// An error that stops one analyzer on one file; the scan goes on.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AnalyzeError(pub String);

impl AnalyzeError {
    pub fn new(msg: impl Into<String>) -> AnalyzeError {
        AnalyzeError(msg.into())
    }
}

/// A pure function from a file's bytes to packages or OS facts, plus the paths it wants.
pub trait Analyzer: Send + Sync {
    /// Stable name, used in cache keys and warnings (`dpkg`, `os-release`…).
    fn name(&self) -> &'static str;

    /// Bump when the output for the same input changes, so cached layers are re-read.
    fn version(&self) -> u32;

    /// Whether this analyzer reads `path` (relative to the root, `/`-separated,
    /// no leading `/`, already normalised: no `.` or `..` segments).
    fn wants(&self, path: &str) -> bool;

    /// [`wants`](Analyzer::wants) for a regular file, with what the walker knows
    /// before reading it: its size and whether an executable bit is set.
    /// Analyzers of compiled binaries override it to pass over every file that
    /// is not executable without reading it.
    fn wants_file(&self, path: &str, _size: u64, _executable: bool) -> bool {
        self.wants(path)
    }

    /// Largest file this analyzer accepts.
    fn max_size(&self) -> u64 {
        DEFAULT_MAX_FILE_SIZE
    }

    /// Analyzes one file. `path` is as given to [`wants`](Analyzer::wants). Packages
    /// get their `location.path` set by the analyzer; the walker fills in the layer.
    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError>;

    /// Whether [`analyze_large`](Analyzer::analyze_large) works, so a file too big
    /// to hold in memory can be read by ranges instead of whole. Analyzers of
    /// compiled binaries say yes: they need the headers and a section or two of
    /// files that can be hundreds of megabytes.
    fn reads_large(&self) -> bool {
        false
    }

    /// [`analyze`](Analyzer::analyze) for a file of `size` bytes that the walker
    /// does not hold in memory: `file` is read by ranges (it is the file itself,
    /// or a spill copy of a layer entry). Walkers call it only when
    /// [`reads_large`](Analyzer::reads_large) is true; the default reads the
    /// file whole ([`analyze_whole`]), so it is never wrong, only not small.
    fn analyze_large(
        &self,
        path: &str,
        file: &std::fs::File,
        size: u64,
    ) -> Result<FileOutput, AnalyzeError> {
        analyze_whole(path, file, size.min(self.max_size()), |bytes| {
            self.analyze(path, bytes)
        })
    }
}

/// Reads up to `max` bytes of `file` from its start and hands them to `analyze`: what an
/// analyzer that cannot read by ranges does with a large file.
pub fn analyze_whole(
    path: &str,
    file: &std::fs::File,
    max: u64,
    analyze: impl FnOnce(&[u8]) -> Result<FileOutput, AnalyzeError>,
) -> Result<FileOutput, AnalyzeError> {
    use std::io::{Read, Seek};
    let mut buf = Vec::new();
    // From the start, wherever the file's position is (a spill copy ends at its end).
    let mut f = file;
    f.seek(std::io::SeekFrom::Start(0))
        .and_then(|_| f.take(max).read_to_end(&mut buf))
        .map_err(|e| AnalyzeError::new(format!("{path}: {e}")))?;
    analyze(&buf)
}

/// A cache key part covering the analyzers' names and versions.
pub fn analyzers_fingerprint(analyzers: &[Box<dyn Analyzer>]) -> String {
    let mut parts: Vec<String> = analyzers
        .iter()
        .map(|a| format!("{}@{}", a.name(), a.version()))
        .collect();
    parts.sort();
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Counts the bytes it is given, up to a 10-byte limit.
    struct Len;
    impl Analyzer for Len {
        fn name(&self) -> &'static str {
            "len"
        }
        fn version(&self) -> u32 {
            1
        }
        fn wants(&self, _: &str) -> bool {
            true
        }
        fn max_size(&self) -> u64 {
            10
        }
        fn analyze(&self, _: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
            Ok(FileOutput {
                warnings: vec![content.len().to_string()],
                ..FileOutput::default()
            })
        }
    }

    /// An analyzer that cannot read by ranges still gives its answer from a
    /// file, read whole up to its limit.
    #[test]
    fn analyze_large_defaults_to_reading_the_file_whole() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(b"0123456789abcdef").unwrap();
        let a: &dyn Analyzer = &Len;
        assert!(!a.reads_large());
        assert_eq!(a.analyze_large("f", &f, 6).unwrap().warnings, ["6"]);
        assert_eq!(a.analyze_large("f", &f, 16).unwrap().warnings, ["10"]);
    }
}
