//! The HTML report: golden files, escaping of untrusted values, and the page
//! as a real browser shows it: Debian's `chromium`, headless, takes a
//! screenshot (decoded and checked here) and dumps the DOM after the page's
//! script has applied filters and sorting given in the URL fragment.

mod common;

use common::{REPORTS, hostile_report, render, report};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[test]
fn golden_files() {
    for name in REPORTS {
        insta::assert_snapshot!(format!("{name}.html"), render("html", &report(name)));
    }
}

#[test]
fn untrusted_values_are_escaped() {
    let html = render("html", &hostile_report());
    // The page's own script is the only one.
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    assert!(html.contains(
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;q&quot; &amp; ]]&gt; \u{FFFD}[31m\u{FFFD}`*_[l](javascript:alert(1))"
    ));
    assert!(!html.contains('\u{1b}'));
    assert!(
        !html.contains("href=\"javascript:"),
        "javascript: references are not links"
    );
    assert!(!html.contains('\u{0}'));
    // Every link is an absolute web link.
    for part in html.split("href=\"").skip(1) {
        assert!(
            part.starts_with("https://") || part.starts_with("http://"),
            "{}",
            &part[..40.min(part.len())]
        );
    }
}

#[test]
fn self_contained() {
    for name in REPORTS {
        let html = render("html", &report(name));
        for needle in ["src=", "<link", "@import", "url("] {
            assert!(!html.contains(needle), "{name}: {needle}");
        }
        assert!(html.contains("<svg id=\"severity-chart\""), "{name}");
    }
}

#[test]
fn chart_counts_unsuppressed_findings() {
    let html = render("html", &report("debian-app"));
    assert!(html.contains(
        "aria-label=\"Findings by severity: CRITICAL 4, HIGH 1, MEDIUM 1, LOW 0, UNKNOWN 0\""
    ));
}

// ---- In a real browser ----

/// Chromium is heavy; one at a time on shared machines.
static CHROMIUM: Mutex<()> = Mutex::new(());

fn chromium(args: &[&str], url: &str) -> String {
    let _one = CHROMIUM.lock().unwrap_or_else(|e| e.into_inner());
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("running chromium: {e}; install it with `apt-get install -y chromium`")
        });
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(status) = child.try_wait().expect("waiting for chromium") {
            let mut out = String::new();
            std::io::Read::read_to_string(child.stdout.as_mut().expect("stdout"), &mut out)
                .expect("chromium output");
            assert!(status.success(), "chromium failed: {status}");
            return out;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn page(dir: &Path, name: &str, html: &str) -> String {
    let file = dir.join(format!("{name}.html"));
    std::fs::write(&file, html).expect("HTML written");
    format!("file://{}", file.display())
}

/// The findings rows of a dumped DOM: (id, hidden).
fn rows(dom: &str) -> Vec<(String, bool)> {
    dom.split("<tr class=\"finding")
        .skip(1)
        .map(|row| {
            let tag = &row[..row.find('>').expect("row tag ends")];
            let cell = "<td class=\"mono id\">";
            let id_start = row.find(cell).expect("id cell") + cell.len();
            let id_end = id_start + row[id_start..].find("</td>").expect("id cell ends");
            (row[id_start..id_end].to_string(), tag.contains("hidden"))
        })
        .collect()
}

fn visible(dom: &str) -> Vec<String> {
    rows(dom)
        .into_iter()
        .filter(|(_, hidden)| !hidden)
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn screenshot_in_headless_chromium() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = page(dir.path(), "report", &render("html", &report("debian-app")));
    let png = dir.path().join("out.png");
    chromium(
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,1600",
        ],
        &url,
    );
    if let Some(keep) = std::env::var_os("DRYDOCK_SCREENSHOT") {
        std::fs::copy(&png, PathBuf::from(keep)).expect("screenshot kept");
    }
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    // The header: signature, then IHDR with width and height, big-endian.
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 1600));
    assert!(
        bytes.len() > 30_000,
        "a near-empty page: {} bytes",
        bytes.len()
    );

    // The pixels: the critical bar of the chart and the severity badges are
    // drawn in #b91c1c, the medium ones in #ca8a04; a blank or unstyled page has neither.
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let count = |rgb: [u8; 3]| {
        buf[..info.buffer_size()]
            .chunks(channels)
            .filter(|px| px[..3] == rgb)
            .count()
    };
    let critical = count([0xb9, 0x1c, 0x1c]);
    let medium = count([0xca, 0x8a, 0x04]);
    assert!(critical > 5_000, "critical-red pixels: {critical}");
    assert!(medium > 500, "medium-yellow pixels: {medium}");
}

#[test]
fn filter_by_severity_from_the_url() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = page(dir.path(), "report", &render("html", &report("debian-app")));
    let all = chromium(&["--dump-dom"], &url);
    assert_eq!(rows(&all).len(), 7);
    assert_eq!(visible(&all).len(), 7);
    assert!(
        all.contains("<span id=\"shown-count\" aria-live=\"polite\">7 of 7 findings shown</span>")
    );
    assert!(
        all.contains("<html lang=\"en\" class=\"js\">"),
        "the script ran under the CSP"
    );

    let dom = chromium(&["--dump-dom"], &format!("{url}#severity=CRITICAL"));
    assert_eq!(
        visible(&dom),
        [
            "CVE-2021-44228",
            "CVE-2024-45337",
            "CVE-2024-5535",
            "aws-access-key-id"
        ]
    );
    assert_eq!(rows(&dom).len(), 7);
    assert!(dom.contains("4 of 7 findings shown"));

    let dom = chromium(&["--dump-dom"], &format!("{url}#severity=HIGH,medium"));
    assert_eq!(visible(&dom), ["CVE-2021-23337", "CVE-2024-35195"]);
}

#[test]
fn filter_by_text_and_suppression_and_sort_from_the_url() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = page(dir.path(), "report", &render("html", &report("debian-app")));

    let dom = chromium(&["--dump-dom"], &format!("{url}#q=LODASH"));
    assert_eq!(visible(&dom), ["CVE-2021-23337"]);
    let dom = chromium(&["--dump-dom"], &format!("{url}#q=var/lib/dpkg"));
    assert_eq!(visible(&dom), ["CVE-2024-5535", "CVE-2010-4756"]);
    let dom = chromium(
        &["--dump-dom"],
        &format!("{url}#q=var/lib/dpkg&suppressed=0"),
    );
    assert_eq!(visible(&dom), ["CVE-2024-5535"]);

    let dom = chromium(&["--dump-dom"], &format!("{url}#sort=id&dir=asc"));
    let ids: Vec<String> = rows(&dom).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "aws-access-key-id",
            "CVE-2010-4756",
            "CVE-2021-23337",
            "CVE-2021-44228",
            "CVE-2024-5535",
            "CVE-2024-35195",
            "CVE-2024-45337",
        ]
    );
    assert!(dom.contains("<th data-col=\"id\" aria-sort=\"ascending\">"));
    // Severity sorts by rank, not by name.
    let dom = chromium(&["--dump-dom"], &format!("{url}#sort=severity&dir=asc"));
    let ids: Vec<String> = rows(&dom).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids.first().map(String::as_str), Some("CVE-2010-4756"));
    assert_eq!(ids.last().map(String::as_str), Some("aws-access-key-id"));
}

#[test]
fn readable_without_javascript() {
    // Headless Chromium cannot dump the DOM with JavaScript switched off
    // (`--blink-settings=scriptEnabled=false` makes `--dump-dom` print
    // nothing), so the page's script is blocked by its own policy instead:
    // the same page as with JavaScript disabled.
    let html = render("html", &report("debian-app"));
    let start = html.find("script-src ").expect("CSP has script-src");
    let end = start + html[start..].find(';').expect("script-src ends");
    let blocked = format!(
        "{}script-src &#39;none&#39;{}",
        &html[..start],
        &html[end..]
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let url = page(dir.path(), "nojs", &blocked);
    let dom = chromium(&["--dump-dom"], &format!("{url}#severity=CRITICAL"));
    assert!(
        dom.contains("<html lang=\"en\" class=\"no-js\">"),
        "the script did not run"
    );
    assert_eq!(visible(&dom).len(), 7, "every row shown");
    assert!(dom.contains("<span id=\"shown-count\" aria-live=\"polite\"></span>"));
    // The details of each finding open without script.
    assert_eq!(dom.matches("<details><summary>").count(), 7);
}

#[test]
fn the_content_security_policy_blocks_injected_script() {
    // As if escaping had failed somewhere: a raw script in the body.
    let html = render("html", &report("debian-app")).replacen(
        "<h1>drydock report</h1>",
        "<h1>drydock report</h1><script>document.title = 'pwned';</script>",
        1,
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let dom = chromium(&["--dump-dom"], &page(dir.path(), "injected", &html));
    assert!(
        dom.contains("<title>drydock report: ghcr.io/acme/shop-api:1.4.2</title>"),
        "{dom}"
    );
    // The page's own script still ran.
    assert!(dom.contains("7 of 7 findings shown"));
}

#[test]
fn hostile_report_renders_as_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dom = chromium(
        &["--dump-dom"],
        &page(dir.path(), "hostile", &render("html", &hostile_report())),
    );
    assert_eq!(rows(&dom).len(), 7);
    // The browser parsed the title as text, and only the page's own script exists.
    assert_eq!(dom.matches("<script").count(), 1);
    assert!(dom.contains("&lt;script&gt;alert('x')&lt;/script&gt;"));
}
