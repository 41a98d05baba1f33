//! Every local image source, on a real Debian image built from debootstrap:
//! the packages read must be those dpkg itself lists in the root filesystem.

use drydock_core::{Analyzer, Package};
use drydock_image::{ImageError, LayerCache, Limits, Platform, RunOptions, scan_input};
use drydock_testkit::{self as kit, Compression, Image, LayerBuilder};
use std::path::Path;
use std::sync::OnceLock;

struct Fixture {
    image: Image,
    expected: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rootfs = kit::bookworm_rootfs();
        Fixture {
            image: kit::debian_image(&rootfs),
            expected: kit::debian_image_expected(&rootfs),
        }
    })
}

fn analyzers() -> Vec<Box<dyn Analyzer>> {
    drydock_catalog::os::analyzers()
}

fn scan(
    input: &Path,
    tag: Option<&str>,
    platform: &Platform,
    cache: Option<&LayerCache>,
) -> drydock_image::ImageScan {
    let a = analyzers();
    let opts = RunOptions {
        analyzers: &a,
        cache,
        limits: Limits::default(),
        threads: 0,
        progress: None,
    };
    scan_input(input, tag, platform, &opts)
        .unwrap_or_else(|e| panic!("scanning {}: {e}", input.display()))
}

fn listing(scan: &drydock_image::ImageScan) -> Vec<String> {
    kit::package_lines(scan.merged.packages())
}

fn find<'a>(scan: &'a drydock_image::ImageScan, name: &str) -> &'a Package {
    scan.merged
        .packages()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("package {name} not found"))
}

fn check_debian(scan: &drydock_image::ImageScan) {
    let f = fixture();
    assert_eq!(listing(scan), f.expected);
    assert!(
        !listing(scan).iter().any(|l| l.starts_with("ghost ")),
        "whited-out status.d file leaked"
    );
    // Layer attribution: base packages from layer 0, the added one from layer 1.
    let libc = find(scan, "libc6");
    let l = libc.location.layer.as_ref().expect("layer");
    assert_eq!(l.index, 0);
    assert_eq!(l.created_by.as_deref(), Some("ADD rootfs.tar /"));
    assert_eq!(l.diff_id, f.image.layers[0].diff_id());
    let added = find(scan, kit::ADDED_PACKAGE.0);
    let l = added.location.layer.as_ref().expect("layer");
    assert_eq!(l.index, 1);
    assert!(
        l.created_by
            .as_deref()
            .unwrap_or("")
            .contains("apt-get purge")
    );
    assert_eq!(added.source_name.as_deref(), Some("drydock-fixture-src"));
    assert_eq!(added.source_version.as_deref(), Some("1.0-0"));
    assert_eq!(scan.artifact.layers.len(), 4);
    let os: Vec<_> = scan
        .merged
        .files
        .iter()
        .filter_map(|f| f.output.os.clone())
        .collect();
    assert!(
        os.iter().any(|o| o.family == "debian" && o.version == "12"),
        "{os:?}"
    );
}

#[test]
fn docker_archive_classic() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("classic.tar");
    fixture()
        .image
        .write_docker_archive_classic(&p, "drydock/test:classic");
    let s = scan(&p, None, &Platform::default(), None);
    check_debian(&s);
    assert_eq!(s.artifact.repo_tags, vec!["drydock/test:classic"]);
    // Picking the image by tag, and a tag that is not there.
    check_debian(&scan(
        &p,
        Some("drydock/test:classic"),
        &Platform::default(),
        None,
    ));
    let a = analyzers();
    let opts = RunOptions {
        analyzers: &a,
        cache: None,
        limits: Limits::default(),
        threads: 1,
        progress: None,
    };
    let err = scan_input(&p, Some("nope:1"), &Platform::default(), &opts).unwrap_err();
    assert!(matches!(err, ImageError::NotFound(_)), "{err}");
}

#[test]
fn docker_archive_oci_layout_docker25() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("oci-save.tar");
    fixture()
        .image
        .write_docker_archive_oci(&p, "drydock/test:oci");
    let s = scan(&p, None, &Platform::default(), None);
    check_debian(&s);
    // Blob digests of uncompressed layers equal their diffIDs.
    assert_eq!(
        s.artifact.layers[0].layer.digest.as_deref(),
        Some(fixture().image.layers[0].diff_id().as_str())
    );
}

fn arm64_image() -> Image {
    let f = fixture();
    Image {
        layers: vec![f.image.layers[0].clone()],
        architecture: "arm64".into(),
        env: vec![],
    }
}

#[test]
fn oci_layout_every_compression_and_platforms() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let arm = arm64_image();
    kit::write_oci_layout(
        &layout,
        &[&fixture().image, &arm],
        &[
            Compression::Gzip,
            Compression::Zstd,
            Compression::None,
            Compression::Gzip,
        ],
        "test",
    );
    let s = scan(&layout, None, &Platform::default(), None);
    check_debian(&s);
    assert_eq!(s.artifact.architecture.as_deref(), Some("amd64"));
    // --platform linux/arm64 picks the other manifest: one layer, adduser present.
    let arm_scan = scan(
        &layout,
        None,
        &Platform::parse("linux/arm64").unwrap(),
        None,
    );
    assert_eq!(arm_scan.artifact.layers.len(), 1);
    assert!(listing(&arm_scan).iter().any(|l| l.starts_with("adduser ")));
    // A platform that is not there is an error naming it.
    let a = analyzers();
    let opts = RunOptions {
        analyzers: &a,
        cache: None,
        limits: Limits::default(),
        threads: 1,
        progress: None,
    };
    let err = scan_input(
        &layout,
        None,
        &Platform::parse("linux/s390x").unwrap(),
        &opts,
    )
    .unwrap_err();
    assert!(err.to_string().contains("linux/s390x"), "{err}");

    // The same layout as an OCI archive tarball.
    let archive = dir.path().join("layout.tar");
    kit::tar_dir(&layout, &archive);
    check_debian(&scan(&archive, None, &Platform::default(), None));
}

#[test]
fn layer_cache_serves_a_rescan() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("classic.tar");
    fixture()
        .image
        .write_docker_archive_classic(&p, "drydock/test:cache");
    let a = analyzers();
    let cache = LayerCache::new(
        &dir.path().join("cache"),
        &drydock_core::analyze::analyzers_fingerprint(&a),
    );
    let first = scan(&p, None, &Platform::default(), Some(&cache));
    assert!(first.artifact.layers.iter().all(|l| !l.cached));
    let second = scan(&p, None, &Platform::default(), Some(&cache));
    assert!(second.artifact.layers.iter().all(|l| l.cached));
    assert_eq!(listing(&first), listing(&second));
    check_debian(&second);
    // A new image sharing the base layer reads only its own new layer.
    let mut img2 = Image::amd64(vec![fixture().image.layers[0].clone()]);
    img2.layers.push(
        LayerBuilder::new()
            .file("etc/motd", b"hi")
            .finish("RUN echo hi > /etc/motd"),
    );
    let p2 = dir.path().join("img2.tar");
    img2.write_docker_archive_classic(&p2, "drydock/test:img2");
    let third = scan(&p2, None, &Platform::default(), Some(&cache));
    let cached: Vec<bool> = third.artifact.layers.iter().map(|l| l.cached).collect();
    assert_eq!(cached, vec![true, false]);
}

#[test]
fn digest_mismatch_names_the_blob() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let small = Image::amd64(vec![
        LayerBuilder::new().file("etc/hostname", b"x").finish("x"),
    ]);
    kit::write_oci_layout(&layout, &[&small], &[Compression::Gzip], "t");
    // Replace the layer blob's content with other valid gzip data.
    let blob_digest = kit::sha256(&kit::compress(&small.layers[0].tar, Compression::Gzip));
    let other = kit::compress(
        &LayerBuilder::new()
            .file("etc/hostname", b"y")
            .finish("y")
            .tar,
        Compression::Gzip,
    );
    std::fs::write(layout.join("blobs/sha256").join(&blob_digest[7..]), other).unwrap();
    let a = analyzers();
    let opts = RunOptions {
        analyzers: &a,
        cache: None,
        limits: Limits::default(),
        threads: 1,
        progress: None,
    };
    let err = scan_input(&layout, None, &Platform::default(), &opts).unwrap_err();
    assert!(matches!(err, ImageError::DigestMismatch { .. }), "{err}");
    assert!(err.to_string().contains(&blob_digest), "{err}");
}
