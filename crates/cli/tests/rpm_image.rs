//! An rpm-based image end to end through the `drydock` binary: packages with
//! real AlmaLinux 9 names and EVRs are `rpmbuild`-ed here with Debian's `rpm`,
//! installed with `rpm --root` into an SQLite rpmdb (`var/lib/rpm/rpmdb.sqlite`,
//! as RHEL 9 keeps it) under an AlmaLinux 9 `os-release`, and written as a
//! two-layer docker-archive and OCI layout. The report must list what
//! `rpm -qa` lists, and the ALSA findings must be exactly those rpm's own
//! version comparison says the AlmaLinux 9 records of `../shared/vulndata`
//! (the baseline the binary embeds) give. Needs the Debian package `rpm`.

use assert_cmd::Command;
use drydock_testkit::{self as kit, Compression, Image, LayerBuilder};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A binary rpm built from a source rpm.
struct Rpm {
    source: &'static str,
    name: &'static str,
    epoch: Option<u32>,
    version: &'static str,
    release: &'static str,
    license: &'static str,
}

/// In the base layer: three below AlmaLinux fixes (one with an epoch, one at
/// the fixed EVR of an older advisory), one at the newest fixed EVR.
const BASE: &[Rpm] = &[
    Rpm {
        source: "zlib",
        name: "zlib",
        epoch: None,
        version: "1.2.11",
        release: "31.el9",
        license: "zlib and Boost",
    },
    Rpm {
        source: "bzip2",
        name: "bzip2-libs",
        epoch: None,
        version: "1.0.8",
        release: "8.el9",
        license: "BSD",
    },
    Rpm {
        source: "openssl",
        name: "openssl-libs",
        epoch: Some(1),
        version: "3.2.2",
        release: "6.el9_5",
        license: "ASL 2.0",
    },
    Rpm {
        source: "expat",
        name: "expat",
        epoch: None,
        version: "2.5.0",
        release: "6.el9_8.1",
        license: "MIT",
    },
];

/// Installed by the second layer (`dnf install`), at the newest fixed EVR.
const UPPER: &[Rpm] = &[Rpm {
    source: "sqlite",
    name: "sqlite-libs",
    epoch: None,
    version: "3.34.1",
    release: "9.el9_7",
    license: "Public Domain",
}];

const OS_RELEASE: &str = r#"NAME="AlmaLinux"
VERSION="9.4 (Seafoam Ocelot)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.4 (Seafoam Ocelot)"
ANSI_COLOR="0;34"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:almalinux:almalinux:9::baseos"
HOME_URL="https://almalinux.org/"
"#;

const QF: &str = "%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM} %{LICENSE}\\n";
const DB: &str = "var/lib/rpm/rpmdb.sqlite";

struct Fixture {
    _dir: tempfile::TempDir,
    archive: PathBuf,
    layout: PathBuf,
    /// `rpm -qa --qf QF` of the final root, sorted.
    expected: Vec<String>,
}

/// `rpm` on the image root, with the RHEL 9 database location and backend.
fn rpm(root: &Path) -> std::process::Command {
    let mut c = std::process::Command::new("rpm");
    c.arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm", "--define", "_db_backend sqlite"]);
    c
}

fn spec(p: &Rpm) -> String {
    let epoch = p.epoch.map(|e| format!("Epoch: {e}\n")).unwrap_or_default();
    // A sub-package (`-n` gives its full name) when the binary is not named
    // after its source, as bzip2-libs comes from bzip2.
    let (pkg, tag) = if p.name == p.source {
        (String::new(), String::new())
    } else {
        (
            format!("%package -n {}\nSummary: {}\n", p.name, p.name),
            format!(" -n {}", p.name),
        )
    };
    format!(
        "Name: {src}\nVersion: {v}\nRelease: {r}\n{epoch}Summary: {src}\nLicense: {lic}\nBuildArch: x86_64\n\
         %description\n{src}\n{pkg}%description{tag}\n{name}\n\
         %install\nmkdir -p %{{buildroot}}/usr/share/licenses/{name}\n\
         echo '{lic}' > %{{buildroot}}/usr/share/licenses/{name}/LICENSE\n\
         %files{tag}\n/usr/share/licenses/{name}/LICENSE\n",
        src = p.source,
        v = p.version,
        r = p.release,
        lic = p.license,
        name = p.name,
    )
}

/// Builds the rpms of `pkgs` and installs them into `root`.
fn install(work: &Path, root: &Path, pkgs: &[Rpm]) {
    let top = work.join("top");
    let mut files = Vec::new();
    for p in pkgs {
        let file = work.join(format!("{}.spec", p.name));
        std::fs::write(&file, spec(p)).unwrap();
        kit::run(
            std::process::Command::new("rpmbuild")
                .args(["--define", &format!("_topdir {}", top.display())])
                .args(["--define", "_build_id_links none", "--quiet", "-bb"])
                .arg(&file),
        );
        let evr = format!("{}-{}", p.version, p.release);
        files.push(top.join(format!("RPMS/x86_64/{}-{evr}.x86_64.rpm", p.name)));
    }
    kit::run(
        rpm(root)
            .args(["-i", "--nodeps", "--noscripts"])
            .args(&files),
    );
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        for d in ["etc", "usr/lib", "var/lib/rpm"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        // As AlmaLinux ships them: os-release under /usr/lib, linked from /etc.
        std::fs::write(root.join("usr/lib/os-release"), OS_RELEASE).unwrap();
        std::os::unix::fs::symlink("../usr/lib/os-release", root.join("etc/os-release")).unwrap();
        std::fs::write(
            root.join("etc/almalinux-release"),
            "AlmaLinux release 9.4 (Seafoam Ocelot)\n",
        )
        .unwrap();
        std::os::unix::fs::symlink("almalinux-release", root.join("etc/redhat-release")).unwrap();
        kit::run(rpm(&root).arg("--initdb"));
        install(dir.path(), &root, BASE);
        let base = LayerBuilder::new()
            .dir_tree(&root, &[])
            .finish("ADD almalinux-9-base.tar.xz /");

        install(dir.path(), &root, UPPER);
        let mut upper = LayerBuilder::new().file(DB, &std::fs::read(root.join(DB)).unwrap());
        for p in UPPER {
            let lic = format!("usr/share/licenses/{}/LICENSE", p.name);
            upper = upper.file(&lic, &std::fs::read(root.join(&lic)).unwrap());
        }
        let upper = upper.finish("RUN dnf install -y sqlite-libs");

        let mut expected: Vec<String> = kit::run(rpm(&root).args(["-qa", "--qf", QF]))
            .lines()
            .map(str::to_string)
            .collect();
        expected.sort();
        assert_eq!(expected.len(), BASE.len() + UPPER.len(), "{expected:?}");

        let img = Image::amd64(vec![base, upper]);
        let archive = dir.path().join("alma.tar");
        img.write_docker_archive_classic(&archive, "drydock/alma-test:9");
        let layout = dir.path().join("alma-oci");
        kit::write_oci_layout(&layout, &[&img], &[Compression::Gzip], "9");
        Fixture {
            _dir: dir,
            archive,
            layout,
            expected,
        }
    })
}

fn scan(input: &Path) -> Value {
    let cache = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("drydock").unwrap();
    cmd.arg("--cache-dir").arg(cache.path()).arg("image");
    cmd.arg("--input").arg(input);
    kit::json_stdout(
        &cmd.args(["-f", "json", "-q", "--scanners", "vuln"])
            .output()
            .unwrap(),
    )
}

fn rpm_packages(report: &Value) -> Vec<&Value> {
    report["inventory"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["ecosystem"] == "Rpm")
        .collect()
}

/// The report's packages in the `rpm -qa --qf QF` format: the source rpm file
/// name is rebuilt from the source name and version, without the epoch.
fn listing(report: &Value) -> Vec<String> {
    let mut v: Vec<String> = rpm_packages(report)
        .iter()
        .map(|p| {
            let version = p["version"].as_str().unwrap();
            let evr = if version.contains(':') {
                version.to_string()
            } else {
                format!("0:{version}")
            };
            let src_version = p["source_version"].as_str().unwrap();
            let src_vr = src_version.split_once(':').map_or(src_version, |x| x.1);
            format!(
                "{} {evr} {} {}-{src_vr}.src.rpm {}",
                p["name"].as_str().unwrap(),
                p["arch"].as_str().unwrap(),
                p["source_name"].as_str().unwrap(),
                p["licenses"].as_array().unwrap()[0].as_str().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn evr(p: &Rpm) -> String {
    match p.epoch {
        Some(e) => format!("{e}:{}-{}", p.version, p.release),
        None => format!("{}-{}", p.version, p.release),
    }
}

/// rpm's own comparison of many EVR pairs, in one `rpm --eval` (-1, 0, 1 each).
fn rpm_vercmp(pairs: &[(String, String)]) -> Vec<i32> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let list: Vec<String> = pairs
        .iter()
        .map(|(a, b)| format!("{{'{a}','{b}'}}"))
        .collect();
    let lua = format!(
        "%{{lua: for _, p in ipairs({{{}}}) do print(rpm.vercmp(p[1], p[2]) .. ' ') end}}",
        list.join(",")
    );
    let out = kit::run(std::process::Command::new("rpm").args(["--eval", &lua]));
    let v: Vec<i32> = out.split_whitespace().map(|s| s.parse().unwrap()).collect();
    assert_eq!(v.len(), pairs.len(), "{out}");
    v
}

/// (ALSA id, package, installed EVR, fixed EVR) the AlmaLinux 9 records give
/// for the installed packages, decided by rpm's version comparison.
fn expected_findings() -> BTreeSet<(String, String, String, String)> {
    let dir = kit::workspace_root().join("crates/cli/tests/data/osv/AlmaLinux9");
    let installed: Vec<&Rpm> = BASE.iter().chain(UPPER).collect();
    // (id, package, installed, introduced, fixed)
    let mut candidates = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let rec: Value =
            serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap();
        if rec.get("withdrawn").is_some_and(|w| !w.is_null()) {
            continue;
        }
        for a in rec["affected"].as_array().into_iter().flatten() {
            if a["package"]["ecosystem"] != "AlmaLinux:9" {
                continue;
            }
            let Some(p) = installed.iter().find(|p| a["package"]["name"] == p.name) else {
                continue;
            };
            for r in a["ranges"].as_array().into_iter().flatten() {
                let mut introduced = String::from("0");
                for ev in r["events"].as_array().into_iter().flatten() {
                    if let Some(i) = ev["introduced"].as_str() {
                        introduced = i.to_string();
                    }
                    if let Some(f) = ev["fixed"].as_str() {
                        candidates.push((
                            rec["id"].as_str().unwrap().to_string(),
                            p.name.to_string(),
                            evr(p),
                            introduced.clone(),
                            f.to_string(),
                        ));
                    }
                }
            }
        }
    }
    let mut pairs = Vec::new();
    for (_, _, v, intro, fixed) in &candidates {
        pairs.push((v.clone(), fixed.clone()));
        pairs.push((
            v.clone(),
            if intro == "0" {
                "0:0".into()
            } else {
                intro.clone()
            },
        ));
    }
    let cmp = rpm_vercmp(&pairs);
    candidates
        .into_iter()
        .enumerate()
        .filter(|(i, _)| cmp[2 * i] < 0 && cmp[2 * i + 1] >= 0)
        .map(|(_, (id, name, v, _, fixed))| (id, name, v, fixed))
        .collect()
}

fn findings(report: &Value) -> BTreeSet<(String, String, String, String)> {
    let packages = rpm_packages(report);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "vulnerability")
        .map(|f| {
            let pkg = kit::finding_package(packages.iter().copied(), f)
                .unwrap_or_else(|| panic!("finding {f} names no rpm package of the inventory"));
            (
                f["id"].as_str().unwrap().to_string(),
                pkg["name"].as_str().unwrap().to_string(),
                f["installed_version"].as_str().unwrap().to_string(),
                f["fixed_version"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn almalinux9_image_inventory_equals_rpm_qa() {
    let f = fixture();
    for input in [&f.archive, &f.layout] {
        let report = scan(input);
        assert_eq!(listing(&report), f.expected, "{}", input.display());
        let os = &report["inventory"]["os"];
        assert_eq!(os["family"], "almalinux", "{os}");
        assert_eq!(os["version"], "9.4", "{os}");

        for p in rpm_packages(&report) {
            let name = p["name"].as_str().unwrap();
            assert_eq!(p["location"]["path"], DB, "{p}");
            let layer = &p["location"]["layer"];
            let (index, created_by) = if UPPER.iter().any(|u| u.name == name) {
                (1, "RUN dnf install -y sqlite-libs")
            } else {
                (0, "ADD almalinux-9-base.tar.xz /")
            };
            assert_eq!(layer["index"], index, "{name}: {layer}");
            assert_eq!(layer["created_by"], created_by, "{name}: {layer}");
            // pkg:rpm/<vendor>/<name>@<version-release>?arch=…&distro=…[&epoch=…]
            let purl = p["purl"].as_str().unwrap();
            let version = p["version"].as_str().unwrap();
            let vr = version.split_once(':').map_or(version, |x| x.1);
            let (head, query) = purl.split_once('?').unwrap_or((purl, ""));
            assert_eq!(head, format!("pkg:rpm/almalinux/{name}@{vr}"), "{purl}");
            let mut qualifiers: Vec<&str> = query.split('&').collect();
            qualifiers.sort();
            let epoch = version.split_once(':').map(|x| format!("epoch={}", x.0));
            let mut want = vec!["arch=x86_64".to_string(), "distro=almalinux-9.4".into()];
            want.extend(epoch);
            want.sort();
            assert_eq!(qualifiers, want, "{purl}");
        }
        let openssl = rpm_packages(&report)
            .into_iter()
            .find(|p| p["name"] == "openssl-libs")
            .unwrap();
        assert_eq!(openssl["version"], "1:3.2.2-6.el9_5");
        assert_eq!(openssl["source_name"], "openssl");
        assert_eq!(openssl["source_version"], "1:3.2.2-6.el9_5");
    }
}

#[test]
fn almalinux9_image_findings_are_the_alsa_records() {
    let f = fixture();
    let expected = expected_findings();
    // The oracle itself, on what this test was written for: the old packages
    // are affected with these exact fixed EVRs, and nothing at a fixed EVR is.
    for row in [
        ("ALSA-2022:7314", "zlib", "1.2.11-31.el9", "1.2.11-32.el9_0"),
        (
            "ALSA-2025:0925",
            "bzip2-libs",
            "1.0.8-8.el9",
            "1.0.8-10.el9_5",
        ),
        (
            "ALSA-2025:1330",
            "openssl-libs",
            "1:3.2.2-6.el9_5",
            "1:3.2.2-6.el9_5.1",
        ),
    ] {
        let row = (
            row.0.to_string(),
            row.1.to_string(),
            row.2.to_string(),
            row.3.to_string(),
        );
        assert!(expected.contains(&row), "{row:?} not in {expected:?}");
    }
    // Fixed at exactly the installed EVR: not affected.
    assert!(!expected.iter().any(|r| r.0 == "ALSA-2024:9333"));
    for clean in ["expat", "sqlite-libs"] {
        assert!(!expected.iter().any(|r| r.1 == clean), "{expected:?}");
    }

    for input in [&f.archive, &f.layout] {
        let report = scan(input);
        assert_eq!(findings(&report), expected, "{}", input.display());
        for finding in report["findings"].as_array().unwrap() {
            assert!(
                finding["id"].as_str().unwrap().starts_with("ALSA-"),
                "{finding}"
            );
        }
    }
}
