//! Every rule against its own fixtures (rules/*.yaml `tests:`): each positive
//! must yield exactly the marked secrets for that rule and nothing from rules
//! not listed in `also`; each negative must not fire the rule.

mod common;

use common::expand;
use drydock_secrets::rules::{builtin_rule_files, builtin_rules};
use drydock_secrets::{ScannerOptions, SecretScanner};
use std::collections::HashSet;

fn clear_scanner() -> SecretScanner {
    SecretScanner::new(&ScannerOptions {
        show_secrets: true,
        ..ScannerOptions::default()
    })
    .expect("built-in rules compile")
}

#[test]
fn at_least_80_rules_with_unique_ids_and_fixtures() {
    let rules = builtin_rules().expect("rule files parse");
    assert!(rules.len() >= 80, "only {} rules", rules.len());
    let mut ids = HashSet::new();
    for r in &rules {
        assert!(ids.insert(r.id.clone()), "duplicate id {}", r.id);
        assert!(
            !r.tests.positive.is_empty(),
            "{} has no positive fixture",
            r.id
        );
        assert!(
            !r.tests.negative.is_empty(),
            "{} has no negative fixture",
            r.id
        );
        assert!(
            !r.description.trim().is_empty() && !r.remediation.trim().is_empty(),
            "{} lacks docs",
            r.id
        );
        assert!(!r.references.is_empty(), "{} has no reference", r.id);
        assert!(
            r.compliance
                .iter()
                .any(|c| c.starts_with("CIS-Docker-1.6:"))
                && r.compliance.iter().any(|c| c.starts_with("NIST-800-190:"))
                && r.compliance.iter().any(|c| c.starts_with("PCI-DSS-4.0:")),
            "{} lacks compliance mappings: {:?}",
            r.id,
            r.compliance
        );
        assert!(
            r.keywords.iter().all(|k| k == &k.to_lowercase()),
            "{}: keywords are lower-case",
            r.id
        );
    }
    // One file per family, and the required families are there.
    let families: HashSet<String> = builtin_rule_files()
        .unwrap()
        .iter()
        .flat_map(|f| f.rules.iter().map(|r| r.family.clone()))
        .collect();
    for f in [
        "aws",
        "gcp",
        "azure",
        "github",
        "gitlab",
        "slack",
        "private-keys",
        "generic",
        "databases",
        "registries",
    ] {
        assert!(families.contains(f), "family {f} missing");
    }
}

#[test]
fn every_rule_fires_on_its_positives_and_not_on_its_negatives() {
    let scanner = clear_scanner();
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in builtin_rules().unwrap() {
        for (i, ex) in rule.tests.positive.iter().enumerate() {
            let seed = format!("{}+{i}", rule.id);
            let (text, expected) = expand(ex.text(), &seed);
            assert!(
                !expected.is_empty(),
                "{}: positive #{i} marks no secret",
                rule.id
            );
            let found = scanner.scan_bytes(ex.path(), text.as_bytes());
            let got: Vec<&str> = found
                .iter()
                .filter(|f| f.rule_id == rule.id)
                .map(|f| f.secret.as_str())
                .collect();
            if got != expected.iter().map(String::as_str).collect::<Vec<_>>() {
                failures.push(format!(
                    "{} positive #{i}: expected {expected:?}, got {got:?} in {text:?}",
                    rule.id
                ));
            }
            for f in found
                .iter()
                .filter(|f| f.rule_id != rule.id && !ex.also().contains(&f.rule_id))
            {
                failures.push(format!(
                    "{} positive #{i}: unexpected {} ({}) in {text:?}",
                    rule.id, f.rule_id, f.secret
                ));
            }
            checked += 1;
        }
        for (i, ex) in rule.tests.negative.iter().enumerate() {
            let seed = format!("{}-{i}", rule.id);
            let (text, _) = expand(ex.text(), &seed);
            for f in scanner.scan_bytes(ex.path(), text.as_bytes()) {
                if f.rule_id == rule.id || !ex.also().contains(&f.rule_id) {
                    failures.push(format!(
                        "{} negative #{i}: {} fired ({}) in {text:?}",
                        rule.id, f.rule_id, f.secret
                    ));
                }
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn positives_are_redacted_by_default() {
    let scanner = SecretScanner::builtin().unwrap();
    for rule in builtin_rules().unwrap() {
        let ex = &rule.tests.positive[0];
        let (text, expected) = expand(ex.text(), &format!("{}+0", rule.id));
        let found = scanner.scan_bytes(ex.path(), text.as_bytes());
        let f = found
            .iter()
            .find(|f| f.rule_id == rule.id)
            .unwrap_or_else(|| panic!("{} did not fire", rule.id));
        assert_eq!(
            f.secret,
            drydock_secrets::redact(&expected[0]),
            "{}",
            rule.id
        );
        for secret in &expected {
            // Short secrets are all `*`; longer ones keep 4+4 characters, never the middle.
            let middle: String = secret
                .chars()
                .skip(4)
                .take(secret.chars().count().saturating_sub(8))
                .collect();
            if middle.len() >= 4 {
                assert!(
                    !f.evidence.contains(&middle),
                    "{}: evidence {:?} shows the secret",
                    rule.id,
                    f.evidence
                );
                assert!(!f.secret.contains(&middle), "{}", rule.id);
            }
        }
    }
}
