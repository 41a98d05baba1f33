//! Stacks per-layer results into the filesystem the container sees.
//!
//! Layers apply in order: a layer's whiteouts and opaque directories remove
//! what lower layers put there, then its own files replace lower ones at the
//! same path. Each package of the final view is attributed to the lowest layer
//! from which it was continuously present in that file, so a package installed
//! in layer 2 is still blamed on layer 2 after layer 5 rewrote the dpkg status.

use crate::path::is_under;
use crate::walker::LayerAnalysis;
use drydock_core::analyze::FileOutput;
use drydock_core::{LayerRef, Location, Package};
use std::collections::BTreeMap;

/// One file of the merged view with what the analyzers found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedFile {
    pub path: String,
    /// The layer that holds the visible version (None for directory scans).
    pub layer: Option<LayerRef>,
    pub output: FileOutput,
}

/// The merged view: files with results, and symlinks at wanted paths.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    pub files: Vec<MergedFile>,
    pub symlinks: BTreeMap<String, String>,
}

impl Merged {
    /// Every package of the view, in path order.
    pub fn packages(&self) -> impl Iterator<Item = &Package> {
        self.files.iter().flat_map(|f| f.output.packages.iter())
    }
}

fn remove_under<V>(map: &mut BTreeMap<String, V>, dir: &str, include_self: bool) {
    if dir.is_empty() {
        // The root: an opaque root hides everything below.
        map.clear();
        return;
    }
    let keys: Vec<String> = map
        .range(dir.to_string()..)
        .take_while(|(k, _)| k.starts_with(dir))
        .filter(|(k, _)| is_under(k, dir) && (include_self || k.as_str() != dir))
        .map(|(k, _)| k.clone())
        .collect();
    for k in keys {
        map.remove(&k);
    }
}

/// Merges layer results, lowest first.
pub fn merge(layers: &[(LayerRef, &LayerAnalysis)]) -> Merged {
    // path -> versions of that file, lowest layer first, since it last appeared.
    let mut history: BTreeMap<String, Vec<(usize, &FileOutput)>> = BTreeMap::new();
    let mut symlinks: BTreeMap<String, String> = BTreeMap::new();
    for (i, (_, la)) in layers.iter().enumerate() {
        for d in &la.opaque_dirs {
            remove_under(&mut history, d, false);
            remove_under(&mut symlinks, d, false);
        }
        for w in &la.whiteouts {
            remove_under(&mut history, w, true);
            remove_under(&mut symlinks, w, true);
        }
        for (path, out) in &la.files {
            history.entry(path.clone()).or_default().push((i, out));
        }
        for (link, target) in &la.symlinks {
            symlinks.insert(link.clone(), target.clone());
        }
    }

    let mut files = Vec::with_capacity(history.len());
    for (path, versions) in history {
        let Some(&(top, top_out)) = versions.last() else {
            continue;
        };
        let mut output = top_out.clone();
        for pkg in &mut output.packages {
            let mut first = top;
            for &(li, out) in versions.iter().rev().skip(1) {
                if out.packages.iter().any(|p| same_package(p, pkg)) {
                    first = li;
                } else {
                    break;
                }
            }
            pkg.location = Location {
                path: if pkg.location.path.is_empty() {
                    path.clone()
                } else {
                    pkg.location.path.clone()
                },
                layer: Some(layers[first].0.clone()),
                line: pkg.location.line,
            };
        }
        files.push(MergedFile {
            path,
            layer: Some(layers[top].0.clone()),
            output,
        });
    }
    Merged { files, symlinks }
}

fn same_package(a: &Package, b: &Package) -> bool {
    a.name == b.name && a.version == b.version && a.arch == b.arch
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::{Ecosystem, PackageKind};

    fn pkg(name: &str, ver: &str) -> Package {
        Package::new(
            Ecosystem::Debian,
            PackageKind::Os,
            name,
            ver,
            Location::file("var/lib/dpkg/status"),
        )
    }

    fn layer(files: &[(&str, Vec<Package>)], wh: &[&str], opq: &[&str]) -> LayerAnalysis {
        LayerAnalysis {
            files: files
                .iter()
                .map(|(p, pk)| {
                    (
                        p.to_string(),
                        FileOutput {
                            packages: pk.clone(),
                            ..Default::default()
                        },
                    )
                })
                .collect(),
            whiteouts: wh.iter().map(|s| s.to_string()).collect(),
            opaque_dirs: opq.iter().map(|s| s.to_string()).collect(),
            complete: true,
            ..Default::default()
        }
    }

    fn lref(i: usize) -> LayerRef {
        LayerRef {
            index: i,
            diff_id: format!("sha256:{i}"),
            ..Default::default()
        }
    }

    #[test]
    fn upper_layers_win_and_packages_keep_their_layer() {
        let l0 = layer(
            &[("var/lib/dpkg/status", vec![pkg("a", "1"), pkg("b", "1")])],
            &[],
            &[],
        );
        let l1 = layer(
            &[(
                "var/lib/dpkg/status",
                vec![pkg("a", "1"), pkg("b", "2"), pkg("c", "1")],
            )],
            &[],
            &[],
        );
        let m = merge(&[(lref(0), &l0), (lref(1), &l1)]);
        assert_eq!(m.files.len(), 1);
        let got: Vec<_> = m
            .packages()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.location.layer.as_ref().unwrap().index,
                )
            })
            .collect();
        assert_eq!(got, vec![("a", "1", 0), ("b", "2", 1), ("c", "1", 1)]);
    }

    #[test]
    fn whiteouts_and_opaque_dirs_remove_lower_files() {
        let l0 = layer(
            &[
                ("app/requirements.txt", vec![pkg("x", "1")]),
                ("opt/lib/a.jar", vec![pkg("y", "1")]),
                ("opt/lib/sub/b.jar", vec![pkg("z", "1")]),
                ("opt/libx/c.jar", vec![pkg("w", "1")]),
            ],
            &[],
            &[],
        );
        let l1 = layer(
            &[("opt/lib/new.jar", vec![pkg("n", "1")])],
            &["app/requirements.txt"],
            &["opt/lib"],
        );
        let m = merge(&[(lref(0), &l0), (lref(1), &l1)]);
        let paths: Vec<_> = m.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["opt/lib/new.jar", "opt/libx/c.jar"]);
    }

    #[test]
    fn readded_file_after_whiteout_is_attributed_to_new_layer() {
        let l0 = layer(&[("s", vec![pkg("a", "1")])], &[], &[]);
        let l1 = layer(&[], &["s"], &[]);
        let l2 = layer(&[("s", vec![pkg("a", "1")])], &[], &[]);
        let m = merge(&[(lref(0), &l0), (lref(1), &l1), (lref(2), &l2)]);
        assert_eq!(
            m.packages()
                .next()
                .unwrap()
                .location
                .layer
                .as_ref()
                .unwrap()
                .index,
            2
        );
    }
}
