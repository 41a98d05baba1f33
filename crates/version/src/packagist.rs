//! Packagist (Composer) versions, ordered as PHP's `version_compare()`
//! (ext/standard/versioning.c) after Composer's trimming of a leading `v`/`V`.
//!
//! PHP canonicalises the string (`-`, `_`, `+` become `.`, and a `.` is inserted wherever digits
//! meet non-digits), then compares the dot-separated parts: numbers numerically, words by the
//! "special forms" table `dev < alpha = a < beta = b < RC = rc < # < pl = p` (matched by prefix,
//! anything else below `dev`), and a number against a word as if the number were `#`.
//!
//! `#` therefore equals any number in the same position, so versions spelled with a literal
//! `#` (never produced by Composer) are not totally ordered: `1.#` equals both `1.1` and `1.2`.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::num::Num;

#[derive(Debug, Clone)]
pub(crate) struct PackagistVersion {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Number(Num),
    /// The special-form rank of a word; equal ranks compare equal whatever the spelling.
    Word(i8),
}

/// The rank PHP gives a number when it meets a word.
const NUMBER_RANK: i8 = 4;

/// PHP's `compare_special_version_forms` table, searched in this order by prefix.
fn word_rank(word: &str) -> i8 {
    const FORMS: [(&str, i8); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(form, _)| word.starts_with(form))
        .map_or(-1, |&(_, rank)| rank)
}

pub(crate) fn parse(s: &str) -> Result<PackagistVersion, &'static str> {
    let s = s.trim();
    let s = s.trim_start_matches(['v', 'V']);
    if s.is_empty() {
        return Err("empty version");
    }
    if s.chars().any(char::is_whitespace) {
        return Err("contains whitespace");
    }
    let mut parts = Vec::new();
    for chunk in canonicalise(s).split('.') {
        if chunk.is_empty() {
            continue;
        }
        if chunk.bytes().all(|b| b.is_ascii_digit()) {
            parts.push(Part::Number(Num::from_digits(chunk)));
        } else {
            parts.push(Part::Word(word_rank(chunk)));
        }
    }
    if parts.is_empty() {
        return Err("no version parts");
    }
    Ok(PackagistVersion { parts })
}

/// `s/[-_+]/./g; s/([^\d.])(\d)/$1.$2/g; s/(\d)([^\d.])/$1.$2/g`. Other punctuation stays
/// inside its word (as in Composer's and OSV's reading), so `#` survives as a part of its own.
fn canonicalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let c = if matches!(c, '-' | '_' | '+') { '.' } else { c };
        if let Some(p) = prev
            && p != '.'
            && c != '.'
            && p.is_ascii_digit() != c.is_ascii_digit()
        {
            out.push('.');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

fn cmp_part(a: &Part, b: &Part) -> Ordering {
    match (a, b) {
        (Part::Number(x), Part::Number(y)) => x.cmp(y),
        (Part::Word(x), Part::Word(y)) => x.cmp(y),
        (Part::Number(_), Part::Word(y)) => NUMBER_RANK.cmp(y),
        (Part::Word(x), Part::Number(_)) => x.cmp(&NUMBER_RANK),
    }
}

fn cmp_parts(a: &[Part], b: &[Part]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = cmp_part(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    // The longer version wins if its next part is a number; a word is weighed against `#`,
    // so `1.0-dev < 1.0 < 1.0-p1`.
    let hash = [Part::Word(NUMBER_RANK)];
    match a.len().cmp(&b.len()) {
        Ordering::Equal => Ordering::Equal,
        Ordering::Greater => match &a[b.len()] {
            Part::Number(_) => Ordering::Greater,
            Part::Word(_) => cmp_parts(&a[b.len()..], &hash),
        },
        Ordering::Less => match &b[a.len()] {
            Part::Number(_) => Ordering::Less,
            Part::Word(_) => cmp_parts(&hash, &b[a.len()..]),
        },
    }
}

impl Ord for PackagistVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_parts(&self.parts, &other.parts)
    }
}

impl PartialOrd for PackagistVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PackagistVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PackagistVersion {}

impl Hash for PackagistVersion {
    fn hash<H: Hasher>(&self, _state: &mut H) {
        // Equal versions can differ in length and spelling ("1.0" = "1.0.#", "1.0a" =
        // "1.0alpha"), and `#` equals every number, so no part of the value is safe to hash;
        // hashing nothing is consistent with `Eq`, which is what matters for a map key.
    }
}
