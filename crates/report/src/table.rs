//! The terminal table: one section per target (the OS packages, then each
//! lockfile, manifest or binary of language packages), Trivy-like, each table at
//! most 100 columns wide.
//!
//! A report with findings, or made with a vulnerability database, shows the
//! findings per target (severity counts first, suppressed ones left out and
//! counted); a report with neither is an inventory and shows the packages per
//! target with the layer that added them.

use crate::{ReportError, Result};
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, presets};
use drydock_core::{Finding, FindingKind, FixStatus, OsInfo, Package, Report, Severity};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

/// Every table fits a 100-column terminal.
const WIDTH: u16 = 100;
/// Longest title shown before it is cut (the full one is in the JSON output).
const TITLE_MAX: usize = 40;
/// Longest `created_by` shown in the Layer column.
const CREATED_BY_MAX: usize = 40;

/// Where packages and findings are grouped: the OS, or one file of language packages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target {
    Os,
    /// A lockfile, manifest, archive or binary path.
    File(String),
}

/// Writes `report` as tables; `color` adds ANSI colours (severities, headers).
pub fn write(report: &Report, mut w: impl Write, color: bool) -> Result<()> {
    let text = render(report, color);
    w.write_all(text.as_bytes())
        .map_err(|source| ReportError::Io {
            format: "table",
            source,
        })
}

fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    if let Some(os) = &report.inventory.os {
        let _ = writeln!(out, "{}\n", os_line(os, &report.created_at));
    }

    let mut packages: BTreeMap<Target, Vec<&Package>> = BTreeMap::new();
    for p in &report.inventory.packages {
        packages.entry(target_of(p)).or_default().push(p);
    }
    let vulnerability_mode = !report.findings.is_empty() || report.db.is_some();

    if vulnerability_mode {
        let by_ref = packages_by_ref(report);
        let mut vulns: BTreeMap<Target, Vec<&Finding>> = BTreeMap::new();
        let mut others: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
        for f in &report.findings {
            if f.kind == FindingKind::Vulnerability {
                let target = vulnerability_target(&by_ref, f);
                vulns.entry(target).or_default().push(f);
            } else {
                others.entry(f.location.path.clone()).or_default().push(f);
            }
        }
        let mut targets: Vec<&Target> = packages.keys().chain(vulns.keys()).collect();
        targets.sort();
        targets.dedup();
        for target in targets {
            let title = target_title(report, target, packages.get(target));
            let findings = vulns.get(target).map(Vec::as_slice).unwrap_or_default();
            vulnerability_section(&mut out, &title, findings, color);
        }
        for (path, findings) in &others {
            let title = format!("{path} ({})", kinds_label(findings));
            other_section(&mut out, &title, findings, color);
        }
    } else if packages.is_empty() {
        out.push_str("No packages found.\n\n");
    } else {
        for (target, pkgs) in &packages {
            let title = target_title(report, target, Some(pkgs));
            inventory_section(&mut out, &title, pkgs, color);
        }
    }

    match report.warnings.len() {
        0 => {}
        1 => out.push_str("1 warning: an input could not be read (details in the JSON output).\n"),
        n => {
            let _ = writeln!(
                out,
                "{n} warnings: inputs could not be read (details in the JSON output)."
            );
        }
    }
    out
}

/// The inventory's packages by `bom-ref`, which findings name in `package_ref`.
pub(crate) fn packages_by_ref(report: &Report) -> BTreeMap<String, &Package> {
    report
        .inventory
        .packages
        .iter()
        .map(|p| (p.bom_ref(), p))
        .collect()
}

/// The target a vulnerability is shown under: its package's, else the file it names.
pub(crate) fn vulnerability_target(by_ref: &BTreeMap<String, &Package>, f: &Finding) -> Target {
    f.package_ref
        .as_ref()
        .and_then(|r| by_ref.get(r))
        .map(|p| target_of(p))
        .unwrap_or_else(|| Target::File(f.location.path.clone()))
}

pub(crate) fn target_of(p: &Package) -> Target {
    if p.ecosystem.is_os() {
        Target::Os
    } else {
        Target::File(target_path(&p.location.path))
    }
}

/// The file or directory a language package is shown under: its lockfile,
/// manifest or binary, except that installed packages (one metadata file
/// each) are grouped by the directory they are installed in.
fn target_path(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let install_dir = seg.ends_with(".dist-info")
            || seg.ends_with(".egg-info")
            || (*seg == "specifications" && i + 1 < segments.len());
        if install_dir && i > 0 {
            return segments[..i].join("/");
        }
        if *seg == "node_modules" {
            return segments[..=i].join("/");
        }
    }
    path.to_string()
}

/// `image (debian 12)` for the OS, `app/package-lock.json (npm)` for a file.
pub(crate) fn target_title(
    report: &Report,
    target: &Target,
    pkgs: Option<&Vec<&Package>>,
) -> String {
    match target {
        Target::Os => match &report.inventory.os {
            Some(os) => format!("{} ({} {})", report.artifact.name, os.family, os.version),
            None => format!("{} (OS packages)", report.artifact.name),
        },
        Target::File(path) => {
            let mut ecosystems: Vec<&str> = pkgs
                .into_iter()
                .flatten()
                .map(|p| p.ecosystem.osv_name())
                .collect();
            ecosystems.sort();
            ecosystems.dedup();
            let path = if path.is_empty() {
                "(unknown file)"
            } else {
                path
            };
            if ecosystems.is_empty() {
                path.to_string()
            } else {
                format!("{path} ({})", ecosystems.join(", "))
            }
        }
    }
}

/// `OS: debian 12 (bookworm), end of life since 2026-06-10: no more security updates`.
fn os_line(os: &OsInfo, created_at: &str) -> String {
    let mut line = format!("OS: {} {}", os.family, os.version);
    if let Some(codename) = &os.codename {
        let _ = write!(line, " ({codename})");
    }
    if os.distroless {
        line.push_str(", distroless");
    }
    if let Some(eol) = &os.eol {
        // Both are ISO dates (the report time is RFC 3339), so text order is time order.
        let today = created_at.get(..10).unwrap_or(created_at);
        if eol.as_str() <= today {
            let _ = write!(line, ", end of life since {eol}: no more security updates");
        } else {
            let _ = write!(line, ", supported until {eol}");
        }
    }
    line
}

fn header(out: &mut String, title: &str, color: bool) {
    let rule = "=".repeat(title.chars().count());
    if color {
        let _ = writeln!(out, "\x1b[1m{title}\x1b[0m\n{rule}");
    } else {
        let _ = writeln!(out, "{title}\n{rule}");
    }
}

/// A table whose `fixed` columns (ids, severities) never wrap; the others
/// share what is left of the width.
fn new_table(color: bool, columns: &[&str], fixed: &[usize]) -> Table {
    let mut table = Table::new();
    // The width is ours to choose, never the terminal's, so output is reproducible.
    table
        .force_no_tty()
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(columns.to_vec());
    if color {
        table.enforce_styling();
    }
    for &i in fixed {
        if let Some(column) = table.column_mut(i) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    table
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Red,
        Severity::High => Color::DarkRed,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
        Severity::Unknown => Color::Grey,
    }
}

fn severity_cell(s: Severity, color: bool) -> Cell {
    let cell = Cell::new(s.as_str());
    if color {
        cell.fg(severity_color(s))
    } else {
        cell
    }
}

/// `Total: 3 (UNKNOWN: 0, LOW: 0, MEDIUM: 1, HIGH: 1, CRITICAL: 1)`, plus suppressed ones.
fn counts_line(shown: &[&Finding], suppressed: usize) -> String {
    let mut line = format!("Total: {} (", shown.len());
    for (i, s) in Severity::ALL.iter().enumerate() {
        let n = shown.iter().filter(|f| f.severity == *s).count();
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(line, "{sep}{s}: {n}");
    }
    line.push(')');
    if suppressed > 0 {
        let _ = write!(line, ", {suppressed} suppressed");
    }
    line
}

fn status(f: &Finding) -> &'static str {
    match f.status {
        Some(FixStatus::Fixed) => "fixed",
        Some(FixStatus::Affected) => "affected",
        Some(FixStatus::NotAffected) => "not_affected",
        None => "",
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

fn vulnerability_section(out: &mut String, title: &str, findings: &[&Finding], color: bool) {
    header(out, title, color);
    let (suppressed, mut shown): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.suppressed.is_some());
    let _ = writeln!(out, "{}\n", counts_line(&shown, suppressed.len()));
    if shown.is_empty() {
        return;
    }
    shown.sort_by(|a, b| {
        (&a.package_name, std::cmp::Reverse(a.severity), &a.id).cmp(&(
            &b.package_name,
            std::cmp::Reverse(b.severity),
            &b.id,
        ))
    });
    let mut table = new_table(
        color,
        &[
            "Library",
            "Vulnerability",
            "Severity",
            "Status",
            "Installed",
            "Fixed",
            "Title",
        ],
        &[1, 2, 3],
    );
    for f in shown {
        table.add_row(vec![
            Cell::new(f.package_name.as_deref().unwrap_or_default()),
            Cell::new(&f.id),
            severity_cell(f.severity, color),
            Cell::new(status(f)),
            Cell::new(f.installed_version.as_deref().unwrap_or_default()),
            Cell::new(f.fixed_version.as_deref().unwrap_or_default()),
            Cell::new(truncate(&f.title, TITLE_MAX)),
        ]);
    }
    let _ = writeln!(out, "{table}\n");
}

/// Secrets and misconfigurations, per file.
fn other_section(out: &mut String, title: &str, findings: &[&Finding], color: bool) {
    header(out, title, color);
    let (suppressed, mut shown): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.suppressed.is_some());
    let _ = writeln!(out, "{}\n", counts_line(&shown, suppressed.len()));
    if shown.is_empty() {
        return;
    }
    shown.sort_by(|a, b| {
        (std::cmp::Reverse(a.severity), a.location.line, &a.id).cmp(&(
            std::cmp::Reverse(b.severity),
            b.location.line,
            &b.id,
        ))
    });
    let mut table = new_table(color, &["Rule", "Severity", "Line", "Title"], &[1, 2]);
    for f in shown {
        table.add_row(vec![
            Cell::new(&f.id),
            severity_cell(f.severity, color),
            Cell::new(f.location.line.map(|l| l.to_string()).unwrap_or_default()),
            Cell::new(truncate(&f.title, TITLE_MAX + 20)),
        ]);
    }
    let _ = writeln!(out, "{table}\n");
}

fn kinds_label(findings: &[&Finding]) -> String {
    let mut kinds: Vec<&str> = findings
        .iter()
        .map(|f| match f.kind {
            FindingKind::Secret => "secrets",
            FindingKind::Misconfiguration => "misconfigurations",
            FindingKind::Vulnerability => "vulnerabilities",
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds.join(", ")
}

fn inventory_section(out: &mut String, title: &str, pkgs: &[&Package], color: bool) {
    header(out, title, color);
    let _ = writeln!(
        out,
        "{} package{}\n",
        pkgs.len(),
        if pkgs.len() == 1 { "" } else { "s" }
    );
    let mut pkgs = pkgs.to_vec();
    pkgs.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    let mut table = new_table(color, &["Package", "Version", "Source", "Layer"], &[]);
    for p in pkgs {
        table.add_row(vec![
            p.name.as_str(),
            p.version.as_str(),
            &source(p),
            &layer(p),
        ]);
    }
    let _ = writeln!(out, "{table}\n");
}

/// The source package as `name version`, when it is not the package itself.
fn source(p: &Package) -> String {
    let name = p.source_name.as_deref().unwrap_or(&p.name);
    let version = p.source_version.as_deref().unwrap_or(&p.version);
    if name == p.name && version == p.version {
        String::new()
    } else {
        format!("{name} {version}")
    }
}

/// `48dbc45a6738 RUN apt-get update && …`: the short diffID and the Dockerfile line.
fn layer(p: &Package) -> String {
    let Some(layer) = &p.location.layer else {
        return String::new();
    };
    let short = short_digest(&layer.diff_id);
    match layer.created_by.as_deref().map(clean_created_by) {
        Some(cmd) if !cmd.is_empty() => format!("{short} {}", truncate(&cmd, CREATED_BY_MAX)),
        _ => short,
    }
}

/// The first 12 hex digits of a `sha256:…` digest, as `docker images` shows ids.
pub(crate) fn short_digest(digest: &str) -> String {
    let hex = digest.split_once(':').map_or(digest, |(_, h)| h);
    hex.chars().take(12).collect()
}

/// Drops the shell wrapper and BuildKit marker Docker adds to history lines.
pub(crate) fn clean_created_by(cmd: &str) -> String {
    let cmd = cmd.trim();
    let cmd = cmd.strip_suffix("# buildkit").unwrap_or(cmd).trim_end();
    let cmd = cmd
        .strip_prefix("/bin/sh -c #(nop) ")
        .unwrap_or(cmd)
        .trim_start();
    cmd.replacen("RUN /bin/sh -c ", "RUN ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly ten", 11), "exactly ten");
        assert_eq!(truncate("glibc: glob implementation", 12), "glibc: glob…");
        assert_eq!(truncate("ééééé", 3), "éé…");
    }

    #[test]
    fn installed_packages_are_grouped_by_directory() {
        assert_eq!(
            target_path(
                "usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info/METADATA"
            ),
            "usr/local/lib/python3.11/dist-packages"
        );
        assert_eq!(
            target_path("app/node_modules/@babel/traverse/package.json"),
            "app/node_modules"
        );
        assert_eq!(
            target_path("usr/local/bundle/specifications/rack-3.0.8.gemspec"),
            "usr/local/bundle"
        );
        assert_eq!(
            target_path("app/package-lock.json"),
            "app/package-lock.json"
        );
        assert_eq!(
            target_path("usr/local/bin/specifications"),
            "usr/local/bin/specifications"
        );
    }

    #[test]
    fn cleans_docker_history_lines() {
        assert_eq!(
            clean_created_by("/bin/sh -c #(nop) ADD file:a1f2 in / "),
            "ADD file:a1f2 in /"
        );
        assert_eq!(
            clean_created_by("RUN /bin/sh -c apt-get update # buildkit"),
            "RUN apt-get update"
        );
        assert_eq!(
            clean_created_by("COPY /out/ /usr/local/bin/ # buildkit"),
            "COPY /out/ /usr/local/bin/"
        );
    }

    #[test]
    fn os_line_says_whether_support_ended() {
        let mut os = OsInfo {
            family: "debian".into(),
            version: "12".into(),
            codename: Some("bookworm".into()),
            eol: Some("2026-06-10".into()),
            ..OsInfo::default()
        };
        assert_eq!(
            os_line(&os, "2026-11-29T08:15:30Z"),
            "OS: debian 12 (bookworm), end of life since 2026-06-10: no more security updates"
        );
        assert_eq!(
            os_line(&os, "2026-06-09T23:59:59Z"),
            "OS: debian 12 (bookworm), supported until 2026-06-10"
        );
        os.eol = None;
        os.distroless = true;
        assert_eq!(os_line(&os, ""), "OS: debian 12 (bookworm), distroless");
    }
}
