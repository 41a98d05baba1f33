//! Which scanners run, and the adapters that let the secret scanner ride the
//! same one-pass layer walk as the package catalogers.

use anyhow::{Context, Result};
use drydock_core::analyze::FileOutput;
use drydock_core::{AnalyzeError, Analyzer, Finding, Location};
use drydock_secrets::SecretScanner;
use std::path::Path;

/// The scanners that exist; `--scanners` may name only these.
pub const ALL: &[&str] = &["vuln", "secret", "misconfig"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    pub vuln: bool,
    pub secret: bool,
    pub misconfig: bool,
}

impl Selected {
    pub fn parse(list: &[String]) -> Result<Selected> {
        let mut s = Selected::default();
        for name in list {
            match name.as_str() {
                "vuln" => s.vuln = true,
                "secret" => s.secret = true,
                "misconfig" | "config" => s.misconfig = true,
                other => {
                    return Err(crate::usage(format!(
                        "unknown scanner {other:?} (available: {})",
                        ALL.join(", ")
                    )));
                }
            }
        }
        Ok(s)
    }
}

/// Scanner settings from the command line and `drydock.yaml`.
pub struct SecretSettings<'a> {
    pub rules: Option<&'a Path>,
    pub disabled: &'a [String],
    pub show_secrets: bool,
}

pub fn secret_scanner(s: &SecretSettings<'_>) -> Result<SecretScanner> {
    let user_rules = match s.rules {
        Some(p) => {
            vec![drydock_secrets::load_user_rules(p).map_err(|e| crate::usage(e.to_string()))?]
        }
        None => Vec::new(),
    };
    let opts = drydock_secrets::ScannerOptions {
        user_rules,
        disabled: s.disabled.to_vec(),
        show_secrets: s.show_secrets,
        ..Default::default()
    };
    SecretScanner::new(&opts).map_err(|e| crate::usage(e.to_string()))
}

/// The secret scanner as an [`Analyzer`]: it wants every file that is not
/// binary by name and not too big, and reports findings instead of packages.
pub struct SecretAnalyzer {
    scanner: SecretScanner,
    /// Changes with the rule set, so cached layer results follow rule changes.
    version: u32,
}

impl SecretAnalyzer {
    pub fn new(scanner: SecretScanner, settings_key: &str) -> SecretAnalyzer {
        // FNV-1a over the rule settings: a cheap, stable cache-key part.
        let mut h: u32 = 0x811c_9dc5;
        for b in settings_key.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        SecretAnalyzer {
            scanner,
            version: h,
        }
    }
}

impl Analyzer for SecretAnalyzer {
    fn name(&self) -> &'static str {
        "secrets"
    }
    fn version(&self) -> u32 {
        self.version
    }
    fn wants(&self, _path: &str) -> bool {
        // Only regular files carry secrets; links and directories do not.
        false
    }
    fn wants_file(&self, path: &str, size: u64, _executable: bool) -> bool {
        self.scanner.wants(path, size)
    }
    fn max_size(&self) -> u64 {
        drydock_secrets::DEFAULT_MAX_FILE_SIZE
    }
    fn analyze(&self, path: &str, content: &[u8]) -> Result<FileOutput, AnalyzeError> {
        let findings = self
            .scanner
            .scan_bytes(path, content)
            .iter()
            .map(|f| drydock_secrets::to_finding(f, Location::file(path)))
            .collect();
        Ok(FileOutput {
            findings,
            ..FileOutput::default()
        })
    }
}

/// Secrets in an image's config: `Env`, `Labels`, history `created_by`.
/// Unless secrets are to be shown, the config kept in the report is redacted
/// too (each line holding a secret is replaced by the finding's redacted
/// evidence): it would otherwise carry the very values the findings hide.
pub fn image_config_secrets(
    scanner: &SecretScanner,
    config: &mut serde_json::Value,
) -> Vec<Finding> {
    let found = scanner.scan_image_config(config);
    if !scanner.show_secrets() {
        for f in &found {
            redact_config_line(config, &f.path, f.line, &f.evidence);
        }
    }
    found
        .iter()
        .map(|f| drydock_secrets::to_finding(f, Location::file(f.path.clone())))
        .collect()
}

/// Replaces line `line` (1-based) of the config string that `path`
/// (`config:Env[3]`, `config:Labels[key]`, `config:history[5].created_by`) names.
fn redact_config_line(config: &mut serde_json::Value, path: &str, line: u32, evidence: &str) {
    let Some(rest) = path.strip_prefix("config:") else {
        return;
    };
    let inner_key = if config.get("config").is_some() {
        "config"
    } else {
        "Config"
    };
    let (slot, prefix): (Option<&mut serde_json::Value>, String) = if let Some(i) = rest
        .strip_prefix("Env[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|n| n.parse::<usize>().ok())
    {
        (
            config
                .get_mut(inner_key)
                .and_then(|c| c.get_mut("Env"))
                .and_then(|e| e.get_mut(i)),
            String::new(),
        )
    } else if let Some(k) = rest
        .strip_prefix("Labels[")
        .and_then(|r| r.strip_suffix(']'))
    {
        // Labels were scanned as `key=value`; the evidence carries that prefix.
        (
            config
                .get_mut(inner_key)
                .and_then(|c| c.get_mut("Labels"))
                .and_then(|l| l.get_mut(k)),
            format!("{k}="),
        )
    } else if let Some(i) = rest
        .strip_prefix("history[")
        .and_then(|r| r.split_once(']'))
        .and_then(|(n, _)| n.parse::<usize>().ok())
    {
        (
            config
                .get_mut("history")
                .and_then(|h| h.get_mut(i))
                .and_then(|h| h.get_mut("created_by")),
            String::new(),
        )
    } else {
        (None, String::new())
    };
    let Some(slot) = slot else {
        return;
    };
    let Some(text) = slot.as_str() else {
        return;
    };
    let redacted = evidence.strip_prefix(prefix.as_str()).unwrap_or(evidence);
    let lines: Vec<String> = text
        .split('\n')
        .enumerate()
        .map(|(n, l)| {
            if n + 1 == line as usize {
                redacted.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    *slot = serde_json::Value::String(lines.join("\n"));
}

/// Misconfigurations of the Dockerfiles, Kubernetes manifests and Compose files under `root`.
pub fn misconfig_dir(
    scanner: &drydock_config::ConfigScanner,
    root: &Path,
) -> Result<(Vec<Finding>, Vec<drydock_core::ScanWarning>)> {
    let scan = scanner
        .scan_dir_report(root)
        .with_context(|| format!("scanning {} for misconfigurations", root.display()))?;
    Ok((scan.findings, scan.warnings))
}

/// Misconfigurations of an image, judged from its config and history.
pub fn misconfig_image(
    scanner: &drydock_config::ConfigScanner,
    artifact: &drydock_core::Artifact,
) -> Result<Vec<Finding>> {
    let Some(config) = artifact.config.as_ref() else {
        return Ok(Vec::new());
    };
    let layers: Vec<drydock_core::LayerRef> =
        artifact.layers.iter().map(|l| l.layer.clone()).collect();
    // An archive is named by its path; its tag says which image it is.
    let name = artifact.repo_tags.first().unwrap_or(&artifact.name);
    scanner
        .scan_image_config(name, config, &layers)
        .with_context(|| format!("checking the config of {name} for misconfigurations"))
}

pub fn config_scanner(
    policy_dirs: &[std::path::PathBuf],
    disabled: &[String],
) -> Result<drydock_config::ConfigScanner> {
    let s = drydock_config::ConfigScanner::new()
        .disable(
            disabled
                .iter()
                .filter(|d| drydock_config::rule(d).is_some()),
        )
        .map_err(|e| crate::usage(e.to_string()))?;
    if policy_dirs.is_empty() {
        Ok(s)
    } else {
        s.with_policy_dirs(policy_dirs)
            .map_err(|e| crate::usage(e.to_string()))
    }
}
