//! End of standard support of the distributions drydock detects, and the
//! lookup that tells whether a detected OS is past it.
//!
//! Source: the endoflife.date product files (github.com/endoflife-date/endoflife.date,
//! `products/{debian,ubuntu,alpine-linux,rhel,almalinux,rocky-linux,centos,oracle-linux,amazon-linux}.md`,
//! the `eol` field: Debian security support, Ubuntu standard support, RHEL maintenance
//! support), read 2026-11. Where those files predate a release or a later vendor
//! announcement, the vendor's own statement is used and named on the row.

use drydock_core::OsInfo;

/// (family, release, end of standard support). `release` is matched against the
/// release key of the detected version (see [`release_key`]).
pub const EOL_TABLE: &[(&str, &str, &str)] = &[
    ("debian", "8", "2018-06-17"),
    ("debian", "9", "2020-07-18"),
    ("debian", "10", "2022-09-10"),
    ("debian", "11", "2024-08-14"),
    ("debian", "12", "2026-06-10"),
    // Released 2025-08-09; Debian's policy is three years of security support
    // (debian.org release announcement; not yet in the endoflife.date file read).
    ("debian", "13", "2028-08-09"),
    ("ubuntu", "14.04", "2019-04-02"),
    ("ubuntu", "14.10", "2015-07-23"),
    ("ubuntu", "15.04", "2016-02-04"),
    ("ubuntu", "15.10", "2016-07-28"),
    ("ubuntu", "16.04", "2021-04-02"),
    ("ubuntu", "16.10", "2017-07-20"),
    ("ubuntu", "17.04", "2018-01-13"),
    ("ubuntu", "17.10", "2018-07-19"),
    ("ubuntu", "18.04", "2023-05-31"),
    ("ubuntu", "18.10", "2019-07-18"),
    ("ubuntu", "19.04", "2020-01-23"),
    ("ubuntu", "19.10", "2020-07-06"),
    ("ubuntu", "20.04", "2025-05-31"),
    ("ubuntu", "20.10", "2021-07-22"),
    ("ubuntu", "21.04", "2022-01-20"),
    ("ubuntu", "21.10", "2022-07-14"),
    ("ubuntu", "22.04", "2027-04-01"),
    ("ubuntu", "22.10", "2023-07-20"),
    ("ubuntu", "23.04", "2024-01-20"),
    ("ubuntu", "23.10", "2024-07-12"),
    ("ubuntu", "24.04", "2029-05-31"),
    ("ubuntu", "24.10", "2025-07-10"),
    ("ubuntu", "25.04", "2026-01-17"),
    ("ubuntu", "25.10", "2026-07-01"),
    ("alpine", "3.10", "2021-05-01"),
    ("alpine", "3.11", "2021-11-01"),
    ("alpine", "3.12", "2022-05-01"),
    ("alpine", "3.13", "2022-11-01"),
    ("alpine", "3.14", "2023-05-01"),
    ("alpine", "3.15", "2023-11-01"),
    ("alpine", "3.16", "2024-05-23"),
    ("alpine", "3.17", "2024-11-22"),
    ("alpine", "3.18", "2025-05-09"),
    ("alpine", "3.19", "2025-11-01"),
    ("alpine", "3.20", "2026-04-01"),
    ("alpine", "3.21", "2026-11-01"),
    ("alpine", "3.22", "2027-05-01"),
    ("rhel", "7", "2024-06-30"),
    ("rhel", "8", "2029-05-31"),
    ("rhel", "9", "2032-05-31"),
    // Red Hat's 10-year life cycle for RHEL 10 (GA 2025-05-20): maintenance ends 2035-05-31.
    ("rhel", "10", "2035-05-31"),
    ("almalinux", "8", "2029-03-01"),
    ("almalinux", "9", "2032-05-31"),
    ("almalinux", "10", "2035-05-31"),
    ("rocky", "8", "2029-05-31"),
    ("rocky", "9", "2032-05-31"),
    // Rocky follows RHEL's dates (wiki.rockylinux.org/rocky/version).
    ("rocky", "10", "2035-05-31"),
    ("centos", "7", "2024-06-30"),
    ("centos", "8", "2021-12-31"),
    ("ol", "7", "2024-12-01"),
    ("ol", "8", "2029-07-01"),
    ("ol", "9", "2032-06-30"),
    // endoflife.date API (v1, oracle-linux, release 10, eolFrom).
    ("ol", "10", "2035-06-30"),
    // Amazon Linux AMI (2018.03 and earlier), per endoflife.date.
    ("amzn", "1", "2023-12-31"),
    // AWS extended AL2 to 2026-06-30 (Amazon Linux 2 FAQ / end-of-support notice).
    ("amzn", "2", "2026-06-30"),
    // AWS AL2023 user guide, "Release cadence": supported until 2029-06-30.
    ("amzn", "2023", "2029-06-30"),
];

/// The key an OS version is looked up by: the major release for Debian and the
/// Enterprise Linux family, `major.minor` for Ubuntu and Alpine, `1`/`2`/`2023`
/// for Amazon Linux. `None` when the version does not name a release.
pub fn release_key(family: &str, version: &str) -> Option<String> {
    let version = version.trim();
    let mut parts = version.split('.');
    let major = parts
        .next()
        .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))?;
    match family {
        "ubuntu" | "alpine" => {
            let minor = parts.next()?;
            let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
            if minor.is_empty() {
                return None;
            }
            Some(format!("{major}.{minor}"))
        }
        // AL1 versions are dated (`2018.03`), AL2 is `2`, AL2023 is `2023` or `2023.x.y`.
        "amzn" => match major {
            "2" => Some("2".into()),
            "2023" => Some("2023".into()),
            y if y.len() == 4 && y < "2023" => Some("1".into()),
            other => Some(other.into()),
        },
        _ => Some(major.to_string()),
    }
}

/// End of standard support of `family` `version`, from [`EOL_TABLE`].
pub fn eol_date(family: &str, version: &str) -> Option<&'static str> {
    let key = release_key(family, version)?;
    EOL_TABLE
        .iter()
        .find(|(f, r, _)| *f == family && *r == key)
        .map(|(_, _, d)| *d)
}

/// Whether `os` is past its end of standard support on `today` (`YYYY-MM-DD`).
/// Uses `os.eol` when set, the table otherwise; `None` when the date is unknown
/// or `today` is not a `YYYY-MM-DD` date.
pub fn is_eol(os: &OsInfo, today: &str) -> Option<bool> {
    if !is_iso_date(today) {
        return None;
    }
    let eol = match os.eol.as_deref() {
        Some(d) if is_iso_date(d) => d,
        _ => eol_date(&os.family, &os.version)?,
    };
    // ISO dates of equal length order as strings; support ends at the end of the eol day.
    Some(today > eol)
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(family: &str, version: &str) -> OsInfo {
        OsInfo {
            family: family.into(),
            version: version.into(),
            ..OsInfo::default()
        }
    }

    #[test]
    fn keys() {
        assert_eq!(release_key("debian", "12"), Some("12".into()));
        assert_eq!(release_key("debian", "12.5"), Some("12".into()));
        assert_eq!(release_key("ubuntu", "22.04"), Some("22.04".into()));
        assert_eq!(release_key("alpine", "3.20.3"), Some("3.20".into()));
        assert_eq!(
            release_key("alpine", "3.21_alpha20240807"),
            Some("3.21".into())
        );
        assert_eq!(release_key("rhel", "9.3"), Some("9".into()));
        assert_eq!(release_key("amzn", "2"), Some("2".into()));
        assert_eq!(release_key("amzn", "2023"), Some("2023".into()));
        assert_eq!(release_key("amzn", "2023.3.20240108"), Some("2023".into()));
        assert_eq!(release_key("amzn", "2018.03"), Some("1".into()));
        assert_eq!(release_key("debian", ""), None);
        assert_eq!(release_key("debian", "trixie/sid"), None);
        assert_eq!(release_key("ubuntu", "22"), None);
    }

    #[test]
    fn table_lookups() {
        assert_eq!(eol_date("debian", "12"), Some("2026-06-10"));
        assert_eq!(eol_date("ubuntu", "24.04"), Some("2029-05-31"));
        assert_eq!(eol_date("alpine", "3.18.4"), Some("2025-05-09"));
        assert_eq!(eol_date("almalinux", "9.4"), Some("2032-05-31"));
        assert_eq!(eol_date("amzn", "2018.03"), Some("2023-12-31"));
        assert_eq!(eol_date("fedora", "39"), None);
        assert_eq!(eol_date("debian", "7"), None);
    }

    #[test]
    fn table_covers_the_promised_releases_with_valid_dates() {
        for (f, r, d) in EOL_TABLE {
            assert!(is_iso_date(d), "{f} {r}: {d}");
        }
        let has = |f: &str, r: &str| EOL_TABLE.iter().any(|(a, b, _)| *a == f && *b == r);
        for r in 8..=13 {
            assert!(has("debian", &r.to_string()));
        }
        for y in 14..=25 {
            for m in ["04", "10"] {
                assert!(has("ubuntu", &format!("{y}.{m}")), "ubuntu {y}.{m}");
            }
        }
        for m in 10..=22 {
            assert!(has("alpine", &format!("3.{m}")));
        }
        for f in ["rhel", "ol"] {
            for r in 7..=10 {
                assert!(has(f, &r.to_string()), "{f} {r}");
            }
        }
        for r in ["1", "2", "2023"] {
            assert!(has("amzn", r));
        }
    }

    #[test]
    fn eol_status() {
        assert_eq!(is_eol(&os("debian", "10"), "2026-11-29"), Some(true));
        assert_eq!(is_eol(&os("debian", "12"), "2026-06-10"), Some(false));
        assert_eq!(is_eol(&os("debian", "12"), "2026-06-11"), Some(true));
        assert_eq!(is_eol(&os("ubuntu", "24.04"), "2026-11-29"), Some(false));
        assert_eq!(is_eol(&os("fedora", "40"), "2026-11-29"), None);
        assert_eq!(is_eol(&os("debian", "12"), "yesterday"), None);
        let mut custom = os("fedora", "40");
        custom.eol = Some("2025-05-13".into());
        assert_eq!(is_eol(&custom, "2026-01-01"), Some(true));
    }
}
