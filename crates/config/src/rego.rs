//! Users' policies in Rego, run with `regorus` under conftest's conventions:
//! every package that declares `deny`, `violation` or `warn` is evaluated with
//! the parsed document as `input` (one Kubernetes document at a time; a
//! Compose file whole; a Dockerfile as conftest's list of instructions).
//! Only loaded when the user gives a policy directory, so built-in rules
//! never pay for it.

use crate::ConfigError;
use crate::yaml::Node;
use drydock_core::{Finding, FindingKind, Location, Severity};
use std::path::{Path, PathBuf};

/// The rule names conftest evaluates, and the severity a bare message gets.
const RULES: &[(&str, Severity)] = &[
    ("deny", Severity::High),
    ("violation", Severity::High),
    ("warn", Severity::Low),
];

/// Loaded, parsed policies.
#[derive(Clone)]
pub struct PolicySet {
    engine: regorus::Engine,
    /// (`data.pkg`, rule name, severity) to evaluate.
    entry_points: Vec<(String, &'static str, Severity)>,
    files: Vec<PathBuf>,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("files", &self.files)
            .finish()
    }
}

fn rego_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ConfigError> {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    let read = std::fs::read_dir(dir).map_err(|source| ConfigError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut entries: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if !name.starts_with('.') {
                rego_files(&p, out)?;
            }
        } else if name.ends_with(".rego") && !name.ends_with("_test.rego") {
            out.push(p);
        }
    }
    Ok(())
}

impl PolicySet {
    /// Loads every `.rego` file (but `*_test.rego`) under each directory.
    /// Rego v1 syntax first; a file that only parses as v0 (`deny[msg] { … }`)
    /// is loaded as v0, as older conftest policies are.
    pub fn load<P: AsRef<Path>>(dirs: &[P]) -> Result<PolicySet, ConfigError> {
        let mut files = Vec::new();
        for d in dirs {
            rego_files(d.as_ref(), &mut files)?;
        }
        let mut engine = regorus::Engine::new();
        let mut entry_points = Vec::new();
        for path in &files {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let label = path.display().to_string();
            engine.set_rego_v0(false);
            let package = match engine.add_policy(label.clone(), text.clone()) {
                Ok(p) => p,
                Err(v1_error) => {
                    engine.set_rego_v0(true);
                    engine
                        .add_policy(label.clone(), text)
                        .map_err(|_| ConfigError::Policy {
                            path: path.clone(),
                            message: v1_error.to_string(),
                        })?
                }
            };
            for (rule, severity) in RULES {
                let declared = engine
                    .has_declared_rule_rooted_at(&label, rule)
                    .map_err(|e| ConfigError::Policy {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                let entry = (package.clone(), *rule, *severity);
                if declared && !entry_points.contains(&entry) {
                    entry_points.push(entry);
                }
            }
        }
        if files.is_empty() {
            return Err(ConfigError::Policy {
                path: dirs
                    .first()
                    .map(|d| d.as_ref().to_path_buf())
                    .unwrap_or_default(),
                message: "no .rego files found".into(),
            });
        }
        Ok(PolicySet {
            engine,
            entry_points,
            files,
        })
    }

    /// The policy files loaded.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Evaluates every entry point on one input. `node` resolves `path`
    /// results to lines; `default_line` is where the document starts.
    pub(crate) fn eval(
        &self,
        path: &str,
        input: &serde_json::Value,
        node: Option<&Node>,
        default_line: u32,
    ) -> Result<Vec<Finding>, ConfigError> {
        if self.entry_points.is_empty() {
            return Ok(Vec::new());
        }
        let eval_err = |e: &dyn std::fmt::Display| ConfigError::PolicyEval {
            path: path.to_string(),
            message: e.to_string(),
        };
        let mut engine = self.engine.clone();
        engine.set_input(regorus::Value::from(input.clone()));
        let mut findings = Vec::new();
        for (package, rule, severity) in &self.entry_points {
            let value = engine
                .eval_rule(format!("{package}.{rule}"))
                .map_err(|e| eval_err(&e))?;
            if value == regorus::Value::Undefined {
                continue;
            }
            let json = value.to_json_str().map_err(|e| eval_err(&e))?;
            let json: serde_json::Value = serde_json::from_str(&json).map_err(|e| eval_err(&e))?;
            let items = match json {
                serde_json::Value::Array(items) => items,
                serde_json::Value::Null | serde_json::Value::Bool(false) => Vec::new(),
                other => vec![other],
            };
            let short_pkg = package.strip_prefix("data.").unwrap_or(package);
            for item in items {
                findings.push(to_finding(
                    &item,
                    short_pkg,
                    rule,
                    *severity,
                    node,
                    default_line,
                    input,
                ));
            }
        }
        Ok(findings)
    }
}

fn to_finding(
    item: &serde_json::Value,
    package: &str,
    rule: &str,
    severity: Severity,
    node: Option<&Node>,
    default_line: u32,
    input: &serde_json::Value,
) -> Finding {
    let field = |k: &str| item.get(k).and_then(serde_json::Value::as_str);
    let msg = match item {
        serde_json::Value::String(s) => s.clone(),
        _ => field("msg").map_or_else(|| item.to_string(), str::to_string),
    };
    let id = field("id").map_or_else(|| format!("{package}.{rule}"), str::to_string);
    let severity = field("severity")
        .and_then(|s| s.parse().ok())
        .unwrap_or(severity);
    let line = item
        .get("line")
        .and_then(serde_json::Value::as_u64)
        .and_then(|l| u32::try_from(l).ok())
        .or_else(|| {
            let p = item.get("path")?.as_array()?;
            node?.line_of_path(p)
        })
        .or_else(|| {
            // A Dockerfile policy may answer with the instruction's index.
            let i = item.get("instruction")?.as_u64()?;
            input
                .get(usize::try_from(i).ok()?)?
                .get("Line")?
                .as_u64()
                .and_then(|l| u32::try_from(l).ok())
        })
        .unwrap_or(default_line);
    let mut location = Location::file("");
    location.line = Some(line);
    let mut f = Finding::new(
        FindingKind::Misconfiguration,
        id,
        msg.clone(),
        severity,
        location,
    );
    f.description = field("description").unwrap_or(&msg).to_string();
    f.remediation = field("remediation").unwrap_or_default().to_string();
    if let Some(refs) = item.get("references").and_then(serde_json::Value::as_array) {
        f.references = refs
            .iter()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
    }
    if let Some(c) = item.get("compliance").and_then(serde_json::Value::as_array) {
        f.compliance = c
            .iter()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
    }
    f.notes.push(format!("rego policy data.{package}.{rule}"));
    f
}
