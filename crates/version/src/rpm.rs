//! RPM versions: `[epoch:]version[-release]`, compared as rpm's `rpmvercmp()` (rpmio/rpmvercmp.c)
//! compares each field, with `~` sorting before everything and `^` after the end only.

use std::cmp::Ordering;

use crate::num::{Num, split_while};

/// `rpmvercmp` skips everything that is not alphanumeric, `~` or `^`, then compares runs of
/// digits numerically and runs of letters bytewise. That is a lexicographic comparison of the
/// token lists below, padded with a virtual end token, under `Tilde < End < Caret < Alpha <
/// Number`. Tokens with canonical numbers are equal exactly when rpm says the strings are, so
/// the derived `Hash` agrees with `Ord`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RpmVersion {
    epoch: Num,
    version: Vec<Token>,
    /// `None` when the string has no `-`. rpm itself skips the release when either side lacks
    /// one; OSV data and the vectors we follow order a missing release before any present one,
    /// which is also the conservative choice for matching.
    release: Option<Vec<Token>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Token {
    Tilde,
    Caret,
    Alpha(Box<str>),
    Number(Num),
}

pub(crate) fn parse(s: &str) -> Result<RpmVersion, &'static str> {
    if s.is_empty() {
        return Err("empty version");
    }
    if s.chars().any(char::is_whitespace) {
        return Err("contains whitespace");
    }
    // As rpm's parseEVR: an epoch is a run of digits directly followed by ':'. Anything else
    // with a colon (module streams such as "1.m+e2:1") is part of the version.
    let (epoch, rest) = match s.split_once(':') {
        Some((e, rest)) if e.bytes().all(|b| b.is_ascii_digit()) => (Num::from_digits(e), rest),
        _ => (Num::zero(), s),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((v, r)) => (v, Some(tokens(r))),
        None => (rest, None),
    };
    Ok(RpmVersion {
        epoch,
        version: tokens(version),
        release,
    })
}

fn tokens(mut s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    loop {
        // Separators are everything but ASCII alphanumerics, '~' and '^' (rpm's risalnum is
        // ASCII-only, so non-ASCII letters are separators too).
        let start = s
            .find(|c: char| c.is_ascii_alphanumeric() || c == '~' || c == '^')
            .unwrap_or(s.len());
        s = &s[start..];
        let Some(&first) = s.as_bytes().first() else {
            return out;
        };
        match first {
            b'~' => {
                out.push(Token::Tilde);
                s = &s[1..];
            }
            b'^' => {
                out.push(Token::Caret);
                s = &s[1..];
            }
            b if b.is_ascii_digit() => {
                let (digits, rest) = split_while(s, |b| b.is_ascii_digit());
                out.push(Token::Number(Num::from_digits(digits)));
                s = rest;
            }
            _ => {
                let (letters, rest) = split_while(s, |b| b.is_ascii_alphabetic());
                out.push(Token::Alpha(letters.into()));
                s = rest;
            }
        }
    }
}

/// Rank of a token (or of the end of the string, `None`) in rpmvercmp's ordering.
fn rank(t: Option<&Token>) -> u8 {
    match t {
        Some(Token::Tilde) => 0,
        None => 1,
        Some(Token::Caret) => 2,
        Some(Token::Alpha(_)) => 3,
        Some(Token::Number(_)) => 4,
    }
}

fn cmp_tokens(a: &[Token], b: &[Token]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let (ta, tb) = (a.get(i), b.get(i));
        let o = match (ta, tb) {
            (Some(Token::Alpha(x)), Some(Token::Alpha(y))) => x.as_bytes().cmp(y.as_bytes()),
            (Some(Token::Number(x)), Some(Token::Number(y))) => x.cmp(y),
            _ => rank(ta).cmp(&rank(tb)),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_tokens(&self.version, &other.version))
            .then_with(|| match (&self.release, &other.release) {
                (Some(a), Some(b)) => cmp_tokens(a, b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
    }
}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
