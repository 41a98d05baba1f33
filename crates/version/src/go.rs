//! Go versions: module versions (`v1.2.3`, `v2.0.0+incompatible`, pseudo-versions such as
//! `v0.0.0-20191109021931-daa7c04131f5`) and the toolchain spellings used for the `stdlib` and
//! `toolchain` packages (`go1.21.3`, `1.21rc2`, `1.9beta2`).
//!
//! Module versions are SemVer (golang.org/x/mod/semver): pseudo-versions are ordinary
//! prereleases whose timestamp orders them, and `+incompatible` is build metadata, which SemVer
//! ignores. Toolchain versions are mapped onto SemVer the way OSV's Go data spells them:
//! `go1.21rc2` is `1.21.0-rc.2`, and `go1.20` (the first 1.20 release) is `1.20.0`.

use crate::num::{Num, split_digits};
use crate::semver::{self, Identifier, SemVersion};

pub(crate) fn parse(s: &str) -> Result<SemVersion, &'static str> {
    let s = s.trim();
    if let Some(v) = toolchain(s) {
        return Ok(v);
    }
    semver::parse(s)
}

/// `go1.21.3`, `1.21rc2`, `go1.9beta2`, `go1.20`: up to three numbers, then an optional
/// `alpha`/`beta`/`rc` with a number, and nothing else. Anything else is left to SemVer.
fn toolchain(s: &str) -> Option<SemVersion> {
    let body = s.strip_prefix("go").unwrap_or(s);
    let mut rest = body;
    let mut numbers = Vec::with_capacity(3);
    loop {
        let (digits, r) = split_digits(rest);
        if digits.is_empty() {
            return None;
        }
        numbers.push(Num::from_digits(digits));
        match r.strip_prefix('.') {
            Some(r) if numbers.len() < 3 => rest = r,
            Some(_) => return None,
            None => {
                rest = r;
                break;
            }
        }
    }
    let pre = if rest.is_empty() {
        // A plain "1.2.3" (or "v1.2.3", handled by SemVer) needs no special treatment; only
        // the "go" prefix or a two-part number makes this a toolchain spelling.
        if !s.starts_with("go") && numbers.len() == 3 {
            return None;
        }
        Vec::new()
    } else {
        let word_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (word, n) = rest.split_at(word_end);
        if !matches!(word, "alpha" | "beta" | "rc") || n.is_empty() {
            return None;
        }
        if !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        vec![
            Identifier::Alpha(word.into()),
            Identifier::Numeric(Num::from_digits(n)),
        ]
    };
    let mut it = numbers.into_iter();
    let major = it.next().unwrap_or_default();
    let minor = it.next().unwrap_or_default();
    let patch = it.next().unwrap_or_default();
    Some(SemVersion::new(major, minor, patch, pre))
}
