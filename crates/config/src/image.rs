//! Misconfigurations of a built image, judged from its config as Trivy does:
//! the Dockerfile is rebuilt from the history `created_by` lines (the classic
//! builder's `/bin/sh -c #(nop) ` form, BuildKit's `RUN |N ARG=… /bin/sh -c …
//! # buildkit` form) and the config's `User`, `Healthcheck`, `ExposedPorts`,
//! `Env`, `Cmd` and `Entrypoint` (which `docker import --change` and
//! `docker commit --change` set without any history), and the Dockerfile
//! rules that history can judge run on it. Each finding names the history
//! entry (and its layer) or the config field that set the bad value.

use crate::dockerfile::shell;
use crate::dockerfile::{Dockerfile, Inst, Stage, checks, key_values};
use crate::rules::{Hit, finding_from_hit};
use drydock_core::{Finding, LayerRef};
use serde_json::Value;

/// The Dockerfile rules a history can judge. Left out: `FROM` tags and
/// platforms (003, 004, 042: the base reference is gone from the image),
/// `ADD` of local files and `COPY` destinations (005, 032: the classic
/// builder records sources as content hashes), `COPY --from` and
/// `RUN --security` (023, 038: not recorded), and several `CMD` /
/// `ENTRYPOINT` (021, 022: the base image's own are in the history too and
/// are overridden, not repeated).
pub const FROM_HISTORY: &[&str] = &[
    "DD-DF-001",
    "DD-DF-002",
    "DD-DF-006",
    "DD-DF-007",
    "DD-DF-008",
    "DD-DF-009",
    "DD-DF-010",
    "DD-DF-011",
    "DD-DF-012",
    "DD-DF-013",
    "DD-DF-014",
    "DD-DF-015",
    "DD-DF-016",
    "DD-DF-017",
    "DD-DF-018",
    "DD-DF-019",
    "DD-DF-020",
    "DD-DF-024",
    "DD-DF-025",
    "DD-DF-026",
    "DD-DF-027",
    "DD-DF-028",
    "DD-DF-029",
    "DD-DF-030",
    "DD-DF-031",
    "DD-DF-033",
    "DD-DF-034",
    "DD-DF-035",
    "DD-DF-036",
    "DD-DF-037",
    "DD-DF-039",
    "DD-DF-040",
    "DD-DF-041",
];

/// Rules whose evidence is redacted; the raw `created_by` is not repeated in their notes.
const SECRET_RULES: &[&str] = &["DD-DF-014", "DD-DF-015", "DD-DF-037"];

/// Where one instruction of the rebuilt Dockerfile came from.
#[derive(Debug, Clone)]
pub struct Origin {
    /// `config:history[3]`, `config:User`, `config:Env[2]`, …
    pub path: String,
    pub layer: Option<LayerRef>,
    pub created_by: Option<String>,
}

/// A Dockerfile rebuilt from an image config. Line 1 is a synthetic `FROM`;
/// line `n + 2` is instruction `n`, which came from `origins[n]`.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    pub dockerfile: Dockerfile,
    pub origins: Vec<Origin>,
}

impl Rebuilt {
    /// Dockerfile text, one instruction a line, for people and for debugging.
    pub fn text(&self) -> String {
        let mut out = String::from("FROM <image config>\n");
        for i in self.dockerfile.insts.iter().skip(1) {
            let body = if i.none {
                "NONE".to_string()
            } else if i.exec_form {
                serde_json::to_string(&i.args).unwrap_or_default()
            } else {
                i.text.replace('\n', "\\n")
            };
            let cmd = if i.keyword == "HEALTHCHECK" && !i.none {
                "CMD "
            } else {
                ""
            };
            out.push_str(&format!("{} {cmd}{body}\n", i.keyword));
        }
        out
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

fn is_shell_path(word: &str) -> bool {
    SHELLS.contains(&word.rsplit('/').next().unwrap_or(word))
}

/// One history `created_by` as `(KEYWORD, arguments)`; `None` when it is no
/// Dockerfile instruction (empty, `docker import`, other builders' notes).
pub fn decode_created_by(created_by: &str) -> Option<(String, String)> {
    let s = created_by.trim();
    let s = s.strip_suffix("# buildkit").map_or(s, str::trim_end);
    if s.is_empty() {
        return None;
    }
    // Classic builder: `/bin/sh -c #(nop)  USER app` for everything but RUN.
    if let Some(rest) = s.strip_prefix("/bin/sh -c #(nop)") {
        return keyword(rest.trim_start());
    }
    // Classic builder RUN: `/bin/sh -c …`, `|2 A=1 B=2 /bin/sh -c …`, or
    // the shell a SHELL instruction set (`/bin/bash -o pipefail -c …`).
    if s.starts_with('|') || s.split_whitespace().next().is_some_and(is_shell_path) {
        return Some(("RUN".into(), s.to_string()));
    }
    keyword(s)
}

fn keyword(s: &str) -> Option<(String, String)> {
    const KEYWORDS: &[&str] = &[
        "RUN",
        "ENV",
        "USER",
        "EXPOSE",
        "HEALTHCHECK",
        "CMD",
        "ENTRYPOINT",
        "WORKDIR",
        "ADD",
        "COPY",
        "ARG",
        "LABEL",
        "SHELL",
        "MAINTAINER",
        "VOLUME",
        "STOPSIGNAL",
        "ONBUILD",
    ];
    let (kw, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    let kw = kw.to_ascii_uppercase();
    KEYWORDS
        .contains(&kw.as_str())
        .then(|| (kw, rest.trim().to_string()))
}

/// A `RUN`'s recorded command: build arguments (`|2 A=1 B=2`) dropped, and
/// the shell it ran under split from the script. `(shell, script)`; `shell`
/// is empty when no shell prefix was recorded (BuildKit's exec form).
fn run_command(s: &str) -> (Vec<String>, String) {
    let mut s = s.trim();
    if let Some(rest) = s.strip_prefix('|') {
        let (n, after) = rest.split_once(' ').unwrap_or((rest, ""));
        let n: usize = n.parse().unwrap_or(0);
        // Values are recorded unquoted and may hold spaces; the default
        // shell's prefix is the reliable end of them.
        if let Some(p) = after.find("/bin/sh -c ") {
            s = after[p..].trim();
        } else {
            let mut rest = after.trim_start();
            for _ in 0..n {
                rest = rest
                    .split_once(char::is_whitespace)
                    .map_or("", |(_, r)| r.trim_start());
            }
            s = rest;
        }
    }
    // Words with their end offsets, to cut the script out of the string as written.
    let mut words: Vec<(&str, usize)> = Vec::new();
    let mut pos = 0;
    for w in s.split_whitespace().take(8) {
        let start = s[pos..].find(w).map_or(pos, |i| pos + i);
        pos = start + w.len();
        words.push((w, pos));
    }
    if words.first().is_some_and(|(w, _)| is_shell_path(w))
        && let Some(c) = words
            .iter()
            .position(|(w, _)| w.starts_with('-') && !w.starts_with("--") && w.contains('c'))
    {
        let shell: Vec<String> = words[..=c].iter().map(|(w, _)| w.to_string()).collect();
        return (shell, s[words[c].1..].trim_start().to_string());
    }
    (Vec::new(), s.to_string())
}

/// A list as Go's `%q` (`["a" "b"]`), JSON (`["a","b"]`) or `%v` (`[a b]`) prints it.
fn go_list(s: &str) -> Option<Vec<String>> {
    let s = s.trim();
    let inner = s.strip_prefix('[')?;
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        match chars.peek().copied() {
            None => return None,
            Some(']') => return Some(out),
            Some(' ' | ',') => {
                chars.next();
            }
            Some('"') => {
                chars.next();
                let mut item = String::new();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            'n' => item.push('\n'),
                            't' => item.push('\t'),
                            'r' => item.push('\r'),
                            'x' => {
                                let h: String = [chars.next()?, chars.next()?].iter().collect();
                                item.push(char::from(u8::from_str_radix(&h, 16).ok()?));
                            }
                            'u' => {
                                let h: String = (0..4).filter_map(|_| chars.next()).collect();
                                item.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
                            }
                            c => item.push(c),
                        },
                        c => item.push(c),
                    }
                }
                out.push(item);
            }
            Some(_) => {
                let mut item = String::new();
                while let Some(&c) = chars.peek() {
                    if c == ' ' || c == ']' {
                        break;
                    }
                    item.push(c);
                    chars.next();
                }
                out.push(item);
            }
        }
    }
}

fn words(s: &str) -> Vec<String> {
    shell::split(s).into_iter().flat_map(|c| c.words).collect()
}

/// Sets `CMD`/`ENTRYPOINT`/`HEALTHCHECK CMD` arguments from a recorded list:
/// `["/bin/sh", "-c", "x"]` is what the shell form was.
fn set_command(inst: &mut Inst, list: Vec<String>) {
    if list.len() == 3 && is_shell_path(&list[0]) && list[1] == "-c" {
        inst.text = list[2].clone();
        inst.args = words(&list[2]);
    } else {
        inst.exec_form = true;
        inst.text = serde_json::to_string(&list).unwrap_or_default();
        inst.args = list;
    }
}

/// The instruction a decoded history entry stands for.
fn instruction(kw: &str, rest: &str) -> Inst {
    let mut inst = Inst {
        keyword: match kw {
            "RUN" => "RUN",
            "ENV" => "ENV",
            "USER" => "USER",
            "EXPOSE" => "EXPOSE",
            "HEALTHCHECK" => "HEALTHCHECK",
            "CMD" => "CMD",
            "ENTRYPOINT" => "ENTRYPOINT",
            "WORKDIR" => "WORKDIR",
            "ADD" => "ADD",
            "COPY" => "COPY",
            "ARG" => "ARG",
            "LABEL" => "LABEL",
            "SHELL" => "SHELL",
            "MAINTAINER" => "MAINTAINER",
            "VOLUME" => "VOLUME",
            "STOPSIGNAL" => "STOPSIGNAL",
            "ONBUILD" => "ONBUILD",
            _ => "UNKNOWN",
        },
        text: rest.to_string(),
        ..Inst::default()
    };
    match inst.keyword {
        "RUN" => {
            let (shell, script) = run_command(rest);
            inst.commands = shell::split(&script);
            if shell.is_empty() || shell == ["/bin/sh", "-c"] {
                inst.text = script;
            } else {
                // Another shell (`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`):
                // as the exec form that runs it, so its options are seen.
                inst.exec_form = true;
                inst.args = shell;
                inst.args.push(script.clone());
                inst.text = script;
            }
        }
        "USER" | "WORKDIR" | "STOPSIGNAL" => inst.args = vec![rest.trim().to_string()],
        "EXPOSE" => {
            let list = rest
                .strip_prefix("map[")
                .and_then(|r| r.strip_suffix(']'))
                .unwrap_or(rest);
            inst.args = list
                .split_whitespace()
                .map(|p| p.trim_end_matches(":{}").to_string())
                .collect();
        }
        "CMD" | "ENTRYPOINT" => {
            if let Some(list) = go_list(rest) {
                set_command(&mut inst, list);
            } else {
                inst.args = words(rest);
            }
        }
        "HEALTHCHECK" => {
            // `&{["CMD-SHELL" "curl -f http://localhost/"] "30s" "3s" "0s" "0s" '\x03'}`
            let test = rest.find('[').and_then(|p| go_list(&rest[p..]));
            healthcheck(&mut inst, test.unwrap_or_default());
        }
        "SHELL" => {
            inst.exec_form = true;
            inst.args = go_list(rest).unwrap_or_else(|| words(rest));
        }
        "ADD" | "COPY" => {
            let mut w = words(rest);
            // Classic builder: `ADD file:<sha256> in /dest`.
            if w.len() >= 3 && w[w.len() - 2] == "in" {
                w.remove(w.len() - 2);
            }
            let flags = w.iter().take_while(|a| a.starts_with("--")).count();
            inst.flags = w
                .drain(..flags)
                .map(|f| {
                    let f = f.trim_start_matches('-').to_string();
                    match f.split_once('=') {
                        Some((n, v)) => (n.to_string(), Some(v.to_string())),
                        None => (f, None),
                    }
                })
                .collect();
            inst.args = w;
        }
        _ => inst.args = words(rest),
    }
    inst
}

/// `Healthcheck.Test` as the instruction: `["NONE"]`, `["CMD", …]`, `["CMD-SHELL", "…"]`.
fn healthcheck(inst: &mut Inst, test: Vec<String>) {
    match test.first().map(String::as_str) {
        Some("NONE") => inst.none = true,
        Some("CMD-SHELL") => {
            inst.text = test.get(1).cloned().unwrap_or_default();
            inst.args = words(&inst.text);
        }
        Some("CMD") => set_command(inst, test[1..].to_vec()),
        _ => {}
    }
}

fn single_quoted(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

/// Rebuilds the Dockerfile of an image from its config (`config` is the
/// whole config blob: `config`/`Config`, `history`, `rootfs`). `layers` are
/// the image's layers as the scan saw them (digests included); when empty,
/// layer references are made from `rootfs.diff_ids`.
pub fn rebuild(config: &Value, layers: &[LayerRef]) -> Rebuilt {
    let inner = config
        .get("config")
        .or_else(|| config.get("Config"))
        .unwrap_or(&Value::Null);
    let diff_ids: Vec<&str> = config
        .pointer("/rootfs/diff_ids")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut insts: Vec<Inst> = Vec::new();
    let mut origins: Vec<Origin> = Vec::new();
    let mut layer_index = 0usize;
    let history = config
        .get("history")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for (n, h) in history.iter().enumerate() {
        let created_by = h.get("created_by").and_then(Value::as_str).unwrap_or("");
        let empty = h
            .get("empty_layer")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let layer = (!empty).then(|| {
            layers
                .iter()
                .find(|l| l.index == layer_index)
                .cloned()
                .unwrap_or_else(|| LayerRef {
                    index: layer_index,
                    digest: None,
                    diff_id: diff_ids.get(layer_index).unwrap_or(&"").to_string(),
                    created_by: Some(created_by.to_string()).filter(|c| !c.is_empty()),
                })
        });
        if !empty {
            layer_index += 1;
        }
        let Some((kw, rest)) = decode_created_by(created_by) else {
            continue;
        };
        insts.push(instruction(&kw, &rest));
        origins.push(Origin {
            path: format!("config:history[{n}]"),
            layer,
            created_by: Some(created_by.to_string()),
        });
    }
    // Only the last CMD and ENTRYPOINT run; the base image's are overridden.
    for kw in ["CMD", "ENTRYPOINT"] {
        let positions: Vec<usize> = (0..insts.len())
            .filter(|&i| insts[i].keyword == kw)
            .collect();
        for &p in positions.iter().rev().skip(1) {
            insts.remove(p);
            origins.remove(p);
        }
    }
    overlay_config(inner, &mut insts, &mut origins);
    let mut df = Dockerfile {
        text_lines: insts.len() + 1,
        ..Dockerfile::default()
    };
    df.stages.push(Stage {
        name: None,
        image: "<image config>".into(),
        line: 1,
        parent: None,
    });
    df.insts.push(Inst {
        keyword: "FROM",
        line: 1,
        end_line: 1,
        stage: Some(0),
        args: vec!["<image config>".into()],
        text: "<image config>".into(),
        ..Inst::default()
    });
    for (n, mut inst) in insts.into_iter().enumerate() {
        let line = u32::try_from(n + 2).unwrap_or(u32::MAX);
        inst.line = line;
        inst.end_line = line;
        inst.stage = Some(0);
        df.insts.push(inst);
    }
    Rebuilt {
        dockerfile: df,
        origins,
    }
}

/// The config is what the container runs with: fields that no history entry
/// accounts for (set by `docker import --change`, `docker commit --change`,
/// or builders that write no history) become instructions of their own.
fn overlay_config(inner: &Value, insts: &mut Vec<Inst>, origins: &mut Vec<Origin>) {
    let from_config = |path: &str| Origin {
        path: format!("config:{path}"),
        layer: None,
        created_by: None,
    };
    let last = |insts: &[Inst], kw: &str| insts.iter().rposition(|i| i.keyword == kw);
    if let Some(user) = inner.get("User").and_then(Value::as_str)
        && !user.is_empty()
        && last(insts, "USER").and_then(|p| insts[p].args.first()) != Some(&user.to_string())
    {
        insts.push(instruction("USER", user));
        origins.push(from_config("User"));
    }
    if let Some(test) = inner.pointer("/Healthcheck/Test").and_then(Value::as_array)
        && last(insts, "HEALTHCHECK").is_none()
    {
        let test: Vec<String> = test
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect();
        let mut inst = instruction("HEALTHCHECK", "");
        healthcheck(&mut inst, test);
        insts.push(inst);
        origins.push(from_config("Healthcheck"));
    }
    if let Some(ports) = inner.get("ExposedPorts").and_then(Value::as_object) {
        let seen: Vec<String> = insts
            .iter()
            .filter(|i| i.keyword == "EXPOSE")
            .flat_map(|i| i.args.iter().map(|a| normal_port(a)))
            .collect();
        let missing: Vec<&String> = ports
            .keys()
            .filter(|p| !seen.contains(&normal_port(p)))
            .collect();
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            insts.push(instruction("EXPOSE", &list.join(" ")));
            origins.push(from_config("ExposedPorts"));
        }
    }
    if let Some(env) = inner.get("Env").and_then(Value::as_array) {
        let seen: Vec<String> = insts
            .iter()
            .filter(|i| i.keyword == "ENV")
            .flat_map(|i| key_values(&i.text, true).into_iter().map(|(k, _)| k))
            .collect();
        for (n, e) in env.iter().enumerate() {
            let Some((k, v)) = e.as_str().and_then(|e| e.split_once('=')) else {
                continue;
            };
            if !seen.iter().any(|s| s == k) {
                insts.push(instruction("ENV", &format!("{k}={}", single_quoted(v))));
                origins.push(from_config(&format!("Env[{n}]")));
            }
        }
    }
    for (field, kw) in [("Entrypoint", "ENTRYPOINT"), ("Cmd", "CMD")] {
        let Some(list) = inner.get(field).and_then(Value::as_array) else {
            continue;
        };
        let list: Vec<String> = list
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect();
        let mut inst = instruction(kw, "");
        set_command(&mut inst, list);
        // The config's command wins over a history entry that says otherwise
        // (`docker commit --change 'CMD …'` over the base image's CMD).
        if let Some(p) = last(insts, kw) {
            if (insts[p].exec_form, &insts[p].args, &insts[p].text)
                == (inst.exec_form, &inst.args, &inst.text)
            {
                continue;
            }
            insts.remove(p);
            origins.remove(p);
        }
        insts.push(inst);
        origins.push(from_config(field));
    }
}

/// `22` and `22/tcp` are the same port.
fn normal_port(p: &str) -> String {
    if p.contains('/') {
        p.to_string()
    } else {
        format!("{p}/tcp")
    }
}

/// The Dockerfile checks a history can judge, on a rebuilt Dockerfile.
pub(crate) fn run(rebuilt: &Rebuilt, enabled: &dyn Fn(&str) -> bool) -> Vec<Hit> {
    checks::run(&rebuilt.dockerfile, &|id| {
        FROM_HISTORY.contains(&id) && enabled(id)
    })
}

/// A finding at line `line` of the rebuilt Dockerfile, placed at its origin.
pub(crate) fn place(image: &str, rebuilt: &Rebuilt, mut f: Finding, line: u32) -> Finding {
    f.notes.clear();
    let origin = line
        .checked_sub(2)
        .and_then(|n| rebuilt.origins.get(n as usize));
    match origin {
        Some(o) => {
            f.location.path = o.path.clone();
            f.location.layer = o.layer.clone();
            let note = match &o.created_by {
                Some(c) if !SECRET_RULES.contains(&f.id.as_str()) => {
                    format!("image {image}, {}: {}", o.path, c.trim())
                }
                Some(_) => format!(
                    "image {image}, {} (created_by withheld: it holds a secret)",
                    o.path
                ),
                None => format!("image {image}, set in the image config ({})", o.path),
            };
            f.notes.push(note);
        }
        None => {
            // The synthetic FROM: what is missing from the whole config.
            let (path, evidence) = match f.id.as_str() {
                "DD-DF-002" => ("config:User", "User is not set: the container runs as root"),
                "DD-DF-018" => (
                    "config:Healthcheck",
                    "no Healthcheck in the image config or its history",
                ),
                _ => ("config", ""),
            };
            f.location.path = path.into();
            if !evidence.is_empty() {
                f.evidence = Some(evidence.into());
            }
            f.notes.push(format!("image {image}"));
        }
    }
    f.location.line = None;
    f
}

/// Findings for `hits` on a rebuilt Dockerfile.
pub(crate) fn findings(image: &str, rebuilt: &Rebuilt, hits: &[Hit]) -> Vec<Finding> {
    hits.iter()
        .map(|h| place(image, rebuilt, finding_from_hit(image, h), h.line))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_classic_and_buildkit_history() {
        assert_eq!(
            decode_created_by("/bin/sh -c #(nop)  USER root"),
            Some(("USER".into(), "root".into()))
        );
        assert_eq!(
            decode_created_by("/bin/sh -c apt-get update"),
            Some(("RUN".into(), "/bin/sh -c apt-get update".into()))
        );
        assert_eq!(
            decode_created_by("RUN |2 A=1 B=x y /bin/sh -c make # buildkit"),
            Some(("RUN".into(), "|2 A=1 B=x y /bin/sh -c make".into()))
        );
        assert_eq!(decode_created_by(""), None);
        assert_eq!(decode_created_by("apko"), None);
        assert_eq!(
            run_command("|2 A=1 B=x y /bin/sh -c make && make install"),
            (
                vec!["/bin/sh".to_string(), "-c".into()],
                "make && make install".into()
            )
        );
        assert_eq!(
            run_command("/bin/bash -o pipefail -c curl x | sh"),
            (
                vec![
                    "/bin/bash".to_string(),
                    "-o".into(),
                    "pipefail".into(),
                    "-c".into()
                ],
                "curl x | sh".into()
            )
        );
        assert_eq!(run_command("|1 A=1 make").1, "make");
        assert_eq!(
            go_list(r#"["/bin/sh" "-c" "echo \"hi\"\tthere"]"#).unwrap(),
            ["/bin/sh", "-c", "echo \"hi\"\tthere"]
        );
        assert_eq!(
            go_list("[/bin/bash -o pipefail -c]").unwrap(),
            ["/bin/bash", "-o", "pipefail", "-c"]
        );
        assert_eq!(go_list("[\"unterminated"), None);
    }

    #[test]
    fn a_careful_image_gives_nothing() {
        let cfg = serde_json::json!({
            "config": {"User": "10001", "ExposedPorts": {"8080/tcp": {}},
                       "Env": ["PATH=/usr/bin"], "Entrypoint": ["/app"],
                       "Healthcheck": {"Test": ["CMD", "/app", "health"]}},
            "history": [
                {"created_by": "/bin/sh -c #(nop) ADD file:ab in / "},
                {"created_by": "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates=20230311 && rm -rf /var/lib/apt/lists/* # buildkit"},
                {"created_by": "RUN /bin/bash -o pipefail -c curl -fsSL https://x/a.tgz | tar xz # buildkit"},
                {"created_by": "WORKDIR /srv", "empty_layer": true},
                {"created_by": "USER 10001", "empty_layer": true},
                {"created_by": "EXPOSE map[8080/tcp:{}]", "empty_layer": true},
                {"created_by": "ENTRYPOINT [\"/app\"]", "empty_layer": true},
            ]
        });
        let r = rebuild(&cfg, &[]);
        let hits = run(&r, &|_| true);
        let ids: Vec<&str> = hits.iter().map(|h| h.rule).collect();
        assert!(ids.is_empty(), "{ids:?}\n{}", r.text());
    }

    #[test]
    fn rebuilds_with_config_overlay() {
        let cfg = serde_json::json!({
            "config": {"User": "root", "ExposedPorts": {"22/tcp": {}, "80/tcp": {}},
                       "Env": ["PATH=/usr/bin", "API_TOKEN=abc"], "Cmd": ["/bin/sh", "-c", "exec app"],
                       "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/"]}},
            "rootfs": {"diff_ids": ["sha256:a", "sha256:b"]},
            "history": [
                {"created_by": "/bin/sh -c #(nop) ADD file:123 in / "},
                {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
                {"created_by": "ENV PATH=/usr/bin", "empty_layer": true},
                {"created_by": "EXPOSE map[80/tcp:{}]", "empty_layer": true},
                {"created_by": "RUN /bin/sh -c apt-get install curl # buildkit"},
            ]
        });
        let r = rebuild(&cfg, &[]);
        let kws: Vec<&str> = r.dockerfile.insts.iter().map(|i| i.keyword).collect();
        assert_eq!(
            kws,
            [
                "FROM",
                "ADD",
                "ENV",
                "EXPOSE",
                "RUN",
                "USER",
                "HEALTHCHECK",
                "EXPOSE",
                "ENV",
                "CMD"
            ]
        );
        let paths: Vec<&str> = r.origins.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "config:history[0]",
                "config:history[2]",
                "config:history[3]",
                "config:history[4]",
                "config:User",
                "config:Healthcheck",
                "config:ExposedPorts",
                "config:Env[1]",
                "config:Cmd"
            ]
        );
        assert_eq!(r.origins[3].layer.as_ref().unwrap().index, 1);
        assert_eq!(r.origins[3].layer.as_ref().unwrap().diff_id, "sha256:b");
        let cmd = r.dockerfile.insts.last().unwrap();
        assert!(!cmd.exec_form);
        assert_eq!(cmd.text, "exec app");
        assert_eq!(r.dockerfile.insts[7].args, ["22/tcp"]);
        assert_eq!(
            r.text(),
            "FROM <image config>\nADD file:123 in /\nENV PATH=/usr/bin\nEXPOSE map[80/tcp:{}]\n\
             RUN apt-get install curl\nUSER root\nHEALTHCHECK CMD curl -f http://localhost/\n\
             EXPOSE 22/tcp\nENV API_TOKEN='abc'\nCMD exec app\n"
        );
    }
}
