//! The terminal table: golden files, width and colour.

mod common;

use common::{REPORTS, report, table};

#[test]
fn tables() {
    for name in REPORTS {
        insta::assert_snapshot!(format!("{name}.table"), table(&report(name), false));
    }
}

#[test]
fn every_line_fits_100_columns() {
    for name in REPORTS {
        for color in [false, true] {
            let text = table(&report(name), color);
            for line in text.lines() {
                let visible = strip_ansi(line);
                assert!(
                    visible.chars().count() <= 100,
                    "{name}: {} columns: {visible}",
                    visible.chars().count()
                );
            }
        }
    }
}

#[test]
fn colour_only_when_asked() {
    let report = report("debian-app");
    let plain = table(&report, false);
    assert!(!plain.contains('\x1b'));
    let coloured = table(&report, true);
    assert!(coloured.contains("\x1b["));
    // The same text underneath.
    assert_eq!(strip_ansi(&coloured), plain);
}

/// Removes `ESC [ … letter` sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
