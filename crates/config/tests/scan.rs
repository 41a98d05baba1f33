//! Whole-file and whole-tree scans: file type detection, `.gitignore`, the
//! cross-file NetworkPolicy rule, inline suppressions, rendered Helm output
//! and errors that name the file and line.

use drydock_config::{ConfigError, ConfigScanner};
use drydock_core::{Finding, FindingKind};
use std::collections::BTreeSet;
use std::path::Path;

fn ids_at(findings: &[Finding]) -> BTreeSet<(String, String, u32)> {
    findings
        .iter()
        .map(|f| {
            (
                f.location.path.clone(),
                f.id.clone(),
                f.location.line.unwrap_or(0),
            )
        })
        .collect()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: \"web:1\"}]\n";
const NETPOL: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  podSelector:\n    matchExpressions:\n      - {key: app, operator: In, values: [web, api]}\n";

#[test]
fn scan_dir_respects_gitignore_and_sees_network_policies_across_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, ".gitignore", "ignored/\n");
    write(root, "ignored/Dockerfile", "FROM ubuntu\n");
    write(root, "app/Dockerfile", "FROM debian:12\nUSER root\n");
    write(root, "k8s/deploy.yaml", DEPLOY);
    write(root, "k8s/netpol.yaml", NETPOL);
    write(
        root,
        "ci/pipeline.yml",
        "stages: [build]\nbuild:\n  script: [make]\n",
    );
    write(
        root,
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16\n    privileged: true\n",
    );
    write(root, "README.md", "# not config\n");
    write(
        root,
        "chart/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\n",
    );

    let report = ConfigScanner::new().scan_dir_report(root).unwrap();
    assert_eq!(report.files, 6, "{report:#?}");
    assert_eq!(report.warnings.len(), 1, "{:#?}", report.warnings);
    assert_eq!(report.warnings[0].input, "chart/templates/deployment.yaml");
    assert!(
        report.warnings[0].message.contains("helm template"),
        "{}",
        report.warnings[0].message
    );
    let findings = report.findings;
    assert!(
        findings
            .iter()
            .all(|f| f.kind == FindingKind::Misconfiguration)
    );
    let paths: BTreeSet<&str> = findings.iter().map(|f| f.location.path.as_str()).collect();
    assert_eq!(
        paths,
        BTreeSet::from(["app/Dockerfile", "compose.yaml", "k8s/deploy.yaml"])
    );
    let got = ids_at(&findings);
    assert!(got.contains(&("app/Dockerfile".into(), "DD-DF-001".into(), 2)));
    assert!(got.contains(&("compose.yaml".into(), "DD-DC-001".into(), 4)));
    // The policy in the other file selects the pods: no segmentation finding.
    assert!(
        !findings.iter().any(|f| f.id == "DD-K8S-045"),
        "{findings:#?}"
    );

    // The same Deployment alone is unselected.
    let alone = ConfigScanner::new()
        .scan_file("k8s/deploy.yaml", DEPLOY.as_bytes())
        .unwrap();
    let seg: Vec<u32> = alone
        .iter()
        .filter(|f| f.id == "DD-K8S-045")
        .map(|f| f.location.line.unwrap())
        .collect();
    assert_eq!(seg, [2]);
}

#[test]
fn findings_carry_the_rule_metadata() {
    let findings = ConfigScanner::new()
        .scan_file("Dockerfile", b"FROM debian:12\nUSER 0\n")
        .unwrap();
    let f = findings.iter().find(|f| f.id == "DD-DF-001").unwrap();
    assert_eq!(f.severity, drydock_core::Severity::High);
    assert_eq!(f.location.path, "Dockerfile");
    assert_eq!(f.location.line, Some(2));
    assert!(f.compliance.contains(&"CIS-Docker-1.6:4.1".to_string()));
    assert!(f.aliases.contains(&"hadolint:DL3002".to_string()));
    assert_eq!(f.evidence.as_deref(), Some("USER 0"));
    assert!(!f.description.is_empty() && !f.remediation.is_empty() && !f.references.is_empty());
}

#[test]
fn multi_line_instructions_report_start_line_and_range() {
    let df = b"FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y \\\n      curl\n";
    let findings = ConfigScanner::new().scan_file("x.dockerfile", df).unwrap();
    let f = findings.iter().find(|f| f.id == "DD-DF-010").unwrap();
    assert_eq!(f.location.line, Some(2));
    assert_eq!(f.notes, ["lines 2-4"]);
}

#[test]
fn inline_suppressions_keep_the_finding() {
    let df = b"FROM debian:12\n# drydock:ignore=DD-DF-001 the entrypoint drops privileges with gosu\nUSER root\nEXPOSE 22\n";
    let findings = ConfigScanner::new().scan_file("Dockerfile", df).unwrap();
    let root = findings.iter().find(|f| f.id == "DD-DF-001").unwrap();
    let s = root.suppressed.as_ref().unwrap();
    assert_eq!(
        (s.source.as_str(), s.reason.as_str()),
        ("inline", "the entrypoint drops privileges with gosu")
    );
    let ssh = findings.iter().find(|f| f.id == "DD-DF-017").unwrap();
    assert!(ssh.suppressed.is_none());

    let yaml = b"services:\n  agent:\n    image: agent:1.0\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock # drydock:ignore=DD-DC-004 read-only API proxy\n";
    let findings = ConfigScanner::new()
        .scan_file("compose.yaml", yaml)
        .unwrap();
    let sock = findings.iter().find(|f| f.id == "DD-DC-004").unwrap();
    assert_eq!(
        sock.suppressed.as_ref().unwrap().reason,
        "read-only API proxy"
    );
}

#[test]
fn helm_rendered_output() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/helm-rendered.yaml");
    let content = std::fs::read(&path).unwrap();
    let findings = ConfigScanner::new()
        .scan_file("rendered.yaml", &content)
        .unwrap();
    let got: BTreeSet<(String, u32)> = findings
        .iter()
        .map(|f| (f.id.clone(), f.location.line.unwrap()))
        .collect();
    let want: BTreeSet<(String, u32)> = [
        ("DD-K8S-027", 16), // type: NodePort
        ("DD-K8S-002", 42), // the container's `- name:` line
        ("DD-K8S-003", 42),
        ("DD-K8S-008", 42),
        ("DD-K8S-015", 42),
        ("DD-K8S-016", 59), // `resources: {}`
        ("DD-K8S-017", 59),
        ("DD-K8S-018", 59),
        ("DD-K8S-019", 59),
        ("DD-K8S-021", 45), // image without digest
        ("DD-K8S-023", 42),
        ("DD-K8S-025", 37), // the pod template's `spec:`
        ("DD-K8S-045", 25), // the Deployment's `kind:`
    ]
    .into_iter()
    .map(|(id, l)| (id.to_string(), l))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn errors_name_file_and_line() {
    let err = ConfigScanner::new()
        .scan_file("k8s/bad.yaml", b"apiVersion: v1\nkind: Pod\nspec: [a, b\n")
        .unwrap_err();
    assert!(matches!(err, ConfigError::Yaml { .. }), "{err}");
    assert!(err.to_string().starts_with("k8s/bad.yaml:"), "{err}");
    let err = ConfigScanner::new()
        .scan_file("Dockerfile", b"FROM debian:12\nCOPY\n")
        .unwrap_err();
    assert!(err.to_string().starts_with("Dockerfile:2:"), "{err}");
    let none = ConfigScanner::new()
        .scan_file("notes.txt", b"privileged: true")
        .unwrap();
    assert!(none.is_empty());
}

#[test]
fn hidden_directories_are_walked_but_not_git() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        ".devcontainer/Dockerfile",
        "FROM debian:12\nUSER root\n",
    );
    write(root, ".git/Dockerfile", "FROM debian:12\nUSER root\n");
    write(root, "Dockerfile.md", "# How to build\n");
    let report = ConfigScanner::new().scan_dir_report(root).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let paths: BTreeSet<&str> = report
        .findings
        .iter()
        .map(|f| f.location.path.as_str())
        .collect();
    assert_eq!(paths, BTreeSet::from([".devcontainer/Dockerfile"]));
}
