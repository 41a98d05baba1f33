//! Image checks (CIS section 4) over `docker image inspect` and the image's
//! history, plus the optional setuid/setgid listing and the scan-cache count.

use super::Outcome;
use crate::json::{at, str_at, strings_at};
use crate::vulns::ImageVulns;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// What the image checks know besides the inspect document.
#[derive(Debug, Clone, Default)]
pub struct ImageCtx {
    /// The reference a container was started with (its `Config.Image`), if any.
    pub reference: Option<String>,
    /// What drydock's scan cache says about the image; `None` = no cache consulted.
    pub vulnerabilities: Option<ImageVulns>,
    /// Setuid/setgid files found in the layers; `None` = not scanned, `Err` = scan failed.
    pub setuid: Option<Result<Vec<String>, String>>,
}

// Statically valid patterns: a failure here is a bug caught by every test run.
static UPDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(apt-get|apt|yum|dnf|microdnf|zypper)\s+(-\S+\s+)*(update|refresh)\b|\bapk\s+(-\S+\s+)*update\b")
        .expect("static regex")
});
static INSTALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(install|upgrade|add|dist-upgrade)\b").expect("static regex"));
/// Names of variables that hold secrets; `_FILE`/`_PATH` variants point at files and are fine.
static SECRET_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(passw(or)?d|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth)")
        .expect("static regex")
});
static SECRET_ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([A-Z0-9_]*(?:PASSW(?:OR)?D|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)[A-Z0-9_]*)=([^\s]+)").expect("static regex")
});

fn is_secret_var(name: &str) -> bool {
    let up = name.to_ascii_uppercase();
    SECRET_NAME.is_match(name)
        && !up.ends_with("_FILE")
        && !up.ends_with("_PATH")
        && !up.ends_with("_DIR")
}

/// True for users that are root: empty, `root`, `0`, `0:gid`, `root:group`.
pub fn is_root_user(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or("");
    u.is_empty() || u == "root" || u == "0"
}

/// Section 4 checks of one image; `history` is `docker history` (newest first).
pub fn image_checks(img: &Value, history: &[Value], ctx: &ImageCtx) -> Vec<Outcome> {
    let mut out = Vec::new();
    let user = str_at(img, "Config.User");
    out.push(if is_root_user(user) {
        Outcome::fail("DD-CIS-4.1", format!("Config.User={user:?}"))
    } else {
        Outcome::pass("DD-CIS-4.1", format!("Config.User={user:?}"))
    });

    // Rebuilding helps where a fix exists: fixable vulnerabilities fail, the
    // rest are listed in the evidence of the pass.
    out.push(match &ctx.vulnerabilities {
        Some(ImageVulns::Scanned(v)) if v.fixable > 0 => Outcome::fail(
            "DD-CIS-4.4",
            format!("drydock scan cache: {}", v.describe()),
        ),
        Some(ImageVulns::Scanned(v)) => Outcome::pass(
            "DD-CIS-4.4",
            format!("drydock scan cache: {}", v.describe()),
        ),
        Some(other) => Outcome::manual("DD-CIS-4.4", other.unjudged_reason().unwrap_or_default()),
        None => Outcome::manual("DD-CIS-4.4", "drydock's scan cache was not consulted"),
    });

    let hc = strings_at(img, "Config.Healthcheck.Test");
    out.push(
        if hc.is_empty() || hc.first().map(String::as_str) == Some("NONE") {
            Outcome::fail(
                "DD-CIS-4.6",
                format!(
                    "Config.Healthcheck={}",
                    at(img, "Config.Healthcheck")
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "null".into())
                ),
            )
        } else {
            Outcome::pass(
                "DD-CIS-4.6",
                format!(
                    "Config.Healthcheck.Test={}",
                    serde_json::to_string(&hc).unwrap_or_default()
                ),
            )
        },
    );

    let steps: Vec<&str> = history
        .iter()
        .filter_map(|h| h.get("CreatedBy").and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .collect();
    if steps.is_empty() {
        let why = "the image has no build history (imported or squashed): its Dockerfile steps cannot be read";
        out.push(Outcome::manual("DD-CIS-4.7", why));
        out.push(Outcome::manual("DD-CIS-4.9", why));
    } else {
        let lone: Vec<&&str> = steps
            .iter()
            .filter(|s| UPDATE.is_match(s) && !INSTALL.is_match(s))
            .collect();
        out.push(match lone.first() {
            Some(s) => Outcome::fail("DD-CIS-4.7", format!("history CreatedBy={}", clip(s))),
            None => Outcome::pass(
                "DD-CIS-4.7",
                format!(
                    "{} history steps, no lone package index update",
                    steps.len()
                ),
            ),
        });
        let adds: Vec<&&str> = steps
            .iter()
            .filter(|s| s.contains("#(nop) ADD ") || s.starts_with("ADD "))
            .collect();
        out.push(match adds.first() {
            Some(s) => Outcome::warn("DD-CIS-4.9", format!("history CreatedBy={}", clip(s))),
            None => Outcome::pass(
                "DD-CIS-4.9",
                format!("{} history steps, no ADD", steps.len()),
            ),
        });
    }

    out.push(match &ctx.setuid {
        None => Outcome::manual(
            "DD-CIS-4.8",
            "needs the image's layers; run with --scan-setuid",
        ),
        Some(Err(e)) => Outcome::manual("DD-CIS-4.8", format!("layer scan failed: {e}")),
        Some(Ok(files)) if files.is_empty() => {
            Outcome::pass("DD-CIS-4.8", "no setuid/setgid files in the layers")
        }
        Some(Ok(files)) => {
            let mut list = files
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if files.len() > 10 {
                list.push_str(&format!(" and {} more", files.len() - 10));
            }
            Outcome::fail(
                "DD-CIS-4.8",
                format!("{} setuid/setgid files: {list}", files.len()),
            )
        }
    });

    let mut secrets = Vec::new();
    for (i, e) in strings_at(img, "Config.Env").iter().enumerate() {
        if let Some((k, v)) = e.split_once('=')
            && is_secret_var(k)
            && !v.is_empty()
        {
            secrets.push(format!("Config.Env[{i}]={k}=<redacted>"));
        }
    }
    for s in &steps {
        for cap in SECRET_ASSIGN.captures_iter(s) {
            let name = &cap[1];
            if is_secret_var(name) && !cap[2].starts_with('$') {
                secrets.push(format!("history CreatedBy sets {name}=<redacted>"));
            }
        }
    }
    secrets.dedup();
    out.push(if secrets.is_empty() {
        Outcome::pass(
            "DD-CIS-4.10",
            "no secret-named variables with values in Config.Env or history",
        )
    } else {
        Outcome::fail("DD-CIS-4.10", secrets.join("; "))
    });

    out.push(latest_check(img, ctx.reference.as_deref()));
    out
}

fn latest_check(img: &Value, reference: Option<&str>) -> Outcome {
    if let Some(r) = reference {
        if r.contains('@') || r.starts_with("sha256:") {
            return Outcome::pass("DD-IMG-LATEST", format!("Config.Image={r} (pinned)"));
        }
        let name = r.rsplit('/').next().unwrap_or(r);
        return match name.split_once(':') {
            Some((_, "latest")) => Outcome::fail("DD-IMG-LATEST", format!("Config.Image={r}")),
            None => Outcome::fail(
                "DD-IMG-LATEST",
                format!("Config.Image={r} (no tag means :latest)"),
            ),
            Some(_) => Outcome::pass("DD-IMG-LATEST", format!("Config.Image={r}")),
        };
    }
    let tags = strings_at(img, "RepoTags");
    if !tags.is_empty() && tags.iter().all(|t| t.ends_with(":latest")) {
        Outcome::fail(
            "DD-IMG-LATEST",
            format!(
                "RepoTags={}",
                serde_json::to_string(&tags).unwrap_or_default()
            ),
        )
    } else {
        Outcome::pass(
            "DD-IMG-LATEST",
            format!(
                "RepoTags={}",
                serde_json::to_string(&tags).unwrap_or_default()
            ),
        )
    }
}

fn clip(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Status;
    use crate::vulns::{VulnSummary, vuln};
    use serde_json::json;

    pub fn good() -> (Value, Vec<Value>, ImageCtx) {
        let img = json!({"Id": "sha256:aa", "RepoTags": ["shop:1.2.0"], "Config": {"User": "1000:1000",
            "Env": ["PATH=/usr/bin", "DB_PASSWORD_FILE=/run/secrets/db"],
            "Healthcheck": {"Test": ["CMD", "curl", "-f", "http://localhost/"]}}});
        let history = vec![
            json!({"CreatedBy": "/bin/sh -c apt-get update && apt-get install -y curl"}),
            json!({"CreatedBy": "COPY app /app # buildkit"}),
        ];
        let ctx = ImageCtx {
            reference: Some("shop:1.2.0".into()),
            vulnerabilities: Some(ImageVulns::Scanned(VulnSummary::from_findings(&[], 90))),
            setuid: Some(Ok(vec![])),
        };
        (img, history, ctx)
    }

    fn status(img: &Value, h: &[Value], ctx: &ImageCtx, id: &str) -> (Status, String) {
        let o = image_checks(img, h, ctx)
            .into_iter()
            .find(|o| o.id == id)
            .unwrap();
        (o.status, o.evidence)
    }

    #[allow(clippy::type_complexity)]
    pub fn bad_cases() -> Vec<(
        &'static str,
        Box<dyn Fn(&mut Value, &mut Vec<Value>, &mut ImageCtx)>,
        Status,
        &'static str,
    )> {
        vec![
            (
                "DD-CIS-4.1",
                Box::new(|i, _, _| i["Config"]["User"] = json!("")),
                Status::Fail,
                "Config.User=\"\"",
            ),
            (
                "DD-CIS-4.4",
                Box::new(|_, _, c| {
                    let f = vuln(
                        "CVE-2023-4911",
                        drydock_core::Severity::High,
                        "libc6",
                        Some("2.36-9+deb12u3"),
                    );
                    c.vulnerabilities =
                        Some(ImageVulns::Scanned(VulnSummary::from_findings(&[f], 90)))
                }),
                Status::Fail,
                "1 with a fix; top: CVE-2023-4911 (HIGH, libc6, fixed in 2.36-9+deb12u3)",
            ),
            (
                "DD-CIS-4.6",
                Box::new(|i, _, _| i["Config"]["Healthcheck"] = json!({"Test": ["NONE"]})),
                Status::Fail,
                "Config.Healthcheck=",
            ),
            (
                "DD-CIS-4.7",
                Box::new(|_, h, _| h.push(json!({"CreatedBy": "/bin/sh -c apt-get update"}))),
                Status::Fail,
                "apt-get update",
            ),
            (
                "DD-CIS-4.8",
                Box::new(|_, _, c| c.setuid = Some(Ok(vec!["usr/bin/passwd".into()]))),
                Status::Fail,
                "usr/bin/passwd",
            ),
            (
                "DD-CIS-4.9",
                Box::new(|_, h, _| {
                    h.push(json!({"CreatedBy": "/bin/sh -c #(nop) ADD file:0123 in / "}))
                }),
                Status::Warn,
                "ADD file:0123",
            ),
            (
                "DD-CIS-4.10",
                Box::new(|i, _, _| i["Config"]["Env"] = json!(["PATH=/bin", "API_TOKEN=abc123"])),
                Status::Fail,
                "Config.Env[1]=API_TOKEN=<redacted>",
            ),
            (
                "DD-IMG-LATEST",
                Box::new(|_, _, c| c.reference = Some("registry.local:5000/shop".into())),
                Status::Fail,
                "no tag means :latest",
            ),
        ]
    }

    #[test]
    fn every_image_check_passes_on_the_good_fixture_and_fails_on_its_bad_one() {
        let (img, h, ctx) = good();
        for (id, breaker, want, ev) in bad_cases() {
            let (s, e) = status(&img, &h, &ctx, id);
            assert_eq!(s, Status::Pass, "{id} on the good image: {e}");
            let (mut i2, mut h2, mut c2) = (img.clone(), h.clone(), ctx.clone());
            breaker(&mut i2, &mut h2, &mut c2);
            let (s, e) = status(&i2, &h2, &c2, id);
            assert_eq!(s, want, "{id}: {e}");
            assert!(e.contains(ev), "{id}: {e:?} lacks {ev:?}");
            assert!(!e.contains("abc123"), "secret value leaked: {e}");
        }
    }

    #[test]
    fn secrets_in_history_are_found_and_redacted() {
        let (img, mut h, ctx) = good();
        h.push(json!({"CreatedBy": "/bin/sh -c #(nop) ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI"}));
        h.push(json!({"CreatedBy": "ARG GITHUB_TOKEN=$TOKEN"}));
        let (s, e) = status(&img, &h, &ctx, "DD-CIS-4.10");
        assert_eq!(s, Status::Fail);
        assert_eq!(e, "history CreatedBy sets AWS_SECRET_ACCESS_KEY=<redacted>");
    }

    #[test]
    fn imported_image_without_history_is_manual_not_pass() {
        let (img, _, ctx) = good();
        assert_eq!(status(&img, &[], &ctx, "DD-CIS-4.7").0, Status::Manual);
        assert_eq!(
            status(&img, &[json!({"CreatedBy": ""})], &ctx, "DD-CIS-4.9").0,
            Status::Manual
        );
        let c = ImageCtx {
            setuid: None,
            vulnerabilities: None,
            ..ctx
        };
        assert_eq!(status(&img, &[], &c, "DD-CIS-4.8").0, Status::Manual);
        assert_eq!(status(&img, &[], &c, "DD-CIS-4.4").0, Status::Manual);
        // Not cached: MANUAL, with the command that fills the cache; never PASS.
        let c = ImageCtx {
            vulnerabilities: Some(ImageVulns::NotScanned {
                missing_layers: 2,
                layers: 3,
                command: "drydock image sha256:aa".into(),
            }),
            ..c
        };
        assert_eq!(
            status(&img, &[], &c, "DD-CIS-4.4"),
            (
                Status::Manual,
                "not scanned: 2 of 3 layers are not in drydock's scan cache; run `drydock image sha256:aa` to fill it".into()
            )
        );
        // Vulnerabilities without a fix: rebuilding cannot help yet, so it passes and says so.
        let f = vuln("CVE-2005-2541", drydock_core::Severity::Low, "tar", None);
        let c = ImageCtx {
            vulnerabilities: Some(ImageVulns::Scanned(VulnSummary::from_findings(&[f], 90))),
            ..c
        };
        let (s, e) = status(&img, &[], &c, "DD-CIS-4.4");
        assert_eq!(s, Status::Pass);
        assert!(
            e.contains("1 vulnerabilities in 90 packages") && e.contains("0 with a fix"),
            "{e}"
        );
    }
}
