//! The baseline database shipped with drydock, so a fresh install scans offline.
//!
//! `scripts/build-baseline.sh` builds it from `../shared/vulndata` into
//! `data/baseline/drydock-db.sqlite.zst` plus `manifest.json` (hashes, build time, counts).
//! Both are embedded in the binary; on first use the database is decompressed into the cache
//! directory (to a temporary file, checked against the manifest's SHA-256, then renamed into
//! place) and reused afterwards for as long as its content hash matches the manifest.

use crate::error::{Error, Result};
use crate::store::Db;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[cfg(drydock_baseline)]
const EMBEDDED: Option<(&[u8], &str)> = Some((
    include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/baseline/drydock-db.sqlite.zst"
    )),
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/baseline/manifest.json"
    )),
));
#[cfg(not(drydock_baseline))]
const EMBEDDED: Option<(&[u8], &str)> = None;

/// The file name of the compressed baseline in `data/baseline/`.
pub const BASELINE_FILE: &str = "drydock-db.sqlite.zst";

/// `data/baseline/manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct BaselineManifest {
    pub file: String,
    /// SHA-256 of the compressed file.
    pub zst_sha256: String,
    /// SHA-256 of the decompressed SQLite file.
    pub sqlite_sha256: String,
    pub sqlite_bytes: u64,
    pub built_at: String,
    pub content_hash: String,
    /// What it was built from.
    pub source: String,
}

fn embedded() -> Result<(&'static [u8], BaselineManifest)> {
    let (bytes, manifest) = EMBEDDED.ok_or_else(|| {
        Error::Other(
            "this drydock was built without a baseline vulnerability database \
             (data/baseline/ was empty; run scripts/build-baseline.sh); use `drydock db update` or `drydock db import`"
                .into(),
        )
    })?;
    let manifest: BaselineManifest = serde_json::from_str(manifest)
        .map_err(|e| Error::invalid("embedded data/baseline/manifest.json", e.to_string()))?;
    Ok((bytes, manifest))
}

/// The manifest of the embedded baseline.
pub fn baseline_manifest() -> Result<BaselineManifest> {
    Ok(embedded()?.1)
}

/// Decompresses the embedded baseline into `out`, checking its SHA-256 against the manifest.
pub(crate) fn decompress_into(out: &mut impl Write) -> Result<()> {
    let (bytes, manifest) = embedded()?;
    let mut hashing = HashingWriter {
        inner: out,
        hasher: Sha256::new(),
        bytes: 0,
    };
    zstd::stream::copy_decode(bytes, &mut hashing)
        .map_err(|e| Error::invalid("embedded baseline", format!("does not decompress: {e}")))?;
    let got = hex::encode(hashing.hasher.finalize());
    if got != manifest.sqlite_sha256 || hashing.bytes != manifest.sqlite_bytes {
        return Err(Error::invalid(
            "embedded baseline",
            format!(
                "decompressed to {} bytes with sha256 {got}, the manifest says {} bytes with {}",
                hashing.bytes, manifest.sqlite_bytes, manifest.sqlite_sha256
            ),
        ));
    }
    Ok(())
}

struct HashingWriter<'a, W: Write> {
    inner: &'a mut W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Where the baseline is installed in `cache_dir`: named by its hash, so a newer drydock's
/// baseline never collides with an older one's.
pub fn baseline_path(cache_dir: &Path) -> Result<PathBuf> {
    let m = baseline_manifest()?;
    let short = m.sqlite_sha256.get(..16).unwrap_or(&m.sqlite_sha256);
    Ok(cache_dir
        .join("baseline")
        .join(format!("drydock-db-{short}.sqlite")))
}

/// Opens the shipped baseline from `cache_dir`, installing it there first if it is missing or
/// does not match the embedded manifest.
pub fn open_or_install_baseline(cache_dir: &Path) -> Result<Db> {
    let manifest = baseline_manifest()?;
    let path = baseline_path(cache_dir)?;
    if path.is_file()
        && let Ok(db) = Db::open(&path)
        && db.info().content_hash == manifest.content_hash
    {
        return Ok(db);
    }
    // Concurrent installs each write their own temporary file and rename the same bytes into
    // place, so no lock is needed.
    let tmp = crate::atomic::temp_beside(&path)?;
    {
        let mut f = tmp.as_file();
        decompress_into(&mut f)?;
        f.flush().map_err(Error::io(tmp.path()))?;
    }
    crate::atomic::persist(tmp, &path)?;
    remove_other_baselines(&path);
    let db = Db::open(&path)?;
    if db.info().content_hash != manifest.content_hash {
        return Err(Error::invalid(
            path.display().to_string(),
            format!(
                "installed baseline has content hash {}, the manifest says {}",
                db.info().content_hash,
                manifest.content_hash
            ),
        ));
    }
    Ok(db)
}

/// Older drydock versions' baselines are dead weight once a new one is installed.
fn remove_other_baselines(keep: &Path) {
    let Some(dir) = keep.parent() else { return };
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p != keep && name.starts_with("drydock-db-") && name.ends_with(".sqlite") {
            let _ = fs::remove_file(p);
        }
    }
}

/// The user-managed database in `cache_dir` (what `db update` and `db import` write).
pub fn default_db_path(cache_dir: &Path) -> PathBuf {
    cache_dir.join("drydock-db.sqlite")
}

/// The database a scan should use: the user-managed one if it exists, else the baseline.
pub fn open_default(cache_dir: &Path) -> Result<Db> {
    let p = default_db_path(cache_dir);
    if p.exists() {
        Db::open(&p)
    } else {
        open_or_install_baseline(cache_dir)
    }
}
