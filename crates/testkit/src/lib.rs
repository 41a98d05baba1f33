//! Test fixtures built by code, shared by the integration tests of several crates.
//!
//! The base is a real Debian root filesystem made by `debootstrap --variant=minbase`
//! (`scripts/test-fixtures.sh` builds it once into `.test-cache/`). From it this
//! crate writes real images in every layout drydock reads: `docker save` classic
//! and Docker 25+ OCI style, OCI layout directories (gzip, zstd and plain
//! layers, a multi-platform index) and OCI archives.

pub mod schemas;

use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The cached Debian bookworm minbase root filesystem. Panics, saying how to
/// build it, when it is missing: tests must not pass without their fixture.
pub fn bookworm_rootfs() -> PathBuf {
    let p = std::env::var_os("DRYDOCK_TEST_ROOTFS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".test-cache/rootfs-bookworm"));
    assert!(
        p.join("var/lib/dpkg/status").is_file(),
        "test root filesystem missing at {}: run scripts/test-fixtures.sh (debootstrap) first",
        p.display()
    );
    p
}

/// `dpkg-query -W` run inside the root filesystem (chroot): `name version arch` lines, sorted.
pub fn dpkg_query_in(rootfs: &Path) -> Vec<String> {
    let out = Command::new("chroot")
        .arg(rootfs)
        .args([
            "dpkg-query",
            "-W",
            "-f",
            "${Package} ${Version} ${Architecture}\\n",
        ])
        .output()
        .expect("running chroot dpkg-query");
    assert!(
        out.status.success(),
        "dpkg-query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// Packages as `name version arch` lines, sorted: the form of [`dpkg_query_in`].
pub fn package_lines<'a>(pkgs: impl Iterator<Item = &'a drydock_core::Package>) -> Vec<String> {
    let mut v: Vec<String> = pkgs
        .map(|p| {
            format!(
                "{} {} {}",
                p.name,
                p.version,
                p.arch.as_deref().unwrap_or("")
            )
        })
        .collect();
    v.sort();
    v
}

pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// One layer: its uncompressed tar.
#[derive(Clone)]
pub struct Layer {
    pub tar: Vec<u8>,
    pub created_by: String,
}

impl Layer {
    pub fn diff_id(&self) -> String {
        sha256(&self.tar)
    }
}

/// Builds a layer tar from (path, content) files, whiteouts and symlinks.
#[derive(Default)]
pub struct LayerBuilder {
    b: Option<tar::Builder<Vec<u8>>>,
}

impl LayerBuilder {
    pub fn new() -> LayerBuilder {
        LayerBuilder {
            b: Some(tar::Builder::new(Vec::new())),
        }
    }
    fn b(&mut self) -> &mut tar::Builder<Vec<u8>> {
        self.b.as_mut().expect("builder used after finish")
    }
    pub fn file(mut self, path: &str, content: &[u8]) -> Self {
        let mut h = tar::Header::new_gnu();
        h.set_size(content.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mtime(1_700_000_000);
        self.b()
            .append_data(&mut h, path, content)
            .expect("tar append");
        self
    }
    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        let mut h = tar::Header::new_gnu();
        h.set_size(0);
        h.set_mode(0o777);
        h.set_entry_type(tar::EntryType::Symlink);
        self.b()
            .append_link(&mut h, path, target)
            .expect("tar symlink");
        self
    }
    pub fn hardlink(mut self, path: &str, target: &str) -> Self {
        let mut h = tar::Header::new_gnu();
        h.set_size(0);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Link);
        self.b()
            .append_link(&mut h, path, target)
            .expect("tar hardlink");
        self
    }
    pub fn whiteout(self, path: &str) -> Self {
        let (dir, base) = path.rsplit_once('/').unwrap_or(("", path));
        let wh = if dir.is_empty() {
            format!(".wh.{base}")
        } else {
            format!("{dir}/.wh.{base}")
        };
        self.file(&wh, b"")
    }
    pub fn opaque(self, dir: &str) -> Self {
        self.file(&format!("{dir}/.wh..wh..opq"), b"")
    }
    /// Adds a whole directory tree from disk (symlinks kept as symlinks,
    /// devices and sockets skipped), optionally skipping some relative paths.
    pub fn dir_tree(mut self, root: &Path, skip: &[&str]) -> Self {
        let b = self.b();
        b.follow_symlinks(false);
        add_tree(b, root, root, skip, None).expect("adding tree");
        self
    }
    /// [`dir_tree`](Self::dir_tree), but files sharing an inode are written
    /// once, the others as hard links to it, as `docker save` writes them.
    pub fn dir_tree_hardlinked(mut self, root: &Path, skip: &[&str]) -> Self {
        let b = self.b();
        b.follow_symlinks(false);
        let mut seen = std::collections::HashMap::new();
        add_tree(b, root, root, skip, Some(&mut seen)).expect("adding tree");
        self
    }
    /// Adds a directory tree from disk under the path `prefix` inside the layer.
    pub fn dir_tree_at(mut self, dir: &Path, prefix: &str) -> Self {
        let b = self.b();
        b.follow_symlinks(false);
        b.append_dir_all(prefix, dir).expect("adding tree");
        self
    }
    pub fn finish(mut self, created_by: &str) -> Layer {
        let b = self.b.take().expect("builder used after finish");
        Layer {
            tar: b.into_inner().expect("tar finish"),
            created_by: created_by.to_string(),
        }
    }
}

fn add_tree(
    b: &mut tar::Builder<Vec<u8>>,
    root: &Path,
    dir: &Path,
    skip: &[&str],
    mut links: Option<&mut std::collections::HashMap<(u64, u64), PathBuf>>,
) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let rel = p.strip_prefix(root).map_err(io::Error::other)?;
        let rel_s = rel.to_string_lossy();
        if skip
            .iter()
            .any(|s| *s == rel_s || (rel_s.starts_with(s) && rel_s[s.len()..].starts_with('/')))
        {
            continue;
        }
        let ft = e.file_type()?;
        if ft.is_dir() {
            b.append_dir(rel, &p)?;
            add_tree(b, root, &p, skip, links.as_deref_mut())?;
        } else if ft.is_file() || ft.is_symlink() {
            if ft.is_file()
                && let Some(seen) = links.as_deref_mut()
            {
                use std::os::unix::fs::MetadataExt;
                let md = e.metadata()?;
                if md.nlink() > 1 {
                    if let Some(first) = seen.get(&(md.dev(), md.ino())) {
                        let mut h = tar::Header::new_gnu();
                        h.set_metadata(&md);
                        h.set_entry_type(tar::EntryType::Link);
                        h.set_size(0);
                        b.append_link(&mut h, rel, first)?;
                        continue;
                    }
                    seen.insert((md.dev(), md.ino()), rel.to_path_buf());
                }
            }
            b.append_path_with_name(&p, rel)?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

pub fn compress(tar: &[u8], c: Compression) -> Vec<u8> {
    match c {
        Compression::None => tar.to_vec(),
        Compression::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(tar).expect("gzip");
            e.finish().expect("gzip")
        }
        Compression::Zstd => zstd::encode_all(tar, 1).expect("zstd"),
    }
}

/// An image: layers plus config fields.
pub struct Image {
    pub layers: Vec<Layer>,
    pub architecture: String,
    pub env: Vec<String>,
}

impl Image {
    /// An linux/amd64 image of `layers` with no environment.
    pub fn amd64(layers: Vec<Layer>) -> Image {
        Image {
            layers,
            architecture: "amd64".into(),
            env: vec![],
        }
    }

    pub fn config(&self) -> Vec<u8> {
        let mut history =
            vec![serde_json::json!({"created_by": "ARG RELEASE=bookworm", "empty_layer": true})];
        history.extend(
            self.layers
                .iter()
                .map(|l| serde_json::json!({"created_by": l.created_by})),
        );
        let cfg = serde_json::json!({
            "architecture": self.architecture,
            "os": "linux",
            "created": "2026-11-01T00:00:00Z",
            "config": {"Env": self.env, "Cmd": ["/bin/bash"]},
            "rootfs": {"type": "layers", "diff_ids": self.layers.iter().map(Layer::diff_id).collect::<Vec<_>>()},
            "history": history,
        });
        serde_json::to_vec(&cfg).expect("config json")
    }

    /// `docker save` as Docker before 25 wrote it: `<id>/layer.tar`, `<hex>.json`.
    pub fn write_docker_archive_classic(&self, path: &Path, tag: &str) {
        self.write_docker_archive_classic_config(path, tag, self.config());
    }

    /// [`write_docker_archive_classic`](Self::write_docker_archive_classic)
    /// with a config the test writes (its `history`, `config.User`, …);
    /// `rootfs` is set to the layers' diff_ids.
    pub fn write_docker_archive_with_config(
        &self,
        path: &Path,
        tag: &str,
        mut config: serde_json::Value,
    ) {
        config["rootfs"] = serde_json::json!({"type": "layers",
            "diff_ids": self.layers.iter().map(Layer::diff_id).collect::<Vec<_>>()});
        let bytes = serde_json::to_vec(&config).expect("config json");
        self.write_docker_archive_classic_config(path, tag, bytes);
    }

    fn write_docker_archive_classic_config(&self, path: &Path, tag: &str, config: Vec<u8>) {
        let cfg_hex = sha256(&config)[7..].to_string();
        let mut b = tar::Builder::new(fs::File::create(path).expect("create archive"));
        let mut layer_paths = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            let id = sha256(format!("{i}{}", l.diff_id()).as_bytes())[7..].to_string();
            let p = format!("{id}/layer.tar");
            append(&mut b, &format!("{id}/VERSION"), b"1.0");
            append(&mut b, &p, &l.tar);
            layer_paths.push(p);
        }
        append(&mut b, &format!("{cfg_hex}.json"), &config);
        let manifest = serde_json::json!([{"Config": format!("{cfg_hex}.json"), "RepoTags": [tag], "Layers": layer_paths}]);
        append(
            &mut b,
            "manifest.json",
            &serde_json::to_vec(&manifest).expect("json"),
        );
        b.finish().expect("finish archive");
    }

    /// `docker save` as Docker 25+ writes it: an OCI layout inside the tar plus
    /// `manifest.json`, uncompressed layer blobs, classic paths as symlinks.
    pub fn write_docker_archive_oci(&self, path: &Path, tag: &str) {
        let mut b = tar::Builder::new(fs::File::create(path).expect("create archive"));
        let (manifest_digest, manifest_len, config_digest) =
            self.write_blobs_to_tar(&mut b, Compression::None);
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|l| format!("blobs/sha256/{}", &l.diff_id()[7..]))
            .collect();
        let m = serde_json::json!([{"Config": format!("blobs/sha256/{}", &config_digest[7..]), "RepoTags": [tag], "Layers": layers}]);
        append(
            &mut b,
            "manifest.json",
            &serde_json::to_vec(&m).expect("json"),
        );
        let index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest_len,
                "annotations": {"io.containerd.image.name": format!("docker.io/library/{tag}"), "org.opencontainers.image.ref.name": tag.rsplit(':').next().unwrap_or("latest")}}]});
        append(
            &mut b,
            "index.json",
            &serde_json::to_vec(&index).expect("json"),
        );
        append(&mut b, "oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#);
        b.finish().expect("finish archive");
    }

    fn manifest(&self, compression: &[Compression]) -> (Vec<u8>, Vec<Vec<u8>>, Vec<u8>) {
        let config = self.config();
        let blobs: Vec<Vec<u8>> = self
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| compress(&l.tar, compression[i % compression.len()]))
            .collect();
        let layers: Vec<serde_json::Value> = blobs
            .iter()
            .enumerate()
            .map(|(i, blob)| {
                let mt = match compression[i % compression.len()] {
                    Compression::None => "application/vnd.oci.image.layer.v1.tar",
                    Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
                    Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
                };
                serde_json::json!({"mediaType": mt, "digest": sha256(blob), "size": blob.len()})
            })
            .collect();
        let manifest = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256(&config), "size": config.len()},
            "layers": layers});
        (serde_json::to_vec(&manifest).expect("json"), blobs, config)
    }

    fn write_blobs_to_tar<W: Write>(
        &self,
        b: &mut tar::Builder<W>,
        c: Compression,
    ) -> (String, usize, String) {
        let (manifest, blobs, config) = self.manifest(&[c]);
        for blob in &blobs {
            append(b, &format!("blobs/sha256/{}", &sha256(blob)[7..]), blob);
        }
        append(
            b,
            &format!("blobs/sha256/{}", &sha256(&config)[7..]),
            &config,
        );
        append(
            b,
            &format!("blobs/sha256/{}", &sha256(&manifest)[7..]),
            &manifest,
        );
        (sha256(&manifest), manifest.len(), sha256(&config))
    }

    /// Writes this image's blobs into an OCI layout directory and returns the
    /// manifest descriptor (for an index).
    pub fn write_oci_blobs(&self, dir: &Path, compression: &[Compression]) -> serde_json::Value {
        let blobs_dir = dir.join("blobs/sha256");
        fs::create_dir_all(&blobs_dir).expect("mkdir blobs");
        let (manifest, blobs, config) = self.manifest(compression);
        for blob in blobs.iter().chain([&config, &manifest]) {
            fs::write(blobs_dir.join(&sha256(blob)[7..]), blob).expect("write blob");
        }
        serde_json::json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha256(&manifest), "size": manifest.len(),
            "platform": {"os": "linux", "architecture": self.architecture}})
    }
}

fn append<W: Write>(b: &mut tar::Builder<W>, path: &str, data: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(1_700_000_000);
    h.set_entry_type(tar::EntryType::Regular);
    b.append_data(&mut h, path, data).expect("tar append");
}

/// Writes an OCI layout directory holding `images` behind one index (the first
/// tagged `tag`), the first image's layers compressed as `compression` says.
pub fn write_oci_layout(dir: &Path, images: &[&Image], compression: &[Compression], tag: &str) {
    fs::create_dir_all(dir).expect("mkdir layout");
    let mut manifests = Vec::new();
    for img in images {
        manifests.push(img.write_oci_blobs(dir, compression));
    }
    // A nested index, as multi-platform images have: top index -> image index.
    let inner = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
    let inner_bytes = serde_json::to_vec(&inner).expect("json");
    fs::write(
        dir.join("blobs/sha256").join(&sha256(&inner_bytes)[7..]),
        &inner_bytes,
    )
    .expect("write index blob");
    let top = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha256(&inner_bytes), "size": inner_bytes.len(),
            "annotations": {"org.opencontainers.image.ref.name": tag}}]});
    fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&top).expect("json"),
    )
    .expect("write index");
    fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)
        .expect("write oci-layout");
}

/// Tars an OCI layout directory into an OCI archive.
pub fn tar_dir(dir: &Path, out: &Path) {
    let mut b = tar::Builder::new(fs::File::create(out).expect("create"));
    b.append_dir_all(".", dir).expect("tar dir");
    b.finish().expect("finish");
}

/// Runs a command and panics with its output when it fails.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The package removed by layer 1 of [`debian_image`].
pub const REMOVED_PACKAGE: &str = "adduser";
/// The package added by layer 1 of [`debian_image`] (a stanza written into the status).
pub const ADDED_PACKAGE: (&str, &str) = ("drydock-fixture", "1.0-1");

/// The standard test image, four layers over the bookworm rootfs:
/// 0. the root filesystem;
/// 1. `apt-get purge adduser` (a rewritten dpkg status without it, its doc
///    directory whited out) plus one package installed (a stanza added);
/// 2. a distroless-style `status.d/ghost` file;
/// 3. a whiteout deleting that file again.
pub fn debian_image(rootfs: &Path) -> Image {
    let status = fs::read_to_string(rootfs.join("var/lib/dpkg/status")).expect("read status");
    let mut stanzas: Vec<&str> = status
        .split("\n\n")
        .filter(|s| !s.trim().is_empty())
        .filter(|s| {
            !s.lines()
                .any(|l| l == format!("Package: {REMOVED_PACKAGE}"))
        })
        .collect();
    let added = format!(
        "Package: {}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: 1\nMaintainer: drydock <dev@drydock.invalid>\nArchitecture: all\nSource: drydock-fixture-src (1.0-0)\nVersion: {}\nDescription: test fixture",
        ADDED_PACKAGE.0, ADDED_PACKAGE.1
    );
    stanzas.push(&added);
    let new_status = stanzas.join("\n\n") + "\n";
    let l0 = LayerBuilder::new()
        .dir_tree(rootfs, &[])
        .finish("ADD rootfs.tar /");
    let l1 = LayerBuilder::new()
        .file("var/lib/dpkg/status", new_status.as_bytes())
        .whiteout(&format!("usr/share/doc/{REMOVED_PACKAGE}"))
        .finish(&format!(
            "RUN apt-get purge -y {REMOVED_PACKAGE} && dpkg -i drydock-fixture.deb"
        ));
    let ghost =
        "Package: ghost\nStatus: install ok installed\nArchitecture: amd64\nVersion: 6.6.6\n";
    let l2 = LayerBuilder::new()
        .file("var/lib/dpkg/status.d/ghost", ghost.as_bytes())
        .finish("COPY ghost /var/lib/dpkg/status.d/ghost");
    let l3 = LayerBuilder::new()
        .whiteout("var/lib/dpkg/status.d/ghost")
        .finish("RUN rm /var/lib/dpkg/status.d/ghost");
    Image {
        layers: vec![l0, l1, l2, l3],
        architecture: "amd64".into(),
        env: vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()],
    }
}

/// What drydock must report for [`debian_image`]: `name version arch` lines, sorted.
pub fn debian_image_expected(rootfs: &Path) -> Vec<String> {
    let mut v: Vec<String> = dpkg_query_in(rootfs)
        .into_iter()
        .filter(|l| l.split(' ').next() != Some(REMOVED_PACKAGE))
        .collect();
    v.push(format!("{} {} all", ADDED_PACKAGE.0, ADDED_PACKAGE.1));
    v.sort();
    v
}

/// Docker images a test created; removed on drop, also when the test fails.
pub struct DockerImages(pub Vec<String>);

impl Drop for DockerImages {
    fn drop(&mut self) {
        for i in &self.0 {
            let _ = Command::new("docker").args(["rmi", "-f", i]).output();
        }
    }
}

/// `docker load`s a docker-archive and returns the loaded reference.
pub fn docker_load(archive: &Path) -> String {
    let out = run(Command::new("docker").arg("load").arg("-i").arg(archive));
    out.lines()
        .find_map(|l| {
            l.strip_prefix("Loaded image: ")
                .or_else(|| l.strip_prefix("Loaded image ID: "))
        })
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| panic!("unexpected docker load output: {out}"))
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding a loopback port")
}

/// How a test registry authenticates clients.
#[derive(Clone, Copy, Debug)]
pub enum RegistryAuth<'a> {
    Anonymous,
    /// htpasswd basic auth with this user and password.
    Basic(&'a str, &'a str),
    /// Docker token auth: a token service on loopback hands out RS256 JWTs to
    /// clients with this user and password.
    Token(&'a str, &'a str),
}

/// A real registry (Debian's `docker-registry`, distribution v2) on loopback,
/// with its token service when asked; both stopped on drop.
pub struct Registry {
    children: Vec<std::process::Child>,
    pub addr: String,
    _dir: tempfile::TempDir,
}

fn wait_for_port(addr: &str) -> bool {
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_ok() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

impl Registry {
    pub fn start(auth: RegistryAuth<'_>) -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let mut children = Vec::new();
        let mut cfg = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {addr}\n",
            dir.path().join("data").display()
        );
        match auth {
            RegistryAuth::Anonymous => {}
            RegistryAuth::Basic(user, pass) => {
                let file = dir.path().join("htpasswd");
                run(Command::new("htpasswd")
                    .args(["-Bbc"])
                    .arg(&file)
                    .args([user, pass]));
                cfg.push_str(&format!(
                    "auth:\n  htpasswd:\n    realm: drydock-test\n    path: {}\n",
                    file.display()
                ));
            }
            RegistryAuth::Token(user, pass) => {
                let key = dir.path().join("token.key");
                let cert = dir.path().join("token.crt");
                run(Command::new("openssl")
                    .args([
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=drydock-token",
                        "-keyout",
                    ])
                    .arg(&key)
                    .arg("-out")
                    .arg(&cert));
                let token_port = free_port();
                let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/token_server.py");
                let child = Command::new("python3")
                    .arg(&script)
                    .arg(token_port.to_string())
                    .arg(&key)
                    .arg(&cert)
                    .args(["drydock-issuer", user, pass])
                    .spawn()
                    .expect("starting the token service (python3)");
                children.push(child);
                assert!(
                    wait_for_port(&format!("127.0.0.1:{token_port}")),
                    "token service did not start"
                );
                cfg.push_str(&format!(
                    "auth:\n  token:\n    realm: http://127.0.0.1:{token_port}/token\n    service: drydock-registry\n    issuer: drydock-issuer\n    rootcertbundle: {}\n",
                    cert.display()
                ));
            }
        }
        let cfg_path = dir.path().join("config.yml");
        fs::write(&cfg_path, cfg).expect("write registry config");
        let bin = ["/usr/bin/docker-registry", "/usr/sbin/docker-registry"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("docker-registry is not installed (apt-get install docker-registry)");
        let child = Command::new(bin)
            .arg("serve")
            .arg(&cfg_path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starting docker-registry");
        children.push(child);
        let reg = Registry {
            children,
            addr: addr.clone(),
            _dir: dir,
        };
        assert!(wait_for_port(&addr), "registry on {addr} did not start");
        reg
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The JSON a successful run printed on stdout; panics with its stderr when
/// the run failed or with its stdout when that is not JSON.
pub fn json_stdout(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "command failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// The package of a JSON report a finding names by its `package_ref`: the
/// package's purl, or its purl with `?file=<path>` when several share it.
pub fn finding_package<'a>(
    packages: impl IntoIterator<Item = &'a serde_json::Value>,
    finding: &serde_json::Value,
) -> Option<&'a serde_json::Value> {
    let wanted = finding["package_ref"].as_str()?;
    packages.into_iter().find(|p| {
        let purl = p["purl"].as_str().unwrap_or_default();
        let path = p["location"]["path"].as_str().unwrap_or("");
        wanted == purl || wanted == format!("{purl}?file={path}")
    })
}

/// Runs `cmd` to the end as `Command::output` does, and gives the peak resident
/// memory of that process alone, in KiB, as GNU time (`time` package) reports
/// it. Not measured from this process: a child's `ru_maxrss` starts from the
/// resident size of the test process that forked it.
pub fn output_with_peak_rss(cmd: &Command) -> (std::process::Output, u64) {
    let report = tempfile::NamedTempFile::new().expect("temp file");
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%M", "-o"])
        .arg(report.path())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    if let Some(d) = cmd.get_current_dir() {
        timed.current_dir(d);
    }
    let output = timed
        .output()
        .expect("/usr/bin/time (apt-get install time)");
    let text = fs::read_to_string(report.path()).expect("time's report");
    // The last line; a failed command adds "Command exited with non-zero status N" before it.
    let peak = text
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("time's report: {text:?}"));
    (output, peak)
}
