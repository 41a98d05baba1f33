//! Git history scans on real repositories made with the git CLI.

mod common;

use common::expand;
use drydock_secrets::{GitOptions, SecretScanner, scan_git};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.org")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn secrets_deleted_later_and_on_other_branches_are_found_once() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let (gh, _) = expand("ghp_{b62:30}{crc}", "git-gh");
    let (stripe, _) = expand("sk_live_{b62:30}", "git-stripe");
    git(repo, &["init", "-q", "-b", "main"], "2024-01-01T00:00:00Z");
    std::fs::write(repo.join("README.md"), "# app\n").unwrap();
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    std::fs::write(
        repo.join("deploy/ci.env"),
        format!("APP=1\nGITHUB_TOKEN={gh}\n"),
    )
    .unwrap();
    git(repo, &["add", "."], "2024-01-02T10:00:00+02:00");
    git(
        repo,
        &["commit", "-q", "-m", "add ci"],
        "2024-01-02T10:00:00+02:00",
    );
    let added = git(repo, &["rev-parse", "HEAD"], "");

    // Deleted on main...
    std::fs::remove_file(repo.join("deploy/ci.env")).unwrap();
    git(
        repo,
        &["commit", "-q", "-am", "remove token"],
        "2024-01-03T10:00:00+02:00",
    );
    // ...and copied unchanged to another path later: same blob, reported once.
    std::fs::write(
        repo.join("ci-copy.env"),
        format!("APP=1\nGITHUB_TOKEN={gh}\n"),
    )
    .unwrap();
    git(repo, &["add", "."], "2024-01-04T10:00:00+02:00");
    git(
        repo,
        &["commit", "-q", "-m", "copy"],
        "2024-01-04T10:00:00+02:00",
    );

    // A second branch from the first commit, with another secret, tagged, then the branch deleted.
    git(repo, &["checkout", "-q", "-b", "feature", &added], "");
    std::fs::write(repo.join("pay.py"), format!("STRIPE = \"{stripe}\"\n")).unwrap();
    git(repo, &["add", "."], "2024-02-01T08:30:00Z");
    git(
        repo,
        &["commit", "-q", "-m", "payments"],
        "2024-02-01T08:30:00Z",
    );
    let feature = git(repo, &["rev-parse", "HEAD"], "");
    git(repo, &["tag", "v0.1-feature"], "");
    git(repo, &["checkout", "-q", "main"], "");
    git(repo, &["branch", "-q", "-D", "feature"], "");
    assert!(!repo.join("pay.py").exists() && !repo.join("deploy/ci.env").exists());

    let scanner = SecretScanner::builtin().unwrap();
    let out = scan_git(repo, &GitOptions { scanner: &scanner }).unwrap();
    let got: Vec<(&str, &str, Option<u32>)> = out
        .findings
        .iter()
        .map(|f| (f.location.path.as_str(), f.id.as_str(), f.location.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("deploy/ci.env", "github-pat", Some(2)),
            ("pay.py", "stripe-secret-key", Some(1))
        ]
    );
    let gh_f = &out.findings[0];
    assert!(
        gh_f.notes.contains(&format!("commit {added}")),
        "{:?}",
        gh_f.notes
    );
    assert!(
        gh_f.notes
            .contains(&"author date 2024-01-02T10:00:00+02:00".to_string()),
        "{:?}",
        gh_f.notes
    );
    let st_f = &out.findings[1];
    assert!(
        st_f.notes.contains(&format!("commit {feature}")),
        "{:?}",
        st_f.notes
    );
    assert!(
        st_f.notes
            .contains(&"author date 2024-02-01T08:30:00+00:00".to_string()),
        "{:?}",
        st_f.notes
    );
    let json = serde_json::to_string(&out.findings).unwrap();
    assert!(
        !json.contains(&gh) && !json.contains(&stripe),
        "secrets leak: {json}"
    );
    // Blobs: README, ci.env, pay.py (the copy is the same blob as ci.env).
    assert_eq!(out.files, 3);
}

#[test]
fn not_a_repository_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let scanner = SecretScanner::builtin().unwrap();
    let err = scan_git(dir.path(), &GitOptions { scanner: &scanner }).unwrap_err();
    assert!(
        err.to_string().contains(&dir.path().display().to_string()),
        "{err}"
    );
}

#[test]
fn empty_repository_has_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"], "");
    let scanner = SecretScanner::builtin().unwrap();
    let out = scan_git(dir.path(), &GitOptions { scanner: &scanner }).unwrap();
    assert!(out.findings.is_empty() && out.files == 0);
}
