//! `drydock db update|import|status` through the real binary: a mirror on loopback serving an
//! `all.zip` built from real OSV records of `../shared/vulndata`, conditional requests, a
//! corrupt archive that must leave the old database working, and scans that must name the
//! database they used.

// The loopback HTTP server and zip writer of the vulndb crate's tests, shared rather than copied.
#[path = "../../vulndb/tests/common/mod.rs"]
mod common;

use assert_cmd::Command;
use common::{Route, Server, zip_of};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Real PyPI records for jinja2, as published by OSV (PYSEC-2019-217 is CVE-2019-10906).
const JINJA2_RECORDS: &[&str] = &[
    "PYSEC-2014-8",
    "PYSEC-2014-82",
    "PYSEC-2019-217",
    "PYSEC-2019-220",
    "PYSEC-2021-66",
];

/// An alias only the mirror's copy of PYSEC-2019-217 carries: a finding that lists it was
/// matched from the downloaded data, not from the baseline's copy of the same record.
const MIRROR_MARK: &str = "DRYDOCK-MIRROR-TEST-1";

/// The jinja2 records, copied from `../shared/vulndata/osv` by
/// scripts/copy-test-records.py so the tests run without `../shared`.
fn vulndata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osv")
}

fn record(osv: &Path, id: &str) -> Vec<u8> {
    std::fs::read(osv.join("PyPI").join(format!("{id}.json"))).expect("a shared PyPI record")
}

/// The records as the mirror serves them: PYSEC-2019-217 re-published with a later `modified`
/// (so it replaces the baseline's copy, as a real feed update would) and the mark alias.
fn mirror_records(osv: &Path) -> Vec<(String, Vec<u8>)> {
    JINJA2_RECORDS
        .iter()
        .map(|id| {
            let mut bytes = record(osv, id);
            if *id == "PYSEC-2019-217" {
                let mut v: Value = serde_json::from_slice(&bytes).unwrap();
                v["modified"] = "2026-12-01T00:00:00Z".into();
                v["aliases"]
                    .as_array_mut()
                    .unwrap()
                    .push(MIRROR_MARK.into());
                bytes = serde_json::to_vec(&v).unwrap();
            }
            (format!("{id}.json"), bytes)
        })
        .collect()
}

fn drydock(cache: &Path) -> Command {
    let mut c = Command::cargo_bin("drydock").unwrap();
    c.arg("--cache-dir")
        .arg(cache)
        .env_remove("DRYDOCK_DB_MIRROR");
    c
}

/// Runs `drydock ARGS` and returns (exit code, stdout, stderr).
fn run(cache: &Path, args: &[&str]) -> (i32, String, String) {
    let out = drydock(cache).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(cache: &Path, args: &[&str]) -> (String, String) {
    let (code, out, err) = run(cache, args);
    assert_eq!(code, 0, "drydock {args:?} failed:\n{err}");
    (out, err)
}

fn status_json(cache: &Path) -> Value {
    serde_json::from_str(&ok(cache, &["db", "status", "-f", "json"]).0).unwrap()
}

/// A project whose requirements pin jinja2 2.10: CVE-2019-10906 (PYSEC-2019-217) and
/// CVE-2020-28493 (PYSEC-2021-66) affect it, the older records were fixed before 2.10.
fn project() -> tempfile::TempDir {
    let p = tempfile::tempdir().unwrap();
    std::fs::write(p.path().join("requirements.txt"), "jinja2==2.10\n").unwrap();
    p
}

/// The report's `db` and its findings as sorted "id fixed aliases" lines.
fn scan(cache: &Path, project: &Path) -> (Value, Vec<String>) {
    let dir = project.to_str().unwrap();
    let (out, _) = ok(
        cache,
        &["fs", dir, "-f", "json", "-q", "--scanners", "vuln"],
    );
    let r: Value = serde_json::from_str(&out).unwrap();
    let mut f: Vec<String> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mut aliases: Vec<&str> = f["aliases"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            aliases.sort();
            format!(
                "{} {} {}",
                f["id"].as_str().unwrap(),
                f["fixed_version"].as_str().unwrap_or("-"),
                aliases.join(",")
            )
        })
        .collect();
    f.sort();
    (r["db"].clone(), f)
}

fn source<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no source {name} in {status:#}"))
}

fn ecosystem_advisories(status: &Value, eco: &str) -> u64 {
    status["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ecosystem"] == eco)
        .and_then(|e| e["advisories"].as_u64())
        .unwrap_or_else(|| panic!("no ecosystem {eco} in {status:#}"))
}

fn assert_names_db(report_db: &Value, status: &Value) {
    assert_eq!(report_db["content_hash"], status["content_hash"]);
    assert_eq!(report_db["built_at"], status["built_at"]);
}

#[test]
fn update_status_conditional_corrupt_and_scan() {
    let osv = vulndata();
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path();
    let proj = project();

    // Baseline first: the database a fresh install scans with.
    let (baseline_db, baseline_findings) = scan(cache, proj.path());
    let baseline = status_json(cache);
    assert_names_db(&baseline_db, &baseline);
    assert!(
        baseline_findings
            .iter()
            .any(|f| f.starts_with("CVE-2019-10906 2.10.1 ")),
        "{baseline_findings:?}"
    );
    assert!(!baseline_findings.iter().any(|f| f.contains(MIRROR_MARK)));

    let server = Server::start();
    let zip_path = "/mirror/PyPI/all.zip";
    let url = format!("{}{zip_path}", server.base);
    let mirror = format!("{}/mirror", server.base);
    server.route(
        zip_path,
        Route {
            body: zip_of(&mirror_records(&osv)),
            etag: Some("\"osv-1\"".into()),
            last_modified: Some("Tue, 01 Dec 2026 00:00:00 GMT".into()),
            throttle: None,
        },
    );
    let update = [
        "db",
        "update",
        "--mirror",
        mirror.as_str(),
        "--ecosystem",
        "PyPI",
    ];
    let (_, err) = ok(cache, &update);
    assert!(err.contains("PyPI: Updated"), "{err}");
    assert!(err.contains("new database"), "{err}");

    let st = status_json(cache);
    let db_file = PathBuf::from(st["path"].as_str().unwrap());
    assert_eq!(db_file, cache.join("drydock-db.sqlite"));
    let src = source(&st, "mirror:PyPI");
    assert_eq!(src["url"], url.as_str());
    assert_eq!(src["records"], JINJA2_RECORDS.len() as u64);
    assert_eq!(src["etag"], "\"osv-1\"");
    assert_eq!(src["last_modified"], "Tue, 01 Dec 2026 00:00:00 GMT");
    // Seeded from the baseline: the other ecosystems are all still there, and PyPI has the
    // same advisories (the served ones are all baseline records).
    for eco in ["Debian:12", "Go", "crates.io", "PyPI"] {
        assert_eq!(
            ecosystem_advisories(&st, eco),
            ecosystem_advisories(&baseline, eco),
            "{eco}"
        );
    }
    assert_ne!(st["built_at"], baseline["built_at"]);
    // The text form says the same.
    let (text, _) = ok(cache, &["db", "status"]);
    assert!(
        text.contains(&format!(
            "mirror:PyPI (mirror): {} records",
            JINJA2_RECORDS.len()
        )),
        "{text}"
    );
    assert!(
        text.contains(st["content_hash"].as_str().unwrap()),
        "{text}"
    );

    // The scan uses the updated database and says so.
    let (updated_db, updated_findings) = scan(cache, proj.path());
    assert_names_db(&updated_db, &st);
    assert_ne!(updated_db, baseline_db);
    let mark: Vec<_> = updated_findings
        .iter()
        .filter(|f| f.contains(MIRROR_MARK))
        .collect();
    assert_eq!(mark.len(), 1, "{updated_findings:?}");
    assert!(mark[0].starts_with("CVE-2019-10906 2.10.1 "), "{mark:?}");
    // Only the mark differs from the baseline's findings.
    let unmarked: Vec<String> = updated_findings
        .iter()
        .map(|f| {
            f.replace(&format!("{MIRROR_MARK},"), "")
                .replace(&format!(",{MIRROR_MARK}"), "")
        })
        .collect();
    assert_eq!(unmarked, baseline_findings);

    // Second update, the mirror given by DRYDOCK_DB_MIRROR this time: a conditional request,
    // answered 304, and the file is left alone.
    let bytes = std::fs::read(&db_file).unwrap();
    let out = drydock(cache)
        .env("DRYDOCK_DB_MIRROR", &mirror)
        .args(["db", "update", "--ecosystem", "PyPI"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("PyPI: Unchanged"), "{err}");
    assert!(err.contains("database unchanged"), "{err}");
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].headers.get("if-none-match"), None);
    assert_eq!(
        seen[1].headers.get("if-none-match").map(String::as_str),
        Some("\"osv-1\"")
    );
    assert_eq!(
        seen[1].headers.get("if-modified-since").map(String::as_str),
        Some("Tue, 01 Dec 2026 00:00:00 GMT")
    );
    assert_eq!(seen[1].status, 304);
    assert_eq!(std::fs::read(&db_file).unwrap(), bytes);
    assert_eq!(status_json(cache)["content_hash"], st["content_hash"]);

    // A new archive that is corrupt (cut in half): exit 3, the URL named, the old db kept.
    let mut broken = zip_of(&mirror_records(&osv));
    broken.truncate(broken.len() / 2);
    server.route(
        zip_path,
        Route {
            body: broken,
            etag: Some("\"osv-2\"".into()),
            last_modified: None,
            throttle: None,
        },
    );
    let (code, _, err) = run(cache, &update);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(&url), "the error must name the URL: {err}");
    assert_eq!(server.seen().last().unwrap().status, 200);
    assert_eq!(std::fs::read(&db_file).unwrap(), bytes, "old database kept");
    let (after_db, after_findings) = scan(cache, proj.path());
    assert_eq!(after_db, updated_db);
    assert_eq!(after_findings, updated_findings);
}

#[test]
fn import_dir_file_and_zip_then_scan() {
    let osv = vulndata();
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path();
    let inputs = tempfile::tempdir().unwrap();
    let proj = project();
    let (baseline_db, baseline_findings) = scan(cache, proj.path());

    // A directory of two records, one single file, and a zip of the other two (the marked
    // copy of PYSEC-2019-217 among them).
    let recs = mirror_records(&osv);
    let dir = inputs.path().join("advisories");
    std::fs::create_dir(&dir).unwrap();
    for (name, bytes) in &recs[..2] {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    // A record cut short: a warning naming the file, and the import goes on.
    let cut = &recs[0].1[..recs[0].1.len() / 2];
    std::fs::write(dir.join("cut.json"), cut).unwrap();
    let file = inputs.path().join(&recs[4].0);
    std::fs::write(&file, &recs[4].1).unwrap();
    let zip = inputs.path().join("PyPI-all.zip");
    std::fs::write(&zip, zip_of(&recs[2..4])).unwrap();
    let paths = [&dir, &file, &zip].map(|p| p.to_str().unwrap().to_string());

    let mut args = vec!["db", "import"];
    args.extend(paths.iter().map(String::as_str));
    let (_, err) = ok(cache, &args);
    assert!(
        err.contains("imported 5 records from 6 files (5 stored, 0 withdrawn skipped, 1 warnings)"),
        "{err}"
    );
    let cut_path = dir.join("cut.json");
    assert!(
        err.contains(&format!("{}: not an OSV record", cut_path.display())),
        "{err}"
    );

    let st = status_json(cache);
    assert_eq!(
        PathBuf::from(st["path"].as_str().unwrap()),
        cache.join("drydock-db.sqlite")
    );
    for (path, n) in paths.iter().zip([2, 1, 2]) {
        let src = source(&st, &format!("import:{path}"));
        assert_eq!(src["records"], n, "{src:#}");
    }
    let (db, findings) = scan(cache, proj.path());
    assert_names_db(&db, &st);
    assert_ne!(db, baseline_db);
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("CVE-2019-10906 2.10.1 ") && f.contains(MIRROR_MARK)),
        "{findings:?}"
    );
    assert_eq!(findings.len(), baseline_findings.len());

    // A damaged archive: an error naming it, and the database from before still answers.
    let bad = inputs.path().join("broken.zip");
    let mut z = zip_of(&recs[..1]);
    z.truncate(z.len() / 2);
    std::fs::write(&bad, z).unwrap();
    let (code, _, err) = run(cache, &["db", "import", bad.to_str().unwrap()]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("broken.zip"), "{err}");
    assert_eq!(scan(cache, proj.path()), (db, findings));
}

#[test]
fn status_honours_output_and_format_paths() {
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path();
    let out = tempfile::tempdir().unwrap();
    let stdout_json = status_json(cache);
    let read = |p: &Path| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };

    let to_o = out.path().join("o.json");
    let (printed, _) = ok(
        cache,
        &["db", "status", "-f", "json", "-o", to_o.to_str().unwrap()],
    );
    assert_eq!(printed, "", "-o FILE: nothing on stdout");
    let to_eq = out.path().join("eq.json");
    let (table, _) = ok(
        cache,
        &[
            "db",
            "status",
            "-f",
            &format!("json={}", to_eq.display()),
            "-f",
            "table",
        ],
    );
    assert!(table.contains("ecosystems:"), "{table}");
    for v in [read(&to_o), read(&to_eq)] {
        assert_eq!(v["content_hash"], stdout_json["content_hash"]);
        assert_eq!(v["sources"], stdout_json["sources"]);
        assert_eq!(v["ecosystems"], stdout_json["ecosystems"]);
    }
    let (code, _, err) = run(cache, &["db", "status", "-f", "sarif"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("table or json"), "{err}");
}

/// An input that does not exist: exit 3, the error names it, and the OS's reason
/// is said once (the library error carries it in its message and as its source).
#[test]
fn missing_import_input_is_named_once() {
    let cache = tempfile::tempdir().unwrap();
    let missing = cache.path().join("no-such-records.json");
    let (code, _, err) = run(cache.path(), &["db", "import", missing.to_str().unwrap()]);
    assert_eq!(code, 3, "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line in:\n{err}"));
    assert!(line.contains("no-such-records.json"), "{line}");
    assert_eq!(
        line.matches("No such file or directory").count(),
        1,
        "the cause is repeated: {line}"
    );
}
