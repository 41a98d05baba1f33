//! Secrets in an image config: `Env` entries, `Labels`, and the history's
//! `created_by` commands, where build arguments (`RUN |1 TOKEN=…`) and `ENV`
//! lines of the Dockerfile stay readable by anyone who pulls the image.

use crate::engine::{SecretFinding, SecretScanner};
use serde_json::Value;
use std::sync::OnceLock;

impl SecretScanner {
    /// Scans the image config JSON (OCI or Docker form: `config`/`Config`
    /// holding `Env` and `Labels`, and top-level `history`). Finding paths are
    /// `config:Env[3]`, `config:Labels[org.example.token]`,
    /// `config:history[5].created_by`; lines count within the field.
    pub fn scan_image_config(&self, config: &Value) -> Vec<SecretFinding> {
        let mut out = Vec::new();
        let inner = config
            .get("config")
            .or_else(|| config.get("Config"))
            .unwrap_or(&Value::Null);
        if let Some(env) = inner.get("Env").and_then(Value::as_array) {
            for (i, e) in env.iter().enumerate() {
                if let Some(s) = e.as_str() {
                    out.extend(self.scan_bytes(&format!("config:Env[{i}]"), s.as_bytes()));
                }
            }
        }
        if let Some(labels) = inner.get("Labels").and_then(Value::as_object) {
            for (k, v) in labels {
                if let Some(v) = v.as_str() {
                    // As `key=value`, so assignment rules see the label's name.
                    let text = format!("{k}={v}");
                    out.extend(self.scan_bytes(&format!("config:Labels[{k}]"), text.as_bytes()));
                }
            }
        }
        if let Some(history) = config.get("history").and_then(Value::as_array) {
            for (i, h) in history.iter().enumerate() {
                if let Some(cmd) = h.get("created_by").and_then(Value::as_str) {
                    out.extend(
                        self.scan_bytes(&format!("config:history[{i}].created_by"), cmd.as_bytes()),
                    );
                }
            }
        }
        out
    }
}

/// [`SecretScanner::scan_image_config`] with the built-in rules and redaction.
pub fn scan_image_config(config: &Value) -> Vec<SecretFinding> {
    static BUILTIN: OnceLock<Option<SecretScanner>> = OnceLock::new();
    match BUILTIN.get_or_init(|| SecretScanner::builtin().ok()) {
        Some(s) => s.scan_image_config(config),
        None => Vec::new(),
    }
}
