//! drydock's own JSON output: the [`Report`] as serde writes it, pretty-printed,
//! fields in declaration order. Its shape is described by
//! `docs/schema/report.schema.json` and promised in `docs/json-format.md`;
//! `schema_version` inside the document changes on any incompatible change.

use crate::{ReportError, Result};
use drydock_core::Report;
use std::io::Write;

/// Writes `report` as pretty JSON followed by a newline.
pub fn write(report: &Report, mut w: impl Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut w, report).map_err(|e| {
        if e.is_io() {
            ReportError::Io {
                format: "JSON",
                source: e.into(),
            }
        } else {
            ReportError::Json(e)
        }
    })?;
    w.write_all(b"\n").map_err(|source| ReportError::Io {
        format: "JSON",
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_fields_in_declaration_order() {
        let report: Report = serde_json::from_str(
            r#"{"tool_version": "0.1.0", "schema_version": 1, "created_at": "2026-11-29T08:15:30Z",
                "artifact": {"kind": "filesystem", "name": "."}, "inventory": {"packages": []}}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{
  "schema_version": 1,
  "tool_version": "0.1.0",
  "created_at": "2026-11-29T08:15:30Z",
  "artifact": {
    "name": ".",
    "kind": "filesystem"
  },
  "inventory": {
    "packages": []
  },
  "findings": []
}
"#
        );
    }

    #[test]
    fn io_errors_name_the_format() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let report: Report = serde_json::from_str(
            r#"{"schema_version": 1, "tool_version": "0.1.0", "created_at": "2026-11-29T08:15:30Z",
                "artifact": {"name": ".", "kind": "filesystem"}, "inventory": {"packages": []}}"#,
        )
        .unwrap();
        let err = write(&report, Broken).unwrap_err();
        assert_eq!(err.to_string(), "writing the JSON report: disk full");
    }
}
