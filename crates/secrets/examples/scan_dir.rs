//! Scans a directory for secrets and prints throughput and findings; used by
//! bench/secrets/run.sh. Usage: scan_dir DIR [--threads N] [--no-gitignore] [--list]

use drydock_secrets::{DirOptions, SecretScanner, scan_dir};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args
        .iter()
        .find(|a| !a.starts_with("--") && !a.chars().all(|c| c.is_ascii_digit()))
    else {
        eprintln!("usage: scan_dir DIR [--threads N] [--no-gitignore] [--list]");
        std::process::exit(2);
    };
    let threads = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let t0 = Instant::now();
    let scanner = SecretScanner::builtin()?;
    let setup = t0.elapsed();
    let mut opts = DirOptions::new(&scanner);
    opts.threads = threads;
    opts.respect_gitignore = !args.iter().any(|a| a == "--no-gitignore");
    let t1 = Instant::now();
    let out = scan_dir(std::path::Path::new(dir), &opts)?;
    let secs = t1.elapsed().as_secs_f64();
    let mb = out.bytes as f64 / 1e6;
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &out.findings {
        *per_rule.entry(f.id.as_str()).or_default() += 1;
    }
    println!(
        "files={} mb={mb:.1} setup_ms={} scan_s={secs:.3} mb_per_s={:.0} findings={}",
        out.files,
        setup.as_millis(),
        mb / secs,
        out.findings.len()
    );
    for (rule, n) in &per_rule {
        println!("  {rule}: {n}");
    }
    if args.iter().any(|a| a == "--list") {
        for f in &out.findings {
            println!(
                "{}:{} {} {}",
                f.location.path,
                f.location.line.unwrap_or(0),
                f.id,
                f.evidence.as_deref().unwrap_or("")
            );
        }
    }
    Ok(())
}
