//! The rpm analyzer against real rpm databases built here with Debian's `rpm`:
//! packages `rpmbuild`-ed from specs in this file, installed with `--justdb`
//! into an SQLite rpmdb; the same header blobs then loaded into Berkeley DB hash
//! files with `db5.3_load` (read back by rpm's own `bdb_ro` backend to prove
//! they are real rpm databases) and into an ndb store written by this test.
//! Needs the Debian packages `rpm` and `db5.3-util` (.ci/apt-packages.txt).

use drydock_catalog::os::{self, rpm::RpmAnalyzer};
use drydock_core::{Analyzer, Ecosystem, OsInfo, Package};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const SPECS: &[(&str, &str)] = &[
    (
        "drydock-alpha",
        "Name: drydock-alpha\nVersion: 1.2.3\nRelease: 4.el9\nEpoch: 2\nSummary: test\nLicense: MIT and (BSD or GPLv2+)\nBuildArch: noarch\n%description\nA package with an epoch.\n%files\n",
    ),
    (
        "drydock-beta",
        "Name: drydock-beta\nVersion: 0.9\nRelease: 1\nSummary: test\nLicense: Apache-2.0\nBuildArch: noarch\n%description\nNo epoch.\n%files\n",
    ),
    (
        "drydock-gamma",
        "Name: drydock-gamma\nVersion: 3.0~rc1\nRelease: 0.1.fc40\nEpoch: 0\nSummary: test\nLicense: GPL-2.0-or-later\nBuildArch: noarch\n%description\nAn explicit zero epoch and a tilde version.\n%files\n",
    ),
];

const QF: &str = "%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM} %{LICENSE}\\n";

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// `rpm -qa` of the SQLite database, sorted.
    expected: Vec<String>,
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {cmd:?} ({e}): install the Debian packages rpm and db5.3-util")
    });
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn rpm_qa(dbpath: &Path, backend: &str) -> Vec<String> {
    let mut lines: Vec<String> = run(Command::new("rpm")
        .arg("--dbpath")
        .arg(dbpath)
        .args(["--define", &format!("_db_backend {backend}")])
        .args(["-qa", "--qf", QF]))
    .lines()
    .map(str::to_string)
    .collect();
    lines.sort();
    lines
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        let top = root.join("top");
        for (name, spec) in SPECS {
            let file = root.join(format!("{name}.spec"));
            std::fs::write(&file, spec).expect("write spec");
            run(Command::new("rpmbuild")
                .args(["--define", &format!("_topdir {}", top.display())])
                .args(["--define", "_build_id_links none", "-bb"])
                .arg(&file));
        }
        let db = root.join("sqlite");
        std::fs::create_dir_all(&db).expect("mkdir");
        run(Command::new("rpm").arg("--dbpath").arg(&db).arg("--initdb"));
        let mut rpms: Vec<PathBuf> = std::fs::read_dir(top.join("RPMS/noarch"))
            .expect("rpmbuild output")
            .map(|e| e.expect("dir entry").path())
            .collect();
        rpms.sort();
        run(Command::new("rpm")
            .arg("--dbpath")
            .arg(&db)
            .args(["-i", "--nodeps", "--justdb"])
            .args(&rpms));
        let expected = rpm_qa(&db, "sqlite");
        assert_eq!(expected.len(), SPECS.len(), "{expected:?}");
        Fixture {
            _dir: dir,
            root,
            expected,
        }
    })
}

/// (hnum, header blob) of the SQLite database, read with SQLite itself.
fn blobs(f: &Fixture) -> Vec<(u32, Vec<u8>)> {
    let conn = rusqlite::Connection::open_with_flags(
        f.root.join("sqlite/rpmdb.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open rpmdb");
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .expect("query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// Loads the blobs into a Berkeley DB hash `Packages` with `db5.3_load`, the
/// way rpm ≤ 4.15 stored them (key: native-endian header number; key 0: the
/// instance counter), and checks that rpm itself reads the result.
fn bdb(f: &Fixture, page_size: u32, big_endian: bool) -> Vec<u8> {
    let dir = f.root.join(format!("bdb-{page_size}-{big_endian}"));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let key = |n: u32| {
        hex(&if big_endian {
            n.to_be_bytes()
        } else {
            n.to_le_bytes()
        })
    };
    let rows = blobs(f);
    let mut dump = format!("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize={page_size}\n");
    if big_endian {
        dump.push_str("db_lorder=4321\n");
    }
    dump.push_str("HEADER=END\n");
    dump.push_str(&format!(" {}\n {}\n", key(0), key(rows.len() as u32)));
    for (n, blob) in &rows {
        dump.push_str(&format!(" {}\n {}\n", key(*n), hex(blob)));
    }
    dump.push_str("DATA=END\n");
    let input = dir.join("dump.txt");
    std::fs::write(&input, dump).expect("write dump");
    run(Command::new("db5.3_load")
        .arg("-f")
        .arg(&input)
        .arg(dir.join("Packages")));
    assert_eq!(
        rpm_qa(&dir, "bdb_ro"),
        f.expected,
        "rpm's own bdb reader disagrees"
    );
    std::fs::read(dir.join("Packages")).expect("read Packages")
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// An ndb `Packages.db` holding the blobs (layout of rpm's `rpmpkg.c`).
fn ndb(f: &Fixture) -> Vec<u8> {
    let le = |n: u32| n.to_le_bytes();
    let mut out = vec![0u8; 4096];
    out[0..4].copy_from_slice(b"RpmP");
    out[12..16].copy_from_slice(&le(1));
    for at in (32..4096).step_by(16) {
        out[at..at + 4].copy_from_slice(b"Slot");
    }
    for (i, (n, blob)) in blobs(f).iter().enumerate() {
        let slot = 32 + 16 * i;
        let start = out.len();
        out[slot + 4..slot + 8].copy_from_slice(&le(*n));
        out[slot + 8..slot + 12].copy_from_slice(&le((start / 16) as u32));
        out.extend_from_slice(b"BlbS");
        out.extend_from_slice(&le(*n));
        out.extend_from_slice(&le(0));
        out.extend_from_slice(&le(blob.len() as u32));
        out.extend_from_slice(blob);
        out.extend_from_slice(&[0u8; 16]);
        out.resize(out.len().div_ceil(16) * 16, 0);
        let blocks = (out.len() - start) / 16;
        out[slot + 12..slot + 16].copy_from_slice(&le(blocks as u32));
    }
    out
}

/// Our packages in `rpm -qa --qf QF` form, sorted.
fn as_qa(pkgs: &[Package]) -> Vec<String> {
    let mut v: Vec<String> = pkgs
        .iter()
        .map(|p| {
            let (epoch, vr) = match p.version.split_once(':') {
                Some((e, vr)) => (e, vr),
                None => ("0", p.version.as_str()),
            };
            let src_vr = p
                .source_version
                .as_deref()
                .map(|s| s.split_once(':').map_or(s, |(_, vr)| vr))
                .unwrap_or("");
            format!(
                "{} {epoch}:{vr} {} {}-{src_vr}.src.rpm {}",
                p.name,
                p.arch.as_deref().unwrap_or(""),
                p.source_name.as_deref().unwrap_or(""),
                p.licenses.join(" ")
            )
        })
        .collect();
    v.sort();
    v
}

fn analyze(path: &str, bytes: &[u8]) -> drydock_core::FileOutput {
    let a = RpmAnalyzer;
    assert!(a.wants(path), "{path}");
    a.analyze(path, bytes).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn sqlite_rpmdb_matches_rpm_qa() {
    let f = fixture();
    let bytes = std::fs::read(f.root.join("sqlite/rpmdb.sqlite")).expect("read rpmdb.sqlite");
    for path in [
        "var/lib/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/rpmdb.sqlite",
    ] {
        let out = analyze(path, &bytes);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(as_qa(&out.packages), f.expected);
        assert!(
            out.packages
                .iter()
                .all(|p| p.location.path == path && p.ecosystem == Ecosystem::Rpm)
        );
    }
}

#[test]
fn sqlite_rpmdb_exact_fields_and_purls() {
    let f = fixture();
    let bytes = std::fs::read(f.root.join("sqlite/rpmdb.sqlite")).expect("read rpmdb.sqlite");
    let mut out = analyze("var/lib/rpm/rpmdb.sqlite", &bytes);
    out.packages.sort_by(|a, b| a.name.cmp(&b.name));
    let alpha = &out.packages[0];
    assert_eq!(alpha.name, "drydock-alpha");
    assert_eq!(alpha.version, "2:1.2.3-4.el9");
    assert_eq!(alpha.arch.as_deref(), Some("noarch"));
    assert_eq!(alpha.licenses, vec!["MIT and (BSD or GPLv2+)".to_string()]);
    assert_eq!(alpha.source_name.as_deref(), Some("drydock-alpha"));
    assert_eq!(alpha.source_version.as_deref(), Some("2:1.2.3-4.el9"));
    assert_eq!(
        alpha.purl,
        "pkg:rpm/drydock-alpha@1.2.3-4.el9?arch=noarch&epoch=2"
    );
    let gamma = &out.packages[2];
    assert_eq!(
        gamma.version, "3.0~rc1-0.1.fc40",
        "a zero epoch is left out"
    );

    let alma = OsInfo {
        family: "almalinux".into(),
        version: "9.4".into(),
        ..OsInfo::default()
    };
    os::finalize_os_packages(Some(&alma), &mut out.packages);
    assert_eq!(
        out.packages[0].purl,
        "pkg:rpm/almalinux/drydock-alpha@1.2.3-4.el9?arch=noarch&distro=almalinux-9.4&epoch=2"
    );
    assert_eq!(
        out.packages[2].purl,
        "pkg:rpm/almalinux/drydock-gamma@3.0~rc1-0.1.fc40?arch=noarch&distro=almalinux-9.4"
    );
}

#[test]
fn berkeley_db_packages_match_rpm_qa() {
    let f = fixture();
    // 512-byte pages chain each header over several overflow pages, 4096 keeps
    // it on one, 65536 stores it inline on the hash page; 4321 is big-endian.
    for (page_size, big_endian) in [(512, false), (4096, false), (65536, false), (4096, true)] {
        let bytes = bdb(f, page_size, big_endian);
        for path in ["var/lib/rpm/Packages", "usr/lib/sysimage/rpm/Packages"] {
            let out = analyze(path, &bytes);
            assert!(
                out.warnings.is_empty(),
                "{page_size} {big_endian}: {:?}",
                out.warnings
            );
            assert_eq!(
                as_qa(&out.packages),
                f.expected,
                "page size {page_size}, big-endian {big_endian}"
            );
        }
    }
}

#[test]
fn ndb_packages_match_rpm_qa() {
    let f = fixture();
    let out = analyze("usr/lib/sysimage/rpm/Packages.db", &ndb(f));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(as_qa(&out.packages), f.expected);
}

#[test]
fn damaged_databases_warn_or_fail_naming_the_file() {
    let f = fixture();
    let sqlite = std::fs::read(f.root.join("sqlite/rpmdb.sqlite")).expect("read rpmdb.sqlite");
    let a = RpmAnalyzer;
    // A cut SQLite file is refused by SQLite: an error naming the file, no panic.
    match a.analyze("var/lib/rpm/rpmdb.sqlite", &sqlite[..sqlite.len() / 3]) {
        Err(e) => assert!(
            e.to_string()
                .starts_with("var/lib/rpm/rpmdb.sqlite: SQLite: "),
            "{e}"
        ),
        Ok(out) => assert!(!out.warnings.is_empty() || out.packages.len() < SPECS.len()),
    }
    // A cut Berkeley DB loses the packages on the missing pages, with warnings.
    let bdb = bdb(f, 512, false);
    let out = a
        .analyze("var/lib/rpm/Packages", &bdb[..bdb.len() - 1024])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.packages.len() < SPECS.len());
    assert!(!out.warnings.is_empty());
    assert!(
        out.warnings
            .iter()
            .all(|w| w.starts_with("var/lib/rpm/Packages: ")),
        "{:?}",
        out.warnings
    );
    // Garbage in every header of an ndb store: one warning per header.
    let mut ndb = ndb(f);
    let first_blob = 4096 + 16;
    ndb[first_blob..first_blob + 8].copy_from_slice(&[0xff; 8]);
    let out = a
        .analyze("var/lib/rpm/Packages.db", &ndb)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.packages.len(), SPECS.len() - 1);
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
}
