//! Scans files or directories and prints a JSON summary (for bench/config):
//! findings per rule family and per rule, files and Kubernetes documents
//! seen, and wall time. `--list` prints each finding as `path:line id`.
//!
//! cargo run -p drydock-config --example scan -- [--policy DIR] [--list] [--repeat N] PATH...

use drydock_config::{ConfigScanner, rules};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut policies: Vec<PathBuf> = Vec::new();
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut list = false;
    let mut repeat = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--policy" => policies.extend(args.next().map(PathBuf::from)),
            "--list" => list = true,
            "--repeat" => repeat = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let start = Instant::now();
    let scanner = match ConfigScanner::new().with_policy_dirs(&policies) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let mut findings = Vec::new();
    for _ in 0..repeat {
        findings.clear();
        for p in &paths {
            match scanner.scan_dir(p) {
                Ok(f) => findings.extend(f),
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(3);
                }
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64() / repeat as f64;
    let mut by_family: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        let family = rules()
            .iter()
            .find(|r| r.id == f.id)
            .map_or("policy", |r| r.family.as_str());
        *by_family.entry(family.to_string()).or_default() += 1;
        *by_rule.entry(f.id.clone()).or_default() += 1;
        if list {
            println!(
                "{}:{} {}",
                f.location.path,
                f.location.line.unwrap_or(0),
                f.id
            );
        }
    }
    let summary = serde_json::json!({
        "findings": findings.len(),
        "by_family": by_family,
        "by_rule": by_rule,
        "seconds": seconds,
    });
    if !list {
        println!("{summary}");
    }
}
