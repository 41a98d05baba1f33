//! JUnit XML output: golden files, validity against both JUnit schemas
//! (`tests/schemas/JUnit.xsd`, the strict Ant format, and `junit-10.xsd`, the
//! one Jenkins validates against) with `xmllint` from libxml2-utils, and the
//! counts CI systems show.

mod common;

use common::{REPORTS, hostile_report, render, report};
use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMAS: [&str; 2] = ["JUnit.xsd", "junit-10.xsd"];

fn schema(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(name)
}

fn xmllint(args: &[&str], xml: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).expect("XML written");
    let out = Command::new("xmllint")
        .args(args)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("running xmllint: {e}; install it with `apt-get install -y libxml2-utils`")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success(),
        text.replace(&*file.to_string_lossy(), "report.xml"),
    )
}

/// `Ok` when `xml` is valid against the schema, else xmllint's complaints.
fn validate(xml: &str, xsd: &str) -> Result<(), String> {
    let xsd = schema(xsd);
    match xmllint(&["--noout", "--schema", &xsd.to_string_lossy()], xml) {
        (true, _) => Ok(()),
        (false, errors) => Err(errors),
    }
}

fn xpath(xml: &str, expr: &str) -> String {
    let (ok, out) = xmllint(&["--xpath", expr], xml);
    assert!(ok, "{expr}: {out}");
    out.trim().to_string()
}

#[test]
fn golden_files() {
    for name in REPORTS {
        insta::assert_snapshot!(format!("{name}.junit"), render("junit", &report(name)));
    }
}

#[test]
fn every_report_validates_against_both_schemas() {
    let mut docs: Vec<(String, String)> = REPORTS
        .iter()
        .map(|name| (name.to_string(), render("junit", &report(name))))
        .collect();
    docs.push(("hostile".into(), render("junit", &hostile_report())));
    for (name, xml) in &docs {
        for xsd in SCHEMAS {
            assert_eq!(validate(xml, xsd), Ok(()), "{name} against {xsd}");
        }
    }
}

#[test]
fn the_schema_check_can_fail() {
    let xml = render("junit", &report("debian-app"));
    // The strict schema wants a time-zone-free timestamp and no attributes on <testsuites>.
    let zoned = xml.replacen(
        "timestamp=\"2026-11-29T08:15:30\"",
        "timestamp=\"2026-11-29T08:15:30Z\"",
        1,
    );
    let err = validate(&zoned, "JUnit.xsd").unwrap_err();
    assert!(err.contains("timestamp"), "{err}");
    let counted = xml.replacen("<testsuites>", "<testsuites tests=\"9\">", 1);
    assert!(validate(&counted, "JUnit.xsd").is_err());
    // Both reject a test case without a name.
    let nameless = xml.replacen("<testcase name=\"zlib1g 1:1.2.13.dfsg-1\"", "<testcase", 1);
    assert_ne!(nameless, xml);
    for xsd in SCHEMAS {
        assert!(validate(&nameless, xsd).is_err(), "{xsd}");
    }
}

#[test]
fn failures_are_the_unsuppressed_findings() {
    for name in REPORTS {
        let input = report(name);
        let xml = render("junit", &input);
        let failed = input
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .count();
        let skipped = input.findings.len() - failed;
        assert_eq!(
            xpath(&xml, "count(//failure)"),
            failed.to_string(),
            "{name}"
        );
        assert_eq!(
            xpath(&xml, "count(//skipped)"),
            skipped.to_string(),
            "{name}"
        );
        assert_eq!(
            xpath(&xml, "sum(//testsuite/@failures)"),
            failed.to_string(),
            "{name}"
        );
        assert_eq!(
            xpath(&xml, "sum(//testsuite/@skipped)"),
            skipped.to_string(),
            "{name}"
        );
        assert_eq!(
            xpath(&xml, "sum(//testsuite/@tests)"),
            xpath(&xml, "count(//testcase)"),
            "{name}"
        );
    }
}

#[test]
fn suites_per_target_and_cases_per_package() {
    let xml = render("junit", &report("debian-app"));
    let suites: Vec<String> = (1..=8)
        .map(|i| xpath(&xml, &format!("string(//testsuite[{i}]/@name)")))
        .take_while(|s| !s.is_empty())
        .collect();
    assert_eq!(
        suites,
        [
            "ghcr.io/acme/shop-api:1.4.2 (debian 12)",
            "app/package-lock.json (npm)",
            "app/shop-api.jar (Maven)",
            "usr/local/bin/healthcheck (Go)",
            "usr/local/bin/shopctl (crates.io)",
            "usr/local/lib/python3.11/dist-packages (PyPI)",
            "Secrets",
        ]
    );
    // A clean package passes; a vulnerable one fails once per finding.
    assert_eq!(
        xpath(&xml, "count(//testcase[@name='zlib1g 1:1.2.13.dfsg-1']/*)"),
        "0"
    );
    assert_eq!(
        xpath(
            &xml,
            "string(//testcase[@name='CVE-2024-5535 (libssl3 3.0.11-1~deb12u2)']/failure/@message)"
        ),
        "CVE-2024-5535 CRITICAL: openssl: SSL_select_next_proto buffer overread"
    );
    assert_eq!(
        xpath(
            &xml,
            "string(//testcase[@classname='libc6']/skipped/@message)"
        ),
        "CVE-2010-4756 suppressed by ignorefile: only reachable through an FTP daemon; none runs in this image"
    );
    let details = xpath(
        &xml,
        "string(//testcase[@name='CVE-2024-5535 (libssl3 3.0.11-1~deb12u2)']/failure)",
    );
    assert!(details.starts_with("Package: libssl3 3.0.11-1~deb12u2\nFixed version: 3.0.15-1~deb12u1\nStatus: fixed\nSeverity: CRITICAL\nCVSS: 9.1 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H\nLocation: var/lib/dpkg/status (layer 0 48dbc45a6738: ADD file:a1f2e3c4b5d6978012ab34cd56ef7890 in /)\n"), "{details}");
}

#[test]
fn checks_are_grouped_by_family() {
    let xml = render("junit", &report("shop-repo"));
    assert_eq!(
        xpath(
            &xml,
            "string(//testsuite[@package='drydock.checks.DS']/@name)"
        ),
        "DS checks"
    );
    assert_eq!(
        xpath(
            &xml,
            "string(//testsuite[@package='drydock.checks.DS']/@timestamp)"
        ),
        "2026-11-29T08:02:11"
    );
    assert_eq!(
        xpath(
            &xml,
            "string(//testsuite[@package='drydock.checks.DS']/testcase[1]/@name)"
        ),
        "DS002: Image user should not be 'root' (Dockerfile:14)"
    );
    assert_eq!(
        xpath(
            &xml,
            "count(//testsuite[@package='drydock.checks.DS']/testcase/skipped)"
        ),
        "1"
    );
    assert_eq!(
        xpath(
            &xml,
            "string(//testsuite[@package='drydock.checks.KSV']/testcase/@classname)"
        ),
        "deploy/k8s/deployment.yaml"
    );
    let details = xpath(
        &xml,
        "string(//testsuite[@package='drydock.checks.KSV']//failure)",
    );
    assert!(
        details.contains("Compliance: CIS-Kubernetes-1.9:5.2.2, NIST-800-190:4.4.3\n"),
        "{details}"
    );
    assert!(
        details.contains(
            "Evidence: spec.template.spec.containers[0].securityContext.privileged: true\n"
        ),
        "{details}"
    );
}

#[test]
fn hostile_strings_stay_text() {
    let input = hostile_report();
    let xml = render("junit", &input);
    assert!(!xml.contains("<script>"));
    assert!(!xml.contains('\u{1b}'));
    // The title round-trips through a real XML parser, minus what XML cannot hold.
    let message = xpath(&xml, "string(//testsuite[1]//failure[1]/@message)");
    assert!(
        message.contains("<script>alert('x')</script> \"q\" & ]]> \u{FFFD}[31m"),
        "{message}"
    );
}
