//! The gate on a real report: severity and unfixed filters, precedence of
//! filters, ignore file and VEX, end of life, and the exit codes.

mod common;

use common::{pair, report, suppressed, visible};
use drydock_core::{FindingKind, Severity, Suppression};
use drydock_policy::{
    EXIT_SCAN_ERROR, EXIT_USAGE, GateOutcome, IgnoreFile, IgnoreFormat, Policy, PolicyError,
    VexDocument, apply,
};

const TODAY: &str = "2026-03-01";

fn ids(r: &drydock_core::Report) -> Vec<String> {
    r.findings.iter().map(|f| f.id.clone()).collect()
}

#[test]
fn no_policy_keeps_everything_and_passes() {
    let mut r = report();
    let out = apply(&Policy::default(), &mut r, TODAY);
    assert_eq!(r, report());
    assert_eq!(
        out,
        GateOutcome {
            failing: 10,
            suppressed: 0,
            removed: 0,
            notices: vec![],
            eol: false,
            exit_code: 0,
        }
    );
}

#[test]
fn severity_filter_removes_findings() {
    let policy = Policy {
        severities: vec![Severity::Critical, Severity::High],
        exit_code: 1,
        ..Default::default()
    };
    let mut r = report();
    let out = apply(&policy, &mut r, TODAY);
    assert_eq!(
        ids(&r),
        [
            "CVE-2023-45853",
            "CVE-2021-23337",
            "CVE-2023-44487",
            "aws-access-key-id",
            "github-pat",
            "DS002"
        ]
    );
    assert_eq!((out.failing, out.removed, out.exit_code), (6, 4, 1));

    let policy = Policy {
        severities: vec![Severity::Unknown],
        exit_code: 1,
        ..Default::default()
    };
    let mut r = report();
    let out = apply(&policy, &mut r, TODAY);
    assert!(r.findings.is_empty());
    assert_eq!((out.failing, out.removed, out.exit_code), (0, 10, 0));
}

#[test]
fn ignore_unfixed_removes_vulnerabilities_without_a_fix() {
    let mut r = report();
    // A vulnerability whose status the database did not give, and no fix: unfixed too.
    let mut no_status = r.findings[3].clone();
    no_status.id = "CVE-2099-0001".into();
    no_status.status = None;
    no_status.fixed_version = Some(String::new());
    r.findings.push(no_status);
    let policy = Policy {
        ignore_unfixed: true,
        exit_code: 4,
        ..Default::default()
    };
    let out = apply(&policy, &mut r, TODAY);
    // zlib1g's CVE-2023-45853 is Affected with no fixed version; secrets and
    // misconfigurations have no fix to wait for and stay.
    assert_eq!(
        ids(&r),
        [
            "CVE-2024-13176",
            "CVE-2021-23337",
            "CVE-2020-28500",
            "CVE-2023-44487",
            "CVE-2024-35195",
            "aws-access-key-id",
            "github-pat",
            "DS002",
            "DS026"
        ]
    );
    assert_eq!((out.failing, out.removed, out.exit_code), (9, 2, 4));
}

#[test]
fn everything_suppressed_passes_and_stays_in_the_json() {
    let ignore = IgnoreFile::parse(
        "vulnerabilities:\n  - packages: [libssl3, zlib1g, lodash, golang.org/x/net, requests]\n    statement: base image accepted\nsecrets:\n  - paths: [\"app/**\"]\nmisconfigurations:\n  - id: DS002\n  - id: DS026\n",
        ".drydockignore.yaml",
        IgnoreFormat::Yaml,
    )
    .unwrap();
    let policy = Policy {
        exit_code: 1,
        ignore: Some(ignore),
        ..Default::default()
    };
    let mut r = report();
    let out = apply(&policy, &mut r, TODAY);
    assert_eq!((out.failing, out.suppressed, out.exit_code), (0, 10, 0));
    assert!(visible(&r).is_empty());

    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        drydock_testkit::schemas::report_errors(&json),
        Vec::<String>::new()
    );
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 10);
    assert_eq!(
        findings[0]["suppressed"],
        serde_json::json!({"source": "ignorefile", "reason": ".drydockignore.yaml:2: base image accepted"})
    );
    assert_eq!(
        findings[6]["suppressed"],
        serde_json::json!({"source": "ignorefile", "reason": ".drydockignore.yaml:5"})
    );
}

#[test]
fn exit_code_zero_reports_but_never_fails() {
    let mut r = report();
    let out = apply(&Policy::default(), &mut r, TODAY);
    assert_eq!((out.failing, out.exit_code), (10, 0));
}

#[test]
fn filters_then_ignore_file_then_vex() {
    // The ignore file and the VEX both waive CVE-2021-23337 and CVE-2023-45853;
    // the ignore file is applied first, so it gives the reason.
    let ignore = IgnoreFile::parse(
        "CVE-2021-23337\nCVE-2023-45853 # accepted until zlib 1.3\nDS026 exp:2026-01-01\n",
        ".drydockignore",
        IgnoreFormat::Plain,
    )
    .unwrap();
    let vex =
        VexDocument::parse(&common::read("vex/shop.openvex.json"), "shop.openvex.json").unwrap();
    let policy = Policy {
        severities: vec![Severity::Critical, Severity::High, Severity::Medium],
        exit_code: 1,
        ignore: Some(ignore),
        vex: vec![vex],
        ..Default::default()
    };
    let mut r = report();
    let out = apply(&policy, &mut r, TODAY);
    let want = [
        ("CVE-2021-23337", pair("ignorefile", ".drydockignore:1")),
        ("CVE-2023-45853", pair("ignorefile", ".drydockignore:2: accepted until zlib 1.3")),
        (
            "CVE-2023-44487",
            pair("vex", "shop.openvex.json: not_affected: vulnerable_code_not_in_execute_path: shop never serves HTTP/2"),
        ),
        ("CVE-2024-13176", pair("vex", "shop.openvex.json: not_affected: inline_mitigations_already_exist")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(suppressed(&r), want);
    assert_eq!(
        visible(&r),
        [
            "CVE-2020-28500",
            "CVE-2024-35195",
            "aws-access-key-id",
            "github-pat",
            "DS002"
        ]
    );
    // DS026 (LOW) was filtered out before the ignore file ran: its expired
    // entry matches nothing.
    assert_eq!(
        out.notices,
        [
            ".drydockignore:3: ignore entry DS026 expired on 2026-01-01 and no longer suppresses (0 matching findings)"
        ]
    );
    assert_eq!(
        (out.failing, out.suppressed, out.removed, out.exit_code),
        (5, 4, 1, 1)
    );
}

#[test]
fn inline_suppressions_are_kept() {
    let mut r = report();
    let inline = Suppression {
        source: "inline".into(),
        reason: "app/config/.env:3: drydock:ignore aws-access-key-id".into(),
    };
    r.findings[6].suppressed = Some(inline.clone());
    let ignore =
        IgnoreFile::parse("aws-access-key-id\n", ".drydockignore", IgnoreFormat::Plain).unwrap();
    let policy = Policy {
        exit_code: 1,
        ignore: Some(ignore),
        ..Default::default()
    };
    let out = apply(&policy, &mut r, TODAY);
    assert_eq!(r.findings[6].kind, FindingKind::Secret);
    assert_eq!(r.findings[6].suppressed, Some(inline));
    assert_eq!((out.failing, out.suppressed), (9, 1));
}

fn clean_report() -> drydock_core::Report {
    let mut r = report();
    r.findings.clear();
    r
}

#[test]
fn end_of_life() {
    // Debian 12's end of standard support in the fixture is 2026-06-10.
    let eol_policy = Policy {
        exit_code: 5,
        exit_on_eol: true,
        ..Default::default()
    };
    let mut r = clean_report();
    let out = apply(&eol_policy, &mut r, "2026-06-09");
    assert_eq!((out.eol, out.exit_code), (false, 0));
    assert!(out.notices.is_empty());

    let mut r = clean_report();
    let out = apply(&eol_policy, &mut r, "2026-06-10");
    assert_eq!((out.eol, out.exit_code, out.failing), (true, 5, 0));
    assert_eq!(
        out.notices,
        [
            "debian 12 reached its end of life on 2026-06-10 and gets no more security updates (--exit-on-eol)"
        ]
    );

    // Without --exit-on-eol the OS being EOL is reported, not enforced.
    let mut r = clean_report();
    let out = apply(
        &Policy {
            exit_code: 5,
            ..Default::default()
        },
        &mut r,
        "2027-01-01",
    );
    assert_eq!((out.eol, out.exit_code), (true, 0));
    assert!(out.notices.is_empty());

    // --exit-on-eol with the default --exit-code 0 still fails.
    let mut r = clean_report();
    let out = apply(
        &Policy {
            exit_on_eol: true,
            ..Default::default()
        },
        &mut r,
        "2027-01-01",
    );
    assert_eq!(out.exit_code, 1);

    // No OS, or no known date: nothing to enforce.
    let mut r = clean_report();
    r.inventory.os.as_mut().unwrap().eol = None;
    assert_eq!(apply(&eol_policy, &mut r, "2030-01-01").exit_code, 0);
    let mut r = clean_report();
    r.inventory.os = None;
    assert_eq!(apply(&eol_policy, &mut r, "2030-01-01").exit_code, 0);

    let mut r = clean_report();
    r.inventory.os.as_mut().unwrap().eol = Some("June 2026".into());
    let out = apply(&eol_policy, &mut r, "2030-01-01");
    assert_eq!((out.eol, out.exit_code), (false, 0));
    assert_eq!(
        out.notices,
        ["end-of-life date \"June 2026\" of debian 12 is not YYYY-MM-DD; not checked"]
    );
}

#[test]
fn a_bad_today_fails_closed_for_ignore_entries() {
    let ignore = IgnoreFile::parse(
        "DS002 exp:2099-01-01\nDS026\n",
        ".drydockignore",
        IgnoreFormat::Plain,
    )
    .unwrap();
    let policy = Policy {
        exit_code: 1,
        ignore: Some(ignore),
        ..Default::default()
    };
    let mut r = report();
    let out = apply(&policy, &mut r, "03/01/2026");
    assert_eq!(suppressed(&r).keys().collect::<Vec<_>>(), ["DS026"]);
    assert_eq!(
        out.notices,
        [
            "today's date \"03/01/2026\" is not YYYY-MM-DD: every dated ignore entry counts as expired and end of life is not checked",
            ".drydockignore:1: ignore entry DS002 expired on 2099-01-01 and no longer suppresses (1 matching finding)",
        ]
    );
    assert!(!out.eol);
}

#[test]
fn reserved_exit_codes_are_usage_errors() {
    for code in [EXIT_USAGE, EXIT_SCAN_ERROR] {
        let p = Policy {
            exit_code: code,
            ..Default::default()
        };
        let e = p.validate().unwrap_err();
        assert!(matches!(e, PolicyError::ReservedExitCode(c) if c == code));
        assert_eq!(
            e.to_string(),
            format!(
                "--exit-code {code} is reserved: drydock exits 2 on usage errors and 3 on scan errors; choose another code (1 is usual)"
            )
        );
    }
    for code in [0, 1, 4, 255] {
        let p = Policy {
            exit_code: code,
            ..Default::default()
        };
        assert!(p.validate().is_ok(), "{code}");
    }
}
