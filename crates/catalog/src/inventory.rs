//! From the merged view of an artifact to its [`Inventory`]: the OS, and every
//! package with OS-specific identity (ecosystem, purl qualifiers) settled.

use drydock_core::{FileOutput, Inventory, OsInfo, Package, ScanWarning};

/// One analyzed file of the merged view: its path and what was found in it.
pub struct FoundFile<'a> {
    pub path: &'a str,
    pub os: Option<&'a OsInfo>,
    pub packages: &'a [Package],
    /// What the file tells about other files' packages ([`FileOutput::facts`]).
    pub facts: Option<&'a serde_json::Value>,
}

impl<'a> FoundFile<'a> {
    /// The file at `path` with what its analyzers found.
    pub fn new(path: &'a str, output: &'a FileOutput) -> FoundFile<'a> {
        FoundFile {
            path,
            os: output.os.as_ref(),
            packages: &output.packages,
            facts: output.facts.as_ref(),
        }
    }
}

/// Builds the inventory: picks the OS from every OS file found, then fixes up
/// OS packages (Debian vs Ubuntu, purl `distro` qualifiers) for that OS, and
/// settles what only several files together tell (a lockfile's direct
/// dependencies named by the manifest beside it, a POM's parent). Warnings
/// name the file they are about.
pub fn assemble<'a>(
    files: impl IntoIterator<Item = FoundFile<'a>>,
) -> (Inventory, Vec<ScanWarning>) {
    let mut os_found: Vec<(String, OsInfo)> = Vec::new();
    let mut packages: Vec<Package> = Vec::new();
    let mut facts: Vec<(&str, &serde_json::Value)> = Vec::new();
    for f in files {
        if let Some(os) = f.os {
            os_found.push((f.path.to_string(), os.clone()));
        }
        if let Some(v) = f.facts {
            facts.push((f.path, v));
        }
        packages.extend(f.packages.iter().cloned());
    }
    let warnings = crate::lang::link(&facts, &mut packages);
    let mut os = crate::os::merge_os(&os_found);
    if let Some(o) = os.as_mut() {
        o.distroless |= crate::os::is_distroless(packages.iter().map(|p| p.location.path.as_str()));
    }
    crate::os::finalize_os_packages(os.as_ref(), &mut packages);
    packages.sort_by(|a, b| {
        (a.ecosystem, &a.location.path, &a.name, &a.version).cmp(&(
            b.ecosystem,
            &b.location.path,
            &b.name,
            &b.version,
        ))
    });
    (Inventory { os, packages }, warnings)
}
