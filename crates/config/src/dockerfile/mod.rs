//! Dockerfiles: parsed with `parse-dockerfile` (spans, heredocs, `# escape=`,
//! JSON and shell forms), turned into an owned model with line numbers,
//! `ARG`/`ENV` substitution, stages and their `FROM` references, and the
//! shell of every `RUN` split into simple commands for the checks.

pub(crate) mod checks;
pub mod shell;

use parse_dockerfile::{Command, HealthcheckArguments, Instruction, JsonOrStringArray, Source};
use shell::SimpleCommand;
use std::collections::HashMap;

/// One instruction, with what the checks need.
#[derive(Debug, Clone, Default)]
pub struct Inst {
    /// Upper case: `RUN`, `FROM`…
    pub keyword: &'static str,
    pub line: u32,
    pub end_line: u32,
    /// Index into [`Dockerfile::stages`]; `None` before the first `FROM`.
    pub stage: Option<usize>,
    /// `--name[=value]` options (`name` without the dashes).
    pub flags: Vec<(String, Option<String>)>,
    /// Arguments after substitution: the JSON array items, or the words of the shell form.
    pub args: Vec<String>,
    /// The arguments as written, continuations joined.
    pub text: String,
    pub exec_form: bool,
    /// Simple commands of a `RUN` (shell form, `sh -c`, heredoc scripts).
    pub commands: Vec<SimpleCommand>,
    /// `HEALTHCHECK NONE`.
    pub none: bool,
}

impl Inst {
    pub fn flag(&self, name: &str) -> Option<Option<&str>> {
        self.flags
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref())
    }
}

/// A build stage.
#[derive(Debug, Clone, Default)]
pub struct Stage {
    pub name: Option<String>,
    /// The `FROM` image after substituting global `ARG`s.
    pub image: String,
    pub line: u32,
    /// The earlier stage this one builds on, when `FROM` names one.
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub insts: Vec<Inst>,
    pub stages: Vec<Stage>,
    /// Lines of the `SHELL` instructions in force, per stage, for the pipefail check.
    pub text_lines: usize,
}

impl Dockerfile {
    pub fn stage_insts(&self, stage: usize) -> impl Iterator<Item = &Inst> {
        self.insts.iter().filter(move |i| i.stage == Some(stage))
    }

    /// The final stage and the stages it builds on, nearest first.
    pub fn final_chain(&self) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut cur = self.stages.len().checked_sub(1);
        while let Some(s) = cur {
            if chain.contains(&s) {
                break;
            }
            chain.push(s);
            cur = self.stages[s].parent;
        }
        chain
    }

    pub fn stage_index(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    }
}

/// A parse error with its line.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub line: u32,
    pub message: String,
}

struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn line(&self, offset: usize) -> u32 {
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }
}

pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let parsed = parse_dockerfile::parse(text).map_err(|e| ParseError {
        line: u32::try_from(e.line()).unwrap_or(0),
        message: e.to_string(),
    })?;
    let escape = parsed
        .parser_directives
        .escape
        .as_ref()
        .map_or('\\', |d| d.value.value);
    let lines = Lines::new(text);
    let mut df = Dockerfile {
        text_lines: lines.starts.len(),
        ..Dockerfile::default()
    };
    let mut global_args: HashMap<String, String> = HashMap::new();
    // Variables in scope for the current stage.
    let mut vars: HashMap<String, String> = HashMap::new();
    let mut stage_env: Vec<HashMap<String, String>> = Vec::new();
    for instruction in &parsed.instructions {
        let mut inst = convert(instruction, text, &lines, escape);
        inst.stage = df.stages.len().checked_sub(1);
        match instruction {
            Instruction::From(from) => {
                let image = expand(&from.image.value, &global_args);
                let name = from.as_.as_ref().map(|(_, n)| n.value.to_string());
                let parent = df.stage_index(&image);
                vars = parent
                    .and_then(|p| stage_env.get(p).cloned())
                    .unwrap_or_default();
                df.stages.push(Stage {
                    name,
                    image,
                    line: inst.line,
                    parent,
                });
                stage_env.push(HashMap::new());
                inst.stage = Some(df.stages.len() - 1);
            }
            Instruction::Arg(_) => {
                for (k, v) in key_values(&inst.text, false) {
                    match (inst.stage, v) {
                        (None, v) => {
                            global_args
                                .insert(k, v.map(|v| expand(&v, &global_args)).unwrap_or_default());
                        }
                        (Some(_), Some(v)) => {
                            let v = expand(&v, &vars);
                            vars.insert(k, v);
                        }
                        (Some(_), None) => {
                            if let Some(g) = global_args.get(&k) {
                                vars.insert(k, g.clone());
                            }
                        }
                    }
                }
            }
            Instruction::Env(_) => {
                for (k, v) in key_values(&inst.text, true) {
                    let v = expand(&v.unwrap_or_default(), &vars);
                    if let Some(env) = inst.stage.and_then(|s| stage_env.get_mut(s)) {
                        env.insert(k.clone(), v.clone());
                    }
                    vars.insert(k, v);
                }
            }
            _ => {}
        }
        if matches!(
            inst.keyword,
            "USER" | "WORKDIR" | "EXPOSE" | "COPY" | "ADD" | "VOLUME"
        ) {
            for a in &mut inst.args {
                *a = expand(a, &vars);
            }
            for (_, v) in &mut inst.flags {
                if let Some(v) = v {
                    *v = expand(v, &vars);
                }
            }
        }
        df.insts.push(inst);
    }
    Ok(df)
}

fn unescaped(s: &parse_dockerfile::UnescapedString<'_>) -> String {
    s.value.to_string()
}

fn convert(instruction: &Instruction<'_>, text: &str, lines: &Lines, escape: char) -> Inst {
    let mut inst = Inst::default();
    let mut end = 0usize;
    let mut start = usize::MAX;
    let mut span = |r: &std::ops::Range<usize>| {
        start = start.min(r.start);
        end = end.max(r.end);
    };
    let flags = |opts: &[parse_dockerfile::Flag<'_>]| -> Vec<(String, Option<String>)> {
        opts.iter()
            .map(|f| (unescaped(&f.name), f.value.as_ref().map(unescaped)))
            .collect()
    };
    let mut heredocs: Vec<String> = Vec::new();
    let mut shell_span: Option<std::ops::Range<usize>> = None;
    match instruction {
        Instruction::Add(i) => {
            inst.keyword = "ADD";
            span(&i.add.span);
            inst.flags = flags(&i.options);
            for o in &i.options {
                span(&o.span());
            }
            for s in &i.src {
                match s {
                    Source::Path(p) => {
                        span(&p.span);
                        inst.args.push(unescaped(p));
                    }
                    Source::HereDoc(h) => {
                        span(&h.span);
                        inst.args.push(format!("<<{}", h.value));
                    }
                    _ => {}
                }
            }
            span(&i.dest.span);
            inst.args.push(unescaped(&i.dest));
        }
        Instruction::Copy(i) => {
            inst.keyword = "COPY";
            span(&i.copy.span);
            inst.flags = flags(&i.options);
            for o in &i.options {
                span(&o.span());
            }
            for s in &i.src {
                match s {
                    Source::Path(p) => {
                        span(&p.span);
                        inst.args.push(unescaped(p));
                    }
                    Source::HereDoc(h) => {
                        span(&h.span);
                        inst.args.push(format!("<<{}", h.value));
                    }
                    _ => {}
                }
            }
            span(&i.dest.span);
            inst.args.push(unescaped(&i.dest));
        }
        Instruction::Arg(i) => {
            inst.keyword = "ARG";
            span(&i.arg.span);
            span(&i.arguments.span);
        }
        Instruction::Env(i) => {
            inst.keyword = "ENV";
            span(&i.env.span);
            span(&i.arguments.span);
        }
        Instruction::Label(i) => {
            inst.keyword = "LABEL";
            span(&i.label.span);
            span(&i.arguments.span);
        }
        Instruction::User(i) => {
            inst.keyword = "USER";
            span(&i.user.span);
            span(&i.arguments.span);
            inst.args.push(unescaped(&i.arguments));
        }
        Instruction::Workdir(i) => {
            inst.keyword = "WORKDIR";
            span(&i.workdir.span);
            span(&i.arguments.span);
            inst.args.push(unescaped(&i.arguments));
        }
        Instruction::Stopsignal(i) => {
            inst.keyword = "STOPSIGNAL";
            span(&i.stopsignal.span);
            span(&i.arguments.span);
            inst.args.push(unescaped(&i.arguments));
        }
        Instruction::Maintainer(i) => {
            inst.keyword = "MAINTAINER";
            span(&i.maintainer.span);
            span(&i.name.span);
            inst.args.push(unescaped(&i.name));
        }
        Instruction::Expose(i) => {
            inst.keyword = "EXPOSE";
            span(&i.expose.span);
            for a in &i.arguments {
                span(&a.span);
                inst.args.push(unescaped(a));
            }
        }
        Instruction::Shell(i) => {
            inst.keyword = "SHELL";
            span(&i.shell.span);
            inst.exec_form = true;
            for a in &i.arguments {
                span(&a.span);
                inst.args.push(unescaped(a));
            }
        }
        Instruction::Volume(i) => {
            inst.keyword = "VOLUME";
            span(&i.volume.span);
            match &i.arguments {
                JsonOrStringArray::Json(a) => {
                    span(&a.span);
                    inst.exec_form = true;
                    inst.args.extend(a.value.iter().map(unescaped));
                }
                JsonOrStringArray::String(a) => {
                    for s in a {
                        span(&s.span);
                        inst.args.push(unescaped(s));
                    }
                }
            }
        }
        Instruction::From(i) => {
            inst.keyword = "FROM";
            span(&i.from.span);
            inst.flags = flags(&i.options);
            span(&i.image.span);
            inst.args.push(unescaped(&i.image));
            if let Some((_, name)) = &i.as_ {
                span(&name.span);
                inst.args.push("AS".into());
                inst.args.push(unescaped(name));
            }
        }
        Instruction::Run(i) => {
            inst.keyword = "RUN";
            span(&i.run.span);
            inst.flags = flags(&i.options);
            command(&i.arguments, &mut inst, &mut span, &mut shell_span);
            for h in &i.here_docs {
                span(&h.span);
                // The span ends with the body; the terminator line follows.
                if let Some(t) = text
                    .get(h.span.end..)
                    .and_then(|t| t.find(|c: char| !c.is_whitespace()))
                {
                    let t = h.span.end + t;
                    span(&(t..t + 1));
                }
                heredocs.push(h.value.to_string());
            }
        }
        Instruction::Cmd(i) => {
            inst.keyword = "CMD";
            span(&i.cmd.span);
            command(&i.arguments, &mut inst, &mut span, &mut shell_span);
        }
        Instruction::Entrypoint(i) => {
            inst.keyword = "ENTRYPOINT";
            span(&i.entrypoint.span);
            command(&i.arguments, &mut inst, &mut span, &mut shell_span);
        }
        Instruction::Healthcheck(i) => {
            inst.keyword = "HEALTHCHECK";
            span(&i.healthcheck.span);
            inst.flags = flags(&i.options);
            match &i.arguments {
                HealthcheckArguments::Cmd { arguments, .. } => {
                    command(arguments, &mut inst, &mut span, &mut shell_span)
                }
                HealthcheckArguments::None { none, .. } => {
                    span(&none.span);
                    inst.none = true;
                }
                _ => {}
            }
        }
        Instruction::Onbuild(i) => {
            let inner = convert(&i.instruction, text, lines, escape);
            span(&i.onbuild.span);
            inst.keyword = "ONBUILD";
            inst.args = inner.args;
            inst.args.insert(0, inner.keyword.to_string());
            if let Some(l) = lines.starts.get(inner.end_line.saturating_sub(1) as usize) {
                end = end.max(*l);
            }
        }
        _ => {
            inst.keyword = "UNKNOWN";
        }
    }
    if start == usize::MAX {
        start = 0;
    }
    let end_offset = end.saturating_sub(1).max(start);
    inst.line = lines.line(start);
    inst.end_line = lines.line(end_offset).max(inst.line);
    if let Some(raw) = shell_span.and_then(|r| text.get(r)) {
        inst.text = join_continuations(raw, escape);
    } else if inst.text.is_empty() {
        // The argument text after the keyword, continuations joined.
        let kw_end = text
            .get(start..)
            .and_then(|t| t.find(|c: char| c.is_whitespace()))
            .map_or(end, |i| start + i);
        if let Some(raw) = text.get(kw_end.min(end)..end) {
            inst.text = join_continuations(raw, escape);
        }
    }
    if inst.keyword == "RUN" {
        let mut script = if inst.exec_form {
            exec_script(&inst.args)
        } else {
            Some(inst.text.clone())
        };
        if !heredocs.is_empty() {
            // `RUN <<EOF` (or `RUN sh <<EOF`) runs the heredoc as the script;
            // `RUN python3 <<EOF` feeds it as data.
            let head = script.take().unwrap_or_default();
            let mut head_cmds = shell::split(&head);
            for c in &mut head_cmds {
                c.words.retain(|w| !w.starts_with("<<"));
            }
            let runs_script = head_cmds.iter().all(|c| {
                c.words.is_empty() || matches!(c.program(), "sh" | "bash" | "ash" | "dash")
            });
            inst.commands = head_cmds
                .into_iter()
                .filter(|c| !c.words.is_empty())
                .collect();
            if runs_script {
                for h in &heredocs {
                    inst.commands.extend(shell::split(h));
                }
            }
        } else if let Some(script) = script {
            inst.commands = shell::split(&script);
        } else {
            inst.commands = vec![SimpleCommand {
                words: inst.args.clone(),
                ..SimpleCommand::default()
            }];
        }
    } else if !inst.exec_form && matches!(inst.keyword, "CMD" | "ENTRYPOINT" | "HEALTHCHECK") {
        inst.args = shell::split(&inst.text)
            .into_iter()
            .flat_map(|c| c.words)
            .collect();
    }
    inst
}

fn command<'a>(
    c: &Command<'a>,
    inst: &mut Inst,
    span: &mut impl FnMut(&std::ops::Range<usize>),
    shell_span: &mut Option<std::ops::Range<usize>>,
) {
    match c {
        Command::Exec(a) => {
            span(&a.span);
            inst.exec_form = true;
            inst.args = a.value.iter().map(unescaped).collect();
        }
        Command::Shell(s) => {
            span(&s.span);
            *shell_span = Some(s.span.clone());
        }
        _ => {}
    }
}

/// The script of an exec-form `["sh", "-c", "script"]`, if that is what it is.
fn exec_script(args: &[String]) -> Option<String> {
    let prog = args.first()?.rsplit('/').next()?;
    if matches!(prog, "sh" | "bash" | "ash" | "dash") {
        let c = args
            .iter()
            .position(|a| a.starts_with('-') && a.contains('c'))?;
        return args.get(c + 1).cloned();
    }
    None
}

/// Joins continued lines and drops the comment lines inside them, as the
/// builder does, so the shell sees the command Docker would run.
pub(crate) fn join_continuations(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut first = true;
    for line in raw.split('\n') {
        let trimmed = line.trim_start();
        if !first && (trimmed.starts_with('#') || trimmed.is_empty()) {
            continue;
        }
        first = false;
        let l = line.trim_end_matches('\r');
        let stripped = l.trim_end();
        if let Some(body) = stripped.strip_suffix(escape) {
            out.push_str(body);
            out.push(' ');
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    out.trim().to_string()
}

/// `KEY=value` pairs of an `ARG` or `ENV` (and `ENV KEY value`, the legacy form).
pub(crate) fn key_values(text: &str, env: bool) -> Vec<(String, Option<String>)> {
    let words: Vec<String> = shell::split(text)
        .into_iter()
        .flat_map(|c| c.words)
        .collect();
    if env && words.len() >= 2 && !words[0].contains('=') {
        return vec![(words[0].clone(), Some(words[1..].join(" ")))];
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (w, None),
        })
        .collect()
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}` and
/// `${VAR:+alt}`. Unknown variables stay as written, so a caller can tell an
/// unresolved value from an empty one.
pub(crate) fn expand(s: &str, vars: &HashMap<String, String>) -> String {
    if !s.contains('$') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let Some(close) = inner.find('}') else {
                out.push_str(&rest[pos..]);
                return out;
            };
            let expr = &inner[..close];
            let (name, op, word) = match expr.find([':', '-', '+']) {
                Some(i) => {
                    let op_len = if expr[i..].starts_with(':') { 2 } else { 1 };
                    let op = expr.get(i..i + op_len).unwrap_or("");
                    (&expr[..i], op, expr.get(i + op_len..).unwrap_or(""))
                }
                None => (expr, "", ""),
            };
            let value = vars.get(name);
            let replaced = match (op, value) {
                ("", Some(v)) => Some(v.clone()),
                (":-", Some(v)) if !v.is_empty() => Some(v.clone()),
                ("-", Some(v)) => Some(v.clone()),
                (":-" | "-", _) => Some(word.to_string()),
                (":+", Some(v)) if !v.is_empty() => Some(word.to_string()),
                ("+", Some(_)) => Some(word.to_string()),
                (":+" | "+", _) => Some(String::new()),
                _ => None,
            };
            match replaced {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[pos..pos + 2 + close + 1]),
            }
            rest = &inner[close + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..len];
            match vars.get(name) {
                Some(v) if len > 0 => out.push_str(v),
                _ => out.push_str(&rest[pos..pos + 1 + len]),
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stages_lines_and_substitutes_args() {
        let df = parse(
            "ARG BASE=debian\nARG TAG=12\nFROM ${BASE}:${TAG} AS build\nENV DIR=/src\nWORKDIR $DIR\nRUN apt-get update && \\\n    # comment\n    apt-get install -y curl\nFROM build\nCOPY --from=build /a /b\n",
        )
        .unwrap();
        assert_eq!(df.stages.len(), 2);
        assert_eq!(df.stages[0].image, "debian:12");
        assert_eq!(df.stages[0].name.as_deref(), Some("build"));
        assert_eq!(df.stages[1].parent, Some(0));
        let workdir = df.insts.iter().find(|i| i.keyword == "WORKDIR").unwrap();
        assert_eq!(workdir.args, ["/src"]);
        let run = df.insts.iter().find(|i| i.keyword == "RUN").unwrap();
        assert_eq!((run.line, run.end_line), (6, 8));
        let programs: Vec<&str> = run.commands.iter().map(|c| c.program()).collect();
        assert_eq!(programs, ["apt-get", "apt-get"]);
        assert_eq!(run.commands[1].words, ["apt-get", "install", "-y", "curl"]);
        let copy = df.insts.last().unwrap();
        assert_eq!(copy.flag("from"), Some(Some("build")));
        assert_eq!(copy.stage, Some(1));
    }

    #[test]
    fn escape_directive_heredocs_and_exec_form() {
        let df = parse("# escape=`\nFROM alpine:3.20\nRUN echo a `\n  && echo b\nRUN <<EOF\napk add curl\ncurl -fsSL https://x | sh\nEOF\nRUN [\"sh\", \"-c\", \"ls; id\"]\nCMD [\"run\"]\n").unwrap();
        let runs: Vec<&Inst> = df.insts.iter().filter(|i| i.keyword == "RUN").collect();
        assert_eq!(runs[0].commands.len(), 2);
        assert_eq!((runs[1].line, runs[1].end_line), (5, 8));
        let programs: Vec<&str> = runs[1].commands.iter().map(|c| c.program()).collect();
        assert_eq!(programs, ["apk", "curl", "sh"]);
        assert_eq!(runs[2].commands.len(), 2);
        let cmd = df.insts.last().unwrap();
        assert!(cmd.exec_form);
        assert_eq!(cmd.args, ["run"]);
    }

    #[test]
    fn expands_variables() {
        let vars: HashMap<String, String> = [("A".to_string(), "x".to_string())].into();
        assert_eq!(expand("$A/${A}/${B:-d}/${A:+y}/$B", &vars), "x/x/d/y/$B");
    }
}
