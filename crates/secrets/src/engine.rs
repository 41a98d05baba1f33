//! The matching engine: one pass of a case-insensitive Aho-Corasick automaton
//! over a file's bytes finds rule keywords; only rules whose keywords occur run
//! their regex, and only over the lines around the hits. Matches then pass the
//! entropy floor, the rule's validator, the allowlists, overlap resolution
//! (specific rules beat generic ones) and proximity pairing.

use crate::prefilter::Prefilter;
use crate::rules::{self, Allowlist, Rule, RuleFile, Validator};
use crate::{Error, validate};
use drydock_core::Severity;
use regex::Regex;
use regex::bytes::{Regex as BytesRegex, RegexBuilder};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Files above this size are not read (logs, dumps, data sets).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// How many leading bytes are checked for NUL to call a file binary (as git does).
const BINARY_SNIFF_LEN: usize = 8192;

/// The longest evidence line kept, in characters.
const MAX_EVIDENCE_CHARS: usize = 160;

/// What a finding needs to know about its rule, shared by all its findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub family: String,
    pub description: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub compliance: Vec<String>,
}

/// One secret found in one file or config field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretFinding {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    /// As given to [`SecretScanner::scan_bytes`].
    pub path: String,
    /// 1-based line of the secret's first character.
    pub line: u32,
    /// 1-based column (in characters) of the secret's first character.
    pub column: u32,
    /// The secret, redacted unless the scanner shows secrets.
    pub secret: String,
    /// The line holding the secret, with the secret redacted the same way.
    pub evidence: String,
    /// How the finding was made (pairing with another secret).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(skip)]
    pub rule: Arc<RuleInfo>,
}

/// Options of a scanner beyond the built-in rules.
#[derive(Debug, Clone)]
pub struct ScannerOptions {
    /// Rule files of the user (see [`rules::load_user_rules`]); a rule with a
    /// built-in id replaces the built-in one.
    pub user_rules: Vec<RuleFile>,
    /// Rule ids to switch off. A rule that pairs with a disabled rule is off too.
    pub disabled: Vec<String>,
    /// Report secrets in clear (`--show-secrets`).
    pub show_secrets: bool,
    /// Files above this size are skipped.
    pub max_file_size: u64,
}

impl Default for ScannerOptions {
    fn default() -> Self {
        ScannerOptions {
            user_rules: Vec::new(),
            disabled: Vec::new(),
            show_secrets: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

struct CompiledAllowlist {
    stopwords: Vec<String>,
    regexes: Vec<Regex>,
    paths: Vec<Regex>,
    names: Vec<Regex>,
}

impl CompiledAllowlist {
    fn new(list: &Allowlist, file: &str, rule: &str) -> Result<CompiledAllowlist, Error> {
        let compile = |p: &String| {
            Regex::new(p).map_err(|e| Error::Rule {
                file: file.to_string(),
                rule: rule.to_string(),
                message: format!("allowlist regex {p:?}: {e}"),
            })
        };
        Ok(CompiledAllowlist {
            stopwords: list.stopwords.iter().map(|s| s.to_lowercase()).collect(),
            regexes: list.regexes.iter().map(compile).collect::<Result<_, _>>()?,
            paths: list.paths.iter().map(compile).collect::<Result<_, _>>()?,
            names: list.names.iter().map(compile).collect::<Result<_, _>>()?,
        })
    }

    fn allows_secret(&self, secret_lower: &str, secret: &str) -> bool {
        self.stopwords
            .iter()
            .any(|w| secret_lower.contains(w.as_str()))
            || self.regexes.iter().any(|r| r.is_match(secret))
    }

    fn allows_path(&self, path: &str) -> bool {
        self.paths.iter().any(|r| r.is_match(path))
    }
}

/// A rule's compiled regex and the indexes of its groups.
struct Matcher {
    regex: BytesRegex,
    secret_group: usize,
    /// The `name` group (assignment rules), checked against `allowlist.names`.
    name_group: Option<usize>,
}

impl Matcher {
    fn new(pattern: &str) -> Result<Matcher, String> {
        let regex = RegexBuilder::new(pattern)
            .size_limit(32 * 1024 * 1024)
            .build()
            .map_err(|e| format!("regex: {e}"))?;
        let secret_group = regex
            .capture_names()
            .position(|n| n == Some("secret"))
            .ok_or_else(|| "regex has no named group `secret`".to_string())?;
        let name_group = regex.capture_names().position(|n| n == Some("name"));
        Ok(Matcher {
            regex,
            secret_group,
            name_group,
        })
    }
}

struct CompiledRule {
    info: Arc<RuleInfo>,
    pattern: String,
    /// Built-in rules compile on their first keyword hit: compiling all ~130
    /// regexes (Unicode classes) took ~100 ms per run, a tenth of a scan of a
    /// 300 MB tree, and most rules' keywords never occur in a given input.
    /// User rules compile up front, so a broken one is an error at start;
    /// the built-in ones are compiled by a test. `None`: failed to compile.
    matcher: OnceLock<Option<Matcher>>,
    entropy: Option<f64>,
    validate: Option<Validator>,
    path: Option<Regex>,
    before: u32,
    after: u32,
    near: Option<(usize, u32)>,
    generic: bool,
    allow: CompiledAllowlist,
}

/// A secret scanner built from rules; cheap to share between threads.
pub struct SecretScanner {
    rules: Vec<CompiledRule>,
    keywords: Prefilter,
    /// For each keyword of the automaton, the rules it triggers.
    keyword_rules: Vec<Vec<usize>>,
    global: CompiledAllowlist,
    show_secrets: bool,
    max_file_size: u64,
}

impl std::fmt::Debug for SecretScanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretScanner")
            .field("rules", &self.rules.len())
            .field("show_secrets", &self.show_secrets)
            .finish()
    }
}

/// A regex match that passed the rule's own checks, before overlap and pairing.
struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
    /// A specific rule's match that failed its checks (a bad checksum, an
    /// SDK's example key): not reported, but it keeps generic rules from
    /// reporting the same text, as the specific rule knows the format better.
    rejected: bool,
}

impl SecretScanner {
    /// The built-in rules with default options.
    pub fn builtin() -> Result<SecretScanner, Error> {
        SecretScanner::new(&ScannerOptions::default())
    }

    /// Built-in rules plus the user's, minus the disabled ones.
    pub fn new(opts: &ScannerOptions) -> Result<SecretScanner, Error> {
        // (file, rule, user rule: compiled up front)
        let mut all: Vec<(String, Rule, bool)> = Vec::new();
        for f in rules::builtin_rule_files()? {
            let name = format!(
                "{}.yaml",
                f.rules
                    .first()
                    .map(|r| r.family.as_str())
                    .unwrap_or("builtin")
            );
            all.extend(f.rules.into_iter().map(|r| (name.clone(), r, false)));
        }
        let mut global = rules::global_allowlist()?;
        for f in &opts.user_rules {
            global.extend(&f.allowlist);
            for r in &f.rules {
                let name = format!("user rules ({})", r.family);
                match all.iter_mut().find(|(_, b, _)| b.id == r.id) {
                    Some(slot) => *slot = (name, r.clone(), true),
                    None => all.push((name, r.clone(), true)),
                }
            }
        }
        for id in &opts.disabled {
            if !all.iter().any(|(_, r, _)| &r.id == id) {
                return Err(Error::UnknownRule(id.clone()));
            }
        }
        let mut kept: Vec<(String, Rule, bool)> = all
            .into_iter()
            .filter(|(_, r, _)| !opts.disabled.contains(&r.id))
            .collect();
        // A pairing rule without its partner can never fire; drop it (repeat for chains).
        loop {
            let before = kept.len();
            let ids: Vec<String> = kept.iter().map(|(_, r, _)| r.id.clone()).collect();
            kept.retain(|(_, r, _)| r.near.as_ref().is_none_or(|n| ids.contains(&n.rule)));
            if kept.len() == before {
                break;
            }
        }
        SecretScanner::compile(kept, &global, opts)
    }

    fn compile(
        rules: Vec<(String, Rule, bool)>,
        global: &Allowlist,
        opts: &ScannerOptions,
    ) -> Result<SecretScanner, Error> {
        let mut compiled = Vec::with_capacity(rules.len());
        let mut keyword_index: HashMap<String, usize> = HashMap::new();
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let ids: Vec<String> = rules.iter().map(|(_, r, _)| r.id.clone()).collect();
        for (i, (file, r, eager)) in rules.iter().enumerate() {
            let err = |message: String| Error::Rule {
                file: file.clone(),
                rule: r.id.clone(),
                message,
            };
            if ids[..i].contains(&r.id) {
                return Err(err("duplicate rule id".into()));
            }
            if r.keywords.is_empty() || r.keywords.iter().any(|k| k.trim().is_empty()) {
                return Err(err(
                    "needs at least one non-empty keyword (the prefilter)".into()
                ));
            }
            let matcher = if *eager {
                OnceLock::from(Some(Matcher::new(&r.regex).map_err(err)?))
            } else {
                OnceLock::new()
            };
            let path = match &r.path {
                Some(p) => Some(Regex::new(p).map_err(|e| err(format!("path regex: {e}")))?),
                None => None,
            };
            let near = match &r.near {
                Some(n) => Some((
                    ids.iter()
                        .position(|id| id == &n.rule)
                        .ok_or_else(|| err(format!("`near` names unknown rule {}", n.rule)))?,
                    n.lines,
                )),
                None => None,
            };
            for k in &r.keywords {
                let k = k.to_lowercase();
                let idx = *keyword_index.entry(k.clone()).or_insert_with(|| {
                    keywords.push(k);
                    keyword_rules.push(Vec::new());
                    keywords.len() - 1
                });
                if !keyword_rules[idx].contains(&i) {
                    keyword_rules[idx].push(i);
                }
            }
            compiled.push(CompiledRule {
                info: Arc::new(RuleInfo {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    severity: r.severity,
                    family: r.family.clone(),
                    description: r.description.trim().to_string(),
                    remediation: r.remediation.trim().to_string(),
                    references: r.references.clone(),
                    compliance: r.compliance.clone(),
                }),
                pattern: r.regex.clone(),
                matcher,
                entropy: r.entropy,
                validate: r.validate,
                path,
                before: r.context.before,
                after: r.context.after,
                near,
                generic: r.generic,
                allow: CompiledAllowlist::new(&r.allowlist, file, &r.id)?,
            });
        }
        let automaton = Prefilter::new(&keywords).map_err(|e| Error::Rule {
            file: "rules".into(),
            rule: "*".into(),
            message: format!("keyword automaton: {e}"),
        })?;
        Ok(SecretScanner {
            rules: compiled,
            keywords: automaton,
            keyword_rules,
            global: CompiledAllowlist::new(global, "allowlist.yaml", "*")?,
            show_secrets: opts.show_secrets,
            max_file_size: opts.max_file_size,
        })
    }

    /// The rules in use, in order.
    pub fn rules(&self) -> impl Iterator<Item = &RuleInfo> {
        self.rules.iter().map(|r| r.info.as_ref())
    }

    pub fn show_secrets(&self) -> bool {
        self.show_secrets
    }

    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// [`wants`] with this scanner's size cap.
    pub fn wants(&self, path: &str, size: u64) -> bool {
        size <= self.max_file_size && !has_binary_extension(path)
    }

    /// Scans one file's bytes. Binary content (NUL in the first 8 KiB, or a
    /// known binary magic) yields nothing. Findings are in file order.
    pub fn scan_bytes(&self, path: &str, content: &[u8]) -> Vec<SecretFinding> {
        if content.is_empty() || is_binary(content) {
            return Vec::new();
        }
        // (rule, keyword position): empty, so no allocation, for the common file without hits.
        let mut hits: Vec<(usize, usize)> = Vec::new();
        self.keywords.for_each(content, |k, pos| {
            for &r in &self.keyword_rules[k] {
                hits.push((r, pos));
            }
        });
        // The path allowlist runs only for files with hits: most files have none.
        if hits.is_empty() || self.global.allows_path(path) {
            return Vec::new();
        }
        hits.sort_unstable();
        hits.dedup();

        let mut candidates: Vec<Candidate> = Vec::new();
        let mut i = 0;
        while i < hits.len() {
            let rule_idx = hits[i].0;
            let mut j = i;
            while j < hits.len() && hits[j].0 == rule_idx {
                j += 1;
            }
            let rule = &self.rules[rule_idx];
            let path_ok = rule.path.as_ref().is_none_or(|p| p.is_match(path))
                && !rule.allow.allows_path(path);
            if path_ok {
                self.match_rule(
                    rule_idx,
                    content,
                    hits[i..j].iter().map(|h| h.1),
                    &mut candidates,
                );
            }
            i = j;
        }
        if candidates.is_empty() {
            return Vec::new();
        }
        self.resolve(path, content, candidates)
    }

    /// Runs one rule's regex over the merged windows around its keyword hits.
    fn match_rule(
        &self,
        rule_idx: usize,
        content: &[u8],
        positions: impl Iterator<Item = usize>,
        out: &mut Vec<Candidate>,
    ) {
        let rule = &self.rules[rule_idx];
        let Some(m) = rule
            .matcher
            .get_or_init(|| Matcher::new(&rule.pattern).ok())
        else {
            return;
        };
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for pos in positions {
            let start = lines_back(content, pos, rule.before);
            let end = lines_forward(content, pos, rule.after);
            match windows.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => windows.push((start, end)),
            }
        }
        for (ws, we) in windows {
            let hay = &content[ws..we];
            for caps in m.regex.captures_iter(hay) {
                let Some(s) = caps.get(m.secret_group) else {
                    continue;
                };
                let (start, end) = (ws + s.start(), ws + s.end());
                let name_ok = match (
                    m.name_group.and_then(|g| caps.get(g)),
                    rule.allow.names.is_empty(),
                ) {
                    (Some(n), false) => {
                        let name = String::from_utf8_lossy(n.as_bytes());
                        !rule.allow.names.iter().any(|r| r.is_match(&name))
                    }
                    _ => true,
                };
                let accepted = name_ok && self.accepts(rule, &content[start..end]);
                if accepted || !rule.generic {
                    out.push(Candidate {
                        rule: rule_idx,
                        start,
                        end,
                        rejected: !accepted,
                    });
                }
            }
        }
    }

    /// Entropy, validator and allowlists for one secret.
    fn accepts(&self, rule: &CompiledRule, secret: &[u8]) -> bool {
        if secret.is_empty() {
            return false;
        }
        if rule
            .entropy
            .is_some_and(|min| shannon_entropy(secret) < min)
        {
            return false;
        }
        let text = String::from_utf8_lossy(secret);
        if let Some(v) = rule.validate {
            let ok = match v {
                Validator::GithubCrc32 => validate::github_crc32(&text),
                Validator::Jwt => validate::jwt(&text),
                Validator::BasicAuth => validate::basic_auth(&text),
            };
            if !ok {
                return false;
            }
        }
        let lower = text.to_lowercase();
        !(rule.allow.allows_secret(&lower, &text) || self.global.allows_secret(&lower, &text))
    }

    /// Pairing (a rule that needs another rule's match nearby), then overlaps
    /// (specific rules first, then rule order), then findings in file order.
    fn resolve(
        &self,
        path: &str,
        content: &[u8],
        mut candidates: Vec<Candidate>,
    ) -> Vec<SecretFinding> {
        candidates.sort_by_key(|c| (c.start, c.rule));
        let lines = line_numbers(content, candidates.iter().map(|c| c.start));
        let mut paired: Vec<(usize, u32, Vec<String>)> = Vec::with_capacity(candidates.len());
        for (idx, c) in candidates.iter().enumerate() {
            let mut notes = Vec::new();
            if let Some((partner, within)) = self.rules[c.rule].near {
                if c.rejected {
                    continue;
                }
                let found = candidates.iter().zip(&lines).find(|(k, l)| {
                    k.rule == partner && !k.rejected && l.abs_diff(lines[idx]) <= within
                });
                match found {
                    Some((k, l)) => notes.push(format!(
                        "paired with {} {} on line {l}",
                        self.rules[partner].info.id,
                        self.display_secret(&content[k.start..k.end])
                    )),
                    None => continue,
                }
            }
            paired.push((idx, lines[idx], notes));
        }
        paired.sort_by_key(|(idx, _, _)| {
            let c = &candidates[*idx];
            (self.rules[c.rule].generic, c.rule, c.start)
        });
        if paired.iter().all(|(idx, _, _)| candidates[*idx].rejected) {
            return Vec::new();
        }
        let mut kept: Vec<(usize, u32, Vec<String>)> = Vec::with_capacity(paired.len());
        for p in paired {
            let c = &candidates[p.0];
            let overlaps = kept.iter().any(|(k, _, _)| {
                let k = &candidates[*k];
                c.start < k.end && k.start < c.end
            });
            if !overlaps {
                kept.push(p);
            }
        }
        kept.retain(|(idx, _, _)| !candidates[*idx].rejected);
        kept.sort_by_key(|(idx, _, _)| (candidates[*idx].start, candidates[*idx].rule));
        kept.into_iter()
            .map(|(idx, line, notes)| self.finding(path, content, &candidates[idx], line, notes))
            .collect()
    }

    fn display_secret(&self, secret: &[u8]) -> String {
        let s = String::from_utf8_lossy(secret);
        if self.show_secrets {
            s.into_owned()
        } else {
            redact(&s)
        }
    }

    fn finding(
        &self,
        path: &str,
        content: &[u8],
        c: &Candidate,
        line: u32,
        notes: Vec<String>,
    ) -> SecretFinding {
        let rule = &self.rules[c.rule];
        let line_start = lines_back(content, c.start, 0);
        let line_end = lines_forward(content, c.start, 0);
        let column = String::from_utf8_lossy(&content[line_start..c.start])
            .chars()
            .count() as u32
            + 1;
        let secret = self.display_secret(&content[c.start..c.end]);
        // The secret may run past the line (PEM blocks): only its first line's part is replaced.
        let on_line_end = c.end.min(line_end);
        let mut evidence = String::from_utf8_lossy(&content[line_start..c.start]).into_owned();
        if self.show_secrets {
            evidence.push_str(&String::from_utf8_lossy(&content[c.start..on_line_end]));
        } else {
            evidence.push_str(&secret);
        }
        evidence.push_str(&String::from_utf8_lossy(&content[on_line_end..line_end]));
        SecretFinding {
            rule_id: rule.info.id.clone(),
            title: rule.info.title.clone(),
            severity: rule.info.severity,
            path: path.to_string(),
            line,
            column,
            secret,
            evidence: shorten(evidence.trim(), column as usize),
            notes,
            rule: rule.info.clone(),
        }
    }
}

/// Whether a file is worth reading at all, before reading it: not over the
/// default 10 MiB cap and not of a binary type by extension.
pub fn wants(path: &str, size: u64) -> bool {
    size <= DEFAULT_MAX_FILE_SIZE && !has_binary_extension(path)
}

/// Extensions of formats that are binary (or compressed) by construction.
const BINARY_EXTENSIONS: &[&str] = &[
    "png",
    "jpg",
    "jpeg",
    "gif",
    "bmp",
    "ico",
    "icns",
    "webp",
    "tif",
    "tiff",
    "psd",
    "avif",
    "heic",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "zst",
    "lz4",
    "lzma",
    "7z",
    "rar",
    "tar",
    "jar",
    "war",
    "ear",
    "whl",
    "egg",
    "deb",
    "rpm",
    "apk",
    "so",
    "a",
    "o",
    "dll",
    "dylib",
    "exe",
    "lib",
    "obj",
    "bin",
    "class",
    "pyc",
    "pyo",
    "wasm",
    "rlib",
    "rmeta",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "pfb",
    "mp3",
    "mp4",
    "m4a",
    "ogg",
    "wav",
    "flac",
    "avi",
    "mov",
    "mkv",
    "webm",
    "pdf",
    "sqlite",
    "db",
    "gpg",
    "mo",
    "cache",
    "qm",
    "xpi",
    "dat",
    "pack",
    "idx",
    "npy",
    "pt",
    "onnx",
    "safetensors",
    "parquet",
];

fn has_binary_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            BINARY_EXTENSIONS.contains(&ext.as_str())
                || ext.starts_with("so.")
                || is_so_version(name)
        }
        _ => false,
    }
}

/// `libfoo.so.1.2`: the extension check sees `2`.
fn is_so_version(name: &str) -> bool {
    name.contains(".so.")
        && name
            .rsplit('.')
            .next()
            .is_some_and(|e| e.bytes().all(|b| b.is_ascii_digit()))
}

/// Magic numbers of binary formats that may have no NUL in their first 8 KiB.
const BINARY_MAGICS: &[&[u8]] = &[
    b"\x7fELF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"\x28\xb5\x2f\xfd",
    b"7z\xbc\xaf",
    b"\xca\xfe\xba\xbe",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"MZ",
    b"wOFF",
    b"wOF2",
    b"RIFF",
    b"SQLite format 3",
    b"\x00asm",
];

/// Binary by content: a NUL byte in the first 8 KiB or a known magic number.
pub fn is_binary(content: &[u8]) -> bool {
    let head = &content[..content.len().min(BINARY_SNIFF_LEN)];
    memchr::memchr(0, head).is_some() || BINARY_MAGICS.iter().any(|m| content.starts_with(m))
}

/// Shannon entropy in bits per byte.
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let n = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// First 4 and last 4 characters with `*` between (at most 16); secrets under
/// 16 characters are all `*`, as their ends would give away too much of them.
pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    if n < 16 {
        return "*".repeat(n);
    }
    let mut out: String = chars[..4].iter().collect();
    out.push_str(&"*".repeat((n - 8).min(16)));
    out.extend(&chars[n - 4..]);
    out
}

/// Start of the line `n` lines above the one holding `pos`.
fn lines_back(content: &[u8], pos: usize, n: u32) -> usize {
    let mut start = pos;
    for i in 0..=n {
        match memchr::memrchr(b'\n', &content[..start]) {
            Some(nl) if i < n => start = nl,
            Some(nl) => return nl + 1,
            None => return 0,
        }
    }
    start
}

/// End (exclusive, before the newline) of the line `n` lines below the one holding `pos`.
fn lines_forward(content: &[u8], pos: usize, n: u32) -> usize {
    let mut end = pos;
    for i in 0..=n {
        match memchr::memchr(b'\n', &content[end..]) {
            Some(nl) if i < n => end = end + nl + 1,
            Some(nl) => return end + nl,
            None => return content.len(),
        }
    }
    end
}

/// 1-based line numbers of ascending offsets, counting newlines once.
fn line_numbers(content: &[u8], offsets: impl Iterator<Item = usize>) -> Vec<u32> {
    let mut out = Vec::new();
    let (mut at, mut line) = (0usize, 1u32);
    for off in offsets {
        line += memchr::memchr_iter(b'\n', &content[at..off]).count() as u32;
        at = off;
        out.push(line);
    }
    out
}

/// Keeps evidence readable for minified files: a window around the secret.
fn shorten(line: &str, column: usize) -> String {
    let n = line.chars().count();
    if n <= MAX_EVIDENCE_CHARS {
        return line.to_string();
    }
    let from = column.saturating_sub(40);
    let s: String = line.chars().skip(from).take(MAX_EVIDENCE_CHARS).collect();
    format!(
        "{}{s}{}",
        if from > 0 { "…" } else { "" },
        if from + MAX_EVIDENCE_CHARS < n {
            "…"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built-in rules compile lazily, so their regexes are checked here.
    #[test]
    fn every_builtin_regex_compiles_with_a_secret_group() {
        let scanner = SecretScanner::builtin().unwrap();
        assert!(scanner.rules.len() >= 80);
        for r in &scanner.rules {
            assert!(r.matcher.get().is_none(), "{} compiled eagerly", r.info.id);
            if let Err(e) = Matcher::new(&r.pattern) {
                panic!("{}: {e}", r.info.id);
            }
        }
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "ghp_****************6789"
        );
        assert_eq!(redact("0123456789abcdef"), "0123********cdef");
        assert_eq!(redact("short-pass"), "**********");
        assert_eq!(redact(""), "");
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!((shannon_entropy(b"0123456789abcdef") - 4.0).abs() < 1e-9);
    }

    #[test]
    fn binary_by_content() {
        assert!(is_binary(b"\x7fELF\x02\x01\x01"));
        assert!(is_binary(b"text with a \0 NUL"));
        assert!(is_binary(b"PK\x03\x04rest"));
        assert!(!is_binary(b"plain text\nline two\n"));
        // NUL only after the sniffed prefix: read as text, like git.
        let mut late = vec![b'a'; BINARY_SNIFF_LEN + 10];
        late.push(0);
        assert!(!is_binary(&late));
    }

    #[test]
    fn wants_by_extension_and_size() {
        assert!(wants("app/.env", 100));
        assert!(wants("etc/ssl/private/key.pem", 100));
        assert!(wants("Makefile", 100));
        assert!(wants(".bashrc", 100));
        assert!(!wants("usr/lib/libc.so.6", 100));
        assert!(!wants("usr/lib/libssl.so.3.0.2", 100));
        assert!(!wants("a/b/logo.PNG", 100));
        assert!(!wants("x.jar", 100));
        assert!(!wants("big.txt", DEFAULT_MAX_FILE_SIZE + 1));
        assert!(wants("big.txt", DEFAULT_MAX_FILE_SIZE));
    }

    #[test]
    fn line_windows() {
        let t = b"one\ntwo\nthree\nfour\n";
        assert_eq!(lines_back(t, 9, 0), 8);
        assert_eq!(lines_back(t, 9, 1), 4);
        assert_eq!(lines_back(t, 9, 5), 0);
        assert_eq!(lines_forward(t, 9, 0), 13);
        assert_eq!(lines_forward(t, 9, 1), 18);
        assert_eq!(lines_forward(t, 9, 9), t.len());
        assert_eq!(line_numbers(t, [0, 4, 9, 14].into_iter()), vec![1, 2, 3, 4]);
    }
}
