//! Docker Compose files (v2, v3 and the Compose Specification): each service
//! checked one rule id at a time. Metadata is in `rules/compose.yaml`.

use crate::kubernetes::is_runtime_socket;
use crate::rules::{Hit, Out};
use crate::yaml::{Entry, Node};

type Check = fn(&[Service<'_>], &mut Out);

pub(crate) const CHECKS: &[(&str, Check)] = &[
    ("DD-DC-001", privileged),
    ("DD-DC-002", network_host),
    ("DD-DC-003", pid_host),
    ("DD-DC-004", docker_socket),
    ("DD-DC-005", cap_add),
    ("DD-DC-006", ports_all_interfaces),
    ("DD-DC-007", no_user),
    ("DD-DC-008", secret_environment),
    ("DD-DC-009", ipc_host),
    ("DD-DC-010", unconfined),
    ("DD-DC-011", image_latest),
    ("DD-DC-012", writable_root),
    ("DD-DC-013", no_new_privileges),
    ("DD-DC-014", userns_host),
    ("DD-DC-015", devices),
    ("DD-DC-016", memory_limit),
    ("DD-DC-017", sensitive_mount),
    ("DD-DC-018", uts_host),
];

pub(crate) struct Service<'a> {
    name: &'a str,
    line: u32,
    node: &'a Node,
}

pub(crate) fn run(docs: &[Node], enabled: &dyn Fn(&str) -> bool) -> Vec<Hit> {
    let services: Vec<Service<'_>> = docs
        .iter()
        .filter_map(|d| d.get("services"))
        .flat_map(Node::entries)
        .map(|e: &Entry| Service {
            name: &e.key,
            line: e.key_line,
            node: &e.value,
        })
        .collect();
    let mut out = Out::default();
    for (id, check) in CHECKS {
        if enabled(id) {
            out.current = id;
            check(&services, &mut out);
        }
    }
    out.hits
}

fn flag_value(services: &[Service<'_>], out: &mut Out, key: &str, bad: impl Fn(&Node) -> bool) {
    for s in services {
        if let Some(e) = s.node.entry(key)
            && bad(&e.value)
        {
            out.hit(
                e.key_line,
                format!(
                    "service {}: {key}: {}",
                    s.name,
                    e.value.text().unwrap_or_default()
                ),
            );
        }
    }
}

fn privileged(services: &[Service<'_>], out: &mut Out) {
    flag_value(services, out, "privileged", |v| v.as_bool() == Some(true));
}

fn network_host(services: &[Service<'_>], out: &mut Out) {
    flag_value(services, out, "network_mode", |v| {
        v.as_str() == Some("host")
    });
}

fn pid_host(services: &[Service<'_>], out: &mut Out) {
    flag_value(services, out, "pid", |v| v.as_str() == Some("host"));
}

fn ipc_host(services: &[Service<'_>], out: &mut Out) {
    flag_value(services, out, "ipc", |v| v.as_str() == Some("host"));
}

fn userns_host(services: &[Service<'_>], out: &mut Out) {
    flag_value(services, out, "userns_mode", |v| v.as_str() == Some("host"));
}

fn uts_host(services: &[Service<'_>], out: &mut Out) {
    flag_value(services, out, "uts", |v| v.as_str() == Some("host"));
}

/// Host sources of bind mounts: (source, line).
fn bind_sources(s: &Service<'_>) -> Vec<(String, u32)> {
    s.node
        .get("volumes")
        .map(Node::seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| {
            if let Some(text) = v.as_str() {
                let (src, _) = text.split_once(':')?;
                let is_path = src.starts_with('/')
                    || src.starts_with('.')
                    || src.starts_with('~')
                    || src.starts_with('$');
                return is_path.then(|| (src.to_string(), v.line));
            }
            let kind = v.get("type").and_then(Node::as_str);
            if kind != Some("bind") {
                return None;
            }
            let src = v.get("source").and_then(Node::as_str)?;
            Some((src.to_string(), v.line))
        })
        .collect()
}

fn docker_socket(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        for (src, line) in bind_sources(s) {
            if is_runtime_socket(&src) {
                out.hit(line, format!("service {}: mounts {src}", s.name));
            }
        }
    }
}

/// Host directories whose bind mount exposes the host (the runtime's own
/// directories are DD-DC-004's).
fn is_sensitive(src: &str) -> bool {
    let p = crate::kubernetes::host_path_normal(src);
    let p = p.as_str();
    [
        "/etc",
        "/proc",
        "/sys",
        "/boot",
        "/dev",
        "/root",
        "/usr",
        "/lib",
        "/bin",
        "/sbin",
        "/var/lib/kubelet",
        "/home",
    ]
    .iter()
    .any(|d| {
        p == *d
            || (p.starts_with(d) && p[d.len()..].starts_with('/') && *d != "/home" && *d != "/dev")
    })
}

fn sensitive_mount(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        for (src, line) in bind_sources(s) {
            if is_sensitive(&src) && !is_runtime_socket(&src) {
                out.hit(line, format!("service {}: mounts {src}", s.name));
            }
        }
    }
}

const DEFAULT_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn cap_add(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        for c in s.node.get("cap_add").map(Node::seq).unwrap_or(&[]) {
            let Some(cap) = c.as_str() else { continue };
            let name = cap.strip_prefix("CAP_").unwrap_or(cap).to_ascii_uppercase();
            if !DEFAULT_CAPS.contains(&name.as_str()) {
                out.hit(c.line, format!("service {}: cap_add {cap}", s.name));
            }
        }
    }
}

/// Whether a short-syntax port publishes on every interface.
fn short_port_on_all(spec: &str) -> bool {
    let spec = spec.split('/').next().unwrap_or(spec);
    if let Some(rest) = spec.strip_prefix('[') {
        // `[::1]:8080:80`
        let ip = rest.split(']').next().unwrap_or("");
        return ip.is_empty() || ip == "::";
    }
    let parts: Vec<&str> = spec.split(':').collect();
    match parts.len() {
        1 | 2 => true,
        _ => matches!(parts[0], "" | "0.0.0.0"),
    }
}

fn ports_all_interfaces(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        for p in s.node.get("ports").map(Node::seq).unwrap_or(&[]) {
            let all = match p.text() {
                Some(spec) => short_port_on_all(&spec),
                None => p
                    .get("host_ip")
                    .and_then(Node::as_str)
                    .is_none_or(|ip| ip == "0.0.0.0" || ip == "::" || ip.is_empty()),
            };
            if all {
                let shown = p.text().unwrap_or_else(|| {
                    p.get("published")
                        .and_then(Node::text)
                        .unwrap_or_else(|| "(ephemeral)".into())
                });
                out.hit(
                    p.line,
                    format!("service {}: port {shown} on all interfaces", s.name),
                );
            }
        }
    }
}

fn no_user(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        match s.node.entry("user") {
            Some(e) => {
                let user = e.value.text().unwrap_or_default();
                let name = user.split(':').next().unwrap_or("");
                if name == "root" || name == "0" {
                    out.hit(e.key_line, format!("service {}: user {user}", s.name));
                }
            }
            None => out.hit(s.line, format!("service {}: no user", s.name)),
        }
    }
}

fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|s| upper.contains(s))
        && ![
            "_FILE", "_PATH", "_DIR", "_URL", "_NAME", "_TTL", "_TIMEOUT", "_ENABLED",
        ]
        .iter()
        .any(|s| upper.ends_with(s))
}

/// A literal value, not `${VAR}` interpolation from the environment or `.env`.
fn literal(value: &str) -> bool {
    !value.is_empty() && !value.starts_with('$')
}

fn secret_environment(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        let Some(env) = s.node.get("environment") else {
            continue;
        };
        for e in env.entries() {
            if secret_like(&e.key) && e.value.text().is_some_and(|v| literal(&v)) {
                out.hit(
                    e.key_line,
                    format!("service {}: {}=<redacted>", s.name, e.key),
                );
            }
        }
        for item in env.seq() {
            if let Some((k, v)) = item.as_str().and_then(|t| t.split_once('='))
                && secret_like(k)
                && literal(v)
            {
                out.hit(item.line, format!("service {}: {k}=<redacted>", s.name));
            }
        }
    }
}

fn unconfined(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        for o in s.node.get("security_opt").map(Node::seq).unwrap_or(&[]) {
            let Some(opt) = o.as_str() else { continue };
            let norm = opt.replace('=', ":");
            if norm == "seccomp:unconfined"
                || norm == "apparmor:unconfined"
                || norm == "label:disable"
            {
                out.hit(o.line, format!("service {}: security_opt {opt}", s.name));
            }
        }
    }
}

fn image_latest(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        let Some(e) = s.node.entry("image") else {
            continue;
        };
        let Some(image) = e.value.as_str() else {
            continue;
        };
        if image.contains('@') || image.contains('$') {
            continue;
        }
        let last = image.rsplit('/').next().unwrap_or(image);
        let tag = last.rsplit_once(':').map(|(_, t)| t);
        if matches!(tag, None | Some("latest")) {
            out.hit(e.key_line, format!("service {}: image {image}", s.name));
        }
    }
}

fn writable_root(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        match s.node.entry("read_only") {
            Some(e) if e.value.as_bool() == Some(true) => {}
            Some(e) => out.hit(e.key_line, format!("service {}: read_only false", s.name)),
            None => out.hit(s.line, format!("service {}: read_only not set", s.name)),
        }
    }
}

fn no_new_privileges(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        let set = s
            .node
            .get("security_opt")
            .map(Node::seq)
            .unwrap_or(&[])
            .iter()
            .any(|o| {
                o.as_str().is_some_and(|t| {
                    let t = t.replace('=', ":");
                    t == "no-new-privileges" || t == "no-new-privileges:true"
                })
            });
        if !set {
            let line = s.node.entry("security_opt").map_or(s.line, |e| e.key_line);
            out.hit(
                line,
                format!("service {}: no-new-privileges not set", s.name),
            );
        }
    }
}

fn devices(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        for d in s.node.get("devices").map(Node::seq).unwrap_or(&[]) {
            out.hit(
                d.line,
                format!(
                    "service {}: device {}",
                    s.name,
                    d.text().unwrap_or_default()
                ),
            );
        }
    }
}

fn memory_limit(services: &[Service<'_>], out: &mut Out) {
    for s in services {
        let set = s.node.get("mem_limit").is_some()
            || s.node
                .at(&["deploy", "resources", "limits", "memory"])
                .is_some();
        if !set {
            out.hit(s.line, format!("service {}: no memory limit", s.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_specs() {
        assert!(short_port_on_all("8080:80"));
        assert!(short_port_on_all("80"));
        assert!(short_port_on_all("0.0.0.0:8080:80/tcp"));
        assert!(!short_port_on_all("127.0.0.1:8080:80"));
        assert!(!short_port_on_all("[::1]:8080:80"));
    }

    #[test]
    fn sensitive_dirs() {
        assert!(is_sensitive("/etc"));
        assert!(is_sensitive("/etc/ssl/"));
        assert!(!is_sensitive("/etcetera"));
        assert!(!is_sensitive("./etc"));
        assert!(!is_sensitive("/home/app/data"));
    }
}
