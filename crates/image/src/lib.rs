//! Image sources and the streaming layer walker.
//!
//! Every source ends in the same place: an [`ImagePlan`] (config + layer
//! descriptors) whose layers are read once each by [`walker`], cached by diffID
//! ([`cache`]) and stacked by [`merge`] into what the container sees. Sources:
//! `docker save` archives and OCI archives ([`store::TarStore`]), OCI layout
//! directories ([`store::DirStore`]), registries ([`registry`]), the Docker
//! daemon ([`daemon`]), and plain directories ([`dir`]).

pub mod cache;
pub mod daemon;
pub mod digest;
pub mod dir;
pub mod manifest;
pub mod merge;
pub mod path;
pub mod registry;
pub mod scan;
pub mod store;
pub mod walker;

pub use cache::{LayerCache, default_cache_dir};
pub use manifest::{ImagePlan, LayerDesc, Platform};
pub use merge::{Merged, MergedFile};
pub use scan::{ImageScan, RunOptions};
pub use walker::{LayerAnalysis, Limits};

use std::path::Path;

/// Errors that stop reading an image. Problems confined to one file or layer
/// are warnings in the scan result instead.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{input}: {source}")]
    Io {
        input: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "digest mismatch for blob {blob}: the manifest says {expected}, the content hashes to {actual}"
    )]
    DigestMismatch {
        blob: String,
        expected: String,
        actual: String,
    },
    #[error("registry: {0}")]
    Registry(String),
    #[error("docker daemon: {0}")]
    Daemon(String),
}

impl ImageError {
    pub fn io(input: impl Into<String>, source: std::io::Error) -> ImageError {
        ImageError::Io {
            input: input.into(),
            source,
        }
    }
}

/// Progress of long reads, for a progress bar.
pub trait Progress: Send + Sync {
    /// `total` units of work (layers or files) are about to start.
    fn start(&self, total: u64, layers: usize);
    /// Bytes (layers) or files (directories) done.
    fn advance(&self, n: u64);
    fn layer_done(&self) {}
    fn finish(&self) {}
}

/// Where `drydock image REF` looks, in order (Trivy's `--image-src`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSrc {
    Docker,
    Remote,
}

/// Scans an image archive or layout given with `--input`: a `docker save` tar
/// (classic or OCI), an OCI archive tar, or an OCI layout directory.
pub fn scan_input(
    input: &Path,
    tag: Option<&str>,
    platform: &Platform,
    opts: &RunOptions<'_>,
) -> Result<ImageScan, ImageError> {
    let name = input.display().to_string();
    let meta = std::fs::metadata(input).map_err(|e| ImageError::io(name.clone(), e))?;
    let store: Box<dyn store::BlobStore> = if meta.is_dir() {
        Box::new(store::DirStore::new(input))
    } else {
        Box::new(store::TarStore::open(input)?)
    };
    let mut plan = manifest::plan_local(store.as_ref(), tag, platform)?;
    for l in &mut plan.layers {
        l.size = store.size(&l.location);
    }
    let open = |d: &LayerDesc| store.open(&d.location);
    scan::run_plan(&name, &plan, &open, opts)
}

/// Scans `reference` from the first source that has it.
pub fn scan_reference(
    reference: &str,
    sources: &[ImageSrc],
    registry: &registry::RegistryOptions,
    opts: &RunOptions<'_>,
) -> Result<ImageScan, ImageError> {
    let mut errors = Vec::new();
    for src in sources {
        match src {
            ImageSrc::Docker => match daemon::has_image(reference) {
                Ok(true) => return daemon::scan_daemon_image(reference, opts),
                Ok(false) => errors.push(format!("docker: no image {reference} in the daemon")),
                Err(e) => errors.push(format!("docker: {e}")),
            },
            ImageSrc::Remote => match registry::Remote::connect(reference, registry) {
                Ok((remote, plan)) => {
                    let open = |d: &LayerDesc| remote.open_layer(d);
                    return scan::run_plan(reference, &plan, &open, opts);
                }
                Err(e) => errors.push(format!("remote: {e}")),
            },
        }
    }
    Err(ImageError::NotFound(format!(
        "image {reference} not found: {}",
        errors.join("; ")
    )))
}
