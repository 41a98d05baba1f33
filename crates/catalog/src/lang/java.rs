//! Java: `.jar`, `.war`, `.ear`, `.par` archives (and nested archives inside
//! them, to a bounded depth), and `pom.xml` in source trees.
//!
//! An archive is identified by its `META-INF/maven/**/pom.properties` (every
//! one of them: shaded jars carry several), else by `MANIFEST.MF`, else by its
//! file name. Names are Maven coordinates `group:artifact` where the group is
//! known. A package found in a nested archive has the location
//! `outer.war!/WEB-INF/lib/inner.jar`, the `jar:` URL convention.

use super::{Cataloger, file_name, text};
use drydock_core::{AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new("java-archive", 1, wants_archive, parse_archive),
        Cataloger::new("java-pom", 1, |p| file_name(p) == "pom.xml", parse_pom),
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
struct Pom {
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    parent: Option<PomParent>,
    #[serde(default)]
    properties: BTreeMap<String, String>,
    #[serde(default)]
    dependencies: PomDependencies,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PomParent {
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    version: Option<String>,
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

/// The `<dependencies>` of a pom.xml whose versions are literal or `${…}`
/// properties of the same pom (`project.version` and `project.parent.version`
/// included). Versions managed by a parent or BOM are not resolved here (that
/// needs the repository): those dependencies are counted in a warning.
/// Test-scope dependencies are dev; all listed ones are direct.
fn parse_pom(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let s = text(path, content)?;
    let pom: Pom = quick_xml::de::from_str(s)
        .map_err(|e| AnalyzeError::new(format!("{path}: invalid pom.xml: {e}")))?;
    let mut vars: HashMap<String, String> = pom
        .properties
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    let parent = pom.parent.unwrap_or_default();
    if let Some(v) = pom.version.as_ref().or(parent.version.as_ref()) {
        vars.insert("project.version".into(), v.trim().to_string());
        vars.insert("pom.version".into(), v.trim().to_string());
    }
    if let Some(g) = pom.group_id.as_ref().or(parent.group_id.as_ref()) {
        vars.insert("project.groupId".into(), g.trim().to_string());
    }
    if let Some(v) = &parent.version {
        vars.insert("project.parent.version".into(), v.trim().to_string());
    }
    let mut out = FileOutput::default();
    let mut unresolved = Vec::new();
    for d in pom.dependencies.dependency {
        let coords = format!("{}:{}", d.group_id.trim(), d.artifact_id.trim());
        let version = d.version.as_deref().map(|v| resolve(v.trim(), &vars));
        let (Some(Some(version)), Some(group)) = (version, resolve(d.group_id.trim(), &vars))
        else {
            unresolved.push(coords);
            continue;
        };
        let mut pkg = maven(&format!("{group}:{}", d.artifact_id.trim()), &version, path);
        pkg.direct = Some(true);
        pkg.dev = d.scope.as_deref() == Some("test");
        out.packages.push(pkg);
    }
    if !unresolved.is_empty() {
        out.warnings.push(format!(
            "{path}: version not in this file for {}",
            unresolved.join(", ")
        ));
    }
    Ok(out)
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
