//! `drydock fs` on a source tree of language lockfiles with their manifests:
//! direct/dev/local markers settled across files, dev-only packages left out
//! unless `--include-dev-deps`, local packages in the SBOM.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn lang_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog/tests/data/lang")
}

/// A tree holding copies of the catalog fixtures `dirs` (as `tree/<dir>`).
fn tree(dirs: &[&str]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for d in dirs {
        let from = lang_data().join(d);
        let to = t.path().join(d);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(&from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    t
}

fn fs_json(dir: &Path, extra: &[&str]) -> Value {
    fs_format(dir, "json", extra)
}

fn fs_format(dir: &Path, format: &str, extra: &[&str]) -> Value {
    let cache = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("drydock")
        .unwrap()
        .arg("--cache-dir")
        .arg(cache.path())
        .args(["-q", "fs", "--scanners", "none", "-f", format])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "drydock failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `name version [direct|indirect] [dev] [local]` of the packages read from `file`.
fn listing(report: &Value, file: &str) -> Vec<String> {
    report["inventory"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["location"]["path"] == file)
        .map(|p| {
            let mut s = format!(
                "{} {}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            );
            match p["direct"].as_bool() {
                Some(true) => s.push_str(" direct"),
                Some(false) => s.push_str(" indirect"),
                None => {}
            }
            for flag in ["dev", "local"] {
                if p[flag] == true {
                    s.push(' ');
                    s.push_str(flag);
                }
            }
            s
        })
        .collect()
}

#[test]
fn dev_dependencies_are_left_out_unless_asked_for() {
    let t = tree(&["npm/yarn-classic", "php/app"]);
    let default = fs_json(t.path(), &[]);
    assert_eq!(
        listing(&default, "npm/yarn-classic/yarn.lock"),
        ["debug 4.3.4 direct", "ms 2.1.2 indirect", "ms 2.1.3 direct"]
    );
    assert_eq!(
        listing(&default, "php/app/composer.lock"),
        [
            "guzzlehttp/guzzle 7.5.0 direct",
            "symfony/polyfill-ctype v1.27.0 indirect"
        ]
    );
    let all = fs_json(t.path(), &["--include-dev-deps"]);
    assert_eq!(
        listing(&all, "npm/yarn-classic/yarn.lock"),
        [
            "@types/node 20.11.0 direct dev",
            "debug 4.3.4 direct",
            "ms 2.1.2 indirect",
            "ms 2.1.3 direct",
            "undici-types 5.26.5 indirect dev"
        ]
    );
    assert_eq!(
        listing(&all, "php/app/composer.lock"),
        [
            "guzzlehttp/guzzle 7.5.0 direct",
            "phpunit/phpunit 9.6.3 direct dev",
            "symfony/polyfill-ctype v1.27.0 indirect"
        ]
    );
}

#[test]
fn local_packages_and_parent_poms_in_a_source_tree() {
    let t = tree(&["cargo/v4", "go/legacy", "java/multi", "java/multi/app"]);
    let r = fs_json(t.path(), &[]);
    assert_eq!(
        listing(&r, "cargo/v4/Cargo.lock")
            .into_iter()
            .filter(|l| l.ends_with(" local"))
            .collect::<Vec<_>>(),
        ["app 0.1.0 local", "util 0.1.0 local"]
    );
    assert_eq!(
        listing(&r, "go/legacy/go.sum"),
        [
            "golang.org/x/sys v0.0.0-20210330210617-4fbd30eecc44 indirect",
            "golang.org/x/term v0.0.0-20201126162022-7de9c90e9dd1 indirect",
            "golang.org/x/text v0.3.3 indirect",
            "golang.org/x/tools v0.0.0-20180917221912-90fa682c2a6e indirect"
        ]
    );
    // junit is test-scoped (dev), so left out by default.
    assert_eq!(
        listing(&r, "java/multi/app/pom.xml"),
        [
            "com.example.multi:multi-app 2.3.0 local",
            "com.example.multi:multi-core 2.3.0 direct",
            "com.fasterxml.jackson.core:jackson-databind 2.15.3 direct",
            "javax.servlet:javax.servlet-api 4.0.1 direct",
            "org.slf4j:slf4j-api 2.0.12 direct"
        ]
    );
    let warnings: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["input"] == "java/multi/app/pom.xml")
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        warnings,
        ["version not resolved for org.example:mystery; not reported"]
    );
    // The SBOM keeps the marker, so `drydock sbom-scan` skips them too.
    let cdx = fs_format(t.path(), "cyclonedx", &[]);
    let local: Vec<&str> = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["properties"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["name"] == "drydock:package:local" && p["value"] == "true")
            })
        })
        .map(|c| c["purl"].as_str().unwrap())
        .collect();
    assert_eq!(
        local,
        [
            "pkg:cargo/app@0.1.0",
            "pkg:cargo/util@0.1.0",
            "pkg:golang/example.com/legacy",
            "pkg:maven/com.example.multi/multi-app@2.3.0",
            "pkg:maven/com.example.multi/multi-parent@2.3.0"
        ]
    );
}

/// A cataloger's warning names the file once: as the warning's input, not again
/// at the head of its message (analyzers name the file because they also run on
/// bare bytes).
#[test]
fn analyzer_warnings_name_the_file_once() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(t.path().join("lib")).unwrap();
    std::fs::write(t.path().join("lib/fake.jar"), b"this is not a zip archive").unwrap();
    let r = fs_json(t.path(), &[]);
    let warnings: Vec<(&str, &str)> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["input"].as_str().unwrap(), w["message"].as_str().unwrap()))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let (input, message) = warnings[0];
    assert_eq!(input, "lib/fake.jar");
    assert!(
        message.starts_with("not a readable zip archive"),
        "{message}"
    );
}

/// A Go binary larger than the read budget (a real one, padded with trailing
/// bytes as big binaries with embedded assets are) inside an image: its modules
/// are found while the scan's peak memory stays below the binary's size (it is
/// read by ranges from a spill file in the cache's tmp/, left empty). With no
/// spill directory possible (tmp/ is a file) the same scan reads it whole, and
/// its peak memory shows it: the measurement can tell the two apart.
#[test]
fn large_go_binary_in_an_image_is_read_by_ranges() {
    use drydock_testkit as kit;
    use std::os::unix::fs::PermissionsExt;
    const PADDING: u64 = 64 * 1024 * 1024;
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("go.mod"), "module example.com/bigapp\n\ngo 1.19\n").unwrap();
    std::fs::write(
        src.join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n",
    )
    .unwrap();
    let bin_dir = work.path().join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    let bin = bin_dir.join("bigapp");
    kit::run(
        std::process::Command::new("go")
            .args(["build", "-o"])
            .arg(&bin)
            .arg(".")
            .current_dir(&src)
            .env("GOPATH", work.path().join("gopath"))
            .env("GOCACHE", work.path().join("gocache"))
            .env("GOPROXY", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-buildvcs=false"),
    );
    let mut bytes = std::fs::read(&bin).unwrap();
    bytes.resize(bytes.len() + PADDING as usize, 0xa5);
    std::fs::write(&bin, &bytes).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    drop(bytes);
    let img = kit::Image::amd64(vec![
        kit::LayerBuilder::new()
            .dir_tree_at(&bin_dir, "usr/local/bin")
            .finish("COPY bigapp /usr/local/bin/"),
    ]);
    let archive = work.path().join("img.tar");
    img.write_docker_archive_classic(&archive, "bigapp:1");
    let scan = |cache: &Path| {
        let (out, peak_kib) = kit::output_with_peak_rss(
            std::process::Command::new(assert_cmd::cargo::cargo_bin("drydock"))
                .arg("--cache-dir")
                .arg(cache)
                .args(["-q", "--no-cache", "image", "--input"])
                .arg(&archive)
                .args(["--scanners", "vuln", "-f", "json"]),
        );
        let r = kit::json_stdout(&out);
        let go: Vec<(String, String)> = r["inventory"]["packages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["ecosystem"] == "Go")
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["location"]["path"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(
            go.contains(&("example.com/bigapp".into(), "usr/local/bin/bigapp".into()))
                && go.iter().any(|(n, _)| n == "stdlib"),
            "{go:?}"
        );
        peak_kib * 1024
    };
    let cache = work.path().join("cache");
    let by_ranges = scan(&cache);
    assert!(
        by_ranges < PADDING,
        "peak {by_ranges} bytes: the binary was held whole"
    );
    assert_eq!(std::fs::read_dir(cache.join("tmp")).unwrap().count(), 0);

    let no_spill = work.path().join("no-spill");
    std::fs::create_dir(&no_spill).unwrap();
    std::fs::write(no_spill.join("tmp"), b"not a directory").unwrap();
    let whole = scan(&no_spill);
    assert!(whole > PADDING, "peak {whole} bytes when read whole");
}
