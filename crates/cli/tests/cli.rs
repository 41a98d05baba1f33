//! The `drydock` binary end to end: real images in, reports validated against
//! their official schemas out, exit codes as documented.

use assert_cmd::Command;
use drydock_testkit::{self as kit, schemas};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

struct Fixture {
    _dir: tempfile::TempDir,
    archive: PathBuf,
    expected: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rootfs = kit::bookworm_rootfs();
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("debian.tar");
        kit::debian_image(&rootfs).write_docker_archive_classic(&archive, "drydock/cli-test:1");
        Fixture {
            expected: kit::debian_image_expected(&rootfs),
            archive,
            _dir: dir,
        }
    })
}

fn drydock(cache: &Path) -> Command {
    let mut c = Command::cargo_bin("drydock").unwrap();
    c.arg("--cache-dir").arg(cache);
    c
}

fn run_json(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "drydock failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn deb_listing(report: &Value) -> Vec<String> {
    let mut v: Vec<String> = report["inventory"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["ecosystem"] == "Debian")
        .map(|p| {
            format!(
                "{} {} {}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap(),
                p["arch"].as_str().unwrap_or("")
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn image_input_json_report() {
    let cache = tempfile::tempdir().unwrap();
    let f = fixture();
    let report = run_json(
        drydock(cache.path())
            .args(["image", "--input"])
            .arg(&f.archive)
            .args(["-f", "json", "--quiet"]),
    );
    assert_eq!(deb_listing(&report), f.expected);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["inventory"]["os"]["family"], "debian");
    assert_eq!(report["inventory"]["os"]["version"], "12");
    assert_eq!(report["artifact"]["layers"].as_array().unwrap().len(), 4);
    let libc = report["inventory"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "libc6")
        .unwrap();
    assert!(
        libc["purl"]
            .as_str()
            .unwrap()
            .starts_with("pkg:deb/debian/libc6@")
    );
    assert!(libc["purl"].as_str().unwrap().contains("distro=debian-12"));
    assert_eq!(libc["location"]["layer"]["index"], 0);
    assert_eq!(libc["location"]["path"], "var/lib/dpkg/status");
    assert_eq!(schemas::report_errors(&report), Vec::<String>::new());
    // Second run: every layer from the cache, same packages.
    let again = run_json(
        drydock(cache.path())
            .args(["image", "--input"])
            .arg(&f.archive)
            .args(["-f", "json", "-q"]),
    );
    assert!(
        again["artifact"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["cached"] == true)
    );
    assert_eq!(deb_listing(&again), f.expected);
    // `drydock clean --cache` empties it.
    drydock(cache.path())
        .args(["clean", "--cache", "-q"])
        .assert()
        .success();
    let third = run_json(
        drydock(cache.path())
            .args(["image", "--input"])
            .arg(&f.archive)
            .args(["-f", "json", "-q"]),
    );
    assert!(
        third["artifact"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l.get("cached").is_none())
    );
}

#[test]
fn sbom_formats_validate_against_official_schemas() {
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let f = fixture();
    let cdx = out.path().join("bom.cdx.json");
    let spdx = out.path().join("bom.spdx.json");
    // Several formats in one run, each to its own file.
    drydock(cache.path())
        .args(["sbom", "--input"])
        .arg(&f.archive)
        .arg("-f")
        .arg(format!("cyclonedx={}", cdx.display()))
        .arg("-f")
        .arg(format!("spdx-json={}", spdx.display()))
        .assert()
        .success();
    let cdx: Value = serde_json::from_slice(&std::fs::read(&cdx).unwrap()).unwrap();
    assert_eq!(schemas::cyclonedx_errors(&cdx), Vec::<String>::new());
    assert_eq!(cdx["specVersion"], "1.6");
    let purls: Vec<&str> = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert!(purls.iter().any(|p| p.starts_with("pkg:deb/debian/libc6@")));
    assert_eq!(
        purls.iter().filter(|p| p.starts_with("pkg:deb/")).count(),
        f.expected.len()
    );
    let spdx: Value = serde_json::from_slice(&std::fs::read(&spdx).unwrap()).unwrap();
    assert_eq!(schemas::spdx_errors(&spdx), Vec::<String>::new());
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    // The SBOM read back gives the same packages.
    let (_, inv) = drydock_sbom::cyclonedx::read(&serde_json::to_vec(&cdx).unwrap()).unwrap();
    assert_eq!(
        inv.packages
            .iter()
            .filter(|p| p.ecosystem == drydock_core::Ecosystem::Debian)
            .count(),
        f.expected.len()
    );
}

#[test]
fn rootfs_scan_matches_dpkg() {
    let cache = tempfile::tempdir().unwrap();
    let rootfs = kit::bookworm_rootfs();
    let report = run_json(
        drydock(cache.path())
            .arg("rootfs")
            .arg(&rootfs)
            .args(["-f", "json", "-q"]),
    );
    assert_eq!(deb_listing(&report), kit::dpkg_query_in(&rootfs));
    assert_eq!(report["artifact"]["kind"], "rootfs");
}

#[test]
fn table_output_and_quiet() {
    let cache = tempfile::tempdir().unwrap();
    let f = fixture();
    let out = drydock(cache.path())
        .args(["image", "--input"])
        .arg(&f.archive)
        .arg("-q")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // Findings mode: the bookworm base has fixed CVEs (pam's among them).
    assert!(
        text.contains("CVE-2024-22365") && text.contains("libpam"),
        "{text}"
    );
    // Inventory mode (no scanner) lists the packages.
    let out = drydock(cache.path())
        .args(["image", "--scanners", "none", "--input"])
        .arg(&f.archive)
        .arg("-q")
        .output()
        .unwrap();
    let inv = String::from_utf8(out.stdout).unwrap();
    assert!(inv.contains("libc6"), "{inv}");
    assert!(inv.lines().all(|l| l.chars().count() <= 100));
    assert!(
        text.lines().all(|l| l.chars().count() <= 100),
        "table wider than 100 columns:\n{text}"
    );
    assert!(
        out.stderr.is_empty(),
        "--quiet printed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Not a TTY: no colour codes.
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn help_has_examples_everywhere() {
    for cmd in ["image", "rootfs", "fs", "sbom", "clean"] {
        let out = Command::cargo_bin("drydock")
            .unwrap()
            .args([cmd, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("Examples:"),
            "{cmd} --help lacks examples:\n{text}"
        );
    }
}

#[test]
fn exit_codes() {
    let cache = tempfile::tempdir().unwrap();
    // Usage errors: 2.
    drydock(cache.path())
        .args(["image", "--format", "bogus", "--input", "x"])
        .assert()
        .code(2);
    drydock(cache.path()).args(["frobnicate"]).assert().code(2);
    drydock(cache.path())
        .args(["image", "--input", "x", "--platform", "linux"])
        .assert()
        .code(2);
    // Scan errors: 3, naming the input.
    let out = drydock(cache.path())
        .args(["image", "--input", "/nonexistent/image.tar"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/image.tar"));
}

#[test]
fn audit_docker_uses_the_common_report_and_gate() {
    let cache = tempfile::tempdir().unwrap();
    let out = drydock(cache.path())
        .args(["audit", "docker", "-f", "json", "-q", "--exit-code", "5"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(report["artifact"]["kind"], "docker_host");
    assert_eq!(schemas::report_errors(&report), Vec::<String>::new());
    let findings = report["findings"].as_array().unwrap();
    for f in findings {
        assert_eq!(f["kind"], "misconfiguration");
        let compliance: Vec<&str> = f["compliance"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        assert!(
            compliance.iter().any(|c| c.starts_with("CIS-Docker-1.6:")),
            "{f}"
        );
        assert!(
            compliance.iter().any(|c| c.starts_with("NIST-800-190:")),
            "{f}"
        );
    }
    let failing = findings
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .count();
    assert_eq!(out.status.code(), Some(if failing > 0 { 5 } else { 0 }));
}

#[test]
fn config_scanner_points_at_the_lines() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:12\nRUN curl -fsSL https://example.invalid/i.sh | sh\nUSER 1000\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n",
    )
    .unwrap();
    let out = drydock(cache.path())
        .arg("config")
        .arg(dir.path())
        .args(["-f", "json", "-q", "--exit-code", "7"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = |id: &str| -> Vec<(String, u64)> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["id"] == id)
            .map(|f| {
                (
                    f["location"]["path"].as_str().unwrap().to_string(),
                    f["location"]["line"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(at("DD-DF-007"), vec![("Dockerfile".to_string(), 2)]);
    assert_eq!(at("DD-K8S-001"), vec![("pod.yaml".to_string(), 10)]);
    assert!(at("DD-DF-002").is_empty(), "USER 1000 is set");
    // Disabling a rule by id.
    let out = drydock(cache.path())
        .arg("config")
        .arg(dir.path())
        .args(["-f", "json", "-q", "--disable-rule", "DD-K8S-001"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "DD-K8S-001")
    );
}

#[test]
fn secrets_in_deleted_layers_and_image_config() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Built at run time so the repository holds no key-shaped string.
    let key_id = format!("AKIA{}", "Q7RT2LMXW4ZPJKDA");
    let secret = format!("{}{}", "q8Zr3LwT0vNfY2mXc7Hb/", "K4sJdP9uGe1Ra6WtVyE5");
    let env_file = format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n");
    let base = kit::LayerBuilder::new()
        .file("etc/hostname", b"app\n")
        .finish("ADD base /");
    let add = kit::LayerBuilder::new()
        .file("app/.env", env_file.as_bytes())
        .finish("COPY .env /app/.env");
    let del = kit::LayerBuilder::new()
        .whiteout("app/.env")
        .finish("RUN rm /app/.env");
    let img = kit::Image {
        layers: vec![base, add, del],
        architecture: "amd64".into(),
        env: vec![
            format!("AWS_ACCESS_KEY_ID={key_id}"),
            format!("AWS_SECRET_ACCESS_KEY={secret}"),
        ],
    };
    let archive = dir.path().join("img.tar");
    img.write_docker_archive_classic(&archive, "drydock/secrets:1");
    let out = drydock(cache.path())
        .args([
            "image",
            "--scanners",
            "secret",
            "-f",
            "json",
            "-q",
            "--input",
        ])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for s in [&secret, &key_id] {
        if let Some(i) = text.find(s.as_str()) {
            panic!(
                "secret in clear: …{}…",
                &text[i.saturating_sub(100)..(i + 200).min(text.len())]
            );
        }
    }
    let report: Value = serde_json::from_str(&text).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let in_layer: Vec<&Value> = findings
        .iter()
        .filter(|f| f["location"]["path"] == "app/.env")
        .collect();
    assert!(!in_layer.is_empty(), "{findings:?}");
    for f in &in_layer {
        assert_eq!(f["kind"], "secret");
        assert_eq!(f["location"]["layer"]["index"], 1);
        assert!(f["notes"].to_string().contains("still extractable"), "{f}");
    }
    assert!(
        findings.iter().any(|f| f["location"]["path"]
            .as_str()
            .unwrap_or("")
            .starts_with("config:Env")),
        "{findings:?}"
    );
}

/// A directory the scanning user cannot list (here: mode 0, and drydock run as
/// `nobody`, since root reads anything) is a warning naming it; the package,
/// secret and misconfiguration scans of everything else go on.
#[test]
fn unreadable_directories_are_warnings_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let open = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let cache = tempfile::tempdir().unwrap();
    open(cache.path(), 0o777);
    let dir = tempfile::tempdir().unwrap();
    open(dir.path(), 0o755);
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\nUSER 1000\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "jinja2==2.10\n").unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("Dockerfile"), "FROM x\nUSER root\n").unwrap();
    open(&locked, 0o000);
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(assert_cmd::cargo::cargo_bin("drydock"))
        .arg("--cache-dir")
        .arg(cache.path())
        .arg("fs")
        .arg(dir.path())
        .args(["--scanners", "vuln,secret,misconfig", "-f", "json", "-q"])
        .output()
        .unwrap();
    open(&locked, 0o755);
    let r = kit::json_stdout(&out);
    let ids: Vec<(&str, &str)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(ids.contains(&("DD-DF-007", "Dockerfile")), "{ids:?}");
    assert!(
        ids.iter().any(|(_, p)| p.ends_with("requirements.txt")),
        "the vulnerability scan went on: {ids:?}"
    );
    assert!(!ids.iter().any(|(_, p)| p.contains("locked")), "{ids:?}");
    let warned: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["input"] == "locked")
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    // One from the package walk, one from the misconfiguration walk.
    assert_eq!(warned.len(), 2, "{}", r["warnings"]);
    assert!(
        warned
            .iter()
            .all(|m| *m == "could not read: Permission denied (os error 13)"),
        "{warned:?}"
    );
}

/// A secret-only scan reads no lockfiles (Trivy's behaviour: language packages
/// only for matching or an SBOM) but still the OS packages; asking for an SBOM
/// format brings the language packages back.
#[test]
fn secret_only_scans_skip_language_packages_unless_an_sbom_is_asked_for() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "jinja2==2.10\n").unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::write(
        dir.path().join("etc/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("var/lib/dpkg")).unwrap();
    std::fs::write(
        dir.path().join("var/lib/dpkg/status"),
        "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n\n",
    )
    .unwrap();
    let key_id = format!("AKIA{}", "Q7RT2LMXW4ZPJKDA");
    let secret = format!("{}{}", "q8Zr3LwT0vNfY2mXc7Hb/", "K4sJdP9uGe1Ra6WtVyE5");
    std::fs::write(
        dir.path().join(".env"),
        format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"),
    )
    .unwrap();
    let scan = |format: &str| {
        run_json(drydock(cache.path()).arg("rootfs").arg(dir.path()).args([
            "--scanners",
            "secret",
            "-f",
            format,
            "-q",
        ]))
    };
    let r = scan("json");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "aws-access-key-id"),
        "{}",
        r["findings"]
    );
    let names = |r: &Value| -> Vec<String> {
        r["inventory"]["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p["ecosystem"].as_str().unwrap(),
                    p["name"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(names(&r), ["Debian zlib1g"], "{}", r["inventory"]);
    let sbom = scan("cyclonedx");
    let components: Vec<&str> = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(
        components.contains(&"jinja2") && components.contains(&"zlib1g"),
        "{components:?}"
    );
}
