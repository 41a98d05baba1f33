//! OS detection on this Debian host's real files and on the release files of
//! other distributions' images (tests/data/os/os-release/).

use drydock_catalog::os::{self, release::OsReleaseAnalyzer};
use drydock_core::{Analyzer, OsInfo};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the analyzer on every file of a root it wants, as the walker would.
fn detect(root: &Path) -> Vec<(String, OsInfo)> {
    let a = OsReleaseAnalyzer;
    let mut found = Vec::new();
    for rel in [
        "etc/os-release",
        "usr/lib/os-release",
        "etc/debian_version",
        "etc/alpine-release",
        "etc/redhat-release",
        "etc/centos-release",
        "etc/rocky-release",
        "etc/almalinux-release",
        "etc/oracle-release",
        "etc/system-release",
    ] {
        assert!(a.wants(rel), "{rel}");
        let Ok(bytes) = std::fs::read(root.join(rel)) else {
            continue;
        };
        let out = a.analyze(rel, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.warnings.is_empty(), "{rel}: {:?}", out.warnings);
        found.push((
            rel.to_string(),
            out.os.unwrap_or_else(|| panic!("{rel}: no OS")),
        ));
    }
    found
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/os/os-release")
        .join(name)
}

fn info(
    family: &str,
    version: &str,
    codename: Option<&str>,
    pretty: &str,
    eol: Option<&str>,
) -> OsInfo {
    OsInfo {
        family: family.into(),
        version: version.into(),
        codename: codename.map(str::to_string),
        pretty_name: Some(pretty.into()),
        eol: eol.map(str::to_string),
        distroless: false,
    }
}

#[test]
fn this_host_matches_what_the_shell_reads() {
    // os-release is specified to be shell-sourceable; sh is an independent parser.
    let out = Command::new("sh")
        .args(["-c", ". /etc/os-release && printf '%s\\n%s\\n%s\\n%s\\n' \"$ID\" \"$VERSION_ID\" \"$VERSION_CODENAME\" \"$PRETTY_NAME\""])
        .output()
        .expect("sh");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let found = detect(Path::new("/"));
    let etc = &found
        .iter()
        .find(|(p, _)| p == "etc/os-release")
        .expect("host has /etc/os-release")
        .1;
    assert_eq!(etc.family, lines[0]);
    assert_eq!(etc.version, lines[1]);
    assert_eq!(etc.codename.as_deref().unwrap_or(""), lines[2]);
    assert_eq!(etc.pretty_name.as_deref(), Some(lines[3]));

    let merged = os::merge_os(&found).expect("an OS");
    assert_eq!(merged.family, "debian", "this test machine is Debian 12");
    assert_eq!(merged.version, "12");
    assert_eq!(merged.codename.as_deref(), Some("bookworm"));
    assert_eq!(merged.eol.as_deref(), Some("2026-06-10"));
    assert!(!merged.distroless);
    assert_eq!(os::is_eol(&merged, "2026-06-10"), Some(false));
    assert_eq!(os::is_eol(&merged, "2026-06-11"), Some(true));
}

#[test]
fn images_of_other_distributions() {
    let cases = [
        (
            "ubuntu-22.04",
            info(
                "ubuntu",
                "22.04",
                Some("jammy"),
                "Ubuntu 22.04.4 LTS",
                Some("2027-04-01"),
            ),
        ),
        (
            "alpine-3.20",
            info(
                "alpine",
                "3.20.3",
                None,
                "Alpine Linux v3.20",
                Some("2026-04-01"),
            ),
        ),
        (
            "almalinux-9.4",
            info(
                "almalinux",
                "9.4",
                Some("Seafoam Ocelot"),
                "AlmaLinux 9.4 (Seafoam Ocelot)",
                Some("2032-05-31"),
            ),
        ),
        (
            "amzn-2023",
            info(
                "amzn",
                "2023",
                None,
                "Amazon Linux 2023.6.20241010",
                Some("2029-06-30"),
            ),
        ),
        (
            "amzn-2",
            info(
                "amzn",
                "2",
                Some("Karoo"),
                "Amazon Linux release 2 (Karoo)",
                Some("2026-06-30"),
            ),
        ),
        (
            "debian-testing",
            info(
                "debian",
                "13",
                Some("trixie"),
                "Debian GNU/Linux trixie/sid",
                Some("2028-08-09"),
            ),
        ),
        (
            "centos-7",
            info(
                "centos",
                "7.9.2009",
                Some("Core"),
                "CentOS Linux release 7.9.2009 (Core)",
                Some("2024-06-30"),
            ),
        ),
        (
            "distroless-debian12",
            OsInfo {
                distroless: true,
                ..info("debian", "12", None, "Distroless", Some("2026-06-10"))
            },
        ),
    ];
    for (name, want) in cases {
        let found = detect(&fixture(name));
        assert!(!found.is_empty(), "{name}");
        assert_eq!(os::merge_os(&found), Some(want), "{name}");
    }
}

#[test]
fn unreadable_release_files() {
    let a = OsReleaseAnalyzer;
    let e = a
        .analyze("etc/os-release", &[0xff, 0xfe, 0, 1])
        .err()
        .map(|e| e.to_string());
    assert!(e.is_some_and(|m| m.starts_with("etc/os-release: not UTF-8 text")));
    let out = a
        .analyze("etc/os-release", b"NAME=\"No ID here\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.os, None);
    assert_eq!(
        out.warnings,
        vec!["etc/os-release: no operating system could be read from this file"]
    );
    let out = a
        .analyze("etc/redhat-release", b"Something else entirely\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.os, None);
    assert_eq!(out.warnings.len(), 1);
    assert!(!a.wants("etc/os-release.d/x"));
    assert!(!a.wants("usr/etc/os-release"));
}
