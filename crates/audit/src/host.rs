//! Facts about the daemon's files on this host (CIS section 3): owner, group
//! and mode of the unit files, /etc/docker, daemon.json, TLS files and the
//! socket, plus the running dockerd's command line. Only meaningful when the
//! daemon runs on this machine (unix socket).

use serde::{Deserialize, Serialize};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

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
    /// /etc/docker/certs.d itself (3.7, 3.8 look at what is inside).
    RegistryCertsDir,
    /// A file or registry directory under /etc/docker/certs.d.
    RegistryCert,
    EtcDefaultDocker,
    EtcSysconfigDocker,
    ContainerdSocket,
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
    #[serde(default)]
    pub is_dir: bool,
}

/// `path` (absolute, as the host sees it) under the host root `root`.
pub fn host_path(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

impl FileFact {
    pub fn stat(role: FileRole, path: &str) -> FileFact {
        FileFact::stat_in(Path::new("/"), role, path)
    }

    /// `stat` of the host's `path` with the host's root file system at `root`
    /// (`/`, or where it is mounted); names come from that root's passwd and group.
    /// The fact keeps the host's path.
    pub fn stat_in(root: &Path, role: FileRole, path: &str) -> FileFact {
        match std::fs::metadata(host_path(root, path)) {
            Ok(m) => FileFact {
                role,
                path: path.to_string(),
                exists: true,
                uid: m.uid(),
                gid: m.gid(),
                mode: m.mode() & 0o7777,
                user: name_of(&host_path(root, "/etc/passwd"), m.uid()),
                group: name_of(&host_path(root, "/etc/group"), m.gid()),
                is_socket: m.file_type().is_socket(),
                is_dir: m.is_dir(),
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
                is_dir: false,
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
fn name_of(file: &Path, id: u32) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _ = f.next()?;
        (f.next()?.parse::<u32>().ok()? == id).then(|| name.to_string())
    })
}

/// The unit file of a systemd unit, in the places distributions install them
/// (an override in /etc wins), on the host whose root is `root`.
pub fn unit_file(root: &Path, name: &str) -> String {
    for dir in [
        "/etc/systemd/system",
        "/usr/lib/systemd/system",
        "/lib/systemd/system",
    ] {
        let p = format!("{dir}/{name}");
        if host_path(root, &p).exists() {
            return p;
        }
    }
    format!("/lib/systemd/system/{name}")
}

/// Where registry certificates live (CIS 3.7, 3.8).
pub const CERTS_D: &str = "/etc/docker/certs.d";

/// /etc/docker/certs.d and everything below it (registry directories and their
/// `ca.crt`, `client.cert`, `client.key`), as `docker` reads them: symlinks
/// followed, at most three levels deep, sorted by path.
pub fn registry_certs(root: &Path) -> Vec<FileFact> {
    let mut out = vec![FileFact::stat_in(root, FileRole::RegistryCertsDir, CERTS_D)];
    if !out[0].exists {
        return out;
    }
    let mut stack = vec![(CERTS_D.to_string(), 0usize)];
    let mut found = Vec::new();
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(host_path(root, &dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let path = format!("{dir}/{}", e.file_name().to_string_lossy());
            let fact = FileFact::stat_in(root, FileRole::RegistryCert, &path);
            if !fact.exists {
                continue; // a dangling symlink: docker cannot read it either
            }
            if fact.is_dir && depth < 2 {
                stack.push((path, depth + 1));
            }
            found.push(fact);
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    out.extend(found);
    out
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
        assert_eq!(
            name_of(Path::new("/etc/passwd"), 0).as_deref(),
            Some("root")
        );
    }
}
