//! The rule catalogue: metadata of every built-in rule, read from the
//! declarative files in `rules/` (embedded at build time), and the conversion
//! of a check's hit into a [`Finding`].

use drydock_core::{Finding, FindingKind, Location, Severity};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Which kind of file a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Dockerfile,
    Kubernetes,
    Compose,
}

impl Family {
    pub const ALL: [Family; 3] = [Family::Dockerfile, Family::Kubernetes, Family::Compose];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Dockerfile => "dockerfile",
            Family::Kubernetes => "kubernetes",
            Family::Compose => "compose",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Family::Dockerfile => include_str!("../rules/dockerfile.yaml"),
            Family::Kubernetes => include_str!("../rules/kubernetes.yaml"),
            Family::Compose => include_str!("../rules/compose.yaml"),
        }
    }
}

/// One rule's documentation: what it finds, why it matters, how to fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// Why it matters.
    pub description: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    /// `FRAMEWORK:CONTROL` strings.
    #[serde(default)]
    pub compliance: Vec<String>,
    /// The same check in other tools: `hadolint:DL3002`, `trivy:KSV017`, `checkov:CKV_K8S_16`.
    #[serde(default)]
    pub equivalents: Vec<String>,
    /// Filled from the file the rule is in.
    #[serde(skip_deserializing, default = "default_family")]
    pub family: Family,
}

fn default_family() -> Family {
    Family::Dockerfile
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<RuleMeta>,
}

/// Parses one rule file; public to the crate so a test can name a broken file.
pub(crate) fn parse_rule_file(family: Family, text: &str) -> Result<Vec<RuleMeta>, String> {
    let file: RuleFile = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    Ok(file
        .rules
        .into_iter()
        .map(|mut r| {
            r.family = family;
            r
        })
        .collect())
}

/// Every built-in rule, Dockerfile first, then Kubernetes, then Compose, each in id order.
pub fn rules() -> &'static [RuleMeta] {
    static RULES: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut all = Vec::new();
        for family in Family::ALL {
            // The files are part of the binary, not input: the test
            // `rule_files_parse` proves each one parses, so this cannot fail.
            let parsed = parse_rule_file(family, family.source())
                .unwrap_or_else(|e| panic!("rules/{}.yaml: {e}", family.as_str()));
            all.extend(parsed);
        }
        all
    })
}

/// The metadata of the rule `id`.
pub fn rule(id: &str) -> Option<&'static RuleMeta> {
    static BY_ID: OnceLock<HashMap<&'static str, &'static RuleMeta>> = OnceLock::new();
    BY_ID
        .get_or_init(|| rules().iter().map(|r| (r.id.as_str(), r)).collect())
        .get(id)
        .copied()
}

/// What a check saw: the rule, the lines, the evidence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub rule: &'static str,
    pub line: u32,
    pub end_line: u32,
    pub evidence: String,
}

/// Collects hits for one rule at a time; checks keyed by rule id write here.
#[derive(Default)]
pub(crate) struct Out {
    pub current: &'static str,
    pub hits: Vec<Hit>,
}

impl Out {
    pub fn hit(&mut self, line: u32, evidence: impl Into<String>) {
        self.hit_span(line, line, evidence);
    }

    pub fn hit_span(&mut self, line: u32, end_line: u32, evidence: impl Into<String>) {
        self.hits.push(Hit {
            rule: self.current,
            line,
            end_line: end_line.max(line),
            evidence: evidence.into(),
        });
    }
}

pub(crate) fn finding_from_hit(path: &str, hit: &Hit) -> Finding {
    let mut location = Location::file(path);
    location.line = Some(hit.line);
    let Some(meta) = rule(hit.rule) else {
        // Every check id is in the catalogue (test `every_check_has_metadata`).
        return Finding::new(
            FindingKind::Misconfiguration,
            hit.rule,
            hit.rule,
            Severity::Unknown,
            location,
        );
    };
    let mut f = Finding::new(
        FindingKind::Misconfiguration,
        meta.id.clone(),
        meta.title.clone(),
        meta.severity,
        location,
    );
    f.description = meta.description.trim().to_string();
    f.remediation = meta.remediation.trim().to_string();
    f.references = meta.references.clone();
    f.compliance = meta.compliance.clone();
    f.aliases = meta.equivalents.clone();
    if !hit.evidence.is_empty() {
        f.evidence = Some(hit.evidence.clone());
    }
    if hit.end_line > hit.line {
        f.notes.push(format!("lines {}-{}", hit.line, hit.end_line));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_files_parse() {
        for family in Family::ALL {
            let rules = parse_rule_file(family, family.source()).unwrap();
            assert!(!rules.is_empty(), "{family:?}");
        }
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for r in rules() {
            assert!(seen.insert(r.id.clone()), "duplicate {}", r.id);
            let prefix = match r.family {
                Family::Dockerfile => "DD-DF-",
                Family::Kubernetes => "DD-K8S-",
                Family::Compose => "DD-DC-",
            };
            assert!(r.id.starts_with(prefix), "{}", r.id);
            for c in &r.compliance {
                assert!(
                    c.contains(':'),
                    "{}: compliance {c} is not FRAMEWORK:CONTROL",
                    r.id
                );
            }
            assert!(!r.description.trim().is_empty() && !r.remediation.trim().is_empty());
        }
    }
}
