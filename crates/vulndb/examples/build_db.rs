//! Builds a vulnerability database from OSV inputs; used by scripts/build-baseline.sh and
//! bench/vulndb/run.sh.
//!
//! ```text
//! build_db OUT.sqlite [--max-details N] [--label NAME] [--zst OUT.zst] [--source TEXT] INPUT...
//! ```
//! `SOURCE_DATE_EPOCH` (seconds) pins the recorded build time, for a reproducible baseline.

use drydock_vulndb::{BuildOptions, ImportOptions, import_with, status};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("build_db: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: build_db OUT.sqlite [options] INPUT...")?,
    );
    let mut opts = ImportOptions::default();
    let mut zst: Option<PathBuf> = None;
    let mut source = String::new();
    let mut inputs = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--max-details" => {
                opts.build.max_details = Some(args.next().ok_or("--max-details N")?.parse()?)
            }
            "--label" => opts.source_label = Some(args.next().ok_or("--label NAME")?),
            "--zst" => zst = Some(PathBuf::from(args.next().ok_or("--zst PATH")?)),
            "--source" => source = args.next().ok_or("--source TEXT")?,
            _ => inputs.push(PathBuf::from(a)),
        }
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let t = time::OffsetDateTime::from_unix_timestamp(epoch.trim().parse()?)?;
        opts.build = BuildOptions {
            built_at: Some(t),
            ..opts.build
        };
    }
    if out.exists() {
        std::fs::remove_file(&out)?;
    }
    let start = Instant::now();
    let stats = import_with(&out, &inputs, &opts)?;
    let took = start.elapsed();
    let st = status(&out)?;
    println!(
        "built {} in {:.2?}: {} files, {} records, {} stored, {} withdrawn, {} with nothing to match, {} warnings",
        out.display(),
        took,
        stats.files,
        stats.records,
        stats.stored,
        stats.withdrawn,
        stats.nothing_to_match,
        stats.warnings.len()
    );
    for w in stats.warnings.iter().take(20) {
        println!("  warning: {}: {}", w.input, w.message);
    }
    println!(
        "size {} bytes, {} advisories, content {}",
        st.size_bytes, st.advisories, st.content_hash
    );
    for e in &st.ecosystems {
        println!(
            "  {:<16} {:>6} advisories {:>6} packages",
            e.ecosystem, e.advisories, e.packages
        );
    }
    if let Some(zst) = zst {
        let raw = std::fs::read(&out)?;
        let packed = zstd::stream::encode_all(&raw[..], 19)?;
        std::fs::write(&zst, &packed)?;
        let manifest = drydock_vulndb::BaselineManifest {
            file: zst
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            zst_sha256: hex::encode(Sha256::digest(&packed)),
            sqlite_sha256: hex::encode(Sha256::digest(&raw)),
            sqlite_bytes: raw.len() as u64,
            built_at: st.built_at.clone(),
            content_hash: st.content_hash.clone(),
            source,
        };
        let path = zst.with_file_name("manifest.json");
        std::fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")?;
        println!(
            "wrote {} ({} bytes) and {}",
            zst.display(),
            packed.len(),
            path.display()
        );
    }
    Ok(())
}
