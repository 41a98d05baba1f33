//! The `drydock` command: parses flags and config, runs the subsystems, writes
//! reports, and turns the gate's verdict into the exit code. It holds no
//! analysis of its own.

mod args;
mod config;
mod db;
mod docker_audit;
mod output;
mod progress;
mod scanners;

use anyhow::{Context, Result};
use args::{Cli, Command, GlobalArgs, ImageArgs};
use clap::Parser;
use drydock_core::{ArtifactKind, REPORT_SCHEMA_VERSION, Report, ScanWarning};
use drydock_image::{ImageScan, LayerCache, RunOptions};
use drydock_policy::{EXIT_SCAN_ERROR, EXIT_USAGE};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A mistake in how drydock was called: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(String);

pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

fn is_usage(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.is::<UsageError>()
            || c.is::<drydock_policy::PolicyError>()
            || c.downcast_ref::<drydock_image::ImageError>()
                .is_some_and(|ie| matches!(ie, drydock_image::ImageError::Usage(_)))
    })
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // `drydock ... | head` closing the pipe early is not an error.
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", error_text(&e));
            ExitCode::from(if is_usage(&e) {
                EXIT_USAGE
            } else {
                EXIT_SCAN_ERROR
            })
        }
    }
}

/// The error and its causes joined with ": ", like `{:#}`, but without a cause
/// whose text the message before it already ends with: the libraries' errors
/// name their cause in their own message ("path: os error") and return it as
/// `source()` too, which `{:#}` would print twice.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

fn init_tracing(g: &GlobalArgs) {
    // --quiet: nothing but the report; warnings stay in the report itself.
    let level = if g.debug {
        "debug"
    } else if g.quiet {
        "error"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DRYDOCK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn cache_dir(g: &GlobalArgs) -> PathBuf {
    g.cache_dir
        .clone()
        .unwrap_or_else(drydock_image::default_cache_dir)
}

fn run(cli: Cli) -> Result<u8> {
    let mut g = cli.global.clone();
    let cwd = std::env::current_dir().context("reading the working directory")?;
    if let Some(path) = config::locate(g.config.as_deref(), &cwd) {
        let file = config::load(&path)?;
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| cwd.clone());
        config::apply(&mut g, file, &dir);
    }
    init_tracing(&g);
    let g = &g;
    match &cli.command {
        Command::Image(a) => scan_and_report(g, Target::Image(a.clone()), Defaults::SCAN),
        Command::Rootfs(a) => scan_and_report(
            g,
            Target::Dir(a.dir.clone(), ArtifactKind::Rootfs),
            Defaults::SCAN,
        ),
        Command::Fs(a) => scan_and_report(
            g,
            Target::Dir(a.dir.clone(), ArtifactKind::Filesystem),
            Defaults::SCAN,
        ),
        Command::Sbom(a) => {
            let target = if a.opts.input.is_some() {
                Target::Image(ImageArgs {
                    reference: a.target.clone(),
                    opts: a.opts.clone(),
                })
            } else {
                let t = a.target.clone().ok_or_else(|| {
                    usage("drydock sbom needs a TARGET (image reference or directory) or --input")
                })?;
                let p = PathBuf::from(&t);
                if p.is_dir() {
                    Target::Dir(p, ArtifactKind::Filesystem)
                } else if p.is_file() {
                    let mut opts = a.opts.clone();
                    opts.input = Some(p);
                    Target::Image(ImageArgs {
                        reference: None,
                        opts,
                    })
                } else {
                    Target::Image(ImageArgs {
                        reference: Some(t),
                        opts: a.opts.clone(),
                    })
                }
            };
            scan_and_report(g, target, Defaults::SBOM)
        }
        Command::SbomScan(a) => scan_and_report(g, Target::Sbom(a.file.clone()), Defaults::SCAN),
        Command::Config(a) => scan_and_report(g, Target::Config(a.dir.clone()), Defaults::CONFIG),
        Command::Git(a) => scan_and_report(g, Target::Git(a.dir.clone()), Defaults::GIT),
        Command::Db(cmd) => db::run(g, &cache_dir(g), cmd),
        Command::Audit(args::AuditCommand::Docker(a)) => docker_audit::audit(g, a),
        Command::Inventory(a) => docker_audit::inventory(g, a),
        Command::Clean(a) => {
            let dir = cache_dir(g);
            if !(a.cache || a.all) {
                return Err(usage("say what to clean: drydock clean --cache (or --all)"));
            }
            LayerCache::clear_all(&dir).with_context(|| format!("emptying {}", dir.display()))?;
            if a.all {
                let db = drydock_vulndb::default_db_path(&dir);
                match std::fs::remove_file(&db) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(e).with_context(|| format!("removing {}", db.display()));
                    }
                    _ => {}
                }
            }
            if !g.quiet {
                eprintln!("emptied the cache in {}", dir.display());
            }
            Ok(0)
        }
        Command::Version => {
            println!("drydock {}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
    }
}

enum Target {
    Image(ImageArgs),
    Dir(PathBuf, ArtifactKind),
    Sbom(PathBuf),
    /// A directory or one file of configuration (`drydock config`).
    Config(PathBuf),
    /// A git repository's history (`drydock git`).
    Git(PathBuf),
}

/// A target whose packages are read from files (not from an SBOM).
enum ScanTarget {
    Image(ImageArgs),
    Dir(PathBuf, ArtifactKind),
}

/// What a command does when the user does not say.
struct Defaults {
    format: &'static str,
    scanners: &'static [&'static str],
}

impl Defaults {
    const SCAN: Defaults = Defaults {
        format: "table",
        scanners: &["vuln"],
    };
    const SBOM: Defaults = Defaults {
        format: "cyclonedx",
        scanners: &[],
    };
    const CONFIG: Defaults = Defaults {
        format: "table",
        scanners: &["misconfig"],
    };
    const GIT: Defaults = Defaults {
        format: "table",
        scanners: &["secret"],
    };
}

fn scanners(g: &GlobalArgs, defaults: &Defaults) -> Result<scanners::Selected> {
    let list: Vec<String> = if g.scan.scanners.is_empty() {
        defaults.scanners.iter().map(|s| s.to_string()).collect()
    } else {
        g.scan
            .scanners
            .iter()
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty() && s != "none")
            .collect()
    };
    scanners::Selected::parse(&list)
}

/// The secret scanner with the user's rules, and the rule ids it knows (for
/// telling its disabled ids from the configuration checks').
fn secret_scanner(g: &GlobalArgs) -> Result<drydock_secrets::SecretScanner> {
    let builtin = drydock_secrets::SecretScanner::builtin().map_err(|e| usage(e.to_string()))?;
    let mine: Vec<String> = g
        .scan
        .disable_rules
        .iter()
        .filter(|id| builtin.rules().any(|r| r.id == **id))
        .cloned()
        .collect();
    scanners::secret_scanner(&scanners::SecretSettings {
        rules: g.scan.secret_rules.as_deref(),
        disabled: &mine,
        show_secrets: g.scan.show_secrets,
    })
}

pub(crate) fn policy(g: &GlobalArgs, cwd: &Path) -> Result<drydock_policy::Policy> {
    let severities = g
        .scan
        .severity
        .iter()
        .map(|s| {
            s.parse::<drydock_core::Severity>()
                .map_err(|e| usage(e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    let ignore_path = g
        .scan
        .ignorefile
        .clone()
        .or_else(|| drydock_policy::discover(cwd));
    let ignore = match ignore_path {
        Some(p) => Some(drydock_policy::IgnoreFile::load(&p)?),
        None => None,
    };
    let vex = g
        .scan
        .vex
        .iter()
        .map(|p| drydock_policy::VexDocument::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    let p = drydock_policy::Policy {
        severities,
        ignore_unfixed: g.scan.ignore_unfixed,
        exit_code: g.scan.exit_code.unwrap_or(0),
        exit_on_eol: g.scan.exit_on_eol,
        ignore,
        vex,
    };
    p.validate()?;
    Ok(p)
}

fn scan_and_report(g: &GlobalArgs, target: Target, defaults: Defaults) -> Result<u8> {
    // Everything the user could get wrong is checked before the long work.
    let outputs = output::parse_formats(&g.format, g.output.as_deref(), defaults.format)?;
    let scanners = scanners(g, &defaults)?;
    // Language packages are looked for only when something uses them, as
    // Trivy does: matching, an SBOM, or an inventory-only run (`drydock sbom`).
    // A secret- or misconfiguration-only scan still reads the OS packages.
    let languages = scanners.vuln
        || !(scanners.secret || scanners.misconfig)
        || outputs.iter().any(|o| {
            matches!(
                o.format,
                output::Format::CycloneDx | output::Format::SpdxJson
            )
        });
    let wanted = Wanted {
        secrets: scanners.secret,
        languages,
    };
    let cwd = std::env::current_dir().context("reading the working directory")?;
    let policy = policy(g, &cwd)?;
    let cache_root = cache_dir(g);

    let mut extra_findings = Vec::new();
    let mut extra_warnings = Vec::new();
    let (artifact, inventory, warnings) = match target {
        Target::Config(path) => {
            let cs = scanners::config_scanner(&g.scan.policy, &g.scan.disable_rules)?;
            if path.is_file() {
                let bytes =
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                let name = path.display().to_string();
                extra_findings = cs
                    .scan_file(&name, &bytes)
                    .with_context(|| format!("scanning {name}"))?;
            } else {
                let (f, w) = scanners::misconfig_dir(&cs, &path)?;
                extra_findings = f;
                extra_warnings = w;
            }
            let artifact = drydock_core::Artifact {
                name: path.display().to_string(),
                kind: ArtifactKind::Filesystem,
                ..Default::default()
            };
            (artifact, drydock_core::Inventory::default(), Vec::new())
        }
        Target::Git(path) => {
            let secrets = secret_scanner(g)?;
            let out = drydock_secrets::scan_git(
                &path,
                &drydock_secrets::GitOptions { scanner: &secrets },
            )
            .with_context(|| format!("scanning the history of {}", path.display()))?;
            extra_findings = out.findings;
            extra_warnings = out.warnings;
            let artifact = drydock_core::Artifact {
                name: path.display().to_string(),
                kind: ArtifactKind::Filesystem,
                ..Default::default()
            };
            (artifact, drydock_core::Inventory::default(), Vec::new())
        }
        Target::Sbom(path) => {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let (mut artifact, inventory) = drydock_sbom::read(&bytes)
                .with_context(|| format!("reading SBOM {}", path.display()))?;
            artifact.name = path.display().to_string();
            artifact.kind = ArtifactKind::Sbom;
            (artifact, inventory, Vec::new())
        }
        Target::Image(a) => {
            let secrets = if scanners.secret {
                Some(secret_scanner(g)?)
            } else {
                None
            };
            let misconfig = if scanners.misconfig {
                Some(scanners::config_scanner(
                    &g.scan.policy,
                    &g.scan.disable_rules,
                )?)
            } else {
                None
            };
            let mut scan = inventory_scan(g, ScanTarget::Image(a), &cache_root, wanted)?;
            if let (Some(sc), Some(cfg)) = (secrets.as_ref(), scan.artifact.config.as_mut()) {
                extra_findings.extend(scanners::image_config_secrets(sc, cfg));
            }
            // After the secret scanner redacted the config: the findings quote its history.
            if let Some(cs) = &misconfig {
                extra_findings.extend(scanners::misconfig_image(cs, &scan.artifact)?);
            }
            extra_findings.extend(scan.findings.iter().cloned());
            let (inventory, linked) = merged_inventory(&scan.merged);
            scan.warnings.extend(linked);
            (scan.artifact, inventory, scan.warnings)
        }
        Target::Dir(dir, kind) => {
            if scanners.misconfig {
                let cs = scanners::config_scanner(&g.scan.policy, &g.scan.disable_rules)?;
                let (f, w) = scanners::misconfig_dir(&cs, &dir)?;
                extra_findings.extend(f);
                extra_warnings.extend(w);
            }
            let mut scan = inventory_scan(g, ScanTarget::Dir(dir, kind), &cache_root, wanted)?;
            extra_findings.extend(scan.findings.iter().cloned());
            let (inventory, linked) = merged_inventory(&scan.merged);
            scan.warnings.extend(linked);
            (scan.artifact, inventory, scan.warnings)
        }
    };
    let mut inventory = inventory;
    if !g.scan.include_dev_deps {
        // Development-only dependencies are left out unless asked for, as
        // Trivy does: they are not in what ships.
        inventory.packages.retain(|p| !p.dev);
    }
    let mut warnings = warnings;
    warnings.extend(extra_warnings);
    for w in &warnings {
        tracing::warn!("{}: {}", w.input, w.message);
    }
    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: now_rfc3339(),
        artifact,
        inventory,
        findings: extra_findings,
        warnings,
        db: None,
    };
    if scanners.vuln {
        vuln_scan(&mut report, &cache_root)?;
    }
    let outcome = drydock_policy::apply(&policy, &mut report, &drydock_policy::today_utc());
    if !g.quiet {
        for n in &outcome.notices {
            eprintln!("notice: {n}");
        }
    }
    output::write_all(&report, &outputs)?;
    Ok(outcome.exit_code)
}

/// The inventory of a merged view (an image's layers or a directory), as the
/// catalog assembles it; `drydock audit docker` rebuilds cached images with it.
pub(crate) fn merged_inventory(
    merged: &drydock_image::Merged,
) -> (drydock_core::Inventory, Vec<ScanWarning>) {
    drydock_catalog::inventory::assemble(
        merged
            .files
            .iter()
            .map(|f| drydock_catalog::inventory::FoundFile::new(&f.path, &f.output)),
    )
}

/// Which analyzers a scan runs besides OS detection and the OS packages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wanted {
    pub secrets: bool,
    pub languages: bool,
}

/// The analyzers of a scan; their fingerprint names the layer cache it uses.
pub(crate) fn scan_analyzers(
    g: &GlobalArgs,
    wanted: Wanted,
) -> Result<Vec<Box<dyn drydock_core::Analyzer>>> {
    let mut analyzers = if wanted.languages {
        drydock_catalog::all_analyzers()
    } else {
        drydock_catalog::os::analyzers()
    };
    if wanted.secrets {
        let key = format!(
            "{:?}|{:?}|{}",
            g.scan.disable_rules, g.scan.secret_rules, g.scan.show_secrets
        );
        analyzers.push(Box::new(scanners::SecretAnalyzer::new(
            secret_scanner(g)?,
            &key,
        )));
    }
    Ok(analyzers)
}

/// Reads the target's packages: an image from wherever it is, or a directory.
fn inventory_scan(
    g: &GlobalArgs,
    target: ScanTarget,
    cache_root: &Path,
    wanted: Wanted,
) -> Result<ImageScan> {
    let analyzers = scan_analyzers(g, wanted)?;
    let fingerprint = drydock_core::analyze::analyzers_fingerprint(&analyzers);
    let cache = LayerCache::new(cache_root, &fingerprint);
    let bar = progress::Bar::new(g.quiet);
    let scan = match target {
        ScanTarget::Image(ImageArgs { reference, opts: a }) => {
            let platform = drydock_image::Platform::parse(&a.platform)?;
            let opts = RunOptions {
                analyzers: &analyzers,
                cache: if g.no_cache { None } else { Some(&cache) },
                limits: drydock_image::Limits {
                    spill_dir: spill_dir(cache_root),
                    ..drydock_image::Limits::default()
                },
                threads: 0,
                progress: bar.as_progress(),
            };
            if let Some(input) = &a.input {
                drydock_image::scan_input(input, reference.as_deref(), &platform, &opts)
                    .with_context(|| format!("scanning {}", input.display()))?
            } else {
                let reference = reference.ok_or_else(|| {
                    usage("drydock image needs an image reference or --input FILE|DIR")
                })?;
                let sources = args::parse_image_src(&a.image_src)?;
                let reg = drydock_image::registry::RegistryOptions {
                    insecure: a.insecure,
                    platform,
                    username: a.username.clone(),
                    password: a.password.clone(),
                };
                drydock_image::scan_reference(&reference, &sources, &reg, &opts)
                    .with_context(|| format!("scanning {reference}"))?
            }
        }
        ScanTarget::Dir(dir, kind) => {
            let opts = drydock_image::dir::DirOptions {
                analyzers: &analyzers,
                respect_gitignore: kind == ArtifactKind::Filesystem,
                skip: vec![cache_root.to_path_buf()],
                progress: bar.as_progress(),
            };
            drydock_image::dir::scan_dir(&dir, kind, &opts)
                .with_context(|| format!("scanning {}", dir.display()))?
        }
    };
    bar.finish();
    Ok(scan)
}

/// `tmp/` of the cache directory, where layer files too large to hold are
/// copied for the binary catalogers (unnamed files, gone when closed); `None`
/// when it cannot be made, and then such files are read whole.
fn spill_dir(cache_root: &Path) -> Option<&'static Path> {
    let dir = cache_root.join("tmp");
    std::fs::create_dir_all(&dir).ok()?;
    // Once per scan, for the life of the process.
    Some(Box::leak(dir.into_boxed_path()))
}

/// Matches the inventory against the vulnerability database (the user's, else
/// the baseline shipped inside the binary).
fn vuln_scan(report: &mut Report, cache_root: &Path) -> Result<()> {
    let db =
        drydock_vulndb::open_default(cache_root).context("opening the vulnerability database")?;
    let (findings, warnings): (Vec<_>, Vec<ScanWarning>) =
        drydock_vulndb::match_inventory(&db, &report.inventory)
            .context("matching vulnerabilities")?;
    report.findings.extend(findings);
    report.warnings.extend(warnings);
    report.db = Some(db.info().clone());
    Ok(())
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
