//! A self-contained HTML report: one file with no external assets, readable
//! offline and without JavaScript. It shows the scan summary, an inline SVG
//! bar chart of severities, the findings table (filter by severity and text,
//! sort by any column when JavaScript runs) and the image's layers with the
//! packages each one added.
//!
//! Built with a string builder rather than a template engine: the page is one
//! fixed layout, and every value from the report goes through [`esc`] (the
//! report is untrusted: package names, titles and paths come from the image
//! and from advisories). A Content-Security-Policy allows only the page's own
//! script and style, by hash, so even a value that escaped escaping could not
//! run script or load anything.
//!
//! The filter state lives in the URL fragment (`#severity=CRITICAL,HIGH&q=ssl
//! &suppressed=0&sort=id&dir=asc`), so a filtered view can be linked to.

use crate::table::{
    Target, clean_created_by, packages_by_ref, short_digest, target_of, target_title,
};
use crate::{ReportError, Result};
use base64::Engine as _;
use drydock_core::{Finding, FindingKind, FixStatus, Package, Report, Severity};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

/// Writes `report` as one HTML page.
pub fn write(report: &Report, mut w: impl Write) -> Result<()> {
    w.write_all(render(report).as_bytes())
        .map_err(|source| ReportError::Io {
            format: "HTML",
            source,
        })
}

const STYLE: &str = r#"
:root { --critical: #b91c1c; --high: #ea580c; --medium: #ca8a04; --low: #2563eb; --unknown: #6b7280;
  --border: #d1d5db; --muted: #4b5563; --bg-alt: #f3f4f6; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  color: #111827; margin: 0; padding: 24px 32px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.subtitle { color: var(--muted); margin: 0 0 16px; word-break: break-all; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-all; }
.summary { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
.cards { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 12px; }
.card { border: 1px solid var(--border); border-radius: 6px; padding: 8px 14px; min-width: 96px; }
.card .n { font-size: 22px; font-weight: 600; display: block; }
.card .l { color: var(--muted); font-size: 12px; }
.sev { display: inline-block; padding: 1px 7px; border-radius: 4px; color: #fff; font-size: 11.5px;
  font-weight: 600; letter-spacing: .02em; }
.sev-CRITICAL { background: var(--critical); } .sev-HIGH { background: var(--high); }
.sev-MEDIUM { background: var(--medium); } .sev-LOW { background: var(--low); }
.sev-UNKNOWN { background: var(--unknown); }
.warn { color: var(--critical); }
.controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 8px 0 10px; }
.no-js .controls { display: none; }
.controls label { white-space: nowrap; }
.controls input[type=search] { padding: 4px 8px; min-width: 280px; border: 1px solid var(--border); border-radius: 4px; }
#shown-count { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--border); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-alt); font-weight: 600; white-space: nowrap; }
th button { font: inherit; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
.no-js th button { cursor: default; }
th[aria-sort=ascending] button::after { content: " \25B2"; font-size: 10px; }
th[aria-sort=descending] button::after { content: " \25BC"; font-size: 10px; }
td.path { overflow-wrap: anywhere; max-width: 260px; }
td.id { white-space: nowrap; }
tr.suppressed td { color: var(--muted); }
tr.suppressed .sev { opacity: .55; }
.tag { display: inline-block; border: 1px solid var(--border); border-radius: 3px; padding: 0 4px;
  font-size: 11.5px; color: var(--muted); margin: 1px 2px 1px 0; }
details > summary { cursor: pointer; }
.more { margin: 6px 0 2px; color: #1f2937; }
.more p { margin: 4px 0; }
.more ul { margin: 2px 0 4px 18px; padding: 0; }
ul.pkgs { columns: 3 240px; margin: 4px 0 0 18px; padding: 0; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
"#;

const SCRIPT: &str = r#"
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');
  var table = document.getElementById('findings-table');
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (r, i) { r.dataset.order = String(i); });
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=severity]'));
  var query = document.getElementById('q');
  var suppressed = document.getElementById('show-suppressed');
  var count = document.getElementById('shown-count');

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (params.has('severity')) {
      var wanted = params.get('severity').toUpperCase().split(',');
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    if (params.has('q')) { query.value = params.get('q'); }
    if (params.has('suppressed')) { suppressed.checked = params.get('suppressed') !== '0'; }
    if (params.has('sort')) {
      var col = headers.findIndex(function (th) { return th.dataset.col === params.get('sort'); });
      if (col >= 0) { sortBy(col, params.get('dir') === 'desc' ? 'descending' : 'ascending'); }
    }
  }

  function writeHash() {
    var params = new URLSearchParams();
    var checked = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    if (checked.length !== boxes.length) { params.set('severity', checked.join(',')); }
    if (query.value.trim()) { params.set('q', query.value.trim()); }
    if (!suppressed.checked) { params.set('suppressed', '0'); }
    headers.forEach(function (th) {
      var dir = th.getAttribute('aria-sort');
      if (dir === 'ascending' || dir === 'descending') {
        params.set('sort', th.dataset.col);
        params.set('dir', dir === 'descending' ? 'desc' : 'asc');
      }
    });
    var hash = params.toString();
    try { history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
  }

  function apply() {
    var severities = {};
    boxes.forEach(function (b) { severities[b.value] = b.checked; });
    var text = query.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var visible = severities[r.dataset.severity] &&
        (suppressed.checked || r.dataset.suppressed !== '1') &&
        (!text || r.dataset.search.indexOf(text) >= 0);
      if (visible) { r.removeAttribute('hidden'); shown += 1; } else { r.setAttribute('hidden', ''); }
    });
    count.textContent = shown + ' of ' + rows.length + ' findings shown';
  }

  function key(row, col) {
    var cell = row.cells[col];
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  }

  function sortBy(col, dir) {
    headers.forEach(function (th, i) { th.setAttribute('aria-sort', i === col ? dir : 'none'); });
    var sign = dir === 'descending' ? -1 : 1;
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y) ? nx - ny
        : x.localeCompare(y, undefined, { numeric: true, sensitivity: 'base' });
      return c !== 0 ? sign * c : Number(a.dataset.order) - Number(b.dataset.order);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  headers.forEach(function (th, i) {
    var button = th.querySelector('button');
    if (!button) { return; }
    button.addEventListener('click', function () {
      sortBy(i, th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending');
      writeHash();
    });
  });
  boxes.concat([suppressed]).forEach(function (b) {
    b.addEventListener('change', function () { apply(); writeHash(); });
  });
  query.addEventListener('input', function () { apply(); writeHash(); });
  window.addEventListener('hashchange', function () { readHash(); apply(); });
  readHash();
  apply();
})();
"#;

/// Severities from most to least severe, the order of the chart and the filters.
const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Unknown,
];

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#b91c1c",
        Severity::High => "#ea580c",
        Severity::Medium => "#ca8a04",
        Severity::Low => "#2563eb",
        Severity::Unknown => "#6b7280",
    }
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Unknown => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // NUL and other C0 controls are parse errors in HTML; show them as U+FFFD.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An escaped path that wraps after its slashes rather than anywhere.
fn breakable_path(path: &str) -> String {
    esc(path).replace('/', "/<wbr>")
}

/// `'sha256-…'`, the CSP source that allows exactly this inline script or style.
fn csp_hash(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Absolute web links only: references come from advisories and a
/// `javascript:` URL must not become a link.
fn web_link(s: &str) -> Option<&str> {
    let s = s.trim();
    let ok = (s.starts_with("https://") || s.starts_with("http://"))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(s)
}

fn kind_label(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Vulnerability => "Vulnerability",
        FindingKind::Secret => "Secret",
        FindingKind::Misconfiguration => "Misconfiguration",
    }
}

fn render(report: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024 + report.findings.len() * 1024);
    let title = format!("drydock report: {}", report.artifact.name);
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(STYLE)
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\" class=\"no-js\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"drydock {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&csp),
        esc(&report.tool_version),
        esc(&title)
    );

    header(&mut out, report);
    summary(&mut out, report);
    findings(&mut out, report);
    layers(&mut out, report);
    warnings(&mut out, report);

    let _ = write!(
        out,
        "<footer>Generated by drydock {} at {}.</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        esc(&report.tool_version),
        esc(&report.created_at)
    );
    out
}

fn header(out: &mut String, report: &Report) {
    let a = &report.artifact;
    let _ = write!(
        out,
        "<header>\n<h1>drydock report</h1>\n<p class=\"subtitle mono\">{}</p>\n<dl class=\"facts\">\n",
        esc(&a.name)
    );
    let mut fact = |name: &str, value: String| {
        let _ = writeln!(out, "<dt>{}</dt><dd>{value}</dd>", esc(name));
    };
    let kind = match a.kind {
        drydock_core::ArtifactKind::ContainerImage => "container image",
        drydock_core::ArtifactKind::Rootfs => "root filesystem",
        drydock_core::ArtifactKind::Filesystem => "filesystem",
        drydock_core::ArtifactKind::Sbom => "SBOM",
        drydock_core::ArtifactKind::DockerHost => "Docker host",
    };
    fact("Kind", kind.into());
    if let Some(id) = &a.image_id {
        fact("Image ID", format!("<code>{}</code>", esc(id)));
    }
    for digest in &a.repo_digests {
        fact("Digest", format!("<code>{}</code>", esc(digest)));
    }
    if let Some(arch) = &a.architecture {
        fact("Architecture", esc(arch));
    }
    if let Some(created) = &a.created {
        fact("Built", esc(created));
    }
    if let Some(os) = &report.inventory.os {
        let mut text = esc(os
            .pretty_name
            .as_deref()
            .unwrap_or(&format!("{} {}", os.family, os.version)));
        if os.distroless {
            text.push_str(" (distroless)");
        }
        if let Some(eol) = &os.eol {
            // Both are ISO dates (the report time is RFC 3339), so text order is time order.
            let today = report.created_at.get(..10).unwrap_or(&report.created_at);
            if eol.as_str() <= today {
                let _ = write!(
                    text,
                    " <span class=\"warn\">end of life since {}: no more security updates</span>",
                    esc(eol)
                );
            } else {
                let _ = write!(text, ", supported until {}", esc(eol));
            }
        }
        fact("OS", text);
    }
    fact("Scanned", esc(&report.created_at));
    if let Some(db) = &report.db {
        fact("Vulnerability DB", format!("built {}", esc(&db.built_at)));
    }
    out.push_str("</dl>\n</header>\n");
}

fn summary(out: &mut String, report: &Report) {
    let shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let suppressed = report.findings.len() - shown.len();
    let counts: Vec<(Severity, usize)> = SEVERITIES
        .iter()
        .map(|s| (*s, shown.iter().filter(|f| f.severity == *s).count()))
        .collect();

    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"summary\">\n<div>\n<div class=\"cards\">\n");
    let mut card = |n: usize, label: &str| {
        let _ = writeln!(
            out,
            "<div class=\"card\"><span class=\"n\">{n}</span><span class=\"l\">{}</span></div>",
            esc(label)
        );
    };
    card(shown.len(), "findings");
    card(suppressed, "suppressed");
    card(report.inventory.packages.len(), "packages");
    if !report.artifact.layers.is_empty() {
        card(report.artifact.layers.len(), "layers");
    }
    out.push_str("</div>\n");

    let kinds = [
        (
            FindingKind::Vulnerability,
            "vulnerability",
            "vulnerabilities",
        ),
        (
            FindingKind::Misconfiguration,
            "misconfiguration",
            "misconfigurations",
        ),
        (FindingKind::Secret, "secret", "secrets"),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter_map(|(kind, one, many)| {
            let n = shown.iter().filter(|f| f.kind == *kind).count();
            (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
        })
        .collect();
    if !parts.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", esc(&parts.join(", ")));
    }
    let mut ecosystems: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &report.inventory.packages {
        *ecosystems.entry(p.ecosystem.osv_name()).or_default() += 1;
    }
    if !ecosystems.is_empty() {
        let parts: Vec<String> = ecosystems
            .iter()
            .map(|(e, n)| format!("{e}: {n}"))
            .collect();
        let _ = writeln!(
            out,
            "<p>Packages by ecosystem: {}</p>",
            esc(&parts.join(", "))
        );
    }
    out.push_str("</div>\n");
    chart(out, &counts);
    out.push_str("</div>\n</section>\n");
}

/// A horizontal bar per severity, longest bar = highest count.
fn chart(out: &mut String, counts: &[(Severity, usize)]) {
    const LABEL_W: usize = 86;
    const BAR_MAX: usize = 300;
    const ROW_H: usize = 28;
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = counts.len() * ROW_H + 8;
    let label: Vec<String> = counts.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let _ = writeln!(
        out,
        "<svg id=\"severity-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"440\" height=\"{height}\" viewBox=\"0 0 440 {height}\" role=\"img\" aria-label=\"Findings by severity: {}\">",
        esc(&label.join(", "))
    );
    for (i, (s, n)) in counts.iter().enumerate() {
        let y = 4 + i * ROW_H;
        let w = if *n == 0 {
            2
        } else {
            (n * BAR_MAX).div_ceil(max).max(4)
        };
        let _ = writeln!(
            out,
            "<g class=\"bar\" data-severity=\"{s}\"><text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#374151\">{s}</text>\
             <rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{w}\" height=\"20\" rx=\"3\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#111827\">{n}</text></g>",
            y + 15,
            severity_color(*s),
            LABEL_W + w + 6,
            y + 15,
        );
    }
    out.push_str("</svg>\n");
}

fn findings(out: &mut String, report: &Report) {
    out.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if report.findings.is_empty() {
        let text = if report.db.is_some() {
            "No findings."
        } else {
            "No findings: this is an inventory-only scan (no vulnerability database was used)."
        };
        let _ = writeln!(out, "<p class=\"empty\">{text}</p>\n</section>");
        return;
    }
    let by_ref = packages_by_ref(report);

    out.push_str("<div class=\"controls\" id=\"filters\">\n");
    for s in SEVERITIES {
        let _ = writeln!(
            out,
            "<label><input type=\"checkbox\" name=\"severity\" value=\"{s}\" checked> <span class=\"sev sev-{s}\">{s}</span></label>"
        );
    }
    out.push_str(
        "<label><input type=\"checkbox\" id=\"show-suppressed\" checked> suppressed</label>\n\
         <input type=\"search\" id=\"q\" placeholder=\"Filter by id, package, path or title\" aria-label=\"Filter findings\">\n\
         <span id=\"shown-count\" aria-live=\"polite\"></span>\n</div>\n",
    );

    let columns = [
        ("severity", "Severity"),
        ("id", "ID"),
        ("kind", "Kind"),
        ("package", "Package"),
        ("installed", "Installed"),
        ("fixed", "Fixed"),
        ("location", "Location"),
        ("layer", "Layer"),
        ("title", "Title"),
    ];
    out.push_str("<table id=\"findings-table\">\n<thead><tr>");
    for (col, name) in columns {
        let _ = write!(
            out,
            "<th data-col=\"{col}\" aria-sort=\"none\"><button type=\"button\">{name}</button></th>"
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");

    let mut sorted: Vec<&Finding> = report.findings.iter().collect();
    sorted.sort_by(|a, b| {
        (
            a.suppressed.is_some(),
            std::cmp::Reverse(a.severity),
            &a.id,
            &a.package_name,
        )
            .cmp(&(
                b.suppressed.is_some(),
                std::cmp::Reverse(b.severity),
                &b.id,
                &b.package_name,
            ))
    });
    for f in sorted {
        finding_row(out, f, &by_ref);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn finding_row(out: &mut String, f: &Finding, by_ref: &BTreeMap<String, &Package>) {
    let kind = kind_label(f.kind);
    let package = f.package_name.as_deref().unwrap_or_default();
    let mut location = f.location.path.clone();
    if let Some(line) = f.location.line {
        let _ = write!(location, ":{line}");
    }
    let search = [
        f.id.as_str(),
        kind,
        package,
        f.installed_version.as_deref().unwrap_or_default(),
        &location,
        f.title.as_str(),
        &f.aliases.join(" "),
        &f.compliance.join(" "),
    ]
    .join(" ")
    .to_lowercase();
    let _ = write!(
        out,
        "<tr class=\"finding{}\" data-severity=\"{}\" data-kind=\"{}\" data-suppressed=\"{}\" data-search=\"{}\">",
        if f.suppressed.is_some() {
            " suppressed"
        } else {
            ""
        },
        f.severity,
        kind.to_lowercase(),
        u8::from(f.suppressed.is_some()),
        esc(&search)
    );
    let _ = write!(
        out,
        "<td data-sort=\"{}\"><span class=\"sev sev-{s}\">{s}</span></td>",
        severity_rank(f.severity),
        s = f.severity
    );
    let _ = write!(out, "<td class=\"mono id\">{}</td>", esc(&f.id));
    let _ = write!(out, "<td>{kind}</td>");
    let _ = write!(out, "<td>{}</td>", esc(package));
    let _ = write!(
        out,
        "<td class=\"mono\">{}</td>",
        esc(f.installed_version.as_deref().unwrap_or_default())
    );
    let _ = write!(
        out,
        "<td class=\"mono\">{}</td>",
        esc(f.fixed_version.as_deref().unwrap_or_default())
    );
    let _ = write!(
        out,
        "<td class=\"path mono\">{}</td>",
        breakable_path(&location)
    );
    match &f.location.layer {
        Some(l) => {
            let _ = write!(
                out,
                "<td class=\"mono\" data-sort=\"{}\" title=\"{}\">#{} {}</td>",
                l.index,
                esc(&l
                    .created_by
                    .as_deref()
                    .map(clean_created_by)
                    .unwrap_or_default()),
                l.index,
                esc(&short_digest(&l.diff_id))
            );
        }
        None => out.push_str("<td data-sort=\"-1\"></td>"),
    }
    let title = if f.title.trim().is_empty() {
        &f.id
    } else {
        f.title.trim()
    };
    let _ = write!(
        out,
        "<td><details><summary>{}{}</summary><div class=\"more\">",
        esc(title),
        if f.suppressed.is_some() {
            " <span class=\"tag\">suppressed</span>"
        } else {
            ""
        }
    );
    finding_details(out, f, by_ref);
    out.push_str("</div></details></td></tr>\n");
}

fn finding_details(out: &mut String, f: &Finding, by_ref: &BTreeMap<String, &Package>) {
    if let Some(s) = &f.suppressed {
        let _ = write!(
            out,
            "<p><strong>Suppressed</strong> ({}): {}</p>",
            esc(&s.source),
            esc(&s.reason)
        );
    }
    if !f.description.trim().is_empty() {
        let _ = write!(out, "<p>{}</p>", esc(f.description.trim()));
    }
    if let Some(score) = f.cvss_score.filter(|s| s.is_finite()) {
        let _ = write!(
            out,
            "<p>CVSS {score:.1} <code>{}</code></p>",
            esc(f.cvss_vector.as_deref().unwrap_or_default())
        );
    }
    if let Some(status) = f.status {
        let status = match status {
            FixStatus::Fixed => "fixed",
            FixStatus::Affected => "affected, no fix yet",
            FixStatus::NotAffected => "not affected",
        };
        let _ = write!(out, "<p>Status: {status}</p>");
    }
    if let Some(p) = f.package_ref.as_ref().and_then(|r| by_ref.get(r)) {
        let _ = write!(out, "<p>Package: <code>{}</code></p>", esc(&p.purl));
    }
    if let Some(layer) = &f.location.layer
        && let Some(cmd) = &layer.created_by
    {
        let _ = write!(
            out,
            "<p>Added by layer {}: <code>{}</code></p>",
            layer.index,
            esc(&clean_created_by(cmd))
        );
    }
    if let Some(evidence) = &f.evidence {
        let _ = write!(out, "<p>Evidence: <code>{}</code></p>", esc(evidence));
    }
    if !f.remediation.trim().is_empty() {
        let _ = write!(
            out,
            "<p><strong>Remediation:</strong> {}</p>",
            esc(f.remediation.trim())
        );
    }
    if !f.aliases.is_empty() {
        let _ = write!(out, "<p>Aliases: {}</p>", esc(&f.aliases.join(", ")));
    }
    if !f.compliance.is_empty() {
        out.push_str("<p>Compliance: ");
        for c in &f.compliance {
            let _ = write!(out, "<span class=\"tag\">{}</span>", esc(c));
        }
        out.push_str("</p>");
    }
    for note in &f.notes {
        let _ = write!(out, "<p>Note: {}</p>", esc(note));
    }
    if !f.references.is_empty() {
        out.push_str("<ul>");
        for r in &f.references {
            match web_link(r) {
                Some(link) => {
                    let _ = write!(
                        out,
                        "<li><a href=\"{0}\" rel=\"noopener noreferrer\">{0}</a></li>",
                        esc(link)
                    );
                }
                None => {
                    let _ = write!(out, "<li>{}</li>", esc(r));
                }
            }
        }
        out.push_str("</ul>");
    }
}

/// Each layer with the packages it added (their package database or lockfile
/// was last written there), then the packages with no known layer.
fn layers(out: &mut String, report: &Report) {
    let packages = &report.inventory.packages;
    if report.artifact.layers.is_empty() {
        if !packages.is_empty() {
            out.push_str("<section id=\"packages\">\n<h2>Packages</h2>\n");
            package_targets(out, report, packages.iter().collect());
            out.push_str("</section>\n");
        }
        return;
    }
    out.push_str("<section id=\"layers\">\n<h2>Layers</h2>\n<table id=\"layers-table\">\n<thead><tr><th>#</th><th>Layer</th><th>Created by</th><th>Size</th><th>Packages added</th></tr></thead>\n<tbody>\n");
    let mut placed = vec![false; packages.len()];
    for layer in &report.artifact.layers {
        let added: Vec<&Package> = packages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.location.layer.as_ref().is_some_and(|l| {
                    l.diff_id == layer.layer.diff_id && l.index == layer.layer.index
                })
            })
            .map(|(i, p)| {
                placed[i] = true;
                p
            })
            .collect();
        let created_by = layer
            .layer
            .created_by
            .as_deref()
            .map(clean_created_by)
            .unwrap_or_default();
        let size = layer.size.map(human_size).unwrap_or_default();
        let _ = write!(
            out,
            "<tr data-layer=\"{}\"><td>{}</td><td class=\"mono\" title=\"{}\">{}{}</td><td class=\"mono path\">{}</td><td>{}</td><td>",
            layer.layer.index,
            layer.layer.index,
            esc(&layer.layer.diff_id),
            esc(&short_digest(&layer.layer.diff_id)),
            if layer.cached {
                " <span class=\"tag\">cached</span>"
            } else {
                ""
            },
            esc(&created_by),
            esc(&size),
        );
        package_list(out, &added);
        out.push_str("</td></tr>\n");
    }
    let rest: Vec<&Package> = packages
        .iter()
        .zip(&placed)
        .filter(|(_, placed)| !**placed)
        .map(|(p, _)| p)
        .collect();
    if !rest.is_empty() {
        out.push_str("<tr data-layer=\"unknown\"><td></td><td></td><td class=\"empty\">layer not known</td><td></td><td>");
        package_list(out, &rest);
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// A filesystem scan's packages, grouped by target as the table output does.
fn package_targets(out: &mut String, report: &Report, packages: Vec<&Package>) {
    let mut by_target: BTreeMap<Target, Vec<&Package>> = BTreeMap::new();
    for p in packages {
        by_target.entry(target_of(p)).or_default().push(p);
    }
    for (target, pkgs) in &by_target {
        let _ = writeln!(
            out,
            "<h3>{}</h3>",
            esc(&target_title(report, target, Some(pkgs)))
        );
        package_list(out, pkgs);
    }
}

/// Packages by name, collapsed when there are many so the page stays short.
fn package_list(out: &mut String, packages: &[&Package]) {
    if packages.is_empty() {
        out.push_str("<span class=\"empty\">none</span>");
        return;
    }
    let mut sorted = packages.to_vec();
    sorted.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    let open = if sorted.len() <= 12 { " open" } else { "" };
    let noun = if sorted.len() == 1 {
        "package"
    } else {
        "packages"
    };
    let _ = write!(
        out,
        "<details{open}><summary>{} {noun}</summary><ul class=\"pkgs\">",
        sorted.len()
    );
    for p in sorted {
        let _ = write!(
            out,
            "<li title=\"{}\">{} <span class=\"mono\">{}</span> <span class=\"tag\">{}</span></li>",
            esc(&p.purl),
            esc(&p.name),
            esc(&p.version),
            esc(p.ecosystem.osv_name())
        );
    }
    out.push_str("</ul></details>");
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    format!("{value:.1} {unit}")
}

fn warnings(out: &mut String, report: &Report) {
    if report.warnings.is_empty() {
        return;
    }
    out.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<p>These inputs could not be read, so the scan may have missed what they hold.</p>\n<ul>\n");
    for w in &report.warnings {
        let _ = writeln!(
            out,
            "<li><code>{}</code>: {}</li>",
            esc(&w.input),
            esc(&w.message)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_open_markup() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(esc("a\u{0}b\tc"), "a\u{FFFD}b\tc");
    }

    #[test]
    fn only_web_links_become_links() {
        assert_eq!(web_link(" https://x.test/a "), Some("https://x.test/a"));
        assert_eq!(web_link("javascript:alert(1)"), None);
        assert_eq!(web_link("http://a b"), None);
    }

    #[test]
    fn sizes_are_binary_units() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(41_943_040), "40.0 MiB");
        assert_eq!(human_size(77_840_896), "74.2 MiB");
    }

    #[test]
    fn csp_hash_is_base64_sha256() {
        // echo -n "" | openssl dgst -sha256 -binary | base64
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
