//! Report writers of drydock: its own JSON format ([`json`]), the terminal
//! table ([`table`]), and the formats CI systems and people read: SARIF 2.1.0
//! ([`sarif`], GitHub code scanning), JUnit XML ([`junit`], GitLab and Jenkins
//! test reports) and a self-contained HTML page ([`html`]). All only format a
//! [`drydock_core::Report`]; they decide nothing about what is wrong with the
//! artifact. `docs/report-formats.md` describes what maps where.

pub mod html;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod table;

/// A report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("writing the {format} report: {source}")]
    Io {
        format: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("serialising the JSON report: {0}")]
    Json(#[source] serde_json::Error),
}

pub type Result<T, E = ReportError> = std::result::Result<T, E>;
