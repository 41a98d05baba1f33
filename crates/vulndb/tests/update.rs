//! `update` against a real HTTP server on loopback: conditional requests, verification of the
//! archives, and the atomic swap, including a writer killed with SIGKILL mid-update.

mod common;

use common::*;
use drydock_vulndb::{Db, Error, SourceOutcome, UpdateOptions, match_inventory, update};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The real records of tests/data/osv as one `all.zip`.
fn all_zip() -> Vec<u8> {
    zip_of(&records_under(&data_dir()))
}

fn openssl_findings(db: &Path) -> usize {
    let db = Db::open(db).expect("the database opens");
    let inv = inventory(
        Some(os("debian", "12")),
        vec![deb("libssl3", "openssl", "3.0.20-1~deb12u2")],
    );
    match_inventory(&db, &inv).unwrap().0.len()
}

fn opts(server: &Server, eco: &str) -> UpdateOptions {
    let mut o = UpdateOptions::new(format!("{}/mirror", server.base), vec![eco.to_string()]);
    o.io_timeout = Duration::from_secs(10);
    o
}

#[test]
fn update_downloads_then_sends_conditional_requests() {
    let server = Server::start();
    server.route(
        "/mirror/Debian/all.zip",
        Route {
            body: all_zip(),
            etag: Some("\"v1\"".into()),
            last_modified: Some("Sat, 28 Nov 2026 10:00:00 GMT".into()),
            throttle: None,
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");

    let first = update(&db, &opts(&server, "Debian")).unwrap();
    assert!(first.replaced);
    assert_eq!(
        first.sources[0].outcome,
        SourceOutcome::Updated {
            bytes: all_zip().len() as u64,
            records: 31
        }
    );
    assert_eq!(openssl_findings(&db), 12);
    let st = drydock_vulndb::status(&db).unwrap();
    assert_eq!(st.sources.len(), 1);
    let s = &st.sources[0];
    assert_eq!(s.name, "mirror:Debian");
    assert_eq!(
        s.url.as_deref(),
        Some(format!("{}/mirror/Debian/all.zip", server.base).as_str())
    );
    assert_eq!(s.fetch.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        s.fetch.last_modified.as_deref(),
        Some("Sat, 28 Nov 2026 10:00:00 GMT")
    );
    assert!(s.fetch.sha256.as_deref().unwrap().starts_with("sha256:"));
    assert_eq!(s.records, 30);

    let before = std::fs::metadata(&db).unwrap().modified().unwrap();
    let second = update(&db, &opts(&server, "Debian")).unwrap();
    assert!(!second.replaced);
    assert_eq!(second.sources[0].outcome, SourceOutcome::Unchanged);
    assert_eq!(second.db, first.db);
    assert_eq!(
        std::fs::metadata(&db).unwrap().modified().unwrap(),
        before,
        "file untouched on 304"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].headers.get("if-none-match"), None);
    assert_eq!(
        seen[1].headers.get("if-none-match").map(String::as_str),
        Some("\"v1\"")
    );
    assert_eq!(
        seen[1].headers.get("if-modified-since").map(String::as_str),
        Some("Sat, 28 Nov 2026 10:00:00 GMT")
    );
    assert_eq!(seen[1].status, 304);
}

/// Runs a failing update and checks the database is exactly as before.
fn assert_rejected(body: Vec<u8>, expect: &str) {
    let server = Server::start();
    server.route(
        "/mirror/PyPI/all.zip",
        Route {
            body,
            etag: None,
            last_modified: None,
            throttle: None,
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let db = test_db(dir.path());
    let before = Db::open(&db).unwrap().info().clone();
    let bytes_before = std::fs::read(&db).unwrap();

    let err = update(&db, &opts(&server, "PyPI")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
    assert!(
        msg.contains("/mirror/PyPI/all.zip"),
        "error must name the archive: {msg}"
    );
    assert!(msg.contains(expect), "{msg}");

    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes_before,
        "old database unchanged"
    );
    assert_eq!(Db::open(&db).unwrap().info(), &before);
    assert_eq!(openssl_findings(&db), 12);
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn truncated_zip_is_rejected_and_the_old_db_stays() {
    let mut z = all_zip();
    z.truncate(z.len() / 2);
    assert_rejected(z, "not a readable zip archive");
}

#[test]
fn corrupted_entry_is_rejected_and_the_old_db_stays() {
    let z = all_zip();
    // Flip bits inside the first entry's compressed data (after its 30-byte local header and
    // name): either inflating fails or the CRC-32 check does.
    let mut bad = z.clone();
    let name_len = u16::from_le_bytes([z[26], z[27]]) as usize;
    let data = 30 + name_len;
    for b in &mut bad[data + 10..data + 40] {
        *b ^= 0x5a;
    }
    assert_rejected(bad, "corrupt entry");
}

#[test]
fn zip_bombs_are_rejected_and_the_old_db_stays() {
    // Declares 20 MiB for one entry: above the 16 MiB cap.
    let big = zip_of(&[("bomb.json".into(), vec![b' '; 20 << 20])]);
    assert!(big.len() < 200_000);
    assert_rejected(big, "zip bomb");
    // 8 MiB that deflates about 1000:1: below the size cap, above the ratio cap.
    let dense = zip_of(&[("dense.json".into(), vec![b' '; 8 << 20])]);
    assert_rejected(dense, "compression ratio");
}

#[test]
fn unparsable_record_fails_the_update() {
    let mut entries = records_under(&data_dir().join("Go"));
    entries.push((
        "GO-9999-0001.json".into(),
        b"{\"id\": \"GO-9999-0001\", \"affected\": [".to_vec(),
    ));
    assert_rejected(zip_of(&entries), "GO-9999-0001.json");
}

#[test]
fn http_errors_name_the_url() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = test_db(dir.path());
    let err = update(&db, &opts(&server, "npm")).unwrap_err();
    assert!(matches!(err, Error::Http { .. }), "{err:?}");
    assert!(
        err.to_string().contains("/mirror/npm/all.zip: HTTP 404"),
        "{err}"
    );
    assert_eq!(openssl_findings(&db), 12);
}

/// Not a test of its own: the child process of the SIGKILL tests runs the update here.
#[test]
fn update_child_process() {
    let Ok(spec) = std::env::var("DRYDOCK_TEST_UPDATE_CHILD") else {
        return;
    };
    let (db, mirror) = spec.split_once('|').unwrap();
    let mut o = UpdateOptions::new(mirror, vec!["Debian".into()]);
    o.io_timeout = Duration::from_secs(30);
    update(Path::new(db), &o).unwrap();
}

fn spawn_child(db: &Path, server: &Server) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "update_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            "DRYDOCK_TEST_UPDATE_CHILD",
            format!("{}|{}/mirror", db.display(), server.base),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".tmp-"))
        .collect()
}

#[test]
fn killing_the_update_mid_download_leaves_the_old_db_usable() {
    let body = all_zip();
    let server = Server::start();
    // About 2 s for the whole archive.
    let chunk = body.len() / 100 + 1;
    server.route(
        "/mirror/Debian/all.zip",
        Route {
            body: body.clone(),
            etag: Some("\"k\"".into()),
            last_modified: None,
            throttle: Some((chunk, Duration::from_millis(20))),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    // The old database: only the Go records, so the new one is visibly different.
    let db = dir.path().join("db.sqlite");
    drydock_vulndb::import(&db, &[data_dir().join("Go")]).unwrap();
    let old = Db::open(&db).unwrap().info().clone();

    let mut child = spawn_child(&db, &server);
    let start = Instant::now();
    while server.sent.load(Ordering::SeqCst) < (body.len() / 2) as u64 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the child never downloaded"
        );
        assert!(child.try_wait().unwrap().is_none(), "the child ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // The old database is still there and answers queries.
    let after = Db::open(&db).unwrap();
    assert_eq!(after.info(), &old);
    let golang = inventory(
        None,
        vec![lib(
            drydock_core::Ecosystem::Go,
            "golang.org/x/text",
            "v0.3.7",
            "x",
        )],
    );
    assert_eq!(match_inventory(&after, &golang).unwrap().0.len(), 1);
    assert_eq!(openssl_findings(&db), 0);
    drop(after);
    assert!(
        !temp_files(dir.path()).is_empty(),
        "the killed child left its download behind"
    );

    // The lock died with the child: the next update runs, cleans up, and swaps in new data.
    server.route(
        "/mirror/Debian/all.zip",
        Route {
            body,
            etag: Some("\"k\"".into()),
            last_modified: None,
            throttle: None,
        },
    );
    let mut o = UpdateOptions::new(format!("{}/mirror", server.base), vec!["Debian".into()]);
    o.io_timeout = Duration::from_secs(10);
    let report = update(&db, &o).unwrap();
    assert!(report.replaced);
    assert_eq!(openssl_findings(&db), 12);
    assert!(
        temp_files(dir.path()).is_empty(),
        "{:?}",
        temp_files(dir.path())
    );
}

#[test]
fn killing_the_update_at_any_moment_leaves_a_usable_db() {
    let server = Server::start();
    server.route(
        "/mirror/Debian/all.zip",
        Route {
            body: all_zip(),
            etag: None,
            last_modified: None,
            throttle: None,
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");
    drydock_vulndb::import(&db, &[data_dir().join("Go")]).unwrap();
    let old = Db::open(&db).unwrap().info().content_hash.clone();

    // Let one child finish to learn how long a whole update takes here, then kill others at
    // points spread over that time: during start-up, download, build and rename.
    let t0 = Instant::now();
    let mut c = spawn_child(&dir.path().join("probe.sqlite"), &server);
    assert!(c.wait().unwrap().success());
    let full = t0.elapsed();
    let mut outcomes = Vec::new();
    for i in 1..=8u32 {
        let mut child = spawn_child(&db, &server);
        std::thread::sleep(full * i / 8);
        let _ = child.kill();
        child.wait().unwrap();
        let hash = Db::open(&db)
            .expect("database usable after SIGKILL")
            .info()
            .content_hash
            .clone();
        assert!(openssl_findings(&db) == 0 || openssl_findings(&db) == 12);
        outcomes.push(hash != old);
    }
    // Whatever happened, the file is always one of the two complete databases.
    eprintln!("kills that landed after the swap: {outcomes:?}");
}
