//! The keyword prefilter: finds every (overlapping, ASCII case-insensitive)
//! occurrence of the rules' keywords in a file.
//!
//! An Aho-Corasick DFA over ~170 keywords walks the file one dependent state
//! transition per byte (~400 MB/s here), and with that many case-insensitive
//! patterns neither its SIMD prefilter (Teddy, ≤ 64–128 literal patterns) nor
//! memchr start bytes apply. So the keywords are split in two:
//!
//! - Keywords of 4 bytes or more: the case-folded 4-byte prefix of each is
//!   hashed into a bit set that fits in L1; each position of the file costs
//!   one load, a multiply and a bit test, with no dependency between
//!   positions. Only positions whose bit is set are checked exactly against
//!   the keywords sharing that folded prefix. About 170 bits of 2^18 are set,
//!   so nearly every position that passes is a real keyword.
//! - The few shorter keywords (`://`, `eyj`, `sg.`, `0q~`…): each case
//!   variant becomes a literal of a case-sensitive Aho-Corasick automaton,
//!   few enough (≤ 64) for its SIMD Teddy prefilter, a separate pass at
//!   several GB/s. Before the split, a 3-byte keyword set the bits of all 256
//!   of its 4-byte extensions: ~4,800 bits, and 1.8 % of all positions went
//!   to the exact check, which cost more than the scan itself.
//!
//! Hand-written because no crate offers a many-pattern, case-insensitive,
//! SIMD-speed literal prefilter in pure Rust (vectorscan needs cmake and C++;
//! see CRATES.md).

use aho_corasick::{AhoCorasick, MatchKind, Span, packed};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// 2^18 bits = 32 KiB.
const TABLE_BITS: u32 = 18;
const WORDS: usize = 1 << (TABLE_BITS - 6);

pub(crate) struct Prefilter {
    /// Keywords of 4 bytes or more by their folded 4-byte prefix.
    by_four: HashMap<u32, Vec<usize>, BuildHasherDefault<MulHasher>>,
    keywords: Vec<Vec<u8>>,
    /// Bits for hashes of the folded 4-byte prefixes of keywords.
    table: Box<[u64; WORDS]>,
    /// Keywords under 4 bytes, every ASCII case variant a literal of their own.
    short: Short,
    /// Indexes of the keywords under 4 bytes.
    short_ids: Vec<usize>,
}

/// ASCII case folding that is cheap on four bytes at once: it lower-cases
/// letters and maps a few other bytes onto others, which only adds candidates.
#[inline(always)]
fn fold(x: u32) -> u32 {
    x | 0x2020_2020
}

#[inline(always)]
fn hash(x: u32) -> usize {
    (x.wrapping_mul(0x9E37_79B1) >> (32 - TABLE_BITS)) as usize
}

#[inline(always)]
fn set(table: &mut [u64; WORDS], h: usize) {
    table[h >> 6] |= 1 << (h & 63);
}

#[inline(always)]
fn test(table: &[u64; WORDS], h: usize) -> bool {
    table[h >> 6] & (1 << (h & 63)) != 0
}

impl Prefilter {
    pub(crate) fn new(keywords: &[String]) -> Result<Prefilter, aho_corasick::BuildError> {
        let mut by_four: HashMap<u32, Vec<usize>, BuildHasherDefault<MulHasher>> =
            HashMap::default();
        let mut table = Box::new([0u64; WORDS]);
        let mut short: Vec<Vec<u8>> = Vec::new();
        let mut short_ids: Vec<usize> = Vec::new();
        for (i, k) in keywords.iter().enumerate() {
            let b = k.as_bytes();
            if b.len() >= 4 {
                let x = fold(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
                set(&mut table, hash(x));
                by_four.entry(x).or_default().push(i);
            } else {
                short.extend(case_variants(b));
                short_ids.push(i);
            }
        }
        let short = if short.is_empty() {
            Short::None
        } else if let Some(teddy) = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&short)
            .build()
        {
            Short::Teddy(teddy)
        } else {
            // No SIMD Teddy on this CPU, or too many literals: the exact automaton.
            Short::Automaton(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(short_ids.iter().map(|&i| &keywords[i]))?,
            )
        };
        Ok(Prefilter {
            by_four,
            keywords: keywords.iter().map(|k| k.as_bytes().to_vec()).collect(),
            table,
            short,
            short_ids,
        })
    }

    /// Calls `hit(keyword index, position)` for every keyword occurrence
    /// (those of keywords under 4 bytes after the others).
    pub(crate) fn for_each(&self, hay: &[u8], mut hit: impl FnMut(usize, usize)) {
        for (pos, w) in hay.windows(4).enumerate() {
            let x = fold(u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
            if test(&self.table, hash(x)) {
                self.check(hay, pos, x, &mut hit);
            }
        }
        match &self.short {
            Short::None => {}
            Short::Teddy(teddy) => {
                // Teddy reports leftmost-first, non-overlapping matches: at each
                // start every short keyword is checked, and the search resumes one
                // byte later, so overlapping occurrences (`oy2q~`) are all found.
                let mut at = 0;
                while at < hay.len() {
                    let Some(m) = teddy.find_in(hay, Span::from(at..hay.len())) else {
                        break;
                    };
                    let pos = m.start();
                    for &id in &self.short_ids {
                        let k = &self.keywords[id];
                        if hay
                            .get(pos..pos + k.len())
                            .is_some_and(|h| h.eq_ignore_ascii_case(k))
                        {
                            hit(id, pos);
                        }
                    }
                    at = pos + 1;
                }
            }
            Short::Automaton(ac) => {
                for m in ac.find_overlapping_iter(hay) {
                    hit(self.short_ids[m.pattern().as_usize()], m.start());
                }
            }
        }
    }

    /// The exact check of a position whose folded 4 bytes `x` passed the bit test.
    #[cold]
    #[inline(never)]
    fn check(&self, hay: &[u8], pos: usize, x: u32, hit: &mut impl FnMut(usize, usize)) {
        for &id in self.by_four.get(&x).into_iter().flatten() {
            let k = &self.keywords[id];
            if hay
                .get(pos..pos + k.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(k))
            {
                hit(id, pos);
            }
        }
    }
}

/// The search for keywords under 4 bytes.
enum Short {
    None,
    /// Every case variant of every short keyword, as literals of a SIMD searcher.
    Teddy(packed::Searcher),
    /// Fallback when Teddy is unavailable: the short keywords, case-insensitive.
    Automaton(AhoCorasick),
}

/// Every ASCII upper/lower-case spelling of a (short) keyword.
fn case_variants(k: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![Vec::with_capacity(k.len())];
    for &b in k {
        if b.is_ascii_alphabetic() {
            let mut upper = out.clone();
            for v in &mut out {
                v.push(b.to_ascii_lowercase());
            }
            for v in &mut upper {
                v.push(b.to_ascii_uppercase());
            }
            out.extend(upper);
        } else {
            for v in &mut out {
                v.push(b);
            }
        }
    }
    out
}

/// The keys are folded 4-byte prefixes: one multiply spreads them well enough.
#[derive(Default)]
struct MulHasher(u64);

impl Hasher for MulHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.0 = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(keywords: &[&str], hay: &str) -> Vec<(usize, usize)> {
        let kws: Vec<String> = keywords.iter().map(|s| s.to_string()).collect();
        let p = Prefilter::new(&kws).unwrap();
        let mut out = Vec::new();
        p.for_each(hay.as_bytes(), |k, pos| out.push((k, pos)));
        out.sort();
        out
    }

    #[test]
    fn finds_all_overlapping_case_insensitive_occurrences() {
        let kws = ["token", "_authtoken", "_auth", "sg.", "q~", "akia"];
        assert_eq!(
            hits(&kws, "x_AuthToken=1 SG.a 8Q~ akiA"),
            vec![(0, 6), (1, 1), (2, 1), (3, 14), (4, 20), (5, 23)]
        );
        // Keywords at the very end, shorter than the 4-byte window.
        assert_eq!(hits(&kws, "sg."), vec![(3, 0)]);
        assert_eq!(hits(&kws, "xakia"), vec![(5, 1)]);
        assert_eq!(hits(&kws, ""), vec![]);
        assert_eq!(hits(&kws, "nothing here at all"), vec![]);
    }

    #[test]
    fn agrees_with_a_plain_automaton() {
        let kws: Vec<String> = crate::rules::builtin_rules()
            .unwrap()
            .into_iter()
            .flat_map(|r| r.keywords)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let text = "Authorization: Bearer x\nAWS_SECRET_ACCESS_KEY=1 AKIA ghp_ xoxb- -----BEGIN RSA PRIVATE KEY-----\n\
                    password: postgres://u:p@h mongodb+srv:// sk_live_ DD_API_KEY Q~ -us1 eyJ hf_ r8_ :AA";
        let reference = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&kws)
            .unwrap();
        let mut want: Vec<(usize, usize)> = reference
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        want.sort();
        let p = Prefilter::new(&kws).unwrap();
        let mut got = Vec::new();
        p.for_each(text.as_bytes(), |k, pos| got.push((k, pos)));
        got.sort();
        assert_eq!(got, want);
        assert!(want.len() > 20);
    }

    /// Every built-in keyword, in random case, glued together and to random
    /// bytes (so keywords overlap, e.g. `oy2q~`), plus the crate's own sources
    /// and rule files: the same hits as a plain automaton.
    #[test]
    fn agrees_with_a_plain_automaton_on_mixed_text() {
        let kws: Vec<String> = crate::rules::builtin_rules()
            .unwrap()
            .into_iter()
            .flat_map(|r| r.keywords)
            .map(|k| k.to_lowercase())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut text: Vec<u8> = Vec::new();
        for _ in 0..20_000 {
            let r = next();
            if r % 3 == 0 {
                text.push(b" ~:/._-0123456789aAyYqQ"[(r >> 8) as usize % 23]);
            } else {
                let k = kws[(r >> 8) as usize % kws.len()].as_bytes();
                let flip = next();
                text.extend(k.iter().enumerate().map(|(i, &b)| {
                    if flip >> (i % 64) & 1 == 1 {
                        b.to_ascii_uppercase()
                    } else {
                        b
                    }
                }));
            }
        }
        text.extend_from_slice(b"oy2q~ OY29Q~ ://sg.");
        for src in [
            include_str!("prefilter.rs"),
            include_str!("engine.rs"),
            include_str!("../rules/generic.yaml"),
            include_str!("../rules/databases.yaml"),
        ] {
            text.extend_from_slice(src.as_bytes());
        }
        let reference = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&kws)
            .unwrap();
        let mut want: Vec<(usize, usize)> = reference
            .find_overlapping_iter(&text[..])
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        want.sort();
        let p = Prefilter::new(&kws).unwrap();
        let mut got = Vec::new();
        p.for_each(&text, |k, pos| got.push((k, pos)));
        got.sort();
        assert!(want.len() > 10_000, "{} hits", want.len());
        assert_eq!(got.len(), want.len());
        assert_eq!(got, want);
    }

    #[test]
    fn short_keywords_in_every_case() {
        assert_eq!(case_variants(b"q~").len(), 2);
        assert_eq!(case_variants(b"://"), vec![b"://".to_vec()]);
        let mut v = case_variants(b"eyj");
        v.sort();
        assert_eq!(v.len(), 8);
        assert_eq!(v.first().map(|x| &x[..]), Some(&b"EYJ"[..]));
        assert_eq!(v.last().map(|x| &x[..]), Some(&b"eyj"[..]));
    }
}
