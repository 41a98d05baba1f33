//! PHP: Composer's `composer.lock` and the installed tree's
//! `vendor/composer/installed.json` (Composer 1 and 2 formats), and the
//! project's `composer.json`, which names the lock's direct dependencies.

use super::link::{Dep, Manifest, manifest_output, wants_manifest};
use super::{Cataloger, file_name, json, parent};
use drydock_core::{AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new(
            "composer-lock",
            1,
            |p| file_name(p) == "composer.lock",
            parse_composer_lock,
        ),
        Cataloger::new("composer-installed", 1, wants_installed, parse_installed),
        Cataloger::new(
            "composer-manifest",
            1,
            |p| wants_manifest(p, "composer.json"),
            parse_manifest,
        ),
    ]
}

#[derive(Deserialize)]
struct ComposerJson {
    #[serde(default)]
    require: BTreeMap<String, Value>,
    #[serde(default, rename = "require-dev")]
    require_dev: BTreeMap<String, Value>,
}

/// composer.json (getcomposer.org/doc/04-schema.md): `require` is runtime,
/// `require-dev` development. Platform requirements (`php`, `ext-*`,
/// `lib-*`, `composer-*`) are not packages.
fn parse_manifest(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let deps = |m: &BTreeMap<String, Value>| -> Vec<Dep> {
        m.keys()
            .filter(|n| n.contains('/'))
            .map(|n| Dep {
                name: n.clone(),
                spec: String::new(),
            })
            .collect()
    };
    let parsed = json::<ComposerJson>(path, content).map(|m| Manifest {
        ecosystem: Ecosystem::Packagist,
        locks: vec!["composer.lock".into()],
        prod: deps(&m.require),
        dev: deps(&m.require_dev),
    });
    manifest_output(parsed.map_err(|e| e.0))
}

fn wants_installed(path: &str) -> bool {
    file_name(path) == "installed.json" && file_name(parent(path)) == "composer"
}

#[derive(Deserialize)]
struct ComposerPackage {
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    license: Option<Value>,
}

fn package(p: &ComposerPackage, path: &str, dev: bool) -> Option<Package> {
    if p.name.is_empty() || p.version.is_empty() {
        return None;
    }
    let mut pkg = Package::new(
        Ecosystem::Packagist,
        PackageKind::Library,
        &p.name,
        &p.version,
        Location::file(path),
    );
    pkg.dev = dev;
    pkg.licenses = match &p.license {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    Some(pkg)
}

#[derive(Deserialize)]
struct ComposerLock {
    #[serde(default)]
    packages: Vec<ComposerPackage>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<ComposerPackage>,
}

/// `packages` are runtime, `packages-dev` are dev. The lock does not say which
/// are direct (composer.json does).
fn parse_composer_lock(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let lock: ComposerLock = json(path, content)?;
    let mut out = FileOutput::default();
    for (list, dev) in [(&lock.packages, false), (&lock.packages_dev, true)] {
        for p in list {
            match package(p, path, dev) {
                Some(pkg) => out.packages.push(pkg),
                None => out
                    .warnings
                    .push(format!("{path}: package {:?} has no version", p.name)),
            }
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Installed {
    /// Composer 2: an object with the packages and which of them are dev.
    V2 {
        packages: Vec<ComposerPackage>,
        #[serde(default, rename = "dev-package-names")]
        dev_package_names: Vec<String>,
    },
    /// Composer 1: a bare array.
    V1(Vec<ComposerPackage>),
}

fn parse_installed(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let installed: Installed = json(path, content)?;
    let (packages, dev): (Vec<ComposerPackage>, HashSet<String>) = match installed {
        Installed::V2 {
            packages,
            dev_package_names,
        } => (packages, dev_package_names.into_iter().collect()),
        Installed::V1(p) => (p, HashSet::new()),
    };
    let mut out = FileOutput::default();
    for p in &packages {
        match package(p, path, dev.contains(&p.name)) {
            Some(pkg) => out.packages.push(pkg),
            None => out
                .warnings
                .push(format!("{path}: package {:?} has no version", p.name)),
        }
    }
    Ok(out)
}
