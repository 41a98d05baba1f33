//! Compose projects as `docker compose` sees them: `.env` interpolation, the
//! override file, `extends` (same file and `file:`) and `include`, checked
//! against the real `docker-compose config` and with findings on the line
//! of the file that set each bad value.

use drydock_config::{ConfigScanner, yaml};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn copy_project(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compose-project");
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// The fields the Compose rules read, normalised the way `docker-compose
/// config` prints them (long-form ports, absolute bind sources, `$$`).
fn checked_fields(model: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (name, s) in model["services"].as_object().unwrap() {
        let mut f = serde_json::Map::new();
        for k in [
            "image",
            "user",
            "privileged",
            "network_mode",
            "pid",
            "environment",
        ] {
            if !s[k].is_null() {
                f.insert(k.into(), s[k].clone());
            }
        }
        let set = |v: &Value, norm: &dyn Fn(&Value) -> String| -> Value {
            let items: BTreeSet<String> = v.as_array().into_iter().flatten().map(norm).collect();
            json!(items)
        };
        f.insert(
            "cap_add".into(),
            set(&s["cap_add"], &|v| v.as_str().unwrap().into()),
        );
        // Volume targets and modes (sources are made absolute by docker-compose).
        f.insert(
            "volumes".into(),
            set(&s["volumes"], &|v| {
                let p: Vec<&str> = v.as_str().unwrap().split(':').collect();
                format!("{}:{}", p[1], p.get(2).copied().unwrap_or("rw"))
            }),
        );
        f.insert(
            "ports".into(),
            set(&s["ports"], &|v| match v.as_str() {
                Some(s) => s.to_string(),
                None => format!("{}:{}", v["published"], v["target"]),
            }),
        );
        f.insert(
            "command".into(),
            set(&s["command"], &|v| v.as_str().unwrap().replace("$$", "$")),
        );
        out.insert(name.clone(), Value::Object(f));
    }
    Value::Object(out)
}

#[test]
fn effective_config_matches_docker_compose_config() {
    let dir = tempfile::tempdir().unwrap();
    copy_project(dir.path());
    // Only `.env` supplies the variables: a clean environment.
    let out = Command::new("docker-compose")
        .arg("config")
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", dir.path())
        .output()
        .expect("docker-compose is installed (.ci/apt-packages.txt)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = yaml::load(&String::from_utf8(out.stdout).unwrap()).unwrap()[0].to_json();
    let ours = drydock_config::compose_effective(&dir.path().join("docker-compose.yml")).unwrap();
    assert_eq!(checked_fields(&ours), checked_fields(&theirs));
    // And the values themselves, so the comparison cannot pass vacuously.
    assert_eq!(ours["services"]["web"]["privileged"], true);
    assert_eq!(ours["services"]["api"]["image"], "shop/api:2.0");
    assert_eq!(
        ours["services"]["api"]["environment"]["TOKEN"],
        "s3cr3t 1.2"
    );
    assert_eq!(ours["services"]["worker"]["user"], "1000");
    assert_eq!(ours["services"]["api"]["cap_add"], json!(["NET_ADMIN"]));
}

fn found(scan: &drydock_config::DirScan, ids: &[&str]) -> BTreeSet<(String, String, u32)> {
    scan.findings
        .iter()
        .filter(|f| ids.contains(&f.id.as_str()))
        .map(|f| {
            (
                f.location.path.clone(),
                f.id.clone(),
                f.location.line.unwrap(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, u32)]) -> BTreeSet<(String, String, u32)> {
    items
        .iter()
        .map(|(p, i, l)| (p.to_string(), i.to_string(), *l))
        .collect()
}

#[test]
fn findings_point_at_the_file_and_line_that_set_the_value() {
    let dir = tempfile::tempdir().unwrap();
    copy_project(dir.path());
    let scan = ConfigScanner::new().scan_dir_report(dir.path()).unwrap();
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    let ids = [
        "DD-DC-001",
        "DD-DC-002",
        "DD-DC-003",
        "DD-DC-004",
        "DD-DC-005",
        "DD-DC-007",
        "DD-DC-008",
    ];
    assert_eq!(
        found(&scan, &ids),
        set(&[
            // privileged: ${DD_PRIV} from .env, in the extended service of common.yml
            ("common.yml", "DD-DC-001", 3),
            ("common.yml", "DD-DC-008", 5),
            ("docker-compose.yml", "DD-DC-002", 13),
            // api extends worker: worker's cap_add line, for both
            ("docker-compose.yml", "DD-DC-005", 20),
            ("docker-compose.yml", "DD-DC-008", 16),
            ("docker-compose.override.yml", "DD-DC-003", 7),
            // the override's socket mount replaced common.yml's (same target)
            ("docker-compose.override.yml", "DD-DC-004", 5),
            ("docker-compose.override.yml", "DD-DC-005", 8),
            ("docker-compose.override.yml", "DD-DC-007", 3),
        ])
    );
    // common.yml and the override are parts of the project, not projects:
    // no "no user" for common.yml's `base`, nothing for the override alone.
    assert!(
        !scan.findings.iter().any(|f| f
            .evidence
            .as_deref()
            .is_some_and(|e| e.contains("service base"))),
        "{:?}",
        scan.findings
    );
    // The same project scanned through its main file.
    let one = ConfigScanner::new()
        .scan_dir_report(&dir.path().join("docker-compose.yml"))
        .unwrap();
    assert_eq!(one.findings.len(), scan.findings.len());
    let common = dir.path().join("common.yml");
    assert!(
        one.findings
            .iter()
            .any(|f| f.id == "DD-DC-001" && Path::new(&f.location.path) == common),
        "{:?}",
        one.findings
    );
}

#[test]
fn include_override_names_and_required_variables() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("db")).unwrap();
    std::fs::write(
        root.join("compose.yaml"),
        "include:\n  - db/compose.yaml\nservices:\n  app:\n    image: app:1\n    user: \"10001\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("compose.override.yaml"),
        "services:\n  app:\n    network_mode: host\n",
    )
    .unwrap();
    // The included project reads its own directory's .env.
    std::fs::write(root.join("db/.env"), "DB_PID=host\n").unwrap();
    std::fs::write(
        root.join("db/compose.yaml"),
        "services:\n  db:\n    image: postgres:16\n    pid: ${DB_PID}\n    user: postgres\n",
    )
    .unwrap();
    let scan = ConfigScanner::new().scan_dir_report(root).unwrap();
    assert_eq!(
        found(&scan, &["DD-DC-002", "DD-DC-003", "DD-DC-007"]),
        set(&[
            ("compose.override.yaml", "DD-DC-002", 3),
            ("db/compose.yaml", "DD-DC-003", 4),
        ])
    );
    // `${VAR:?message}` with the variable missing: a warning naming file and line.
    std::fs::write(
        root.join("db/compose.yaml"),
        "services:\n  db:\n    image: postgres:16\n    user: ${DD_NOT_SET_ANYWHERE:?set the db user}\n",
    )
    .unwrap();
    let scan = ConfigScanner::new().scan_dir_report(root).unwrap();
    // (db/compose.yaml, a project of its own too, gets the same warning.)
    let w = scan
        .warnings
        .iter()
        .find(|w| w.input == "compose.yaml")
        .unwrap_or_else(|| panic!("{:?}", scan.warnings));
    assert_eq!(
        w.message,
        "compose.yaml:2: include db/compose.yaml: db/compose.yaml:4: required variable DD_NOT_SET_ANYWHERE is missing a value: set the db user"
    );
    assert!(found(&scan, &["DD-DC-002"]).is_empty());
}

#[test]
fn reset_and_override_tags_in_the_override_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("compose.yaml"),
        "services:\n  app:\n    image: app:1\n    user: \"10001\"\n    ports:\n      - \"8080:80\"\n    cap_add: [SYS_ADMIN]\n    environment:\n      DB_PASSWORD: hunter2\n      MODE: prod\n",
    )
    .unwrap();
    std::fs::write(
        root.join("compose.override.yaml"),
        "services:\n  app:\n    ports: !reset []\n    cap_add: !override\n      - NET_ADMIN\n    environment:\n      DB_PASSWORD: !reset null\n",
    )
    .unwrap();
    let model = drydock_config::compose_effective(&root.join("compose.yaml")).unwrap();
    let app = &model["services"]["app"];
    assert!(app["ports"].is_null(), "{app}");
    assert_eq!(app["cap_add"], json!(["NET_ADMIN"]));
    assert_eq!(app["environment"], json!({"MODE": "prod"}));
    let scan = ConfigScanner::new().scan_dir_report(root).unwrap();
    assert_eq!(
        found(&scan, &["DD-DC-005", "DD-DC-006", "DD-DC-008"]),
        set(&[("compose.override.yaml", "DD-DC-005", 5)])
    );
}

#[test]
fn include_with_its_own_env_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in ["svc", "conf"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(
        root.join("compose.yaml"),
        "include:\n  - path: svc/compose.yaml\n    env_file: conf/svc.env\nservices: {}\n",
    )
    .unwrap();
    std::fs::write(root.join("conf/svc.env"), "SVC_PID=host\nSVC_PRIV=true\n").unwrap();
    // Not read: `env_file` replaces the included directory's `.env`.
    std::fs::write(root.join("svc/.env"), "SVC_PID=private\n").unwrap();
    std::fs::write(
        root.join("svc/compose.yaml"),
        "services:\n  svc:\n    image: svc:1\n    pid: ${SVC_PID}\n    privileged: ${SVC_PRIV:-false}\n",
    )
    .unwrap();
    let scan = ConfigScanner::new().scan_dir_report(root).unwrap();
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    assert_eq!(
        found(&scan, &["DD-DC-001", "DD-DC-003"]),
        set(&[
            ("svc/compose.yaml", "DD-DC-003", 4),
            ("svc/compose.yaml", "DD-DC-001", 5),
        ])
    );
    // svc/compose.yaml sorts after compose.yaml but is part of its project:
    // scanned once, with conf/svc.env, not again on its own with svc/.env.
    let read_only = scan.findings.iter().filter(|f| f.id == "DD-DC-012").count();
    assert_eq!(read_only, 1, "{:?}", scan.findings);
}
