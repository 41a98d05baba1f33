//! VEX applied to a real report: OpenVEX statuses, products with
//! subcomponents, statement order, CycloneDX by bom-ref, by purl, by
//! reference and by BOM-link; errors naming the file. Every OpenVEX document
//! used here validates against the official schema (tests/schemas), the
//! CycloneDX one against the 1.6 schema.

mod common;

use common::{pair, report, suppressed, visible};
use drydock_policy::{Policy, PolicyError, VexDocument, VexFormat, apply};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

fn openvex_schema_errors(doc: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/openvex_json_schema.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the OpenVEX schema is a valid draft 2020-12 schema");
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Parses an OpenVEX document after checking it against the schema.
fn openvex(doc: &Value, name: &str) -> VexDocument {
    assert_eq!(
        openvex_schema_errors(doc),
        Vec::<String>::new(),
        "{name} is not valid OpenVEX"
    );
    let v = VexDocument::parse(doc.to_string().as_bytes(), name).unwrap();
    assert_eq!(v.format, VexFormat::OpenVex);
    v
}

fn fixture(rel: &str) -> Value {
    serde_json::from_slice(&common::read(rel)).unwrap()
}

fn vex_policy(vex: Vec<VexDocument>) -> Policy {
    Policy {
        exit_code: 1,
        vex,
        ..Default::default()
    }
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, (String, String)> {
    pairs
        .iter()
        .map(|(k, r)| (k.to_string(), pair("vex", r)))
        .collect()
}

#[test]
fn fixtures_validate_against_the_openvex_schema() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vex");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.to_string_lossy().ends_with(".openvex.json") {
            let doc: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            assert_eq!(
                openvex_schema_errors(&doc),
                Vec::<String>::new(),
                "{}",
                p.display()
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 3);
    // The validator is live: the schema's own rule rejects this statement.
    let mut bad = fixture("vex/shop.openvex.json");
    bad["statements"][0]
        .as_object_mut()
        .unwrap()
        .remove("justification");
    bad["statements"][0]
        .as_object_mut()
        .unwrap()
        .remove("impact_statement");
    assert_eq!(openvex_schema_errors(&bad).len(), 1);
}

#[test]
fn openvex_statuses() {
    let doc = openvex(&fixture("vex/shop.openvex.json"), "shop.openvex.json");
    assert_eq!(doc.statement_count(), 6);
    let mut r = report();
    let out = apply(&vex_policy(vec![doc]), &mut r, "2026-03-01");
    assert_eq!(
        suppressed(&r),
        map(&[
            // Image product with the package as subcomponent, digest checked.
            (
                "CVE-2023-44487",
                "shop.openvex.json: not_affected: vulnerable_code_not_in_execute_path: shop never serves HTTP/2"
            ),
            // Named by the finding's GHSA alias; version-less product purl.
            (
                "CVE-2021-23337",
                "shop.openvex.json: fixed: template() patched in our vendored build"
            ),
            // The Debian source package of libssl3.
            (
                "CVE-2024-13176",
                "shop.openvex.json: not_affected: inline_mitigations_already_exist"
            ),
            // No products: applies everywhere.
            (
                "CVE-2023-45853",
                "shop.openvex.json: not_affected: vulnerable_code_not_present: MiniZip is not built into zlib1g"
            ),
        ])
    );
    // under_investigation and affected stay visible; so do secrets and misconfigurations.
    assert_eq!(
        visible(&r),
        [
            "CVE-2020-28500",
            "CVE-2024-35195",
            "aws-access-key-id",
            "github-pat",
            "DS002",
            "DS026"
        ]
    );
    assert_eq!((out.failing, out.suppressed, out.exit_code), (6, 4, 1));
}

#[test]
fn openvex_latest_statement_wins() {
    let doc = openvex(
        &fixture("vex/override.openvex.json"),
        "override.openvex.json",
    );
    let mut r = report();
    apply(&vex_policy(vec![doc]), &mut r, "2026-03-01");
    assert_eq!(
        suppressed(&r),
        map(&[
            // Equal (document) timestamps: the later statement in the file.
            (
                "CVE-2021-23337",
                "override.openvex.json: not_affected: vulnerable_code_not_in_execute_path"
            ),
            // Newer by timestamp though earlier in the file.
            (
                "CVE-2024-35195",
                "override.openvex.json: not_affected: vulnerable_code_cannot_be_controlled_by_adversary: verify=False is never set"
            ),
        ])
    );
    // CVE-2023-44487: the newer `affected` overrides the older `not_affected`.
    assert!(visible(&r).contains(&"CVE-2023-44487".to_string()));
}

#[test]
fn openvex_for_another_image_or_version_does_not_apply() {
    let doc = openvex(&fixture("vex/other-image.openvex.json"), "other.json");
    let mut r = report();
    let out = apply(&vex_policy(vec![doc]), &mut r, "2026-03-01");
    assert_eq!(suppressed(&r), BTreeMap::new());
    assert_eq!(out.failing, 10);
}

#[test]
fn openvex_image_product_without_subcomponents_covers_the_image() {
    let doc = json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://acme.example/vex/shop-image",
        "author": "ACME",
        "timestamp": "2026-02-10T09:30:00Z",
        "version": 1,
        "statements": [{
            "vulnerability": { "name": "CVE-2020-28500" },
            "products": [{ "@id": "pkg:oci/shop?repository_url=ghcr.io/acme/shop" }],
            "status": "not_affected",
            "impact_statement": "lodash is only used at build time"
        }, {
            "vulnerability": { "name": "CVE-2024-35195" },
            // The image id (config digest) also names the image.
            "products": [{ "@id": format!("pkg:oci/shop@{}", common::IMAGE_ID.replace(':', "%3A")) }],
            "status": "fixed"
        }]
    });
    let mut r = report();
    apply(
        &vex_policy(vec![openvex(&doc, "image.json")]),
        &mut r,
        "2026-03-01",
    );
    assert_eq!(
        suppressed(&r),
        map(&[
            (
                "CVE-2020-28500",
                "image.json: not_affected: lodash is only used at build time"
            ),
            ("CVE-2024-35195", "image.json: fixed"),
        ])
    );
}

#[test]
fn openvex_v0_0_shapes_are_read() {
    // Before v0.2.0 the vulnerability and products were plain strings.
    let doc = json!({
        "@context": "https://openvex.dev/ns",
        "@id": "https://openvex.dev/docs/example/vex-9fb3463de1b57",
        "author": "Wolfi J Inkinson",
        "timestamp": "2023-01-08T18:02:03.647787998-06:00",
        "version": "1",
        "statements": [{
            "vulnerability": "CVE-2023-44487",
            "products": ["pkg:golang/golang.org/x/net@v0.15.0"],
            "status": "not_affected",
            "justification": "vulnerable_code_not_in_execute_path"
        }]
    });
    let v = VexDocument::parse(doc.to_string().as_bytes(), "old.json").unwrap();
    let mut r = report();
    apply(&vex_policy(vec![v]), &mut r, "2026-03-01");
    assert_eq!(
        suppressed(&r),
        map(&[(
            "CVE-2023-44487",
            "old.json: not_affected: vulnerable_code_not_in_execute_path"
        )])
    );
}

#[test]
fn cyclonedx_fixture_validates_against_the_1_6_schema() {
    let doc = fixture("vex/shop.cdx.json");
    assert_eq!(
        drydock_testkit::schemas::cyclonedx_errors(&doc),
        Vec::<String>::new()
    );
    let mut bad = doc.clone();
    bad["vulnerabilities"][0]["analysis"]["state"] = json!("wont_fix");
    assert_eq!(drydock_testkit::schemas::cyclonedx_errors(&bad).len(), 1);
}

#[test]
fn cyclonedx_vex_by_bom_ref_purl_reference_and_root() {
    let doc = VexDocument::parse(&common::read("vex/shop.cdx.json"), "shop.cdx.json").unwrap();
    assert_eq!(doc.format, VexFormat::CycloneDx);
    // vex-7 has no analysis: a finding report, not a statement.
    assert_eq!(doc.statement_count(), 6);
    let mut r = report();
    let out = apply(&vex_policy(vec![doc]), &mut r, "2026-03-01");
    assert_eq!(
        suppressed(&r),
        map(&[
            // affects.ref equal to the finding's package bom-ref.
            (
                "CVE-2021-23337",
                "shop.cdx.json: not_affected: code_not_reachable: template() is never called with user input"
            ),
            // affects.ref → a component → its purl.
            ("CVE-2024-35195", "shop.cdx.json: false_positive"),
            // Named through `references`; affects.ref is a purl.
            (
                "CVE-2023-44487",
                "shop.cdx.json: resolved: HTTP/2 server disabled by build tag"
            ),
            // affects.ref is metadata.component: the whole image.
            (
                "CVE-2024-13176",
                "shop.cdx.json: resolved_with_pedigree: openssl rebuilt with the upstream constant-time fix"
            ),
        ])
    );
    // in_triage and exploitable stay visible.
    assert_eq!(
        visible(&r),
        [
            "CVE-2023-45853",
            "CVE-2020-28500",
            "aws-access-key-id",
            "github-pat",
            "DS002",
            "DS026"
        ]
    );
    assert_eq!(out.suppressed, 4);
}

#[test]
fn cyclonedx_bom_link_into_the_drydock_sbom() {
    let doc = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "vulnerabilities": [{
            "id": "CVE-2020-28500",
            "analysis": { "state": "not_affected", "justification": "protected_at_runtime" },
            "affects": [{
                "ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg%3Anpm%2Flodash%404.17.20%3Ffile%3Dapp%2Fpackage-lock.json"
            }]
        }, {
            "id": "CVE-2023-45853",
            "analysis": { "state": "not_affected" },
            "affects": [{ "ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:deb/debian/zlib1g@1:1.2.13.dfsg-2" }]
        }]
    });
    let v = VexDocument::parse(doc.to_string().as_bytes(), "link.cdx.json").unwrap();
    let mut r = report();
    apply(&vex_policy(vec![v]), &mut r, "2026-03-01");
    // The second names another zlib1g version.
    assert_eq!(
        suppressed(&r),
        map(&[(
            "CVE-2020-28500",
            "link.cdx.json: not_affected: protected_at_runtime"
        )])
    );
}

#[test]
fn first_suppressing_document_wins() {
    let a = openvex(&fixture("vex/override.openvex.json"), "a.json");
    let b = openvex(&fixture("vex/shop.openvex.json"), "b.json");
    let mut r = report();
    apply(&vex_policy(vec![a, b]), &mut r, "2026-03-01");
    let s = suppressed(&r);
    // a says affected for CVE-2023-44487, b says not_affected: b suppresses.
    assert_eq!(
        s.get("CVE-2023-44487"),
        Some(&pair(
            "vex",
            "b.json: not_affected: vulnerable_code_not_in_execute_path: shop never serves HTTP/2"
        ))
    );
    // Both suppress CVE-2021-23337: the first document gives the reason.
    assert_eq!(
        s.get("CVE-2021-23337"),
        Some(&pair(
            "vex",
            "a.json: not_affected: vulnerable_code_not_in_execute_path"
        ))
    );
}

#[test]
fn malformed_documents_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.openvex.json");
    std::fs::write(
        &p,
        "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [",
    )
    .unwrap();
    let e = VexDocument::load(&p).unwrap_err();
    assert!(matches!(e, PolicyError::Vex { .. }));
    assert!(
        e.to_string()
            .starts_with(&format!("{}: not valid JSON: ", p.display())),
        "{e}"
    );

    let mut doc = fixture("vex/shop.openvex.json");
    doc["statements"][2]["status"] = json!("maybe");
    let e = VexDocument::parse(doc.to_string().as_bytes(), "s.json").unwrap_err();
    assert_eq!(
        e.to_string(),
        "s.json: statement 3: unknown status \"maybe\" (expected not_affected, affected, fixed or under_investigation)"
    );

    let mut doc = fixture("vex/shop.openvex.json");
    doc["statements"][1]["products"] = json!({ "@id": "pkg:npm/lodash" });
    let e = VexDocument::parse(doc.to_string().as_bytes(), "s.json").unwrap_err();
    assert!(e.to_string().starts_with("s.json: statement 2: "), "{e}");

    let mut doc = fixture("vex/shop.openvex.json");
    doc["timestamp"] = json!("yesterday");
    let e = VexDocument::parse(doc.to_string().as_bytes(), "s.json").unwrap_err();
    assert_eq!(
        e.to_string(),
        "s.json: bad timestamp \"yesterday\": expected RFC 3339"
    );

    let mut doc = fixture("vex/shop.cdx.json");
    doc["vulnerabilities"][1]["analysis"]["state"] = json!("wont_fix");
    let e = VexDocument::parse(doc.to_string().as_bytes(), "c.json").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("c.json: vulnerabilities[1]: unknown analysis.state \"wont_fix\""),
        "{e}"
    );

    let mut doc = fixture("vex/shop.cdx.json");
    doc["vulnerabilities"][0]["affects"] = json!([{ "versions": [] }]);
    let e = VexDocument::parse(doc.to_string().as_bytes(), "c.json").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("c.json: vulnerabilities[0]: missing field `ref`"),
        "{e}"
    );

    let e = VexDocument::load(&dir.path().join("missing.json")).unwrap_err();
    assert!(matches!(e, PolicyError::Read { .. }));
}

#[test]
fn load_reads_from_disk_and_names_the_file_in_reasons() {
    let p = common::data("vex/shop.cdx.json");
    let doc = VexDocument::load(&p).unwrap();
    let mut r = report();
    apply(&vex_policy(vec![doc]), &mut r, "2026-03-01");
    assert_eq!(
        suppressed(&r).get("CVE-2024-35195"),
        Some(&pair("vex", &format!("{}: false_positive", p.display())))
    );
}
