//! The JSON output matches docs/schema/report.schema.json exactly: realistic
//! reports validate, and a report with every field of every core type set
//! validates too. That report is built with exhaustive struct literals, so a
//! field added to a core type fails to compile here until it is filled in,
//! and then fails validation until the schema describes it.

mod common;

use drydock_core::{
    Artifact, ArtifactKind, DbInfo, Ecosystem, Finding, FindingKind, FixStatus, Inventory,
    LayerInfo, LayerRef, Location, OsInfo, Package, PackageKind, REPORT_SCHEMA_VERSION, Report,
    ScanWarning, Severity, Suppression,
};
use serde_json::Value;

use drydock_testkit::schemas::report_errors as errors;

fn json(report: &Report) -> Value {
    let mut out = Vec::new();
    drydock_report::json::write(report, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn layer() -> LayerRef {
    LayerRef {
        index: 1,
        digest: Some(
            "sha256:d0f631ca1ddba8db3bcfcb9e057cdc98d0379f1bee00e75a545147a27dadd982".into(),
        ),
        diff_id: "sha256:2804bad6fe94a55f18b2b37e300919a5fd517b95aa81e95db574c0ba069a3740".into(),
        created_by: Some("RUN /bin/sh -c npm ci # buildkit".into()),
    }
}

fn location() -> Location {
    Location {
        path: "app/package-lock.json".into(),
        layer: Some(layer()),
        line: Some(412),
    }
}

/// Every field of every type in the report set to a value that is serialised.
fn maximal_report() -> Report {
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool_version: "0.1.0".into(),
        created_at: "2026-11-29T08:15:30.482+01:00".into(),
        artifact: Artifact {
            name: "ghcr.io/acme/shop-api:1.4.2".into(),
            kind: ArtifactKind::ContainerImage,
            image_id: Some(
                "sha256:b29814cf5792e684cd75d6a7fce7a67a11887e312f87ca2ac2496d81f365ff72".into(),
            ),
            repo_tags: vec!["ghcr.io/acme/shop-api:1.4.2".into()],
            repo_digests: vec![
                "ghcr.io/acme/shop-api@sha256:48b676e2b107da679512b793d5fd4cc4329f0c7c17a97cf6e0e3d1005b600b03".into(),
            ],
            architecture: Some("arm64".into()),
            created: Some("2026-11-20T14:02:11Z".into()),
            layers: vec![LayerInfo {
                layer: layer(),
                size: Some(41_943_040),
                cached: true,
            }],
            config: Some(serde_json::json!({"User": "app", "Env": ["NODE_ENV=production"]})),
        },
        inventory: Inventory {
            os: Some(OsInfo {
                family: "debian".into(),
                version: "12".into(),
                codename: Some("bookworm".into()),
                pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
                eol: Some("2026-06-10".into()),
                distroless: true,
            }),
            packages: vec![Package {
                name: "@babel/traverse".into(),
                version: "7.23.2".into(),
                ecosystem: Ecosystem::Npm,
                kind: PackageKind::Library,
                purl: "pkg:npm/%40babel/traverse@7.23.2".into(),
                licenses: vec!["MIT".into()],
                arch: Some("all".into()),
                source_name: Some("babel".into()),
                source_version: Some("7.23.2".into()),
                location: location(),
                direct: Some(false),
                dev: true,
                local: false,
            }],
        },
        findings: vec![Finding {
            kind: FindingKind::Vulnerability,
            id: "CVE-2023-45133".into(),
            aliases: vec!["GHSA-67hx-6x53-jw92".into()],
            title: "Babel vulnerable to arbitrary code execution when compiling specifically crafted malicious code".into(),
            description: "Using Babel to compile code that was specifically crafted by an attacker can lead to arbitrary code execution during compilation.".into(),
            severity: Severity::Critical,
            package_ref: Some("pkg:npm/%40babel/traverse@7.23.2?file=app/package-lock.json".into()),
            package_name: Some("@babel/traverse".into()),
            installed_version: Some("7.23.2".into()),
            fixed_version: Some("7.23.2".into()),
            status: Some(FixStatus::NotAffected),
            cvss_score: Some(9.3),
            cvss_vector: Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into()),
            references: vec!["https://github.com/advisories/GHSA-67hx-6x53-jw92".into()],
            remediation: "Upgrade @babel/traverse to 7.23.2 or later.".into(),
            location: location(),
            suppressed: Some(Suppression {
                source: "vex".into(),
                reason: "the vulnerable code is not in the execute path".into(),
            }),
            compliance: vec!["NIST-800-190:4.1.1".into()],
            evidence: Some("@babel/traverse 7.23.2 in app/package-lock.json".into()),
            notes: vec!["matched by purl".into()],
        }],
        warnings: vec![ScanWarning {
            input: "app/static/bundle.js.map".into(),
            message: "skipped: larger than 512 MiB".into(),
        }],
        db: Some(DbInfo {
            built_at: "2026-11-28T06:00:00Z".into(),
            content_hash: "sha256:f4083ebab14495bad73f0f976b9f7b19e94908ab3057b41c755e51f493f57c09".into(),
        }),
    }
}

/// The object keys of a document (not inside the free-form image config).
fn keys(value: &Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                if k != "config" {
                    keys(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, out)),
        _ => {}
    }
}

/// drydock's report schema, `docs/schema/report.schema.json`.
fn schema() -> Value {
    let path = drydock_testkit::workspace_root().join("docs/schema/report.schema.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every property name the schema declares, at the top and in `$defs`.
fn schema_properties() -> std::collections::BTreeSet<String> {
    let schema = schema();
    let mut out: std::collections::BTreeSet<String> = Default::default();
    let defs = schema["$defs"].as_object().expect("$defs");
    for def in std::iter::once(&schema).chain(defs.values()) {
        if let Some(props) = def["properties"].as_object() {
            out.extend(props.keys().cloned());
        }
    }
    out
}

#[test]
fn realistic_reports_validate() {
    for name in common::REPORTS {
        let doc = json(&common::report(name));
        assert_eq!(errors(&doc), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn a_report_with_every_field_set_validates() {
    let doc = json(&maximal_report());
    assert_eq!(errors(&doc), Vec::<String>::new());
    // Every optional field is present, so the schema's additionalProperties
    // checks really see all of them.
    let mut seen = Default::default();
    keys(&doc, &mut seen);
    let declared = schema_properties();
    let unset: Vec<&String> = declared.difference(&seen).collect();
    assert_eq!(
        unset,
        Vec::<&String>::new(),
        "schema fields the maximal report lacks"
    );
}

#[test]
fn the_schema_rejects_what_drydock_does_not_write() {
    let doc = json(&maximal_report());
    let mut unknown = doc.clone();
    unknown["inventory"]["packages"][0]["licence"] = "MIT".into();
    let mut bad_enum = doc.clone();
    bad_enum["findings"][0]["severity"] = "SEVERE".into();
    let mut missing = doc.clone();
    missing["artifact"].as_object_mut().unwrap().remove("kind");
    let mut newer = doc.clone();
    newer["schema_version"] = 2.into();
    let mut bad_time = doc;
    bad_time["created_at"] = "yesterday".into();
    for broken in [unknown, bad_enum, missing, newer, bad_time] {
        assert_eq!(errors(&broken).len(), 1, "{broken:#}");
    }
}

#[test]
fn json_output_reads_back_as_the_same_report() {
    for report in [maximal_report(), common::report("debian-app")] {
        let mut out = Vec::new();
        drydock_report::json::write(&report, &mut out).unwrap();
        let back: Report = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, report);
    }
}
