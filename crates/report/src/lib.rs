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

#[cfg(test)]
mod tests {
    use drydock_core::Report;
    use std::io::Write;

    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn io_errors_name_the_format() {
        let report: Report = serde_json::from_str(
            r#"{"schema_version": 1, "tool_version": "0.1.0", "created_at": "2026-11-29T08:15:30Z",
                "artifact": {"name": ".", "kind": "filesystem"}, "inventory": {"packages": []}}"#,
        )
        .unwrap();
        let errors = [
            crate::sarif::write(&report, Broken)
                .unwrap_err()
                .to_string(),
            crate::junit::write(&report, Broken)
                .unwrap_err()
                .to_string(),
            crate::html::write(&report, Broken).unwrap_err().to_string(),
        ];
        assert_eq!(
            errors,
            [
                "writing the SARIF report: disk full",
                "writing the JUnit report: disk full",
                "writing the HTML report: disk full",
            ]
        );
    }
}
