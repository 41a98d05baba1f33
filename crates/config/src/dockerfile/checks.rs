//! The Dockerfile checks, one function per rule id. Metadata (title, why,
//! how to fix, compliance) is in `rules/dockerfile.yaml`.

use super::shell::SimpleCommand;
use super::{Dockerfile, Inst};
use crate::rules::{Hit, Out};
use regex::Regex;
use std::sync::OnceLock;

type Check = fn(&Dockerfile, &mut Out);

/// Every Dockerfile rule id and its check.
pub(crate) const CHECKS: &[(&str, Check)] = &[
    ("DD-DF-001", last_user_root),
    ("DD-DF-002", no_user),
    ("DD-DF-003", from_latest),
    ("DD-DF-004", from_untagged),
    ("DD-DF-005", add_instead_of_copy),
    ("DD-DF-006", add_from_url),
    ("DD-DF-007", download_piped_to_shell),
    ("DD-DF-008", apt_get_no_yes),
    ("DD-DF-009", apt_get_recommends),
    ("DD-DF-010", apt_lists_kept),
    ("DD-DF-011", apk_cache),
    ("DD-DF-012", yum_clean),
    ("DD-DF-013", dnf_clean),
    ("DD-DF-014", secret_env),
    ("DD-DF-015", secret_arg),
    ("DD-DF-016", sudo),
    ("DD-DF-017", expose_ssh),
    ("DD-DF-018", no_healthcheck),
    ("DD-DF-019", world_writable),
    ("DD-DF-020", relative_workdir),
    ("DD-DF-021", several_cmd),
    ("DD-DF-022", several_entrypoint),
    ("DD-DF-023", copy_from_self),
    ("DD-DF-024", apt_upgrade),
    ("DD-DF-025", apt_not_apt_get),
    ("DD-DF-026", cd_in_run),
    ("DD-DF-027", pipe_without_pipefail),
    ("DD-DF-028", maintainer),
    ("DD-DF-029", pip_cache),
    ("DD-DF-030", apt_unpinned),
    ("DD-DF-031", apk_unpinned),
    ("DD-DF-032", copy_multi_dest),
    ("DD-DF-033", tls_off_by_env),
    ("DD-DF-034", shell_form_command),
    ("DD-DF-035", pointless_commands),
    ("DD-DF-036", tls_verification_off),
    ("DD-DF-037", credentials_in_url),
    ("DD-DF-038", insecure_security_mode),
    ("DD-DF-039", update_alone),
    ("DD-DF-040", wget_and_curl),
    ("DD-DF-041", expose_out_of_range),
    ("DD-DF-042", constant_platform),
];

pub(crate) fn run(df: &Dockerfile, enabled: &dyn Fn(&str) -> bool) -> Vec<Hit> {
    let mut out = Out::default();
    for (id, check) in CHECKS {
        if enabled(id) {
            out.current = id;
            check(df, &mut out);
        }
    }
    out.hits
}

/// The instructions as conftest shows a Dockerfile to Rego: `Cmd` (lower
/// case), `Flags`, `Value`, `Stage`, `Original`, plus `Line`/`EndLine`.
pub(crate) fn rego_input(df: &Dockerfile) -> serde_json::Value {
    let items: Vec<serde_json::Value> = df
        .insts
        .iter()
        .map(|i| {
            let value: Vec<String> = if i.exec_form || !i.args.is_empty() {
                i.args.clone()
            } else {
                vec![i.text.clone()]
            };
            let flags: Vec<String> = i
                .flags
                .iter()
                .map(|(n, v)| match v {
                    Some(v) => format!("--{n}={v}"),
                    None => format!("--{n}"),
                })
                .collect();
            serde_json::json!({
                "Cmd": i.keyword.to_ascii_lowercase(),
                "Flags": flags,
                "Value": value,
                "Stage": i.stage.unwrap_or(0),
                "Original": format!("{} {}", i.keyword, i.text),
                "JSON": i.exec_form,
                "Line": i.line,
                "EndLine": i.end_line,
            })
        })
        .collect();
    serde_json::Value::Array(items)
}

fn hit(out: &mut Out, i: &Inst, evidence: impl Into<String>) {
    out.hit_span(i.line, i.end_line, evidence);
}

fn runs(df: &Dockerfile) -> impl Iterator<Item = &Inst> {
    df.insts.iter().filter(|i| i.keyword == "RUN")
}

fn each_command(df: &Dockerfile) -> impl Iterator<Item = (&Inst, &SimpleCommand)> {
    runs(df).flat_map(|i| i.commands.iter().map(move |c| (i, c)))
}

fn is_root_user(spec: &str) -> bool {
    let user = spec.split(':').next().unwrap_or(spec).trim();
    user == "root" || user == "0"
}

fn last_user_in_chain(df: &Dockerfile) -> Option<&Inst> {
    df.final_chain()
        .into_iter()
        .find_map(|s| df.stage_insts(s).filter(|i| i.keyword == "USER").last())
}

fn last_user_root(df: &Dockerfile, out: &mut Out) {
    if let Some(u) = last_user_in_chain(df)
        && u.args.first().is_some_and(|a| is_root_user(a))
    {
        hit(out, u, format!("USER {}", u.args.join(" ")));
    }
}

fn no_user(df: &Dockerfile, out: &mut Out) {
    let Some(last) = df.stages.last() else { return };
    if last_user_in_chain(df).is_some() {
        return;
    }
    // Base images that already run as a non-root user.
    let base = df
        .final_chain()
        .last()
        .map_or(last.image.as_str(), |s| df.stages[*s].image.as_str());
    if base == "scratch" || base.contains("nonroot") || base.contains("rootless") {
        return;
    }
    out.hit(last.line, format!("FROM {}", last.image));
}

/// Name, tag and digest of an image reference.
fn split_image(image: &str) -> (&str, Option<&str>, bool) {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].rfind(':') {
        Some(c) => (&name[..slash + c], Some(&name[slash + c + 1..]), digest),
        None => (name, None, digest),
    }
}

/// Stages whose `FROM` names a real image (not scratch, an earlier stage or
/// an unresolved variable).
fn image_stages(df: &Dockerfile) -> impl Iterator<Item = &super::Stage> {
    df.stages
        .iter()
        .filter(|s| s.parent.is_none() && s.image != "scratch" && !s.image.contains('$'))
}

fn from_latest(df: &Dockerfile, out: &mut Out) {
    for s in image_stages(df) {
        if let (_, Some("latest"), false) = split_image(&s.image) {
            out.hit(s.line, format!("FROM {}", s.image));
        }
    }
}

fn from_untagged(df: &Dockerfile, out: &mut Out) {
    for s in image_stages(df) {
        if let (_, None, false) = split_image(&s.image) {
            out.hit(s.line, format!("FROM {}", s.image));
        }
    }
}

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("git@")
}

fn is_archive(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".gz",
        ".bz2", ".xz",
    ]
    .iter()
    .any(|e| l.ends_with(e))
}

fn sources(i: &Inst) -> &[String] {
    &i.args[..i.args.len().saturating_sub(1)]
}

fn add_instead_of_copy(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "ADD") {
        let srcs = sources(i);
        if !srcs.is_empty() && srcs.iter().all(|s| !is_url(s) && !is_archive(s)) {
            hit(out, i, format!("ADD {}", i.args.join(" ")));
        }
    }
}

fn add_from_url(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "ADD") {
        // `--checksum` makes the download verified (BuildKit).
        if i.flag("checksum").is_some() {
            continue;
        }
        if let Some(url) = sources(i).iter().find(|s| is_url(s)) {
            hit(out, i, format!("ADD {url}"));
        }
    }
}

fn is_shell(c: &SimpleCommand) -> bool {
    matches!(c.program(), "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
        || (matches!(c.program(), "python" | "python3" | "perl" | "ruby" | "node")
            && c.args().is_empty())
}

/// The word a shell runs as its script: after `-c` (`-ec`, …), else its
/// first operand (`bash <(curl …)`); any argument of `eval`, `source`, `.`.
fn script_word(c: &SimpleCommand) -> Option<String> {
    let args = c.args();
    if matches!(c.program(), "eval" | "source" | ".") {
        return Some(args.join(" "));
    }
    if !is_shell(c) && !matches!(c.program(), "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh") {
        return None;
    }
    if let Some(p) = args
        .iter()
        .position(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('c'))
    {
        return args.get(p + 1).cloned();
    }
    args.iter().find(|a| !a.starts_with('-')).cloned()
}

fn is_download(c: &SimpleCommand) -> bool {
    matches!(c.program(), "curl" | "wget")
}

fn download_piped_to_shell(df: &Dockerfile, out: &mut Out) {
    for i in runs(df) {
        for w in i.commands.windows(2) {
            if w[0].piped && is_download(&w[0]) && is_shell(&w[1]) {
                hit(out, i, format!("{} | {}", w[0].text(), w[1].text()));
            }
        }
        // `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(wget -O- …)"`: a shell
        // (or `eval`, `source`, `.`) that runs what a substitution downloaded.
        for c in &i.commands {
            if c.substituted.iter().any(is_download)
                && script_word(c).is_some_and(|w| {
                    (w.contains("$(") || w.contains('`') || w.contains("<("))
                        && (w.contains("curl") || w.contains("wget"))
                })
            {
                hit(out, i, c.text());
            }
        }
    }
}

fn apt_get_install(c: &SimpleCommand) -> bool {
    c.program() == "apt-get" && c.subcommand() == Some("install")
}

fn apt_get_no_yes(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        if apt_get_install(c)
            && !c.has_short_flag('y')
            && !c.has_arg("--yes")
            && !c.has_arg("--assume-yes")
            && !c
                .args()
                .iter()
                .any(|a| a.starts_with("-qq") || a == "--quiet=2")
        {
            hit(out, i, c.text());
        }
    }
}

fn apt_get_recommends(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        if apt_get_install(c)
            && !c.has_arg("--no-install-recommends")
            && !c.args().iter().any(|a| {
                a.contains("Install-Recommends=false") || a.contains("Install-Recommends=0")
            })
        {
            hit(out, i, c.text());
        }
    }
}

fn cache_mounted(i: &Inst, dir: &str) -> bool {
    i.flags.iter().any(|(n, v)| {
        n == "mount"
            && v.as_deref()
                .is_some_and(|v| v.contains("type=cache") && v.contains(dir))
    })
}

fn run_has(i: &Inst, pred: impl Fn(&SimpleCommand) -> bool) -> bool {
    i.commands.iter().any(pred)
}

fn apt_lists_kept(df: &Dockerfile, out: &mut Out) {
    for i in runs(df) {
        if !run_has(i, apt_get_install) || cache_mounted(i, "/var/lib/apt") {
            continue;
        }
        let cleaned = run_has(i, |c| {
            c.program() == "rm" && c.args().iter().any(|a| a.starts_with("/var/lib/apt/lists"))
        });
        if !cleaned {
            hit(
                out,
                i,
                "apt-get install without rm -rf /var/lib/apt/lists/*",
            );
        }
    }
}

fn apk_cache(df: &Dockerfile, out: &mut Out) {
    for i in runs(df) {
        if cache_mounted(i, "/var/cache/apk") {
            continue;
        }
        for c in &i.commands {
            if c.program() == "apk" && c.subcommand() == Some("add") && !c.has_arg("--no-cache") {
                let removed = run_has(i, |r| {
                    r.program() == "rm" && r.args().iter().any(|a| a.starts_with("/var/cache/apk"))
                });
                if !removed {
                    hit(out, i, c.text());
                }
            }
        }
    }
}

fn clean_after(df: &Dockerfile, out: &mut Out, tools: &[&str], cache: &str) {
    for i in runs(df) {
        if cache_mounted(i, cache) {
            continue;
        }
        let installs = i.commands.iter().find(|c| {
            tools.contains(&c.program())
                && matches!(
                    c.subcommand(),
                    Some("install" | "groupinstall" | "localinstall")
                )
        });
        let Some(install) = installs else { continue };
        let cleaned = run_has(i, |c| {
            (tools.contains(&c.program()) && c.subcommand() == Some("clean") && c.has_arg("all"))
                || (c.program() == "rm" && c.args().iter().any(|a| a.starts_with(cache)))
        });
        if !cleaned {
            hit(out, i, install.text());
        }
    }
}

fn yum_clean(df: &Dockerfile, out: &mut Out) {
    clean_after(df, out, &["yum"], "/var/cache/yum");
}

fn dnf_clean(df: &Dockerfile, out: &mut Out) {
    clean_after(df, out, &["dnf", "microdnf"], "/var/cache/dnf");
}

fn secret_name() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Literal pattern, checked by the tests.
        Regex::new(r"(?i)(passw(or)?d|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth[_-]?key|client[_-]?secret)")
            .expect("constant regex")
    })
}

/// A variable name that holds a secret (not a path or a switch about one).
fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    secret_name().is_match(name)
        && ![
            "_FILE",
            "_PATH",
            "_DIR",
            "_URL",
            "_ENDPOINT",
            "_HEADER",
            "_LENGTH",
            "_TTL",
            "_TIMEOUT",
            "_ENABLED",
            "_NAME",
            "_TYPE",
            "_EXPIRY",
        ]
        .iter()
        .any(|s| upper.ends_with(s))
}

fn secret_env(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "ENV") {
        for (k, v) in super::key_values(&i.text, true) {
            let v = v.unwrap_or_default();
            if secret_like(&k) && !v.is_empty() && !v.starts_with('$') {
                hit(out, i, format!("ENV {k}=<redacted>"));
            }
        }
    }
}

fn secret_arg(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "ARG") {
        for (k, _) in super::key_values(&i.text, false) {
            if secret_like(&k) {
                hit(out, i, format!("ARG {k}"));
            }
        }
    }
}

fn sudo(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        let first = c.words.iter().find(|w| !w.contains('='));
        if first.is_some_and(|w| w == "sudo" || w.ends_with("/sudo")) {
            hit(out, i, c.text());
        }
    }
}

fn exposed_ports(i: &Inst) -> impl Iterator<Item = (&str, Option<u32>)> {
    i.args.iter().map(|a| {
        let port = a.split('/').next().unwrap_or(a);
        (a.as_str(), port.parse::<u32>().ok())
    })
}

fn expose_ssh(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "EXPOSE") {
        if exposed_ports(i).any(|(a, p)| p == Some(22) && !a.ends_with("/udp")) {
            hit(out, i, format!("EXPOSE {}", i.args.join(" ")));
        }
    }
}

fn no_healthcheck(df: &Dockerfile, out: &mut Out) {
    let Some(last) = df.stages.last() else { return };
    let has = df
        .final_chain()
        .into_iter()
        .any(|s| df.stage_insts(s).any(|i| i.keyword == "HEALTHCHECK"));
    if !has {
        out.hit(last.line, format!("FROM {}", last.image));
    }
}

fn world_writable(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        if c.program() != "chmod" {
            continue;
        }
        let bad = c.args().iter().any(|a| {
            let digits = a.trim_start_matches('0');
            (a.len() >= 3
                && a.chars().all(|ch| ch.is_ascii_digit())
                && digits.ends_with(['2', '3', '6', '7'])
                && digits.len() >= 3)
                || a == "o+w"
                || a == "a+w"
                || a.starts_with("o+") && a.contains('w')
                || a.starts_with("a+") && a.contains('w')
        });
        if bad {
            hit(out, i, c.text());
        }
    }
    for i in df
        .insts
        .iter()
        .filter(|i| matches!(i.keyword, "COPY" | "ADD"))
    {
        if let Some(Some(mode)) = i.flag("chmod")
            && mode.len() >= 3
            && mode.trim_start_matches('0').ends_with(['2', '3', '6', '7'])
        {
            hit(out, i, format!("--chmod={mode}"));
        }
    }
}

fn relative_workdir(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "WORKDIR") {
        let Some(dir) = i.args.first() else { continue };
        let d = dir.trim_matches('"');
        // Windows paths and unresolved variables are left alone.
        let absolute = d.starts_with('/')
            || d.starts_with('$')
            || d.get(1..3) == Some(":\\")
            || d.get(1..3) == Some(":/");
        if !absolute {
            hit(out, i, format!("WORKDIR {d}"));
        }
    }
}

fn several(df: &Dockerfile, out: &mut Out, keyword: &str) {
    for s in 0..df.stages.len() {
        for i in df.stage_insts(s).filter(|i| i.keyword == keyword).skip(1) {
            hit(out, i, format!("{keyword} {}", i.text));
        }
    }
}

fn several_cmd(df: &Dockerfile, out: &mut Out) {
    several(df, out, "CMD");
}

fn several_entrypoint(df: &Dockerfile, out: &mut Out) {
    several(df, out, "ENTRYPOINT");
}

fn copy_from_self(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "COPY") {
        let (Some(Some(from)), Some(stage)) = (i.flag("from"), i.stage) else {
            continue;
        };
        let own = df.stages[stage].name.as_deref();
        if own.is_some_and(|n| n.eq_ignore_ascii_case(from)) || from == stage.to_string() {
            hit(out, i, format!("COPY --from={from}"));
        }
    }
}

fn apt_upgrade(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        if matches!(c.program(), "apt-get" | "apt")
            && matches!(
                c.subcommand(),
                Some("upgrade" | "dist-upgrade" | "full-upgrade")
            )
        {
            hit(out, i, c.text());
        }
    }
}

fn apt_not_apt_get(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        if c.program() == "apt" {
            hit(out, i, c.text());
        }
    }
}

fn cd_in_run(df: &Dockerfile, out: &mut Out) {
    for i in runs(df) {
        // `cd` in a subshell or before a single command is idiomatic; flag the
        // RUN that changes directory and then does something else in it.
        if i.commands.len() > 1
            && !i.text.trim_start().starts_with('(')
            && i.commands.first().is_some_and(|c| c.program() == "cd")
        {
            hit(out, i, i.commands[0].text());
        }
    }
}

fn pipe_without_pipefail(df: &Dockerfile, out: &mut Out) {
    for s in 0..df.stages.len() {
        let mut pipefail = false;
        for i in df.stage_insts(s) {
            match i.keyword {
                "SHELL" => {
                    pipefail = i.args.iter().any(|a| a == "pipefail")
                        || i.args.first().is_some_and(|a| {
                            a.contains("pwsh") || a.contains("powershell") || a.contains("cmd")
                        });
                }
                "RUN" if !pipefail && !i.exec_form => {
                    let set = i.commands.iter().any(|c| {
                        c.program() == "set"
                            && c.args().windows(2).any(|w| {
                                w[0].starts_with('-') && w[0].contains('o') && w[1] == "pipefail"
                            })
                    });
                    if !set && let Some(c) = i.commands.iter().find(|c| c.piped) {
                        hit(out, i, format!("{} | …", c.text()));
                    }
                }
                _ => {}
            }
        }
    }
}

fn maintainer(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "MAINTAINER") {
        hit(out, i, format!("MAINTAINER {}", i.text));
    }
}

fn pip_cache(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        let words = c.effective();
        let is_pip = match c.program() {
            "pip" | "pip3" => c.subcommand() == Some("install"),
            p if p.starts_with("python") => words
                .windows(3)
                .any(|w| w[0] == "-m" && w[1].starts_with("pip") && w[2] == "install"),
            _ => false,
        };
        if is_pip
            && !c.has_arg("--no-cache-dir")
            && !i.flags.iter().any(|(n, v)| {
                n == "mount" && v.as_deref().is_some_and(|v| v.contains("type=cache"))
            })
            && !c.words.iter().any(|w| w.starts_with("PIP_NO_CACHE_DIR="))
        {
            hit(out, i, c.text());
        }
    }
}

/// Package arguments of an install command (not options, not local files).
fn packages<'a>(c: &'a SimpleCommand, sub: &str) -> impl Iterator<Item = &'a String> {
    let args = c.args();
    let start = args
        .iter()
        .position(|a| a == sub)
        .map_or(args.len(), |p| p + 1);
    args[start..].iter().filter(|a| {
        !a.starts_with('-')
            && !a.starts_with('/')
            && !a.starts_with('.')
            && !a.contains('$')
            && !a.ends_with(".deb")
    })
}

fn apt_unpinned(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        if apt_get_install(c) {
            let loose: Vec<&String> = packages(c, "install")
                .filter(|p| !p.contains('='))
                .collect();
            if !loose.is_empty() {
                hit(
                    out,
                    i,
                    loose
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
        }
    }
}

fn apk_unpinned(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        if c.program() == "apk" && c.subcommand() == Some("add") {
            let loose: Vec<&String> = packages(c, "add")
                .filter(|p| {
                    !p.contains('=') && !p.contains('~') && !p.contains('<') && !p.contains('>')
                })
                .collect();
            if !loose.is_empty() {
                hit(
                    out,
                    i,
                    loose
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
        }
    }
}

fn copy_multi_dest(df: &Dockerfile, out: &mut Out) {
    for i in df
        .insts
        .iter()
        .filter(|i| matches!(i.keyword, "COPY" | "ADD"))
    {
        if i.args.len() > 2
            && let Some(dest) = i.args.last()
            && !dest.ends_with('/')
            && !dest.contains('$')
        {
            hit(out, i, format!("{} … {dest}", i.keyword));
        }
    }
}

fn tls_off_by_env(df: &Dockerfile, out: &mut Out) {
    for i in df
        .insts
        .iter()
        .filter(|i| matches!(i.keyword, "ENV" | "ARG"))
    {
        for (k, v) in super::key_values(&i.text, i.keyword == "ENV") {
            let v = v.unwrap_or_default().to_ascii_lowercase();
            let off = match k.as_str() {
                "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => v == "0",
                "GIT_SSL_NO_VERIFY" | "CURL_INSECURE" => !v.is_empty() && v != "0" && v != "false",
                "NPM_CONFIG_STRICT_SSL" | "npm_config_strict_ssl" => v == "false",
                "PIP_TRUSTED_HOST" => !v.is_empty(),
                _ => false,
            };
            if off {
                hit(out, i, format!("{} {k}={v}", i.keyword));
            }
        }
    }
}

fn shell_form_command(df: &Dockerfile, out: &mut Out) {
    // Only the final stage's CMD/ENTRYPOINT is what the container runs.
    let Some(last) = df.stages.len().checked_sub(1) else {
        return;
    };
    for i in df.stage_insts(last) {
        if matches!(i.keyword, "CMD" | "ENTRYPOINT") && !i.exec_form {
            hit(out, i, format!("{} {}", i.keyword, i.text));
        }
    }
}

fn pointless_commands(df: &Dockerfile, out: &mut Out) {
    const POINTLESS: &[&str] = &[
        "ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig",
        "nano", "reboot",
    ];
    for (i, c) in each_command(df) {
        if POINTLESS.contains(&c.program()) {
            hit(out, i, c.text());
        }
    }
}

fn tls_verification_off(df: &Dockerfile, out: &mut Out) {
    for (i, c) in each_command(df) {
        let bad = match c.program() {
            "curl" => c.has_arg("--insecure") || c.has_short_flag('k'),
            "wget" => c.has_arg("--no-check-certificate"),
            "pip" | "pip3" => c.has_arg("--trusted-host"),
            "npm" | "yarn" => c
                .args()
                .windows(2)
                .any(|w| w[0] == "strict-ssl" && w[1] == "false"),
            "git" => c
                .args()
                .iter()
                .any(|a| a == "http.sslVerify=false" || a == "http.sslverify=false"),
            "apk" => c.has_arg("--allow-untrusted"),
            "apt-get" | "apt" => {
                c.has_arg("--allow-unauthenticated")
                    || c.args()
                        .iter()
                        .any(|a| a.contains("AllowUnauthenticated=true"))
            }
            _ => false,
        };
        if bad {
            hit(out, i, c.text());
        }
    }
}

fn url_credentials() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Literal pattern, checked by the tests.
        Regex::new(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@").expect("constant regex")
    })
}

fn credentials_in_url(df: &Dockerfile, out: &mut Out) {
    for i in df
        .insts
        .iter()
        .filter(|i| matches!(i.keyword, "RUN" | "ADD" | "ENV" | "ARG"))
    {
        let texts = i
            .args
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(i.text.as_str()));
        for t in texts {
            if let Some(m) = url_credentials().captures(t)
                && let Some(pw) = m.get(1)
                && !pw.as_str().starts_with('$')
            {
                let shown = t[m.get(0).map_or(0, |m| m.start())..pw.start()].to_string();
                hit(out, i, format!("{shown}<redacted>@…"));
                break;
            }
        }
    }
}

fn insecure_security_mode(df: &Dockerfile, out: &mut Out) {
    for i in runs(df) {
        if i.flag("security") == Some(Some("insecure")) {
            hit(out, i, "RUN --security=insecure");
        }
    }
}

fn update_alone(df: &Dockerfile, out: &mut Out) {
    for i in runs(df) {
        let is_update = |c: &SimpleCommand| {
            matches!(
                c.program(),
                "apt-get" | "apt" | "apk" | "yum" | "dnf" | "zypper"
            ) && matches!(
                c.subcommand(),
                Some("update" | "makecache" | "refresh" | "check-update")
            )
        };
        let is_install = |c: &SimpleCommand| {
            matches!(
                c.program(),
                "apt-get" | "apt" | "apk" | "yum" | "dnf" | "zypper"
            ) && matches!(
                c.subcommand(),
                Some("install" | "add" | "upgrade" | "dist-upgrade" | "in")
            )
        };
        if run_has(i, is_update) && !run_has(i, is_install) {
            hit(out, i, i.text.clone());
        }
    }
}

fn wget_and_curl(df: &Dockerfile, out: &mut Out) {
    let mut first_curl = None;
    let mut first_wget = None;
    for (i, c) in each_command(df) {
        match c.program() {
            "curl" if first_curl.is_none() => first_curl = Some(i),
            "wget" if first_wget.is_none() => first_wget = Some(i),
            _ => {}
        }
    }
    if let (Some(a), Some(b)) = (first_curl, first_wget) {
        let later = if a.line > b.line { a } else { b };
        hit(out, later, "both curl and wget");
    }
}

fn expose_out_of_range(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "EXPOSE") {
        for (a, _) in exposed_ports(i) {
            let port = a.split('/').next().unwrap_or(a);
            if port.contains('$') {
                continue;
            }
            let ok = port
                .split('-')
                .all(|p| p.parse::<u32>().is_ok_and(|n| n <= 65535));
            if !ok {
                hit(out, i, format!("EXPOSE {a}"));
            }
        }
    }
}

fn constant_platform(df: &Dockerfile, out: &mut Out) {
    for i in df.insts.iter().filter(|i| i.keyword == "FROM") {
        if let Some(Some(p)) = i.flag("platform")
            && !p.contains('$')
        {
            hit(out, i, format!("--platform={p}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split() {
        assert_eq!(split_image("nginx"), ("nginx", None, false));
        assert_eq!(
            split_image("localhost:5000/app:1.2"),
            ("localhost:5000/app", Some("1.2"), false)
        );
        assert_eq!(
            split_image("localhost:5000/app"),
            ("localhost:5000/app", None, false)
        );
        assert_eq!(
            split_image("app:latest@sha256:ab"),
            ("app", Some("latest"), true)
        );
    }

    #[test]
    fn secret_names() {
        assert!(secret_like("DB_PASSWORD"));
        assert!(secret_like("GITHUB_TOKEN"));
        assert!(!secret_like("DB_PASSWORD_FILE"));
        assert!(!secret_like("PATH"));
        assert!(url_credentials().is_match("https://bob:hunter2@example.com/x"));
        assert!(!url_credentials().is_match("https://example.com/a:b@c"));
    }
}
