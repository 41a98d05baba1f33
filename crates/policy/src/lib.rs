//! The policy gate: decides which findings of a [`Report`] count and what the
//! process exits with.
//!
//! Pure logic over [`drydock_core::Report`], in this order (docs/policy.md):
//! 1. filters that *remove* findings: `--severity`, `--ignore-unfixed`;
//! 2. the ignore file (`.drydockignore`, Trivy's `.trivyignore` and
//!    `.trivyignore.yaml` formats), which marks findings suppressed;
//! 3. VEX documents (OpenVEX, CycloneDX VEX), which mark findings suppressed;
//! 4. the gate: the user's exit code when an unsuppressed finding remains (or
//!    the OS is end-of-life and `--exit-on-eol` is set), 0 otherwise.
//!
//! Suppressed findings stay in the report with the reason, so the JSON output
//! shows what was waived and why.
//!
//! [`Report`]: drydock_core::Report

mod date;
mod gate;
mod ignore;
mod matching;
mod vex;

pub use date::today_utc;
pub use gate::{EXIT_OK, EXIT_SCAN_ERROR, EXIT_USAGE, GateOutcome, Policy, apply};
pub use ignore::{IgnoreEntry, IgnoreFile, IgnoreFormat, discover};
pub use vex::{VexDocument, VexFormat};

use std::path::PathBuf;

/// Everything that can go wrong reading a policy input or checking the policy.
/// Each is a usage error for the CLI (exit code [`EXIT_USAGE`]): the user gave
/// a file or flag drydock cannot use.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `at` is `file:line` where the line is known, else the file.
    #[error("{at}: {message}")]
    Ignore { at: String, message: String },
    /// `at` is the file, with the statement where known.
    #[error("{at}: {message}")]
    Vex { at: String, message: String },
    #[error(
        "--exit-code {0} is reserved: drydock exits 2 on usage errors and 3 on scan errors; choose another code (1 is usual)"
    )]
    ReservedExitCode(u8),
}
