//! Secret rules as data: the YAML schema of a rule family file, the built-in
//! families embedded at build time, user rule files, and the checks that turn a
//! malformed rule into an error naming its file and id instead of a silent miss.

use crate::Error;
use drydock_core::Severity;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The built-in rule families, one YAML file each (`rules/*.yaml`).
pub const BUILTIN_RULE_FILES: &[(&str, &str)] = &[
    ("aws.yaml", include_str!("../rules/aws.yaml")),
    ("gcp.yaml", include_str!("../rules/gcp.yaml")),
    ("azure.yaml", include_str!("../rules/azure.yaml")),
    ("github.yaml", include_str!("../rules/github.yaml")),
    ("gitlab.yaml", include_str!("../rules/gitlab.yaml")),
    ("slack.yaml", include_str!("../rules/slack.yaml")),
    ("chat.yaml", include_str!("../rules/chat.yaml")),
    ("payments.yaml", include_str!("../rules/payments.yaml")),
    ("messaging.yaml", include_str!("../rules/messaging.yaml")),
    ("registries.yaml", include_str!("../rules/registries.yaml")),
    ("hashicorp.yaml", include_str!("../rules/hashicorp.yaml")),
    ("ai.yaml", include_str!("../rules/ai.yaml")),
    ("saas.yaml", include_str!("../rules/saas.yaml")),
    (
        "private-keys.yaml",
        include_str!("../rules/private-keys.yaml"),
    ),
    ("tokens.yaml", include_str!("../rules/tokens.yaml")),
    ("databases.yaml", include_str!("../rules/databases.yaml")),
    ("generic.yaml", include_str!("../rules/generic.yaml")),
];

/// The allowlist every rule shares (placeholders, documentation keys, lockfiles).
pub const GLOBAL_ALLOWLIST: &str = include_str!("../rules/allowlist.yaml");

/// One rule family file (built in or the user's).
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Family name, shown in the rule reference (`aws`, `private-keys`).
    #[serde(default)]
    pub family: String,
    /// Compliance controls every rule of the family maps to, before its own.
    #[serde(default)]
    pub compliance: Vec<String>,
    /// Extra allowlist entries that apply to every rule (user files).
    #[serde(default)]
    pub allowlist: Allowlist,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// A secret rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// Literals (matched case-insensitively) of which one must occur for the
    /// regex to run at all: the prefilter.
    pub keywords: Vec<String>,
    /// Regex with a named group `secret`: the part that is redacted,
    /// entropy-checked and validated.
    pub regex: String,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy: Option<f64>,
    /// A check in code beyond the regex (`github-crc32`, `jwt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate: Option<Validator>,
    /// Only files whose path matches this regex are searched (`.netrc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Lines around a keyword hit the regex sees; a hit's own line always.
    #[serde(default)]
    pub context: Context,
    /// Reported only when a match of another rule lies within `lines` lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<Near>,
    /// Generic rules yield to any specific rule matching the same text.
    #[serde(default)]
    pub generic: bool,
    #[serde(default)]
    pub allowlist: Allowlist,
    pub description: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub compliance: Vec<String>,
    /// Fixtures: texts that must and must not fire (see tests/rules.rs).
    #[serde(default, skip_serializing)]
    pub tests: RuleTests,
    /// Filled from the file at load time.
    #[serde(skip)]
    pub family: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// GitHub/npm token format: the last 6 base62 characters are the CRC32 of the random part.
    GithubCrc32,
    /// A JWT whose header decodes to a JSON object with `alg`.
    Jwt,
    /// Base64 of `user:password` with both parts non-empty and printable.
    BasicAuth,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Context {
    #[serde(default)]
    pub before: u32,
    #[serde(default)]
    pub after: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Near {
    pub rule: String,
    pub lines: u32,
}

/// Matches that are not secrets. `stopwords` are case-insensitive substrings of
/// the secret; `regexes` are matched against the secret; `paths` against the
/// file path; `names` against the regex's `name` group (the variable or key
/// name of assignment rules, to skip `token_url`, `secret_name`…; the host of
/// URL rules, to skip `example.com`).
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stopwords: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regexes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}

impl Allowlist {
    pub fn extend(&mut self, other: &Allowlist) {
        self.stopwords.extend(other.stopwords.iter().cloned());
        self.regexes.extend(other.regexes.iter().cloned());
        self.paths.extend(other.paths.iter().cloned());
        self.names.extend(other.names.iter().cloned());
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleTests {
    #[serde(default)]
    pub positive: Vec<Example>,
    #[serde(default)]
    pub negative: Vec<Example>,
}

/// A fixture: text (a template, see tests/common) and optionally the file path it is scanned as.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Example {
    Text(String),
    File {
        path: String,
        text: String,
        /// Other rules expected to fire on this text too.
        #[serde(default)]
        also: Vec<String>,
    },
}

impl Example {
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) | Example::File { text: t, .. } => t,
        }
    }
    pub fn path(&self) -> &str {
        match self {
            Example::Text(_) => "fixture.txt",
            Example::File { path, .. } => path,
        }
    }
    pub fn also(&self) -> &[String] {
        match self {
            Example::Text(_) => &[],
            Example::File { also, .. } => also,
        }
    }
}

/// Parses one rule file; `name` is used in errors. Rules get the file's family
/// and family-wide compliance mappings.
pub fn parse_rule_file(name: &str, text: &str) -> Result<RuleFile, Error> {
    let mut file: RuleFile = serde_saphyr::from_str(text).map_err(|e| Error::RuleFile {
        file: name.to_string(),
        message: e.to_string(),
    })?;
    let family = if file.family.is_empty() {
        name.trim_end_matches(".yaml")
            .trim_end_matches(".yml")
            .to_string()
    } else {
        file.family.clone()
    };
    for rule in &mut file.rules {
        rule.family = family.clone();
        let mut compliance = file.compliance.clone();
        for c in &rule.compliance {
            if !compliance.contains(c) {
                compliance.push(c.clone());
            }
        }
        rule.compliance = compliance;
        rule.allowlist.extend(&file.allowlist);
        for k in &mut rule.keywords {
            *k = k.to_lowercase();
        }
    }
    Ok(file)
}

/// The built-in rule families, parsed. Fails only if a shipped file is broken,
/// which the crate's tests rule out.
pub fn builtin_rule_files() -> Result<Vec<RuleFile>, Error> {
    BUILTIN_RULE_FILES
        .iter()
        .map(|(name, text)| parse_rule_file(name, text))
        .collect()
}

/// The built-in rules, in file order.
pub fn builtin_rules() -> Result<Vec<Rule>, Error> {
    Ok(builtin_rule_files()?
        .into_iter()
        .flat_map(|f| f.rules)
        .collect())
}

/// The shared allowlist.
pub fn global_allowlist() -> Result<Allowlist, Error> {
    serde_saphyr::from_str(GLOBAL_ALLOWLIST).map_err(|e| Error::RuleFile {
        file: "allowlist.yaml".into(),
        message: e.to_string(),
    })
}

/// Reads a user rule file (same schema as the built-in families: `rules:` and
/// optionally `allowlist:`). A user rule with a built-in rule's id replaces it.
pub fn load_user_rules(path: &Path) -> Result<RuleFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let mut file = parse_rule_file(&path.display().to_string(), &text)?;
    if file.family.is_empty() {
        file.family = "user".into();
        for r in &mut file.rules {
            r.family = "user".into();
        }
    }
    Ok(file)
}
