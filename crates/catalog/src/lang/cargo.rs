//! Rust: `Cargo.lock` (formats v1 to v4) and binaries built with
//! cargo-auditable, which embed their dependency tree as zlib-compressed JSON
//! in a `.dep-v0` section.
//!
//! Cargo.lock is plain TOML with three fields we need, so it is read with
//! `toml` and serde here rather than with the `cargo-lock` crate, which would
//! add its own TOML and URL stacks to the build for the same result.

use super::{Cataloger, file_name, inflate_zlib, is_object_file, toml, wants_binary};
use drydock_core::{AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind};
use object::{Object, ObjectSection};
use serde::Deserialize;
use std::collections::HashSet;

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new(
            "cargo-lock",
            2,
            |p| file_name(p) == "Cargo.lock",
            parse_cargo_lock,
        ),
        Cataloger::new("cargo-auditable", 1, wants_binary, parse_auditable)
            .executables(parse_auditable_file),
    ]
}

fn crate_pkg(kind: PackageKind, name: &str, version: &str, path: &str) -> Package {
    Package::new(
        Ecosystem::CratesIo,
        kind,
        name,
        version,
        Location::file(path),
    )
}

#[derive(Deserialize)]
struct CargoLock {
    #[serde(default)]
    package: Vec<LockPackage>,
    /// v1 lockfiles before cargo 0.27 put the workspace root here.
    #[serde(default)]
    root: Option<LockPackage>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: String,
    version: String,
    /// Absent for workspace members and path dependencies.
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// Packages without a `source` are the workspace's own crates (members and
/// path dependencies): reported as `local` (Trivy and Syft list them too),
/// and what they depend on is direct. Cargo.lock does not record
/// dev-dependencies separately.
fn parse_cargo_lock(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let lock: CargoLock = toml(path, content)?;
    let all: Vec<&LockPackage> = lock.package.iter().chain(lock.root.as_ref()).collect();
    // (name, version) of direct dependencies; a bare name in v2+ means the only
    // package of that name.
    let mut direct: HashSet<(&str, &str)> = HashSet::new();
    for member in all.iter().filter(|p| p.source.is_none()) {
        for dep in &member.dependencies {
            let mut parts = dep.split(' ');
            let name = parts.next().unwrap_or("");
            match parts.next() {
                Some(v) => {
                    direct.insert((name, v));
                }
                None => {
                    for p in all.iter().filter(|p| p.name == name) {
                        direct.insert((name, p.version.as_str()));
                    }
                }
            }
        }
    }
    let mut out = FileOutput::default();
    for p in &all {
        let mut pkg = crate_pkg(PackageKind::Library, &p.name, &p.version, path);
        if p.source.is_none() {
            pkg.local = true;
        } else {
            pkg.direct = Some(direct.contains(&(p.name.as_str(), p.version.as_str())));
        }
        out.packages.push(pkg);
    }
    Ok(out)
}

/// cargo-auditable's format (auditable-serde 0.x): packages with an index-based
/// dependency list; `root` marks the binary's own crate.
#[derive(Deserialize)]
struct AuditData {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    #[serde(default)]
    source: String,
    /// `runtime` (default) or `build`.
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    dependencies: Vec<usize>,
    #[serde(default)]
    root: bool,
}

/// The dependency tree JSON is small (kilobytes); anything far larger is not ours.
const MAX_AUDIT_JSON: u64 = 64 * 1024 * 1024;

/// Build dependencies are not part of the binary and are left out, as Trivy
/// does; local crates other than the root are the project's own code.
fn parse_auditable(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    match object_section(content, &[".dep-v0", "__dep_v0"]) {
        Some(section) => auditable_section(path, section),
        None => Ok(FileOutput::default()),
    }
}

/// [`parse_auditable`] reading the binary by ranges.
fn parse_auditable_file(path: &str, file: &std::fs::File) -> Result<FileOutput, AnalyzeError> {
    match object_section_of_file(file, &[".dep-v0", "__dep_v0"], MAX_AUDIT_JSON) {
        Some(section) => auditable_section(path, &section),
        None => Ok(FileOutput::default()),
    }
}

fn auditable_section(path: &str, section: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let json = inflate_zlib(section, MAX_AUDIT_JSON)
        .map_err(|e| AnalyzeError::new(format!("{path}: .dep-v0 section: {e}")))?;
    let data: AuditData = serde_json::from_slice(&json)
        .map_err(|e| AnalyzeError::new(format!("{path}: .dep-v0 section: invalid JSON: {e}")))?;
    Ok(audit_packages(path, &data))
}

fn audit_packages(path: &str, data: &AuditData) -> FileOutput {
    // As in Cargo.lock: what the binary's own crates depend on is direct.
    let direct: HashSet<usize> = data
        .packages
        .iter()
        .filter(|p| p.root || p.source == "local")
        .flat_map(|p| p.dependencies.iter().copied())
        .collect();
    let mut out = FileOutput::default();
    for (i, p) in data.packages.iter().enumerate() {
        if p.kind.as_deref() == Some("build") {
            continue;
        }
        if p.root {
            out.packages.push(crate_pkg(
                PackageKind::Application,
                &p.name,
                &p.version,
                path,
            ));
            continue;
        }
        if p.source == "local" {
            continue;
        }
        let mut pkg = crate_pkg(PackageKind::Library, &p.name, &p.version, path);
        pkg.direct = Some(direct.contains(&i));
        out.packages.push(pkg);
    }
    out
}

/// The bytes of the first section with one of `names` in an ELF, Mach-O or PE
/// file; `None` when the file is not an object file or has no such section.
pub(crate) fn object_section<'a>(content: &'a [u8], names: &[&str]) -> Option<&'a [u8]> {
    if !is_object_file(content) {
        return None;
    }
    let file = object::File::parse(content).ok()?;
    names
        .iter()
        .find_map(|n| file.section_by_name(n))
        .and_then(|s| s.data().ok())
}

/// The first section named one of `names` of the ELF, Mach-O or PE file, read
/// by ranges (headers and that section only). `None` when the file is not an
/// object file, has no such section, or claims one larger than `max` bytes
/// (reading it would allocate that much).
fn object_section_of_file(file: &std::fs::File, names: &[&str], max: u64) -> Option<Vec<u8>> {
    let mut head = [0u8; 4];
    std::os::unix::fs::FileExt::read_exact_at(file, &mut head, 0).ok()?;
    if !is_object_file(&head) {
        return None;
    }
    let cache = object::ReadCache::new(file);
    let obj = object::File::parse(&cache).ok()?;
    names
        .iter()
        .find_map(|n| obj.section_by_name(n))
        .filter(|s| s.size() <= max)
        .and_then(|s| s.data().ok())
        .map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_json_build_deps_and_local_crates_left_out() {
        let data: AuditData = serde_json::from_str(
            r#"{"packages":[
                {"name":"app","version":"0.1.0","source":"local","dependencies":[1,2,3],"root":true},
                {"name":"itoa","version":"1.0.11","source":"crates.io"},
                {"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"},
                {"name":"util","version":"0.1.0","source":"local","dependencies":[4]},
                {"name":"memchr","version":"2.7.4","source":"crates.io","dependencies":[5]},
                {"name":"regex-syntax","version":"0.8.0","source":"crates.io"}
            ]}"#,
        )
        .unwrap();
        let out = audit_packages("bin/app", &data);
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.kind, p.direct))
            .collect();
        assert_eq!(
            got,
            vec![
                ("app", PackageKind::Application, None),
                ("itoa", PackageKind::Library, Some(true)),
                ("memchr", PackageKind::Library, Some(true)),
                ("regex-syntax", PackageKind::Library, Some(false)),
            ]
        );
    }

    #[test]
    fn not_an_object_file() {
        assert!(object_section(b"#!/bin/sh\necho hi\n", &[".dep-v0"]).is_none());
        assert!(object_section(b"\x7fELF garbage", &[".dep-v0"]).is_none());
        assert!(parse_auditable("bin/x", b"\x7fELF").unwrap().is_empty());
    }
}
