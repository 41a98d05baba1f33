//! What the writers produce, the readers read back unchanged (except what an
//! SBOM does not carry: the image config and the cache flags of layers).

mod common;

use common::{REPORTS, report};
use drydock_core::{Artifact, Inventory, Report};

/// The report's artifact and inventory as an SBOM carries them: packages in
/// bom-ref order, no image config, no cache flags.
fn expected(report: &Report) -> (Artifact, Inventory) {
    let mut artifact = report.artifact.clone();
    artifact.config = None;
    for layer in &mut artifact.layers {
        layer.cached = false;
    }
    let mut inventory = report.inventory.clone();
    inventory.packages.sort_by_key(|p| p.bom_ref());
    (artifact, inventory)
}

#[test]
fn cyclonedx_round_trips() {
    for name in REPORTS {
        let report = report(name);
        let mut out = Vec::new();
        drydock_sbom::cyclonedx::write(&report, &mut out).unwrap();
        let read = drydock_sbom::cyclonedx::read(&out).unwrap();
        assert_eq!(read, expected(&report), "{name}");
    }
}

#[test]
fn spdx_round_trips() {
    for name in REPORTS {
        let report = report(name);
        let mut out = Vec::new();
        drydock_sbom::spdx::write(&report, &mut out).unwrap();
        let read = drydock_sbom::spdx::read(&out).unwrap();
        assert_eq!(read, expected(&report), "{name}");
    }
}

#[test]
fn writers_are_deterministic() {
    let report = report("debian-app");
    let mut shuffled = report.clone();
    shuffled.inventory.packages.reverse();
    shuffled.findings.reverse();
    type Writer = fn(&Report, &mut Vec<u8>) -> drydock_sbom::Result<()>;
    let writers: [Writer; 2] = [
        |r, w| drydock_sbom::cyclonedx::write(r, w),
        |r, w| drydock_sbom::spdx::write(r, w),
    ];
    for write in writers {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        write(&report, &mut a).unwrap();
        write(&shuffled, &mut b).unwrap();
        // The serial number / namespace is a hash of the report, so only it may differ.
        let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
        let differing: Vec<(&str, &str)> =
            a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
        assert_eq!(differing.len(), 1, "{differing:#?}");
        assert_eq!(a.lines().count(), b.lines().count());
    }
}

#[test]
fn duplicate_packages_become_one_component() {
    let mut report = report("rocky-inventory");
    let first = report.inventory.packages[0].clone();
    report.inventory.packages.push(first);
    let doc = common::cyclonedx(&report);
    assert_eq!(doc["components"].as_array().unwrap().len(), 1 + 5);
    let doc = common::spdx(&report);
    assert_eq!(doc["packages"].as_array().unwrap().len(), 2 + 5);
}
