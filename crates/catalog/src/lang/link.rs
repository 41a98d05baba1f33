//! What only several files together tell: a lockfile's direct and dev
//! dependencies named by the manifest beside it (`package.json`,
//! `pyproject.toml`, `Pipfile`, `composer.json`), go.sum modules for a go.mod
//! older than Go 1.17, and a POM's versions inherited from its parent.
//!
//! The per-file analyzers stay pure: each puts what it knows into
//! [`FileOutput::facts`](drydock_core::FileOutput) as a [`Facts`] value, the
//! layer cache keeps it like the packages, and [`link`] reads them once the
//! merged view of the artifact is known (Trivy's post-analyzers do the same
//! on the files they asked for).

use super::{file_name, parent};
use drydock_core::package::normalize_pypi_name;
use drydock_core::{Ecosystem, FileOutput, Location, Package, PackageKind, ScanWarning};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What one file tells about other files' packages.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "facts", rename_all = "kebab-case")]
pub(crate) enum Facts {
    Manifest(Manifest),
    Lock(Lock),
    GoMod(GoMod),
    GoSum(GoSum),
    Pom(Box<super::java::Pom>),
}

impl Facts {
    /// Puts these facts into the file's output.
    pub(crate) fn attach(self, out: &mut FileOutput) {
        // Serializing plain structs of strings, maps and bools cannot fail.
        out.facts = serde_json::to_value(self).ok();
    }
}

/// A dependency a manifest declares: its name and the spec as written
/// (`^1.2.0`, `file:../x`, `>=2,<3`), which lockfiles key resolutions by.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Dep {
    pub name: String,
    #[serde(default)]
    pub spec: String,
}

/// A project manifest: the dependencies it declares for runtime and for
/// development, and the lockfile names beside it that it describes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Manifest {
    pub ecosystem: Ecosystem,
    pub locks: Vec<String>,
    pub prod: Vec<Dep>,
    pub dev: Vec<Dep>,
}

/// A lockfile's resolution: which package (`name@version`) each declared
/// spec (`name@spec`, or a bare `name` for a hoisted top-level entry) locks,
/// and which packages each package needs. `records_dev` says whether the
/// lockfile marks dev packages itself; when not, the graph decides.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub(crate) struct Lock {
    pub resolved: BTreeMap<String, String>,
    pub graph: BTreeMap<String, Vec<String>>,
    pub records_dev: bool,
}

/// A go.mod: whether it predates Go 1.17 (so it lists only the direct
/// dependencies, the rest being in go.sum), and every module path it names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct GoMod {
    pub before_go_117: bool,
    pub modules: Vec<String>,
}

/// go.sum: one (module, version) per module, the last listed (go.sum is
/// sorted, so the highest).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct GoSum {
    pub modules: Vec<(String, String, u32)>,
}

/// The id a lockfile graph uses for a package.
pub(crate) fn node_id(ecosystem: Ecosystem, name: &str, version: &str) -> String {
    format!("{}@{version}", name_key(ecosystem, name))
}

/// Names as the ecosystem compares them (PyPI: PEP 503).
fn name_key(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::PyPI => normalize_pypi_name(name),
        Ecosystem::Packagist => name.to_ascii_lowercase(),
        _ => name.to_string(),
    }
}

/// `dir/name`, or `name` at the root.
fn sibling(path: &str, name: &str) -> String {
    match parent(path) {
        "" => name.to_string(),
        d => format!("{d}/{name}"),
    }
}

/// Applies every file's facts to the packages of the files they concern.
pub(crate) fn link(
    files: &[(&str, &serde_json::Value)],
    packages: &mut Vec<Package>,
) -> Vec<ScanWarning> {
    let mut warnings = Vec::new();
    let mut facts: HashMap<&str, Facts> = HashMap::new();
    for (path, v) in files {
        match Facts::deserialize(*v) {
            Ok(f) => {
                facts.insert(path, f);
            }
            Err(e) => warnings.push(ScanWarning {
                input: path.to_string(),
                message: format!(
                    "cached analysis of this file is unreadable ({e}); rescan with --no-cache"
                ),
            }),
        }
    }
    let mut by_file: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        by_file.entry(p.location.path.clone()).or_default().push(i);
    }
    let mut added = Vec::new();
    for (path, f) in &facts {
        match f {
            Facts::Manifest(m) => {
                for lock_name in &m.locks {
                    let lock_path = sibling(path, lock_name);
                    let Some(idx) = by_file.get(&lock_path) else {
                        continue;
                    };
                    let lock = match facts.get(lock_path.as_str()) {
                        Some(Facts::Lock(l)) => Some(l),
                        _ => None,
                    };
                    apply_manifest(m, lock, idx, packages);
                }
            }
            Facts::GoSum(sum) => {
                if let Some(Facts::GoMod(m)) = facts.get(sibling(path, "go.mod").as_str()) {
                    added.extend(go_sum_packages(path, m, sum));
                }
            }
            Facts::Pom(pom) => {
                super::java::resolve_pom(path, pom, &facts, &mut added, &mut warnings)
            }
            Facts::Lock(_) | Facts::GoMod(_) => {}
        }
    }
    packages.extend(added);
    warnings.sort_by(|a, b| (&a.input, &a.message).cmp(&(&b.input, &b.message)));
    warnings
}

/// Marks which of a lockfile's packages the manifest names (direct), and
/// which only its development dependencies need (dev) where the lockfile
/// does not say so itself. What the lockfile says is never overridden.
fn apply_manifest(m: &Manifest, lock: Option<&Lock>, idx: &[usize], packages: &mut [Package]) {
    let eco = m.ecosystem;
    // Each declared dependency as the packages it locks: by spec where the
    // lockfile keys resolutions, else every package of that name.
    let resolve = |d: &Dep| -> Vec<String> {
        let key = name_key(eco, &d.name);
        if let Some(l) = lock {
            for k in [format!("{}@{}", d.name, d.spec), d.name.clone()] {
                if let Some(id) = l.resolved.get(&k) {
                    return vec![id.clone()];
                }
            }
        }
        idx.iter()
            .map(|&i| &packages[i])
            .filter(|p| name_key(eco, &p.name) == key)
            .map(|p| node_id(eco, &p.name, &p.version))
            .collect()
    };
    let prod: Vec<String> = m.prod.iter().flat_map(&resolve).collect();
    let dev: Vec<String> = m.dev.iter().flat_map(&resolve).collect();
    let direct: HashSet<&String> = prod.iter().chain(&dev).collect();
    let records_dev = lock.map_or_else(|| lock_says_dev(idx, packages), |l| l.records_dev);
    let dev_only: Option<HashSet<String>> = if records_dev {
        None
    } else if let Some(l) = lock.filter(|l| !l.graph.is_empty()) {
        let from_prod = reachable(&l.graph, &prod);
        Some(
            reachable(&l.graph, &dev)
                .into_iter()
                .filter(|id| !from_prod.contains(id))
                .collect(),
        )
    } else {
        // No graph: only the declared dev dependencies themselves are known.
        let p: HashSet<&String> = prod.iter().collect();
        Some(dev.iter().filter(|id| !p.contains(id)).cloned().collect())
    };
    for &i in idx {
        let p = &mut packages[i];
        let id = node_id(eco, &p.name, &p.version);
        if p.direct.is_none() {
            p.direct = Some(direct.contains(&id));
        }
        if let Some(d) = &dev_only
            && d.contains(&id)
        {
            p.dev = true;
        }
    }
}

/// Whether any package of the lockfile is already marked dev (so the
/// lockfile records it and a manifest has nothing to add).
fn lock_says_dev(idx: &[usize], packages: &[Package]) -> bool {
    idx.iter().any(|&i| packages[i].dev)
}

/// Every node reachable from `roots` (the roots included).
fn reachable(graph: &BTreeMap<String, Vec<String>>, roots: &[String]) -> HashSet<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut stack: Vec<&String> = roots.iter().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(next) = graph.get(id) {
            stack.extend(next.iter());
        }
    }
    seen
}

/// go.sum modules that a pre-1.17 go.mod does not name: its indirect
/// dependencies (what Trivy reports too). Modules go.mod names keep go.mod's
/// entry, so nothing is counted twice.
fn go_sum_packages(path: &str, m: &GoMod, sum: &GoSum) -> Vec<Package> {
    if !m.before_go_117 {
        return Vec::new();
    }
    let named: HashSet<&str> = m.modules.iter().map(String::as_str).collect();
    sum.modules
        .iter()
        .filter(|(module, _, _)| !named.contains(module.as_str()))
        .map(|(module, version, line)| {
            let mut p = Package::new(
                Ecosystem::Go,
                PackageKind::Library,
                module,
                version,
                Location::file(path),
            );
            p.location.line = Some(*line);
            p.direct = Some(false);
            p
        })
        .collect()
}

/// A manifest's facts, or a warning when it cannot be read (the parse
/// error already names the file): a broken manifest only leaves the lockfile
/// beside it unsettled.
pub(crate) fn manifest_output(
    parsed: Result<Manifest, String>,
) -> Result<FileOutput, drydock_core::AnalyzeError> {
    let mut out = FileOutput::default();
    match parsed {
        Ok(m) => Facts::Manifest(m).attach(&mut out),
        Err(e) => out.warnings.push(e),
    }
    Ok(out)
}

/// Whether a manifest of this name sits outside installed trees (a
/// `package.json` inside `node_modules` is an installed package, not a project).
pub(crate) fn wants_manifest(path: &str, name: &str) -> bool {
    file_name(path) == name
        && !path
            .split('/')
            .any(|s| s == "node_modules" || s == "vendor")
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::npm::library as pkg;

    fn dep(name: &str, spec: &str) -> Dep {
        Dep {
            name: name.into(),
            spec: spec.into(),
        }
    }

    #[test]
    fn manifest_marks_direct_and_graph_marks_dev() {
        let mut out = FileOutput::default();
        Facts::Manifest(Manifest {
            ecosystem: Ecosystem::Npm,
            locks: vec!["yarn.lock".into()],
            prod: vec![dep("a", "^1")],
            dev: vec![dep("t", "^2")],
        })
        .attach(&mut out);
        let manifest = out.facts.clone().unwrap();
        let mut lock = Lock::default();
        lock.resolved.insert("a@^1".into(), "a@1.0.0".into());
        lock.resolved.insert("t@^2".into(), "t@2.0.0".into());
        lock.graph.insert("a@1.0.0".into(), vec!["s@1.0.0".into()]);
        lock.graph
            .insert("t@2.0.0".into(), vec!["s@1.0.0".into(), "u@1.0.0".into()]);
        let mut out = FileOutput::default();
        Facts::Lock(lock).attach(&mut out);
        let lock = out.facts.unwrap();
        let mut packages = vec![
            pkg("a", "1.0.0", "p/yarn.lock"),
            pkg("s", "1.0.0", "p/yarn.lock"),
            pkg("t", "2.0.0", "p/yarn.lock"),
            pkg("u", "1.0.0", "p/yarn.lock"),
            pkg("a", "1.0.0", "other/yarn.lock"),
        ];
        let w = link(
            &[("p/package.json", &manifest), ("p/yarn.lock", &lock)],
            &mut packages,
        );
        assert!(w.is_empty(), "{w:?}");
        let flags: Vec<_> = packages.iter().map(|p| (p.direct, p.dev)).collect();
        assert_eq!(
            flags,
            [
                (Some(true), false),
                (Some(false), false),
                (Some(true), true),
                (Some(false), true),
                (None, false),
            ]
        );
    }

    #[test]
    fn unreadable_facts_are_a_warning_naming_the_file() {
        let bogus = serde_json::json!({"facts": "nonsense"});
        let mut packages = Vec::new();
        let w = link(&[("app/package.json", &bogus)], &mut packages);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].input, "app/package.json");
    }

    #[test]
    fn manifest_names_outside_installed_trees() {
        assert!(wants_manifest("app/package.json", "package.json"));
        assert!(wants_manifest("package.json", "package.json"));
        assert!(!wants_manifest(
            "app/node_modules/a/package.json",
            "package.json"
        ));
        assert!(!wants_manifest(
            "app/vendor/x/composer.json",
            "composer.json"
        ));
    }
}
