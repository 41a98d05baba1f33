//! Every language analyzer on random and truncated input: errors and warnings
//! are fine, panics are not.

use drydock_catalog::lang::analyzers;
use proptest::prelude::*;

/// One path per format; every analyzer must want at least one of them.
const PATHS: &[&str] = &[
    "app/site-packages/x-1.0.dist-info/METADATA",
    "app/requirements.txt",
    "app/poetry.lock",
    "app/Pipfile.lock",
    "app/uv.lock",
    "app/pdm.lock",
    "app/package-lock.json",
    "app/yarn.lock",
    "app/pnpm-lock.yaml",
    "app/node_modules/a/package.json",
    "app/Cargo.lock",
    "usr/local/bin/app",
    "app/go.mod",
    "app/lib/x.jar",
    "app/pom.xml",
    "app/Gemfile.lock",
    "gems/specifications/x-1.0.gemspec",
    "app/composer.lock",
    "app/vendor/composer/installed.json",
    "app/app.deps.json",
    "app/packages.lock.json",
    "app/pyproject.toml",
    "app/Pipfile",
    "app/package.json",
    "app/composer.json",
    "app/go.sum",
];

/// Real fixtures whose every prefix is fed to the analyzers that want them.
const FIXTURES: &[&str] = &[
    "python/uv.lock",
    "python/site-packages/attrs-25.3.0.dist-info/METADATA",
    "npm/v3/package-lock.json",
    "npm/yarn-berry/yarn.lock",
    "npm/yarn-classic/yarn.lock",
    "npm/pnpm-v9/pnpm-lock.yaml",
    "cargo/v1/Cargo.lock",
    "go/replace/go.mod",
    "java/pom/pom.xml",
    "ruby/app/Gemfile.lock",
    "dotnet/app/app.deps.json",
    "python/pyproject.toml",
    "npm/v1-registry/package.json",
    "php/app/composer.json",
    "go/legacy/go.sum",
    "java/multi/app/pom.xml",
];

/// Every analyzer that wants `path`, then the inventory assembly over what
/// they found (which reads their facts), as a scan does.
fn run_all(path: &str, bytes: &[u8]) {
    let outputs: Vec<_> = analyzers()
        .iter()
        .filter(|a| a.wants(path))
        .filter_map(|a| a.analyze(path, bytes).ok())
        .collect();
    let _ = drydock_catalog::inventory::assemble(
        outputs
            .iter()
            .map(|o| drydock_catalog::inventory::FoundFile::new(path, o)),
    );
}

#[test]
fn every_analyzer_is_exercised() {
    for a in analyzers() {
        assert!(
            PATHS.iter().any(|p| a.wants(p)),
            "no path in PATHS for analyzer {}",
            a.name()
        );
    }
}

#[test]
fn truncated_fixtures_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lang");
    for f in FIXTURES {
        let bytes = std::fs::read(root.join(f)).unwrap();
        let path = format!("x/{}", f.rsplit('/').next().unwrap());
        let path = if f.contains(".dist-info/") {
            format!("x/a.dist-info/{}", "METADATA")
        } else {
            path
        };
        assert!(analyzers().iter().any(|a| a.wants(&path)), "{path}");
        for cut in (0..bytes.len()).step_by(7) {
            run_all(&path, &bytes[..cut]);
        }
    }
}

/// YAML indented with tabs is invalid: an error naming the file, not a panic.
#[test]
fn yaml_with_tabs_is_an_error() {
    let a = analyzers()
        .into_iter()
        .find(|a| a.name() == "pnpm-lock")
        .unwrap();
    let e = a
        .analyze(
            "app/pnpm-lock.yaml",
            b"lockfileVersion: '9.0'\nimporters:\n\t.:\n\t\tdependencies: {}\n",
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("app/pnpm-lock.yaml: invalid YAML"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(idx in 0..PATHS.len(), bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        run_all(PATHS[idx], &bytes);
    }

    #[test]
    fn random_text_never_panics(idx in 0..PATHS.len(), s in "[ -~\t\n]{0,512}") {
        run_all(PATHS[idx], s.as_bytes());
    }

    /// Object files and zips with random tails: the binary and archive readers.
    #[test]
    fn magic_prefixed_bytes_never_panic(
        magic in prop::sample::select(vec![&b"\x7fELF\x02\x01\x01"[..], b"PK\x03\x04", b"MZ", b"\xcf\xfa\xed\xfe"]),
        tail in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let mut bytes = magic.to_vec();
        bytes.extend(tail);
        run_all("usr/local/bin/app", &bytes);
        run_all("app/lib/x.jar", &bytes);
    }
}
