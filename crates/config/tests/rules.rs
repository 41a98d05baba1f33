//! Every built-in rule against its fixtures: `tests/fixtures/<id>/fail.*` must
//! give that rule's finding on exactly the lines its `drydock-test: lines=…`
//! comment names, and `pass.*` must not give it at all.

use drydock_config::{ConfigScanner, Family, rules};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixture_dir(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(id)
}

fn find(dir: &Path, stem: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{stem}.")))
        })
}

fn expected_lines(text: &str) -> Option<BTreeSet<u32>> {
    let at = text.find("drydock-test: lines=")?;
    let rest = &text[at + "drydock-test: lines=".len()..];
    let list = rest.split_whitespace().next()?;
    Some(
        list.split(',')
            .map(|n| n.parse().expect("line number"))
            .collect(),
    )
}

fn lines_of(scanner: &ConfigScanner, path: &Path, id: &str) -> BTreeSet<u32> {
    let content = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let findings = scanner
        .scan_file(name, &content)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    findings
        .iter()
        .filter(|f| f.id == id)
        .map(|f| f.location.line.expect("every finding has a line"))
        .collect()
}

#[test]
fn every_rule_has_failing_and_passing_fixtures_that_behave() {
    let scanner = ConfigScanner::new();
    let mut problems = Vec::new();
    for rule in rules() {
        let dir = fixture_dir(&rule.id);
        let (Some(fail), Some(pass)) = (find(&dir, "fail"), find(&dir, "pass")) else {
            problems.push(format!(
                "{}: missing fail.* or pass.* in {}",
                rule.id,
                dir.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&fail).unwrap();
        let Some(expected) = expected_lines(&text) else {
            problems.push(format!(
                "{}: {} has no `drydock-test: lines=` comment",
                rule.id,
                fail.display()
            ));
            continue;
        };
        let got = lines_of(&scanner, &fail, &rule.id);
        if got != expected {
            problems.push(format!(
                "{}: fail fixture gave lines {got:?}, expected {expected:?}",
                rule.id
            ));
        }
        let got = lines_of(&scanner, &pass, &rule.id);
        if !got.is_empty() {
            problems.push(format!("{}: pass fixture gave lines {got:?}", rule.id));
        }
        // A second failing fixture, when present, proves a different form.
        if let Some(fail2) = find(&dir, "fail2") {
            let text = std::fs::read_to_string(&fail2).unwrap();
            let expected = expected_lines(&text).unwrap_or_default();
            let got = lines_of(&scanner, &fail2, &rule.id);
            if got != expected {
                problems.push(format!(
                    "{}: fail2 fixture gave lines {got:?}, expected {expected:?}",
                    rule.id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn enough_rules_per_family() {
    let count = |f: Family| rules().iter().filter(|r| r.family == f).count();
    assert!(
        count(Family::Dockerfile) >= 30,
        "{}",
        count(Family::Dockerfile)
    );
    assert!(
        count(Family::Kubernetes) >= 40,
        "{}",
        count(Family::Kubernetes)
    );
    assert!(count(Family::Compose) >= 8, "{}", count(Family::Compose));
}

#[test]
fn disabled_rules_are_not_reported() {
    let path = fixture_dir("DD-DF-001").join("fail.dockerfile");
    let content = std::fs::read(&path).unwrap();
    let scanner = ConfigScanner::new().disable(["DD-DF-001"]).unwrap();
    let findings = scanner.scan_file("Dockerfile", &content).unwrap();
    assert!(findings.iter().all(|f| f.id != "DD-DF-001"));
    assert!(ConfigScanner::new().disable(["DD-DF-999"]).is_err());
}
