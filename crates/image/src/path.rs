//! Path normalisation for entries read from layers and archives.
//!
//! Layer tars are untrusted: entries may be absolute, carry `..` segments that
//! climb out of the root, or be written `./a//b`. Everything drydock keys on is
//! the lexically cleaned path relative to the image root, with `..` clamped at
//! the root exactly as a container runtime does when it joins a path to a
//! rootfs (`../../etc/passwd` is `etc/passwd` inside the image, never a host path).

/// Cleans `raw` into a root-relative path: no leading `/`, no `.`/`..`/empty
/// segments. Returns the path and whether `..` tried to leave the root.
pub fn normalize(raw: &str) -> (String, bool) {
    let mut parts: Vec<&str> = Vec::new();
    let mut escaped = false;
    for seg in raw.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    escaped = true;
                }
            }
            s => parts.push(s),
        }
    }
    (parts.join("/"), escaped)
}

/// Resolves a symlink target found at `link_path` to a root-relative path,
/// inside the image root: absolute targets are relative to the image root, and
/// relative ones to the link's directory; `..` never leaves the root.
pub fn resolve_link(link_path: &str, target: &str) -> String {
    if target.starts_with('/') {
        normalize(target).0
    } else {
        let dir = match link_path.rfind('/') {
            Some(i) => &link_path[..i],
            None => "",
        };
        normalize(&format!("{dir}/{target}")).0
    }
}

/// True when `path` equals `dir` or lies below it (`dir` empty = the root).
pub fn is_under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_hostile_paths() {
        assert_eq!(normalize("./etc//passwd"), ("etc/passwd".into(), false));
        assert_eq!(
            normalize("/usr/lib/../lib64/x"),
            ("usr/lib64/x".into(), false)
        );
        assert_eq!(normalize("../../etc/shadow"), ("etc/shadow".into(), true));
        assert_eq!(normalize("a/../../b"), ("b".into(), true));
        assert_eq!(normalize("./"), ("".into(), false));
    }

    #[test]
    fn resolves_links_inside_root() {
        assert_eq!(
            resolve_link("etc/os-release", "../usr/lib/os-release"),
            "usr/lib/os-release"
        );
        assert_eq!(
            resolve_link("var/lib/rpm", "../../usr/lib/sysimage/rpm"),
            "usr/lib/sysimage/rpm"
        );
        assert_eq!(resolve_link("a/b", "/etc/x"), "etc/x");
        assert_eq!(resolve_link("x", "../../../../etc/passwd"), "etc/passwd");
    }

    #[test]
    fn under() {
        assert!(is_under("usr/lib/x", "usr/lib"));
        assert!(is_under("usr/lib", "usr/lib"));
        assert!(!is_under("usr/lib64", "usr/lib"));
        assert!(is_under("anything", ""));
    }
}
