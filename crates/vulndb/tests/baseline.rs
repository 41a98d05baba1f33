//! The baseline shipped in data/baseline: installed into a cache directory on first use,
//! reused afterwards, replaced when damaged, and good enough to scan with offline.

mod common;

use common::*;
use drydock_core::{Ecosystem, Severity};
use drydock_vulndb::{
    Seed, baseline_manifest, baseline_path, match_inventory, open_default, open_or_install_baseline,
};

#[test]
fn baseline_installs_once_and_is_reused() {
    let cache = tempfile::tempdir().unwrap();
    let manifest = baseline_manifest().unwrap();
    let db = open_or_install_baseline(cache.path()).unwrap();
    assert_eq!(db.info().content_hash, manifest.content_hash);
    assert_eq!(db.info().built_at, manifest.built_at);
    let path = baseline_path(cache.path()).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        manifest.sqlite_bytes
    );
    let ino = std::fs::metadata(&path).unwrap().modified().unwrap();
    drop(db);

    let again = open_or_install_baseline(cache.path()).unwrap();
    assert_eq!(again.info().content_hash, manifest.content_hash);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        ino,
        "reused, not rewritten"
    );
    drop(again);

    // A damaged copy is replaced.
    std::fs::write(&path, b"garbage").unwrap();
    let fixed = open_or_install_baseline(cache.path()).unwrap();
    assert_eq!(fixed.info().content_hash, manifest.content_hash);
    // open_default falls back to the baseline while no user database exists.
    assert_eq!(open_default(cache.path()).unwrap().info(), fixed.info());
}

#[test]
fn baseline_scans_offline() {
    let cache = tempfile::tempdir().unwrap();
    let db = open_or_install_baseline(cache.path()).unwrap();
    let inv = inventory(
        Some(os("debian", "12")),
        vec![
            deb("libssl3", "openssl", "3.0.20-1~deb12u2"),
            lib(
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                "2.14.1",
                "app.jar",
            ),
        ],
    );
    let (findings, warnings) = match_inventory(&db, &inv).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    // The full vulndata has exactly the 12 openssl records of tests/data, and for log4j-core
    // 2.14.1 the three GHSA records (CVE-2021-45105 joins the two in tests/data).
    let openssl: Vec<&str> = findings
        .iter()
        .filter(|f| f.package_name.as_deref() == Some("libssl3"))
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(openssl.len(), 12);
    assert_eq!(openssl[0], "CVE-2026-35189");
    let log4j: Vec<(&str, Severity, Option<&str>)> = findings
        .iter()
        .filter(|f| f.package_name.as_deref() == Some("org.apache.logging.log4j:log4j-core"))
        .map(|f| (f.id.as_str(), f.severity, f.fixed_version.as_deref()))
        .collect();
    assert_eq!(
        log4j,
        vec![
            ("CVE-2021-44228", Severity::Critical, Some("2.15.0")),
            ("CVE-2021-45046", Severity::Critical, Some("2.16.0")),
            ("CVE-2021-45105", Severity::High, Some("2.17.0")),
        ]
    );
}

#[test]
fn import_can_start_from_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");
    let opts = drydock_vulndb::ImportOptions {
        seed: Seed::Baseline,
        ..Default::default()
    };
    drydock_vulndb::import_with(&db, &[data_dir().join("PyPI-GHSA")], &opts).unwrap();
    let st = drydock_vulndb::status(&db).unwrap();
    let names: Vec<&str> = st.sources.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"baseline:Debian"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("import:") && n.ends_with("PyPI-GHSA")),
        "{names:?}"
    );
    // 20,749 baseline advisories plus the GHSA record.
    assert_eq!(st.advisories, 20_750);
}
