//! Fixture templates: rule examples name random parts (`{b62:30}`, `{crc}`…)
//! instead of holding live-looking tokens, so the repository itself contains
//! no secret a push-protection scanner would reject. `[[…]]` marks the text
//! the rule must report as the secret.
#![allow(dead_code)]

use base64::Engine;
use drydock_secrets::validate::base62_crc32;

/// splitmix64: deterministic, so a failing fixture fails the same way every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: &str) -> Rng {
        let mut h = 0xcbf29ce484222325u64;
        for b in seed.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100000001b3);
        }
        Rng(h)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    pub fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }
}

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64U: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn alphabet(kind: &str) -> Option<&'static [u8]> {
    Some(match kind {
        "b62" => B62,
        "b64" => B64,
        "b64u" => B64U,
        "hex" => b"0123456789abcdef",
        "HEX" => b"0123456789ABCDEF",
        "b32" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        "b32l" => b"abcdefghijklmnopqrstuvwxyz234567",
        "up" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "lo" => b"abcdefghijklmnopqrstuvwxyz0123456789",
        "dig" => b"0123456789",
        "alpha" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "bech" => b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
        _ => return None,
    })
}

/// Expands a template; returns the text and the marked secrets in order.
pub fn expand(template: &str, seed: &str) -> (String, Vec<String>) {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    let mut last_random = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let token = &after[..close];
        let (kind, arg) = token.split_once(':').unwrap_or((token, ""));
        let replacement = match (kind, alphabet(kind)) {
            (_, Some(a)) => {
                let n: usize = arg
                    .parse()
                    .unwrap_or_else(|_| panic!("bad length in {{{token}}}"));
                last_random = rng.string(a, n);
                Some(last_random.clone())
            }
            ("crc", None) => Some(base62_crc32(last_random.as_bytes())),
            ("badcrc", None) => {
                let mut c = base62_crc32(last_random.as_bytes());
                let last = c.pop().map(|ch| if ch == 'Z' { 'Y' } else { 'Z' });
                c.extend(last);
                Some(c)
            }
            ("uuid", None) => {
                let h = b"0123456789abcdef";
                Some(format!(
                    "{}-{}-{}-{}-{}",
                    rng.string(h, 8),
                    rng.string(h, 4),
                    rng.string(h, 4),
                    rng.string(h, 4),
                    rng.string(h, 12)
                ))
            }
            ("basicauth", None) => {
                let pass = rng.string(B62, 20);
                Some(base64::engine::general_purpose::STANDARD.encode(format!("{arg}:{pass}")))
            }
            _ => None,
        };
        match replacement {
            Some(r) => {
                out.push_str(&r);
                rest = &after[close + 1..];
            }
            // Not a placeholder (JSON braces, `${VAR}`): the brace is text; go on after it.
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);

    let mut text = String::new();
    let mut secrets = Vec::new();
    let mut rest = out.as_str();
    while let Some(open) = rest.find("[[") {
        text.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("]]")
            .unwrap_or_else(|| panic!("unclosed [[ in {template:?}"));
        secrets.push(after[..close].to_string());
        text.push_str(&after[..close]);
        rest = &after[close + 2..];
    }
    text.push_str(rest);
    (text, secrets)
}
