//! Images held by the local Docker daemon (Engine API over the unix socket or
//! `DOCKER_HOST`, through bollard).
//!
//! The image is exported (`docker save`) as a stream and read in one pass:
//! every blob that looks like a layer is analyzed as it goes by, except those
//! whose diffID the cache already holds; the manifest and config, which come
//! last in the stream, then say which results belong to which layer.

use crate::ImageError;
use crate::manifest::plan_from_config;
use crate::path::normalize;
use crate::scan::{ImageScan, RunOptions};
use crate::walker::{LayerAnalysis, analyze_layer};
use bollard::Docker;
use futures_util::TryStreamExt;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::io::Read;

const MAX_METADATA: u64 = 16 * 1024 * 1024;

fn connect() -> Result<(tokio::runtime::Runtime, Docker), ImageError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| ImageError::io("tokio runtime", e))?;
    let docker = Docker::connect_with_defaults()
        .map_err(|e| ImageError::Daemon(format!("cannot connect to the Docker daemon: {e}")))?;
    // bollard speaks the newest API by default; older daemons refuse it, so
    // agree on the highest version both sides know.
    let docker = rt
        .block_on(docker.negotiate_version())
        .map_err(|e| ImageError::Daemon(format!("cannot talk to the Docker daemon: {e}")))?;
    Ok((rt, docker))
}

/// Whether the daemon has `reference`. Errors only when the daemon answers with
/// something other than "no such image".
pub fn has_image(reference: &str) -> Result<bool, ImageError> {
    let (rt, docker) = connect()?;
    match rt.block_on(docker.inspect_image(reference)) {
        Ok(_) => Ok(true),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(false),
        Err(e) => Err(ImageError::Daemon(format!("{reference}: {e}"))),
    }
}

#[derive(Deserialize)]
struct DockerManifestEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers")]
    layers: Vec<String>,
}

/// Scans an image of the local daemon.
pub fn scan_daemon_image(reference: &str, opts: &RunOptions<'_>) -> Result<ImageScan, ImageError> {
    let (rt, docker) = connect()?;
    let inspect = rt
        .block_on(docker.inspect_image(reference))
        .map_err(|e| ImageError::Daemon(format!("{reference}: {e}")))?;
    let diff_ids: Vec<String> = inspect
        .root_fs
        .as_ref()
        .and_then(|r| r.layers.clone())
        .unwrap_or_default();
    let cached: HashSet<String> = diff_ids
        .iter()
        .filter(|d| opts.cache.is_some_and(|c| c.get(d).is_some()))
        .cloned()
        .collect();

    let stream = docker
        .export_image(reference)
        .map_err(std::io::Error::other);
    let reader = tokio_util::io::SyncIoBridge::new_with_handle(
        tokio_util::io::StreamReader::new(stream),
        rt.handle().clone(),
    );
    // The stream is read on this (non-runtime) thread; the bridge drives it.
    let mut archive = tar::Archive::new(reader);
    let mut small: HashMap<String, Vec<u8>> = HashMap::new();
    let mut links: HashMap<String, String> = HashMap::new();
    let mut analyzed: HashMap<String, LayerAnalysis> = HashMap::new();
    let entries = archive
        .entries()
        .map_err(|e| ImageError::Daemon(format!("{reference}: export is not a tar stream: {e}")))?;
    for entry in entries {
        let mut entry = entry
            .map_err(|e| ImageError::Daemon(format!("{reference}: export stream broke: {e}")))?;
        let (path, _) = normalize(&String::from_utf8_lossy(&entry.path_bytes()));
        let kind = entry.header().entry_type();
        if kind.is_symlink() {
            if let Ok(Some(t)) = entry.link_name() {
                links.insert(
                    path.clone(),
                    crate::path::resolve_link(&path, &t.to_string_lossy()),
                );
            }
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        let size = entry.size();
        let is_layer_candidate = path.ends_with("layer.tar")
            || (path.starts_with("blobs/") && size > 1024 && !looks_json(&path));
        if let Some(hex) = path.strip_prefix("blobs/sha256/")
            && cached.contains(&format!("sha256:{hex}"))
        {
            continue;
        }
        if is_layer_candidate {
            let la = analyze_layer(
                &mut entry,
                &format!("{reference}:{path}"),
                opts.analyzers,
                opts.limits,
            )
            .map_err(|e| ImageError::io(format!("{reference}:{path}"), e))?;
            if let Some(p) = opts.progress {
                p.advance(size);
            }
            analyzed.insert(path, la);
        } else if size <= MAX_METADATA {
            let mut buf = Vec::new();
            entry
                .read_to_end(&mut buf)
                .map_err(|e| ImageError::io(format!("{reference}:{path}"), e))?;
            // A small blob may still be a layer (an empty one); keep both views.
            if buf.first() != Some(&b'{') && buf.first() != Some(&b'[') {
                let la = analyze_layer(
                    &buf[..],
                    &format!("{reference}:{path}"),
                    opts.analyzers,
                    opts.limits,
                )
                .map_err(|e| ImageError::io(format!("{reference}:{path}"), e))?;
                analyzed.insert(path.clone(), la);
            }
            small.insert(path, buf);
        }
    }

    let resolve = |p: &str| -> String {
        let mut p = normalize(p).0;
        for _ in 0..8 {
            match links.get(&p) {
                Some(t) => p = t.clone(),
                None => break,
            }
        }
        p
    };
    let manifest = small
        .get("manifest.json")
        .ok_or_else(|| ImageError::Daemon(format!("{reference}: export has no manifest.json")))?;
    let entries: Vec<DockerManifestEntry> = serde_json::from_slice(manifest).map_err(|e| {
        ImageError::Daemon(format!("{reference}: bad manifest.json in export: {e}"))
    })?;
    let entry = entries
        .first()
        .ok_or_else(|| ImageError::Daemon(format!("{reference}: export lists no image")))?;
    let config = small.get(&resolve(&entry.config)).ok_or_else(|| {
        ImageError::Daemon(format!(
            "{reference}: export lacks its config {}",
            entry.config
        ))
    })?;
    let layers = entry
        .layers
        .iter()
        .map(|l| (resolve(l), None, None))
        .collect();
    let mut plan = plan_from_config(config, layers, reference)?;
    plan.repo_tags = entry
        .repo_tags
        .clone()
        .or(inspect.repo_tags.clone())
        .unwrap_or_default();
    plan.repo_digests = inspect.repo_digests.clone().unwrap_or_default();

    // Results computed from the stream, by diffID, for run_plan to use.
    let mut by_diff: HashMap<String, LayerAnalysis> = HashMap::new();
    for desc in &plan.layers {
        if let Some(la) = analyzed.remove(&desc.location) {
            by_diff.insert(desc.diff_id.clone(), la);
        }
    }
    let open = |desc: &crate::manifest::LayerDesc| -> Result<Box<dyn Read + Send>, ImageError> {
        Err(ImageError::Daemon(format!(
            "{reference}: layer {} was not in the exported image",
            desc.diff_id
        )))
    };
    crate::scan::run_plan_with(reference, &plan, &open, opts, by_diff)
}

fn looks_json(path: &str) -> bool {
    path.ends_with(".json")
}
