//! Java: `.jar`, `.war`, `.ear`, `.par` archives (and nested archives inside
//! them, to a bounded depth), and `pom.xml` in source trees.
//!
//! An archive is identified by its `META-INF/maven/**/pom.properties` (every
//! one of them: shaded jars carry several), else by `MANIFEST.MF`, else by its
//! file name. Names are Maven coordinates `group:artifact` where the group is
//! known. A package found in a nested archive has the location
//! `outer.war!/WEB-INF/lib/inner.jar`, the `jar:` URL convention.

use super::link::Facts;
use super::{Cataloger, file_name, text};
use drydock_core::{
    AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind, ScanWarning,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new("java-archive", 1, wants_archive, parse_archive),
        Cataloger::new("java-pom", 2, |p| file_name(p) == "pom.xml", parse_pom),
    ]
}

fn is_archive_name(name: &str) -> bool {
    let n = name.as_bytes();
    n.len() > 4
        && [".jar", ".war", ".ear", ".par", ".jpi", ".hpi"]
            .iter()
            .any(|ext| n[n.len() - 4..].eq_ignore_ascii_case(ext.as_bytes()))
}

fn wants_archive(path: &str) -> bool {
    is_archive_name(file_name(path))
}

fn maven(name: &str, version: &str, path: &str) -> Package {
    Package::new(
        Ecosystem::Maven,
        PackageKind::Library,
        name,
        version,
        Location::file(path),
    )
}

/// Archives inside archives are read to this depth (the outer one is depth 0).
const MAX_DEPTH: u32 = 3;
/// Entries read per archive tree; more is not a real application.
const MAX_ENTRIES: usize = 200_000;
/// Uncompressed bytes read per archive tree (metadata files and nested archives).
const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
/// A `pom.properties` or `MANIFEST.MF` larger than this is not one.
const MAX_METADATA_BYTES: u64 = 1024 * 1024;

/// What reading one archive tree may still consume.
struct Budget {
    entries: usize,
    bytes: u64,
}

fn parse_archive(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let mut out = FileOutput::default();
    let mut budget = Budget {
        entries: MAX_ENTRIES,
        bytes: MAX_TOTAL_BYTES,
    };
    read_archive(path, content, 0, &mut budget, &mut out);
    Ok(out)
}

/// Reads one archive at `location` and, recursively, the archives inside it.
/// Problems are warnings naming the archive: one bad jar in a war does not
/// hide the others.
fn read_archive(
    location: &str,
    content: &[u8],
    depth: u32,
    budget: &mut Budget,
    out: &mut FileOutput,
) {
    let mut zip = match zip::ZipArchive::new(Cursor::new(content)) {
        Ok(z) => z,
        Err(e) => {
            out.warnings
                .push(format!("{location}: not a readable zip archive: {e}"));
            return;
        }
    };
    if zip.len() > budget.entries {
        out.warnings.push(format!(
            "{location}: {} entries exceed the limit of {MAX_ENTRIES}; not read",
            zip.len()
        ));
        return;
    }
    budget.entries -= zip.len();
    let mut poms: Vec<Package> = Vec::new();
    let mut manifest: Option<String> = None;
    let mut nested: Vec<String> = Vec::new();
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else {
            out.warnings
                .push(format!("{location}: entry {i} is unreadable"));
            continue;
        };
        let name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        let is_pom = name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties");
        let is_manifest = name.eq_ignore_ascii_case("META-INF/MANIFEST.MF");
        let is_nested = is_archive_name(&name);
        if !(is_pom || is_manifest || is_nested) {
            continue;
        }
        if is_nested && depth >= MAX_DEPTH {
            out.warnings.push(format!(
                "{location}!/{name}: nested deeper than {MAX_DEPTH} archives; not read"
            ));
            continue;
        }
        let limit = if is_nested {
            budget.bytes
        } else {
            MAX_METADATA_BYTES.min(budget.bytes)
        };
        let mut buf = Vec::new();
        // Read one byte past the limit to tell "exactly the limit" from "more".
        match entry.take(limit + 1).read_to_end(&mut buf) {
            Ok(n) if n as u64 > limit => {
                out.warnings.push(format!(
                    "{location}!/{name}: expands beyond {limit} bytes (a zip bomb?); not read"
                ));
                budget.bytes = budget.bytes.saturating_sub(limit);
                continue;
            }
            Ok(n) => budget.bytes = budget.bytes.saturating_sub(n as u64),
            Err(e) => {
                out.warnings
                    .push(format!("{location}!/{name}: unreadable: {e}"));
                continue;
            }
        }
        if is_pom {
            if let Some(p) = pom_properties(&String::from_utf8_lossy(&buf), location) {
                poms.push(p);
            }
        } else if is_manifest {
            manifest = Some(String::from_utf8_lossy(&buf).into_owned());
        } else {
            nested.push(name.clone());
            read_archive(&format!("{location}!/{name}"), &buf, depth + 1, budget, out);
        }
    }
    if !poms.is_empty() {
        out.packages.extend(poms);
    } else if let Some(p) = manifest.as_deref().and_then(|m| from_manifest(m, location)) {
        out.packages.push(p);
    } else if let Some(p) = from_file_name(location) {
        out.packages.push(p);
    } else if nested.is_empty() {
        out.warnings.push(format!(
            "{location}: no Maven coordinates, manifest version or versioned file name"
        ));
    }
}

/// `key=value` lines (java.util.Properties, without escapes, which Maven does
/// not write for these keys).
fn properties(s: &str) -> HashMap<&str, &str> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| l.split_once(['=', ':']))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

fn pom_properties(s: &str, location: &str) -> Option<Package> {
    let p = properties(s);
    let (g, a, v) = (p.get("groupId")?, p.get("artifactId")?, p.get("version")?);
    if g.is_empty() || a.is_empty() || v.is_empty() {
        return None;
    }
    Some(maven(&format!("{g}:{a}"), v, location))
}

/// MANIFEST.MF main section: `Key: value` lines, continuation lines start with
/// one space. The group comes from `Implementation-Vendor-Id` when present.
fn from_manifest(m: &str, location: &str) -> Option<Package> {
    let mut main: Vec<(String, String)> = Vec::new();
    for line in m.lines() {
        if line.is_empty() {
            break; // the main section ends at the first blank line
        }
        if let Some(cont) = line.strip_prefix(' ') {
            if let Some((_, v)) = main.last_mut() {
                v.push_str(cont);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            main.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let get = |k: &str| {
        main.iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let version = get("Implementation-Version")
        .or_else(|| get("Bundle-Version"))
        .or_else(|| get("Specification-Version"))?;
    // The file name is usually the artifact id; titles are prose ("Apache Log4j Core").
    let artifact = file_stem_artifact(location)
        .map(str::to_string)
        .or_else(|| {
            get("Bundle-SymbolicName").map(|b| b.split(';').next().unwrap_or(b).trim().to_string())
        })
        .or_else(|| get("Implementation-Title").map(str::to_string))?;
    let name = match get("Implementation-Vendor-Id") {
        Some(g) if !artifact.contains(':') => format!("{g}:{artifact}"),
        _ => artifact,
    };
    let mut pkg = maven(&name, version, location);
    if let Some(l) = get("Bundle-License").filter(|l| !l.contains(' ') || l.len() < 40) {
        pkg.licenses = vec![l.to_string()];
    }
    Some(pkg)
}

/// `commons-io-2.11.0.jar` → (`commons-io`, `2.11.0`): the version starts at
/// the first `-` followed by a digit.
fn split_file_name(location: &str) -> Option<(&str, Option<&str>)> {
    let name = file_name(location.rsplit("!/").next().unwrap_or(location));
    let stem = name.get(..name.len().checked_sub(4)?)?;
    let cut = stem
        .match_indices('-')
        .find(|(i, _)| stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
        .map(|(i, _)| i);
    match cut {
        Some(i) => Some((&stem[..i], Some(&stem[i + 1..]))),
        None => Some((stem, None)),
    }
}

fn file_stem_artifact(location: &str) -> Option<&str> {
    split_file_name(location)
        .map(|(a, _)| a)
        .filter(|a| !a.is_empty())
}

fn from_file_name(location: &str) -> Option<Package> {
    let (artifact, version) = split_file_name(location)?;
    Some(maven(artifact, version?, location))
}

// ------------------------------------------------------------------- pom.xml

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PomXml {
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    artifact_id: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    parent: Option<PomParentXml>,
    #[serde(default)]
    properties: BTreeMap<String, String>,
    #[serde(default)]
    dependency_management: Option<PomManagement>,
    #[serde(default)]
    dependencies: PomDependencies,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PomParentXml {
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    artifact_id: Option<String>,
    #[serde(default)]
    version: Option<String>,
    /// Absent: `../pom.xml`; empty (`<relativePath/>`): look only in repositories.
    #[serde(default)]
    relative_path: Option<String>,
}

#[derive(Deserialize, Default)]
struct PomManagement {
    #[serde(default)]
    dependencies: PomDependencies,
}

#[derive(Deserialize, Default)]
struct PomDependencies {
    #[serde(default)]
    dependency: Vec<PomDependency>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PomDependency {
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    artifact_id: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

/// A dependency as written: coordinates and version possibly `${…}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct PomDep {
    group: String,
    artifact: String,
    version: Option<String>,
    scope: Option<String>,
}

/// What a pom.xml says, for resolution across the poms of one tree.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub(crate) struct Pom {
    group: Option<String>,
    artifact: String,
    version: Option<String>,
    /// `(group, artifact, version, path of the parent pom in this tree or None)`.
    parent: Option<(String, String, String, Option<String>)>,
    properties: BTreeMap<String, String>,
    managed: Vec<PomDep>,
    dependencies: Vec<PomDep>,
}

/// Normalises `a/./b/../c` to `a/c`; `None` when it climbs above the root.
fn normalize_path(p: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    Some(out.join("/"))
}

/// pom.xml (Maven POM 4.0.0): the project itself, as a local `Application`,
/// and its `<dependencies>`. Everything that may need another pom (inherited
/// groupId and version, `${…}` properties, `<dependencyManagement>` versions)
/// is settled in [`resolve_pom`] once every pom of the tree is known.
fn parse_pom(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let s = text(path, content)?;
    let xml: PomXml = quick_xml::de::from_str(s)
        .map_err(|e| AnalyzeError::new(format!("{path}: invalid pom.xml: {e}")))?;
    let dir = super::parent(path);
    let parent = xml.parent.map(|p| {
        let rel = match p.relative_path.as_deref().map(str::trim) {
            None => Some("../pom.xml".to_string()),
            Some("") => None,
            Some(r) if r.ends_with(".xml") => Some(r.to_string()),
            Some(r) => Some(format!("{}/pom.xml", r.trim_end_matches('/'))),
        };
        let joined = rel.and_then(|r| {
            normalize_path(&if dir.is_empty() {
                r
            } else {
                format!("{dir}/{r}")
            })
        });
        (
            p.group_id.unwrap_or_default().trim().to_string(),
            p.artifact_id.unwrap_or_default().trim().to_string(),
            p.version.unwrap_or_default().trim().to_string(),
            joined,
        )
    });
    let dep = |d: PomDependency| PomDep {
        group: d.group_id.trim().to_string(),
        artifact: d.artifact_id.trim().to_string(),
        version: d.version.map(|v| v.trim().to_string()),
        scope: d.scope.map(|v| v.trim().to_string()),
    };
    let managed: Vec<PomDep> = xml
        .dependency_management
        .unwrap_or_default()
        .dependencies
        .dependency
        .into_iter()
        .map(dep)
        .collect();
    let dependencies: Vec<PomDep> = xml.dependencies.dependency.into_iter().map(dep).collect();
    let pom = Pom {
        group: xml.group_id.map(|g| g.trim().to_string()),
        artifact: xml.artifact_id.unwrap_or_default().trim().to_string(),
        version: xml.version.map(|v| v.trim().to_string()),
        parent,
        properties: xml
            .properties
            .into_iter()
            .map(|(k, v)| (k, v.trim().to_string()))
            .collect(),
        managed,
        dependencies,
    };
    let mut out = FileOutput::default();
    Facts::Pom(Box::new(pom)).attach(&mut out);
    Ok(out)
}

/// The most parents followed; Maven builds are far shallower.
const MAX_POM_DEPTH: usize = 16;

/// Resolves one pom against the poms of the tree: walks its parents by
/// `relativePath` (default `../pom.xml`; the parent found must have the
/// coordinates `<parent>` names), inheriting groupId, version, properties
/// (the child's win) and `<dependencyManagement>`, then reports the project
/// and every dependency whose version is known. The rest are one warning
/// naming the file, saying why (a parent only in a remote repository, which
/// drydock does not fetch, or a property nobody defines).
pub(crate) fn resolve_pom(
    path: &str,
    pom: &Pom,
    facts: &HashMap<&str, Facts>,
    out: &mut Vec<Package>,
    warnings: &mut Vec<ScanWarning>,
) {
    // The chain: this pom, its parent, the parent's parent…
    let mut chain: Vec<&Pom> = vec![pom];
    let mut remote_parent: Option<String> = None;
    while let Some((g, a, v, rel)) = chain.last().copied().and_then(|p| p.parent.as_ref()) {
        let found = rel.as_deref().and_then(|r| match facts.get(r) {
            Some(Facts::Pom(p)) if p.artifact == *a => Some(p.as_ref()),
            _ => None,
        });
        match found {
            Some(p)
                if chain.len() < MAX_POM_DEPTH && !chain.iter().any(|c| std::ptr::eq(*c, p)) =>
            {
                chain.push(p)
            }
            // A loop of parents or an absurdly deep chain: stop there.
            Some(_) => break,
            None => {
                remote_parent = Some(format!("{g}:{a}:{v}"));
                break;
            }
        }
    }
    let mut vars: HashMap<String, String> = HashMap::new();
    for p in chain.iter().rev() {
        vars.extend(p.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let own_parent = pom.parent.as_ref();
    let version = pom
        .version
        .clone()
        .or_else(|| own_parent.map(|p| p.2.clone()));
    let group = pom
        .group
        .clone()
        .or_else(|| own_parent.map(|p| p.0.clone()));
    if let Some(v) = &version {
        vars.insert("project.version".into(), v.clone());
        vars.insert("pom.version".into(), v.clone());
        vars.insert("version".into(), v.clone());
    }
    if let Some(g) = &group {
        vars.insert("project.groupId".into(), g.clone());
        vars.insert("pom.groupId".into(), g.clone());
    }
    vars.insert("project.artifactId".into(), pom.artifact.clone());
    if let Some((g, _, v, _)) = own_parent {
        vars.insert("project.parent.version".into(), v.clone());
        vars.insert("project.parent.groupId".into(), g.clone());
    }
    // Managed versions and scopes, nearest pom first (the child's win).
    let mut managed: HashMap<(String, String), (Option<String>, Option<String>)> = HashMap::new();
    for p in &chain {
        for m in &p.managed {
            let key = (
                resolve(&m.group, &vars).unwrap_or_else(|| m.group.clone()),
                m.artifact.clone(),
            );
            managed
                .entry(key)
                .or_insert((m.version.clone(), m.scope.clone()));
        }
    }
    if let (Some(g), Some(v)) = (&group, version.as_deref().and_then(|v| resolve(v, &vars))) {
        let mut me = maven(&format!("{g}:{}", pom.artifact), &v, path);
        me.kind = PackageKind::Application;
        me.local = true;
        out.push(me);
    }
    let mut unresolved = Vec::new();
    for d in &pom.dependencies {
        let Some(g) = resolve(&d.group, &vars) else {
            unresolved.push(format!("{}:{}", d.group, d.artifact));
            continue;
        };
        let m = managed.get(&(g.clone(), d.artifact.clone()));
        let raw = d.version.clone().or_else(|| m.and_then(|m| m.0.clone()));
        let scope = d.scope.clone().or_else(|| m.and_then(|m| m.1.clone()));
        let Some(version) = raw.as_deref().and_then(|v| resolve(v, &vars)) else {
            unresolved.push(format!("{g}:{}", d.artifact));
            continue;
        };
        let mut pkg = maven(&format!("{g}:{}", d.artifact), &version, path);
        pkg.direct = Some(true);
        pkg.dev = scope.as_deref() == Some("test");
        out.push(pkg);
    }
    if !unresolved.is_empty() {
        let why = match &remote_parent {
            Some(p) => format!(
                "; the parent {p} is not in this tree and drydock does not fetch poms from remote repositories"
            ),
            None => String::new(),
        };
        warnings.push(ScanWarning {
            input: path.to_string(),
            message: format!(
                "version not resolved for {}{why}; not reported",
                unresolved.join(", ")
            ),
        });
    }
}

/// Substitutes `${name}` from `vars`, up to a few levels deep; `None` when a
/// property is unknown.
fn resolve(s: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut cur = s.to_string();
    for _ in 0..8 {
        let Some(start) = cur.find("${") else {
            return (!cur.is_empty()).then_some(cur);
        };
        let end = start + cur[start..].find('}')?;
        let value = vars.get(&cur[start + 2..end])?;
        cur = format!("{}{}{}", &cur[..start], value, &cur[end + 1..]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            split_file_name("a/commons-io-2.11.0.jar"),
            Some(("commons-io", Some("2.11.0")))
        );
        assert_eq!(
            split_file_name("x.war!/WEB-INF/lib/log4j-api-2.19.0.jar"),
            Some(("log4j-api", Some("2.19.0")))
        );
        assert_eq!(
            split_file_name("a/commons-io.jar"),
            Some(("commons-io", None))
        );
        assert!(wants_archive("a/b.JAR"));
        assert!(!wants_archive("a/b.jarx"));
        assert!(!wants_archive(".jar"));
    }

    #[test]
    fn manifest_with_continuation() {
        let m = "Manifest-Version: 1.0\r\nImplementation-Title: Foo\r\nImplementation-Version: 1.2\r\n .3\r\nImplementation-Vendor-Id: org.foo\r\n\r\nName: x\r\nImplementation-Version: 9\r\n";
        let p = from_manifest(m, "lib/foo-core.jar").unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("org.foo:foo-core", "1.2.3")
        );
        assert_eq!(p.purl, "pkg:maven/org.foo/foo-core@1.2.3");
    }

    #[test]
    fn pom_properties_and_resolution() {
        let vars: HashMap<String, String> = [
            ("a".to_string(), "${b}.1".to_string()),
            ("b".to_string(), "2".to_string()),
        ]
        .into_iter()
        .collect();
        assert_eq!(resolve("${a}", &vars).as_deref(), Some("2.1"));
        assert_eq!(resolve("${missing}", &vars), None);
        let p = pom_properties(
            "#Generated\ngroupId=org.x\nartifactId=y\nversion=1.0\n",
            "y.jar",
        )
        .unwrap();
        assert_eq!(p.name, "org.x:y");
    }

    /// Two poms naming each other as parent (a directory `relativePath` on
    /// one side): the walk stops, inherited values still apply, and what
    /// stays unknown is one warning per pom.
    #[test]
    fn parent_cycle_ends_and_warns() {
        let a = br#"<project><parent><groupId>g</groupId><artifactId>b</artifactId><version>1</version>
            <relativePath>../b</relativePath></parent><artifactId>a</artifactId>
            <dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>${v}</version></dependency>
            <dependency><groupId>x</groupId><artifactId>z</artifactId><version>${nope}</version></dependency></dependencies></project>"#;
        let b =
            br#"<project><parent><groupId>g</groupId><artifactId>a</artifactId><version>1</version>
            <relativePath>../a/pom.xml</relativePath></parent><artifactId>b</artifactId>
            <properties><v>2.0</v></properties></project>"#;
        let fa = parse_pom("a/pom.xml", a).unwrap().facts.unwrap();
        let fb = parse_pom("b/pom.xml", b).unwrap().facts.unwrap();
        let mut packages = Vec::new();
        let w = super::super::link::link(&[("a/pom.xml", &fa), ("b/pom.xml", &fb)], &mut packages);
        let mut got: Vec<_> = packages
            .iter()
            .map(|p| format!("{} {}", p.name, p.version))
            .collect();
        got.sort();
        assert_eq!(got, ["g:a 1", "g:b 1", "x:y 2.0"]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].input, "a/pom.xml");
        assert_eq!(w[0].message, "version not resolved for x:z; not reported");
    }

    #[test]
    fn not_a_zip_is_a_warning() {
        let out = parse_archive("app/lib/fake.jar", b"PK\x03\x04 but not really").unwrap();
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert!(
            out.warnings[0].starts_with("app/lib/fake.jar: not a readable zip archive"),
            "{:?}",
            out.warnings
        );
    }
}
