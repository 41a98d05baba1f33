//! Container runtime checks (CIS section 5) over `docker container inspect`.

use super::Outcome;
use super::image::is_root_user;
use crate::json::{at, evidence, i64_at, is_empty, str_at, strings_at};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the container checks know besides the inspect document.
#[derive(Debug, Clone, Default)]
pub struct ContainerCtx {
    /// The host has AppArmor (`name=apparmor` in `docker info` SecurityOptions).
    pub apparmor_host: bool,
    /// The daemon runs with SELinux support (`name=selinux`).
    pub selinux_host: bool,
    /// no-new-privileges is the daemon's default (check 2.14 passed), with its evidence.
    pub daemon_no_new_privileges: Option<String>,
    /// The image id the container's `Config.Image` tag names now: `None` when the
    /// container was started by id, `Some(None)` when the tag no longer exists.
    pub tag_now: Option<Option<String>>,
}

/// One published port: host address and port to container port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct PortBinding {
    /// As Docker reports it: `0.0.0.0`, `::`, `127.0.0.1`, or empty (all interfaces).
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
    pub proto: String,
}

impl PortBinding {
    pub fn all_interfaces(&self) -> bool {
        matches!(self.host_ip.as_str(), "" | "0.0.0.0" | "::" | "[::]")
    }
}

impl std::fmt::Display for PortBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ip = if self.host_ip.is_empty() {
            "0.0.0.0"
        } else {
            &self.host_ip
        };
        if ip.contains(':') {
            write!(
                f,
                "[{ip}]:{}->{}/{}",
                self.host_port, self.container_port, self.proto
            )
        } else {
            write!(
                f,
                "{ip}:{}->{}/{}",
                self.host_port, self.container_port, self.proto
            )
        }
    }
}

/// Ports published by a container: the live bindings when it runs, its
/// configured ones (HostConfig.PortBindings) otherwise.
pub fn published_ports(c: &Value) -> Vec<PortBinding> {
    let live = at(c, "NetworkSettings.Ports").filter(|v| !is_empty(Some(v)));
    let src = live.or_else(|| at(c, "HostConfig.PortBindings"));
    let mut out = Vec::new();
    if let Some(Value::Object(m)) = src {
        for (key, binds) in m {
            let (port, proto) = key.split_once('/').unwrap_or((key.as_str(), "tcp"));
            let Ok(container_port) = port.parse::<u16>() else {
                continue;
            };
            for b in binds.as_array().into_iter().flatten() {
                let host_port = b
                    .get("HostPort")
                    .and_then(Value::as_str)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                out.push(PortBinding {
                    host_ip: b
                        .get("HostIp")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    host_port,
                    container_port,
                    proto: proto.to_string(),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Docker's default capability set: adding these changes nothing.
const DEFAULT_CAPS: [&str; 14] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
];
const SENSITIVE_DIRS: [&str; 8] = [
    "/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr",
];

fn bind_mounts(c: &Value) -> Vec<&Value> {
    at(c, "Mounts")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|m| m.get("Type").and_then(Value::as_str) == Some("bind"))
                .collect()
        })
        .unwrap_or_default()
}

fn is_docker_socket(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    p.ends_with("docker.sock")
        || matches!(p, "/var/run" | "/run" | "/var/run/docker" | "/run/docker")
}

fn security_opts(c: &Value) -> Vec<String> {
    strings_at(c, "HostConfig.SecurityOpt")
}

/// Section 5 checks of one container.
pub fn container_checks(c: &Value, ctx: &ContainerCtx) -> Vec<Outcome> {
    let mut out = Vec::new();
    let sec = security_opts(c);
    let privileged = at(c, "HostConfig.Privileged")
        .and_then(Value::as_bool)
        .unwrap_or(false);

    // 5.1
    let profile = str_at(c, "AppArmorProfile");
    let aa_unconfined = sec
        .iter()
        .any(|s| s == "apparmor=unconfined" || s == "apparmor:unconfined");
    out.push(if !ctx.apparmor_host {
        Outcome::info("DD-CIS-5.1", format!("AppArmorProfile={profile:?}: the host has no AppArmor (docker info SecurityOptions lacks name=apparmor)"))
    } else if profile.is_empty() || profile == "unconfined" || aa_unconfined {
        Outcome::fail("DD-CIS-5.1", format!("AppArmorProfile={profile:?}"))
    } else {
        Outcome::pass("DD-CIS-5.1", format!("AppArmorProfile={profile}"))
    });

    // 5.2
    let label = str_at(c, "ProcessLabel");
    out.push(if !ctx.selinux_host {
        Outcome::info(
            "DD-CIS-5.2",
            "the daemon runs without SELinux (docker info SecurityOptions lacks name=selinux)",
        )
    } else if sec
        .iter()
        .any(|s| s == "label=disable" || s == "label:disable")
        || label.is_empty()
    {
        Outcome::fail(
            "DD-CIS-5.2",
            format!(
                "{}; ProcessLabel={label:?}",
                evidence(c, "HostConfig.SecurityOpt")
            ),
        )
    } else {
        Outcome::pass("DD-CIS-5.2", format!("ProcessLabel={label}"))
    });

    // 5.3
    let added: Vec<String> = strings_at(c, "HostConfig.CapAdd")
        .into_iter()
        .filter(|cap| {
            let n = cap.to_ascii_uppercase();
            let n = n.strip_prefix("CAP_").unwrap_or(&n);
            !DEFAULT_CAPS.contains(&n)
        })
        .collect();
    out.push(if added.is_empty() {
        Outcome::pass("DD-CIS-5.3", evidence(c, "HostConfig.CapAdd"))
    } else {
        Outcome::fail("DD-CIS-5.3", evidence(c, "HostConfig.CapAdd"))
    });

    // 5.4
    out.push(if privileged {
        Outcome::fail("DD-CIS-5.4", "HostConfig.Privileged=true")
    } else {
        Outcome::pass("DD-CIS-5.4", "HostConfig.Privileged=false")
    });

    // 5.5
    let mut rw = Vec::new();
    let mut ro = Vec::new();
    for m in bind_mounts(c) {
        let src = m.get("Source").and_then(Value::as_str).unwrap_or("");
        let norm = if src.len() > 1 {
            src.trim_end_matches('/')
        } else {
            src
        };
        let sensitive = SENSITIVE_DIRS
            .iter()
            .any(|d| norm == *d || (*d != "/" && norm.starts_with(&format!("{d}/"))));
        if !sensitive {
            continue;
        }
        let dst = m.get("Destination").and_then(Value::as_str).unwrap_or("");
        let text = format!(
            "Mounts: {src} -> {dst} (RW={})",
            m.get("RW").and_then(Value::as_bool).unwrap_or(false)
        );
        if m.get("RW").and_then(Value::as_bool).unwrap_or(false) {
            rw.push(text)
        } else {
            ro.push(text)
        }
    }
    out.push(if !rw.is_empty() {
        Outcome::fail(
            "DD-CIS-5.5",
            rw.into_iter().chain(ro).collect::<Vec<_>>().join("; "),
        )
    } else if !ro.is_empty() {
        Outcome::warn("DD-CIS-5.5", ro.join("; "))
    } else {
        Outcome::pass(
            "DD-CIS-5.5",
            "no bind mount of /, /boot, /dev, /etc, /lib, /proc, /sys or /usr",
        )
    });

    // 5.7, 5.8, 5.13
    let ports = published_ports(c);
    let list = |v: &[&PortBinding]| {
        v.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let low: Vec<&PortBinding> = ports
        .iter()
        .filter(|p| p.host_port > 0 && p.host_port < 1024)
        .collect();
    out.push(if low.is_empty() {
        Outcome::pass("DD-CIS-5.7", "no host port below 1024")
    } else {
        Outcome::fail("DD-CIS-5.7", format!("published {}", list(&low)))
    });
    let all: Vec<&PortBinding> = ports.iter().collect();
    out.push(if ports.is_empty() {
        Outcome::pass("DD-CIS-5.8", "no published ports")
    } else {
        Outcome::info("DD-CIS-5.8", format!("published {} (review)", list(&all)))
    });
    let wide: Vec<&PortBinding> = ports.iter().filter(|p| p.all_interfaces()).collect();
    out.push(if wide.is_empty() {
        Outcome::pass(
            "DD-CIS-5.13",
            if ports.is_empty() {
                "no published ports".to_string()
            } else {
                format!("published {}", list(&all))
            },
        )
    } else {
        Outcome::fail(
            "DD-CIS-5.13",
            format!("published on all interfaces: {}", list(&wide)),
        )
    });

    // 5.9, 5.15, 5.16, 5.20, 5.30: host namespaces.
    for (id, field) in [
        ("DD-CIS-5.9", "HostConfig.NetworkMode"),
        ("DD-CIS-5.15", "HostConfig.PidMode"),
        ("DD-CIS-5.16", "HostConfig.IpcMode"),
        ("DD-CIS-5.20", "HostConfig.UTSMode"),
        ("DD-CIS-5.30", "HostConfig.UsernsMode"),
    ] {
        out.push(if str_at(c, field) == "host" {
            Outcome::fail(id, format!("{field}=host"))
        } else {
            Outcome::pass(id, evidence(c, field))
        });
    }

    // 5.10
    out.push(if i64_at(c, "HostConfig.Memory") > 0 {
        Outcome::pass("DD-CIS-5.10", evidence(c, "HostConfig.Memory"))
    } else {
        Outcome::fail("DD-CIS-5.10", "HostConfig.Memory=0")
    });

    // 5.11
    let cpu_fields = [
        "HostConfig.NanoCpus",
        "HostConfig.CpuQuota",
        "HostConfig.CpuShares",
        "HostConfig.CpusetCpus",
    ];
    let set: Vec<String> = cpu_fields
        .iter()
        .filter(|f| !is_empty(at(c, f)))
        .map(|f| evidence(c, f))
        .collect();
    out.push(if set.is_empty() {
        Outcome::fail(
            "DD-CIS-5.11",
            "HostConfig.NanoCpus=0, CpuQuota=0, CpuShares=0, CpusetCpus=\"\"",
        )
    } else {
        Outcome::pass("DD-CIS-5.11", set.join(", "))
    });

    // 5.12
    out.push(
        if at(c, "HostConfig.ReadonlyRootfs")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        {
            Outcome::pass("DD-CIS-5.12", "HostConfig.ReadonlyRootfs=true")
        } else {
            Outcome::fail("DD-CIS-5.12", "HostConfig.ReadonlyRootfs=false")
        },
    );

    // 5.14
    let policy = str_at(c, "HostConfig.RestartPolicy.Name");
    let retries = i64_at(c, "HostConfig.RestartPolicy.MaximumRetryCount");
    let ev = format!("HostConfig.RestartPolicy.Name={policy}, MaximumRetryCount={retries}");
    out.push(match policy {
        "always" | "unless-stopped" => Outcome::fail("DD-CIS-5.14", ev),
        "on-failure" if retries == 0 || retries > 5 => Outcome::fail("DD-CIS-5.14", ev),
        _ => Outcome::pass("DD-CIS-5.14", ev),
    });

    // 5.17
    out.push(if is_empty(at(c, "HostConfig.Devices")) {
        Outcome::pass("DD-CIS-5.17", "HostConfig.Devices=[]")
    } else {
        Outcome::warn("DD-CIS-5.17", evidence(c, "HostConfig.Devices"))
    });

    // 5.18
    out.push(if is_empty(at(c, "HostConfig.Ulimits")) {
        Outcome::pass("DD-CIS-5.18", "HostConfig.Ulimits=[] (daemon defaults)")
    } else {
        Outcome::info(
            "DD-CIS-5.18",
            format!("{} (review)", evidence(c, "HostConfig.Ulimits")),
        )
    });

    // 5.19
    let shared: Vec<String> = bind_mounts(c)
        .iter()
        .filter(|m| {
            matches!(
                m.get("Propagation").and_then(Value::as_str),
                Some("shared" | "rshared")
            )
        })
        .map(|m| {
            format!(
                "Mounts: {} Propagation={}",
                str_at(m, "Destination"),
                str_at(m, "Propagation")
            )
        })
        .collect();
    out.push(if shared.is_empty() {
        Outcome::pass("DD-CIS-5.19", "no shared mount propagation")
    } else {
        Outcome::fail("DD-CIS-5.19", shared.join("; "))
    });

    // 5.21
    let sc_off = sec
        .iter()
        .find(|s| *s == "seccomp=unconfined" || *s == "seccomp:unconfined");
    out.push(match (sc_off, privileged) {
        (Some(s), _) => Outcome::fail(
            "DD-CIS-5.21",
            format!("HostConfig.SecurityOpt contains {s}"),
        ),
        (None, true) => Outcome::fail(
            "DD-CIS-5.21",
            "HostConfig.Privileged=true (privileged containers run without seccomp)",
        ),
        (None, false) => Outcome::pass(
            "DD-CIS-5.21",
            format!(
                "{} (default seccomp profile)",
                evidence(c, "HostConfig.SecurityOpt")
            ),
        ),
    });

    // 5.24
    out.push(if is_empty(at(c, "HostConfig.CgroupParent")) {
        Outcome::pass("DD-CIS-5.24", "HostConfig.CgroupParent=\"\"")
    } else {
        Outcome::warn("DD-CIS-5.24", evidence(c, "HostConfig.CgroupParent"))
    });

    // 5.25
    let nnp = sec.iter().find(|s| {
        let s = s.as_str();
        s == "no-new-privileges" || s == "no-new-privileges:true" || s == "no-new-privileges=true"
    });
    out.push(match (nnp, &ctx.daemon_no_new_privileges) {
        (Some(s), _) => Outcome::pass(
            "DD-CIS-5.25",
            format!("HostConfig.SecurityOpt contains {s}"),
        ),
        (None, Some(d)) => Outcome::pass("DD-CIS-5.25", format!("daemon default: {d}")),
        (None, None) => Outcome::fail("DD-CIS-5.25", evidence(c, "HostConfig.SecurityOpt")),
    });

    // 5.26
    let hc = strings_at(c, "Config.Healthcheck.Test");
    out.push(if !hc.is_empty() && hc[0] != "NONE" {
        Outcome::pass("DD-CIS-5.26", evidence(c, "Config.Healthcheck.Test"))
    } else {
        Outcome::fail("DD-CIS-5.26", evidence(c, "Config.Healthcheck"))
    });

    // 5.27
    let reference = str_at(c, "Config.Image");
    let running = str_at(c, "Image");
    out.push(match &ctx.tag_now {
        None => Outcome::pass(
            "DD-CIS-5.27",
            format!("Config.Image={reference} (started by id)"),
        ),
        Some(None) => Outcome::info(
            "DD-CIS-5.27",
            format!("Config.Image={reference}: the tag no longer exists"),
        ),
        Some(Some(now)) if now == running => Outcome::pass(
            "DD-CIS-5.27",
            format!(
                "Config.Image={reference} still names Image={}",
                crate::short_id(running)
            ),
        ),
        Some(Some(now)) => Outcome::warn(
            "DD-CIS-5.27",
            format!(
                "Config.Image={reference} now names {}, the container runs Image={}",
                crate::short_id(now),
                crate::short_id(running)
            ),
        ),
    });

    // 5.28
    let pids = at(c, "HostConfig.PidsLimit")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    out.push(if pids > 0 {
        Outcome::pass("DD-CIS-5.28", format!("HostConfig.PidsLimit={pids}"))
    } else {
        Outcome::fail("DD-CIS-5.28", evidence(c, "HostConfig.PidsLimit"))
    });

    // 5.29
    let on_bridge = at(c, "NetworkSettings.Networks")
        .and_then(|n| n.get("bridge"))
        .is_some()
        || matches!(str_at(c, "HostConfig.NetworkMode"), "default" | "bridge")
            && is_empty(at(c, "NetworkSettings.Networks"));
    out.push(if on_bridge {
        Outcome::warn(
            "DD-CIS-5.29",
            format!(
                "{}; NetworkSettings.Networks has bridge",
                evidence(c, "HostConfig.NetworkMode")
            ),
        )
    } else {
        Outcome::pass("DD-CIS-5.29", evidence(c, "HostConfig.NetworkMode"))
    });

    // 5.31
    let sock: Vec<String> = bind_mounts(c)
        .iter()
        .filter(|m| {
            is_docker_socket(str_at(m, "Source")) || is_docker_socket(str_at(m, "Destination"))
        })
        .map(|m| {
            format!(
                "Mounts: {} -> {}",
                str_at(m, "Source"),
                str_at(m, "Destination")
            )
        })
        .collect();
    out.push(if sock.is_empty() {
        Outcome::pass("DD-CIS-5.31", "no Docker socket mount")
    } else {
        Outcome::fail("DD-CIS-5.31", sock.join("; "))
    });

    // Runs as root
    let user = str_at(c, "Config.User");
    out.push(if is_root_user(user) {
        Outcome::fail("DD-RUN-ROOT", format!("Config.User={user:?}"))
    } else {
        Outcome::pass("DD-RUN-ROOT", format!("Config.User={user:?}"))
    });

    // Joins another container's namespaces
    let joined: Vec<String> = [
        "HostConfig.NetworkMode",
        "HostConfig.PidMode",
        "HostConfig.IpcMode",
    ]
    .iter()
    .filter(|f| str_at(c, f).starts_with("container:"))
    .map(|f| evidence(c, f))
    .collect();
    out.push(if joined.is_empty() {
        Outcome::pass("DD-RUN-SHARED-NS", "no container: namespace mode")
    } else {
        Outcome::fail("DD-RUN-SHARED-NS", joined.join(", "))
    });
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Status;
    use serde_json::json;

    /// `docker inspect` of a well-configured container, captured from the
    /// daemon here (tests/fixtures/good-container.json).
    pub fn good() -> (Value, ContainerCtx) {
        let v: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/good-container.json")).unwrap();
        let mut v = if let Value::Array(mut a) = v {
            a.remove(0)
        } else {
            v
        };
        // This host has no AppArmor; the fixture stands for one that has.
        v["AppArmorProfile"] = json!("docker-default");
        v["ProcessLabel"] = json!("system_u:system_r:container_t:s0:c1,c2");
        let ctx = ContainerCtx {
            apparmor_host: true,
            selinux_host: true,
            daemon_no_new_privileges: None,
            tag_now: Some(Some(str_at(&v, "Image").to_string())),
        };
        (v, ctx)
    }

    fn status(c: &Value, ctx: &ContainerCtx, id: &str) -> (Status, String) {
        let o = container_checks(c, ctx)
            .into_iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("{id}"));
        (o.status, o.evidence)
    }

    #[allow(clippy::type_complexity)]
    pub fn bad_cases() -> Vec<(
        &'static str,
        Box<dyn Fn(&mut Value, &mut ContainerCtx)>,
        Status,
        &'static str,
    )> {
        fn mount(c: &mut Value, src: &str, dst: &str, rw: bool, prop: &str) {
            c["Mounts"] = json!([{"Type": "bind", "Source": src, "Destination": dst, "Mode": "", "RW": rw, "Propagation": prop}]);
        }
        fn ports(c: &mut Value, ip: &str, port: &str) {
            c["NetworkSettings"]["Ports"] = json!({"80/tcp": [{"HostIp": ip, "HostPort": port}]});
        }
        vec![
            (
                "DD-CIS-5.1",
                Box::new(|c, _| c["AppArmorProfile"] = json!("unconfined")),
                Status::Fail,
                "AppArmorProfile=\"unconfined\"",
            ),
            (
                "DD-CIS-5.2",
                Box::new(|c, _| {
                    c["HostConfig"]["SecurityOpt"] = json!(["no-new-privileges", "label=disable"])
                }),
                Status::Fail,
                "label=disable",
            ),
            (
                "DD-CIS-5.3",
                Box::new(|c, _| c["HostConfig"]["CapAdd"] = json!(["SYS_ADMIN"])),
                Status::Fail,
                "HostConfig.CapAdd=[\"SYS_ADMIN\"]",
            ),
            (
                "DD-CIS-5.4",
                Box::new(|c, _| c["HostConfig"]["Privileged"] = json!(true)),
                Status::Fail,
                "HostConfig.Privileged=true",
            ),
            (
                "DD-CIS-5.5",
                Box::new(|c, _| mount(c, "/etc", "/host-etc", true, "rprivate")),
                Status::Fail,
                "/etc -> /host-etc (RW=true)",
            ),
            (
                "DD-CIS-5.7",
                Box::new(|c, _| ports(c, "127.0.0.1", "80")),
                Status::Fail,
                "127.0.0.1:80->80/tcp",
            ),
            (
                "DD-CIS-5.8",
                Box::new(|c, _| ports(c, "127.0.0.1", "8080")),
                Status::Info,
                "127.0.0.1:8080->80/tcp",
            ),
            (
                "DD-CIS-5.9",
                Box::new(|c, _| c["HostConfig"]["NetworkMode"] = json!("host")),
                Status::Fail,
                "HostConfig.NetworkMode=host",
            ),
            (
                "DD-CIS-5.10",
                Box::new(|c, _| c["HostConfig"]["Memory"] = json!(0)),
                Status::Fail,
                "HostConfig.Memory=0",
            ),
            (
                "DD-CIS-5.11",
                Box::new(|c, _| c["HostConfig"]["NanoCpus"] = json!(0)),
                Status::Fail,
                "NanoCpus=0",
            ),
            (
                "DD-CIS-5.12",
                Box::new(|c, _| c["HostConfig"]["ReadonlyRootfs"] = json!(false)),
                Status::Fail,
                "ReadonlyRootfs=false",
            ),
            (
                "DD-CIS-5.13",
                Box::new(|c, _| ports(c, "0.0.0.0", "8080")),
                Status::Fail,
                "0.0.0.0:8080->80/tcp",
            ),
            (
                "DD-CIS-5.14",
                Box::new(|c, _| {
                    c["HostConfig"]["RestartPolicy"] =
                        json!({"Name": "always", "MaximumRetryCount": 0})
                }),
                Status::Fail,
                "Name=always",
            ),
            (
                "DD-CIS-5.15",
                Box::new(|c, _| c["HostConfig"]["PidMode"] = json!("host")),
                Status::Fail,
                "HostConfig.PidMode=host",
            ),
            (
                "DD-CIS-5.16",
                Box::new(|c, _| c["HostConfig"]["IpcMode"] = json!("host")),
                Status::Fail,
                "HostConfig.IpcMode=host",
            ),
            (
                "DD-CIS-5.17",
                Box::new(
                    |c, _| c["HostConfig"]["Devices"] = json!([{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"}]),
                ),
                Status::Warn,
                "/dev/fuse",
            ),
            (
                "DD-CIS-5.18",
                Box::new(|c, _| {
                    c["HostConfig"]["Ulimits"] =
                        json!([{"Name": "nofile", "Soft": 1024, "Hard": 2048}])
                }),
                Status::Info,
                "nofile",
            ),
            (
                "DD-CIS-5.19",
                Box::new(|c, _| mount(c, "/srv/data", "/data", true, "rshared")),
                Status::Fail,
                "Propagation=rshared",
            ),
            (
                "DD-CIS-5.20",
                Box::new(|c, _| c["HostConfig"]["UTSMode"] = json!("host")),
                Status::Fail,
                "HostConfig.UTSMode=host",
            ),
            (
                "DD-CIS-5.21",
                Box::new(|c, _| {
                    c["HostConfig"]["SecurityOpt"] =
                        json!(["no-new-privileges", "seccomp=unconfined"])
                }),
                Status::Fail,
                "seccomp=unconfined",
            ),
            (
                "DD-CIS-5.24",
                Box::new(|c, _| c["HostConfig"]["CgroupParent"] = json!("/custom")),
                Status::Warn,
                "HostConfig.CgroupParent=/custom",
            ),
            (
                "DD-CIS-5.25",
                Box::new(|c, _| c["HostConfig"]["SecurityOpt"] = Value::Null),
                Status::Fail,
                "HostConfig.SecurityOpt=null",
            ),
            (
                "DD-CIS-5.26",
                Box::new(|c, _| {
                    c["Config"].as_object_mut().unwrap().remove("Healthcheck");
                }),
                Status::Fail,
                "Config.Healthcheck=null",
            ),
            (
                "DD-CIS-5.27",
                Box::new(|_, x| x.tag_now = Some(Some("sha256:ffffffffffffffffffff".into()))),
                Status::Warn,
                "now names ffffffffffff",
            ),
            (
                "DD-CIS-5.28",
                Box::new(|c, _| c["HostConfig"]["PidsLimit"] = Value::Null),
                Status::Fail,
                "HostConfig.PidsLimit=null",
            ),
            (
                "DD-CIS-5.29",
                Box::new(|c, _| c["NetworkSettings"]["Networks"] = json!({"bridge": {}})),
                Status::Warn,
                "bridge",
            ),
            (
                "DD-CIS-5.30",
                Box::new(|c, _| c["HostConfig"]["UsernsMode"] = json!("host")),
                Status::Fail,
                "HostConfig.UsernsMode=host",
            ),
            (
                "DD-CIS-5.31",
                Box::new(|c, _| {
                    mount(
                        c,
                        "/var/run/docker.sock",
                        "/var/run/docker.sock",
                        true,
                        "rprivate",
                    )
                }),
                Status::Fail,
                "/var/run/docker.sock",
            ),
            (
                "DD-RUN-ROOT",
                Box::new(|c, _| c["Config"]["User"] = json!("")),
                Status::Fail,
                "Config.User=\"\"",
            ),
            (
                "DD-RUN-SHARED-NS",
                Box::new(|c, _| c["HostConfig"]["NetworkMode"] = json!("container:abc")),
                Status::Fail,
                "container:abc",
            ),
        ]
    }

    #[test]
    fn every_container_check_passes_on_the_good_fixture_and_fails_on_its_bad_one() {
        let (c, ctx) = good();
        for (id, breaker, want, ev) in bad_cases() {
            let (s, e) = status(&c, &ctx, id);
            assert_eq!(s, Status::Pass, "{id} on the good container: {e}");
            let (mut c2, mut x2) = (c.clone(), ctx.clone());
            breaker(&mut c2, &mut x2);
            let (s, e) = status(&c2, &x2, id);
            assert_eq!(s, want, "{id}: {e}");
            assert!(e.contains(ev), "{id}: {e:?} lacks {ev:?}");
        }
    }

    #[test]
    fn selinux_and_apparmor_do_not_pass_where_they_do_not_apply() {
        let (c, mut ctx) = good();
        ctx.apparmor_host = false;
        ctx.selinux_host = false;
        assert_eq!(status(&c, &ctx, "DD-CIS-5.1").0, Status::Info);
        assert_eq!(status(&c, &ctx, "DD-CIS-5.2").0, Status::Info);
        ctx.selinux_host = true;
        let mut c2 = c.clone();
        c2["ProcessLabel"] = json!("");
        assert_eq!(status(&c2, &ctx, "DD-CIS-5.2").0, Status::Fail);
    }

    #[test]
    fn ro_sensitive_mount_warns_and_daemon_nnp_counts() {
        let (mut c, mut ctx) = good();
        c["Mounts"] = json!([{"Type": "bind", "Source": "/etc/ssl/certs", "Destination": "/certs", "RW": false}]);
        assert_eq!(status(&c, &ctx, "DD-CIS-5.5").0, Status::Warn);
        c["HostConfig"]["SecurityOpt"] = Value::Null;
        ctx.daemon_no_new_privileges =
            Some("/etc/docker/daemon.json: \"no-new-privileges\": true".into());
        assert_eq!(status(&c, &ctx, "DD-CIS-5.25").0, Status::Pass);
        c["HostConfig"]["Privileged"] = json!(true);
        assert_eq!(status(&c, &ctx, "DD-CIS-5.21").0, Status::Fail);
        c["HostConfig"]["RestartPolicy"] = json!({"Name": "on-failure", "MaximumRetryCount": 5});
        assert_eq!(status(&c, &ctx, "DD-CIS-5.14").0, Status::Pass);
        c["HostConfig"]["RestartPolicy"] = json!({"Name": "on-failure", "MaximumRetryCount": 0});
        assert_eq!(status(&c, &ctx, "DD-CIS-5.14").0, Status::Fail);
    }
}
