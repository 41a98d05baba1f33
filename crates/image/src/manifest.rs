//! Finding an image's config and layers: in a `docker save` archive
//! (`manifest.json`, classic or Docker 25+ OCI layout), in an OCI layout or
//! archive (`index.json`, nested indexes, platform selection), or in a registry
//! manifest. The result is the same [`ImagePlan`] whatever the source.

use crate::ImageError;
use crate::digest::{sha256_digest, sha256_hex};
use crate::store::BlobStore;
use serde::Deserialize;
use serde_json::Value;

const MAX_METADATA: u64 = 16 * 1024 * 1024;

/// A platform, `os/arch[/variant]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    pub fn parse(s: &str) -> Result<Platform, ImageError> {
        let parts: Vec<&str> = s.split('/').collect();
        match parts.as_slice() {
            [os, arch] => Ok(Platform {
                os: os.to_string(),
                architecture: arch.to_string(),
                variant: None,
            }),
            [os, arch, variant] => Ok(Platform {
                os: os.to_string(),
                architecture: arch.to_string(),
                variant: Some(variant.to_string()),
            }),
            _ => Err(ImageError::Usage(format!(
                "invalid platform {s:?}: expected os/arch[/variant], e.g. linux/amd64"
            ))),
        }
    }

    /// Whether an index entry's platform object matches.
    pub fn matches(&self, p: &Value) -> bool {
        let os = p.get("os").and_then(Value::as_str).unwrap_or("");
        let arch = p.get("architecture").and_then(Value::as_str).unwrap_or("");
        let variant = p.get("variant").and_then(Value::as_str);
        os == self.os
            && arch == self.architecture
            && match (&self.variant, variant) {
                (Some(want), Some(got)) => want == got,
                (Some(_), None) => false,
                (None, _) => true,
            }
    }
}

impl Default for Platform {
    fn default() -> Self {
        Platform {
            os: "linux".into(),
            architecture: "amd64".into(),
            variant: None,
        }
    }
}

/// One layer to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerDesc {
    /// Where the blob is: a path in the store, or a digest for registries.
    pub location: String,
    /// The blob digest the manifest promises, when it names one.
    pub digest: Option<String>,
    /// The diffID the config promises.
    pub diff_id: String,
    pub media_type: Option<String>,
    pub created_by: Option<String>,
    /// Stored size of the blob, when the source knows it: the largest layers
    /// are read first, so one big layer does not start last.
    pub size: Option<u64>,
}

/// Everything needed to read an image.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePlan {
    pub config: Value,
    /// `sha256:` digest of the config: the image id.
    pub config_digest: String,
    pub layers: Vec<LayerDesc>,
    pub repo_tags: Vec<String>,
    pub repo_digests: Vec<String>,
}

/// Pairs the manifest's layers with the config's diffIDs and history.
pub fn plan_from_config(
    config_bytes: &[u8],
    layers: Vec<(String, Option<String>, Option<String>)>,
    source: &str,
) -> Result<ImagePlan, ImageError> {
    let config: Value = serde_json::from_slice(config_bytes).map_err(|e| {
        ImageError::Invalid(format!("{source}: image config is not valid JSON: {e}"))
    })?;
    let diff_ids: Vec<String> = config
        .pointer("/rootfs/diff_ids")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if diff_ids.len() != layers.len() {
        return Err(ImageError::Invalid(format!(
            "{source}: the manifest lists {} layers but the config has {} diff_ids",
            layers.len(),
            diff_ids.len()
        )));
    }
    // History entries with empty_layer made no layer; the rest map 1:1 in order.
    let created_by: Vec<Option<String>> = config
        .get("history")
        .and_then(Value::as_array)
        .map(|h| {
            h.iter()
                .filter(|e| {
                    !e.get("empty_layer")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                })
                .map(|e| {
                    e.get("created_by")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    let layers = layers
        .into_iter()
        .zip(diff_ids)
        .enumerate()
        .map(|(i, ((location, digest, media_type), diff_id))| LayerDesc {
            location,
            digest,
            diff_id,
            media_type,
            created_by: created_by.get(i).cloned().flatten(),
            size: None,
        })
        .collect();
    Ok(ImagePlan {
        config,
        config_digest: sha256_digest(config_bytes),
        layers,
        repo_tags: Vec::new(),
        repo_digests: Vec::new(),
    })
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

fn blob_path(digest: &str) -> Result<String, ImageError> {
    sha256_hex(digest)
        .map(|hex| format!("blobs/sha256/{hex}"))
        .ok_or_else(|| ImageError::Invalid(format!("unsupported or malformed digest {digest:?}")))
}

/// Reads the image out of a local store. `wanted_tag` picks one image of a
/// multi-image `docker save`; `platform` picks one of a multi-platform index.
pub fn plan_local(
    store: &dyn BlobStore,
    wanted_tag: Option<&str>,
    platform: &Platform,
) -> Result<ImagePlan, ImageError> {
    let src = store.describe();
    if store.exists("manifest.json") {
        let bytes = store.read_small("manifest.json", MAX_METADATA)?;
        let entries: Vec<DockerManifestEntry> = serde_json::from_slice(&bytes).map_err(|e| {
            ImageError::Invalid(format!(
                "{src}: manifest.json is not a docker-archive manifest: {e}"
            ))
        })?;
        let entry = match wanted_tag {
            Some(t) => entries
                .iter()
                .find(|e| e.repo_tags.iter().flatten().any(|rt| rt == t))
                .ok_or_else(|| ImageError::NotFound(format!("{src}: no image tagged {t}")))?,
            None => entries.first().ok_or_else(|| {
                ImageError::Invalid(format!("{src}: manifest.json lists no image"))
            })?,
        };
        let config = store.read_small(&entry.config, MAX_METADATA)?;
        let layers = entry
            .layers
            .iter()
            .map(|l| {
                // Docker 25+ names layers by blob path; the hex is the blob digest.
                let digest = l
                    .strip_prefix("blobs/sha256/")
                    .map(|h| format!("sha256:{h}"))
                    .filter(|d| sha256_hex(d).is_some());
                (l.clone(), digest, None)
            })
            .collect();
        let mut plan = plan_from_config(&config, layers, &src)?;
        plan.repo_tags = entry.repo_tags.clone().unwrap_or_default();
        return Ok(plan);
    }
    if store.exists("index.json") {
        let index: Value = serde_json::from_slice(&store.read_small("index.json", MAX_METADATA)?)
            .map_err(|e| {
            ImageError::Invalid(format!("{src}: index.json is not valid JSON: {e}"))
        })?;
        let (manifest_bytes, tags) = select_manifest(store, &index, wanted_tag, platform, 0)?;
        let mut plan = plan_from_manifest(
            &manifest_bytes,
            &src,
            |d| store.read_small(&blob_path(d)?, MAX_METADATA),
            blob_path,
        )?;
        plan.repo_tags = tags;
        return Ok(plan);
    }
    Err(ImageError::Invalid(format!(
        "{src}: neither manifest.json (docker save) nor index.json (OCI layout) found"
    )))
}

/// Walks an OCI index (recursively, bounded) to one image manifest.
fn select_manifest(
    store: &dyn BlobStore,
    index: &Value,
    wanted_tag: Option<&str>,
    platform: &Platform,
    depth: usize,
) -> Result<(Vec<u8>, Vec<String>), ImageError> {
    let src = store.describe();
    if depth > 4 {
        return Err(ImageError::Invalid(format!(
            "{src}: image indexes nested too deep"
        )));
    }
    let manifests = index
        .get("manifests")
        .and_then(Value::as_array)
        .ok_or_else(|| ImageError::Invalid(format!("{src}: index has no manifests")))?;
    let tag_of = |m: &Value| -> Option<String> {
        let ann = m.get("annotations")?;
        ann.get("io.containerd.image.name")
            .or_else(|| ann.get("org.opencontainers.image.ref.name"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut candidates: Vec<&Value> = manifests.iter().collect();
    if let Some(t) = wanted_tag.filter(|_| depth == 0) {
        let short = t.rsplit_once(':').map(|(_, tag)| tag).unwrap_or(t);
        candidates.retain(|m| {
            tag_of(m).is_some_and(|n| n == t || n == short || n.ends_with(&format!("/{t}")))
        });
        if candidates.is_empty() {
            return Err(ImageError::NotFound(format!("{src}: no image tagged {t}")));
        }
    }
    // Platform choice: entries with a matching platform, else those with none.
    let chosen = candidates
        .iter()
        .find(|m| m.get("platform").is_some_and(|p| platform.matches(p)))
        .or_else(|| candidates.iter().find(|m| m.get("platform").is_none()))
        .ok_or_else(|| {
            ImageError::NotFound(format!(
                "{src}: no manifest for platform {}/{}",
                platform.os, platform.architecture
            ))
        })?;
    let digest = chosen
        .get("digest")
        .and_then(Value::as_str)
        .ok_or_else(|| ImageError::Invalid(format!("{src}: index entry without digest")))?;
    let bytes = store.read_small(&blob_path(digest)?, MAX_METADATA)?;
    verify_digest(&bytes, digest, &src)?;
    let doc: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ImageError::Invalid(format!("{src}: manifest {digest} is not JSON: {e}")))?;
    let tags: Vec<String> = tag_of(chosen).into_iter().collect();
    if doc.get("manifests").is_some() {
        let (b, inner) = select_manifest(store, &doc, None, platform, depth + 1)?;
        return Ok((b, if tags.is_empty() { inner } else { tags }));
    }
    Ok((bytes, tags))
}

pub(crate) fn verify_digest(bytes: &[u8], expected: &str, src: &str) -> Result<(), ImageError> {
    let got = sha256_digest(bytes);
    if sha256_hex(expected).is_some() && got != expected {
        return Err(ImageError::DigestMismatch {
            blob: format!("{src}:{expected}"),
            expected: expected.to_string(),
            actual: got,
        });
    }
    Ok(())
}

/// Builds a plan from an image manifest (OCI or Docker schema 2): reads the
/// config through `read_blob` and names each layer with `locate`.
pub fn plan_from_manifest(
    manifest: &[u8],
    src: &str,
    read_blob: impl Fn(&str) -> Result<Vec<u8>, ImageError>,
    locate: impl Fn(&str) -> Result<String, ImageError>,
) -> Result<ImagePlan, ImageError> {
    let m: Value = serde_json::from_slice(manifest)
        .map_err(|e| ImageError::Invalid(format!("{src}: manifest is not JSON: {e}")))?;
    if m.get("schemaVersion").and_then(Value::as_u64) == Some(1) {
        return Err(ImageError::Invalid(format!(
            "{src}: Docker schema 1 manifests are deprecated and not supported"
        )));
    }
    let config_digest = m
        .pointer("/config/digest")
        .and_then(Value::as_str)
        .ok_or_else(|| ImageError::Invalid(format!("{src}: manifest has no config digest")))?;
    let config = read_blob(config_digest)?;
    verify_digest(&config, config_digest, src)?;
    let layers = m
        .get("layers")
        .and_then(Value::as_array)
        .ok_or_else(|| ImageError::Invalid(format!("{src}: manifest has no layers")))?
        .iter()
        .map(|l| {
            let d = l
                .get("digest")
                .and_then(Value::as_str)
                .ok_or_else(|| ImageError::Invalid(format!("{src}: layer without digest")))?;
            Ok((
                locate(d)?,
                Some(d.to_string()),
                l.get("mediaType")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ))
        })
        .collect::<Result<Vec<_>, ImageError>>()?;
    plan_from_config(&config, layers, src)
}
