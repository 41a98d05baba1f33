//! The apk analyzer on a database written to the Apk spec (see
//! tests/data/os/apk/README.md).

use drydock_catalog::os::{self, apk::ApkAnalyzer};
use drydock_core::{Analyzer, Ecosystem, OsInfo};
use std::path::Path;

fn installed() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/os/apk/installed"))
        .expect("fixture")
}

#[test]
fn alpine_installed_database() {
    let a = ApkAnalyzer;
    assert!(a.wants("lib/apk/db/installed"));
    assert!(!a.wants("lib/apk/db/installed.new"));
    let out = a
        .analyze("lib/apk/db/installed", &installed())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let got: Vec<String> = out
        .packages
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {} {} {:?} line {:?}",
                p.name,
                p.version,
                p.arch.as_deref().unwrap_or(""),
                p.source_name.as_deref().unwrap_or(""),
                p.source_version.as_deref().unwrap_or(""),
                p.licenses,
                p.location.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            "alpine-baselayout-data 3.6.5-r0 x86_64 alpine-baselayout 3.6.5-r0 [\"GPL-2.0-only\"] line Some(1)",
            "musl 1.2.5-r0 x86_64 musl 1.2.5-r0 [\"MIT\"] line Some(22)",
            "libcrypto3 3.3.2-r0 x86_64 openssl 3.3.2-r0 [\"Apache-2.0\"] line Some(42)",
            "libssl3 3.3.2-r0 x86_64 openssl 3.3.2-r0 [\"Apache-2.0\"] line Some(63)",
            "busybox 1.36.1-r29 x86_64 busybox 1.36.1-r29 [\"GPL-2.0-only\"] line Some(83)",
            "ca-certificates-bundle 20240705-r0 x86_64 ca-certificates 20240705-r0 [\"MPL-2.0 AND MIT\"] line Some(103)",
        ]
    );
    let mut pkgs = out.packages;
    assert!(
        pkgs.iter()
            .all(|p| p.ecosystem == Ecosystem::Alpine && p.location.path == "lib/apk/db/installed")
    );
    let alpine = OsInfo {
        family: "alpine".into(),
        version: "3.20.3".into(),
        ..OsInfo::default()
    };
    os::finalize_os_packages(Some(&alpine), &mut pkgs);
    assert_eq!(
        pkgs[2].purl,
        "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3"
    );
    assert_eq!(pkgs[2].advisory_name(), "openssl");
}

#[test]
fn truncated_database_keeps_complete_entries() {
    let bytes = installed();
    let text = String::from_utf8_lossy(&bytes);
    // Cut inside the third entry, before its V: line.
    let cut = text.find("P:libcrypto3").expect("entry") + "P:libcrypto3\n".len();
    let out = ApkAnalyzer
        .analyze("lib/apk/db/installed", &bytes[..cut])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.packages.len(), 2);
    assert_eq!(
        out.warnings,
        vec!["lib/apk/db/installed: package libcrypto3 (line 42) has no V: (version); skipped"]
    );
    let e = ApkAnalyzer
        .analyze("lib/apk/db/installed", b"\0\0\0")
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("lib/apk/db/installed: binary data (NUL bytes), not an apk installed database")
    );
}
