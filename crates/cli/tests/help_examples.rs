//! Every command clap defines shows at least one example in its `--help`, and every example
//! parses. The command tree is read from the binary's own help (the `Commands:` sections), so a
//! command added later is checked without touching this test.
//!
//! An example is parsed, not run, by giving the binary its arguments followed by `--help`:
//! clap reads arguments in order, so an unknown flag, a missing flag value or a value of the
//! wrong type is a usage error (exit 2) before it reaches `--help`; exit 0 with the usage line
//! of the expected command means the whole line parsed.

use assert_cmd::Command;
use std::collections::BTreeMap;

/// Runs `drydock ARGS --help`: parses ARGS without running anything.
fn parse_only<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    Command::cargo_bin("drydock")
        .unwrap()
        .args(args)
        .arg("--help")
        .env_clear()
        .output()
        .unwrap()
}

fn help(path: &[String]) -> String {
    let out = parse_only(path);
    assert!(
        out.status.success(),
        "drydock {path:?} --help: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Names in a help text's `Commands:` section (clap's own `help` left out).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // Entries are indented two spaces; wrapped descriptions are indented further.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect()
}

/// Every command path (`[]` is `drydock` itself) with its help text and its children.
fn tree() -> BTreeMap<Vec<String>, (String, Vec<String>)> {
    let mut out = BTreeMap::new();
    let mut todo = vec![Vec::<String>::new()];
    while let Some(path) = todo.pop() {
        let h = help(&path);
        let subs = subcommands(&h);
        for s in &subs {
            let mut p = path.clone();
            p.push(s.clone());
            todo.push(p);
        }
        out.insert(path, (h, subs));
    }
    out
}

/// The example command lines of a help text: each `drydock …` invocation of the lines under
/// `Examples:`, with `# comments` and leading `VAR=value` assignments removed and `a && b`
/// split in two.
fn examples(help: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in help
        .lines()
        .skip_while(|l| l.trim_end() != "Examples:")
        .skip(1)
    {
        let code = line.split(" #").next().unwrap_or_default();
        for part in code.split("&&") {
            let words: Vec<String> = part
                .split_whitespace()
                .skip_while(|w| w.contains('=') && !w.starts_with('-'))
                .map(str::to_string)
                .collect();
            if words.first().is_some_and(|w| w == "drydock") {
                out.push(words[1..].to_vec());
            }
        }
    }
    out
}

/// The command path an example's arguments select: command names are followed down the tree;
/// flags and their values are passed over until a command without children is reached.
fn command_path(
    tree: &BTreeMap<Vec<String>, (String, Vec<String>)>,
    args: &[String],
) -> Vec<String> {
    let mut path = Vec::new();
    for a in args {
        let children = &tree[&path].1;
        if children.is_empty() {
            break;
        }
        if children.contains(a) {
            path.push(a.clone());
        }
    }
    path
}

#[test]
fn the_tree_is_read_from_the_help() {
    let t = tree();
    let root = &t[&Vec::new()].1;
    for c in ["image", "fs", "db", "audit", "version"] {
        assert!(root.contains(&c.to_string()), "{root:?}");
    }
    assert_eq!(t[&vec!["db".to_string()]].1, ["import", "update", "status"]);
    assert!(t.contains_key(&vec!["audit".to_string(), "docker".to_string()]));
}

#[test]
fn every_command_has_examples_that_parse() {
    let t = tree();
    let mut missing = Vec::new();
    let mut bad = Vec::new();
    let mut checked = 0;
    for (path, (h, _)) in &t {
        let ex = examples(h);
        if ex.is_empty() {
            missing.push(format!("drydock {}", path.join(" ")));
        }
        // Examples under a command use it (an example may also show a command it works
        // with, as `audit docker` does with `image`).
        if !path.is_empty() && !ex.iter().any(|e| command_path(&t, e).starts_with(path)) {
            bad.push(format!(
                "drydock {}: no example runs this command",
                path.join(" ")
            ));
        }
        for args in ex {
            checked += 1;
            let want = command_path(&t, &args);
            let shown = format!("drydock {}", args.join(" "));
            if want.is_empty() {
                bad.push(format!("{shown}: names no command"));
                continue;
            }
            let out = parse_only(&args);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let usage = format!("Usage: drydock {} ", want.join(" "));
            if !out.status.success() {
                bad.push(format!(
                    "{shown}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            } else if !stdout.contains(&usage) {
                bad.push(format!("{shown}: parsed as another command than {want:?}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "commands without examples: {missing:#?}"
    );
    assert!(bad.is_empty(), "examples that do not parse: {bad:#?}");
    assert!(
        checked >= t.len(),
        "{checked} examples for {} commands",
        t.len()
    );
}

/// The checker itself: it must reject what clap rejects.
#[test]
fn a_broken_example_is_caught() {
    let args: Vec<String> = ["image", "--input", "app.tar", "--no-such-flag"]
        .map(String::from)
        .to_vec();
    let out = parse_only(&args);
    assert_eq!(out.status.code(), Some(2));
    let bad_value = parse_only(&["fs", ".", "--exit-code", "high"]);
    assert_eq!(bad_value.status.code(), Some(2));
    assert_eq!(
        examples("Examples:\n  drydock fs . # here\n  X=1 drydock a && drydock b --c\n  not this"),
        vec![
            vec!["fs".to_string(), ".".to_string()],
            vec!["a".to_string()],
            vec!["b".to_string(), "--c".to_string()],
        ]
    );
}
