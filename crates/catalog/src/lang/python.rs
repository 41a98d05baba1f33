//! Python: installed distributions (`*.dist-info/METADATA`, `*.egg-info`),
//! `requirements*.txt`, and the lockfiles of Poetry, Pipenv, uv and PDM.
//!
//! Names are kept as the file writes them; the purl carries the PEP 503 form.
//! Advisory matching (OSV) normalises PyPI names itself.

use super::link::{Dep, Facts, Lock, Manifest, manifest_output, node_id, wants_manifest};
use super::{Cataloger, dedup, file_name, json, parent, text, toml};
use drydock_core::package::normalize_pypi_name;
use drydock_core::{AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new("python-installed", 1, wants_installed, parse_installed),
        Cataloger::new(
            "python-requirements",
            1,
            wants_requirements,
            parse_requirements,
        ),
        Cataloger::new(
            "python-poetry",
            2,
            |p| file_name(p) == "poetry.lock",
            parse_poetry,
        ),
        Cataloger::new(
            "python-pipenv",
            1,
            |p| file_name(p) == "Pipfile.lock",
            parse_pipenv,
        ),
        Cataloger::new("python-uv", 1, |p| file_name(p) == "uv.lock", parse_uv),
        Cataloger::new("python-pdm", 1, |p| file_name(p) == "pdm.lock", parse_pdm),
        Cataloger::new(
            "python-pyproject",
            1,
            |p| wants_manifest(p, "pyproject.toml"),
            parse_pyproject,
        ),
        Cataloger::new(
            "python-pipfile",
            1,
            |p| wants_manifest(p, "Pipfile"),
            parse_pipfile,
        ),
    ]
}

// ---------------------------------------------------------------- manifests

/// The name at the start of a PEP 508 requirement (`attrs[x]>=1; marker`).
fn requirement_name(req: &str) -> Option<&str> {
    let req = req.trim();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    (end > 0).then(|| &req[..end])
}

/// PEP 508 strings (PEP 621 `dependencies`, PEP 735 groups) as deps; tables
/// such as `{ include-group = "x" }` are not requirements.
fn requirement_deps(list: Option<&toml::Value>) -> Vec<Dep> {
    list.and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .filter_map(requirement_name)
        .map(|n| Dep {
            name: n.to_string(),
            spec: String::new(),
        })
        .collect()
}

/// The keys of a Poetry or Pipenv dependency table, `python` (the
/// interpreter constraint) left out.
fn table_deps(table: Option<&toml::Value>) -> Vec<Dep> {
    table
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != "python")
        .map(|(k, _)| Dep {
            name: k.clone(),
            spec: String::new(),
        })
        .collect()
}

/// pyproject.toml for poetry.lock and pdm.lock: runtime dependencies are
/// PEP 621 `[project].dependencies` and `optional-dependencies` and Poetry's
/// `[tool.poetry.dependencies]`; development ones are PEP 735
/// `[dependency-groups]`, Poetry's `dev-dependencies` and non-`main` groups,
/// and PDM's `[tool.pdm.dev-dependencies]`.
fn parse_pyproject(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let parsed = toml::<toml::Value>(path, content).map(|doc| {
        let at =
            |keys: &[&str]| -> Option<&toml::Value> { keys.iter().try_fold(&doc, |v, k| v.get(k)) };
        let mut prod = requirement_deps(at(&["project", "dependencies"]));
        for extra in at(&["project", "optional-dependencies"])
            .and_then(toml::Value::as_table)
            .into_iter()
            .flat_map(|t| t.values())
        {
            prod.extend(requirement_deps(Some(extra)));
        }
        prod.extend(table_deps(at(&["tool", "poetry", "dependencies"])));
        let mut dev = table_deps(at(&["tool", "poetry", "dev-dependencies"]));
        for (group, g) in at(&["tool", "poetry", "group"])
            .and_then(toml::Value::as_table)
            .into_iter()
            .flatten()
        {
            let deps = table_deps(g.get("dependencies"));
            if group == "main" {
                prod.extend(deps);
            } else {
                dev.extend(deps);
            }
        }
        let groups = [
            at(&["dependency-groups"]),
            at(&["tool", "pdm", "dev-dependencies"]),
        ];
        for g in groups
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_table)
        {
            for list in g.values() {
                dev.extend(requirement_deps(Some(list)));
            }
        }
        Manifest {
            ecosystem: Ecosystem::PyPI,
            locks: vec!["poetry.lock".into(), "pdm.lock".into()],
            prod,
            dev,
        }
    });
    manifest_output(parsed.map_err(|e| e.0))
}

/// A Pipfile (TOML): `[packages]` runtime, `[dev-packages]` development.
fn parse_pipfile(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let parsed = toml::<toml::Value>(path, content).map(|doc| Manifest {
        ecosystem: Ecosystem::PyPI,
        locks: vec!["Pipfile.lock".into()],
        prod: table_deps(doc.get("packages")),
        dev: table_deps(doc.get("dev-packages")),
    });
    manifest_output(parsed.map_err(|e| e.0))
}

fn library(name: &str, version: &str, path: &str) -> Package {
    Package::new(
        Ecosystem::PyPI,
        PackageKind::Library,
        name,
        version,
        Location::file(path),
    )
}

// ---------------------------------------------------------------- installed

/// `x.dist-info/METADATA`, `x.egg-info/PKG-INFO`, and the single-file
/// `x.egg-info` that distutils wrote for `setup.py install`.
fn wants_installed(path: &str) -> bool {
    match file_name(path) {
        "METADATA" => parent(path).ends_with(".dist-info"),
        "PKG-INFO" => parent(path).ends_with(".egg-info"),
        name => name.ends_with(".egg-info"),
    }
}

/// Core metadata (packaging.python.org "Core metadata specifications"): email
/// headers up to the first blank line, continuation lines start with blanks.
fn parse_installed(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    // Descriptions are free text and occasionally not UTF-8; only headers matter.
    let s = String::from_utf8_lossy(content);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = headers.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let get = |k: &str| {
        headers
            .iter()
            .find(|(h, _)| h == k)
            .map(|(_, v)| v.as_str())
    };
    let (Some(name), Some(version)) = (get("name"), get("version")) else {
        return Ok(FileOutput {
            warnings: vec![format!("{path}: no Name or Version header")],
            ..Default::default()
        });
    };
    let mut pkg = library(name, version, path);
    pkg.licenses = licenses(&headers);
    Ok(FileOutput {
        packages: vec![pkg],
        ..Default::default()
    })
}

/// `License-Expression` (PEP 639) wins; then a one-line `License` (older tools
/// put the whole licence text there); then the trove classifiers.
fn licenses(headers: &[(String, String)]) -> Vec<String> {
    let get = |k: &str| {
        headers
            .iter()
            .find(|(h, _)| h == k)
            .map(|(_, v)| v.as_str())
    };
    if let Some(e) = get("license-expression").filter(|e| !e.is_empty()) {
        return vec![e.to_string()];
    }
    if let Some(l) = get("license")
        && !l.is_empty()
        && !l.contains('\n')
        && l.len() <= 100
        && !l.eq_ignore_ascii_case("UNKNOWN")
    {
        return vec![l.to_string()];
    }
    headers
        .iter()
        .filter(|(h, _)| h == "classifier")
        .filter_map(|(_, v)| v.strip_prefix("License ::"))
        .filter_map(|v| v.rsplit("::").next().map(str::trim))
        .filter(|v| !v.is_empty() && *v != "OSI Approved")
        .map(str::to_string)
        .collect()
}

// ------------------------------------------------------------- requirements

fn wants_requirements(path: &str) -> bool {
    let n = file_name(path);
    n.ends_with(".txt") && n.contains("requirements")
}

/// pip's requirements file format: only `name==version` lines are exact, so
/// only those are reported; options, hashes, markers and comments are skipped.
/// `-r`/`-c` includes are read on their own when named `*requirements*.txt`.
fn parse_requirements(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let s = text(path, content)?;
    let mut out = FileOutput::default();
    // Backslash continuations join physical lines (pip does this first).
    let mut logical: Vec<(u32, String)> = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, line) in s.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (start, mut acc) = pending.take().unwrap_or((lineno, String::new()));
        if let Some(body) = line.strip_suffix('\\') {
            acc.push_str(body);
            acc.push(' ');
            pending = Some((start, acc));
        } else {
            acc.push_str(line);
            logical.push((start, acc));
        }
    }
    logical.extend(pending);
    for (lineno, line) in logical {
        // A `#` starts a comment only at the start or after whitespace.
        let line = match line
            .find(" #")
            .or_else(|| line.starts_with('#').then_some(0))
        {
            Some(i) => &line[..i],
            None => &line[..],
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line
            .strip_prefix("-r")
            .or_else(|| line.strip_prefix("--requirement"))
        {
            let inc = rest.trim_start_matches([' ', '=']).trim();
            if !wants_requirements(inc) {
                out.warnings.push(format!(
                    "{path}:{lineno}: includes {inc}, which is read only when its name matches *requirements*.txt"
                ));
            }
            continue;
        }
        if line.starts_with('-') {
            continue;
        }
        // Markers follow `;`, per-requirement options follow ` --`.
        let req = line.split(';').next().unwrap_or("");
        let req = req.split(" --").next().unwrap_or("").trim();
        let Some((name, version)) = req.split_once("==") else {
            continue;
        };
        let name = name.split('[').next().unwrap_or("").trim();
        let version = version.trim().trim_start_matches('=');
        if name.is_empty()
            || version.is_empty()
            || version.contains('*')
            || version.contains(',')
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            continue;
        }
        let mut pkg = library(name, version, path);
        pkg.location.line = Some(lineno);
        out.packages.push(pkg);
    }
    Ok(out)
}

// ---------------------------------------------------------------- poetry.lock

#[derive(Deserialize)]
struct TomlLock<P> {
    #[serde(default = "Vec::new")]
    package: Vec<P>,
}

/// A `[[package]]` of poetry.lock or pdm.lock.
#[derive(Deserialize)]
struct GroupedPackage {
    name: String,
    #[serde(default)]
    version: String,
    /// Poetry 1.x: `main` or `dev`.
    #[serde(default)]
    category: Option<String>,
    /// Poetry 2.x and PDM: the dependency groups needing the package.
    #[serde(default)]
    groups: Option<Vec<String>>,
    /// Poetry: a table of what the package needs, by name (PDM writes a
    /// list of requirement strings, not read).
    #[serde(default)]
    dependencies: Option<toml::Value>,
}

/// A `[[package]]` of uv.lock.
#[derive(Deserialize)]
struct UvPackage {
    name: String,
    #[serde(default)]
    version: String,
    /// `{ virtual = "." }` or `{ editable = "." }` is the project itself.
    #[serde(default)]
    source: Option<toml::Value>,
    #[serde(default)]
    dependencies: Vec<UvDep>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<UvDep>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Vec<UvDep>>,
}

/// A dependency entry of uv: `{ name = "x", marker = ... }`.
#[derive(Deserialize)]
struct UvDep {
    name: String,
}

/// Poetry's lock records no direct/transitive split (that is in
/// pyproject.toml, see [`super::link`]); lock format 2.0 (Poetry 1.5 to 1.8)
/// has neither `category` nor `groups`, so dev then comes from the graph.
fn parse_poetry(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let lock: TomlLock<GroupedPackage> = toml(path, content)?;
    let mut out = FileOutput::default();
    let id_of: HashMap<String, String> = lock
        .package
        .iter()
        .map(|p| {
            let id = node_id(Ecosystem::PyPI, &p.name, &p.version);
            (normalize_pypi_name(&p.name), id)
        })
        .collect();
    let mut facts = Lock {
        records_dev: lock
            .package
            .iter()
            .any(|p| p.groups.is_some() || p.category.is_some()),
        ..Lock::default()
    };
    for p in &lock.package {
        let deps = p
            .dependencies
            .as_ref()
            .and_then(toml::Value::as_table)
            .into_iter()
            .flat_map(|t| t.keys())
            .filter_map(|d| id_of.get(&normalize_pypi_name(d)).cloned())
            .collect();
        facts
            .graph
            .insert(node_id(Ecosystem::PyPI, &p.name, &p.version), deps);
    }
    Facts::Lock(facts).attach(&mut out);
    for p in lock.package {
        if p.version.is_empty() {
            out.warnings
                .push(format!("{path}: package {} has no version", p.name));
            continue;
        }
        let mut pkg = library(&p.name, &p.version, path);
        pkg.dev = match (&p.groups, &p.category) {
            (Some(g), _) => !g.iter().any(|g| g == "main"),
            (None, Some(c)) => c == "dev",
            (None, None) => false,
        };
        out.packages.push(pkg);
    }
    Ok(out)
}

/// PDM (lock_version 4): `groups` says which dependency groups need a package;
/// `default` is the runtime group.
fn parse_pdm(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let lock: TomlLock<GroupedPackage> = toml(path, content)?;
    let mut out = FileOutput::default();
    for p in lock.package {
        if p.version.is_empty() {
            out.warnings
                .push(format!("{path}: package {} has no version", p.name));
            continue;
        }
        let mut pkg = library(&p.name, &p.version, path);
        pkg.dev = p
            .groups
            .as_ref()
            .is_some_and(|g| !g.iter().any(|g| g == "default"));
        out.packages.push(pkg);
    }
    Ok(out)
}

/// uv.lock (version 1): the project is the package whose source is `virtual`
/// or `editable` `.`; its `dependencies` are direct, its `dev-dependencies`
/// groups are dev. A package is dev when only dev roots reach it.
fn parse_uv(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let lock: TomlLock<UvPackage> = toml(path, content)?;
    let is_local = |p: &UvPackage| {
        p.source.as_ref().is_some_and(|s| {
            ["virtual", "editable", "directory", "path"]
                .iter()
                .any(|k| s.get(k).is_some())
        })
    };
    let by_name: HashMap<String, &UvPackage> = lock
        .package
        .iter()
        .map(|p| (normalize_pypi_name(&p.name), p))
        .collect();
    let mut direct: HashSet<String> = HashSet::new();
    let mut prod_roots: Vec<String> = Vec::new();
    let mut dev_roots: Vec<String> = Vec::new();
    let workspace: Vec<&UvPackage> = lock.package.iter().filter(|p| is_local(p)).collect();
    for root in &workspace {
        let prod = root
            .dependencies
            .iter()
            .chain(root.optional_dependencies.values().flatten());
        for d in prod.map(|d| d.name.as_str()) {
            direct.insert(normalize_pypi_name(d));
            prod_roots.push(normalize_pypi_name(d));
        }
        for d in root
            .dev_dependencies
            .values()
            .flatten()
            .map(|d| d.name.as_str())
        {
            direct.insert(normalize_pypi_name(d));
            dev_roots.push(normalize_pypi_name(d));
        }
    }
    let prod = reachable(&by_name, prod_roots);
    let mut out = FileOutput::default();
    for p in &lock.package {
        if is_local(p) {
            continue;
        }
        let n = normalize_pypi_name(&p.name);
        let mut pkg = library(&p.name, &p.version, path);
        if !workspace.is_empty() {
            pkg.direct = Some(direct.contains(&n));
            pkg.dev = !prod.contains(&n);
        }
        out.packages.push(pkg);
    }
    Ok(out)
}

/// Normalised names reachable from `roots` through uv's dependency tables.
fn reachable(by_name: &HashMap<String, &UvPackage>, mut stack: Vec<String>) -> HashSet<String> {
    let mut seen = HashSet::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(p) = by_name.get(&n) {
            let deps = p
                .dependencies
                .iter()
                .chain(p.optional_dependencies.values().flatten());
            stack.extend(deps.map(|d| d.name.as_str()).map(normalize_pypi_name));
        }
    }
    seen
}

// -------------------------------------------------------------- Pipfile.lock

#[derive(Deserialize)]
struct PipfileLock {
    #[serde(default)]
    default: BTreeMap<String, PipfileEntry>,
    #[serde(default)]
    develop: BTreeMap<String, PipfileEntry>,
}

#[derive(Deserialize)]
struct PipfileEntry {
    #[serde(default)]
    version: Option<String>,
}

/// Pipfile.lock (pipfile-spec 6): `default` is runtime, `develop` is dev. Git
/// and path entries have no `version` and are skipped.
fn parse_pipenv(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let lock: PipfileLock = json(path, content)?;
    let mut out = FileOutput::default();
    for (section, dev) in [(&lock.default, false), (&lock.develop, true)] {
        for (name, e) in section {
            let Some(v) = e.version.as_deref().and_then(|v| v.strip_prefix("==")) else {
                continue;
            };
            let mut pkg = library(name, v, path);
            pkg.dev = dev;
            out.packages.push(pkg);
        }
    }
    dedup(&mut out.packages);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Poetry 1.x style manifest (`[tool.poetry.dependencies]`, a `dev` group)
    /// beside a lock format 2.0 file (Poetry 1.5 to 1.8: no `category`, no
    /// `groups`), hand-written after python-poetry.org's pyproject and lock docs:
    /// dev comes from the graph, direct from the manifest.
    #[test]
    fn poetry_1_manifest_and_lock_2_0() {
        let pyproject = br#"
[tool.poetry]
name = "app"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.11"
Requests = "^2.31"

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"
"#;
        let lock = br#"
[[package]]
name = "requests"
version = "2.31.0"

[package.dependencies]
urllib3 = ">=1.21.1,<3"

[[package]]
name = "urllib3"
version = "2.2.1"

[[package]]
name = "pytest"
version = "8.1.1"

[package.dependencies]
pluggy = ">=1.4,<2.0"
urllib3 = "*"

[[package]]
name = "pluggy"
version = "1.4.0"

[metadata]
lock-version = "2.0"
"#;
        let manifest = parse_pyproject("app/pyproject.toml", pyproject).unwrap();
        let locked = parse_poetry("app/poetry.lock", lock).unwrap();
        let mut packages = locked.packages.clone();
        let facts = [
            ("app/pyproject.toml", manifest.facts.as_ref().unwrap()),
            ("app/poetry.lock", locked.facts.as_ref().unwrap()),
        ];
        let w = super::super::link::link(&facts, &mut packages);
        assert!(w.is_empty(), "{w:?}");
        let got: Vec<_> = packages
            .iter()
            .map(|p| (p.name.as_str(), p.direct, p.dev))
            .collect();
        assert_eq!(
            got,
            [
                ("requests", Some(true), false),
                ("urllib3", Some(false), false),
                ("pytest", Some(true), true),
                ("pluggy", Some(false), true),
            ]
        );
    }

    #[test]
    fn pep_621_extras_and_pdm_dev_dependencies() {
        let pyproject = br#"
[project]
name = "app"
dependencies = ["Flask[async]>=2; python_version > '3.8'", "attrs"]
[project.optional-dependencies]
yaml = ["PyYAML>=6"]
[tool.pdm.dev-dependencies]
test = ["pytest>=8", {include-group = "lint"}]
"#;
        let out = parse_pyproject("pyproject.toml", pyproject).unwrap();
        let facts = out.facts.unwrap();
        let names = |k: &str| -> Vec<String> {
            facts[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names("prod"), ["Flask", "attrs", "PyYAML"]);
        assert_eq!(names("dev"), ["pytest"]);
        let bad = parse_pyproject("app/pyproject.toml", b"[project\n").unwrap();
        assert!(bad.facts.is_none());
        assert!(
            bad.warnings[0].starts_with("app/pyproject.toml: invalid TOML"),
            "{:?}",
            bad.warnings
        );
    }

    #[test]
    fn wants() {
        assert!(wants_installed(
            "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA"
        ));
        assert!(wants_installed("app/foo.egg-info/PKG-INFO"));
        assert!(wants_installed(
            "usr/lib/python2.7/dist-packages/foo-1.0.egg-info"
        ));
        assert!(!wants_installed("usr/share/doc/METADATA"));
        assert!(!wants_installed("src/PKG-INFO"));
        assert!(wants_requirements("app/requirements-dev.txt"));
        assert!(wants_requirements("requirements.txt"));
        assert!(!wants_requirements("app/requirements.in"));
    }

    #[test]
    fn metadata_with_continuation_and_licence_text() {
        let m = b"Metadata-Version: 2.1\nName: Foo.Bar\nVersion: 1.0\nLicense: Copyright (c) x\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\n\nbody: not a header\n";
        let out = parse_installed("x/Foo.Bar-1.0.dist-info/METADATA", m).unwrap();
        assert_eq!(out.packages.len(), 1);
        let p = &out.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("Foo.Bar", "1.0"));
        assert_eq!(p.purl, "pkg:pypi/foo-bar@1.0");
        assert_eq!(p.licenses, vec!["MIT License"]);
    }

    #[test]
    fn metadata_without_version_warns() {
        let out = parse_installed("a.dist-info/METADATA", b"Name: x\n").unwrap();
        assert!(out.packages.is_empty());
        assert_eq!(
            out.warnings,
            vec!["a.dist-info/METADATA: no Name or Version header"]
        );
    }

    #[test]
    fn requirements_lines() {
        let r = b"# c\nFlask[async]==2.0.1 ; python_version > '3' --hash=sha256:ab\nfoo>=1\nbar == 2.0 # pinned\n-e .\nbaz==1.*\n-r other.in\n";
        let out = parse_requirements("requirements.txt", r).unwrap();
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.location.line))
            .collect();
        assert_eq!(
            got,
            vec![("Flask", "2.0.1", Some(2)), ("bar", "2.0", Some(4))]
        );
        assert_eq!(
            out.warnings,
            vec![
                "requirements.txt:7: includes other.in, which is read only when its name matches *requirements*.txt"
            ]
        );
    }

    #[test]
    fn poetry_1_category() {
        let l = b"[[package]]\nname = \"pytest\"\nversion = \"7.0.0\"\ncategory = \"dev\"\n\n[[package]]\nname = \"six\"\nversion = \"1.16.0\"\ncategory = \"main\"\n";
        let out = parse_poetry("poetry.lock", l).unwrap();
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.dev))
            .collect();
        assert_eq!(got, vec![("pytest", true), ("six", false)]);
    }

    #[test]
    fn truncated_pipfile_lock_is_an_error_naming_the_file() {
        let e = parse_pipenv("app/Pipfile.lock", b"{\"default\": {").unwrap_err();
        assert!(
            e.to_string().starts_with("app/Pipfile.lock: invalid JSON"),
            "{e}"
        );
    }
}
