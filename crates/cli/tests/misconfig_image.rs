//! `drydock image --scanners misconfig`: the Dockerfile rebuilt from an
//! image's config and history, checked with the rules history can judge.
//! Real images: a docker-archive whose config this test writes (BuildKit and
//! classic-builder history lines), and images the real Docker daemon imports
//! and builds.

use assert_cmd::Command;
use drydock_testkit as kit;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;

fn scan(cache: &Path, args: &[&str]) -> Value {
    let out = Command::cargo_bin("drydock")
        .unwrap()
        .arg("--cache-dir")
        .arg(cache)
        .args(["image", "--scanners", "misconfig", "-f", "json", "-q"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "drydock failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `(rule id, location path)` of every misconfiguration finding.
fn found(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "misconfiguration")
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn finding<'a>(report: &'a Value, id: &str, path: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id && f["location"]["path"] == path)
        .unwrap_or_else(|| panic!("no {id} at {path}"))
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn history_of_a_written_config_classic_and_buildkit_lines() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let layer = |n: &str| {
        kit::LayerBuilder::new()
            .file(&format!("layer/{n}"), n.as_bytes())
            .finish(n)
    };
    let layers: Vec<kit::Layer> = (0..6).map(|n| layer(&n.to_string())).collect();
    let diff_ids: Vec<String> = layers.iter().map(kit::Layer::diff_id).collect();
    let img = kit::Image {
        layers,
        architecture: "amd64".into(),
        env: Vec::new(),
    };
    let history = serde_json::json!([
        {"created_by": "/bin/sh -c #(nop) ADD file:5f3a0c1e9d2b in / "},
        {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
        {"created_by": "RUN |1 VERSION=1.2 /bin/sh -c apt-get update && apt-get install curl=7.88.1-10 # buildkit"},
        {"created_by": "/bin/sh -c curl -fsSL https://get.example.com/install.sh | sh"},
        {"created_by": "ENV DB_PASSWORD=hunter2", "empty_layer": true},
        {"created_by": "EXPOSE map[22/tcp:{}]", "empty_layer": true},
        {"created_by": "RUN /bin/bash -o pipefail -c chmod 777 /srv | tee /log # buildkit"},
        {"created_by": "/bin/sh -c #(nop)  USER root", "empty_layer": true},
        {"created_by": "ADD https://example.com/app.tgz /opt/ # buildkit"},
        {"created_by": "/bin/sh -c #(nop) WORKDIR /srv", "empty_layer": true},
        {"created_by": "RUN /bin/sh -c sh -c \"$(wget -qO- https://x.example/i.sh)\" # buildkit"},
        {"created_by": "CMD [\"/app\" \"--serve\"]", "empty_layer": true},
    ]);
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"User": "root", "ExposedPorts": {"22/tcp": {}}, "Cmd": ["/app", "--serve"],
                   "Env": ["PATH=/usr/bin:/bin", "DB_PASSWORD=hunter2"]},
        "history": history,
    });
    let archive = dir.path().join("img.tar");
    img.write_docker_archive_with_config(&archive, "drydock/misconfig-history:1", config);
    let report = scan(cache.path(), &["--input", archive.to_str().unwrap()]);
    assert_eq!(
        found(&report),
        set(&[
            // apt-get install without -y, recommends, list cleanup; pinning is advice.
            ("DD-DF-008", "config:history[2]"),
            ("DD-DF-009", "config:history[2]"),
            ("DD-DF-010", "config:history[2]"),
            ("DD-DF-007", "config:history[3]"),
            ("DD-DF-027", "config:history[3]"),
            ("DD-DF-014", "config:history[4]"),
            ("DD-DF-017", "config:history[5]"),
            ("DD-DF-019", "config:history[6]"),
            ("DD-DF-001", "config:history[7]"),
            ("DD-DF-006", "config:history[8]"),
            ("DD-DF-007", "config:history[10]"),
            ("DD-DF-040", "config:history[10]"),
            ("DD-DF-018", "config:Healthcheck"),
        ]),
        "{report:#}"
    );
    // History line 6 ran under `bash -o pipefail`: no DD-DF-027 there. The
    // base `ADD file:… in /` is not judged (DD-DF-005), nor FROM tags.
    let run = finding(&report, "DD-DF-008", "config:history[2]");
    assert_eq!(run["location"]["layer"]["index"], 1);
    assert_eq!(run["location"]["layer"]["diff_id"], diff_ids[1].as_str());
    assert_eq!(
        run["notes"][0],
        "image drydock/misconfig-history:1, config:history[2]: RUN |1 VERSION=1.2 /bin/sh -c apt-get update && apt-get install curl=7.88.1-10 # buildkit"
    );
    assert_eq!(
        finding(&report, "DD-DF-007", "config:history[10]")["location"]["layer"]["index"],
        5
    );
    assert!(finding(&report, "DD-DF-001", "config:history[7]")["location"]["layer"].is_null());
    let secret = finding(&report, "DD-DF-014", "config:history[4]");
    assert_eq!(secret["evidence"], "ENV DB_PASSWORD=<redacted>");
    assert!(!secret.to_string().contains("hunter2"), "{secret}");
}

fn docker(args: &[&str]) -> String {
    kit::run(std::process::Command::new("docker").args(args))
}

#[test]
fn images_the_docker_daemon_imported_and_built() {
    let cache = tempfile::tempdir().unwrap();
    let ctx = tempfile::tempdir().unwrap();
    let tag = std::process::id();
    let base = format!("drydock-test/misconfig-base:{tag}");
    let built = format!("drydock-test/misconfig-built:{tag}");
    let _cleanup = kit::DockerImages(vec![built.clone(), base.clone()]);
    // `docker import` of the debootstrap rootfs: config fields, no history.
    let rootfs = kit::bookworm_rootfs();
    let mut tar = std::process::Command::new("tar")
        .arg("-C")
        .arg(&rootfs)
        .args(["-c", "."])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let import = std::process::Command::new("docker")
        .args([
            "import",
            "--change",
            "USER root",
            "--change",
            "EXPOSE 22",
            "--change",
            "ENV API_TOKEN=abc123def",
            "-",
            &base,
        ])
        .stdin(tar.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(tar.wait().unwrap().success());
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let report = scan(cache.path(), &[&base]);
    assert_eq!(
        found(&report),
        set(&[
            ("DD-DF-001", "config:User"),
            ("DD-DF-014", "config:Env[0]"),
            ("DD-DF-017", "config:ExposedPorts"),
            ("DD-DF-018", "config:Healthcheck"),
        ]),
        "{report:#}"
    );
    // A build on it (offline: nothing is pulled), by the daemon's builder.
    std::fs::write(
        ctx.path().join("Dockerfile"),
        format!(
            "FROM {base}\nRUN chmod 777 /srv && echo done\nENV DB_PASSWORD=hunter2\nEXPOSE 8080\nHEALTHCHECK CMD [\"/bin/true\"]\nUSER 10001\nCMD node server.js\n"
        ),
    )
    .unwrap();
    docker(&["build", "-q", "-t", &built, ctx.path().to_str().unwrap()]);
    let report = scan(cache.path(), &[&built]);
    assert_eq!(
        found(&report),
        set(&[
            ("DD-DF-014", "config:Env[0]"),
            ("DD-DF-017", "config:ExposedPorts"),
            ("DD-DF-019", "config:history[1]"),
            ("DD-DF-014", "config:history[2]"),
            ("DD-DF-034", "config:history[6]"),
        ]),
        "{report:#}"
    );
    let chmod = finding(&report, "DD-DF-019", "config:history[1]");
    assert_eq!(chmod["location"]["layer"]["index"], 1);
    assert_eq!(chmod["evidence"], "chmod 777 /srv");
    assert_eq!(
        chmod["notes"][0],
        format!("image {built}, config:history[1]: /bin/sh -c chmod 777 /srv && echo done")
    );
    assert_eq!(
        finding(&report, "DD-DF-034", "config:history[6]")["evidence"],
        "CMD node server.js"
    );
}
