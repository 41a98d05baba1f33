//! Small helpers over `docker inspect` / `docker info` JSON: dot-path lookup
//! and the `Field=value` evidence strings every result carries.

use serde_json::Value;

/// The value at a dot path (`HostConfig.Privileged`); array elements by index
/// (`Mounts.0.Source`). Keys that contain dots cannot be reached this way;
/// callers use `Value::get` for those (labels, network options).
pub fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

pub fn str_at<'a>(v: &'a Value, path: &str) -> &'a str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

pub fn bool_at(v: &Value, path: &str) -> bool {
    at(v, path).and_then(Value::as_bool).unwrap_or(false)
}

pub fn i64_at(v: &Value, path: &str) -> i64 {
    at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

/// The strings of an array field (missing or null = none).
pub fn strings_at(v: &Value, path: &str) -> Vec<String> {
    at(v, path)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `Field=value` as inspect shows it; a missing field shows as `null`.
pub fn evidence(v: &Value, path: &str) -> String {
    format!("{path}={}", render(at(v, path).unwrap_or(&Value::Null)))
}

/// A JSON value compact, strings unquoted.
pub fn render(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Missing, null, `""`, `0`, `false`, `[]` or `{}`.
pub fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::Bool(b)) => !b,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_and_evidence() {
        let v = json!({"HostConfig": {"Privileged": true, "CapAdd": ["SYS_ADMIN"]}, "Mounts": [{"Source": "/etc"}]});
        assert_eq!(
            evidence(&v, "HostConfig.Privileged"),
            "HostConfig.Privileged=true"
        );
        assert_eq!(
            evidence(&v, "HostConfig.CapAdd"),
            r#"HostConfig.CapAdd=["SYS_ADMIN"]"#
        );
        assert_eq!(
            evidence(&v, "HostConfig.Missing"),
            "HostConfig.Missing=null"
        );
        assert_eq!(str_at(&v, "Mounts.0.Source"), "/etc");
        assert!(is_empty(at(&v, "Nope")));
        assert!(!is_empty(at(&v, "Mounts")));
        assert!(is_empty(Some(&json!(0))));
    }
}
