//! Helpers shared by the integration tests: a database built from the real records in
//! `tests/data/osv`, package constructors, zip archives, and a small HTTP server on loopback.

#![allow(dead_code)]

use drydock_core::{Ecosystem, Inventory, LayerRef, Location, OsInfo, Package, PackageKind};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osv")
}

/// A fresh database built from every record under `tests/data/osv`.
pub fn test_db(dir: &Path) -> PathBuf {
    let db = dir.join("vulndb.sqlite");
    drydock_vulndb::import(&db, &[data_dir()]).expect("import of tests/data/osv");
    db
}

pub fn os(family: &str, version: &str) -> OsInfo {
    OsInfo {
        family: family.into(),
        version: version.into(),
        ..Default::default()
    }
}

pub fn layer() -> LayerRef {
    LayerRef {
        index: 1,
        digest: None,
        diff_id: "sha256:1111111111111111111111111111111111111111111111111111111111111111".into(),
        created_by: Some("RUN apt-get install -y openssl".into()),
    }
}

pub fn deb(name: &str, source: &str, version: &str) -> Package {
    let mut p = Package::new(
        Ecosystem::Debian,
        PackageKind::Os,
        name,
        version,
        Location {
            path: "var/lib/dpkg/status".into(),
            layer: Some(layer()),
            line: None,
        },
    );
    p.source_name = Some(source.into());
    p.source_version = Some(version.into());
    p
}

pub fn rpm(name: &str, version: &str) -> Package {
    Package::new(
        Ecosystem::Rpm,
        PackageKind::Os,
        name,
        version,
        Location::file("var/lib/rpm/rpmdb.sqlite"),
    )
}

pub fn lib(eco: Ecosystem, name: &str, version: &str, path: &str) -> Package {
    Package::new(
        eco,
        PackageKind::Library,
        name,
        version,
        Location::file(path),
    )
}

pub fn inventory(os: Option<OsInfo>, packages: Vec<Package>) -> Inventory {
    Inventory { os, packages }
}

/// A zip archive (deflated) of `(name, bytes)` entries.
pub fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            w.start_file(name.as_str(), opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

/// Every record file under `dir`, as archive entries named by file name.
pub fn records_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                out.push((name, std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

/// What the server serves at one path.
#[derive(Clone)]
pub struct Route {
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Send the body in chunks of this size with this pause between them.
    pub throttle: Option<(usize, Duration)>,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub status: u16,
}

/// A minimal HTTP/1.1 server on 127.0.0.1: enough for GET with conditional headers.
pub struct Server {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// Body bytes written so far, over all responses.
    pub sent: Arc<AtomicU64>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let sent = Arc::new(AtomicU64::new(0));
        let (r, s, n) = (routes.clone(), seen.clone(), sent.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (r, s, n) = (r.clone(), s.clone(), n.clone());
                std::thread::spawn(move || {
                    let _ = handle(conn, &r, &s, &n);
                });
            }
        });
        Server {
            base,
            routes,
            seen,
            sent,
        }
    }

    pub fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn handle(
    conn: TcpStream,
    routes: &Mutex<HashMap<String, Route>>,
    seen: &Mutex<Vec<Seen>>,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let route = routes.lock().unwrap().get(&path).cloned();
    let status = match &route {
        None => 404,
        Some(r) if r.etag.is_some() && headers.get("if-none-match") == r.etag.as_ref() => 304,
        Some(_) => 200,
    };
    // Logged before answering, so a client that has its answer always finds it logged.
    seen.lock().unwrap().push(Seen {
        path,
        headers,
        status,
    });
    let mut out = conn;
    match (status, &route) {
        (200, Some(r)) => {
            let mut head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n",
                r.body.len()
            );
            if let Some(e) = &r.etag {
                head.push_str(&format!("ETag: {e}\r\n"));
            }
            if let Some(l) = &r.last_modified {
                head.push_str(&format!("Last-Modified: {l}\r\n"));
            }
            head.push_str("\r\n");
            out.write_all(head.as_bytes())?;
            match r.throttle {
                None => {
                    out.write_all(&r.body)?;
                    sent.fetch_add(r.body.len() as u64, Ordering::SeqCst);
                }
                Some((chunk, pause)) => {
                    for c in r.body.chunks(chunk) {
                        out.write_all(c)?;
                        out.flush()?;
                        sent.fetch_add(c.len() as u64, Ordering::SeqCst);
                        std::thread::sleep(pause);
                    }
                }
            }
        }
        (304, _) => out.write_all(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n")?,
        _ => out.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?,
    }
    let _ = reader.read(&mut [0u8; 1]);
    Ok(())
}
