//! The engine's behaviour across rules: binary skipping, redaction, pairing,
//! user rules and disabling, findings converted for the report.

mod common;

use common::expand;
use drydock_core::{FindingKind, LayerRef, Location, Severity};
use drydock_secrets::{ScannerOptions, SecretScanner, load_user_rules, to_finding};

fn ghp(seed: &str) -> String {
    expand("ghp_{b62:30}{crc}", seed).0
}

#[test]
fn finds_line_column_and_redacts_by_default() {
    let token = ghp("line");
    let text = format!("# config\nname: app\n  github: {token}\n");
    let found = SecretScanner::builtin()
        .unwrap()
        .scan_bytes("app/config.txt", text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(
        (f.rule_id.as_str(), f.line, f.column),
        ("github-pat", 3, 11)
    );
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.path, "app/config.txt");
    let expected = format!(
        "{}{}{}",
        &token[..4],
        "*".repeat(16),
        &token[token.len() - 4..]
    );
    assert_eq!(f.secret, expected);
    assert_eq!(f.evidence, format!("github: {expected}"));
    assert!(
        !format!("{f:?}").contains(&token[4..36]),
        "the debug form leaks the secret"
    );
}

#[test]
fn show_secrets_reports_the_value() {
    let token = ghp("show");
    let scanner = SecretScanner::new(&ScannerOptions {
        show_secrets: true,
        ..Default::default()
    })
    .unwrap();
    let found = scanner.scan_bytes("x", format!("t={token}").as_bytes());
    assert_eq!(found[0].secret, token);
    assert_eq!(found[0].evidence, format!("t={token}"));
}

#[test]
fn binaries_are_skipped_by_content() {
    let token = ghp("bin");
    let scanner = SecretScanner::builtin().unwrap();
    let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
    elf.extend_from_slice(format!(" {token} ").as_bytes());
    assert!(scanner.scan_bytes("usr/bin/tool", &elf).is_empty());
    let mut with_nul = format!("{token}\n").into_bytes();
    with_nul.insert(0, 0);
    assert!(scanner.scan_bytes("data.txt", &with_nul).is_empty());
    // The same bytes without the NUL are text, and found.
    assert_eq!(scanner.scan_bytes("data.txt", &with_nul[1..]).len(), 1);
}

#[test]
fn aws_key_pair_is_reported_with_its_partner() {
    let (text, secrets) = expand(
        "[prod]\naws_access_key_id=[[AKIA{b32:16}]]\nregion=eu-west-1\naws_secret_access_key=[[{b64:40}]]\n",
        "pair",
    );
    let found = SecretScanner::builtin()
        .unwrap()
        .scan_bytes("root/.aws/credentials", text.as_bytes());
    let ids: Vec<(&str, u32)> = found.iter().map(|f| (f.rule_id.as_str(), f.line)).collect();
    assert_eq!(
        ids,
        vec![("aws-access-key-id", 2), ("aws-secret-access-key", 4)]
    );
    assert_eq!(found[1].severity, Severity::Critical);
    assert_eq!(
        found[1].notes,
        vec![format!(
            "paired with aws-access-key-id {} on line 2",
            drydock_secrets::redact(&secrets[0])
        )]
    );
}

#[test]
fn to_finding_fills_the_report_fields() {
    let token = ghp("finding");
    let found = SecretScanner::builtin()
        .unwrap()
        .scan_bytes("etc/app.env", format!("\nGH={token}\n").as_bytes());
    let layer = LayerRef {
        index: 2,
        digest: None,
        diff_id: "sha256:abc".into(),
        created_by: Some("COPY . /".into()),
    };
    let loc = Location {
        path: "etc/app.env".into(),
        layer: Some(layer.clone()),
        line: None,
    };
    let f = to_finding(&found[0], loc);
    assert_eq!(f.kind, FindingKind::Secret);
    assert_eq!(f.id, "github-pat");
    assert_eq!(f.location.line, Some(2));
    assert_eq!(f.location.layer, Some(layer));
    assert!(
        f.compliance.contains(&"CIS-Docker-1.6:4.10".to_string()),
        "{:?}",
        f.compliance
    );
    assert!(f.compliance.contains(&"NIST-800-190:4.1.4".to_string()));
    assert!(f.compliance.contains(&"PCI-DSS-4.0:8.6.2".to_string()));
    assert!(!f.remediation.is_empty() && !f.description.is_empty() && !f.references.is_empty());
    let json = serde_json::to_string(&f).unwrap();
    assert!(
        !json.contains(&token),
        "the report JSON leaks the secret: {json}"
    );
    assert!(json.contains("ghp_****************"));
}

#[test]
fn user_rules_add_and_override_and_disable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets.yaml");
    std::fs::write(
        &path,
        r#"
rules:
  - id: acme-internal-token
    title: ACME internal token
    severity: HIGH
    keywords: [acme_]
    regex: '\b(?P<secret>acme_[0-9a-f]{32})\b'
    description: Internal ACME service token.
    remediation: Rotate it in the ACME console.
    compliance: ["CIS-Docker-1.6:4.10"]
"#,
    )
    .unwrap();
    let user = load_user_rules(&path).unwrap();
    let token = expand("acme_{hex:32}", "acme").0;
    let gh = ghp("disable");
    let text = format!("A={token}\nB={gh}\n");
    let scanner = SecretScanner::new(&ScannerOptions {
        user_rules: vec![user],
        disabled: vec!["github-pat".into()],
        ..Default::default()
    })
    .unwrap();
    let found = scanner.scan_bytes("x.txt", text.as_bytes());
    let ids: Vec<&str> = found.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(ids, vec!["acme-internal-token"]);
    assert_eq!(found[0].rule.family, "user");

    let err = SecretScanner::new(&ScannerOptions {
        disabled: vec!["no-such-rule".into()],
        ..Default::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("no-such-rule"), "{err}");
}

#[test]
fn disabling_the_key_id_rule_disables_its_pair() {
    let (text, _) = expand(
        "aws_access_key_id=AKIA{b32:16}\naws_secret_access_key={b64:40}\n",
        "pair-off",
    );
    let scanner = SecretScanner::new(&ScannerOptions {
        disabled: vec!["aws-access-key-id".into()],
        ..Default::default()
    })
    .unwrap();
    let ids: Vec<String> = scanner
        .scan_bytes("c", text.as_bytes())
        .into_iter()
        .map(|f| f.rule_id)
        .collect();
    // The keyword-based rule still sees the secret key; the pair rule is gone.
    assert_eq!(ids, vec!["aws-secret-access-key-assignment"]);
    assert!(!scanner.rules().any(|r| r.id == "aws-secret-access-key"));
}

#[test]
fn broken_user_rules_name_the_file_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(
        &path,
        "rules:\n  - id: no-group\n    title: t\n    severity: LOW\n    keywords: [x]\n    regex: 'x+'\n    description: d\n    remediation: r\n",
    )
    .unwrap();
    let user = load_user_rules(&path).unwrap();
    let err = SecretScanner::new(&ScannerOptions {
        user_rules: vec![user],
        ..Default::default()
    })
    .unwrap_err();
    assert!(
        err.to_string().contains("no-group") && err.to_string().contains("secret"),
        "{err}"
    );

    std::fs::write(&path, "rules: [ {id: 1").unwrap();
    let err = load_user_rules(&path).unwrap_err();
    assert!(err.to_string().contains("bad.yaml"), "{err}");
    let err = load_user_rules(&dir.path().join("missing.yaml")).unwrap_err();
    assert!(err.to_string().contains("missing.yaml"), "{err}");
}

#[test]
fn no_panic_on_odd_input() {
    let scanner = SecretScanner::builtin().unwrap();
    for input in [
        &b""[..],
        b"\xff\xfe password = \"\xff\xff\xff\xff\xff\xff\xff\xff\"",
        b"-----BEGIN RSA PRIVATE KEY-----",
        b"\n\n\n",
        b"AKIA",
    ] {
        let _ = scanner.scan_bytes("odd", input);
    }
    // Invalid UTF-8 around a secret: still found, columns counted in characters.
    let token = ghp("utf8");
    let mut bytes = b"\xff\xfe k=".to_vec();
    bytes.extend_from_slice(token.as_bytes());
    let found = scanner.scan_bytes("odd", &bytes);
    assert_eq!((found.len(), found[0].column), (1, 6));
}
