//! Splits the shell of a `RUN` into simple commands.
//!
//! Hand-written: conch-parser is unmaintained since 2019 and yash-syntax is an
//! async, full POSIX parser far heavier than needed to see which commands a
//! `RUN` joins with `&&`, `||`, `;`, `|`, `&` and newlines. This tokenizer
//! honours single and double quotes, backslash escapes, comments, and keeps
//! `$(…)`, backticks and `<(…)` inside the word they belong to; the commands
//! inside them are split too and come before the command that uses their
//! output (they run first), so `apt-get install $(cat pkgs)` and
//! `sh -c "$(curl …)"` are seen for what they run.

/// A simple command: its words, and whether its output is piped to the next one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    pub words: Vec<String>,
    pub piped: bool,
    /// The commands of the `$(…)`, backtick and `<(…)`/`>(…)` substitutions
    /// in this command's words (also in the flat list [`split`] returns).
    pub substituted: Vec<SimpleCommand>,
}

impl SimpleCommand {
    /// The words after leading `VAR=value` assignments and wrappers that run
    /// their arguments as a command (`sudo`, `env`, `nice`, `command`, `exec`).
    pub fn effective(&self) -> &[String] {
        let mut w = &self.words[..];
        loop {
            match w.first().map(String::as_str) {
                Some(first) if is_assignment(first) => w = &w[1..],
                // Reserved words before a command: `if …; then apk add …; fi`.
                Some("then" | "else" | "elif" | "do" | "if" | "while" | "until" | "!") => {
                    w = &w[1..]
                }
                Some("sudo" | "env" | "nice" | "command" | "exec" | "time" | "nohup") => {
                    w = &w[1..];
                    // Skip the wrapper's own options (`sudo -u app`, `env -i`).
                    while let Some(opt) = w.first() {
                        if opt == "-u" || opt == "-g" {
                            w = w.get(2..).unwrap_or(&[]);
                        } else if opt.starts_with('-') {
                            w = &w[1..];
                        } else {
                            break;
                        }
                    }
                }
                _ => return w,
            }
        }
    }

    /// The program name of [`effective`](Self::effective), without its directory.
    pub fn program(&self) -> &str {
        self.effective()
            .first()
            .map(|p| p.rsplit('/').next().unwrap_or(p))
            .unwrap_or("")
    }

    /// The effective arguments after the program.
    pub fn args(&self) -> &[String] {
        self.effective().get(1..).unwrap_or(&[])
    }

    pub fn has_arg(&self, arg: &str) -> bool {
        self.args().iter().any(|a| a == arg)
    }

    /// A short flag given alone or within a group: `-y` matches `-y` and `-qy`.
    pub fn has_short_flag(&self, flag: char) -> bool {
        self.args().iter().any(|a| {
            a.starts_with('-') && !a.starts_with("--") && a[1..].chars().any(|c| c == flag)
        })
    }

    /// The first argument that is not an option: the subcommand (`install`).
    pub fn subcommand(&self) -> Option<&str> {
        self.args()
            .iter()
            .find(|a| !a.starts_with('-'))
            .map(String::as_str)
    }

    pub fn text(&self) -> String {
        self.words.join(" ")
    }
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

// The macros reset `in_word` after its last read at the end of the script.
#[allow(unused_assignments)]
/// Splits `script` into simple commands. Never fails: an unterminated quote
/// ends at the end of the script, as a lenient reader should.
pub fn split(script: &str) -> Vec<SimpleCommand> {
    let mut commands = Vec::new();
    let mut current = SimpleCommand::default();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    // Commands of the substitutions in the current command's words.
    let mut pending: Vec<SimpleCommand> = Vec::new();

    macro_rules! end_word {
        () => {
            if in_word {
                current.words.push(std::mem::take(&mut word));
                in_word = false;
            }
        };
    }
    macro_rules! end_command {
        ($piped:expr) => {
            end_word!();
            // The substitutions run first, then the command that uses them.
            commands.extend(pending.iter().cloned());
            if !current.words.is_empty() {
                current.piped = $piped;
                current.substituted = std::mem::take(&mut pending);
                commands.push(std::mem::take(&mut current));
            }
            pending.clear();
        };
    }

    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '$' if chars.peek() == Some(&'(') => {
                            chars.next();
                            substitution(&mut chars, ')', &mut word, &mut pending);
                        }
                        '`' => substitution(&mut chars, '`', &mut word, &mut pending),
                        '\\' => {
                            if let Some(n) = chars.next() {
                                if !matches!(n, '"' | '\\' | '$' | '`' | '\n') {
                                    word.push('\\');
                                }
                                if n != '\n' {
                                    word.push(n);
                                }
                            }
                        }
                        _ => word.push(q),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(n) => {
                    in_word = true;
                    word.push(n);
                }
                None => {}
            },
            '$' if chars.peek() == Some(&'(') => {
                chars.next();
                in_word = true;
                substitution(&mut chars, ')', &mut word, &mut pending);
            }
            '`' => {
                in_word = true;
                substitution(&mut chars, '`', &mut word, &mut pending);
            }
            '<' | '>' if chars.peek() == Some(&'(') => {
                // Process substitution `<(curl …)`: a word whose text is a file.
                chars.next();
                end_word!();
                in_word = true;
                word.push(c);
                substitution(&mut chars, ')', &mut word, &mut pending);
            }
            '#' if !in_word => {
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                end_command!(false);
            }
            ' ' | '\t' | '\r' => end_word!(),
            '\n' | ';' | '(' | ')' => {
                if c == ';' && chars.peek() == Some(&';') {
                    chars.next();
                }
                end_command!(false);
            }
            '&' => {
                if chars.peek() == Some(&'&') {
                    chars.next();
                } else if chars.peek() == Some(&'>') {
                    // `&>file` redirection, not a separator.
                    in_word = true;
                    word.push('&');
                    continue;
                } else if word.ends_with('>') || word.ends_with('<') {
                    // `2>&1`
                    word.push('&');
                    continue;
                }
                end_command!(false);
            }
            '|' => {
                if chars.peek() == Some(&'|') {
                    chars.next();
                    end_command!(false);
                } else {
                    end_command!(true);
                }
            }
            '{' | '}' if !in_word && matches!(chars.peek(), Some(' ' | '\n' | '\t') | None) => {
                end_command!(false);
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_command!(false);
    commands
}

/// Reads a substitution up to its `close` (`)` balanced, or the closing
/// backtick), after its opening was consumed; writes its text into `word`
/// (`$(…)`, `` `…` ``, `<(…)` as written) and its commands into `pending`.
/// `$((…))` is arithmetic, not a command. Quotes inside are honoured, so a
/// `)` in a quoted string does not close it; an unterminated one ends at the
/// end of the script.
fn substitution(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    close: char,
    word: &mut String,
    pending: &mut Vec<SimpleCommand>,
) {
    let arithmetic = close == ')' && chars.peek() == Some(&'(');
    let mut inner = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    while let Some(q) = chars.next() {
        match (quote, q) {
            (Some(open), _) if q == open => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                inner.push(q);
                if let Some(n) = chars.next() {
                    inner.push(n);
                }
                continue;
            }
            (Some(_), _) => {}
            (None, '\'' | '"') if close == ')' => quote = Some(q),
            (None, '(') if close == ')' => depth += 1,
            (None, c) if c == close => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
        inner.push(q);
    }
    if close == '`' {
        word.push('`');
        word.push_str(&inner);
        word.push('`');
    } else {
        if !word.ends_with(['<', '>']) {
            word.push('$');
        }
        word.push('(');
        word.push_str(&inner);
        word.push(')');
    }
    if !arithmetic {
        pending.extend(split(&inner));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<Vec<String>> {
        split(script).into_iter().map(|c| c.words).collect()
    }

    #[test]
    fn splits_on_operators_and_newlines() {
        let cmds = split(
            "apt-get update && apt-get install -y curl; curl -sSL https://x | sh\nrm -rf /tmp/x || true",
        );
        let programs: Vec<&str> = cmds.iter().map(SimpleCommand::program).collect();
        assert_eq!(programs, ["apt-get", "apt-get", "curl", "sh", "rm", "true"]);
        assert!(cmds[2].piped && !cmds[3].piped);
    }

    #[test]
    fn honours_quotes_escapes_and_comments() {
        assert_eq!(
            words("echo 'a && b' \"c; $(d | e)\" f\\ g # a comment | sh\nls"),
            vec![
                vec!["d"],
                vec!["e"],
                vec!["echo", "a && b", "c; $(d | e)", "f g"],
                vec!["ls"]
            ]
        );
        assert_eq!(
            words("make 2>&1 >/dev/null &\nx"),
            vec![vec!["make", "2>&1", ">/dev/null"], vec!["x"]]
        );
    }

    #[test]
    fn splits_command_substitutions_too() {
        let cmds = split("apt-get install -y $(cat /pkgs | grep -v '^#') && echo `id -u`");
        let programs: Vec<&str> = cmds.iter().map(SimpleCommand::program).collect();
        assert_eq!(programs, ["cat", "grep", "apt-get", "id", "echo"]);
        assert!(cmds[0].piped && !cmds[1].piped);
        assert_eq!(
            cmds[2].words,
            ["apt-get", "install", "-y", "$(cat /pkgs | grep -v '^#')"]
        );
        assert_eq!(cmds[2].substituted.len(), 2);
        let sh = split("sh -c \"$(curl -fsSL \"https://x/i.sh\")\" -- a) b");
        let programs: Vec<&str> = sh.iter().map(SimpleCommand::program).collect();
        assert_eq!(programs, ["curl", "sh", "b"]);
        assert_eq!(sh[0].words, ["curl", "-fsSL", "https://x/i.sh"]);
        assert_eq!(sh[1].substituted[0].program(), "curl");
        let ps = split("bash <(wget -qO- https://x) && echo $((1 + 2))");
        let programs: Vec<&str> = ps.iter().map(SimpleCommand::program).collect();
        assert_eq!(programs, ["wget", "bash", "echo"]);
        assert_eq!(ps[1].words, ["bash", "<(wget -qO- https://x)"]);
        assert_eq!(ps[2].words, ["echo", "$((1 + 2))"]);
    }

    #[test]
    fn sees_past_reserved_words() {
        let cmds = split(
            "if [ -n \"$GNU\" ]; then apk add sed ; fi\nfor p in a b; do pip install $p; done",
        );
        let programs: Vec<&str> = cmds.iter().map(SimpleCommand::program).collect();
        assert_eq!(programs, ["[", "apk", "fi", "for", "pip", "done"]);
    }

    #[test]
    fn sees_through_sudo_and_assignments() {
        let cmd = &split("DEBIAN_FRONTEND=noninteractive sudo -u root apt-get -qy install vim")[0];
        assert_eq!(cmd.program(), "apt-get");
        assert!(cmd.has_short_flag('y'));
        assert_eq!(cmd.subcommand(), Some("install"));
    }
}
