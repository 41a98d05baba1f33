//! Talking to the live daemon: the blocking client over bollard, gathering the
//! facts the checks judge, and the audit engine that joins outcomes with the
//! catalogue's metadata into [`AuditReport`].

use crate::checks::container::{ContainerCtx, container_checks};
use crate::checks::daemon::{DaemonFacts, daemon_checks, file_checks};
use crate::checks::image::{ImageCtx, image_checks};
use crate::checks::swarm::{SwarmFacts, swarm_checks};
use crate::checks::{Outcome, custom};
use crate::host::{FileFact, FileRole, dockerd_args, host_path, registry_certs, unit_file};
use crate::json::{render, str_at};
use crate::rules::{Catalog, RuleConfig, TargetKind};
use crate::vulns::VulnSource;
use crate::{AuditError, CheckResult, Status, Target};
use bollard::Docker;
use bollard::query_parameters::ListContainersOptionsBuilder;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// A blocking handle on the daemon: bollard on a private one-thread runtime.
pub(crate) struct Client {
    pub rt: tokio::runtime::Runtime,
    pub docker: Docker,
    pub host: String,
}

impl Client {
    pub fn connect() -> Result<Client, AuditError> {
        let host =
            std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into());
        let err = |m: String| AuditError::Connect {
            host: host.clone(),
            message: m,
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| err(format!("tokio runtime: {e}")))?;
        let docker = Docker::connect_with_defaults().map_err(|e| err(e.to_string()))?;
        // bollard asks for API 1.53 by default; older daemons (20.10 speaks 1.41)
        // refuse it, so agree on the daemon's version first.
        let docker = rt
            .block_on(docker.negotiate_version())
            .map_err(|e| err(e.to_string()))?;
        Ok(Client { rt, docker, host })
    }

    pub fn block<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Every container (all states), optionally only those with all `labels`.
    pub fn container_ids(&self, all: bool, labels: &[String]) -> Result<Vec<String>, AuditError> {
        let mut filters: HashMap<String, Vec<String>> = HashMap::new();
        if !labels.is_empty() {
            filters.insert("label".into(), labels.to_vec());
        }
        let opts = ListContainersOptionsBuilder::default()
            .all(all)
            .filters(&filters)
            .build();
        let list = self
            .block(self.docker.list_containers(Some(opts)))
            .map_err(|e| api("list containers", e))?;
        Ok(list.into_iter().filter_map(|c| c.id).collect())
    }

    /// `docker inspect` of a container; `None` when it is gone.
    pub fn inspect_container(&self, id: &str) -> Result<Option<Value>, AuditError> {
        match self.block(self.docker.inspect_container(id, None)) {
            Ok(c) => Ok(Some(to_json(&c))),
            Err(e) if is_404(&e) => Ok(None),
            Err(e) => Err(api(&format!("inspect container {id}"), e)),
        }
    }

    /// `docker image inspect`; `None` when the daemon has no such image.
    pub fn inspect_image(&self, reference: &str) -> Result<Option<Value>, AuditError> {
        match self.block(self.docker.inspect_image(reference)) {
            Ok(i) => Ok(Some(to_json(&i))),
            Err(e) if is_404(&e) => Ok(None),
            Err(e) => Err(api(&format!("inspect image {reference}"), e)),
        }
    }

    pub fn image_history(&self, id: &str) -> Result<Vec<Value>, AuditError> {
        match self.block(self.docker.image_history(id)) {
            Ok(h) => Ok(h.iter().map(to_json).collect()),
            Err(e) if is_404(&e) => Ok(Vec::new()),
            Err(e) => Err(api(&format!("image history {id}"), e)),
        }
    }

    pub fn inspect_network(&self, name: &str) -> Result<Option<Value>, AuditError> {
        match self.block(self.docker.inspect_network(name, None)) {
            Ok(n) => Ok(Some(to_json(&n))),
            Err(e) if is_404(&e) => Ok(None),
            Err(e) => Err(api(&format!("inspect network {name}"), e)),
        }
    }
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

pub(crate) fn is_404(e: &bollard::errors::Error) -> bool {
    matches!(
        e,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

pub(crate) fn api(what: &str, e: bollard::errors::Error) -> AuditError {
    AuditError::Api {
        what: what.to_string(),
        message: e.to_string(),
    }
}

/// What to audit and how.
#[derive(Default)]
pub struct AuditOptions<'a> {
    /// Disabled checks, severity overrides, custom checks.
    pub config: RuleConfig,
    /// Only containers carrying all these labels (`key` or `key=value`).
    pub label_filter: Vec<String>,
    /// Only these containers (names or ids); empty means every container in scope.
    pub containers: Vec<String>,
    /// Audit stopped containers too (CIS audits running ones).
    pub include_stopped: bool,
    /// Audit every image of the daemon, not only those of the audited containers.
    pub all_images: bool,
    /// Read image layers (`docker save`) to list setuid/setgid files (check 4.8).
    pub scan_setuid: bool,
    /// Skip the daemon and host-file checks (sections 2, 3).
    pub skip_daemon: bool,
    /// Known vulnerabilities per image from drydock's scan cache (check 4.4).
    pub vuln_lookup: Option<&'a dyn VulnSource>,
    /// Where daemon.json is; default /etc/docker/daemon.json under `host_root`.
    pub daemon_json: Option<std::path::PathBuf>,
    /// Where the daemon host's root file system is (`/` when unset): the
    /// section 3 files are read below it, for drydock running in a container
    /// with the host mounted, and for tests.
    pub host_root: Option<std::path::PathBuf>,
}

/// The result of [`audit_docker`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditReport {
    /// `DOCKER_HOST` or the default socket.
    pub host: String,
    pub server_version: String,
    pub api_version: String,
    /// Every result, passes included, grouped by target in audit order.
    pub results: Vec<CheckResult>,
    pub containers_audited: usize,
    pub images_audited: usize,
}

impl AuditReport {
    /// Results per status.
    pub fn counts(&self) -> BTreeMap<Status, usize> {
        let mut m = BTreeMap::new();
        for r in &self.results {
            *m.entry(r.status).or_insert(0) += 1;
        }
        m
    }

    /// The results about one target (container name, image reference, `daemon`).
    pub fn for_target<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a CheckResult> + use<'a> {
        let name = name.to_string();
        self.results.iter().filter(move |r| r.target.name == name)
    }
}

/// Joins outcomes with metadata, dropping disabled checks.
struct Engine {
    catalog: Catalog,
    results: Vec<CheckResult>,
}

impl Engine {
    fn push(&mut self, o: Outcome, target: &Target) {
        self.push_id(o.id, o.status, o.evidence, target);
    }

    fn push_id(&mut self, id: &str, status: Status, evidence: String, target: &Target) {
        if !self.catalog.is_enabled(id) {
            return;
        }
        let Some(meta) = self.catalog.get(id) else {
            tracing::warn!("check {id} has no metadata in rules/*.yaml; skipped");
            return;
        };
        self.results.push(CheckResult {
            id: id.to_string(),
            cis_id: meta.cis.clone(),
            title: meta.title.clone(),
            status,
            severity: meta.severity,
            target: target.clone(),
            evidence,
            remediation: meta.remediation.trim().to_string(),
            compliance: meta.compliance.clone(),
        });
    }

    /// The MANUAL results of the non-automated checks of a kind, and the
    /// custom checks. `not_applicable` turns a check's MANUAL into INFO with
    /// the reason it returns (section 7 outside a swarm).
    fn extras(
        &mut self,
        kind: TargetKind,
        target: &Target,
        doc: &Value,
        not_applicable: &dyn Fn(&str) -> Option<String>,
    ) {
        let manual: Vec<(String, String)> = self
            .catalog
            .all()
            .filter(|c| c.target == kind && !c.automated)
            .map(|c| (c.id.clone(), c.manual.clone().unwrap_or_default()))
            .collect();
        for (id, why) in manual {
            match not_applicable(&id) {
                Some(reason) => self.push_id(&id, Status::Info, reason, target),
                None => self.push_id(&id, Status::Manual, why.trim().to_string(), target),
            }
        }
        let customs: Vec<_> = self
            .catalog
            .custom
            .iter()
            .filter(|c| c.meta.target == kind)
            .cloned()
            .collect();
        for c in customs {
            if let Some((s, ev)) = custom::evaluate(&c, doc) {
                self.push_id(&c.meta.id, s, ev, target);
            }
        }
    }
}

/// Gathers the daemon facts: `docker info`, the default bridge, daemon.json,
/// dockerd's flags and the daemon's files when it is on this host.
pub(crate) fn daemon_facts(
    client: &Client,
    daemon_json: Option<&std::path::Path>,
    root: &std::path::Path,
) -> Result<DaemonFacts, AuditError> {
    let info = client
        .block(client.docker.info())
        .map_err(|e| api("info", e))?;
    let docker_host = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty());
    let local = docker_host
        .as_deref()
        .is_none_or(|h| h.starts_with("unix://"));
    let path = daemon_json
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "/etc/docker/daemon.json".into());
    // An explicit daemon.json is a path on this machine; the default is the host's.
    let json_fact = |role| match daemon_json {
        Some(p) => FileFact::stat(role, &p.display().to_string()),
        None => FileFact::stat_in(root, role, &path),
    };
    let read_path = match daemon_json {
        Some(p) => p.to_path_buf(),
        None => host_path(root, &path),
    };
    let (json, err) = if !local {
        (None, Some("daemon not on this host".to_string()))
    } else {
        match std::fs::read_to_string(&read_path) {
            Ok(t) => match serde_json::from_str::<Value>(&t) {
                Ok(v) => (Some(v), None),
                Err(e) => (None, Some(format!("invalid JSON: {e}"))),
            },
            Err(e) => (None, Some(e.to_string())),
        }
    };
    let mut facts = DaemonFacts {
        info: to_json(&info),
        bridge: client.inspect_network("bridge")?,
        daemon_json: json,
        daemon_json_path: path.clone(),
        daemon_json_error: err,
        dockerd_args: if local { dockerd_args() } else { None },
        docker_host: docker_host.clone(),
        docker_tls_verify: std::env::var("DOCKER_TLS_VERIFY")
            .is_ok_and(|v| !v.is_empty() && v != "0"),
        content_trust: std::env::var("DOCKER_CONTENT_TRUST").ok(),
        local,
        files: Vec::new(),
    };
    if local {
        let sock = docker_host
            .as_deref()
            .and_then(|h| h.strip_prefix("unix://"))
            .unwrap_or("/var/run/docker.sock")
            .to_string();
        let containerd = facts
            .setting("containerd")
            .map(|(v, _)| render(&v))
            .filter(|p| p.starts_with('/'))
            .unwrap_or_else(|| "/run/containerd/containerd.sock".into());
        let mut files = vec![
            FileFact::stat_in(
                root,
                FileRole::DockerService,
                &unit_file(root, "docker.service"),
            ),
            FileFact::stat_in(
                root,
                FileRole::DockerSocketUnit,
                &unit_file(root, "docker.socket"),
            ),
            FileFact::stat_in(root, FileRole::EtcDocker, "/etc/docker"),
            // The socket the client connects to is on this machine.
            FileFact::stat(FileRole::Socket, &sock),
            json_fact(FileRole::DaemonJson),
            FileFact::stat_in(root, FileRole::EtcDefaultDocker, "/etc/default/docker"),
            FileFact::stat_in(root, FileRole::EtcSysconfigDocker, "/etc/sysconfig/docker"),
            FileFact::stat_in(root, FileRole::ContainerdSocket, &containerd),
        ];
        for (role, key) in [
            (FileRole::TlsCaCert, "tlscacert"),
            (FileRole::TlsCert, "tlscert"),
            (FileRole::TlsKey, "tlskey"),
        ] {
            if let Some((v, _)) = facts.setting(key) {
                files.push(FileFact::stat_in(root, role, &render(&v)));
            }
        }
        files.extend(registry_certs(root));
        facts.files = files;
    }
    Ok(facts)
}

/// `docker info`'s Swarm, plus `docker swarm inspect` and the overlay
/// networks when the node is in a swarm (inspect answers on managers only).
pub(crate) fn swarm_facts(client: &Client, info: &Value) -> Result<SwarmFacts, AuditError> {
    let mut f = SwarmFacts {
        info: info.get("Swarm").cloned().unwrap_or(Value::Null),
        ..Default::default()
    };
    if !f.active() {
        return Ok(f);
    }
    if crate::json::bool_at(&f.info, "ControlAvailable") {
        f.swarm = match client.block(client.docker.inspect_swarm()) {
            Ok(s) => Some(to_json(&s)),
            Err(e) => {
                tracing::warn!("docker swarm inspect: {e}");
                None
            }
        };
    }
    let filters: HashMap<String, Vec<String>> =
        [("driver".to_string(), vec!["overlay".to_string()])].into();
    let list = client
        .block(
            client.docker.list_networks(Some(
                bollard::query_parameters::ListNetworksOptionsBuilder::default()
                    .filters(&filters)
                    .build(),
            )),
        )
        .map_err(|e| api("list overlay networks", e))?;
    f.overlay_networks = list.iter().map(to_json).collect();
    Ok(f)
}

/// The image id a container's `Config.Image` names now: `None` when the
/// container was started by image id, `Some(None)` when the tag is gone.
pub(crate) fn tag_now(
    client: &Client,
    container: &Value,
) -> Result<Option<Option<String>>, AuditError> {
    let reference = str_at(container, "Config.Image");
    let running = str_at(container, "Image");
    let hex = reference.strip_prefix("sha256:").unwrap_or(reference);
    if reference.is_empty()
        || (hex.len() >= 12
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
            && running.trim_start_matches("sha256:").starts_with(hex))
    {
        return Ok(None);
    }
    Ok(Some(
        client
            .inspect_image(reference)?
            .map(|i| str_at(&i, "Id").to_string()),
    ))
}

/// Audits the daemon reached through `DOCKER_HOST` (or the default socket):
/// daemon settings and files, the images of the audited containers, and the
/// containers themselves. Every check result is returned, passes included.
pub fn audit_docker(opts: &AuditOptions<'_>) -> Result<AuditReport, AuditError> {
    let catalog = Catalog::with_config(&opts.config)?;
    let client = Client::connect()?;
    let version = client
        .block(client.docker.version())
        .map_err(|e| api("version", e))?;
    let mut engine = Engine {
        catalog,
        results: Vec::new(),
    };

    let root = opts
        .host_root
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("/"));
    let facts = daemon_facts(&client, opts.daemon_json.as_deref(), &root)?;
    if !opts.skip_daemon {
        let d = Target::daemon();
        for o in daemon_checks(&facts) {
            engine.push(o, &d);
        }
        for (o, path) in file_checks(&facts) {
            let t = Target {
                kind: TargetKind::HostFile,
                name: path,
                id: None,
            };
            engine.push(o, &t);
        }
        let swarm = swarm_facts(&client, &facts.info)?;
        for o in swarm_checks(&swarm) {
            engine.push(o, &d);
        }
        let not_in_swarm = swarm.not_applicable();
        let section_7 = |id: &str| {
            not_in_swarm
                .clone()
                .filter(|_| crate::checks::swarm::SECTION_7.contains(&id))
        };
        engine.extras(TargetKind::Daemon, &d, &facts.info, &section_7);
    }

    let sec: Vec<String> = crate::json::strings_at(&facts.info, "SecurityOptions");
    let nnp = daemon_checks(&facts)
        .into_iter()
        .find(|o| o.id == "DD-CIS-2.14" && o.status == Status::Pass)
        .map(|o| o.evidence);
    let mut ids = client.container_ids(
        opts.include_stopped || !opts.containers.is_empty(),
        &opts.label_filter,
    )?;
    let mut containers = Vec::new();
    for id in ids.drain(..) {
        let Some(c) = client.inspect_container(&id)? else {
            continue;
        };
        let name = str_at(&c, "Name").trim_start_matches('/').to_string();
        if !opts.containers.is_empty()
            && !opts
                .containers
                .iter()
                .any(|w| *w == name || id.starts_with(w.as_str()))
        {
            continue;
        }
        containers.push((name, id, c));
    }
    containers.sort_by(|a, b| a.0.cmp(&b.0));

    // Images first: one result set per image, with the reference of the first container using it.
    let mut images: Vec<(String, Option<String>)> = Vec::new();
    for (_, _, c) in &containers {
        let img = str_at(c, "Image").to_string();
        if !images.iter().any(|(i, _)| *i == img) {
            images.push((img, Some(str_at(c, "Config.Image").to_string())));
        }
    }
    if opts.all_images {
        let list = client
            .block(
                client
                    .docker
                    .list_images(None::<bollard::query_parameters::ListImagesOptions>),
            )
            .map_err(|e| api("list images", e))?;
        for i in list {
            if !images.iter().any(|(x, _)| *x == i.id) {
                images.push((i.id, None));
            }
        }
    }
    let mut images_audited = 0;
    for (id, reference) in &images {
        let Some(img) = client.inspect_image(id)? else {
            continue;
        };
        images_audited += 1;
        let history = client.image_history(id)?;
        let name = reference
            .clone()
            .or_else(|| crate::json::strings_at(&img, "RepoTags").into_iter().next())
            .unwrap_or_else(|| crate::short_id(id).to_string());
        let ctx = ImageCtx {
            reference: reference.clone(),
            vulnerabilities: opts
                .vuln_lookup
                .map(|v| v.image_vulns(id, &crate::json::strings_at(&img, "RootFS.Layers"))),
            setuid: opts.scan_setuid.then(|| crate::setuid::scan(&client, id)),
        };
        let t = Target {
            kind: TargetKind::Image,
            name,
            id: Some(id.clone()),
        };
        for o in image_checks(&img, &history, &ctx) {
            engine.push(o, &t);
        }
        engine.extras(TargetKind::Image, &t, &img, &|_| None);
    }

    for (name, id, c) in &containers {
        let ctx = ContainerCtx {
            apparmor_host: sec.iter().any(|s| s.starts_with("name=apparmor")),
            selinux_host: sec.iter().any(|s| s.starts_with("name=selinux")),
            daemon_no_new_privileges: nnp.clone(),
            tag_now: tag_now(&client, c)?,
        };
        let t = Target {
            kind: TargetKind::Container,
            name: name.clone(),
            id: Some(id.clone()),
        };
        for o in container_checks(c, &ctx) {
            engine.push(o, &t);
        }
        engine.extras(TargetKind::Container, &t, c, &|_| None);
    }

    Ok(AuditReport {
        host: client.host.clone(),
        server_version: version.version.unwrap_or_default(),
        api_version: version.api_version.unwrap_or_default(),
        results: engine.results,
        containers_audited: containers.len(),
        images_audited,
    })
}
