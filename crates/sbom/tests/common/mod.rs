//! Fixtures and schema validators shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different part

use drydock_core::Report;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub const REPORTS: [&str; 2] = ["debian-app", "rocky-inventory"];

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(sub)
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

fn schema(name: &str) -> Value {
    let path = dir("schemas").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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

/// Errors of `instance` against `schema`, as `path: message` lines (empty = valid).
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Validates against the official CycloneDX 1.6 schema; its `$ref`s to
/// `spdx.schema.json` and `jsf-0.82.schema.json` resolve to the local copies.
pub fn cyclonedx_errors(instance: &Value) -> Vec<String> {
    let registry = jsonschema::Registry::new()
        .add("http://cyclonedx.org/schema/spdx.schema.json", schema("spdx.schema.json"))
        .expect("spdx.schema.json registers")
        .add("http://cyclonedx.org/schema/jsf-0.82.schema.json", schema("jsf-0.82.schema.json"))
        .expect("jsf schema registers")
        .prepare()
        .expect("registry prepares");
    let validator = jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&schema("bom-1.6.schema.json"))
        .expect("CycloneDX schema compiles");
    errors(&validator, instance)
}

pub fn spdx_errors(instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema("spdx-schema.json"))
        .expect("SPDX schema compiles");
    errors(&validator, instance)
}
