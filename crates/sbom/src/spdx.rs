//! SPDX 2.3 JSON: a writer for drydock reports and a reader for SPDX 2.2/2.3
//! JSON documents.
//!
//! The model is hand-written (spdx-rs is unmaintained); licence expressions are
//! checked with the `spdx` crate. Layout of a written document (docs/sbom.md):
//! the artifact is the package the document `DESCRIBES`; it `CONTAINS` the OS
//! (purpose `OPERATING_SYSTEM`) and every package. What SPDX has no field for
//! travels in annotations whose comment is `drydock:<key>: <value>`.

use crate::license::{SpdxLicenses, split_declared};
use crate::props::{self, Props};
use crate::{ReadResult, Result, SbomError};
use drydock_core::{
    Artifact, ArtifactKind, Ecosystem, Inventory, OsInfo, Package, PackageKind, Report,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

const FORMAT: &str = "SPDX";
const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";
const NOASSERTION: &str = "NOASSERTION";
/// The purpose the official 2.3 JSON schema spells with `_` (the spec text with `-`).
const PURPOSE_OS: &str = "OPERATING_SYSTEM";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    #[serde(default)]
    spdx_version: String,
    #[serde(default)]
    data_license: String,
    #[serde(rename = "SPDXID", default)]
    spdx_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    document_namespace: String,
    #[serde(default)]
    creation_info: CreationInfo,
    /// Only read: SPDX 2.2 documents name the described element here.
    #[serde(default, skip_serializing)]
    document_describes: Vec<String>,
    #[serde(default)]
    packages: Vec<SpdxPackage>,
    #[serde(default)]
    relationships: Vec<Relationship>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    #[serde(default)]
    created: String,
    #[serde(default)]
    creators: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    license_list_version: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    #[serde(default)]
    name: String,
    #[serde(rename = "SPDXID", default)]
    spdx_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version_info: Option<String>,
    #[serde(default)]
    download_location: String,
    #[serde(default)]
    files_analyzed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    license_concluded: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    license_declared: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    primary_package_purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<Annotation>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    #[serde(default)]
    reference_category: String,
    #[serde(default)]
    reference_type: String,
    #[serde(default)]
    reference_locator: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Annotation {
    #[serde(default)]
    annotation_date: String,
    #[serde(default)]
    annotation_type: String,
    #[serde(default)]
    annotator: String,
    #[serde(default)]
    comment: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    #[serde(default)]
    spdx_element_id: String,
    #[serde(default)]
    related_spdx_element: String,
    #[serde(default)]
    relationship_type: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    #[serde(default)]
    license_id: String,
    #[serde(default)]
    extracted_text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

/// Replaces what an SPDX id may not contain (anything but `[A-Za-z0-9.-]`) with `-`.
pub(crate) fn sanitize_id(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Hands out SPDX ids, unique within one document.
#[derive(Default)]
struct Ids(BTreeSet<String>);

impl Ids {
    fn unique(&mut self, wanted: &str) -> String {
        let base = format!("SPDXRef-{}", sanitize_id(wanted));
        let mut id = base.clone();
        let mut n = 2;
        while self.0.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.0.insert(id.clone());
        id
    }
}

/// Writes `report` as an SPDX 2.3 JSON document (pretty, newline-terminated).
pub fn write(report: &Report, mut w: impl Write) -> Result<()> {
    let doc = build(report)?;
    let err = |source| SbomError::Write {
        format: FORMAT,
        source,
    };
    serde_json::to_writer_pretty(&mut w, &doc).map_err(err)?;
    w.write_all(b"\n")
        .map_err(|e| err(serde_json::Error::io(e)))
}

fn build(report: &Report) -> Result<Document> {
    let created = crate::utc_timestamp(&report.created_at)?;
    let tool = format!("Tool: drydock-{}", report.tool_version);
    let annotations = |props: Props| -> Vec<Annotation> {
        props
            .into_iter()
            .map(|(k, v)| Annotation {
                annotation_date: created.clone(),
                annotation_type: "OTHER".into(),
                annotator: tool.clone(),
                comment: format!("{k}: {v}"),
            })
            .collect()
    };

    let mut ids = Ids::default();
    ids.0.insert(DOCUMENT_ID.to_string());
    let mut licenses = SpdxLicenses::default();
    let mut packages = Vec::new();
    let mut relationships = Vec::new();

    let a = &report.artifact;
    let artifact_id = ids.unique(&format!("Artifact-{}", a.name));
    packages.push(SpdxPackage {
        name: a.name.clone(),
        spdx_id: artifact_id.clone(),
        version_info: a.image_id.clone(),
        download_location: NOASSERTION.into(),
        files_analyzed: false,
        license_concluded: Some(NOASSERTION.into()),
        license_declared: Some(NOASSERTION.into()),
        external_refs: purl_refs(crate::purl::artifact_purl(a).as_deref()),
        primary_package_purpose: Some(
            match a.kind {
                ArtifactKind::ContainerImage => "CONTAINER",
                ArtifactKind::Filesystem => "SOURCE",
                ArtifactKind::Rootfs | ArtifactKind::Sbom => "FILE",
                ArtifactKind::DockerHost => "PLATFORM",
            }
            .into(),
        ),
        annotations: annotations(props::artifact(a)),
        ..SpdxPackage::default()
    });
    relationships.push(Relationship {
        spdx_element_id: DOCUMENT_ID.into(),
        related_spdx_element: artifact_id.clone(),
        relationship_type: "DESCRIBES".into(),
    });

    let mut contained = Vec::new();
    if let Some(os) = &report.inventory.os {
        let id = ids.unique(&format!("OperatingSystem-{}-{}", os.family, os.version));
        contained.push(id.clone());
        packages.push(SpdxPackage {
            name: os.family.clone(),
            spdx_id: id,
            version_info: Some(os.version.clone()).filter(|v| !v.is_empty()),
            download_location: NOASSERTION.into(),
            files_analyzed: false,
            license_concluded: Some(NOASSERTION.into()),
            license_declared: Some(NOASSERTION.into()),
            description: os.pretty_name.clone(),
            primary_package_purpose: Some(PURPOSE_OS.into()),
            annotations: annotations(props::os(os)),
            ..SpdxPackage::default()
        });
    }

    // Sorted by bom-ref like the CycloneDX writer, so ids are handed out in a stable order.
    let mut sorted: BTreeMap<String, &Package> = BTreeMap::new();
    for p in &report.inventory.packages {
        sorted.entry(p.bom_ref()).or_insert(p);
    }
    for p in sorted.values() {
        let id = ids.unique(&format!(
            "Package-{}-{}-{}",
            p.ecosystem.purl_type(),
            p.name,
            p.version
        ));
        contained.push(id.clone());
        packages.push(SpdxPackage {
            name: p.name.clone(),
            spdx_id: id,
            version_info: Some(p.version.clone()).filter(|v| !v.is_empty()),
            download_location: NOASSERTION.into(),
            files_analyzed: false,
            license_concluded: Some(NOASSERTION.into()),
            license_declared: Some(licenses.declared(&p.licenses)),
            source_info: source_info(p),
            external_refs: purl_refs(Some(p.purl.as_str())),
            primary_package_purpose: Some(
                match p.kind {
                    PackageKind::Application => "APPLICATION",
                    PackageKind::Os | PackageKind::Library => "LIBRARY",
                }
                .into(),
            ),
            annotations: annotations(props::package(p)),
            ..SpdxPackage::default()
        });
    }
    for id in contained {
        relationships.push(Relationship {
            spdx_element_id: artifact_id.clone(),
            related_spdx_element: id,
            relationship_type: "CONTAINS".into(),
        });
    }

    let uuid = crate::document_uuid(report);
    Ok(Document {
        spdx_version: "SPDX-2.3".into(),
        data_license: "CC0-1.0".into(),
        spdx_id: DOCUMENT_ID.into(),
        name: a.name.clone(),
        document_namespace: format!(
            "https://drydock-sec.github.io/drydock/spdx/{}-{uuid}",
            sanitize_id(&a.name)
        ),
        creation_info: CreationInfo {
            created,
            creators: vec![tool],
            license_list_version: Some(spdx::license_version().to_string()),
        },
        document_describes: Vec::new(),
        packages,
        relationships,
        has_extracted_licensing_infos: licenses
            .extracted()
            .into_iter()
            .map(|(id, text)| ExtractedLicense {
                license_id: id,
                extracted_text: text.clone(),
                name: Some(text),
            })
            .collect(),
    })
}

fn purl_refs(purl: Option<&str>) -> Vec<ExternalRef> {
    purl.filter(|p| !p.is_empty())
        .map(|p| ExternalRef {
            reference_category: "PACKAGE-MANAGER".into(),
            reference_type: "purl".into(),
            reference_locator: p.to_string(),
        })
        .into_iter()
        .collect()
}

/// Where the package was found, for people: the file and the layer.
fn source_info(p: &Package) -> Option<String> {
    let mut parts = Vec::new();
    if !p.location.path.is_empty() {
        parts.push(format!("read from {}", p.location.path));
    }
    if let Some(layer) = &p.location.layer {
        parts.push(format!("in layer {} ({})", layer.index, layer.diff_id));
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" "))
    }
}

/// Reads an SPDX JSON document: the artifact it describes and its packages.
/// Packages without a purl whose type names a known ecosystem are left out.
pub fn read(bytes: &[u8]) -> ReadResult {
    let doc: Document = serde_json::from_slice(bytes).map_err(|source| SbomError::Parse {
        format: FORMAT,
        source,
    })?;
    if !doc.spdx_version.starts_with("SPDX-2.") {
        return Err(SbomError::Format {
            format: FORMAT,
            reason: format!(
                "spdxVersion is {:?}, expected SPDX-2.2 or SPDX-2.3",
                doc.spdx_version
            ),
        });
    }
    let described: Option<&str> = doc
        .relationships
        .iter()
        .find(|r| r.spdx_element_id == DOCUMENT_ID && r.relationship_type == "DESCRIBES")
        .map(|r| r.related_spdx_element.as_str())
        .or(doc.document_describes.first().map(String::as_str));

    let mut artifact = Artifact {
        name: doc.name.clone(),
        kind: ArtifactKind::Sbom,
        ..Artifact::default()
    };
    if let Some(p) = described.and_then(|id| doc.packages.iter().find(|p| p.spdx_id == id)) {
        artifact.name = p.name.clone();
        if p.primary_package_purpose.as_deref() == Some("CONTAINER") {
            artifact.kind = ArtifactKind::ContainerImage;
        }
        props::apply_artifact(&mut artifact, &annotation_props(p));
    }

    let refs: BTreeMap<&str, &str> = doc
        .has_extracted_licensing_infos
        .iter()
        .map(|l| {
            let text = l.name.as_deref().unwrap_or(&l.extracted_text);
            (l.license_id.as_str(), text)
        })
        .collect();

    let mut inventory = Inventory::default();
    for p in &doc.packages {
        if Some(p.spdx_id.as_str()) == described {
            continue;
        }
        let purpose = p.primary_package_purpose.as_deref().unwrap_or_default();
        if purpose == PURPOSE_OS || purpose == "OPERATING-SYSTEM" {
            if inventory.os.is_none() {
                let mut os = OsInfo {
                    family: p.name.clone(),
                    version: p.version_info.clone().unwrap_or_default(),
                    pretty_name: p.description.clone(),
                    ..OsInfo::default()
                };
                props::apply_os(&mut os, &annotation_props(p));
                inventory.os = Some(os);
            }
        } else if let Some(pkg) = package(p, &refs, &artifact) {
            inventory.packages.push(pkg);
        }
    }
    Ok((artifact, inventory))
}

/// The `key: value` annotations of a package: drydock's own, and Trivy's
/// (`LayerDiffID: sha256:…`) under the names its CycloneDX properties use.
fn annotation_props(p: &SpdxPackage) -> Props {
    p.annotations
        .iter()
        .filter_map(|a| a.comment.split_once(": "))
        .filter_map(|(k, v)| {
            if k.starts_with("drydock:") {
                // Kept byte for byte: values such as `created_by` end in spaces.
                Some((k.to_string(), v.to_string()))
            } else if matches!(k, "LayerDiffID" | "LayerDigest" | "SrcName" | "SrcVersion") {
                Some((format!("aquasecurity:trivy:{k}"), v.trim().to_string()))
            } else {
                None
            }
        })
        .collect()
}

/// Syft's `sourceInfo`: `acquired package info from APK DB: /lib/apk/db/installed`.
fn path_from_info(info: &str) -> Option<String> {
    let rest = info.strip_prefix("acquired package info from ")?;
    let (_, path) = rest.split_once(": /")?;
    // Syft lists every file the package was read from; the first is the database or manifest.
    let path = path.split(", ").next()?.trim();
    Some(path.to_string()).filter(|p| !p.is_empty())
}

/// Trivy's `sourceInfo` for OS packages: `built package from: glibc 2.36-9`.
fn source_from_info(info: &str) -> Option<(String, Option<String>)> {
    let rest = info.strip_prefix("built package from: ")?.trim();
    match rest.split_once(' ') {
        Some((name, version)) => Some((name.to_string(), Some(version.trim().to_string()))),
        None if !rest.is_empty() => Some((rest.to_string(), None)),
        None => None,
    }
}

fn package(p: &SpdxPackage, refs: &BTreeMap<&str, &str>, artifact: &Artifact) -> Option<Package> {
    let props = annotation_props(p);
    let purl = p
        .external_refs
        .iter()
        .find(|r| {
            r.reference_type == "purl"
                && matches!(
                    r.reference_category.as_str(),
                    "PACKAGE-MANAGER" | "PACKAGE_MANAGER"
                )
        })
        .map(|r| r.reference_locator.clone());
    let info = purl.as_deref().map(crate::purl::parse).unwrap_or_default();
    let ecosystem = props::package_ecosystem(&props).or(info.ecosystem)?;
    let name = if p.name.is_empty() {
        info.name.clone()?
    } else {
        p.name.clone()
    };
    let version = p.version_info.clone().or(info.version).unwrap_or_default();
    let kind = if p.primary_package_purpose.as_deref() == Some("APPLICATION") {
        PackageKind::Application
    } else if ecosystem.is_os() {
        PackageKind::Os
    } else {
        PackageKind::Library
    };
    let mut pkg = Package::new(ecosystem, kind, name, version, Default::default());
    if let Some(purl) = purl.filter(|p| !p.is_empty()) {
        pkg.purl = purl;
    }
    let declared = p
        .license_declared
        .as_deref()
        .filter(|l| !matches!(*l, NOASSERTION | "NONE"))
        .or(p.license_concluded.as_deref());
    pkg.licenses = declared
        .map(split_declared)
        .unwrap_or_default()
        .into_iter()
        .map(|l| refs.get(l.as_str()).map(|t| t.to_string()).unwrap_or(l))
        .collect();
    pkg.arch = info.arch;
    pkg.source_name = info.source_name;
    pkg.source_version = info.source_version;
    if let Some(path) = p.source_info.as_deref().and_then(path_from_info) {
        pkg.location.path = path;
    }
    if let Some((name, version)) = p.source_info.as_deref().and_then(source_from_info) {
        pkg.source_name = Some(name);
        pkg.source_version = version.or(pkg.source_version);
    }
    props::apply_package(&mut pkg, &props, &artifact.layers);
    if ecosystem == Ecosystem::Maven && !pkg.name.contains(':') {
        // Some producers name Maven packages by artifact id only; the purl has the group.
        if let Some(full) = crate::purl::parse(&pkg.purl).name {
            pkg.name = full;
        }
    }
    Some(pkg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sanitised_and_unique() {
        let mut ids = Ids::default();
        assert_eq!(
            ids.unique("Package-npm-@babel/core-7.24.0"),
            "SPDXRef-Package-npm--babel-core-7.24.0"
        );
        assert_eq!(
            ids.unique("Package-npm-@babel/core-7.24.0"),
            "SPDXRef-Package-npm--babel-core-7.24.0-2"
        );
        assert_eq!(
            ids.unique("Package-rpm-bash-1:5.1"),
            "SPDXRef-Package-rpm-bash-1-5.1"
        );
    }

    #[test]
    fn rejects_other_documents() {
        let err = read(br#"{"bomFormat": "CycloneDX"}"#).unwrap_err();
        assert!(err.to_string().contains("spdxVersion is \"\""), "{err}");
    }
}
