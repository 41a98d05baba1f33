//! User-defined checks: one field of an inspect document against a condition
//! (see [`crate::RuleConfig`]).

use crate::Status;
use crate::json::{at, is_empty, render};
use crate::rules::{Condition, CustomCheck};
use serde_json::Value;

/// Evaluates a custom check on a document; `None` if its regex is invalid
/// (rejected earlier by `RuleConfig::parse`).
pub fn evaluate(check: &CustomCheck, doc: &Value) -> Option<(Status, String)> {
    let v = at(doc, &check.field);
    let null = Value::Null;
    let val = v.unwrap_or(&null);
    let failed = match &check.fail_if {
        Condition::Equals(x) => val == x,
        Condition::NotEquals(x) => val != x,
        Condition::In(xs) => xs.contains(val),
        Condition::Matches(re) => {
            let re = regex::Regex::new(re).ok()?;
            match val {
                Value::String(s) => re.is_match(s),
                Value::Array(a) => a.iter().any(|x| x.as_str().is_some_and(|s| re.is_match(s))),
                _ => false,
            }
        }
        Condition::Empty(want) => is_empty(v) == *want,
    };
    let ev = format!("{}={}", check.field, render(val));
    Some((if failed { Status::Fail } else { Status::Pass }, ev))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{CheckMeta, TargetKind};
    use drydock_core::Severity;
    use serde_json::json;

    fn check(field: &str, c: Condition) -> CustomCheck {
        CustomCheck {
            meta: CheckMeta {
                id: "ACME-1".into(),
                cis: None,
                target: TargetKind::Container,
                title: "t".into(),
                severity: Severity::Low,
                automated: true,
                manual: None,
                description: "d".into(),
                remediation: "r".into(),
                references: vec![],
                compliance: vec![],
            },
            field: field.into(),
            fail_if: c,
        }
    }

    #[test]
    fn conditions() {
        let doc = json!({"HostConfig": {"MemoryReservation": 0, "CapAdd": ["NET_ADMIN"], "NetworkMode": "host"}});
        let cases = [
            (
                check("HostConfig.MemoryReservation", Condition::Empty(true)),
                Status::Fail,
                "HostConfig.MemoryReservation=0",
            ),
            (
                check("HostConfig.NetworkMode", Condition::Equals(json!("host"))),
                Status::Fail,
                "HostConfig.NetworkMode=host",
            ),
            (
                check(
                    "HostConfig.NetworkMode",
                    Condition::NotEquals(json!("host")),
                ),
                Status::Pass,
                "HostConfig.NetworkMode=host",
            ),
            (
                check(
                    "HostConfig.NetworkMode",
                    Condition::In(vec![json!("bridge"), json!("default")]),
                ),
                Status::Pass,
                "host",
            ),
            (
                check("HostConfig.CapAdd", Condition::Matches("^NET_".into())),
                Status::Fail,
                "[\"NET_ADMIN\"]",
            ),
            (
                check("HostConfig.Missing", Condition::Empty(true)),
                Status::Fail,
                "HostConfig.Missing=null",
            ),
        ];
        for (c, want, ev) in cases {
            let (s, e) = evaluate(&c, &doc).unwrap();
            assert_eq!(s, want, "{:?}", c.fail_if);
            assert!(e.contains(ev), "{e}");
        }
    }
}
