//! The on-disk database: one SQLite file, written by [`Writer`] and read by [`Db`].
//!
//! Layout (schema version [`SCHEMA_VERSION`], also in `PRAGMA user_version`):
//! - `affected(ecosystem, name, advisory, source, data)`, a `WITHOUT ROWID` table clustered on
//!   its primary key `(ecosystem, name, advisory)`: a scan's lookup by ecosystem and normalised
//!   name is one B-tree descent that lands on the ranges themselves. `data` is the compact
//!   JSON of [`StoredAffected`].
//! - `advisory`: the metadata a finding shows (summary, details, severity already rated,
//!   references), one row per OSV id.
//! - `source`: where rows came from (an imported path, a mirror URL with its ETag and
//!   Last-Modified), so re-importing or updating one source replaces exactly its rows.
//! - `ecosystem`: counts per ecosystem, computed once at build time so opening is cheap.
//! - `meta`: build time and content hash.
//!
//! The live file is never written in place: writers build a copy beside it and rename it over
//! (see `crate::rebuild`), so readers open it read-only and never see a half-written state.

use crate::error::{Error, Result};
use crate::names;
use crate::osv::Record;
use crate::ranges::StoredAffected;
use crate::severity::{self, SeveritySource};
use drydock_core::{DbInfo, Severity};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Bumped on any change of tables or of the stored JSON.
pub const SCHEMA_VERSION: i64 = 1;
/// `PRAGMA application_id`: "DRDB", so a stray SQLite file is not mistaken for ours.
const APPLICATION_ID: i64 = 0x4452_4442;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    url TEXT,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    fetched_at TEXT,
    records INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE advisory (
    id INTEGER PRIMARY KEY,
    osv_id TEXT NOT NULL UNIQUE,
    modified TEXT NOT NULL,
    published TEXT,
    aliases TEXT NOT NULL,
    related TEXT NOT NULL,
    summary TEXT NOT NULL,
    details TEXT NOT NULL,
    severity TEXT NOT NULL,
    severity_source TEXT NOT NULL,
    cvss_score REAL,
    cvss_vector TEXT,
    refs TEXT NOT NULL
);
CREATE TABLE affected (
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    advisory INTEGER NOT NULL,
    source INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (ecosystem, name, advisory)
) WITHOUT ROWID;
CREATE INDEX affected_by_advisory ON affected(advisory);
CREATE INDEX affected_by_source ON affected(source);
CREATE TABLE ecosystem (
    name TEXT PRIMARY KEY,
    advisories INTEGER NOT NULL,
    packages INTEGER NOT NULL
) WITHOUT ROWID;
";

/// How records are written.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Cut `details` to this many characters (the shipped baseline keeps it small this way).
    pub max_details: Option<usize>,
    /// The build time to record; now when `None` (the baseline script pins it so the
    /// artifact is reproducible).
    pub built_at: Option<OffsetDateTime>,
}

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Stored for this many packages; `problems` are parts that were skipped.
    Stored {
        packages: usize,
        problems: Vec<String>,
    },
    Withdrawn,
    /// No `affected` entry with an ECOSYSTEM/SEMVER range or a `versions` list.
    NothingToMatch {
        problems: Vec<String>,
    },
}

/// A read-write connection to a database being built (always a private copy, see module docs).
pub struct Writer {
    conn: Connection,
    path: PathBuf,
    opts: BuildOptions,
}

impl Writer {
    /// Opens `path` (creating the schema when the file is new) and starts one transaction.
    pub fn open(path: &Path, opts: BuildOptions) -> Result<Writer> {
        let sql = Error::sql(path);
        let conn = Connection::open(path).map_err(Error::sql(path))?;
        // The file is a private copy that is thrown away on failure, so no journal is needed;
        // it is fsynced explicitly before it replaces the live one.
        conn.execute_batch("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
            .map_err(Error::sql(path))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| not_a_db(path, e))?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| not_a_db(path, e))?;
        if version == 0 && tables == 0 {
            conn.execute_batch(SCHEMA).map_err(Error::sql(path))?;
            conn.execute_batch(&format!(
                "PRAGMA user_version={SCHEMA_VERSION}; PRAGMA application_id={APPLICATION_ID};"
            ))
            .map_err(Error::sql(path))?;
        } else {
            check_header(&conn, path)?;
        }
        conn.execute_batch("BEGIN").map_err(sql)?;
        Ok(Writer {
            conn,
            path: path.to_path_buf(),
            opts,
        })
    }

    fn sql(&self) -> impl FnOnce(rusqlite::Error) -> Error + use<> {
        let path = self.path.clone();
        move |source| Error::Sqlite { path, source }
    }

    /// Starts (or restarts) a source: its previous rows are removed, so what is added next
    /// replaces them. Returns the id to pass to [`Writer::add`].
    pub fn begin_source(&mut self, name: &str, kind: &str, url: Option<&str>) -> Result<i64> {
        let c = &self.conn;
        c.execute(
            "INSERT INTO source(name, kind, url) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, url = excluded.url",
            params![name, kind, url],
        )
        .map_err(self.sql())?;
        let id: i64 = c
            .query_row("SELECT id FROM source WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .map_err(self.sql())?;
        c.execute("DELETE FROM affected WHERE source = ?1", [id])
            .map_err(self.sql())?;
        Ok(id)
    }

    /// Records how a mirror source was fetched, for the next conditional request.
    pub fn set_source_fetch(&mut self, id: i64, fetch: &SourceFetch) -> Result<()> {
        self.conn
            .execute(
                "UPDATE source SET etag = ?2, last_modified = ?3, sha256 = ?4, fetched_at = ?5 WHERE id = ?1",
                params![id, fetch.etag, fetch.last_modified, fetch.sha256, fetch.fetched_at],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Adds one record from `source`.
    ///
    /// An id seen before (the same ALSA id exists once per AlmaLinux release; a GHSA record can
    /// come in two ecosystems' archives) is merged per ecosystem: for an ecosystem both copies
    /// cover, the newer `modified` wins (the later one on a tie); ecosystems only one covers
    /// are kept from it.
    pub fn add(&mut self, rec: &Record, source: i64) -> Result<Added> {
        if rec
            .withdrawn
            .as_deref()
            .is_some_and(|w| !w.trim().is_empty())
        {
            return Ok(Added::Withdrawn);
        }
        let mut problems = Vec::new();
        let mut packages: BTreeMap<(String, String), StoredAffected> = BTreeMap::new();
        for a in &rec.affected {
            let Some(p) = &a.package else { continue };
            let eco = p.ecosystem.trim();
            if eco.is_empty() || p.name.trim().is_empty() {
                problems.push("affected entry without ecosystem or name; skipped".to_string());
                continue;
            }
            let (stored, mut probs) = StoredAffected::from_osv(a);
            problems.append(&mut probs);
            let key = (eco.to_string(), names::normalize_name(eco, &p.name));
            match packages.get_mut(&key) {
                Some(existing) => existing.merge(stored),
                None => {
                    packages.insert(key, stored);
                }
            }
        }
        for ((eco, _), stored) in packages.iter_mut() {
            if let Some(scheme) = drydock_version::Scheme::from_osv_ecosystem(eco) {
                stored.compact_versions(scheme);
            }
        }
        packages.retain(|_, s| !s.is_empty());
        if packages.is_empty() {
            return Ok(Added::NothingToMatch { problems });
        }

        let existing: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT id, modified FROM advisory WHERE osv_id = ?1")
            .and_then(|mut s| {
                s.query_row([&rec.id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(self.sql())?;
        let (adv, newer) = match existing {
            None => (self.insert_advisory(rec)?, true),
            Some((id, old_modified)) => {
                let newer = !is_older(&rec.modified, &old_modified);
                if newer {
                    self.update_advisory(id, rec)?;
                }
                (id, newer)
            }
        };

        let mut stored_count = 0;
        // Per ecosystem: whether this copy's rows go in (decided once, before any is written).
        let mut write: HashMap<&str, bool> = HashMap::new();
        for ((eco, name), stored) in &packages {
            let go = match write.get(eco.as_str()) {
                Some(go) => *go,
                None => {
                    let present: bool = self
                        .conn
                        .prepare_cached(
                            "SELECT EXISTS(SELECT 1 FROM affected WHERE advisory = ?1 AND ecosystem = ?2)",
                        )
                        .and_then(|mut s| s.query_row(params![adv, eco], |r| r.get(0)))
                        .map_err(self.sql())?;
                    if present && newer {
                        self.conn
                            .prepare_cached(
                                "DELETE FROM affected WHERE advisory = ?1 AND ecosystem = ?2",
                            )
                            .and_then(|mut s| s.execute(params![adv, eco]))
                            .map_err(self.sql())?;
                    }
                    let go = !present || newer;
                    write.insert(eco.as_str(), go);
                    go
                }
            };
            if !go {
                continue;
            }
            let data = serde_json::to_string(stored).map_err(|e| Error::Other(e.to_string()))?;
            self.conn
                .prepare_cached(
                    "INSERT OR REPLACE INTO affected(ecosystem, name, advisory, source, data)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .and_then(|mut s| s.execute(params![eco, name, adv, source, data]))
                .map_err(self.sql())?;
            stored_count += 1;
        }
        Ok(Added::Stored {
            packages: stored_count,
            problems,
        })
    }

    fn advisory_values(&self, rec: &Record) -> AdvisoryValues {
        let rating = severity::rate(rec);
        let details = match self.opts.max_details {
            Some(max) if rec.details.chars().count() > max => {
                let mut d: String = rec.details.chars().take(max).collect();
                d.push('…');
                d
            }
            _ => rec.details.clone(),
        };
        let mut refs: Vec<&str> = Vec::new();
        for r in &rec.references {
            let u = r.url.trim();
            if !u.is_empty() && !refs.contains(&u) {
                refs.push(u);
            }
        }
        AdvisoryValues {
            aliases: json_list(rec.aliases.iter().map(String::as_str)),
            related: json_list(rec.related.iter().map(String::as_str)),
            summary: rec.summary.trim().to_string(),
            details,
            severity: rating.severity.as_str(),
            severity_source: rating.source.as_str(),
            score: rating.score,
            vector: rating.vector,
            refs: json_list(refs.into_iter()),
        }
    }

    fn insert_advisory(&mut self, rec: &Record) -> Result<i64> {
        let v = self.advisory_values(rec);
        self.conn
            .prepare_cached(
                "INSERT INTO advisory(osv_id, modified, published, aliases, related, summary, details,
                                      severity, severity_source, cvss_score, cvss_vector, refs)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    rec.id, rec.modified, rec.published, v.aliases, v.related, v.summary, v.details,
                    v.severity, v.severity_source, v.score, v.vector, v.refs
                ])
            })
            .map_err(self.sql())?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_advisory(&mut self, id: i64, rec: &Record) -> Result<()> {
        let v = self.advisory_values(rec);
        self.conn
            .prepare_cached(
                "UPDATE advisory SET modified = ?2, published = ?3, aliases = ?4, related = ?5,
                    summary = ?6, details = ?7, severity = ?8, severity_source = ?9,
                    cvss_score = ?10, cvss_vector = ?11, refs = ?12
                 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id,
                    rec.modified,
                    rec.published,
                    v.aliases,
                    v.related,
                    v.summary,
                    v.details,
                    v.severity,
                    v.severity_source,
                    v.score,
                    v.vector,
                    v.refs
                ])
            })
            .map_err(self.sql())?;
        Ok(())
    }

    /// Drops orphans, computes the counts and the content hash, commits and compacts the file.
    pub fn finish(self) -> Result<DbInfo> {
        let c = &self.conn;
        let sql = || Error::sql(&self.path);
        c.execute_batch(
            "DELETE FROM advisory WHERE id NOT IN (SELECT advisory FROM affected);
             DELETE FROM ecosystem;
             INSERT INTO ecosystem(name, advisories, packages)
                 SELECT ecosystem, count(DISTINCT advisory), count(DISTINCT name)
                 FROM affected GROUP BY ecosystem;
             UPDATE source SET records =
                 (SELECT count(DISTINCT advisory) FROM affected WHERE affected.source = source.id);",
        )
        .map_err(sql())?;
        let content_hash = content_hash(c).map_err(sql())?;
        let built_at = self
            .opts
            .built_at
            .unwrap_or_else(OffsetDateTime::now_utc)
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        let built_at = built_at
            .format(&Rfc3339)
            .map_err(|e| Error::Other(format!("formatting the build time: {e}")))?;
        for (k, v) in [
            ("built_at", built_at.as_str()),
            ("content_hash", content_hash.as_str()),
            (
                "writer",
                concat!("drydock-vulndb ", env!("CARGO_PKG_VERSION")),
            ),
        ] {
            c.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![k, v],
            )
            .map_err(sql())?;
        }
        c.execute_batch("COMMIT").map_err(sql())?;
        // Replaced sources leave free pages behind; VACUUM also makes the bytes depend only on
        // the content, which keeps the shipped baseline reproducible.
        c.execute_batch("VACUUM").map_err(sql())?;
        Ok(DbInfo {
            built_at,
            content_hash,
        })
    }
}

struct AdvisoryValues {
    aliases: String,
    related: String,
    summary: String,
    details: String,
    severity: &'static str,
    severity_source: &'static str,
    score: Option<f64>,
    vector: Option<String>,
    refs: String,
}

fn json_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = items.map(str::trim).filter(|s| !s.is_empty()).collect();
    serde_json::to_string(&v).unwrap_or_else(|_| "[]".to_string())
}

/// True when `a` is strictly older than `b` (RFC 3339 times; text order if one does not parse).
fn is_older(a: &str, b: &str) -> bool {
    match (
        OffsetDateTime::parse(a.trim(), &Rfc3339),
        OffsetDateTime::parse(b.trim(), &Rfc3339),
    ) {
        (Ok(a), Ok(b)) => a < b,
        _ => a < b,
    }
}

/// A digest of everything matching and reports read, in a fixed order, so two databases with
/// the same content have the same hash whatever order they were built in and whenever.
fn content_hash(c: &Connection) -> rusqlite::Result<String> {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    let mut adv = c.prepare(
        "SELECT osv_id, modified, coalesce(published, ''), aliases, related, summary, details,
                severity, severity_source, coalesce(cvss_score, -1), coalesce(cvss_vector, ''), refs
         FROM advisory ORDER BY osv_id",
    )?;
    let mut rows = adv.query([])?;
    while let Some(r) = rows.next()? {
        for i in 0..12 {
            if i == 9 {
                let score: f64 = r.get(i)?;
                put(&format!("{score:.1}"));
            } else {
                let s: String = r.get(i)?;
                put(&s);
            }
        }
    }
    let mut aff = c.prepare(
        "SELECT a.osv_id, f.ecosystem, f.name, f.data FROM affected f
         JOIN advisory a ON a.id = f.advisory
         ORDER BY a.osv_id, f.ecosystem, f.name",
    )?;
    let mut rows = aff.query([])?;
    while let Some(r) = rows.next()? {
        for i in 0..4 {
            let s: String = r.get(i)?;
            put(&s);
        }
    }
    Ok(format!("sha256:{}", hex::encode(h.finalize())))
}

fn not_a_db(path: &Path, e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
            Error::NotADatabase {
                path: path.to_path_buf(),
            }
        }
        e => Error::sql(path)(e),
    }
}

fn check_header(conn: &Connection, path: &Path) -> Result<()> {
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| not_a_db(path, e))?;
    if app != APPLICATION_ID {
        return Err(Error::NotADatabase {
            path: path.to_path_buf(),
        });
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| not_a_db(path, e))?;
    if version != SCHEMA_VERSION {
        return Err(Error::Schema {
            path: path.to_path_buf(),
            found: version,
            expected: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// How a mirror source was last fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceFetch {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: Option<String>,
    pub fetched_at: Option<String>,
}

/// One source of the database, as `drydock db status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceStatus {
    /// `import:<path>`, `mirror:<ecosystem>` or `baseline`.
    pub name: String,
    pub kind: String,
    pub url: Option<String>,
    #[serde(flatten)]
    pub fetch: SourceFetch,
    /// Advisories that have rows from this source.
    pub records: u64,
}

/// Advisory and package counts of one OSV ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EcosystemCount {
    pub ecosystem: String,
    pub advisories: u64,
    pub packages: u64,
}

/// What `drydock db status` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DbStatus {
    pub path: PathBuf,
    pub schema_version: i64,
    pub built_at: String,
    pub content_hash: String,
    /// Seconds since `built_at`, at the time of the call.
    pub age_seconds: Option<i64>,
    pub size_bytes: u64,
    pub advisories: u64,
    pub sources: Vec<SourceStatus>,
    pub ecosystems: Vec<EcosystemCount>,
}

/// An advisory's metadata, as findings need it.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryRow {
    pub osv_id: String,
    pub aliases: Vec<String>,
    pub related: Vec<String>,
    pub summary: String,
    pub details: String,
    pub severity: Severity,
    pub severity_source: SeveritySource,
    pub cvss_score: Option<f64>,
    pub cvss_vector: Option<String>,
    pub references: Vec<String>,
}

/// An open database, read-only. Cheap to open: the header, `meta` and the small `ecosystem`
/// table are all that is read up front.
pub struct Db {
    conn: Connection,
    path: PathBuf,
    info: DbInfo,
    ecosystems: HashSet<String>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("path", &self.path)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens the database at `path` read-only, checking that it is ours and of this schema.
    pub fn open(path: &Path) -> Result<Db> {
        if !path.is_file() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no vulnerability database here; run `drydock db update` or `drydock db import`",
                ),
            });
        }
        // `immutable=1`: the live file is only ever replaced by rename, never written in
        // place, so SQLite may skip locking and change detection on every query (which
        // otherwise costs a few syscalls per lookup). An open handle keeps the old inode.
        let uri = format!("file:{}?immutable=1", uri_path(path));
        let conn = Connection::open_with_flags(
            &uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| not_a_db(path, e))?;
        check_header(&conn, path)?;
        // Memory-map the file: lookups touch scattered pages, and mapped reads skip a syscall
        // per page. 1 GiB is an upper bound, not an allocation.
        conn.execute_batch("PRAGMA mmap_size = 1073741824;")
            .map_err(Error::sql(path))?;
        let meta = |key: &str| -> Result<String> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(Error::sql(path))?
                .ok_or_else(|| {
                    Error::invalid(
                        path.display().to_string(),
                        format!("no {key} in meta; the build did not finish"),
                    )
                })
        };
        let info = DbInfo {
            built_at: meta("built_at")?,
            content_hash: meta("content_hash")?,
        };
        let ecosystems = {
            let mut s = conn
                .prepare("SELECT name FROM ecosystem")
                .map_err(Error::sql(path))?;
            let rows = s
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(Error::sql(path))?;
            rows.collect::<rusqlite::Result<HashSet<String>>>()
                .map_err(Error::sql(path))?
        };
        Ok(Db {
            conn,
            path: path.to_path_buf(),
            info,
            ecosystems,
        })
    }

    /// Build time and content hash, for reports.
    pub fn info(&self) -> &DbInfo {
        &self.info
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether any advisory covers the OSV ecosystem `eco` (with its release: `Debian:12`).
    pub fn has_ecosystem(&self, eco: &str) -> bool {
        self.ecosystems.contains(eco)
    }

    /// The stored ranges for one package: `(advisory row id, StoredAffected JSON)`.
    pub(crate) fn lookup(&self, ecosystem: &str, name: &str) -> Result<Vec<(i64, String)>> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT advisory, data FROM affected WHERE ecosystem = ?1 AND name = ?2",
            )
            .map_err(Error::sql(&self.path))?;
        let rows = s
            .query_map(params![ecosystem, name], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(Error::sql(&self.path))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sql(&self.path))
    }

    pub(crate) fn advisory(&self, id: i64) -> Result<AdvisoryRow> {
        let mut s = self
            .conn
            .prepare_cached(
                "SELECT osv_id, aliases, related, summary, details, severity, severity_source,
                        cvss_score, cvss_vector, refs FROM advisory WHERE id = ?1",
            )
            .map_err(Error::sql(&self.path))?;
        let row = s
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<f64>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, String>(9)?,
                ))
            })
            .map_err(Error::sql(&self.path))?;
        let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
        Ok(AdvisoryRow {
            osv_id: row.0,
            aliases: list(&row.1),
            related: list(&row.2),
            summary: row.3,
            details: row.4,
            severity: Severity::from_str(&row.5).unwrap_or(Severity::Unknown),
            severity_source: SeveritySource::parse(&row.6),
            cvss_score: row.7,
            cvss_vector: row.8,
            references: list(&row.9),
        })
    }

    /// Sources, counts and age, for `drydock db status`.
    pub fn status(&self) -> Result<DbStatus> {
        let sql = || Error::sql(&self.path);
        let mut s = self
            .conn
            .prepare(
                "SELECT name, kind, url, etag, last_modified, sha256, fetched_at, records
                 FROM source ORDER BY name",
            )
            .map_err(sql())?;
        let sources = s
            .query_map([], |r| {
                Ok(SourceStatus {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    url: r.get(2)?,
                    fetch: SourceFetch {
                        etag: r.get(3)?,
                        last_modified: r.get(4)?,
                        sha256: r.get(5)?,
                        fetched_at: r.get(6)?,
                    },
                    records: r.get::<_, i64>(7)?.max(0) as u64,
                })
            })
            .map_err(sql())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql())?;
        let mut s = self
            .conn
            .prepare("SELECT name, advisories, packages FROM ecosystem ORDER BY name")
            .map_err(sql())?;
        let ecosystems = s
            .query_map([], |r| {
                Ok(EcosystemCount {
                    ecosystem: r.get(0)?,
                    advisories: r.get::<_, i64>(1)?.max(0) as u64,
                    packages: r.get::<_, i64>(2)?.max(0) as u64,
                })
            })
            .map_err(sql())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql())?;
        let advisories: i64 = self
            .conn
            .query_row("SELECT count(*) FROM advisory", [], |r| r.get(0))
            .map_err(sql())?;
        let size_bytes = std::fs::metadata(&self.path)
            .map_err(Error::io(&self.path))?
            .len();
        let age_seconds = OffsetDateTime::parse(&self.info.built_at, &Rfc3339)
            .ok()
            .map(|t| (OffsetDateTime::now_utc() - t).whole_seconds());
        Ok(DbStatus {
            path: self.path.clone(),
            schema_version: SCHEMA_VERSION,
            built_at: self.info.built_at.clone(),
            content_hash: self.info.content_hash.clone(),
            age_seconds,
            size_bytes,
            advisories: advisories.max(0) as u64,
            sources,
            ecosystems,
        })
    }

    /// How `source` was last fetched (for conditional requests), if it exists.
    pub(crate) fn source_fetch(&self, name: &str) -> Result<Option<(Option<String>, SourceFetch)>> {
        self.conn
            .query_row(
                "SELECT url, etag, last_modified, sha256, fetched_at FROM source WHERE name = ?1",
                [name],
                |r| {
                    Ok((
                        r.get(0)?,
                        SourceFetch {
                            etag: r.get(1)?,
                            last_modified: r.get(2)?,
                            sha256: r.get(3)?,
                            fetched_at: r.get(4)?,
                        },
                    ))
                },
            )
            .optional()
            .map_err(Error::sql(&self.path))
    }
}

/// A path as the path part of an SQLite `file:` URI: `?` and `#` would end it, `%` starts
/// an escape.
fn uri_path(path: &Path) -> String {
    let raw = path.to_string_lossy();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            c => out.push(c),
        }
    }
    out
}

/// Opens the database at `path` and reports its status.
pub fn status(path: &Path) -> Result<DbStatus> {
    Db::open(path)?.status()
}
