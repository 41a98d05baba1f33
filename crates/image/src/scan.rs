//! Reads an image's layers (in parallel, from the cache where possible),
//! verifies them against the manifest and config, and merges the results.

use crate::cache::LayerCache;
use crate::manifest::{ImagePlan, LayerDesc};
use crate::merge::{Merged, merge};
use crate::walker::{LayerAnalysis, Limits, analyze_layer};
use crate::{ImageError, Progress};
use drydock_core::{Analyzer, Artifact, ArtifactKind, Finding, LayerInfo, LayerRef, ScanWarning};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The outcome of reading an image or a directory.
#[derive(Debug, Clone)]
pub struct ImageScan {
    pub artifact: Artifact,
    pub merged: Merged,
    pub warnings: Vec<ScanWarning>,
    /// Findings in files of every layer, not only the merged view: a secret
    /// deleted by a later layer is still in the image and still reported.
    pub findings: Vec<Finding>,
}

/// Opens one layer blob for reading.
pub type LayerOpener<'a> =
    dyn Fn(&LayerDesc) -> Result<Box<dyn Read + Send>, ImageError> + Sync + 'a;

/// How a scan is run.
pub struct RunOptions<'a> {
    pub analyzers: &'a [Box<dyn Analyzer>],
    pub cache: Option<&'a LayerCache>,
    pub limits: Limits,
    /// Worker threads for layers; 0 = one per core.
    pub threads: usize,
    pub progress: Option<&'a dyn Progress>,
}

/// Counts bytes for the progress bar.
struct Counting<'a, R> {
    inner: R,
    progress: Option<&'a dyn Progress>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = self.progress {
            p.advance(n as u64);
        }
        Ok(n)
    }
}

/// Analyzes every layer of `plan`, reusing cached layers, and merges them.
pub fn run_plan(
    name: &str,
    plan: &ImagePlan,
    open: &LayerOpener<'_>,
    opts: &RunOptions<'_>,
) -> Result<ImageScan, ImageError> {
    run_plan_with(name, plan, open, opts, HashMap::new())
}

/// [`run_plan`] with some layers already analyzed (by diffID), as a streaming
/// source does while it reads.
pub fn run_plan_with(
    name: &str,
    plan: &ImagePlan,
    open: &LayerOpener<'_>,
    opts: &RunOptions<'_>,
    mut pre: HashMap<String, LayerAnalysis>,
) -> Result<ImageScan, ImageError> {
    let n = plan.layers.len();
    let mut results: Vec<Option<(LayerAnalysis, bool)>> = vec![None; n];
    let mut fresh: Vec<(usize, Result<LayerAnalysis, ImageError>)> = Vec::new();
    let mut todo = Vec::new();
    for (i, desc) in plan.layers.iter().enumerate() {
        if let Some(la) = pre.remove(&desc.diff_id) {
            fresh.push((i, verify(name, desc, la)));
            continue;
        }
        match opts.cache.and_then(|c| c.get(&desc.diff_id)) {
            Some(la) => results[i] = Some((la, true)),
            None => todo.push(i),
        }
    }
    if let Some(p) = opts.progress {
        p.start(todo.len() as u64, n);
    }
    // Largest first (a stable sort: unknown sizes keep their order), so the
    // workers finish together instead of one big layer running alone at the end.
    todo.sort_by_key(|&i| std::cmp::Reverse(plan.layers[i].size.unwrap_or(0)));

    let threads = if opts.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    } else {
        opts.threads
    }
    .min(todo.len().max(1));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Result<LayerAnalysis, ImageError>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&i) = todo.get(k) else { break };
                    let desc = &plan.layers[i];
                    let r = analyze_one(name, desc, open, opts);
                    if let Some(p) = opts.progress {
                        p.layer_done();
                    }
                    if let Ok(mut d) = done.lock() {
                        d.push((i, r));
                    }
                }
            });
        }
    });

    let mut warnings = Vec::new();
    let mut finished = done.into_inner().unwrap_or_else(|e| e.into_inner());
    finished.extend(fresh);
    for (i, r) in finished {
        let la = r?;
        if la.complete
            && let Some(c) = opts.cache
            && let Err(e) = c.put(&la)
        {
            warnings.push(ScanWarning {
                input: "cache".into(),
                message: format!("could not store layer {} in the cache: {e}", la.diff_id),
            });
        }
        results[i] = Some((la, false));
    }
    if let Some(p) = opts.progress {
        p.finish();
    }

    let mut layers_ref = Vec::with_capacity(n);
    let mut infos = Vec::with_capacity(n);
    let mut analyses = Vec::with_capacity(n);
    for (i, (desc, r)) in plan.layers.iter().zip(results).enumerate() {
        let Some((la, cached)) = r else {
            return Err(ImageError::Invalid(format!(
                "{name}: layer {i} was not analyzed"
            )));
        };
        let lref = LayerRef {
            index: i,
            digest: desc.digest.clone().or_else(|| {
                (!la.blob_digest.is_empty() && la.blob_digest != la.diff_id)
                    .then(|| la.blob_digest.clone())
            }),
            diff_id: desc.diff_id.clone(),
            created_by: desc.created_by.clone(),
        };
        warnings.extend(la.warnings.iter().cloned());
        infos.push(LayerInfo {
            layer: lref.clone(),
            size: Some(la.size),
            cached,
        });
        layers_ref.push(lref);
        analyses.push(la);
    }
    let pairs: Vec<(LayerRef, &LayerAnalysis)> =
        layers_ref.into_iter().zip(analyses.iter()).collect();
    let merged = merge(&pairs);
    let findings = layer_findings(&pairs, &merged);

    let artifact = Artifact {
        name: name.to_string(),
        kind: ArtifactKind::ContainerImage,
        image_id: Some(plan.config_digest.clone()),
        repo_tags: plan.repo_tags.clone(),
        repo_digests: plan.repo_digests.clone(),
        architecture: plan
            .config
            .get("architecture")
            .and_then(Value::as_str)
            .map(str::to_string),
        created: plan
            .config
            .get("created")
            .and_then(Value::as_str)
            .map(str::to_string),
        layers: infos,
        config: Some(plan.config.clone()),
    };
    Ok(ImageScan {
        artifact,
        merged,
        warnings,
        findings,
    })
}

/// Every finding of every layer, located in its layer; those whose file the
/// merged view no longer shows from that layer say they are still extractable.
fn layer_findings(layers: &[(LayerRef, &LayerAnalysis)], merged: &Merged) -> Vec<Finding> {
    let visible: HashMap<&str, usize> = merged
        .files
        .iter()
        .filter_map(|f| f.layer.as_ref().map(|l| (f.path.as_str(), l.index)))
        .collect();
    let mut out = Vec::new();
    for (lref, la) in layers {
        for (path, file) in &la.files {
            for f in &file.findings {
                let mut f = f.clone();
                if f.location.path.is_empty() {
                    f.location.path = path.clone();
                }
                f.location.layer = Some(lref.clone());
                if visible.get(path.as_str()) != Some(&lref.index) {
                    f.notes.push(format!(
                        "removed or replaced by a later layer, but still extractable from layer {} ({})",
                        lref.index, lref.diff_id
                    ));
                }
                out.push(f);
            }
        }
    }
    out
}

fn analyze_one(
    name: &str,
    desc: &LayerDesc,
    open: &LayerOpener<'_>,
    opts: &RunOptions<'_>,
) -> Result<LayerAnalysis, ImageError> {
    let blob_name = format!(
        "{name}:{}",
        desc.digest.as_deref().unwrap_or(&desc.location)
    );
    let reader = open(desc)?;
    let reader = Counting {
        inner: reader,
        progress: opts.progress,
    };
    let la = analyze_layer(reader, &blob_name, opts.analyzers, opts.limits)
        .map_err(|e| ImageError::io(blob_name.clone(), e))?;
    verify(name, desc, la)
}

/// Checks a layer read against the digests the manifest and config promise.
fn verify(name: &str, desc: &LayerDesc, la: LayerAnalysis) -> Result<LayerAnalysis, ImageError> {
    let blob_name = format!(
        "{name}:{}",
        desc.digest.as_deref().unwrap_or(&desc.location)
    );
    if !la.complete {
        // A truncated or corrupt stream: keep what was read, said in a warning.
        return Ok(la);
    }
    if let Some(expected) = &desc.digest
        && *expected != la.blob_digest
    {
        return Err(ImageError::DigestMismatch {
            blob: blob_name,
            expected: expected.clone(),
            actual: la.blob_digest,
        });
    }
    if desc.diff_id != la.diff_id {
        return Err(ImageError::DigestMismatch {
            blob: format!("{blob_name} (uncompressed)"),
            expected: desc.diff_id.clone(),
            actual: la.diff_id,
        });
    }
    Ok(la)
}
