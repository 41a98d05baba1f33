//! `drydock audit docker` and `drydock inventory`: the live daemon, judged
//! against the CIS Docker Benchmark and for sprawl. Failing checks become
//! findings of the common report, so the gate and every format apply.

use crate::args::{AuditDockerArgs, GlobalArgs, InventoryArgs};
use anyhow::{Context, Result};
use drydock_core::{Artifact, ArtifactKind, Finding, Inventory, REPORT_SCHEMA_VERSION, Report};
use std::io::Write;

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
    let opts = drydock_audit::AuditOptions {
        config: rule_config(a.audit_config.as_deref())?,
        label_filter: a.label.clone(),
        containers: a.container.clone(),
        include_stopped: a.include_stopped,
        all_images: a.all_images,
        scan_setuid: a.scan_setuid,
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
    let mut report = report(audit.host.clone(), drydock_audit::to_findings(&audit));
    let outcome = drydock_policy::apply(&policy, &mut report, &drydock_policy::today_utc());
    crate::output::write_all(&report, &outputs)?;
    Ok(outcome.exit_code)
}

pub fn inventory(g: &GlobalArgs, a: &InventoryArgs) -> Result<u8> {
    let outputs = crate::output::parse_formats(&g.format, g.output.as_deref(), "table")?;
    let policy = crate::policy(g, &std::env::current_dir()?)?;
    let opts = drydock_audit::InventoryOptions {
        config: rule_config(a.audit_config.as_deref())?,
        label_filter: a.label.clone(),
        exited_days: a.exited_days,
        image_age_days: a.image_age_days,
        restart_threshold: a.restart_threshold,
        require_labels: a.require_label.clone(),
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
    let mut report = report(
        "docker".into(),
        drydock_audit::results_to_findings(&inv.findings),
    );
    let outcome = drydock_policy::apply(&policy, &mut report, &drydock_policy::today_utc());
    crate::output::write_all(&report, &outputs)?;
    Ok(outcome.exit_code)
}
