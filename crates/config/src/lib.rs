//! Misconfiguration scanning of Dockerfiles, Kubernetes manifests and Docker
//! Compose files (docs/misconfig.md).
//!
//! Each file type has a parser that keeps line numbers and a set of checks
//! keyed by rule id; the rules' metadata (title, severity, why, how to fix,
//! references, compliance) lives in `rules/*.yaml`, embedded and parsed once.
//! Users disable rules by id and add their own in Rego (conftest conventions),
//! which is only loaded when they give a policy directory. Inline
//! `# drydock:ignore=RULE-ID reason` comments mark findings suppressed.

mod compose;
mod compose_project;
pub mod dockerfile;
mod docs;
pub mod image;
mod kubernetes;
mod rego;
mod rules;
mod suppress;
pub mod yaml;

pub use compose_project::effective as compose_effective;
pub use docs::rule_docs;
pub use rego::PolicySet;
pub use rules::{Family, RuleMeta, rule, rules};

use drydock_core::{Finding, ScanWarning};
use rules::{Hit, finding_from_hit};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Everything that stops a file or a policy from being read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}: cannot parse Dockerfile: {message}")]
    Dockerfile {
        path: String,
        line: u32,
        message: String,
    },
    #[error("{path}:{line}: cannot parse YAML: {message}")]
    Yaml {
        path: String,
        line: u32,
        message: String,
    },
    #[error("{path}:{line}: {message}")]
    Compose {
        path: String,
        line: u32,
        message: String,
    },
    #[error("{path}: not UTF-8 text")]
    NotUtf8 { path: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("policy {}: {message}", path.display())]
    Policy { path: PathBuf, message: String },
    #[error("{path}: policy evaluation failed: {message}")]
    PolicyEval { path: String, message: String },
    #[error("unknown rule id {0:?} (see `drydock config --list-rules`)")]
    UnknownRule(String),
}

/// What kind of configuration a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Dockerfile,
    Kubernetes,
    Compose,
}

/// The file name alone decides: Dockerfile, Containerfile, `*.dockerfile`,
/// `Dockerfile.*`, Compose names, and YAML (whose content decides later).
pub fn wants(path: &str) -> bool {
    name_type(path).is_some()
}

/// `Dockerfile.<suffix>` names that are documentation, templates or backups.
const NOT_DOCKERFILE_SUFFIXES: &[&str] = &[
    "dockerignore",
    "md",
    "txt",
    "json",
    "sh",
    "py",
    "j2",
    "jinja",
    "tmpl",
    "tpl",
    "template",
    "orig",
    "bak",
    "swp",
    "toml",
    "ini",
    "cfg",
    "erb",
    "mustache",
];

enum NameType {
    Dockerfile,
    Compose,
    Yaml,
}

fn name_type(path: &str) -> Option<NameType> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let is_yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || ((lower.starts_with("dockerfile.") || lower.starts_with("containerfile."))
            && !is_yaml
            && !NOT_DOCKERFILE_SUFFIXES
                .iter()
                .any(|s| lower.rsplit('.').next() == Some(*s)))
    {
        return Some(NameType::Dockerfile);
    }
    if is_yaml {
        if lower.starts_with("compose") || lower.starts_with("docker-compose") {
            return Some(NameType::Compose);
        }
        return Some(NameType::Yaml);
    }
    None
}

/// The type of `path` with content `text`, or `None` when it is neither.
pub fn detect(path: &str, docs: Option<&[yaml::Node]>) -> Option<FileType> {
    match name_type(path)? {
        NameType::Dockerfile => Some(FileType::Dockerfile),
        NameType::Compose => Some(FileType::Compose),
        NameType::Yaml => {
            let docs = docs?;
            if docs
                .iter()
                .any(|d| d.get("apiVersion").is_some() && d.get("kind").is_some())
            {
                Some(FileType::Kubernetes)
            } else if docs.first().is_some_and(|d| d.get("services").is_some()) {
                Some(FileType::Compose)
            } else {
                None
            }
        }
    }
}

/// Built-in rules, minus the disabled ones, plus users' Rego policies.
#[derive(Default)]
pub struct ConfigScanner {
    disabled: HashSet<String>,
    policies: Option<PolicySet>,
}

impl ConfigScanner {
    /// All built-in rules, no Rego.
    pub fn new() -> ConfigScanner {
        ConfigScanner::default()
    }

    /// Turns off the rules `ids` (built-in ids, or the ids users' policies give).
    /// An id that is no built-in rule is accepted when it could be a policy's
    /// (not `DD-…`); a mistyped built-in id is an error.
    pub fn disable<I, S>(mut self, ids: I) -> Result<ConfigScanner, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for id in ids {
            let id = id.into();
            if id.starts_with("DD-") && rule(&id).is_none() {
                return Err(ConfigError::UnknownRule(id));
            }
            self.disabled.insert(id);
        }
        Ok(self)
    }

    /// Loads every `.rego` file under each directory (conftest conventions).
    pub fn with_policy_dirs<P: AsRef<Path>>(
        mut self,
        dirs: &[P],
    ) -> Result<ConfigScanner, ConfigError> {
        if dirs.is_empty() {
            return Ok(self);
        }
        self.policies = Some(PolicySet::load(dirs)?);
        Ok(self)
    }

    fn enabled(&self, id: &str) -> bool {
        !self.disabled.contains(id)
    }

    /// Scans one file. Files that are not configuration give no findings.
    /// `path` is used as given in the findings' locations.
    pub fn scan_file(&self, path: &str, content: &[u8]) -> Result<Vec<Finding>, ConfigError> {
        let mut kube = Vec::new();
        let disk = Path::new(path);
        let disk = disk.is_file().then_some(disk);
        let mut findings = self.scan_file_inner(path, disk, content, &mut kube)?;
        if let Some((text, docs)) = kube.pop()
            && self.enabled(kubernetes::NETPOL_RULE)
        {
            let hits = kubernetes::network_segmentation(&[docs.as_slice()])
                .into_iter()
                .map(|(_, h)| h)
                .collect();
            findings.extend(self.to_findings(path, &text, hits));
        }
        Ok(findings)
    }

    /// Parses and checks one file; hands back a Kubernetes file's documents so
    /// cross-document rules can see a whole directory.
    fn scan_file_inner(
        &self,
        path: &str,
        disk: Option<&Path>,
        content: &[u8],
        kube: &mut Vec<(String, Vec<yaml::Node>)>,
    ) -> Result<Vec<Finding>, ConfigError> {
        let Some(kind) = name_type(path) else {
            return Ok(Vec::new());
        };
        let text =
            std::str::from_utf8(content).map_err(|_| ConfigError::NotUtf8 { path: path.into() })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if let NameType::Dockerfile = kind {
            let df = dockerfile::parse(text).map_err(|e| ConfigError::Dockerfile {
                path: path.into(),
                line: e.line,
                message: e.message,
            })?;
            let hits = dockerfile::checks::run(&df, &|id| self.enabled(id));
            let mut findings = self.to_findings(path, text, hits);
            if let Some(p) = &self.policies {
                let input = dockerfile::checks::rego_input(&df);
                let hits = p.eval(path, &input, None, 1)?;
                findings.extend(self.policy_findings(path, text, hits));
            }
            return Ok(findings);
        }
        if matches!(kind, NameType::Yaml) && !looks_like_config(text) {
            return Ok(Vec::new());
        }
        let docs = yaml::load(text).map_err(|(line, message)| ConfigError::Yaml {
            path: path.into(),
            line,
            message,
        })?;
        let Some(ftype) = detect(path, Some(&docs)) else {
            return Ok(Vec::new());
        };
        if ftype == FileType::Compose
            && let Some(disk) = disk
        {
            return Ok(self.scan_compose_project(disk, path)?.0);
        }
        let hits = match ftype {
            FileType::Kubernetes => kubernetes::run(&docs, &|id| self.enabled(id)),
            FileType::Compose => compose::run(&docs, &|id| self.enabled(id)),
            FileType::Dockerfile => Vec::new(),
        };
        let mut findings = self.to_findings(path, text, hits);
        if let Some(p) = &self.policies {
            for doc in &docs {
                if doc.is_null() {
                    continue;
                }
                for item in kubernetes::list_items(doc) {
                    let hits = p.eval(path, &item.to_json(), Some(item), item.line)?;
                    findings.extend(self.policy_findings(path, text, hits));
                }
            }
        }
        if ftype == FileType::Kubernetes {
            kube.push((text.to_string(), docs));
        }
        Ok(findings)
    }

    /// Misconfigurations of a built image, from its config blob (`history`,
    /// `config`, `rootfs`): the Dockerfile is rebuilt from the history and the
    /// config fields, and the Dockerfile rules history can judge
    /// ([`image::FROM_HISTORY`]) run on it, then users' Dockerfile policies.
    /// `image` names the image in the findings' notes; `layers` are the
    /// image's layers as the scan saw them (may be empty).
    pub fn scan_image_config(
        &self,
        image: &str,
        config: &serde_json::Value,
        layers: &[drydock_core::LayerRef],
    ) -> Result<Vec<Finding>, ConfigError> {
        let rebuilt = image::rebuild(config, layers);
        let hits = image::run(&rebuilt, &|id| self.enabled(id));
        let mut findings = image::findings(image, &rebuilt, &hits);
        if let Some(p) = &self.policies {
            // Without the synthetic `FROM`: the base reference is not in an image.
            let mut input = dockerfile::checks::rego_input(&rebuilt.dockerfile);
            if let Some(items) = input.as_array_mut()
                && !items.is_empty()
            {
                items.remove(0);
            }
            for f in p.eval(image, &input, None, 1)? {
                if self.enabled(&f.id) {
                    let line = f.location.line.unwrap_or(1);
                    findings.push(image::place(image, &rebuilt, f, line));
                }
            }
        }
        Ok(findings)
    }

    /// A Compose project's effective configuration checked: `.env` and
    /// the environment interpolated, the override file merged, `include`
    /// and `extends` resolved. Findings name the file and line that set the
    /// value. Also returns the files read besides the main one.
    fn scan_compose_project(
        &self,
        disk: &Path,
        name: &str,
    ) -> Result<(Vec<Finding>, Vec<PathBuf>), ConfigError> {
        let project = compose_project::load_project(disk, name)?;
        let hits = compose::run(std::slice::from_ref(&project.model), &|id| self.enabled(id));
        let mut per_file: Vec<Vec<Hit>> = project.files.iter().map(|_| Vec::new()).collect();
        for mut h in hits {
            let (file, line) = project.place(h.line);
            h.line = line;
            h.end_line = project.place(h.end_line).1.max(line);
            if let Some(v) = per_file.get_mut(file) {
                v.push(h);
            }
        }
        let mut findings = Vec::new();
        for (f, hits) in project.files.iter().zip(per_file) {
            findings.extend(self.to_findings(&f.name, &f.text, hits));
        }
        if let Some(p) = &self.policies {
            let model = &project.model;
            for mut f in p.eval(name, &model.to_json(), Some(model), model.line)? {
                if !self.enabled(&f.id) {
                    continue;
                }
                let (file, line) = project.place(f.location.line.unwrap_or(model.line));
                if let Some(pf) = project.files.get(file) {
                    f.location.path = pf.name.clone();
                    f.location.line = Some(line);
                    let mut one = vec![f];
                    suppress::apply(&pf.text, &mut one);
                    findings.extend(one);
                }
            }
        }
        let others = project.files.into_iter().skip(1).map(|f| f.disk).collect();
        Ok((findings, others))
    }

    fn to_findings(&self, path: &str, text: &str, hits: Vec<Hit>) -> Vec<Finding> {
        let mut findings: Vec<Finding> = hits.iter().map(|h| finding_from_hit(path, h)).collect();
        suppress::apply(text, &mut findings);
        findings
    }

    fn policy_findings(&self, path: &str, text: &str, found: Vec<Finding>) -> Vec<Finding> {
        let mut findings: Vec<Finding> = found
            .into_iter()
            .filter(|f| self.enabled(&f.id))
            .map(|mut f| {
                f.location.path = path.to_string();
                f
            })
            .collect();
        suppress::apply(text, &mut findings);
        findings
    }

    /// Walks `root` (respecting `.gitignore`, `.ignore` and hidden files as git
    /// does) and scans every configuration file; [`scan_dir_report`]
    /// without the warnings. Files that do not parse are skipped (they are
    /// warnings there).
    ///
    /// [`scan_dir_report`]: ConfigScanner::scan_dir_report
    pub fn scan_dir(&self, root: &Path) -> Result<Vec<Finding>, ConfigError> {
        Ok(self.scan_dir_report(root)?.findings)
    }

    /// Walks `root` and scans every configuration file. The NetworkPolicy rule
    /// sees every Kubernetes file of the tree at once. Paths in findings are
    /// relative to `root`, `/`-separated (`root` itself when it is a file).
    /// A file that cannot be read or parsed (an unrendered Helm template, say)
    /// becomes a warning naming it and the scan goes on, and so does a
    /// directory that cannot be listed; policy evaluation errors stop it.
    pub fn scan_dir_report(&self, root: &Path) -> Result<DirScan, ConfigError> {
        let mut scan = DirScan::default();
        if root.is_file() {
            let content = std::fs::read(root).map_err(|source| ConfigError::Read {
                path: root.to_path_buf(),
                source,
            })?;
            match self.scan_file(&root.to_string_lossy(), &content) {
                Ok(f) => scan.findings = f,
                Err(e @ ConfigError::PolicyEval { .. }) => return Err(e),
                Err(e) => scan
                    .warnings
                    .push(warning(&root.to_string_lossy(), &content, &e)),
            }
            return Ok(scan);
        }
        let mut paths = Vec::new();
        // `.gitignore` counts even outside a git checkout (an unpacked tarball, a CI cache).
        // Hidden directories are walked (`.devcontainer/Dockerfile`), `.git` is not,
        // and neither are the kernel's virtual trees of a live root (`rootfs /`).
        let live_root = std::fs::canonicalize(root).is_ok_and(|r| r == Path::new("/"));
        let walker = ignore::WalkBuilder::new(root)
            .require_git(false)
            .hidden(false)
            .filter_entry(move |e| {
                e.file_name() != ".git"
                    && !(live_root
                        && e.depth() == 1
                        && e.file_name()
                            .to_str()
                            .is_some_and(|n| drydock_core::analyze::LIVE_ROOT_SKIP.contains(&n)))
            })
            .build();
        for entry in walker {
            // An unreadable directory or file is a warning; the rest is scanned.
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    scan.warnings.push(ScanWarning::from_walk(root, &e));
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if wants(&rel) {
                paths.push((rel, entry.path().to_path_buf()));
            }
        }
        paths.sort();
        // Compose projects first: their override, included and extended
        // files are part of them, not projects of their own (whichever sorts
        // first, so the results are kept until all projects are known).
        let mut consumed: HashSet<PathBuf> = HashSet::new();
        let mut projects: Vec<&PathBuf> = Vec::new();
        let mut results: Vec<(&PathBuf, Result<Vec<Finding>, ScanWarning>)> = Vec::new();
        for (rel, full) in &paths {
            if !matches!(name_type(rel), Some(NameType::Compose)) {
                continue;
            }
            projects.push(full);
            if compose_project::is_override_with_main(full) {
                consumed.insert(full.clone());
                continue;
            }
            match self.scan_compose_project(full, rel) {
                Ok((f, others)) => {
                    consumed.extend(others.into_iter().filter(|o| o != full));
                    results.push((full, Ok(f)));
                }
                Err(e @ ConfigError::PolicyEval { .. }) => return Err(e),
                Err(e) => results.push((
                    full,
                    Err(ScanWarning {
                        input: rel.clone(),
                        message: e.to_string(),
                    }),
                )),
            }
        }
        for (full, result) in results {
            if consumed.contains(full) {
                continue;
            }
            match result {
                Ok(f) => scan.findings.extend(f),
                Err(w) => scan.warnings.push(w),
            }
            scan.files += 1;
        }
        let mut kube: Vec<(String, Vec<yaml::Node>)> = Vec::new();
        let mut kube_paths: Vec<String> = Vec::new();
        for (rel, full) in &paths {
            if projects.contains(&full) || consumed.contains(full) {
                continue;
            }
            let content = match std::fs::read(full) {
                Ok(c) => c,
                Err(e) => {
                    scan.warnings.push(ScanWarning {
                        input: rel.clone(),
                        message: format!("cannot read: {e}"),
                    });
                    continue;
                }
            };
            let before = kube.len();
            match self.scan_file_inner(rel, Some(full), &content, &mut kube) {
                Ok(f) => scan.findings.extend(f),
                Err(e @ ConfigError::PolicyEval { .. }) => return Err(e),
                Err(e) => scan.warnings.push(warning(rel, &content, &e)),
            }
            if kube.len() > before {
                kube_paths.push(rel.clone());
            }
            scan.files += 1;
        }
        if self.enabled(kubernetes::NETPOL_RULE) {
            let files: Vec<&[yaml::Node]> = kube.iter().map(|(_, d)| d.as_slice()).collect();
            for (idx, hit) in kubernetes::network_segmentation(&files) {
                if let (Some((text, _)), Some(path)) = (kube.get(idx), kube_paths.get(idx)) {
                    scan.findings
                        .extend(self.to_findings(path, text, vec![hit]));
                }
            }
        }
        Ok(scan)
    }
}

/// What [`ConfigScanner::scan_dir_report`] found.
#[derive(Debug, Default)]
pub struct DirScan {
    pub findings: Vec<Finding>,
    /// Files that could not be read or parsed, one warning each.
    pub warnings: Vec<ScanWarning>,
    /// Configuration files looked at.
    pub files: usize,
}

fn warning(path: &str, content: &[u8], e: &ConfigError) -> ScanWarning {
    let mut message = e.to_string();
    if content.windows(2).any(|w| w == b"{{") {
        message.push_str(
            " (an unrendered template? scan the output of `helm template` or `kustomize build`)",
        );
    }
    ScanWarning {
        input: path.to_string(),
        message,
    }
}

/// Cheap pre-filter so YAML that is surely neither Kubernetes nor Compose
/// (CI pipelines, OpenAPI specs) is not parsed at all.
fn looks_like_config(text: &str) -> bool {
    (text.contains("apiVersion") && text.contains("kind")) || text.contains("services")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_check_has_metadata_and_every_rule_a_check() {
        let checks: BTreeSet<&str> = dockerfile::checks::CHECKS
            .iter()
            .map(|(id, _)| *id)
            .chain(kubernetes::CHECKS.iter().map(|(id, _)| *id))
            .chain(compose::CHECKS.iter().map(|(id, _)| *id))
            .collect();
        let meta: BTreeSet<&str> = rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(checks, meta);
    }

    #[test]
    fn image_rules_are_dockerfile_rules() {
        for id in image::FROM_HISTORY {
            assert!(
                dockerfile::checks::CHECKS.iter().any(|(c, _)| c == id),
                "{id}"
            );
        }
    }

    #[test]
    fn file_types_by_name() {
        assert!(wants("Dockerfile") && wants("a/b/Containerfile") && wants("x/api.dockerfile"));
        assert!(wants("Dockerfile.prod") && wants("deploy/app.yaml") && wants("compose.yml"));
        assert!(!wants("README.md") && !wants("x.dockerignore"));
        assert!(
            !wants("Dockerfile.md")
                && !wants("docker/Dockerfile.j2")
                && !wants("Dockerfile.dockerignore")
        );
        let docs = yaml::load("services:\n  a: {image: x}\n").unwrap();
        assert_eq!(detect("stack.yml", Some(&docs)), Some(FileType::Compose));
        let docs = yaml::load("apiVersion: v1\nkind: Pod\n").unwrap();
        assert_eq!(detect("pod.yaml", Some(&docs)), Some(FileType::Kubernetes));
        let docs = yaml::load("on: push\njobs: {}\n").unwrap();
        assert_eq!(detect(".github/workflows/ci.yml", Some(&docs)), None);
    }
}
