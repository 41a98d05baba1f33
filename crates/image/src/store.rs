//! Where image blobs are read from on local disk: a directory (OCI layout) or
//! a tar archive (`docker save` output, OCI archive) read in place.
//!
//! A tar archive is indexed once by skipping over entry data with seeks, so a
//! multi-gigabyte `docker save` file is listed in milliseconds; a blob is then
//! read straight from its offset. Nothing is extracted.

use crate::ImageError;
use crate::path::normalize;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// A read-only set of named blobs.
pub trait BlobStore: Send + Sync {
    /// Names the store in messages.
    fn describe(&self) -> String;
    fn exists(&self, path: &str) -> bool;
    /// Opens `path` (root-relative, `/`-separated) for streaming.
    fn open(&self, path: &str) -> Result<Box<dyn Read + Send>, ImageError>;
    /// Size of the blob at `path`, if it exists.
    fn size(&self, path: &str) -> Option<u64>;
    /// Reads a small file whole (manifests, configs), refusing more than `max` bytes.
    fn read_small(&self, path: &str, max: u64) -> Result<Vec<u8>, ImageError> {
        let mut buf = Vec::new();
        self.open(path)?
            .take(max + 1)
            .read_to_end(&mut buf)
            .map_err(|e| ImageError::io(format!("{}:{path}", self.describe()), e))?;
        if buf.len() as u64 > max {
            return Err(ImageError::Invalid(format!(
                "{}:{path} is larger than {max} bytes, refusing to read it as metadata",
                self.describe()
            )));
        }
        Ok(buf)
    }
}

/// An OCI image layout directory.
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    pub fn new(root: &Path) -> DirStore {
        DirStore {
            root: root.to_path_buf(),
        }
    }

    fn resolve(&self, path: &str) -> PathBuf {
        // Normalised, so `..` in a manifest cannot reach outside the layout.
        self.root.join(normalize(path).0)
    }
}

impl BlobStore for DirStore {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }
    fn exists(&self, path: &str) -> bool {
        self.resolve(path).is_file()
    }
    fn size(&self, path: &str) -> Option<u64> {
        std::fs::metadata(self.resolve(path)).ok().map(|m| m.len())
    }
    fn open(&self, path: &str) -> Result<Box<dyn Read + Send>, ImageError> {
        let p = self.resolve(path);
        let f = File::open(&p).map_err(|e| ImageError::io(p.display().to_string(), e))?;
        Ok(Box::new(f))
    }
}

#[derive(Debug, Clone)]
struct TarEntry {
    offset: u64,
    size: u64,
    /// Symlink or hard-link target, root-relative.
    link: Option<String>,
}

/// A tar archive read in place.
pub struct TarStore {
    file: PathBuf,
    entries: HashMap<String, TarEntry>,
}

impl TarStore {
    pub fn open(file: &Path) -> Result<TarStore, ImageError> {
        let name = file.display().to_string();
        let mut f = File::open(file).map_err(|e| ImageError::io(name.clone(), e))?;
        let mut magic = [0u8; 4];
        let n = f
            .read(&mut magic)
            .map_err(|e| ImageError::io(name.clone(), e))?;
        if n >= 2 && magic[..2] == [0x1f, 0x8b] || n == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
            return Err(ImageError::Invalid(format!(
                "{name} is a compressed archive; decompress it first (drydock reads image tarballs in place, which needs an uncompressed tar)"
            )));
        }
        f.seek(SeekFrom::Start(0))
            .map_err(|e| ImageError::io(name.clone(), e))?;
        let mut archive = tar::Archive::new(f);
        let mut entries = HashMap::new();
        let iter = archive
            .entries_with_seek()
            .map_err(|e| ImageError::Invalid(format!("{name}: not a tar archive: {e}")))?;
        for entry in iter {
            let entry = entry
                .map_err(|e| ImageError::Invalid(format!("{name}: corrupt tar archive: {e}")))?;
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let (path, _) = normalize(&raw);
            let kind = entry.header().entry_type();
            let link = if kind.is_symlink() || kind.is_hard_link() {
                entry.link_name_bytes().map(|b| {
                    let t = String::from_utf8_lossy(&b).into_owned();
                    if kind.is_symlink() {
                        crate::path::resolve_link(&path, &t)
                    } else {
                        normalize(&t).0
                    }
                })
            } else {
                None
            };
            if kind.is_file() || link.is_some() {
                entries.insert(
                    path,
                    TarEntry {
                        offset: entry.raw_file_position(),
                        size: entry.size(),
                        link,
                    },
                );
            }
        }
        if entries.is_empty() {
            return Err(ImageError::Invalid(format!(
                "{name}: empty or not a tar archive"
            )));
        }
        Ok(TarStore {
            file: file.to_path_buf(),
            entries,
        })
    }

    fn lookup(&self, path: &str) -> Option<&TarEntry> {
        let mut p = normalize(path).0;
        for _ in 0..16 {
            let e = self.entries.get(&p)?;
            match &e.link {
                Some(target) => p = target.clone(),
                None => return Some(e),
            }
        }
        None
    }
}

impl BlobStore for TarStore {
    fn describe(&self) -> String {
        self.file.display().to_string()
    }
    fn exists(&self, path: &str) -> bool {
        self.lookup(path).is_some()
    }
    fn size(&self, path: &str) -> Option<u64> {
        self.lookup(path).map(|e| e.size)
    }
    fn open(&self, path: &str) -> Result<Box<dyn Read + Send>, ImageError> {
        let name = format!("{}:{path}", self.describe());
        let e = self
            .lookup(path)
            .ok_or_else(|| ImageError::Invalid(format!("{name}: no such entry in the archive")))?;
        let mut f = File::open(&self.file).map_err(|err| ImageError::io(name.clone(), err))?;
        f.seek(SeekFrom::Start(e.offset))
            .map_err(|err| ImageError::io(name, err))?;
        Ok(Box::new(f.take(e.size)))
    }
}
