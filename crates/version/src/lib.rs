//! Version comparison for every ecosystem drydock matches advisories in.
//!
//! Each [`Scheme`] follows its ecosystem's reference implementation (dpkg, apk-tools, rpm,
//! SemVer 2, Go modules, PyPA `packaging`, maven-artifact, RubyGems, Composer, NuGet); see
//! `docs/versions.md` for the source of truth of each. A wrong answer here is a missed
//! vulnerability or a false alarm, so the rules are copied from those implementations rather
//! than approximated, and checked against vectors produced by them.
//!
//! Parse once with [`parse`], then compare the [`Version`]s as often as needed.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use drydock_core::Ecosystem;

mod apk;
mod dpkg;
mod go;
mod maven;
mod nuget;
mod num;
mod packagist;
mod pep440;
mod rpm;
mod rubygems;
mod semver;

/// A family of version-ordering rules shared by one or more ecosystems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    Dpkg,
    Apk,
    Rpm,
    Semver,
    Go,
    Pep440,
    Maven,
    RubyGems,
    Packagist,
    NuGet,
}

impl Scheme {
    pub const ALL: [Scheme; 10] = [
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
        Scheme::Semver,
        Scheme::Go,
        Scheme::Pep440,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::Packagist,
        Scheme::NuGet,
    ];

    /// From an OSV ecosystem string: "Debian:12", "Ubuntu:22.04:LTS", "Alpine:v3.20",
    /// "AlmaLinux:9", "Rocky Linux:9", "Red Hat", "PyPI", "npm", "crates.io", "Go", "Maven",
    /// "RubyGems", "Packagist", "NuGet"…  None if unknown.
    pub fn from_osv_ecosystem(eco: &str) -> Option<Scheme> {
        // OSV appends the release after the first colon ("Debian:12", "Ubuntu:Pro:22.04:LTS");
        // only the name before it decides the rules.
        let name = eco.split(':').next().unwrap_or(eco).trim();
        let scheme = match name {
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Chainguard" | "Wolfi" | "MinimOS" => Scheme::Apk,
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "SUSE" | "openSUSE" | "Mageia"
            | "openEuler" | "Photon OS" | "Azure Linux" | "Mariner" | "Oracle Linux"
            | "Amazon Linux" | "CentOS" | "Fedora" => Scheme::Rpm,
            "npm" | "crates.io" => Scheme::Semver,
            "Go" => Scheme::Go,
            "PyPI" => Scheme::Pep440,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "Packagist" => Scheme::Packagist,
            "NuGet" => Scheme::NuGet,
            _ => return None,
        };
        Some(scheme)
    }

    pub fn for_ecosystem(eco: Ecosystem) -> Scheme {
        match eco {
            Ecosystem::Debian | Ecosystem::Ubuntu => Scheme::Dpkg,
            Ecosystem::Alpine => Scheme::Apk,
            Ecosystem::Rpm => Scheme::Rpm,
            Ecosystem::PyPI => Scheme::Pep440,
            Ecosystem::Npm | Ecosystem::CratesIo => Scheme::Semver,
            Ecosystem::Go => Scheme::Go,
            Ecosystem::Maven => Scheme::Maven,
            Ecosystem::RubyGems => Scheme::RubyGems,
            Ecosystem::Packagist => Scheme::Packagist,
            Ecosystem::NuGet => Scheme::NuGet,
        }
    }

    /// A short human name, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Apk => "apk",
            Scheme::Rpm => "rpm",
            Scheme::Semver => "SemVer",
            Scheme::Go => "Go",
            Scheme::Pep440 => "PEP 440",
            Scheme::Maven => "Maven",
            Scheme::RubyGems => "RubyGems",
            Scheme::Packagist => "Packagist",
            Scheme::NuGet => "NuGet",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a string is not a version of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("invalid {scheme} version {version:?}: {reason}")]
    Invalid {
        scheme: Scheme,
        version: String,
        reason: &'static str,
    },
}

impl VersionError {
    pub fn scheme(&self) -> Scheme {
        match self {
            VersionError::Invalid { scheme, .. } => *scheme,
        }
    }

    pub fn version(&self) -> &str {
        match self {
            VersionError::Invalid { version, .. } => version,
        }
    }
}

/// The parsed form of each scheme. Every payload's `Ord` is its scheme's ordering, and its
/// `Eq`/`Hash` agree with that ordering (equal versions hash equally).
#[derive(Debug, Clone)]
enum Repr {
    Dpkg(dpkg::DpkgVersion),
    Apk(apk::ApkVersion),
    Rpm(rpm::RpmVersion),
    Semver(semver::SemVersion),
    Pep440(pep440::Pep440Version),
    Maven(maven::MavenVersion),
    RubyGems(rubygems::GemVersion),
    Packagist(packagist::PackagistVersion),
    NuGet(nuget::NuGetVersion),
}

impl Repr {
    fn rank(&self) -> u8 {
        match self {
            Repr::Dpkg(_) => 0,
            Repr::Apk(_) => 1,
            Repr::Rpm(_) => 2,
            Repr::Semver(_) => 3,
            Repr::Pep440(_) => 4,
            Repr::Maven(_) => 5,
            Repr::RubyGems(_) => 6,
            Repr::Packagist(_) => 7,
            Repr::NuGet(_) => 8,
        }
    }
}

impl Ord for Repr {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Repr::Dpkg(a), Repr::Dpkg(b)) => a.cmp(b),
            (Repr::Apk(a), Repr::Apk(b)) => a.cmp(b),
            (Repr::Rpm(a), Repr::Rpm(b)) => a.cmp(b),
            (Repr::Semver(a), Repr::Semver(b)) => a.cmp(b),
            (Repr::Pep440(a), Repr::Pep440(b)) => a.cmp(b),
            (Repr::Maven(a), Repr::Maven(b)) => a.cmp(b),
            (Repr::RubyGems(a), Repr::RubyGems(b)) => a.cmp(b),
            (Repr::Packagist(a), Repr::Packagist(b)) => a.cmp(b),
            (Repr::NuGet(a), Repr::NuGet(b)) => a.cmp(b),
            // Only reachable for different schemes, which `Version::cmp` orders before this.
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Repr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Repr {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Repr {}

impl Hash for Repr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Repr::Dpkg(v) => v.hash(state),
            Repr::Apk(v) => v.hash(state),
            Repr::Rpm(v) => v.hash(state),
            Repr::Semver(v) => v.hash(state),
            Repr::Pep440(v) => v.hash(state),
            Repr::Maven(v) => v.hash(state),
            Repr::RubyGems(v) => v.hash(state),
            Repr::Packagist(v) => v.hash(state),
            Repr::NuGet(v) => v.hash(state),
        }
    }
}

/// A parsed version; `Ord` follows the scheme's rules. Parse once, compare many times.
///
/// Versions of different schemes order by scheme first, so sorting a mixed list never panics.
/// Equality is the scheme's equality (`1.0` and `1.0.0` are equal Maven versions), not string
/// equality; [`Version::as_str`] keeps the original text.
#[derive(Debug, Clone)]
pub struct Version {
    scheme: Scheme,
    raw: String,
    repr: Repr,
}

impl Version {
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The text the version was parsed from, unchanged.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.scheme
            .cmp(&other.scheme)
            .then_with(|| self.repr.cmp(&other.repr))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.scheme.hash(state);
        self.repr.hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Parses `s` as a version of `scheme`.
pub fn parse(scheme: Scheme, s: &str) -> Result<Version, VersionError> {
    let invalid = |reason: &'static str| VersionError::Invalid {
        scheme,
        version: s.to_owned(),
        reason,
    };
    let repr = match scheme {
        Scheme::Dpkg => Repr::Dpkg(dpkg::parse(s).map_err(invalid)?),
        Scheme::Apk => Repr::Apk(apk::parse(s).map_err(invalid)?),
        Scheme::Rpm => Repr::Rpm(rpm::parse(s).map_err(invalid)?),
        Scheme::Semver => Repr::Semver(semver::parse(s).map_err(invalid)?),
        Scheme::Go => Repr::Semver(go::parse(s).map_err(invalid)?),
        Scheme::Pep440 => Repr::Pep440(pep440::parse(s).map_err(invalid)?),
        Scheme::Maven => Repr::Maven(maven::parse(s).map_err(invalid)?),
        Scheme::RubyGems => Repr::RubyGems(rubygems::parse(s).map_err(invalid)?),
        Scheme::Packagist => Repr::Packagist(packagist::parse(s).map_err(invalid)?),
        Scheme::NuGet => Repr::NuGet(nuget::parse(s).map_err(invalid)?),
    };
    Ok(Version {
        scheme,
        raw: s.to_owned(),
        repr,
    })
}

/// Compares two version strings under `scheme`; an error names whichever does not parse.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(scheme, a)?.cmp(&parse(scheme, b)?))
}
