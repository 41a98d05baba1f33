//! Alpine (apk) versions: `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`,
//! ordered as apk-tools' `src/version.c`.
//!
//! For well-formed versions this follows apk-tools exactly: the first number is numeric, later
//! numbers compare as strings if either has a leading zero (the Gentoo rule), more numbers sort
//! higher (`1.0 < 1.0.0`), a letter sorts above none, `_alpha < _beta < _pre < _rc < (none) <
//! _cvs < _svn < _git < _hg < _p`, a suffix without a number sorts below one with a number, a
//! commit hash above none, and any `-rN` above none (`1.0 < 1.0-r0`).
//!
//! apk itself has changed how it orders malformed strings between releases, so for those we
//! follow OSV's reference vectors: a malformed version sorts below the well-formed version it
//! starts like, trailing junk after `-` is ignored, and two otherwise-equal malformed versions
//! fall back to plain string order.

use std::cmp::Ordering;

use crate::num::{Num, split_digits};

#[derive(Debug, Clone)]
pub(crate) struct ApkVersion {
    numbers: Vec<Number>,
    letter: Option<u8>,
    suffixes: Vec<Suffix>,
    hash: Option<Box<str>>,
    revision: Option<Num>,
    junk: Junk,
}

/// A dot-separated number after the first. The first is kept as a plain [`Num`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Number(Box<str>);

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&*self.0, &*other.0);
        if a.starts_with('0') || b.starts_with('0') {
            a.cmp(b)
        } else {
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Suffix ranks as apk's table; `NONE` (no suffix) sits between the pre- and post-releases.
const SUFFIXES: [(&str, u8); 9] = [
    ("alpha", 1),
    ("beta", 2),
    ("pre", 3),
    ("rc", 4),
    ("cvs", 6),
    ("svn", 7),
    ("git", 8),
    ("hg", 9),
    ("p", 10),
];
const NO_SUFFIX: u8 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Suffix {
    rank: u8,
    number: Option<Num>,
}

/// What follows the longest well-formed prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Junk {
    /// Malformed somewhere before a trailing `-…`; ordered by the whole string.
    Text(Box<str>),
    /// Starts with `-` but is not a revision (`1-ruff`, `1-r0-1`); its content is ignored.
    Dash,
    None,
}

pub(crate) fn parse(s: &str) -> Result<ApkVersion, &'static str> {
    if s.is_empty() {
        return Err("empty version");
    }
    if s.chars().any(char::is_whitespace) {
        return Err("contains whitespace");
    }
    let mut v = ApkVersion {
        numbers: Vec::new(),
        letter: None,
        suffixes: Vec::new(),
        hash: None,
        revision: None,
        junk: Junk::None,
    };
    let rest = parse_parts(s, &mut v);
    if !rest.is_empty() {
        v.junk = if rest.starts_with('-') {
            Junk::Dash
        } else {
            Junk::Text(s.into())
        };
    }
    Ok(v)
}

/// Fills `v` from the longest well-formed prefix of `s` and returns what is left.
fn parse_parts<'a>(s: &'a str, v: &mut ApkVersion) -> &'a str {
    let (digits, mut rest) = split_digits(s);
    if digits.is_empty() {
        return s;
    }
    v.numbers.push(Number(digits.into()));
    while let Some(after) = rest.strip_prefix('.') {
        let (digits, r) = split_digits(after);
        if digits.is_empty() {
            return rest;
        }
        v.numbers.push(Number(digits.into()));
        rest = r;
    }
    if let Some(&c) = rest.as_bytes().first()
        && c.is_ascii_lowercase()
    {
        v.letter = Some(c);
        rest = &rest[1..];
    }
    while let Some(after) = rest.strip_prefix('_') {
        let word_end = after
            .find(|c: char| !c.is_ascii_lowercase())
            .unwrap_or(after.len());
        let (word, r) = after.split_at(word_end);
        let Some(&(_, rank)) = SUFFIXES.iter().find(|(name, _)| *name == word) else {
            return rest;
        };
        let (digits, r) = split_digits(r);
        v.suffixes.push(Suffix {
            rank,
            number: (!digits.is_empty()).then(|| Num::from_digits(digits)),
        });
        rest = r;
    }
    if let Some(after) = rest.strip_prefix('~') {
        let end = after
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(after.len());
        if end == 0 {
            return rest;
        }
        v.hash = Some(after[..end].into());
        rest = &after[end..];
    }
    if let Some(after) = rest.strip_prefix("-r") {
        let (digits, r) = split_digits(after);
        // "-r" must be followed by digits or the end ("1-r" is "1-r0"); "-ruff" is junk.
        if digits.is_empty() && !r.is_empty() {
            return rest;
        }
        v.revision = Some(Num::from_digits(digits));
        rest = r;
    }
    rest
}

/// Suffix lists compare element by element, a missing suffix counting as "none".
fn cmp_suffixes(a: &[Suffix], b: &[Suffix]) -> Ordering {
    let none = Suffix {
        rank: NO_SUFFIX,
        number: None,
    };
    for i in 0..a.len().max(b.len()) {
        let o = a.get(i).unwrap_or(&none).cmp(b.get(i).unwrap_or(&none));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

impl ApkVersion {
    fn first(&self) -> Option<Num> {
        self.numbers.first().map(|n| Num::from_digits(&n.0))
    }

    /// The revision as compared: a well-formed version without `-rN` sorts below `-r0`; with
    /// junk present the revision only counts by its number.
    fn revision_key(&self) -> (Num, bool) {
        let number = self.revision.clone().unwrap_or_default();
        let counts = self.junk == Junk::None && self.revision.is_some();
        (number, counts)
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // The first number is always numeric; the rest follow the leading-zero rule.
        self.first()
            .cmp(&other.first())
            .then_with(|| {
                self.numbers
                    .get(1..)
                    .unwrap_or_default()
                    .cmp(other.numbers.get(1..).unwrap_or_default())
            })
            .then_with(|| self.letter.cmp(&other.letter))
            .then_with(|| cmp_suffixes(&self.suffixes, &other.suffixes))
            .then_with(|| self.hash.cmp(&other.hash))
            .then_with(|| self.revision_key().cmp(&other.revision_key()))
            .then_with(|| self.junk.cmp(&other.junk))
    }
}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ApkVersion {}

impl std::hash::Hash for ApkVersion {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.first().hash(state);
        self.numbers.get(1..).unwrap_or_default().hash(state);
        self.letter.hash(state);
        self.suffixes.hash(state);
        self.hash.hash(state);
        self.revision_key().hash(state);
        self.junk.hash(state);
    }
}
