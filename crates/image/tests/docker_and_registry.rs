//! The Docker daemon and a real registry on loopback, with the same image.

use drydock_core::Analyzer;
use drydock_image::registry::RegistryOptions;
use drydock_image::{ImageSrc, Limits, RunOptions, scan_reference};
use drydock_testkit::{self as kit, DockerImages};
use std::process::Command;

fn analyzers() -> Vec<Box<dyn Analyzer>> {
    drydock_catalog::os::analyzers()
}

fn listing(scan: &drydock_image::ImageScan) -> Vec<String> {
    let mut v: Vec<String> = scan
        .merged
        .packages()
        .map(|p| format!("{} {} {}", p.name, p.version, p.arch.as_deref().unwrap_or("")))
        .collect();
    v.sort();
    v
}

/// Loads the test image into the daemon under a unique tag.
fn load_test_image(tag: &str, guard: &mut DockerImages) -> Vec<String> {
    let rootfs = kit::bookworm_rootfs();
    let img = kit::debian_image(&rootfs);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("img.tar");
    img.write_docker_archive_classic(&p, tag);
    guard.0.push(tag.to_string());
    let loaded = kit::docker_load(&p);
    assert_eq!(loaded, tag);
    kit::debian_image_expected(&rootfs)
}

fn opts(a: &[Box<dyn Analyzer>]) -> RunOptions<'_> {
    RunOptions { analyzers: a, cache: None, limits: Limits::default(), threads: 0, progress: None }
}

#[test]
fn daemon_image_is_found_first() {
    let mut guard = DockerImages(vec![]);
    let tag = format!("drydock-test/daemon:{}", std::process::id());
    let expected = load_test_image(&tag, &mut guard);
    let a = analyzers();
    let s = scan_reference(&tag, &[ImageSrc::Docker, ImageSrc::Remote], &RegistryOptions::default(), &opts(&a))
        .expect("scan from daemon");
    assert_eq!(listing(&s), expected);
    assert_eq!(s.artifact.layers.len(), 4);
    let added = s.merged.packages().find(|p| p.name == kit::ADDED_PACKAGE.0).unwrap();
    assert_eq!(added.location.layer.as_ref().unwrap().index, 1);
    // Not in the daemon and no registry asked: a clear not-found.
    let err = scan_reference("drydock-test/absent:0", &[ImageSrc::Docker], &RegistryOptions::default(), &opts(&a))
        .unwrap_err();
    assert!(err.to_string().contains("drydock-test/absent:0"), "{err}");
}

#[test]
fn registry_anonymous_and_basic_auth() {
    let mut guard = DockerImages(vec![]);
    let tag = format!("drydock-test/reg:{}", std::process::id());
    let expected = load_test_image(&tag, &mut guard);
    let a = analyzers();

    // Anonymous registry, plain HTTP (--insecure).
    let reg = kit::Registry::start(None);
    let remote_ref = format!("{}/drydock/test:1", reg.addr);
    kit::run(Command::new("docker").args(["tag", &tag, &remote_ref]));
    guard.0.push(remote_ref.clone());
    kit::run(Command::new("docker").args(["push", &remote_ref]));
    let insecure = RegistryOptions { insecure: true, ..Default::default() };
    let s = scan_reference(&remote_ref, &[ImageSrc::Remote], &insecure, &opts(&a)).expect("scan from registry");
    assert_eq!(listing(&s), expected);
    assert_eq!(s.artifact.layers.len(), 4);
    assert!(s.artifact.repo_digests.iter().any(|d| d.contains("@sha256:")));

    // Basic auth: credentials from a Docker config written by `docker login`.
    let auth_reg = kit::Registry::start(Some(("ci-user", "s3cret-pass")));
    let cfg = tempfile::tempdir().unwrap();
    let auth_ref = format!("{}/drydock/private:1", auth_reg.addr);
    kit::run(Command::new("docker").args(["tag", &tag, &auth_ref]));
    guard.0.push(auth_ref.clone());
    {
        use std::io::Write;
        let mut login = Command::new("docker")
            .env("DOCKER_CONFIG", cfg.path())
            .args(["login", "-u", "ci-user", "--password-stdin", &auth_reg.addr])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        login.stdin.take().unwrap().write_all(b"s3cret-pass").unwrap();
        let out = login.wait_with_output().unwrap();
        assert!(out.status.success(), "docker login: {}", String::from_utf8_lossy(&out.stderr));
    }
    kit::run(Command::new("docker").env("DOCKER_CONFIG", cfg.path()).args(["push", &auth_ref]));
    // Without credentials: refused, and the error says so.
    let err = scan_reference(&auth_ref, &[ImageSrc::Remote], &insecure, &opts(&a)).unwrap_err();
    let msg = err.to_string().to_lowercase();
    assert!(msg.contains("unauthorized") || msg.contains("401") || msg.contains("auth"), "{err}");
    // Explicit credentials work.
    let with_creds = RegistryOptions {
        username: Some("ci-user".into()),
        password: Some("s3cret-pass".into()),
        ..insecure.clone()
    };
    let s = scan_reference(&auth_ref, &[ImageSrc::Remote], &with_creds, &opts(&a)).expect("basic auth scan");
    assert_eq!(listing(&s), expected);
    // Credentials from DOCKER_CONFIG (as ~/.docker/config.json).
    // SAFETY of set_var: this test is the only one in this binary reading DOCKER_CONFIG.
    unsafe { std::env::set_var("DOCKER_CONFIG", cfg.path()) };
    let s = scan_reference(&auth_ref, &[ImageSrc::Remote], &insecure, &opts(&a)).expect("config.json auth scan");
    unsafe { std::env::remove_var("DOCKER_CONFIG") };
    assert_eq!(listing(&s), expected);
}
