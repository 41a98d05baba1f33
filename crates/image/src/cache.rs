//! The layer cache: analysis results keyed by layer diffID.
//!
//! Layers are immutable and shared between images, so their analysis is too.
//! An entry is one zstd-compressed JSON file named after the diffID, under a
//! folder named after the analyzers' fingerprint (a new analyzer version starts
//! a fresh folder). Entries are written to a temporary file and renamed into
//! place, so a crash never leaves a half-written entry that a later scan reads.

use crate::digest::sha256_hex;
use crate::walker::LayerAnalysis;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Format of the entries; bump to invalidate every cache.
const CACHE_FORMAT: u32 = 1;

#[derive(Debug, Clone)]
pub struct LayerCache {
    dir: PathBuf,
}

impl LayerCache {
    /// A cache under `root` (the `--cache-dir`) for analyzers with this fingerprint.
    pub fn new(root: &Path, fingerprint: &str) -> LayerCache {
        let key = hex::encode(&Sha256::digest(format!("{CACHE_FORMAT}|{fingerprint}"))[..8]);
        LayerCache {
            dir: root.join("layers").join(key),
        }
    }

    fn entry_path(&self, diff_id: &str) -> Option<PathBuf> {
        sha256_hex(diff_id).map(|hex| self.dir.join(format!("{hex}.json.zst")))
    }

    /// The cached analysis of a layer, if present and readable. A corrupt entry
    /// is treated as absent (and overwritten by the next store).
    pub fn get(&self, diff_id: &str) -> Option<LayerAnalysis> {
        let path = self.entry_path(diff_id)?;
        let bytes = fs::read(&path).ok()?;
        let json = zstd::decode_all(&bytes[..]).ok()?;
        let la: LayerAnalysis = serde_json::from_slice(&json).ok()?;
        (la.diff_id == diff_id && la.complete).then_some(la)
    }

    /// Stores a complete analysis; partial ones are never cached.
    pub fn put(&self, la: &LayerAnalysis) -> io::Result<()> {
        if !la.complete {
            return Ok(());
        }
        let Some(path) = self.entry_path(&la.diff_id) else {
            return Ok(());
        };
        fs::create_dir_all(&self.dir)?;
        let json = serde_json::to_vec(la).map_err(io::Error::other)?;
        let compressed = zstd::encode_all(&json[..], 3)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(&compressed)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes every cached layer (all fingerprints).
    pub fn clear_all(root: &Path) -> io::Result<()> {
        let dir = root.join("layers");
        match fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// The default cache directory: `$XDG_CACHE_HOME/drydock` or `~/.cache/drydock`.
pub fn default_cache_dir() -> PathBuf {
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("drydock")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let cache = LayerCache::new(dir.path(), "dpkg@1");
        let la = LayerAnalysis {
            diff_id: crate::digest::sha256_digest(b"x"),
            complete: true,
            ..Default::default()
        };
        assert!(cache.get(&la.diff_id).is_none());
        cache.put(&la).unwrap();
        assert_eq!(cache.get(&la.diff_id), Some(la.clone()));
        // Another analyzer set does not see it.
        assert!(
            LayerCache::new(dir.path(), "dpkg@2")
                .get(&la.diff_id)
                .is_none()
        );
        // A corrupt entry reads as a miss.
        let p = cache.entry_path(&la.diff_id).unwrap();
        fs::write(&p, b"garbage").unwrap();
        assert!(cache.get(&la.diff_id).is_none());
        // Partial results are not stored; hostile ids are not paths.
        let partial = LayerAnalysis {
            diff_id: crate::digest::sha256_digest(b"y"),
            complete: false,
            ..Default::default()
        };
        cache.put(&partial).unwrap();
        assert!(cache.get(&partial.diff_id).is_none());
        assert!(cache.get("sha256:../../etc").is_none());
        LayerCache::clear_all(dir.path()).unwrap();
        assert!(!dir.path().join("layers").exists());
    }
}
