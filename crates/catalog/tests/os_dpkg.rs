//! The dpkg analyzer against this Debian host's real database (checked
//! against `dpkg-query`) and a distroless `status.d` fixture made of real
//! Debian 12 control records.

use drydock_catalog::os::{self, dpkg::DpkgAnalyzer};
use drydock_core::{Analyzer, Ecosystem, OsInfo, Package};
use std::path::Path;
use std::process::Command;

const FORMAT: &str = "${db:Status-Abbrev}|${Package}|${Version}|${Architecture}|${source:Package}|${source:Version}\n";

/// Installed packages as dpkg itself reports them, sorted.
fn dpkg_query() -> Vec<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f", FORMAT])
        .output()
        .expect(
            "dpkg-query must be installed: this test reads the Debian host's own dpkg database",
        );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        // Second letter of the abbreviation is the state; `i` = installed.
        .filter(|l| l.as_bytes().get(1) == Some(&b'i'))
        .map(|l| {
            l.split_once('|')
                .map(|(_, rest)| rest.to_string())
                .unwrap_or_default()
        })
        .collect();
    v.sort();
    v
}

fn as_query(pkgs: &[Package]) -> Vec<String> {
    let mut v: Vec<String> = pkgs
        .iter()
        .map(|p| {
            format!(
                "{}|{}|{}|{}|{}",
                p.name,
                p.version,
                p.arch.as_deref().unwrap_or(""),
                p.source_name.as_deref().unwrap_or(""),
                p.source_version.as_deref().unwrap_or("")
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn host_status_matches_dpkg_query() {
    let a = DpkgAnalyzer;
    // Other work on this machine may install packages meanwhile: retry until
    // dpkg-query gives the same answer before and after reading the file.
    for _ in 0..5 {
        let before = dpkg_query();
        let bytes = std::fs::read("/var/lib/dpkg/status").expect("read /var/lib/dpkg/status");
        let after = dpkg_query();
        if before != after {
            continue;
        }
        let out = a
            .analyze("var/lib/dpkg/status", &bytes)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert!(
            before.len() > 100,
            "a Debian host has more than {} packages",
            before.len()
        );
        assert_eq!(as_query(&out.packages), before);
        assert!(out.packages.iter().all(|p| p.ecosystem == Ecosystem::Debian
            && p.location.path == "var/lib/dpkg/status"
            && p.licenses.is_empty()));
        return;
    }
    panic!("the dpkg database kept changing while the test read it");
}

#[test]
fn host_status_cut_anywhere_never_panics() {
    let bytes = std::fs::read("/var/lib/dpkg/status").expect("read /var/lib/dpkg/status");
    let a = DpkgAnalyzer;
    let step = (bytes.len() / 97).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        let out = a
            .analyze("var/lib/dpkg/status", &bytes[..cut])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.warnings
                .iter()
                .all(|w| w.starts_with("var/lib/dpkg/status: "))
        );
    }
    // Cut in the middle of a Version line: that package is reported, not invented.
    let text = String::from_utf8_lossy(&bytes);
    let at = text.find("\nVersion: ").expect("a Version field") + 4;
    let out = a
        .analyze("var/lib/dpkg/status", &bytes[..at])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.packages.is_empty());
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert!(
        out.warnings[1].contains("has no Version; skipped"),
        "{:?}",
        out.warnings
    );
}

fn status_d() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/os/dpkg/status.d");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| {
            let e = e.expect("dir entry");
            let name = e.file_name().to_string_lossy().into_owned();
            (
                format!("var/lib/dpkg/status.d/{name}"),
                std::fs::read(e.path()).expect("read fixture"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn distroless_status_d() {
    let a = DpkgAnalyzer;
    let mut pkgs = Vec::new();
    let mut skipped = Vec::new();
    for (path, bytes) in status_d() {
        if !a.wants(&path) {
            skipped.push(path);
            continue;
        }
        let out = a.analyze(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.warnings.is_empty(), "{path}: {:?}", out.warnings);
        assert_eq!(out.packages.len(), 1, "{path}");
        pkgs.extend(out.packages);
    }
    assert_eq!(skipped, vec!["var/lib/dpkg/status.d/libssl3.md5sums"]);
    assert_eq!(
        as_query(&pkgs),
        vec![
            "base-files|12.4+deb12u11|amd64|base-files|12.4+deb12u11",
            "bsdutils|1:2.38.1-5+deb12u3|amd64|util-linux|2.38.1-5+deb12u3",
            "libc6|2.36-9+deb12u14|amd64|glibc|2.36-9+deb12u14",
            "libssl3|3.0.19-1~deb12u2|amd64|openssl|3.0.19-1~deb12u2",
        ]
    );

    assert!(os::is_distroless(
        pkgs.iter().map(|p| p.location.path.as_str())
    ));
    let debian = OsInfo {
        family: "debian".into(),
        version: "12".into(),
        distroless: true,
        ..OsInfo::default()
    };
    os::finalize_os_packages(Some(&debian), &mut pkgs);
    let bsd = pkgs
        .iter()
        .find(|p| p.name == "bsdutils")
        .expect("bsdutils");
    assert_eq!(
        bsd.purl,
        "pkg:deb/debian/bsdutils@1%3A2.38.1-5+deb12u3?arch=amd64&distro=debian-12"
    );
    assert_eq!(bsd.location.path, "var/lib/dpkg/status.d/bsdutils");
}

#[test]
fn ubuntu_family_turns_dpkg_packages_into_ubuntu() {
    let a = DpkgAnalyzer;
    let (path, bytes) = status_d()
        .into_iter()
        .find(|(p, _)| p.ends_with("/libc6"))
        .expect("libc6");
    let mut pkgs = a
        .analyze(&path, &bytes)
        .unwrap_or_else(|e| panic!("{e}"))
        .packages;
    let ubuntu = OsInfo {
        family: "ubuntu".into(),
        version: "22.04".into(),
        ..OsInfo::default()
    };
    os::finalize_os_packages(Some(&ubuntu), &mut pkgs);
    assert_eq!(pkgs[0].ecosystem, Ecosystem::Ubuntu);
    assert_eq!(
        pkgs[0].purl,
        "pkg:deb/ubuntu/libc6@2.36-9+deb12u14?arch=amd64&distro=ubuntu-22.04"
    );
    assert_eq!(pkgs[0].advisory_name(), "glibc");
}

#[test]
fn garbage_is_an_error_or_a_warning_naming_the_file() {
    let a = DpkgAnalyzer;
    let e = a
        .analyze("var/lib/dpkg/status", &[0x7f, b'E', b'L', b'F', 0, 1, 2])
        .err();
    assert_eq!(
        e.map(|e| e.to_string()).as_deref(),
        Some("var/lib/dpkg/status: binary data (NUL bytes), not a dpkg status file")
    );
    let out = a
        .analyze(
            "var/lib/dpkg/status.d/x",
            b"\xff\xfe not: really\nPackage: p\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.packages.is_empty());
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert!(out.warnings[0].starts_with("var/lib/dpkg/status.d/x: invalid UTF-8"));
    assert_eq!(
        out.warnings[1],
        "var/lib/dpkg/status.d/x: package p (line 1) has no Version; skipped"
    );
}
