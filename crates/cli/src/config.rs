//! `drydock.yaml`: the same settings as the flags, for a repository to keep.
//!
//! Precedence is flag > `DRYDOCK_*` environment variable > this file; clap has
//! already applied the first two, so the file only fills what is still unset.

use crate::args::GlobalArgs;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub format: Vec<String>,
    pub output: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    #[serde(default)]
    pub no_cache: bool,
    #[serde(default)]
    pub quiet: bool,
    #[serde(default)]
    pub debug: bool,
    #[serde(default)]
    pub scanners: Vec<String>,
    #[serde(default)]
    pub severity: Vec<String>,
    #[serde(default)]
    pub ignore_unfixed: bool,
    #[serde(default)]
    pub include_dev_deps: bool,
    pub exit_code: Option<u8>,
    #[serde(default)]
    pub exit_on_eol: bool,
    pub ignorefile: Option<PathBuf>,
    #[serde(default)]
    pub vex: Vec<PathBuf>,
    #[serde(default)]
    pub disable_rules: Vec<String>,
    #[serde(default)]
    pub show_secrets: bool,
    pub secret_rules: Option<PathBuf>,
    #[serde(default)]
    pub policy: Vec<PathBuf>,
}

/// The config file to read: `--config`, else `drydock.yaml` in `cwd` if present.
pub fn locate(explicit: Option<&Path>, cwd: &Path) -> Option<PathBuf> {
    match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => {
            let p = cwd.join("drydock.yaml");
            p.is_file().then_some(p)
        }
    }
}

pub fn load(path: &Path) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading config file {}", path.display()))?;
    if text.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    serde_saphyr::from_str(&text)
        .map_err(|e| crate::usage(format!("config file {}: {e}", path.display())))
}

/// Fills settings the command line and environment left unset. Relative paths
/// in the file are relative to the file's directory.
pub fn apply(g: &mut GlobalArgs, file: ConfigFile, file_dir: &Path) {
    let rel = |p: PathBuf| if p.is_absolute() { p } else { file_dir.join(p) };
    if g.format.is_empty() {
        g.format = file.format;
    }
    if g.output.is_none() {
        g.output = file.output.map(rel);
    }
    if g.cache_dir.is_none() {
        g.cache_dir = file.cache_dir.map(rel);
    }
    g.no_cache |= file.no_cache;
    g.quiet |= file.quiet;
    g.debug |= file.debug;
    let s = &mut g.scan;
    if s.scanners.is_empty() {
        s.scanners = file.scanners;
    }
    if s.severity.is_empty() {
        s.severity = file.severity;
    }
    s.ignore_unfixed |= file.ignore_unfixed;
    s.include_dev_deps |= file.include_dev_deps;
    if s.exit_code.is_none() {
        s.exit_code = file.exit_code;
    }
    s.exit_on_eol |= file.exit_on_eol;
    if s.ignorefile.is_none() {
        s.ignorefile = file.ignorefile.map(rel);
    }
    if s.vex.is_empty() {
        s.vex = file.vex.into_iter().map(rel).collect();
    }
    if s.disable_rules.is_empty() {
        s.disable_rules = file.disable_rules;
    }
    s.show_secrets |= file.show_secrets;
    if s.secret_rules.is_none() {
        s.secret_rules = file.secret_rules.map(rel);
    }
    if s.policy.is_empty() {
        s.policy = file.policy.into_iter().map(rel).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_fills_only_what_is_unset() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("drydock.yaml");
        std::fs::write(
            &p,
            "severity: [HIGH, CRITICAL]\nexit-code: 4\nignore-unfixed: true\nformat: [json]\nvex: [vex.json]\n",
        )
        .unwrap();
        let file = load(&p).unwrap();
        let mut g = GlobalArgs::default();
        g.scan.exit_code = Some(9); // given as a flag
        apply(&mut g, file, dir.path());
        assert_eq!(g.scan.exit_code, Some(9));
        assert_eq!(g.scan.severity, vec!["HIGH", "CRITICAL"]);
        assert!(g.scan.ignore_unfixed);
        assert_eq!(g.format, vec!["json"]);
        assert_eq!(g.scan.vex, vec![dir.path().join("vex.json")]);
    }

    #[test]
    fn unknown_keys_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("drydock.yaml");
        std::fs::write(&p, "severty: [HIGH]\n").unwrap();
        let err = load(&p).unwrap_err().to_string();
        assert!(
            err.contains("drydock.yaml") && err.contains("severty"),
            "{err}"
        );
    }
}
