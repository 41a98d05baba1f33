//! rpm's database of installed packages, in all three of its formats: SQLite
//! (`rpmdb.sqlite`, rpm ≥ 4.16: RHEL 9+, Fedora 33+, Amazon Linux 2023),
//! Berkeley DB hash (`Packages`: RHEL/CentOS 7–8, Amazon Linux 2) and ndb
//! (`Packages.db`: SUSE). The format is told by the file's magic, not its name.
//! Each holds one rpm header blob per package; [`header`] reads those.

mod bdb;
pub mod header;
mod ndb;

use super::{WarningSink, location};
use drydock_core::{AnalyzeError, Analyzer, Ecosystem, FileOutput, Package, PackageKind};
use header::{RpmHeader, parse_header};

const DB_PATHS: [&str; 6] = [
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages",
    "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/Packages.db",
];

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// Why an rpm database could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum RpmDbError {
    #[error("empty file")]
    Empty,
    #[error("not an rpm database: neither SQLite, Berkeley DB hash nor ndb")]
    UnknownFormat,
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("SQLite: database of {0} bytes is too large to read in memory")]
    TooLarge(usize),
    #[error("Berkeley DB: {0}")]
    Bdb(String),
    #[error("NDB: {0}")]
    Ndb(String),
}

/// The `rpm` analyzer.
#[derive(Debug, Default, Clone, Copy)]
pub struct RpmAnalyzer;

impl Analyzer for RpmAnalyzer {
    fn name(&self) -> &'static str {
        "rpm"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        DB_PATHS.contains(&path)
    }

    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
        parse_rpmdb(path, content)
    }
}

/// Reads an rpm database of any of the three formats into packages.
pub fn parse_rpmdb(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let (blobs, db_warnings) =
        read_blobs(content).map_err(|e| AnalyzeError::new(format!("{path}: {e}")))?;
    let mut warn = WarningSink::new(path);
    for w in db_warnings {
        warn.push(w);
    }
    let mut out = FileOutput::default();
    for (i, blob) in blobs.iter().enumerate() {
        match parse_header(blob) {
            Ok(h) if h.name == "gpg-pubkey" => {} // imported signing keys, not software
            Ok(h) => out.packages.push(to_package(path, h)),
            Err(e) => warn.push(format!("package header #{}: {e}; skipped", i + 1)),
        }
    }
    out.warnings = warn.finish();
    Ok(out)
}

/// The header blobs of the database, whatever its format.
fn read_blobs(content: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), RpmDbError> {
    if content.is_empty() {
        Err(RpmDbError::Empty)
    } else if content.starts_with(SQLITE_MAGIC) {
        read_sqlite(content).map(|b| (b, Vec::new()))
    } else if ndb::is_ndb(content) {
        ndb::read_blobs(content)
    } else if bdb::is_bdb_hash(content) {
        bdb::read_values(content)
    } else {
        Err(RpmDbError::UnknownFormat)
    }
}

/// Reads the `Packages` table of an rpm SQLite database from memory: nothing
/// is written to disk.
fn read_sqlite(content: &[u8]) -> Result<Vec<Vec<u8>>, RpmDbError> {
    use std::io::Read;
    // sqlite3_malloc takes an int; rusqlite would panic converting a larger size.
    if content.len() > i32::MAX as usize {
        return Err(RpmDbError::TooLarge(content.len()));
    }
    // rpm leaves its database in WAL mode (header bytes 18 and 19 = 2), which an
    // in-memory database cannot open; present it as a rollback-journal database.
    // What is still only in the -wal file is not seen, as with any other reader.
    let mut head = content[..content.len().min(100)].to_vec();
    if head.len() == 100 && head[18] == 2 && head[19] == 2 {
        head[18] = 1;
        head[19] = 1;
    }
    let reader = head.as_slice().chain(content.get(100..).unwrap_or(&[]));
    let mut conn = rusqlite::Connection::open_in_memory()?;
    conn.deserialize_read_exact(rusqlite::MAIN_DB, reader, content.len(), true)?;
    let mut stmt = conn.prepare("SELECT blob FROM Packages ORDER BY hnum")?;
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Splits a source rpm file name, `name-version-release.src.rpm`, into its name
/// and `version-release`.
pub fn split_source_rpm(file: &str) -> Option<(&str, &str)> {
    let stem = file
        .strip_suffix(".src.rpm")
        .or_else(|| file.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = stem.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    if name.is_empty() || version.is_empty() || release.is_empty() {
        return None;
    }
    Some((name, &stem[name.len() + 1..]))
}

/// `[EPOCH:]VERSION-RELEASE`, the epoch left out when absent or 0.
fn evr(epoch: Option<u32>, version: &str, release: &str) -> String {
    match epoch {
        Some(e) if e > 0 => format!("{e}:{version}-{release}"),
        _ => format!("{version}-{release}"),
    }
}

fn to_package(path: &str, h: RpmHeader) -> Package {
    let version = evr(h.epoch, &h.version, &h.release);
    let mut pkg = Package::new(
        Ecosystem::Rpm,
        PackageKind::Os,
        &h.name,
        &version,
        location(path, None),
    );
    pkg.purl = super::rpm_purl(None, &pkg.name, &version, h.arch.as_deref());
    pkg.arch = h.arch;
    if let Some(l) = h.license.filter(|l| !l.is_empty()) {
        pkg.licenses = vec![l];
    }
    if let Some((name, vr)) = h.source_rpm.as_deref().and_then(split_source_rpm) {
        pkg.source_name = Some(name.to_string());
        // The source rpm's file name carries no epoch; the binary's is the source's.
        pkg.source_version = Some(match h.epoch {
            Some(e) if e > 0 => format!("{e}:{vr}"),
            _ => vr.to_string(),
        });
    }
    pkg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_rpm_names() {
        assert_eq!(
            split_source_rpm("bash-5.1.8-9.el9.src.rpm"),
            Some(("bash", "5.1.8-9.el9"))
        );
        assert_eq!(
            split_source_rpm("python-dateutil-2.8.1-7.el9.src.rpm"),
            Some(("python-dateutil", "2.8.1-7.el9"))
        );
        assert_eq!(
            split_source_rpm("kernel-5.14.0-1.nosrc.rpm"),
            Some(("kernel", "5.14.0-1"))
        );
        assert_eq!(split_source_rpm("bash.src.rpm"), None);
        assert_eq!(split_source_rpm("bash-5.1.rpm"), None);
        assert_eq!(split_source_rpm("-1-2.src.rpm"), None);
    }

    #[test]
    fn evr_omits_zero_epoch() {
        assert_eq!(evr(None, "1.0", "1"), "1.0-1");
        assert_eq!(evr(Some(0), "1.0", "1"), "1.0-1");
        assert_eq!(evr(Some(2), "1.0", "1.el9"), "2:1.0-1.el9");
    }

    #[test]
    fn unknown_and_empty_files_are_errors() {
        let e = |c: &[u8]| {
            parse_rpmdb("var/lib/rpm/Packages", c)
                .err()
                .map(|e| e.to_string())
        };
        assert_eq!(e(b"").as_deref(), Some("var/lib/rpm/Packages: empty file"));
        assert_eq!(
            e(b"hello world, this is text").as_deref(),
            Some(
                "var/lib/rpm/Packages: not an rpm database: neither SQLite, Berkeley DB hash nor ndb"
            )
        );
        assert!(
            e(b"SQLite format 3\0garbage")
                .is_some_and(|m| m.starts_with("var/lib/rpm/Packages: SQLite: ")),
        );
    }

    #[test]
    fn ndb_of_headers() {
        use header::{build_header, s, tag};
        let blobs = vec![
            build_header(&[
                (tag::NAME, 6, s("gpg-pubkey")),
                (tag::VERSION, 6, s("1")),
                (tag::RELEASE, 6, s("1")),
            ]),
            build_header(&[
                (tag::NAME, 6, s("zypper")),
                (tag::VERSION, 6, s("1.14.68")),
                (tag::RELEASE, 6, s("150400.3.49.1")),
                (tag::ARCH, 6, s("x86_64")),
                (tag::SOURCERPM, 6, s("zypper-1.14.68-150400.3.49.1.src.rpm")),
            ]),
            b"junk".to_vec(),
        ];
        let out = parse_rpmdb("usr/lib/sysimage/rpm/Packages.db", &ndb::build_ndb(&blobs))
            .unwrap_or_default();
        assert_eq!(out.packages.len(), 1);
        let p = &out.packages[0];
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("zypper", "1.14.68-150400.3.49.1")
        );
        assert_eq!(p.source_name.as_deref(), Some("zypper"));
        assert_eq!(p.purl, "pkg:rpm/zypper@1.14.68-150400.3.49.1?arch=x86_64");
        assert_eq!(
            out.warnings,
            vec![
                "usr/lib/sysimage/rpm/Packages.db: package header #3: header too short (4 bytes); skipped"
            ]
        );
    }
}
