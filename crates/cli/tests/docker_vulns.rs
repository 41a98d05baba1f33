//! Containers running images with known vulnerabilities, judged from the scan
//! cache on the real daemon: `drydock image` fills a cache, `drydock
//! inventory` and `drydock audit docker` read it back. The counts must be the
//! ones the image scan reported; an image never scanned is said to be so,
//! with a command that really fills the cache.

use assert_cmd::Command;
use drydock_testkit as kit;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Everything the test created on the daemon, removed on drop (also on failure).
struct Cleanup {
    label: String,
    images: Vec<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let ids = std::process::Command::new("docker")
            .args(["ps", "-aq", "--filter", &format!("label={}", self.label)])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default();
        for id in ids.split_whitespace() {
            let _ = std::process::Command::new("docker")
                .args(["rm", "-f", "-v", id])
                .output();
        }
        for i in &self.images {
            let _ = std::process::Command::new("docker")
                .args(["rmi", "-f", i])
                .output();
        }
    }
}

fn docker(args: &[&str]) -> String {
    kit::run(std::process::Command::new("docker").args(args))
        .trim()
        .to_string()
}

fn drydock_json(cache: &Path, args: &[&str]) -> Value {
    let out = Command::cargo_bin("drydock")
        .unwrap()
        .arg("--cache-dir")
        .arg(cache)
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "drydock {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn findings<'a>(report: &'a Value, id: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |f| f["id"] == id)
}

fn warnings(report: &Value) -> Vec<(String, String)> {
    report["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .map(|x| {
                    (
                        x["input"].as_str().unwrap_or("").to_string(),
                        x["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn containers_running_vulnerable_images_are_judged_from_the_scan_cache() {
    let pid = std::process::id();
    let label = format!("drydock.test=docker-vulns-{pid}");
    let mut guard = Cleanup {
        label: label.clone(),
        images: Vec::new(),
    };
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");

    // Image A: the debootstrap bookworm root filesystem; image B: one small
    // layer of its own, never scanned.
    let tar_a = work.path().join("rootfs.tar");
    kit::run(
        std::process::Command::new("tar")
            .arg("-C")
            .arg(kit::bookworm_rootfs())
            .arg("-cf")
            .arg(&tar_a)
            .arg("."),
    );
    let tar_b = work.path().join("small.tar");
    let layer = kit::LayerBuilder::new()
        .file("etc/motd", format!("drydock test {pid}\n").as_bytes())
        .finish("small");
    std::fs::write(&tar_b, &layer.tar).unwrap();
    let change = format!("LABEL {label}");
    let tag_a = format!("drydock-cli-test/vulns-a:{pid}");
    let tag_b = format!("drydock-cli-test/vulns-b:{pid}");
    let a = docker(&[
        "import",
        "--change",
        &change,
        tar_a.to_str().unwrap(),
        &tag_a,
    ]);
    guard.images.push(a.clone());
    let b = docker(&[
        "import",
        "--change",
        &change,
        tar_b.to_str().unwrap(),
        &tag_b,
    ]);
    guard.images.push(b.clone());

    // The real scan of A fills the cache; its findings are what the audit must repeat.
    let scan = drydock_json(&cache, &["image", &a, "-q"]);
    let vulns: Vec<&Value> = scan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "vulnerability")
        .collect();
    assert!(
        vulns.len() > 10,
        "bookworm has Debian findings: {}",
        vulns.len()
    );
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in &vulns {
        *counts
            .entry(f["severity"].as_str().unwrap().to_ascii_uppercase())
            .or_default() += 1;
    }
    let fixable = vulns
        .iter()
        .filter(|f| f["fixed_version"].as_str().is_some_and(|v| !v.is_empty()))
        .count();
    let packages = scan["inventory"]["packages"].as_array().unwrap().len();
    let n = |s: &str| counts.get(s).copied().unwrap_or(0);
    let expected_counts = format!(
        "{} vulnerabilities in {packages} packages (CRITICAL {}, HIGH {}, MEDIUM {}, LOW {}, UNKNOWN {}), {fixable} with a fix; top: ",
        vulns.len(),
        n("CRITICAL"),
        n("HIGH"),
        n("MEDIUM"),
        n("LOW"),
        n("UNKNOWN")
    );
    let rank = |s: &str| {
        ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
            .iter()
            .position(|x| x.eq_ignore_ascii_case(s))
    };
    let worst = counts.keys().filter_map(|s| rank(s)).max().unwrap();

    let name_a = format!("drydock-vulns-a-{pid}");
    let name_b = format!("drydock-vulns-b-{pid}");
    let id_a = docker(&[
        "run", "-d", "--name", &name_a, "--label", &label, &tag_a, "sleep", "infinity",
    ]);
    let id_b = docker(&[
        "create", "--name", &name_b, "--label", &label, &tag_b, "/nothing",
    ]);

    // Inventory: A's container gets the finding with the scan's counts.
    let inv = drydock_json(&cache, &["inventory", "--label", &label]);
    let vuln: Vec<&Value> = findings(&inv, "DD-SPRAWL-VULNERABLE").collect();
    assert_eq!(vuln.len(), 1, "{vuln:?}");
    assert_eq!(
        vuln[0]["location"]["path"],
        format!("container/{name_a}@{}", &id_a[..12])
    );
    let evidence = vuln[0]["evidence"].as_str().unwrap();
    let image_part = format!("Image={} ({tag_a}): ", &a[7..19]);
    assert!(
        evidence.starts_with(&format!("{image_part}{expected_counts}")),
        "{evidence}\nexpected {image_part}{expected_counts}"
    );
    // The top ids are real findings of the scan, the most severe first.
    let top = evidence.split("; top: ").nth(1).unwrap();
    let top_sev: Vec<usize> =
        top.split("), ")
            .map(|entry| {
                let (id, rest) = entry.split_once(" (").unwrap();
                let sev = rest.split(", ").next().unwrap();
                assert!(
                    vulns.iter().any(|f| f["id"] == id
                        && f["severity"].as_str().unwrap().eq_ignore_ascii_case(sev)),
                    "{id} ({sev}) is not a finding of the scan"
                );
                rank(sev).unwrap()
            })
            .collect();
    assert!(!top_sev.is_empty() && top_sev.len() <= 5);
    assert!(top_sev.windows(2).all(|w| w[0] >= w[1]), "{top}");
    assert_eq!(top_sev[0], worst);
    // The finding is as severe as the worst vulnerability.
    assert_eq!(rank(vuln[0]["severity"].as_str().unwrap()), Some(worst));

    // B was never scanned: a warning (INFO in the inventory) with the command, never a pass.
    let command = format!("drydock image {b} --cache-dir {}", cache.display());
    let expected_warning = (
        format!("container/{name_b}@{}", &id_b[..12]),
        format!(
            "Container runs an image with known vulnerabilities: Image={} ({tag_b}): not scanned: 1 of 1 layers are not in drydock's scan cache; run `{command}` to fill it",
            &b[7..19]
        ),
    );
    assert_eq!(warnings(&inv), vec![expected_warning.clone()]);

    // Audit: CIS 4.4 on image A from the same cache, MANUAL (a warning) for B.
    let audit = drydock_json(
        &cache,
        &["audit", "docker", "--label", &label, "--include-stopped"],
    );
    let cis44: Vec<&Value> = findings(&audit, "DD-CIS-4.4").collect();
    assert_eq!(cis44.len(), usize::from(fixable > 0), "{cis44:?}");
    if let Some(f) = cis44.first() {
        assert_eq!(
            f["location"]["path"],
            format!("image/{tag_a}@{}", &a[7..19])
        );
        assert!(
            f["evidence"]
                .as_str()
                .unwrap()
                .starts_with(&format!("drydock scan cache: {expected_counts}")),
            "{f}"
        );
    }
    let audit_warnings = warnings(&audit);
    assert_eq!(audit_warnings.len(), 1, "{audit_warnings:?}");
    assert_eq!(audit_warnings[0].0, format!("image/{tag_b}@{}", &b[7..19]));
    assert!(audit_warnings[0].1.contains(&format!("run `{command}`")));

    // The command given really fills the cache: run it, and B is judged (no packages, no findings).
    let words: Vec<&str> = command.split(' ').collect();
    assert_eq!(words[0], "drydock");
    let out = Command::cargo_bin("drydock")
        .unwrap()
        .args(&words[1..])
        .args(["-q", "-f", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inv = drydock_json(&cache, &["inventory", "--label", &label]);
    assert_eq!(warnings(&inv), vec![]);
    assert_eq!(findings(&inv, "DD-SPRAWL-VULNERABLE").count(), 1);
}
