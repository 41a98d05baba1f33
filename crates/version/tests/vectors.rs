//! Runs every line of the shared version-comparison vectors (from OSV's reference tooling; see
//! `tests/vectors/README.md`) and reports all failures of a file at once.

use std::cmp::Ordering;
use std::path::Path;

use drydock_version::{Scheme, compare};

/// Lines where we knowingly differ from the vectors, with the answer we give instead. Each one
/// is asserted exactly, so a change in behaviour still fails the test.
///
/// Maven: the generated file was sorted with maven-artifact 3.8.6, whose qualifier-after-a-dot
/// rule (`1.0.RC1` parsed without a sub-list) makes the ordering cyclic; Maven 3.9 changed it
/// (MNG-7644) and we follow that, extended to every qualifier (see `src/maven.rs`).
const KNOWN_DIFFERENCES: &[(&str, &str, Ordering)] = &[
    (
        "maven-versions-generated.txt",
        "1.0.0-RC16 < 1.0.0.RC8-beta",
        Ordering::Greater,
    ),
    (
        "maven-versions-generated.txt",
        "3.6.2.FL.20090615 < 3.6.2-FL-2009-05-11",
        Ordering::Greater,
    ),
    (
        "maven-versions-generated.txt",
        "6.1.12.rc5 < 6.1.12rc1",
        Ordering::Greater,
    ),
    (
        "maven-versions-generated.txt",
        "1.1.31.sec10 < 1.1.31_noneautotype",
        Ordering::Greater,
    ),
    (
        "maven-versions-generated.txt",
        "1.2.31.sec10 < 1.2.31_noneautotype",
        Ordering::Greater,
    ),
    (
        "maven-versions-generated.txt",
        "1.2.67.sec10 < 1.2.67_noneautotype",
        Ordering::Greater,
    ),
    (
        "maven-versions-generated.txt",
        "1.0.0rc0 < 1.0.beta8",
        Ordering::Greater,
    ),
];

fn check_file(scheme: Scheme, file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut failures = Vec::new();
    let mut checked = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [a, op, b] = fields[..] else {
            failures.push(format!("{file}:{}: malformed line {line:?}", n + 1));
            continue;
        };
        let want = match op {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            _ => {
                failures.push(format!("{file}:{}: unknown operator in {line:?}", n + 1));
                continue;
            }
        };
        let want = KNOWN_DIFFERENCES
            .iter()
            .find(|(f, l, _)| *f == file && *l == line)
            .map_or(want, |(_, _, ours)| *ours);
        checked += 1;
        // Check both directions: a comparator that is right one way and wrong the other is
        // not antisymmetric, and would still pass a one-way check.
        match (compare(scheme, a, b), compare(scheme, b, a)) {
            (Ok(got), Ok(back)) if got == want && back == want.reverse() => {}
            (Ok(got), Ok(back)) => failures.push(format!(
                "{file}:{}: {line}  (got {a} {} {b}, reversed {b} {} {a})",
                n + 1,
                symbol(got),
                symbol(back)
            )),
            (Err(e), _) | (_, Err(e)) => {
                failures.push(format!("{file}:{}: {line}  (error: {e})", n + 1))
            }
        }
    }
    assert!(checked > 0, "{file} has no comparisons");
    assert!(
        failures.is_empty(),
        "{} of {checked} comparisons in {file} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn symbol(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

#[test]
fn debian() {
    check_file(Scheme::Dpkg, "debian-versions.txt");
}

#[test]
fn debian_generated() {
    check_file(Scheme::Dpkg, "debian-versions-generated.txt");
}

#[test]
fn alpine() {
    check_file(Scheme::Apk, "alpine-versions.txt");
}

#[test]
fn alpine_generated() {
    check_file(Scheme::Apk, "alpine-versions-generated.txt");
}

#[test]
fn redhat() {
    check_file(Scheme::Rpm, "redhat-versions.txt");
}

#[test]
fn pypi() {
    check_file(Scheme::Pep440, "pypi-versions.txt");
}

#[test]
fn pypi_generated() {
    check_file(Scheme::Pep440, "pypi-versions-generated.txt");
}

#[test]
fn maven() {
    check_file(Scheme::Maven, "maven-versions.txt");
}

#[test]
fn maven_generated() {
    check_file(Scheme::Maven, "maven-versions-generated.txt");
}

#[test]
fn semver() {
    check_file(Scheme::Semver, "semver-versions.txt");
}

#[test]
fn rubygems() {
    check_file(Scheme::RubyGems, "rubygems-versions.txt");
}

#[test]
fn rubygems_generated() {
    check_file(Scheme::RubyGems, "rubygems-versions-generated.txt");
}

#[test]
fn packagist() {
    check_file(Scheme::Packagist, "packagist-versions.txt");
}

#[test]
fn packagist_generated() {
    check_file(Scheme::Packagist, "packagist-versions-generated.txt");
}

#[test]
fn nuget() {
    check_file(Scheme::NuGet, "nuget-versions.txt");
}
