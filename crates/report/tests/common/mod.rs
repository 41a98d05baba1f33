//! Fixture reports shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different part

use drydock_core::Report;
use std::path::Path;

/// An image with vulnerabilities and a secret, an inventory-only scan, and a
/// source tree with lockfile lines, checks with compliance mappings and an
/// inline suppression.
pub const REPORTS: [&str; 3] = ["debian-app", "rocky-inventory", "shop-repo"];

pub fn report(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(format!("{name}.report.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn table(report: &Report, color: bool) -> String {
    let mut out = Vec::new();
    drydock_report::table::write(report, &mut out, color).expect("table written");
    String::from_utf8(out).expect("UTF-8 table")
}

/// One of the CI formats written to a string.
pub fn render(format: &str, report: &Report) -> String {
    let mut out = Vec::new();
    match format {
        "sarif" => drydock_report::sarif::write(report, &mut out),
        "junit" => drydock_report::junit::write(report, &mut out),
        "html" => drydock_report::html::write(report, &mut out),
        other => panic!("no format {other}"),
    }
    .unwrap_or_else(|e| panic!("{format}: {e}"));
    String::from_utf8(out).expect("UTF-8 output")
}

/// A report whose every string tries to break out of its format: markup,
/// quotes, control characters, odd paths, a `javascript:` reference.
pub fn hostile_report() -> Report {
    let mut report = report("debian-app");
    let evil = "<script>alert('x')</script> \"q\" & ]]> \u{1b}[31m\u{0}`*_[l](javascript:alert(1))";
    report.artifact.name = format!("evil/{evil}:latest");
    for f in &mut report.findings {
        f.title = format!("{} {evil}", f.title);
        f.description = evil.to_string();
        f.remediation = evil.to_string();
        f.references.push("javascript:alert(1)".into());
        f.references.push(evil.to_string());
        f.evidence = Some(evil.to_string());
        f.compliance.push(evil.to_string());
        f.notes.push(evil.to_string());
        f.cvss_score = f.cvss_score.map(|_| f64::NAN);
    }
    if let Some(f) = report.findings.first_mut() {
        f.location.path = "app/my dir/#weird?[1]%.jar".into();
        f.id = String::new();
        f.title = String::new();
    }
    for p in &mut report.inventory.packages {
        p.name = format!("{}{evil}", p.name);
    }
    if let Some(layer) = report.artifact.layers.first_mut() {
        layer.layer.created_by = Some(evil.to_string());
    }
    report
}
