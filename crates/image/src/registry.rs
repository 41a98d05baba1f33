//! Pulling from an OCI registry over the distribution API v2 (oci-client):
//! anonymous, basic and bearer-token auth, credentials from
//! `~/.docker/config.json` (or `$DOCKER_CONFIG`), plain HTTP with `--insecure`.
//! Layer blobs are streamed straight into the layer walker; nothing is written.

use crate::ImageError;
use crate::manifest::{ImagePlan, LayerDesc, Platform, plan_from_manifest};
use futures_util::TryStreamExt;
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::manifest::{
    IMAGE_MANIFEST_LIST_MEDIA_TYPE, IMAGE_MANIFEST_MEDIA_TYPE, OCI_IMAGE_INDEX_MEDIA_TYPE,
    OCI_IMAGE_MEDIA_TYPE,
};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde_json::Value;
use std::io::Read;

const MAX_METADATA: usize = 16 * 1024 * 1024;

/// How to reach a registry.
#[derive(Debug, Clone, Default)]
pub struct RegistryOptions {
    /// Plain HTTP (and no certificate checks) for this pull.
    pub insecure: bool,
    pub platform: Platform,
    /// Explicit credentials; otherwise the Docker config's are used, else anonymous.
    pub username: Option<String>,
    pub password: Option<String>,
}

/// A connection to one image in a registry, able to stream its blobs.
pub struct Remote {
    rt: tokio::runtime::Runtime,
    client: Client,
    reference: Reference,
    auth: RegistryAuth,
}

fn err(reference: &str, e: impl std::fmt::Display) -> ImageError {
    ImageError::Registry(format!("{reference}: {e}"))
}

/// Credentials for `registry` from the Docker config (`auths`, `credsStore`, `credHelpers`).
fn docker_auth(registry: &str) -> RegistryAuth {
    let candidates = [
        registry.to_string(),
        format!("https://{registry}"),
        format!("http://{registry}"),
        if registry == "docker.io" || registry == "index.docker.io" {
            "https://index.docker.io/v1/".to_string()
        } else {
            registry.to_string()
        },
    ];
    for c in candidates {
        match docker_credential::get_credential(&c) {
            Ok(docker_credential::DockerCredential::UsernamePassword(u, p)) => {
                return RegistryAuth::Basic(u, p);
            }
            Ok(docker_credential::DockerCredential::IdentityToken(t)) => {
                return RegistryAuth::Bearer(t);
            }
            Err(_) => continue,
        }
    }
    RegistryAuth::Anonymous
}

impl Remote {
    /// Connects and resolves `reference` to one image manifest, then reads its config.
    pub fn connect(
        reference: &str,
        opts: &RegistryOptions,
    ) -> Result<(Remote, ImagePlan), ImageError> {
        let parsed: Reference = reference.parse().map_err(|e| {
            ImageError::Usage(format!("invalid image reference {reference:?}: {e}"))
        })?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| ImageError::io("tokio runtime", e))?;
        let config = ClientConfig {
            protocol: if opts.insecure {
                ClientProtocol::Http
            } else {
                ClientProtocol::Https
            },
            accept_invalid_certificates: opts.insecure,
            // drydock chooses the platform itself, from the raw index.
            platform_resolver: None,
            ..ClientConfig::default()
        };
        let client = Client::new(config);
        let auth = match (&opts.username, &opts.password) {
            (Some(u), Some(p)) => RegistryAuth::Basic(u.clone(), p.clone()),
            _ => docker_auth(parsed.resolve_registry()),
        };
        let remote = Remote {
            rt,
            client,
            reference: parsed,
            auth,
        };
        let plan = remote.plan(reference, &opts.platform)?;
        Ok((remote, plan))
    }

    fn plan(&self, name: &str, platform: &Platform) -> Result<ImagePlan, ImageError> {
        let accept = [
            OCI_IMAGE_MEDIA_TYPE,
            IMAGE_MANIFEST_MEDIA_TYPE,
            OCI_IMAGE_INDEX_MEDIA_TYPE,
            IMAGE_MANIFEST_LIST_MEDIA_TYPE,
        ];
        let (mut bytes, mut digest) = self
            .rt
            .block_on(
                self.client
                    .pull_manifest_raw(&self.reference, &self.auth, &accept),
            )
            .map_err(|e| err(name, e))?;
        let mut repo_digests = Vec::new();
        for _ in 0..4 {
            if bytes.len() > MAX_METADATA {
                return Err(err(name, "manifest too large"));
            }
            let doc: Value = serde_json::from_slice(&bytes)
                .map_err(|e| err(name, format!("manifest is not JSON: {e}")))?;
            if repo_digests.is_empty() {
                repo_digests.push(format!("{}@{}", self.reference.repository(), digest));
            }
            let Some(list) = doc.get("manifests").and_then(Value::as_array) else {
                break;
            };
            let chosen = list
                .iter()
                .find(|m| m.get("platform").is_some_and(|p| platform.matches(p)))
                .and_then(|m| m.get("digest").and_then(Value::as_str))
                .ok_or_else(|| {
                    ImageError::NotFound(format!(
                        "{name}: no manifest for platform {}/{}",
                        platform.os, platform.architecture
                    ))
                })?
                .to_string();
            let by_digest = self.reference.clone_with_digest(chosen.clone());
            let (b, d) = self
                .rt
                .block_on(
                    self.client
                        .pull_manifest_raw(&by_digest, &self.auth, &accept),
                )
                .map_err(|e| err(name, e))?;
            crate::manifest::verify_digest(&b, &chosen, name)?;
            bytes = b;
            digest = d;
        }
        let mut plan = plan_from_manifest(
            &bytes,
            name,
            |d| {
                let mut out = Vec::new();
                self.rt
                    .block_on(self.client.pull_blob(&self.reference, d, &mut out))
                    .map_err(|e| err(name, e))?;
                Ok(out)
            },
            |d| Ok(d.to_string()),
        )?;
        plan.repo_tags = vec![name.to_string()];
        plan.repo_digests = repo_digests;
        Ok(plan)
    }

    /// Streams a layer blob. The walker verifies its digest.
    pub fn open_layer(&self, desc: &LayerDesc) -> Result<Box<dyn Read + Send>, ImageError> {
        let name = self.reference.whole();
        let stream = self
            .rt
            .block_on(
                self.client
                    .pull_blob_stream(&self.reference, desc.location.as_str()),
            )
            .map_err(|e| err(&name, e))?;
        let reader =
            tokio_util::io::StreamReader::new(stream.stream.map_err(std::io::Error::other));
        Ok(Box::new(tokio_util::io::SyncIoBridge::new_with_handle(
            reader,
            self.rt.handle().clone(),
        )))
    }
}
