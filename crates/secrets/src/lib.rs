//! Secret detection for drydock: credentials baked into files, image layers,
//! image configs and git history.
//!
//! Rules are data (`rules/*.yaml`, one file per family, embedded at build
//! time; users add their own and disable by id). [`SecretScanner`] is a pure
//! engine over bytes: the callers (the image layer walker, [`scan_dir`],
//! [`scan_git`], [`SecretScanner::scan_image_config`]) read the inputs and add
//! where they came from. Secrets are redacted unless the scanner was built with
//! `show_secrets`.

pub mod config;
pub mod dir;
pub mod docs;
pub mod engine;
pub mod git;
mod prefilter;
pub mod rules;
pub mod validate;

pub use config::scan_image_config;
pub use dir::{DirOptions, scan_dir};
pub use engine::{
    DEFAULT_MAX_FILE_SIZE, RuleInfo, ScannerOptions, SecretFinding, SecretScanner, is_binary,
    redact, shannon_entropy, wants,
};
pub use git::{GitOptions, scan_git};
pub use rules::{Rule, RuleFile, load_user_rules};

use drydock_core::{Finding, FindingKind, Location, ScanWarning};

/// Errors of rule loading and of directory and repository scans, naming the input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("secret rule file {file}: {message}")]
    RuleFile { file: String, message: String },
    #[error("secret rule {rule} in {file}: {message}")]
    Rule {
        file: String,
        rule: String,
        message: String,
    },
    #[error(
        "unknown secret rule id {0:?} in the disabled list (see docs/rules/secrets.md for the ids)"
    )]
    UnknownRule(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("git repository {repo}: {message}")]
    Git { repo: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Findings of a directory or repository scan, with what could not be read and how much was.
#[derive(Debug, Clone, Default)]
pub struct ScanOutput {
    pub findings: Vec<Finding>,
    pub warnings: Vec<ScanWarning>,
    /// Files (or blobs) scanned and their total size in bytes.
    pub files: u64,
    pub bytes: u64,
}

/// A report finding from a secret finding; `location` comes from the caller
/// (path, layer), its line is filled in from the secret when unset.
pub fn to_finding(f: &SecretFinding, mut location: Location) -> Finding {
    if location.line.is_none() {
        location.line = Some(f.line);
    }
    let rule = &f.rule;
    let mut finding = Finding::new(
        FindingKind::Secret,
        &rule.id,
        &rule.title,
        rule.severity,
        location,
    );
    finding.description = rule.description.clone();
    finding.remediation = rule.remediation.clone();
    finding.references = rule.references.clone();
    finding.compliance = rule.compliance.clone();
    finding.evidence = Some(f.evidence.clone());
    finding.notes = vec![format!(
        "secret {} at line {}, column {}",
        f.secret, f.line, f.column
    )];
    finding.notes.extend(f.notes.iter().cloned());
    finding
}
