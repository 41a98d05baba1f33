//! The report every scanner writes into and every writer reads.

use crate::{LayerRef, Location, OsInfo, Package, Severity};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Bumped on any incompatible change of the JSON output (docs/json-format.md).
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    #[default]
    ContainerImage,
    Rootfs,
    Filesystem,
    Sbom,
    /// A Docker daemon and what runs on it (`drydock audit docker`, `drydock inventory`).
    DockerHost,
}

/// One layer of an image, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LayerInfo {
    #[serde(flatten)]
    pub layer: LayerRef,
    /// Uncompressed size in bytes, where read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The layer's analysis came from the cache.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cached: bool,
}

/// What was scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Artifact {
    /// What the user named: an image reference, a path.
    pub name: String,
    pub kind: ArtifactKind,
    /// Image id (config digest), for images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_digests: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<LayerInfo>,
    /// `Env`, `User`, history and the rest of the image config, for checks that need it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
}

/// Something the scan could not read, said once, naming the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanWarning {
    /// The input concerned: a file inside the artifact, a layer, a blob.
    pub input: String,
    pub message: String,
}

impl ScanWarning {
    /// An analyzer's warning about the file at `path` (inside the artifact),
    /// reported against `input`. Analyzers name the file in their message
    /// (they are also used on bare bytes); that leading `path: ` is dropped so
    /// the report does not say it twice. A more specific location, such as a
    /// jar nested in this one (`app.war!/lib/x.jar: …`), is kept.
    pub fn from_analyzer(input: impl Into<String>, path: &str, message: String) -> Self {
        let message = match message
            .strip_prefix(path)
            .and_then(|m| m.strip_prefix(": "))
        {
            Some(rest) if !rest.is_empty() => rest.to_string(),
            _ => message,
        };
        ScanWarning {
            input: input.into(),
            message,
        }
    }

    /// A directory walk under `root` met something it could not read: the
    /// warning names the path the error is about, relative to `root` as the
    /// walkers' other warnings are (else `root` itself), and gives the cause
    /// once, without the path again.
    pub fn from_walk(root: &Path, e: &ignore::Error) -> Self {
        fn path(e: &ignore::Error) -> Option<&Path> {
            match e {
                ignore::Error::WithPath { path, .. } => Some(path),
                ignore::Error::WithDepth { err, .. }
                | ignore::Error::WithLineNumber { err, .. } => path(err),
                ignore::Error::Loop { child, .. } => Some(child),
                _ => None,
            }
        }
        // The deepest cause: walkdir wraps the OS error in one that names the path.
        let cause = match e.io_error() {
            Some(io) => {
                let mut cause: &dyn std::error::Error = io;
                while let Some(next) = cause.source() {
                    cause = next;
                }
                cause.to_string()
            }
            None => e.to_string(),
        };
        let input = match path(e).map(|p| p.strip_prefix(root).unwrap_or(p)) {
            Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
            _ => root.display().to_string(),
        };
        ScanWarning {
            input,
            message: format!("could not read: {cause}"),
        }
    }
}

/// What is in the artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Inventory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<OsInfo>,
    pub packages: Vec<Package>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Vulnerability,
    Secret,
    Misconfiguration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixStatus {
    Fixed,
    Affected,
    NotAffected,
}

/// Why a finding does not count for the gate (ignore file, VEX, inline comment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `ignorefile`, `vex`, `inline`.
    pub source: String,
    pub reason: String,
}

/// What is wrong with the artifact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// Vulnerability id (CVE preferred) or rule id.
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub severity: Severity,
    /// `bom-ref` of the affected package, for vulnerabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FixStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_vector: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remediation: String,
    pub location: Location,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
    /// Compliance controls this check maps to, `FRAMEWORK:CONTROL`
    /// (`CIS-Docker-1.6:5.4`, `NIST-800-190:4.4.3`, `PCI-DSS-4.0:6.3.3`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<String>,
    /// What was seen: the field and value, the matched text (redacted for secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Remarks on how the finding was made (e.g. matched through another distribution's data).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Finding {
    /// A finding with the fields every kind has; the rest empty.
    pub fn new(
        kind: FindingKind,
        id: impl Into<String>,
        title: impl Into<String>,
        severity: Severity,
        location: Location,
    ) -> Finding {
        Finding {
            kind,
            id: id.into(),
            aliases: Vec::new(),
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
            location,
            suppressed: None,
            compliance: Vec::new(),
            evidence: None,
            notes: Vec::new(),
        }
    }
}

/// The vulnerability database a report was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbInfo {
    pub built_at: String,
    pub content_hash: String,
}

/// The whole result of one scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    /// drydock's version.
    pub tool_version: String,
    /// RFC 3339 time the scan finished.
    pub created_at: String,
    pub artifact: Artifact,
    pub inventory: Inventory,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ScanWarning>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db: Option<DbInfo>,
}

#[cfg(test)]
mod tests {
    use super::ScanWarning;

    #[test]
    fn analyzer_warning_names_the_file_once() {
        let w = ScanWarning::from_analyzer("l1:a/b.jar", "a/b.jar", "a/b.jar: not a zip".into());
        assert_eq!(
            (w.input.as_str(), w.message.as_str()),
            ("l1:a/b.jar", "not a zip")
        );
        let nested =
            ScanWarning::from_analyzer("a/b.war", "a/b.war", "a/b.war!/x.jar: not a zip".into());
        assert_eq!(nested.message, "a/b.war!/x.jar: not a zip");
        let other = ScanWarning::from_analyzer("a/b.jar", "a/b.jar", "no version".into());
        assert_eq!(other.message, "no version");
        let bare = ScanWarning::from_analyzer("a/b.jar", "a/b.jar", "a/b.jar: ".into());
        assert_eq!(bare.message, "a/b.jar: ");
    }
}
