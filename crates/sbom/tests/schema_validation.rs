//! Every document the writers produce validates against the official schema.

mod common;

use common::{REPORTS, cyclonedx, cyclonedx_errors, report, spdx, spdx_errors};

#[test]
fn cyclonedx_output_validates_against_the_1_6_schema() {
    for name in REPORTS {
        let doc = cyclonedx(&report(name));
        assert_eq!(cyclonedx_errors(&doc), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn spdx_output_validates_against_the_2_3_schema() {
    for name in REPORTS {
        let doc = spdx(&report(name));
        assert_eq!(spdx_errors(&doc), Vec::<String>::new(), "{name}");
    }
}

/// The validators are not vacuous: a broken document fails them.
#[test]
fn validators_reject_broken_documents() {
    let mut doc = cyclonedx(&report("debian-app"));
    doc["components"][1]["type"] = "bogus".into();
    doc["vulnerabilities"][0]["ratings"][0]["method"] = "CVSSv9".into();
    let errors = cyclonedx_errors(&doc);
    assert_eq!(errors.len(), 2, "{errors:#?}");

    let mut doc = cyclonedx(&report("debian-app"));
    doc["components"][1]["licenses"][0] = serde_json::json!({"license": {"id": "GPL-2+"}});
    assert_eq!(cyclonedx_errors(&doc).len(), 1);

    let mut doc = spdx(&report("debian-app"));
    doc["packages"][2]["primaryPackagePurpose"] = "LIBRARIES".into();
    doc.as_object_mut().unwrap().remove("creationInfo");
    assert_eq!(spdx_errors(&doc).len(), 2);
}
