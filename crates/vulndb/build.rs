//! Embeds the shipped baseline database when the repository has one (it is committed under
//! `data/baseline/`; a checkout without it still builds, and says so at run time).

use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/baseline");
    println!("cargo::rerun-if-changed={}", dir.display());
    println!("cargo::rustc-check-cfg=cfg(drydock_baseline)");
    if dir.join("drydock-db.sqlite.zst").is_file() && dir.join("manifest.json").is_file() {
        println!("cargo::rustc-cfg=drydock_baseline");
    }
}
