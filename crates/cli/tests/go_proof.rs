//! Go binaries: findings checked against an independent oracle, before and
//! after "upgrading" the modules.
//!
//! A small program importing golang.org/x/{crypto,net,text} is built with
//! Debian's golang-go from the module sources Debian's golang-*-dev packages
//! install under /usr/share/gocode/src, vendored by this test (vendor/ and
//! vendor/modules.txt written here; GOPROXY=off, nothing is downloaded). The
//! real `drydock fs` scans the binary with the shipped baseline database. The
//! oracle is a Go program evaluating the baseline's Go records (copied from ../shared) SEMVER ranges
//! with golang.org/x/mod/semver (Debian's golang-golang-x-mod-dev: the Go
//! team's own comparison) and govulncheck's range walk, given the module list
//! `go version -m` prints. drydock must report exactly the oracle's set, ids
//! and fixed versions, for the modules and for the stdlib of the Go that built
//! the binary.

use assert_cmd::Command;
use drydock_testkit as kit;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The program scanned. bcrypt, html and language pull in three modules and
/// eight packages of them.
const PROGRAM: &str = r#"package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/net/html"
	"golang.org/x/text/language"
)

func main() {
	doc, err := html.Parse(strings.NewReader("<p>proof</p>"))
	if err != nil {
		os.Exit(1)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost)
	fmt.Println(doc.FirstChild != nil, len(h) > 0, language.English)
}
"#;

/// The oracle. For every non-withdrawn record naming an installed module
/// (ecosystem Go), a SEMVER range contains the version as govulncheck's
/// `ContainsSemver` decides (events sorted with x/mod/semver, "0" first; an
/// introduced event counts only while not affected, a fixed one only while
/// affected); the fix is the lowest fixed version above the installed one
/// that no range of the record affects. Prints one JSON line per (record, module) hit, and per module the
/// highest fixed version any record names (`max_fixed`).
const ORACLE: &str = r#"package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/semver"
)

type event struct {
	Introduced   string `json:"introduced"`
	Fixed        string `json:"fixed"`
	LastAffected string `json:"last_affected"`
	Limit        string `json:"limit"`
}

type record struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Withdrawn string   `json:"withdrawn"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string  `json:"type"`
			Events []event `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
}

func canon(v string) string {
	if v == "0" || strings.HasPrefix(v, "v") {
		return v
	}
	return "v" + v
}

func key(e event) string {
	switch {
	case e.Introduced != "":
		return e.Introduced
	case e.Fixed != "":
		return e.Fixed
	case e.LastAffected != "":
		return e.LastAffected
	}
	return e.Limit
}

func contains(events []event, v string) bool {
	evs := append([]event(nil), events...)
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := key(evs[i]), key(evs[j])
		if a == "0" {
			return b != "0"
		}
		if b == "0" {
			return false
		}
		return semver.Compare(canon(a), canon(b)) < 0
	})
	affected := false
	for _, e := range evs {
		switch {
		case !affected && e.Introduced != "":
			affected = e.Introduced == "0" || semver.Compare(v, canon(e.Introduced)) >= 0
		case affected && e.Fixed != "":
			affected = semver.Compare(v, canon(e.Fixed)) < 0
		case affected && e.LastAffected != "":
			affected = semver.Compare(v, canon(e.LastAffected)) <= 0
		}
	}
	return affected
}

func main() {
	if len(os.Args) < 2 || len(os.Args)%2 != 0 {
		fmt.Fprintln(os.Stderr, "usage: oracle OSV_DIR [MODULE VERSION]...")
		os.Exit(2)
	}
	installed := map[string]string{}
	for i := 2; i+1 < len(os.Args); i += 2 {
		installed[os.Args[i]] = canon(os.Args[i+1])
	}
	files, err := filepath.Glob(filepath.Join(os.Args[1], "*.json"))
	if err != nil || len(files) == 0 {
		fmt.Fprintln(os.Stderr, "no OSV records in", os.Args[1])
		os.Exit(1)
	}
	sort.Strings(files)
	maxFixed := map[string]string{}
	out := json.NewEncoder(os.Stdout)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var r record
		if err := json.Unmarshal(b, &r); err != nil {
			fmt.Fprintln(os.Stderr, f, err)
			os.Exit(1)
		}
		if r.Withdrawn != "" {
			continue
		}
		// A module may be named by several affected entries of one record
		// (GO-2023-2185: [0, 1.20.11) and then [1.20.11, 1.20.12) for an
		// incomplete fix): all of its SEMVER ranges are taken together.
		ranges := map[string][][]event{}
		for _, a := range r.Affected {
			if _, ok := installed[a.Package.Name]; a.Package.Ecosystem != "Go" || !ok {
				continue
			}
			for _, rg := range a.Ranges {
				if rg.Type == "SEMVER" {
					ranges[a.Package.Name] = append(ranges[a.Package.Name], rg.Events)
				}
			}
		}
		affects := func(module, v string) bool {
			for _, evs := range ranges[module] {
				if contains(evs, v) {
					return true
				}
			}
			return false
		}
		for module, rs := range ranges {
			var fixes []string
			for _, evs := range rs {
				for _, e := range evs {
					if e.Fixed == "" {
						continue
					}
					fixes = append(fixes, e.Fixed)
					if m := maxFixed[module]; m == "" || semver.Compare(canon(e.Fixed), canon(m)) > 0 {
						maxFixed[module] = e.Fixed
					}
				}
			}
			v := installed[module]
			if !affects(module, v) {
				continue
			}
			// The fix: the lowest fixed version above v that no range affects.
			sort.Slice(fixes, func(i, j int) bool { return semver.Compare(canon(fixes[i]), canon(fixes[j])) < 0 })
			fix := ""
			for _, f := range fixes {
				if semver.Compare(canon(f), v) > 0 && !affects(module, canon(f)) {
					fix = f
					break
				}
			}
			out.Encode(map[string]any{"kind": "finding", "id": r.ID, "module": module, "fixed": fix})
		}
	}
	for m, v := range maxFixed {
		out.Encode(map[string]any{"kind": "max_fixed", "module": m, "version": v})
	}
}
"#;

/// (module, GO id, fixed version) of each finding.
type Hits = BTreeSet<(String, String, String)>;
/// Module path → version.
type Versions = BTreeMap<String, String>;

/// Debian's Go module sources.
const GOCODE: &str = "/usr/share/gocode/src";

/// The Go records of the baseline that can concern the program: a copy of
/// `../shared/vulndata/osv/Go`'s (scripts/copy-test-records.py), so the proof
/// runs in a clone without `../shared`.
fn go_records() -> PathBuf {
    kit::workspace_root().join("crates/cli/tests/data/osv/Go")
}

/// `go` with a private GOPATH and build cache, nothing fetched.
fn go(work: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("go");
    cmd.env("GOPATH", work.join("gopath"))
        .env("GOCACHE", work.join("gocache"))
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off")
        .env("GOFLAGS", "-mod=vendor")
        .env("CGO_ENABLED", "0");
    cmd
}

/// The module holding a package directory under GOCODE (the nearest go.mod)
/// and the upstream version of the Debian package that installed that go.mod
/// (`1:0.7.0+dfsg-1` is v0.7.0).
fn module_of(dir: &Path) -> (String, String, PathBuf) {
    let root = dir
        .ancestors()
        .take_while(|d| d.starts_with(GOCODE))
        .find(|d| d.join("go.mod").is_file())
        .unwrap_or_else(|| panic!("no go.mod above {}", dir.display()));
    let gomod = std::fs::read_to_string(root.join("go.mod")).unwrap();
    let path = gomod
        .lines()
        .find_map(|l| l.strip_prefix("module "))
        .unwrap_or_else(|| panic!("{}/go.mod names no module", root.display()))
        .trim()
        .to_string();
    let owner = kit::run(
        std::process::Command::new("dpkg-query")
            .arg("-S")
            .arg(root.join("go.mod")),
    );
    let deb = owner.split(':').next().unwrap().trim().to_string();
    let version =
        kit::run(std::process::Command::new("dpkg-query").args(["-W", "-f=${Version}", &deb]));
    let upstream = version.rsplit_once(':').map_or(version.as_str(), |v| v.1);
    let upstream = upstream
        .split(['+', '-', '~'])
        .next()
        .unwrap_or(upstream)
        .to_string();
    assert!(
        upstream.split('.').count() == 3 && upstream.split('.').all(|n| n.parse::<u32>().is_ok()),
        "{deb} {version} is not a plain release of {path}"
    );
    (path, format!("v{upstream}"), root.to_path_buf())
}

/// Vendors the program's non-standard packages from GOCODE and records them
/// in vendor/modules.txt and go.mod at `versions` (module → version); returns
/// the module → Debian version map.
fn vendor(src: &Path, versions: Option<&Versions>) -> Versions {
    // GOPATH mode resolves the imports against Debian's tree.
    let deps = kit::run(
        std::process::Command::new("go")
            .env("GO111MODULE", "off")
            .env("GOPATH", "/usr/share/gocode")
            .env("GOCACHE", src.join("../gocache"))
            .args([
                "list",
                "-deps",
                "-f",
                "{{if not .Standard}}{{.ImportPath}}\t{{.Dir}}{{end}}",
                ".",
            ])
            .current_dir(src),
    );
    let mut packages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut debian = Versions::new();
    let vendor = src.join("vendor");
    for line in deps.lines() {
        let Some((import, dir)) = line.split_once('\t') else {
            continue;
        };
        let dir = Path::new(dir);
        if !dir.starts_with(GOCODE) {
            continue; // the program itself
        }
        let (module, version, _) = module_of(dir);
        packages
            .entry(module.clone())
            .or_default()
            .insert(import.to_string());
        debian.insert(module, version);
        let dest = vendor.join(import);
        std::fs::create_dir_all(&dest).unwrap();
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), dest.join(entry.file_name())).unwrap();
            }
        }
    }
    let versions = versions.unwrap_or(&debian);
    let mut modules_txt = String::new();
    let mut require = String::new();
    for (module, pkgs) in &packages {
        let v = &versions[module];
        modules_txt += &format!("# {module} {v}\n## explicit; go 1.17\n");
        for p in pkgs {
            modules_txt += &format!("{p}\n");
        }
        require += &format!("\t{module} {v}\n");
    }
    std::fs::write(vendor.join("modules.txt"), modules_txt).unwrap();
    std::fs::write(
        src.join("go.mod"),
        format!("module example.com/goproof\n\ngo 1.19\n\nrequire (\n{require})\n"),
    )
    .unwrap();
    debian
}

/// Builds the program into `out/app`; returns what `go version -m` says:
/// (module → version, with `stdlib` → the toolchain's version).
fn build(work: &Path, versions: Option<&Versions>, out: &Path) -> (Versions, Versions) {
    let src = work.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src).unwrap();
    }
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("main.go"), PROGRAM).unwrap();
    let debian = vendor(&src, versions);
    std::fs::create_dir_all(out).unwrap();
    let app = out.join("app");
    kit::run(
        go(work)
            .env("GO111MODULE", "on")
            .args(["build", "-o"])
            .arg(&app)
            .arg(".")
            .current_dir(&src),
    );
    let info = kit::run(go(work).args(["version", "-m"]).arg(&app));
    let mut modules = BTreeMap::new();
    for line in info.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            [_, goversion] if goversion.starts_with("go1.") => {
                modules.insert("stdlib".to_string(), goversion["go".len()..].to_string());
            }
            ["dep", module, version, ..] => {
                modules.insert(module.to_string(), version.to_string());
            }
            _ => {}
        }
    }
    assert!(modules.contains_key("stdlib"), "no Go version in:\n{info}");
    (modules, debian)
}

/// The oracle's hits as (module, GO id, fixed) and each module's highest fix.
fn oracle(work: &Path, records: &Path, modules: &Versions) -> (Hits, Versions) {
    let dir = work.join("oracle");
    if !dir.join("oracle").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("main.go"), ORACLE).unwrap();
        // GOPATH mode against Debian's golang.org/x/mod.
        kit::run(
            std::process::Command::new("go")
                .env("GO111MODULE", "off")
                .env("GOPATH", "/usr/share/gocode")
                .env("GOCACHE", work.join("gocache"))
                .env("CGO_ENABLED", "0")
                .args(["build", "-o", "oracle", "."])
                .current_dir(&dir),
        );
    }
    let mut cmd = std::process::Command::new(dir.join("oracle"));
    cmd.arg(records);
    for (m, v) in modules {
        cmd.args([m, v]);
    }
    let mut hits = BTreeSet::new();
    let mut max_fixed = BTreeMap::new();
    for line in kit::run(&mut cmd).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| v[k].as_str().unwrap().to_string();
        match v["kind"].as_str() {
            Some("finding") => {
                hits.insert((s("module"), s("id"), s("fixed")));
            }
            _ => {
                max_fixed.insert(s("module"), s("version"));
            }
        }
    }
    (hits, max_fixed)
}

/// drydock's findings as (package, GO id, fixed), each finding holding exactly
/// one GO id among its id and aliases.
fn drydock(dir: &Path) -> Hits {
    let cache = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("drydock")
        .unwrap()
        .arg("--cache-dir")
        .arg(cache.path())
        .arg("fs")
        .arg(dir)
        .args(["-f", "json", "-q", "--scanners", "vuln"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "drydock failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The database used is the shipped baseline (built from the same records).
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(kit::workspace_root().join("data/baseline/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["db"]["content_hash"], manifest["content_hash"]);
    let mut got = BTreeSet::new();
    for f in report["findings"].as_array().unwrap() {
        if f["kind"] != "vulnerability" {
            continue;
        }
        let ids: Vec<&str> = std::iter::once(&f["id"])
            .chain(f["aliases"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .filter(|i| i.starts_with("GO-"))
            .collect();
        assert_eq!(ids.len(), 1, "finding without exactly one GO id: {f}");
        got.insert((
            f["package_name"].as_str().unwrap().to_string(),
            ids[0].to_string(),
            f["fixed_version"].as_str().unwrap_or("").to_string(),
        ));
    }
    got
}

fn only(set: &Hits, stdlib: bool) -> Hits {
    set.iter()
        .filter(|h| (h.0 == "stdlib") == stdlib)
        .cloned()
        .collect()
}

#[test]
fn go_binary_findings_match_the_oracle_before_and_after_upgrade() {
    let records = go_records();
    let work = tempfile::tempdir().unwrap();
    let work = work.path();

    // 1. Modules at the versions Debian ships (the vendored source is that version).
    let (modules, debian) = build(work, None, &work.join("old"));
    for (m, v) in &debian {
        assert_eq!(modules.get(m), Some(v), "build info of {m}");
    }
    let (expected, max_fixed) = oracle(work, &records, &modules);
    let got = drydock(&work.join("old"));
    assert_eq!(
        only(&got, true),
        only(&expected, true),
        "stdlib {}",
        modules["stdlib"]
    );
    assert_eq!(
        only(&got, false),
        only(&expected, false),
        "modules {modules:?}"
    );
    // The fixture must really be vulnerable, in the stdlib and in two modules.
    assert!(only(&expected, true).len() >= 10, "{expected:?}");
    let vulnerable: BTreeSet<String> = only(&expected, false).into_iter().map(|h| h.0).collect();
    assert!(
        vulnerable.contains("golang.org/x/net") && vulnerable.contains("golang.org/x/crypto"),
        "{vulnerable:?}"
    );

    // 2. "Upgraded": every module at the highest version any Go record names
    // as a fix. Debian ships no newer source offline, so the same vendored
    // source is recorded at that version in go.mod and vendor/modules.txt,
    // which is exactly what the linker writes into the build info and all a
    // binary scanner can know of a module. What this proves is the matching
    // of those recorded versions, not a property of the source.
    let upgraded: Versions = debian
        .keys()
        .map(|m| {
            let v = max_fixed.get(m).map_or_else(
                || debian[m].clone(),
                |v| format!("v{}", v.trim_start_matches('v')),
            );
            (m.clone(), v)
        })
        .collect();
    let (modules_up, _) = build(work, Some(&upgraded), &work.join("new"));
    for (m, v) in &upgraded {
        assert_eq!(modules_up.get(m), Some(v), "build info of {m}");
    }
    let (expected_up, _) = oracle(work, &records, &modules_up);
    let got_up = drydock(&work.join("new"));
    assert_eq!(got_up, expected_up);
    // Only advisories without any fix can remain for the modules.
    for (m, id, fixed) in only(&got_up, false) {
        assert!(
            fixed.is_empty(),
            "{id} in {m} {} still reported, fixed in {fixed}",
            modules_up[&m]
        );
    }
    let fixed_before = only(&expected, false)
        .into_iter()
        .filter(|h| !h.2.is_empty())
        .count();
    assert!(fixed_before >= 5, "{expected:?}");
    // The stdlib cannot be upgraded offline: the same Go built both.
    assert_eq!(only(&got_up, true), only(&expected, true));
}
