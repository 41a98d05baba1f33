//! JUnit XML output, for the test report views of GitLab, Jenkins and other CI
//! systems: one `<testsuite>` per target (the OS packages, each lockfile or
//! package directory, secrets, each family of checks), one passing
//! `<testcase>` per package without findings, and one `<testcase>` per
//! finding, failed (or skipped, when suppressed).
//!
//! A package with findings gets one test case per finding rather than one
//! with several `<failure>`s: the strict Ant schema allows one failure per
//! test case and Jenkins shows only the first, and a suppressed finding must
//! be skippable on its own. The document validates against both the Ant
//! JUnitReport schema (Windy Road's `JUnit.xsd`) and the Surefire-compatible
//! `junit-10.xsd` Jenkins uses, which together decide the shape: no
//! attributes on `<testsuites>`, `package` and `id` on each suite, a
//! timestamp without a time zone, and `properties`, `system-out` and
//! `system-err` present in that order.
//!
//! Written by hand over `quick-xml`'s escaping rather than with `quick-junit`,
//! which writes attributes the strict schema rejects (`<testsuites tests=…>`).

use crate::table::{
    Target, clean_created_by, packages_by_ref, short_digest, target_of, target_title,
    vulnerability_target,
};
use crate::{ReportError, Result};
use drydock_core::{Finding, FindingKind, FixStatus, Package, Report};
use quick_xml::escape::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

/// Writes `report` as a JUnit XML document.
pub fn write(report: &Report, mut w: impl Write) -> Result<()> {
    w.write_all(render(report).as_bytes())
        .map_err(|source| ReportError::Io {
            format: "JUnit",
            source,
        })
}

/// One `<testsuite>` before it is written.
struct Suite<'a> {
    name: String,
    /// The suite's `package` attribute: a dotted id Jenkins groups by.
    package: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case<'a>>,
}

struct Case<'a> {
    name: String,
    classname: String,
    finding: Option<&'a Finding>,
}

fn render(report: &Report) -> String {
    let suites = suites(report);
    let timestamp = timestamp(&report.created_at);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (id, suite) in suites.iter().enumerate() {
        let failures = suite
            .cases
            .iter()
            .filter(|c| c.finding.is_some_and(|f| f.suppressed.is_none()))
            .count();
        let skipped = suite
            .cases
            .iter()
            .filter(|c| c.finding.is_some_and(|f| f.suppressed.is_some()))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" package=\"{}\" id=\"{id}\" timestamp=\"{timestamp}\" hostname=\"localhost\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">",
            attr(&suite.name),
            attr(&suite.package),
            suite.cases.len(),
        );
        out.push_str("    <properties>\n");
        for (name, value) in &suite.properties {
            let _ = writeln!(
                out,
                "      <property name=\"{name}\" value=\"{}\"/>",
                attr(value)
            );
        }
        out.push_str("    </properties>\n");
        for case in &suite.cases {
            write_case(&mut out, case);
        }
        out.push_str("    <system-out/>\n    <system-err/>\n  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn write_case(out: &mut String, case: &Case) {
    let head = format!(
        "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"",
        attr(&case.name),
        attr(&case.classname)
    );
    match case.finding {
        None => {
            let _ = writeln!(out, "{head}/>");
        }
        Some(f) => match &f.suppressed {
            Some(s) => {
                let _ = writeln!(
                    out,
                    "{head}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                    attr(&format!(
                        "{} suppressed by {}: {}",
                        f.id, s.source, s.reason
                    ))
                );
            }
            None => {
                let mut message = format!("{} {}", f.id, f.severity);
                if !f.title.trim().is_empty() {
                    let _ = write!(message, ": {}", f.title.trim());
                }
                let _ = writeln!(
                    out,
                    "{head}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    attr(&message),
                    kind_name(f.kind),
                    text(&details(f))
                );
            }
        },
    }
}

fn kind_name(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Vulnerability => "vulnerability",
        FindingKind::Secret => "secret",
        FindingKind::Misconfiguration => "misconfiguration",
    }
}

/// The failure's text: everything a reader needs to act, one fact a line.
fn details(f: &Finding) -> String {
    let mut d = String::new();
    if let Some(name) = &f.package_name {
        let _ = writeln!(
            d,
            "Package: {name} {}",
            f.installed_version.as_deref().unwrap_or_default()
        );
    }
    if let Some(fixed) = &f.fixed_version {
        let _ = writeln!(d, "Fixed version: {fixed}");
    }
    if let Some(status) = f.status {
        let status = match status {
            FixStatus::Fixed => "fixed",
            FixStatus::Affected => "affected, no fix yet",
            FixStatus::NotAffected => "not affected",
        };
        let _ = writeln!(d, "Status: {status}");
    }
    let _ = writeln!(d, "Severity: {}", f.severity);
    if let Some(score) = f.cvss_score.filter(|s| s.is_finite()) {
        let _ = writeln!(
            d,
            "CVSS: {score:.1} {}",
            f.cvss_vector.as_deref().unwrap_or_default()
        );
    }
    let mut location = f.location.path.clone();
    if let Some(line) = f.location.line {
        let _ = write!(location, ":{line}");
    }
    if let Some(layer) = &f.location.layer {
        let _ = write!(
            location,
            " (layer {} {}",
            layer.index,
            short_digest(&layer.diff_id)
        );
        if let Some(cmd) = &layer.created_by {
            let _ = write!(location, ": {}", clean_created_by(cmd));
        }
        location.push(')');
    }
    let _ = writeln!(d, "Location: {location}");
    if !f.aliases.is_empty() {
        let _ = writeln!(d, "Aliases: {}", f.aliases.join(", "));
    }
    if !f.compliance.is_empty() {
        let _ = writeln!(d, "Compliance: {}", f.compliance.join(", "));
    }
    if let Some(evidence) = &f.evidence {
        let _ = writeln!(d, "Evidence: {evidence}");
    }
    if !f.remediation.trim().is_empty() {
        let _ = writeln!(d, "Remediation: {}", f.remediation.trim());
    }
    for note in &f.notes {
        let _ = writeln!(d, "Note: {note}");
    }
    if !f.description.trim().is_empty() {
        let _ = writeln!(d, "\n{}", f.description.trim());
    }
    if !f.references.is_empty() {
        d.push_str("\nReferences:\n");
        for r in &f.references {
            let _ = writeln!(d, "  {r}");
        }
    }
    d
}

fn suites(report: &Report) -> Vec<Suite<'_>> {
    let by_ref = packages_by_ref(report);
    let mut packages: BTreeMap<Target, Vec<&Package>> = BTreeMap::new();
    for p in &report.inventory.packages {
        packages.entry(target_of(p)).or_default().push(p);
    }
    let mut vulns: BTreeMap<Target, Vec<&Finding>> = BTreeMap::new();
    let mut secrets: Vec<&Finding> = Vec::new();
    let mut checks: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        match f.kind {
            FindingKind::Vulnerability => vulns
                .entry(vulnerability_target(&by_ref, f))
                .or_default()
                .push(f),
            FindingKind::Secret => secrets.push(f),
            FindingKind::Misconfiguration => checks.entry(check_family(&f.id)).or_default().push(f),
        }
    }

    let common = common_properties(report);
    let mut targets: Vec<&Target> = packages.keys().chain(vulns.keys()).collect();
    targets.sort();
    targets.dedup();
    let mut out = Vec::new();
    for target in targets {
        let pkgs = packages.get(target);
        let findings = vulns.get(target).map(Vec::as_slice).unwrap_or_default();
        let mut properties = common.clone();
        let (package, path) = match target {
            Target::Os => ("drydock.os-packages".to_string(), None),
            Target::File(path) => (format!("drydock.packages.{}", dotted(path)), Some(path)),
        };
        if let Some(path) = path {
            properties.push(("drydock.target", path.clone()));
        }
        let mut ecosystems: Vec<&str> = pkgs
            .into_iter()
            .flatten()
            .map(|p| p.ecosystem.osv_name())
            .collect();
        ecosystems.sort();
        ecosystems.dedup();
        if !ecosystems.is_empty() {
            properties.push(("drydock.ecosystem", ecosystems.join(", ")));
        }
        let mut cases = Vec::new();
        for p in pkgs.into_iter().flatten() {
            let reference = p.bom_ref();
            let own: Vec<&Finding> = findings
                .iter()
                .copied()
                .filter(|f| f.package_ref.as_deref() == Some(reference.as_str()))
                .collect();
            let label = format!("{} {}", p.name, p.version);
            if own.is_empty() {
                cases.push(Case {
                    name: label.clone(),
                    classname: p.name.clone(),
                    finding: None,
                });
            }
            for f in own {
                cases.push(Case {
                    name: format!("{} ({label})", f.id),
                    classname: p.name.clone(),
                    finding: Some(f),
                });
            }
        }
        // Vulnerabilities whose package is not in the inventory (an SBOM scan
        // with partial data) still fail the suite.
        for f in findings {
            let known = f
                .package_ref
                .as_ref()
                .is_some_and(|r| by_ref.contains_key(r));
            if !known {
                let name = f
                    .package_name
                    .clone()
                    .unwrap_or_else(|| f.location.path.clone());
                let label = match &f.installed_version {
                    Some(v) => format!("{name} {v}"),
                    None => name.clone(),
                };
                cases.push(Case {
                    name: format!("{} ({label})", f.id),
                    classname: name,
                    finding: Some(f),
                });
            }
        }
        out.push(Suite {
            name: target_title(report, target, pkgs),
            package,
            properties,
            cases,
        });
    }

    if !secrets.is_empty() {
        out.push(Suite {
            name: "Secrets".into(),
            package: "drydock.secrets".into(),
            properties: common.clone(),
            cases: secrets.into_iter().map(check_case).collect(),
        });
    }
    for (family, findings) in checks {
        let mut properties = common.clone();
        properties.push(("drydock.check-family", family.clone()));
        out.push(Suite {
            name: format!("{family} checks"),
            package: format!("drydock.checks.{}", dotted(&family)),
            properties,
            cases: findings.into_iter().map(check_case).collect(),
        });
    }
    out
}

/// A secret or check finding: `DS002: title (Dockerfile:12)`, classed by its file.
fn check_case(f: &Finding) -> Case<'_> {
    let mut name = f.id.clone();
    if !f.title.trim().is_empty() {
        let _ = write!(name, ": {}", f.title.trim());
    }
    let mut at = f.location.path.clone();
    if let Some(line) = f.location.line {
        let _ = write!(at, ":{line}");
    }
    if !at.is_empty() {
        let _ = write!(name, " ({at})");
    }
    Case {
        name,
        classname: if f.location.path.is_empty() {
            kind_name(f.kind).to_string()
        } else {
            f.location.path.clone()
        },
        finding: Some(f),
    }
}

/// The family of a check id: its letters before the number (`DS` of `DS002`,
/// `KSV` of `KSV-0017`), or the whole id when it has no number.
fn check_family(id: &str) -> String {
    let family: String = id
        .chars()
        .take_while(|c| !c.is_ascii_digit())
        .collect::<String>()
        .trim_end_matches(['-', '_', ' '])
        .to_string();
    if family.is_empty() {
        "other".into()
    } else {
        family
    }
}

/// A path or name as dot-separated segments, for the `package` attribute.
fn dotted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push(if c.is_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '.'
        });
    }
    let parts: Vec<&str> = out.split('.').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        "unknown".into()
    } else {
        parts.join(".")
    }
}

fn common_properties(report: &Report) -> Vec<(&'static str, String)> {
    let mut p = vec![
        ("drydock.version", report.tool_version.clone()),
        ("drydock.artifact", report.artifact.name.clone()),
    ];
    if let Some(id) = &report.artifact.image_id {
        p.push(("drydock.image-id", id.clone()));
    }
    if let Some(os) = &report.inventory.os {
        p.push(("drydock.os", format!("{} {}", os.family, os.version)));
    }
    if let Some(db) = &report.db {
        p.push(("drydock.db-built-at", db.built_at.clone()));
    }
    p
}

/// The scan time in UTC without a zone, the only form the Ant schema accepts;
/// the epoch when the report's time is not RFC 3339.
fn timestamp(created_at: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    time::OffsetDateTime::parse(created_at.trim(), &Rfc3339)
        .ok()
        .and_then(|t| {
            t.to_offset(time::UtcOffset::UTC)
                .format(format_description!(
                    "[year]-[month]-[day]T[hour]:[minute]:[second]"
                ))
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00".into())
}

/// Characters XML 1.0 cannot carry at all, even escaped (most C0 controls,
/// e.g. an ANSI escape in a title), become U+FFFD.
fn xml_chars(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// An attribute value: escaped, and with newlines kept as character
/// references (a parser would turn a literal one into a space).
fn attr(s: &str) -> String {
    escape(xml_chars(s).as_str())
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

fn text(s: &str) -> String {
    escape(xml_chars(s).as_str()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_without_zone() {
        assert_eq!(timestamp("2026-11-29T08:15:30.482Z"), "2026-11-29T08:15:30");
        assert_eq!(
            timestamp("2026-11-29T08:15:30+01:00"),
            "2026-11-29T07:15:30"
        );
        assert_eq!(timestamp("yesterday"), "1970-01-01T00:00:00");
    }

    #[test]
    fn check_families() {
        assert_eq!(check_family("DS002"), "DS");
        assert_eq!(check_family("KSV-0017"), "KSV");
        assert_eq!(check_family("no-number"), "no-number");
        assert_eq!(check_family("42"), "other");
    }

    #[test]
    fn dotted_names() {
        assert_eq!(dotted("app/package-lock.json"), "app.package-lock.json");
        assert_eq!(dotted("/"), "unknown");
    }

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            attr("a<b & \"c\"\n\x1b[31m"),
            "a&lt;b &amp; &quot;c&quot;&#10;\u{FFFD}[31m"
        );
        assert_eq!(text("</failure>\x00"), "&lt;/failure&gt;\u{FFFD}");
    }
}
