//! Ruby: Bundler's `Gemfile.lock` and installed gem specifications
//! (`specifications/*.gemspec`, which RubyGems writes as Ruby code).

use super::{Cataloger, dedup, file_name, parent, text};
use drydock_core::{AnalyzeError, Ecosystem, FileOutput, Location, Package, PackageKind};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

pub(crate) fn catalogers() -> Vec<Cataloger> {
    vec![
        Cataloger::new(
            "ruby-gemfile-lock",
            2,
            |p| matches!(file_name(p), "Gemfile.lock" | "gems.locked"),
            parse_gemfile_lock,
        ),
        Cataloger::new("ruby-gemspec", 1, wants_gemspec, parse_gemspec),
    ]
}

fn gem(name: &str, version: &str, path: &str) -> Package {
    Package::new(
        Ecosystem::RubyGems,
        PackageKind::Library,
        name,
        version,
        Location::file(path),
    )
}

fn wants_gemspec(path: &str) -> bool {
    file_name(path).ends_with(".gemspec") && file_name(parent(path)) == "specifications"
}

/// Gemfile.lock: sections at column 0 (`GEM`, `GIT`, `PATH`, `DEPENDENCIES`…);
/// under `specs:` a gem is `    name (version[-platform])` at four spaces and
/// its requirements at six. `DEPENDENCIES` lists the direct gems. Gems from
/// `PATH` sections are the project's own: reported as `local`.
fn parse_gemfile_lock(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let s = text(path, content)?;
    let mut section = "";
    let mut specs: Vec<(String, String, u32, bool)> = Vec::new();
    let mut direct: HashSet<String> = HashSet::new();
    let mut out = FileOutput::default();
    for (i, line) in s.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if !line.starts_with(' ') {
            section = line.trim();
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        match section {
            "GEM" | "GIT" | "PATH" if indent == 4 => {
                let Some((name, rest)) = body.split_once(" (") else {
                    out.warnings
                        .push(format!("{path}:{lineno}: cannot read spec {body:?}"));
                    continue;
                };
                let version = rest.trim_end_matches(')');
                // A platform gem is `1.13.10-x86_64-linux`; gem versions have no `-`.
                let version = version.split('-').next().unwrap_or(version);
                specs.push((
                    name.to_string(),
                    version.to_string(),
                    lineno,
                    section == "PATH",
                ));
            }
            "DEPENDENCIES" if indent == 2 => {
                let name = body.split([' ', '!']).next().unwrap_or(body);
                direct.insert(name.to_string());
            }
            _ => {}
        }
    }
    for (name, version, line, local) in specs {
        let mut pkg = gem(&name, &version, path);
        pkg.location.line = Some(line);
        pkg.local = local;
        if !direct.is_empty() {
            pkg.direct = Some(direct.contains(&name));
        }
        out.packages.push(pkg);
    }
    dedup(&mut out.packages);
    Ok(out)
}

/// `s.name = "rack".freeze`, `s.version = "2.2.4"`, `s.licenses = ["MIT".freeze]`.
static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    // A literal pattern, checked by the tests: it cannot fail to compile.
    Regex::new(r#"(?m)^\s*\w+\.(name|version|licenses?)\s*=\s*(.+)$"#).expect("valid regex")
});
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""([^"]*)"|'([^']*)'"#).expect("valid regex"));

/// The installed specification RubyGems writes: Ruby code of a fixed shape,
/// read by pattern rather than evaluated.
fn parse_gemspec(path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
    let s = String::from_utf8_lossy(content);
    let (mut name, mut version, mut licenses) = (None, None, Vec::new());
    for c in ASSIGN.captures_iter(&s) {
        let strings: Vec<String> = QUOTED
            .captures_iter(&c[2])
            .filter_map(|q| q.get(1).or(q.get(2)).map(|m| m.as_str().to_string()))
            .collect();
        match &c[1] {
            "name" if name.is_none() => name = strings.into_iter().next(),
            "version" if version.is_none() => version = strings.into_iter().next(),
            "license" | "licenses" if licenses.is_empty() => licenses = strings,
            _ => {}
        }
    }
    let (Some(name), Some(version)) = (name, version) else {
        return Ok(FileOutput {
            warnings: vec![format!("{path}: no name or version assignment")],
            ..Default::default()
        });
    };
    let mut pkg = gem(&name, &version, path);
    pkg.licenses = licenses;
    Ok(FileOutput {
        packages: vec![pkg],
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wants() {
        assert!(wants_gemspec(
            "usr/local/bundle/specifications/rack-2.2.4.gemspec"
        ));
        assert!(!wants_gemspec("app/rack.gemspec"));
    }

    #[test]
    fn gemspec_without_version_warns() {
        let out = parse_gemspec("specifications/x.gemspec", b"s.name = \"x\"\n").unwrap();
        assert_eq!(
            out.warnings,
            vec!["specifications/x.gemspec: no name or version assignment"]
        );
    }
}
