//! Turning an inventory into vulnerability findings.
//!
//! For each package: find where to look (see [`crate::names`]), read the stored ranges of
//! every advisory naming it, evaluate them against the installed version with the
//! ecosystem's own ordering, then merge the advisories that hit into one finding per
//! vulnerability. Two advisories are the same vulnerability when their ids or aliases
//! overlap (a GHSA and a PYSEC record both aliasing one CVE), transitively.
//!
//! Nothing is skipped silently: packages that cannot be checked (no OS release, a distribution
//! or ecosystem with no data, a version that does not parse) and advisories whose ranges do
//! not parse come back as warnings.

use crate::error::Result;
use crate::names::{self, NoTarget};
use crate::ranges::{self, CompiledAffected, StoredAffected, VersionCache};
use crate::severity::Rating;
use crate::store::{AdvisoryRow, Db};
use drydock_core::{Finding, FindingKind, FixStatus, Inventory, Package, ScanWarning};
use drydock_version::Scheme;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

/// One advisory that affects the installed version.
struct Hit {
    advisory: Rc<AdvisoryRow>,
    compiled: CompiledAffected,
    borrowed_from: Option<String>,
}

/// Matches every package of `inv` against `db`.
///
/// Returns one finding per (package, vulnerability), in inventory order then by id, and the
/// warnings about what could not be checked. Errors only when the database cannot be read.
pub fn match_inventory(db: &Db, inv: &Inventory) -> Result<(Vec<Finding>, Vec<ScanWarning>)> {
    let mut m = Matcher {
        db,
        advisories: HashMap::new(),
        warnings: Vec::new(),
        warned: HashSet::new(),
        no_os: 0,
        unsupported: BTreeMap::new(),
        no_data: BTreeMap::new(),
        versions: VersionCache::default(),
    };
    let mut findings = Vec::new();
    for pkg in &inv.packages {
        m.match_package(pkg, inv, &mut findings)?;
    }
    let mut warnings = Vec::new();
    if m.no_os > 0 {
        warnings.push(ScanWarning {
            input: "inventory".into(),
            message: format!(
                "no OS release was detected, so {} OS package(s) were not checked for vulnerabilities",
                m.no_os
            ),
        });
    }
    for (what, n) in &m.unsupported {
        warnings.push(ScanWarning {
            input: "inventory".into(),
            message: format!(
                "{n} package(s) of {what} were not checked: drydock has no advisory source for it"
            ),
        });
    }
    for (eco, n) in &m.no_data {
        warnings.push(ScanWarning {
            input: db.path().display().to_string(),
            message: format!(
                "{n} {eco} package(s) were not checked: the vulnerability database has no {eco} advisories \
                 (try `drydock db update --ecosystem {}`)",
                names::base(eco)
            ),
        });
    }
    warnings.append(&mut m.warnings);
    Ok((findings, warnings))
}

struct Matcher<'d> {
    db: &'d Db,
    advisories: HashMap<i64, Rc<AdvisoryRow>>,
    warnings: Vec<ScanWarning>,
    warned: HashSet<String>,
    no_os: usize,
    unsupported: BTreeMap<String, usize>,
    no_data: BTreeMap<String, usize>,
    versions: VersionCache,
}

impl Matcher<'_> {
    fn warn_once(&mut self, key: String, input: String, message: String) {
        if self.warned.insert(key) {
            self.warnings.push(ScanWarning { input, message });
        }
    }

    fn advisory(&mut self, id: i64) -> Result<Rc<AdvisoryRow>> {
        if let Some(a) = self.advisories.get(&id) {
            return Ok(a.clone());
        }
        let a = Rc::new(self.db.advisory(id)?);
        self.advisories.insert(id, a.clone());
        Ok(a)
    }

    fn match_package(
        &mut self,
        pkg: &Package,
        inv: &Inventory,
        out: &mut Vec<Finding>,
    ) -> Result<()> {
        if pkg.local {
            // The project's own code (workspace member, path dependency): no registry publishes it.
            return Ok(());
        }
        let db = self.db;
        let targets = match names::targets(pkg, inv.os.as_ref(), &|e| db.has_ecosystem(e)) {
            Ok(t) => t,
            Err(NoTarget::NoOs) => {
                self.no_os += 1;
                return Ok(());
            }
            Err(NoTarget::Unsupported(what)) => {
                *self.unsupported.entry(what).or_default() += 1;
                return Ok(());
            }
        };
        let with_data: Vec<_> = targets
            .iter()
            .filter(|t| db.has_ecosystem(&t.ecosystem))
            .collect();
        if with_data.is_empty() {
            if let Some(t) = targets.first() {
                *self.no_data.entry(t.ecosystem.clone()).or_default() += 1;
            }
            return Ok(());
        }

        let mut hits: Vec<Hit> = Vec::new();
        let mut seen: HashSet<i64> = HashSet::new();
        for t in with_data {
            let scheme = Scheme::from_osv_ecosystem(&t.ecosystem)
                .unwrap_or_else(|| Scheme::for_ecosystem(pkg.ecosystem));
            let installed = match drydock_version::parse(scheme, pkg.advisory_version()) {
                Ok(v) => v,
                Err(e) => {
                    self.warn_once(
                        format!("version:{}", pkg.bom_ref()),
                        pkg.location.path.clone(),
                        format!("package {}: {e}; not checked for vulnerabilities", pkg.name),
                    );
                    continue;
                }
            };
            for (adv_id, data) in db.lookup(&t.ecosystem, &t.name)? {
                if !seen.insert(adv_id) {
                    continue;
                }
                let mut stored: StoredAffected = match serde_json::from_str(&data) {
                    Ok(s) => s,
                    Err(e) => {
                        let id = self.advisory(adv_id)?.osv_id.clone();
                        self.warn_once(
                            format!("data:{adv_id}:{}", t.name),
                            db.path().display().to_string(),
                            format!(
                                "{id} for {}: unreadable ranges ({e}); not evaluated",
                                t.name
                            ),
                        );
                        continue;
                    }
                };
                // RustSec "unmaintained" and "notice" advisories are not vulnerabilities in a
                // version; "unsound" ones are, and stay.
                if matches!(
                    stored.informational.as_deref(),
                    Some("unmaintained" | "notice")
                ) {
                    continue;
                }
                if t.borrowed_from.is_some() {
                    strip_alma_marks(&mut stored);
                }
                let compiled =
                    match CompiledAffected::compile_cached(&stored, scheme, &mut self.versions) {
                        Ok(c) => c,
                        Err(e) => {
                            let id = self.advisory(adv_id)?.osv_id.clone();
                            self.warn_once(
                                format!("range:{adv_id}:{}", t.name),
                                db.path().display().to_string(),
                                format!("{id} for {}: {e}; its ranges were not evaluated", t.name),
                            );
                            continue;
                        }
                    };
                if compiled.includes(&installed) {
                    hits.push(Hit {
                        advisory: self.advisory(adv_id)?,
                        compiled,
                        borrowed_from: t.borrowed_from.clone(),
                    });
                }
            }
            if hits.is_empty() {
                continue;
            }
            let start = out.len();
            for group in group_by_alias(&hits) {
                out.push(finding(
                    pkg,
                    &group.iter().map(|&i| &hits[i]).collect::<Vec<_>>(),
                    &installed,
                ));
            }
            out[start..].sort_by(|a, b| a.id.cmp(&b.id));
            hits.clear();
        }
        Ok(())
    }
}

fn strip_alma_marks(s: &mut StoredAffected) {
    for r in &mut s.ranges {
        for (_, v) in &mut r.events {
            let stripped = names::strip_alma_mark(v);
            if stripped.len() != v.len() {
                *v = stripped.to_string();
            }
        }
    }
    for v in &mut s.versions {
        let stripped = names::strip_alma_mark(v);
        if stripped.len() != v.len() {
            *v = stripped.to_string();
        }
    }
}

/// Groups hits whose ids or aliases overlap (union-find), each group sorted, groups in order
/// of their first member.
///
/// Two groups that name different CVEs and no common one stay apart even when they share
/// another id: PYSEC-2021-368 (CVE-2021-32811) lists GHSA-qcx9-j53g-ccgf, the GHSA of
/// CVE-2021-32807, and merging on it would hide one CVE inside the other's finding.
fn group_by_alias(hits: &[Hit]) -> Vec<Vec<usize>> {
    let n = hits.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut cves: Vec<BTreeSet<&str>> = hits
        .iter()
        .map(|h| {
            ids_of(&h.advisory)
                .filter(|i| i.starts_with("CVE-"))
                .collect()
        })
        .collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut owners: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, h) in hits.iter().enumerate() {
        for id in ids_of(&h.advisory) {
            owners.entry(id).or_default().push(i);
        }
    }
    // Visit shared ids in a fixed order so the grouping does not depend on hash order.
    let mut shared: Vec<(&str, Vec<usize>)> =
        owners.into_iter().filter(|(_, v)| v.len() > 1).collect();
    shared.sort();
    for (_, members) in shared {
        for w in members.windows(2) {
            let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            if a == b {
                continue;
            }
            let compatible =
                cves[a].is_empty() || cves[b].is_empty() || !cves[a].is_disjoint(&cves[b]);
            if compatible {
                let (keep, gone) = (a.min(b), a.max(b));
                let moved = std::mem::take(&mut cves[gone]);
                cves[keep].extend(moved);
                parent[gone] = keep;
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    groups.into_values().collect()
}

fn ids_of(a: &AdvisoryRow) -> impl Iterator<Item = &str> {
    std::iter::once(a.osv_id.as_str()).chain(a.aliases.iter().map(String::as_str))
}

/// Id preference: a CVE, then a GHSA, then the source's own id.
fn id_rank(id: &str) -> u8 {
    if id.starts_with("CVE-") {
        0
    } else if id.starts_with("GHSA-") {
        1
    } else {
        2
    }
}

fn finding(pkg: &Package, group: &[&Hit], installed: &drydock_version::Version) -> Finding {
    // The record whose text is shown: GHSA writes the best summaries; then any with a summary.
    let mut records: Vec<&AdvisoryRow> = group.iter().map(|h| h.advisory.as_ref()).collect();
    records.sort_by(|a, b| {
        (id_rank(&a.osv_id) != 1, a.summary.is_empty(), &a.osv_id).cmp(&(
            id_rank(&b.osv_id) != 1,
            b.summary.is_empty(),
            &b.osv_id,
        ))
    });
    records.dedup_by(|a, b| a.osv_id == b.osv_id);
    // Groups come from `group_by_alias`, which never yields an empty one.
    let primary = records[0];

    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for r in &records {
        ids.insert(&r.osv_id);
        ids.extend(r.aliases.iter().map(String::as_str));
    }
    let id = ids
        .iter()
        .min_by_key(|i| (id_rank(i), **i))
        .map(|s| s.to_string())
        .unwrap_or_else(|| primary.osv_id.clone());
    let mut aliases: Vec<String> = ids
        .iter()
        .filter(|i| **i != id)
        .map(|s| s.to_string())
        .collect();
    // Distribution advisories (ALSA) bundle several CVEs under `related` instead of aliases;
    // listing them lets users find and suppress the finding by CVE.
    for r in &records {
        if r.aliases.is_empty() && id_rank(&r.osv_id) == 2 {
            for rel in &r.related {
                if rel.starts_with("CVE-") && *rel != id && !aliases.contains(rel) {
                    aliases.push(rel.clone());
                }
            }
        }
    }

    let mut rating = Rating::unknown();
    for r in &records {
        let cand = Rating {
            severity: r.severity,
            source: r.severity_source,
            score: r.cvss_score,
            vector: r.cvss_vector.clone(),
        };
        if cand.beats(&rating) {
            rating = cand;
        }
    }

    let mut references: Vec<String> = Vec::new();
    for r in &records {
        for u in &r.references {
            if !references.contains(u) {
                references.push(u.clone());
            }
        }
    }

    let compiled: Vec<&CompiledAffected> = group.iter().map(|h| &h.compiled).collect();
    let fixed = ranges::lowest_fix(&compiled, installed).map(|v| v.as_str().to_string());
    let borrowed = group.iter().find_map(|h| h.borrowed_from.clone());

    let subject = match (&pkg.source_name, pkg.ecosystem.is_os()) {
        (Some(src), true) if *src != pkg.name => format!("{} (source package {src})", pkg.name),
        _ => pkg.name.clone(),
    };
    let remediation = match &fixed {
        Some(f) => format!("Upgrade {subject} to {f} or later."),
        None => format!("No fixed version of {subject} is known yet."),
    };

    let title = if primary.summary.is_empty() {
        first_line(&primary.details).unwrap_or_else(|| id.clone())
    } else {
        primary.summary.clone()
    };
    let description = records
        .iter()
        .map(|r| r.details.as_str())
        .find(|d| !d.trim().is_empty())
        .unwrap_or_default()
        .to_string();

    Finding {
        kind: FindingKind::Vulnerability,
        id,
        aliases,
        title,
        description,
        severity: rating.severity,
        package_ref: Some(pkg.bom_ref()),
        package_name: Some(pkg.name.clone()),
        installed_version: Some(pkg.version.clone()),
        status: Some(if fixed.is_some() {
            FixStatus::Fixed
        } else {
            FixStatus::Affected
        }),
        fixed_version: fixed,
        cvss_score: rating.score,
        cvss_vector: rating.vector,
        references,
        remediation,
        location: pkg.location.clone(),
        suppressed: None,
        compliance: Vec::new(),
        evidence: None,
        notes: borrowed.into_iter().collect(),
    }
}

fn first_line(s: &str) -> Option<String> {
    let line = s.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut t: String = line.chars().take(120).collect();
    if line.chars().count() > 120 {
        t.push('…');
    }
    Some(t)
}
