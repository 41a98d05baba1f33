//! Facts about the daemon's files on this host (CIS section 3): owner, group
//! and mode of the unit files, /etc/docker, daemon.json, TLS files and the
//! socket, plus the running dockerd's command line. Only meaningful when the
//! daemon runs on this machine (unix socket).

use serde::{Deserialize, Serialize};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

/// Which file of the daemon a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    DockerService,
    DockerSocketUnit,
    EtcDocker,
    TlsCaCert,
    TlsCert,
    TlsKey,
    Socket,
    DaemonJson,
}

/// `stat` of one file; `exists: false` when it is not there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFact {
    pub role: FileRole,
    pub path: String,
    pub exists: bool,
    pub uid: u32,
    pub gid: u32,
    /// Permission bits (`0o660`).
    pub mode: u32,
    pub user: Option<String>,
    pub group: Option<String>,
    pub is_socket: bool,
}

impl FileFact {
    pub fn stat(role: FileRole, path: &str) -> FileFact {
        match std::fs::metadata(path) {
            Ok(m) => FileFact {
                role,
                path: path.to_string(),
                exists: true,
                uid: m.uid(),
                gid: m.gid(),
                mode: m.mode() & 0o7777,
                user: name_of("/etc/passwd", m.uid()),
                group: name_of("/etc/group", m.gid()),
                is_socket: m.file_type().is_socket(),
            },
            Err(_) => FileFact {
                role,
                path: path.to_string(),
                exists: false,
                uid: 0,
                gid: 0,
                mode: 0,
                user: None,
                group: None,
                is_socket: false,
            },
        }
    }

    /// `owner:group` by name where the name is known, else by number.
    pub fn owner(&self) -> String {
        format!(
            "{}:{}",
            self.user.clone().unwrap_or_else(|| self.uid.to_string()),
            self.group.clone().unwrap_or_else(|| self.gid.to_string())
        )
    }
}

/// The name of a uid or gid from a passwd-format file (name:x:id:...).
/// Hand-written: a dozen lines against a crate with libc bindings for one lookup.
fn name_of(file: &str, id: u32) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _ = f.next()?;
        (f.next()?.parse::<u32>().ok()? == id).then(|| name.to_string())
    })
}

/// The unit file of a systemd unit, in the places distributions install them
/// (an override in /etc wins).
pub fn unit_file(name: &str) -> String {
    for dir in [
        "/etc/systemd/system",
        "/usr/lib/systemd/system",
        "/lib/systemd/system",
    ] {
        let p = format!("{dir}/{name}");
        if Path::new(&p).exists() {
            return p;
        }
    }
    format!("/lib/systemd/system/{name}")
}

/// The arguments of the running `dockerd` (without argv\[0\]), read from /proc.
pub fn dockerd_args() -> Option<Vec<String>> {
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() != "dockerd" {
            continue;
        }
        let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        return Some(args.into_iter().skip(1).collect());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_reads_mode_and_owner() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("daemon.json");
        std::fs::write(&p, "{}").unwrap();
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
        let f = FileFact::stat(FileRole::DaemonJson, p.to_str().unwrap());
        assert!(f.exists);
        assert_eq!(f.mode, 0o640);
        assert_eq!(f.uid, std::fs::metadata(&p).unwrap().uid());
        let missing = FileFact::stat(FileRole::TlsKey, "/nonexistent/key.pem");
        assert!(!missing.exists);
        assert_eq!(name_of("/etc/passwd", 0).as_deref(), Some("root"));
    }
}
