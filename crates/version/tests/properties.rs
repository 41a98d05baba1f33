//! Ordering laws for every scheme on generated, realistic versions: antisymmetry, transitivity,
//! `Eq` agreeing with `Ord` (and `Hash` with `Eq`), and `parse` never panicking.
//!
//! The generators draw from small alphabets and number ranges on purpose, so that generated
//! versions often share long prefixes and the comparisons reach the interesting rules.

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use drydock_version::{Scheme, Version, parse};
use proptest::prelude::*;

/// A realistic version string for each scheme.
fn version_pattern(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Dpkg => {
            "([0-2]:)?[0-9]{1,2}(\\.[0-9]{1,2}){0,2}([~+][a-z0-9]{1,3}){0,2}(-[0-9]{1,2}([~+.][a-z0-9]{1,3})?)?"
        }
        Scheme::Apk => {
            "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}[a-c]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]?){0,2}(~[0-9a-f]{1,3})?(-r[0-9]{1,2})?"
        }
        Scheme::Rpm => {
            "([0-2]:)?[0-9]{1,2}([._^~][0-9a-c]{1,2}){0,3}(-[0-9]{1,2}(\\.(el|fc)[0-9])?)?"
        }
        Scheme::Semver => {
            "v?[0-2]\\.[0-2]\\.[0-2](-(alpha|beta|rc|[0-9])(\\.(alpha|[0-9]{1,2}))?)?(\\+[a-z0-9]{1,3})?"
        }
        Scheme::Go => {
            "(v[0-2]\\.[0-2]\\.[0-2](-(0\\.)?2019[0-9]{2}-[0-9a-f]{4}|-rc\\.[0-2])?(\\+incompatible)?|go1\\.[0-2]{1,2}(\\.[0-2]|(rc|beta)[1-2])?)"
        }
        Scheme::Pep440 => {
            "([0-2]!)?[0-2](\\.[0-2]){0,2}((a|b|rc|alpha|c)[0-2])?(\\.post[0-2]|-[0-2])?(\\.dev[0-2])?(\\+[a-z0-9]{1,2}(\\.[a-z0-9]{1,2})?)?|[0-2]\\.[0-2]-[a-z]{1,3}"
        }
        Scheme::Maven => {
            "[0-2](\\.[0-2]){0,2}([.-]?(alpha|beta|milestone|rc|cr|snapshot|ga|final|sp|foo|a|b|m)[0-2]?){0,2}(-[0-2]){0,2}"
        }
        Scheme::RubyGems => "[0-2](\\.[0-2]){0,2}(\\.?(a|b|pre|rc)[0-2]?)?(-[a-z0-9]{1,2})?",
        Scheme::Packagist => {
            "v?[0-2](\\.[0-2]){0,2}([-_.]?(dev|alpha|a|beta|b|RC|rc|pl|p|patch|foo)[0-2]?)?"
        }
        Scheme::NuGet => {
            "[0-2](\\.[0-2]){0,3}(-(alpha|BETA|rc|[0-9])(\\.(Alpha|[0-9]{1,2}))?)?(\\+[a-z0-9]{1,3})?"
        }
    }
}

fn scheme() -> impl Strategy<Value = Scheme> {
    prop::sample::select(Scheme::ALL.to_vec())
}

fn version_of(scheme: Scheme) -> impl Strategy<Value = Version> {
    proptest::string::string_regex(version_pattern(scheme))
        .expect("generator patterns are valid regexes")
        .prop_map(move |s| {
            parse(scheme, &s).unwrap_or_else(|e| panic!("generated version rejected: {e}"))
        })
}

fn hash_of(v: &Version) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// The three ordering laws for one scheme, as their own tests so a failure names the scheme.
macro_rules! laws {
    ($($name:ident => $scheme:expr,)*) => {$(
        mod $name {
            use super::*;

            proptest! {
                #![proptest_config(ProptestConfig::with_cases(1000))]

                #[test]
                fn antisymmetric(a in version_of($scheme), b in version_of($scheme)) {
                    prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse(), "{} vs {}", a, b);
                }

                #[test]
                fn transitive(
                    a in version_of($scheme),
                    b in version_of($scheme),
                    c in version_of($scheme),
                ) {
                    let mut v = [&a, &b, &c];
                    v.sort();
                    // Sorted by a total order, every pair must agree with the sort.
                    prop_assert!(v[0] <= v[1], "{} {} {}", v[0], v[1], v[2]);
                    prop_assert!(v[1] <= v[2], "{} {} {}", v[0], v[1], v[2]);
                    prop_assert!(v[0] <= v[2], "{} !<= {} (via {})", v[0], v[2], v[1]);
                }

                #[test]
                fn eq_agrees_with_ord_and_hash(a in version_of($scheme), b in version_of($scheme)) {
                    prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
                    prop_assert_eq!(a.partial_cmp(&b), Some(a.cmp(&b)));
                    prop_assert_eq!(a.cmp(&a), Ordering::Equal);
                    if a == b {
                        prop_assert_eq!(hash_of(&a), hash_of(&b), "{} = {} but hashes differ", a, b);
                    }
                }
            }
        }
    )*};
}

laws! {
    dpkg => Scheme::Dpkg,
    apk => Scheme::Apk,
    rpm => Scheme::Rpm,
    semver => Scheme::Semver,
    go => Scheme::Go,
    pep440 => Scheme::Pep440,
    maven => Scheme::Maven,
    rubygems => Scheme::RubyGems,
    packagist => Scheme::Packagist,
    nuget => Scheme::NuGet,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_never_panics_on_arbitrary_strings(s in any::<String>()) {
        for scheme in Scheme::ALL {
            if let Ok(v) = parse(scheme, &s) {
                prop_assert_eq!(v.cmp(&v), Ordering::Equal);
                prop_assert_eq!(v.as_str(), s.as_str());
            }
        }
    }

    #[test]
    fn parse_never_panics_on_version_like_strings(s in "[0-9a-zA-Z.:~^+_#!-]{0,16}") {
        for scheme in Scheme::ALL {
            if let Ok(v) = parse(scheme, &s) {
                prop_assert_eq!(v.cmp(&v), Ordering::Equal);
            }
        }
    }

    #[test]
    fn different_schemes_order_by_scheme(a in scheme(), b in scheme()) {
        let va = parse(a, "1.0").expect("1.0 is a version in every scheme");
        let vb = parse(b, "1.0").expect("1.0 is a version in every scheme");
        prop_assert_eq!(va.cmp(&vb), a.cmp(&b));
    }
}
