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
    files_under(&data(), dir, out);
}

/// Every file under `dir`, as a `/`-separated path relative to `base`.
fn files_under(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(base, &p, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
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

/// Runs the analyzers over `tests/data/lang/<dir>` as [`scan`] does, then
/// assembles the inventory as a scan does, so that what several files tell
/// together (a manifest beside its lockfile, go.sum, parent poms) is applied.
/// Returns the packages (sorted by path, name, version) and the warnings,
/// per-file and assembly ones alike, as `input: message`.
fn assembled(dir: &str) -> (Vec<Package>, Vec<String>) {
    assembled_in(&data(), dir)
}

/// [`assembled`] for the tree `base/dir`, paths relative to `base`.
fn assembled_in(base: &Path, dir: &str) -> (Vec<Package>, Vec<String>) {
    let mut paths = Vec::new();
    files_under(base, &base.join(dir), &mut paths);
    let mut outputs: Vec<(String, FileOutput)> = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        let bytes = std::fs::read(base.join(&path)).unwrap();
        let mut merged = FileOutput::default();
        for a in analyzers().iter().filter(|a| a.wants(&path)) {
            let out = a
                .analyze(&path, &bytes)
                .unwrap_or_else(|e| panic!("{} on {path}: {e}", a.name()));
            merged.packages.extend(out.packages);
            warnings.extend(out.warnings);
            merged.facts = merged.facts.or(out.facts);
        }
        outputs.push((path, merged));
    }
    let (inv, linked) = drydock_catalog::inventory::assemble(
        outputs
            .iter()
            .map(|(p, o)| drydock_catalog::inventory::FoundFile::new(p, o)),
    );
    warnings.extend(
        linked
            .into_iter()
            .map(|w| format!("{}: {}", w.input, w.message)),
    );
    (inv.packages, warnings)
}

/// The packages of one file of an assembled inventory.
fn of_file(pkgs: &[Package], path: &str) -> Vec<Package> {
    pkgs.iter()
        .filter(|p| p.location.path == path)
        .cloned()
        .collect()
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
            if p.local {
                s.push_str(" local");
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
        strs(&[
            "attrs 25.3.0",
            "jaraco-classes 3.4.0",
            "more-itertools 11.2.1",
            "six 1.16.0"
        ])
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
        strs(&[
            "attrs 25.3.0",
            "jaraco-classes 3.4.0",
            "more-itertools 11.2.1",
            "six 1.16.0 dev"
        ])
    );
}

#[test]
fn python_pipfile_lock() {
    let out = scan("python/Pipfile.lock");
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "attrs 25.3.0",
            "jaraco.classes 3.4.0",
            "more-itertools 11.2.1",
            "six 1.16.0 dev"
        ])
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

/// Poetry, Pipenv and PDM locks with the manifests they were locked from
/// (written by the tools, `make-fixtures.sh`): pyproject.toml's PEP 621
/// `dependencies` and PEP 735 `dependency-groups`, the Pipfile's sections.
#[test]
fn python_locks_with_their_manifests_say_direct() {
    let (pkgs, warnings) = assembled("python");
    assert!(warnings.is_empty(), "{warnings:?}");
    let want = [
        "attrs 25.3.0 direct",
        "jaraco-classes 3.4.0 direct",
        "more-itertools 11.2.1 indirect",
        "six 1.16.0 direct dev",
    ];
    for lock in ["python/poetry.lock", "python/pdm.lock", "python/uv.lock"] {
        let got: Vec<Package> = of_file(&pkgs, lock);
        assert_eq!(summary(&got), strs(&want), "{lock}");
    }
    let pipenv: Vec<Package> = of_file(&pkgs, "python/Pipfile.lock");
    assert_eq!(
        summary(&pipenv),
        strs(&[
            "attrs 25.3.0 direct",
            "jaraco.classes 3.4.0 direct",
            "more-itertools 11.2.1 indirect",
            "six 1.16.0 direct dev",
        ])
    );
}

#[test]
fn python_pdm_lock() {
    let out = scan("python/pdm.lock");
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "attrs 25.3.0",
            "jaraco-classes 3.4.0",
            "more-itertools 11.2.1",
            "six 1.16.0 dev"
        ])
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
    for dir in ["npm/v2/package-lock.json", "npm/shrinkwrap"] {
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

/// npm 10 links a `file:` directory and a workspace (`make-fixtures.sh
/// npm_link`): both are listed with the version of the linked package.json,
/// as Trivy lists them, and marked local.
#[test]
fn npm_package_lock_v3_links_are_local() {
    let out = scan("npm/v3-link/package-lock.json");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        summary(&out.packages),
        strs(&["@proj/w 0.2.0 local", "mylib 3.1.0 direct local"])
    );
    assert_eq!(out.packages[0].purl, "pkg:npm/%40proj/w@0.2.0");
}

#[test]
fn npm_package_lock_v1() {
    // npm writes no version for `file:` tarballs in lockfileVersion 1: the
    // spec stands in its place (as Trivy shows it), marked local.
    let (pkgs, warnings) = assembled("npm/v1");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "@demo/b file:../tgz/demo-b-1.0.0.tgz indirect local",
            "@demo/b file:../tgz/demo-b-2.0.0.tgz direct local",
            "a file:../tgz/a-1.2.3.tgz direct local",
            "d file:../tgz/d-0.4.0.tgz direct dev local",
            "proj 0.0.1 local",
        ])
    );
    // Alone (no package.json read), v1 says nothing about direct deps.
    let out = scan("npm/v1-registry/package-lock.json");
    assert!(out.packages.iter().all(|p| p.direct.is_none()));
    // With the package.json beside it: direct ones by the hoisted entry,
    // the alias as the real lodash, the `file:` directory as local.
    let (pkgs, warnings) = assembled("npm/v1-registry");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "@types/node 20.11.0 direct dev",
            "debug 4.3.4 direct",
            "local file:../local direct local",
            "lodash 4.17.21 direct",
            "ms 2.1.2 indirect",
            "ms 2.1.3 direct",
            "undici-types 5.26.5 indirect dev",
            "proj 1.0.0 local",
        ])
    );
    let local = pkgs.iter().find(|p| p.local).unwrap();
    assert_eq!(local.purl, "pkg:npm/local@file%3A..%2Flocal");
}

#[test]
fn npm_installed_node_modules_keeps_nested_versions() {
    let out = scan("npm/v3/node_modules");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let got: Vec<_> = out
        .packages
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {}",
                p.name,
                p.version,
                p.licenses.join("|"),
                p.location.path
            )
        })
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
    // The project's own package.json is no package of the inventory, only
    // the manifest of the lockfile beside it.
    let manifest = scan("npm/v3/package.json");
    assert!(manifest.warnings.is_empty(), "{:?}", manifest.warnings);
    assert_eq!(summary(&manifest.packages), strs(&["proj 0.0.1 local"]));
    assert_eq!(
        manifest.packages[0].kind,
        drydock_core::PackageKind::Application
    );
    let (pkgs, _) = assembled("npm/v3");
    assert_eq!(
        summary(&of_file(&pkgs, "npm/v3/package-lock.json")),
        strs(&[
            "@demo/b 1.0.0 indirect",
            "@demo/b 2.0.0 direct",
            "a 1.2.3 direct",
            "d 0.4.0 direct dev",
        ])
    );
}

#[test]
fn yarn_classic_lock() {
    let out = scan("npm/yarn-classic/yarn.lock");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "@types/node 20.11.0",
            "debug 4.3.4",
            "ms 2.1.2",
            "ms 2.1.3",
            "undici-types 5.26.5"
        ])
    );
    assert_eq!(out.packages[3].location.line, Some(25));
    // package.json beside it: direct by the spec each entry locks, dev when
    // only devDependencies reach a package.
    let (pkgs, warnings) = assembled("npm/yarn-classic");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "proj 1.0.0 local",
            "@types/node 20.11.0 direct dev",
            "debug 4.3.4 direct",
            "ms 2.1.2 indirect",
            "ms 2.1.3 direct",
            "undici-types 5.26.5 indirect dev"
        ])
    );
}

#[test]
fn yarn_berry_lock() {
    let out = scan("npm/yarn-berry/yarn.lock");
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
    // The lock names no dev dependency; package.json's devDependencies and
    // the lock's graph do.
    let (pkgs, warnings) = assembled("npm/yarn-berry");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "proj 0.0.0 local",
            "@types/node 20.11.0 direct dev",
            "debug 4.3.4 direct",
            "ms 2.1.2 indirect",
            "ms 2.1.3 direct",
            "undici-types 5.26.5 indirect dev"
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

// -------------------------------------------------------------------- Rust

#[test]
fn cargo_lock_v1_to_v4() {
    // The workspace members (app, and util, a path dependency of app) are
    // listed as local: the application's own components, as in Trivy's and
    // Syft's SBOMs.
    let expected = strs(&[
        "aho-corasick 1.1.3 direct",
        "app 0.1.0 local",
        "bitflags 1.3.2 direct",
        "bitflags 2.6.0 direct",
        "itoa 1.0.11 direct",
        "memchr 2.8.3 indirect",
        "util 0.1.0 local",
    ]);
    for v in ["v1", "v2", "v3", "v4"] {
        let (pkgs, warnings) = assembled(&format!("cargo/{v}"));
        assert!(warnings.is_empty(), "{v}: {warnings:?}");
        assert_eq!(summary(&pkgs), expected, "{v}");
        assert_eq!(pkgs[0].purl, "pkg:cargo/aho-corasick@1.1.3");
        assert_eq!(pkgs[0].ecosystem, Ecosystem::CratesIo);
        assert_eq!(pkgs[1].purl, "pkg:cargo/app@0.1.0");
    }
}

/// A relocatable ELF object holding one section, made with `object::write`.
fn elf_with_section(name: &str, data: &[u8]) -> Vec<u8> {
    use object::write::Object;
    use object::{Architecture, BinaryFormat, Endianness, SectionKind};
    let mut obj = Object::new(BinaryFormat::Elf, Architecture::X86_64, Endianness::Little);
    let id = obj.add_section(
        Vec::new(),
        name.as_bytes().to_vec(),
        SectionKind::ReadOnlyData,
    );
    obj.append_section_data(id, data, 1);
    obj.write().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// Every analyzer that wants `path` on `bytes`; those that can also read a
/// large file by ranges must give the same output that way.
fn analyze_bytes(path: &str, bytes: &[u8]) -> FileOutput {
    let mut all = FileOutput::default();
    for a in analyzers().iter().filter(|a| a.wants(path)) {
        let out = a
            .analyze(path, bytes)
            .unwrap_or_else(|e| panic!("{} on {path}: {e}", a.name()));
        if a.reads_large() {
            let mut file = tempfile::tempfile().unwrap();
            std::io::Write::write_all(&mut file, bytes).unwrap();
            let by_ranges = a
                .analyze_large(path, &file, bytes.len() as u64)
                .unwrap_or_else(|e| panic!("{} on {path} by ranges: {e}", a.name()));
            assert_eq!(by_ranges, out, "{} on {path} by ranges", a.name());
        }
        all.packages.extend(out.packages);
        all.warnings.extend(out.warnings);
    }
    all
}

#[test]
fn cargo_auditable_binary() {
    // The JSON cargo-auditable 0.7.7 embedded in the binary built from the
    // cargo/v4 workspace (see make-fixtures.sh), put back in an ELF section.
    let json = std::fs::read(data().join("cargo/auditable/app.dep-v0.json")).unwrap();
    let elf = elf_with_section(".dep-v0", &zlib(&json));
    let out = analyze_bytes("usr/local/bin/app", &elf);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(
        summary(&out.packages),
        strs(&[
            "aho-corasick 1.1.3 direct",
            "app 0.1.0",
            "bitflags 1.3.2 direct",
            "bitflags 2.6.0 direct",
            "itoa 1.0.11 direct",
            "memchr 2.8.3 indirect",
        ])
    );
    assert_eq!(out.packages[1].kind, drydock_core::PackageKind::Application);
    assert_eq!(out.packages[1].location.path, "usr/local/bin/app");
    // A truncated section is an error naming the file, not a panic.
    let bad = elf_with_section(".dep-v0", &zlib(&json)[..20]);
    let a = analyzers()
        .into_iter()
        .find(|a| a.name() == "cargo-auditable")
        .unwrap();
    let e = a.analyze("usr/local/bin/app", &bad).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("usr/local/bin/app: .dep-v0 section"),
        "{e}"
    );
}

// ---------------------------------------------------------------------- Go

#[test]
fn go_mod_files() {
    // The Go toolchain's own go.mod (Debian's golang-1.19-src).
    let std = scan("go/std");
    assert_eq!(
        summary(&std.packages),
        strs(&[
            "std  local",
            "golang.org/x/crypto v0.0.0-20220516162934-403b01795ae8 direct",
            "golang.org/x/net v0.0.0-20230214200805-d99f623d45a4 direct",
            "golang.org/x/sys v0.0.0-20220614162138-6c1b26c55098 indirect",
            "golang.org/x/text v0.3.8-0.20220509174342-b4bca84b0361 indirect",
        ])
    );
    // x/text's go.mod: `// indirect tagx:ignore` is not an indirect marker for Go.
    let text = scan("go/x-text");
    assert_eq!(
        summary(&text.packages),
        strs(&[
            "golang.org/x/text  local",
            "golang.org/x/tools v0.1.12 direct",
            "golang.org/x/mod v0.6.0-dev.0.20220419223038-86c51ed26bb4 direct",
            "golang.org/x/sys v0.0.0-20220722155257-8c9f86f7a55f direct",
        ])
    );
    let rep = scan("go/replace");
    assert!(rep.warnings.is_empty(), "{:?}", rep.warnings);
    assert_eq!(
        summary(&rep.packages),
        strs(&[
            "example.com/replaced  local",
            "github.com/gorilla/mux v1.8.0 direct",
            "github.com/example/logrus v1.9.1-fix indirect",
            "golang.org/x/net v0.19.0 direct",
            "golang.org/x/sys v0.13.0 indirect",
            "example.com/internal/lib  direct local",
            "gopkg.in/yaml.v3 v3.0.1 direct",
        ])
    );
    // The main module: an application without a version, purl as Trivy writes it.
    assert_eq!(rep.packages[0].purl, "pkg:golang/example.com/replaced");
    assert_eq!(rep.packages[0].kind, drydock_core::PackageKind::Application);
    assert_eq!(rep.packages[6].purl, "pkg:golang/gopkg.in/yaml.v3@v3.0.1");
}

/// A go.mod of Go 1.16 lists only direct dependencies; go.sum beside it
/// gives the rest, as indirect, without repeating go.mod's modules. A
/// go.sum beside a Go 1.17+ go.mod adds nothing.
#[test]
fn go_sum_completes_a_pre_117_go_mod() {
    let (pkgs, warnings) = assembled("go/legacy");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "example.com/legacy  local",
            "github.com/gorilla/mux v1.8.0 direct",
            "golang.org/x/net v0.0.0-20210405180319-a5a99cb37ef4 direct",
            "golang.org/x/sys v0.0.0-20210330210617-4fbd30eecc44 indirect",
            "golang.org/x/term v0.0.0-20201126162022-7de9c90e9dd1 indirect",
            "golang.org/x/text v0.3.3 indirect",
            "golang.org/x/tools v0.0.0-20180917221912-90fa682c2a6e indirect",
        ])
    );
    let sys = pkgs.iter().find(|p| p.name == "golang.org/x/sys").unwrap();
    assert_eq!(sys.location.path, "go/legacy/go.sum");
    assert_eq!(sys.location.line, Some(7));
    // The same go.sum beside a go 1.19 go.mod: go.mod is complete.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("new")).unwrap();
    std::fs::write(
        tmp.path().join("new/go.mod"),
        "module example.com/new\n\ngo 1.19\n\nrequire github.com/gorilla/mux v1.8.0\n",
    )
    .unwrap();
    std::fs::copy(
        data().join("go/legacy/go.sum"),
        tmp.path().join("new/go.sum"),
    )
    .unwrap();
    let (pkgs, _) = assembled_in(tmp.path(), "new");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "example.com/new  local",
            "github.com/gorilla/mux v1.8.0 direct"
        ])
    );
}

/// Builds tests/data/lang/go/demo with Debian's Go, vendoring golang.org/x/text
/// from golang-golang-x-text-dev, and returns the binary.
fn build_go_demo(ldflags: &str) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let src = data().join("go/demo");
    for f in ["go.mod", "main.go", "vendor/modules.txt"] {
        let to = tmp.path().join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(f), to).unwrap();
    }
    let text = Path::new("/usr/share/gocode/src/golang.org/x/text");
    assert!(
        text.is_dir(),
        "{} missing: apt-get install golang-golang-x-text-dev",
        text.display()
    );
    std::fs::create_dir_all(tmp.path().join("vendor/golang.org/x")).unwrap();
    std::os::unix::fs::symlink(text, tmp.path().join("vendor/golang.org/x/text")).unwrap();
    let out = std::process::Command::new("go")
        .args(["build", "-o", "demo", &format!("-ldflags={ldflags}"), "."])
        .current_dir(tmp.path())
        .env("GOFLAGS", "-mod=vendor")
        .env("GOPROXY", "off")
        .env("CGO_ENABLED", "0")
        .env("GOCACHE", tmp.path().join("cache"))
        .env("HOME", tmp.path())
        .output()
        .expect("`go` not found: apt-get install golang-go");
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(tmp.path().join("demo")).unwrap()
}

fn go_version() -> String {
    let out = std::process::Command::new("go")
        .arg("version")
        .output()
        .expect("`go` not found");
    // "go version go1.19.8 linux/amd64"
    let s = String::from_utf8(out.stdout).unwrap();
    s.split_whitespace()
        .nth(2)
        .unwrap()
        .trim_start_matches("go")
        .to_string()
}

#[test]
fn go_binary_built_by_debian_go() {
    let go = go_version();
    for (ldflags, renamed) in [("", false), ("-s -w", false), ("-s -w", true)] {
        let mut bin = build_go_demo(ldflags);
        if renamed {
            // No section named .go.buildinfo: found by searching for its magic.
            let at = bin
                .windows(13)
                .position(|w| w == b".go.buildinfo")
                .expect("section name");
            bin[at + 4] = b'B';
        }
        let out = analyze_bytes("usr/local/bin/demo", &bin);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| format!("{} {} {:?}", p.name, p.version, p.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                format!("stdlib {go} Library"),
                "example.com/drydock-demo (devel) Application".to_string(),
                "golang.org/x/text v0.7.0 Library".to_string(),
            ],
            "ldflags {ldflags:?}, section renamed: {renamed}"
        );
        assert_eq!(out.packages[2].purl, "pkg:golang/golang.org/x/text@v0.7.0");
        assert!(out.packages.iter().all(|p| p.ecosystem == Ecosystem::Go));
    }
}

// -------------------------------------------------------------------- Java

/// A jar of Debian's liblog4j2-java / libjackson2-databind-java.
fn debian_jar(name: &str) -> Vec<u8> {
    let p = Path::new("/usr/share/java").join(name);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: apt-get install liblog4j2-java libjackson2-databind-java",
            p.display()
        )
    })
}

/// A zip archive of (name, bytes) entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn names(out: &FileOutput) -> Vec<String> {
    out.packages
        .iter()
        .map(|p| format!("{} {} @ {}", p.name, p.version, p.location.path))
        .collect()
}

#[test]
fn java_debian_jars_by_pom_properties() {
    for (file, expected) in [
        (
            "log4j-core.jar",
            "org.apache.logging.log4j:log4j-core 2.19.0",
        ),
        ("log4j-api.jar", "org.apache.logging.log4j:log4j-api 2.19.0"),
        (
            "jackson-databind.jar",
            "com.fasterxml.jackson.core:jackson-databind 2.14.0",
        ),
    ] {
        let path = format!("usr/share/java/{file}");
        let out = analyze_bytes(&path, &debian_jar(file));
        assert!(out.warnings.is_empty(), "{file}: {:?}", out.warnings);
        assert_eq!(names(&out), vec![format!("{expected} @ {path}")]);
    }
    let core = analyze_bytes("log4j-core.jar", &debian_jar("log4j-core.jar"));
    assert_eq!(
        core.packages[0].purl,
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0"
    );
    assert_eq!(core.packages[0].ecosystem, Ecosystem::Maven);
}

#[test]
fn java_war_with_nested_jars_manifest_file_name_and_malformed_archives() {
    let api = debian_jar("log4j-api.jar");
    let manifest = {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&api[..])).unwrap();
        let mut m = Vec::new();
        std::io::Read::read_to_end(&mut z.by_name("META-INF/MANIFEST.MF").unwrap(), &mut m)
            .unwrap();
        m
    };
    let manifest_only = zip_of(&[("META-INF/MANIFEST.MF", &manifest)]);
    let named_only = zip_of(&[("com/example/Foo.class", b"\xca\xfe\xba\xbe")]);
    // 2 MiB of zeros as a pom.properties deflates to a few KiB.
    let zeros = vec![0u8; 2 << 20];
    let bomb = zip_of(&[("META-INF/maven/x/y/pom.properties", &zeros)]);
    let l4 = zip_of(&[(
        "META-INF/maven/z/deepest/pom.properties",
        b"groupId=z\nartifactId=deepest\nversion=4\n",
    )]);
    let l3 = zip_of(&[
        ("l4.jar", &l4),
        (
            "META-INF/maven/z/l3/pom.properties",
            b"groupId=z\nartifactId=l3\nversion=3\n",
        ),
    ]);
    let l2 = zip_of(&[("l3.jar", &l3)]);
    let deep = zip_of(&[("l2.jar", &l2)]);
    let war = zip_of(&[
        ("WEB-INF/web.xml", b"<web-app/>"),
        (
            "WEB-INF/lib/log4j-core-2.19.0.jar",
            &debian_jar("log4j-core.jar"),
        ),
        ("WEB-INF/lib/log4j-api.jar", &manifest_only),
        ("WEB-INF/lib/foo-1.4.2.jar", &named_only),
        ("WEB-INF/lib/broken.jar", b"this is not a zip"),
        ("WEB-INF/lib/bomb.jar", &bomb),
        ("WEB-INF/lib/deep.jar", &deep),
    ]);
    let out = analyze_bytes("srv/app.war", &war);
    assert_eq!(
        names(&out),
        strs(&[
            "org.apache.logging.log4j:log4j-core 2.19.0 @ srv/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar",
            // MANIFEST.MF: the group is Implementation-Vendor-Id, a guess.
            "org.apache:log4j-api 2.19.0 @ srv/app.war!/WEB-INF/lib/log4j-api.jar",
            "foo 1.4.2 @ srv/app.war!/WEB-INF/lib/foo-1.4.2.jar",
            "z:l3 3 @ srv/app.war!/WEB-INF/lib/deep.jar!/l2.jar!/l3.jar",
        ])
    );
    assert_eq!(out.warnings.len(), 4, "{:#?}", out.warnings);
    assert!(
        out.warnings[0]
            .starts_with("srv/app.war!/WEB-INF/lib/broken.jar: not a readable zip archive")
    );
    assert_eq!(
        out.warnings[1],
        "srv/app.war!/WEB-INF/lib/bomb.jar!/META-INF/maven/x/y/pom.properties: expands beyond 1048576 bytes (a zip bomb?); not read"
    );
    assert_eq!(
        out.warnings[2],
        "srv/app.war!/WEB-INF/lib/bomb.jar: no Maven coordinates, manifest version or versioned file name"
    );
    assert_eq!(
        out.warnings[3],
        "srv/app.war!/WEB-INF/lib/deep.jar!/l2.jar!/l3.jar!/l4.jar: nested deeper than 3 archives; not read"
    );
    // A top-level jar that is not a zip is a warning too, not an error.
    let bad = analyze_bytes("app/fake.jar", b"\x00\x01garbage");
    assert!(bad.packages.is_empty());
    assert!(
        bad.warnings[0].starts_with("app/fake.jar: not a readable zip archive"),
        "{:?}",
        bad.warnings
    );
}

#[test]
fn java_pom_xml_with_properties() {
    let (pkgs, warnings) = assembled("java/pom");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "com.example:demo 1.0.0-SNAPSHOT local",
            "com.example:demo-common 1.0.0-SNAPSHOT direct",
            "com.fasterxml.jackson.core:jackson-databind 2.15.3 direct",
            "junit:junit 4.13.2 direct dev",
            "org.apache.logging.log4j:log4j-core 2.14.1 direct",
        ])
    );
    assert_eq!(
        warnings,
        strs(&[
            "java/pom/pom.xml: version not resolved for org.springframework.boot:spring-boot-starter-web; \
             the parent org.springframework.boot:spring-boot-starter-parent:3.2.0 is not in this tree \
             and drydock does not fetch poms from remote repositories; not reported"
        ])
    );
}

/// A module inheriting from `../pom.xml` in the same tree: groupId and
/// version, properties (its own win, also inside the parent's
/// dependencyManagement), managed versions and scopes.
#[test]
fn java_pom_with_a_parent_in_the_tree() {
    let (pkgs, warnings) = assembled("java/multi");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "com.example.multi:multi-app 2.3.0 local",
            "com.example.multi:multi-core 2.3.0 direct",
            "com.fasterxml.jackson.core:jackson-databind 2.15.3 direct",
            "javax.servlet:javax.servlet-api 4.0.1 direct",
            "junit:junit 4.13.2 direct dev",
            "org.slf4j:slf4j-api 2.0.12 direct",
            "com.example.multi:multi-parent 2.3.0 local",
        ])
    );
    assert_eq!(pkgs[0].location.path, "java/multi/app/pom.xml");
    assert_eq!(
        warnings,
        strs(&[
            "java/multi/app/pom.xml: version not resolved for org.example:mystery; not reported"
        ])
    );
}

// ------------------------------------------------------- Ruby, PHP, .NET

#[test]
fn ruby_gemfile_lock_and_gemspecs() {
    let lock = scan("ruby/app");
    assert!(lock.warnings.is_empty(), "{:?}", lock.warnings);
    assert_eq!(
        summary(&lock.packages),
        strs(&[
            "forked_gem 0.9.1 direct",
            "local_engine 0.1.0 direct local",
            "mini_portile2 2.8.1 indirect",
            "nokogiri 1.14.2 direct",
            "rack 2.2.6.4 direct",
            "rack-test 2.0.2 direct",
            "racc 1.6.2 indirect",
        ])
    );
    assert_eq!(lock.packages[3].purl, "pkg:gem/nokogiri@1.14.2");
    let specs = scan("ruby/bundle");
    let got: Vec<_> = specs
        .packages
        .iter()
        .map(|p| format!("{} {} {}", p.name, p.version, p.licenses.join("|")))
        .collect();
    assert_eq!(got, strs(&["nokogiri 1.14.2 MIT", "rack 2.2.6.4 MIT"]));
}

#[test]
fn php_composer_lock_and_installed_json() {
    let lock = scan("php/app");
    assert_eq!(
        summary(&lock.packages),
        strs(&[
            "guzzlehttp/guzzle 7.5.0",
            "symfony/polyfill-ctype v1.27.0",
            "phpunit/phpunit 9.6.3 dev"
        ])
    );
    assert_eq!(
        lock.packages[0].purl,
        "pkg:composer/guzzlehttp/guzzle@7.5.0"
    );
    assert_eq!(lock.packages[2].licenses, vec!["BSD-3-Clause"]);
    // composer.json beside the lock: `require` and `require-dev` are direct
    // (platform requirements such as `php` and `ext-json` are no packages).
    let (pkgs, warnings) = assembled("php/app");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        summary(&pkgs),
        strs(&[
            "guzzlehttp/guzzle 7.5.0 direct",
            "phpunit/phpunit 9.6.3 direct dev",
            "symfony/polyfill-ctype v1.27.0 indirect",
        ])
    );
    assert_eq!(
        summary(&scan("php/vendor1").packages),
        strs(&["monolog/monolog 1.27.1", "psr/log 1.1.4"])
    );
    let v2 = scan("php/vendor2");
    assert_eq!(
        summary(&v2.packages),
        strs(&["guzzlehttp/guzzle 7.5.0", "phpunit/phpunit 9.6.3 dev"])
    );
    assert_eq!(v2.packages[1].licenses, vec!["BSD-3-Clause"]);
}

#[test]
fn dotnet_deps_json_and_packages_lock() {
    let deps = scan("dotnet/app");
    assert_eq!(
        summary(&deps.packages),
        strs(&[
            "Newtonsoft.Json 13.0.1 direct",
            "Serilog 3.1.1 direct",
            "System.Diagnostics.DiagnosticSource 7.0.2 indirect",
        ])
    );
    assert_eq!(deps.packages[0].purl, "pkg:nuget/Newtonsoft.Json@13.0.1");
    let lock = scan("dotnet/lock");
    assert_eq!(
        summary(&lock.packages),
        strs(&[
            "Newtonsoft.Json 13.0.1 direct",
            "System.Runtime 4.3.0 indirect",
            "System.Text.Json 8.0.0 indirect"
        ])
    );
}
