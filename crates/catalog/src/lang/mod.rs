//! Language package catalogers: lockfiles, manifests, install trees and
//! compiled binaries of the application ecosystems (PyPI, npm, crates.io, Go,
//! Maven, RubyGems, Packagist, NuGet).
//!
//! Each ecosystem module declares a few [`Cataloger`]s in Syft's style: a cheap
//! predicate on the path ("files matching these names go to") and a pure parse
//! function from bytes to packages. Adding a format means one more entry in the
//! module's `catalogers()` list, a parser and its fixtures.

mod cargo;
mod dotnet;
mod golang;
mod java;
mod link;
mod npm;
mod php;
mod python;
mod ruby;

pub(crate) use link::link;

use drydock_core::analyze::DEFAULT_MAX_FILE_SIZE;
use drydock_core::{AnalyzeError, Analyzer, FileOutput};
use serde::de::DeserializeOwned;

/// The language analyzers, in priority order of the ecosystems.
pub fn analyzers() -> Vec<Box<dyn Analyzer>> {
    [
        python::catalogers(),
        npm::catalogers(),
        cargo::catalogers(),
        golang::catalogers(),
        java::catalogers(),
        ruby::catalogers(),
        php::catalogers(),
        dotnet::catalogers(),
    ]
    .into_iter()
    .flatten()
    .map(|c| Box::new(c) as Box<dyn Analyzer>)
    .collect()
}

/// A parse function: the path (as given to `wants`) and the file's bytes.
pub(crate) type ParseFn = fn(&str, &[u8]) -> Result<FileOutput, AnalyzeError>;

/// A parse function reading the file by ranges (for files too big to hold).
pub(crate) type ParseFileFn = fn(&str, &std::fs::File) -> Result<FileOutput, AnalyzeError>;

/// One file format of one ecosystem: which paths it reads and how.
pub(crate) struct Cataloger {
    pub name: &'static str,
    pub version: u32,
    /// Called for every file of an image, so it must only look at the name.
    pub wants: fn(&str) -> bool,
    pub parse: ParseFn,
    pub max_size: u64,
    /// Reads only executable files (compiled binaries), so a scan does not
    /// open every extension-less file of an image.
    pub executables_only: bool,
    /// Reads large files by ranges (see [`Analyzer::reads_large`]).
    pub parse_file: Option<ParseFileFn>,
}

impl Cataloger {
    pub const fn new(
        name: &'static str,
        version: u32,
        wants: fn(&str) -> bool,
        parse: ParseFn,
    ) -> Cataloger {
        Cataloger {
            name,
            version,
            wants,
            parse,
            max_size: DEFAULT_MAX_FILE_SIZE,
            executables_only: false,
            parse_file: None,
        }
    }

    /// This cataloger reads compiled binaries: only executable files, and
    /// large ones by ranges with `parse_file`.
    pub const fn executables(mut self, parse_file: ParseFileFn) -> Cataloger {
        self.executables_only = true;
        self.parse_file = Some(parse_file);
        self
    }
}

impl Analyzer for Cataloger {
    fn name(&self) -> &'static str {
        self.name
    }
    fn version(&self) -> u32 {
        self.version
    }
    fn wants(&self, path: &str) -> bool {
        (self.wants)(path)
    }
    fn wants_file(&self, path: &str, _size: u64, executable: bool) -> bool {
        (executable || !self.executables_only) && (self.wants)(path)
    }
    fn max_size(&self) -> u64 {
        self.max_size
    }
    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
        (self.parse)(path, content)
    }
    fn reads_large(&self) -> bool {
        self.parse_file.is_some()
    }
    fn analyze_large(
        &self,
        path: &str,
        file: &std::fs::File,
        size: u64,
    ) -> Result<FileOutput, AnalyzeError> {
        match self.parse_file {
            Some(parse) => parse(path, file),
            None => {
                drydock_core::analyze::analyze_whole(path, file, size.min(self.max_size), |b| {
                    (self.parse)(path, b)
                })
            }
        }
    }
}

/// The last `/`-separated segment of a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, n)| n)
}

/// The directory part of a path (empty for a bare name).
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The file as UTF-8 text, or an error naming it. A UTF-8 BOM is dropped
/// (Windows tools write one into `*.deps.json` and `packages.lock.json`).
pub(crate) fn text<'a>(path: &str, content: &'a [u8]) -> Result<&'a str, AnalyzeError> {
    let s = std::str::from_utf8(content)
        .map_err(|e| AnalyzeError::new(format!("{path}: not UTF-8 text: {e}")))?;
    Ok(s.strip_prefix('\u{feff}').unwrap_or(s))
}

/// Deserializes a JSON file, naming the file in the error.
pub(crate) fn json<T: DeserializeOwned>(path: &str, content: &[u8]) -> Result<T, AnalyzeError> {
    let s = text(path, content)?;
    serde_json::from_str(s).map_err(|e| AnalyzeError::new(format!("{path}: invalid JSON: {e}")))
}

/// Deserializes a TOML file, naming the file in the error.
pub(crate) fn toml<T: DeserializeOwned>(path: &str, content: &[u8]) -> Result<T, AnalyzeError> {
    let s = text(path, content)?;
    ::toml::from_str(s).map_err(|e| AnalyzeError::new(format!("{path}: invalid TOML: {e}")))
}

/// Deserializes a YAML file, naming the file in the error.
pub(crate) fn yaml<T: DeserializeOwned>(path: &str, content: &[u8]) -> Result<T, AnalyzeError> {
    let s = text(path, content)?;
    serde_saphyr::from_str(s).map_err(|e| AnalyzeError::new(format!("{path}: invalid YAML: {e}")))
}

/// Whether a file may be a compiled program (Go, cargo-auditable). Only the
/// path is known here, so this keeps extension-less files outside the trees
/// that hold data, documentation and configuration; the parsers then check
/// the object-file magic, which costs one read of each such file.
pub(crate) fn wants_binary(path: &str) -> bool {
    const NOT_PROGRAMS: [&str; 12] = [
        "etc/",
        "usr/share/",
        "usr/include/",
        "usr/lib/locale/",
        "usr/lib/python3/",
        "var/lib/dpkg/",
        "var/lib/apt/",
        "var/lib/rpm/",
        "var/cache/",
        "var/log/",
        "proc/",
        "sys/",
    ];
    let name = file_name(path);
    if name.is_empty() || (name.contains('.') && !name.ends_with(".exe")) {
        return false;
    }
    // Upper-case names are documents (LICENSE, README, Makefile is mixed but
    // has no binary twin either); programs are named in lower case.
    if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return false;
    }
    !NOT_PROGRAMS.iter().any(|d| path.starts_with(d))
}

/// Whether `content` starts like an ELF, PE or Mach-O file: a cheap test
/// before handing the bytes to `object`, as most binary candidates are not.
pub(crate) fn is_object_file(content: &[u8]) -> bool {
    match content.get(..4) {
        Some(m) => {
            m == b"\x7fELF"
                || m.starts_with(b"MZ")
                || matches!(
                    m,
                    [0xfe, 0xed, 0xfa, 0xce | 0xcf] | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
                )
        }
        None => false,
    }
}

/// Reads at most `limit` bytes of zlib-compressed data, so a crafted section
/// cannot expand without bound.
pub(crate) fn inflate_zlib(data: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    if out.len() as u64 > limit {
        return Err(format!("expands beyond {limit} bytes"));
    }
    Ok(out)
}

/// Removes repeated packages (same name, version and flags) keeping the first,
/// since lockfiles list one package under several requirement keys.
pub(crate) fn dedup(packages: &mut Vec<drydock_core::Package>) {
    let mut seen = std::collections::HashSet::new();
    packages.retain(|p| seen.insert((p.name.clone(), p.version.clone(), p.dev, p.direct)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let all = analyzers();
        let mut names: Vec<_> = all.iter().map(|a| a.name()).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate analyzer names: {names:?}");
    }

    #[test]
    fn binary_catalogers_only_read_executables() {
        let all = analyzers();
        for name in ["go-binary", "cargo-auditable"] {
            let a = all.iter().find(|a| a.name() == name).expect(name);
            assert!(a.wants_file("usr/local/bin/app", 10_000, true), "{name}");
            assert!(!a.wants_file("usr/local/bin/app", 10_000, false), "{name}");
        }
        let lock = all
            .iter()
            .find(|a| a.name() == "cargo-lock")
            .expect("cargo-lock");
        assert!(lock.wants_file("src/Cargo.lock", 100, false));
    }

    #[test]
    fn path_helpers() {
        assert_eq!(file_name("a/b/c.txt"), "c.txt");
        assert_eq!(file_name("c.txt"), "c.txt");
        assert_eq!(parent("a/b/c.txt"), "a/b");
        assert_eq!(parent("c.txt"), "");
    }

    #[test]
    fn binary_candidates() {
        assert!(wants_binary("usr/local/bin/app"));
        assert!(wants_binary("ko-app/server"));
        assert!(wants_binary(
            "app/node_modules/@esbuild/linux-x64/bin/esbuild"
        ));
        assert!(!wants_binary("usr/share/doc/x/copyright"));
        assert!(!wants_binary("etc/hostname"));
        assert!(!wants_binary("app/LICENSE"));
        assert!(!wants_binary("usr/lib/libc.so.6"));
        assert!(!wants_binary("app/main.go"));
    }

    #[test]
    fn inflate_is_bounded() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; 1 << 20]).unwrap();
        let bomb = z.finish().unwrap();
        assert_eq!(inflate_zlib(&bomb, 1 << 20).unwrap().len(), 1 << 20);
        assert_eq!(
            inflate_zlib(&bomb, 1000).unwrap_err(),
            "expands beyond 1000 bytes"
        );
        assert!(inflate_zlib(b"not zlib", 1000).is_err());
    }
}
