//! Hand-picked cases where a plausible comparator goes wrong, one scheme at a time.

use std::cmp::Ordering::{self, Equal, Greater, Less};

use drydock_core::Ecosystem;
use drydock_version::{Scheme, VersionError, compare, parse};

#[track_caller]
fn check(scheme: Scheme, a: &str, want: Ordering, b: &str) {
    let got = compare(scheme, a, b).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, want, "{scheme}: {a} vs {b}");
    let back = compare(scheme, b, a).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, want.reverse(), "{scheme}: {b} vs {a}");
}

/// Each version strictly below the next.
#[track_caller]
fn ascending(scheme: Scheme, versions: &[&str]) {
    for pair in versions.windows(2) {
        check(scheme, pair[0], Less, pair[1]);
    }
}

#[test]
fn dpkg() {
    check(Scheme::Dpkg, "1.0~rc1", Less, "1.0");
    check(Scheme::Dpkg, "1:0.1", Greater, "2.0");
    check(Scheme::Dpkg, "1.0~~", Less, "1.0~");
    check(Scheme::Dpkg, "1.0", Less, "1.0a");
    check(Scheme::Dpkg, "1.0a", Less, "1.0+");
    check(Scheme::Dpkg, "1.0", Equal, "1.0-0");
    check(Scheme::Dpkg, "1.0-1", Equal, "0:1.0-01");
    check(Scheme::Dpkg, "2.30-1+deb12u1", Greater, "2.30-1");
    check(Scheme::Dpkg, "1.2.3-1~deb11u1", Less, "1.2.3-1");
    // The revision is everything after the last hyphen.
    check(Scheme::Dpkg, "1.0-beta-2", Greater, "1.0-beta-1");
    ascending(
        Scheme::Dpkg,
        &[
            "0.9",
            "1.0~alpha",
            "1.0~beta",
            "1.0",
            "1.0-1",
            "1.0.1",
            "1:0.5",
        ],
    );
}

#[test]
fn rpm() {
    check(Scheme::Rpm, "1.0^git1", Greater, "1.0");
    check(Scheme::Rpm, "1.0~rc1", Less, "1.0");
    check(Scheme::Rpm, "1.0^git1", Less, "1.0.1");
    check(Scheme::Rpm, "1.0~rc1^git1", Greater, "1.0~rc1");
    check(Scheme::Rpm, "2.4.21-9.EL", Less, "2.4.21-9.0.1.EL");
    check(Scheme::Rpm, "0:1.0-1", Equal, "1.0-1");
    check(Scheme::Rpm, "1:1.0-1", Greater, "9.9-9");
    check(Scheme::Rpm, "1.0-1.el9", Less, "1.0-1.el9_2.1");
    check(Scheme::Rpm, "1.01", Equal, "1.1");
    // A letter run sorts below a number run in the same position.
    check(Scheme::Rpm, "1.a", Less, "1.1");
}

#[test]
fn apk() {
    ascending(
        Scheme::Apk,
        &[
            "1.2_alpha1",
            "1.2_beta",
            "1.2_pre2",
            "1.2_rc1",
            "1.2",
            "1.2-r0",
            "1.2-r1",
            "1.2_cvs1",
            "1.2_git20240101",
            "1.2_p1",
            "1.2a",
            "1.2.1",
        ],
    );
    check(Scheme::Apk, "1.2.3-r10", Greater, "1.2.3-r9");
    check(Scheme::Apk, "1.0_p", Less, "1.0_p0");
    // Leading zeros after the first number compare as text.
    check(Scheme::Apk, "1.02", Less, "1.1");
    check(Scheme::Apk, "01.1", Equal, "1.1");
}

#[test]
fn semver() {
    ascending(
        Scheme::Semver,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
        ],
    );
    check(Scheme::Semver, "1.0.0+build.1", Equal, "1.0.0+build.2");
    check(Scheme::Semver, "v1.2", Equal, "1.2.0");
    check(Scheme::Semver, "=1.2.3", Equal, "1.2.3");
    check(
        Scheme::Semver,
        "18446744073709551616.0.0",
        Greater,
        "18446744073709551615.0.0",
    );
}

#[test]
fn go() {
    // Pseudo-versions: v0.0.0-<time>-<hash> before any release; vX.Y.(Z+1)-0.<time>-<hash>
    // between vX.Y.Z and vX.Y.(Z+1); vX.Y.Z-pre.0.<time>-<hash> just after vX.Y.Z-pre.
    ascending(
        Scheme::Go,
        &[
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-0123456789ab",
            "v0.1.0",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4-pre",
            "v1.2.4-pre.0.20191109021931-daa7c04131f5",
            "v1.2.4",
        ],
    );
    check(Scheme::Go, "v2.0.0+incompatible", Equal, "v2.0.0");
    check(Scheme::Go, "v2.0.1+incompatible", Greater, "v2.0.0");
    check(Scheme::Go, "1.2.3", Equal, "v1.2.3");
    // Toolchain spellings, for the stdlib and toolchain packages.
    check(Scheme::Go, "go1.21.3", Equal, "1.21.3");
    check(Scheme::Go, "go1.20", Equal, "1.20.0");
    ascending(
        Scheme::Go,
        &[
            "go1.9beta2",
            "go1.9rc1",
            "1.9",
            "go1.9.1",
            "1.21rc1",
            "1.21rc2",
            "1.21.0",
            "go1.21.3",
        ],
    );
}

#[test]
fn pep440() {
    ascending(
        Scheme::Pep440,
        &[
            "1.0.dev1",
            "1.0a1.dev1",
            "1.0a1",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+local",
            "1.0.post1.dev1",
            "1.0.post1",
            "1.1",
        ],
    );
    check(Scheme::Pep440, "1.0+local", Greater, "1.0");
    check(Scheme::Pep440, "1.0", Equal, "1.0.0");
    check(Scheme::Pep440, "1.0-1", Equal, "1.0.post1");
    check(Scheme::Pep440, "1.0.PREVIEW2", Equal, "1.0rc2");
    check(Scheme::Pep440, "v1!0.1", Greater, "99");
    check(Scheme::Pep440, "1.0+abc.5", Greater, "1.0+abc.xyz");
    // Legacy (non-PEP 440) versions sort before every PEP 440 version.
    check(Scheme::Pep440, "2004d", Less, "0.1");
    check(Scheme::Pep440, "0.1-bulbasaur", Less, "0.1-charmander");
}

#[test]
fn maven() {
    ascending(
        Scheme::Maven,
        &[
            "1.0-alpha",
            "1.0-alpha-2",
            "1.0-beta",
            "1.0-milestone-1",
            "1.0-rc-1",
            "1.0-SNAPSHOT",
            "1.0",
            "1.0-sp",
            "1.0-foo",
            "1.0-1",
            "1.0.1",
        ],
    );
    check(Scheme::Maven, "1.0-RELEASE", Equal, "1");
    check(Scheme::Maven, "1.0.Final", Equal, "1.0-ga");
    check(Scheme::Maven, "1.0-CR1", Equal, "1.0-rc-1");
    check(Scheme::Maven, "1a1", Equal, "1-alpha-1");
    check(Scheme::Maven, "1.0-ga-1", Equal, "1.0-1");
    check(Scheme::Maven, "2.0.0.RELEASE", Less, "2.0.1");
}

#[test]
fn rubygems() {
    ascending(
        Scheme::RubyGems,
        &[
            "1.0.a", "1.0.a.2", "1.0.b1", "1.0.rc1", "1.0", "1.0.1", "1.1",
        ],
    );
    check(Scheme::RubyGems, "1.0", Equal, "1");
    check(Scheme::RubyGems, "1.0.a", Equal, "1.a");
    check(Scheme::RubyGems, "1.0-1", Less, "1.0");
}

#[test]
fn packagist() {
    ascending(
        Scheme::Packagist,
        &[
            "1.0-dev",
            "1.0-alpha1",
            "1.0-beta2",
            "1.0-RC1",
            "1.0",
            "1.0.1",
            "1.0-p1",
        ],
    );
    // PHP ranks a patch level above any number in the same position, so this really is `>`.
    check(Scheme::Packagist, "1.0-p1", Greater, "1.0.1");
    check(Scheme::Packagist, "1.0-p1", Less, "1.1");
    check(Scheme::Packagist, "v1.0.0", Equal, "1.0.0");
    check(Scheme::Packagist, "1.0.0", Greater, "1.0");
    check(Scheme::Packagist, "1.0rc1", Equal, "1.0-RC1");
}

#[test]
fn nuget() {
    check(Scheme::NuGet, "1.0.0-BETA", Equal, "1.0.0-beta");
    check(Scheme::NuGet, "1.0", Equal, "1.0.0.0");
    check(Scheme::NuGet, "1.0.0.1", Greater, "1.0.0");
    check(Scheme::NuGet, "1.0.0-beta.10", Greater, "1.0.0-beta.9");
    check(Scheme::NuGet, "1.0.0+abc", Equal, "1.0.0");
}

#[test]
fn errors_name_the_version_and_the_scheme() {
    let err = parse(Scheme::Semver, "not-a-version").unwrap_err();
    let VersionError::Invalid {
        scheme, version, ..
    } = &err;
    assert_eq!(
        (*scheme, version.as_str()),
        (Scheme::Semver, "not-a-version")
    );
    let text = err.to_string();
    assert!(
        text.contains("not-a-version") && text.contains("SemVer"),
        "{text}"
    );
    assert!(parse(Scheme::Dpkg, "").is_err());
    assert!(parse(Scheme::Dpkg, "a:1.0").is_err());
    assert!(parse(Scheme::NuGet, "1.2.3.4.5").is_err());
    assert!(compare(Scheme::Go, "v1.0.0", "bogus").is_err());
}

#[test]
fn versions_keep_their_text_and_scheme() {
    let v = parse(Scheme::Maven, "1.0.Final").unwrap();
    assert_eq!(v.as_str(), "1.0.Final");
    assert_eq!(v.scheme(), Scheme::Maven);
    assert_eq!(v, parse(Scheme::Maven, "1").unwrap());
    // Different schemes never compare equal and order by scheme.
    let d = parse(Scheme::Dpkg, "1.0").unwrap();
    let r = parse(Scheme::Rpm, "1.0").unwrap();
    assert_ne!(d, r);
    assert_eq!(d.cmp(&r), Scheme::Dpkg.cmp(&Scheme::Rpm));
}

#[test]
fn osv_ecosystems() {
    let cases = [
        ("Debian:12", Scheme::Dpkg),
        ("Ubuntu:22.04:LTS", Scheme::Dpkg),
        ("Ubuntu:Pro:18.04:LTS", Scheme::Dpkg),
        ("Alpine:v3.20", Scheme::Apk),
        ("AlmaLinux:9", Scheme::Rpm),
        ("Rocky Linux:9", Scheme::Rpm),
        ("Red Hat", Scheme::Rpm),
        ("Red Hat:enterprise_linux:9::appstream", Scheme::Rpm),
        ("openSUSE:Leap 15.5", Scheme::Rpm),
        ("PyPI", Scheme::Pep440),
        ("npm", Scheme::Semver),
        ("crates.io", Scheme::Semver),
        ("Go", Scheme::Go),
        ("Maven", Scheme::Maven),
        ("RubyGems", Scheme::RubyGems),
        ("Packagist", Scheme::Packagist),
        ("NuGet", Scheme::NuGet),
    ];
    for (eco, want) in cases {
        assert_eq!(Scheme::from_osv_ecosystem(eco), Some(want), "{eco}");
    }
    for unknown in ["", "Hackage", "pypi", "Debian12", "CRAN"] {
        assert_eq!(Scheme::from_osv_ecosystem(unknown), None, "{unknown}");
    }
}

#[test]
fn core_ecosystems() {
    for eco in Ecosystem::ALL {
        // The OSV name of every ecosystem drydock knows maps to the same scheme.
        assert_eq!(
            Scheme::from_osv_ecosystem(eco.osv_name()),
            Some(Scheme::for_ecosystem(eco)),
            "{eco}"
        );
    }
    assert_eq!(Scheme::for_ecosystem(Ecosystem::Ubuntu), Scheme::Dpkg);
    assert_eq!(Scheme::for_ecosystem(Ecosystem::CratesIo), Scheme::Semver);
}
