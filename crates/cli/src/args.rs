//! Command-line flags, in Trivy's shape where users have habits.
//!
//! Scan settings can also come from `DRYDOCK_*` environment variables and from
//! a `drydock.yaml` config file; precedence is flag > environment > file
//! (docs/cli.md). Settings the file may give are `Option`s here, so "not given
//! on the command line" can be told from a default.

use clap::{Args, Parser, Subcommand};
use drydock_image::ImageSrc;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "drydock",
    version,
    about = "Container security in one binary: inventory, vulnerabilities, misconfigurations, secrets",
    after_help = "Examples:\n  drydock image alpine:3.20\n  drydock image --input image.tar --format cyclonedx --output sbom.json\n  drydock rootfs /\n  drydock fs ./my-project --severity HIGH,CRITICAL --exit-code 1\n  drydock sbom --format spdx-json ./my-project\n  drydock sbom-scan sbom.cdx.json\n  drydock db status"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone, Default)]
pub struct GlobalArgs {
    /// Output format: table, json, cyclonedx, spdx-json, sarif, junit, html. Repeat for several;
    /// FORMAT=PATH writes that format to PATH
    #[arg(
        short = 'f',
        long,
        global = true,
        value_name = "FORMAT[=PATH]",
        env = "DRYDOCK_FORMAT",
        value_delimiter = ','
    )]
    pub format: Vec<String>,
    /// Write the report to FILE instead of stdout (for the format without =PATH)
    #[arg(
        short = 'o',
        long,
        global = true,
        value_name = "FILE",
        env = "DRYDOCK_OUTPUT"
    )]
    pub output: Option<PathBuf>,
    /// Cache directory (layer analyses, vulnerability database)
    #[arg(long, global = true, env = "DRYDOCK_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Do not read or write the layer cache
    #[arg(long, global = true, env = "DRYDOCK_NO_CACHE")]
    pub no_cache: bool,
    /// Print nothing but the report (no progress, no warnings)
    #[arg(short, long, global = true, env = "DRYDOCK_QUIET")]
    pub quiet: bool,
    /// Debug logging on stderr
    #[arg(short, long, global = true, env = "DRYDOCK_DEBUG")]
    pub debug: bool,
    /// Config file (default: ./drydock.yaml when present)
    #[arg(
        short = 'c',
        long,
        global = true,
        env = "DRYDOCK_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub scan: ScanFlags,
}

/// What to scan for and when to fail.
#[derive(Args, Debug, Clone, Default)]
pub struct ScanFlags {
    /// Scanners to run: vuln, secret, misconfig
    #[arg(
        long,
        global = true,
        value_delimiter = ',',
        env = "DRYDOCK_SCANNERS",
        value_name = "SCANNER,..."
    )]
    pub scanners: Vec<String>,
    /// Severities to report: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL (default: all)
    #[arg(
        short,
        long,
        global = true,
        value_delimiter = ',',
        env = "DRYDOCK_SEVERITY",
        value_name = "SEVERITY,..."
    )]
    pub severity: Vec<String>,
    /// Leave out vulnerabilities that have no fix yet
    #[arg(long, global = true, env = "DRYDOCK_IGNORE_UNFIXED")]
    pub ignore_unfixed: bool,
    /// Keep development-only dependencies (lockfile dev sections, devDependencies)
    #[arg(long, global = true, env = "DRYDOCK_INCLUDE_DEV_DEPS")]
    pub include_dev_deps: bool,
    /// Exit with this code when findings remain after filtering (0: never fail)
    #[arg(long, global = true, env = "DRYDOCK_EXIT_CODE", value_name = "N")]
    pub exit_code: Option<u8>,
    /// Fail (with --exit-code, else 1) when the OS is past its end of life
    #[arg(long, global = true, env = "DRYDOCK_EXIT_ON_EOL")]
    pub exit_on_eol: bool,
    /// Ignore file (default: .drydockignore or .drydockignore.yaml in the working directory)
    #[arg(long, global = true, env = "DRYDOCK_IGNOREFILE", value_name = "FILE")]
    pub ignorefile: Option<PathBuf>,
    /// OpenVEX or CycloneDX VEX document; repeatable
    #[arg(
        long,
        global = true,
        env = "DRYDOCK_VEX",
        value_delimiter = ',',
        value_name = "FILE"
    )]
    pub vex: Vec<PathBuf>,
    /// Rule ids (secret or misconfiguration) to switch off; repeatable
    #[arg(
        long = "disable-rule",
        global = true,
        env = "DRYDOCK_DISABLE_RULES",
        value_delimiter = ',',
        value_name = "ID"
    )]
    pub disable_rules: Vec<String>,
    /// Report secrets in clear instead of redacted
    #[arg(long, global = true, env = "DRYDOCK_SHOW_SECRETS")]
    pub show_secrets: bool,
    /// Your own secret rules (YAML, same shape as the built-in rule files)
    #[arg(long, global = true, env = "DRYDOCK_SECRET_RULES", value_name = "FILE")]
    pub secret_rules: Option<PathBuf>,
    /// Directory of Rego policies (conftest conventions: deny, warn, violation); repeatable
    #[arg(
        long,
        global = true,
        env = "DRYDOCK_POLICY",
        value_delimiter = ',',
        value_name = "DIR"
    )]
    pub policy: Vec<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a container image (local daemon, registry, or --input archive/layout)
    #[command(
        after_help = "Examples:\n  drydock image myapp:1.0                      # the local Docker daemon first, then the registry\n  drydock image --image-src remote registry.example.com/team/app:2.3\n  drydock image --insecure localhost:5000/app:dev\n  drydock image --input app.tar                 # docker save output (classic or OCI)\n  drydock image --input ./oci-layout --platform linux/arm64\n  drydock image --input app.tar -f json -o report.json\n  drydock image --input app.tar --severity CRITICAL --exit-code 1 --ignore-unfixed"
    )]
    Image(ImageArgs),
    /// Scan a root filesystem directory (OS packages and installed language packages)
    #[command(
        after_help = "Examples:\n  drydock rootfs /                 # the host itself\n  drydock rootfs ./debian-rootfs -f cyclonedx -o sbom.json"
    )]
    Rootfs(DirArgs),
    /// Scan a project directory or repository (lockfiles, manifests); honours .gitignore
    #[command(
        after_help = "Examples:\n  drydock fs .\n  drydock fs ./service -f sarif=drydock.sarif --exit-code 1"
    )]
    Fs(DirArgs),
    /// Write an SBOM (CycloneDX by default) of an image, archive or directory
    #[command(
        after_help = "Examples:\n  drydock sbom myapp:1.0\n  drydock sbom --input app.tar -f spdx-json -o app.spdx.json\n  drydock sbom ./my-project"
    )]
    Sbom(SbomArgs),
    /// Scan Dockerfiles, Kubernetes manifests and Compose files for misconfigurations
    #[command(
        after_help = "Examples:\n  drydock config .\n  drydock config deploy/app.yaml --policy ./policies\n  drydock config . -f sarif=config.sarif --severity HIGH,CRITICAL --exit-code 1"
    )]
    Config(DirArgs),
    /// Find secrets in every commit of every branch of a git repository
    #[command(
        after_help = "Examples:\n  drydock git .\n  drydock git ../service -f json -o secrets.json --exit-code 1"
    )]
    Git(DirArgs),
    /// Scan an SBOM (CycloneDX or SPDX JSON) for vulnerabilities
    #[command(
        after_help = "Examples:\n  drydock sbom-scan sbom.cdx.json\n  drydock sbom-scan app.spdx.json --severity HIGH,CRITICAL --exit-code 1"
    )]
    SbomScan(SbomScanArgs),
    /// Manage the vulnerability database
    #[command(
        subcommand,
        after_help = "Examples:\n  drydock db status\n  drydock db update --ecosystem Debian --ecosystem PyPI\n  drydock db import ./osv-advisories/"
    )]
    Db(DbCommand),
    /// Audit a live system against the CIS benchmarks
    #[command(
        subcommand,
        after_help = "Examples:\n  drydock audit docker\n  drydock audit docker -f sarif=cis.sarif --exit-code 1"
    )]
    Audit(AuditCommand),
    /// Inventory the Docker daemon's containers, images and published ports, and find sprawl
    #[command(
        after_help = "Examples:\n  drydock inventory\n  drydock inventory --exited-days 14 --require-label team,service\n  drydock inventory --prune-plan            # print the docker commands that would clean up\n  drydock inventory --apply                 # run exactly those commands\n  drydock inventory -f json -o sprawl.json --exit-code 1"
    )]
    Inventory(InventoryArgs),
    /// Empty drydock's caches
    #[command(after_help = "Examples:\n  drydock clean --cache")]
    Clean(CleanArgs),
    /// Print the version
    #[command(after_help = "Examples:\n  drydock version")]
    Version,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// The Docker daemon, its images and containers against the CIS Docker Benchmark 1.6
    #[command(
        after_help = "Examples:\n  drydock audit docker\n  drydock audit docker --label app=shop --include-stopped\n  drydock audit docker -f sarif=cis.sarif -f table --exit-code 1\n  DOCKER_HOST=tcp://10.0.0.5:2376 drydock audit docker\n  drydock image myapp:1.0 && drydock audit docker   # 4.4 judged from the scan cache\n  drydock audit docker --host-root /host            # in a container, with the host's / at /host"
    )]
    Docker(AuditDockerArgs),
}

#[derive(Args, Debug, Clone)]
pub struct AuditDockerArgs {
    /// Only containers with this label (key or key=value); repeatable
    #[arg(long)]
    pub label: Vec<String>,
    /// Only this container (name or id); repeatable
    #[arg(long)]
    pub container: Vec<String>,
    /// Audit stopped containers too
    #[arg(long)]
    pub include_stopped: bool,
    /// Audit every image, not only those of the audited containers
    #[arg(long)]
    pub all_images: bool,
    /// Read image layers to list setuid/setgid files (CIS 4.8)
    #[arg(long)]
    pub scan_setuid: bool,
    /// Checks to disable, severities to change, custom checks (YAML; docs/audit.md)
    #[arg(long, value_name = "FILE")]
    pub audit_config: Option<PathBuf>,
    /// Where the daemon host's / is mounted, for the CIS section 3 files (drydock in a container)
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub host_root: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct InventoryArgs {
    /// Containers exited at least this many days ago are sprawl
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    pub exited_days: i64,
    /// Images created at least this many days ago are stale
    #[arg(long, default_value_t = 90, value_name = "DAYS")]
    pub image_age_days: i64,
    /// Restarts that make a restart loop
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub restart_threshold: i64,
    /// Labels every container must carry
    #[arg(long, value_delimiter = ',', value_name = "LABEL,...")]
    pub require_label: Vec<String>,
    /// Only containers and images with this label; repeatable
    #[arg(long)]
    pub label: Vec<String>,
    /// Print the docker commands that would clean up (nothing is removed)
    #[arg(long)]
    pub prune_plan: bool,
    /// Remove exactly what the plan lists, re-checking each item first
    #[arg(long)]
    pub apply: bool,
    /// Checks to disable or severities to change (YAML; docs/audit.md)
    #[arg(long, value_name = "FILE")]
    pub audit_config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Import OSV advisories (JSON files, directories, all.zip archives) into the local database
    #[command(
        after_help = "Examples:\n  drydock db import ./osv-advisories/\n  drydock db import Debian-all.zip PyPI-all.zip"
    )]
    Import {
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<PathBuf>,
    },
    /// Download <mirror>/<Ecosystem>/all.zip for each ecosystem and swap the new database in atomically
    #[command(
        after_help = "Examples:\n  drydock db update\n  drydock db update --ecosystem Debian --ecosystem PyPI\n  drydock db update --mirror http://mirror.internal/osv"
    )]
    Update {
        /// Mirror base URL (default: OSV.dev's public bucket)
        #[arg(long, value_name = "URL", env = "DRYDOCK_DB_MIRROR")]
        mirror: Option<String>,
        /// Ecosystem folder to fetch (repeatable; default: every ecosystem drydock matches)
        #[arg(long = "ecosystem", value_name = "NAME")]
        ecosystems: Vec<String>,
    },
    /// Show the database in use: age, sources, counts per ecosystem
    #[command(after_help = "Examples:\n  drydock db status\n  drydock db status -f json")]
    Status,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ImageArgs {
    /// Image reference (name:tag or name@digest)
    #[arg(value_name = "REF")]
    pub reference: Option<String>,
    #[command(flatten)]
    pub opts: ImageOpts,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ImageOpts {
    /// Read the image from a docker-archive or OCI archive tar, or an OCI layout directory
    #[arg(short, long, value_name = "FILE|DIR")]
    pub input: Option<PathBuf>,
    /// Platform to pick from multi-platform images
    #[arg(
        long,
        default_value = "linux/amd64",
        value_name = "OS/ARCH[/VARIANT]",
        env = "DRYDOCK_PLATFORM"
    )]
    pub platform: String,
    /// Where to look for REF, in order
    #[arg(
        long,
        default_value = "docker,remote",
        value_name = "SRC,...",
        env = "DRYDOCK_IMAGE_SRC"
    )]
    pub image_src: String,
    /// Talk plain HTTP to the registry and skip certificate checks
    #[arg(long, env = "DRYDOCK_INSECURE")]
    pub insecure: bool,
    /// Registry user name (default: ~/.docker/config.json, else anonymous)
    #[arg(long, env = "DRYDOCK_USERNAME")]
    pub username: Option<String>,
    /// Registry password or token
    #[arg(long, env = "DRYDOCK_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct DirArgs {
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct SbomArgs {
    /// Image reference, archive file or directory
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
    #[command(flatten)]
    pub opts: ImageOpts,
}

#[derive(Args, Debug, Clone)]
pub struct SbomScanArgs {
    /// CycloneDX or SPDX JSON document
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct CleanArgs {
    /// Remove cached layer analyses
    #[arg(long)]
    pub cache: bool,
    /// Remove everything drydock cached (layer analyses and the vulnerability database)
    #[arg(long)]
    pub all: bool,
}

pub fn parse_image_src(s: &str) -> anyhow::Result<Vec<ImageSrc>> {
    s.split(',')
        .map(|p| match p.trim() {
            "docker" => Ok(ImageSrc::Docker),
            "remote" => Ok(ImageSrc::Remote),
            other => Err(crate::usage(format!(
                "unknown --image-src {other:?} (expected docker, remote)"
            ))),
        })
        .collect()
}
