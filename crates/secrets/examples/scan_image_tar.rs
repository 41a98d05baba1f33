//! Scans every layer of an uncompressed `docker save` archive for secrets, the
//! way the image walker calls the engine (each layer's files, not only the
//! merged view), and prints throughput and findings per layer; used by
//! bench/secrets/run.sh. Usage: scan_image_tar IMAGE.tar

use drydock_secrets::SecretScanner;
use std::collections::BTreeMap;
use std::io::Read;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: scan_image_tar IMAGE.tar");
        std::process::exit(2);
    };
    let scanner = SecretScanner::builtin()?;
    let t = Instant::now();
    let mut outer = tar::Archive::new(std::fs::File::open(&path)?);
    let (mut layers, mut files, mut read_bytes, mut total_bytes) = (0u32, 0u64, 0u64, 0u64);
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut buf = Vec::new();
    for entry in outer.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if !(name.ends_with("layer.tar") || name.starts_with("blobs/sha256/"))
            || entry.size() < 1024
        {
            continue;
        }
        // A layer is itself a tar; configs and manifests under blobs/ are skipped by the failing parse.
        let mut inner = tar::Archive::new(&mut entry);
        let Ok(entries) = inner.entries() else {
            continue;
        };
        let mut is_layer = false;
        for e in entries {
            let Ok(mut e) = e else { break };
            is_layer = true;
            if e.header().entry_type() != tar::EntryType::Regular {
                continue;
            }
            let size = e.size();
            total_bytes += size;
            let p = e
                .path()?
                .to_string_lossy()
                .trim_start_matches("./")
                .to_string();
            if !scanner.wants(&p, size) {
                continue;
            }
            buf.clear();
            e.read_to_end(&mut buf)?;
            files += 1;
            read_bytes += buf.len() as u64;
            for f in scanner.scan_bytes(&p, &buf) {
                *per_rule.entry(f.rule_id).or_default() += 1;
            }
        }
        if is_layer {
            layers += 1;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let findings: usize = per_rule.values().sum();
    println!(
        "layers={layers} files_scanned={files} scanned_mb={:.1} layer_mb={:.1} scan_s={secs:.3} findings={findings}",
        read_bytes as f64 / 1e6,
        total_bytes as f64 / 1e6
    );
    for (rule, n) in &per_rule {
        println!("  {rule}: {n}");
    }
    Ok(())
}
