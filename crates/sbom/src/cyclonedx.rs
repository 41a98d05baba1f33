//! CycloneDX 1.6 JSON: a writer for drydock reports and a reader for any
//! CycloneDX JSON document (1.2 and later share the fields read here).
//!
//! The model is hand-written: the `cyclonedx-bom` crate stops at spec 1.5.
//! It holds only the fields drydock writes or reads; unknown fields of
//! third-party documents are ignored.
//!
//! Layout of a written document (see docs/sbom.md):
//! - `metadata.component` is the scanned artifact (`container` or `file`), its
//!   image facts and layers in `drydock:image:*` properties;
//! - `components` holds the OS (`operating-system`) and one component per
//!   package, `bom-ref` = [`Package::bom_ref`], sorted by `bom-ref`;
//! - `dependencies` says the artifact depends on the OS and every package;
//! - `vulnerabilities` holds the vulnerability findings, suppressed ones with
//!   an `analysis`.

use crate::license::{LicenseForm, classify};
use crate::props::{self, Props};
use crate::{ReadResult, Result, SbomError};
use drydock_core::{
    Artifact, ArtifactKind, Ecosystem, Finding, FindingKind, FixStatus, Inventory, OsInfo, Package,
    PackageKind, Report,
};
use serde::{Deserialize, Serialize};
use std::io::Write;

const FORMAT: &str = "CycloneDX";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    schema: Option<String>,
    #[serde(default)]
    bom_format: String,
    #[serde(default)]
    spec_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    #[serde(default = "one")]
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<Dependency>,
    /// Written, never read: the readers return the inventory only.
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<Vulnerability>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Metadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tools: Option<Tools>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    component: Option<Component>,
}

/// Spec 1.5 made `tools` an object; older documents have a list of tools.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Tools {
    Object {
        #[serde(default)]
        components: Vec<Component>,
    },
    Legacy(Vec<serde_json::Value>),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Component {
    #[serde(rename = "bom-ref", default, skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(rename = "type", default)]
    ty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    /// Only read: some producers nest packages inside their parent.
    #[serde(default, skip_serializing)]
    components: Vec<Component>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct LicenseChoice {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    license: Option<License>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expression: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct License {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Property {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(default)]
    depends_on: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Vulnerability {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<VulnReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<Analysis>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    affects: Vec<Affect>,
}

#[derive(Debug, Serialize)]
struct Source {
    name: &'static str,
    url: String,
}

#[derive(Debug, Serialize)]
struct VulnReference {
    id: String,
    source: Source,
}

#[derive(Debug, Serialize)]
struct Rating {
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
}

#[derive(Debug, Serialize)]
struct Advisory {
    url: String,
}

#[derive(Debug, Serialize)]
struct Analysis {
    state: &'static str,
    detail: String,
}

#[derive(Debug, Serialize)]
struct Affect {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<AffectedVersion>,
}

#[derive(Debug, Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

fn properties(props: Props) -> Vec<Property> {
    props
        .into_iter()
        .map(|(name, value)| Property { name, value })
        .collect()
}

fn props_of(c: &Component) -> Props {
    c.properties
        .iter()
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect()
}

/// Writes `report` as a CycloneDX 1.6 JSON document (pretty, newline-terminated).
pub fn write(report: &Report, mut w: impl Write) -> Result<()> {
    let bom = build(report)?;
    let err = |source| SbomError::Write {
        format: FORMAT,
        source,
    };
    serde_json::to_writer_pretty(&mut w, &bom).map_err(err)?;
    w.write_all(b"\n")
        .map_err(|e| err(serde_json::Error::io(e)))
}

fn build(report: &Report) -> Result<Bom> {
    let artifact = artifact_component(&report.artifact);
    let artifact_ref = artifact.bom_ref.clone().unwrap_or_default();

    let mut components: Vec<Component> = Vec::new();
    if let Some(os) = &report.inventory.os {
        components.push(os_component(os));
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in &report.inventory.packages {
        // Two identical entries would give two components with one bom-ref,
        // which CycloneDX forbids.
        if seen.insert(p.bom_ref()) {
            components.push(package_component(p));
        }
    }
    components.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));

    let dependencies = vec![Dependency {
        reference: artifact_ref,
        depends_on: components
            .iter()
            .filter_map(|c| c.bom_ref.clone())
            .collect(),
    }];

    let mut findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .collect();
    findings.sort_by(|a, b| (&a.id, &a.package_ref).cmp(&(&b.id, &b.package_ref)));

    Ok(Bom {
        schema: Some("http://cyclonedx.org/schema/bom-1.6.schema.json".into()),
        bom_format: FORMAT.into(),
        spec_version: "1.6".into(),
        serial_number: Some(format!("urn:uuid:{}", crate::document_uuid(report))),
        version: 1,
        metadata: Some(Metadata {
            timestamp: Some(crate::utc_timestamp(&report.created_at)?),
            tools: Some(Tools::Object {
                components: vec![Component {
                    ty: "application".into(),
                    name: "drydock".into(),
                    version: Some(report.tool_version.clone()),
                    ..Component::default()
                }],
            }),
            component: Some(artifact),
        }),
        components,
        dependencies,
        vulnerabilities: findings.into_iter().map(vulnerability).collect(),
    })
}

fn artifact_component(a: &Artifact) -> Component {
    let purl = crate::purl::artifact_purl(a);
    Component {
        bom_ref: Some(purl.clone().unwrap_or_else(|| a.name.clone())),
        ty: match a.kind {
            ArtifactKind::ContainerImage => "container",
            ArtifactKind::Rootfs | ArtifactKind::Filesystem | ArtifactKind::Sbom => "file",
            ArtifactKind::DockerHost => "platform",
        }
        .into(),
        name: a.name.clone(),
        purl,
        properties: properties(props::artifact(a)),
        ..Component::default()
    }
}

fn os_component(os: &OsInfo) -> Component {
    Component {
        bom_ref: Some(os_ref(os)),
        ty: "operating-system".into(),
        name: os.family.clone(),
        version: Some(os.version.clone()).filter(|v| !v.is_empty()),
        description: os.pretty_name.clone(),
        properties: properties(props::os(os)),
        ..Component::default()
    }
}

/// A bom-ref for the OS that cannot clash with a package's (those are purls).
fn os_ref(os: &OsInfo) -> String {
    if os.version.is_empty() {
        format!("os:{}", os.family)
    } else {
        format!("os:{}@{}", os.family, os.version)
    }
}

fn package_component(p: &Package) -> Component {
    let (group, name) = match (p.ecosystem, p.name.split_once(':')) {
        (Ecosystem::Maven, Some((g, a))) => (Some(g.to_string()), a.to_string()),
        _ => (None, p.name.clone()),
    };
    Component {
        bom_ref: Some(p.bom_ref()),
        ty: match p.kind {
            PackageKind::Application => "application",
            PackageKind::Os | PackageKind::Library => "library",
        }
        .into(),
        group,
        name,
        version: Some(p.version.clone()).filter(|v| !v.is_empty()),
        licenses: licenses(&p.licenses),
        purl: Some(p.purl.clone()).filter(|v| !v.is_empty()),
        properties: properties(props::package(p)),
        ..Component::default()
    }
}

/// CycloneDX takes either license objects or exactly one expression, never both.
fn licenses(licenses: &[String]) -> Vec<LicenseChoice> {
    let forms: Vec<LicenseForm<'_>> = licenses
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| classify(l))
        .collect();
    let has_expression = forms
        .iter()
        .any(|f| matches!(f, LicenseForm::Expression(_)));
    let has_name = forms.iter().any(|f| matches!(f, LicenseForm::Name(_)));
    if has_expression && !has_name {
        // A package is under all the licences it declares.
        let mut sl = crate::license::SpdxLicenses::default();
        return vec![LicenseChoice {
            expression: Some(sl.declared(licenses)),
            license: None,
        }];
    }
    forms
        .into_iter()
        .map(|f| {
            let license = match f {
                LicenseForm::Id(id) => License {
                    id: Some(id.to_string()),
                    name: None,
                },
                LicenseForm::Expression(s) | LicenseForm::Name(s) => License {
                    id: None,
                    name: Some(s.to_string()),
                },
            };
            LicenseChoice {
                license: Some(license),
                expression: None,
            }
        })
        .collect()
}

/// Who publishes an advisory, by its id's prefix.
fn advisory_source(id: &str) -> Source {
    let (name, url) = if id.starts_with("CVE-") {
        ("NVD", format!("https://nvd.nist.gov/vuln/detail/{id}"))
    } else if id.starts_with("GHSA-") {
        ("GitHub", format!("https://github.com/advisories/{id}"))
    } else if id.starts_with("GO-") {
        ("Go", format!("https://pkg.go.dev/vuln/{id}"))
    } else if id.starts_with("RUSTSEC-") {
        (
            "RustSec",
            format!("https://rustsec.org/advisories/{id}.html"),
        )
    } else if id.starts_with("DSA-") || id.starts_with("DLA-") || id.starts_with("DEBIAN-") {
        (
            "Debian",
            format!("https://security-tracker.debian.org/tracker/{id}"),
        )
    } else {
        ("OSV", format!("https://osv.dev/vulnerability/{id}"))
    };
    Source { name, url }
}

/// The CycloneDX rating method of a CVSS vector, by its prefix.
fn cvss_method(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4.") {
        "CVSSv4"
    } else if vector.starts_with("CVSS:3.1/") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3") {
        "CVSSv3"
    } else if vector.contains("Au:") {
        // v2 vectors have no prefix; `Au` (authentication) is v2-only.
        "CVSSv2"
    } else {
        "other"
    }
}

fn vulnerability(f: &Finding) -> Vulnerability {
    let description = if f.description.is_empty() {
        &f.title
    } else {
        &f.description
    };
    let recommendation = if !f.remediation.is_empty() {
        Some(f.remediation.clone())
    } else {
        f.fixed_version.as_ref().map(|fixed| match &f.package_name {
            Some(name) => format!("Upgrade {name} to {fixed}"),
            None => format!("Upgrade to {fixed}"),
        })
    };
    let analysis = f.suppressed.as_ref().map(|s| Analysis {
        state: if f.status == Some(FixStatus::Fixed) {
            "resolved"
        } else {
            "not_affected"
        },
        detail: format!("{}: {}", s.source, s.reason),
    });
    let affects = f
        .package_ref
        .iter()
        .map(|r| Affect {
            reference: r.clone(),
            versions: f
                .installed_version
                .iter()
                .map(|v| AffectedVersion {
                    version: v.clone(),
                    status: if f.status == Some(FixStatus::NotAffected) {
                        "unaffected"
                    } else {
                        "affected"
                    },
                })
                .collect(),
        })
        .collect();
    Vulnerability {
        id: f.id.clone(),
        source: Some(advisory_source(&f.id)),
        references: f
            .aliases
            .iter()
            .filter(|a| **a != f.id)
            .map(|a| VulnReference {
                id: a.clone(),
                source: advisory_source(a),
            })
            .collect(),
        ratings: vec![Rating {
            score: f.cvss_score,
            severity: f.severity.as_str().to_ascii_lowercase(),
            method: f.cvss_vector.as_deref().map(cvss_method),
            vector: f.cvss_vector.clone(),
        }],
        description: Some(description.clone()).filter(|d| !d.is_empty()),
        recommendation,
        advisories: f
            .references
            .iter()
            .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
            .map(|url| Advisory { url: url.clone() })
            .collect(),
        analysis,
        affects,
    }
}

/// Reads a CycloneDX JSON document: the artifact it describes and its
/// packages. Components whose ecosystem neither a `drydock:package:ecosystem`
/// property nor the purl type tells (files, `pkg:generic`…) are left out.
pub fn read(bytes: &[u8]) -> ReadResult {
    let bom: Bom = serde_json::from_slice(bytes).map_err(|source| SbomError::Parse {
        format: FORMAT,
        source,
    })?;
    if bom.bom_format != FORMAT {
        return Err(SbomError::Format {
            format: FORMAT,
            reason: format!("bomFormat is {:?}, expected \"CycloneDX\"", bom.bom_format),
        });
    }
    let mut artifact = Artifact {
        kind: ArtifactKind::Sbom,
        ..Artifact::default()
    };
    let mut all: Vec<&Component> = Vec::new();
    if let Some(c) = bom.metadata.as_ref().and_then(|m| m.component.as_ref()) {
        artifact.name = c.name.clone();
        if c.ty == "container" {
            artifact.kind = ArtifactKind::ContainerImage;
        }
        props::apply_artifact(&mut artifact, &props_of(c));
        flatten(&c.components, &mut all);
    }
    flatten(&bom.components, &mut all);

    let mut inventory = Inventory::default();
    for c in all {
        if c.ty == "operating-system" {
            if inventory.os.is_none() {
                let mut os = OsInfo {
                    family: c.name.clone(),
                    version: c.version.clone().unwrap_or_default(),
                    pretty_name: c.description.clone(),
                    ..OsInfo::default()
                };
                props::apply_os(&mut os, &props_of(c));
                inventory.os = Some(os);
            }
        } else if let Some(p) = package(c, &artifact) {
            inventory.packages.push(p);
        }
    }
    Ok((artifact, inventory))
}

fn flatten<'a>(components: &'a [Component], out: &mut Vec<&'a Component>) {
    for c in components {
        out.push(c);
        flatten(&c.components, out);
    }
}

fn package(c: &Component, artifact: &Artifact) -> Option<Package> {
    if !matches!(c.ty.as_str(), "library" | "application" | "framework") {
        return None;
    }
    let props = props_of(c);
    let info = c
        .purl
        .as_deref()
        .map(crate::purl::parse)
        .unwrap_or_default();
    let ecosystem = props::package_ecosystem(&props).or(info.ecosystem)?;
    let name = match (&c.group, ecosystem) {
        (_, _) if c.name.is_empty() => info.name.clone()?,
        (Some(g), Ecosystem::Maven) if !g.is_empty() => format!("{g}:{}", c.name),
        (Some(g), Ecosystem::Npm | Ecosystem::Packagist | Ecosystem::Go)
            if !g.is_empty() && !c.name.contains('/') =>
        {
            format!("{g}/{}", c.name)
        }
        _ => c.name.clone(),
    };
    let version = c.version.clone().or(info.version).unwrap_or_default();
    let kind = if c.ty == "application" {
        PackageKind::Application
    } else if ecosystem.is_os() {
        PackageKind::Os
    } else {
        PackageKind::Library
    };
    let mut p = Package::new(ecosystem, kind, name, version, Default::default());
    if let Some(purl) = c.purl.as_ref().filter(|p| !p.is_empty()) {
        p.purl = purl.clone();
    }
    p.licenses = c
        .licenses
        .iter()
        .filter_map(|l| {
            l.expression.clone().or_else(|| {
                l.license
                    .as_ref()
                    .and_then(|l| l.id.clone().or_else(|| l.name.clone()))
            })
        })
        .collect();
    p.arch = info.arch;
    p.source_name = info.source_name;
    p.source_version = info.source_version;
    props::apply_package(&mut p, &props, &artifact.layers);
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(licenses: &[&str]) -> serde_json::Value {
        let owned: Vec<String> = licenses.iter().map(|s| s.to_string()).collect();
        serde_json::to_value(super::licenses(&owned)).unwrap()
    }

    #[test]
    fn licenses_are_ids_names_or_one_expression() {
        assert_eq!(
            names(&["MIT", "GPL-2+"]),
            serde_json::json!([{"license": {"id": "MIT"}}, {"license": {"name": "GPL-2+"}}])
        );
        assert_eq!(
            names(&["MIT OR Apache-2.0"]),
            serde_json::json!([{"expression": "MIT OR Apache-2.0"}])
        );
        assert_eq!(
            names(&["MIT OR Apache-2.0", "Zlib"]),
            serde_json::json!([{"expression": "(MIT OR Apache-2.0) AND Zlib"}])
        );
        // An expression next to a non-SPDX name cannot be one expression.
        assert_eq!(
            names(&["MIT OR Apache-2.0", "GPL-2+"]),
            serde_json::json!([
                {"license": {"name": "MIT OR Apache-2.0"}},
                {"license": {"name": "GPL-2+"}}
            ])
        );
        assert_eq!(names(&[]), serde_json::json!([]));
    }

    #[test]
    fn cvss_methods_by_prefix() {
        assert_eq!(
            cvss_method("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            "CVSSv31"
        );
        assert_eq!(
            cvss_method("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            "CVSSv3"
        );
        assert_eq!(
            cvss_method("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            "CVSSv4"
        );
        assert_eq!(cvss_method("AV:N/AC:L/Au:N/C:P/I:P/A:P"), "CVSSv2");
        assert_eq!(cvss_method("something"), "other");
    }

    #[test]
    fn rejects_other_documents() {
        let err = read(br#"{"spdxVersion": "SPDX-2.3"}"#).unwrap_err();
        assert!(err.to_string().contains("bomFormat is \"\""), "{err}");
        let err = read(b"{").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("not a valid CycloneDX JSON document"),
            "{err}"
        );
    }
}
