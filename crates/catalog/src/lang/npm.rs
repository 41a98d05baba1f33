//! JavaScript: npm's `package-lock.json` (v1, v2, v3) and
//! `npm-shrinkwrap.json`, `yarn.lock` (classic v1 and berry), `pnpm-lock.yaml`
//! (v5, v6, v9) and installed `node_modules/**/package.json`.
//!
//! Scoped names are kept whole (`@scope/name`). Packages that are the project
//! itself (`file:` dependencies, links to local directories) are reported as
//! `local`. A project's own `package.json` names the direct and dev
//! dependencies of the lockfile beside it (see [`super::link`]).

use super::link::{Dep, Facts, Lock, Manifest, manifest_output, node_id, wants_manifest};
use super::{Cataloger, dedup, file_name, json, parent, text, yaml};
use drydock_core::{AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new(
            "npm-lock",
            2,
            |p| matches!(file_name(p), "package-lock.json" | "npm-shrinkwrap.json"),
            parse_package_lock,
        ),
        Cataloger::new(
            "yarn-lock",
            2,
            |p| file_name(p) == "yarn.lock",
            parse_yarn_lock,
        ),
        Cataloger::new(
            "pnpm-lock",
            1,
            |p| file_name(p) == "pnpm-lock.yaml",
            parse_pnpm_lock,
        ),
        Cataloger::new("node-modules", 1, wants_installed, parse_installed),
        Cataloger::new(
            "npm-manifest",
            2,
            |p| wants_manifest(p, "package.json"),
            parse_manifest,
        ),
    ]
}

/// A project's `package.json`: `dependencies` and `optionalDependencies` are
/// runtime, `devDependencies` development (docs.npmjs.com, "package.json").
/// The project itself, when named and versioned, is a local `Application`
/// (Trivy lists it too when it reads a root filesystem).
fn parse_manifest(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let mut project = None;
    // The same fields as a v2 lock's package entry (whose `""` entry is a
    // copy of package.json).
    let parsed = json::<LockPackage>(path, content).map(|m| {
        if let (Some(n), Some(v)) = (m.name.as_deref(), m.version.as_deref())
            && !n.is_empty()
            && !v.is_empty()
        {
            let mut p = library(n, v, path);
            p.kind = PackageKind::Application;
            p.local = true;
            p.licenses = licenses(m.license.as_ref(), None);
            project = Some(p);
        }
        let deps = |d: &BTreeMap<String, Value>| -> Vec<Dep> {
            d.iter()
                .map(|(name, spec)| Dep {
                    name: name.clone(),
                    spec: spec.as_str().unwrap_or("").to_string(),
                })
                .collect()
        };
        let mut prod = deps(&m.dependencies);
        prod.extend(deps(&m.optional_dependencies));
        Manifest {
            ecosystem: Ecosystem::Npm,
            locks: vec![
                "package-lock.json".into(),
                "npm-shrinkwrap.json".into(),
                "yarn.lock".into(),
            ],
            prod,
            dev: deps(&m.dev_dependencies),
        }
    });
    let mut out = manifest_output(parsed.map_err(|e| e.0))?;
    out.packages.extend(project);
    Ok(out)
}

pub(crate) fn library(name: &str, version: &str, path: &str) -> Package {
    Package::new(
        Ecosystem::Npm,
        PackageKind::Library,
        name,
        version,
        Location::file(path),
    )
}

/// `license` as npm writes it: a string, `{ "type": … }`, or the old
/// `licenses` array of either.
fn licenses(license: Option<&Value>, legacy: Option<&Value>) -> Vec<String> {
    fn one(v: &Value) -> Option<String> {
        match v {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Object(o) => o.get("type").and_then(Value::as_str).map(str::to_string),
            _ => None,
        }
    }
    if let Some(l) = license.and_then(one) {
        return vec![l];
    }
    match legacy {
        Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

// --------------------------------------------------------- package-lock.json

#[derive(Deserialize)]
struct PackageLock {
    #[serde(default, rename = "lockfileVersion")]
    lockfile_version: u32,
    /// v2 and v3: every package by its install path, `""` being the project.
    #[serde(default)]
    packages: BTreeMap<String, LockPackage>,
    /// v1 (and v2's copy for old npm): a tree by name.
    #[serde(default)]
    dependencies: BTreeMap<String, V1Dep>,
}

#[derive(Deserialize)]
struct LockPackage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    link: bool,
    #[serde(default)]
    resolved: Option<String>,
    #[serde(default)]
    license: Option<Value>,
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default, rename = "devDependencies")]
    dev_dependencies: BTreeMap<String, Value>,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: BTreeMap<String, Value>,
    #[serde(default, rename = "peerDependencies")]
    peer_dependencies: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct V1Dep {
    #[serde(default)]
    version: String,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    dependencies: BTreeMap<String, V1Dep>,
}

fn parse_package_lock(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let lock: PackageLock = json(path, content)?;
    let mut out = FileOutput::default();
    if lock.lockfile_version >= 2 || !lock.packages.is_empty() {
        packages_v2(path, &lock.packages, &mut out);
    } else {
        // v1 records no direct/transitive split (package.json beside it
        // does): top-level entries are the hoisted ones, which is where a
        // direct dependency's name resolves.
        let mut facts = Lock {
            records_dev: true,
            ..Lock::default()
        };
        let mut stack: Vec<(bool, &BTreeMap<String, V1Dep>)> = vec![(true, &lock.dependencies)];
        while let Some((top, deps)) = stack.pop() {
            for (key, d) in deps {
                let mut pkg = match v1_version(key, &d.version) {
                    Some((name, version)) => library(name, version, path),
                    None if is_local_spec(&d.version) => {
                        // `file:` code is the project's own: npm records the
                        // spec, not a version, and so does Trivy.
                        let mut p = library(key, &d.version, path);
                        p.local = true;
                        p
                    }
                    None => {
                        if d.version.is_empty() {
                            out.warnings.push(format!("{path}: {key} has no version"));
                        }
                        stack.push((false, &d.dependencies));
                        continue;
                    }
                };
                pkg.dev = d.dev;
                if top {
                    facts.resolved.insert(
                        key.clone(),
                        node_id(Ecosystem::Npm, &pkg.name, &pkg.version),
                    );
                }
                out.packages.push(pkg);
                stack.push((false, &d.dependencies));
            }
        }
        out.packages
            .sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
        Facts::Lock(facts).attach(&mut out);
    }
    dedup(&mut out.packages);
    Ok(out)
}

/// Whether a spec points at local code: `file:` tarballs and directories,
/// `link:` (yarn).
fn is_local_spec(spec: &str) -> bool {
    spec.starts_with("file:") || spec.starts_with("link:")
}

/// A v1 `version` is a registry version, an alias (`npm:real@1.0.0`) or a
/// spec of local or remote code (`file:`, git and tarball URLs), which has no
/// version to report.
fn v1_version<'a>(name: &'a str, version: &'a str) -> Option<(&'a str, &'a str)> {
    if let Some(alias) = version.strip_prefix("npm:") {
        return split_name_version(alias);
    }
    if version.is_empty() || version.contains(':') || version.contains('/') {
        return None;
    }
    Some((name, version))
}

/// v2/v3: keys are install paths (`node_modules/a/node_modules/@s/b`); keys
/// without `node_modules/` are the project and its workspaces, whose declared
/// dependencies are the direct ones.
fn packages_v2(path: &str, packages: &BTreeMap<String, LockPackage>, out: &mut FileOutput) {
    let declared = |p: &LockPackage| -> HashSet<String> {
        p.dependencies
            .keys()
            .chain(p.dev_dependencies.keys())
            .chain(p.optional_dependencies.keys())
            .chain(p.peer_dependencies.keys())
            .cloned()
            .collect()
    };
    let roots: HashMap<&str, HashSet<String>> = packages
        .iter()
        .filter(|(k, _)| !k.contains("node_modules/"))
        .map(|(k, p)| (k.as_str(), declared(p)))
        .collect();
    for (key, p) in packages {
        let Some(i) = key.rfind("node_modules/") else {
            continue;
        };
        let key_name = &key[i + "node_modules/".len()..];
        if p.link {
            // A link to a directory of the project (a workspace, a `file:`
            // directory): the target entry, keyed by that directory, says
            // its version.
            let target = p.resolved.as_deref().and_then(|r| packages.get(r));
            let version = target.and_then(|t| t.version.as_deref()).unwrap_or("");
            let mut pkg = library(key_name, version, path);
            pkg.local = true;
            pkg.dev = p.dev;
            // Declared: a direct dependency. Else a workspace, which is
            // the project itself rather than a dependency of it.
            let owner = key[..i].trim_end_matches('/');
            pkg.direct = roots
                .get(owner)
                .is_some_and(|d| d.contains(key_name))
                .then_some(true);
            out.packages.push(pkg);
            continue;
        }
        let Some(version) = p.version.as_deref().filter(|v| !v.is_empty()) else {
            out.warnings.push(format!("{path}: {key} has no version"));
            continue;
        };
        let name = p.name.as_deref().unwrap_or(key_name);
        let mut pkg = library(name, version, path);
        pkg.dev = p.dev;
        pkg.licenses = licenses(p.license.as_ref(), None);
        let owner = key[..i].trim_end_matches('/');
        pkg.direct = Some(roots.get(owner).is_some_and(|d| d.contains(key_name)));
        out.packages.push(pkg);
    }
}

/// `name@version` where a scoped name starts with `@`.
fn split_name_version(s: &str) -> Option<(&str, &str)> {
    let at = s.get(1..)?.find('@')? + 1;
    let (name, version) = (&s[..at], &s[at + 1..]);
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

// ----------------------------------------------------------------- yarn.lock

fn parse_yarn_lock(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let s = text(path, content)?;
    // Berry writes YAML with a `__metadata` entry; classic writes its own format.
    let berry = s
        .lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"));
    let mut out = if berry {
        parse_yarn_berry(path, s)?
    } else {
        parse_yarn_classic(path, s)
    };
    dedup(&mut out.packages);
    out.packages
        .sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    Ok(out)
}

/// Yarn classic (`# yarn lockfile v1`): an entry is a line of comma-separated
/// `name@range` specifiers ending in `:`, then indented `version "x"` and
/// other fields, and a `dependencies:` block of `name "range"` lines. It
/// records neither direct nor dev dependencies: the specifiers and the graph
/// go into the facts, for the `package.json` beside it to settle both.
fn parse_yarn_classic(path: &str, s: &str) -> FileOutput {
    struct Entry {
        specs: Vec<String>,
        id: Option<String>,
        deps: Vec<String>,
    }
    let mut out = FileOutput::default();
    let mut entries: Vec<Entry> = Vec::new();
    let mut current: Option<(String, u32, bool)> = None;
    let mut in_deps = false;
    for (i, line) in s.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let specs: Vec<String> = line
                .trim_end_matches(':')
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_string())
                .collect();
            let first = specs.first().map_or("", String::as_str);
            current = split_name_version(first)
                .map(|(n, range)| (n.to_string(), lineno, is_local_spec(range)));
            if current.is_none() {
                out.warnings
                    .push(format!("{path}:{lineno}: cannot read entry {first:?}"));
            }
            entries.push(Entry {
                specs,
                id: None,
                deps: Vec::new(),
            });
            in_deps = false;
            continue;
        }
        let field = line.trim();
        let top_field = line.starts_with("  ") && !line.starts_with("   ");
        if top_field {
            in_deps = matches!(field, "dependencies:" | "optionalDependencies:");
        }
        if top_field
            && let Some(v) = field.strip_prefix("version ")
            && let Some((name, at, local)) = current.take()
        {
            let mut pkg = library(&name, v.trim().trim_matches('"'), path);
            pkg.location.line = Some(at);
            pkg.local = local;
            if let Some(e) = entries.last_mut() {
                e.id = Some(node_id(Ecosystem::Npm, &pkg.name, &pkg.version));
            }
            out.packages.push(pkg);
        } else if in_deps
            && line.starts_with("    ")
            && let Some((name, range)) = field.split_once(' ')
            && let Some(e) = entries.last_mut()
        {
            let (name, range) = (name.trim_matches('"'), range.trim().trim_matches('"'));
            e.deps.push(format!("{name}@{range}"));
        }
    }
    let mut facts = Lock::default();
    for e in &entries {
        if let Some(id) = &e.id {
            for spec in &e.specs {
                facts.resolved.insert(spec.clone(), id.clone());
            }
        }
    }
    for e in &entries {
        if let Some(id) = &e.id {
            let deps = e
                .deps
                .iter()
                .filter_map(|d| facts.resolved.get(d).cloned())
                .collect();
            facts.graph.insert(id.clone(), deps);
        }
    }
    Facts::Lock(facts).attach(&mut out);
    out
}

/// Yarn berry (lockfile `__metadata.version` 4 to 8): YAML entries keyed by
/// descriptors, each with a `resolution` of `name@protocol:reference`. The
/// root workspace's `dependencies` (which include its devDependencies) are the
/// direct dependencies; the lockfile does not say which are dev, so the
/// descriptors and the graph go into the facts for `package.json` to settle.
fn parse_yarn_berry(path: &str, s: &str) -> Result<FileOutput, AnalyzeError> {
    let doc: BTreeMap<String, Value> = serde_saphyr::from_str(s)
        .map_err(|e| AnalyzeError::new(format!("{path}: invalid YAML: {e}")))?;
    // Descriptor (`name@npm:^1.0.0`) to the resolution it locks.
    let mut resolution_of: HashMap<String, String> = HashMap::new();
    for (key, entry) in &doc {
        if let Some(r) = entry.get("resolution").and_then(Value::as_str) {
            for d in key.split(',') {
                resolution_of.insert(d.trim().to_string(), r.to_string());
            }
        }
    }
    let mut direct: HashSet<&str> = HashSet::new();
    for entry in doc.values() {
        let Some(r) = entry.get("resolution").and_then(Value::as_str) else {
            continue;
        };
        if !r.ends_with("@workspace:.") {
            continue;
        }
        if let Some(Value::Object(deps)) = entry.get("dependencies") {
            for (name, range) in deps {
                let range = range.as_str().unwrap_or("");
                // A bare range means the default `npm:` protocol.
                let desc = if range.contains(':') {
                    format!("{name}@{range}")
                } else {
                    format!("{name}@npm:{range}")
                };
                if let Some(r) = resolution_of.get(&desc) {
                    direct.insert(r.as_str());
                }
            }
        }
    }
    let mut out = FileOutput::default();
    let mut facts = Lock::default();
    // Resolution (`name@npm:1.0.0`) to the graph id of the package reported.
    let mut id_of: HashMap<&str, String> = HashMap::new();
    for (key, entry) in &doc {
        if key == "__metadata" {
            continue;
        }
        let Some(resolution) = entry.get("resolution").and_then(Value::as_str) else {
            out.warnings
                .push(format!("{path}: entry {key:?} has no resolution"));
            continue;
        };
        let Some((name, reference)) = split_name_version(resolution) else {
            out.warnings
                .push(format!("{path}: cannot read resolution {resolution:?}"));
            continue;
        };
        let protocol = reference.split_once(':').map_or("", |(p, _)| p);
        if matches!(protocol, "workspace" | "link" | "portal" | "patch" | "file") {
            continue;
        }
        let version = match entry.get("version") {
            Some(Value::String(v)) => v.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        let mut pkg = library(name, &version, path);
        if !direct.is_empty() {
            pkg.direct = Some(direct.contains(resolution));
        }
        let id = node_id(Ecosystem::Npm, name, &version);
        for d in key.split(',') {
            let d = d.trim();
            facts.resolved.insert(d.to_string(), id.clone());
            // package.json writes `^1.0.0` where the descriptor has `npm:^1.0.0`.
            if let Some((n, range)) = split_name_version(d)
                && let Some(bare) = range.strip_prefix("npm:")
            {
                facts.resolved.insert(format!("{n}@{bare}"), id.clone());
            }
        }
        id_of.insert(resolution, id);
        out.packages.push(pkg);
    }
    for entry in doc.values() {
        let (Some(r), Some(Value::Object(deps))) = (
            entry.get("resolution").and_then(Value::as_str),
            entry.get("dependencies"),
        ) else {
            continue;
        };
        let Some(id) = id_of.get(r) else { continue };
        let next = deps
            .iter()
            .filter_map(|(name, range)| {
                let range = range.as_str().unwrap_or("");
                let desc = if range.contains(':') {
                    format!("{name}@{range}")
                } else {
                    format!("{name}@npm:{range}")
                };
                resolution_of
                    .get(&desc)
                    .and_then(|r| id_of.get(r.as_str()))
                    .cloned()
            })
            .collect();
        facts.graph.insert(id.clone(), next);
    }
    Facts::Lock(facts).attach(&mut out);
    Ok(out)
}

// ------------------------------------------------------------ pnpm-lock.yaml

#[derive(Deserialize, Default)]
struct PnpmImporter {
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default, rename = "devDependencies")]
    dev_dependencies: BTreeMap<String, Value>,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct PnpmLock {
    #[serde(default, rename = "lockfileVersion")]
    lockfile_version: Option<Value>,
    /// Workspaces (v6 with workspaces, always in v9), keyed by directory.
    #[serde(default)]
    importers: BTreeMap<String, PnpmImporter>,
    /// v5/v6 single projects write the importer at the top level.
    #[serde(flatten)]
    root: PnpmImporter,
    #[serde(default)]
    packages: BTreeMap<String, Value>,
    /// v9: the dependency graph, keyed like `packages` plus peer suffixes.
    #[serde(default)]
    snapshots: BTreeMap<String, Value>,
}

/// pnpm-lock.yaml v5.x (`/name/1.0.0` keys), v6 (`/name@1.0.0`, `dev:` flags)
/// and v9 (`name@1.0.0` keys, graph in `snapshots`, no dev flags: a package is
/// dev when only development dependencies of the importers reach it).
fn parse_pnpm_lock(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let mut lock: PnpmLock = yaml(path, content)?;
    let major = match &lock.lockfile_version {
        Some(Value::String(s)) => s.split('.').next().and_then(|m| m.parse::<u32>().ok()),
        Some(Value::Number(n)) => n.as_f64().map(|f| f as u32),
        _ => None,
    }
    .unwrap_or(0);
    if lock.importers.is_empty() {
        lock.importers
            .insert(".".into(), std::mem::take(&mut lock.root));
    }
    // Direct dependencies, as package keys without the leading `/`.
    let mut direct: HashSet<String> = HashSet::new();
    let mut prod_roots: Vec<String> = Vec::new();
    for imp in lock.importers.values() {
        for (deps, prod) in [
            (&imp.dependencies, true),
            (&imp.optional_dependencies, true),
            (&imp.dev_dependencies, false),
        ] {
            for (name, v) in deps {
                // v6+: `{ specifier, version }`; v5: the version string itself.
                let version = match v {
                    Value::String(s) => s.as_str(),
                    other => other.get("version").and_then(Value::as_str).unwrap_or(""),
                };
                if version.starts_with("link:") || version.is_empty() {
                    continue;
                }
                let key = pnpm_dep_key(name, version, major);
                direct.insert(strip_peers(&key, major).to_string());
                if prod {
                    prod_roots.push(key);
                }
            }
        }
    }
    let reachable_prod = (major >= 9).then(|| pnpm_reachable(&lock.snapshots, prod_roots));
    let mut out = FileOutput::default();
    for (key, entry) in &lock.packages {
        let bare = strip_peers(key.trim_start_matches('/'), major);
        let Some((name, version)) = pnpm_name_version(bare, major) else {
            out.warnings
                .push(format!("{path}: cannot read package key {key:?}"));
            continue;
        };
        // Packages from tarballs or git carry their own name and version.
        let name = entry.get("name").and_then(Value::as_str).unwrap_or(name);
        let version = entry
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or(version);
        let mut pkg = library(name, version, path);
        pkg.direct = Some(direct.contains(bare));
        pkg.dev = match &reachable_prod {
            Some(prod) => !prod.contains(bare),
            None => entry.get("dev").and_then(Value::as_bool) == Some(true),
        };
        out.packages.push(pkg);
    }
    dedup(&mut out.packages);
    Ok(out)
}

/// The `packages` key a dependency of an importer or snapshot points at. The
/// version may already be a full key (`/other@1.0.0`, aliases) or a path.
fn pnpm_dep_key(name: &str, version: &str, major: u32) -> String {
    if let Some(k) = version.strip_prefix('/') {
        return k.to_string();
    }
    // An alias (`alias: real@2.0.0`) already names the package it points at.
    let head = version.split('(').next().unwrap_or(version);
    if major >= 6 && head.get(1..).is_some_and(|h| h.contains('@')) {
        return version.to_string();
    }
    if major >= 6 {
        format!("{name}@{version}")
    } else {
        format!("{name}/{version}")
    }
}

/// Drops the peer-dependency suffix: `a@1.0.0(react@18.0.0)` (v6+) or
/// `a/1.0.0_react@18.0.0` (v5).
fn strip_peers(key: &str, major: u32) -> &str {
    let key = key.split('(').next().unwrap_or(key);
    if major >= 6 {
        return key;
    }
    // v5 puts the suffix on the version, the last segment; names may hold `_`.
    match key.rsplit_once('/') {
        Some((name, version)) => {
            &key[..name.len() + 1 + version.find('_').unwrap_or(version.len())]
        }
        None => key,
    }
}

fn pnpm_name_version(key: &str, major: u32) -> Option<(&str, &str)> {
    if major >= 6 || key.get(1..).is_some_and(|k| k.contains('@')) {
        split_name_version(key)
    } else {
        let (n, v) = key.rsplit_once('/')?;
        (!n.is_empty() && !v.is_empty()).then_some((n, v))
    }
}

/// Package keys (without peer suffixes) reachable from `roots` in v9's snapshots.
fn pnpm_reachable(snapshots: &BTreeMap<String, Value>, mut stack: Vec<String>) -> HashSet<String> {
    let mut seen = HashSet::new();
    while let Some(key) = stack.pop() {
        if !seen.insert(key.clone()) {
            continue;
        }
        let Some(snap) = snapshots.get(&key) else {
            continue;
        };
        for field in ["dependencies", "optionalDependencies"] {
            if let Some(Value::Object(deps)) = snap.get(field) {
                for (name, v) in deps {
                    if let Some(v) = v.as_str() {
                        stack.push(pnpm_dep_key(name, v, 9));
                    }
                }
            }
        }
    }
    seen.into_iter()
        .map(|k| strip_peers(&k, 9).to_string())
        .collect()
}

// ----------------------------------------------------- node_modules/**/package.json

/// `…/node_modules/name/package.json` or `…/node_modules/@scope/name/package.json`;
/// other package.json files are projects or a package's internal files.
fn wants_installed(path: &str) -> bool {
    if file_name(path) != "package.json" {
        return false;
    }
    let pkg_dir = parent(path);
    let above = parent(pkg_dir);
    let is_nm = |d: &str| d == "node_modules" || d.ends_with("/node_modules");
    is_nm(above) || (file_name(above).starts_with('@') && is_nm(parent(above)))
}

fn parse_installed(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let v: Value = json(path, content)?;
    let name = v.get("name").and_then(Value::as_str).unwrap_or("");
    let version = v.get("version").and_then(Value::as_str).unwrap_or("");
    if name.is_empty() || version.is_empty() {
        return Ok(FileOutput {
            warnings: vec![format!("{path}: no name or version")],
            ..Default::default()
        });
    }
    let mut pkg = library(name, version, path);
    pkg.licenses = licenses(v.get("license"), v.get("licenses"));
    Ok(FileOutput {
        packages: vec![pkg],
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wants_only_package_roots_in_node_modules() {
        assert!(wants_installed("app/node_modules/a/package.json"));
        assert!(wants_installed("node_modules/@s/b/package.json"));
        assert!(wants_installed(
            "x/node_modules/a/node_modules/@s/b/package.json"
        ));
        assert!(!wants_installed("app/package.json"));
        assert!(!wants_installed("node_modules/a/lib/package.json"));
        assert!(!wants_installed("node_modules/a/package.jsonx"));
    }

    #[test]
    fn name_version_split() {
        assert_eq!(
            split_name_version("@babel/core@7.0.0"),
            Some(("@babel/core", "7.0.0"))
        );
        assert_eq!(
            split_name_version("lodash@npm:4.17.21"),
            Some(("lodash", "npm:4.17.21"))
        );
        assert_eq!(split_name_version("lodash"), None);
        assert_eq!(split_name_version("@x"), None);
    }

    #[test]
    fn pnpm_keys() {
        assert_eq!(strip_peers("a_b@1.0.0(react@18.0.0)", 6), "a_b@1.0.0");
        assert_eq!(strip_peers("a_b/1.0.0_react@18.0.0", 5), "a_b/1.0.0");
        assert_eq!(pnpm_name_version("@s/b/1.0.0", 5), Some(("@s/b", "1.0.0")));
        assert_eq!(pnpm_name_version("@s/b@1.0.0", 6), Some(("@s/b", "1.0.0")));
        assert_eq!(
            pnpm_dep_key("a", "1.0.0(react@18.0.0)", 9),
            "a@1.0.0(react@18.0.0)"
        );
        assert_eq!(pnpm_dep_key("alias", "real@2.0.0", 9), "real@2.0.0");
        assert_eq!(pnpm_dep_key("a", "1.0.0", 5), "a/1.0.0");
    }

    #[test]
    fn licence_shapes() {
        let v: Value = serde_json::json!({"type": "MIT"});
        assert_eq!(licenses(Some(&v), None), vec!["MIT"]);
        let l: Value = serde_json::json!([{"type": "MIT"}, "ISC"]);
        assert_eq!(licenses(None, Some(&l)), vec!["MIT", "ISC"]);
    }

    #[test]
    fn yarn_classic_bad_entry_warns() {
        let out = parse_yarn_lock(
            "yarn.lock",
            b"# yarn lockfile v1\n\nnoversion:\n  version \"1\"\n",
        )
        .unwrap();
        assert!(out.packages.is_empty());
        assert_eq!(
            out.warnings,
            vec!["yarn.lock:3: cannot read entry \"noversion\""]
        );
    }
}
