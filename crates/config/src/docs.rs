//! The rule reference in docs/rules/*.md, generated from the rule metadata.

use crate::rules::{Family, rules};
use std::fmt::Write;

/// Markdown reference of every rule of `family`.
pub fn rule_docs(family: Family) -> String {
    let title = match family {
        Family::Dockerfile => "Dockerfile",
        Family::Kubernetes => "Kubernetes",
        Family::Compose => "Docker Compose",
    };
    let mut md = String::new();
    let family_rules: Vec<_> = rules().iter().filter(|r| r.family == family).collect();
    let _ = writeln!(md, "# {title} rules\n");
    let _ = writeln!(
        md,
        "<!-- Generated from crates/config/rules/{}.yaml by `UPDATE_RULE_DOCS=1 cargo test -p drydock-config`. Do not edit. -->\n",
        family.as_str()
    );
    let _ = writeln!(
        md,
        "{} rules. See [misconfig.md](../misconfig.md) for how to disable or suppress them.\n",
        family_rules.len()
    );
    // Dockerfile rules say whether `drydock image` judges them from the history.
    let dockerfile = family == Family::Dockerfile;
    let on_images = |id: &str| {
        if crate::image::FROM_HISTORY.contains(&id) {
            "yes"
        } else {
            "no"
        }
    };
    if dockerfile {
        let _ = writeln!(
            md,
            "The *images* column: whether `drydock image --scanners misconfig` also judges the rule from an image's config and history.\n"
        );
        let _ = writeln!(md, "| id | severity | images | title |\n|---|---|---|---|");
    } else {
        let _ = writeln!(md, "| id | severity | title |\n|---|---|---|");
    }
    for r in &family_rules {
        let images = if dockerfile {
            format!(" {} |", on_images(&r.id))
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "| [{}](#{}) | {} |{images} {} |",
            r.id,
            r.id.to_ascii_lowercase(),
            r.severity,
            r.title
        );
    }
    for r in &family_rules {
        let images = if dockerfile {
            format!(" · on images: {}", on_images(&r.id))
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "\n## {}\n\n**{}** · severity {}{images}\n",
            r.id, r.title, r.severity
        );
        let _ = writeln!(md, "### Why it matters\n\n{}\n", r.description.trim());
        let _ = writeln!(md, "### How to fix\n\n{}\n", r.remediation.trim());
        if !r.compliance.is_empty() {
            let _ = writeln!(
                md,
                "### Compliance\n\n{}\n",
                r.compliance
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !r.equivalents.is_empty() {
            let _ = writeln!(
                md,
                "### Same check elsewhere\n\n{}\n",
                r.equivalents
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !r.references.is_empty() {
            let _ = writeln!(md, "### References\n");
            for reference in &r.references {
                let _ = writeln!(md, "- <{reference}>");
            }
        }
    }
    md.truncate(md.trim_end().len());
    md.push('\n');
    md
}
