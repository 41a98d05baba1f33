//! The floor of the gzip benchmark: decompresses every gzip blob given, with
//! the decompressor drydock uses (flate2 on zlib-rs) and one thread per core
//! as drydock's layer workers, and discards the output. Nothing is hashed or
//! parsed: this is the least any reader of those layers must spend.
//!
//! Usage: gunzip-floor BLOB...

use std::io::{self, Read};
use std::sync::Mutex;

fn main() {
    let mut files: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    // Largest first, as drydock schedules layers.
    files.sort_by_key(|f| std::cmp::Reverse(std::fs::metadata(f).map_or(0, |m| m.len())));
    let queue = Mutex::new(files.into_iter());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let total: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0;
                    while let Some(f) = queue.lock().ok().and_then(|mut q| q.next()) {
                        n += gunzip(&f).unwrap_or_else(|e| {
                            eprintln!("{}: {e}", f.display());
                            std::process::exit(1)
                        });
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    println!("{total} bytes decompressed");
}

fn gunzip(path: &std::path::Path) -> io::Result<u64> {
    let f = io::BufReader::with_capacity(256 * 1024, std::fs::File::open(path)?);
    let mut dec = flate2::bufread::MultiGzDecoder::new(f);
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        match dec.read(&mut buf)? {
            0 => return Ok(n),
            k => n += k as u64,
        }
    }
}
