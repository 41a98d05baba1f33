//! SemVer 2.0.0 (npm, crates.io, and the base of Go module versions), parsed leniently the way
//! real advisory data needs: a leading `v` or `=`, missing minor/patch (`1.2` = `1.2.0`), and
//! numbers of any size.
//!
//! Hand-written rather than the `semver` crate: that crate is strict (rejects `v1.2`, `1.2`,
//! four-part versions) and limits numbers to `u64`, and both occur in OSV data.

use std::cmp::Ordering;

use crate::num::{Num, split_digits};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SemVersion {
    major: Num,
    minor: Num,
    patch: Num,
    /// Empty for a release, which sorts after all of its prereleases.
    pre: Vec<Identifier>,
}

/// Numeric identifiers always sort before alphanumeric ones (SemVer 2 §11.4.3), which the
/// variant order gives for free.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Identifier {
    Numeric(Num),
    Alpha(Box<str>),
}

impl SemVersion {
    pub(crate) fn new(major: Num, minor: Num, patch: Num, pre: Vec<Identifier>) -> SemVersion {
        SemVersion {
            major,
            minor,
            patch,
            pre,
        }
    }
}

pub(crate) fn parse(s: &str) -> Result<SemVersion, &'static str> {
    let s = s.trim();
    let s = s.strip_prefix('=').unwrap_or(s).trim_start();
    let s = s
        .strip_prefix('v')
        .or_else(|| s.strip_prefix('V'))
        .unwrap_or(s);
    if s.is_empty() {
        return Err("empty version");
    }
    // Build metadata never takes part in ordering (§10).
    let s = s.split_once('+').map_or(s, |(v, _build)| v);
    let (mut core, pre) = match s.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (s, None),
    };
    let mut numbers = [Num::zero(), Num::zero(), Num::zero()];
    for (i, slot) in numbers.iter_mut().enumerate() {
        let (digits, rest) = split_digits(core);
        if digits.is_empty() {
            return Err(if i == 0 {
                "does not start with a number"
            } else {
                "version component is not a number"
            });
        }
        *slot = Num::from_digits(digits);
        core = match rest.strip_prefix('.') {
            Some(r) => r,
            None if rest.is_empty() => "",
            None => return Err("unexpected character in major.minor.patch"),
        };
        if core.is_empty() {
            break;
        }
    }
    // Components past the third are not SemVer; like the OSV tooling we treat them as build
    // metadata rather than reject the version, but they must still look like a version.
    if !core
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return Err("unexpected character after major.minor.patch");
    }
    let pre = match pre {
        Some(p) => parse_identifiers(p)?,
        None => Vec::new(),
    };
    let [major, minor, patch] = numbers;
    Ok(SemVersion::new(major, minor, patch, pre))
}

pub(crate) fn parse_identifiers(p: &str) -> Result<Vec<Identifier>, &'static str> {
    if p.is_empty() {
        return Err("empty prerelease");
    }
    p.split('.')
        .map(|id| {
            if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                Err("prerelease has a character other than [0-9A-Za-z-]")
            } else if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Identifier::Numeric(Num::from_digits(id)))
            } else {
                Ok(Identifier::Alpha(id.into()))
            }
        })
        .collect()
}

impl Ord for SemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then_with(|| self.minor.cmp(&other.minor))
            .then_with(|| self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                // Slice ordering is lexicographic with a shorter prefix first (§11.4.4).
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}

impl PartialOrd for SemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
