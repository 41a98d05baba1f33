//! `drydock audit docker` and `drydock inventory`: the live daemon, judged
//! against the CIS Docker Benchmark and for sprawl. Failing checks become
//! findings of the common report, so the gate and every format apply.

use crate::args::{AuditDockerArgs, GlobalArgs, InventoryArgs};
use anyhow::{Context, Result};
use drydock_audit::{CheckResult, ScanCache, Status};
use drydock_core::{
    Artifact, ArtifactKind, Finding, Inventory, REPORT_SCHEMA_VERSION, Report, ScanWarning,
};
use drydock_image::LayerCache;
use std::io::Write;

/// The scan cache `drydock image` fills when run with the same flags, and the
/// vulnerability database it matches with: containers' images are judged
/// from it without being read again. `None` with `--no-cache`. A database
/// that cannot be opened is a warning: the audit goes on, 4.4 stays MANUAL.
fn scan_cache(g: &GlobalArgs, warnings: &mut Vec<ScanWarning>) -> Option<ScanCache> {
    if g.no_cache {
        return None;
    }
    let root = crate::cache_dir(g);
    // The default scan (vulnerabilities) and one with the secret scanner too.
    let mut caches = Vec::new();
    for secrets in [false, true] {
        let wanted = crate::Wanted {
            secrets,
            languages: true,
        };
        match crate::scan_analyzers(g, wanted) {
            Ok(a) => caches.push(LayerCache::new(
                &root,
                &drydock_core::analyze::analyzers_fingerprint(&a),
            )),
            Err(e) => tracing::debug!("secret analyzer for the cache lookup: {e:#}"),
        }
    }
    let db = match drydock_vulndb::open_default(&root) {
        Ok(db) => db,
        Err(e) => {
            warnings.push(ScanWarning {
                input: root.display().to_string(),
                message: format!(
                    "opening the vulnerability database: {e}; images are not judged for known vulnerabilities"
                ),
            });
            return None;
        }
    };
    let command = match &g.cache_dir {
        Some(dir) => format!(
            "drydock image {{image}} --cache-dir {}",
            shell_word(&dir.display().to_string())
        ),
        None => "drydock image {image}".to_string(),
    };
    let include_dev = g.scan.include_dev_deps;
    // The inventory exactly as `drydock image` builds it from the merged view.
    let inventory_of = Box::new(move |merged: &drydock_image::Merged| {
        let (mut inv, _linked) = crate::merged_inventory(merged);
        // As scan_and_report does after assembling.
        if !include_dev {
            inv.packages.retain(|p| !p.dev);
        }
        inv
    });
    Some(ScanCache::new(caches, inventory_of, db, &command))
}

/// A path as one word of a shell command.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%=,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Results that say an image could not be judged from the scan cache become
/// report warnings, so every format shows the command that fills the cache.
fn unscanned_warnings(results: &[CheckResult], id: &str, status: Status) -> Vec<ScanWarning> {
    results
        .iter()
        .filter(|r| r.id == id && r.status == status)
        .map(|r| ScanWarning {
            input: r.target.location(),
            message: format!("{}: {}", r.title, r.evidence),
        })
        .collect()
}

fn rule_config(path: Option<&std::path::Path>) -> Result<drydock_audit::RuleConfig> {
    match path {
        None => Ok(drydock_audit::RuleConfig::default()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            drydock_audit::RuleConfig::parse(&text, &p.display().to_string())
                .map_err(|e| crate::usage(e.to_string()))
        }
    }
}

fn report(name: String, findings: Vec<Finding>) -> Report {
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: crate::now_rfc3339(),
        artifact: Artifact {
            name,
            kind: ArtifactKind::DockerHost,
            ..Artifact::default()
        },
        inventory: Inventory::default(),
        findings,
        warnings: Vec::new(),
        db: None,
    }
}

pub fn audit(g: &GlobalArgs, a: &AuditDockerArgs) -> Result<u8> {
    let outputs = crate::output::parse_formats(&g.format, g.output.as_deref(), "table")?;
    let policy = crate::policy(g, &std::env::current_dir()?)?;
    let mut warnings = Vec::new();
    let cache = scan_cache(g, &mut warnings);
    let opts = drydock_audit::AuditOptions {
        config: rule_config(a.audit_config.as_deref())?,
        label_filter: a.label.clone(),
        containers: a.container.clone(),
        include_stopped: a.include_stopped,
        all_images: a.all_images,
        scan_setuid: a.scan_setuid,
        vuln_lookup: cache.as_ref().map(|c| c as &dyn drydock_audit::VulnSource),
        host_root: Some(a.host_root.clone()),
        ..Default::default()
    };
    let audit = drydock_audit::audit_docker(&opts).context("auditing the Docker daemon")?;
    if !g.quiet {
        let counts = audit.counts();
        let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{s:?}: {n}")).collect();
        eprintln!(
            "audited {} (Docker {}): {} containers, {} images; {}",
            audit.host,
            audit.server_version,
            audit.containers_audited,
            audit.images_audited,
            summary.join(", ")
        );
    }
    warnings.extend(unscanned_warnings(
        &audit.results,
        "DD-CIS-4.4",
        Status::Manual,
    ));
    let findings = drydock_audit::to_findings(&audit);
    gate_and_write(
        report(audit.host.clone(), findings),
        warnings,
        &policy,
        &outputs,
    )
}

pub fn inventory(g: &GlobalArgs, a: &InventoryArgs) -> Result<u8> {
    let outputs = crate::output::parse_formats(&g.format, g.output.as_deref(), "table")?;
    let policy = crate::policy(g, &std::env::current_dir()?)?;
    let mut warnings = Vec::new();
    let cache = scan_cache(g, &mut warnings);
    let opts = drydock_audit::InventoryOptions {
        config: rule_config(a.audit_config.as_deref())?,
        label_filter: a.label.clone(),
        exited_days: a.exited_days,
        image_age_days: a.image_age_days,
        restart_threshold: a.restart_threshold,
        require_labels: a.require_label.clone(),
        vuln_lookup: cache.as_ref().map(|c| c as &dyn drydock_audit::VulnSource),
        ..Default::default()
    };
    let inv = drydock_audit::inventory(&opts)
        .context("reading the Docker daemon's containers and images")?;
    let table_to_stdout = outputs
        .iter()
        .any(|o| o.path.is_none() && o.format == crate::output::Format::Table);
    if table_to_stdout || !g.quiet {
        // The inventory itself, for people; machines read the report's findings.
        let mut w: Box<dyn Write> = if table_to_stdout {
            Box::new(std::io::stdout())
        } else {
            Box::new(std::io::stderr())
        };
        writeln!(w, "Containers ({}):", inv.containers.len())?;
        for c in &inv.containers {
            writeln!(
                w,
                "  {:<24} {:<10} {:<30} restarts {}",
                c.name, c.state, c.image, c.restart_count
            )?;
        }
        writeln!(w, "Images ({}):", inv.images.len())?;
        for i in &inv.images {
            let short =
                i.id.trim_start_matches("sha256:")
                    .get(..12)
                    .unwrap_or(&i.id);
            writeln!(
                w,
                "  {short} {:<40} created {}",
                i.repo_tags.join(","),
                i.created
            )?;
        }
        let exposure = inv.exposure();
        writeln!(w, "Published ports ({}):", exposure.len())?;
        for (name, p) in exposure {
            let flag = if p.all_interfaces() {
                "  <- all interfaces"
            } else {
                ""
            };
            writeln!(
                w,
                "  {}:{} -> {name}:{}/{}{flag}",
                p.host_ip, p.host_port, p.container_port, p.proto
            )?;
        }
        writeln!(w)?;
    }
    let plan = drydock_audit::prune_plan(&inv);
    if a.prune_plan || a.apply {
        let mut err = std::io::stderr();
        writeln!(err, "Prune plan ({} actions):", plan.len())?;
        for p in &plan {
            writeln!(err, "  {}    # {}", p.command, p.reason)?;
        }
    }
    if a.apply {
        let outcome = drydock_audit::apply_prune(&plan).context("applying the prune plan")?;
        eprintln!(
            "removed {}, skipped {}",
            outcome.removed.len(),
            outcome.skipped.len()
        );
        for s in &outcome.skipped {
            eprintln!("  skipped {}: {}", s.action.command, s.reason);
        }
    }
    warnings.extend(unscanned_warnings(
        &inv.findings,
        "DD-SPRAWL-VULNERABLE",
        Status::Info,
    ));
    let findings = drydock_audit::results_to_findings(&inv.findings);
    gate_and_write(
        report("docker".into(), findings),
        warnings,
        &policy,
        &outputs,
    )
}

/// The common end of both commands: warnings logged and kept in the report,
/// the gate applied, every requested format written.
fn gate_and_write(
    mut report: Report,
    warnings: Vec<ScanWarning>,
    policy: &drydock_policy::Policy,
    outputs: &[crate::output::Output],
) -> Result<u8> {
    for w in &warnings {
        tracing::warn!("{}: {}", w.input, w.message);
    }
    report.warnings = warnings;
    let outcome = drydock_policy::apply(policy, &mut report, &drydock_policy::today_utc());
    crate::output::write_all(&report, outputs)?;
    Ok(outcome.exit_code)
}
