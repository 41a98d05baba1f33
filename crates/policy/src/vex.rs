//! VEX in: OpenVEX (v0.2.0, and the v0.0.x shapes still in the wild) and
//! CycloneDX VEX (1.4 to 1.7), read into one list of statements, each "this
//! vulnerability, in these products, has this status".
//!
//! Written by hand over serde rather than with a VEX crate: the only Rust
//! crates for either format cover CycloneDX up to 1.5 (cyclonedx-bom, see
//! CRATES.md) and none covers OpenVEX; the subset VEX needs is small.

use crate::PolicyError;
use crate::date::parse_timestamp;
use crate::matching::{Subject, parse_purl};
use drydock_core::Artifact;
use serde::Deserialize;
use std::path::Path;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VexFormat {
    OpenVex,
    CycloneDx,
}

/// A statement's status, both formats mapped onto OpenVEX's four.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    NotAffected,
    Fixed,
    Affected,
    UnderInvestigation,
}

impl Status {
    /// `not_affected` and `fixed` waive a finding; the others leave it visible.
    pub fn suppresses(self) -> bool {
        matches!(self, Status::NotAffected | Status::Fixed)
    }
}

#[derive(Debug, Clone)]
struct Product {
    /// The ways the document names it: `@id`, `identifiers.purl`, a bom-ref
    /// and the purl of the component it points at.
    ids: Vec<String>,
    /// OpenVEX subcomponents, each with its ids; the statement is about them
    /// inside the product.
    subcomponents: Vec<Vec<String>>,
    /// CycloneDX: the ref is the BOM's own subject (`metadata.component`).
    is_root: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Statement {
    /// Vulnerability name, `@id` (and its last path segment), aliases.
    vuln_ids: Vec<String>,
    /// Empty: every product.
    products: Vec<Product>,
    pub status: Status,
    /// The status as the document spells it (`false_positive`, `resolved`…).
    status_label: String,
    /// Justification, impact statement, notes: what the reason shows.
    detail: Vec<String>,
    /// When it was made, where the document says; later statements win.
    timestamp: Option<OffsetDateTime>,
}

/// One VEX document.
#[derive(Debug, Clone)]
pub struct VexDocument {
    /// The file as given, for reasons.
    pub path: String,
    pub format: VexFormat,
    statements: Vec<Statement>,
}

impl VexDocument {
    pub fn load(path: &Path) -> Result<VexDocument, PolicyError> {
        let bytes = std::fs::read(path).map_err(|source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        VexDocument::parse(&bytes, &path.display().to_string())
    }

    /// Parses an OpenVEX or CycloneDX JSON document, telling them apart by
    /// content; `name` is what errors and reasons call it.
    pub fn parse(bytes: &[u8], name: &str) -> Result<VexDocument, PolicyError> {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| vex_err(name, format!("not valid JSON: {e}")))?;
        let format = if value.get("bomFormat").is_some() {
            VexFormat::CycloneDx
        } else if value
            .get("@context")
            .and_then(|c| c.as_str())
            .is_some_and(|c| c.contains("openvex"))
            || value.get("statements").is_some()
        {
            VexFormat::OpenVex
        } else if value.pointer("/document/csaf_version").is_some() {
            return Err(vex_err(
                name,
                "CSAF VEX is not supported; use OpenVEX or CycloneDX VEX",
            ));
        } else {
            return Err(vex_err(
                name,
                "neither an OpenVEX document (`@context` …openvex…) nor a CycloneDX BOM (`bomFormat`)",
            ));
        };
        let statements = match format {
            VexFormat::OpenVex => openvex(value, name)?,
            VexFormat::CycloneDx => cyclonedx(value, name)?,
        };
        Ok(VexDocument {
            path: name.to_string(),
            format,
            statements,
        })
    }

    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// The statement that decides `s`: of those naming its vulnerability and
    /// package, the latest (by timestamp, then by position in the document).
    pub(crate) fn decide(
        &self,
        s: &Subject<'_>,
        artifact: &ArtifactIdentity,
    ) -> Option<&Statement> {
        let mut best: Option<&Statement> = None;
        for st in &self.statements {
            if !st.applies(s, artifact) {
                continue;
            }
            // `>=` so that, at equal time, the later statement in the file wins.
            if best.is_none_or(|b| st.timestamp >= b.timestamp) {
                best = Some(st);
            }
        }
        best
    }

    /// The reason a finding suppressed by `st` carries.
    pub(crate) fn reason(&self, st: &Statement) -> String {
        let mut parts = vec![self.path.clone(), st.status_label.clone()];
        parts.extend(st.detail.iter().cloned());
        parts.join(": ")
    }
}

impl Statement {
    fn applies(&self, s: &Subject<'_>, artifact: &ArtifactIdentity) -> bool {
        if !self.vuln_ids.iter().any(|id| s.has_id(id)) {
            return false;
        }
        if self.products.is_empty() {
            return true;
        }
        self.products.iter().any(|p| {
            let is_artifact = p.is_root || p.ids.iter().any(|id| artifact.is(id));
            if p.subcomponents.is_empty() {
                is_artifact || p.ids.iter().any(|id| names_package(id, s))
            } else {
                // Subcomponents say "this package, inside this product": the
                // product must be what was scanned, or the package itself.
                (is_artifact
                    && p.subcomponents
                        .iter()
                        .any(|sc| sc.iter().any(|id| names_package(id, s))))
                    || p.ids.iter().any(|id| names_package(id, s))
            }
        })
    }
}

/// Does `id` (a purl, a bom-ref, a CycloneDX BOM-link) name the finding's package?
fn names_package(id: &str, s: &Subject<'_>) -> bool {
    let id = id.trim();
    if id.is_empty() {
        return false;
    }
    if s.finding.package_ref.as_deref() == Some(id) {
        return true;
    }
    // `urn:cdx:<serial>/<version>#<bom-ref>` points into another BOM, typically
    // the SBOM drydock wrote, whose bom-refs are its package refs.
    if let Some(rest) = id.strip_prefix("urn:cdx:")
        && let Some((_, fragment)) = rest.split_once('#')
    {
        let decoded = percent_decode(fragment);
        return names_package(&decoded, s);
    }
    parse_purl(id).is_some_and(|p| s.matches_purl(&p))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How a VEX product can name the scanned artifact: its name, tags, digests,
/// or a `pkg:oci` / `pkg:docker` purl of it.
#[derive(Debug, Default)]
pub(crate) struct ArtifactIdentity {
    /// Name, tags and digests exactly as the report has them.
    raw: Vec<String>,
    /// `sha256:…` digests: image id, repo digests.
    digests: Vec<String>,
    /// Repository names, lowercase, full and last segment (`library/alpine`, `alpine`).
    repos: Vec<String>,
}

impl ArtifactIdentity {
    pub fn new(a: &Artifact) -> Self {
        let mut id = ArtifactIdentity::default();
        let mut refs: Vec<&str> = vec![a.name.as_str()];
        refs.extend(a.repo_tags.iter().map(String::as_str));
        refs.extend(a.repo_digests.iter().map(String::as_str));
        for r in refs.iter().copied().filter(|r| !r.is_empty()) {
            id.raw.push(r.to_string());
            let (repo, digest) = match r.split_once('@') {
                Some((repo, d)) => (repo, Some(d)),
                None => (r, None),
            };
            if let Some(d) = digest {
                id.digests.push(d.to_ascii_lowercase());
            }
            // A `:` after the last `/` starts a tag; before it, it is a registry port.
            let repo = match repo.rfind(':') {
                Some(c) if c > repo.rfind('/').unwrap_or(0) => &repo[..c],
                _ => repo,
            };
            let repo = repo.to_ascii_lowercase();
            let last = repo.rsplit('/').next().unwrap_or(&repo).to_string();
            for n in [repo.clone(), last] {
                if !n.is_empty() && !id.repos.contains(&n) {
                    id.repos.push(n);
                }
            }
        }
        if let Some(i) = &a.image_id {
            id.raw.push(i.clone());
            id.digests.push(i.to_ascii_lowercase());
        }
        id
    }

    pub fn is(&self, product: &str) -> bool {
        let product = product.trim();
        if product.is_empty() {
            return false;
        }
        if self.raw.iter().any(|r| r == product) {
            return true;
        }
        let Some(p) = parse_purl(product) else {
            return false;
        };
        let ty = p.ty().to_ascii_lowercase();
        if ty != "oci" && ty != "docker" {
            return false;
        }
        if let Some(v) = p.version()
            && v.contains(':')
            && !self.digests.is_empty()
        {
            // A digest identifies one build; a name alone matches every build.
            return self.digests.iter().any(|d| d.eq_ignore_ascii_case(v));
        }
        let name = p.name().to_ascii_lowercase();
        let full = match p.namespace() {
            Some(ns) => format!("{}/{name}", ns.to_ascii_lowercase()),
            None => name.clone(),
        };
        self.repos.iter().any(|r| *r == full || *r == name)
    }
}

fn vex_err(name: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Vex {
        at: name.to_string(),
        message: message.into(),
    }
}

// ---- OpenVEX ----

#[derive(Deserialize)]
struct OvDoc {
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    statements: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct OvStatement {
    vulnerability: OvVulnerability,
    #[serde(default)]
    products: Vec<OvComponent>,
    /// v0.0.x put subcomponents on the statement, for all its products.
    #[serde(default)]
    subcomponents: Vec<OvComponent>,
    status: String,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    action_statement: Option<String>,
    #[serde(default)]
    status_notes: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OvVulnerability {
    /// v0.0.x: the id alone.
    Name(String),
    Object {
        #[serde(default)]
        name: Option<String>,
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OvComponent {
    /// v0.0.x: products were plain strings.
    Id(String),
    Object {
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        identifiers: Option<OvIdentifiers>,
        #[serde(default)]
        subcomponents: Vec<OvComponent>,
    },
}

#[derive(Deserialize)]
struct OvIdentifiers {
    #[serde(default)]
    purl: Option<String>,
}

impl OvComponent {
    fn ids(&self) -> Vec<String> {
        match self {
            OvComponent::Id(s) => vec![s.clone()],
            OvComponent::Object {
                id, identifiers, ..
            } => id
                .iter()
                .cloned()
                .chain(identifiers.as_ref().and_then(|i| i.purl.clone()))
                .collect(),
        }
    }
}

fn openvex(value: serde_json::Value, name: &str) -> Result<Vec<Statement>, PolicyError> {
    let doc: OvDoc = serde_json::from_value(value)
        .map_err(|e| vex_err(name, format!("not an OpenVEX document: {e}")))?;
    let doc_time = match doc.timestamp.as_deref() {
        None => None,
        Some(t) => Some(
            parse_timestamp(t)
                .ok_or_else(|| vex_err(name, format!("bad timestamp {t:?}: expected RFC 3339")))?,
        ),
    };
    let mut out = Vec::new();
    for (i, raw) in doc.statements.into_iter().enumerate() {
        let at = format!("{name}: statement {}", i + 1);
        let st: OvStatement = serde_json::from_value(raw).map_err(|e| PolicyError::Vex {
            at: at.clone(),
            message: e.to_string(),
        })?;
        let mut vuln_ids = Vec::new();
        match st.vulnerability {
            OvVulnerability::Name(n) => vuln_ids.push(n),
            OvVulnerability::Object { name, id, aliases } => {
                vuln_ids.extend(name);
                if let Some(iri) = id {
                    // `https://nvd.nist.gov/vuln/detail/CVE-2023-1234` names CVE-2023-1234.
                    if let Some(last) = iri.trim_end_matches('/').rsplit('/').next()
                        && last != iri
                    {
                        vuln_ids.push(last.to_string());
                    }
                    vuln_ids.push(iri);
                }
                vuln_ids.extend(aliases);
            }
        }
        vuln_ids.retain(|v| !v.trim().is_empty());
        if vuln_ids.is_empty() {
            return Err(PolicyError::Vex {
                at,
                message: "the vulnerability has no name".into(),
            });
        }
        let status = match st.status.as_str() {
            "not_affected" => Status::NotAffected,
            "fixed" => Status::Fixed,
            "affected" => Status::Affected,
            "under_investigation" => Status::UnderInvestigation,
            other => {
                return Err(PolicyError::Vex {
                    at,
                    message: format!(
                        "unknown status {other:?} (expected not_affected, affected, fixed or under_investigation)"
                    ),
                });
            }
        };
        let shared_subs: Vec<Vec<String>> = st.subcomponents.iter().map(OvComponent::ids).collect();
        let products = st
            .products
            .iter()
            .map(|p| {
                let mut subcomponents = match p {
                    OvComponent::Object { subcomponents, .. } => {
                        subcomponents.iter().map(OvComponent::ids).collect()
                    }
                    OvComponent::Id(_) => Vec::new(),
                };
                subcomponents.extend(shared_subs.iter().cloned());
                Product {
                    ids: p.ids(),
                    subcomponents,
                    is_root: false,
                }
            })
            .collect();
        let stamp = st.last_updated.as_deref().or(st.timestamp.as_deref());
        let timestamp = match stamp {
            None => doc_time,
            Some(t) => Some(parse_timestamp(t).ok_or_else(|| PolicyError::Vex {
                at: at.clone(),
                message: format!("bad timestamp {t:?}: expected RFC 3339"),
            })?),
        };
        let detail = [
            st.justification,
            st.impact_statement,
            st.status_notes,
            st.action_statement,
        ]
        .into_iter()
        .flatten()
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
        out.push(Statement {
            vuln_ids,
            products,
            status,
            status_label: st.status,
            detail,
            timestamp,
        });
    }
    Ok(out)
}

// ---- CycloneDX ----

#[derive(Deserialize)]
struct CdxBom {
    #[serde(rename = "bomFormat")]
    bom_format: String,
    #[serde(rename = "specVersion", default)]
    spec_version: String,
    #[serde(default)]
    metadata: Option<CdxMetadata>,
    #[serde(default)]
    components: Vec<CdxComponent>,
    #[serde(default)]
    vulnerabilities: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct CdxMetadata {
    #[serde(default)]
    component: Option<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxComponent {
    #[serde(rename = "bom-ref", default)]
    bom_ref: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxVulnerability {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    references: Vec<CdxReference>,
    #[serde(default)]
    analysis: Option<CdxAnalysis>,
    #[serde(default)]
    affects: Vec<CdxAffects>,
}

#[derive(Deserialize)]
struct CdxReference {
    id: String,
}

#[derive(Deserialize)]
struct CdxAnalysis {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(rename = "lastUpdated", default)]
    last_updated: Option<String>,
    #[serde(rename = "firstIssued", default)]
    first_issued: Option<String>,
}

#[derive(Deserialize)]
struct CdxAffects {
    #[serde(rename = "ref")]
    reference: String,
}

fn collect_purls(c: &CdxComponent, out: &mut Vec<(String, Option<String>)>) {
    if let Some(r) = &c.bom_ref {
        out.push((r.clone(), c.purl.clone()));
    }
    for sub in &c.components {
        collect_purls(sub, out);
    }
}

fn cyclonedx(value: serde_json::Value, name: &str) -> Result<Vec<Statement>, PolicyError> {
    let bom: CdxBom = serde_json::from_value(value)
        .map_err(|e| vex_err(name, format!("not a CycloneDX BOM: {e}")))?;
    if bom.bom_format != "CycloneDX" {
        return Err(vex_err(
            name,
            format!("bomFormat is {:?}, expected \"CycloneDX\"", bom.bom_format),
        ));
    }
    // `analysis` arrived in 1.4; 1.7 changed nothing VEX reads.
    if !matches!(bom.spec_version.as_str(), "1.4" | "1.5" | "1.6" | "1.7") {
        return Err(vex_err(
            name,
            format!(
                "CycloneDX specVersion {:?} has no VEX analysis; 1.4 to 1.7 are read",
                bom.spec_version
            ),
        ));
    }
    let mut refs = Vec::new();
    let root_ref = bom
        .metadata
        .as_ref()
        .and_then(|m| m.component.as_ref())
        .and_then(|c| c.bom_ref.clone());
    if let Some(root) = bom.metadata.as_ref().and_then(|m| m.component.as_ref()) {
        collect_purls(root, &mut refs);
    }
    for c in &bom.components {
        collect_purls(c, &mut refs);
    }

    let mut out = Vec::new();
    for (i, raw) in bom.vulnerabilities.into_iter().enumerate() {
        let at = format!("{name}: vulnerabilities[{i}]");
        let v: CdxVulnerability = serde_json::from_value(raw).map_err(|e| PolicyError::Vex {
            at: at.clone(),
            message: e.to_string(),
        })?;
        // A vulnerability without an analysis state is a report, not a VEX statement.
        let Some(analysis) = v.analysis else { continue };
        let Some(state) = analysis.state else {
            continue;
        };
        let status = match state.as_str() {
            "not_affected" | "false_positive" => Status::NotAffected,
            "resolved" | "resolved_with_pedigree" => Status::Fixed,
            "exploitable" => Status::Affected,
            "in_triage" => Status::UnderInvestigation,
            other => {
                return Err(PolicyError::Vex {
                    at,
                    message: format!(
                        "unknown analysis.state {other:?} (expected resolved, resolved_with_pedigree, exploitable, in_triage, false_positive or not_affected)"
                    ),
                });
            }
        };
        let mut vuln_ids: Vec<String> = v.id.into_iter().collect();
        vuln_ids.extend(v.references.into_iter().map(|r| r.id));
        vuln_ids.retain(|id| !id.trim().is_empty());
        if vuln_ids.is_empty() {
            return Err(PolicyError::Vex {
                at,
                message: "the vulnerability has no id".into(),
            });
        }
        let products = v
            .affects
            .iter()
            .map(|a| {
                let r = a.reference.trim().to_string();
                let mut ids = vec![r.clone()];
                ids.extend(
                    refs.iter()
                        .filter(|(bom_ref, _)| *bom_ref == r)
                        .filter_map(|(_, purl)| purl.clone()),
                );
                Product {
                    is_root: root_ref.as_deref() == Some(r.as_str()),
                    ids,
                    subcomponents: Vec::new(),
                }
            })
            .collect();
        let stamp = analysis
            .last_updated
            .as_deref()
            .or(analysis.first_issued.as_deref());
        let timestamp = match stamp {
            None => None,
            Some(t) => Some(parse_timestamp(t).ok_or_else(|| PolicyError::Vex {
                at: at.clone(),
                message: format!("bad timestamp {t:?}: expected RFC 3339"),
            })?),
        };
        let detail = [analysis.justification, analysis.detail]
            .into_iter()
            .flatten()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        out.push(Statement {
            vuln_ids,
            products,
            status,
            status_label: state,
            detail,
            timestamp,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_identity() {
        let a = Artifact {
            name: "localhost:5000/acme/shop:1.4.2".into(),
            image_id: Some("sha256:aaaa".into()),
            repo_tags: vec!["localhost:5000/acme/shop:1.4.2".into()],
            repo_digests: vec!["localhost:5000/acme/shop@sha256:bbbb".into()],
            ..Default::default()
        };
        let id = ArtifactIdentity::new(&a);
        assert!(id.is("localhost:5000/acme/shop:1.4.2"));
        assert!(id.is("pkg:oci/shop@sha256%3Abbbb?repository_url=localhost:5000/acme/shop"));
        assert!(id.is("pkg:oci/shop@sha256:aaaa"));
        assert!(
            !id.is("pkg:oci/shop@sha256:cccc"),
            "another build of the same repository"
        );
        assert!(id.is("pkg:oci/shop"));
        assert!(id.is("pkg:docker/acme/shop@1.4.2"));
        assert!(!id.is("pkg:oci/cart"));
        assert!(!id.is("pkg:deb/debian/shop"));
        assert!(!id.is("https://example.com/shop"));
    }

    #[test]
    fn artifact_without_digests_matches_by_name() {
        let a = Artifact {
            name: "alpine:3.20".into(),
            ..Default::default()
        };
        let id = ArtifactIdentity::new(&a);
        assert!(id.is("pkg:oci/alpine@sha256%3A0123"));
        assert!(id.is("pkg:docker/library/alpine"));
        assert!(!id.is("pkg:oci/debian"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("pkg:npm/%40babel/core@7.0.0"),
            "pkg:npm/@babel/core@7.0.0"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn format_detection_errors() {
        let e = VexDocument::parse(b"{", "v.json").unwrap_err();
        assert!(e.to_string().starts_with("v.json: not valid JSON:"), "{e}");
        let e =
            VexDocument::parse(br#"{"document":{"csaf_version":"2.0"}}"#, "c.json").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.json: CSAF VEX is not supported; use OpenVEX or CycloneDX VEX"
        );
        let e = VexDocument::parse(br#"{"spdxVersion":"SPDX-2.3"}"#, "s.json").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.json: neither an OpenVEX document"),
            "{e}"
        );
        let e = VexDocument::parse(
            br#"{"bomFormat":"CycloneDX","specVersion":"1.3"}"#,
            "b.json",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.json: CycloneDX specVersion \"1.3\" has no VEX analysis; 1.4 to 1.7 are read"
        );
    }
}
