//! The ignore file applied to a real report: both formats, ids and aliases,
//! scoping by purl, package and path, expiry, discovery and errors.

mod common;

use common::{pair, report, suppressed, visible};
use drydock_policy::{IgnoreFile, IgnoreFormat, Policy, PolicyError, apply, discover};
use std::collections::BTreeMap;

fn text(rel: &str) -> String {
    String::from_utf8(common::read(rel)).unwrap()
}

fn policy_with(ignore: IgnoreFile) -> Policy {
    Policy {
        exit_code: 1,
        ignore: Some(ignore),
        ..Default::default()
    }
}

#[test]
fn trivyignore_plain_format() {
    let ignore = IgnoreFile::parse(
        &text("ignore/trivyignore"),
        ".trivyignore",
        IgnoreFormat::Plain,
    )
    .unwrap();
    let mut r = report();
    let out = apply(&policy_with(ignore), &mut r, "2026-03-01");

    let want: BTreeMap<_, _> = [
        ("CVE-2021-23337", pair("ignorefile", ".trivyignore:2")),
        (
            "CVE-2020-28500",
            pair(
                "ignorefile",
                ".trivyignore:3: lodash trim() ReDoS: input is bounded by the API gateway",
            ),
        ),
        (
            "aws-access-key-id",
            pair(
                "ignorefile",
                ".trivyignore:4: the key in app/config/.env is a revoked example key",
            ),
        ),
        (
            "DS026",
            pair("ignorefile", ".trivyignore:8 (expires 2027-01-01)"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(suppressed(&r), want);
    assert_eq!(
        visible(&r),
        [
            "CVE-2024-13176",
            "CVE-2023-45853",
            "CVE-2023-44487",
            "CVE-2024-35195",
            "github-pat",
            "DS002"
        ]
    );
    assert_eq!(
        out.notices,
        [
            ".trivyignore:7: ignore entry AVD-DS-0002 expired on 2026-01-01 and no longer suppresses (1 matching finding)"
        ]
    );
    assert_eq!(
        (out.failing, out.suppressed, out.removed, out.exit_code),
        (6, 4, 0, 1)
    );
    // Suppressed findings stay in the report.
    assert_eq!(r.findings.len(), 10);
}

#[test]
fn plain_entry_suppresses_until_its_expiry_day() {
    let ignore = IgnoreFile::parse(
        &text("ignore/trivyignore"),
        ".trivyignore",
        IgnoreFormat::Plain,
    )
    .unwrap();
    let policy = policy_with(ignore);

    let mut r = report();
    let out = apply(&policy, &mut r, "2025-12-31");
    assert_eq!(
        suppressed(&r).get("DS002"),
        Some(&pair("ignorefile", ".trivyignore:7 (expires 2026-01-01)"))
    );
    assert!(out.notices.is_empty(), "{:?}", out.notices);

    let mut r = report();
    let out = apply(&policy, &mut r, "2026-01-01");
    assert_eq!(suppressed(&r).get("DS002"), None);
    assert_eq!(out.notices.len(), 1);
}

#[test]
fn yaml_format_with_scopes() {
    let ignore = IgnoreFile::parse(
        &text("ignore/drydockignore.yaml"),
        ".drydockignore.yaml",
        IgnoreFormat::Yaml,
    )
    .unwrap();
    let mut r = report();
    let out = apply(&policy_with(ignore), &mut r, "2026-03-01");

    let want: BTreeMap<_, _> = [
        (
            "CVE-2023-44487",
            pair(
                "ignorefile",
                ".drydockignore.yaml:3: shop does not serve HTTP/2",
            ),
        ),
        (
            "CVE-2024-13176",
            pair(
                "ignorefile",
                ".drydockignore.yaml:13: timing side channel needs local access",
            ),
        ),
        (
            "CVE-2021-23337",
            pair("ignorefile", ".drydockignore.yaml:18 (expires 2030-01-01)"),
        ),
        (
            "github-pat",
            pair(
                "ignorefile",
                ".drydockignore.yaml:22: test fixtures hold dummy tokens",
            ),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(suppressed(&r), want);
    assert_eq!(
        visible(&r),
        [
            "CVE-2023-45853",
            "CVE-2020-28500",
            "CVE-2024-35195",
            "aws-access-key-id",
            "DS002",
            "DS026"
        ]
    );
    assert_eq!(
        out.notices,
        [
            ".drydockignore.yaml:26: ignore entry DS026 expired on 2026-02-01 and no longer suppresses (1 matching finding)"
        ]
    );
    assert_eq!((out.failing, out.suppressed, out.exit_code), (6, 4, 1));
}

#[test]
fn yaml_scope_kinds() {
    // One entry per scope kind, each matching exactly one finding.
    let yaml = r#"
vulnerabilities:
  - id: CVE-2024-35195
    paths: ["usr/lib/**/METADATA"]
  - id: cve-2023-45853
    purls: ["pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"]
  - id: CVE-2024-13176
    packages: [LIBSSL3]
  - packages: [lodash]
    statement: every lodash advisory, reviewed quarterly
misconfigurations:
  - id: AVD-DS-0002
    paths: [Dockerfile]
"#;
    let ignore = IgnoreFile::parse(yaml, "i.yaml", IgnoreFormat::Yaml).unwrap();
    let mut r = report();
    apply(&policy_with(ignore), &mut r, "2026-03-01");
    let got: Vec<(String, String)> = suppressed(&r)
        .into_iter()
        .map(|(k, (_, reason))| (k, reason))
        .collect();
    let want: Vec<(String, String)> = [
        (
            "CVE-2020-28500",
            "i.yaml:9: every lodash advisory, reviewed quarterly",
        ),
        (
            "CVE-2021-23337",
            "i.yaml:9: every lodash advisory, reviewed quarterly",
        ),
        ("CVE-2023-45853", "i.yaml:5"),
        ("CVE-2024-13176", "i.yaml:7"),
        ("CVE-2024-35195", "i.yaml:3"),
        ("DS002", "i.yaml:12"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn scopes_that_do_not_fit_leave_findings_alone() {
    let yaml = r#"
vulnerabilities:
  - id: CVE-2023-45853
    purls: ["pkg:deb/debian/zlib1g@1:1.2.13.dfsg-2"]
  - id: CVE-2023-45853
    purls: ["pkg:rpm/zlib1g"]
  - id: CVE-2023-45853
    packages: [zlib-ng]
  - id: CVE-2023-45853
    paths: ["var/lib/dpkg/status.d/*"]
  - id: CVE-2023-45853
    paths: ["var/lib/dpkg/status"]
    packages: [libssl3]
secrets:
  - id: aws-access-key-id
    paths: ["*.env"]
  - id: DS002
"#;
    let ignore = IgnoreFile::parse(yaml, "i.yaml", IgnoreFormat::Yaml).unwrap();
    let mut r = report();
    let out = apply(&policy_with(ignore), &mut r, "2026-03-01");
    assert_eq!(suppressed(&r), BTreeMap::new());
    assert_eq!(out.failing, 10);
}

#[test]
fn load_detects_the_format_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // YAML content under the plain default name is read as YAML.
    let p = dir.path().join(".drydockignore");
    std::fs::write(&p, "secrets:\n  - id: github-pat\n").unwrap();
    let f = IgnoreFile::load(&p).unwrap();
    assert_eq!(f.format, IgnoreFormat::Yaml);
    assert_eq!(f.path, p.display().to_string());
    let mut r = report();
    apply(&policy_with(f), &mut r, "2026-03-01");
    assert_eq!(
        suppressed(&r).get("github-pat"),
        Some(&pair("ignorefile", &format!("{}:2", p.display())))
    );

    let p = dir.path().join("accepted.txt");
    std::fs::write(&p, "CVE-2023-45853\n").unwrap();
    assert_eq!(IgnoreFile::load(&p).unwrap().format, IgnoreFormat::Plain);

    let p = dir.path().join("broken.yml");
    std::fs::write(
        &p,
        "vulnerabilities:\n  - id: CVE-1\n    expired_at: 2026-13-01\n",
    )
    .unwrap();
    let e = IgnoreFile::load(&p).unwrap_err();
    assert!(matches!(e, PolicyError::Ignore { .. }));
    assert_eq!(
        e.to_string(),
        format!(
            "{}:3: bad expired_at \"2026-13-01\": expected YYYY-MM-DD",
            p.display()
        )
    );

    let p = dir.path().join("broken");
    std::fs::write(&p, "CVE-1\n\nCVE-2 exp:tomorrow\n").unwrap();
    let e = IgnoreFile::load(&p).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:3: bad expiry date \"tomorrow\" for CVE-2: expected exp:YYYY-MM-DD",
            p.display()
        )
    );

    let missing = dir.path().join("nope.yaml");
    let e = IgnoreFile::load(&missing).unwrap_err();
    assert!(matches!(e, PolicyError::Read { .. }));
    assert!(
        e.to_string()
            .starts_with(&format!("cannot read {}: ", missing.display())),
        "{e}"
    );
}

#[test]
fn discovery_order() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(discover(dir.path()), None);
    std::fs::write(dir.path().join(".drydockignore.yaml"), "vulnerabilities:\n").unwrap();
    assert_eq!(
        discover(dir.path()),
        Some(dir.path().join(".drydockignore.yaml"))
    );
    std::fs::write(dir.path().join(".drydockignore"), "CVE-2023-45853\n").unwrap();
    assert_eq!(
        discover(dir.path()),
        Some(dir.path().join(".drydockignore"))
    );
    // A directory of that name is not an ignore file.
    let dir2 = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir2.path().join(".drydockignore")).unwrap();
    assert_eq!(discover(dir2.path()), None);
}

#[test]
fn trivy_upstream_yaml_example_parses() {
    // The shape of Trivy's own testdata/.trivyignore.yaml, licences included.
    let yaml = "vulnerabilities:\n  - id: CVE-2019-0001\n    paths:\n      - \"**/*-lock.json\"\n  - id: CVE-2019-0005\n    expired_at: 2023-01-01\n  - id: CVE-2019-0007\n    purls:\n      - \"pkg:golang/github.com/aquasecurity/aaa@9.9.9\"\n      - \"pkg:golang/github.com/aquasecurity/bar\" # Match\nmisconfigurations:\n  - id: ID100\nsecrets:\nlicenses:\n  - id: GPL-3.0\n    paths:\n      - \"usr/share/gcc/python/libstdcxx/v6/__init__.py\"\n";
    let f = IgnoreFile::parse(yaml, ".trivyignore.yaml", IgnoreFormat::Yaml).unwrap();
    let ids: Vec<_> = f
        .entries
        .iter()
        .map(|e| (e.id.clone().unwrap(), e.line))
        .collect();
    assert_eq!(
        ids,
        [
            ("CVE-2019-0001".to_string(), 2),
            ("CVE-2019-0005".to_string(), 5),
            ("CVE-2019-0007".to_string(), 7),
            ("ID100".to_string(), 12)
        ]
    );
    assert_eq!(f.entries[2].purls.len(), 2);
}
