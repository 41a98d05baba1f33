//! Affected ranges: the compact form stored per (advisory, package), and the OSV evaluation
//! algorithm over it.
//!
//! Evaluation follows the OSV schema's "Evaluation" section: the events of one range are
//! sorted by version (`introduced: "0"` first) and walked in order; `introduced <= v` makes
//! `v` affected, `fixed <= v` or `last_affected < v` makes it unaffected again, and a `limit`
//! caps the range (`v` must be below some limit). A version is affected when any ECOSYSTEM or
//! SEMVER range includes it or it is listed in `versions`. GIT ranges name commits, not
//! versions, so they are never stored.

use crate::osv;
use drydock_version::{Scheme, Version, VersionError};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

/// What one range event says; the order is the tie-break for equal versions, so that
/// `introduced X` + `fixed X` is empty and `introduced X` + `last_affected X` holds `X`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "i")]
    Introduced,
    #[serde(rename = "l")]
    LastAffected,
    #[serde(rename = "f")]
    Fixed,
    #[serde(rename = "x")]
    Limit,
}

/// One ECOSYSTEM or SEMVER range as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRange {
    /// SEMVER ranges compare by SemVer 2 whatever the ecosystem (Go's own spelling for Go).
    #[serde(rename = "s", default, skip_serializing_if = "std::ops::Not::not")]
    pub semver: bool,
    #[serde(rename = "e")]
    pub events: Vec<(EventKind, String)>,
}

/// Everything a record says about one package, kept compact (a few dozen bytes of JSON for the
/// common `[introduced 0, fixed X]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StoredAffected {
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<StoredRange>,
    #[serde(rename = "v", default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// RustSec's `informational` kind (`unmaintained`, `unsound`, `notice`), where set.
    #[serde(rename = "i", default, skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
}

impl StoredAffected {
    /// Converts one `affected` entry, keeping only what matching needs. Problems that lose
    /// data (an event with no or several keys) are returned as messages for the import log.
    pub fn from_osv(a: &osv::Affected) -> (StoredAffected, Vec<String>) {
        let mut out = StoredAffected::default();
        let mut problems = Vec::new();
        for r in &a.ranges {
            let semver = match r.kind.as_str() {
                "ECOSYSTEM" => false,
                "SEMVER" => true,
                // Commit ranges cannot be compared with installed versions; they often come
                // with an ECOSYSTEM range or a `versions` list that can.
                "GIT" => continue,
                other => {
                    problems.push(format!(
                        "range type {other:?} is not supported; range skipped"
                    ));
                    continue;
                }
            };
            let mut events = Vec::with_capacity(r.events.len());
            for e in &r.events {
                let keys = [
                    (EventKind::Introduced, &e.introduced),
                    (EventKind::Fixed, &e.fixed),
                    (EventKind::LastAffected, &e.last_affected),
                    (EventKind::Limit, &e.limit),
                ];
                let mut set = keys.iter().filter_map(|(k, v)| v.as_ref().map(|v| (*k, v)));
                match (set.next(), set.next()) {
                    (Some((k, v)), None) => events.push((k, v.trim().to_string())),
                    _ => problems.push(
                        "range event must have exactly one of introduced, fixed, \
                         last_affected, limit; event skipped"
                            .to_string(),
                    ),
                }
            }
            if events.is_empty() {
                continue;
            }
            if !events.iter().any(|(k, _)| *k == EventKind::Introduced) {
                // The schema requires an `introduced`; a range that only says `fixed: X`
                // plainly means "below X", so read it that way rather than as "nothing".
                problems.push("range has no introduced event; read as introduced 0".to_string());
                events.insert(0, (EventKind::Introduced, "0".to_string()));
            }
            out.ranges.push(StoredRange { semver, events });
        }
        out.versions = a
            .versions
            .iter()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        out.informational = a
            .database_specific
            .as_ref()
            .and_then(|d| d.get("informational"))
            .and_then(|v| v.as_str())
            .map(str::to_string);
        (out, problems)
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty() && self.versions.is_empty()
    }

    /// Adds another entry for the same package (records may list a package several times,
    /// one range each, as GHSA does for log4j-core).
    pub fn merge(&mut self, other: StoredAffected) {
        self.ranges.extend(other.ranges);
        for v in other.versions {
            if !self.versions.contains(&v) {
                self.versions.push(v);
            }
        }
        if self.informational.is_none() {
            self.informational = other.informational;
        }
    }

    /// Drops `versions` entries the ranges already cover. PyPI records enumerate every affected
    /// release next to the ECOSYSTEM range that yields the same set, so this removes most of
    /// their bulk; entries that do not parse, or that only a GIT range covered, are kept.
    pub fn compact_versions(&mut self, scheme: Scheme) {
        if self.versions.is_empty() || self.ranges.is_empty() {
            return;
        }
        let Ok(compiled) = CompiledAffected::compile(self, scheme) else {
            return;
        };
        self.versions
            .retain(|v| match drydock_version::parse(scheme, v) {
                Ok(parsed) => !compiled.ranges_include(&parsed),
                Err(_) => true,
            });
    }
}

/// A version bound; `None` is the `introduced: "0"` lower end, below every version. Shared,
/// because one scan meets the same bound in many records (see [`VersionCache`]).
type Bound = Option<Rc<Version>>;

/// Parses each (scheme, text) once per scan: Debian's chromium alone has 2,000 records
/// that name a few dozen distinct versions.
#[derive(Debug, Default)]
pub struct VersionCache {
    map: HashMap<(Scheme, Box<str>), Result<Rc<Version>, VersionError>>,
}

impl VersionCache {
    pub fn parse(&mut self, scheme: Scheme, s: &str) -> Result<Rc<Version>, VersionError> {
        if let Some(v) = self.map.get(&(scheme, Box::from(s))) {
            return v.clone();
        }
        let v = drydock_version::parse(scheme, s).map(Rc::new);
        self.map.insert((scheme, Box::from(s)), v.clone());
        v
    }
}

#[derive(Debug, Clone)]
pub struct CompiledRange {
    events: Vec<(EventKind, Bound)>,
    limits: Vec<Rc<Version>>,
}

impl CompiledRange {
    /// The OSV evaluation of one range.
    pub fn includes(&self, v: &Version) -> bool {
        if !self.limits.is_empty() && !self.limits.iter().any(|l| v < l) {
            return false;
        }
        let mut affected = false;
        for (kind, bound) in &self.events {
            match (kind, bound) {
                (EventKind::Introduced, None) => affected = true,
                (EventKind::Introduced, Some(b)) if v >= b => affected = true,
                (EventKind::Fixed, Some(b)) if v >= b => affected = false,
                (EventKind::LastAffected, Some(b)) if v > b => affected = false,
                _ => {}
            }
        }
        affected
    }

    /// The `fixed` versions of this range.
    pub fn fixes(&self) -> impl Iterator<Item = &Version> {
        self.events.iter().filter_map(|(k, b)| match (k, b) {
            (EventKind::Fixed, Some(v)) => Some(v.as_ref()),
            _ => None,
        })
    }
}

/// A [`StoredAffected`] with every version parsed, ready to evaluate many times.
#[derive(Debug, Clone)]
pub struct CompiledAffected {
    pub ranges: Vec<CompiledRange>,
    versions: Vec<Rc<Version>>,
    /// Raw `versions` entries, for an exact-text match when parsing is not possible.
    raw_versions: Vec<String>,
}

impl CompiledAffected {
    /// Parses every bound with `scheme` (Go keeps its own scheme for SEMVER ranges, any other
    /// ecosystem uses SemVer 2 for them). A bound that does not parse fails the whole entry,
    /// so the caller can say so instead of silently matching less.
    pub fn compile(a: &StoredAffected, scheme: Scheme) -> Result<CompiledAffected, VersionError> {
        Self::compile_cached(a, scheme, &mut VersionCache::default())
    }

    /// [`CompiledAffected::compile`] with parsed versions shared through `cache`.
    pub fn compile_cached(
        a: &StoredAffected,
        scheme: Scheme,
        cache: &mut VersionCache,
    ) -> Result<CompiledAffected, VersionError> {
        let mut ranges = Vec::with_capacity(a.ranges.len());
        for r in &a.ranges {
            let scheme = if r.semver && scheme != Scheme::Go {
                Scheme::Semver
            } else {
                scheme
            };
            let mut events = Vec::with_capacity(r.events.len());
            let mut limits = Vec::new();
            for (kind, raw) in &r.events {
                let bound = if *kind == EventKind::Introduced && raw == "0" {
                    None
                } else {
                    Some(cache.parse(scheme, raw)?)
                };
                match (kind, bound) {
                    (EventKind::Limit, Some(v)) => limits.push(v),
                    (EventKind::Limit, None) => {}
                    (k, b) => events.push((*k, b)),
                }
            }
            events.sort_by(|(ka, a), (kb, b)| cmp_bound(a, b).then(ka.cmp(kb)));
            ranges.push(CompiledRange { events, limits });
        }
        let mut versions = Vec::new();
        let mut raw_versions = Vec::new();
        for v in &a.versions {
            match cache.parse(scheme, v) {
                Ok(p) => versions.push(p),
                Err(_) => raw_versions.push(v.clone()),
            }
        }
        Ok(CompiledAffected {
            ranges,
            versions,
            raw_versions,
        })
    }

    fn ranges_include(&self, v: &Version) -> bool {
        self.ranges.iter().any(|r| r.includes(v))
    }

    /// Whether `v` is affected: in some range, or listed.
    pub fn includes(&self, v: &Version) -> bool {
        self.ranges_include(v)
            || self.versions.iter().any(|x| x.as_ref() == v)
            || self.raw_versions.iter().any(|x| x == v.as_str())
    }

    pub fn fixes(&self) -> impl Iterator<Item = &Version> {
        self.ranges.iter().flat_map(CompiledRange::fixes)
    }
}

fn cmp_bound(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a.cmp(b),
    }
}

/// The lowest `fixed` version above `installed` that is itself unaffected by every entry.
///
/// "Lowest fix above" alone is not enough: with ranges `[0, 2.0)` and `[1.0, 1.5)`, 1.5 is
/// above 1.2 but still inside the first range. Checking the candidate against all entries
/// gives the version an upgrade must reach.
pub fn lowest_fix<'a>(
    entries: &'a [&'a CompiledAffected],
    installed: &Version,
) -> Option<&'a Version> {
    let mut candidates: Vec<&Version> = entries
        .iter()
        .flat_map(|e| e.fixes())
        .filter(|f| *f > installed)
        .collect();
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .find(|c| !entries.iter().any(|e| e.includes(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(semver: bool, events: &[(EventKind, &str)]) -> StoredRange {
        StoredRange {
            semver,
            events: events.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    fn affected(ranges: Vec<StoredRange>, versions: &[&str]) -> StoredAffected {
        StoredAffected {
            ranges,
            versions: versions.iter().map(|v| v.to_string()).collect(),
            informational: None,
        }
    }

    fn hits(a: &StoredAffected, scheme: Scheme, v: &str) -> bool {
        let c = CompiledAffected::compile(a, scheme).unwrap();
        c.includes(&drydock_version::parse(scheme, v).unwrap())
    }

    use EventKind::*;

    #[test]
    fn introduced_fixed() {
        let a = affected(
            vec![range(false, &[(Introduced, "1.0"), (Fixed, "1.5")])],
            &[],
        );
        for (v, want) in [
            ("0.9", false),
            ("1.0", true),
            ("1.4.9", true),
            ("1.5", false),
            ("2.0", false),
        ] {
            assert_eq!(hits(&a, Scheme::Pep440, v), want, "{v}");
        }
    }

    #[test]
    fn introduced_zero_and_last_affected() {
        let a = affected(
            vec![range(false, &[(Introduced, "0"), (LastAffected, "4.5.1")])],
            &[],
        );
        for (v, want) in [("0.0.1", true), ("4.5.1", true), ("4.5.2", false)] {
            assert_eq!(hits(&a, Scheme::Semver, v), want, "{v}");
        }
    }

    #[test]
    fn several_pairs_in_one_range_in_any_order() {
        // Go style: one range, events out of order on purpose; sorting must fix that.
        let a = affected(
            vec![range(
                true,
                &[
                    (Fixed, "1.20.5"),
                    (Introduced, "1.21.0-0"),
                    (Introduced, "0"),
                    (Fixed, "1.21.2"),
                ],
            )],
            &[],
        );
        for (v, want) in [
            ("v1.20.4", true),
            ("v1.20.5", false),
            ("v1.20.9", false),
            ("v1.21.0-rc.1", true),
            ("v1.21.1", true),
            ("v1.21.2", false),
            ("go1.20.4", true),
        ] {
            assert_eq!(hits(&a, Scheme::Go, v), want, "{v}");
        }
    }

    #[test]
    fn multiple_ranges_and_versions_list() {
        // log4j-core's three ranges of GHSA-jfh8-c2jp-5v3q, plus a listed version.
        let a = affected(
            vec![
                range(false, &[(Introduced, "2.13.0"), (Fixed, "2.15.0")]),
                range(false, &[(Introduced, "0"), (Fixed, "2.3.1")]),
                range(false, &[(Introduced, "2.4"), (Fixed, "2.12.2")]),
            ],
            &["2.12.4"],
        );
        for (v, want) in [
            ("2.0", true),
            ("2.3.1", false),
            ("2.3.2", false),
            ("2.4", true),
            ("2.12.1", true),
            ("2.12.2", false),
            ("2.12.4", true),
            ("2.14.1", true),
            ("2.15.0", false),
            ("2.17.1", false),
        ] {
            assert_eq!(hits(&a, Scheme::Maven, v), want, "{v}");
        }
    }

    #[test]
    fn limit_caps_a_range() {
        let a = affected(
            vec![range(false, &[(Introduced, "1.0"), (Limit, "2.0")])],
            &[],
        );
        for (v, want) in [
            ("0.9", false),
            ("1.0", true),
            ("1.9", true),
            ("2.0", false),
            ("3.0", false),
        ] {
            assert_eq!(hits(&a, Scheme::Semver, v), want, "{v}");
        }
        // Two limits: below either one counts.
        let b = affected(
            vec![range(
                false,
                &[(Introduced, "0"), (Limit, "1.0.0"), (Limit, "3.0.0")],
            )],
            &[],
        );
        assert!(hits(&b, Scheme::Semver, "2.0.0"));
        assert!(!hits(&b, Scheme::Semver, "3.0.0"));
    }

    #[test]
    fn same_version_introduced_and_fixed_is_empty() {
        let a = affected(
            vec![range(false, &[(Fixed, "1.0"), (Introduced, "1.0")])],
            &[],
        );
        assert!(!hits(&a, Scheme::Semver, "1.0.0"));
        let b = affected(
            vec![range(
                false,
                &[(LastAffected, "1.0.0"), (Introduced, "1.0.0")],
            )],
            &[],
        );
        assert!(hits(&b, Scheme::Semver, "1.0.0"));
    }

    #[test]
    fn dpkg_epochs_and_tilde() {
        let a = affected(
            vec![range(
                false,
                &[(Introduced, "0"), (Fixed, "3.0.22-1~deb12u2")],
            )],
            &[],
        );
        assert!(hits(&a, Scheme::Dpkg, "3.0.20-1~deb12u2"));
        assert!(hits(&a, Scheme::Dpkg, "3.0.22-1~deb12u1"));
        assert!(!hits(&a, Scheme::Dpkg, "3.0.22-1~deb12u2"));
        assert!(!hits(&a, Scheme::Dpkg, "3.0.22-1"));
        assert!(!hits(&a, Scheme::Dpkg, "1:1.0-1"));
    }

    #[test]
    fn unparsable_bound_is_an_error_not_a_silent_miss() {
        let a = affected(
            vec![range(
                false,
                &[(Introduced, "0"), (Fixed, "not a version!")],
            )],
            &[],
        );
        assert!(CompiledAffected::compile(&a, Scheme::Semver).is_err());
    }

    #[test]
    fn lowest_fix_must_itself_be_unaffected() {
        let a = affected(
            vec![
                range(false, &[(Introduced, "0"), (Fixed, "2.0.0")]),
                range(false, &[(Introduced, "1.0.0"), (Fixed, "1.5.0")]),
            ],
            &[],
        );
        let c = CompiledAffected::compile(&a, Scheme::Semver).unwrap();
        let v = drydock_version::parse(Scheme::Semver, "1.2.0").unwrap();
        assert_eq!(lowest_fix(&[&c], &v).map(Version::as_str), Some("2.0.0"));

        let log4j = affected(
            vec![
                range(false, &[(Introduced, "2.13.0"), (Fixed, "2.15.0")]),
                range(false, &[(Introduced, "0"), (Fixed, "2.3.1")]),
                range(false, &[(Introduced, "2.4"), (Fixed, "2.12.2")]),
            ],
            &[],
        );
        let c = CompiledAffected::compile(&log4j, Scheme::Maven).unwrap();
        let fix = |v: &str| {
            lowest_fix(&[&c], &drydock_version::parse(Scheme::Maven, v).unwrap())
                .map(|f| f.as_str().to_string())
        };
        assert_eq!(fix("2.14.1").as_deref(), Some("2.15.0"));
        assert_eq!(fix("2.10.0").as_deref(), Some("2.12.2"));
        assert_eq!(fix("2.0").as_deref(), Some("2.3.1"));

        let open = affected(
            vec![range(false, &[(Introduced, "0"), (LastAffected, "4.5.1")])],
            &[],
        );
        let c = CompiledAffected::compile(&open, Scheme::Semver).unwrap();
        assert_eq!(
            lowest_fix(
                &[&c],
                &drydock_version::parse(Scheme::Semver, "4.0.0").unwrap()
            ),
            None
        );
    }

    #[test]
    fn from_osv_skips_git_and_bad_events() {
        let rec = osv::Record::from_slice(
            br#"{"id":"PYSEC-x","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
            "ranges":[{"type":"GIT","repo":"r","events":[{"introduced":"0"},{"fixed":"abc.patch"}]},
                      {"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"},{"fixed":"2.0"}]}],
            "versions":["1.0"," 1.1 "]}]}"#,
        )
        .unwrap();
        let (s, problems) = StoredAffected::from_osv(&rec.affected[0]);
        assert_eq!(s.ranges.len(), 1);
        assert_eq!(
            s.ranges[0].events,
            vec![(Introduced, "0".to_string()), (Fixed, "2.0".to_string())]
        );
        assert_eq!(s.versions, vec!["1.0", "1.1"]);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn compaction_keeps_only_versions_outside_ranges() {
        let mut a = affected(
            vec![range(false, &[(Introduced, "0"), (Fixed, "2.0.0")])],
            &["1.0.0", "1.9.0", "2.1.0", "garbage version!"],
        );
        a.compact_versions(Scheme::Semver);
        assert_eq!(a.versions, vec!["2.1.0", "garbage version!"]);
        assert!(hits(&a, Scheme::Semver, "2.1.0"));
        assert!(!hits(&a, Scheme::Semver, "2.2.0"));
    }

    #[test]
    fn stored_form_is_compact_json() {
        let a = affected(
            vec![range(false, &[(Introduced, "0"), (Fixed, "1.2")])],
            &[],
        );
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"r":[{"e":[["i","0"],["f","1.2"]]}]}"#
        );
    }
}
