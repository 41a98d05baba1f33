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

#[test]
fn dockerfile_policies_run_on_an_image_config() {
    let policies = tempfile::tempdir().unwrap();
    std::fs::write(
        policies.path().join("image.rego"),
        "package image\n\nimport rego.v1\n\ndeny contains result if {\n\tsome i\n\tinput[i].Cmd == \"user\"\n\tinput[i].Value[0] == \"root\"\n\tresult := {\"id\": \"ACME-IMG-001\", \"msg\": \"runs as root\", \"instruction\": i}\n}\n\ndeny contains msg if {\n\tsome i\n\tinput[i].Cmd == \"from\"\n\tmsg := \"a FROM was seen\"\n}\n",
    )
    .unwrap();
    let scanner = ConfigScanner::new()
        .with_policy_dirs(&[policies.path()])
        .unwrap();
    let config = serde_json::json!({
        "config": {"User": "root"},
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:ab in / "},
            {"created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": true},
            {"created_by": "USER root", "empty_layer": true},
        ],
    });
    let found: Vec<(String, String)> = scanner
        .scan_image_config("app:1", &config, &[])
        .unwrap()
        .into_iter()
        .filter(|f| !f.id.starts_with("DD-"))
        .map(|f| (f.id, f.location.path))
        .collect();
    // The rebuilt Dockerfile has no FROM for policies: the base is not known.
    assert_eq!(
        found,
        [("ACME-IMG-001".to_string(), "config:history[2]".to_string())]
    );
}
