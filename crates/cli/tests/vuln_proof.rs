//! Vulnerability matching on real installs, checked against the reference
//! implementations (dpkg's and pip's version comparison) on real advisories,
//! before and after upgrading: tests that cannot pass by accident.

use assert_cmd::Command;
use drydock_testkit as kit;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn data(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

fn scan(args: &[&str], target: &Path) -> Value {
    let cache = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("drydock")
        .unwrap()
        .arg("--cache-dir")
        .arg(cache.path())
        .args(args)
        .arg(target)
        .args(["-f", "json", "-q", "--scanners", "vuln"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "drydock failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (id or alias, package source name, fixed version) of every vulnerability finding.
fn findings(report: &Value) -> Vec<(BTreeSet<String>, String, String, String)> {
    let packages = report["inventory"]["packages"].as_array().unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "vulnerability")
        .map(|f| {
            let mut ids: BTreeSet<String> = [f["id"].as_str().unwrap().to_string()].into();
            ids.extend(
                f["aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_string)),
            );
            let pkg = packages
                .iter()
                .find(|p| {
                    let bom_ref = format!(
                        "{}?file={}",
                        p["purl"].as_str().unwrap(),
                        p["location"]["path"].as_str().unwrap_or("")
                    );
                    Some(bom_ref.as_str()) == f["package_ref"].as_str()
                        || Some(p["purl"].as_str().unwrap()) == f["package_ref"].as_str()
                })
                .unwrap_or_else(|| panic!("finding {f} names no package of the inventory"));
            let src = pkg["source_name"]
                .as_str()
                .or(pkg["name"].as_str())
                .unwrap()
                .to_string();
            (
                ids,
                src,
                f["fixed_version"].as_str().unwrap_or("").to_string(),
                f["installed_version"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Source packages and versions installed in a root filesystem, as dpkg says.
fn dpkg_sources(rootfs: &Path) -> Vec<(String, String)> {
    let out = kit::run(std::process::Command::new("chroot").arg(rootfs).args([
        "dpkg-query",
        "-W",
        "-f",
        "${source:Package} ${source:Version}\\n",
    ]));
    let mut v: Vec<(String, String)> = out
        .lines()
        .filter_map(|l| {
            l.split_once(' ')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

fn dpkg_lt(a: &str, b: &str) -> bool {
    std::process::Command::new("dpkg")
        .args(["--compare-versions", a, "lt", b])
        .status()
        .expect("running dpkg --compare-versions")
        .success()
}

fn records(dir: &Path) -> Vec<Value> {
    let mut v: Vec<Value> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap())
        .collect();
    v.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    v
}

fn fixed_of(record: &Value) -> String {
    record["affected"][0]["ranges"][0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| e["fixed"].as_str())
        .unwrap()
        .to_string()
}

#[test]
fn debian12_plain_bookworm_then_upgraded() {
    let rootfs = kit::bookworm_rootfs();
    let report = scan(&["rootfs"], &rootfs);
    assert!(
        report["db"]["content_hash"]
            .as_str()
            .is_some_and(|h| !h.is_empty()),
        "report names its database"
    );
    let got = findings(&report);
    let installed = dpkg_sources(&rootfs);
    let mut expected = 0;
    for rec in records(&data("debian12-osv")) {
        let src = rec["affected"][0]["package"]["name"].as_str().unwrap();
        let cve = rec["aliases"][0].as_str().unwrap();
        let fixed = fixed_of(&rec);
        for (_, ver) in installed.iter().filter(|(s, _)| s == src) {
            let vulnerable = dpkg_lt(ver, &fixed);
            let reported = got
                .iter()
                .any(|(ids, s, f, _)| ids.contains(cve) && s == src && *f == fixed);
            assert_eq!(
                reported, vulnerable,
                "{cve} in {src} {ver} (fixed in {fixed}): dpkg says vulnerable={vulnerable}"
            );
            expected += vulnerable as usize;
        }
    }
    assert!(
        expected >= 5,
        "the fixture should hold vulnerable packages, found {expected}"
    );

    // After `apt-get upgrade` from bookworm-security, no Debian finding at all.
    let upgraded = kit::workspace_root().join(".test-cache/rootfs-bookworm-upgraded");
    assert!(
        upgraded.join(".drydock-complete").exists(),
        "run scripts/test-fixtures.sh"
    );
    let after = findings(&scan(&["rootfs"], &upgraded));
    assert_eq!(
        after,
        vec![],
        "findings left after upgrading from bookworm-security"
    );
}

/// pip installs a package version into a target directory.
fn pip_install(dir: &Path, spec: &str) {
    kit::run(
        std::process::Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--no-deps",
                "--disable-pip-version-check",
                "--target",
            ])
            .arg(dir)
            .arg(spec),
    );
}

/// Whether `version` is affected by an OSV record, by pip's own `packaging`.
fn pip_affected(record: &Value, version: &str) -> bool {
    let script = r#"
import json, sys
from pip._vendor.packaging.version import Version
rec, v = json.loads(sys.argv[1]), Version(sys.argv[2])
hit = False
for a in rec["affected"]:
    if v.base_version and sys.argv[2] in a.get("versions", []):
        hit = True
    for r in a.get("ranges", []):
        if r["type"] != "ECOSYSTEM":
            continue
        intro = None
        for e in r["events"]:
            if "introduced" in e:
                intro = Version("0") if e["introduced"] == "0" else Version(e["introduced"])
            elif "fixed" in e and intro is not None:
                if intro <= v < Version(e["fixed"]):
                    hit = True
                intro = None
        if intro is not None and intro <= v:
            hit = True
print("yes" if hit else "no")
"#;
    kit::run(
        std::process::Command::new("python3")
            .args(["-c", script])
            .arg(record.to_string())
            .arg(version),
    )
    .trim()
        == "yes"
}

#[test]
fn python_old_then_upgraded() {
    let recs = records(&data("pypi-osv"));
    for (version, must_hit) in [("2.10", true), ("3.1.4", false)] {
        let dir = tempfile::tempdir().unwrap();
        pip_install(dir.path(), &format!("jinja2=={version}"));
        let report = scan(&["fs"], dir.path());
        let got = findings(&report);
        let mut hits = 0;
        for rec in &recs {
            let id = rec["id"].as_str().unwrap();
            let affected = pip_affected(rec, version);
            let reported = got.iter().any(|(ids, s, _, v)| {
                ids.contains(id) && s.eq_ignore_ascii_case("jinja2") && v == version
            });
            assert_eq!(
                reported, affected,
                "{id} for jinja2 {version}: pip's packaging says affected={affected}"
            );
            hits += affected as usize;
        }
        assert_eq!(hits > 0, must_hit, "jinja2 {version}");
    }
}

#[test]
fn cargo_lock_old_then_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"proof\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nsmallvec = \"=0.6.13\"\n",
    )
    .unwrap();
    // A real lockfile, written by cargo itself.
    kit::run(
        std::process::Command::new("cargo")
            .arg("generate-lockfile")
            .current_dir(root),
    );
    let got = findings(&scan(&["fs"], root));
    let mut ids: Vec<(String, String)> = got
        .iter()
        .filter(|(_, s, _, _)| s == "smallvec")
        .map(|(ids, _, f, _)| {
            (
                ids.iter()
                    .find(|i| i.starts_with("CVE-"))
                    .cloned()
                    .unwrap_or_default(),
                f.clone(),
            )
        })
        .collect();
    ids.sort();
    // Of smallvec's four advisories only RUSTSEC-2021-0003 (0.6.3 to 0.6.14)
    // covers 0.6.13: RUSTSEC-2019-0009/0012 were fixed in 0.6.10, 2018-0003 in 0.6.3.
    // (0.6.9, affected by all but one, is yanked and cargo will not lock it.)
    assert_eq!(
        ids,
        vec![("CVE-2021-25900".to_string(), "0.6.14".to_string())]
    );
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"proof\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nsmallvec = \"=0.6.14\"\n",
    )
    .unwrap();
    kit::run(
        std::process::Command::new("cargo")
            .arg("generate-lockfile")
            .current_dir(root),
    );
    let got = findings(&scan(&["fs"], root));
    assert!(got.iter().all(|(_, s, _, _)| s != "smallvec"), "{got:?}");
}

#[test]
fn sbom_scan_gives_the_same_findings_as_the_image_scan() {
    let rootfs = kit::bookworm_rootfs();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("img.tar");
    kit::debian_image(&rootfs).write_docker_archive_classic(&archive, "drydock/sbom-scan:1");
    let image = scan(&["image", "--input"], &archive);
    let sbom = dir.path().join("sbom.cdx.json");
    let cache = tempfile::tempdir().unwrap();
    Command::cargo_bin("drydock")
        .unwrap()
        .arg("--cache-dir")
        .arg(cache.path())
        .args(["sbom", "--input"])
        .arg(&archive)
        .arg("-o")
        .arg(&sbom)
        .assert()
        .success();
    let from_sbom = scan(&["sbom-scan"], &sbom);
    let key = |r: &Value| {
        let mut v: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}",
                    f["id"], f["package_name"], f["installed_version"], f["fixed_version"]
                )
            })
            .collect();
        v.sort();
        v
    };
    assert!(!key(&image).is_empty());
    assert_eq!(key(&image), key(&from_sbom));
}
