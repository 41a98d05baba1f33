//! NuGet versions (NuGet.Versioning's `NuGetVersion` and `VersionComparer.Default`): SemVer 2
//! with an optional fourth "revision" number, missing numbers read as zero, prerelease labels
//! compared case-insensitively, build metadata ignored.

use std::cmp::Ordering;

use crate::num::{Num, split_digits};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct NuGetVersion {
    numbers: [Num; 4],
    /// Empty for a release. Alphanumeric labels are stored upper-cased, as .NET's
    /// `OrdinalIgnoreCase` compares them, so derived equality is the case-insensitive one.
    pre: Vec<Label>,
}

/// Numeric labels sort before alphanumeric ones, as the variant order gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Label {
    Numeric(Num),
    Alpha(Box<str>),
}

pub(crate) fn parse(s: &str) -> Result<NuGetVersion, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty version");
    }
    let s = s.split_once('+').map_or(s, |(v, _build)| v);
    let (mut core, pre) = match s.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (s, None),
    };
    let mut numbers: [Num; 4] = Default::default();
    let mut count = 0;
    loop {
        if count == numbers.len() {
            return Err("more than four version numbers");
        }
        let (digits, rest) = split_digits(core);
        if digits.is_empty() {
            return Err("version component is not a number");
        }
        numbers[count] = Num::from_digits(digits);
        count += 1;
        if rest.is_empty() {
            break;
        }
        core = rest
            .strip_prefix('.')
            .ok_or("unexpected character in the version numbers")?;
    }
    let pre = match pre {
        None => Vec::new(),
        Some("") => return Err("empty prerelease label"),
        Some(p) => p
            .split('.')
            .map(|label| {
                if label.is_empty() {
                    Err("empty prerelease label")
                } else if !label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                {
                    Err("prerelease label has a character other than [0-9A-Za-z-]")
                } else if label.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(Label::Numeric(Num::from_digits(label)))
                } else {
                    Ok(Label::Alpha(label.to_ascii_uppercase().into()))
                }
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(NuGetVersion { numbers, pre })
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            }
        })
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
