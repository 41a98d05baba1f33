//! Which OSV ecosystem and package name an installed package is looked up under.
//!
//! OS packages take their release from the inventory's [`OsInfo`]: `Debian` + `12` is
//! `Debian:12`, never `Debian:13`. RHEL-compatible distributions without data of their own are
//! matched with AlmaLinux's (a rebuild of the same sources, same binary package names), and
//! those findings say so. Language package names are normalised the way each registry treats
//! names as equal, and advisory names are stored normalised the same way.

use drydock_core::{Ecosystem, OsInfo, Package};

/// One place to look a package up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The OSV ecosystem string, with its release (`Debian:12`, `AlmaLinux:9`, `PyPI`).
    pub ecosystem: String,
    /// The normalised advisory name.
    pub name: String,
    /// Set when the data is borrowed from another distribution; shown with the finding.
    pub borrowed_from: Option<String>,
}

/// Why a package cannot be looked up at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoTarget {
    /// An OS package, but the inventory has no OS release.
    NoOs,
    /// No advisory source covers this distribution or ecosystem.
    Unsupported(String),
}

/// Normalises a package name for the OSV ecosystem `ecosystem` (release suffix allowed).
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    let name = name.trim();
    match base(ecosystem) {
        "PyPI" => drydock_core::package::normalize_pypi_name(name),
        // npm forbids upper case in new names, and GHSA itself writes `Axios` for `axios`
        // (GHSA-8hc4-vh64-cxmj), so case-folding finds real matches; the scope stays part of
        // the name (`@babel/core`).
        "npm" => name.to_lowercase(),
        // Composer and NuGet compare package ids case-insensitively.
        "Packagist" | "NuGet" => name.to_lowercase(),
        _ => name.to_string(),
    }
}

/// The ecosystem name without its release (`Debian:12` → `Debian`).
pub fn base(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem).trim()
}

fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version).trim()
}

/// Where to look `pkg` up. `has_data` says whether the database holds any advisory for an
/// ecosystem string, which decides between a distribution's own data and borrowed data.
pub fn targets(
    pkg: &Package,
    os: Option<&OsInfo>,
    has_data: &dyn Fn(&str) -> bool,
) -> Result<Vec<Target>, NoTarget> {
    let name = pkg.advisory_name();
    let plain = |eco: String| Target {
        name: normalize_name(&eco, name),
        ecosystem: eco,
        borrowed_from: None,
    };
    if !pkg.ecosystem.is_os() {
        return Ok(vec![plain(pkg.ecosystem.osv_name().to_string())]);
    }
    let os = os.ok_or(NoTarget::NoOs)?;
    let family = os.family.trim().to_ascii_lowercase();
    let version = os.version.trim();
    if version.is_empty() {
        return Err(NoTarget::NoOs);
    }
    match pkg.ecosystem {
        Ecosystem::Debian => Ok(vec![plain(format!("Debian:{}", major(version)))]),
        Ecosystem::Ubuntu => Ok(vec![
            plain(format!("Ubuntu:{version}")),
            plain(format!("Ubuntu:{version}:LTS")),
        ]),
        Ecosystem::Alpine => {
            let mut parts = version.split('.');
            match (parts.next(), parts.next()) {
                (Some(a), Some(b)) => Ok(vec![plain(format!("Alpine:v{a}.{b}"))]),
                _ => Err(NoTarget::Unsupported(format!("Alpine release {version:?}"))),
            }
        }
        Ecosystem::Rpm => {
            let m = major(version);
            let alma = format!("AlmaLinux:{m}");
            let native = match family.as_str() {
                "almalinux" => return Ok(vec![plain(alma)]),
                "rocky" => Some(format!("Rocky Linux:{m}")),
                "rhel" | "centos" => None,
                _ => {
                    return Err(NoTarget::Unsupported(format!(
                        "{} {version}",
                        os.pretty_name.as_deref().unwrap_or(&family)
                    )));
                }
            };
            if let Some(native) = native
                && has_data(&native)
            {
                return Ok(vec![plain(native)]);
            }
            let mut t = plain(alma);
            let distro = match &os.pretty_name {
                Some(p) if !p.trim().is_empty() => p.trim().to_string(),
                _ => format!("{family} {version}"),
            };
            t.borrowed_from = Some(format!(
                "matched via {} data: {distro} is built from the same sources",
                t.ecosystem
            ));
            Ok(vec![t])
        }
        _ => Err(NoTarget::Unsupported(pkg.ecosystem.osv_name().to_string())),
    }
}

/// AlmaLinux marks its own rebuilds `…el9.alma` or `…el9_2.alma.1`; RHEL and Rocky ship the
/// same fix without the mark, and rpm ordering would put theirs below the fix. Strip it when
/// AlmaLinux data stands in for another distribution.
pub fn strip_alma_mark(v: &str) -> &str {
    if let Some(i) = v.rfind(".alma") {
        let rest = &v[i + ".alma".len()..];
        let tail_ok = rest.is_empty()
            || rest
                .strip_prefix('.')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if tail_ok {
            return &v[..i];
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::{Location, PackageKind};

    fn os(family: &str, version: &str) -> OsInfo {
        OsInfo {
            family: family.into(),
            version: version.into(),
            ..Default::default()
        }
    }

    fn pkg(eco: Ecosystem, name: &str) -> Package {
        Package::new(eco, PackageKind::Os, name, "1", Location::file("x"))
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name("PyPI", "Jinja2"), "jinja2");
        assert_eq!(normalize_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(normalize_name("npm", "@Babel/Core"), "@babel/core");
        assert_eq!(
            normalize_name("Maven", "org.apache.logging.log4j:log4j-core"),
            "org.apache.logging.log4j:log4j-core"
        );
        assert_eq!(
            normalize_name("Go", "github.com/BurntSushi/toml"),
            "github.com/BurntSushi/toml"
        );
        assert_eq!(normalize_name("crates.io", "tokio_util"), "tokio_util");
        assert_eq!(normalize_name("Debian:12", "openssl"), "openssl");
    }

    #[test]
    fn debian_release_decides_the_ecosystem() {
        let mut p = pkg(Ecosystem::Debian, "libssl3");
        p.source_name = Some("openssl".into());
        let t = targets(&p, Some(&os("debian", "12")), &|_| true).unwrap();
        assert_eq!(
            t,
            vec![Target {
                ecosystem: "Debian:12".into(),
                name: "openssl".into(),
                borrowed_from: None
            }]
        );
        let t = targets(&p, Some(&os("debian", "13")), &|_| true).unwrap();
        assert_eq!(t[0].ecosystem, "Debian:13");
        assert_eq!(targets(&p, None, &|_| true), Err(NoTarget::NoOs));
    }

    #[test]
    fn rhel_family_borrows_almalinux() {
        let p = pkg(Ecosystem::Rpm, "openssl-libs");
        let alma = targets(&p, Some(&os("almalinux", "9.4")), &|_| false).unwrap();
        assert_eq!(
            (alma[0].ecosystem.as_str(), alma[0].borrowed_from.is_none()),
            ("AlmaLinux:9", true)
        );
        for family in ["rhel", "rocky", "centos"] {
            let t = targets(&p, Some(&os(family, "9")), &|_| false).unwrap();
            assert_eq!(t[0].ecosystem, "AlmaLinux:9", "{family}");
            assert!(
                t[0].borrowed_from
                    .as_deref()
                    .unwrap()
                    .starts_with("matched via AlmaLinux:9 data")
            );
        }
        let rocky_native =
            targets(&p, Some(&os("rocky", "9.3")), &|e| e == "Rocky Linux:9").unwrap();
        assert_eq!(rocky_native[0].ecosystem, "Rocky Linux:9");
        assert!(matches!(
            targets(&p, Some(&os("fedora", "40")), &|_| true),
            Err(NoTarget::Unsupported(_))
        ));
    }

    #[test]
    fn alpine_and_language() {
        let a = targets(
            &pkg(Ecosystem::Alpine, "musl"),
            Some(&os("alpine", "3.20.3")),
            &|_| true,
        )
        .unwrap();
        assert_eq!(a[0].ecosystem, "Alpine:v3.20");
        let py = Package::new(
            Ecosystem::PyPI,
            PackageKind::Library,
            "Jinja2",
            "2.10",
            Location::file("r"),
        );
        assert_eq!(
            targets(&py, None, &|_| true).unwrap(),
            vec![Target {
                ecosystem: "PyPI".into(),
                name: "jinja2".into(),
                borrowed_from: None
            }]
        );
    }

    #[test]
    fn alma_marks() {
        assert_eq!(strip_alma_mark("0.1.57-5.el8.alma"), "0.1.57-5.el8");
        assert_eq!(
            strip_alma_mark("0.10.10-4.el8_5.1.alma.1"),
            "0.10.10-4.el8_5.1"
        );
        assert_eq!(strip_alma_mark("1.0-1.el9"), "1.0-1.el9");
        assert_eq!(
            strip_alma_mark("1.0-1.el9.almalinux"),
            "1.0-1.el9.almalinux"
        );
    }
}
