//! `drydock audit docker --host-root DIR`: the CIS section 3 files are read
//! below DIR (drydock in a container with the host mounted), on the real daemon.

use assert_cmd::Command;
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;

#[test]
fn section_3_files_come_from_the_host_root() {
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let file = root.path().join("etc/default/docker");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "DOCKER_OPTS=\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = Command::cargo_bin("drydock")
        .unwrap()
        .arg("--cache-dir")
        .arg(cache.path())
        .args(["audit", "docker", "-f", "json", "-q", "--host-root"])
        .arg(root.path())
        .args([
            "--label",
            &format!("drydock.test=none-{}", std::process::id()),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "DD-CIS-3.20")
        .collect();
    assert_eq!(f.len(), 1, "{report}");
    assert_eq!(f[0]["location"]["path"], "/etc/default/docker");
    assert_eq!(
        f[0]["evidence"],
        "/etc/default/docker: mode 0666, allowed at most 0644"
    );
    // The host's real /etc/docker is not read: below the temp root it is absent.
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "DD-CIS-3.5" || f["id"] == "DD-CIS-3.6"),
        "{report}"
    );
}
