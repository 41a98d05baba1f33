//! Live Docker audit: the daemon, the images and the containers of a running
//! Docker Engine checked against the CIS Docker Benchmark 1.6 ([`audit_docker`]),
//! the inventory of what was left behind with its network exposure map
//! ([`inventory`]), and prune plans that delete only what they list
//! ([`prune_plan`], [`apply_prune`]).
//!
//! The Engine API is reached through bollard (unix socket or `DOCKER_HOST`) on a
//! private tokio runtime; the API outward is blocking. Gathering (`live`) is
//! kept apart from judging (`checks`): every check is a pure function over
//! `docker inspect` / `docker info` JSON, so it is tested on fixtures as well
//! as against the real daemon. Check metadata is data (`rules/*.yaml`).

mod checks;
mod host;
mod inventory;
mod json;
mod live;
mod prune;
mod rules;
mod setuid;
mod vulns;

pub use checks::daemon::DaemonFacts;
pub use host::{FileFact, FileRole};
pub use inventory::{
    ContainerRecord, DockerInventory, ImageRecord, InventoryOptions, NetworkRecord, PortBinding,
    inventory,
};
pub use live::{AuditOptions, AuditReport, audit_docker};
pub use prune::{PruneAction, PruneKind, PruneOutcome, PruneSkip, apply_prune, prune_plan};
pub use rules::{Catalog, CheckMeta, Condition, CustomCheck, RuleConfig, TargetKind};
pub use vulns::{ImageVulns, ScanCache, TOP_VULNS, TopVuln, VulnSource, VulnSummary};

use drydock_core::{Finding, FindingKind, Location, Severity};
use serde::{Deserialize, Serialize};

/// Everything that stops an audit, naming the input concerned.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("cannot connect to the Docker daemon ({host}): {message}")]
    Connect { host: String, message: String },
    /// An Engine API call failed; `what` names the call and object.
    #[error("Docker API {what}: {message}")]
    Api { what: String, message: String },
    /// A rule data file or the user's settings file is invalid.
    #[error("{source_name}: {message}")]
    Rules {
        source_name: String,
        message: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The result of one check on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    /// Nothing to judge, shown for review (ports published, not applicable here).
    Info,
    /// Cannot be judged from the API; the evidence says why.
    Manual,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Warn => "WARN",
            Status::Info => "INFO",
            Status::Manual => "MANUAL",
        }
    }
}

/// What a result is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Target {
    pub kind: TargetKind,
    /// Container name (no leading `/`), image reference, file path, network name, or `daemon`.
    pub name: String,
    /// Full container or image id, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl Target {
    pub fn daemon() -> Target {
        Target {
            kind: TargetKind::Daemon,
            name: "daemon".into(),
            id: None,
        }
    }

    /// How the target reads in a finding's location: `container/web@3f2a1b0c9d8e`.
    pub fn location(&self) -> String {
        let kind = match self.kind {
            TargetKind::Daemon => return "docker-daemon".into(),
            TargetKind::HostFile => return self.name.clone(),
            TargetKind::Image => "image",
            TargetKind::Container => "container",
            TargetKind::Network => "network",
        };
        match &self.id {
            Some(id) => format!("{kind}/{}@{}", self.name, short_id(id)),
            None => format!("{kind}/{}", self.name),
        }
    }
}

/// The first 12 hex digits of an id, as `docker ps` shows it.
pub fn short_id(id: &str) -> &str {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    hex.get(..12).unwrap_or(hex)
}

/// One check's result on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Check id (`DD-CIS-5.4`).
    pub id: String,
    /// CIS Docker Benchmark 1.6 recommendation (`5.4`), where one applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cis_id: Option<String>,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    pub target: Target,
    /// The exact field and value seen (`HostConfig.Privileged=true`), or why the check could not be judged.
    pub evidence: String,
    pub remediation: String,
    /// `CIS-Docker-1.6:5.4`, `NIST-800-190:4.4.3`.
    pub compliance: Vec<String>,
}

/// Failing and warning results as misconfiguration findings for the common
/// report, gate and output formats. Passes, INFO and MANUAL stay in the audit report.
pub fn to_findings(report: &AuditReport) -> Vec<Finding> {
    results_to_findings(&report.results)
}

/// [`to_findings`] for any list of results (the inventory's findings too).
pub fn results_to_findings(results: &[CheckResult]) -> Vec<Finding> {
    let catalog = Catalog::builtin().ok();
    results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Warn))
        .map(|r| {
            let mut f = Finding::new(
                FindingKind::Misconfiguration,
                r.id.clone(),
                r.title.clone(),
                r.severity,
                Location::file(r.target.location()),
            );
            if let Some(meta) = catalog.as_ref().and_then(|c| c.get(&r.id)) {
                f.description = meta.description.trim().to_string();
                f.references = meta.references.clone();
            }
            if let Some(cis) = &r.cis_id {
                f.aliases.push(format!("CIS-Docker-1.6:{cis}"));
            }
            f.remediation = r.remediation.clone();
            f.compliance = r.compliance.clone();
            f.evidence = Some(if r.status == Status::Warn {
                format!("[WARN] {}", r.evidence)
            } else {
                r.evidence.clone()
            });
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_keep_compliance_and_evidence_and_drop_passes() {
        let mk = |status, id: &str| CheckResult {
            id: id.into(),
            cis_id: Some("5.4".into()),
            title: "Ensure that privileged containers are not used".into(),
            status,
            severity: Severity::Critical,
            target: Target {
                kind: TargetKind::Container,
                name: "web".into(),
                id: Some("0123456789abcdef".into()),
            },
            evidence: "HostConfig.Privileged=true".into(),
            remediation: "Remove --privileged".into(),
            compliance: vec!["CIS-Docker-1.6:5.4".into(), "NIST-800-190:4.4.3".into()],
        };
        let results = vec![
            mk(Status::Fail, "DD-CIS-5.4"),
            mk(Status::Pass, "DD-CIS-5.4"),
            mk(Status::Manual, "DD-CIS-5.6"),
            mk(Status::Warn, "DD-CIS-5.4"),
        ];
        let f = results_to_findings(&results);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].kind, FindingKind::Misconfiguration);
        assert_eq!(f[0].location.path, "container/web@0123456789ab");
        assert_eq!(f[0].evidence.as_deref(), Some("HostConfig.Privileged=true"));
        assert_eq!(
            f[1].evidence.as_deref(),
            Some("[WARN] HostConfig.Privileged=true")
        );
        assert_eq!(
            f[0].compliance,
            vec!["CIS-Docker-1.6:5.4", "NIST-800-190:4.4.3"]
        );
        assert_eq!(f[0].aliases, vec!["CIS-Docker-1.6:5.4"]);
        assert!(
            f[0].description.contains("all capabilities"),
            "{}",
            f[0].description
        );
    }
}
