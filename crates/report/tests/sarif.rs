//! SARIF output: golden files, validity against the official SARIF 2.1.0
//! schema (`tests/schemas/sarif-schema-2.1.0.json`, unmodified), and what
//! GitHub code scanning needs from it.

mod common;

use common::{REPORTS, hostile_report, render, report};
use serde_json::Value;
use std::path::Path;

fn sarif(report: &drydock_core::Report) -> Value {
    serde_json::from_str(&render("sarif", report)).expect("SARIF is JSON")
}

/// Errors against the official schema (draft-04), formats checked; empty = valid.
fn schema_errors(doc: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(&path).expect("SARIF schema"))
        .expect("SARIF schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema compiles");
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn golden_files() {
    for name in REPORTS {
        insta::assert_snapshot!(format!("{name}.sarif"), render("sarif", &report(name)));
    }
}

#[test]
fn every_report_validates_against_the_official_schema() {
    for name in REPORTS {
        assert_eq!(
            schema_errors(&sarif(&report(name))),
            Vec::<String>::new(),
            "{name}"
        );
    }
    assert_eq!(
        schema_errors(&sarif(&hostile_report())),
        Vec::<String>::new()
    );
}

#[test]
fn the_schema_check_can_fail() {
    let mut doc = sarif(&report("debian-app"));
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    doc["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert_eq!(schema_errors(&doc).len(), 3, "{:#?}", schema_errors(&doc));
}

#[test]
fn one_rule_per_id_and_results_point_at_theirs() {
    for name in REPORTS {
        let input = report(name);
        let doc = sarif(&input);
        let run = &doc["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        let mut ids: Vec<&str> = input.findings.iter().map(|f| f.id.as_str()).collect();
        let findings = ids.len();
        ids.sort();
        ids.dedup();
        let mut rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        rule_ids.sort();
        assert_eq!(rule_ids, ids, "{name}");
        assert_eq!(results.len(), findings, "{name}");
        for r in results {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(r["ruleId"], rules[i]["id"], "{name}");
        }
    }
}

#[test]
fn what_github_code_scanning_reads() {
    let doc = sarif(&report("debian-app"));
    let run = &doc["runs"][0];
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "drydock");
    assert_eq!(run["tool"]["driver"]["version"], "0.1.0");

    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    // CVSS agrees with the severity: it is the score.
    let log4j = rule("CVE-2021-44228");
    assert_eq!(log4j["properties"]["security-severity"], "10.0");
    assert_eq!(log4j["defaultConfiguration"]["level"], "error");
    assert_eq!(log4j["name"], "LanguagePackageVulnerability");
    assert_eq!(
        log4j["shortDescription"]["text"],
        "Remote code injection in Log4j"
    );
    assert_eq!(
        log4j["helpUri"],
        "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"
    );
    assert_eq!(
        log4j["properties"]["tags"],
        serde_json::json!(["security", "vulnerability", "CRITICAL"])
    );
    assert!(
        log4j["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("- <https://logging.apache.org/log4j/2.x/security.html>")
    );
    let libc = rule("CVE-2010-4756");
    assert_eq!(libc["name"], "OsPackageVulnerability");
    assert_eq!(libc["defaultConfiguration"]["level"], "note");

    let results = run["results"].as_array().unwrap();
    let result = |id: &str| results.iter().find(|r| r["ruleId"] == id).unwrap().clone();
    let openssl = result("CVE-2024-5535");
    let location = &openssl["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "var/lib/dpkg/status");
    assert_eq!(location["region"]["startLine"], 1, "GitHub needs a region");
    assert_eq!(
        openssl["message"]["text"],
        "libssl3 3.0.11-1~deb12u2: CVE-2024-5535 (CRITICAL) openssl: SSL_select_next_proto buffer overread. Fixed in 3.0.15-1~deb12u1."
    );
    assert_eq!(openssl["properties"]["packageName"], "libssl3");
    assert_eq!(openssl["properties"]["fixedVersion"], "3.0.15-1~deb12u1");
    assert_eq!(openssl["properties"]["layer"]["index"], 0);
    assert_eq!(
        openssl["properties"]["purl"],
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
    );
    assert!(openssl.get("suppressions").is_none());
    assert_eq!(
        openssl["partialFingerprints"]["drydock/v1"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    let secret = result("aws-access-key-id");
    assert_eq!(
        secret["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert_eq!(
        secret["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/config/.env"
    );

    let suppressed = result("CVE-2010-4756");
    assert_eq!(
        suppressed["suppressions"],
        serde_json::json!([{"kind": "external", "status": "accepted", "justification": "ignorefile: only reachable through an FTP daemon; none runs in this image"}])
    );
}

#[test]
fn checks_carry_compliance_lines_and_inline_suppressions() {
    let doc = sarif(&report("shop-repo"));
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ds002 = rules.iter().find(|r| r["id"] == "DS002").unwrap();
    assert_eq!(
        ds002["properties"]["tags"],
        serde_json::json!([
            "security",
            "misconfiguration",
            "HIGH",
            "CIS-Docker-1.6:4.1",
            "NIST-800-190:4.4.3",
            "PCI-DSS-4.0:2.2.1"
        ])
    );
    assert_eq!(ds002["properties"]["security-severity"], "8.0");
    assert!(
        ds002["help"]["text"]
            .as_str()
            .unwrap()
            .contains("Remediation: Add a USER instruction")
    );
    let results = run["results"].as_array().unwrap();
    let ds002 = results.iter().find(|r| r["ruleId"] == "DS002").unwrap();
    assert_eq!(
        ds002["locations"][0]["physicalLocation"]["region"]["startLine"],
        14
    );
    assert_eq!(
        ds002["message"]["text"],
        "DS002 (HIGH) Image user should not be 'root'\nEvidence: USER root"
    );
    let ds026 = results.iter().find(|r| r["ruleId"] == "DS026").unwrap();
    assert_eq!(ds026["suppressions"][0]["kind"], "inSource");
    let lodash = results
        .iter()
        .find(|r| r["ruleId"] == "CVE-2021-23337")
        .unwrap();
    assert_eq!(
        lodash["locations"][0]["physicalLocation"]["region"]["startLine"],
        412
    );
    assert_eq!(
        lodash["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "web/package-lock.json"
    );
}

#[test]
fn hostile_strings_stay_data() {
    let doc = sarif(&hostile_report());
    let run = &doc["runs"][0];
    let first = &run["results"][0];
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/my%20dir/%23weird%3F%5B1%5D%25.jar"
    );
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        // NaN scores never reach the JSON (serde would write null); the severity band is used.
        assert!(
            rule["properties"]["security-severity"].is_string()
                || rule["properties"].get("security-severity").is_none()
        );
        // `javascript:` references never become the help link.
        assert!(
            rule["helpUri"]
                .as_str()
                .is_none_or(|u| u.starts_with("http"))
        );
        let md = rule["help"]["markdown"].as_str().unwrap();
        assert!(!md.contains("<script>"), "{md}");
        assert!(!md.contains("[l](javascript"), "{md}");
    }
}
