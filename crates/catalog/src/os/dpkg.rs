//! dpkg's database of installed packages: `var/lib/dpkg/status`, and the
//! one-file-per-package `var/lib/dpkg/status.d/` of distroless images.
//!
//! Both are deb822 control files (stanzas of `Field: value`, continuation
//! lines indented, stanzas separated by blank lines). Hand-parsed: we read six
//! fields of a simple format, and a lossless deb822 crate would keep every
//! description line of thousands of packages for nothing.

use super::{WarningSink, location};
use drydock_core::{
    AnalyzeError, Analyzer, Ecosystem, FileOutput, Package, PackageKind, package::purl,
};

const STATUS: &str = "var/lib/dpkg/status";
const STATUS_D: &str = "var/lib/dpkg/status.d/";

/// The `dpkg` analyzer.
#[derive(Debug, Default, Clone, Copy)]
pub struct DpkgAnalyzer;

impl Analyzer for DpkgAnalyzer {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        if path == STATUS {
            return true;
        }
        match path.strip_prefix(STATUS_D) {
            Some(name) => !name.is_empty() && !name.contains('/') && !name.ends_with(".md5sums"),
            None => false,
        }
    }

    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
        parse_status(path, content)
    }
}

/// One stanza's fields of interest, and where it started.
#[derive(Default)]
struct Stanza<'a> {
    line: u32,
    package: Option<&'a str>,
    status: Option<&'a str>,
    version: Option<&'a str>,
    arch: Option<&'a str>,
    source: Option<&'a str>,
    malformed: Option<u32>,
}

/// Parses a dpkg status file (or one `status.d` entry) into installed packages.
///
/// Binary content is an error; a malformed stanza is skipped with a warning.
pub fn parse_status(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    if content.contains(&0) {
        return Err(AnalyzeError::new(format!(
            "{path}: binary data (NUL bytes), not a dpkg status file"
        )));
    }
    let mut warn = WarningSink::new(path);
    let text = match std::str::from_utf8(content) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(e) => {
            warn.push(format!("invalid UTF-8 ({e}); undecodable bytes replaced"));
            String::from_utf8_lossy(content)
        }
    };
    let mut out = FileOutput::default();
    let mut cur = Stanza::default();
    let mut in_stanza = false;
    for (i, line) in text.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            if in_stanza {
                finish(path, std::mem::take(&mut cur), &mut out, &mut warn);
                in_stanza = false;
            }
            continue;
        }
        if !in_stanza {
            in_stanza = true;
            cur.line = lineno;
        }
        if line.starts_with([' ', '\t']) {
            continue; // continuation of a multi-line field (Description, Conffiles)
        }
        let Some((key, value)) = line.split_once(':') else {
            cur.malformed.get_or_insert(lineno);
            continue;
        };
        let value = value.trim();
        match key {
            "Package" => cur.package = Some(value),
            "Status" => cur.status = Some(value),
            "Version" => cur.version = Some(value),
            "Architecture" => cur.arch = Some(value),
            "Source" => cur.source = Some(value),
            _ => {}
        }
    }
    if in_stanza {
        finish(path, cur, &mut out, &mut warn);
    }
    if out.packages.is_empty() && !text.trim().is_empty() && warn.is_empty() {
        warn.push("no installed packages found".to_string());
    }
    out.warnings = warn.finish();
    Ok(out)
}

/// Turns one stanza into a package, or a warning saying why not.
fn finish(path: &str, s: Stanza<'_>, out: &mut FileOutput, warn: &mut WarningSink) {
    if let Some(bad) = s.malformed {
        warn.push(format!("line {bad}: not a `Field: value` line"));
    }
    let Some(name) = s.package.filter(|n| !n.is_empty()) else {
        warn.push(format!(
            "stanza at line {} has no Package field; skipped",
            s.line
        ));
        return;
    };
    // The third word of Status is the package state; "installed" means its files
    // are on disk and configured, whatever the selection (install, hold,
    // deinstall). status.d entries of distroless images carry no Status at all.
    if let Some(status) = s.status
        && status.split_whitespace().nth(2) != Some("installed")
    {
        return;
    }
    let Some(version) = s.version.filter(|v| !v.is_empty()) else {
        warn.push(format!(
            "package {name} (line {}) has no Version; skipped",
            s.line
        ));
        return;
    };
    let (source_name, source_version) = match s.source.filter(|v| !v.is_empty()) {
        Some(src) => match src.split_once('(') {
            Some((n, v)) => (n.trim(), v.trim_end().trim_end_matches(')').trim()),
            None => (src, version),
        },
        None => (name, version),
    };
    let arch = s.arch.filter(|a| !a.is_empty());
    let mut pkg = Package::new(
        Ecosystem::Debian,
        PackageKind::Os,
        name,
        version,
        location(path, Some(s.line)),
    );
    pkg.purl = purl(
        Ecosystem::Debian,
        name,
        version,
        &[("arch", arch.unwrap_or(""))],
    );
    pkg.arch = arch.map(str::to_string);
    pkg.source_name = Some(source_name.to_string());
    pkg.source_version = Some(
        if source_version.is_empty() {
            version
        } else {
            source_version
        }
        .to_string(),
    );
    out.packages.push(pkg);
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "\
Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries.
 .
 More text: with a colon.

Package: removed-pkg
Status: deinstall ok config-files
Version: 1.0

Package: e2fsprogs
Status: hold ok installed
Architecture: amd64
Source: e2fsprogs (1.47.0-2)
Version: 1:1.47.0-2+b1
";

    #[test]
    fn stanzas_source_and_status() {
        let out = parse_status(STATUS, TWO.as_bytes()).unwrap_or_default();
        assert_eq!(out.warnings, Vec::<String>::new());
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.arch.as_deref(),
                    p.source_name.as_deref(),
                    p.source_version.as_deref(),
                    p.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "libc6",
                    "2.36-9+deb12u4",
                    Some("amd64"),
                    Some("glibc"),
                    Some("2.36-9+deb12u4"),
                    Some(1)
                ),
                (
                    "e2fsprogs",
                    "1:1.47.0-2+b1",
                    Some("amd64"),
                    Some("e2fsprogs"),
                    Some("1.47.0-2"),
                    Some(17)
                ),
            ]
        );
        assert_eq!(
            out.packages[1].purl,
            "pkg:deb/debian/e2fsprogs@1%3A1.47.0-2+b1?arch=amd64"
        );
        assert!(out.packages.iter().all(|p| p.licenses.is_empty()));
    }

    #[test]
    fn wants_status_d_entries_only() {
        let a = DpkgAnalyzer;
        assert!(a.wants("var/lib/dpkg/status"));
        assert!(a.wants("var/lib/dpkg/status.d/base"));
        assert!(a.wants("var/lib/dpkg/status.d/libssl3"));
        assert!(!a.wants("var/lib/dpkg/status.d/base.md5sums"));
        assert!(!a.wants("var/lib/dpkg/status.d/"));
        assert!(!a.wants("var/lib/dpkg/status.d/x/y"));
        assert!(!a.wants("var/lib/dpkg/status-old"));
        assert!(!a.wants("usr/var/lib/dpkg/status"));
    }

    #[test]
    fn malformed_input_warns() {
        let out = parse_status(
            STATUS,
            b"Package: nover\nStatus: install ok installed\n\nStatus: install ok installed\nVersion: 1\n\nPackage: cut\nStatus: install ok installed\nVersi",
        )
        .unwrap_or_default();
        assert!(out.packages.is_empty());
        assert_eq!(
            out.warnings,
            vec![
                "var/lib/dpkg/status: package nover (line 1) has no Version; skipped",
                "var/lib/dpkg/status: stanza at line 4 has no Package field; skipped",
                "var/lib/dpkg/status: line 9: not a `Field: value` line",
                "var/lib/dpkg/status: package cut (line 7) has no Version; skipped",
            ]
        );
        let err = parse_status(STATUS, b"\x7fELF\x00\x01")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("var/lib/dpkg/status: binary data (NUL bytes), not a dpkg status file")
        );
    }
}
