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
    kit::package_lines(scan.merged.packages())
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
    RunOptions {
        analyzers: a,
        cache: None,
        limits: Limits::default(),
        threads: 0,
        progress: None,
    }
}

#[test]
fn daemon_image_is_found_first() {
    let mut guard = DockerImages(vec![]);
    let tag = format!("drydock-test/daemon:{}", std::process::id());
    let expected = load_test_image(&tag, &mut guard);
    let a = analyzers();
    let s = scan_reference(
        &tag,
        &[ImageSrc::Docker, ImageSrc::Remote],
        &RegistryOptions::default(),
        &opts(&a),
    )
    .expect("scan from daemon");
    assert_eq!(listing(&s), expected);
    assert_eq!(s.artifact.layers.len(), 4);
    let added = s
        .merged
        .packages()
        .find(|p| p.name == kit::ADDED_PACKAGE.0)
        .unwrap();
    assert_eq!(added.location.layer.as_ref().unwrap().index, 1);
    // Not in the daemon and no registry asked: a clear not-found.
    let err = scan_reference(
        "drydock-test/absent:0",
        &[ImageSrc::Docker],
        &RegistryOptions::default(),
        &opts(&a),
    )
    .unwrap_err();
    assert!(err.to_string().contains("drydock-test/absent:0"), "{err}");
}

#[test]
fn registry_anonymous() {
    let mut guard = DockerImages(vec![]);
    let tag = format!("drydock-test/reg:{}", std::process::id());
    let expected = load_test_image(&tag, &mut guard);
    let a = analyzers();
    let reg = kit::Registry::start(kit::RegistryAuth::Anonymous);
    let remote_ref = format!("{}/drydock/test:1", reg.addr);
    kit::run(Command::new("docker").args(["tag", &tag, &remote_ref]));
    guard.0.push(remote_ref.clone());
    kit::run(Command::new("docker").args(["push", &remote_ref]));
    let insecure = RegistryOptions {
        insecure: true,
        ..Default::default()
    };
    let s = scan_reference(&remote_ref, &[ImageSrc::Remote], &insecure, &opts(&a))
        .expect("scan from registry");
    assert_eq!(listing(&s), expected);
    assert_eq!(s.artifact.layers.len(), 4);
    assert!(
        s.artifact
            .repo_digests
            .iter()
            .any(|d| d.contains("@sha256:"))
    );
    // Without --insecure the client speaks TLS to a plain-HTTP registry and fails clearly.
    let err = scan_reference(
        &remote_ref,
        &[ImageSrc::Remote],
        &RegistryOptions::default(),
        &opts(&a),
    )
    .unwrap_err();
    assert!(err.to_string().contains(&remote_ref), "{err}");
}

/// Pushes the test image to an authenticating registry with `docker login`
/// credentials, then checks drydock is refused without credentials and let in
/// with explicit ones and with those of the Docker config.
fn check_authenticated_registry(auth: kit::RegistryAuth<'_>, user: &str, pass: &str, name: &str) {
    let mut guard = DockerImages(vec![]);
    let tag = format!("drydock-test/{name}:{}", std::process::id());
    let expected = load_test_image(&tag, &mut guard);
    let a = analyzers();
    let reg = kit::Registry::start(auth);
    let cfg = tempfile::tempdir().unwrap();
    let auth_ref = format!("{}/drydock/{name}:1", reg.addr);
    kit::run(Command::new("docker").args(["tag", &tag, &auth_ref]));
    guard.0.push(auth_ref.clone());
    {
        use std::io::Write;
        let mut login = Command::new("docker")
            .env("DOCKER_CONFIG", cfg.path())
            .args(["login", "-u", user, "--password-stdin", &reg.addr])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        login
            .stdin
            .take()
            .unwrap()
            .write_all(pass.as_bytes())
            .unwrap();
        let out = login.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "docker login: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    kit::run(
        Command::new("docker")
            .env("DOCKER_CONFIG", cfg.path())
            .args(["push", &auth_ref]),
    );
    let insecure = RegistryOptions {
        insecure: true,
        ..Default::default()
    };
    let err = scan_reference(&auth_ref, &[ImageSrc::Remote], &insecure, &opts(&a)).unwrap_err();
    let msg = err.to_string().to_lowercase();
    assert!(
        msg.contains("unauthorized") || msg.contains("401") || msg.contains("auth"),
        "{err}"
    );
    let wrong = RegistryOptions {
        username: Some(user.into()),
        password: Some("wrong".into()),
        ..insecure.clone()
    };
    assert!(scan_reference(&auth_ref, &[ImageSrc::Remote], &wrong, &opts(&a)).is_err());
    let with_creds = RegistryOptions {
        username: Some(user.into()),
        password: Some(pass.into()),
        ..insecure.clone()
    };
    let s = scan_reference(&auth_ref, &[ImageSrc::Remote], &with_creds, &opts(&a))
        .expect("scan with credentials");
    assert_eq!(listing(&s), expected);
    // Tests run in parallel; the environment is shared, so one at a time here.
    static ENV_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _env = ENV_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY of set_var: only this section, under ENV_LOCK, touches DOCKER_CONFIG.
    unsafe { std::env::set_var("DOCKER_CONFIG", cfg.path()) };
    let r = scan_reference(&auth_ref, &[ImageSrc::Remote], &insecure, &opts(&a));
    unsafe { std::env::remove_var("DOCKER_CONFIG") };
    assert_eq!(
        listing(&r.expect("scan with Docker config credentials")),
        expected
    );
}

#[test]
fn registry_basic_auth() {
    check_authenticated_registry(
        kit::RegistryAuth::Basic("ci-user", "s3cret-pass"),
        "ci-user",
        "s3cret-pass",
        "basic",
    );
}

#[test]
fn registry_bearer_token_auth() {
    check_authenticated_registry(
        kit::RegistryAuth::Token("tok-user", "tok-pass"),
        "tok-user",
        "tok-pass",
        "token",
    );
}

#[test]
fn docker_imported_rootfs() {
    // `docker import` of the debootstrap root filesystem: one layer, no history.
    let rootfs = kit::bookworm_rootfs();
    let dir = tempfile::tempdir().unwrap();
    let tar_path = dir.path().join("rootfs.tar");
    std::fs::write(
        &tar_path,
        kit::LayerBuilder::new()
            .dir_tree(&rootfs, &[])
            .finish("import")
            .tar,
    )
    .unwrap();
    let tag = format!("drydock-test/imported:{}", std::process::id());
    let _guard = DockerImages(vec![tag.clone()]);
    kit::run(
        Command::new("docker")
            .arg("import")
            .arg(&tar_path)
            .arg(&tag),
    );
    let a = analyzers();
    let s = scan_reference(
        &tag,
        &[ImageSrc::Docker],
        &RegistryOptions::default(),
        &opts(&a),
    )
    .expect("scan imported image");
    assert_eq!(listing(&s), kit::dpkg_query_in(&rootfs));
    assert_eq!(s.artifact.layers.len(), 1);
}
