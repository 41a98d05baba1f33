//! Container sprawl and network exposure: the inventory of every container,
//! image and network of the daemon, which containers use which image, what is
//! published where, and the findings about what was left to rot (CIS 6.1/6.2).
//!
//! [`build`] is pure over the gathered records, so thresholds are tested
//! without waiting days; [`inventory`] gathers them from the live daemon.

pub use crate::checks::container::PortBinding;
use crate::checks::container::published_ports;
use crate::json::{at, i64_at, str_at};
use crate::live::{Client, api, tag_now};
use crate::rules::{Catalog, RuleConfig, TargetKind};
use crate::vulns::{ImageVulns, VulnSource};
use crate::{AuditError, CheckResult, Status, Target};
use drydock_core::Severity;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Thresholds and scope of [`inventory`].
pub struct InventoryOptions<'a> {
    /// Disabled checks and severity overrides (custom checks do not apply here).
    pub config: RuleConfig,
    /// Only containers and images carrying all these labels (`key` or `key=value`).
    pub label_filter: Vec<String>,
    /// Containers exited at least this many days ago are sprawl (`--exited-days`).
    pub exited_days: i64,
    /// Images created at least this many days ago are stale (`--image-age-days`).
    pub image_age_days: i64,
    /// A container restarted at least this many times is in a restart loop.
    pub restart_threshold: i64,
    /// Labels every container must carry (`--require-label team,service`).
    pub require_labels: Vec<String>,
    /// Known vulnerabilities of the containers' images (drydock's scan cache).
    pub vuln_lookup: Option<&'a dyn VulnSource>,
    /// The time ages are measured from; `None` = now.
    pub now: Option<OffsetDateTime>,
}

impl Default for InventoryOptions<'_> {
    fn default() -> Self {
        InventoryOptions {
            config: RuleConfig::default(),
            label_filter: Vec::new(),
            exited_days: 30,
            image_age_days: 90,
            restart_threshold: 5,
            require_labels: Vec::new(),
            vuln_lookup: None,
            now: None,
        }
    }
}

/// One container of the inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerRecord {
    pub id: String,
    pub name: String,
    /// The reference it was started with (`Config.Image`).
    pub image: String,
    pub image_id: String,
    /// `running`, `exited`, `created`, `restarting`, `paused`, `dead`.
    pub state: String,
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    pub restart_count: i64,
    pub restarting: bool,
    pub labels: BTreeMap<String, String>,
    pub ports: Vec<PortBinding>,
    pub network_mode: String,
    pub networks: Vec<String>,
    /// The image id its tag names now (see [`crate::CheckResult`] 5.27); `None` = started by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_now: Option<Option<String>>,
}

/// One image of the inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageRecord {
    pub id: String,
    pub repo_tags: Vec<String>,
    pub created: String,
    pub size: i64,
    pub labels: BTreeMap<String, String>,
    /// Names of the containers (any state) created from it.
    pub used_by: Vec<String>,
    /// `RootFS.Layers` (diffIDs), read for the images of audited containers
    /// when a vulnerability source is given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diff_ids: Vec<String>,
    /// Whether it is in the requested scope (the label filter); out-of-scope
    /// images are listed for usage but get no findings.
    #[serde(skip)]
    pub in_scope: bool,
}

impl ImageRecord {
    pub fn dangling(&self) -> bool {
        self.repo_tags.iter().all(|t| t == "<none>:<none>")
    }
}

/// One network with the in-scope containers attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkRecord {
    pub id: String,
    pub name: String,
    pub driver: String,
    /// `com.docker.network.bridge.enable_icc` as set, for bridge networks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icc_option: Option<String>,
    pub containers: Vec<String>,
}

/// Everything [`inventory`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DockerInventory {
    pub containers: Vec<ContainerRecord>,
    pub images: Vec<ImageRecord>,
    pub networks: Vec<NetworkRecord>,
    /// Sprawl and exposure findings: FAIL, and INFO for images the scan cache
    /// cannot judge (passes are not listed).
    pub findings: Vec<CheckResult>,
    /// The time ages were measured from (RFC 3339).
    pub measured_at: String,
}

impl DockerInventory {
    /// The network exposure map: (container name, published port), sorted.
    pub fn exposure(&self) -> Vec<(&str, &PortBinding)> {
        let mut v: Vec<(&str, &PortBinding)> = self
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().map(move |p| (c.name.as_str(), p)))
            .collect();
        v.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
        v
    }

    pub fn container(&self, name: &str) -> Option<&ContainerRecord> {
        self.containers.iter().find(|c| c.name == name)
    }

    /// The findings about one target name.
    pub fn findings_for<'a>(
        &'a self,
        name: &str,
    ) -> impl Iterator<Item = &'a CheckResult> + use<'a> {
        let name = name.to_string();
        self.findings.iter().filter(move |f| f.target.name == name)
    }
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .filter(|t| t.year() > 1)
}

fn labels_of(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), crate::json::render(v)))
                .collect()
        })
        .unwrap_or_default()
}

/// A container record from `docker inspect`.
pub(crate) fn container_record(c: &Value, tag_now: Option<Option<String>>) -> ContainerRecord {
    let t = |p: &str| Some(str_at(c, p).to_string()).filter(|s| parse_time(s).is_some());
    ContainerRecord {
        id: str_at(c, "Id").to_string(),
        name: str_at(c, "Name").trim_start_matches('/').to_string(),
        image: str_at(c, "Config.Image").to_string(),
        image_id: str_at(c, "Image").to_string(),
        state: str_at(c, "State.Status").to_string(),
        created: str_at(c, "Created").to_string(),
        started_at: t("State.StartedAt"),
        finished_at: t("State.FinishedAt"),
        restart_count: i64_at(c, "RestartCount"),
        restarting: at(c, "State.Restarting")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        labels: labels_of(at(c, "Config.Labels")),
        ports: published_ports(c),
        network_mode: str_at(c, "HostConfig.NetworkMode").to_string(),
        networks: at(c, "NetworkSettings.Networks")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
        tag_now,
    }
}

struct Emit<'c> {
    catalog: &'c Catalog,
    /// Severities the user's settings set.
    overrides: &'c BTreeMap<String, Severity>,
    out: Vec<CheckResult>,
}

impl Emit<'_> {
    fn fail(&mut self, id: &str, target: Target, evidence: String) {
        self.emit(id, Status::Fail, target, evidence);
    }

    fn emit(&mut self, id: &str, status: Status, target: Target, evidence: String) {
        self.emit_with(id, status, None, target, evidence);
    }

    /// `severity` replaces the check's own, unless the user's settings set one.
    fn emit_with(
        &mut self,
        id: &str,
        status: Status,
        severity: Option<Severity>,
        target: Target,
        evidence: String,
    ) {
        if !self.catalog.is_enabled(id) {
            return;
        }
        let Some(m) = self.catalog.get(id) else {
            return;
        };
        let severity = match (self.overrides.get(id), severity) {
            (Some(user), _) => *user,
            (None, Some(s)) => s,
            (None, None) => m.severity,
        };
        self.out.push(CheckResult {
            id: id.into(),
            cis_id: m.cis.clone(),
            title: m.title.clone(),
            status,
            severity,
            target,
            evidence,
            remediation: m.remediation.trim().to_string(),
            compliance: m.compliance.clone(),
        });
    }
}

fn days(now: OffsetDateTime, then: OffsetDateTime) -> i64 {
    (now - then).whole_days()
}

/// The sprawl and exposure findings over gathered records. `in_scope`
/// containers are those given; images and networks carry their own scope.
pub fn build(
    containers: Vec<ContainerRecord>,
    mut images: Vec<ImageRecord>,
    networks: Vec<NetworkRecord>,
    opts: &InventoryOptions<'_>,
) -> Result<DockerInventory, AuditError> {
    let catalog = Catalog::with_config(&RuleConfig {
        custom: Vec::new(),
        ..opts.config.clone()
    })?;
    images.sort_by(|a, b| a.repo_tags.cmp(&b.repo_tags).then(a.id.cmp(&b.id)));
    let now = opts.now.unwrap_or_else(OffsetDateTime::now_utc);
    let mut e = Emit {
        catalog: &catalog,
        overrides: &opts.config.severity,
        out: Vec::new(),
    };
    let names: HashMap<&str, &str> = containers
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();

    for c in &containers {
        let t = Target {
            kind: TargetKind::Container,
            name: c.name.clone(),
            id: Some(c.id.clone()),
        };
        if matches!(c.state.as_str(), "exited" | "dead" | "created") {
            let (when, field) = match c.finished_at.as_deref().and_then(parse_time) {
                Some(f) => (Some(f), "State.FinishedAt"),
                None => (parse_time(&c.created), "Created"),
            };
            if let Some(when) = when {
                let age = days(now, when);
                if age >= opts.exited_days {
                    let stamp = if field == "Created" {
                        c.created.clone()
                    } else {
                        c.finished_at.clone().unwrap_or_default()
                    };
                    e.fail(
                        "DD-SPRAWL-EXITED",
                        t.clone(),
                        format!(
                            "State.Status={}, {field}={stamp} ({age} days ago; threshold {} days)",
                            c.state, opts.exited_days
                        ),
                    );
                }
            }
        }
        if c.restarting || c.restart_count >= opts.restart_threshold {
            e.fail(
                "DD-SPRAWL-RESTART-LOOP",
                t.clone(),
                format!(
                    "State.Restarting={}, RestartCount={} (threshold {})",
                    c.restarting, c.restart_count, opts.restart_threshold
                ),
            );
        }
        if let Some(Some(now_id)) = &c.tag_now
            && *now_id != c.image_id
        {
            e.fail(
                "DD-SPRAWL-STALE-TAG",
                t.clone(),
                format!(
                    "Config.Image={} now names {}, the container runs Image={}",
                    c.image,
                    crate::short_id(now_id),
                    crate::short_id(&c.image_id)
                ),
            );
        }
        let missing: Vec<&str> = opts
            .require_labels
            .iter()
            .map(String::as_str)
            .filter(|l| !c.labels.contains_key(*l))
            .collect();
        if !missing.is_empty() {
            e.fail(
                "DD-SPRAWL-MISSING-LABELS",
                t.clone(),
                format!("Config.Labels lacks {}", missing.join(", ")),
            );
        }
        if let Some(source) = opts.vuln_lookup {
            let image = format!("Image={} ({})", crate::short_id(&c.image_id), c.image);
            let vulns = match images.iter().find(|i| i.id == c.image_id) {
                Some(i) => source.image_vulns(&i.id, &i.diff_ids),
                None => ImageVulns::Failed {
                    message: "the daemon no longer lists the image".into(),
                },
            };
            // As severe as the worst vulnerability (Debian's records carry no
            // severity, so an image can have many UNKNOWN ones).
            match &vulns {
                ImageVulns::Scanned(s) if s.total > 0 => e.emit_with(
                    "DD-SPRAWL-VULNERABLE",
                    Status::Fail,
                    s.top.first().map(|v| v.severity),
                    t.clone(),
                    format!("{image}: {}", s.describe()),
                ),
                ImageVulns::Scanned(_) => {}
                other => e.emit(
                    "DD-SPRAWL-VULNERABLE",
                    Status::Info,
                    t.clone(),
                    format!("{image}: {}", other.unjudged_reason().unwrap_or_default()),
                ),
            }
        }
        let wide: Vec<String> = c
            .ports
            .iter()
            .filter(|p| p.all_interfaces())
            .map(|p| p.to_string())
            .collect();
        if !wide.is_empty() {
            e.fail(
                "DD-NET-ALL-INTERFACES",
                t.clone(),
                format!("published {}", wide.join(", ")),
            );
        }
        if c.networks.iter().any(|n| n == "bridge") {
            e.fail(
                "DD-NET-DEFAULT-BRIDGE",
                t.clone(),
                format!(
                    "HostConfig.NetworkMode={}; NetworkSettings.Networks has bridge",
                    c.network_mode
                ),
            );
        }
        if let Some(other) = c.network_mode.strip_prefix("container:") {
            let with = names
                .get(other)
                .copied()
                .map(str::to_string)
                .unwrap_or_else(|| crate::short_id(other).to_string());
            e.fail(
                "DD-NET-SHARED-NETNS",
                t.clone(),
                format!(
                    "HostConfig.NetworkMode={} (shares with {with})",
                    c.network_mode
                ),
            );
        }
    }

    for img in images.iter().filter(|i| i.in_scope) {
        let name = img
            .repo_tags
            .iter()
            .find(|t| *t != "<none>:<none>")
            .cloned()
            .unwrap_or_else(|| crate::short_id(&img.id).to_string());
        let t = Target {
            kind: TargetKind::Image,
            name,
            id: Some(img.id.clone()),
        };
        if img.used_by.is_empty() {
            if img.dangling() {
                e.fail(
                    "DD-SPRAWL-DANGLING",
                    t.clone(),
                    "RepoTags=[] and no container uses it".into(),
                );
            } else {
                e.fail(
                    "DD-SPRAWL-UNUSED",
                    t.clone(),
                    format!(
                        "RepoTags={}; no container uses it",
                        serde_json::to_string(&img.repo_tags).unwrap_or_default()
                    ),
                );
            }
        }
        if let Some(created) = parse_time(&img.created) {
            let age = days(now, created);
            if age >= opts.image_age_days {
                e.fail(
                    "DD-SPRAWL-OLD-IMAGE",
                    t,
                    format!(
                        "Created={} ({age} days ago; threshold {} days)",
                        img.created, opts.image_age_days
                    ),
                );
            }
        }
    }

    for n in &networks {
        if n.driver == "bridge"
            && !n.containers.is_empty()
            && n.icc_option.as_deref() != Some("false")
        {
            let t = Target {
                kind: TargetKind::Network,
                name: n.name.clone(),
                id: Some(n.id.clone()),
            };
            let opt = match &n.icc_option {
                Some(v) => format!("Options.com.docker.network.bridge.enable_icc={v}"),
                None => {
                    "Options.com.docker.network.bridge.enable_icc not set (enabled)".to_string()
                }
            };
            e.fail(
                "DD-NET-ICC-OPEN",
                t,
                format!("{opt}; attached: {}", n.containers.join(", ")),
            );
        }
    }
    Ok(DockerInventory {
        containers,
        images,
        networks,
        findings: e.out,
        measured_at: now.format(&Rfc3339).unwrap_or_default(),
    })
}

/// Inventories the daemon: every container and image in scope, their usage,
/// ports and networks, and the sprawl and exposure findings.
pub fn inventory(opts: &InventoryOptions<'_>) -> Result<DockerInventory, AuditError> {
    let client = Client::connect()?;
    gather(&client, opts)
}

pub(crate) fn gather(
    client: &Client,
    opts: &InventoryOptions<'_>,
) -> Result<DockerInventory, AuditError> {
    // Usage is over every container, whatever the scope: an image is unused
    // only if no container at all runs it.
    let all = client
        .block(
            client.docker.list_containers(Some(
                bollard::query_parameters::ListContainersOptionsBuilder::default()
                    .all(true)
                    .build(),
            )),
        )
        .map_err(|e| api("list containers", e))?;
    let mut used: HashMap<String, Vec<String>> = HashMap::new();
    for c in &all {
        if let (Some(img), Some(name)) = (&c.image_id, c.names.as_ref().and_then(|n| n.first())) {
            used.entry(img.clone())
                .or_default()
                .push(name.trim_start_matches('/').to_string());
        }
    }
    let mut containers = Vec::new();
    for id in client.container_ids(true, &opts.label_filter)? {
        let Some(c) = client.inspect_container(&id)? else {
            continue;
        };
        let tn = tag_now(client, &c)?;
        containers.push(container_record(&c, tn));
    }
    containers.sort_by(|a, b| a.name.cmp(&b.name));

    let mut filters: HashMap<String, Vec<String>> = HashMap::new();
    if !opts.label_filter.is_empty() {
        filters.insert("label".into(), opts.label_filter.clone());
    }
    let list = |f: &HashMap<String, Vec<String>>| {
        client
            .block(
                client.docker.list_images(Some(
                    bollard::query_parameters::ListImagesOptionsBuilder::default()
                        .all(false)
                        .filters(f)
                        .build(),
                )),
            )
            .map_err(|e| api("list images", e))
    };
    let labelled: Vec<String> = list(&filters)?.into_iter().map(|i| i.id).collect();
    let mut images = Vec::new();
    for i in list(&HashMap::new())? {
        let in_scope = opts.label_filter.is_empty()
            || labelled.contains(&i.id)
            || containers.iter().any(|c| c.image_id == i.id);
        let mut used_by = used.get(&i.id).cloned().unwrap_or_default();
        used_by.sort();
        let created = OffsetDateTime::from_unix_timestamp(i.created)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default();
        let mut tags = i.repo_tags.clone();
        tags.retain(|t| t != "<none>:<none>");
        tags.sort();
        // The layers, only where the vulnerability source will be asked.
        let diff_ids =
            if opts.vuln_lookup.is_some() && containers.iter().any(|c| c.image_id == i.id) {
                client
                    .inspect_image(&i.id)?
                    .map(|doc| crate::json::strings_at(&doc, "RootFS.Layers"))
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
        images.push(ImageRecord {
            id: i.id,
            repo_tags: tags,
            created,
            size: i.size,
            labels: i.labels.into_iter().collect(),
            used_by,
            diff_ids,
            in_scope,
        });
    }
    if !opts.label_filter.is_empty() {
        images.retain(|i| i.in_scope);
    }

    let mut networks: Vec<NetworkRecord> = Vec::new();
    let mut attached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &containers {
        for n in &c.networks {
            attached.entry(n.clone()).or_default().push(c.name.clone());
        }
    }
    for (name, members) in attached {
        let Some(n) = client.inspect_network(&name)? else {
            continue;
        };
        networks.push(NetworkRecord {
            id: str_at(&n, "Id").to_string(),
            name: name.clone(),
            driver: str_at(&n, "Driver").to_string(),
            icc_option: n
                .get("Options")
                .and_then(|o| o.get("com.docker.network.bridge.enable_icc"))
                .and_then(Value::as_str)
                .map(str::to_string),
            containers: members,
        });
    }
    build(containers, images, networks, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    fn rec(name: &str, state: &str, finished: &str) -> ContainerRecord {
        let mut c = json!({"Id": format!("{name}0000000000000000"), "Name": format!("/{name}"), "Image": "sha256:aaa",
            "Created": "2026-01-01T00:00:00Z", "RestartCount": 0,
            "State": {"Status": state, "Restarting": false, "StartedAt": "2026-01-01T00:00:01Z", "FinishedAt": finished},
            "Config": {"Image": "shop:1", "Labels": {"team": "shop"}},
            "HostConfig": {"NetworkMode": "shopnet"}, "NetworkSettings": {"Networks": {"shopnet": {}}}});
        c["State"]["Running"] = json!(state == "running");
        container_record(&c, Some(Some("sha256:aaa".into())))
    }

    fn img(id: &str, tags: &[&str], created: &str, used_by: &[&str]) -> ImageRecord {
        ImageRecord {
            id: id.into(),
            repo_tags: tags.iter().map(|s| s.to_string()).collect(),
            created: created.into(),
            size: 1,
            labels: BTreeMap::new(),
            used_by: used_by.iter().map(|s| s.to_string()).collect(),
            diff_ids: vec![format!("sha256:{}", id.trim_start_matches("sha256:"))],
            in_scope: true,
        }
    }

    fn ids(inv: &DockerInventory, name: &str) -> Vec<String> {
        inv.findings_for(name).map(|f| f.id.clone()).collect()
    }

    #[test]
    fn thresholds_decide_sprawl() {
        let now = datetime!(2026-03-01 00:00 UTC);
        let containers = vec![
            rec("old", "exited", "2026-01-10T00:00:00Z"),
            rec("recent", "exited", "2026-02-25T00:00:00Z"),
            rec("up", "running", "0001-01-01T00:00:00Z"),
        ];
        let images = vec![
            img(
                "sha256:aaa",
                &["shop:1"],
                "2025-10-01T00:00:00Z",
                &["old", "recent", "up"],
            ),
            img("sha256:bbb", &[], "2026-02-28T00:00:00Z", &[]),
            img("sha256:ccc", &["tool:2"], "2026-02-28T00:00:00Z", &[]),
        ];
        let opts = InventoryOptions {
            now: Some(now),
            require_labels: vec!["team".into(), "service".into()],
            ..Default::default()
        };
        let inv = build(containers, images, vec![], &opts).unwrap();
        assert_eq!(
            ids(&inv, "old"),
            vec!["DD-SPRAWL-EXITED", "DD-SPRAWL-MISSING-LABELS"]
        );
        assert_eq!(ids(&inv, "recent"), vec!["DD-SPRAWL-MISSING-LABELS"]);
        let ev = &inv.findings_for("old").next().unwrap().evidence;
        assert_eq!(
            ev,
            "State.Status=exited, State.FinishedAt=2026-01-10T00:00:00Z (50 days ago; threshold 30 days)"
        );
        assert_eq!(ids(&inv, "shop:1"), vec!["DD-SPRAWL-OLD-IMAGE"]);
        assert_eq!(ids(&inv, "bbb"), vec!["DD-SPRAWL-DANGLING"]);
        assert_eq!(ids(&inv, "tool:2"), vec!["DD-SPRAWL-UNUSED"]);
        assert_eq!(
            inv.findings_for("up").next().unwrap().evidence,
            "Config.Labels lacks service"
        );

        // --exited-days 0: any stopped container counts.
        let opts0 = InventoryOptions {
            now: Some(now),
            exited_days: 0,
            ..Default::default()
        };
        let inv = build(
            vec![rec("recent", "exited", "2026-02-28T23:00:00Z")],
            vec![],
            vec![],
            &opts0,
        )
        .unwrap();
        assert_eq!(ids(&inv, "recent"), vec!["DD-SPRAWL-EXITED"]);
    }

    #[test]
    fn restart_loops_stale_tags_vulns_and_network() {
        let mut looping = rec("loop", "restarting", "2026-02-28T00:00:00Z");
        looping.restarting = true;
        looping.restart_count = 7;
        let mut stale = rec("stale", "running", "");
        stale.tag_now = Some(Some("sha256:9999999999999999".into()));
        stale.ports = vec![PortBinding {
            host_ip: "0.0.0.0".into(),
            host_port: 8080,
            container_port: 80,
            proto: "tcp".into(),
        }];
        stale.networks = vec!["bridge".into()];
        stale.network_mode = "default".into();
        let mut side = rec("side", "running", "");
        side.network_mode = format!("container:{}", stale.id);
        side.networks = vec![];
        // sha256:aaa has a HIGH vulnerability, sha256:ddd only a LOW one, and
        // sha256:eee has a layer the cache lacks.
        let lookup = |id: &str, layers: &[String]| {
            assert_eq!(layers, [id], "the image's RootFS.Layers are passed on");
            let sev = match id {
                "sha256:aaa" => Severity::High,
                "sha256:ddd" => Severity::Low,
                _ => {
                    return ImageVulns::NotScanned {
                        missing_layers: 1,
                        layers: 1,
                        command: format!("drydock image {id}"),
                    };
                }
            };
            let f = crate::vulns::vuln("CVE-2024-0001", sev, "zlib1g", None);
            ImageVulns::Scanned(crate::VulnSummary::from_findings(&[f], 90))
        };
        let opts = InventoryOptions {
            vuln_lookup: Some(&lookup),
            ..Default::default()
        };
        let mut low = rec("low", "running", "");
        low.image_id = "sha256:ddd".into();
        low.tag_now = None;
        let mut unscanned = rec("unscanned", "running", "");
        unscanned.image_id = "sha256:eee".into();
        unscanned.tag_now = None;
        let images = vec![
            img("sha256:aaa", &["shop:1"], "2026-02-28T00:00:00Z", &["loop"]),
            img("sha256:ddd", &["low:1"], "2026-02-28T00:00:00Z", &["low"]),
            img(
                "sha256:eee",
                &["new:1"],
                "2026-02-28T00:00:00Z",
                &["unscanned"],
            ),
        ];
        let nets = vec![
            NetworkRecord {
                id: "n1".into(),
                name: "bridge".into(),
                driver: "bridge".into(),
                icc_option: Some("true".into()),
                containers: vec!["stale".into()],
            },
            NetworkRecord {
                id: "n2".into(),
                name: "locked".into(),
                driver: "bridge".into(),
                icc_option: Some("false".into()),
                containers: vec!["x".into()],
            },
        ];
        let images_again = images.clone();
        let inv = build(
            vec![looping, stale, side, low, unscanned],
            images,
            nets,
            &opts,
        )
        .unwrap();
        let vuln = inv
            .findings_for("loop")
            .find(|f| f.id == "DD-SPRAWL-VULNERABLE")
            .unwrap();
        assert_eq!(vuln.status, Status::Fail);
        assert_eq!(
            vuln.evidence,
            "Image=aaa (shop:1): 1 vulnerabilities in 90 packages (CRITICAL 0, HIGH 1, MEDIUM 0, LOW 0, UNKNOWN 0), 0 with a fix; top: CVE-2024-0001 (HIGH, zlib1g, no fix)"
        );
        assert_eq!(vuln.severity, Severity::High, "the worst vulnerability's");
        let low: Vec<_> = inv.findings_for("low").collect();
        assert_eq!(
            (low.len(), low[0].status, low[0].severity),
            (1, Status::Fail, Severity::Low)
        );
        // A severity the user set wins.
        let mut config = RuleConfig::default();
        config
            .severity
            .insert("DD-SPRAWL-VULNERABLE".into(), Severity::Critical);
        let opts2 = InventoryOptions {
            config,
            vuln_lookup: Some(&lookup),
            ..Default::default()
        };
        let overridden = build(
            vec![rec("loop", "running", "")],
            images_again,
            vec![],
            &opts2,
        )
        .unwrap();
        assert_eq!(
            overridden.findings_for("loop").next().unwrap().severity,
            Severity::Critical
        );
        let info: Vec<_> = inv.findings_for("unscanned").collect();
        assert_eq!(info.len(), 1);
        assert_eq!(info[0].status, Status::Info);
        assert_eq!(
            info[0].evidence,
            "Image=eee (shop:1): not scanned: 1 of 1 layers are not in drydock's scan cache; run `drydock image sha256:eee` to fill it"
        );
        assert_eq!(
            ids(&inv, "loop"),
            vec!["DD-SPRAWL-RESTART-LOOP", "DD-SPRAWL-VULNERABLE"]
        );
        assert_eq!(
            ids(&inv, "stale"),
            vec![
                "DD-SPRAWL-STALE-TAG",
                "DD-SPRAWL-VULNERABLE",
                "DD-NET-ALL-INTERFACES",
                "DD-NET-DEFAULT-BRIDGE"
            ]
        );
        assert_eq!(
            inv.findings_for("side")
                .map(|f| f.evidence.clone())
                .last()
                .unwrap(),
            "HostConfig.NetworkMode=container:stale0000000000000000 (shares with stale)"
        );
        assert_eq!(ids(&inv, "bridge"), vec!["DD-NET-ICC-OPEN"]);
        assert!(ids(&inv, "locked").is_empty());
        assert_eq!(inv.exposure().len(), 1);
        assert_eq!(inv.exposure()[0].1.to_string(), "0.0.0.0:8080->80/tcp");
    }
}
