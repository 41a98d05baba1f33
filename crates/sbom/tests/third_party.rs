//! Reading SBOMs other tools wrote (shaped like Trivy's CycloneDX and Syft's
//! SPDX output): ecosystems come from purls, layers and source packages from
//! the properties those tools use, and unknown component kinds are skipped.

mod common;

use drydock_core::{
    Artifact, ArtifactKind, Ecosystem, LayerInfo, LayerRef, Location, OsInfo, Package, PackageKind,
};

const ALPINE_LAYER: &str =
    "sha256:75654b8eeebd3beae97271a102f57cdeb794cc91e442648544963a7e951e9558";

fn apk(name: &str, purl_qualifiers: &str, license: &str, layer: Option<LayerRef>) -> Package {
    Package {
        name: name.into(),
        version: "1.36.1-r29".into(),
        ecosystem: Ecosystem::Alpine,
        kind: PackageKind::Os,
        purl: format!("pkg:apk/alpine/{name}@1.36.1-r29?{purl_qualifiers}"),
        licenses: vec![license.into()],
        arch: Some("x86_64".into()),
        source_name: Some("busybox".into()),
        source_version: Some("1.36.1-r29".into()),
        location: Location {
            path: String::new(),
            layer,
            line: None,
        },
        direct: None,
        dev: false,
        local: false,
    }
}

#[test]
fn reads_a_trivy_style_cyclonedx_document() {
    let (artifact, inventory) =
        drydock_sbom::cyclonedx::read(&common::data("trivy-style-alpine.cdx.json")).unwrap();
    let layer = LayerRef {
        index: 0,
        digest: None,
        diff_id: ALPINE_LAYER.into(),
        created_by: None,
    };
    assert_eq!(
        artifact,
        Artifact {
            name: "alpine:3.20".into(),
            kind: ArtifactKind::ContainerImage,
            image_id: Some(
                "sha256:91ef0af61f39ece4d6710e465df5ed6ca12112358344fd51ae6a3b886634148b".into()
            ),
            repo_tags: vec!["alpine:3.20".into()],
            repo_digests: vec![
                "alpine@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a"
                    .into()
            ],
            layers: vec![LayerInfo {
                layer: layer.clone(),
                size: None,
                cached: false,
            }],
            ..Artifact::default()
        }
    );
    assert_eq!(
        inventory.os,
        Some(OsInfo {
            family: "alpine".into(),
            version: "3.20.3".into(),
            ..OsInfo::default()
        })
    );
    let mut busybox = apk(
        "busybox",
        "arch=x86_64&distro=3.20.3",
        "GPL-2.0-only",
        Some(layer.clone()),
    );
    busybox.purl = "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=3.20.3".into();
    let ssl_client = apk(
        "ssl_client",
        "arch=x86_64&distro=3.20.3",
        "GPL-2.0-only",
        Some(layer.clone()),
    );
    let mut musl = apk("musl", "arch=x86_64&distro=3.20.3", "MIT", Some(layer));
    musl.version = "1.2.5-r0".into();
    musl.purl = "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.3".into();
    musl.source_name = Some("musl".into());
    musl.source_version = Some("1.2.5-r0".into());
    let mut express = Package::new(
        Ecosystem::Npm,
        PackageKind::Library,
        "express",
        "4.19.2",
        Location::default(),
    );
    express.licenses = vec!["MIT".into()];
    let types_node = Package::new(
        Ecosystem::Npm,
        PackageKind::Library,
        "@types/node",
        "20.14.9",
        Location::default(),
    );
    // The lockfile `application`, the generic purl and the OS are not packages.
    assert_eq!(
        inventory.packages,
        vec![busybox, ssl_client, musl, express, types_node]
    );
}

#[test]
fn reads_a_syft_style_spdx_document() {
    let (artifact, inventory) =
        drydock_sbom::spdx::read(&common::data("syft-style-alpine.spdx.json")).unwrap();
    assert_eq!(
        artifact,
        Artifact {
            name: "alpine".into(),
            kind: ArtifactKind::ContainerImage,
            ..Artifact::default()
        }
    );
    assert_eq!(inventory.os, None);

    let installed = Location::file("lib/apk/db/installed");
    let mut busybox = apk(
        "busybox",
        "arch=x86_64&distro=alpine-3.20.3",
        "GPL-2.0-only",
        None,
    );
    busybox.source_name = None;
    busybox.source_version = None;
    busybox.location = installed.clone();
    let mut ssl_client = apk(
        "ssl_client",
        "arch=x86_64&upstream=busybox&distro=alpine-3.20.3",
        "GPL-2.0-only",
        None,
    );
    ssl_client.source_version = None;
    ssl_client.location = installed;
    let mut requests = Package::new(
        Ecosystem::PyPI,
        PackageKind::Library,
        "requests",
        "2.32.3",
        Location::file("usr/lib/python3.12/site-packages/requests-2.32.3.dist-info/METADATA"),
    );
    requests.licenses = vec!["Apache-2.0".into(), "PSF-like".into()];
    // Syft names Maven packages by artifact id; the purl has the group.
    let log4j = Package::new(
        Ecosystem::Maven,
        PackageKind::Library,
        "org.apache.logging.log4j:log4j-api",
        "2.24.1",
        Location::default(),
    );
    assert_eq!(
        inventory.packages,
        vec![busybox, ssl_client, requests, log4j]
    );
}
