//! Content digests (`sha256:<hex>`) and a reader that hashes what passes through it.

use sha2::{Digest as _, Sha256};
use std::io::{self, Read};

/// Where the bytes read are hashed.
enum Hasher {
    None,
    Inline(Sha256),
}

/// Wraps a reader and hashes every byte read, counting them too.
pub struct HashingReader<R> {
    inner: R,
    hasher: Hasher,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Hasher::Inline(Sha256::new()),
            count: 0,
        }
    }

    /// Counts without hashing, for a stream another reader already hashes
    /// (an uncompressed layer's diffID is its blob digest).
    pub fn counting_only(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Hasher::None,
            count: 0,
        }
    }

    /// Reads what is left (so the digest covers the whole stream) and returns
    /// `sha256:<hex>` with the byte count.
    /// Without a hasher (see [`counting_only`](Self::counting_only)) the digest is empty.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        let hasher = match self.hasher {
            Hasher::None => None,
            Hasher::Inline(h) => Some(h),
        };
        let digest = hasher
            .map(|h| format!("sha256:{}", hex::encode(h.finalize())))
            .unwrap_or_default();
        Ok((digest, self.count))
    }

    pub fn bytes_read(&self) -> u64 {
        self.count
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match &mut self.hasher {
            Hasher::None => {}
            Hasher::Inline(h) => h.update(&buf[..n]),
        }
        self.count += n as u64;
        Ok(n)
    }
}

/// `sha256:<hex>` of a byte slice.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The hex part of a digest, validated: `sha256:` followed by 64 lowercase hex
/// characters. Anything else is refused, so a digest can never be used to build
/// a path outside a blob directory.
pub fn sha256_hex(digest: &str) -> Option<&str> {
    let hex = digest.strip_prefix("sha256:")?;
    (hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_stream() {
        let r = HashingReader::new(&b"hello"[..]);
        let (d, n) = r.finish().unwrap();
        let c = HashingReader::counting_only(&b"hello"[..]);
        assert_eq!(c.finish().unwrap(), (String::new(), 5));
        assert_eq!(
            d,
            "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(n, 5);
        assert_eq!(sha256_digest(b"hello"), d);
    }

    #[test]
    fn validates_hex() {
        assert!(sha256_hex(&sha256_digest(b"")).is_some());
        assert!(sha256_hex("sha256:../../etc/passwd").is_none());
        assert!(sha256_hex("md5:abc").is_none());
    }
}
