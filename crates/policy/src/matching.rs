//! What a finding is, seen by the ignore file and VEX: its ids, its package
//! (purls, names, bom-ref) and its paths; and how purls are compared.

use drydock_core::{Finding, Package, Report};
use packageurl::PackageUrl;
use std::collections::HashMap;
use std::str::FromStr;

/// Parses a purl; `None` for anything that is not one (an IRI, a bom-ref).
pub(crate) fn parse_purl(s: &str) -> Option<PackageUrl<'static>> {
    let s = s.trim();
    if !s.starts_with("pkg:") {
        return None;
    }
    PackageUrl::from_str(s).ok()
}

/// Does `pattern` (from an ignore file or VEX) name the package `target`?
/// Qualifiers are ignored on both sides (drydock's purls carry `arch` and
/// `distro`, VEX authors rarely do); a pattern without a version matches every
/// version.
pub(crate) fn purl_matches(pattern: &PackageUrl<'_>, target: &PackageUrl<'_>) -> bool {
    if !pattern.ty().eq_ignore_ascii_case(target.ty()) {
        return false;
    }
    let pypi = pattern.ty().eq_ignore_ascii_case("pypi");
    let name_eq = |a: &str, b: &str| {
        if pypi {
            drydock_core::package::normalize_pypi_name(a)
                == drydock_core::package::normalize_pypi_name(b)
        } else {
            a == b
        }
    };
    if pattern.namespace().unwrap_or("") != target.namespace().unwrap_or("") {
        return false;
    }
    if !name_eq(pattern.name(), target.name()) {
        return false;
    }
    if let Some(v) = pattern.version()
        && target.version() != Some(v)
    {
        return false;
    }
    if let Some(sp) = pattern.subpath()
        && target.subpath() != Some(sp)
    {
        return false;
    }
    true
}

/// Strips what users write before an artifact path that findings never carry.
pub(crate) fn normalize_path(p: &str) -> &str {
    let p = p.trim();
    let p = p.strip_prefix("./").unwrap_or(p);
    p.trim_start_matches('/')
}

/// One finding with everything the matchers ask about it.
pub(crate) struct Subject<'a> {
    pub finding: &'a Finding,
    /// The inventory package the finding is about, when the report has it.
    pub package: Option<&'a Package>,
    /// The package's purl, the purl inside its bom-ref, and the purl of its
    /// source package (Debian and Alpine advisories and VEX name sources).
    pub purls: Vec<PackageUrl<'static>>,
    /// The finding's path and the package's path, normalised.
    pub paths: Vec<String>,
}

impl Subject<'_> {
    /// The finding's id or one of its aliases equals `id` (ids are
    /// case-insensitive: `cve-2024-1` is `CVE-2024-1`).
    pub fn has_id(&self, id: &str) -> bool {
        let id = id.trim();
        self.finding.id.eq_ignore_ascii_case(id)
            || self
                .finding
                .aliases
                .iter()
                .any(|a| a.eq_ignore_ascii_case(id))
    }

    pub fn matches_purl(&self, pattern: &PackageUrl<'_>) -> bool {
        self.purls.iter().any(|p| purl_matches(pattern, p))
    }

    /// Package names the finding can be scoped by: the finding's, the
    /// package's and its source package's.
    pub fn package_names(&self) -> impl Iterator<Item = &str> {
        let f = self.finding.package_name.as_deref();
        let p = self.package.map(|p| p.name.as_str());
        let s = self.package.and_then(|p| p.source_name.as_deref());
        [f, p, s].into_iter().flatten()
    }
}

/// Finds each finding's package in the inventory by its `bom-ref`.
pub(crate) struct PackageIndex<'a> {
    by_ref: HashMap<String, &'a Package>,
}

impl<'a> PackageIndex<'a> {
    pub fn new(report: &'a Report) -> Self {
        let mut by_ref = HashMap::new();
        for p in &report.inventory.packages {
            by_ref.entry(p.bom_ref()).or_insert(p);
            by_ref.entry(p.purl.clone()).or_insert(p);
        }
        PackageIndex { by_ref }
    }

    pub fn subject<'f>(&self, finding: &'f Finding) -> Subject<'f>
    where
        'a: 'f,
    {
        let package = finding
            .package_ref
            .as_deref()
            .and_then(|r| self.by_ref.get(r).copied());
        let mut purls = Vec::new();
        if let Some(p) = package {
            purls.extend(parse_purl(&p.purl));
            if let Some(src) = p.source_name.as_deref().filter(|s| *s != p.name) {
                let version = p.source_version.as_deref().unwrap_or(&p.version);
                let source_purl = drydock_core::package::purl(p.ecosystem, src, version, &[]);
                purls.extend(parse_purl(&source_purl));
            }
        }
        // A drydock bom-ref is the purl, or the purl plus `?file=…`, which parses
        // as a purl with one more qualifier; this covers findings whose package
        // is not in the inventory (a report read back from JSON, trimmed).
        if let Some(r) = finding.package_ref.as_deref()
            && let Some(p) = parse_purl(r)
            && !purls
                .iter()
                .any(|q| purl_matches(&p, q) && purl_matches(q, &p))
        {
            purls.push(p);
        }
        let mut paths = vec![normalize_path(&finding.location.path).to_string()];
        if let Some(p) = package {
            let pp = normalize_path(&p.location.path).to_string();
            if !paths.contains(&pp) {
                paths.push(pp);
            }
        }
        paths.retain(|p| !p.is_empty());
        Subject {
            finding,
            package,
            purls,
            paths,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PackageUrl<'static> {
        parse_purl(s).unwrap()
    }

    #[test]
    fn purl_comparison() {
        let target = p("pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12");
        assert!(purl_matches(&p("pkg:deb/debian/libssl3"), &target));
        assert!(purl_matches(
            &p("pkg:deb/debian/libssl3@3.0.15-1~deb12u1"),
            &target
        ));
        assert!(purl_matches(
            &p("pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=arm64"),
            &target
        ));
        assert!(!purl_matches(
            &p("pkg:deb/debian/libssl3@3.0.11-1"),
            &target
        ));
        assert!(!purl_matches(&p("pkg:deb/ubuntu/libssl3"), &target));
        assert!(!purl_matches(&p("pkg:rpm/debian/libssl3"), &target));
        assert!(!purl_matches(&p("pkg:deb/debian/openssl"), &target));
        // A versioned pattern does not match a version-less target.
        assert!(!purl_matches(
            &p("pkg:deb/debian/libssl3@1"),
            &p("pkg:deb/debian/libssl3")
        ));
        // PyPI names compare normalised; percent-encoding is decoded.
        assert!(purl_matches(
            &p("pkg:pypi/Flask_SQLAlchemy"),
            &p("pkg:pypi/flask-sqlalchemy@3.1.1")
        ));
        assert!(purl_matches(
            &p("pkg:npm/%40babel/core@7.0.0"),
            &p("pkg:npm/%40babel/core@7.0.0")
        ));
        assert!(purl_matches(
            &p("pkg:rpm/bash@1:5.1-2.el9"),
            &p("pkg:rpm/bash@1%3A5.1-2.el9")
        ));
    }

    #[test]
    fn not_purls() {
        assert!(parse_purl("https://example.com/product").is_none());
        assert!(parse_purl("libssl3").is_none());
        assert!(parse_purl("pkg:").is_none());
    }

    #[test]
    fn paths_normalised() {
        assert_eq!(normalize_path("/usr/lib/x"), "usr/lib/x");
        assert_eq!(normalize_path("./app/.env"), "app/.env");
        assert_eq!(normalize_path("app/.env"), "app/.env");
    }
}
