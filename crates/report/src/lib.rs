//! Report writers of drydock: its own JSON format ([`json`]) and the terminal
//! table ([`table`]). Both only format a [`drydock_core::Report`]; they decide
//! nothing about what is wrong with the artifact.

pub mod json;
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
