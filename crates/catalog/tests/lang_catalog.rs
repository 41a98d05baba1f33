//! The language catalogers on real files written by the real tools (see
//! `tests/data/lang/make-fixtures.sh`), and on hand-written files where the
//! tool cannot run here (each such file names its format version).

use drydock_catalog::lang::analyzers;
use drydock_core::{Ecosystem, FileOutput, Package};
use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lang")
}

/// Every file under `dir`, as a `/`-separated path relative to `tests/data/lang`.
fn files(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            let rel = p.strip_prefix(data()).unwrap().to_string_lossy().replace('\\', "/");
            out.push(rel);
        }
    }
}

/// Runs every language analyzer that wants a file over each file under
/// `tests/data/lang/<dir>`, the way the layer walker does.
fn scan(dir: &str) -> FileOutput {
    let mut paths = Vec::new();
    let root = data().join(dir);
    if root.is_file() {
        paths.push(dir.to_string());
    } else {
        files(&root, &mut paths);
    }
    let mut all = FileOutput::default();
    for path in paths {
        let bytes = std::fs::read(data().join(&path)).unwrap();
        for a in analyzers().iter().filter(|a| a.wants(&path)) {
            let out = a
                .analyze(&path, &bytes)
                .unwrap_or_else(|e| panic!("{} on {path}: {e}", a.name()));
            all.packages.extend(out.packages);
            all.warnings.extend(out.warnings);
        }
    }
    all
}

/// `name version` per package, plus ` dev` / ` direct` / ` indirect` markers.
fn summary(pkgs: &[Package]) -> Vec<String> {
    pkgs.iter()
        .map(|p| {
            let mut s = format!("{} {}", p.name, p.version);
            match p.direct {
                Some(true) => s.push_str(" direct"),
                Some(false) => s.push_str(" indirect"),
                None => {}
            }
            if p.dev {
                s.push_str(" dev");
            }
            s
        })
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ------------------------------------------------------------------ Python

#[test]
fn python_site_packages_from_pip() {
    let out = scan("python/site-packages");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "Drydock_Egg.Demo 0.3.1",
            "attrs 25.3.0",
            "idna 3.7",
            "jaraco.classes 3.4.0",
            "more-itertools 10.5.0",
            "pip 23.2.1",
            "setuptools 65.5.0",
            "six 1.16.0",
            "typing_extensions 4.12.2",
        ])
    );
    let lic: Vec<_> = out.packages.iter().map(|p| p.licenses.join("|")).collect();
    assert_eq!(
        lic,
        [
            "BSD-3-Clause",
            "MIT",
            "BSD License",
            "MIT License",
            "MIT License",
            "MIT",
            "MIT License",
            "MIT",
            "Python Software Foundation License"
        ]
    );
    let p = &out.packages[0];
    assert_eq!(p.ecosystem, Ecosystem::PyPI);
    assert_eq!(p.purl, "pkg:pypi/drydock-egg-demo@0.3.1");
    assert_eq!(
        p.location.path,
        "python/site-packages/Drydock_Egg.Demo.egg-info/PKG-INFO"
    );
    assert_eq!(out.packages[8].purl, "pkg:pypi/typing-extensions@4.12.2");
}

#[test]
fn python_requirements_from_pip_freeze_and_uv_export() {
    let out = scan("python/requirements.txt");
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "attrs 25.3.0",
            "jaraco.classes 3.4.0",
            "more-itertools 10.5.0",
            "six 1.16.0",
            "typing_extensions 4.12.2"
        ])
    );
    let hashed = scan("python/requirements-hashed.txt");
    assert_eq!(
        summary(&hashed.packages),
        strs(&["attrs 25.3.0", "jaraco-classes 3.4.0", "more-itertools 11.2.1", "six 1.16.0"])
    );
    assert_eq!(hashed.packages[1].location.line, Some(7));
    // The including file reports its own pin; the included file is read on its own.
    let dev = scan("python/requirements-dev.txt");
    assert_eq!(summary(&dev.packages), strs(&["idna 3.7"]));
    assert!(dev.warnings.is_empty(), "{:?}", dev.warnings);
}

#[test]
fn python_poetry_lock() {
    let out = scan("python/poetry.lock");
    assert_eq!(
        summary(&out.packages),
        strs(&["attrs 25.3.0", "jaraco-classes 3.4.0", "more-itertools 11.2.1", "six 1.16.0 dev"])
    );
}

#[test]
fn python_pipfile_lock() {
    let out = scan("python/Pipfile.lock");
    assert_eq!(
        summary(&out.packages),
        strs(&["attrs 25.3.0", "jaraco.classes 3.4.0", "more-itertools 11.2.1", "six 1.16.0 dev"])
    );
    assert_eq!(out.packages[1].purl, "pkg:pypi/jaraco-classes@3.4.0");
}

#[test]
fn python_uv_lock_direct_and_dev_from_the_graph() {
    let out = scan("python/uv.lock");
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "attrs 25.3.0 direct",
            "jaraco-classes 3.4.0 direct",
            "more-itertools 11.2.1 indirect",
            "six 1.16.0 direct dev"
        ])
    );
}

#[test]
fn python_pdm_lock() {
    let out = scan("python/pdm.lock");
    assert_eq!(
        summary(&out.packages),
        strs(&["attrs 25.3.0", "jaraco-classes 3.4.0", "more-itertools 11.2.1", "six 1.16.0 dev"])
    );
}

// -------------------------------------------------------------- JavaScript

/// The project npm locked: a@1.2.3 (needing @demo/b@1.0.0), @demo/b@2.0.0, dev d@0.4.0.
const NPM_PROJECT: [&str; 4] = [
    "@demo/b 2.0.0 direct",
    "a 1.2.3 direct",
    "@demo/b 1.0.0 indirect",
    "d 0.4.0 direct dev",
];

#[test]
fn npm_package_lock_v2_v3_and_shrinkwrap_from_npm() {
    for dir in ["npm/v2", "npm/shrinkwrap"] {
        let out = scan(dir);
        assert!(out.warnings.is_empty(), "{dir}: {:?}", out.warnings);
        assert_eq!(summary(&out.packages), strs(&NPM_PROJECT), "{dir}");
    }
    let lock = scan("npm/v3/package-lock.json");
    assert_eq!(summary(&lock.packages), strs(&NPM_PROJECT));
    let p = &lock.packages[0];
    assert_eq!(p.purl, "pkg:npm/%40demo/b@2.0.0");
    assert_eq!(p.licenses, vec!["ISC"]);
    assert_eq!(p.location.path, "npm/v3/package-lock.json");
}

#[test]
fn npm_package_lock_v1() {
    // npm writes no version for `file:` tarballs in lockfileVersion 1.
    assert!(scan("npm/v1").packages.is_empty());
    let out = scan("npm/v1-registry");
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "@types/node 20.11.0 dev",
            "debug 4.3.4",
            "lodash 4.17.21",
            "ms 2.1.2",
            "ms 2.1.3",
            "undici-types 5.26.5 dev"
        ])
    );
}

#[test]
fn npm_installed_node_modules_keeps_nested_versions() {
    let out = scan("npm/v3/node_modules");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let got: Vec<_> = out
        .packages
        .iter()
        .map(|p| format!("{} {} {} {}", p.name, p.version, p.licenses.join("|"), p.location.path))
        .collect();
    assert_eq!(
        got,
        strs(&[
            "@demo/b 2.0.0 ISC npm/v3/node_modules/@demo/b/package.json",
            "@demo/b 1.0.0 MIT npm/v3/node_modules/a/node_modules/@demo/b/package.json",
            "a 1.2.3 Apache-2.0 npm/v3/node_modules/a/package.json",
            "d 0.4.0 BSD-2-Clause npm/v3/node_modules/d/package.json",
        ])
    );
    // The project's own package.json is not a package of the inventory.
    assert!(analyzers().iter().all(|a| !a.wants("npm/v3/package.json")));
}

#[test]
fn yarn_classic_lock() {
    let out = scan("npm/yarn-classic");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        summary(&out.packages),
        strs(&["@types/node 20.11.0", "debug 4.3.4", "ms 2.1.2", "ms 2.1.3", "undici-types 5.26.5"])
    );
    assert_eq!(out.packages[3].location.line, Some(25));
}

#[test]
fn yarn_berry_lock() {
    let out = scan("npm/yarn-berry");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "@types/node 20.11.0 direct",
            "debug 4.3.4 direct",
            "ms 2.1.2 indirect",
            "ms 2.1.3 direct",
            "undici-types 5.26.5 indirect"
        ])
    );
}

#[test]
fn pnpm_lock_v6_and_v9() {
    let expected = strs(&[
        "@types/node 20.11.0 direct dev",
        "debug 4.3.4 direct",
        "ms 2.1.2 indirect",
        "ms 2.1.3 direct",
        "undici-types 5.26.5 indirect dev",
    ]);
    for dir in ["npm/pnpm-v6", "npm/pnpm-v9"] {
        let out = scan(dir);
        assert!(out.warnings.is_empty(), "{dir}: {:?}", out.warnings);
        assert_eq!(summary(&out.packages), expected, "{dir}");
    }
}
