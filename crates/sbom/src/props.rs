//! The `drydock:*` name/value pairs that carry what the SBOM standards have no
//! field for, written as CycloneDX properties and SPDX annotations alike, and
//! read back from either. Also reads the few Trivy and Syft properties that
//! say the same things, so their documents keep layers and source packages.

use drydock_core::{Artifact, ArtifactKind, Ecosystem, LayerInfo, LayerRef, OsInfo, Package};

pub(crate) const ARTIFACT_KIND: &str = "drydock:artifact:kind";
pub(crate) const IMAGE_ID: &str = "drydock:image:id";
pub(crate) const IMAGE_REPO_TAG: &str = "drydock:image:repo_tag";
pub(crate) const IMAGE_REPO_DIGEST: &str = "drydock:image:repo_digest";
pub(crate) const IMAGE_ARCHITECTURE: &str = "drydock:image:architecture";
pub(crate) const IMAGE_CREATED: &str = "drydock:image:created";
/// Followed by `<index>:diff_id`, `<index>:digest`, `<index>:created_by`, `<index>:size`.
pub(crate) const IMAGE_LAYER: &str = "drydock:image:layer:";

pub(crate) const OS_CODENAME: &str = "drydock:os:codename";
pub(crate) const OS_EOL: &str = "drydock:os:eol";
pub(crate) const OS_DISTROLESS: &str = "drydock:os:distroless";

pub(crate) const PKG_ECOSYSTEM: &str = "drydock:package:ecosystem";
pub(crate) const PKG_LAYER_INDEX: &str = "drydock:package:layer_index";
pub(crate) const PKG_LAYER_DIFF_ID: &str = "drydock:package:layer_diff_id";
pub(crate) const PKG_LAYER_DIGEST: &str = "drydock:package:layer_digest";
pub(crate) const PKG_CREATED_BY: &str = "drydock:package:created_by";
pub(crate) const PKG_PATH: &str = "drydock:package:path";
pub(crate) const PKG_LINE: &str = "drydock:package:line";
pub(crate) const PKG_SOURCE_NAME: &str = "drydock:package:source_name";
pub(crate) const PKG_SOURCE_VERSION: &str = "drydock:package:source_version";
pub(crate) const PKG_ARCH: &str = "drydock:package:arch";
pub(crate) const PKG_DIRECT: &str = "drydock:package:direct";
pub(crate) const PKG_DEV: &str = "drydock:package:dev";
pub(crate) const PKG_LOCAL: &str = "drydock:package:local";

pub(crate) type Props = Vec<(String, String)>;

fn push(out: &mut Props, key: &str, value: impl Into<String>) {
    out.push((key.to_string(), value.into()));
}

fn push_opt(out: &mut Props, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        push(out, key, v);
    }
}

fn get<'a>(props: &'a [(String, String)], key: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn get_all<'a>(props: &'a [(String, String)], key: &'a str) -> impl Iterator<Item = &'a str> {
    props
        .iter()
        .filter(move |(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The serde name of an enum value (`container_image`, `crates.io`), the one
/// spelling that reads back with serde.
fn serde_name<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn from_serde_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

pub(crate) fn artifact(a: &Artifact) -> Props {
    let mut out = Props::new();
    push(&mut out, ARTIFACT_KIND, serde_name(a.kind));
    push_opt(&mut out, IMAGE_ID, a.image_id.as_deref());
    for tag in &a.repo_tags {
        push(&mut out, IMAGE_REPO_TAG, tag);
    }
    for digest in &a.repo_digests {
        push(&mut out, IMAGE_REPO_DIGEST, digest);
    }
    push_opt(&mut out, IMAGE_ARCHITECTURE, a.architecture.as_deref());
    push_opt(&mut out, IMAGE_CREATED, a.created.as_deref());
    for l in &a.layers {
        let key = |field: &str| format!("{IMAGE_LAYER}{}:{field}", l.layer.index);
        push(&mut out, &key("diff_id"), &l.layer.diff_id);
        push_opt(&mut out, &key("digest"), l.layer.digest.as_deref());
        push_opt(&mut out, &key("created_by"), l.layer.created_by.as_deref());
        if let Some(size) = l.size {
            push(&mut out, &key("size"), size.to_string());
        }
    }
    out
}

/// Restores what [`artifact`] wrote; `kind` is kept when the properties do not say.
pub(crate) fn apply_artifact(a: &mut Artifact, props: &[(String, String)]) {
    if let Some(kind) = get(props, ARTIFACT_KIND).and_then(from_serde_name::<ArtifactKind>) {
        a.kind = kind;
    }
    a.image_id = get(props, IMAGE_ID).map(str::to_string);
    a.repo_tags = get_all(props, IMAGE_REPO_TAG).map(str::to_string).collect();
    a.repo_digests = get_all(props, IMAGE_REPO_DIGEST)
        .map(str::to_string)
        .collect();
    a.architecture = get(props, IMAGE_ARCHITECTURE).map(str::to_string);
    a.created = get(props, IMAGE_CREATED).map(str::to_string);
    let mut layers: std::collections::BTreeMap<usize, LayerInfo> = Default::default();
    for (key, value) in props {
        let Some((index, field)) = key
            .strip_prefix(IMAGE_LAYER)
            .and_then(|rest| rest.split_once(':'))
        else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        let layer = layers.entry(index).or_insert_with(|| LayerInfo {
            layer: LayerRef {
                index,
                ..LayerRef::default()
            },
            ..LayerInfo::default()
        });
        match field {
            "diff_id" => layer.layer.diff_id = value.clone(),
            "digest" => layer.layer.digest = Some(value.clone()),
            "created_by" => layer.layer.created_by = Some(value.clone()),
            "size" => layer.size = value.parse().ok(),
            _ => {}
        }
    }
    a.layers = layers.into_values().collect();

    // Trivy's names for the same facts, where drydock's are absent.
    if a.image_id.is_none() {
        a.image_id = get(props, "aquasecurity:trivy:ImageID").map(str::to_string);
    }
    if a.repo_tags.is_empty() {
        a.repo_tags = get_all(props, "aquasecurity:trivy:RepoTag")
            .map(str::to_string)
            .collect();
    }
    if a.repo_digests.is_empty() {
        a.repo_digests = get_all(props, "aquasecurity:trivy:RepoDigest")
            .map(str::to_string)
            .collect();
    }
    if a.layers.is_empty() {
        // Trivy lists the diffIDs base layer first, one property each.
        a.layers = get_all(props, "aquasecurity:trivy:DiffID")
            .enumerate()
            .map(|(index, diff_id)| LayerInfo {
                layer: LayerRef {
                    index,
                    diff_id: diff_id.to_string(),
                    ..LayerRef::default()
                },
                ..LayerInfo::default()
            })
            .collect();
    }
}

pub(crate) fn os(os: &OsInfo) -> Props {
    let mut out = Props::new();
    push_opt(&mut out, OS_CODENAME, os.codename.as_deref());
    push_opt(&mut out, OS_EOL, os.eol.as_deref());
    if os.distroless {
        push(&mut out, OS_DISTROLESS, "true");
    }
    out
}

pub(crate) fn apply_os(os: &mut OsInfo, props: &[(String, String)]) {
    os.codename = get(props, OS_CODENAME).map(str::to_string);
    os.eol = get(props, OS_EOL).map(str::to_string);
    os.distroless = get(props, OS_DISTROLESS) == Some("true");
}

pub(crate) fn package(p: &Package) -> Props {
    let mut out = Props::new();
    push(&mut out, PKG_ECOSYSTEM, serde_name(p.ecosystem));
    if let Some(layer) = &p.location.layer {
        push(&mut out, PKG_LAYER_INDEX, layer.index.to_string());
        push(&mut out, PKG_LAYER_DIFF_ID, &layer.diff_id);
        push_opt(&mut out, PKG_LAYER_DIGEST, layer.digest.as_deref());
        push_opt(&mut out, PKG_CREATED_BY, layer.created_by.as_deref());
    }
    if !p.location.path.is_empty() {
        push(&mut out, PKG_PATH, &p.location.path);
    }
    if let Some(line) = p.location.line {
        push(&mut out, PKG_LINE, line.to_string());
    }
    push_opt(&mut out, PKG_SOURCE_NAME, p.source_name.as_deref());
    push_opt(&mut out, PKG_SOURCE_VERSION, p.source_version.as_deref());
    push_opt(&mut out, PKG_ARCH, p.arch.as_deref());
    if let Some(direct) = p.direct {
        push(&mut out, PKG_DIRECT, direct.to_string());
    }
    if p.dev {
        push(&mut out, PKG_DEV, "true");
    }
    if p.local {
        push(&mut out, PKG_LOCAL, "true");
    }
    out
}

/// The ecosystem a drydock document recorded for a package.
pub(crate) fn package_ecosystem(props: &[(String, String)]) -> Option<Ecosystem> {
    get(props, PKG_ECOSYSTEM).and_then(from_serde_name)
}

/// Restores what [`package`] wrote (or Trivy's and Syft's equivalents) onto a
/// package built from the standard fields; `layers` (the artifact's) fill in a
/// layer known only by its diffID.
pub(crate) fn apply_package(p: &mut Package, props: &[(String, String)], layers: &[LayerInfo]) {
    let first = |keys: &[&str]| keys.iter().find_map(|k| get(props, k)).map(str::to_string);

    if let Some(path) = first(&[
        PKG_PATH,
        "aquasecurity:trivy:FilePath",
        "syft:location:0:path",
    ]) {
        // drydock paths are relative to the root; Syft's start with `/`.
        p.location.path = path.trim_start_matches('/').to_string();
    }
    p.location.line = get(props, PKG_LINE).and_then(|l| l.parse().ok());
    if let Some(diff_id) = first(&[PKG_LAYER_DIFF_ID, "aquasecurity:trivy:LayerDiffID"]) {
        let known = layers.iter().find(|l| l.layer.diff_id == diff_id);
        let index = get(props, PKG_LAYER_INDEX)
            .and_then(|i| i.parse().ok())
            .or(known.map(|l| l.layer.index))
            .unwrap_or_default();
        p.location.layer = Some(LayerRef {
            index,
            digest: first(&[PKG_LAYER_DIGEST, "aquasecurity:trivy:LayerDigest"])
                .or_else(|| known.and_then(|l| l.layer.digest.clone())),
            diff_id,
            created_by: get(props, PKG_CREATED_BY)
                .map(str::to_string)
                .or_else(|| known.and_then(|l| l.layer.created_by.clone())),
        });
    }
    if let Some(name) = first(&[PKG_SOURCE_NAME, "aquasecurity:trivy:SrcName"]) {
        p.source_name = Some(name);
    }
    if let Some(version) = get(props, PKG_SOURCE_VERSION) {
        p.source_version = Some(version.to_string());
    } else if let Some(version) = get(props, "aquasecurity:trivy:SrcVersion") {
        // Trivy splits the source EVR into three properties.
        let mut v = version.to_string();
        if let Some(release) = get(props, "aquasecurity:trivy:SrcRelease") {
            v = format!("{v}-{release}");
        }
        if let Some(epoch) = get(props, "aquasecurity:trivy:SrcEpoch").filter(|e| *e != "0") {
            v = format!("{epoch}:{v}");
        }
        p.source_version = Some(v);
    }
    if let Some(arch) = get(props, PKG_ARCH) {
        p.arch = Some(arch.to_string());
    }
    p.direct = match get(props, PKG_DIRECT) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => p.direct,
    };
    p.dev = get(props, PKG_DEV) == Some("true");
    p.local = get(props, PKG_LOCAL) == Some("true");
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::{Location, PackageKind};

    #[test]
    fn enum_names_are_serde_names() {
        assert_eq!(serde_name(Ecosystem::CratesIo), "crates.io");
        assert_eq!(serde_name(ArtifactKind::ContainerImage), "container_image");
        assert_eq!(from_serde_name::<Ecosystem>("npm"), Some(Ecosystem::Npm));
        assert_eq!(from_serde_name::<Ecosystem>("Red Hat"), None);
    }

    #[test]
    fn trivy_properties_fill_source_and_layer() {
        let mut p = Package::new(
            Ecosystem::Rpm,
            PackageKind::Os,
            "openssl-libs",
            "1:3.0.7-27.el9",
            Location::default(),
        );
        let props: Props = [
            ("aquasecurity:trivy:SrcName", "openssl"),
            ("aquasecurity:trivy:SrcVersion", "3.0.7"),
            ("aquasecurity:trivy:SrcRelease", "27.el9"),
            ("aquasecurity:trivy:SrcEpoch", "1"),
            ("aquasecurity:trivy:LayerDiffID", "sha256:aa"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let layers = [LayerInfo {
            layer: LayerRef {
                index: 3,
                digest: None,
                diff_id: "sha256:aa".into(),
                created_by: Some("RUN dnf install -y openssl".into()),
            },
            ..LayerInfo::default()
        }];
        apply_package(&mut p, &props, &layers);
        assert_eq!(p.source_name.as_deref(), Some("openssl"));
        assert_eq!(p.source_version.as_deref(), Some("1:3.0.7-27.el9"));
        assert_eq!(p.location.layer, Some(layers[0].layer.clone()));
    }
}
