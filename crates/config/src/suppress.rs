//! Inline suppressions: `# drydock:ignore=RULE-ID[,RULE-ID…] reason` on the
//! offending line or on the line before it marks the finding suppressed
//! (`source: "inline"`); it stays in the report.

use drydock_core::{Finding, Suppression};

const MARKER: &str = "drydock:ignore=";

/// (rule ids, reason) of the marker on `line`, if any.
fn marker(line: &str) -> Option<(Vec<&str>, String)> {
    let hash = line.find('#')?;
    let rest = &line[hash + 1..];
    let at = rest.find(MARKER)?;
    let after = &rest[at + MARKER.len()..];
    let (ids, reason) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
    let ids: Vec<&str> = ids.split(',').filter(|s| !s.is_empty()).collect();
    Some((ids, reason.trim().to_string()))
}

pub(crate) fn apply(text: &str, findings: &mut [Finding]) {
    if findings.is_empty() || !text.contains(MARKER) {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        let Some(line) = f.location.line else {
            continue;
        };
        let idx = line as usize;
        // The same line, then the line before (1-based `line` → 0-based idx-1, idx-2).
        let candidates = [idx.checked_sub(1), idx.checked_sub(2)];
        for (n, c) in candidates.into_iter().enumerate() {
            let Some(text_line) = c.and_then(|c| lines.get(c)) else {
                continue;
            };
            // The line before counts only when it is a comment line.
            if n == 1 && !text_line.trim_start().starts_with('#') {
                continue;
            }
            if let Some((ids, reason)) = marker(text_line)
                && ids.iter().any(|id| *id == f.id || *id == "*")
            {
                f.suppressed = Some(Suppression {
                    source: "inline".into(),
                    reason: if reason.is_empty() {
                        format!("{MARKER}{} (no reason given)", f.id)
                    } else {
                        reason
                    },
                });
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::{FindingKind, Location, Severity};

    fn finding(id: &str, line: u32) -> Finding {
        let mut l = Location::file("f");
        l.line = Some(line);
        Finding::new(FindingKind::Misconfiguration, id, "t", Severity::High, l)
    }

    #[test]
    fn same_line_and_line_before() {
        let text = "a: 1\n# drydock:ignore=R-1,R-2 needed for the CNI\nprivileged: true\nx: 1 # drydock:ignore=R-3\ny: 2\n";
        let mut fs = vec![
            finding("R-1", 3),
            finding("R-2", 3),
            finding("R-3", 4),
            finding("R-1", 5),
            finding("R-9", 3),
        ];
        apply(text, &mut fs);
        assert_eq!(
            fs[0].suppressed.as_ref().unwrap().reason,
            "needed for the CNI"
        );
        assert_eq!(fs[0].suppressed.as_ref().unwrap().source, "inline");
        assert!(fs[1].suppressed.is_some());
        assert_eq!(
            fs[2].suppressed.as_ref().unwrap().reason,
            "drydock:ignore=R-3 (no reason given)"
        );
        assert!(
            fs[3].suppressed.is_none(),
            "the line before is not a comment line"
        );
        assert!(fs[4].suppressed.is_none());
    }
}
