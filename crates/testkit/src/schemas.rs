//! Validation against the official schemas kept in `crates/sbom/tests/schemas`
//! (unmodified copies; see the README there) and drydock's own report schema.

use serde_json::Value;
use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    crate::workspace_root().join("crates/sbom/tests/schemas")
}

fn load(path: PathBuf) -> Value {
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Errors against the CycloneDX 1.6 schema, its `$ref`s resolved locally (empty = valid).
pub fn cyclonedx_errors(instance: &Value) -> Vec<String> {
    let dir = schema_dir();
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            load(dir.join("spdx.schema.json")),
        )
        .expect("spdx.schema.json registers")
        .add(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            load(dir.join("jsf-0.82.schema.json")),
        )
        .expect("jsf schema registers")
        .prepare()
        .expect("registry prepares");
    let validator = jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&load(dir.join("bom-1.6.schema.json")))
        .expect("CycloneDX schema compiles");
    errors(&validator, instance)
}

/// Errors against the SPDX 2.3 JSON schema (empty = valid).
pub fn spdx_errors(instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&load(schema_dir().join("spdx-schema.json")))
        .expect("SPDX schema compiles");
    errors(&validator, instance)
}

/// Errors against drydock's report schema, `docs/schema/report.schema.json` (empty = valid).
pub fn report_errors(instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&load(
            crate::workspace_root().join("docs/schema/report.schema.json"),
        ))
        .expect("report schema compiles");
    errors(&validator, instance)
}
