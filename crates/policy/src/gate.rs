//! The policy and the gate: filter the report, mark suppressions, decide the
//! exit code.

use crate::PolicyError;
use crate::date::parse_date;
use crate::ignore::IgnoreFile;
use crate::matching::PackageIndex;
use crate::vex::{ArtifactIdentity, VexDocument};
use drydock_core::{Finding, FindingKind, FixStatus, Report, Severity, Suppression};

/// Nothing failed the policy.
pub const EXIT_OK: u8 = 0;
/// Bad flags or unusable policy input (ignore file, VEX); also what clap exits with.
pub const EXIT_USAGE: u8 = 2;
/// The scan itself failed (image unreadable, database missing…).
pub const EXIT_SCAN_ERROR: u8 = 3;

/// What the user asked the gate to enforce.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Keep only findings of these severities; empty keeps all.
    pub severities: Vec<Severity>,
    /// Drop vulnerabilities that have no fixed version yet.
    pub ignore_unfixed: bool,
    /// Exit code when findings remain after filtering and suppression; 0 never fails.
    pub exit_code: u8,
    /// Also fail (with `exit_code`, or 1 when that is 0) when the OS is past its end of life.
    pub exit_on_eol: bool,
    pub ignore: Option<IgnoreFile>,
    /// Applied in order; the first that suppresses a finding gives the reason.
    pub vex: Vec<VexDocument>,
}

impl Policy {
    /// Rejects an `exit_code` that would be read as a usage or scan error.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.exit_code == EXIT_USAGE || self.exit_code == EXIT_SCAN_ERROR {
            return Err(PolicyError::ReservedExitCode(self.exit_code));
        }
        Ok(())
    }
}

/// What the gate decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GateOutcome {
    /// Findings that count: still in the report and not suppressed.
    pub failing: usize,
    /// Findings kept in the report but suppressed (ignore file, VEX, inline).
    pub suppressed: usize,
    /// Findings removed by `severities` and `ignore_unfixed`.
    pub removed: usize,
    /// Things the user should hear about: expired ignore entries, an
    /// end-of-life OS under `exit_on_eol`, dates that could not be read.
    pub notices: Vec<String>,
    /// The OS is past its end-of-life date.
    pub eol: bool,
    pub exit_code: u8,
}

/// Vulnerabilities with no fixed version yet (`--ignore-unfixed`).
fn is_unfixed(f: &Finding) -> bool {
    f.kind == FindingKind::Vulnerability
        && f.fixed_version
            .as_deref()
            .is_none_or(|v| v.trim().is_empty())
        && f.status != Some(FixStatus::Fixed)
}

/// Applies `policy` to `report` as of `today` (`YYYY-MM-DD`, see
/// [`crate::today_utc`]): removes findings outside `severities` and, with
/// `ignore_unfixed`, unfixed vulnerabilities; marks findings the ignore file
/// and then the VEX documents waive (a suppression already present, such as
/// an inline one, is kept); and decides the exit code.
pub fn apply(policy: &Policy, report: &mut Report, today: &str) -> GateOutcome {
    let mut out = GateOutcome::default();
    let today_date = parse_date(today);
    if today_date.is_none() {
        out.notices.push(format!(
            "today's date {today:?} is not YYYY-MM-DD: every dated ignore entry counts as expired and end of life is not checked"
        ));
    }

    let before = report.findings.len();
    report.findings.retain(|f| {
        (policy.severities.is_empty() || policy.severities.contains(&f.severity))
            && !(policy.ignore_unfixed && is_unfixed(f))
    });
    out.removed = before - report.findings.len();

    let decisions = suppressions(policy, report, today_date, &mut out.notices);
    for (f, s) in report.findings.iter_mut().zip(decisions) {
        if f.suppressed.is_none() {
            f.suppressed = s;
        }
    }
    out.suppressed = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .count();
    out.failing = report.findings.len() - out.suppressed;

    if let (Some(today), Some(os)) = (today_date, report.inventory.os.as_ref())
        && let Some(eol) = os.eol.as_deref()
    {
        match parse_date(eol) {
            Some(d) => out.eol = today >= d,
            None => out.notices.push(format!(
                "end-of-life date {eol:?} of {} {} is not YYYY-MM-DD; not checked",
                os.family, os.version
            )),
        }
    }

    let eol_fails = policy.exit_on_eol && out.eol;
    if eol_fails && let Some(os) = &report.inventory.os {
        out.notices.push(format!(
            "{} {} reached its end of life on {} and gets no more security updates (--exit-on-eol)",
            os.family,
            os.version,
            os.eol.as_deref().unwrap_or("?")
        ));
    }
    out.exit_code = if out.failing > 0 {
        policy.exit_code
    } else if eol_fails {
        // `--exit-on-eol` alone must still fail the build.
        if policy.exit_code == EXIT_OK {
            1
        } else {
            policy.exit_code
        }
    } else {
        EXIT_OK
    };
    out
}

/// The suppression each finding gets from the ignore file, then VEX; and the
/// notices for expired ignore entries.
fn suppressions(
    policy: &Policy,
    report: &Report,
    today: Option<time::Date>,
    notices: &mut Vec<String>,
) -> Vec<Option<Suppression>> {
    let index = PackageIndex::new(report);
    let artifact = ArtifactIdentity::new(&report.artifact);
    let entries = policy.ignore.as_ref().map_or(&[][..], |i| &i.entries[..]);
    let mut expired_hits = vec![0usize; entries.len()];
    let mut out = Vec::with_capacity(report.findings.len());

    for f in &report.findings {
        let subject = index.subject(f);
        let mut decided = None;
        if let Some(ignore) = &policy.ignore {
            for (i, e) in ignore.entries.iter().enumerate() {
                if !e.matches(&subject) {
                    continue;
                }
                if e.is_expired(today) {
                    expired_hits[i] += 1;
                    continue;
                }
                if decided.is_none() {
                    decided = Some(Suppression {
                        source: "ignorefile".into(),
                        reason: ignore.reason(e),
                    });
                }
            }
        }
        if decided.is_none() && f.kind == FindingKind::Vulnerability {
            decided = policy.vex.iter().find_map(|doc| {
                doc.decide(&subject, &artifact)
                    .filter(|st| st.status.suppresses())
                    .map(|st| Suppression {
                        source: "vex".into(),
                        reason: doc.reason(st),
                    })
            });
        }
        out.push(decided);
    }

    if let Some(ignore) = &policy.ignore {
        for (e, hits) in ignore.entries.iter().zip(expired_hits) {
            if e.is_expired(today) {
                notices.push(ignore.expiry_notice(e, hits));
            }
        }
    }
    out
}
