//! Every document the writers produce validates against the official schema.

mod common;

use common::{REPORTS, cyclonedx, cyclonedx_errors, report, spdx, spdx_errors};
use drydock_core::{
    ArtifactKind, Ecosystem, Finding, FindingKind, Location, Package, PackageKind, Severity,
};

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

/// A sparse report: a directory, no OS, no layers, a package without version
/// or path, a finding without package or vector, odd characters in names.
#[test]
fn sparse_reports_validate_too() {
    let mut report = report("rocky-inventory");
    report.artifact = drydock_core::Artifact {
        name: "./my project (copy)".into(),
        kind: ArtifactKind::Filesystem,
        ..Default::default()
    };
    report.inventory.os = None;
    report.inventory.packages = vec![
        Package::new(
            Ecosystem::Go,
            PackageKind::Application,
            "example.com/tool",
            "",
            Location::default(),
        ),
        Package::new(
            Ecosystem::Npm,
            PackageKind::Library,
            "@scope/ünïcode",
            "1.0.0",
            Location::file("package-lock.json"),
        ),
    ];
    report.inventory.packages[1].licenses =
        vec!["".into(), "Apache-2.0 WITH LLVM-exception".into()];
    report.findings = vec![Finding {
        kind: FindingKind::Vulnerability,
        id: "GHSA-xxxx-yyyy-zzzz".into(),
        aliases: vec![],
        title: String::new(),
        description: String::new(),
        severity: Severity::Unknown,
        package_ref: None,
        package_name: None,
        installed_version: None,
        fixed_version: None,
        status: None,
        cvss_score: None,
        cvss_vector: None,
        references: vec!["not a url".into()],
        remediation: String::new(),
        location: Location::default(),
        suppressed: None,
        compliance: Vec::new(),
        evidence: None,
        notes: Vec::new(),
    }];
    let doc = cyclonedx(&report);
    assert_eq!(cyclonedx_errors(&doc), Vec::<String>::new());
    assert_eq!(doc["metadata"]["component"]["type"], "file");
    assert_eq!(
        doc["vulnerabilities"][0]["ratings"][0]["severity"],
        "unknown"
    );
    let doc = spdx(&report);
    assert_eq!(spdx_errors(&doc), Vec::<String>::new());
    assert_eq!(
        doc["packages"][0]["SPDXID"],
        "SPDXRef-Artifact-.-my-project--copy-"
    );
    assert_eq!(doc["packages"][0]["primaryPackagePurpose"], "SOURCE");
    assert_eq!(
        doc["packages"][2]["SPDXID"],
        "SPDXRef-Package-npm--scope--n-code-1.0.0"
    );
    assert_eq!(
        doc["packages"][2]["licenseDeclared"],
        "Apache-2.0 WITH LLVM-exception"
    );
}
