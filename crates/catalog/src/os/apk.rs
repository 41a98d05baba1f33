//! Alpine's installed-package database, `lib/apk/db/installed`.
//!
//! One `X:value` line per field, one blank line between packages (Alpine wiki,
//! "Apk spec", and apk-tools' `apk-package(5)`): `P` name, `V` version, `A`
//! architecture, `o` origin (the aport, i.e. the source package), `L` licence.
//! Hand-parsed: no maintained crate reads it, and the format is a dozen lines.

use super::{WarningSink, location};
use drydock_core::{
    AnalyzeError, Analyzer, Ecosystem, FileOutput, Package, PackageKind, package::purl,
};

const INSTALLED: &str = "lib/apk/db/installed";

/// The `apk` analyzer.
#[derive(Debug, Default, Clone, Copy)]
pub struct ApkAnalyzer;

impl Analyzer for ApkAnalyzer {
    fn name(&self) -> &'static str {
        "apk"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        path == INSTALLED
    }

    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
        parse_installed(path, content)
    }
}

#[derive(Default)]
struct Entry<'a> {
    line: u32,
    name: Option<&'a str>,
    version: Option<&'a str>,
    arch: Option<&'a str>,
    origin: Option<&'a str>,
    license: Option<&'a str>,
    malformed: Option<u32>,
}

/// Parses an apk installed database into packages.
pub fn parse_installed(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    if content.contains(&0) {
        return Err(AnalyzeError::new(format!(
            "{path}: binary data (NUL bytes), not an apk installed database"
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
    let mut cur = Entry::default();
    let mut in_entry = false;
    for (i, line) in text.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            if in_entry {
                finish(path, std::mem::take(&mut cur), &mut out, &mut warn);
                in_entry = false;
            }
            continue;
        }
        if !in_entry {
            in_entry = true;
            cur.line = lineno;
        }
        let b = line.as_bytes();
        if b.len() < 2 || b[1] != b':' {
            cur.malformed.get_or_insert(lineno);
            continue;
        }
        let value = line[2..].trim();
        match b[0] {
            b'P' => cur.name = Some(value),
            b'V' => cur.version = Some(value),
            b'A' => cur.arch = Some(value),
            b'o' => cur.origin = Some(value),
            b'L' => cur.license = Some(value),
            _ => {}
        }
    }
    if in_entry {
        finish(path, cur, &mut out, &mut warn);
    }
    if out.packages.is_empty() && !text.trim().is_empty() && warn.is_empty() {
        warn.push("no packages found".to_string());
    }
    out.warnings = warn.finish();
    Ok(out)
}

fn finish(path: &str, e: Entry<'_>, out: &mut FileOutput, warn: &mut WarningSink) {
    if let Some(bad) = e.malformed {
        warn.push(format!("line {bad}: not an `X:value` line"));
    }
    let Some(name) = e.name.filter(|n| !n.is_empty()) else {
        warn.push(format!(
            "entry at line {} has no P: (name); skipped",
            e.line
        ));
        return;
    };
    let Some(version) = e.version.filter(|v| !v.is_empty()) else {
        warn.push(format!(
            "package {name} (line {}) has no V: (version); skipped",
            e.line
        ));
        return;
    };
    let arch = e.arch.filter(|a| !a.is_empty());
    let mut pkg = Package::new(
        Ecosystem::Alpine,
        PackageKind::Os,
        name,
        version,
        location(path, Some(e.line)),
    );
    pkg.purl = purl(
        Ecosystem::Alpine,
        name,
        version,
        &[("arch", arch.unwrap_or(""))],
    );
    pkg.arch = arch.map(str::to_string);
    // Every subpackage of an aport shares the origin's version, so V is the source version.
    pkg.source_name = Some(
        e.origin
            .filter(|o| !o.is_empty())
            .unwrap_or(name)
            .to_string(),
    );
    pkg.source_version = Some(version.to_string());
    if let Some(l) = e.license.filter(|l| !l.is_empty()) {
        pkg.licenses = vec![l.to_string()];
    }
    out.packages.push(pkg);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_defaults() {
        let db = "C:Q1abc=\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\nL:Apache-2.0\no:openssl\nF:usr/lib\nR:libcrypto.so.3\n\nP:noorigin\nV:1.0-r1\n";
        let out = parse_installed(INSTALLED, db.as_bytes()).unwrap_or_default();
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let p = &out.packages;
        assert_eq!(p.len(), 2);
        assert_eq!(
            (
                p[0].name.as_str(),
                p[0].version.as_str(),
                p[0].arch.as_deref()
            ),
            ("libcrypto3", "3.3.2-r0", Some("x86_64"))
        );
        assert_eq!(p[0].source_name.as_deref(), Some("openssl"));
        assert_eq!(p[0].source_version.as_deref(), Some("3.3.2-r0"));
        assert_eq!(p[0].licenses, vec!["Apache-2.0".to_string()]);
        assert_eq!(p[0].purl, "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64");
        assert_eq!(p[1].source_name.as_deref(), Some("noorigin"));
        assert_eq!(p[1].location.line, Some(10));
    }

    #[test]
    fn malformed_entries_warn() {
        let out = parse_installed(INSTALLED, b"P:a\n\nV:1\n\ngarbage line\nP:b\nV:2\n")
            .unwrap_or_default();
        assert_eq!(out.packages.len(), 1);
        assert_eq!(
            out.warnings,
            vec![
                "lib/apk/db/installed: package a (line 1) has no V: (version); skipped",
                "lib/apk/db/installed: entry at line 3 has no P: (name); skipped",
                "lib/apk/db/installed: line 5: not an `X:value` line",
            ]
        );
    }
}
