//! Golden files of the written documents (reviewed by eye when they change:
//! `INSTA_UPDATE=always cargo test -p drydock-sbom`, then read the diff).

mod common;

use common::{REPORTS, report};

/// The document as written, with its report-hash UUID replaced so a change
/// elsewhere in the report format does not churn every golden file.
fn redacted(bytes: Vec<u8>, uuid_field: &str) -> String {
    let text = String::from_utf8(bytes).expect("UTF-8 output");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON output");
    let value = doc[uuid_field].as_str().expect("uuid field present");
    let uuid = &value[value.len() - 36..];
    assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{value}");
    text.replace(uuid, "[uuid]")
}

#[test]
fn cyclonedx_documents() {
    for name in REPORTS {
        let mut out = Vec::new();
        drydock_sbom::cyclonedx::write(&report(name), &mut out).unwrap();
        insta::assert_snapshot!(format!("{name}.cdx"), redacted(out, "serialNumber"));
    }
}

#[test]
fn spdx_documents() {
    for name in REPORTS {
        let mut out = Vec::new();
        drydock_sbom::spdx::write(&report(name), &mut out).unwrap();
        insta::assert_snapshot!(format!("{name}.spdx"), redacted(out, "documentNamespace"));
    }
}
