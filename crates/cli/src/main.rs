//! The `drydock` command: parses flags, runs the subsystems, writes reports.
//! It holds no analysis of its own.

mod args;
mod output;
mod progress;

use anyhow::{Context, Result};
use args::{Cli, Command, GlobalArgs, ImageArgs};
use clap::Parser;
use drydock_core::{ArtifactKind, Report, REPORT_SCHEMA_VERSION};
use drydock_image::{ImageScan, LayerCache, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes (docs/cli.md): 0 clean, the user's `--exit-code` for policy
/// failures, these for the rest.
const EXIT_USAGE: u8 = 2;
const EXIT_SCAN_ERROR: u8 = 3;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_tracing(&cli.global);
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
            eprintln!("error: {e:#}");
            let usage = e
                .downcast_ref::<drydock_image::ImageError>()
                .is_some_and(|ie| matches!(ie, drydock_image::ImageError::Usage(_)));
            ExitCode::from(if usage { EXIT_USAGE } else { EXIT_SCAN_ERROR })
        }
    }
}

fn init_tracing(g: &GlobalArgs) {
    let level = if g.debug { "debug" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DRYDOCK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn cache_dir(g: &GlobalArgs) -> PathBuf {
    g.cache_dir.clone().unwrap_or_else(drydock_image::default_cache_dir)
}

fn run(cli: Cli) -> Result<u8> {
    let g = &cli.global;
    match &cli.command {
        Command::Image(a) => scan_and_report(g, Target::Image(a.clone()), "table"),
        Command::Rootfs(a) => scan_and_report(g, Target::Dir(a.dir.clone(), ArtifactKind::Rootfs), "table"),
        Command::Fs(a) => scan_and_report(g, Target::Dir(a.dir.clone(), ArtifactKind::Filesystem), "table"),
        Command::Sbom(a) => {
            let target = if a.opts.input.is_some() {
                Target::Image(ImageArgs {
                    reference: a.target.clone(),
                    opts: a.opts.clone(),
                })
            } else {
                let t = a
                    .target
                    .clone()
                    .context("drydock sbom needs a TARGET (image reference or directory) or --input")?;
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
            scan_and_report(g, target, "cyclonedx")
        }
        Command::Clean(a) => {
            let dir = cache_dir(g);
            if a.cache || a.all {
                LayerCache::clear_all(&dir).with_context(|| format!("emptying {}", dir.display()))?;
                if !g.quiet {
                    eprintln!("emptied the layer cache in {}", dir.display());
                }
            } else {
                anyhow::bail!(drydock_image::ImageError::Usage(
                    "say what to clean: drydock clean --cache".into()
                ));
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
}

fn scan_and_report(g: &GlobalArgs, target: Target, default_format: &str) -> Result<u8> {
    let outputs = output::parse_formats(&g.format, g.output.as_deref(), default_format)?;
    let analyzers = drydock_catalog::all_analyzers();
    let cache_root = cache_dir(g);
    let fingerprint = drydock_core::analyze::analyzers_fingerprint(&analyzers);
    let cache = LayerCache::new(&cache_root, &fingerprint);
    let bar = progress::Bar::new(g.quiet);

    let scan: ImageScan = match target {
        Target::Image(ImageArgs { reference, opts: a }) => {
            let platform = drydock_image::Platform::parse(&a.platform)?;
            let opts = RunOptions {
                analyzers: &analyzers,
                cache: if g.no_cache { None } else { Some(&cache) },
                limits: drydock_image::Limits::default(),
                threads: 0,
                progress: bar.as_progress(),
            };
            if let Some(input) = &a.input {
                drydock_image::scan_input(input, reference.as_deref(), &platform, &opts)
                    .with_context(|| format!("scanning {}", input.display()))?
            } else {
                let reference = reference
                    .clone()
                    .context("drydock image needs an image reference or --input FILE|DIR")?;
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
        Target::Dir(dir, kind) => {
            let opts = drydock_image::dir::DirOptions {
                analyzers: &analyzers,
                respect_gitignore: kind == ArtifactKind::Filesystem,
                skip: vec![cache_root.clone()],
                progress: bar.as_progress(),
            };
            drydock_image::dir::scan_dir(&dir, kind, &opts)
                .with_context(|| format!("scanning {}", dir.display()))?
        }
    };
    bar.finish();

    let inventory = drydock_catalog::inventory::assemble(scan.merged.files.iter().map(|f| {
        drydock_catalog::inventory::FoundFile {
            path: &f.path,
            os: f.output.os.as_ref(),
            packages: &f.output.packages,
        }
    }));
    for w in &scan.warnings {
        tracing::warn!("{}: {}", w.input, w.message);
    }
    let report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: now_rfc3339(),
        artifact: scan.artifact,
        inventory,
        findings: Vec::new(),
        warnings: scan.warnings,
        db: None,
    };
    output::write_all(&report, &outputs)?;
    Ok(0)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
