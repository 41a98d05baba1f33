//! Daemon checks (CIS sections 2 and 3, and 4.5): `docker info`, the default
//! bridge, /etc/docker/daemon.json and dockerd's command line where readable,
//! and the stats of the daemon's files.

use super::Outcome;
use crate::host::{CERTS_D, FileFact, FileRole};
use crate::json::{at, bool_at, render, str_at, strings_at};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything the daemon checks look at, gathered by `audit_docker` (or built
/// by hand in tests).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DaemonFacts {
    /// `docker info` (GET /info).
    pub info: Value,
    /// `docker network inspect bridge`, when the default bridge exists.
    pub bridge: Option<Value>,
    /// /etc/docker/daemon.json, parsed, when readable.
    pub daemon_json: Option<Value>,
    pub daemon_json_path: String,
    /// Why daemon.json could not be used (unreadable, invalid JSON), if so.
    pub daemon_json_error: Option<String>,
    /// The running dockerd's arguments, when visible in /proc.
    pub dockerd_args: Option<Vec<String>>,
    /// The client side's `DOCKER_HOST` and TLS settings.
    pub docker_host: Option<String>,
    pub docker_tls_verify: bool,
    pub content_trust: Option<String>,
    /// Whether the daemon runs on this machine, so its files can be judged.
    pub local: bool,
    pub files: Vec<FileFact>,
}

/// Flags of dockerd that take no value (`--icc` alone means true).
const BOOL_FLAGS: [&str; 11] = [
    "icc",
    "iptables",
    "no-new-privileges",
    "live-restore",
    "userland-proxy",
    "experimental",
    "tlsverify",
    "tls",
    "debug",
    "selinux-enabled",
    "ip-forward",
];

/// The command-line spellings of a daemon.json key.
fn flag_names(key: &str) -> Vec<String> {
    match key {
        "hosts" => vec!["-H".into(), "--host".into()],
        "insecure-registries" => vec!["--insecure-registry".into()],
        "authorization-plugins" => vec!["--authorization-plugin".into()],
        "default-ulimits" => vec!["--default-ulimit".into()],
        "storage-opts" => vec!["--storage-opt".into()],
        "log-level" => vec!["-l".into(), "--log-level".into()],
        "debug" => vec!["-D".into(), "--debug".into()],
        k => vec![format!("--{k}")],
    }
}

impl DaemonFacts {
    fn security_options(&self) -> Vec<String> {
        strings_at(&self.info, "SecurityOptions")
    }

    /// Whether daemon settings are known at all (daemon.json read or dockerd's arguments seen).
    fn settings_known(&self) -> bool {
        self.local && (self.daemon_json.is_some() || self.dockerd_args.is_some())
    }

    /// The effective value of a daemon setting and where it came from:
    /// daemon.json first, then dockerd's flags (dockerd refuses both at once).
    pub fn setting(&self, key: &str) -> Option<(Value, String)> {
        if !self.local {
            return None;
        }
        if let Some(v) = self.daemon_json.as_ref().and_then(|j| j.get(key)) {
            return Some((
                v.clone(),
                format!("{}: \"{key}\": {v}", self.daemon_json_path),
            ));
        }
        let args = self.dockerd_args.as_ref()?;
        let names = flag_names(key);
        let is_bool = BOOL_FLAGS.contains(&key);
        let mut values = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            for n in &names {
                if let Some(rest) = a.strip_prefix(n.as_str()) {
                    if let Some(v) = rest.strip_prefix('=') {
                        values.push(v.to_string());
                    } else if rest.is_empty() {
                        if is_bool {
                            values.push("true".into());
                        } else if let Some(next) = args.get(i + 1) {
                            values.push(next.clone());
                            i += 1;
                        }
                    }
                }
            }
            i += 1;
        }
        if values.is_empty() {
            return None;
        }
        let evidence = format!(
            "dockerd {}",
            names[names.len() - 1].clone() + "=" + &values.join(",")
        );
        let v = if is_bool {
            Value::Bool(values.last().is_some_and(|v| v != "false"))
        } else if matches!(
            key,
            "hosts"
                | "insecure-registries"
                | "authorization-plugins"
                | "storage-opts"
                | "default-ulimits"
        ) {
            Value::Array(values.into_iter().map(Value::String).collect())
        } else {
            Value::String(values.pop().unwrap_or_default())
        };
        Some((v, evidence))
    }

    fn setting_bool(&self, key: &str) -> Option<(bool, String)> {
        self.setting(key)
            .map(|(v, e)| (v.as_bool().unwrap_or(v.as_str() == Some("true")), e))
    }

    fn unknown_settings(&self) -> String {
        if !self.local {
            format!(
                "the daemon is not on this host ({}); its daemon.json and flags cannot be read",
                self.docker_host.as_deref().unwrap_or("remote")
            )
        } else {
            format!(
                "{} not usable ({}) and dockerd's command line not visible",
                self.daemon_json_path,
                self.daemon_json_error.as_deref().unwrap_or("missing")
            )
        }
    }

    fn source_note(&self, key: &str) -> String {
        if self.daemon_json.is_some() {
            format!(
                "\"{key}\" not set in {} nor on dockerd's command line",
                self.daemon_json_path
            )
        } else {
            format!(
                "--{key} not on dockerd's command line and no {}",
                self.daemon_json_path
            )
        }
    }
}

/// Section 2 checks and 4.5.
pub fn daemon_checks(f: &DaemonFacts) -> Vec<Outcome> {
    let mut out = Vec::new();
    let sec = f.security_options();
    let sec_ev = format!(
        "SecurityOptions={}",
        serde_json::to_string(&sec).unwrap_or_default()
    );

    // 2.1
    out.push(if sec.iter().any(|s| s == "name=rootless") {
        Outcome::pass("DD-CIS-2.1", "SecurityOptions contains name=rootless")
    } else {
        Outcome::info(
            "DD-CIS-2.1",
            format!("{sec_ev}: no name=rootless, the daemon runs as root"),
        )
    });

    // 2.2: the bridge's own option is what the daemon applied.
    let icc = f
        .bridge
        .as_ref()
        .and_then(|b| b.get("Options"))
        .and_then(|o| o.get("com.docker.network.bridge.enable_icc"))
        .and_then(Value::as_str);
    out.push(match (icc, f.setting_bool("icc")) {
        (Some("false"), _) => Outcome::pass(
            "DD-CIS-2.2",
            "network bridge Options.com.docker.network.bridge.enable_icc=false",
        ),
        (Some(v), _) => Outcome::fail(
            "DD-CIS-2.2",
            format!("network bridge Options.com.docker.network.bridge.enable_icc={v}"),
        ),
        (None, Some((false, e))) => Outcome::pass("DD-CIS-2.2", e),
        (None, Some((true, e))) => Outcome::fail("DD-CIS-2.2", e),
        (None, None) => Outcome::manual(
            "DD-CIS-2.2",
            "no default bridge network and icc setting unknown",
        ),
    });

    // 2.3
    let level = f.setting("log-level");
    out.push(if bool_at(&f.info, "Debug") {
        Outcome::fail("DD-CIS-2.3", "Debug=true (log level debug)")
    } else {
        match level {
            Some((v, e)) if v.as_str() != Some("info") => Outcome::fail("DD-CIS-2.3", e),
            Some((_, e)) => Outcome::pass("DD-CIS-2.3", e),
            None => Outcome::pass(
                "DD-CIS-2.3",
                "Debug=false, log-level not set (default info)",
            ),
        }
    });

    // 2.4
    out.push(match f.setting_bool("iptables") {
        Some((false, e)) => Outcome::fail("DD-CIS-2.4", e),
        Some((true, e)) => Outcome::pass("DD-CIS-2.4", e),
        None if f.settings_known() => {
            Outcome::pass("DD-CIS-2.4", f.source_note("iptables") + " (default true)")
        }
        None => Outcome::manual("DD-CIS-2.4", f.unknown_settings()),
    });

    // 2.5: Docker always lists loopback as insecure; that is not a finding.
    let cidrs = strings_at(&f.info, "RegistryConfig.InsecureRegistryCIDRs");
    let mut insecure: Vec<String> = cidrs
        .iter()
        .filter(|c| *c != "127.0.0.0/8" && *c != "::1/128")
        .cloned()
        .collect();
    if let Some(Value::Object(idx)) = at(&f.info, "RegistryConfig.IndexConfigs") {
        for (name, cfg) in idx {
            if cfg.get("Secure").and_then(Value::as_bool) == Some(false) {
                insecure.push(name.clone());
            }
        }
    }
    out.push(if insecure.is_empty() {
        Outcome::pass(
            "DD-CIS-2.5",
            format!(
                "RegistryConfig.InsecureRegistryCIDRs={} (loopback only)",
                serde_json::to_string(&cidrs).unwrap_or_default()
            ),
        )
    } else {
        Outcome::fail(
            "DD-CIS-2.5",
            format!("insecure registries: {}", insecure.join(", ")),
        )
    });

    // 2.6
    let driver = str_at(&f.info, "Driver");
    out.push(if driver == "aufs" {
        Outcome::fail("DD-CIS-2.6", "Driver=aufs")
    } else {
        Outcome::pass("DD-CIS-2.6", format!("Driver={driver}"))
    });

    // 2.7
    out.push(tls_check(f));

    // 2.8
    out.push(match f.setting("default-ulimits") {
        Some((v, e)) if !crate::json::is_empty(Some(&v)) => Outcome::pass("DD-CIS-2.8", e),
        _ if !f.settings_known() => Outcome::manual("DD-CIS-2.8", f.unknown_settings()),
        _ => Outcome::info(
            "DD-CIS-2.8",
            f.source_note("default-ulimits") + ": containers get the daemon's inherited limits",
        ),
    });

    // 2.9
    out.push(if sec.iter().any(|s| s.starts_with("name=userns")) {
        Outcome::pass("DD-CIS-2.9", format!("{sec_ev} contains name=userns"))
    } else {
        Outcome::fail("DD-CIS-2.9", format!("{sec_ev}: no name=userns"))
    });

    // 2.10
    out.push(match f.setting("cgroup-parent") {
        Some((v, e)) if !crate::json::is_empty(Some(&v)) => Outcome::warn("DD-CIS-2.10", e),
        _ if !f.settings_known() => Outcome::manual("DD-CIS-2.10", f.unknown_settings()),
        _ => Outcome::pass("DD-CIS-2.10", f.source_note("cgroup-parent")),
    });

    // 2.11
    out.push(match f.setting("storage-opts") {
        Some((v, e)) if v.to_string().contains("dm.basesize") => Outcome::warn("DD-CIS-2.11", e),
        _ if !f.settings_known() => Outcome::manual("DD-CIS-2.11", f.unknown_settings()),
        _ => Outcome::pass("DD-CIS-2.11", "no dm.basesize in storage-opts"),
    });

    // 2.12
    let authz = strings_at(&f.info, "Plugins.Authorization");
    out.push(if authz.is_empty() {
        Outcome::fail("DD-CIS-2.12", "Plugins.Authorization=null")
    } else {
        Outcome::pass(
            "DD-CIS-2.12",
            format!(
                "Plugins.Authorization={}",
                serde_json::to_string(&authz).unwrap_or_default()
            ),
        )
    });

    // 2.13
    let log = str_at(&f.info, "LoggingDriver");
    out.push(match log {
        "none" => Outcome::fail("DD-CIS-2.13", "LoggingDriver=none"),
        "json-file" | "local" | "" => Outcome::warn(
            "DD-CIS-2.13",
            format!("LoggingDriver={log} (logs stay on the host)"),
        ),
        other => Outcome::pass("DD-CIS-2.13", format!("LoggingDriver={other}")),
    });

    // 2.14
    out.push(match f.setting_bool("no-new-privileges") {
        Some((true, e)) => Outcome::pass("DD-CIS-2.14", e),
        Some((false, e)) => Outcome::fail("DD-CIS-2.14", e),
        None if f.settings_known() => {
            Outcome::fail("DD-CIS-2.14", f.source_note("no-new-privileges"))
        }
        None => Outcome::manual("DD-CIS-2.14", f.unknown_settings()),
    });

    // 2.15
    out.push(if bool_at(&f.info, "LiveRestoreEnabled") {
        Outcome::pass("DD-CIS-2.15", "LiveRestoreEnabled=true")
    } else if str_at(&f.info, "Swarm.LocalNodeState") == "active" {
        Outcome::info("DD-CIS-2.15", "LiveRestoreEnabled=false; Swarm.LocalNodeState=active (live restore is incompatible with swarm mode)")
    } else {
        Outcome::fail("DD-CIS-2.15", "LiveRestoreEnabled=false")
    });

    // 2.16
    out.push(match f.setting_bool("userland-proxy") {
        Some((false, e)) => Outcome::pass("DD-CIS-2.16", e),
        Some((true, e)) => Outcome::fail("DD-CIS-2.16", e),
        None if f.settings_known() => Outcome::fail(
            "DD-CIS-2.16",
            f.source_note("userland-proxy") + " (default true)",
        ),
        None => Outcome::manual("DD-CIS-2.16", f.unknown_settings()),
    });

    // 2.17
    out.push(match sec.iter().find(|s| s.starts_with("name=seccomp")) {
        Some(s) if s.contains("profile=unconfined") => {
            Outcome::fail("DD-CIS-2.17", format!("SecurityOptions contains {s}"))
        }
        Some(s) => Outcome::pass("DD-CIS-2.17", format!("SecurityOptions contains {s}")),
        None => Outcome::fail("DD-CIS-2.17", format!("{sec_ev}: no seccomp")),
    });

    // 2.18
    out.push(if bool_at(&f.info, "ExperimentalBuild") {
        Outcome::fail("DD-CIS-2.18", "ExperimentalBuild=true")
    } else {
        Outcome::pass("DD-CIS-2.18", "ExperimentalBuild=false")
    });

    // 4.5
    out.push(match f.content_trust.as_deref() {
        Some("1") | Some("true") => Outcome::pass("DD-CIS-4.5", "DOCKER_CONTENT_TRUST=1"),
        Some(v) => Outcome::warn(
            "DD-CIS-4.5",
            format!("DOCKER_CONTENT_TRUST={v} in drydock's environment"),
        ),
        None => Outcome::warn(
            "DD-CIS-4.5",
            "DOCKER_CONTENT_TRUST not set in drydock's environment",
        ),
    });
    out
}

fn tls_check(f: &DaemonFacts) -> Outcome {
    let mut tcp: Vec<(String, String)> = Vec::new();
    if let Some((v, e)) = f.setting("hosts") {
        let hosts: Vec<String> = match v {
            Value::Array(a) => a.iter().map(render).collect(),
            other => vec![render(&other)],
        };
        tcp.extend(
            hosts
                .into_iter()
                .filter(|h| h.starts_with("tcp://"))
                .map(|h| (h, e.clone())),
        );
    }
    let verify = f.setting_bool("tlsverify").is_some_and(|(b, _)| b);
    let tls = f.setting_bool("tls").is_some_and(|(b, _)| b);
    let mut client_tcp = None;
    if let Some(h) = f.docker_host.as_deref().filter(|h| h.starts_with("tcp://")) {
        client_tcp = Some(h.to_string());
    }
    if tcp.is_empty() && client_tcp.is_none() {
        return if f.settings_known() || !f.local {
            Outcome::pass(
                "DD-CIS-2.7",
                "no tcp:// listener in daemon.json hosts, dockerd -H or DOCKER_HOST",
            )
        } else {
            Outcome::manual("DD-CIS-2.7", f.unknown_settings())
        };
    }
    if let Some(h) = client_tcp.filter(|_| tcp.is_empty()) {
        return if f.docker_tls_verify {
            Outcome::pass(
                "DD-CIS-2.7",
                format!("DOCKER_HOST={h} with DOCKER_TLS_VERIFY=1"),
            )
        } else {
            Outcome::fail(
                "DD-CIS-2.7",
                format!(
                    "DOCKER_HOST={h} without DOCKER_TLS_VERIFY: the API is reached over plain TCP"
                ),
            )
        };
    }
    let listed = tcp
        .iter()
        .map(|(h, e)| format!("{h} ({e})"))
        .collect::<Vec<_>>()
        .join(", ");
    if verify {
        Outcome::pass(
            "DD-CIS-2.7",
            format!("TCP listener {listed} with tlsverify=true"),
        )
    } else if tls {
        Outcome::warn(
            "DD-CIS-2.7",
            format!("TCP listener {listed} with tls but no tlsverify: any client is accepted"),
        )
    } else {
        Outcome::fail("DD-CIS-2.7", format!("TCP listener {listed} without TLS"))
    }
}

/// Section 3: owner and mode of the daemon's files.
pub fn file_checks(f: &DaemonFacts) -> Vec<(Outcome, String)> {
    // (role, owner check id, mode check id, allowed permission bits)
    const PLAN: [(FileRole, &str, &str, u32); 11] = [
        (FileRole::DockerService, "DD-CIS-3.1", "DD-CIS-3.2", 0o644),
        (
            FileRole::DockerSocketUnit,
            "DD-CIS-3.3",
            "DD-CIS-3.4",
            0o644,
        ),
        (FileRole::EtcDocker, "DD-CIS-3.5", "DD-CIS-3.6", 0o755),
        (FileRole::TlsCaCert, "DD-CIS-3.9", "DD-CIS-3.10", 0o444),
        (FileRole::TlsCert, "DD-CIS-3.11", "DD-CIS-3.12", 0o444),
        (FileRole::TlsKey, "DD-CIS-3.13", "DD-CIS-3.14", 0o400),
        (FileRole::Socket, "DD-CIS-3.15", "DD-CIS-3.16", 0o660),
        (FileRole::DaemonJson, "DD-CIS-3.17", "DD-CIS-3.18", 0o644),
        (
            FileRole::EtcDefaultDocker,
            "DD-CIS-3.19",
            "DD-CIS-3.20",
            0o644,
        ),
        // CIS numbers these two the other way round: 3.21 is the mode, 3.22 the owner.
        (
            FileRole::EtcSysconfigDocker,
            "DD-CIS-3.22",
            "DD-CIS-3.21",
            0o644,
        ),
        (
            FileRole::ContainerdSocket,
            "DD-CIS-3.23",
            "DD-CIS-3.24",
            0o660,
        ),
    ];
    let mut out = Vec::new();
    for (role, owner_id, mode_id, allowed) in PLAN {
        let fact = f.files.iter().find(|x| x.role == role);
        let Some(fact) = fact.filter(|_| f.local) else {
            let why = if f.local {
                match role {
                    FileRole::TlsCaCert | FileRole::TlsCert | FileRole::TlsKey => {
                        "no TLS file configured (tlscacert/tlscert/tlskey)".to_string()
                    }
                    _ => "file not found".to_string(),
                }
            } else {
                f.unknown_settings()
            };
            let status = if f.local {
                crate::Status::Info
            } else {
                crate::Status::Manual
            };
            out.push((Outcome::new(owner_id, status, why.clone()), "-".into()));
            out.push((Outcome::new(mode_id, status, why), "-".into()));
            continue;
        };
        let path = fact.path.clone();
        if !fact.exists {
            out.push((
                Outcome::info(owner_id, format!("{path}: not present")),
                path.clone(),
            ));
            out.push((Outcome::info(mode_id, format!("{path}: not present")), path));
            continue;
        }
        let owner = fact.owner();
        let owner_ok = if role == FileRole::Socket {
            fact.uid == 0 && (fact.group.as_deref() == Some("docker") || fact.gid == 0)
        } else {
            fact.uid == 0 && fact.gid == 0
        };
        let want = if role == FileRole::Socket {
            "root:docker"
        } else {
            "root:root"
        };
        out.push((
            if owner_ok {
                Outcome::pass(owner_id, format!("{path}: owner {owner}"))
            } else {
                Outcome::fail(owner_id, format!("{path}: owner {owner}, expected {want}"))
            },
            path.clone(),
        ));
        let extra = fact.mode & !allowed;
        out.push((
            if extra == 0 {
                Outcome::pass(mode_id, format!("{path}: mode {:04o}", fact.mode))
            } else {
                Outcome::fail(
                    mode_id,
                    format!(
                        "{path}: mode {:04o}, allowed at most {allowed:04o}",
                        fact.mode
                    ),
                )
            },
            path,
        ));
    }
    out.extend(registry_cert_checks(f));
    out
}

/// `a, b, c and 4 more`: offenders listed, but not hundreds of them.
fn list_some(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}

/// 3.7 and 3.8: everything under /etc/docker/certs.d is owned by root, and the
/// certificate and key files are 0444 or stricter.
fn registry_cert_checks(f: &DaemonFacts) -> Vec<(Outcome, String)> {
    const OWNER: &str = "DD-CIS-3.7";
    const MODE: &str = "DD-CIS-3.8";
    let dir = CERTS_D.to_string();
    let both = |status: crate::Status, why: String| {
        vec![
            (Outcome::new(OWNER, status, why.clone()), dir.clone()),
            (Outcome::new(MODE, status, why), dir.clone()),
        ]
    };
    if !f.local {
        return both(crate::Status::Manual, f.unknown_settings());
    }
    match f
        .files
        .iter()
        .find(|x| x.role == FileRole::RegistryCertsDir)
    {
        Some(d) if d.exists => {}
        _ => return both(crate::Status::Info, format!("{dir}: not present")),
    }
    let entries: Vec<&FileFact> = f
        .files
        .iter()
        .filter(|x| x.role == FileRole::RegistryCert)
        .collect();
    if entries.is_empty() {
        return both(
            crate::Status::Info,
            format!("{dir}: empty, no registry certificates"),
        );
    }
    let mut out = Vec::new();
    let bad_owner: Vec<String> = entries
        .iter()
        .filter(|x| x.uid != 0 || x.gid != 0)
        .map(|x| format!("{} owner {}", x.path, x.owner()))
        .collect();
    out.push((
        if bad_owner.is_empty() {
            Outcome::pass(
                OWNER,
                format!("{dir}: {} entries, all owned by root:root", entries.len()),
            )
        } else {
            Outcome::fail(
                OWNER,
                format!("{}; expected root:root", list_some(&bad_owner)),
            )
        },
        dir.clone(),
    ));
    let files: Vec<&&FileFact> = entries.iter().filter(|x| !x.is_dir).collect();
    let bad_mode: Vec<String> = files
        .iter()
        .filter(|x| x.mode & !0o444 != 0)
        .map(|x| format!("{} mode {:04o}", x.path, x.mode))
        .collect();
    out.push((
        if files.is_empty() {
            Outcome::info(MODE, format!("{dir}: no certificate files"))
        } else if bad_mode.is_empty() {
            Outcome::pass(
                MODE,
                format!("{dir}: {} files, all mode 0444 or stricter", files.len()),
            )
        } else {
            Outcome::fail(
                MODE,
                format!("{}; allowed at most 0444", list_some(&bad_mode)),
            )
        },
        dir,
    ));
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Status;
    use serde_json::json;

    /// A hardened daemon: every automated check passes.
    pub fn good() -> DaemonFacts {
        let file = |role, path: &str, mode, group: &str| FileFact {
            role,
            path: path.into(),
            exists: true,
            uid: 0,
            gid: if group == "root" { 0 } else { 998 },
            mode,
            user: Some("root".into()),
            group: Some(group.into()),
            is_socket: role == FileRole::Socket,
            is_dir: role == FileRole::EtcDocker,
        };
        DaemonFacts {
            info: json!({
                "SecurityOptions": ["name=seccomp,profile=default", "name=userns", "name=rootless"],
                "Driver": "overlay2", "LoggingDriver": "syslog", "LiveRestoreEnabled": true, "Debug": false,
                "ExperimentalBuild": false, "Plugins": {"Authorization": ["opa-docker-authz"]},
                "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"], "IndexConfigs": {"docker.io": {"Secure": true}}}
            }),
            bridge: Some(
                json!({"Name": "bridge", "Options": {"com.docker.network.bridge.enable_icc": "false"}}),
            ),
            daemon_json: Some(
                json!({"icc": false, "log-level": "info", "no-new-privileges": true, "userland-proxy": false,
                "live-restore": true, "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}},
                "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true,
                "tlscacert": "/etc/docker/ca.pem", "tlscert": "/etc/docker/cert.pem", "tlskey": "/etc/docker/key.pem"}),
            ),
            daemon_json_path: "/etc/docker/daemon.json".into(),
            daemon_json_error: None,
            dockerd_args: Some(vec![]),
            docker_host: None,
            docker_tls_verify: false,
            content_trust: Some("1".into()),
            local: true,
            files: vec![
                file(
                    FileRole::DockerService,
                    "/lib/systemd/system/docker.service",
                    0o644,
                    "root",
                ),
                file(
                    FileRole::DockerSocketUnit,
                    "/lib/systemd/system/docker.socket",
                    0o644,
                    "root",
                ),
                file(FileRole::EtcDocker, "/etc/docker", 0o755, "root"),
                file(FileRole::TlsCaCert, "/etc/docker/ca.pem", 0o444, "root"),
                file(FileRole::TlsCert, "/etc/docker/cert.pem", 0o444, "root"),
                file(FileRole::TlsKey, "/etc/docker/key.pem", 0o400, "root"),
                file(FileRole::Socket, "/var/run/docker.sock", 0o660, "docker"),
                file(
                    FileRole::DaemonJson,
                    "/etc/docker/daemon.json",
                    0o644,
                    "root",
                ),
                file(
                    FileRole::EtcDefaultDocker,
                    "/etc/default/docker",
                    0o644,
                    "root",
                ),
                file(
                    FileRole::EtcSysconfigDocker,
                    "/etc/sysconfig/docker",
                    0o600,
                    "root",
                ),
                file(
                    FileRole::ContainerdSocket,
                    "/run/containerd/containerd.sock",
                    0o660,
                    "root",
                ),
                file(FileRole::RegistryCertsDir, CERTS_D, 0o755, "root"),
                FileFact {
                    is_dir: true,
                    ..file(
                        FileRole::RegistryCert,
                        "/etc/docker/certs.d/registry.example:5000",
                        0o755,
                        "root",
                    )
                },
                file(
                    FileRole::RegistryCert,
                    "/etc/docker/certs.d/registry.example:5000/ca.crt",
                    0o444,
                    "root",
                ),
                file(
                    FileRole::RegistryCert,
                    "/etc/docker/certs.d/registry.example:5000/client.key",
                    0o400,
                    "root",
                ),
            ],
        }
    }

    fn status_of(f: &DaemonFacts, id: &str) -> (Status, String) {
        let all: Vec<Outcome> = daemon_checks(f)
            .into_iter()
            .chain(file_checks(f).into_iter().map(|(o, _)| o))
            .collect();
        let o = all
            .iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("{id} not emitted"));
        (o.status, o.evidence.clone())
    }

    /// (check id, how to break the good daemon, expected status, evidence substring)
    #[allow(clippy::type_complexity)]
    pub fn bad_cases() -> Vec<(
        &'static str,
        Box<dyn Fn(&mut DaemonFacts)>,
        Status,
        &'static str,
    )> {
        fn set(f: &mut DaemonFacts, k: &str, v: Value) {
            if let Some(Value::Object(m)) = f.daemon_json.as_mut() {
                m.insert(k.into(), v);
            }
        }
        fn file(f: &mut DaemonFacts, role: FileRole) -> &mut FileFact {
            f.files.iter_mut().find(|x| x.role == role).unwrap()
        }
        vec![
            (
                "DD-CIS-2.1",
                Box::new(|f| f.info["SecurityOptions"] = json!(["name=seccomp,profile=default"])),
                Status::Info,
                "no name=rootless",
            ),
            (
                "DD-CIS-2.2",
                Box::new(|f| {
                    f.bridge =
                        Some(json!({"Options": {"com.docker.network.bridge.enable_icc": "true"}}))
                }),
                Status::Fail,
                "enable_icc=true",
            ),
            (
                "DD-CIS-2.3",
                Box::new(|f| set(f, "log-level", json!("debug"))),
                Status::Fail,
                "\"log-level\": \"debug\"",
            ),
            (
                "DD-CIS-2.4",
                Box::new(|f| set(f, "iptables", json!(false))),
                Status::Fail,
                "\"iptables\": false",
            ),
            (
                "DD-CIS-2.5",
                Box::new(|f| {
                    f.info["RegistryConfig"]["InsecureRegistryCIDRs"] =
                        json!(["127.0.0.0/8", "10.0.0.0/8"])
                }),
                Status::Fail,
                "10.0.0.0/8",
            ),
            (
                "DD-CIS-2.6",
                Box::new(|f| f.info["Driver"] = json!("aufs")),
                Status::Fail,
                "Driver=aufs",
            ),
            (
                "DD-CIS-2.7",
                Box::new(|f| set(f, "tlsverify", json!(false))),
                Status::Fail,
                "tcp://0.0.0.0:2376",
            ),
            (
                "DD-CIS-2.8",
                Box::new(|f| {
                    f.daemon_json
                        .as_mut()
                        .unwrap()
                        .as_object_mut()
                        .unwrap()
                        .remove("default-ulimits");
                }),
                Status::Info,
                "default-ulimits",
            ),
            (
                "DD-CIS-2.9",
                Box::new(|f| f.info["SecurityOptions"] = json!(["name=seccomp,profile=default"])),
                Status::Fail,
                "no name=userns",
            ),
            (
                "DD-CIS-2.10",
                Box::new(|f| set(f, "cgroup-parent", json!("/foo"))),
                Status::Warn,
                "cgroup-parent",
            ),
            (
                "DD-CIS-2.11",
                Box::new(|f| set(f, "storage-opts", json!(["dm.basesize=20G"]))),
                Status::Warn,
                "dm.basesize",
            ),
            (
                "DD-CIS-2.12",
                Box::new(|f| f.info["Plugins"] = json!({})),
                Status::Fail,
                "Plugins.Authorization=null",
            ),
            (
                "DD-CIS-2.13",
                Box::new(|f| f.info["LoggingDriver"] = json!("json-file")),
                Status::Warn,
                "LoggingDriver=json-file",
            ),
            (
                "DD-CIS-2.14",
                Box::new(|f| {
                    f.daemon_json
                        .as_mut()
                        .unwrap()
                        .as_object_mut()
                        .unwrap()
                        .remove("no-new-privileges");
                }),
                Status::Fail,
                "\"no-new-privileges\" not set",
            ),
            (
                "DD-CIS-2.15",
                Box::new(|f| f.info["LiveRestoreEnabled"] = json!(false)),
                Status::Fail,
                "LiveRestoreEnabled=false",
            ),
            (
                "DD-CIS-2.16",
                Box::new(|f| set(f, "userland-proxy", json!(true))),
                Status::Fail,
                "\"userland-proxy\": true",
            ),
            (
                "DD-CIS-2.17",
                Box::new(|f| {
                    f.info["SecurityOptions"] = json!(["name=seccomp,profile=unconfined"])
                }),
                Status::Fail,
                "profile=unconfined",
            ),
            (
                "DD-CIS-2.18",
                Box::new(|f| f.info["ExperimentalBuild"] = json!(true)),
                Status::Fail,
                "ExperimentalBuild=true",
            ),
            (
                "DD-CIS-4.5",
                Box::new(|f| f.content_trust = None),
                Status::Warn,
                "DOCKER_CONTENT_TRUST not set",
            ),
            (
                "DD-CIS-3.1",
                Box::new(|f| file(f, FileRole::DockerService).uid = 1000),
                Status::Fail,
                "expected root:root",
            ),
            (
                "DD-CIS-3.2",
                Box::new(|f| file(f, FileRole::DockerService).mode = 0o664),
                Status::Fail,
                "mode 0664",
            ),
            (
                "DD-CIS-3.3",
                Box::new(|f| file(f, FileRole::DockerSocketUnit).gid = 5),
                Status::Fail,
                "expected root:root",
            ),
            (
                "DD-CIS-3.4",
                Box::new(|f| file(f, FileRole::DockerSocketUnit).mode = 0o666),
                Status::Fail,
                "mode 0666",
            ),
            (
                "DD-CIS-3.5",
                Box::new(|f| file(f, FileRole::EtcDocker).uid = 1000),
                Status::Fail,
                "expected root:root",
            ),
            (
                "DD-CIS-3.6",
                Box::new(|f| file(f, FileRole::EtcDocker).mode = 0o777),
                Status::Fail,
                "mode 0777",
            ),
            (
                "DD-CIS-3.9",
                Box::new(|f| file(f, FileRole::TlsCaCert).uid = 1000),
                Status::Fail,
                "expected root:root",
            ),
            (
                "DD-CIS-3.10",
                Box::new(|f| file(f, FileRole::TlsCaCert).mode = 0o644),
                Status::Fail,
                "mode 0644",
            ),
            (
                "DD-CIS-3.11",
                Box::new(|f| file(f, FileRole::TlsCert).uid = 1000),
                Status::Fail,
                "expected root:root",
            ),
            (
                "DD-CIS-3.12",
                Box::new(|f| file(f, FileRole::TlsCert).mode = 0o644),
                Status::Fail,
                "mode 0644",
            ),
            (
                "DD-CIS-3.13",
                Box::new(|f| file(f, FileRole::TlsKey).uid = 1000),
                Status::Fail,
                "expected root:root",
            ),
            (
                "DD-CIS-3.14",
                Box::new(|f| file(f, FileRole::TlsKey).mode = 0o440),
                Status::Fail,
                "mode 0440",
            ),
            (
                "DD-CIS-3.15",
                Box::new(|f| {
                    let x = file(f, FileRole::Socket);
                    x.gid = 1000;
                    x.group = Some("users".into());
                }),
                Status::Fail,
                "expected root:docker",
            ),
            (
                "DD-CIS-3.16",
                Box::new(|f| file(f, FileRole::Socket).mode = 0o666),
                Status::Fail,
                "mode 0666",
            ),
            (
                "DD-CIS-3.17",
                Box::new(|f| file(f, FileRole::DaemonJson).uid = 1000),
                Status::Fail,
                "expected root:root",
            ),
            (
                "DD-CIS-3.18",
                Box::new(|f| file(f, FileRole::DaemonJson).mode = 0o666),
                Status::Fail,
                "mode 0666",
            ),
            (
                "DD-CIS-3.19",
                Box::new(|f| {
                    let x = file(f, FileRole::EtcDefaultDocker);
                    x.gid = 50;
                    x.group = Some("staff".into());
                }),
                Status::Fail,
                "/etc/default/docker: owner root:staff, expected root:root",
            ),
            (
                "DD-CIS-3.20",
                Box::new(|f| file(f, FileRole::EtcDefaultDocker).mode = 0o646),
                Status::Fail,
                "mode 0646",
            ),
            (
                "DD-CIS-3.21",
                Box::new(|f| file(f, FileRole::EtcSysconfigDocker).mode = 0o664),
                Status::Fail,
                "/etc/sysconfig/docker: mode 0664",
            ),
            (
                "DD-CIS-3.22",
                Box::new(|f| {
                    let x = file(f, FileRole::EtcSysconfigDocker);
                    x.uid = 1000;
                    x.user = None;
                }),
                Status::Fail,
                "/etc/sysconfig/docker: owner 1000:root",
            ),
            (
                "DD-CIS-3.23",
                Box::new(|f| {
                    let x = file(f, FileRole::ContainerdSocket);
                    x.gid = 998;
                    x.group = Some("docker".into());
                }),
                Status::Fail,
                "containerd.sock: owner root:docker, expected root:root",
            ),
            (
                "DD-CIS-3.24",
                Box::new(|f| file(f, FileRole::ContainerdSocket).mode = 0o666),
                Status::Fail,
                "mode 0666, allowed at most 0660",
            ),
            (
                "DD-CIS-3.7",
                Box::new(|f| {
                    let x = f
                        .files
                        .iter_mut()
                        .find(|x| x.path.ends_with("ca.crt"))
                        .unwrap();
                    x.uid = 1000;
                    x.user = Some("ci".into());
                }),
                Status::Fail,
                "/etc/docker/certs.d/registry.example:5000/ca.crt owner ci:root; expected root:root",
            ),
            (
                "DD-CIS-3.8",
                Box::new(|f| {
                    let x = f
                        .files
                        .iter_mut()
                        .find(|x| x.path.ends_with("client.key"))
                        .unwrap();
                    x.mode = 0o640;
                }),
                Status::Fail,
                "/etc/docker/certs.d/registry.example:5000/client.key mode 0640; allowed at most 0444",
            ),
        ]
    }

    #[test]
    fn every_daemon_check_passes_on_the_good_fixture_and_fails_on_its_bad_one() {
        let good = good();
        for (id, breaker, want, ev) in bad_cases() {
            let (s, e) = status_of(&good, id);
            assert_eq!(s, Status::Pass, "{id} on the good daemon: {e}");
            let mut bad = good.clone();
            breaker(&mut bad);
            let (s, e) = status_of(&bad, id);
            assert_eq!(s, want, "{id} on its bad fixture: {e}");
            assert!(e.contains(ev), "{id}: evidence {e:?} lacks {ev:?}");
        }
    }

    #[test]
    fn command_line_flags_count_like_daemon_json() {
        let mut f = good();
        f.daemon_json = None;
        f.dockerd_args = Some(vec![
            "-H".into(),
            "tcp://0.0.0.0:2375".into(),
            "--icc=false".into(),
            "--no-new-privileges".into(),
        ]);
        f.bridge = None;
        assert_eq!(status_of(&f, "DD-CIS-2.2").0, Status::Pass);
        assert_eq!(
            status_of(&f, "DD-CIS-2.14"),
            (Status::Pass, "dockerd --no-new-privileges=true".into())
        );
        let (s, e) = status_of(&f, "DD-CIS-2.7");
        assert_eq!(s, Status::Fail);
        assert!(e.contains("tcp://0.0.0.0:2375"), "{e}");
        // Nothing readable: the checks that need settings say so instead of passing.
        f.dockerd_args = None;
        f.daemon_json_error = Some("permission denied".into());
        let (s, e) = status_of(&f, "DD-CIS-2.14");
        assert_eq!(s, Status::Manual);
        assert!(e.contains("permission denied"), "{e}");
        f.local = false;
        f.docker_host = Some("tcp://10.1.1.1:2375".into());
        assert_eq!(status_of(&f, "DD-CIS-3.16").0, Status::Manual);
        // Registry certificates and the other host files: MANUAL, saying why.
        for id in ["DD-CIS-3.7", "DD-CIS-3.8", "DD-CIS-3.19", "DD-CIS-3.24"] {
            let (s, e) = status_of(&f, id);
            assert_eq!(s, Status::Manual, "{id}");
            assert!(
                e.contains("not on this host (tcp://10.1.1.1:2375)"),
                "{id}: {e}"
            );
        }
        assert_eq!(status_of(&f, "DD-CIS-2.7").0, Status::Fail);
    }
}
