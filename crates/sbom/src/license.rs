//! Sorting package licence strings into SPDX identifiers, SPDX expressions and
//! free-form names, as both SBOM formats need (via the `spdx` crate, strict mode).
//!
//! Package databases write licences loosely (`GPL-2+`, `BSD-like`), and a
//! document that puts those where an SPDX id belongs is invalid, so anything the
//! SPDX licence list does not accept is carried as a name (CycloneDX) or a
//! `LicenseRef-` with its text (SPDX).

use std::collections::BTreeMap;

/// How one licence string can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LicenseForm<'a> {
    /// A current identifier of the SPDX licence list (`MIT`).
    Id(&'a str),
    /// A valid SPDX expression that is not a single listed id (`MIT OR Apache-2.0`, `LicenseRef-x`).
    Expression(&'a str),
    /// Anything else (`GPL-2+`).
    Name(&'a str),
}

pub(crate) fn classify(license: &str) -> LicenseForm<'_> {
    let license = license.trim();
    // `license_id` ignores a trailing `+`; only an exact, current id is an id.
    if let Some(id) = spdx::license_id(license)
        && id.name == license
        && !id.is_deprecated()
    {
        return LicenseForm::Id(license);
    }
    if spdx::Expression::parse(license).is_ok() {
        LicenseForm::Expression(license)
    } else {
        LicenseForm::Name(license)
    }
}

/// True when the expression has a top-level operator that binds looser than `AND`
/// would, so it needs parentheses when joined with others.
fn needs_parens(expr: &str) -> bool {
    expr.split_whitespace()
        .any(|w| w.eq_ignore_ascii_case("OR") || w.eq_ignore_ascii_case("AND"))
}

/// Builds SPDX `licenseDeclared` values for one document, collecting the
/// `LicenseRef-` ids it had to make up for licences outside the SPDX list.
#[derive(Debug, Default)]
pub(crate) struct SpdxLicenses {
    /// Licence text → its `LicenseRef-` id.
    refs: BTreeMap<String, String>,
}

impl SpdxLicenses {
    /// A valid SPDX expression for all of a package's licences (joined with
    /// `AND`, since a package is under all the licences it declares), or
    /// `NOASSERTION` when it declares none.
    pub(crate) fn declared(&mut self, licenses: &[String]) -> String {
        let parts: Vec<String> = licenses
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| match classify(l) {
                LicenseForm::Id(id) => id.to_string(),
                LicenseForm::Expression(e) if licenses.len() > 1 && needs_parens(e) => {
                    format!("({e})")
                }
                LicenseForm::Expression(e) => e.to_string(),
                LicenseForm::Name(name) => self.license_ref(name),
            })
            .collect();
        if parts.is_empty() {
            "NOASSERTION".to_string()
        } else {
            parts.join(" AND ")
        }
    }

    fn license_ref(&mut self, name: &str) -> String {
        if let Some(id) = self.refs.get(name) {
            return id.clone();
        }
        let base = format!("LicenseRef-{}", crate::spdx::sanitize_id(name));
        let mut id = base.clone();
        let mut n = 2;
        while self.refs.values().any(|v| *v == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.refs.insert(name.to_string(), id.clone());
        id
    }

    /// (id, text) of every made-up licence, sorted by id.
    pub(crate) fn extracted(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .refs
            .iter()
            .map(|(text, id)| (id.clone(), text.clone()))
            .collect();
        out.sort();
        out
    }
}

/// Splits an SPDX expression at its top-level `AND`s, the inverse of
/// [`SpdxLicenses::declared`]; `NOASSERTION` and `NONE` give no licences.
pub(crate) fn split_declared(expr: &str) -> Vec<String> {
    let expr = expr.trim();
    if expr.is_empty() || expr == "NOASSERTION" || expr == "NONE" {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current: Vec<&str> = Vec::new();
    for token in tokens(expr) {
        match token {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && token.eq_ignore_ascii_case("AND") {
            parts.push(join_tokens(&current));
            current.clear();
        } else {
            current.push(token);
        }
    }
    parts.push(join_tokens(&current));
    parts
        .into_iter()
        .map(|p| strip_outer_parens(&p).to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Words and parentheses of an expression.
fn tokens(expr: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in expr.char_indices() {
        if c == '(' || c == ')' || c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(&expr[s..i]);
            }
            if !c.is_whitespace() {
                out.push(&expr[i..i + 1]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&expr[s..]);
    }
    out
}

fn join_tokens(tokens: &[&str]) -> String {
    let mut out = String::new();
    for t in tokens {
        if !(out.is_empty() || out.ends_with('(') || *t == ")") {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// `(A OR B)` → `A OR B`, but `(A) OR (B)` stays as it is.
fn strip_outer_parens(s: &str) -> &str {
    let s = s.trim();
    if !(s.starts_with('(') && s.ends_with(')')) {
        return s;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && i != s.len() - 1 {
                    return s;
                }
            }
            _ => {}
        }
    }
    strip_outer_parens(&s[1..s.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_ids_expressions_and_names() {
        assert_eq!(classify("MIT"), LicenseForm::Id("MIT"));
        assert_eq!(
            classify("GPL-2.0-or-later"),
            LicenseForm::Id("GPL-2.0-or-later")
        );
        assert_eq!(
            classify("MIT OR Apache-2.0"),
            LicenseForm::Expression("MIT OR Apache-2.0")
        );
        assert_eq!(
            classify("LicenseRef-Proprietary"),
            LicenseForm::Expression("LicenseRef-Proprietary")
        );
        // Debian copyright files say `GPL-2+`; deprecated ids are not current either.
        assert_eq!(classify("GPL-2+"), LicenseForm::Name("GPL-2+"));
        assert_eq!(classify("GPL-2.0+"), LicenseForm::Name("GPL-2.0+"));
        assert_eq!(classify("BSD-like"), LicenseForm::Name("BSD-like"));
        assert_eq!(classify("mit"), LicenseForm::Name("mit"));
    }

    #[test]
    fn declared_joins_with_and_and_makes_refs() {
        let mut l = SpdxLicenses::default();
        assert_eq!(l.declared(&[]), "NOASSERTION");
        assert_eq!(
            l.declared(&["MIT OR Apache-2.0".into()]),
            "MIT OR Apache-2.0"
        );
        assert_eq!(
            l.declared(&["GPL-2+".into(), "MIT OR Apache-2.0".into(), "Zlib".into()]),
            "LicenseRef-GPL-2- AND (MIT OR Apache-2.0) AND Zlib"
        );
        // A second, different text that sanitises to the same id gets its own.
        assert_eq!(l.declared(&["GPL-2/".into()]), "LicenseRef-GPL-2--2");
        assert_eq!(l.declared(&["GPL-2+".into()]), "LicenseRef-GPL-2-");
        assert_eq!(
            l.extracted(),
            vec![
                ("LicenseRef-GPL-2-".to_string(), "GPL-2+".to_string()),
                ("LicenseRef-GPL-2--2".to_string(), "GPL-2/".to_string()),
            ]
        );
    }

    #[test]
    fn split_declared_inverts_declared() {
        assert_eq!(split_declared("NOASSERTION"), Vec::<String>::new());
        assert_eq!(
            split_declared("LicenseRef-GPL-2- AND (MIT OR Apache-2.0) AND Zlib"),
            vec!["LicenseRef-GPL-2-", "MIT OR Apache-2.0", "Zlib"]
        );
        assert_eq!(
            split_declared("(MIT) OR (Apache-2.0 AND BSD-3-Clause)"),
            vec!["(MIT) OR (Apache-2.0 AND BSD-3-Clause)"]
        );
        assert_eq!(
            split_declared("((MIT OR ISC)) and Zlib"),
            vec!["MIT OR ISC", "Zlib"]
        );
    }
}
