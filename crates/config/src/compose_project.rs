//! A Compose project's effective configuration, as `docker compose config`
//! builds it: `.env` and the environment interpolated into every file
//! (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
//! `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$`), the standard override
//! file merged over the main one, top-level `include`, and `extends` (same
//! file or `file:`), with the Compose Specification's merge rules.
//!
//! Every node keeps the line that set it, and which file that line is in:
//! the line numbers of a file's nodes are tagged with the file's index
//! (`index * LINE_STRIDE + line`), so the checks run unchanged on the merged
//! tree and each hit is placed back into the file that set the bad value.

use crate::ConfigError;
use crate::yaml::{self, Entry, Node, Value};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Lines per file in a tagged line number (files longer than this are clipped).
pub(crate) const LINE_STRIDE: u32 = 1 << 20;
const MAX_FILES: usize = 4000;
const MAX_DEPTH: usize = 16;

/// One file of a project: its name in findings, its text (for suppressions).
pub(crate) struct ProjectFile {
    pub name: String,
    pub disk: PathBuf,
    pub text: String,
}

/// The merged model and the files it came from.
pub(crate) struct Project {
    pub files: Vec<ProjectFile>,
    pub model: Node,
}

impl Project {
    /// The file and line a tagged line number stands for.
    pub fn place(&self, tagged: u32) -> (usize, u32) {
        ((tagged / LINE_STRIDE) as usize, tagged % LINE_STRIDE)
    }
}

/// Main files whose standard override file is merged over them.
const MAIN_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// `compose.override.yaml` for `compose.yaml`, when it exists.
pub(crate) fn override_of(main: &Path) -> Option<PathBuf> {
    let name = main.file_name()?.to_str()?;
    if !MAIN_NAMES.contains(&name) {
        return None;
    }
    let stem = name.rsplit_once('.')?.0;
    ["yaml", "yml"]
        .iter()
        .map(|ext| main.with_file_name(format!("{stem}.override.{ext}")))
        .find(|p| p.is_file())
}

/// Whether `path` is a standard override file whose main file is next to it.
pub(crate) fn is_override_with_main(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some((stem, _)) = name.split_once(".override.") else {
        return false;
    };
    ["yaml", "yml"]
        .iter()
        .any(|ext| path.with_file_name(format!("{stem}.{ext}")).is_file())
}

/// `a/b/../c` → `a/c`, lexically (names in findings, not disk access).
fn normalize(p: &Path) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if out.last().is_some_and(|l| l != "..") {
                    out.pop();
                } else {
                    out.push("..".into());
                }
            }
            Component::CurDir => {}
            // `/a` joins as "" + "a".
            Component::RootDir => out.push(String::new()),
            c => out.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    out.join("/")
}

/// `.env` as Compose reads it: `KEY=value`, `export KEY=value`, comments,
/// single quotes literal, double quotes with `\n` escapes, values
/// interpolated with the variables before them.
pub(crate) fn parse_env_file(
    text: &str,
    base: &HashMap<String, String>,
) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim().to_string();
        let v = v.trim();
        let value = if let Some(inner) = v.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            inner.to_string()
        } else {
            let raw = if let Some(inner) = v.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                inner.replace("\\n", "\n").replace("\\\"", "\"")
            } else {
                // An unquoted value ends at ` #`.
                v.split(" #").next().unwrap_or(v).trim_end().to_string()
            };
            let lookup = |name: &str| base.get(name).or_else(|| vars.get(name)).cloned();
            interpolate(&raw, &lookup).unwrap_or(raw)
        };
        vars.insert(k, value);
    }
    vars
}

/// Substitutes variables the Compose way. `Err` carries the message of a
/// `${VAR:?message}` whose variable is missing.
pub(crate) fn interpolate(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    if !s.contains('$') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(inner) = after.strip_prefix('{') {
            // The matching brace: defaults may nest `${A:-${B}}`.
            let mut depth = 1usize;
            let mut close = None;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            close = Some(i);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(close) = close else {
                return Err(format!("invalid interpolation format for {s:?}"));
            };
            out.push_str(&expression(&inner[..close], lookup)?);
            rest = &inner[close + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
            } else {
                out.push_str(&lookup(&after[..len]).unwrap_or_default());
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn expression(expr: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let name_len = expr
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(expr.len());
    let (name, op_word) = expr.split_at(name_len);
    let value = lookup(name);
    let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
    let (op, word) = [":-", ":?", ":+", "-", "?", "+"]
        .into_iter()
        .find_map(|o| op_word.strip_prefix(o).map(|w| (o, w)))
        .unwrap_or(("", op_word));
    let word = || interpolate(word, lookup);
    Ok(match op {
        "" => value.unwrap_or_default(),
        ":-" if set_nonempty => value.unwrap_or_default(),
        ":-" => word()?,
        "-" => match value {
            Some(v) => v,
            None => word()?,
        },
        ":?" if set_nonempty => value.unwrap_or_default(),
        ":?" | "?" if op == ":?" || value.is_none() => {
            let msg = word()?;
            return Err(if msg.is_empty() {
                format!("required variable {name} is missing a value")
            } else {
                format!("required variable {name} is missing a value: {msg}")
            });
        }
        "?" => value.unwrap_or_default(),
        ":+" if set_nonempty => word()?,
        "+" if value.is_some() => word()?,
        _ => String::new(),
    })
}

/// Interpolates every string value of `node` (keys stay as written); an
/// interpolated `true`/`false` becomes a boolean, as Compose's schema casts
/// `privileged: ${PRIV}`; other values stay strings (the checks read text).
fn interpolate_node(
    node: &mut Node,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(), (u32, String)> {
    match &mut node.value {
        Value::Str(s) if s.contains('$') => {
            let v = interpolate(s, lookup).map_err(|m| (node.line, m))?;
            node.value = match v.as_str() {
                "true" | "True" | "TRUE" => Value::Bool(true),
                "false" | "False" | "FALSE" => Value::Bool(false),
                _ => Value::Str(v),
            };
        }
        Value::Seq(items) => {
            for i in items {
                interpolate_node(i, lookup)?;
            }
        }
        Value::Map(entries) => {
            for e in entries {
                interpolate_node(&mut e.value, lookup)?;
            }
        }
        Value::Override(inner) => interpolate_node(inner, lookup)?,
        _ => {}
    }
    Ok(())
}

fn tag_lines(node: &mut Node, offset: u32) {
    node.line = node.line.min(LINE_STRIDE - 1) + offset;
    node.end_line = node.end_line.min(LINE_STRIDE - 1) + offset;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| tag_lines(i, offset)),
        Value::Map(entries) => {
            for e in entries {
                e.key_line = e.key_line.min(LINE_STRIDE - 1) + offset;
                tag_lines(&mut e.value, offset);
            }
        }
        Value::Override(inner) => tag_lines(inner, offset),
        _ => {}
    }
}

/// The process environment, read once: its variables win over `.env`.
fn process_env() -> &'static HashMap<String, String> {
    static ENV: std::sync::OnceLock<HashMap<String, String>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| std::env::vars().collect())
}

/// One entry of a top-level `include`.
struct Include {
    path: String,
    line: u32,
    env_files: Vec<String>,
    project_dir: Option<String>,
}

/// Loads the files of one project.
struct Loader {
    files: Vec<ProjectFile>,
}

impl Loader {
    /// The `.env` of a project directory (empty when there is none).
    fn env_for(&self, dir: &Path) -> HashMap<String, String> {
        match std::fs::read_to_string(dir.join(".env")) {
            Ok(t) => parse_env_file(&t, process_env()),
            Err(_) => HashMap::new(),
        }
    }

    /// Reads, parses, interpolates and tags one file (once per disk path).
    fn load(
        &mut self,
        disk: &Path,
        name: &str,
        env: &HashMap<String, String>,
    ) -> Result<(usize, Node), ConfigError> {
        if self.files.len() >= MAX_FILES {
            return Err(ConfigError::Compose {
                path: name.into(),
                line: 0,
                message: "too many Compose files".into(),
            });
        }
        let bytes = std::fs::read(disk).map_err(|source| ConfigError::Read {
            path: disk.to_path_buf(),
            source,
        })?;
        let text =
            String::from_utf8(bytes).map_err(|_| ConfigError::NotUtf8 { path: name.into() })?;
        let text = text
            .strip_prefix('\u{feff}')
            .map(String::from)
            .unwrap_or(text);
        let mut node = yaml::load(&text)
            .map_err(|(line, message)| ConfigError::Yaml {
                path: name.into(),
                line,
                message,
            })?
            .into_iter()
            .next()
            .unwrap_or(Node {
                line: 1,
                end_line: 1,
                value: Value::Null,
            });
        let lookup = |k: &str| process_env().get(k).or_else(|| env.get(k)).cloned();
        interpolate_node(&mut node, &lookup).map_err(|(line, message)| ConfigError::Compose {
            path: name.into(),
            line,
            message,
        })?;
        let idx = self.files.len();
        tag_lines(&mut node, u32::try_from(idx).unwrap_or(0) * LINE_STRIDE);
        self.files.push(ProjectFile {
            name: name.to_string(),
            disk: disk.to_path_buf(),
            text,
        });
        Ok((idx, node))
    }

    /// One file with its includes and extends resolved (no override).
    fn file_model(
        &mut self,
        disk: &Path,
        name: &str,
        env: &HashMap<String, String>,
        depth: usize,
    ) -> Result<Node, ConfigError> {
        let (_, node) = self.load(disk, name, env)?;
        self.resolve(node, disk, name, env, depth)
    }

    fn resolve(
        &mut self,
        mut node: Node,
        disk: &Path,
        name: &str,
        env: &HashMap<String, String>,
        depth: usize,
    ) -> Result<Node, ConfigError> {
        if depth > MAX_DEPTH {
            return Err(ConfigError::Compose {
                path: name.into(),
                line: node.line % LINE_STRIDE,
                message: "include/extends nested too deep (a cycle?)".into(),
            });
        }
        let dir = disk.parent().unwrap_or(Path::new("."));
        let name_dir = Path::new(name).parent().unwrap_or(Path::new(""));
        // `include`: each included file is a project of its own directory.
        let includes: Vec<Include> = node
            .get("include")
            .map(Node::seq)
            .unwrap_or(&[])
            .iter()
            .flat_map(|i| {
                let strings = |key: &str| -> Vec<String> {
                    match i.get(key) {
                        Some(n) if !n.seq().is_empty() => {
                            n.seq().iter().filter_map(|p| p.text()).collect()
                        }
                        Some(n) => n.text().into_iter().collect(),
                        None => Vec::new(),
                    }
                };
                let paths: Vec<&Node> = match i.get("path") {
                    Some(p) if !p.seq().is_empty() => p.seq().iter().collect(),
                    Some(p) => vec![p],
                    None => vec![i],
                };
                let env_files = strings("env_file");
                let project_dir = strings("project_directory").into_iter().next();
                paths.into_iter().filter_map(move |p| {
                    Some(Include {
                        path: p.as_str()?.to_string(),
                        line: p.line,
                        env_files: env_files.clone(),
                        project_dir: project_dir.clone(),
                    })
                })
            })
            .collect();
        for Include {
            path: inc,
            line,
            env_files,
            project_dir,
        } in includes
        {
            let inc_disk = dir.join(&inc);
            let inc_name = normalize(&name_dir.join(&inc));
            // `env_file` (relative to this file), else the `.env` of the
            // include's project directory (its own directory by default).
            let inc_env = if env_files.is_empty() {
                let project = match &project_dir {
                    Some(p) => dir.join(p),
                    None => inc_disk.parent().unwrap_or(Path::new(".")).to_path_buf(),
                };
                self.env_for(&project)
            } else {
                let mut vars = HashMap::new();
                for f in &env_files {
                    let text = std::fs::read_to_string(dir.join(f)).map_err(|source| {
                        ConfigError::Read {
                            path: dir.join(f),
                            source,
                        }
                    })?;
                    vars.extend(parse_env_file(&text, process_env()));
                }
                vars
            };
            let included = self
                .file_model(&inc_disk, &inc_name, &inc_env, depth + 1)
                .map_err(|e| ConfigError::Compose {
                    path: name.into(),
                    line: line % LINE_STRIDE,
                    message: format!("include {inc}: {e}"),
                })?;
            // The including file's own definitions win.
            node = merge_missing(node, included);
        }
        // `extends`, in this file's services.
        let services: Vec<String> = node
            .get("services")
            .map(|s| s.entries().iter().map(|e| e.key.clone()).collect())
            .unwrap_or_default();
        for svc in services {
            let resolved = self.extend(&node, &svc, disk, name, env, depth)?;
            if let Some(Value::Map(entries)) = node.get_mut("services").map(|n| &mut n.value)
                && let Some(e) = entries.iter_mut().find(|e| e.key == svc)
            {
                e.value = resolved;
            }
        }
        Ok(node)
    }

    /// Service `svc` of `model` with its `extends` chain merged in.
    fn extend(
        &mut self,
        model: &Node,
        svc: &str,
        disk: &Path,
        name: &str,
        env: &HashMap<String, String>,
        depth: usize,
    ) -> Result<Node, ConfigError> {
        let Some(service) = model.at(&["services", svc]) else {
            return Err(ConfigError::Compose {
                path: name.into(),
                line: model.line % LINE_STRIDE,
                message: format!("extends: no service {svc:?}"),
            });
        };
        let Some(ext) = service.get("extends") else {
            return Ok(service.clone());
        };
        if depth > MAX_DEPTH {
            return Err(ConfigError::Compose {
                path: name.into(),
                line: ext.line % LINE_STRIDE,
                message: "extends nested too deep (a cycle?)".into(),
            });
        }
        let (base_svc, file) = match ext.as_str() {
            Some(s) => (s.to_string(), None),
            None => (
                ext.get("service")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_string(),
                ext.get("file").and_then(Node::as_str).map(String::from),
            ),
        };
        let base = match file {
            None => self.extend(model, &base_svc, disk, name, env, depth + 1)?,
            Some(f) => {
                let dir = disk.parent().unwrap_or(Path::new("."));
                let f_disk = dir.join(&f);
                let f_name = normalize(&Path::new(name).parent().unwrap_or(Path::new("")).join(&f));
                let (_, other) =
                    self.load(&f_disk, &f_name, env)
                        .map_err(|e| ConfigError::Compose {
                            path: name.into(),
                            line: ext.line % LINE_STRIDE,
                            message: format!("extends file {f}: {e}"),
                        })?;
                self.extend(&other, &base_svc, &f_disk, &f_name, env, depth + 1)?
            }
        };
        let mut own = service.clone();
        if let Value::Map(entries) = &mut own.value {
            entries.retain(|e| e.key != "extends");
        }
        Ok(merge(&base, &own, ""))
    }
}

impl Node {
    fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(m) => m.iter_mut().find(|e| e.key == key).map(|e| &mut e.value),
            _ => None,
        }
    }
}

/// `base` with the top-level sections of `other` added where `base` has
/// none of that name (how `include` brings in services, volumes, networks).
fn merge_missing(mut base: Node, other: Node) -> Node {
    let Value::Map(other_entries) = other.value else {
        return base;
    };
    if !matches!(base.value, Value::Map(_)) {
        base.value = Value::Map(Vec::new());
    }
    if let Value::Map(entries) = &mut base.value {
        for oe in other_entries {
            if oe.key == "include" {
                continue;
            }
            match entries.iter_mut().find(|e| e.key == oe.key) {
                Some(e) => {
                    if let (Value::Map(mine), Value::Map(theirs)) =
                        (&mut e.value.value, oe.value.value)
                    {
                        for t in theirs {
                            if !mine.iter().any(|m| m.key == t.key) {
                                mine.push(t);
                            }
                        }
                    }
                }
                None => entries.push(oe),
            }
        }
    }
    base
}

/// The key that makes an item of `volumes`, `secrets`, `configs`, `devices`
/// unique: its target path.
fn target_of(item: &Node) -> Option<String> {
    if let Some(t) = item.get("target").and_then(Node::as_str) {
        return Some(t.to_string());
    }
    let s = item.as_str()?;
    let mut parts = s.split(':');
    let first = parts.next()?;
    Some(parts.next().unwrap_or(first).to_string())
}

/// `environment`, `labels` and `sysctls` as a mapping, whichever form was written.
fn as_mapping(n: &Node) -> Vec<Entry> {
    match &n.value {
        Value::Map(m) => m.clone(),
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| {
                let t = i.text()?;
                let (k, v) = match t.split_once('=') {
                    Some((k, v)) => (k.to_string(), Value::Str(v.to_string())),
                    None => (t, Value::Null),
                };
                Some(Entry {
                    key: k,
                    key_line: i.line,
                    value: Node {
                        line: i.line,
                        end_line: i.end_line,
                        value: v,
                    },
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `over` merged into `base` by the Compose Specification's rules; `key` is
/// the attribute both are the value of.
pub(crate) fn merge(base: &Node, over: &Node, key: &str) -> Node {
    match (&base.value, &over.value) {
        _ if matches!(key, "command" | "entrypoint" | "test") => over.clone(),
        (_, _)
            if matches!(key, "environment" | "labels" | "sysctls")
                && !matches!(over.value, Value::Null) =>
        {
            let mut entries = as_mapping(base);
            for e in as_mapping(over) {
                entries.retain(|b| b.key != e.key);
                if !matches!(e.value.value, Value::Reset) {
                    entries.push(e);
                }
            }
            Node {
                line: base.line,
                end_line: base.end_line,
                value: Value::Map(entries),
            }
        }
        (Value::Map(b), Value::Map(o)) => {
            let mut entries = b.clone();
            for oe in o {
                // `!reset` removes the key, `!override` replaces its value whole.
                if matches!(oe.value.value, Value::Reset) {
                    entries.retain(|e| e.key != oe.key);
                    continue;
                }
                if let Value::Override(inner) = &oe.value.value {
                    entries.retain(|e| e.key != oe.key);
                    entries.push(Entry {
                        key: oe.key.clone(),
                        key_line: oe.key_line,
                        value: (**inner).clone(),
                    });
                    continue;
                }
                match entries.iter_mut().find(|e| e.key == oe.key) {
                    Some(e) => {
                        let merged = merge(&e.value, &oe.value, &oe.key);
                        // A value the override replaces is set on its line.
                        if !matches!(merged.value, Value::Map(_) | Value::Seq(_)) {
                            e.key_line = oe.key_line;
                        }
                        e.value = merged;
                    }
                    None => entries.push(oe.clone()),
                }
            }
            Node {
                line: base.line,
                end_line: base.end_line,
                value: Value::Map(entries),
            }
        }
        (Value::Seq(b), Value::Seq(o)) => {
            let mut items = b.clone();
            let unique = matches!(key, "volumes" | "secrets" | "configs" | "devices");
            for oi in o {
                if unique && let Some(t) = target_of(oi) {
                    items.retain(|i| target_of(i).as_deref() != Some(t.as_str()));
                }
                if key == "ports" || key == "cap_add" || key == "cap_drop" {
                    items.retain(|i| i.text() != oi.text() || i.text().is_none());
                }
                items.push(oi.clone());
            }
            Node {
                line: base.line,
                end_line: base.end_line,
                value: Value::Seq(items),
            }
        }
        _ => over.clone(),
    }
}

/// The effective configuration of the Compose project whose main file is
/// `path`, as JSON (what the Compose checks see): `.env` and the environment
/// interpolated, the override file merged, `include` and `extends` resolved.
pub fn effective(path: &Path) -> Result<serde_json::Value, ConfigError> {
    let name = path.to_string_lossy();
    Ok(load_project(path, &name)?.model.to_json())
}

/// Drops what is left of the merge tags: `!reset` keys and `!override`
/// wrappers of values that had nothing to reset or override.
fn untag(node: &mut Node) {
    if let Value::Override(inner) = &mut node.value {
        *node = std::mem::replace(
            inner,
            Node {
                line: 0,
                end_line: 0,
                value: Value::Null,
            },
        );
    }
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|e| !matches!(e.value.value, Value::Reset));
            entries.iter_mut().for_each(|e| untag(&mut e.value));
        }
        Value::Seq(items) => {
            items.retain(|i| !matches!(i.value, Value::Reset));
            items.iter_mut().for_each(untag);
        }
        _ => {}
    }
}

/// The effective model of the project whose main file is `disk` (named
/// `name` in findings): its override file merged over it, includes and
/// extends resolved, everything interpolated.
pub(crate) fn load_project(disk: &Path, name: &str) -> Result<Project, ConfigError> {
    let mut loader = Loader { files: Vec::new() };
    let dir = disk.parent().unwrap_or(Path::new("."));
    let env = loader.env_for(dir);
    let mut model = loader.file_model(disk, name, &env, 0)?;
    if let Some(over) = override_of(disk) {
        let over_name = normalize(
            &Path::new(name)
                .parent()
                .unwrap_or(Path::new(""))
                .join(over.file_name().unwrap_or_default()),
        );
        let over_model = loader.file_model(&over, &over_name, &env, 0)?;
        model = merge(&model, &over_model, "");
    }
    untag(&mut model);
    Ok(Project {
        files: loader.files,
        model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn interpolates_like_compose() {
        let e = env(&[("A", "x"), ("E", "")]);
        assert_eq!(
            interpolate(
                "$A ${A} ${B:-d} ${E:-d} ${E-d} ${B-d} $$A ${A:+y} ${B+y} ${B:-${A}}",
                &e
            )
            .unwrap(),
            "x x d d  d $A y  x"
        );
        assert_eq!(interpolate("${E?set}", &e).unwrap(), "");
        assert!(
            interpolate("${E:?must be set}", &e)
                .unwrap_err()
                .contains("must be set")
        );
        assert!(interpolate("${B?}", &e).is_err());
        assert!(interpolate("${A", &e).is_err());
    }

    #[test]
    fn names_files_lexically() {
        assert_eq!(normalize(Path::new("app/../common.yml")), "common.yml");
        assert_eq!(
            normalize(Path::new("/srv/app/./x/../c.yml")),
            "/srv/app/c.yml"
        );
        assert_eq!(normalize(Path::new("../../base.yml")), "../../base.yml");
    }

    #[test]
    fn reads_env_files() {
        let vars = parse_env_file(
            "# c\nexport A=1\nB='lit $A'\nC=\"q $A\"\nD=v # note\n",
            &HashMap::new(),
        );
        assert_eq!(vars["A"], "1");
        assert_eq!(vars["B"], "lit $A");
        assert_eq!(vars["C"], "q 1");
        assert_eq!(vars["D"], "v");
    }
}
