//! Fixture reports shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different part

use drydock_core::Report;
use std::path::Path;

/// An image with findings of every kind, and an inventory-only scan.
pub const REPORTS: [&str; 2] = ["debian-app", "rocky-inventory"];

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
