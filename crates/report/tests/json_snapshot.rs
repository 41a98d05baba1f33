//! Golden file of the JSON output (field order as the core types declare it).

mod common;

#[test]
fn json_documents() {
    for name in common::REPORTS {
        let mut out = Vec::new();
        drydock_report::json::write(&common::report(name), &mut out).unwrap();
        insta::assert_snapshot!(format!("{name}.json"), String::from_utf8(out).unwrap());
    }
}
