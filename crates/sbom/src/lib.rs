//! SBOM writers and readers for drydock: CycloneDX 1.6 JSON and SPDX 2.3 JSON.
//!
//! The writers turn a [`drydock_core::Report`] into a standard document; the
//! readers turn a document back into an [`Artifact`] and an [`Inventory`], so an
//! SBOM can be scanned like an image. What the standards have no field for
//! (layers, source packages, the ecosystem) travels in `drydock:*` properties
//! (CycloneDX) or annotations (SPDX), so a document drydock wrote reads back
//! unchanged; documents from other tools are read from their standard fields
//! and purls.
//!
//! Both writers are deterministic: the same report gives the same bytes.

pub mod cyclonedx;
mod license;
mod props;
mod purl;
pub mod spdx;

use drydock_core::{Artifact, Inventory, Report};

/// An SBOM could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    #[error("writing the {format} document: {source}")]
    Write {
        format: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("the report's created_at {value:?} is not an RFC 3339 time: {source}")]
    Timestamp {
        value: String,
        #[source]
        source: time::error::Parse,
    },
    #[error("not a valid {format} JSON document: {source}")]
    Parse {
        format: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("not a {format} document: {reason}")]
    Format {
        format: &'static str,
        reason: String,
    },
}

pub type Result<T, E = SbomError> = std::result::Result<T, E>;

/// What a reader returns: the described artifact and what is in it.
pub type ReadResult = Result<(Artifact, Inventory)>;

/// Reads a CycloneDX or SPDX JSON document, whichever `bytes` is (told by
/// its `bomFormat` or `spdxVersion` field).
pub fn read(bytes: &[u8]) -> ReadResult {
    // Only the top-level keys are kept; the values are skipped unparsed.
    let keys: std::collections::BTreeMap<String, serde::de::IgnoredAny> =
        serde_json::from_slice(bytes).map_err(|source| SbomError::Parse {
            format: "SBOM",
            source,
        })?;
    match (
        keys.contains_key("bomFormat"),
        keys.contains_key("spdxVersion"),
    ) {
        (true, _) => cyclonedx::read(bytes),
        (false, true) => spdx::read(bytes),
        (false, false) => Err(SbomError::Format {
            format: "CycloneDX or SPDX",
            reason: "it has neither a bomFormat nor an spdxVersion field".into(),
        }),
    }
}

/// The `serialNumber` / namespace UUID of a document: a name-based UUID of the
/// whole report, so writing the same report twice gives the same document while
/// two scans (which differ at least in `created_at`) get different ones.
fn document_uuid(report: &Report) -> uuid::Uuid {
    let namespace = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        b"https://github.com/drydock-sec/drydock",
    );
    // Serialising plain data into memory cannot fail; should it ever, the
    // empty name still yields a valid (if less unique) UUID.
    let bytes = serde_json::to_vec(report).unwrap_or_default();
    uuid::Uuid::new_v5(&namespace, &bytes)
}

/// The report's `created_at` as UTC `YYYY-MM-DDThh:mm:ssZ`, the one form both
/// CycloneDX (`date-time`) and SPDX (`created`) accept.
fn utc_timestamp(created_at: &str) -> Result<String> {
    use time::format_description::well_known::Rfc3339;
    let parsed = time::OffsetDateTime::parse(created_at, &Rfc3339).map_err(|source| {
        SbomError::Timestamp {
            value: created_at.to_string(),
            source,
        }
    })?;
    let utc = parsed.to_offset(time::UtcOffset::UTC);
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_tells_the_format() {
        let err = read(br#"{"name": "x"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a CycloneDX or SPDX document: it has neither a bomFormat nor an spdxVersion field"
        );
        let err = read(b"[1, 2]").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("not a valid SBOM JSON document"),
            "{err}"
        );
        let (artifact, inventory) =
            read(br#"{"bomFormat": "CycloneDX", "specVersion": "1.4", "metadata": {"component": {"type": "container", "name": "alpine"}}}"#)
                .unwrap();
        assert_eq!(artifact.name, "alpine");
        assert_eq!(artifact.kind, drydock_core::ArtifactKind::ContainerImage);
        assert!(inventory.packages.is_empty());
        let (artifact, _) = read(br#"{"spdxVersion": "SPDX-2.3", "name": "doc"}"#).unwrap();
        assert_eq!(artifact.name, "doc");
    }

    #[test]
    fn timestamps_are_normalised_to_utc_seconds() {
        assert_eq!(
            utc_timestamp("2026-11-29T10:15:30.123456+02:00").unwrap(),
            "2026-11-29T08:15:30Z"
        );
        assert_eq!(
            utc_timestamp("2026-01-02T03:04:05Z").unwrap(),
            "2026-01-02T03:04:05Z"
        );
        let err = utc_timestamp("yesterday").unwrap_err();
        assert!(err.to_string().contains("\"yesterday\""), "{err}");
    }
}
