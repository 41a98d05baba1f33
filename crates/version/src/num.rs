//! Arbitrary-size non-negative integers, as they appear in version strings.
//!
//! Real versions carry numbers wider than `u64` (dates with times, the 30-digit vectors in the
//! OSV test data), and every scheme here compares them numerically, so they are kept as
//! canonical digit strings: no leading zeros, ordered by length and then by digits.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct Num(Box<str>);

impl Num {
    /// From a run of ASCII digits; an empty run is zero. Non-digits are the caller's bug and
    /// are dropped rather than trusted, so the canonical form always holds.
    pub(crate) fn from_digits(digits: &str) -> Num {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.bytes().all(|b| b.is_ascii_digit()) {
            Num(trimmed.into())
        } else {
            let kept: String = trimmed.chars().filter(char::is_ascii_digit).collect();
            Num(kept.trim_start_matches('0').into())
        }
    }

    pub(crate) fn zero() -> Num {
        Num::default()
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Splits `s` after its leading run of ASCII digits.
pub(crate) fn split_digits(s: &str) -> (&str, &str) {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Splits `s` after its leading run of bytes that satisfy `pred` (ASCII predicates only, so
/// the split is always on a char boundary).
pub(crate) fn split_while(s: &str, pred: impl Fn(u8) -> bool) -> (&str, &str) {
    let end = s.bytes().position(|b| !pred(b)).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_numerically_beyond_u64() {
        let a = Num::from_digits("999999999999999999999999999991");
        let b = Num::from_digits("999999999999999999999999999999");
        assert_eq!(a.cmp(&b), Ordering::Less);
        assert_eq!(Num::from_digits("007"), Num::from_digits("7"));
        assert_eq!(
            Num::from_digits("10").cmp(&Num::from_digits("9")),
            Ordering::Greater
        );
        assert!(Num::from_digits("000").is_zero());
        assert_eq!(Num::from_digits(""), Num::zero());
    }
}
