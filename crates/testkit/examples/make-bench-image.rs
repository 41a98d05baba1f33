//! Writes the benchmark image from a root filesystem, split into layers the way
//! a Dockerfile would make them (base, compiler, JDK, Python), as an
//! uncompressed `docker save` tarball and a gzip OCI layout.
//!
//! Usage: make-bench-image ROOTFS OUTDIR

use drydock_testkit::{Compression, Image, LayerBuilder};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: make-bench-image ROOTFS OUTDIR");
        std::process::exit(2);
    }
    let root = Path::new(&args[1]);
    let out = Path::new(&args[2]);
    std::fs::create_dir_all(out).expect("create OUTDIR");
    // Each later layer holds one big tree; the base holds the rest.
    let split = ["usr/lib/gcc", "usr/lib/jvm", "usr/lib/python3.11"];
    let mut layers = vec![
        LayerBuilder::new()
            .dir_tree_hardlinked(root, &split)
            .finish("ADD rootfs.tar /"),
    ];
    for dir in split {
        if root.join(dir).is_dir() {
            let b = LayerBuilder::new().dir_tree_at(&root.join(dir), dir);
            layers.push(b.finish(&format!("RUN apt-get install -y # {dir}")));
        }
    }
    let img = Image {
        layers,
        architecture: "amd64".into(),
        env: vec![],
    };
    img.write_docker_archive_classic(&out.join("bench-docker.tar"), "drydock-bench:latest");
    drydock_testkit::write_oci_layout(
        &out.join("bench-oci-gzip"),
        &[&img],
        &[Compression::Gzip],
        "latest",
    );
    println!("wrote {} layers to {}", img.layers.len(), out.display());
}
