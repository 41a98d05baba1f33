//! The rule reference (docs/rules/secrets.md), generated from the rule files
//! so it cannot drift from what the scanner does.

use crate::Error;
use crate::rules::builtin_rule_files;
use std::fmt::Write;

/// Markdown for every built-in rule, grouped by family.
pub fn rules_markdown() -> Result<String, Error> {
    let files = builtin_rule_files()?;
    let total: usize = files.iter().map(|f| f.rules.len()).sum();
    let mut md = String::new();
    // Writing to a String cannot fail; the results are ignored below for that reason.
    let _ = writeln!(md, "# Secret rules\n");
    let _ = writeln!(
        md,
        "Generated from `crates/secrets/rules/*.yaml` by `UPDATE_RULE_DOCS=1 cargo test -p drydock-secrets --test docs`; do not edit.\n"
    );
    let _ = writeln!(
        md,
        "{total} rules. Disable one by its id; add your own in the same format (docs/secrets.md).\n"
    );
    let _ = writeln!(md, "| id | title | severity | family |\n|---|---|---|---|");
    for f in &files {
        for r in &f.rules {
            let _ = writeln!(
                md,
                "| [`{}`](#{}) | {} | {} | {} |",
                r.id, r.id, r.title, r.severity, r.family
            );
        }
    }
    for f in &files {
        let family = f.rules.first().map(|r| r.family.as_str()).unwrap_or("");
        let _ = writeln!(md, "\n## {family}");
        for r in &f.rules {
            let _ = writeln!(md, "\n### {}\n", r.id);
            let _ = writeln!(md, "**{}** — severity {}\n", r.title, r.severity);
            let _ = writeln!(md, "{}\n", r.description.trim());
            let _ = writeln!(
                md,
                "- Keywords: {}",
                r.keywords
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let _ = writeln!(
                md,
                "- Pattern: `{}`",
                r.regex.replace('|', "\\|").replace('`', "'")
            );
            if let Some(e) = r.entropy {
                let _ = writeln!(md, "- Minimum entropy: {e} bits per character");
            }
            if let Some(v) = r.validate {
                let _ = writeln!(
                    md,
                    "- Validated: {}",
                    serde_json::to_string(&v)
                        .unwrap_or_default()
                        .trim_matches('"')
                );
            }
            if let Some(p) = &r.path {
                let _ = writeln!(md, "- Only in files matching: `{p}`");
            }
            if let Some(n) = &r.near {
                let _ = writeln!(
                    md,
                    "- Reported only within {} lines of a `{}` match",
                    n.lines, n.rule
                );
            }
            if r.generic {
                let _ = writeln!(
                    md,
                    "- Generic: yields to any specific rule matching the same text"
                );
            }
            if !r.allowlist.stopwords.is_empty() {
                let _ = writeln!(
                    md,
                    "- Ignored when containing: {}",
                    r.allowlist
                        .stopwords
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let _ = writeln!(md, "- Compliance: {}", r.compliance.join(", "));
            let _ = writeln!(md, "\n**Remediation.** {}", r.remediation.trim());
            if !r.references.is_empty() {
                let _ = writeln!(md, "\nReferences:\n");
                for u in &r.references {
                    let _ = writeln!(md, "- <{u}>");
                }
            }
        }
    }
    Ok(md)
}
