//! Engine-only throughput on one core: loads a tree's text files into memory,
//! then times `scan_bytes` over all of them on one thread (no I/O, no walker).
//! Used by bench/secrets/run.sh. Usage: engine_throughput DIR

use drydock_secrets::SecretScanner;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: engine_throughput DIR");
        std::process::exit(2);
    };
    let scanner = SecretScanner::builtin()?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in ignore::WalkBuilder::new(&dir).hidden(false).build() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path().to_string_lossy().into_owned();
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if scanner.wants(&path, size)
            && let Ok(bytes) = std::fs::read(entry.path())
        {
            files.push((path, bytes));
        }
    }
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..3 {
        let t = Instant::now();
        findings = files
            .iter()
            .map(|(p, b)| scanner.scan_bytes(p, b).len())
            .sum();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "files={} mb={:.1} scan_s={best:.3} mb_per_s_one_core={:.0} findings={findings}",
        files.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / best
    );
    Ok(())
}
