//! OS detection: `os-release` and the distributions' own release files, and
//! [`merge_os`], which picks the best of what a filesystem holds.
//!
//! os-release is the freedesktop.org format (`KEY=value`, shell-style quoting);
//! the release files are one line (`Rocky Linux release 9.3 (Blue Onyx)`,
//! `3.20.3`, `12.5` or `trixie/sid`).

use super::eol::eol_date;
use drydock_core::{AnalyzeError, Analyzer, FileOutput, OsInfo};

/// Paths of os-release files, best first.
const OS_RELEASE: [&str; 2] = ["etc/os-release", "usr/lib/os-release"];

/// Single-line release files, best first (the distribution-specific ones before
/// `redhat-release`/`system-release`, which several distributions share).
const RELEASE_FILES: [&str; 8] = [
    "etc/alpine-release",
    "etc/almalinux-release",
    "etc/rocky-release",
    "etc/oracle-release",
    "etc/centos-release",
    "etc/redhat-release",
    "etc/system-release",
    "etc/debian_version",
];

/// The `os-release` analyzer: one [`OsInfo`] per file; [`merge_os`] combines them.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsReleaseAnalyzer;

impl Analyzer for OsReleaseAnalyzer {
    fn name(&self) -> &'static str {
        "os-release"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        OS_RELEASE.contains(&path) || RELEASE_FILES.contains(&path)
    }

    fn max_size(&self) -> u64 {
        // Release files are a few hundred bytes; anything large is not one.
        64 * 1024
    }

    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
        let text = std::str::from_utf8(content)
            .map_err(|e| AnalyzeError::new(format!("{path}: not UTF-8 text: {e}")))?;
        let os = if OS_RELEASE.contains(&path) {
            parse_os_release(text)
        } else if path == "etc/debian_version" {
            parse_debian_version(text)
        } else if path == "etc/alpine-release" {
            parse_alpine_release(text)
        } else {
            parse_release_line(text)
        };
        let mut out = FileOutput::default();
        match os {
            Some(os) => out.os = Some(os),
            None => out.warnings.push(format!(
                "{path}: no operating system could be read from this file"
            )),
        }
        Ok(out)
    }
}

/// Reads an os-release file. `None` without an `ID`.
pub fn parse_os_release(text: &str) -> Option<OsInfo> {
    let mut id = None;
    let mut version = String::new();
    let mut codename = None;
    let mut pretty = None;
    let mut home_url = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, raw)) = line.split_once('=') else {
            continue;
        };
        let value = unquote(raw.trim());
        match key.trim() {
            "ID" => id = Some(value.to_ascii_lowercase()),
            "VERSION_ID" => version = value,
            "VERSION_CODENAME" if !value.is_empty() => codename = Some(value),
            "PRETTY_NAME" if !value.is_empty() => pretty = Some(value),
            "HOME_URL" => home_url = value,
            _ => {}
        }
    }
    let family = id.filter(|i| !i.is_empty())?;
    // Google's distroless images keep Debian's ID but say who built them.
    let distroless = pretty.as_deref() == Some("Distroless")
        || home_url.contains("GoogleContainerTools/distroless");
    Some(OsInfo {
        family,
        version,
        codename,
        pretty_name: pretty,
        eol: None,
        distroless,
    })
}

/// Undoes os-release's shell-style quoting: `"a \"b\""`, `'c'`, or bare.
fn unquote(raw: &str) -> String {
    let bytes = raw.as_bytes();
    if bytes.len() >= 2
        && (bytes[0] == b'"' || bytes[0] == b'\'')
        && bytes[bytes.len() - 1] == bytes[0]
    {
        let inner = &raw[1..raw.len() - 1];
        if bytes[0] == b'\'' {
            return inner.to_string();
        }
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        out
    } else {
        raw.to_string()
    }
}

/// Debian release codenames by number, for `debian_version` files that name a
/// codename (`trixie/sid` on testing) rather than a number.
const DEBIAN_CODENAMES: &[(&str, &str)] = &[
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
];

/// Reads `etc/debian_version`: `12.5` gives version `12`; `trixie/sid` gives
/// version `13`, codename `trixie`; bare `sid` gives version `sid`.
pub fn parse_debian_version(text: &str) -> Option<OsInfo> {
    let line = text.lines().next()?.trim();
    if line.is_empty() {
        return None;
    }
    let (version, codename) = if line.starts_with(|c: char| c.is_ascii_digit()) {
        let major = line.split('.').next().unwrap_or(line);
        let codename = DEBIAN_CODENAMES
            .iter()
            .find(|(_, n)| *n == major)
            .map(|(c, _)| c.to_string());
        (major.to_string(), codename)
    } else {
        let name = line.split('/').next().unwrap_or(line);
        match DEBIAN_CODENAMES.iter().find(|(c, _)| *c == name) {
            Some((c, n)) => (n.to_string(), Some(c.to_string())),
            None => (name.to_string(), None),
        }
    };
    Some(OsInfo {
        family: "debian".into(),
        version,
        codename,
        ..OsInfo::default()
    })
}

/// Reads `etc/alpine-release` (`3.20.3`).
pub fn parse_alpine_release(text: &str) -> Option<OsInfo> {
    let v = text.lines().next()?.trim();
    if v.is_empty() || !v.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(OsInfo {
        family: "alpine".into(),
        version: v.to_string(),
        ..OsInfo::default()
    })
}

/// os-release IDs by the distribution name that starts a `*-release` line.
/// Longer names first, so `CentOS Stream` is not read as `CentOS`.
const RELEASE_NAMES: &[(&str, &str)] = &[
    ("Red Hat Enterprise Linux", "rhel"),
    ("AlmaLinux", "almalinux"),
    ("Rocky Linux", "rocky"),
    ("CentOS Stream", "centos"),
    ("CentOS", "centos"),
    ("Oracle Linux", "ol"),
    ("Amazon Linux", "amzn"),
    ("Fedora", "fedora"),
];

/// Reads a `NAME release VERSION (CODENAME)` line (redhat-release and friends).
pub fn parse_release_line(text: &str) -> Option<OsInfo> {
    let line = text.lines().next()?.trim();
    let (name, rest) = line.split_once(" release ")?;
    let (distro, family) = RELEASE_NAMES.iter().find(|(n, _)| name.starts_with(n))?;
    let mut words = rest.split_whitespace();
    let version = words.next()?.to_string();
    let codename = rest
        .split_once('(')
        .and_then(|(_, c)| c.split_once(')'))
        .map(|(c, _)| c.trim().to_string())
        // AL2023 says `(Amazon Linux)`: the distribution's name, not a codename.
        .filter(|c| !c.is_empty() && c != distro);
    Some(OsInfo {
        family: family.to_string(),
        version,
        codename,
        pretty_name: Some(line.to_string()),
        ..OsInfo::default()
    })
}

/// How much a file's word counts: lower is better.
fn rank(path: &str) -> usize {
    OS_RELEASE
        .iter()
        .chain(RELEASE_FILES.iter())
        .position(|p| *p == path)
        .unwrap_or(usize::MAX)
}

/// Picks the OS of a filesystem from the [`OsInfo`] of every os-release or
/// release file found in it (path, info), as the `os-release` analyzer gave them.
///
/// os-release wins over release files and `etc/` over `usr/lib/`; fields the
/// winner leaves empty (Debian testing has no `VERSION_ID`) are filled from the
/// other files of the same family; `eol` comes from the table when unset;
/// `distroless` is set if any file says so. See also [`super::is_distroless`].
pub fn merge_os(found: &[(String, OsInfo)]) -> Option<OsInfo> {
    let mut sorted: Vec<&(String, OsInfo)> =
        found.iter().filter(|(_, o)| !o.family.is_empty()).collect();
    sorted.sort_by_key(|(p, _)| rank(p));
    let mut best = sorted.first()?.1.clone();
    for (_, other) in sorted.iter().skip(1) {
        if other.family != best.family {
            continue;
        }
        if best.version.is_empty() {
            best.version = other.version.clone();
        }
        if best.codename.is_none() {
            best.codename = other.codename.clone();
        }
        if best.pretty_name.is_none() {
            best.pretty_name = other.pretty_name.clone();
        }
        if best.eol.is_none() {
            best.eol = other.eol.clone();
        }
    }
    best.distroless = found.iter().any(|(_, o)| o.distroless);
    if best.eol.is_none() {
        best.eol = eol_date(&best.family, &best.version).map(str::to_string);
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_quoting() {
        let os = parse_os_release(
            "# comment\nNAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID='12'\nPRETTY_NAME=\"Say \\\"hi\\\"\"\nVERSION_CODENAME=bookworm\n",
        );
        assert_eq!(
            os,
            Some(OsInfo {
                family: "debian".into(),
                version: "12".into(),
                codename: Some("bookworm".into()),
                pretty_name: Some("Say \"hi\"".into()),
                eol: None,
                distroless: false,
            })
        );
        assert_eq!(parse_os_release("NAME=foo\n"), None);
        assert_eq!(parse_os_release("ID=\"\"\n"), None);
    }

    #[test]
    fn debian_version_forms() {
        let v = |s: &str| parse_debian_version(s).map(|o| (o.version, o.codename));
        assert_eq!(v("12.5\n"), Some(("12".into(), Some("bookworm".into()))));
        assert_eq!(
            v("trixie/sid\n"),
            Some(("13".into(), Some("trixie".into())))
        );
        assert_eq!(v("sid\n"), Some(("sid".into(), None)));
        assert_eq!(v("9.13"), Some(("9".into(), Some("stretch".into()))));
        assert_eq!(v("\n"), None);
        assert_eq!(v(""), None);
    }

    #[test]
    fn release_lines() {
        let r = |s: &str| parse_release_line(s).map(|o| (o.family, o.version, o.codename));
        assert_eq!(
            r("Red Hat Enterprise Linux release 9.3 (Plow)\n"),
            Some(("rhel".into(), "9.3".into(), Some("Plow".into())))
        );
        assert_eq!(
            r("CentOS Linux release 7.9.2009 (Core)"),
            Some(("centos".into(), "7.9.2009".into(), Some("Core".into())))
        );
        assert_eq!(
            r("CentOS Stream release 9"),
            Some(("centos".into(), "9".into(), None))
        );
        assert_eq!(
            r("Amazon Linux release 2 (Karoo)"),
            Some(("amzn".into(), "2".into(), Some("Karoo".into())))
        );
        assert_eq!(
            r("Amazon Linux release 2023.6.20241010 (Amazon Linux)"),
            Some(("amzn".into(), "2023.6.20241010".into(), None))
        );
        assert_eq!(
            r("Amazon Linux AMI release 2018.03"),
            Some(("amzn".into(), "2018.03".into(), None))
        );
        assert_eq!(
            r("Oracle Linux Server release 8.9"),
            Some(("ol".into(), "8.9".into(), None))
        );
        assert_eq!(r("Gentoo Base System release 2.14"), None);
        assert_eq!(r("Rocky Linux release"), None);
    }

    #[test]
    fn merge_prefers_etc_os_release_and_fills_gaps() {
        let testing = OsInfo {
            family: "debian".into(),
            pretty_name: Some("Debian GNU/Linux trixie/sid".into()),
            codename: Some("trixie".into()),
            ..OsInfo::default()
        };
        let found = vec![
            (
                "etc/debian_version".to_string(),
                parse_debian_version("trixie/sid").unwrap_or_default(),
            ),
            ("usr/lib/os-release".to_string(), testing.clone()),
        ];
        let os = merge_os(&found).unwrap_or_default();
        assert_eq!(os.family, "debian");
        assert_eq!(os.version, "13");
        assert_eq!(
            os.pretty_name.as_deref(),
            Some("Debian GNU/Linux trixie/sid")
        );
        assert_eq!(os.eol.as_deref(), Some("2028-08-09"));

        let a = OsInfo {
            family: "ubuntu".into(),
            version: "22.04".into(),
            ..OsInfo::default()
        };
        let b = OsInfo {
            family: "ubuntu".into(),
            version: "20.04".into(),
            ..OsInfo::default()
        };
        let found = vec![
            ("usr/lib/os-release".to_string(), b),
            (
                "etc/debian_version".to_string(),
                parse_debian_version("bookworm/sid").unwrap_or_default(),
            ),
            ("etc/os-release".to_string(), a),
        ];
        let os = merge_os(&found).unwrap_or_default();
        assert_eq!(
            (os.family.as_str(), os.version.as_str()),
            ("ubuntu", "22.04")
        );
        assert_eq!(
            os.codename, None,
            "a Debian codename must not leak into Ubuntu"
        );
        assert_eq!(os.eol.as_deref(), Some("2027-04-01"));
        assert_eq!(merge_os(&[]), None);
    }
}
