//! Checks in code for token formats whose shape a regex cannot verify: the
//! CRC32 checksum of GitHub and npm tokens, and the JSON header of a JWT.

use base64::Engine;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

/// JWT parts are unpadded base64url; signers differ on trailing bits, so accept any.
const LENIENT_URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The alphabet GitHub's token checksums are written in.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Base62 of a CRC32, left-padded with `0` to 6 characters, as GitHub writes it.
pub fn base62_crc32(data: &[u8]) -> String {
    let mut n = crc32fast::hash(data) as u64;
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    // 62^6 > 2^32, so every CRC32 fits and `out` is ASCII.
    String::from_utf8_lossy(&out).into_owned()
}

/// A GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) or npm (`npm_`) token whose
/// last 6 characters are the base62 CRC32 of the random part between the
/// prefix and the checksum (github.blog, 2021-04-05, "Behind GitHub's new
/// authentication token formats").
pub fn github_crc32(token: &str) -> bool {
    let Some((_, rest)) = token.split_once('_') else {
        return false;
    };
    if rest.len() < 7 || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, checksum) = rest.split_at(rest.len() - 6);
    base62_crc32(random.as_bytes()) == checksum
}

/// Three base64url parts whose first decodes to a JSON object naming an `alg`.
pub fn jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let decode = |p: &str| LENIENT_URL.decode(p);
    let Ok(h) = decode(header) else { return false };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&h) else {
        return false;
    };
    v.get("alg").is_some_and(|a| a.is_string()) && decode(payload).is_ok()
}

/// Base64 of `user:password` (HTTP Basic, Docker `auths`), both parts printable and non-empty.
pub fn basic_auth(value: &str) -> bool {
    let Ok(bytes) = STANDARD.decode(value) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, pass)) => {
            !user.is_empty() && !pass.is_empty() && text.chars().all(|c| !c.is_control())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    #[test]
    fn crc32_known_value() {
        // crc32("123456789") = 0xCBF43926 = 3421780262 = base62 "3jZRME".
        assert_eq!(base62_crc32(b"123456789"), "3jZRME");
        assert_eq!(base62_crc32(b""), "000000");
    }

    #[test]
    fn github_checksum_valid_and_invalid() {
        let body = "Zx81LmQ0pTv4RkW9sYb2NcHe7JdAuG";
        let good = format!("ghp_{body}{}", base62_crc32(body.as_bytes()));
        assert!(github_crc32(&good));
        let mut bad = good.clone();
        let last = bad.pop().map(|c| if c == 'a' { 'b' } else { 'a' });
        bad.extend(last);
        assert!(!github_crc32(&bad));
        assert!(!github_crc32("ghp_short"));
        assert!(!github_crc32("no-underscore"));
        assert!(!github_crc32(&format!(
            "ghp_{body}-{}",
            base62_crc32(body.as_bytes())
        )));
    }

    #[test]
    fn jwt_shape() {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let p = URL_SAFE_NO_PAD.encode(br#"{"sub":"1"}"#);
        assert!(jwt(&format!("{h}.{p}.c2lnbmF0dXJl")));
        let not_json = URL_SAFE_NO_PAD.encode(b"hello");
        assert!(!jwt(&format!("{not_json}.{p}.sig")));
        assert!(!jwt(&format!("{h}.{p}")));
    }

    #[test]
    fn basic_auth_shape() {
        assert!(basic_auth(&STANDARD.encode("ci-bot:s3cret-value")));
        assert!(!basic_auth(&STANDARD.encode("no-colon")));
        assert!(!basic_auth(&STANDARD.encode(":only-password")));
        assert!(!basic_auth(&STANDARD.encode(b"user:\x00\x01")));
        assert!(!basic_auth("not base64!"));
    }
}
