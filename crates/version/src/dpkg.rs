//! Debian package versions: `[epoch:]upstream[-revision]`, compared as Debian Policy 5.6.12
//! and dpkg's `verrevcmp` (lib/dpkg/version.c) do.

use std::cmp::Ordering;

use crate::num::{Num, split_digits, split_while};

/// `upstream` and `revision` are kept as dpkg walks them: alternating non-digit and digit runs.
/// With numbers canonical and an all-zero string reduced to nothing, two versions are
/// equal under `verrevcmp` exactly when these fields are equal, so derived `Hash` is sound.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct DpkgVersion {
    epoch: Num,
    upstream: Vec<Part>,
    revision: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
struct Part {
    text: Box<str>,
    number: Num,
}

pub(crate) fn parse(s: &str) -> Result<DpkgVersion, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty version");
    }
    if s.chars().any(char::is_whitespace) {
        return Err("contains whitespace");
    }
    let (epoch, rest) = match s.split_once(':') {
        Some((e, rest)) => {
            if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                return Err("epoch is not a number");
            }
            (Num::from_digits(e), rest)
        }
        None => (Num::zero(), s),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((u, r)) => {
            if r.is_empty() {
                return Err("nothing after the last hyphen");
            }
            (u, r)
        }
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return Err("empty upstream version");
    }
    Ok(DpkgVersion {
        epoch,
        upstream: parts(upstream),
        revision: parts(revision),
    })
}

fn parts(mut s: &str) -> Vec<Part> {
    let mut out = Vec::new();
    while !s.is_empty() {
        let (text, rest) = split_while(s, |b| !b.is_ascii_digit() && b.is_ascii());
        // Non-ASCII bytes are not valid in dpkg versions; dpkg still orders them after ASCII
        // punctuation (order() = byte + 256), so keep them with the text run.
        let (text, rest) = if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) {
            let end = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            (&s[..text.len() + end], &rest[end..])
        } else {
            (text, rest)
        };
        let (digits, rest) = split_digits(rest);
        out.push(Part {
            text: text.into(),
            number: Num::from_digits(digits),
        });
        s = rest;
    }
    // "", "0" and "00" are one and the same under verrevcmp.
    if out.len() == 1 && out[0].text.is_empty() && out[0].number.is_zero() {
        out.clear();
    }
    out
}

/// dpkg's `order()`: `~` before the end of the string, the end before letters, letters before
/// everything else.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

fn cmp_text(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for i in 0..a.len().max(b.len()) {
        let o = order(a.get(i).copied()).cmp(&order(b.get(i).copied()));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn cmp_parts(a: &[Part], b: &[Part]) -> Ordering {
    let empty = Part::default();
    for i in 0..a.len().max(b.len()) {
        let pa = a.get(i).unwrap_or(&empty);
        let pb = b.get(i).unwrap_or(&empty);
        let o = cmp_text(&pa.text, &pb.text).then_with(|| pa.number.cmp(&pb.number));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_parts(&self.upstream, &other.upstream))
            .then_with(|| cmp_parts(&self.revision, &other.revision))
    }
}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
