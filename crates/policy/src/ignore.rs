//! The ignore file: ids the user accepts, optionally scoped and with an expiry.
//!
//! Two formats, both Trivy's so users can bring their files along:
//! - plain (`.drydockignore`, `.trivyignore`): one id per line, `#` comments,
//!   an optional `exp:YYYY-MM-DD`; applies to every kind of finding;
//! - YAML (`.drydockignore.yaml`, `.trivyignore.yaml`): `vulnerabilities`,
//!   `secrets`, `misconfigurations` lists of entries with `id`, `paths`
//!   (globs), `purls`, `packages`, `expired_at` and `statement`/`reason`.

use crate::PolicyError;
use crate::date::{parse_date, parse_timestamp};
use crate::matching::{Subject, normalize_path, parse_purl};
use drydock_core::FindingKind;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use packageurl::PackageUrl;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::{Path, PathBuf};
use time::Date;

/// The names [`discover`] looks for, in order.
const DEFAULT_NAMES: [&str; 3] = [
    ".drydockignore",
    ".drydockignore.yaml",
    ".drydockignore.yml",
];

/// The YAML format's top-level keys; a file starting with one is YAML whatever its name.
const YAML_SECTIONS: [&str; 4] = [
    "vulnerabilities",
    "secrets",
    "misconfigurations",
    "licenses",
];

/// The ignore file in `dir`: `.drydockignore`, else `.drydockignore.yaml`
/// (else `.drydockignore.yml`); `None` when there is none.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    DEFAULT_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreFormat {
    /// One id per line (`.trivyignore`).
    Plain,
    /// Sections of scoped entries (`.trivyignore.yaml`).
    Yaml,
}

impl IgnoreFormat {
    /// YAML for `*.yaml`/`*.yml`, and for any file whose first meaningful line
    /// is a section key (`vulnerabilities:`…); plain otherwise.
    pub fn detect(path: &Path, text: &str) -> IgnoreFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        if matches!(ext.as_deref(), Some("yaml" | "yml")) {
            return IgnoreFormat::Yaml;
        }
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && l != &"---");
        let is_section = |l: &str| {
            YAML_SECTIONS.iter().any(|s| {
                l.strip_prefix(s)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            })
        };
        if first.is_some_and(is_section) {
            IgnoreFormat::Yaml
        } else {
            IgnoreFormat::Plain
        }
    }
}

/// One accepted id (or scope), as written in the file.
#[derive(Debug, Clone)]
pub struct IgnoreEntry {
    /// Finding id or alias (case-insensitive); `None` = any id within the scope.
    pub id: Option<String>,
    /// The kinds of finding the entry applies to (the YAML section; all for plain files).
    pub kinds: Vec<FindingKind>,
    /// Path globs (`**` crosses directories, `*` does not), without a leading `/`.
    pub paths: Vec<String>,
    pub purls: Vec<String>,
    /// Package names (the package's, or its source package's).
    pub packages: Vec<String>,
    /// `YYYY-MM-DD`: from this day on the entry no longer suppresses.
    pub expired_at: Option<String>,
    pub statement: Option<String>,
    /// 1-based line of the entry in its file.
    pub line: u64,
    globs: Option<GlobSet>,
    parsed_purls: Vec<PackageUrl<'static>>,
    expiry: Option<Date>,
}

impl IgnoreEntry {
    /// The entry as notices name it.
    pub fn label(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => {
                let mut scope: Vec<String> = Vec::new();
                scope.extend(self.paths.iter().map(|p| format!("path {p}")));
                scope.extend(self.purls.iter().map(|p| format!("purl {p}")));
                scope.extend(self.packages.iter().map(|p| format!("package {p}")));
                format!("for any id ({})", scope.join(", "))
            }
        }
    }

    /// Expired on `today` (the expiry day itself included). An unknown
    /// `today` expires every dated entry: failing closed keeps the gate strict.
    pub(crate) fn is_expired(&self, today: Option<Date>) -> bool {
        match (self.expiry, today) {
            (None, _) => false,
            (Some(exp), Some(today)) => today >= exp,
            (Some(_), None) => true,
        }
    }

    pub(crate) fn matches(&self, s: &Subject<'_>) -> bool {
        if !self.kinds.contains(&s.finding.kind) {
            return false;
        }
        if let Some(id) = &self.id
            && !s.has_id(id)
        {
            return false;
        }
        if let Some(globs) = &self.globs
            && !s.paths.iter().any(|p| globs.is_match(p))
        {
            return false;
        }
        if !self.parsed_purls.is_empty() && !self.parsed_purls.iter().any(|p| s.matches_purl(p)) {
            return false;
        }
        if !self.packages.is_empty()
            && !s.package_names().any(|n| {
                self.packages
                    .iter()
                    .any(|want| want.eq_ignore_ascii_case(n))
            })
        {
            return false;
        }
        true
    }
}

/// A parsed ignore file.
#[derive(Debug, Clone)]
pub struct IgnoreFile {
    /// The file as given, for reasons and notices.
    pub path: String,
    pub format: IgnoreFormat,
    pub entries: Vec<IgnoreEntry>,
}

impl IgnoreFile {
    /// Reads and parses `path`, choosing the format with [`IgnoreFormat::detect`].
    pub fn load(path: &Path) -> Result<IgnoreFile, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let format = IgnoreFormat::detect(path, &text);
        IgnoreFile::parse(&text, &path.display().to_string(), format)
    }

    /// Parses `text`; `name` is what errors, reasons and notices call the file.
    pub fn parse(text: &str, name: &str, format: IgnoreFormat) -> Result<IgnoreFile, PolicyError> {
        let entries = match format {
            IgnoreFormat::Plain => parse_plain(text, name)?,
            IgnoreFormat::Yaml => parse_yaml(text, name)?,
        };
        Ok(IgnoreFile {
            path: name.to_string(),
            format,
            entries,
        })
    }

    /// The reason a suppressed finding carries.
    pub(crate) fn reason(&self, e: &IgnoreEntry) -> String {
        let mut r = format!("{}:{}", self.path, e.line);
        if let Some(s) = &e.statement {
            r.push_str(": ");
            r.push_str(s);
        }
        if let Some(d) = &e.expired_at {
            r.push_str(&format!(" (expires {d})"));
        }
        r
    }

    /// The notice for an expired entry that `hits` findings would have matched.
    pub(crate) fn expiry_notice(&self, e: &IgnoreEntry, hits: usize) -> String {
        let date = e.expired_at.as_deref().unwrap_or("?");
        let plural = if hits == 1 { "" } else { "s" };
        format!(
            "{}:{}: ignore entry {} expired on {date} and no longer suppresses ({hits} matching finding{plural})",
            self.path,
            e.line,
            e.label()
        )
    }
}

fn err(name: &str, line: u64, message: impl Into<String>) -> PolicyError {
    PolicyError::Ignore {
        at: if line > 0 {
            format!("{name}:{line}")
        } else {
            name.to_string()
        },
        message: message.into(),
    }
}

const ALL_KINDS: [FindingKind; 3] = [
    FindingKind::Vulnerability,
    FindingKind::Secret,
    FindingKind::Misconfiguration,
];

fn parse_plain(text: &str, name: &str) -> Result<Vec<IgnoreEntry>, PolicyError> {
    let mut entries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        // A `#` starts a comment anywhere after whitespace; after an id it is the reason.
        let (body, comment) = match raw.find('#') {
            Some(pos) if pos == 0 || raw[..pos].ends_with(char::is_whitespace) => {
                (&raw[..pos], Some(raw[pos + 1..].trim()))
            }
            _ => (raw, None),
        };
        let mut fields = body.split_whitespace();
        let Some(id) = fields.next() else { continue };
        let mut expired_at = None;
        let mut expiry = None;
        for f in fields {
            let Some(d) = f.strip_prefix("exp:") else {
                return Err(err(
                    name,
                    line_no,
                    format!(
                        "unexpected {f:?} after {id} (a line holds an id, optionally `exp:YYYY-MM-DD`, then an optional `# reason`)"
                    ),
                ));
            };
            let Some(date) = parse_date(d) else {
                return Err(err(
                    name,
                    line_no,
                    format!("bad expiry date {d:?} for {id}: expected exp:YYYY-MM-DD"),
                ));
            };
            expired_at = Some(d.to_string());
            expiry = Some(date);
        }
        entries.push(IgnoreEntry {
            id: Some(id.to_string()),
            kinds: ALL_KINDS.to_vec(),
            paths: Vec::new(),
            purls: Vec::new(),
            packages: Vec::new(),
            expired_at,
            statement: comment.filter(|c| !c.is_empty()).map(str::to_string),
            line: line_no,
            globs: None,
            parsed_purls: Vec::new(),
            expiry,
        });
    }
    Ok(entries)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlFile {
    #[serde(default)]
    vulnerabilities: Option<Vec<Spanned<YamlEntry>>>,
    #[serde(default)]
    secrets: Option<Vec<Spanned<YamlEntry>>>,
    #[serde(default)]
    misconfigurations: Option<Vec<Spanned<YamlEntry>>>,
    /// drydock has no licence findings yet; accepted so Trivy files load.
    #[serde(default)]
    #[allow(dead_code)]
    licenses: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlEntry {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    paths: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    purls: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    packages: Option<Vec<String>>,
    #[serde(default)]
    expired_at: Option<Spanned<String>>,
    #[serde(default)]
    statement: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

fn parse_yaml(text: &str, name: &str) -> Result<Vec<IgnoreEntry>, PolicyError> {
    let meaningful = text
        .lines()
        .map(str::trim)
        .any(|l| !l.is_empty() && !l.starts_with('#') && l != "---");
    if !meaningful {
        return Ok(Vec::new());
    }
    let file: YamlFile = serde_saphyr::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(0);
        err(
            name,
            line,
            format!("not a valid ignore file: {}", first_line(&e.to_string())),
        )
    })?;
    let sections = [
        (file.vulnerabilities, FindingKind::Vulnerability),
        (file.secrets, FindingKind::Secret),
        (file.misconfigurations, FindingKind::Misconfiguration),
    ];
    let mut entries = Vec::new();
    for (list, kind) in sections {
        for e in list.into_iter().flatten() {
            entries.push(yaml_entry(e, kind, name)?);
        }
    }
    entries.sort_by_key(|e| e.line);
    Ok(entries)
}

/// serde-saphyr renders `error: line L column C: message` and a source
/// snippet; the message alone is wanted, the line is already in `at`.
fn first_line(s: &str) -> &str {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim();
    let line = line.strip_prefix("error:").map_or(line, str::trim_start);
    if line.starts_with("line ")
        && let Some((_, msg)) = line.split_once(": ")
    {
        return msg;
    }
    line
}

fn yaml_entry(
    e: Spanned<YamlEntry>,
    kind: FindingKind,
    name: &str,
) -> Result<IgnoreEntry, PolicyError> {
    let line = e.referenced.line();
    let y = e.value;
    let id = y.id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let paths = y.paths.unwrap_or_default();
    let purls = y.purls.unwrap_or_default();
    let packages: Vec<String> = y
        .packages
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if id.is_none() && paths.is_empty() && purls.is_empty() && packages.is_empty() {
        return Err(err(
            name,
            line,
            "entry has neither an id nor paths, purls or packages; it would ignore everything",
        ));
    }

    let globs = if paths.is_empty() {
        None
    } else {
        let mut set = GlobSetBuilder::new();
        for p in &paths {
            let pattern = normalize_path(&p.value);
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|ge| {
                    err(
                        name,
                        p.referenced.line(),
                        format!("bad path glob {:?}: {}", p.value, ge.kind()),
                    )
                })?;
            set.add(glob);
        }
        Some(
            set.build()
                .map_err(|ge| err(name, line, format!("bad path globs: {ge}")))?,
        )
    };

    let mut parsed_purls = Vec::new();
    for p in &purls {
        let parsed = parse_purl(&p.value).ok_or_else(|| {
            err(
                name,
                p.referenced.line(),
                format!(
                    "{:?} is not a package URL (pkg:type/namespace/name@version)",
                    p.value
                ),
            )
        })?;
        parsed_purls.push(parsed);
    }

    let (expired_at, expiry) = match y.expired_at {
        None => (None, None),
        Some(d) => {
            let v = d.value.trim();
            // Trivy reads a YAML timestamp too; its date part is what counts.
            let date = parse_date(v).or_else(|| parse_timestamp(v).map(|t| t.date()));
            let Some(date) = date else {
                return Err(err(
                    name,
                    d.referenced.line(),
                    format!("bad expired_at {v:?}: expected YYYY-MM-DD"),
                ));
            };
            let iso = format!(
                "{:04}-{:02}-{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            );
            (Some(iso), Some(date))
        }
    };

    let statement = y
        .statement
        .or(y.reason)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());

    Ok(IgnoreEntry {
        id,
        kinds: vec![kind],
        paths: paths
            .iter()
            .map(|p| normalize_path(&p.value).to_string())
            .collect(),
        purls: purls
            .into_iter()
            .map(|p| p.value.trim().to_string())
            .collect(),
        packages,
        expired_at,
        statement,
        line,
        globs,
        parsed_purls,
        expiry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_format() {
        let p = Path::new(".drydockignore");
        assert_eq!(IgnoreFormat::detect(p, "CVE-2024-1\n"), IgnoreFormat::Plain);
        assert_eq!(
            IgnoreFormat::detect(p, "# c\n\nvulnerabilities:\n  - id: X\n"),
            IgnoreFormat::Yaml
        );
        assert_eq!(IgnoreFormat::detect(p, "secrets :\n"), IgnoreFormat::Yaml);
        assert_eq!(
            IgnoreFormat::detect(p, "---\nmisconfigurations:\n"),
            IgnoreFormat::Yaml
        );
        assert_eq!(
            IgnoreFormat::detect(p, "secretsfoo: 1\n"),
            IgnoreFormat::Plain
        );
        assert_eq!(IgnoreFormat::detect(p, ""), IgnoreFormat::Plain);
        assert_eq!(
            IgnoreFormat::detect(Path::new("x/.trivyignore.YML"), ""),
            IgnoreFormat::Yaml
        );
        assert_eq!(
            IgnoreFormat::detect(Path::new("ignore.yaml"), "CVE-1"),
            IgnoreFormat::Yaml
        );
    }

    #[test]
    fn plain_lines() {
        let text = "# accepted\nCVE-2019-0001\n  cve-2019-0002   exp:2020-01-01  # vendor says unreachable\nAVD-DS-0002#not-a-comment\n\n";
        let f = IgnoreFile::parse(text, ".trivyignore", IgnoreFormat::Plain).unwrap();
        let got: Vec<_> = f
            .entries
            .iter()
            .map(|e| {
                (
                    e.id.clone().unwrap(),
                    e.line,
                    e.expired_at.clone(),
                    e.statement.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("CVE-2019-0001".to_string(), 2, None, None),
                (
                    "cve-2019-0002".to_string(),
                    3,
                    Some("2020-01-01".to_string()),
                    Some("vendor says unreachable".to_string())
                ),
                ("AVD-DS-0002#not-a-comment".to_string(), 4, None, None),
            ]
        );
        assert_eq!(f.entries[0].kinds, ALL_KINDS.to_vec());
    }

    #[test]
    fn plain_errors_name_file_and_line() {
        let e = IgnoreFile::parse(
            "CVE-1\nCVE-2 exp:2020-13-01\n",
            ".drydockignore",
            IgnoreFormat::Plain,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            ".drydockignore:2: bad expiry date \"2020-13-01\" for CVE-2: expected exp:YYYY-MM-DD"
        );
        let e =
            IgnoreFile::parse("CVE-3 until:2020-01-01\n", "x", IgnoreFormat::Plain).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x:1: unexpected \"until:2020-01-01\" after CVE-3"),
            "{e}"
        );
    }

    #[test]
    fn expiry_is_inclusive_and_fails_closed() {
        let f =
            IgnoreFile::parse("CVE-1 exp:2026-01-01\nCVE-2\n", "f", IgnoreFormat::Plain).unwrap();
        let d = |s| parse_date(s);
        assert!(!f.entries[0].is_expired(d("2025-12-31")));
        assert!(f.entries[0].is_expired(d("2026-01-01")));
        assert!(f.entries[0].is_expired(None));
        assert!(!f.entries[1].is_expired(None));
    }

    #[test]
    fn yaml_entries_keep_lines() {
        let text = "vulnerabilities:\n  - id: CVE-2019-0001\n    paths:\n      - \"/app/**/*-lock.json\"\n    expired_at: 2030-01-01\n    statement: Accept the risk\n  - id: CVE-2019-0007\n    purls:\n      - pkg:golang/github.com/aquasecurity/bar\nsecrets:\n  - paths: [\"tests/**\"]\n    reason: fixtures\nlicenses:\n  - id: MIT\n";
        let f = IgnoreFile::parse(text, ".drydockignore.yaml", IgnoreFormat::Yaml).unwrap();
        assert_eq!(f.entries.len(), 3);
        let e = &f.entries[0];
        assert_eq!(e.line, 2);
        assert_eq!(e.paths, vec!["app/**/*-lock.json"]);
        assert_eq!(e.expired_at.as_deref(), Some("2030-01-01"));
        assert_eq!(e.statement.as_deref(), Some("Accept the risk"));
        assert_eq!(e.kinds, vec![FindingKind::Vulnerability]);
        assert_eq!(f.entries[1].line, 7);
        assert_eq!(f.entries[2].line, 11);
        assert_eq!(f.entries[2].kinds, vec![FindingKind::Secret]);
        assert_eq!(f.entries[2].id, None);
        assert_eq!(f.entries[2].label(), "for any id (path tests/**)");
        assert_eq!(
            f.reason(e),
            ".drydockignore.yaml:2: Accept the risk (expires 2030-01-01)"
        );
    }

    #[test]
    fn yaml_empty_and_null_sections() {
        let f = IgnoreFile::parse("# nothing yet\n", "y.yaml", IgnoreFormat::Yaml).unwrap();
        assert!(f.entries.is_empty());
        let f = IgnoreFile::parse("vulnerabilities:\nsecrets:\n", "y.yaml", IgnoreFormat::Yaml)
            .unwrap();
        assert!(f.entries.is_empty());
    }

    #[test]
    fn yaml_errors_name_file_and_line() {
        let cases = [
            (
                "vulnerabilities:\n  - id: CVE-1\n    expired_at: soon\n",
                "y.yaml:3: bad expired_at \"soon\": expected YYYY-MM-DD",
            ),
            (
                "vulnerabilities:\n  - id: CVE-1\n    purls:\n      - libssl3\n",
                "y.yaml:4: \"libssl3\" is not a package URL (pkg:type/namespace/name@version)",
            ),
            (
                "secrets:\n  - statement: oops\n",
                "y.yaml:2: entry has neither an id nor paths, purls or packages; it would ignore everything",
            ),
        ];
        for (text, want) in cases {
            let e = IgnoreFile::parse(text, "y.yaml", IgnoreFormat::Yaml).unwrap_err();
            assert_eq!(e.to_string(), want);
        }
        let e = IgnoreFile::parse(
            "vulnerabilities:\n  - id: CVE-1\n    paths: [\"a/[b\"]\n",
            "y.yaml",
            IgnoreFormat::Yaml,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("y.yaml:3: bad path glob \"a/[b\""),
            "{e}"
        );
        let e = IgnoreFile::parse(
            "vulnerabilites:\n  - id: CVE-1\n",
            "y.yaml",
            IgnoreFormat::Yaml,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "y.yaml:1: not a valid ignore file: unknown field `vulnerabilites`, expected one of vulnerabilities, secrets, misconfigurations, licenses"
        );
        let e = IgnoreFile::parse(
            "vulnerabilities:\n  - id: CVE-1\n    expires: 2020-01-01\n",
            "y.yaml",
            IgnoreFormat::Yaml,
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "y.yaml:3: not a valid ignore file: unknown field `expires`, expected one of id,"
            ),
            "{e}"
        );
        let e =
            IgnoreFile::parse("vulnerabilities: 3\n", "y.yaml", IgnoreFormat::Yaml).unwrap_err();
        assert_eq!(
            e.to_string(),
            "y.yaml:1: not a valid ignore file: expected sequence start"
        );
    }
}
