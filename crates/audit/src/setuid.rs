//! Setuid/setgid files of an image (CIS 4.8), read by streaming `docker save`
//! once: each layer's tar is walked as it goes by, and the manifest, which
//! comes last, gives the layer order so upper layers' whiteouts apply.

use crate::live::Client;
use futures_util::TryStreamExt;
use std::collections::{BTreeSet, HashMap};
use std::io::Read;

#[derive(Default)]
struct LayerFacts {
    setuid: BTreeSet<String>,
    deleted: Vec<String>,
    opaque: Vec<String>,
}

fn norm(p: &str) -> String {
    p.trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/')
        .to_string()
}

/// Walks one layer tar; `Err` when it is not a tar at all (a config blob).
fn walk_layer<R: Read>(r: R) -> std::io::Result<LayerFacts> {
    let mut facts = LayerFacts::default();
    let mut ar = tar::Archive::new(r);
    for e in ar.entries()? {
        let e = e?;
        let path = norm(&String::from_utf8_lossy(&e.path_bytes()));
        let (dir, base) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
        if base == ".wh..wh..opq" {
            facts.opaque.push(dir.to_string());
            continue;
        }
        if let Some(gone) = base.strip_prefix(".wh.") {
            facts.deleted.push(if dir.is_empty() {
                gone.to_string()
            } else {
                format!("{dir}/{gone}")
            });
            continue;
        }
        let mode = e.header().mode().unwrap_or(0);
        if e.header().entry_type().is_file() && mode & 0o6000 != 0 {
            facts.setuid.insert(path);
        }
    }
    Ok(facts)
}

/// The setuid/setgid regular files of the image's merged filesystem, sorted.
pub fn scan(client: &Client, image_id: &str) -> Result<Vec<String>, String> {
    let stream = client
        .docker
        .export_image(image_id)
        .map_err(std::io::Error::other);
    let reader = tokio_util::io::SyncIoBridge::new_with_handle(
        tokio_util::io::StreamReader::new(stream),
        client.rt.handle().clone(),
    );
    let mut outer = tar::Archive::new(reader);
    let mut layers: HashMap<String, LayerFacts> = HashMap::new();
    let mut manifest: Option<Vec<u8>> = None;
    let entries = outer
        .entries()
        .map_err(|e| format!("docker save {image_id}: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("docker save {image_id}: stream broke: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = norm(&String::from_utf8_lossy(&entry.path_bytes()));
        if path == "manifest.json" {
            let mut buf = Vec::new();
            entry
                .read_to_end(&mut buf)
                .map_err(|e| format!("manifest.json: {e}"))?;
            manifest = Some(buf);
        } else if path.ends_with("layer.tar") || path.starts_with("blobs/") {
            // Config and manifest blobs are JSON, not tar: skipped by the error.
            if let Ok(f) = walk_layer(&mut entry) {
                layers.insert(path, f);
            }
        }
    }
    let manifest = manifest.ok_or_else(|| format!("docker save {image_id}: no manifest.json"))?;
    let m: serde_json::Value =
        serde_json::from_slice(&manifest).map_err(|e| format!("manifest.json: {e}"))?;
    let order: Vec<String> = m
        .get(0)
        .and_then(|e| e.get("Layers"))
        .and_then(|l| l.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(norm)).collect())
        .unwrap_or_default();
    let mut merged: BTreeSet<String> = BTreeSet::new();
    for l in order {
        let Some(f) = layers.get(&l) else { continue };
        for d in &f.opaque {
            merged.retain(|p| !p.starts_with(&format!("{d}/")));
        }
        for d in &f.deleted {
            merged.retain(|p| p != d && !p.starts_with(&format!("{d}/")));
        }
        merged.extend(f.setuid.iter().cloned());
    }
    Ok(merged.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_walk_finds_setuid_and_whiteouts() {
        let mut b = tar::Builder::new(Vec::new());
        for (p, mode) in [
            ("usr/bin/passwd", 0o4755),
            ("usr/bin/wall", 0o2755),
            ("usr/bin/ls", 0o755),
        ] {
            let mut h = tar::Header::new_gnu();
            h.set_size(0);
            h.set_mode(mode);
            h.set_entry_type(tar::EntryType::Regular);
            b.append_data(&mut h, p, &[][..]).unwrap();
        }
        let mut h = tar::Header::new_gnu();
        h.set_size(0);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, "usr/sbin/.wh.su", &[][..]).unwrap();
        let t = b.into_inner().unwrap();
        let f = walk_layer(&t[..]).unwrap();
        assert_eq!(
            f.setuid.into_iter().collect::<Vec<_>>(),
            vec!["usr/bin/passwd", "usr/bin/wall"]
        );
        assert_eq!(f.deleted, vec!["usr/sbin/su"]);
        assert!(
            walk_layer(&b"{\"architecture\":\"amd64\"}"[..])
                .map(|f| f.setuid.is_empty())
                .unwrap_or(true)
        );
    }
}
