//! Import of real OSV records and matching against them, with exact expected findings.

mod common;

use common::*;
use drydock_core::{Ecosystem, Finding, FixStatus, Severity};
use drydock_vulndb::{Db, match_inventory};

fn scan(db: &Db, inv: &drydock_core::Inventory) -> Vec<Finding> {
    let (findings, warnings) = match_inventory(db, inv).unwrap();
    assert!(warnings.is_empty(), "unexpected warnings: {warnings:?}");
    findings
}

/// (id, fixed version) of each finding, in output order.
fn ids_fixes(f: &[Finding]) -> Vec<(String, Option<String>)> {
    f.iter()
        .map(|f| (f.id.clone(), f.fixed_version.clone()))
        .collect()
}

fn open_test_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let path = test_db(dir.path());
    let db = Db::open(&path).unwrap();
    (dir, db)
}

#[test]
fn import_counts_and_skips() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.sqlite");
    let stats = drydock_vulndb::import(&db, &[data_dir()]).unwrap();
    assert_eq!(stats.files, 31);
    assert_eq!(stats.records, 31);
    // GO-2022-0617 is withdrawn.
    assert_eq!(stats.withdrawn, 1);
    assert_eq!(stats.stored, 30);
    assert_eq!(stats.nothing_to_match, 0);
    // PYSEC-2019-155's GIT range has a short commit id, which the schema rejects; the record is
    // still read (its ECOSYSTEM range is what matters) and GIT ranges are never stored.
    assert!(stats.warnings.is_empty(), "{:?}", stats.warnings);
    assert!(stats.db.content_hash.starts_with("sha256:"));

    let st = drydock_vulndb::status(&db).unwrap();
    let counts: Vec<(String, u64, u64)> = st
        .ecosystems
        .iter()
        .map(|e| (e.ecosystem.clone(), e.advisories, e.packages))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("AlmaLinux:9".to_string(), 2, 5),
            ("Debian:12".to_string(), 13, 2),
            ("Debian:13".to_string(), 2, 1),
            ("Go".to_string(), 1, 1),
            ("Maven".to_string(), 2, 1),
            ("PyPI".to_string(), 6, 3),
            ("RubyGems".to_string(), 1, 1),
            ("crates.io".to_string(), 2, 2),
            ("npm".to_string(), 1, 1),
        ]
    );
    assert_eq!(st.advisories, 30);
    assert_eq!(st.sources.len(), 1);
    assert!(
        st.sources[0].name.starts_with("import:"),
        "{:?}",
        st.sources[0]
    );
    assert_eq!(st.sources[0].records, 30);
}

#[test]
fn the_same_content_gives_the_same_hash_and_reimport_replaces_a_source() {
    let dir = tempfile::tempdir().unwrap();
    let a = test_db(dir.path());
    let first = Db::open(&a).unwrap().info().clone();
    // Importing the same path again replaces its rows: same content, same hash.
    let again = drydock_vulndb::import(&a, &[data_dir()]).unwrap();
    assert_eq!(again.db.content_hash, first.content_hash);
    assert_eq!(drydock_vulndb::status(&a).unwrap().advisories, 30);
}

#[test]
fn bad_records_are_warnings_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(
        data_dir().join("Go/GO-2022-1059.json"),
        input.join("GO-2022-1059.json"),
    )
    .unwrap();
    std::fs::write(
        input.join("broken.json"),
        b"{\"id\": \"X-1\", \"affected\": [",
    )
    .unwrap();
    std::fs::write(
        input.join("no-id.json"),
        b"{\"modified\": \"2024-01-01T00:00:00Z\"}",
    )
    .unwrap();
    std::fs::write(input.join("notes.txt"), b"ignored: not json").unwrap();
    let db = dir.path().join("v.sqlite");
    let stats = drydock_vulndb::import(&db, &[&input]).unwrap();
    assert_eq!((stats.files, stats.records, stats.stored), (3, 1, 1));
    let mut warned: Vec<String> = stats
        .warnings
        .iter()
        .map(|w| {
            std::path::Path::new(&w.input)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    warned.sort();
    assert_eq!(warned, vec!["broken.json", "no-id.json"]);
    assert!(
        stats
            .warnings
            .iter()
            .any(|w| w.message.contains("missing field `id`")),
        "{:?}",
        stats.warnings
    );
}

const OPENSSL_FIXES: [(&str, &str); 12] = [
    ("CVE-2026-35189", "3.0.22-1~deb12u2"),
    ("CVE-2026-42767", "3.0.22-1~deb12u1"),
    ("CVE-2026-54872", "3.0.22-1~deb12u2"),
    ("CVE-2026-54874", "3.0.22-1~deb12u1"),
    ("CVE-2026-63072", "3.0.22-1~deb12u1"),
    ("CVE-2026-63074", "3.0.22-1~deb12u1"),
    ("CVE-2026-63076", "3.0.22-1~deb12u1"),
    ("CVE-2026-75803", "3.0.22-1~deb12u1"),
    ("CVE-2026-75805", "3.0.22-1~deb12u2"),
    ("CVE-2026-75806", "3.0.22-1~deb12u2"),
    ("CVE-2026-77696", "3.0.22-1~deb12u2"),
    ("CVE-2026-84782", "3.0.22-1~deb12u2"),
];

#[test]
fn debian12_openssl_at_the_bookworm_base_version() {
    let (_d, db) = open_test_db();
    let inv = inventory(
        Some(os("debian", "12")),
        vec![
            deb("libssl3", "openssl", "3.0.20-1~deb12u2"),
            deb("bash", "bash", "5.2.15-2+b7"),
        ],
    );
    let f = scan(&db, &inv);
    let want: Vec<(String, Option<String>)> = OPENSSL_FIXES
        .iter()
        .map(|(c, v)| (c.to_string(), Some(v.to_string())))
        .collect();
    assert_eq!(ids_fixes(&f), want);
    let first = &f[0];
    assert_eq!(
        first.aliases,
        vec!["x_DRYDOCK-DEB12-CVE-2026-35189-openssl"]
    );
    assert_eq!(first.package_name.as_deref(), Some("libssl3"));
    assert_eq!(first.installed_version.as_deref(), Some("3.0.20-1~deb12u2"));
    assert_eq!(first.status, Some(FixStatus::Fixed));
    assert_eq!(first.severity, Severity::Unknown);
    assert_eq!(
        first.package_ref.as_deref(),
        Some(inv.packages[0].bom_ref().as_str())
    );
    assert_eq!(first.location, inv.packages[0].location);
    assert_eq!(
        first
            .location
            .layer
            .as_ref()
            .and_then(|l| l.created_by.as_deref()),
        Some("RUN apt-get install -y openssl")
    );
    assert_eq!(
        first.title,
        "openssl: CVE-2026-35189 (\"Memory Allocation in Relative CRLDP Processing\")"
    );
    assert_eq!(
        first.references,
        vec![
            "https://security-tracker.debian.org/tracker/CVE-2026-35189",
            "https://tracker.debian.org/pkg/openssl"
        ]
    );
    assert_eq!(
        first.remediation,
        "Upgrade libssl3 (source package openssl) to 3.0.22-1~deb12u2 or later."
    );
}

#[test]
fn debian12_openssl_between_and_at_the_fixes() {
    let (_d, db) = open_test_db();
    // After the deb12u1 upload only the deb12u2 fixes remain.
    let mid = scan(
        &db,
        &inventory(
            Some(os("debian", "12")),
            vec![deb("libssl3", "openssl", "3.0.22-1~deb12u1")],
        ),
    );
    let want: Vec<_> = OPENSSL_FIXES
        .iter()
        .filter(|(_, v)| v.ends_with("u2"))
        .map(|(c, v)| (c.to_string(), Some(v.to_string())))
        .collect();
    assert_eq!(ids_fixes(&mid), want);
    assert_eq!(want.len(), 6);
    let fixed = scan(
        &db,
        &inventory(
            Some(os("debian", "12")),
            vec![deb("libssl3", "openssl", "3.0.22-1~deb12u2")],
        ),
    );
    assert!(fixed.is_empty(), "{:?}", ids_fixes(&fixed));
}

#[test]
fn debian_releases_do_not_mix() {
    let (_d, db) = open_test_db();
    // No Debian:13 openssl record: a trixie openssl at an old version matches nothing.
    let t = scan(
        &db,
        &inventory(
            Some(os("debian", "13")),
            vec![deb("libssl3", "openssl", "3.0.20-1~deb12u2")],
        ),
    );
    assert!(t.is_empty());
    let n12 = scan(
        &db,
        &inventory(
            Some(os("debian", "12")),
            vec![deb("nginx", "nginx", "1.22.1-9+deb12u9")],
        ),
    );
    assert_eq!(
        ids_fixes(&n12),
        vec![(
            "CVE-2026-113425".to_string(),
            Some("1.22.1-9+deb12u11".to_string())
        )]
    );
    let n13 = scan(
        &db,
        &inventory(
            Some(os("debian", "13")),
            vec![deb("nginx", "nginx", "1.26.3-3+deb13u10")],
        ),
    );
    assert_eq!(
        ids_fixes(&n13),
        vec![
            (
                "CVE-2026-113425".to_string(),
                Some("1.26.3-3+deb13u11".to_string())
            ),
            (
                "CVE-2026-120967".to_string(),
                Some("1.26.3-3+deb13u11".to_string())
            ),
        ]
    );
}

#[test]
fn pypi_jinja2_ghsa_and_pysec_merge_into_one_finding() {
    let (_d, db) = open_test_db();
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(
                Ecosystem::PyPI,
                "Jinja2",
                "2.10",
                "app/requirements.txt",
            )],
        ),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![("CVE-2019-10906".to_string(), Some("2.10.1".to_string()))]
    );
    let j = &f[0];
    assert_eq!(j.aliases, vec!["GHSA-462w-v97r-4m45", "PYSEC-2019-217"]);
    assert_eq!(j.title, "Jinja2 sandbox escape via string formatting");
    assert_eq!(j.severity, Severity::High);
    assert_eq!(j.cvss_score, Some(8.6));
    assert_eq!(
        j.cvss_vector.as_deref(),
        Some("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N")
    );
    assert!(
        j.description
            .starts_with("In Pallets Jinja before 2.10.1, `str.format_map`")
    );
    assert_eq!(
        j.references[0],
        "https://nvd.nist.gov/vuln/detail/CVE-2019-10906"
    );
    assert_eq!(j.location.path, "app/requirements.txt");

    let old = scan(
        &db,
        &inventory(None, vec![lib(Ecosystem::PyPI, "jinja2", "2.7", "r.txt")]),
    );
    assert_eq!(
        ids_fixes(&old),
        vec![
            ("CVE-2014-1402".to_string(), Some("2.7.2".to_string())),
            ("CVE-2019-10906".to_string(), Some("2.10.1".to_string())),
        ]
    );
    assert!(
        scan(
            &db,
            &inventory(
                None,
                vec![lib(Ecosystem::PyPI, "JINJA2", "2.10.1", "r.txt")]
            )
        )
        .is_empty()
    );
}

#[test]
fn records_sharing_a_ghsa_but_naming_different_cves_stay_apart() {
    let (_d, db) = open_test_db();
    let f = scan(
        &db,
        &inventory(None, vec![lib(Ecosystem::PyPI, "Zope", "4.2", "r.txt")]),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![
            ("CVE-2021-32807".to_string(), Some("4.3".to_string())),
            ("CVE-2021-32811".to_string(), Some("4.6.3".to_string())),
        ]
    );
    assert_eq!(f[0].aliases, vec!["GHSA-qcx9-j53g-ccgf", "PYSEC-2021-875"]);
    assert_eq!(
        f[1].aliases,
        vec![
            "GHSA-g4gq-j4p2-j8fr",
            "GHSA-qcx9-j53g-ccgf",
            "PYSEC-2021-368"
        ]
    );
}

#[test]
fn pypi_record_with_a_malformed_git_range_still_matches() {
    let (_d, db) = open_test_db();
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(Ecosystem::PyPI, "python_dbusmock", "0.15", "r.txt")],
        ),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![("CVE-2015-1326".to_string(), Some("0.15.1".to_string()))]
    );
    assert_eq!(f[0].aliases, vec!["GHSA-74xw-82v7-hmrm", "PYSEC-2019-155"]);
}

#[test]
fn maven_log4shell() {
    let (_d, db) = open_test_db();
    let inv = inventory(
        None,
        vec![lib(
            Ecosystem::Maven,
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            "app/app.jar",
        )],
    );
    let f = scan(&db, &inv);
    assert_eq!(
        ids_fixes(&f),
        vec![
            ("CVE-2021-44228".to_string(), Some("2.15.0".to_string())),
            ("CVE-2021-45046".to_string(), Some("2.16.0".to_string())),
        ]
    );
    let l = &f[0];
    assert_eq!(l.severity, Severity::Critical);
    assert_eq!(l.cvss_score, Some(10.0));
    assert_eq!(
        l.cvss_vector.as_deref(),
        Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")
    );
    assert_eq!(l.aliases, vec!["GHSA-jfh8-c2jp-5v3q"]);
    assert_eq!(l.title, "Remote code injection in Log4j");
    assert_eq!(f[1].severity, Severity::Critical);
    assert_eq!(f[1].cvss_score, Some(9.0));
    // 2.12.2 is the backport fix of both.
    assert!(
        scan(
            &db,
            &inventory(
                None,
                vec![lib(
                    Ecosystem::Maven,
                    "org.apache.logging.log4j:log4j-core",
                    "2.12.2",
                    "a.jar"
                )]
            )
        )
        .is_empty()
    );
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                "2.12.1",
                "a.jar",
            )],
        ),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![
            ("CVE-2021-44228".to_string(), Some("2.12.2".to_string())),
            ("CVE-2021-45046".to_string(), Some("2.12.2".to_string())),
        ]
    );
}

#[test]
fn go_module_and_withdrawn_record() {
    let (_d, db) = open_test_db();
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(
                Ecosystem::Go,
                "golang.org/x/text",
                "v0.3.7",
                "usr/bin/app",
            )],
        ),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![("CVE-2022-32149".to_string(), Some("0.3.8".to_string()))]
    );
    assert_eq!(f[0].aliases, vec!["GHSA-69ch-w2m2-3vjp", "GO-2022-1059"]);
    assert_eq!(f[0].severity, Severity::Unknown);
    assert!(
        scan(
            &db,
            &inventory(
                None,
                vec![lib(
                    Ecosystem::Go,
                    "golang.org/x/text",
                    "v0.3.8",
                    "usr/bin/app"
                )]
            )
        )
        .is_empty()
    );
    // Pseudo-versions order by their base.
    let p = scan(
        &db,
        &inventory(
            None,
            vec![lib(
                Ecosystem::Go,
                "golang.org/x/text",
                "v0.3.8-0.20220722155000-abcdefabcdef",
                "x",
            )],
        ),
    );
    assert_eq!(p.len(), 1);
    // GO-2022-0617 (k8s.io/kubernetes, every version) is withdrawn.
    assert!(
        scan(
            &db,
            &inventory(
                None,
                vec![lib(Ecosystem::Go, "k8s.io/kubernetes", "v1.20.0", "x")]
            )
        )
        .is_empty()
    );
}

#[test]
fn crates_io_and_informational_advisories() {
    let (_d, db) = open_test_db();
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(Ecosystem::CratesIo, "time", "0.1.43", "Cargo.lock")],
        ),
    );
    // 0.2.0 is outside every range (RustSec lists it as unaffected), so it is the lowest fix.
    assert_eq!(
        ids_fixes(&f),
        vec![("CVE-2020-26235".to_string(), Some("0.2.0".to_string()))]
    );
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(Ecosystem::CratesIo, "time", "0.2.7", "Cargo.lock")],
        ),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![("CVE-2020-26235".to_string(), Some("0.2.23".to_string()))]
    );
    assert_eq!(
        f[0].aliases,
        vec!["GHSA-wcg3-cvx6-7396", "RUSTSEC-2020-0071"]
    );
    assert_eq!(
        (f[0].severity, f[0].cvss_score),
        (Severity::Medium, Some(6.2))
    );
    assert!(
        scan(
            &db,
            &inventory(
                None,
                vec![lib(Ecosystem::CratesIo, "time", "0.2.23", "Cargo.lock")]
            )
        )
        .is_empty()
    );
    // In the holes between the per-release backports: 0.2.1 itself is fixed.
    assert!(
        scan(
            &db,
            &inventory(
                None,
                vec![lib(Ecosystem::CratesIo, "time", "0.2.1", "Cargo.lock")]
            )
        )
        .is_empty()
    );
    // RUSTSEC-2016-0004 only says libusb is unmaintained.
    assert!(
        scan(
            &db,
            &inventory(
                None,
                vec![lib(Ecosystem::CratesIo, "libusb", "0.2.0", "Cargo.lock")]
            )
        )
        .is_empty()
    );
}

#[test]
fn rubygems_bare_cvss_score() {
    let (_d, db) = open_test_db();
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(
                Ecosystem::RubyGems,
                "nokogiri",
                "1.5.10",
                "Gemfile.lock",
            )],
        ),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![("CVE-2013-6460".to_string(), Some("1.5.11".to_string()))]
    );
    assert_eq!(
        (f[0].severity, f[0].cvss_score, f[0].cvss_vector.as_deref()),
        (Severity::Medium, Some(6.5), None)
    );
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(
                Ecosystem::RubyGems,
                "nokogiri",
                "1.6.0",
                "Gemfile.lock",
            )],
        ),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![("CVE-2013-6460".to_string(), Some("1.6.1".to_string()))]
    );
    assert!(
        scan(
            &db,
            &inventory(
                None,
                vec![lib(
                    Ecosystem::RubyGems,
                    "nokogiri",
                    "1.5.11",
                    "Gemfile.lock"
                )]
            )
        )
        .is_empty()
    );
}

#[test]
fn npm_names_fold_case() {
    let (_d, db) = open_test_db();
    // GHSA-8hc4-vh64-cxmj writes the package `Axios`.
    let f = scan(
        &db,
        &inventory(
            None,
            vec![lib(Ecosystem::Npm, "axios", "1.7.3", "package-lock.json")],
        ),
    );
    assert_eq!(
        ids_fixes(&f),
        vec![("CVE-2024-39338".to_string(), Some("1.7.4".to_string()))]
    );
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].cvss_score, None);
}

#[test]
fn almalinux_data_serves_rhel_and_rocky_marked_as_such() {
    let (_d, db) = open_test_db();
    let pkg = rpm("openssl-libs", "1:3.0.1-46.el9_0");
    let alma = scan(
        &db,
        &inventory(Some(os("almalinux", "9.1")), vec![pkg.clone()]),
    );
    assert_eq!(
        ids_fixes(&alma),
        vec![(
            "ALSA-2023:0946".to_string(),
            Some("1:3.0.1-47.el9_1".to_string())
        )]
    );
    let a = &alma[0];
    assert_eq!(a.severity, Severity::Medium);
    assert_eq!(
        a.aliases,
        vec![
            "CVE-2022-4203",
            "CVE-2022-4304",
            "CVE-2022-4450",
            "CVE-2023-0215",
            "CVE-2023-0216",
            "CVE-2023-0217",
            "CVE-2023-0286",
            "CVE-2023-0401"
        ]
    );
    assert_eq!(
        a.remediation,
        "Upgrade openssl-libs to 1:3.0.1-47.el9_1 or later."
    );
    for family in ["rhel", "rocky", "centos"] {
        let f = scan(&db, &inventory(Some(os(family, "9.1")), vec![pkg.clone()]));
        assert_eq!(ids_fixes(&f), ids_fixes(&alma), "{family}");
        assert!(
            f[0].notes
                .iter()
                .any(|n| n.contains("matched via AlmaLinux:9 data")),
            "{family}: {:?}",
            f[0].notes
        );
        assert!(!f[0].remediation.contains("Note:"));
    }
    // AlmaLinux 8 is another release.
    assert!(
        match_inventory(
            &db,
            &inventory(Some(os("almalinux", "8.9")), vec![pkg.clone()])
        )
        .unwrap()
        .0
        .is_empty()
    );
    assert!(
        scan(
            &db,
            &inventory(
                Some(os("rhel", "9")),
                vec![rpm("openssl-libs", "1:3.0.1-47.el9_1")]
            )
        )
        .is_empty()
    );
}

#[test]
fn almalinux_rebuild_marks_are_ignored_for_other_distributions() {
    let (_d, db) = open_test_db();
    let at_rhel_fix = rpm("thunderbird", "128.3.1-1.el9_4");
    assert!(
        scan(
            &db,
            &inventory(Some(os("rhel", "9.4")), vec![at_rhel_fix.clone()])
        )
        .is_empty()
    );
    let old = scan(
        &db,
        &inventory(
            Some(os("rhel", "9.4")),
            vec![rpm("thunderbird", "128.2.0-1.el9_4")],
        ),
    );
    assert_eq!(
        ids_fixes(&old),
        vec![(
            "ALSA-2024:8025".to_string(),
            Some("128.3.1-1.el9_4".to_string())
        )]
    );
    // On AlmaLinux itself the fix is its own `.alma.1` build.
    let alma = scan(
        &db,
        &inventory(Some(os("almalinux", "9.4")), vec![at_rhel_fix]),
    );
    assert_eq!(
        ids_fixes(&alma),
        vec![(
            "ALSA-2024:8025".to_string(),
            Some("128.3.1-1.el9_4.alma.1".to_string())
        )]
    );
}

#[test]
fn what_cannot_be_checked_is_reported() {
    let (_d, db) = open_test_db();
    let inv = inventory(
        None,
        vec![
            deb("libssl3", "openssl", "3.0.20-1~deb12u2"),
            lib(
                Ecosystem::NuGet,
                "Newtonsoft.Json",
                "12.0.1",
                "app.deps.json",
            ),
            lib(Ecosystem::PyPI, "jinja2", "", "r.txt"),
            lib(
                Ecosystem::Go,
                "golang.org/x/text",
                "not-a-version",
                "usr/bin/app",
            ),
        ],
    );
    let (findings, warnings) = match_inventory(&db, &inv).unwrap();
    assert!(findings.is_empty());
    let msgs: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    assert!(
        msgs[0].contains("no OS release was detected, so 1 OS package(s)"),
        "{}",
        msgs[0]
    );
    assert!(
        msgs[1].contains("1 NuGet package(s) were not checked"),
        "{}",
        msgs[1]
    );
    assert!(
        msgs[2].starts_with("package jinja2: invalid PEP 440 version"),
        "{}",
        msgs[2]
    );
    assert_eq!(warnings[2].input, "r.txt");
    assert!(
        msgs[3].starts_with("package golang.org/x/text: invalid Go version"),
        "{}",
        msgs[3]
    );

    let fedora = inventory(Some(os("fedora", "40")), vec![rpm("bash", "5.2.26-3.fc40")]);
    let (_, w) = match_inventory(&db, &fedora).unwrap();
    assert_eq!(w.len(), 1);
    assert!(
        w[0].message
            .contains("drydock has no advisory source for it"),
        "{}",
        w[0].message
    );
}

/// A package marked local (the project's own code, e.g. a workspace member
/// that happens to share a registry name) is never matched.
#[test]
fn local_packages_are_not_matched() {
    let (_d, db) = open_test_db();
    let mut own = lib(Ecosystem::PyPI, "Jinja2", "2.10", "app/poetry.lock");
    own.local = true;
    let registry = lib(Ecosystem::PyPI, "Jinja2", "2.10", "app/requirements.txt");
    let f = scan(&db, &inventory(None, vec![own, registry]));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        f[0].package_ref.as_deref(),
        Some("pkg:pypi/jinja2@2.10?file=app/requirements.txt")
    );
}
