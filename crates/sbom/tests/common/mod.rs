//! Fixtures and schema validators shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different part

use drydock_core::Report;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub const REPORTS: [&str; 2] = ["debian-app", "rocky-inventory"];

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub)
}

pub fn report(name: &str) -> Report {
    let path = dir("data").join(format!("{name}.report.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn data(name: &str) -> Vec<u8> {
    let path = dir("data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn cyclonedx(report: &Report) -> Value {
    let mut out = Vec::new();
    drydock_sbom::cyclonedx::write(report, &mut out).expect("CycloneDX written");
    serde_json::from_slice(&out).expect("CycloneDX output is JSON")
}

pub fn spdx(report: &Report) -> Value {
    let mut out = Vec::new();
    drydock_sbom::spdx::write(report, &mut out).expect("SPDX written");
    serde_json::from_slice(&out).expect("SPDX output is JSON")
}

#[allow(unused_imports)] // each test binary uses a different part
pub use drydock_testkit::schemas::{cyclonedx_errors, spdx_errors};
