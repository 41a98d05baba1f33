//! The check catalogue: metadata of every check read from the YAML data files
//! (`rules/cis-docker.yaml`, `rules/sprawl.yaml`) embedded at build time, plus
//! the user's settings (disabled checks, severity overrides, custom field checks).
//!
//! The logic of the built-in checks is Rust keyed by id (`checks/`); a
//! test makes sure every id in the data has logic and fixtures, and every
//! check the logic emits has data.

use crate::AuditError;
use drydock_core::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const CIS_YAML: &str = include_str!("../rules/cis-docker.yaml");
const SPRAWL_YAML: &str = include_str!("../rules/sprawl.yaml");

/// What a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    Daemon,
    /// A file of the daemon's host (unit files, daemon.json, the socket, TLS files).
    HostFile,
    Image,
    Container,
    Network,
}

/// The metadata of one check, as written in the data file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckMeta {
    pub id: String,
    /// The CIS Docker Benchmark 1.6 recommendation number, where one applies.
    #[serde(default)]
    pub cis: Option<String>,
    pub target: TargetKind,
    pub title: String,
    pub severity: Severity,
    /// Whether drydock can judge the check; `false` checks are always MANUAL.
    #[serde(default = "yes")]
    pub automated: bool,
    /// Why a non-automated check cannot be judged from the API.
    #[serde(default)]
    pub manual: Option<String>,
    pub description: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub compliance: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    checks: Vec<CheckMeta>,
}

/// A user-defined check: one field of an inspect document and a condition
/// that makes it fail (Falco-style data the user can write without a build).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomCheck {
    #[serde(flatten)]
    pub meta: CheckMeta,
    /// Dot path into `docker inspect` output (`HostConfig.Memory`, `Config.User`).
    pub field: String,
    /// The condition under which the check fails.
    pub fail_if: Condition,
}

/// When a [`CustomCheck`] fails. A missing field counts as `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The field equals this JSON value.
    Equals(serde_json::Value),
    /// The field differs from this JSON value.
    NotEquals(serde_json::Value),
    /// The field is one of these values.
    In(Vec<serde_json::Value>),
    /// The field (a string, or any element of an array of strings) matches this regex.
    Matches(String),
    /// The field is missing, null, `""`, `0`, `false`, `[]` or `{}`.
    Empty(bool),
}

/// The user's settings file (`--audit-config`): YAML.
///
/// ```yaml
/// disable: [DD-CIS-2.13, DD-CIS-5.29]
/// severity: {DD-CIS-5.12: LOW}
/// custom:
///   - id: ACME-MEM-RESERVATION
///     target: container
///     title: Containers must reserve memory
///     severity: MEDIUM
///     description: ...
///     remediation: docker run --memory-reservation ...
///     field: HostConfig.MemoryReservation
///     fail_if: {empty: true}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub custom: Vec<CustomCheck>,
}

impl RuleConfig {
    /// Parses a settings file; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<RuleConfig, AuditError> {
        let cfg: RuleConfig = serde_saphyr::from_str(text).map_err(|e| AuditError::Rules {
            source_name: source.to_string(),
            message: e.to_string(),
        })?;
        for c in &cfg.custom {
            if matches!(c.meta.target, TargetKind::HostFile | TargetKind::Network) {
                return Err(AuditError::Rules {
                    source_name: source.to_string(),
                    message: format!(
                        "custom check {}: target must be container, image or daemon (a field of docker inspect / docker info)",
                        c.meta.id
                    ),
                });
            }
            if let Condition::Matches(re) = &c.fail_if {
                regex::Regex::new(re).map_err(|e| AuditError::Rules {
                    source_name: source.to_string(),
                    message: format!("custom check {}: bad regex: {e}", c.meta.id),
                })?;
            }
        }
        Ok(cfg)
    }
}

/// All check metadata, built-in and custom, with the user's settings applied.
#[derive(Debug, Clone)]
pub struct Catalog {
    checks: BTreeMap<String, CheckMeta>,
    order: Vec<String>,
    disabled: Vec<String>,
    pub(crate) custom: Vec<CustomCheck>,
}

fn parse_file(text: &str, name: &str) -> Result<Vec<CheckMeta>, AuditError> {
    let f: RuleFile = serde_saphyr::from_str(text).map_err(|e| AuditError::Rules {
        source_name: name.to_string(),
        message: e.to_string(),
    })?;
    Ok(f.checks)
}

impl Catalog {
    /// The built-in checks only.
    pub fn builtin() -> Result<Catalog, AuditError> {
        Catalog::with_config(&RuleConfig::default())
    }

    /// The built-in checks with the user's settings.
    pub fn with_config(cfg: &RuleConfig) -> Result<Catalog, AuditError> {
        let mut all = parse_file(CIS_YAML, "rules/cis-docker.yaml")?;
        all.extend(parse_file(SPRAWL_YAML, "rules/sprawl.yaml")?);
        all.extend(cfg.custom.iter().map(|c| c.meta.clone()));
        let mut checks = BTreeMap::new();
        let mut order = Vec::new();
        for mut c in all {
            if let Some(s) = cfg.severity.get(&c.id) {
                c.severity = *s;
            }
            if checks.contains_key(&c.id) {
                return Err(AuditError::Rules {
                    source_name: "rules".into(),
                    message: format!("check id {} is defined twice", c.id),
                });
            }
            order.push(c.id.clone());
            checks.insert(c.id.clone(), c);
        }
        for id in cfg.disable.iter().chain(cfg.severity.keys()) {
            if !checks.contains_key(id) {
                return Err(AuditError::Rules {
                    source_name: "audit config".into(),
                    message: format!("unknown check id {id}"),
                });
            }
        }
        Ok(Catalog {
            checks,
            order,
            disabled: cfg.disable.clone(),
            custom: cfg.custom.clone(),
        })
    }

    pub fn get(&self, id: &str) -> Option<&CheckMeta> {
        self.checks.get(id)
    }

    pub fn is_enabled(&self, id: &str) -> bool {
        !self.disabled.iter().any(|d| d == id)
    }

    /// Every check in data-file order.
    pub fn all(&self) -> impl Iterator<Item = &CheckMeta> {
        self.order.iter().filter_map(|id| self.checks.get(id))
    }

    /// The rule reference (docs/rules/docker-cis.md), generated from the data.
    pub fn render_markdown(&self) -> String {
        let mut out = String::from(
            "# Docker audit checks (CIS Docker Benchmark 1.6)\n\n\
             <!-- Generated from crates/audit/rules/*.yaml by the `rule_docs_are_current` test; \
             run `UPDATE_RULE_DOCS=1 cargo test -p drydock-audit rule_docs` to rewrite. Do not edit. -->\n\n\
             `drydock audit docker` runs the checks of sections 2 to 5 and 7 against the live daemon; \
             `drydock inventory` reports sprawl (section 6) and network exposure. \
             Status MANUAL means the check cannot be judged from the Engine API; drydock says why \
             instead of passing it. See [docs/audit.md](../audit.md).\n\n",
        );
        let sections: [(&str, Picker); 7] = [
            ("Daemon configuration (section 2)", |c| {
                c.target == TargetKind::Daemon
                    && c.cis.as_deref().is_some_and(|s| s.starts_with("2."))
            }),
            ("Daemon configuration files (section 3)", |c| {
                c.target == TargetKind::HostFile
            }),
            ("Images (section 4)", |c| {
                c.target == TargetKind::Image && !c.id.starts_with("DD-SPRAWL")
                    || c.id == "DD-CIS-4.5"
            }),
            ("Container runtime (section 5)", |c| {
                c.target == TargetKind::Container && !c.id.starts_with("DD-SPRAWL")
            }),
            ("Swarm mode (section 7)", |c| {
                c.cis.as_deref().is_some_and(|s| s.starts_with("7."))
            }),
            ("Sprawl and orphans (section 6, `drydock inventory`)", |c| {
                c.id.starts_with("DD-SPRAWL")
            }),
            ("Network exposure (`drydock inventory`)", |c| {
                c.target == TargetKind::Network
            }),
        ];
        for (name, pick) in sections {
            out.push_str(&format!(
                "## {name}\n\n| ID | CIS | Severity | Title | Automated |\n|---|---|---|---|---|\n"
            ));
            let picked: Vec<&CheckMeta> = self.all().filter(|c| pick(c)).collect();
            for c in &picked {
                out.push_str(&format!(
                    "| [{}](#{}) | {} | {} | {} | {} |\n",
                    c.id,
                    anchor(&c.id),
                    c.cis.as_deref().unwrap_or("-"),
                    c.severity,
                    c.title.replace('|', "\\|"),
                    if c.automated { "yes" } else { "manual" }
                ));
            }
            out.push('\n');
            for c in &picked {
                out.push_str(&format!(
                    "### {}\n\n**{}** ({})\n\n",
                    c.id, c.title, c.severity
                ));
                out.push_str(&format!("**Why it matters.** {}\n\n", c.description.trim()));
                if let Some(m) = &c.manual {
                    out.push_str(&format!("**Manual.** {}\n\n", m.trim()));
                }
                out.push_str(&format!("**Remediation.** {}\n\n", c.remediation.trim()));
                if !c.compliance.is_empty() {
                    out.push_str(&format!("**Compliance.** {}\n\n", c.compliance.join(", ")));
                }
                if !c.references.is_empty() {
                    out.push_str("**References.**\n");
                    for r in &c.references {
                        out.push_str(&format!("- <{r}>\n"));
                    }
                    out.push('\n');
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

/// Which checks a section of the generated reference lists.
type Picker = fn(&CheckMeta) -> bool;

/// The anchor GitHub makes of a heading: lowercase, dots and other punctuation dropped.
fn anchor(id: &str) -> String {
    id.chars()
        .filter_map(|c| match c {
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses_and_cis_ids_match_compliance() {
        let cat = Catalog::builtin().unwrap();
        assert!(cat.all().count() > 60, "{}", cat.all().count());
        for c in cat.all() {
            if let Some(cis) = &c.cis {
                let want = format!("CIS-Docker-1.6:{cis}");
                assert!(
                    c.compliance.contains(&want),
                    "{}: compliance lacks {want}",
                    c.id
                );
            }
            assert!(
                c.compliance
                    .iter()
                    .any(|x| x.starts_with("NIST-800-190:4.")),
                "{}: no NIST SP 800-190 mapping",
                c.id
            );
            assert!(
                c.automated || c.manual.is_some(),
                "{}: manual check without a reason",
                c.id
            );
            assert!(
                !c.description.trim().is_empty() && !c.remediation.trim().is_empty(),
                "{}",
                c.id
            );
        }
        assert_eq!(
            cat.get("DD-CIS-5.4").unwrap().title,
            "Ensure that privileged containers are not used"
        );
        assert_eq!(cat.get("DD-CIS-5.31").unwrap().severity, Severity::Critical);
    }

    #[test]
    fn config_disables_overrides_and_rejects_unknown_ids() {
        let cfg = RuleConfig::parse(
            "disable: [DD-CIS-5.29]\nseverity: {DD-CIS-5.12: LOW}\ncustom:\n  - id: ACME-1\n    target: container\n    title: t\n    severity: HIGH\n    description: d\n    remediation: r\n    compliance: ['NIST-800-190:4.4.3']\n    field: HostConfig.MemoryReservation\n    fail_if: {empty: true}\n",
            "audit.yaml",
        )
        .unwrap();
        let cat = Catalog::with_config(&cfg).unwrap();
        assert!(!cat.is_enabled("DD-CIS-5.29"));
        assert!(cat.is_enabled("DD-CIS-5.4"));
        assert_eq!(cat.get("DD-CIS-5.12").unwrap().severity, Severity::Low);
        assert_eq!(cat.get("ACME-1").unwrap().severity, Severity::High);

        let bad = RuleConfig::parse("disable: [NOPE-1]\n", "audit.yaml").unwrap();
        let err = Catalog::with_config(&bad).unwrap_err().to_string();
        assert!(err.contains("NOPE-1"), "{err}");
        let err = RuleConfig::parse("disable: 3\nbogus: 1\n", "my.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("my.yaml"), "{err}");
        let err = RuleConfig::parse(
            "custom:\n  - {id: X, target: image, title: t, severity: LOW, description: d, remediation: r, field: a, fail_if: {matches: '('}}\n",
            "c.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("bad regex"), "{err}");
    }
}
