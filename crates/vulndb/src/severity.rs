//! One severity per advisory, from its CVSS vectors, scores or labels.
//!
//! Precedence (docs/vulndb.md): a CVSS v3.x base score, then v4.0, then v2, then the
//! advisory's own label (GHSA `database_specific.severity`, `ecosystem_specific.severity`,
//! Red Hat/AlmaLinux's "Important:" summary prefix), then UNKNOWN. v3 comes first because it
//! is what almost every source publishes, so findings from different feeds stay comparable;
//! v4 scores run systematically different from v3 for the same flaw, and v2 tops out at HIGH.
//! Within one kind the highest score wins: several scorers disagreeing is a reason for care.

use crate::osv;
use drydock_core::Severity;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Where a severity came from; the order is the precedence (higher wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeveritySource {
    None,
    Label,
    CvssV2,
    CvssV4,
    CvssV3,
}

impl SeveritySource {
    pub fn as_str(self) -> &'static str {
        match self {
            SeveritySource::None => "none",
            SeveritySource::Label => "label",
            SeveritySource::CvssV2 => "cvss_v2",
            SeveritySource::CvssV4 => "cvss_v4",
            SeveritySource::CvssV3 => "cvss_v3",
        }
    }

    pub fn parse(s: &str) -> SeveritySource {
        match s {
            "label" => SeveritySource::Label,
            "cvss_v2" => SeveritySource::CvssV2,
            "cvss_v4" => SeveritySource::CvssV4,
            "cvss_v3" => SeveritySource::CvssV3,
            _ => SeveritySource::None,
        }
    }
}

/// The rating chosen for an advisory.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub severity: Severity,
    pub source: SeveritySource,
    pub score: Option<f64>,
    /// The vector the score was computed from; `None` for a bare score (RubySec) or a label.
    pub vector: Option<String>,
}

impl Rating {
    pub fn unknown() -> Rating {
        Rating {
            severity: Severity::Unknown,
            source: SeveritySource::None,
            score: None,
            vector: None,
        }
    }

    /// Whether `self` should be preferred over `other`.
    pub fn beats(&self, other: &Rating) -> bool {
        (self.source, self.score.unwrap_or(-1.0), self.severity)
            > (other.source, other.score.unwrap_or(-1.0), other.severity)
    }
}

/// Scores a CVSS vector (v2, v3.0, v3.1 or v4.0) with its base equation.
pub fn score_vector(vector: &str) -> Option<Rating> {
    let cvss = cvss::Cvss::from_str(vector.trim()).ok()?;
    let score = round1(cvss.score());
    let (source, severity) = match cvss {
        cvss::Cvss::CvssV20(_) => (SeveritySource::CvssV2, map_cvss(cvss.severity())),
        cvss::Cvss::CvssV40(_) => (SeveritySource::CvssV4, Severity::from_cvss_score(score)),
        _ => (SeveritySource::CvssV3, Severity::from_cvss_score(score)),
    };
    Some(Rating {
        severity,
        source,
        score: Some(score),
        vector: Some(vector.trim().to_string()),
    })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn map_cvss(s: cvss::Severity) -> Severity {
    match s {
        cvss::Severity::None => Severity::Unknown,
        cvss::Severity::Low => Severity::Low,
        cvss::Severity::Medium => Severity::Medium,
        cvss::Severity::High => Severity::High,
        cvss::Severity::Critical => Severity::Critical,
    }
}

/// v2 has no CRITICAL; NVD's v2 bands.
fn v2_band(score: f64) -> Severity {
    if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Unknown
    }
}

/// The best rating a record offers, by the precedence above.
pub fn rate(rec: &osv::Record) -> Rating {
    let mut best = Rating::unknown();
    let mut offer = |r: Rating| {
        if r.beats(&best) {
            best = r;
        }
    };

    let entries = rec
        .severity
        .iter()
        .chain(rec.affected.iter().flat_map(|a| a.severity.iter()));
    for e in entries {
        match e.kind.as_str() {
            "CVSS_V2" | "CVSS_V3" | "CVSS_V4" => {
                if let Some(r) = score_vector(&e.score) {
                    offer(r);
                }
            }
            // OSV 1.6 lets Ubuntu publish its priority as a label.
            _ => {
                if let Some(r) = label(&e.score) {
                    offer(r);
                }
            }
        }
    }

    // RustSec keeps its vector per affected package.
    for a in &rec.affected {
        if let Some(v) = field_str(&a.database_specific, "cvss")
            && let Some(r) = score_vector(v)
        {
            offer(r);
        }
        for holder in [&a.ecosystem_specific, &a.database_specific] {
            if let Some(r) = field_str(holder, "severity").and_then(label) {
                offer(r);
            }
        }
    }

    if let Some(ds) = &rec.database_specific {
        // RubySec publishes bare base scores, no vectors.
        for (key, source) in [
            ("cvss_v3", SeveritySource::CvssV3),
            ("cvss_v4", SeveritySource::CvssV4),
            ("cvss_v2", SeveritySource::CvssV2),
        ] {
            if let Some(score) = ds.get(key).and_then(number)
                && score > 0.0
                && score <= 10.0
            {
                let severity = if source == SeveritySource::CvssV2 {
                    v2_band(score)
                } else {
                    Severity::from_cvss_score(score)
                };
                offer(Rating {
                    severity,
                    source,
                    score: Some(round1(score)),
                    vector: None,
                });
            }
        }
        if let Some(r) = ds.get("severity").and_then(|v| v.as_str()).and_then(label) {
            offer(r);
        }
    }

    // Red Hat style summaries: "Important: openssl security update".
    if let Some((prefix, _)) = rec.summary.split_once(':')
        && matches!(prefix.trim(), "Critical" | "Important" | "Moderate" | "Low")
        && let Some(r) = label(prefix)
    {
        offer(r);
    }
    best
}

fn label(s: &str) -> Option<Rating> {
    let severity = Severity::from_str(s).ok()?;
    if severity == Severity::Unknown {
        return None;
    }
    Some(Rating {
        severity,
        source: SeveritySource::Label,
        score: None,
        vector: None,
    })
}

fn field_str<'a>(v: &'a Option<serde_json::Value>, key: &str) -> Option<&'a str> {
    v.as_ref()?.get(key)?.as_str()
}

fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(json: &str) -> osv::Record {
        osv::Record::from_slice(json.as_bytes()).unwrap()
    }

    #[test]
    fn vectors_of_every_version_are_scored() {
        let v31 = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H").unwrap();
        assert_eq!(
            (v31.score, v31.severity, v31.source),
            (Some(10.0), Severity::Critical, SeveritySource::CvssV3)
        );
        let v30 = score_vector("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:N").unwrap();
        assert_eq!((v30.score, v30.severity), (Some(8.6), Severity::High));
        let v2 = score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap();
        assert_eq!(
            (v2.score, v2.severity, v2.source),
            (Some(7.5), Severity::High, SeveritySource::CvssV2)
        );
        let v4 = score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
            .unwrap();
        assert_eq!(
            (v4.score, v4.severity, v4.source),
            (Some(9.3), Severity::Critical, SeveritySource::CvssV4)
        );
        assert!(score_vector("CVSS:3.1/garbage").is_none());
    }

    #[test]
    fn v3_beats_v4_beats_label() {
        let r = rate(&rec(r#"{"id":"a","severity":[
                {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
                {"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
                "database_specific":{"severity":"CRITICAL"}}"#));
        assert_eq!(r.source, SeveritySource::CvssV3);
        assert_eq!(r.score, Some(5.9));
        assert_eq!(r.severity, Severity::Medium);
        assert_eq!(
            r.vector.as_deref(),
            Some("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N")
        );
    }

    #[test]
    fn labels_and_bare_scores() {
        let ghsa = rate(&rec(
            r#"{"id":"a","severity":[],"database_specific":{"severity":"MODERATE"}}"#,
        ));
        assert_eq!(
            (ghsa.severity, ghsa.source, ghsa.score),
            (Severity::Medium, SeveritySource::Label, None)
        );
        let alsa = rate(&rec(
            r#"{"id":"ALSA-1","summary":"Important: pcs security update"}"#,
        ));
        assert_eq!(
            (alsa.severity, alsa.source),
            (Severity::High, SeveritySource::Label)
        );
        let ruby = rate(&rec(
            r#"{"id":"r","database_specific":{"cvss_v2":5.0,"cvss_v3":9.8}}"#,
        ));
        assert_eq!(
            (ruby.severity, ruby.source, ruby.score, ruby.vector),
            (Severity::Critical, SeveritySource::CvssV3, Some(9.8), None)
        );
        let none = rate(&rec(r#"{"id":"GO-1","summary":"Note: something"}"#));
        assert_eq!(none, Rating::unknown());
    }

    #[test]
    fn rustsec_vector_per_affected() {
        let r = rate(&rec(
            r#"{"id":"RUSTSEC-1","affected":[{"package":{"ecosystem":"crates.io","name":"x"},
            "database_specific":{"cvss":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H","informational":null}}]}"#,
        ));
        assert_eq!((r.score, r.severity), (Some(7.5), Severity::High));
    }
}
