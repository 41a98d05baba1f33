//! What an artifact contains: packages, where each came from, and the OS.

use crate::Ecosystem;
use serde::{Deserialize, Serialize};

/// The image layer a file or package came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct LayerRef {
    /// Position in the image, 0 = base layer.
    pub index: usize,
    /// Digest of the layer blob as stored (compressed), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Digest of the uncompressed layer tar (the config's `rootfs.diff_ids`).
    pub diff_id: String,
    /// The history `created_by` command that made this layer (the Dockerfile line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// Where something was found: a path inside the artifact, the layer, a line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Location {
    /// Path inside the artifact, `/`-separated, relative to its root, no leading `/`.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Location {
        Location {
            path: path.into(),
            layer: None,
            line: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum PackageKind {
    /// Installed by the OS package manager (dpkg, apk, rpm).
    #[default]
    Os,
    /// A language package found in a lockfile, manifest or install tree.
    Library,
    /// A compiled binary's own module (Go main module, cargo-auditable root).
    Application,
}

/// One package of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    /// The version as the ecosystem writes it (dpkg/rpm: with epoch when non-zero, `1:2.3-4`).
    pub version: String,
    pub ecosystem: Ecosystem,
    pub kind: PackageKind,
    /// Package URL (purl-spec).
    pub purl: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Source package (dpkg `Source:`, apk `o:`, rpm source rpm name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// The file the package was read from (package database, lockfile, archive).
    pub location: Location,
    /// Direct dependency of the project (`Some(false)` = transitive), where the lockfile says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
    /// Needed only for development, where the lockfile says.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dev: bool,
    /// Part of the project itself (a workspace member, a path or `file:`
    /// dependency, a Go main module): listed for the SBOM, never matched
    /// against advisories, as no registry publishes it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local: bool,
}

impl Package {
    /// A new package with the fields every package has; the purl is built from them.
    pub fn new(
        ecosystem: Ecosystem,
        kind: PackageKind,
        name: impl Into<String>,
        version: impl Into<String>,
        location: Location,
    ) -> Package {
        let name = name.into();
        let version = version.into();
        let purl = crate::package::purl(ecosystem, &name, &version, &[]);
        Package {
            name,
            version,
            ecosystem,
            kind,
            purl,
            licenses: Vec::new(),
            arch: None,
            source_name: None,
            source_version: None,
            location,
            direct: None,
            dev: false,
            local: false,
        }
    }

    /// The name advisories use for this package: the source package for OS
    /// packages (Debian and Alpine publish per source), the name otherwise.
    pub fn advisory_name(&self) -> &str {
        match self.ecosystem {
            Ecosystem::Debian | Ecosystem::Ubuntu | Ecosystem::Alpine => {
                self.source_name.as_deref().unwrap_or(&self.name)
            }
            _ => &self.name,
        }
    }

    /// The version advisories compare against (the source version for Debian and Alpine).
    pub fn advisory_version(&self) -> &str {
        match self.ecosystem {
            Ecosystem::Debian | Ecosystem::Ubuntu | Ecosystem::Alpine => {
                self.source_version.as_deref().unwrap_or(&self.version)
            }
            _ => &self.version,
        }
    }

    /// A reference unique within one report: the purl plus the file it was read from.
    pub fn bom_ref(&self) -> String {
        if self.location.path.is_empty() {
            self.purl.clone()
        } else {
            format!("{}?file={}", self.purl, self.location.path)
        }
    }
}

/// Builds a purl. `qualifiers` are (key, value) pairs, sorted as the spec asks.
/// Maven names are `group:artifact`; npm and Packagist names may carry a namespace
/// (`@scope/name`, `vendor/name`); Go names are module paths.
pub fn purl(
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
    qualifiers: &[(&str, &str)],
) -> String {
    let ty = ecosystem.purl_type();
    let (namespace, short) = match ecosystem {
        Ecosystem::Maven => match name.split_once(':') {
            Some((g, a)) => (Some(g.to_string()), a.to_string()),
            None => (None, name.to_string()),
        },
        Ecosystem::Npm | Ecosystem::Packagist | Ecosystem::Go => match name.rsplit_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
            None => (None, name.to_string()),
        },
        Ecosystem::Debian => (Some("debian".into()), name.to_string()),
        Ecosystem::Ubuntu => (Some("ubuntu".into()), name.to_string()),
        Ecosystem::Alpine => (Some("alpine".into()), name.to_string()),
        Ecosystem::PyPI => (None, normalize_pypi_name(name)),
        _ => (None, name.to_string()),
    };
    let mut out = format!("pkg:{ty}/");
    if let Some(ns) = namespace {
        for (i, seg) in ns.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.push_str(&pct(seg));
        }
        out.push('/');
    }
    out.push_str(&pct(&short));
    if !version.is_empty() {
        out.push('@');
        out.push_str(&pct(version));
    }
    let mut q: Vec<_> = qualifiers.iter().filter(|(_, v)| !v.is_empty()).collect();
    q.sort();
    for (i, (k, v)) in q.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(&pct(v));
    }
    out
}

/// PEP 503 normalisation: lowercase, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_pypi_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Percent-encodes what the purl spec does not allow bare in a segment.
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' | b'+' => {
                out.push(b as char)
            }
            b':' => out.push_str("%3A"),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The operating system of an image or root filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct OsInfo {
    /// `ID` of os-release: debian, ubuntu, alpine, rhel, almalinux, rocky, centos, ol, amzn, fedora…
    pub family: String,
    /// `VERSION_ID` (Debian: the major release, `12`; Alpine: `3.20.3`).
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<String>,
    /// End of standard support, `YYYY-MM-DD`, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eol: Option<String>,
    /// Distroless images (Google's), detected from the dpkg `status.d` layout.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub distroless: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls() {
        assert_eq!(
            purl(
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                "2.14.1",
                &[]
            ),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        assert_eq!(
            purl(Ecosystem::Npm, "@babel/core", "7.0.0", &[]),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            purl(
                Ecosystem::Debian,
                "libc6",
                "2.36-9+deb12u4",
                &[("arch", "amd64"), ("distro", "debian-12")]
            ),
            "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12"
        );
        assert_eq!(
            purl(Ecosystem::PyPI, "Flask_SQLAlchemy", "1.0", &[]),
            "pkg:pypi/flask-sqlalchemy@1.0"
        );
        assert_eq!(
            purl(Ecosystem::Rpm, "bash", "1:5.1-2.el9", &[]),
            "pkg:rpm/bash@1%3A5.1-2.el9"
        );
    }

    #[test]
    fn pep503() {
        assert_eq!(normalize_pypi_name("Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(normalize_pypi_name("requests"), "requests");
    }
}
