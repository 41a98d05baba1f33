//! .NET: `*.deps.json` (written next to every built application) and NuGet's
//! `packages.lock.json`.

use super::{Cataloger, dedup, file_name, json};
use drydock_core::{AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new(
            "dotnet-deps",
            1,
            |p| file_name(p).ends_with(".deps.json"),
            parse_deps_json,
        ),
        Cataloger::new(
            "nuget-packages-lock",
            1,
            |p| file_name(p) == "packages.lock.json",
            parse_packages_lock,
        ),
    ]
}

fn nuget(name: &str, version: &str, path: &str) -> Package {
    Package::new(
        Ecosystem::NuGet,
        PackageKind::Library,
        name,
        version,
        Location::file(path),
    )
}

#[derive(Deserialize)]
struct DepsJson {
    #[serde(default, rename = "runtimeTarget")]
    runtime_target: Option<Value>,
    #[serde(default)]
    targets: BTreeMap<String, BTreeMap<String, Value>>,
    #[serde(default)]
    libraries: BTreeMap<String, Library>,
}

#[derive(Deserialize)]
struct Library {
    #[serde(default, rename = "type")]
    kind: String,
}

/// `libraries` keyed `Name/Version`; only `package` entries come from NuGet
/// (`project` is the application, `reference` a framework assembly). The
/// project's dependencies in the runtime target are the direct ones.
fn parse_deps_json(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let deps: DepsJson = json(path, content)?;
    let target_name = deps
        .runtime_target
        .as_ref()
        .and_then(|t| t.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut direct: HashSet<String> = HashSet::new();
    if let Some(target) = deps.targets.get(target_name) {
        for (key, lib) in target {
            let is_project = deps.libraries.get(key).is_some_and(|l| l.kind == "project");
            if let (true, Some(Value::Object(d))) = (is_project, lib.get("dependencies")) {
                direct.extend(d.keys().map(|k| k.to_ascii_lowercase()));
            }
        }
    }
    let mut out = FileOutput::default();
    for (key, lib) in &deps.libraries {
        if lib.kind != "package" {
            continue;
        }
        let Some((name, version)) = key.rsplit_once('/') else {
            out.warnings
                .push(format!("{path}: library key {key:?} is not Name/Version"));
            continue;
        };
        let mut pkg = nuget(name, version, path);
        if !direct.is_empty() {
            pkg.direct = Some(direct.contains(&name.to_ascii_lowercase()));
        }
        out.packages.push(pkg);
    }
    Ok(out)
}

#[derive(Deserialize)]
struct PackagesLock {
    /// Per target framework (`net8.0`), package name to entry.
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, LockEntry>>,
}

#[derive(Deserialize)]
struct LockEntry {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    resolved: Option<String>,
}

/// packages.lock.json (version 1 and 2): `Direct`, `Transitive` and
/// `CentralTransitive` entries; `Project` references are the solution's own.
fn parse_packages_lock(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let lock: PackagesLock = json(path, content)?;
    let mut out = FileOutput::default();
    for entries in lock.dependencies.values() {
        for (name, e) in entries {
            if e.kind.eq_ignore_ascii_case("project") {
                continue;
            }
            let Some(version) = e.resolved.as_deref().filter(|v| !v.is_empty()) else {
                out.warnings
                    .push(format!("{path}: {name} has no resolved version"));
                continue;
            };
            let mut pkg = nuget(name, version, path);
            pkg.direct = Some(e.kind.eq_ignore_ascii_case("direct"));
            out.packages.push(pkg);
        }
    }
    // A package locked for several frameworks is one package; direct wins.
    out.packages
        .sort_by(|a, b| (&a.name, &a.version, b.direct).cmp(&(&b.name, &b.version, a.direct)));
    out.packages
        .dedup_by(|a, b| a.name == b.name && a.version == b.version);
    dedup(&mut out.packages);
    Ok(out)
}
