//! Known vulnerabilities of an image from drydock's scan cache, without
//! reading the image again.
//!
//! `drydock image` caches each layer's analysis by diffID. When every layer an
//! image lists in `RootFS.Layers` is in the cache, its package inventory is
//! rebuilt exactly as the scan builds it: the scan's own layer merge (so
//! whiteouts and opaque directories of upper layers apply) and the caller's
//! inventory assembly (the CLI passes the one its scans use), then matched
//! with the vulnerability database the CLI opens. An image with a layer missing is reported as not scanned, with the
//! command that fills the cache; it is never taken as clean.

use drydock_core::{Finding, FindingKind, Inventory, LayerRef, Severity};
use drydock_image::{LayerAnalysis, LayerCache, Merged};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// How many vulnerability ids a summary names.
pub const TOP_VULNS: usize = 5;

/// One of the most severe vulnerabilities of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopVuln {
    pub id: String,
    pub severity: Severity,
    pub package: String,
    /// The version that fixes it, when one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
}

/// The vulnerabilities of one image, as the scan of that image reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnSummary {
    /// Findings per severity (every severity present, zeros included).
    pub counts: BTreeMap<Severity, usize>,
    pub total: usize,
    /// Findings with a fixed version.
    pub fixable: usize,
    /// Packages in the rebuilt inventory.
    pub packages: usize,
    /// The most severe, fixable first, then by id; at most [`TOP_VULNS`].
    pub top: Vec<TopVuln>,
}

impl VulnSummary {
    /// Summarises the vulnerability findings of a scan (other kinds are ignored).
    pub fn from_findings(findings: &[Finding], packages: usize) -> VulnSummary {
        let vulns: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.kind == FindingKind::Vulnerability)
            .collect();
        let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
        for f in &vulns {
            *counts.entry(f.severity).or_insert(0) += 1;
        }
        let fixed = |f: &Finding| f.fixed_version.clone().filter(|v| !v.is_empty());
        let mut ranked: Vec<&Finding> = vulns.clone();
        ranked.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(fixed(b).is_some().cmp(&fixed(a).is_some()))
                .then(a.id.cmp(&b.id))
        });
        let mut top: Vec<TopVuln> = Vec::new();
        for f in ranked {
            if top.len() == TOP_VULNS {
                break;
            }
            // One entry per id: the same CVE in several binary packages of one source.
            if top.iter().any(|t| t.id == f.id) {
                continue;
            }
            top.push(TopVuln {
                id: f.id.clone(),
                severity: f.severity,
                package: f.package_name.clone().unwrap_or_default(),
                fixed_version: fixed(f),
            });
        }
        VulnSummary {
            counts,
            total: vulns.len(),
            fixable: vulns.iter().filter(|f| fixed(f).is_some()).count(),
            packages,
            top,
        }
    }

    pub fn count(&self, s: Severity) -> usize {
        self.counts.get(&s).copied().unwrap_or(0)
    }

    pub fn high_or_critical(&self) -> usize {
        self.count(Severity::High) + self.count(Severity::Critical)
    }

    /// `52 vulnerabilities (CRITICAL 1, HIGH 10, MEDIUM 20, LOW 15, UNKNOWN 6),
    /// 30 with a fix; top: CVE-… (CRITICAL, openssl, fixed in 3.0.15), …`
    pub fn describe(&self) -> String {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .map(|s| format!("{s} {}", self.count(*s)))
            .collect();
        let mut out = format!(
            "{} vulnerabilities in {} packages ({}), {} with a fix",
            self.total,
            self.packages,
            counts.join(", "),
            self.fixable
        );
        if !self.top.is_empty() {
            let top: Vec<String> = self
                .top
                .iter()
                .map(|t| {
                    let fix = match &t.fixed_version {
                        Some(v) => format!("fixed in {v}"),
                        None => "no fix".to_string(),
                    };
                    format!("{} ({}, {}, {fix})", t.id, t.severity, t.package)
                })
                .collect();
            out.push_str("; top: ");
            out.push_str(&top.join(", "));
        }
        out
    }
}

/// What the scan cache says about one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ImageVulns {
    /// Every layer was cached: the image's vulnerabilities.
    Scanned(VulnSummary),
    /// Some layers are not in the cache; `command` fills it.
    NotScanned {
        missing_layers: usize,
        layers: usize,
        command: String,
    },
    /// The cache was complete but matching failed (the database could not be read).
    Failed { message: String },
}

impl ImageVulns {
    /// Why the image could not be judged, for evidence; `None` when scanned.
    pub fn unjudged_reason(&self) -> Option<String> {
        match self {
            ImageVulns::Scanned(_) => None,
            ImageVulns::NotScanned {
                missing_layers,
                layers,
                command,
            } => Some(format!(
                "not scanned: {missing_layers} of {layers} layers are not in drydock's scan cache; run `{command}` to fill it"
            )),
            ImageVulns::Failed { message } => Some(format!(
                "the scan cache could not be matched with the vulnerability database: {message}"
            )),
        }
    }
}

/// Where the audit and the inventory learn about an image's vulnerabilities.
pub trait VulnSource: Sync {
    /// `image_id` is the full `sha256:` id, `diff_ids` its `RootFS.Layers` in order.
    fn image_vulns(&self, image_id: &str, diff_ids: &[String]) -> ImageVulns;
}

/// Any function of the image id and layers is a source (used by tests that
/// pin one image's answer).
impl<F> VulnSource for F
where
    F: Fn(&str, &[String]) -> ImageVulns + Sync,
{
    fn image_vulns(&self, image_id: &str, diff_ids: &[String]) -> ImageVulns {
        self(image_id, diff_ids)
    }
}

/// drydock's layer cache plus the vulnerability database: the real source.
/// Turns the merged view of an image into its inventory, the way the scan
/// that filled the cache does (the CLI passes its own).
pub type InventoryOf = dyn Fn(&Merged) -> Inventory + Send + Sync;

pub struct ScanCache {
    caches: Vec<LayerCache>,
    inventory_of: Box<InventoryOf>,
    db: Mutex<drydock_vulndb::Db>,
    scan_command: String,
    memo: Mutex<HashMap<String, ImageVulns>>,
}

impl ScanCache {
    /// `caches` are the layer caches a scan could have written (one per
    /// analyzer fingerprint, first match wins per layer); `scan_command` is the
    /// command that scans an image into them, with `{image}` for the image id
    /// (`drydock image {image} --cache-dir /var/cache/drydock`); `inventory_of`
    /// builds the inventory from the merged layers as that scan does.
    pub fn new(
        caches: Vec<LayerCache>,
        inventory_of: Box<InventoryOf>,
        db: drydock_vulndb::Db,
        scan_command: &str,
    ) -> ScanCache {
        ScanCache {
            caches,
            inventory_of,
            db: Mutex::new(db),
            scan_command: scan_command.to_string(),
            memo: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, diff_id: &str) -> Option<LayerAnalysis> {
        self.caches.iter().find_map(|c| c.get(diff_id))
    }

    fn lookup(&self, image_id: &str, diff_ids: &[String]) -> ImageVulns {
        if diff_ids.is_empty() {
            // No layers known (the image vanished, or inspect had none): not
            // evidence of a clean image.
            return ImageVulns::Failed {
                message: format!("{image_id} lists no layers (RootFS.Layers is empty)"),
            };
        }
        let layers: Vec<Option<LayerAnalysis>> = diff_ids.iter().map(|d| self.cached(d)).collect();
        let missing = layers.iter().filter(|l| l.is_none()).count();
        if missing > 0 {
            return ImageVulns::NotScanned {
                missing_layers: missing,
                layers: diff_ids.len(),
                command: self.scan_command.replace("{image}", image_id),
            };
        }
        let analyses: Vec<LayerAnalysis> = layers.into_iter().flatten().collect();
        let pairs: Vec<(LayerRef, &LayerAnalysis)> = analyses
            .iter()
            .enumerate()
            .map(|(i, la)| {
                (
                    LayerRef {
                        index: i,
                        diff_id: la.diff_id.clone(),
                        ..Default::default()
                    },
                    la,
                )
            })
            .collect();
        let merged = drydock_image::merge::merge(&pairs);
        let inventory = (self.inventory_of)(&merged);
        let db = match self.db.lock() {
            Ok(db) => db,
            Err(poisoned) => poisoned.into_inner(),
        };
        match drydock_vulndb::match_inventory(&db, &inventory) {
            Ok((findings, _warnings)) => ImageVulns::Scanned(VulnSummary::from_findings(
                &findings,
                inventory.packages.len(),
            )),
            Err(e) => ImageVulns::Failed {
                message: e.to_string(),
            },
        }
    }
}

impl VulnSource for ScanCache {
    fn image_vulns(&self, image_id: &str, diff_ids: &[String]) -> ImageVulns {
        if let Some(v) = self.memo.lock().ok().and_then(|m| m.get(image_id).cloned()) {
            return v;
        }
        let v = self.lookup(image_id, diff_ids);
        if let Ok(mut m) = self.memo.lock() {
            m.insert(image_id.to_string(), v.clone());
        }
        v
    }
}

/// A vulnerability finding of a Debian package, for the tests of the checks.
#[cfg(test)]
pub(crate) fn vuln(id: &str, sev: Severity, pkg: &str, fixed: Option<&str>) -> Finding {
    let mut f = Finding::new(
        FindingKind::Vulnerability,
        id,
        id,
        sev,
        drydock_core::Location::file("var/lib/dpkg/status"),
    );
    f.package_name = Some(pkg.into());
    f.fixed_version = fixed.map(str::to_string);
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::Location;

    #[test]
    fn summary_counts_every_severity_and_ranks_fixable_first() {
        let findings = vec![
            vuln("CVE-2024-3", Severity::High, "curl", None),
            vuln(
                "CVE-2024-2",
                Severity::High,
                "curl",
                Some("7.88.1-10+deb12u9"),
            ),
            vuln("CVE-2024-1", Severity::Critical, "zlib1g", None),
            vuln("CVE-2024-1", Severity::Critical, "zlib1g-dev", None),
            vuln(
                "CVE-2024-9",
                Severity::Low,
                "tar",
                Some("1.34+dfsg-1.2+deb12u1"),
            ),
            Finding::new(
                FindingKind::Secret,
                "aws-key",
                "AWS key",
                Severity::Critical,
                Location::file("app/.env"),
            ),
        ];
        let s = VulnSummary::from_findings(&findings, 7);
        assert_eq!(s.total, 5);
        assert_eq!(s.fixable, 2);
        assert_eq!(s.high_or_critical(), 4);
        assert_eq!(s.count(Severity::Medium), 0);
        let ids: Vec<&str> = s.top.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            ["CVE-2024-1", "CVE-2024-2", "CVE-2024-3", "CVE-2024-9"]
        );
        assert_eq!(
            s.describe(),
            "5 vulnerabilities in 7 packages (CRITICAL 2, HIGH 2, MEDIUM 0, LOW 1, UNKNOWN 0), 2 with a fix; \
             top: CVE-2024-1 (CRITICAL, zlib1g, no fix), CVE-2024-2 (HIGH, curl, fixed in 7.88.1-10+deb12u9), \
             CVE-2024-3 (HIGH, curl, no fix), CVE-2024-9 (LOW, tar, fixed in 1.34+dfsg-1.2+deb12u1)"
        );
    }

    /// The real cache and the real database: a lower layer's vulnerable
    /// package, removed by an upper layer's whiteout, is gone; a layer missing
    /// from the cache means not scanned; no layers is not clean.
    #[test]
    fn cached_layers_are_merged_with_whiteouts_and_matched_with_the_database() {
        use drydock_core::analyze::FileOutput;
        use drydock_core::{Ecosystem, OsInfo, Package, PackageKind};
        let dir = tempfile::tempdir().unwrap();
        let db = drydock_vulndb::open_default(dir.path()).unwrap();
        let cache = LayerCache::new(dir.path(), "test@1");
        let digest = |n: u8| format!("sha256:{}", hex_of(n));
        let mut base = LayerAnalysis {
            diff_id: digest(1),
            complete: true,
            ..Default::default()
        };
        // apt 2.6.1 on Debian 12 has a fix in 2.6.2 (the bookworm test root filesystem's finding).
        base.files.insert(
            "var/lib/dpkg/status".into(),
            FileOutput {
                packages: vec![Package::new(
                    Ecosystem::Debian,
                    PackageKind::Os,
                    "apt",
                    "2.6.1",
                    Location::file("var/lib/dpkg/status"),
                )],
                ..Default::default()
            },
        );
        let remove = LayerAnalysis {
            diff_id: digest(2),
            whiteouts: vec!["var/lib/dpkg/status".into()],
            complete: true,
            ..Default::default()
        };
        cache.put(&base).unwrap();
        cache.put(&remove).unwrap();
        let inventory_of: Box<InventoryOf> = Box::new(|m: &Merged| Inventory {
            os: Some(OsInfo {
                family: "debian".into(),
                version: "12".into(),
                ..Default::default()
            }),
            packages: m.packages().cloned().collect(),
        });
        let sc = ScanCache::new(vec![cache], inventory_of, db, "drydock image {image}");

        let ImageVulns::Scanned(one) = sc.image_vulns("sha256:aa", &[digest(1)]) else {
            panic!("every layer is cached");
        };
        assert_eq!(one.packages, 1);
        assert!(one.total > 0 && one.fixable == one.total, "{one:?}");
        assert!(one.top.iter().all(|t| t.package == "apt"), "{one:?}");
        let ImageVulns::Scanned(two) = sc.image_vulns("sha256:bb", &[digest(1), digest(2)]) else {
            panic!("every layer is cached");
        };
        assert_eq!(
            (two.packages, two.total),
            (0, 0),
            "the whiteout removed apt"
        );
        assert_eq!(
            sc.image_vulns("sha256:cc", &[digest(1), digest(3)]),
            ImageVulns::NotScanned {
                missing_layers: 1,
                layers: 2,
                command: "drydock image sha256:cc".into()
            }
        );
        assert!(matches!(
            sc.image_vulns("sha256:dd", &[]),
            ImageVulns::Failed { .. }
        ));
    }

    fn hex_of(n: u8) -> String {
        format!("{n:02x}").repeat(32)
    }
}
