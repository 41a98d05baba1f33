//! OS detection and OS package databases.
//!
//! The analyzers ([`analyzers`]) read one file each and know nothing of the
//! rest of the image. Three functions then combine their outputs, and the
//! image walker calls them once per scan, after merging layers:
//!
//! 1. [`merge_os`] on the [`OsInfo`] of every `os-release` analyzer output;
//! 2. [`is_distroless`] on the paths the packages were read from, to set
//!    [`OsInfo::distroless`] (the os-release analyzer also sets it when the
//!    os-release file itself says distroless);
//! 3. [`finalize_os_packages`] with that OS, to give OS packages their
//!    distribution (Debian vs Ubuntu) and full purls.

pub mod apk;
pub mod dpkg;
pub mod eol;
pub mod release;
pub mod rpm;

use drydock_core::{Analyzer, Ecosystem, Location, OsInfo, Package, PackageKind, package::purl};

pub use eol::{eol_date, is_eol};
pub use release::merge_os;

/// The OS analyzers.
pub fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![
        Box::new(release::OsReleaseAnalyzer),
        Box::new(dpkg::DpkgAnalyzer),
        Box::new(apk::ApkAnalyzer),
        Box::new(rpm::RpmAnalyzer),
    ]
}

/// Whether the packages were read the distroless way: from dpkg's
/// `status.d/` directory with no `var/lib/dpkg/status` beside it. Pass the
/// `location.path` of every package (or every file analyzed).
pub fn is_distroless<'a>(paths: impl IntoIterator<Item = &'a str>) -> bool {
    let mut status_d = false;
    for p in paths {
        if p == "var/lib/dpkg/status" {
            return false;
        }
        status_d |= p.starts_with("var/lib/dpkg/status.d/");
    }
    status_d
}

/// Completes OS packages once the OS is known: dpkg packages become `Ubuntu`
/// on Ubuntu (the analyzer cannot tell, and says `Debian`), and every OS
/// package's purl is rebuilt with `arch` and `distro=<family>-<version>`
/// qualifiers, rpm purls with the vendor namespace and an `epoch` qualifier.
/// Packages of other kinds are left alone.
pub fn finalize_os_packages(os: Option<&OsInfo>, pkgs: &mut [Package]) {
    let distro = os
        .filter(|o| !o.family.is_empty() && !o.version.is_empty())
        .map(|o| format!("{}-{}", o.family, o.version))
        .unwrap_or_default();
    for p in pkgs.iter_mut().filter(|p| p.kind == PackageKind::Os) {
        let arch = p.arch.clone().unwrap_or_default();
        match p.ecosystem {
            Ecosystem::Debian | Ecosystem::Ubuntu => {
                if let Some(os) = os {
                    p.ecosystem = if os.family == "ubuntu" {
                        Ecosystem::Ubuntu
                    } else {
                        Ecosystem::Debian
                    };
                }
                p.purl = purl(
                    p.ecosystem,
                    &p.name,
                    &p.version,
                    &[("arch", &arch), ("distro", &distro)],
                );
            }
            Ecosystem::Alpine => {
                p.purl = purl(
                    p.ecosystem,
                    &p.name,
                    &p.version,
                    &[("arch", &arch), ("distro", &distro)],
                );
            }
            Ecosystem::Rpm => {
                let ns = os.map(|o| rpm_namespace(&o.family));
                p.purl = rpm_purl_with(ns, &p.name, &p.version, p.arch.as_deref(), &distro);
            }
            _ => {}
        }
    }
}

/// The purl namespace (vendor) of an rpm distribution: purl-spec's examples
/// use the vendor (`redhat`, `fedora`, `opensuse`), not the os-release ID.
pub fn rpm_namespace(family: &str) -> &str {
    match family {
        "rhel" => "redhat",
        "ol" => "oracle",
        "amzn" => "amazon",
        "sles" | "sled" | "sle-micro" => "suse",
        f if f.starts_with("opensuse") => "opensuse",
        f => f,
    }
}

/// An rpm purl: the version without epoch, the epoch as a qualifier.
pub(crate) fn rpm_purl(
    namespace: Option<&str>,
    name: &str,
    version: &str,
    arch: Option<&str>,
) -> String {
    rpm_purl_with(namespace, name, version, arch, "")
}

fn rpm_purl_with(
    namespace: Option<&str>,
    name: &str,
    version: &str,
    arch: Option<&str>,
    distro: &str,
) -> String {
    let (epoch, vr) = match version.split_once(':') {
        Some((e, vr)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => (e, vr),
        _ => ("", version),
    };
    let base = purl(
        Ecosystem::Rpm,
        name,
        vr,
        &[
            ("arch", arch.unwrap_or("")),
            ("epoch", epoch),
            ("distro", distro),
        ],
    );
    // drydock_core::package::purl has no rpm namespace; insert it, percent-encoded
    // the same way (vendor names are plain lowercase words in practice).
    match (
        namespace.filter(|n| !n.is_empty()),
        base.strip_prefix("pkg:rpm/"),
    ) {
        (Some(ns), Some(rest)) => {
            let ns: String = ns
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("pkg:rpm/{ns}/{rest}")
        }
        _ => base,
    }
}

fn location(path: &str, line: Option<u32>) -> Location {
    Location {
        path: path.to_string(),
        layer: None,
        line,
    }
}

/// Collects an analyzer's warnings for one file: each names the file, and a
/// badly broken file gives a bounded number of them plus a count of the rest.
pub(crate) struct WarningSink {
    path: String,
    list: Vec<String>,
    dropped: usize,
}

impl WarningSink {
    const MAX: usize = 20;

    pub(crate) fn new(path: &str) -> WarningSink {
        WarningSink {
            path: path.to_string(),
            list: Vec::new(),
            dropped: 0,
        }
    }

    pub(crate) fn push(&mut self, msg: String) {
        if self.list.len() < Self::MAX {
            self.list.push(format!("{}: {msg}", self.path));
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn finish(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.list.push(format!(
                "{}: {} more problems not listed",
                self.path, self.dropped
            ));
        }
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(family: &str, version: &str) -> OsInfo {
        OsInfo {
            family: family.into(),
            version: version.into(),
            ..OsInfo::default()
        }
    }

    fn pkg(eco: Ecosystem, name: &str, version: &str, arch: &str) -> Package {
        let mut p = Package::new(eco, PackageKind::Os, name, version, Location::file("x"));
        p.arch = Some(arch.into());
        p
    }

    #[test]
    fn finalize_sets_distro_and_namespace() {
        let mut pkgs = vec![
            pkg(Ecosystem::Debian, "libc6", "2.35-0ubuntu3.8", "amd64"),
            pkg(Ecosystem::Rpm, "bash", "1:5.1.8-9.el9", "x86_64"),
            pkg(Ecosystem::Alpine, "musl", "1.2.5-r0", "x86_64"),
        ];
        let mut lib = Package::new(
            Ecosystem::PyPI,
            PackageKind::Library,
            "requests",
            "2.0",
            Location::file("y"),
        );
        lib.purl = "untouched".into();
        pkgs.push(lib);
        finalize_os_packages(Some(&os("ubuntu", "22.04")), &mut pkgs);
        assert_eq!(pkgs[0].ecosystem, Ecosystem::Ubuntu);
        assert_eq!(
            pkgs[0].purl,
            "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.8?arch=amd64&distro=ubuntu-22.04"
        );
        assert_eq!(pkgs[3].purl, "untouched");

        finalize_os_packages(Some(&os("rhel", "9.3")), &mut pkgs[1..2]);
        assert_eq!(
            pkgs[1].purl,
            "pkg:rpm/redhat/bash@5.1.8-9.el9?arch=x86_64&distro=rhel-9.3&epoch=1"
        );
        finalize_os_packages(Some(&os("almalinux", "9.4")), &mut pkgs[1..2]);
        assert_eq!(
            pkgs[1].purl,
            "pkg:rpm/almalinux/bash@5.1.8-9.el9?arch=x86_64&distro=almalinux-9.4&epoch=1"
        );
        finalize_os_packages(Some(&os("alpine", "3.20.3")), &mut pkgs[2..3]);
        assert_eq!(
            pkgs[2].purl,
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3"
        );

        // Unknown OS: Debian stays Debian, no distro qualifier, no rpm namespace.
        let mut unknown = vec![
            pkg(Ecosystem::Debian, "libc6", "2.36-9", "amd64"),
            pkg(Ecosystem::Rpm, "bash", "5.1-1", "x86_64"),
        ];
        finalize_os_packages(None, &mut unknown);
        assert_eq!(unknown[0].purl, "pkg:deb/debian/libc6@2.36-9?arch=amd64");
        assert_eq!(unknown[1].purl, "pkg:rpm/bash@5.1-1?arch=x86_64");
    }

    #[test]
    fn distroless_layout() {
        assert!(is_distroless([
            "var/lib/dpkg/status.d/base",
            "etc/os-release"
        ]));
        assert!(!is_distroless([
            "var/lib/dpkg/status.d/base",
            "var/lib/dpkg/status"
        ]));
        assert!(!is_distroless(["var/lib/dpkg/status"]));
        assert!(!is_distroless(Vec::<&str>::new()));
    }

    #[test]
    fn warnings_are_bounded() {
        let mut w = WarningSink::new("f");
        for i in 0..25 {
            w.push(format!("w{i}"));
        }
        let list = w.finish();
        assert_eq!(list.len(), 21);
        assert_eq!(list[0], "f: w0");
        assert_eq!(list[20], "f: 5 more problems not listed");
    }
}
