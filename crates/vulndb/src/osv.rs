//! The OSV record model (ossf.github.io/osv-schema), read leniently.
//!
//! Real feeds have quirks (`"severity": []`, `null` where a list is expected, GIT ranges with
//! short commit ids), so every optional field tolerates `null` and unknown fields are ignored.
//! Only what makes a record unusable is an error: no `id`, or JSON that does not parse.

use serde::{Deserialize, Deserializer};

/// One OSV record as published.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub modified: String,
    #[serde(default, deserialize_with = "nullable")]
    pub published: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub related: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub summary: String,
    #[serde(default, deserialize_with = "nullable")]
    pub details: String,
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    pub affected: Vec<Affected>,
    #[serde(default, deserialize_with = "nullable")]
    pub references: Vec<Reference>,
    #[serde(default, deserialize_with = "nullable")]
    pub database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub score: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Affected {
    #[serde(default, deserialize_with = "nullable")]
    pub package: Option<PackageRef>,
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    pub ranges: Vec<Range>,
    #[serde(default, deserialize_with = "nullable")]
    pub versions: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub ecosystem_specific: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "nullable")]
    pub database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PackageRef {
    #[serde(default, deserialize_with = "nullable")]
    pub ecosystem: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub purl: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Range {
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub repo: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub events: Vec<Event>,
}

/// One range event; the schema allows exactly one of the four keys per event.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Event {
    #[serde(default, deserialize_with = "nullable")]
    pub introduced: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub fixed: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub last_affected: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub limit: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub url: String,
}

/// `null` reads as the type's default, so `"aliases": null` is an empty list.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Why a record cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("not an OSV record: {0}")]
    Json(#[from] serde_json::Error),
    #[error("OSV record without an id")]
    NoId,
}

impl Record {
    /// Parses one record from JSON bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Record, RecordError> {
        let rec: Record = serde_json::from_slice(bytes)?;
        if rec.id.trim().is_empty() {
            return Err(RecordError::NoId);
        }
        Ok(rec)
    }

    /// Every id the record is known by: its own first, then its aliases.
    pub fn all_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_quirks_read_as_defaults() {
        let rec = Record::from_slice(
            br#"{"id":"GHSA-x","modified":"2024-01-01T00:00:00Z","aliases":null,
                "severity":[],"affected":[{"package":{"ecosystem":"npm","name":"Axios"},
                "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.7.4"}]}],
                "versions":null}],"unknown_field":{"a":1}}"#,
        )
        .unwrap();
        assert_eq!(rec.id, "GHSA-x");
        assert!(rec.aliases.is_empty());
        assert!(rec.severity.is_empty());
        assert_eq!(rec.affected.len(), 1);
        assert_eq!(
            rec.affected[0].ranges[0].events[1].fixed.as_deref(),
            Some("1.7.4")
        );
        assert!(rec.affected[0].versions.is_empty());
    }

    #[test]
    fn a_record_needs_an_id() {
        assert!(matches!(
            Record::from_slice(br#"{"id":"  ","modified":"x"}"#),
            Err(RecordError::NoId)
        ));
        assert!(matches!(
            Record::from_slice(br#"{"modified":"x"}"#),
            Err(RecordError::Json(_))
        ));
        assert!(matches!(
            Record::from_slice(b"{not json"),
            Err(RecordError::Json(_))
        ));
    }
}
