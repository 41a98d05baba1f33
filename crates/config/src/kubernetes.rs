//! Kubernetes manifests: every workload kind's pod template, RBAC, Services,
//! Ingresses, NetworkPolicies and Namespaces, checked one rule id at a time.
//! Metadata is in `rules/kubernetes.yaml`. `List` kinds are unwrapped, so
//! `kubectl get -o yaml`, Helm-rendered and Kustomize-built output all work.

use crate::rules::{Hit, Out};
use crate::yaml::Node;

/// The cross-document rule: pods that no NetworkPolicy selects.
pub(crate) const NETPOL_RULE: &str = "DD-K8S-045";

type Check = fn(&Ctx<'_>, &mut Out);

pub(crate) const CHECKS: &[(&str, Check)] = &[
    ("DD-K8S-001", privileged),
    ("DD-K8S-002", privilege_escalation),
    ("DD-K8S-003", run_as_non_root),
    ("DD-K8S-004", run_as_root_uid),
    ("DD-K8S-005", non_default_capabilities),
    ("DD-K8S-006", sys_admin),
    ("DD-K8S-007", net_raw_added),
    ("DD-K8S-008", drop_all),
    ("DD-K8S-009", host_network),
    ("DD-K8S-010", host_pid),
    ("DD-K8S-011", host_ipc),
    ("DD-K8S-012", host_path),
    ("DD-K8S-013", runtime_socket),
    ("DD-K8S-014", host_port),
    ("DD-K8S-015", writable_root_fs),
    ("DD-K8S-016", cpu_request),
    ("DD-K8S-017", cpu_limit),
    ("DD-K8S-018", memory_request),
    ("DD-K8S-019", memory_limit),
    ("DD-K8S-020", image_latest),
    ("DD-K8S-021", image_digest),
    ("DD-K8S-022", seccomp_unconfined),
    ("DD-K8S-023", seccomp_unset),
    ("DD-K8S-024", apparmor_unconfined),
    ("DD-K8S-025", token_automount),
    ("DD-K8S-026", secret_in_env),
    ("DD-K8S-027", node_port),
    ("DD-K8S-028", load_balancer),
    ("DD-K8S-029", ingress_tls),
    ("DD-K8S-030", rbac_wildcard),
    ("DD-K8S-031", cluster_admin_binding),
    ("DD-K8S-032", default_sa_binding),
    ("DD-K8S-033", secrets_access),
    ("DD-K8S-034", pod_create),
    ("DD-K8S-035", pod_exec),
    ("DD-K8S-036", escalate_bind_impersonate),
    ("DD-K8S-037", system_masters),
    ("DD-K8S-038", default_namespace),
    ("DD-K8S-039", proc_mount),
    ("DD-K8S-040", unsafe_sysctls),
    ("DD-K8S-041", selinux_options),
    ("DD-K8S-042", host_process),
    ("DD-K8S-043", root_group),
    ("DD-K8S-044", probes),
    (NETPOL_RULE, no_checks_here),
    ("DD-K8S-046", volume_types),
    ("DD-K8S-047", configmap_secret),
    ("DD-K8S-048", share_process_namespace),
    ("DD-K8S-049", default_service_account),
];

/// A top-level object (or a `List` item).
#[derive(Clone, Copy)]
pub(crate) struct Obj<'a> {
    pub doc: &'a Node,
    pub kind: &'a str,
    pub name: &'a str,
    pub namespace: Option<&'a str>,
}

impl Obj<'_> {
    fn kind_line(&self) -> u32 {
        self.doc.key_line("kind")
    }

    fn label(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

pub(crate) struct Container<'a> {
    pub node: &'a Node,
    pub name: &'a str,
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub field: &'static str,
}

pub(crate) struct Workload<'a> {
    pub obj: Obj<'a>,
    /// The pod template's metadata (annotations, labels).
    pub pod_meta: Option<&'a Node>,
    pub spec: &'a Node,
    /// Line of the pod spec's `spec:` key.
    pub spec_line: u32,
    pub containers: Vec<Container<'a>>,
    /// Runs to completion (Job, CronJob, a `jobTemplate`, an Argo Workflow step):
    /// no liveness or readiness probes expected.
    pub batch: bool,
}

pub(crate) struct Ctx<'a> {
    pub objects: Vec<Obj<'a>>,
    pub workloads: Vec<Workload<'a>>,
}

/// The objects of a document: a `*List`'s items, or the document itself.
pub(crate) fn list_items(doc: &Node) -> Vec<&Node> {
    let is_list = doc
        .get("kind")
        .and_then(Node::as_str)
        .is_some_and(|k| k.ends_with("List"));
    match doc.get("items") {
        Some(items) if is_list => items.seq().iter().collect(),
        _ => vec![doc],
    }
}

fn objects(docs: &[Node]) -> Vec<Obj<'_>> {
    docs.iter()
        .flat_map(list_items)
        .filter_map(|doc| {
            let kind = doc.get("kind")?.as_str()?;
            let meta = doc.get("metadata");
            Some(Obj {
                doc,
                kind,
                name: meta
                    .and_then(|m| m.get("name"))
                    .and_then(Node::as_str)
                    .unwrap_or(""),
                namespace: meta.and_then(|m| m.get("namespace")).and_then(Node::as_str),
            })
        })
        .collect()
}

/// The pod templates of an object: the one of a built-in workload kind, or,
/// for any other kind (Argo Rollout, Knative Service, OpenShift
/// DeploymentConfig, KEDA ScaledJob, Argo Workflow, …), every pod spec found
/// by its shape wherever it is embedded.
fn workloads<'a>(obj: &Obj<'a>) -> Vec<Workload<'a>> {
    let doc = obj.doc;
    let template = match obj.kind {
        "Pod" => Some((doc.get("metadata"), doc)),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => doc
            .at(&["spec", "template"])
            .map(|t| (t.get("metadata"), t)),
        "CronJob" => doc
            .at(&["spec", "jobTemplate", "spec", "template"])
            .map(|t| (t.get("metadata"), t)),
        "PodTemplate" => doc.get("template").map(|t| (t.get("metadata"), t)),
        _ => {
            let mut found = Vec::new();
            if let Some(spec) = doc.get("spec") {
                embedded(obj, doc, "spec", spec, false, &mut found);
            }
            return found;
        }
    };
    let Some((pod_meta, spec_parent)) = template else {
        return Vec::new();
    };
    let Some(spec) = spec_parent.get("spec") else {
        return Vec::new();
    };
    let batch = matches!(obj.kind, "Job" | "CronJob");
    vec![pod_workload(
        obj,
        pod_meta,
        spec,
        spec_parent.key_line("spec"),
        batch,
    )]
}

fn containers_of<'a>(spec: &'a Node, fields: &[(&str, &'static str)]) -> Vec<Container<'a>> {
    let mut containers = Vec::new();
    for (key, field) in fields {
        let nodes = match spec.get(key) {
            Some(n) if n.get("image").is_some() => std::slice::from_ref(n),
            Some(n) => n.seq(),
            None => &[],
        };
        for c in nodes {
            containers.push(Container {
                node: c,
                name: c.get("name").and_then(Node::as_str).unwrap_or(""),
                field,
            });
        }
    }
    containers
}

fn pod_workload<'a>(
    obj: &Obj<'a>,
    pod_meta: Option<&'a Node>,
    spec: &'a Node,
    spec_line: u32,
    batch: bool,
) -> Workload<'a> {
    let containers = containers_of(
        spec,
        &[
            ("initContainers", "initContainers"),
            ("containers", "containers"),
            ("ephemeralContainers", "ephemeralContainers"),
        ],
    );
    Workload {
        obj: *obj,
        pod_meta,
        spec,
        spec_line,
        containers,
        batch,
    }
}

/// A pod spec by its shape: `containers` is a list of mappings with an `image`.
fn is_pod_spec(n: &Node) -> bool {
    n.get("containers")
        .is_some_and(|c| !c.seq().is_empty() && c.seq().iter().all(|c| c.get("image").is_some()))
}

/// An Argo Workflow template: a `container` or `script` with an `image`.
fn is_argo_template(n: &Node) -> bool {
    ["container", "script"]
        .iter()
        .any(|k| n.get(k).is_some_and(|c| c.get("image").is_some()))
}

/// Walks `node` (the value of `key` in `parent`) for embedded pod specs.
/// A pod spec under a `spec:` key takes its template's metadata; a path
/// through `jobTemplate` is a batch pod (no probes expected). An Argo
/// `templates:` list makes workloads of its templates, with the workflow
/// spec holding it as their pod-level spec (where Argo takes
/// `securityContext`, `serviceAccountName`, `hostNetwork`, volumes from).
fn embedded<'a>(
    obj: &Obj<'a>,
    parent: &'a Node,
    key: &str,
    node: &'a Node,
    batch: bool,
    found: &mut Vec<Workload<'a>>,
) {
    if is_pod_spec(node) {
        let (meta, line) = if key == "spec" {
            (parent.get("metadata"), parent.key_line("spec"))
        } else {
            (None, parent.key_line(key))
        };
        found.push(pod_workload(obj, meta, node, line, batch));
        return;
    }
    if let Some(templates) = node.get("templates") {
        let mut any = false;
        for t in templates.seq().iter().filter(|t| is_argo_template(t)) {
            any = true;
            found.push(Workload {
                obj: *obj,
                pod_meta: t.get("metadata"),
                spec: node,
                spec_line: t.line,
                containers: containers_of(
                    t,
                    &[
                        ("initContainers", "initContainers"),
                        ("container", "containers"),
                        ("script", "containers"),
                        ("sidecars", "containers"),
                    ],
                ),
                batch: true,
            });
        }
        if any {
            return;
        }
    }
    match &node.value {
        crate::yaml::Value::Map(entries) => {
            for e in entries {
                if matches!(e.key.as_str(), "metadata" | "status") {
                    continue;
                }
                let batch = batch || e.key == "jobTemplate";
                embedded(obj, node, &e.key, &e.value, batch, found);
            }
        }
        crate::yaml::Value::Seq(items) => {
            for item in items {
                embedded(obj, parent, key, item, batch, found);
            }
        }
        _ => {}
    }
}

pub(crate) fn run(docs: &[Node], enabled: &dyn Fn(&str) -> bool) -> Vec<Hit> {
    let objects = objects(docs);
    let workloads = objects.iter().flat_map(workloads).collect();
    let ctx = Ctx { objects, workloads };
    let mut out = Out::default();
    for (id, check) in CHECKS {
        if *id != NETPOL_RULE && enabled(id) {
            out.current = id;
            check(&ctx, &mut out);
        }
    }
    out.hits
}

fn no_checks_here(_: &Ctx<'_>, _: &mut Out) {}

// ---------------------------------------------------------------- helpers

fn sc(n: &Node) -> Option<&Node> {
    n.get("securityContext")
}

/// A security context field: the container's, else the pod's. Returns the
/// node and the line of its key.
fn effective<'a>(
    w: &'a Workload<'_>,
    c: &'a Container<'_>,
    path: &[&str],
) -> Option<(&'a Node, u32)> {
    let lookup = |base: Option<&'a Node>| -> Option<(&'a Node, u32)> {
        let (last, parents) = path.split_last()?;
        let parent = base?.at(parents)?;
        let e = parent.entry(last)?;
        Some((&e.value, e.key_line))
    };
    lookup(sc(c.node)).or_else(|| lookup(sc(w.spec)))
}

fn ctr_label(w: &Workload<'_>, c: &Container<'_>) -> String {
    format!("{} container {}", w.obj.label(), c.name)
}

fn each_container<'a>(
    ctx: &'a Ctx<'a>,
) -> impl Iterator<Item = (&'a Workload<'a>, &'a Container<'a>)> {
    ctx.workloads
        .iter()
        .flat_map(|w| w.containers.iter().map(move |c| (w, c)))
}

fn bool_at(n: Option<&Node>, path: &[&str]) -> Option<(bool, u32)> {
    let (last, parents) = path.split_last()?;
    let parent = n?.at(parents)?;
    let e = parent.entry(last)?;
    Some((e.value.as_bool()?, e.key_line))
}

fn caps<'a>(c: &'a Container<'_>, which: &str) -> Vec<(&'a str, u32)> {
    sc(c.node)
        .and_then(|s| s.at(&["capabilities", which]))
        .map(Node::seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| {
            n.as_str()
                .map(|s| (s.strip_prefix("CAP_").unwrap_or(s), n.line))
        })
        .collect()
}

// ---------------------------------------------------------------- pod security

fn privileged(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        if let Some((true, line)) = bool_at(sc(c.node), &["privileged"]) {
            out.hit(line, format!("{}: privileged: true", ctr_label(w, c)));
        }
    }
}

fn privilege_escalation(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        match bool_at(sc(c.node), &["allowPrivilegeEscalation"]) {
            Some((false, _)) => {}
            Some((true, line)) => out.hit(
                line,
                format!("{}: allowPrivilegeEscalation: true", ctr_label(w, c)),
            ),
            None => out.hit(
                c.node.line,
                format!(
                    "{}: allowPrivilegeEscalation not set to false",
                    ctr_label(w, c)
                ),
            ),
        }
    }
}

fn run_as_non_root(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        match effective(w, c, &["runAsNonRoot"]) {
            Some((n, _)) if n.as_bool() == Some(true) => {}
            Some((_, line)) => out.hit(line, format!("{}: runAsNonRoot: false", ctr_label(w, c))),
            None => {
                // A non-zero runAsUser also keeps the container off root.
                if effective(w, c, &["runAsUser"])
                    .and_then(|(n, _)| n.as_i64())
                    .is_some_and(|u| u > 0)
                {
                    continue;
                }
                out.hit(
                    c.node.line,
                    format!("{}: runAsNonRoot not set", ctr_label(w, c)),
                );
            }
        }
    }
}

fn run_as_root_uid(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        if let Some(e) = sc(w.spec).and_then(|s| s.entry("runAsUser"))
            && e.value.as_i64() == Some(0)
        {
            out.hit(e.key_line, format!("{}: pod runAsUser: 0", w.obj.label()));
        }
        for c in &w.containers {
            if let Some(e) = sc(c.node).and_then(|s| s.entry("runAsUser"))
                && e.value.as_i64() == Some(0)
            {
                out.hit(e.key_line, format!("{}: runAsUser: 0", ctr_label(w, c)));
            }
        }
    }
}

/// What the Pod Security Standards' baseline allows to be added.
const BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn non_default_capabilities(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        for (cap, line) in caps(c, "add") {
            if !BASELINE_CAPS.contains(&cap.to_ascii_uppercase().as_str()) {
                out.hit(line, format!("{}: adds {cap}", ctr_label(w, c)));
            }
        }
    }
}

fn sys_admin(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        for (cap, line) in caps(c, "add") {
            if cap.eq_ignore_ascii_case("SYS_ADMIN") || cap.eq_ignore_ascii_case("ALL") {
                out.hit(line, format!("{}: adds {cap}", ctr_label(w, c)));
            }
        }
    }
}

fn net_raw_added(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        for (cap, line) in caps(c, "add") {
            if cap.eq_ignore_ascii_case("NET_RAW") {
                out.hit(line, format!("{}: adds NET_RAW", ctr_label(w, c)));
            }
        }
    }
}

fn drop_all(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        let drops = caps(c, "drop");
        if !drops.iter().any(|(d, _)| d.eq_ignore_ascii_case("ALL")) {
            let line = sc(c.node)
                .and_then(|s| s.entry("capabilities"))
                .map_or(c.node.line, |e| e.key_line);
            out.hit(
                line,
                format!("{}: capabilities.drop lacks ALL", ctr_label(w, c)),
            );
        }
    }
}

fn pod_flag(ctx: &Ctx<'_>, out: &mut Out, key: &str) {
    for w in &ctx.workloads {
        if let Some(e) = w.spec.entry(key)
            && e.value.as_bool() == Some(true)
        {
            out.hit(e.key_line, format!("{}: {key}: true", w.obj.label()));
        }
    }
}

fn host_network(ctx: &Ctx<'_>, out: &mut Out) {
    pod_flag(ctx, out, "hostNetwork");
}

fn host_pid(ctx: &Ctx<'_>, out: &mut Out) {
    pod_flag(ctx, out, "hostPID");
}

fn host_ipc(ctx: &Ctx<'_>, out: &mut Out) {
    pod_flag(ctx, out, "hostIPC");
}

fn share_process_namespace(ctx: &Ctx<'_>, out: &mut Out) {
    pod_flag(ctx, out, "shareProcessNamespace");
}

fn host_paths<'a>(w: &'a Workload<'_>) -> impl Iterator<Item = (&'a str, u32)> {
    w.spec
        .get("volumes")
        .map(Node::seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| {
            let e = v.entry("hostPath")?;
            let path = e.value.get("path").and_then(Node::as_str).unwrap_or("");
            Some((path, e.key_line))
        })
}

fn host_path(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        for (path, line) in host_paths(w) {
            out.hit(line, format!("{}: hostPath {path}", w.obj.label()));
        }
    }
}

/// A host path as the kernel resolves it, lexically: `//`, `.` and `..` folded
/// and trailing slashes dropped, so `/var/run/../run/docker.sock/` and `//etc`
/// are judged as `/run/docker.sock` and `/etc`. Relative paths (Compose `./x`)
/// are only trimmed: they resolve against a project directory we do not know.
pub(crate) fn host_path_normal(path: &str) -> String {
    if !path.starts_with('/') {
        return path.trim_end_matches('/').to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Paths that hand the container the node's container runtime (the host's
/// root holds them all).
pub(crate) fn is_runtime_socket(path: &str) -> bool {
    let p = host_path_normal(path);
    let p = p.as_str();
    p.ends_with("docker.sock")
        || p.ends_with("containerd.sock")
        || p.ends_with("crio.sock")
        || p.ends_with("podman.sock")
        || matches!(
            p,
            "/var/run"
                | "/run"
                | "/var/run/docker"
                | "/run/containerd"
                | "/var/run/containerd"
                | "/var/run/crio"
                | "/var/lib/docker"
                | "/var/lib/containerd"
                | "/"
        )
}

fn runtime_socket(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        for (path, line) in host_paths(w) {
            if is_runtime_socket(path) {
                out.hit(line, format!("{}: hostPath {path}", w.obj.label()));
            }
        }
    }
}

fn host_port(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        for p in c.node.get("ports").map(Node::seq).unwrap_or(&[]) {
            if let Some(e) = p.entry("hostPort")
                && e.value.as_i64().is_some_and(|n| n != 0)
            {
                out.hit(
                    e.key_line,
                    format!(
                        "{}: hostPort {}",
                        ctr_label(w, c),
                        e.value.text().unwrap_or_default()
                    ),
                );
            }
        }
    }
}

fn writable_root_fs(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        match bool_at(sc(c.node), &["readOnlyRootFilesystem"]) {
            Some((true, _)) => {}
            Some((false, line)) => out.hit(
                line,
                format!("{}: readOnlyRootFilesystem: false", ctr_label(w, c)),
            ),
            None => out.hit(
                c.node.line,
                format!("{}: readOnlyRootFilesystem not set", ctr_label(w, c)),
            ),
        }
    }
}

fn resource(ctx: &Ctx<'_>, out: &mut Out, kind: &str, what: &str) {
    for (w, c) in each_container(ctx) {
        if c.field == "ephemeralContainers" {
            continue;
        }
        let set = c
            .node
            .at(&["resources", kind, what])
            .is_some_and(|n| !n.is_null());
        if !set {
            let line = c
                .node
                .entry("resources")
                .map_or(c.node.line, |e| e.key_line);
            out.hit(
                line,
                format!("{}: no resources.{kind}.{what}", ctr_label(w, c)),
            );
        }
    }
}

fn cpu_request(ctx: &Ctx<'_>, out: &mut Out) {
    resource(ctx, out, "requests", "cpu");
}

fn cpu_limit(ctx: &Ctx<'_>, out: &mut Out) {
    resource(ctx, out, "limits", "cpu");
}

fn memory_request(ctx: &Ctx<'_>, out: &mut Out) {
    resource(ctx, out, "requests", "memory");
}

fn memory_limit(ctx: &Ctx<'_>, out: &mut Out) {
    resource(ctx, out, "limits", "memory");
}

fn images<'a>(
    ctx: &'a Ctx<'a>,
) -> impl Iterator<Item = (&'a Workload<'a>, &'a Container<'a>, &'a str, u32)> {
    each_container(ctx).filter_map(|(w, c)| {
        let e = c.node.entry("image")?;
        Some((w, c, e.value.as_str()?, e.key_line))
    })
}

fn image_tag(image: &str) -> Option<&str> {
    let name = image.split('@').next().unwrap_or(image);
    let last = name.rsplit('/').next().unwrap_or(name);
    last.rsplit_once(':').map(|(_, t)| t)
}

fn image_latest(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c, image, line) in images(ctx) {
        if image.contains('@') {
            continue;
        }
        if matches!(image_tag(image), None | Some("latest")) {
            out.hit(line, format!("{}: image {image}", ctr_label(w, c)));
        }
    }
}

fn image_digest(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c, image, line) in images(ctx) {
        if !image.contains("@sha256:") {
            out.hit(line, format!("{}: image {image}", ctr_label(w, c)));
        }
    }
}

fn annotation<'a>(w: &'a Workload<'_>, key: &str) -> Option<(&'a str, u32)> {
    let e = w.pod_meta?.get("annotations")?.entry(key)?;
    Some((e.value.as_str()?, e.key_line))
}

fn seccomp_unconfined(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        if let Some(e) = sc(w.spec)
            .and_then(|s| s.at(&["seccompProfile"]))
            .and_then(|s| s.entry("type"))
            && e.value.as_str() == Some("Unconfined")
        {
            out.hit(
                e.key_line,
                format!("{}: pod seccompProfile Unconfined", w.obj.label()),
            );
        }
        if let Some((v, line)) = annotation(w, "seccomp.security.alpha.kubernetes.io/pod")
            && v == "unconfined"
        {
            out.hit(
                line,
                format!("{}: seccomp annotation unconfined", w.obj.label()),
            );
        }
        for c in &w.containers {
            if let Some(e) = sc(c.node)
                .and_then(|s| s.get("seccompProfile"))
                .and_then(|s| s.entry("type"))
                && e.value.as_str() == Some("Unconfined")
            {
                out.hit(
                    e.key_line,
                    format!("{}: seccompProfile Unconfined", ctr_label(w, c)),
                );
            }
        }
    }
}

fn seccomp_unset(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        let set = effective(w, c, &["seccompProfile", "type"]).is_some()
            || annotation(w, "seccomp.security.alpha.kubernetes.io/pod").is_some()
            || annotation(
                w,
                &format!("container.seccomp.security.alpha.kubernetes.io/{}", c.name),
            )
            .is_some();
        if !set {
            out.hit(
                c.node.line,
                format!("{}: no seccompProfile", ctr_label(w, c)),
            );
        }
    }
}

fn apparmor_unconfined(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        if let Some(e) = sc(w.spec)
            .and_then(|s| s.get("appArmorProfile"))
            .and_then(|s| s.entry("type"))
            && e.value.as_str() == Some("Unconfined")
        {
            out.hit(
                e.key_line,
                format!("{}: pod appArmorProfile Unconfined", w.obj.label()),
            );
        }
        for c in &w.containers {
            let key = format!("container.apparmor.security.beta.kubernetes.io/{}", c.name);
            if let Some((v, line)) = annotation(w, &key)
                && v == "unconfined"
            {
                out.hit(line, format!("{}: AppArmor unconfined", ctr_label(w, c)));
            }
            if let Some(e) = sc(c.node)
                .and_then(|s| s.get("appArmorProfile"))
                .and_then(|s| s.entry("type"))
                && e.value.as_str() == Some("Unconfined")
            {
                out.hit(
                    e.key_line,
                    format!("{}: appArmorProfile Unconfined", ctr_label(w, c)),
                );
            }
        }
    }
}

fn token_automount(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        match w.spec.entry("automountServiceAccountToken") {
            Some(e) if e.value.as_bool() == Some(false) => {}
            Some(e) => out.hit(
                e.key_line,
                format!("{}: automountServiceAccountToken: true", w.obj.label()),
            ),
            None => out.hit(
                w.spec_line,
                format!(
                    "{}: automountServiceAccountToken not set to false",
                    w.obj.label()
                ),
            ),
        }
    }
}

fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|s| upper.contains(s))
        && ![
            "_FILE", "_PATH", "_DIR", "_URL", "_NAME", "_TTL", "_TIMEOUT", "_ENABLED",
        ]
        .iter()
        .any(|s| upper.ends_with(s))
}

fn secret_in_env(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        for env in c.node.get("env").map(Node::seq).unwrap_or(&[]) {
            let name = env.get("name").and_then(Node::as_str).unwrap_or("");
            if let Some(e) = env.entry("value")
                && secret_like(name)
                && e.value
                    .text()
                    .is_some_and(|v| !v.is_empty() && !v.starts_with("$("))
            {
                out.hit(
                    e.key_line,
                    format!("{}: env {name}=<redacted>", ctr_label(w, c)),
                );
            }
        }
    }
}

fn configmap_secret(ctx: &Ctx<'_>, out: &mut Out) {
    for o in ctx.objects.iter().filter(|o| o.kind == "ConfigMap") {
        for e in o.doc.get("data").map(Node::entries).unwrap_or(&[]) {
            if secret_like(&e.key)
                && e.value
                    .text()
                    .is_some_and(|v| !v.is_empty() && !v.contains('\n'))
            {
                out.hit(
                    e.key_line,
                    format!("{}: data.{}=<redacted>", o.label(), e.key),
                );
            }
        }
    }
}

// ---------------------------------------------------------------- services and ingress

fn service_type(ctx: &Ctx<'_>, out: &mut Out, wanted: &str) {
    for o in ctx.objects.iter().filter(|o| o.kind == "Service") {
        if let Some(e) = o.doc.get("spec").and_then(|s| s.entry("type"))
            && e.value.as_str() == Some(wanted)
        {
            out.hit(e.key_line, format!("{}: type {wanted}", o.label()));
        }
    }
}

fn node_port(ctx: &Ctx<'_>, out: &mut Out) {
    service_type(ctx, out, "NodePort");
}

fn load_balancer(ctx: &Ctx<'_>, out: &mut Out) {
    service_type(ctx, out, "LoadBalancer");
}

fn ingress_tls(ctx: &Ctx<'_>, out: &mut Out) {
    for o in ctx.objects.iter().filter(|o| o.kind == "Ingress") {
        let tls = o
            .doc
            .at(&["spec", "tls"])
            .is_some_and(|t| !t.seq().is_empty());
        if !tls {
            out.hit(
                o.doc.key_line("spec"),
                format!("{}: no spec.tls", o.label()),
            );
        }
    }
}

// ---------------------------------------------------------------- RBAC

struct PolicyRule<'a> {
    node: &'a Node,
    verbs: Vec<&'a str>,
    resources: Vec<&'a str>,
}

fn policy_rules<'a>(ctx: &'a Ctx<'a>) -> impl Iterator<Item = (&'a Obj<'a>, PolicyRule<'a>)> {
    ctx.objects
        .iter()
        .filter(|o| matches!(o.kind, "Role" | "ClusterRole"))
        .flat_map(|o| {
            o.doc
                .get("rules")
                .map(Node::seq)
                .unwrap_or(&[])
                .iter()
                .map(move |r| {
                    let strs = |k: &str| -> Vec<&'a str> {
                        r.get(k)
                            .map(Node::seq)
                            .unwrap_or(&[])
                            .iter()
                            .filter_map(Node::as_str)
                            .collect()
                    };
                    (
                        o,
                        PolicyRule {
                            node: r,
                            verbs: strs("verbs"),
                            resources: strs("resources"),
                        },
                    )
                })
        })
}

fn rbac_wildcard(ctx: &Ctx<'_>, out: &mut Out) {
    for (o, r) in policy_rules(ctx) {
        for key in ["apiGroups", "resources", "verbs"] {
            let wild = r
                .node
                .get(key)
                .map(Node::seq)
                .unwrap_or(&[])
                .iter()
                .any(|n| n.as_str() == Some("*"));
            if wild {
                out.hit(
                    r.node.key_line(key),
                    format!("{}: {key} [\"*\"]", o.label()),
                );
            }
        }
    }
}

fn grants(r: &PolicyRule<'_>, resources: &[&str], verbs: &[&str]) -> bool {
    r.resources.iter().any(|x| resources.contains(x))
        && r.verbs.iter().any(|v| *v == "*" || verbs.contains(v))
}

fn secrets_access(ctx: &Ctx<'_>, out: &mut Out) {
    for (o, r) in policy_rules(ctx) {
        if grants(&r, &["secrets"], &["get", "list", "watch"]) {
            out.hit(r.node.line, format!("{}: reads secrets", o.label()));
        }
    }
}

fn pod_create(ctx: &Ctx<'_>, out: &mut Out) {
    for (o, r) in policy_rules(ctx) {
        if grants(
            &r,
            &[
                "pods",
                "deployments",
                "daemonsets",
                "statefulsets",
                "replicasets",
                "jobs",
                "cronjobs",
            ],
            &["create", "update", "patch"],
        ) {
            out.hit(r.node.line, format!("{}: creates workloads", o.label()));
        }
    }
}

fn pod_exec(ctx: &Ctx<'_>, out: &mut Out) {
    for (o, r) in policy_rules(ctx) {
        if grants(
            &r,
            &["pods/exec", "pods/attach", "pods/portforward"],
            &["create", "get"],
        ) {
            out.hit(r.node.line, format!("{}: exec/attach into pods", o.label()));
        }
    }
}

fn escalate_bind_impersonate(ctx: &Ctx<'_>, out: &mut Out) {
    for (o, r) in policy_rules(ctx) {
        if let Some(v) = r
            .verbs
            .iter()
            .find(|v| matches!(**v, "escalate" | "bind" | "impersonate"))
        {
            out.hit(r.node.key_line("verbs"), format!("{}: verb {v}", o.label()));
        }
    }
}

fn bindings<'a>(ctx: &'a Ctx<'a>) -> impl Iterator<Item = &'a Obj<'a>> {
    ctx.objects
        .iter()
        .filter(|o| matches!(o.kind, "RoleBinding" | "ClusterRoleBinding"))
}

fn cluster_admin_binding(ctx: &Ctx<'_>, out: &mut Out) {
    for o in bindings(ctx) {
        if let Some(e) = o.doc.get("roleRef").and_then(|r| r.entry("name"))
            && e.value.as_str() == Some("cluster-admin")
        {
            out.hit(e.key_line, format!("{}: roleRef cluster-admin", o.label()));
        }
    }
}

fn subjects<'a>(o: &'a Obj<'_>) -> &'a [Node] {
    o.doc.get("subjects").map(Node::seq).unwrap_or(&[])
}

fn default_sa_binding(ctx: &Ctx<'_>, out: &mut Out) {
    for o in bindings(ctx) {
        for s in subjects(o) {
            if s.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                && s.get("name").and_then(Node::as_str) == Some("default")
            {
                out.hit(
                    s.line,
                    format!("{}: binds ServiceAccount default", o.label()),
                );
            }
        }
    }
}

fn system_masters(ctx: &Ctx<'_>, out: &mut Out) {
    for o in bindings(ctx) {
        for s in subjects(o) {
            if s.get("kind").and_then(Node::as_str) == Some("Group")
                && s.get("name").and_then(Node::as_str) == Some("system:masters")
            {
                out.hit(s.line, format!("{}: binds group system:masters", o.label()));
            }
        }
    }
}

fn default_namespace(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        if w.obj.namespace == Some("default") {
            let line = w
                .obj
                .doc
                .get("metadata")
                .map_or(w.obj.kind_line(), |m| m.key_line("namespace"));
            out.hit(line, format!("{}: namespace default", w.obj.label()));
        }
    }
}

fn default_service_account(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        let sa = w
            .spec
            .entry("serviceAccountName")
            .or_else(|| w.spec.entry("serviceAccount"));
        match sa {
            Some(e) if e.value.as_str().is_some_and(|s| s != "default") => {}
            Some(e) => out.hit(
                e.key_line,
                format!("{}: serviceAccountName default", w.obj.label()),
            ),
            None => out.hit(
                w.spec_line,
                format!("{}: runs as the default service account", w.obj.label()),
            ),
        }
    }
}

// ---------------------------------------------------------------- more pod security

fn proc_mount(ctx: &Ctx<'_>, out: &mut Out) {
    for (w, c) in each_container(ctx) {
        if let Some(e) = sc(c.node).and_then(|s| s.entry("procMount"))
            && e.value.as_str() == Some("Unmasked")
        {
            out.hit(
                e.key_line,
                format!("{}: procMount Unmasked", ctr_label(w, c)),
            );
        }
    }
}

/// Sysctls the baseline allows (namespaced, safe).
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

fn unsafe_sysctls(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        for s in sc(w.spec)
            .and_then(|s| s.get("sysctls"))
            .map(Node::seq)
            .unwrap_or(&[])
        {
            let name = s.get("name").and_then(Node::as_str).unwrap_or("");
            if !SAFE_SYSCTLS.contains(&name) {
                out.hit(s.line, format!("{}: sysctl {name}", w.obj.label()));
            }
        }
    }
}

fn selinux_options(ctx: &Ctx<'_>, out: &mut Out) {
    let check = |node: Option<&Node>, label: String, out: &mut Out| {
        let Some(opts) = node.and_then(|s| s.get("seLinuxOptions")) else {
            return;
        };
        for e in opts.entries() {
            let bad = match e.key.as_str() {
                "type" => !matches!(
                    e.value.as_str(),
                    Some(
                        "" | "container_t"
                            | "container_init_t"
                            | "container_kvm_t"
                            | "container_engine_t"
                    )
                ),
                "user" | "role" => e.value.as_str().is_some_and(|s| !s.is_empty()),
                _ => false,
            };
            if bad {
                out.hit(
                    e.key_line,
                    format!(
                        "{label}: seLinuxOptions.{} {}",
                        e.key,
                        e.value.text().unwrap_or_default()
                    ),
                );
            }
        }
    };
    for w in &ctx.workloads {
        check(sc(w.spec), w.obj.label(), out);
        for c in &w.containers {
            check(sc(c.node), ctr_label(w, c), out);
        }
    }
}

fn host_process(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        if let Some((true, line)) = bool_at(sc(w.spec), &["windowsOptions", "hostProcess"]) {
            out.hit(line, format!("{}: hostProcess", w.obj.label()));
        }
        for c in &w.containers {
            if let Some((true, line)) = bool_at(sc(c.node), &["windowsOptions", "hostProcess"]) {
                out.hit(line, format!("{}: hostProcess", ctr_label(w, c)));
            }
        }
    }
}

fn root_group(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        let pod = sc(w.spec);
        for key in ["runAsGroup", "fsGroup"] {
            if let Some(e) = pod.and_then(|s| s.entry(key))
                && e.value.as_i64() == Some(0)
            {
                out.hit(e.key_line, format!("{}: {key}: 0", w.obj.label()));
            }
        }
        for g in pod
            .and_then(|s| s.get("supplementalGroups"))
            .map(Node::seq)
            .unwrap_or(&[])
        {
            if g.as_i64() == Some(0) {
                out.hit(g.line, format!("{}: supplementalGroups 0", w.obj.label()));
            }
        }
        for c in &w.containers {
            if let Some(e) = sc(c.node).and_then(|s| s.entry("runAsGroup"))
                && e.value.as_i64() == Some(0)
            {
                out.hit(e.key_line, format!("{}: runAsGroup: 0", ctr_label(w, c)));
            }
        }
    }
}

fn probes(ctx: &Ctx<'_>, out: &mut Out) {
    for w in ctx.workloads.iter().filter(|w| !w.batch) {
        for c in w.containers.iter().filter(|c| c.field == "containers") {
            let missing: Vec<&str> = ["livenessProbe", "readinessProbe"]
                .into_iter()
                .filter(|p| c.node.get(p).is_none())
                .collect();
            if !missing.is_empty() {
                out.hit(
                    c.node.line,
                    format!("{}: no {}", ctr_label(w, c), missing.join(" or ")),
                );
            }
        }
    }
}

/// Volume types the restricted profile allows (hostPath has its own rule).
const RESTRICTED_VOLUMES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
    "hostPath",
    "name",
];

fn volume_types(ctx: &Ctx<'_>, out: &mut Out) {
    for w in &ctx.workloads {
        for v in w.spec.get("volumes").map(Node::seq).unwrap_or(&[]) {
            for e in v.entries() {
                if !RESTRICTED_VOLUMES.contains(&e.key.as_str()) {
                    out.hit(
                        e.key_line,
                        format!("{}: volume type {}", w.obj.label(), e.key),
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------- network segmentation

fn labels(n: Option<&Node>) -> Vec<(&str, String)> {
    n.map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((e.key.as_str(), e.value.text()?)))
        .collect()
}

/// Whether a label selector selects a pod with `pod_labels`.
fn selects(selector: &Node, pod_labels: &[(&str, String)]) -> bool {
    let get = |k: &str| {
        pod_labels
            .iter()
            .find(|(pk, _)| *pk == k)
            .map(|(_, v)| v.as_str())
    };
    let match_labels = labels(selector.get("matchLabels"))
        .into_iter()
        .all(|(k, v)| get(k) == Some(v.as_str()));
    let match_exprs = selector
        .get("matchExpressions")
        .map(Node::seq)
        .unwrap_or(&[])
        .iter()
        .all(|e| {
            let key = e.get("key").and_then(Node::as_str).unwrap_or("");
            let values: Vec<String> = e
                .get("values")
                .map(Node::seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::text)
                .collect();
            let have = get(key);
            match e.get("operator").and_then(Node::as_str) {
                Some("In") => have.is_some_and(|h| values.iter().any(|v| v == h)),
                Some("NotIn") => have.is_none_or(|h| values.iter().all(|v| v != h)),
                Some("Exists") => have.is_some(),
                Some("DoesNotExist") => have.is_none(),
                _ => false,
            }
        });
    match_labels && match_exprs
}

/// Pods (and namespaces) that no NetworkPolicy selects, across all `files`;
/// objects without a namespace are taken to be in `default`. Returns the
/// index of the file each hit is in.
pub(crate) fn network_segmentation(files: &[&[Node]]) -> Vec<(usize, Hit)> {
    let per_file: Vec<Vec<Obj<'_>>> = files.iter().map(|d| objects(d)).collect();
    let ns_of = |o: &Obj<'_>| o.namespace.unwrap_or("default").to_string();
    let policies: Vec<(String, &Node)> = per_file
        .iter()
        .flatten()
        .filter(|o| o.kind == "NetworkPolicy")
        .filter_map(|o| Some((ns_of(o), o.doc.at(&["spec", "podSelector"])?)))
        .collect();
    let mut hits = Vec::new();
    for (idx, objs) in per_file.iter().enumerate() {
        for o in objs {
            if o.kind == "Namespace" {
                if !policies.iter().any(|(ns, _)| ns == o.name) {
                    hits.push((
                        idx,
                        hit(
                            o.kind_line(),
                            format!("Namespace {}: no NetworkPolicy", o.name),
                        ),
                    ));
                }
                continue;
            }
            let ns = ns_of(o);
            let unselected = workloads(o).iter().any(|w| {
                let pod_labels = labels(w.pod_meta.and_then(|m| m.get("labels")));
                !policies
                    .iter()
                    .any(|(pns, sel)| *pns == ns && selects(sel, &pod_labels))
            });
            if unselected {
                hits.push((
                    idx,
                    hit(
                        o.kind_line(),
                        format!(
                            "{} in namespace {ns}: no NetworkPolicy selects its pods",
                            o.label()
                        ),
                    ),
                ));
            }
        }
    }
    hits
}

fn hit(line: u32, evidence: String) -> Hit {
    Hit {
        rule: NETPOL_RULE,
        line,
        end_line: line,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        let docs = crate::yaml::load("matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, back]}\n").unwrap();
        let sel = &docs[0];
        assert!(selects(
            sel,
            &[("app", "web".into()), ("tier", "front".into())]
        ));
        assert!(!selects(sel, &[("app", "web".into())]));
        let all = &crate::yaml::load("{}").unwrap()[0];
        assert!(selects(all, &[]));
    }

    #[test]
    fn runtime_sockets() {
        assert!(is_runtime_socket("/var/run/docker.sock"));
        assert!(is_runtime_socket("/"));
        assert!(is_runtime_socket("//"));
        assert!(is_runtime_socket("/var/run/../run/docker.sock/"));
        assert!(is_runtime_socket("/srv/../var/lib/docker"));
        assert_eq!(host_path_normal("/a/./b//c/../d/"), "/a/b/d");
        assert_eq!(host_path_normal("/../.."), "/");
        assert_eq!(host_path_normal("./data/"), "./data");
        assert!(is_runtime_socket("/run/containerd/containerd.sock"));
        assert!(!is_runtime_socket("/var/log"));
    }
}
