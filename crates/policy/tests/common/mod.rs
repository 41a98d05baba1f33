//! A realistic scan report shared by the integration tests: a Debian 12 image
//! with OS, npm, Go and Python packages, vulnerabilities (CVE ids with GHSA
//! aliases), two secrets and two misconfigurations.
#![allow(dead_code)] // each test binary uses a different part

use drydock_core::{
    Artifact, ArtifactKind, Ecosystem, Finding, FindingKind, FixStatus, Inventory, Location,
    OsInfo, Package, PackageKind, REPORT_SCHEMA_VERSION, Report, Severity,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const MANIFEST_DIGEST: &str =
    "sha256:9f3e1c2a7b6d5e4f30112233445566778899aabbccddeeff0011223344556677";
pub const IMAGE_ID: &str =
    "sha256:4d2c8e0b1a3f5e7d9c0b2a4f6e8d0c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d";

pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

pub fn read(rel: &str) -> Vec<u8> {
    let p = data(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn deb(name: &str, version: &str, source: &str) -> Package {
    let mut p = Package::new(
        Ecosystem::Debian,
        PackageKind::Os,
        name,
        version,
        Location::file("var/lib/dpkg/status"),
    );
    p.purl = drydock_core::package::purl(
        Ecosystem::Debian,
        name,
        version,
        &[("arch", "amd64"), ("distro", "debian-12")],
    );
    p.arch = Some("amd64".into());
    p.source_name = Some(source.into());
    p.source_version = Some(version.into());
    p
}

pub fn packages() -> Vec<Package> {
    vec![
        deb("libssl3", "3.0.15-1~deb12u1", "openssl"),
        deb("zlib1g", "1:1.2.13.dfsg-1", "zlib"),
        Package::new(
            Ecosystem::Npm,
            PackageKind::Library,
            "lodash",
            "4.17.20",
            Location::file("app/package-lock.json"),
        ),
        Package::new(
            Ecosystem::Go,
            PackageKind::Library,
            "golang.org/x/net",
            "v0.15.0",
            Location::file("usr/local/bin/shop"),
        ),
        Package::new(
            Ecosystem::PyPI,
            PackageKind::Library,
            "requests",
            "2.31.0",
            Location::file("usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA"),
        ),
    ]
}

fn vuln(
    pkg: &Package,
    id: &str,
    aliases: &[&str],
    severity: Severity,
    fixed: Option<&str>,
    status: FixStatus,
) -> Finding {
    Finding {
        kind: FindingKind::Vulnerability,
        id: id.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        title: format!("{id} in {}", pkg.name),
        description: String::new(),
        severity,
        package_ref: Some(pkg.bom_ref()),
        package_name: Some(pkg.name.clone()),
        installed_version: Some(pkg.version.clone()),
        fixed_version: fixed.map(str::to_string),
        status: Some(status),
        cvss_score: None,
        cvss_vector: None,
        references: vec![format!("https://nvd.nist.gov/vuln/detail/{id}")],
        remediation: String::new(),
        location: pkg.location.clone(),
        suppressed: None,
        compliance: Vec::new(),
        evidence: None,
        notes: Vec::new(),
    }
}

fn other(
    kind: FindingKind,
    id: &str,
    aliases: &[&str],
    title: &str,
    severity: Severity,
    path: &str,
    line: Option<u32>,
) -> Finding {
    Finding {
        kind,
        id: id.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        title: title.into(),
        description: String::new(),
        severity,
        package_ref: None,
        package_name: None,
        installed_version: None,
        fixed_version: None,
        status: None,
        cvss_score: None,
        cvss_vector: None,
        references: Vec::new(),
        remediation: String::new(),
        location: Location {
            path: path.into(),
            layer: None,
            line,
        },
        suppressed: None,
        compliance: Vec::new(),
        evidence: None,
        notes: Vec::new(),
    }
}

/// Ten findings, each id unique, so tests name findings by id.
pub fn report() -> Report {
    let pk = packages();
    let (ssl, zlib, lodash, xnet, requests) = (&pk[0], &pk[1], &pk[2], &pk[3], &pk[4]);
    let findings = vec![
        vuln(
            ssl,
            "CVE-2024-13176",
            &[],
            Severity::Medium,
            Some("3.0.16-1~deb12u1"),
            FixStatus::Fixed,
        ),
        vuln(
            zlib,
            "CVE-2023-45853",
            &[],
            Severity::Critical,
            None,
            FixStatus::Affected,
        ),
        vuln(
            lodash,
            "CVE-2021-23337",
            &["GHSA-35jh-r3h4-6jhm"],
            Severity::High,
            Some("4.17.21"),
            FixStatus::Fixed,
        ),
        vuln(
            lodash,
            "CVE-2020-28500",
            &["GHSA-29mw-wpgm-hmr9"],
            Severity::Medium,
            Some("4.17.21"),
            FixStatus::Fixed,
        ),
        vuln(
            xnet,
            "CVE-2023-44487",
            &["GHSA-qppj-fm5r-hxr3"],
            Severity::High,
            Some("0.17.0"),
            FixStatus::Fixed,
        ),
        vuln(
            requests,
            "CVE-2024-35195",
            &["GHSA-9wx4-h78v-vm56", "PYSEC-2024-60"],
            Severity::Medium,
            Some("2.32.0"),
            FixStatus::Fixed,
        ),
        other(
            FindingKind::Secret,
            "aws-access-key-id",
            &[],
            "AWS Access Key ID",
            Severity::Critical,
            "app/config/.env",
            Some(3),
        ),
        other(
            FindingKind::Secret,
            "github-pat",
            &[],
            "GitHub Personal Access Token",
            Severity::Critical,
            "app/test/fixtures/token.txt",
            Some(1),
        ),
        other(
            FindingKind::Misconfiguration,
            "DS002",
            &["AVD-DS-0002"],
            "Image user should not be 'root'",
            Severity::High,
            "Dockerfile",
            None,
        ),
        other(
            FindingKind::Misconfiguration,
            "DS026",
            &["AVD-DS-0026"],
            "No HEALTHCHECK defined",
            Severity::Low,
            "Dockerfile",
            None,
        ),
    ];
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool_version: "0.1.0".into(),
        created_at: "2026-03-01T10:00:00Z".into(),
        artifact: Artifact {
            name: "ghcr.io/acme/shop:1.4.2".into(),
            kind: ArtifactKind::ContainerImage,
            image_id: Some(IMAGE_ID.into()),
            repo_tags: vec!["ghcr.io/acme/shop:1.4.2".into()],
            repo_digests: vec![format!("ghcr.io/acme/shop@{MANIFEST_DIGEST}")],
            architecture: Some("amd64".into()),
            ..Default::default()
        },
        inventory: Inventory {
            os: Some(OsInfo {
                family: "debian".into(),
                version: "12".into(),
                codename: Some("bookworm".into()),
                pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
                eol: Some("2026-06-10".into()),
                distroless: false,
            }),
            packages: pk.clone(),
        },
        findings,
        warnings: Vec::new(),
        db: None,
    }
}

pub fn key(f: &Finding) -> String {
    f.id.clone()
}

/// `key → (source, reason)` of every suppressed finding.
pub fn suppressed(r: &Report) -> BTreeMap<String, (String, String)> {
    r.findings
        .iter()
        .filter_map(|f| {
            f.suppressed
                .as_ref()
                .map(|s| (key(f), (s.source.clone(), s.reason.clone())))
        })
        .collect()
}

/// Keys of the findings that still count.
pub fn visible(r: &Report) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(key)
        .collect()
}

pub fn pair(source: &str, reason: &str) -> (String, String) {
    (source.to_string(), reason.to_string())
}
