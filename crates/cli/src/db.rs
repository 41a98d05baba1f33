//! `drydock db import|update|status`.

use crate::args::{DbCommand, GlobalArgs};
use crate::output::Format;
use anyhow::{Context, Result};
use drydock_vulndb::{
    DbStatus, ImportOptions, ImportWarning, Seed, UpdateOptions, default_db_path,
};
use std::io::Write;
use std::path::Path;

pub fn run(g: &GlobalArgs, cache_dir: &Path, cmd: &DbCommand) -> Result<u8> {
    let db_path = default_db_path(cache_dir);
    std::fs::create_dir_all(cache_dir)
        .with_context(|| format!("creating {}", cache_dir.display()))?;
    match cmd {
        DbCommand::Import { paths } => {
            // A new database starts from the shipped baseline, so importing one
            // ecosystem does not lose the others.
            let opts = ImportOptions {
                seed: Seed::Baseline,
                ..ImportOptions::default()
            };
            let stats = drydock_vulndb::import_with(&db_path, paths, &opts)?;
            warn_all(&stats.warnings);
            if !g.quiet {
                eprintln!(
                    "imported {} records from {} files ({} stored, {} withdrawn skipped, {} warnings) into {}\ndatabase {} built {}",
                    stats.records,
                    stats.files,
                    stats.stored,
                    stats.withdrawn,
                    stats.warnings.len(),
                    db_path.display(),
                    stats.db.content_hash,
                    stats.db.built_at
                );
            }
            Ok(0)
        }
        DbCommand::Update { mirror, ecosystems } => {
            let ecos: Vec<String> = if ecosystems.is_empty() {
                drydock_vulndb::DEFAULT_ECOSYSTEMS
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            } else {
                ecosystems.clone()
            };
            let mut opts = UpdateOptions::new(
                mirror
                    .clone()
                    .unwrap_or_else(|| drydock_vulndb::DEFAULT_MIRROR.to_string()),
                ecos,
            );
            opts.seed = Seed::Baseline;
            let report = drydock_vulndb::update(&db_path, &opts)?;
            warn_all(&report.warnings);
            if !g.quiet {
                for s in &report.sources {
                    eprintln!("{}: {:?} ({})", s.ecosystem, s.outcome, s.url);
                }
                eprintln!(
                    "{} {} (built {})",
                    if report.replaced {
                        "new database"
                    } else {
                        "database unchanged"
                    },
                    report.db.content_hash,
                    report.db.built_at
                );
            }
            Ok(0)
        }
        DbCommand::Status => {
            let status = if db_path.exists() {
                drydock_vulndb::status(&db_path)?
            } else {
                drydock_vulndb::open_default(cache_dir)?.status()?
            };
            // `-f json`, `-f json=PATH`, `-o PATH`: the same rules as a scan's report.
            for out in crate::output::parse_formats(&g.format, g.output.as_deref(), "table")? {
                let text = match out.format {
                    Format::Json => serde_json::to_string_pretty(&status)? + "\n",
                    Format::Table => status_table(&status)?,
                    other => {
                        return Err(crate::usage(format!(
                            "db status writes table or json, not {other:?}"
                        )));
                    }
                };
                match &out.path {
                    Some(p) => std::fs::write(p, text)
                        .with_context(|| format!("writing {}", p.display()))?,
                    None => std::io::stdout().lock().write_all(text.as_bytes())?,
                }
            }
            Ok(0)
        }
    }
}

/// Records, or parts of them, that were skipped: each names its file or archive entry.
fn warn_all(warnings: &[ImportWarning]) {
    for w in warnings {
        tracing::warn!("{}: {}", w.input, w.message);
    }
}

/// `db status` as text.
fn status_table(status: &DbStatus) -> Result<String> {
    use std::fmt::Write;
    let mut w = String::new();
    writeln!(w, "database:   {}", status.path.display())?;
    writeln!(w, "schema:     {}", status.schema_version)?;
    writeln!(w, "built:      {}", status.built_at)?;
    if let Some(age) = status.age_seconds {
        writeln!(w, "age:        {} days", age / 86_400)?;
    }
    writeln!(w, "hash:       {}", status.content_hash)?;
    writeln!(w, "advisories: {}", status.advisories)?;
    writeln!(w, "sources:")?;
    for s in &status.sources {
        writeln!(w, "  {} ({}): {} records", s.name, s.kind, s.records)?;
    }
    writeln!(w, "ecosystems:")?;
    for e in &status.ecosystems {
        writeln!(
            w,
            "  {:<20} {:>7} advisories {:>7} packages",
            e.ecosystem, e.advisories, e.packages
        )?;
    }
    Ok(w)
}
