//! What a package URL in a third-party SBOM tells about a package: the
//! ecosystem (from the purl type and, for `deb`, the namespace), the name as
//! drydock writes it, the version, and the `arch` / `upstream` qualifiers.

use drydock_core::{Artifact, ArtifactKind, Ecosystem};
use packageurl::PackageUrl;
use std::str::FromStr;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PurlInfo {
    pub ecosystem: Option<Ecosystem>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub arch: Option<String>,
    pub source_name: Option<String>,
    pub source_version: Option<String>,
}

/// The ecosystem of a purl type; `deb` is Debian unless the namespace says Ubuntu.
pub(crate) fn ecosystem(ty: &str, namespace: Option<&str>) -> Option<Ecosystem> {
    Some(match ty.to_ascii_lowercase().as_str() {
        "deb" => match namespace.map(str::to_ascii_lowercase).as_deref() {
            Some("ubuntu") => Ecosystem::Ubuntu,
            _ => Ecosystem::Debian,
        },
        "apk" => Ecosystem::Alpine,
        "rpm" => Ecosystem::Rpm,
        "pypi" => Ecosystem::PyPI,
        "npm" => Ecosystem::Npm,
        "cargo" => Ecosystem::CratesIo,
        "golang" => Ecosystem::Go,
        "maven" => Ecosystem::Maven,
        "gem" => Ecosystem::RubyGems,
        "composer" => Ecosystem::Packagist,
        "nuget" => Ecosystem::NuGet,
        _ => return None,
    })
}

/// The package name as drydock writes it for an ecosystem, from a purl's
/// namespace and name (Maven `group:artifact`, npm `@scope/name`, Go module path).
pub(crate) fn package_name(eco: Ecosystem, namespace: Option<&str>, name: &str) -> String {
    match (eco, namespace) {
        (Ecosystem::Maven, Some(ns)) if !ns.is_empty() => format!("{ns}:{name}"),
        (Ecosystem::Npm | Ecosystem::Packagist | Ecosystem::Go, Some(ns)) if !ns.is_empty() => {
            format!("{ns}/{name}")
        }
        _ => name.to_string(),
    }
}

pub(crate) fn parse(purl: &str) -> PurlInfo {
    let Ok(p) = PackageUrl::from_str(purl) else {
        // Some producers write purls the strict parser rejects (a missing
        // namespace, say); the type alone still gives the ecosystem.
        let ty = purl
            .strip_prefix("pkg:")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default();
        return PurlInfo {
            ecosystem: ecosystem(ty, None),
            ..PurlInfo::default()
        };
    };
    let eco = ecosystem(p.ty(), p.namespace());
    let qualifier = |key: &str| {
        p.qualifiers()
            .iter()
            .find(|(k, _)| k.as_ref() == key)
            .map(|(_, v)| v.to_string())
            .filter(|v| !v.is_empty())
    };
    let (source_name, source_version) = match qualifier("upstream") {
        Some(up) => split_upstream(eco, &up),
        None => (None, None),
    };
    PurlInfo {
        ecosystem: eco,
        name: eco.map(|e| package_name(e, p.namespace(), p.name())),
        version: p.version().map(str::to_string),
        arch: qualifier("arch"),
        source_name,
        source_version,
    }
}

/// The `upstream` qualifier: `glibc` or `glibc@2.36-9` for deb and apk (Syft),
/// a source rpm file name (`glibc-2.34-60.el9.src.rpm`) for rpm.
fn split_upstream(eco: Option<Ecosystem>, up: &str) -> (Option<String>, Option<String>) {
    if eco == Some(Ecosystem::Rpm)
        && let Some(stem) = up.strip_suffix(".src.rpm")
        && let Some((name_version, release)) = stem.rsplit_once('-')
        && let Some((name, version)) = name_version.rsplit_once('-')
    {
        return (Some(name.to_string()), Some(format!("{version}-{release}")));
    }
    match up.split_once('@') {
        Some((name, version)) => (Some(name.to_string()), Some(version.to_string())),
        None => (Some(up.to_string()), None),
    }
}

/// The `pkg:oci` purl of an image, from its first repo digest
/// (`docker.io/library/alpine@sha256:…`), with `arch` and `repository_url`.
pub(crate) fn artifact_purl(a: &Artifact) -> Option<String> {
    if a.kind != ArtifactKind::ContainerImage {
        return None;
    }
    let (repo, digest) = a.repo_digests.first()?.split_once('@')?;
    let name = repo.rsplit('/').next()?.to_ascii_lowercase();
    let mut p = PackageUrl::new("oci", name).ok()?;
    p.with_version(digest).ok()?;
    p.add_qualifier("repository_url", repo).ok()?;
    if let Some(arch) = a.architecture.as_deref().filter(|a| !a.is_empty()) {
        p.add_qualifier("arch", arch).ok()?;
    }
    Some(p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ecosystem_name_and_qualifiers() {
        let p = parse(
            "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.8?arch=amd64&upstream=glibc&distro=ubuntu-22.04",
        );
        assert_eq!(
            p,
            PurlInfo {
                ecosystem: Some(Ecosystem::Ubuntu),
                name: Some("libc6".into()),
                version: Some("2.35-0ubuntu3.8".into()),
                arch: Some("amd64".into()),
                source_name: Some("glibc".into()),
                source_version: None,
            }
        );
        let p = parse("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        assert_eq!(
            p.name.as_deref(),
            Some("org.apache.logging.log4j:log4j-core")
        );
        assert_eq!(p.ecosystem, Some(Ecosystem::Maven));
        let p = parse("pkg:npm/%40babel/core@7.24.0");
        assert_eq!(p.name.as_deref(), Some("@babel/core"));
        let p = parse("pkg:golang/github.com/gin-gonic/gin@v1.9.1");
        assert_eq!(p.name.as_deref(), Some("github.com/gin-gonic/gin"));
        assert_eq!(p.version.as_deref(), Some("v1.9.1"));
        let p = parse(
            "pkg:rpm/redhat/openssl-libs@1:3.0.7-27.el9?arch=x86_64&upstream=openssl-3.0.7-27.el9.src.rpm",
        );
        assert_eq!(p.ecosystem, Some(Ecosystem::Rpm));
        assert_eq!(p.version.as_deref(), Some("1:3.0.7-27.el9"));
        assert_eq!(p.source_name.as_deref(), Some("openssl"));
        assert_eq!(p.source_version.as_deref(), Some("3.0.7-27.el9"));
        let p = parse(
            "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&upstream=busybox%401.36.1-r29",
        );
        assert_eq!(p.source_name.as_deref(), Some("busybox"));
        assert_eq!(p.source_version.as_deref(), Some("1.36.1-r29"));
        assert_eq!(parse("pkg:github/actions/checkout@v4").ecosystem, None);
        assert_eq!(parse("not a purl").ecosystem, None);
    }

    #[test]
    fn image_purl_from_repo_digest() {
        let a = Artifact {
            name: "alpine:3.20".into(),
            repo_digests: vec!["docker.io/library/alpine@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d".into()],
            architecture: Some("amd64".into()),
            ..Artifact::default()
        };
        assert_eq!(
            artifact_purl(&a).as_deref(),
            Some(
                "pkg:oci/alpine@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d?arch=amd64&repository_url=docker.io%2Flibrary%2Falpine"
            )
        );
        let fs = Artifact {
            kind: ArtifactKind::Filesystem,
            ..a
        };
        assert_eq!(artifact_purl(&fs), None);
    }
}
