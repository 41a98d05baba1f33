//! Python package versions, ordered as PyPA `packaging` orders them: PEP 440 versions by
//! `Version._key` (epoch, release without trailing zeros, pre, post, dev, local), and strings
//! that are not PEP 440 as packaging's `LegacyVersion` (the setuptools rules, before every
//! PEP 440 version). OSV's PyPI data still contains legacy strings such as `0.1-bulbasaur`.
//!
//! Hand-written rather than `pep440_rs`: that crate has no legacy-version fallback, so it
//! cannot order part of the real data at all.

use std::sync::LazyLock;

use regex::Regex;

use crate::num::Num;

/// packaging's `VERSION_PATTERN`, anchored as `Version.__init__` anchors it.
static PEP440: LazyLock<Regex> = LazyLock::new(|| {
    // The pattern is a constant, checked by every test that parses a PyPI version.
    #[allow(clippy::expect_used)]
    Regex::new(
        r"(?ix)^\s*
        v?
        (?:(?P<epoch>[0-9]+)!)?
        (?P<release>[0-9]+(?:\.[0-9]+)*)
        (?P<pre>
            [-_.]?
            (?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)
            [-_.]?
            (?P<pre_n>[0-9]+)?
        )?
        (?P<post>
            (?:-(?P<post_n1>[0-9]+))
            |
            (?:
                [-_.]?
                (?P<post_l>post|rev|r)
                [-_.]?
                (?P<post_n2>[0-9]+)?
            )
        )?
        (?P<dev>
            [-_.]?
            (?P<dev_l>dev)
            [-_.]?
            (?P<dev_n>[0-9]+)?
        )?
        (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
        \s*$",
    )
    .expect("PEP 440 pattern is valid")
});

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Pep440Version {
    /// packaging gives legacy versions epoch -1, so they sort before every PEP 440 version.
    Legacy(Vec<Box<str>>),
    Modern(Key),
}

/// `packaging.version._cmpkey`, with its infinities as enum variants. Derived ordering on this
/// key is packaging's ordering, and equal keys are equal versions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Key {
    epoch: Num,
    release: Vec<Num>,
    pre: Pre,
    /// `None` is packaging's negative infinity.
    post: Option<Num>,
    dev: Dev,
    /// `None` is packaging's negative infinity.
    local: Option<Vec<Local>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Pre {
    /// A dev release with no pre or post release: `1.0.dev0 < 1.0a0`.
    DevOnly,
    /// `a` = 0, `b` = 1, `rc` = 2.
    Release(u8, Num),
    /// No pre-release: after all of them.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Dev {
    Release(Num),
    /// Not a dev release: after all of them.
    None,
}

/// Local segments: strings sort before numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Local {
    Text(Box<str>),
    Number(Num),
}

pub(crate) fn parse(s: &str) -> Result<Pep440Version, &'static str> {
    if s.trim().is_empty() {
        return Err("empty version");
    }
    match PEP440.captures(s) {
        Some(c) => Ok(Pep440Version::Modern(key(&c))),
        None => Ok(Pep440Version::Legacy(legacy_key(s))),
    }
}

fn num(c: &regex::Captures<'_>, name: &str) -> Num {
    c.name(name)
        .map_or_else(Num::zero, |m| Num::from_digits(m.as_str()))
}

fn key(c: &regex::Captures<'_>) -> Key {
    let epoch = num(c, "epoch");
    let mut release: Vec<Num> = c
        .name("release")
        .map_or("", |m| m.as_str())
        .split('.')
        .map(Num::from_digits)
        .collect();
    while release.last().is_some_and(Num::is_zero) {
        release.pop();
    }
    let pre = c.name("pre_l").map(|l| {
        let rank = match l.as_str().to_ascii_lowercase().as_str() {
            "a" | "alpha" => 0,
            "b" | "beta" => 1,
            _ => 2, // c, pre, preview, rc
        };
        (rank, num(c, "pre_n"))
    });
    let post = if c.name("post").is_some() {
        Some(match c.name("post_n1") {
            Some(n) => Num::from_digits(n.as_str()),
            None => num(c, "post_n2"),
        })
    } else {
        None
    };
    let dev = c.name("dev").map(|_| num(c, "dev_n"));
    let local = c.name("local").map(|l| {
        l.as_str()
            .split(['-', '_', '.'])
            .map(|seg| {
                if seg.bytes().all(|b| b.is_ascii_digit()) {
                    Local::Number(Num::from_digits(seg))
                } else {
                    Local::Text(seg.to_ascii_lowercase().into())
                }
            })
            .collect()
    });
    let pre = match (pre, &post, &dev) {
        (None, None, Some(_)) => Pre::DevOnly,
        (None, _, _) => Pre::None,
        (Some((rank, n)), _, _) => Pre::Release(rank, n),
    };
    Key {
        epoch,
        release,
        pre,
        post,
        dev: dev.map_or(Dev::None, Dev::Release),
        local,
    }
}

/// `packaging.version._legacy_cmpkey` (packaging < 22).
fn legacy_key(s: &str) -> Vec<Box<str>> {
    let lower = s.to_lowercase();
    let mut parts: Vec<Box<str>> = Vec::new();
    let mut push = |part: String| {
        if part.starts_with('*') {
            // Remove "-" before a pre-release tag, and trailing zeros of each numeric series.
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| &**p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| &**p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part.into());
    };
    for part in legacy_parts(&lower) {
        let part = match part {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            p => p,
        };
        if part.is_empty() || part == "." {
            continue;
        }
        if part.as_bytes()[0].is_ascii_digit() {
            push(format!("{part:0>8}"));
        } else {
            push(format!("*{part}"));
        }
    }
    push("*final".to_owned());
    parts
}

/// `re.split(r"(\d+|[a-z]+|\.|-)", s)`: the matched runs and the text between them.
fn legacy_parts(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut gap_start = 0;
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        let run = if b.is_ascii_digit() {
            bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count()
        } else if b.is_ascii_lowercase() {
            bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_lowercase())
                .count()
        } else if b == b'.' || b == b'-' {
            1
        } else {
            0
        };
        if run == 0 {
            // Not a token byte: part of the gap. Step over a whole UTF-8 character.
            i += s[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        out.push(&s[gap_start..i]);
        out.push(&s[i..i + run]);
        i += run;
        gap_start = i;
    }
    out.push(&s[gap_start..]);
    out
}
