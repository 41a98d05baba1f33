//! Content digests (`sha256:<hex>`) and a reader that hashes what passes through it.

use sha2::{Digest as _, Sha256};
use std::io::{self, BufRead, Read, Seek, SeekFrom};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

/// Bytes per chunk handed from the reading thread to the hashing thread.
const CHUNK: usize = 256 * 1024;
/// Chunks queued for the hashing thread; with the one being hashed and the one
/// being read this bounds a stream's buffers to `CHUNKS + 2` chunks (1.5 MiB).
const CHUNKS: usize = 4;

/// A filled buffer, shared by the reader and the hashing thread; whichever
/// lets go of it last returns it to the reader's pool.
struct Chunk {
    data: Vec<u8>,
    len: usize,
    pool: mpsc::Sender<Vec<u8>>,
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // The reader may be gone (an abandoned stream): then the buffer is freed.
        let _ = self.pool.send(std::mem::take(&mut self.data));
    }
}

/// Wraps a reader and sha256-hashes every byte that comes out of it on a
/// second thread, so hashing (most of the CPU an uncompressed layer costs)
/// overlaps with parsing instead of adding to it.
///
/// The stream is read in chunks into a small pool of recycled buffers; each
/// chunk goes to the hashing thread through a bounded channel and is served
/// to the consumer from the same memory (no copy for [`BufRead`] users, and
/// forward [`Seek`]s skip data without copying it, which is how the tar parser
/// passes over files no analyzer wants). The digest covers the whole stream:
/// [`finish`](Self::finish) reads what is left. Memory is bounded by the pool.
pub struct PipedHasher<R> {
    inner: R,
    chunk: Option<Arc<Chunk>>,
    /// Read position inside `chunk`.
    pos: usize,
    to_hasher: Option<mpsc::SyncSender<Arc<Chunk>>>,
    worker: Option<JoinHandle<[u8; 32]>>,
    pool_tx: mpsc::Sender<Vec<u8>>,
    pool_rx: mpsc::Receiver<Vec<u8>>,
    allocated: usize,
    /// Stream position of the consumer: bytes served or skipped.
    consumed: u64,
    /// Bytes read from `inner`.
    taken: u64,
    /// Most bytes `inner` may yield; past it reads fail (the compression-bomb brake).
    limit: u64,
    limit_message: &'static str,
    /// An error `inner` returned after some bytes of a chunk: served after them.
    pending: Option<io::Error>,
    eof: bool,
}

impl<R: Read> PipedHasher<R> {
    /// Hashes all of `inner`.
    pub fn new(inner: R) -> io::Result<Self> {
        Self::with_limit(inner, u64::MAX, "")
    }

    /// Hashes `inner` and fails with `message` once it yields more than `limit` bytes.
    pub fn with_limit(inner: R, limit: u64, message: &'static str) -> io::Result<Self> {
        let (to_hasher, from_reader) = mpsc::sync_channel::<Arc<Chunk>>(CHUNKS);
        let worker = std::thread::Builder::new()
            .name("drydock-sha256".into())
            .spawn(move || {
                let mut h = Sha256::new();
                for c in from_reader {
                    h.update(&c.data[..c.len]);
                }
                h.finalize().into()
            })?;
        let (pool_tx, pool_rx) = mpsc::channel();
        Ok(PipedHasher {
            inner,
            chunk: None,
            pos: 0,
            to_hasher: Some(to_hasher),
            worker: Some(worker),
            pool_tx,
            pool_rx,
            allocated: 0,
            consumed: 0,
            taken: 0,
            limit,
            limit_message: message,
            pending: None,
            eof: false,
        })
    }

    /// A free buffer of `CHUNK` bytes: recycled, new while the pool is not
    /// full, else the next one the hashing thread lets go of.
    fn buffer(&mut self) -> io::Result<Vec<u8>> {
        if let Ok(b) = self.pool_rx.try_recv() {
            return Ok(b);
        }
        if self.allocated < CHUNKS + 2 {
            self.allocated += 1;
            return Ok(vec![0; CHUNK]);
        }
        // `pool_tx` is ours, so this cannot disconnect; every chunk not in the
        // pool is queued, being hashed or dropped with the hashing thread, and
        // comes back.
        self.pool_rx
            .recv()
            .map_err(|_| io::Error::other("sha256 buffer pool closed"))
    }

    /// Reads the next chunk and queues it for hashing; false at the end.
    fn next_chunk(&mut self) -> io::Result<bool> {
        self.chunk = None;
        self.pos = 0;
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        if self.eof {
            return Ok(false);
        }
        let mut buf = self.buffer()?;
        let mut n = 0;
        while n < buf.len() {
            match self.inner.read(&mut buf[n..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.pending = Some(e);
                    break;
                }
            }
        }
        let left = self.limit - self.taken;
        if n as u64 > left {
            n = left as usize; // less than `buf.len()`, so it fits a usize
            self.eof = true;
            self.pending = Some(io::Error::other(self.limit_message));
        }
        self.taken += n as u64;
        if n == 0 {
            return match self.pending.take() {
                Some(e) => Err(e),
                None => Ok(false),
            };
        }
        let chunk = Arc::new(Chunk {
            data: buf,
            len: n,
            pool: self.pool_tx.clone(),
        });
        let sent = match &self.to_hasher {
            Some(tx) => tx.send(Arc::clone(&chunk)).is_ok(),
            None => false,
        };
        if !sent {
            return Err(io::Error::other("the sha256 thread stopped"));
        }
        self.chunk = Some(chunk);
        Ok(true)
    }

    /// Reads what is left (so the digest covers the whole stream) and returns
    /// `sha256:<hex>` with the byte count.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        while self.next_chunk()? {}
        self.chunk = None;
        drop(self.to_hasher.take());
        let digest = self
            .worker
            .take()
            .and_then(|w| w.join().ok())
            .ok_or_else(|| io::Error::other("the sha256 thread stopped"))?;
        Ok((format!("sha256:{}", hex::encode(digest)), self.taken))
    }

    pub fn bytes_read(&self) -> u64 {
        self.consumed
    }
}

impl<R: Read> BufRead for PipedHasher<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let exhausted = self.chunk.as_ref().is_none_or(|c| self.pos >= c.len);
        if exhausted && !self.next_chunk()? {
            return Ok(&[]);
        }
        Ok(match &self.chunk {
            Some(c) => &c.data[self.pos..c.len],
            None => &[],
        })
    }

    fn consume(&mut self, amt: usize) {
        let len = self.chunk.as_ref().map_or(0, |c| c.len);
        let amt = amt.min(len - self.pos);
        self.pos += amt;
        self.consumed += amt as u64;
    }
}

impl<R: Read> Read for PipedHasher<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Forward only: `SeekFrom::Current(n >= 0)` skips `n` bytes (still hashed,
/// never copied) and returns the stream position. Anything else is refused.
impl<R: Read> Seek for PipedHasher<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let mut left = match to {
            SeekFrom::Current(d) if d >= 0 => d as u64,
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "a layer stream can only be skipped forward",
                ));
            }
        };
        while left > 0 {
            let avail = self.fill_buf()?.len() as u64;
            if avail == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "stream ended inside an entry",
                ));
            }
            let k = avail.min(left);
            self.consume(k as usize); // k <= avail, a usize
            left -= k;
        }
        Ok(self.consumed)
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
        let r = PipedHasher::new(&b"hello"[..]).unwrap();
        let (d, n) = r.finish().unwrap();
        assert_eq!(
            d,
            "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(n, 5);
        assert_eq!(sha256_digest(b"hello"), d);
    }

    /// Many chunks (more than the pool holds), read, skipped and left unread
    /// in turns: the digest is still that of the whole stream.
    #[test]
    fn hashes_what_is_read_skipped_and_left() {
        let data: Vec<u8> = (0..(CHUNK * (CHUNKS + 5) + 777) as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut r = PipedHasher::new(&data[..]).unwrap();
        let mut head = vec![0; 1000];
        r.read_exact(&mut head).unwrap();
        assert_eq!(head, data[..1000]);
        let at = r.seek(SeekFrom::Current((CHUNK * 3) as i64)).unwrap();
        assert_eq!(at, 1000 + (CHUNK * 3) as u64);
        let mut next = vec![0; CHUNK + 5];
        r.read_exact(&mut next).unwrap();
        assert_eq!(next, data[at as usize..at as usize + CHUNK + 5]);
        assert!(r.seek(SeekFrom::Start(0)).is_err());
        assert!(r.seek(SeekFrom::Current(-1)).is_err());
        let (d, n) = r.finish().unwrap();
        assert_eq!((d, n), (sha256_digest(&data), data.len() as u64));

        let mut r = PipedHasher::new(&data[..10]).unwrap();
        let err = r.seek(SeekFrom::Current(11)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }

    /// Bytes before a read error are served, then the error.
    #[test]
    fn serves_bytes_before_an_error_and_enforces_the_limit() {
        let broken = (&b"abc"[..]).chain(ErrAfter);
        let mut r = PipedHasher::new(broken).unwrap();
        let mut buf = [0u8; 3];
        r.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"abc");
        assert_eq!(
            r.read(&mut buf).unwrap_err().to_string(),
            "broken pipe here"
        );

        let data = vec![7u8; CHUNK * 2];
        let mut r = PipedHasher::with_limit(&data[..], 1000, "too big").unwrap();
        let mut out = Vec::new();
        let err = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.to_string(), "too big");
        assert_eq!(out.len(), 1000);
    }

    struct ErrAfter;
    impl Read for ErrAfter {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("broken pipe here"))
        }
    }

    #[test]
    fn validates_hex() {
        assert!(sha256_hex(&sha256_digest(b"")).is_some());
        assert!(sha256_hex("sha256:../../etc/passwd").is_none());
        assert!(sha256_hex("md5:abc").is_none());
    }
}
