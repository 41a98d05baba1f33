//! Directory scans: .gitignore respected (or not), binaries and big files skipped.

mod common;

use common::expand;
use drydock_secrets::{DirOptions, SecretScanner, scan_dir};
use std::fs;

#[test]
fn scans_text_files_and_respects_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (gh, _) = expand("ghp_{b62:30}{crc}", "dir-gh");
    let (stripe, _) = expand("sk_live_{b62:24}", "dir-stripe");
    let (key_body, _) = expand("MIIE{b64:60}\n{b64:64}", "dir-key");
    fs::create_dir_all(root.join("src")).unwrap();
    fs::create_dir_all(root.join("build")).unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::write(root.join(".gitignore"), "build/\n*.log\n").unwrap();
    fs::write(
        root.join("src/settings.py"),
        format!("DEBUG = False\nSTRIPE_KEY = \"{stripe}\"\n"),
    )
    .unwrap();
    fs::write(
        root.join("deploy.key"),
        format!("-----BEGIN RSA PRIVATE KEY-----\n{key_body}\n-----END RSA PRIVATE KEY-----\n"),
    )
    .unwrap();
    fs::write(root.join("build/out.txt"), format!("token {gh}\n")).unwrap();
    fs::write(root.join("debug.log"), format!("token {gh}\n")).unwrap();
    fs::write(root.join(".git/config"), format!("token {gh}\n")).unwrap();
    fs::write(root.join("logo.png"), format!("\u{89}PNG {gh}")).unwrap();
    let mut elf = b"\x7fELF".to_vec();
    elf.extend_from_slice(gh.as_bytes());
    fs::write(root.join("tool"), elf).unwrap();

    let scanner = SecretScanner::builtin().unwrap();
    let out = scan_dir(root, &DirOptions::new(&scanner)).unwrap();
    let got: Vec<(&str, &str, Option<u32>)> = out
        .findings
        .iter()
        .map(|f| (f.location.path.as_str(), f.id.as_str(), f.location.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("deploy.key", "private-key-rsa", Some(2)),
            ("src/settings.py", "stripe-secret-key", Some(2))
        ]
    );
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    // Read: .gitignore, settings.py, deploy.key, tool (binary by content). Not: the PNG (extension), ignored files, .git.
    assert_eq!(out.files, 4);
    let json = serde_json::to_string(&out.findings).unwrap();
    assert!(
        !json.contains(&stripe) && !json.contains(&key_body[4..40]),
        "secrets leak into findings"
    );

    let mut all = DirOptions::new(&scanner);
    all.respect_gitignore = false;
    let out = scan_dir(root, &all).unwrap();
    let paths: Vec<&str> = out
        .findings
        .iter()
        .map(|f| f.location.path.as_str())
        .collect();
    assert_eq!(
        paths,
        vec![
            "build/out.txt",
            "debug.log",
            "deploy.key",
            "src/settings.py"
        ]
    );
}

#[test]
fn missing_root_is_an_error_naming_it() {
    let scanner = SecretScanner::builtin().unwrap();
    let err = scan_dir(
        std::path::Path::new("/nonexistent/drydock-secrets"),
        &DirOptions::new(&scanner),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/drydock-secrets"),
        "{err}"
    );
}
