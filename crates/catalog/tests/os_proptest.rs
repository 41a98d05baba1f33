//! Random bytes into every OS analyzer, at every path it wants: no panics,
//! whatever the input. Inputs start with each format's magic now and then so
//! the rpm readers get past their first check.

use drydock_catalog::os;
use proptest::prelude::*;

const PATHS: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "etc/debian_version",
    "etc/alpine-release",
    "etc/redhat-release",
    "etc/system-release",
    "var/lib/dpkg/status",
    "var/lib/dpkg/status.d/libc6",
    "lib/apk/db/installed",
    "var/lib/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages.db",
];

/// A prefix that routes the bytes into one of the parsers' deeper paths.
fn prefixed(kind: u8, mut rest: Vec<u8>) -> Vec<u8> {
    let mut out = match kind % 6 {
        0 => b"SQLite format 3\0".to_vec(),
        1 => {
            // Berkeley DB hash metadata: magic at 12, page size 512 at 20, type 8 at 25.
            let mut m = vec![0u8; 36];
            m[12..16].copy_from_slice(&0x0006_1561u32.to_le_bytes());
            m[20..24].copy_from_slice(&512u32.to_le_bytes());
            m[25] = 8;
            m[32..36].copy_from_slice(&3u32.to_le_bytes());
            m
        }
        2 => {
            let mut m = b"RpmP\0\0\0\0\0\0\0\0\x01\0\0\0".to_vec();
            m.resize(32, 0);
            m
        }
        3 => b"Package: x\nStatus: install ok installed\nVersion: ".to_vec(),
        4 => b"P:x\nV:".to_vec(),
        _ => Vec::new(),
    };
    out.append(&mut rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn analyzers_never_panic(kind in any::<u8>(), bytes in proptest::collection::vec(any::<u8>(), 0..6000)) {
        let input = prefixed(kind, bytes);
        for a in os::analyzers() {
            for path in PATHS.iter().filter(|p| a.wants(p)) {
                let _ = a.analyze(path, &input);
            }
        }
    }

    #[test]
    fn text_analyzers_never_panic(text in "(([A-Za-z_]{1,12}[:=][ -~]{0,30})|[ \t]{0,2}|[ -~]{0,40})(\n(([A-Za-z_]{1,12}[:=][ -~]{0,30})|[ \t]{0,2}|[ -~]{0,40})){0,40}") {
        for a in os::analyzers() {
            for path in PATHS.iter().filter(|p| a.wants(p)) {
                if let Ok(out) = a.analyze(path, text.as_bytes()) {
                    for w in &out.warnings {
                        prop_assert!(w.starts_with(path), "{w}");
                    }
                }
            }
        }
    }
}
