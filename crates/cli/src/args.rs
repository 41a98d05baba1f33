//! Command-line flags, in Trivy's shape where users have habits.

use clap::{Args, Parser, Subcommand};
use drydock_image::ImageSrc;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "drydock",
    version,
    about = "Container security in one binary: inventory, vulnerabilities, misconfigurations, secrets",
    after_help = "Examples:\n  drydock image alpine:3.20\n  drydock image --input image.tar --format cyclonedx --output sbom.json\n  drydock rootfs /\n  drydock fs ./my-project\n  drydock sbom --format spdx-json ./my-project"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Output format: table, json, cyclonedx, spdx-json. Repeat for several;
    /// FORMAT=PATH writes that format to PATH.
    #[arg(short = 'f', long, global = true, value_name = "FORMAT[=PATH]")]
    pub format: Vec<String>,
    /// Write the report to FILE instead of stdout (for the format without =PATH).
    #[arg(short = 'o', long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Cache directory (layer analyses, vulnerability database).
    #[arg(long, global = true, env = "DRYDOCK_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Do not read or write the layer cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Print nothing but the report (no progress, no warnings).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Debug logging on stderr.
    #[arg(short, long, global = true)]
    pub debug: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a container image (local daemon, registry, or --input archive/layout)
    #[command(after_help = "Examples:\n  drydock image myapp:1.0                      # the local Docker daemon first, then the registry\n  drydock image --image-src remote registry.example.com/team/app:2.3\n  drydock image --insecure localhost:5000/app:dev\n  drydock image --input app.tar                 # docker save output (classic or OCI)\n  drydock image --input ./oci-layout --platform linux/arm64\n  drydock image --input app.tar -f json -o report.json")]
    Image(ImageArgs),
    /// Scan a root filesystem directory (OS packages and installed language packages)
    #[command(after_help = "Examples:\n  drydock rootfs /                 # the host itself\n  drydock rootfs ./debian-rootfs -f cyclonedx -o sbom.json")]
    Rootfs(DirArgs),
    /// Scan a project directory or repository (lockfiles, manifests); honours .gitignore
    #[command(after_help = "Examples:\n  drydock fs .\n  drydock fs ./service -f spdx-json -o sbom.spdx.json")]
    Fs(DirArgs),
    /// Write an SBOM (CycloneDX by default) of an image, archive or directory
    #[command(after_help = "Examples:\n  drydock sbom myapp:1.0\n  drydock sbom --input app.tar -f spdx-json -o app.spdx.json\n  drydock sbom ./my-project")]
    Sbom(SbomArgs),
    /// Empty drydock's caches
    #[command(after_help = "Examples:\n  drydock clean --cache")]
    Clean(CleanArgs),
    /// Print the version
    Version,
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
    #[arg(long, default_value = "linux/amd64", value_name = "OS/ARCH[/VARIANT]")]
    pub platform: String,
    /// Where to look for REF, in order
    #[arg(long, default_value = "docker,remote", value_name = "SRC,...")]
    pub image_src: String,
    /// Talk plain HTTP to the registry and skip certificate checks
    #[arg(long)]
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
pub struct CleanArgs {
    /// Remove cached layer analyses
    #[arg(long)]
    pub cache: bool,
    /// Remove everything drydock cached
    #[arg(long)]
    pub all: bool,
}

pub fn parse_image_src(s: &str) -> anyhow::Result<Vec<ImageSrc>> {
    s.split(',')
        .map(|p| match p.trim() {
            "docker" => Ok(ImageSrc::Docker),
            "remote" => Ok(ImageSrc::Remote),
            other => Err(anyhow::Error::new(drydock_image::ImageError::Usage(format!(
                "unknown --image-src {other:?} (expected docker, remote)"
            )))),
        })
        .collect()
}
