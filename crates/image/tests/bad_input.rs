//! Hostile and broken input: each gives a clear error or warning naming the
//! input, the scan goes on where it can, and nothing is written outside.

use drydock_core::{AnalyzeError, Analyzer, ArtifactKind, FileOutput};
use drydock_image::dir::{DirOptions, scan_dir};
use drydock_image::walker::{Limits, analyze_layer};
use drydock_image::{ImageError, Platform, RunOptions, scan_input};
use drydock_testkit::{self as kit, Compression, Image, LayerBuilder};
use std::io::Write;

/// Wants every file named `want-*`, records its size as the package version.
struct Probe;

impl Analyzer for Probe {
    fn name(&self) -> &'static str {
        "probe"
    }
    fn version(&self) -> u32 {
        1
    }
    fn wants(&self, path: &str) -> bool {
        path.rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with("want-"))
    }
    fn max_size(&self) -> u64 {
        1024 * 1024
    }
    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
        if content.starts_with(b"bad") {
            return Err(AnalyzeError::new(format!("{path}: malformed")));
        }
        let mut out = FileOutput::default();
        out.packages.push(drydock_core::Package::new(
            drydock_core::Ecosystem::PyPI,
            drydock_core::PackageKind::Library,
            path,
            content.len().to_string(),
            drydock_core::Location::file(path),
        ));
        Ok(out)
    }
}

fn probe() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(Probe)]
}

/// Options of a scan on one thread with default limits.
fn one_thread<'a>(
    analyzers: &'a [Box<dyn Analyzer>],
    cache: Option<&'a drydock_image::LayerCache>,
) -> RunOptions<'a> {
    RunOptions {
        analyzers,
        cache,
        limits: Limits::default(),
        threads: 1,
        progress: None,
    }
}

fn names(la: &drydock_image::LayerAnalysis) -> Vec<String> {
    la.files.keys().cloned().collect()
}

#[test]
fn hostile_paths_are_clamped_inside_the_root() {
    // tar::Builder refuses `..`, so the header name is written by hand.
    let mut b = tar::Builder::new(Vec::new());
    for name in ["../../etc/want-passwd", "/abs/want-x", "./ok/want-y"] {
        let mut h = tar::Header::new_old();
        let bytes = name.as_bytes();
        h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
        h.set_size(3);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, &b"abc"[..]).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let la = analyze_layer(&tar[..], "hostile.tar", &probe(), Limits::default()).unwrap();
    assert_eq!(
        names(&la),
        vec!["abs/want-x", "etc/want-passwd", "ok/want-y"]
    );
    assert!(
        la.warnings
            .iter()
            .any(|w| w.input.contains("../../etc/want-passwd") && w.message.contains("climbs out"))
    );
    assert!(la.complete);
}

#[test]
fn truncated_and_corrupt_layers_warn_and_keep_what_was_read() {
    let layer = LayerBuilder::new()
        .file("a/want-1", &[b'x'; 5000])
        .file("b/want-2", &vec![b'y'; 200_000])
        .finish("x");
    let gz = kit::compress(&layer.tar, Compression::Gzip);
    let cut = &gz[..gz.len() / 2];
    let la = analyze_layer(cut, "cut.tar.gz", &probe(), Limits::default()).unwrap();
    assert!(!la.complete);
    assert!(
        la.warnings.iter().any(|w| w.input == "cut.tar.gz"),
        "{:?}",
        la.warnings
    );
    assert_eq!(names(&la), vec!["a/want-1"]);

    // Garbage that is not a tar at all.
    let la = analyze_layer(
        &b"this is not a tar archive, just text that goes on"[..],
        "junk",
        &probe(),
        Limits::default(),
    )
    .unwrap();
    assert!(!la.complete || la.files.is_empty());

    // A malformed file: the analyzer's error is a warning naming the file.
    let layer = LayerBuilder::new()
        .file("want-bad", b"bad data")
        .file("want-good", b"ok")
        .finish("x");
    let la = analyze_layer(&layer.tar[..], "l.tar", &probe(), Limits::default()).unwrap();
    assert!(
        la.warnings
            .iter()
            .any(|w| w.input == "l.tar:want-bad" && w.message.contains("malformed"))
    );
    assert_eq!(la.files["want-good"].packages.len(), 1);
}

#[test]
fn compression_bomb_is_cut_off() {
    // 512 MiB of zeros inside a gzip stream of well under 2 MiB; the limit is 64 MiB.
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(512 * 1024 * 1024);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_path("zeros").unwrap();
    h.set_cksum();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(h.as_bytes()).unwrap();
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..512 {
        enc.write_all(&chunk).unwrap();
    }
    let _ = &mut b;
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 2 * 1024 * 1024, "{}", bomb.len());
    let limits = Limits {
        max_layer_bytes: 64 * 1024 * 1024,
        ..Limits::default()
    };
    let la = analyze_layer(&bomb[..], "bomb.tar.gz", &probe(), limits).unwrap();
    assert!(!la.complete, "{la:?}");
    assert!(
        la.warnings.iter().any(|w| w.message.contains("size limit")),
        "{:?}",
        la.warnings
    );
}

#[test]
fn oversized_wanted_file_is_skipped_with_a_warning() {
    let layer = LayerBuilder::new()
        .file("want-big", &vec![b'z'; 2 * 1024 * 1024])
        .finish("x");
    let la = analyze_layer(&layer.tar[..], "big.tar", &probe(), Limits::default()).unwrap();
    assert!(la.files.is_empty());
    assert!(
        la.warnings
            .iter()
            .any(|w| w.input == "big.tar:want-big" && w.message.contains("larger than"))
    );
}

#[test]
fn hard_links_to_wanted_files_are_analyzed() {
    let layer = LayerBuilder::new()
        .file("lib/want-orig", b"12345")
        .hardlink("lib2/want-link", "lib/want-orig")
        .finish("x");
    let la = analyze_layer(&layer.tar[..], "links.tar", &probe(), Limits::default()).unwrap();
    assert_eq!(names(&la), vec!["lib/want-orig", "lib2/want-link"]);
    assert_eq!(la.files["lib2/want-link"].packages[0].version, "5");
}

#[test]
fn invalid_manifests_and_archives_name_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let a = probe();
    let opts = one_thread(&a, None);
    // Not a tar.
    let p = dir.path().join("notatar.tar");
    std::fs::write(&p, vec![7u8; 4096]).unwrap();
    let err = scan_input(&p, None, &Platform::default(), &opts).unwrap_err();
    assert!(err.to_string().contains("notatar.tar"), "{err}");
    // A tar with a broken manifest.json.
    let p = dir.path().join("badmanifest.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&p).unwrap());
    let mut h = tar::Header::new_gnu();
    h.set_size(5);
    h.set_mode(0o644);
    b.append_data(&mut h, "manifest.json", &b"{oops"[..])
        .unwrap();
    b.finish().unwrap();
    drop(b);
    let err = scan_input(&p, None, &Platform::default(), &opts).unwrap_err();
    assert!(
        matches!(err, ImageError::Invalid(_)) && err.to_string().contains("manifest.json"),
        "{err}"
    );
    // diff_ids that do not match the layer count.
    let layout = dir.path().join("layout");
    let img = Image::amd64(vec![LayerBuilder::new().file("x", b"1").finish("x")]);
    kit::write_oci_layout(&layout, &[&img], &[Compression::Zstd], "t");
    // A gzip-compressed image tarball is refused with advice.
    let gz = dir.path().join("img.tar.gz");
    let mut classic = Vec::new();
    let tmp = dir.path().join("c.tar");
    img.write_docker_archive_classic(&tmp, "x:1");
    classic.extend(std::fs::read(&tmp).unwrap());
    std::fs::write(&gz, kit::compress(&classic, Compression::Gzip)).unwrap();
    let err = scan_input(&gz, None, &Platform::default(), &opts).unwrap_err();
    assert!(err.to_string().contains("decompress"), "{err}");
}

#[test]
fn directory_scan_survives_symlink_loops_and_never_leaves_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(root.join("app/want-a"), b"aaa").unwrap();
    std::os::unix::fs::symlink("loop2", root.join("app/loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", root.join("app/loop2")).unwrap();
    std::os::unix::fs::symlink(".", root.join("app/self")).unwrap();
    // A wanted path that is a symlink to a host file outside the root.
    let outside = dir.path().join("want-outside");
    std::fs::write(&outside, b"secret-host-file").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("app/want-escape")).unwrap();
    let a = probe();
    let opts = DirOptions {
        analyzers: &a,
        respect_gitignore: false,
        skip: vec![],
        progress: None,
    };
    let s = scan_dir(&root, ArtifactKind::Rootfs, &opts).unwrap();
    let paths: Vec<_> = s.merged.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["app/want-a"]);
    // The escaping link is recorded as a link, resolved inside the root.
    assert_eq!(
        s.merged.symlinks.get("app/want-escape").map(String::as_str),
        Some(outside.strip_prefix("/").unwrap().to_str().unwrap())
    );
}

#[test]
fn rootfs_scan_equals_dpkg_query() {
    let rootfs = kit::bookworm_rootfs();
    let a = drydock_catalog::os::analyzers();
    let opts = DirOptions {
        analyzers: &a,
        respect_gitignore: false,
        skip: vec![],
        progress: None,
    };
    let s = scan_dir(&rootfs, ArtifactKind::Rootfs, &opts).unwrap();
    let got = kit::package_lines(s.merged.packages());
    assert_eq!(got, kit::dpkg_query_in(&rootfs));
}

#[test]
fn ten_gigabyte_sparse_files_are_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in ["want-huge", "unwanted-huge"] {
        let f = std::fs::File::create(root.join(name)).unwrap();
        f.set_len(10 * 1024 * 1024 * 1024).unwrap();
    }
    std::fs::write(root.join("want-small"), b"ok").unwrap();
    let a = probe();
    let opts = DirOptions {
        analyzers: &a,
        respect_gitignore: false,
        skip: vec![],
        progress: None,
    };
    let s = scan_dir(root, ArtifactKind::Filesystem, &opts).unwrap();
    let paths: Vec<_> = s.merged.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["want-small"]);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.input == "want-huge" && w.message.contains("larger than")),
        "{:?}",
        s.warnings
    );
    assert!(!s.warnings.iter().any(|w| w.input == "unwanted-huge"));
}

/// One layer: `usr/lib/big.so` (no analyzer wants it) holding `filler`, with the
/// wanted files `around` it, the first before, the others after.
fn image_with_filler(filler: &[u8], around: &[&str]) -> Image {
    let mut layer = LayerBuilder::new();
    for (i, name) in around.iter().enumerate() {
        if i == 1 {
            layer = layer.file("usr/lib/big.so", filler);
        }
        layer = layer.file(name, name.as_bytes());
    }
    if around.len() < 2 {
        layer = layer.file("usr/lib/big.so", filler);
    }
    Image::amd64(vec![layer.finish("ADD rootfs.tar /")])
}

/// Files no analyzer wants are skipped without being copied, but still hashed:
/// one flipped byte deep inside such a file of an uncompressed `docker save`
/// layer is a digest mismatch naming the layer, and nothing reaches the cache.
#[test]
fn corruption_in_a_skipped_file_of_an_uncompressed_layer_is_a_digest_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    // Several MiB of data no analyzer wants, spanning many hashing chunks.
    let filler: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
    let img = image_with_filler(&filler, &["want-a", "want-b"]);
    let archive = dir.path().join("img.tar");
    img.write_docker_archive_classic(&archive, "t:1");
    let cache_dir = dir.path().join("cache");
    let cache = drydock_image::LayerCache::new(&cache_dir, "probe-1");
    let a = probe();
    let opts = one_thread(&a, Some(&cache));
    // Intact: both wanted files are read on either side of the skipped one.
    let scan = scan_input(&archive, None, &Platform::default(), &opts).unwrap();
    let found: Vec<&str> = scan.merged.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(found, ["want-a", "want-b"]);
    assert!(cache.get(&img.layers[0].diff_id()).is_some());
    drydock_image::LayerCache::clear_all(&cache_dir).unwrap();

    let mut bytes = std::fs::read(&archive).unwrap();
    let at = bytes
        .windows(64)
        .position(|w| w == &filler[3_000_000..3_000_064])
        .unwrap();
    bytes[at] ^= 0x55;
    std::fs::write(&archive, &bytes).unwrap();
    let err = scan_input(&archive, None, &Platform::default(), &opts).unwrap_err();
    let ImageError::DigestMismatch { blob, expected, .. } = &err else {
        panic!("not a digest mismatch: {err}");
    };
    assert_eq!(*expected, img.layers[0].diff_id(), "{err}");
    assert!(blob.contains("layer.tar"), "{err}");
    assert!(cache.get(&img.layers[0].diff_id()).is_none());
}

/// A `docker save` archive cut short inside a layer (its manifest kept, the
/// layer's range running past the end of the file): the scan reports the short
/// read, naming the archive and the layer, and keeps what was read.
#[test]
fn an_archive_cut_inside_a_layer_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let filler: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    let img = image_with_filler(&filler, &["want-a"]);
    let written = dir.path().join("written.tar");
    img.write_docker_archive_classic(&written, "t:1");
    // The same archive with the layer last, so cutting it keeps the manifest.
    let archive = dir.path().join("img.tar");
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for e in tar::Archive::new(std::fs::File::open(&written).unwrap())
        .entries()
        .unwrap()
    {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        entries.push((path, data));
    }
    entries.sort_by_key(|(p, _)| p.ends_with("layer.tar"));
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in &entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, path, &data[..]).unwrap();
    }
    let bytes = b.into_inner().unwrap();
    let at = bytes
        .windows(64)
        .position(|w| w == &filler[1_000_000..1_000_064])
        .unwrap();
    std::fs::write(&archive, &bytes[..at]).unwrap();
    let a = probe();
    let opts = one_thread(&a, None);
    let scan = scan_input(&archive, None, &Platform::default(), &opts).unwrap();
    assert!(
        scan.warnings.iter().any(|w| w.input.contains("img.tar")
            && w.input.contains("layer.tar")
            && w.message.contains("to the end")),
        "{:?}",
        scan.warnings
    );
    let found: Vec<&str> = scan.merged.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(found, ["want-a"]);
}

/// Wants `big/*`; reads large files by ranges and records how it was called.
struct RangeProbe {
    whole: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    by_ranges: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Analyzer for RangeProbe {
    fn name(&self) -> &'static str {
        "range-probe"
    }
    fn version(&self) -> u32 {
        1
    }
    fn wants(&self, path: &str) -> bool {
        path.starts_with("big/")
    }
    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
        self.whole.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(self.found(path, content.len() as u64, content[content.len() - 1]))
    }
    fn reads_large(&self) -> bool {
        true
    }
    fn analyze_large(
        &self,
        path: &str,
        file: &std::fs::File,
        size: u64,
    ) -> Result<FileOutput, AnalyzeError> {
        use std::os::unix::fs::FileExt;
        self.by_ranges
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(file.metadata().unwrap().len(), size);
        let mut last = [0u8];
        file.read_exact_at(&mut last, size - 1).unwrap();
        Ok(self.found(path, size, last[0]))
    }
}

impl RangeProbe {
    fn found(&self, path: &str, size: u64, last: u8) -> FileOutput {
        let mut out = FileOutput::default();
        out.packages.push(drydock_core::Package::new(
            drydock_core::Ecosystem::Go,
            drydock_core::PackageKind::Application,
            path,
            format!("{size}-{last}"),
            drydock_core::Location::file(path),
        ));
        out
    }
}

/// A wanted file larger than the read budget is copied to an unnamed file in
/// the spill directory and read by ranges there, not held whole; the copy is
/// gone afterwards. Without a spill directory it is read whole, as before.
#[test]
fn large_files_are_read_by_ranges_from_a_spill_file() {
    let mut big = vec![0u8; 60 * 1024 * 1024];
    *big.last_mut().unwrap() = 7;
    let layer = LayerBuilder::new()
        .file("big/app", &big)
        .file("big/small", b"xy")
        .finish("x");
    drop(big);
    let spill = tempfile::tempdir().unwrap();
    let spill_dir: &'static std::path::Path =
        Box::leak(spill.path().to_path_buf().into_boxed_path());
    for (dir, whole, by_ranges) in [(Some(spill_dir), 1, 1), (None, 2, 0)] {
        let calls = (
            std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0)),
        );
        let probe = RangeProbe {
            whole: calls.0.clone(),
            by_ranges: calls.1.clone(),
        };
        let analyzers: Vec<Box<dyn Analyzer>> = vec![Box::new(probe)];
        let limits = Limits {
            spill_dir: dir,
            ..Limits::default()
        };
        let la = analyze_layer(&layer.tar[..], "l.tar", &analyzers, limits).unwrap();
        assert!(la.complete && la.warnings.is_empty(), "{la:?}");
        let versions: Vec<&str> = la
            .files
            .values()
            .map(|f| f.packages[0].version.as_str())
            .collect();
        assert_eq!(
            versions,
            [format!("{}-7", 60 * 1024 * 1024).as_str(), "2-121"]
        );
        assert_eq!(la.diff_id, layer.diff_id());
        let load = |c: &std::sync::Arc<std::sync::atomic::AtomicUsize>| {
            c.load(std::sync::atomic::Ordering::SeqCst)
        };
        assert_eq!(
            (load(&calls.0), load(&calls.1)),
            (whole, by_ranges),
            "{dir:?}"
        );
        assert_eq!(
            std::fs::read_dir(spill.path()).unwrap().count(),
            0,
            "nothing left behind"
        );
    }
    // The layer cut inside the large file: the copy stops with the layer, which
    // is reported incomplete, and the half copy is gone too.
    let probe = RangeProbe {
        whole: Default::default(),
        by_ranges: Default::default(),
    };
    let by_ranges = probe.by_ranges.clone();
    let analyzers: Vec<Box<dyn Analyzer>> = vec![Box::new(probe)];
    let limits = Limits {
        spill_dir: Some(spill_dir),
        ..Limits::default()
    };
    let cut = &layer.tar[..30 * 1024 * 1024];
    let la = analyze_layer(cut, "cut.tar", &analyzers, limits).unwrap();
    assert!(!la.complete, "{la:?}");
    assert!(
        la.warnings
            .iter()
            .any(|w| w.input == "cut.tar" && w.message.contains("to the end")),
        "{:?}",
        la.warnings
    );
    assert!(la.files.is_empty());
    assert_eq!(by_ranges.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(std::fs::read_dir(spill.path()).unwrap().count(), 0);
}
