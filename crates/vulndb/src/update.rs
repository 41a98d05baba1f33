//! `drydock db update`: fetch `<mirror>/<Ecosystem>/all.zip` archives and swap in a new
//! database built from them.
//!
//! Each archive is fetched with a conditional request (If-None-Match with the stored ETag,
//! If-Modified-Since with the stored Last-Modified), so an unchanged source costs one 304.
//! Downloads go to a temporary file beside the database, capped in size; the new database is
//! then built in another temporary file from a copy of the current one, with every archive
//! verified as it is read (zip structure, CRC-32 of each entry, size caps, every record must
//! parse) and atomically renamed over the old file. Killing the process at any point leaves
//! the old database in place and usable.

use crate::atomic::{self, Seed};
use crate::error::{Error, Result};
use crate::import::{self, ImportStats, ImportWarning, Sink, ZipLimits};
use crate::store::{BuildOptions, Db, SourceFetch};
use drydock_core::DbInfo;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// OSV.dev's public bucket, which serves `<Ecosystem>/all.zip` for every ecosystem.
pub const DEFAULT_MIRROR: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Ecosystems worth fetching for container scanning, as the bucket names them.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Debian",
    "Ubuntu",
    "Rocky Linux",
    "Go",
    "PyPI",
    "npm",
    "crates.io",
    "Maven",
    "RubyGems",
    "Packagist",
    "NuGet",
];

/// Options of [`update`].
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Base URL; `<mirror>/<Ecosystem>/all.zip` is fetched for each ecosystem.
    pub mirror_url: String,
    /// OSV ecosystem names as the mirror spells its folders (`Debian`, `crates.io`).
    pub ecosystems: Vec<String>,
    pub limits: ZipLimits,
    /// Largest archive accepted.
    pub max_download_bytes: u64,
    /// Longest wait for the server to send anything (connect, or a read).
    pub io_timeout: Duration,
    /// What to start from when no database exists yet.
    pub seed: Seed,
    pub build: BuildOptions,
}

impl UpdateOptions {
    pub fn new(mirror_url: impl Into<String>, ecosystems: Vec<String>) -> UpdateOptions {
        UpdateOptions {
            mirror_url: mirror_url.into(),
            ecosystems,
            limits: ZipLimits::default(),
            max_download_bytes: 4 << 30,
            io_timeout: Duration::from_secs(60),
            seed: Seed::Empty,
            build: BuildOptions::default(),
        }
    }
}

/// What happened to one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum SourceOutcome {
    /// The server answered 304 Not Modified.
    Unchanged,
    Updated {
        bytes: u64,
        records: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceUpdate {
    pub ecosystem: String,
    pub url: String,
    #[serde(flatten)]
    pub outcome: SourceOutcome,
}

/// What [`update`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateReport {
    pub sources: Vec<SourceUpdate>,
    /// False when every source was unchanged and the file was left alone.
    pub replaced: bool,
    /// The database now in place.
    pub db: DbInfo,
    /// Parts of records that were skipped (records themselves must all parse).
    pub warnings: Vec<ImportWarning>,
}

/// The archive URL of one ecosystem.
pub fn archive_url(mirror: &str, ecosystem: &str) -> String {
    let mut seg = String::new();
    for b in ecosystem.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' | b':' => {
                seg.push(b as char)
            }
            _ => seg.push_str(&format!("%{b:02X}")),
        }
    }
    format!("{}/{seg}/all.zip", mirror.trim_end_matches('/'))
}

fn source_name(ecosystem: &str) -> String {
    format!("mirror:{ecosystem}")
}

/// Updates the database at `db_path` from a mirror; see the module docs for the guarantees.
pub fn update(db_path: &Path, opts: &UpdateOptions) -> Result<UpdateReport> {
    if opts.ecosystems.is_empty() {
        return Err(Error::Other("no ecosystem to update was given".into()));
    }
    let lock = atomic::lock(db_path)?;

    // What we fetched last time, for conditional requests. An unreadable old database just
    // means unconditional requests; the rebuild below decides whether it can be reused.
    let old = if db_path.exists() {
        Db::open(db_path).ok()
    } else {
        None
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(opts.io_timeout))
        .timeout_per_read(Some(opts.io_timeout))
        .user_agent(concat!("drydock/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();

    let mut downloads = Vec::new();
    let mut sources = Vec::new();
    for eco in &opts.ecosystems {
        let url = archive_url(&opts.mirror_url, eco);
        let previous = match &old {
            Some(db) => db.source_fetch(&source_name(eco))?,
            None => None,
        };
        let conditional = previous
            .as_ref()
            .filter(|(u, _)| u.as_deref() == Some(url.as_str()))
            .map(|(_, f)| f.clone());
        match fetch(
            &agent,
            &url,
            conditional.as_ref(),
            db_path,
            opts.max_download_bytes,
        )? {
            None => sources.push(SourceUpdate {
                ecosystem: eco.clone(),
                url,
                outcome: SourceOutcome::Unchanged,
            }),
            Some(dl) => downloads.push((eco.clone(), url, dl)),
        }
    }
    if downloads.is_empty() {
        let db = match old {
            Some(db) => db.info().clone(),
            None => Db::open(db_path)?.info().clone(),
        };
        return Ok(UpdateReport {
            sources,
            replaced: false,
            db,
            warnings: Vec::new(),
        });
    }
    drop(old);

    let mut warnings = Vec::new();
    let (updated, info) = atomic::rebuild(&lock, db_path, opts.seed, opts.build.clone(), |w| {
        let mut updated = Vec::new();
        for (eco, url, dl) in downloads {
            let source = w.begin_source(&source_name(&eco), "mirror", Some(&url))?;
            let mut stats = ImportStats {
                files: 0,
                records: 0,
                stored: 0,
                withdrawn: 0,
                nothing_to_match: 0,
                warnings: Vec::new(),
                db: DbInfo {
                    built_at: String::new(),
                    content_hash: String::new(),
                },
            };
            let mut file = dl.file.reopen().map_err(Error::io(dl.file.path()))?;
            file.seek(SeekFrom::Start(0))
                .map_err(Error::io(dl.file.path()))?;
            let mut sink = Sink {
                writer: w,
                source,
                stats: &mut stats,
                strict: true,
            };
            import::read_zip(BufReader::new(file), &url, &opts.limits, &mut sink)?;
            w.set_source_fetch(source, &dl.fetch)?;
            warnings.append(&mut stats.warnings);
            updated.push(SourceUpdate {
                ecosystem: eco,
                url,
                outcome: SourceOutcome::Updated {
                    bytes: dl.bytes,
                    records: stats.records,
                },
            });
        }
        Ok(updated)
    })?;
    sources.extend(updated);
    Ok(UpdateReport {
        sources,
        replaced: true,
        db: info,
        warnings,
    })
}

struct Download {
    file: tempfile::NamedTempFile,
    bytes: u64,
    fetch: SourceFetch,
}

/// Fetches `url` into a temporary file beside the database; `None` on 304 Not Modified.
fn fetch(
    agent: &ureq::Agent,
    url: &str,
    previous: Option<&SourceFetch>,
    db_path: &Path,
    max_bytes: u64,
) -> Result<Option<Download>> {
    let http = |message: String| Error::Http {
        url: url.to_string(),
        message,
    };
    let mut req = agent.get(url);
    if let Some(p) = previous {
        if let Some(etag) = &p.etag {
            req = req.header("If-None-Match", etag);
        }
        if let Some(lm) = &p.last_modified {
            req = req.header("If-Modified-Since", lm);
        }
    }
    let resp = req.call().map_err(|e| http(e.to_string()))?;
    let status = resp.status();
    if status.as_u16() == 304 {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(http(format!("HTTP {status}")));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let etag = header("etag");
    let last_modified = header("last-modified");

    let file = atomic::temp_beside(db_path)?;
    let mut out = file.as_file();
    let mut body = resp
        .into_body()
        .into_with_config()
        .limit(max_bytes)
        .reader();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes: u64 = 0;
    loop {
        let n = body
            .read(&mut buf)
            .map_err(|e| http(format!("download failed after {bytes} bytes: {e}")))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(Error::io(file.path()))?;
    }
    out.flush().map_err(Error::io(file.path()))?;
    let fetched_at = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok());
    Ok(Some(Download {
        file,
        bytes,
        fetch: SourceFetch {
            etag,
            last_modified,
            sha256: Some(format!("sha256:{}", hex::encode(hasher.finalize()))),
            fetched_at,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_urls() {
        assert_eq!(
            archive_url(
                "https://osv-vulnerabilities.storage.googleapis.com/",
                "crates.io"
            ),
            "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip"
        );
        assert_eq!(
            archive_url("http://127.0.0.1:9/m", "Rocky Linux"),
            "http://127.0.0.1:9/m/Rocky%20Linux/all.zip"
        );
        assert_eq!(
            archive_url("http://h", "Debian:12"),
            "http://h/Debian:12/all.zip"
        );
    }
}
