//! Times opening the database and matching 1,000 packages; used by bench/vulndb/run.sh.
//!
//! ```text
//! match_bench [DB.sqlite] [ITERATIONS] [lowest|highest]
//! ```
//! Without a path the shipped baseline is installed into a temporary cache first. The
//! packages are real names from the database (Debian 12 source packages and language
//! packages of every ecosystem). With `lowest` (the default) each is at the lowest fixed
//! version any of its advisories names, so most are still affected by the others: the worst
//! case, about 6,800 findings. With `highest` each is at the highest fixed version: a
//! well-kept image, few findings, but every advisory still evaluated.

use drydock_core::{Ecosystem, Inventory, Location, OsInfo, Package, PackageKind};
use drydock_vulndb::{Db, match_inventory};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    if let Err(e) = run() {
        eprintln!("match_bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let _cache;
    let path = match args.next() {
        Some(p) => PathBuf::from(p),
        None => {
            _cache = tempfile::tempdir()?;
            let db = drydock_vulndb::open_or_install_baseline(_cache.path())?;
            db.path().to_path_buf()
        }
    };
    let iterations: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(30);
    let highest = match args.next().as_deref() {
        None | Some("lowest") => false,
        Some("highest") => true,
        Some(other) => return Err(format!("unknown mode {other:?}").into()),
    };
    let inv = inventory(&path, 1000, highest)?;

    let mut times = Vec::with_capacity(iterations);
    let mut open_times = Vec::with_capacity(iterations);
    let mut result = (0, 0);
    for _ in 0..iterations {
        let t = Instant::now();
        let db = Db::open(&path)?;
        let opened = t.elapsed();
        let (findings, warnings) = match_inventory(&db, &inv)?;
        times.push(t.elapsed());
        open_times.push(opened);
        result = (findings.len(), warnings.len());
    }
    times.sort();
    open_times.sort();
    let med = |v: &[Duration]| v[v.len() / 2];
    println!(
        "{} versions, open+match {} packages: median {:.2?}, min {:.2?}, max {:.2?} (open alone: median {:.2?}); {} findings, {} warnings; {} runs",
        if highest { "highest" } else { "lowest" },
        inv.packages.len(),
        med(&times),
        times[0],
        times[times.len() - 1],
        med(&open_times),
        result.0,
        result.1,
        iterations
    );
    Ok(())
}

/// Picks `n` packages from the database, spread over ecosystems.
fn inventory(
    path: &std::path::Path,
    n: usize,
    highest: bool,
) -> Result<Inventory, Box<dyn std::error::Error>> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let plan: [(&str, Ecosystem, usize); 8] = [
        ("Debian:12", Ecosystem::Debian, 150),
        ("Go", Ecosystem::Go, 300),
        ("PyPI", Ecosystem::PyPI, 200),
        ("crates.io", Ecosystem::CratesIo, 150),
        ("RubyGems", Ecosystem::RubyGems, 140),
        ("npm", Ecosystem::Npm, 26),
        ("Maven", Ecosystem::Maven, 16),
        ("Go", Ecosystem::Go, 0),
    ];
    let mut packages = Vec::new();
    for (eco, kind, want) in plan {
        let mut s = conn.prepare(
            "SELECT name, data FROM affected WHERE ecosystem = ?1 ORDER BY name, advisory",
        )?;
        let mut rows = s.query([eco])?;
        let mut lowest: Vec<(String, String)> = Vec::new();
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            let data: String = r.get(1)?;
            let stored: drydock_vulndb::ranges::StoredAffected = serde_json::from_str(&data)?;
            let Some(fix) = stored
                .ranges
                .iter()
                .flat_map(|r| r.events.iter())
                .find(|(k, _)| *k == drydock_vulndb::ranges::EventKind::Fixed)
                .map(|(_, v)| v.clone())
            else {
                continue;
            };
            let scheme = drydock_version::Scheme::from_osv_ecosystem(eco).ok_or("scheme")?;
            match lowest.last_mut() {
                Some((n, v)) if *n == name => {
                    let want = if highest {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Less
                    };
                    if drydock_version::compare(scheme, &fix, v).is_ok_and(|o| o == want) {
                        *v = fix;
                    }
                }
                _ => lowest.push((name, fix)),
            }
        }
        for (name, version) in lowest.into_iter().take(want) {
            let version = if kind == Ecosystem::Go && !version.starts_with('v') {
                format!("v{version}")
            } else {
                version
            };
            let mut p = Package::new(
                kind,
                PackageKind::Library,
                &name,
                &version,
                Location::file("bench"),
            );
            if kind == Ecosystem::Debian {
                p.kind = PackageKind::Os;
                p.source_name = Some(name.clone());
            }
            packages.push(p);
        }
    }
    // Top up to `n` with repeats (a second location of the same packages) if the data is small.
    let base = packages.clone();
    let mut i = 0;
    while packages.len() < n && !base.is_empty() {
        let mut p = base[i % base.len()].clone();
        p.location = Location::file(format!("bench/{i}"));
        packages.push(p);
        i += 1;
    }
    packages.truncate(n);
    Ok(Inventory {
        os: Some(OsInfo {
            family: "debian".into(),
            version: "12".into(),
            ..Default::default()
        }),
        packages,
    })
}
