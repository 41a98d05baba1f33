//! Users' Rego policies (conftest conventions) on real files, with the exact
//! findings they must give.

use drydock_config::{ConfigError, ConfigScanner};
use drydock_core::Severity;
use std::path::{Path, PathBuf};

fn dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(rel)
}

fn scanner() -> ConfigScanner {
    ConfigScanner::new()
        .with_policy_dirs(&[dir("policies/good")])
        .unwrap()
}

fn policy_findings(path: &str, content: &[u8]) -> Vec<(String, u32, Severity, String, bool)> {
    let mut found: Vec<_> = scanner()
        .scan_file(path, content)
        .unwrap()
        .into_iter()
        .filter(|f| !f.id.starts_with("DD-"))
        .map(|f| {
            (
                f.id,
                f.location.line.unwrap(),
                f.severity,
                f.title,
                f.suppressed.is_some(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn kubernetes_deny_and_violation_with_paths_and_suppression() {
    let content = std::fs::read(dir("data/deploy.yaml")).unwrap();
    let found = policy_findings("deploy.yaml", &content);
    assert_eq!(
        found,
        vec![
            (
                "ACME-K8S-001".into(),
                10,
                Severity::Medium,
                "container web pulls from Docker Hub".into(),
                false
            ),
            (
                "ACME-K8S-001".into(),
                13,
                Severity::Medium,
                "container side pulls from Docker Hub".into(),
                true
            ),
            (
                "main.deny".into(),
                1,
                Severity::High,
                "Deployment web has no team label".into(),
                false
            ),
        ]
    );
}

#[test]
fn dockerfile_policy_in_rego_v0_points_at_the_instruction() {
    let df = b"FROM registry.acme.example/base:1 AS build\nRUN make\nFROM debian:12\nCOPY --from=build /app /app\n";
    let found = policy_findings("Dockerfile", df);
    assert_eq!(
        found,
        vec![(
            "ACME-DF-001".into(),
            3,
            Severity::High,
            "base image debian:12 is not from the internal registry".into(),
            false
        )]
    );
}

#[test]
fn compose_warn_is_low() {
    let compose = b"services:\n  web:\n    image: nginx:1.27\n    restart: always\n  worker:\n    image: worker:1\n";
    let found = policy_findings("compose.yaml", compose);
    assert_eq!(
        found,
        vec![(
            "compose.warn".into(),
            1,
            Severity::Low,
            "service worker has no restart policy".into(),
            false
        )]
    );
}

#[test]
fn policy_ids_can_be_disabled() {
    let content = std::fs::read(dir("data/deploy.yaml")).unwrap();
    let scanner = scanner().disable(["ACME-K8S-001", "main.deny"]).unwrap();
    let findings = scanner.scan_file("deploy.yaml", &content).unwrap();
    assert!(
        findings.iter().all(|f| f.id.starts_with("DD-")),
        "{findings:#?}"
    );
}

#[test]
fn broken_policy_names_the_file() {
    let err = ConfigScanner::new()
        .with_policy_dirs(&[dir("policies/broken")])
        .err()
        .unwrap();
    match &err {
        ConfigError::Policy { path, .. } => assert!(path.ends_with("bad.rego"), "{err}"),
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("bad.rego"));
}

#[test]
fn without_policies_no_rego_findings() {
    let content = std::fs::read(dir("data/deploy.yaml")).unwrap();
    let findings = ConfigScanner::new()
        .scan_file("deploy.yaml", &content)
        .unwrap();
    assert!(findings.iter().all(|f| f.id.starts_with("DD-")));
    assert!(!findings.is_empty());
}
