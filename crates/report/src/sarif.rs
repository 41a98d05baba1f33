//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers: one
//! rule per vulnerability or check id, one result per finding, located at the
//! package database or lockfile (line 1 when the line is unknown, because
//! GitHub drops results without a region). The mapping is described in
//! `docs/report-formats.md`.
//!
//! The SARIF objects are our own serde structs rather than `serde-sarif`: that
//! crate generates its ~100 types in a build script (schemafy, syn,
//! prettyplease, typed-builder, strum), a heavy build for the dozen objects
//! written here, and its all-optional fields check less than these. The tests
//! validate the output against the official schema, so the structs cannot drift.

use crate::table::{clean_created_by, packages_by_ref};
use crate::{ReportError, Result};
use drydock_core::{Finding, FindingKind, FixStatus, Package, Report, Severity};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

/// The schema's own id (OASIS Standard with Errata 01).
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/drydock-sec/drydock";
/// Key of the fingerprint in `partialFingerprints`; bump the suffix if its inputs change.
const FINGERPRINT_KEY: &str = "drydock/v1";

/// Characters escaped in a relative path to make it a URI reference: controls,
/// space, and what would start a query, fragment or percent escape.
const PATH_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Writes `report` as a SARIF 2.1.0 log with one run, pretty-printed, newline-terminated.
pub fn write(report: &Report, mut w: impl Write) -> Result<()> {
    let log = build(report);
    serde_json::to_writer_pretty(&mut w, &log).map_err(|e| {
        if e.is_io() {
            ReportError::Io {
                format: "SARIF",
                source: e.into(),
            }
        } else {
            ReportError::Json(e)
        }
    })?;
    w.write_all(b"\n").map_err(|source| ReportError::Io {
        format: "SARIF",
        source,
    })
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: String,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    /// GitHub's severity for security alerts: a CVSS-like score as a string.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
    precision: &'static str,
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<ResultLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    /// The user decided it (ignore file, VEX, inline comment): viewers hide accepted ones.
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    kind: FindingKind,
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    package_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    installed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<FixStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_vector: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    layer: Option<LayerProperties>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LayerProperties {
    index: usize,
    diff_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    artifact_name: String,
    artifact_kind: drydock_core::ArtifactKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    repo_digests: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    os: Option<String>,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    db_built_at: Option<String>,
}

fn build(report: &Report) -> Log {
    let by_ref = packages_by_ref(report);

    // One rule per id, in order of first appearance; its metadata comes from
    // the most severe finding with that id (the same CVE can be rated
    // differently per ecosystem).
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rule_findings: Vec<Vec<&Finding>> = Vec::new();
    for f in &report.findings {
        let next = rule_findings.len();
        let i = *rule_index.entry(f.id.as_str()).or_insert(next);
        if i == next {
            rule_findings.push(Vec::new());
        }
        rule_findings[i].push(f);
    }
    let rules = rule_findings
        .iter()
        .map(|findings| rule(findings, &by_ref))
        .collect();

    let results = report
        .findings
        .iter()
        .map(|f| {
            // Every id was entered in the loop above.
            let index = rule_index.get(f.id.as_str()).copied().unwrap_or_default();
            result(f, index, &by_ref)
        })
        .collect();

    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "drydock",
                    version: report.tool_version.clone(),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
            properties: RunProperties {
                artifact_name: report.artifact.name.clone(),
                artifact_kind: report.artifact.kind,
                image_id: report.artifact.image_id.clone(),
                repo_digests: report.artifact.repo_digests.clone(),
                os: report
                    .inventory
                    .os
                    .as_ref()
                    .map(|os| format!("{} {}", os.family, os.version)),
                created_at: report.created_at.clone(),
                db_built_at: report.db.as_ref().map(|db| db.built_at.clone()),
            },
        }],
    }
}

/// SARIF's three levels: what fails a build, what should be looked at, the rest.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Unknown => "note",
    }
}

/// The `security-severity` GitHub ranks alerts by (9.0 and up critical, 7.0
/// high, 4.0 medium, above 0 low). The CVSS score is used when it rates the same as
/// drydock's severity; otherwise (a vendor rating overrides NVD's) a score
/// inside drydock's band, so GitHub shows the same severity as the other formats.
fn security_severity(severity: Severity, cvss: Option<f64>) -> Option<String> {
    if let Some(score) = cvss
        && score.is_finite()
        && Severity::from_cvss_score(score) == severity
    {
        return Some(format!("{score:.1}"));
    }
    match severity {
        Severity::Critical => Some("9.5".into()),
        Severity::High => Some("8.0".into()),
        Severity::Medium => Some("5.5".into()),
        Severity::Low => Some("2.0".into()),
        Severity::Unknown => None,
    }
}

fn kind_tag(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Vulnerability => "vulnerability",
        FindingKind::Secret => "secret",
        FindingKind::Misconfiguration => "misconfiguration",
    }
}

fn rule_name(f: &Finding, by_ref: &BTreeMap<String, &Package>) -> &'static str {
    match f.kind {
        FindingKind::Vulnerability => {
            let os = f
                .package_ref
                .as_ref()
                .and_then(|r| by_ref.get(r))
                .is_some_and(|p| p.ecosystem.is_os());
            if os {
                "OsPackageVulnerability"
            } else {
                "LanguagePackageVulnerability"
            }
        }
        FindingKind::Secret => "Secret",
        FindingKind::Misconfiguration => "Misconfiguration",
    }
}

/// Only absolute web links become `helpUri` (the schema wants a URI; the
/// references come from advisories and are not trusted to be one).
fn web_link(s: &str) -> Option<&str> {
    let ok = (s.starts_with("https://") || s.starts_with("http://"))
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    ok.then_some(s)
}

fn unique<'a>(items: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for item in items {
        let item = item.trim();
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn rule(findings: &[&Finding], by_ref: &BTreeMap<String, &Package>) -> Rule {
    // `build` creates a rule only with at least one finding.
    let worst = findings
        .iter()
        .copied()
        .max_by(|a, b| {
            (a.severity, a.cvss_score.unwrap_or(0.0))
                .partial_cmp(&(b.severity, b.cvss_score.unwrap_or(0.0)))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .unwrap_or(findings[0]);
    let title = if worst.title.trim().is_empty() {
        worst.id.clone()
    } else {
        worst.title.trim().to_string()
    };
    let description = if worst.description.trim().is_empty() {
        title.clone()
    } else {
        worst.description.trim().to_string()
    };
    let references = unique(findings.iter().flat_map(|f| &f.references));
    let remediations = unique(findings.iter().map(|f| &f.remediation));
    let compliance = unique(findings.iter().flat_map(|f| &f.compliance));

    let mut tags = vec![
        "security".to_string(),
        kind_tag(worst.kind).to_string(),
        worst.severity.as_str().to_string(),
    ];
    tags.extend(compliance.iter().map(|c| c.to_string()));

    let mut text = format!("{} ({})", worst.id, worst.severity);
    let mut markdown = format!("**{}** ({})", md(&worst.id), worst.severity);
    if let Some(score) = worst.cvss_score.filter(|s| s.is_finite()) {
        let _ = write!(text, ", CVSS {score:.1}");
        let _ = write!(markdown, ", CVSS {score:.1}");
        if let Some(vector) = &worst.cvss_vector {
            let _ = write!(text, " {vector}");
            let _ = write!(markdown, " `{}`", vector.replace('`', "'"));
        }
    }
    let _ = write!(text, "\n\n{description}\n");
    let _ = write!(markdown, "\n\n{}\n", md(&description));
    if !remediations.is_empty() {
        let _ = write!(text, "\nRemediation: {}\n", remediations.join(" "));
        let _ = write!(
            markdown,
            "\n**Remediation:** {}\n",
            md(&remediations.join(" "))
        );
    }
    if !compliance.is_empty() {
        let _ = write!(text, "\nCompliance: {}\n", compliance.join(", "));
        let _ = write!(
            markdown,
            "\n**Compliance:** {}\n",
            md(&compliance.join(", "))
        );
    }
    if !references.is_empty() {
        text.push_str("\nReferences:\n");
        markdown.push_str("\n**References**\n\n");
        for r in &references {
            let _ = writeln!(text, "- {r}");
            match web_link(r) {
                Some(link) => {
                    let _ = writeln!(markdown, "- <{link}>");
                }
                None => {
                    let _ = writeln!(markdown, "- {}", md(r));
                }
            }
        }
    }

    Rule {
        id: worst.id.clone(),
        name: rule_name(worst, by_ref),
        short_description: Text { text: title },
        full_description: Text { text: description },
        help_uri: references
            .iter()
            .find_map(|r| web_link(r))
            .map(str::to_string),
        help: Help { text, markdown },
        default_configuration: Configuration {
            level: level(worst.severity),
        },
        properties: RuleProperties {
            security_severity: security_severity(worst.severity, worst.cvss_score),
            precision: match worst.kind {
                // A package version match is certain; pattern-based checks less so.
                FindingKind::Vulnerability | FindingKind::Misconfiguration => "very-high",
                FindingKind::Secret => "high",
            },
            tags,
        },
    }
}

/// Escapes the characters that would start Markdown markup or raw HTML in
/// untrusted text (titles and descriptions come from advisories).
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `libssl3 3.0.11-1~deb12u2: CVE-2024-5535 (CRITICAL) …`, the text GitHub
/// shows under the alert title.
fn message(f: &Finding) -> String {
    let mut m = String::new();
    match (&f.package_name, &f.installed_version) {
        (Some(name), Some(version)) => {
            let _ = write!(m, "{name} {version}: ");
        }
        (Some(name), None) => {
            let _ = write!(m, "{name}: ");
        }
        _ => {}
    }
    let _ = write!(m, "{} ({})", f.id, f.severity);
    if !f.title.trim().is_empty() {
        let _ = write!(m, " {}", f.title.trim());
    }
    match (&f.fixed_version, f.status) {
        (Some(fixed), _) if !fixed.is_empty() => {
            let _ = write!(m, ". Fixed in {fixed}.");
        }
        (_, Some(FixStatus::Affected)) => m.push_str(". No fix yet."),
        _ if f.kind == FindingKind::Vulnerability => m.push('.'),
        _ => {}
    }
    if let Some(evidence) = &f.evidence {
        let _ = write!(m, "\nEvidence: {evidence}");
    }
    m
}

/// A hash of what identifies the finding across scans, so GitHub keeps one
/// alert while the package is upgraded or the file moves lines. Findings
/// without a package (secrets, checks) include their line, or two in one
/// file would be merged into one alert.
fn fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    for part in [
        f.id.as_str(),
        f.package_name.as_deref().unwrap_or_default(),
        f.location.path.as_str(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    if f.package_name.is_none() {
        h.update(f.location.line.unwrap_or(0).to_be_bytes());
    }
    hex::encode(h.finalize())
}

fn uri(path: &str) -> String {
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        // An empty URI is valid but points nowhere; name the artifact root instead.
        return ".".into();
    }
    utf8_percent_encode(path, PATH_ESCAPES).to_string()
}

fn result(f: &Finding, rule_index: usize, by_ref: &BTreeMap<String, &Package>) -> SarifResult {
    let package = f.package_ref.as_ref().and_then(|r| by_ref.get(r));
    let suppressions = f
        .suppressed
        .iter()
        .map(|s| SarifSuppression {
            kind: if s.source == "inline" {
                "inSource"
            } else {
                "external"
            },
            status: "accepted",
            justification: format!("{}: {}", s.source, s.reason),
        })
        .collect();
    SarifResult {
        rule_id: f.id.clone(),
        rule_index,
        level: level(f.severity),
        message: Text { text: message(f) },
        locations: vec![ResultLocation {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&f.location.path),
                },
                region: Region {
                    start_line: f.location.line.filter(|l| *l > 0).unwrap_or(1),
                },
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint(f))]),
        suppressions,
        properties: ResultProperties {
            kind: f.kind,
            severity: f.severity,
            package_name: f.package_name.clone(),
            installed_version: f.installed_version.clone(),
            fixed_version: f.fixed_version.clone(),
            status: f.status,
            purl: package.map(|p| p.purl.clone()),
            cvss_score: f.cvss_score.filter(|s| s.is_finite()),
            cvss_vector: f.cvss_vector.clone(),
            aliases: f.aliases.clone(),
            layer: f.location.layer.as_ref().map(|l| LayerProperties {
                index: l.index,
                diff_id: l.diff_id.clone(),
                created_by: l.created_by.as_deref().map(clean_created_by),
            }),
            evidence: f.evidence.clone(),
            notes: f.notes.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::Location;

    #[test]
    fn security_severity_follows_cvss_only_when_it_agrees() {
        assert_eq!(
            security_severity(Severity::Critical, Some(9.8)),
            Some("9.8".into())
        );
        // Debian rates it low; GitHub must not show it as high.
        assert_eq!(
            security_severity(Severity::Low, Some(7.5)),
            Some("2.0".into())
        );
        assert_eq!(security_severity(Severity::High, None), Some("8.0".into()));
        assert_eq!(
            security_severity(Severity::Medium, Some(f64::NAN)),
            Some("5.5".into())
        );
        assert_eq!(security_severity(Severity::Unknown, None), None);
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("var/lib/dpkg/status"), "var/lib/dpkg/status");
        assert_eq!(uri("/app/my file#1?.txt"), "app/my%20file%231%3F.txt");
        assert_eq!(uri("app/ünï.json"), "app/%C3%BCn%C3%AF.json");
        assert_eq!(uri(""), ".");
    }

    #[test]
    fn fingerprints_ignore_versions_and_lines_of_packages() {
        let mut a = Finding::new(
            FindingKind::Vulnerability,
            "CVE-2024-5535",
            "t",
            Severity::Critical,
            Location::file("var/lib/dpkg/status"),
        );
        a.package_name = Some("libssl3".into());
        a.installed_version = Some("3.0.11".into());
        let mut b = a.clone();
        b.installed_version = Some("3.0.13".into());
        b.location.line = Some(40);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        b.package_name = Some("openssl".into());
        assert_ne!(fingerprint(&a), fingerprint(&b));

        let mut s1 = Finding::new(
            FindingKind::Secret,
            "aws-access-key-id",
            "t",
            Severity::Critical,
            Location::file(".env"),
        );
        s1.location.line = Some(3);
        let mut s2 = s1.clone();
        s2.location.line = Some(4);
        assert_ne!(fingerprint(&s1), fingerprint(&s2));
        assert_eq!(fingerprint(&s1).len(), 64);
    }

    #[test]
    fn markdown_in_untrusted_text_is_escaped() {
        assert_eq!(md("a_b *c* <img> [x](y)"), r"a\_b \*c\* \<img\> \[x\](y)");
    }

    #[test]
    fn only_web_links_become_help_uris() {
        assert_eq!(
            web_link("https://nvd.nist.gov/vuln/detail/CVE-1"),
            Some("https://nvd.nist.gov/vuln/detail/CVE-1")
        );
        assert_eq!(web_link("javascript:alert(1)"), None);
        assert_eq!(web_link("https://a b"), None);
    }
}
