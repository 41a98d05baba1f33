//! RubyGems versions, ordered as `Gem::Version#<=>` (rubygems/version.rb): the string is split
//! into runs of digits and runs of letters (`-` reads as `.pre.`), any letter run makes the
//! version a prerelease that sorts before the release, and trailing zeros do not count
//! (`1.0` = `1`, `1.0.a` = `1.a`).

use std::cmp::Ordering;

use crate::num::{Num, split_while};

/// `Gem::Version#canonical_segments`: the numeric prefix and the rest, each with trailing zeros
/// dropped. Equal canonical segments are exactly the versions `<=>` calls equal, so derived
/// `Hash` is sound.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct GemVersion {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    Number(Num),
    Text(Box<str>),
}

pub(crate) fn parse(s: &str) -> Result<GemVersion, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty version");
    }
    // Gem::Version::ANCHORED_VERSION_PATTERN, loosened to allow a letter straight after a
    // digit ("1beta"), which OSV data contains and Gem's segment scan handles the same way.
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return Err("only letters, digits, '.' and '-' are allowed");
    }
    if !s.as_bytes()[0].is_ascii_digit() {
        return Err("does not start with a digit");
    }
    let mut segments = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let b = rest.as_bytes()[0];
        if b.is_ascii_digit() {
            let (digits, r) = split_while(rest, |b| b.is_ascii_digit());
            segments.push(Segment::Number(Num::from_digits(digits)));
            rest = r;
        } else if b.is_ascii_alphabetic() {
            let (letters, r) = split_while(rest, |b| b.is_ascii_alphabetic());
            segments.push(Segment::Text(letters.into()));
            rest = r;
        } else {
            // `-` is rewritten to ".pre." before scanning.
            if b == b'-' {
                segments.push(Segment::Text("pre".into()));
            }
            rest = &rest[1..];
        }
    }
    let first_text = segments
        .iter()
        .position(|s| matches!(s, Segment::Text(_)))
        .unwrap_or(segments.len());
    let mut tail = segments.split_off(first_text);
    trim_zeros(&mut segments);
    trim_zeros(&mut tail);
    segments.append(&mut tail);
    Ok(GemVersion { segments })
}

fn trim_zeros(segments: &mut Vec<Segment>) {
    while matches!(segments.last(), Some(Segment::Number(n)) if n.is_zero()) {
        segments.pop();
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Number(Num::zero());
        for i in 0..self.segments.len().max(other.segments.len()) {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let o = match (a, b) {
                (Segment::Number(x), Segment::Number(y)) => x.cmp(y),
                (Segment::Text(x), Segment::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
                (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
