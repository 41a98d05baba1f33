//! Pod templates embedded in custom resources (Argo Rollout and Workflow,
//! Knative Service, OpenShift DeploymentConfig, KEDA ScaledJob) are found by
//! their shape and get the pod rules on the right lines; a kind whose
//! `containers` is not a pod's gives nothing and does not crash.

use drydock_config::ConfigScanner;
use std::collections::BTreeSet;

const CRDS: &str = include_str!("data/crds/crds.yaml");

fn hits(ids: &[&str]) -> BTreeSet<(String, u32)> {
    let findings = ConfigScanner::new()
        .scan_file("crds.yaml", CRDS.as_bytes())
        .unwrap();
    findings
        .iter()
        .filter(|f| ids.contains(&f.id.as_str()))
        .map(|f| (f.id.clone(), f.location.line.unwrap()))
        .collect()
}

#[test]
fn pod_rules_run_on_embedded_pod_templates() {
    let got = hits(&[
        "DD-K8S-001",
        "DD-K8S-006",
        "DD-K8S-009",
        "DD-K8S-010",
        "DD-K8S-012",
        "DD-K8S-013",
        "DD-K8S-020",
        "DD-K8S-044",
        "DD-K8S-045",
    ]);
    let want: BTreeSet<(String, u32)> = [
        ("DD-K8S-001", 17), // Rollout: privileged
        ("DD-K8S-012", 32), // Knative Service: hostPath…
        ("DD-K8S-013", 32), // …of the Docker socket
        ("DD-K8S-009", 45), // DeploymentConfig: hostNetwork
        ("DD-K8S-020", 63), // ScaledJob jobTemplate: :latest
        ("DD-K8S-010", 72), // Workflow: hostPID at workflow level
        ("DD-K8S-006", 81), // Workflow template container: SYS_ADMIN
        // Probes for the long-running ones only (not the ScaledJob, not the Workflow).
        ("DD-K8S-044", 14),
        ("DD-K8S-044", 28),
        ("DD-K8S-044", 47),
        // No NetworkPolicy selects any of them (reported on `kind:`).
        ("DD-K8S-045", 2),
        ("DD-K8S-045", 20),
        ("DD-K8S-045", 35),
        ("DD-K8S-045", 51),
        ("DD-K8S-045", 66),
    ]
    .into_iter()
    .map(|(id, l)| (id.to_string(), l))
    .collect();
    assert_eq!(got, want);
    // The Widget (from line 83) has `containers` keys of other shapes: nothing.
    let all = ConfigScanner::new()
        .scan_file("crds.yaml", CRDS.as_bytes())
        .unwrap();
    let widget: Vec<_> = all
        .iter()
        .filter(|f| f.location.line.unwrap() >= 83)
        .collect();
    assert!(widget.is_empty(), "{widget:?}");
}

#[test]
fn argo_templates_take_pod_settings_from_the_workflow_spec() {
    let wf = "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: t, namespace: ci}\nspec:\n  securityContext: {runAsNonRoot: true}\n  templates:\n    - name: a\n      script:\n        image: python:3.12\n        source: print(1)\n    - name: b\n      container: {image: alpine:3.20}\n";
    let findings = ConfigScanner::new()
        .scan_file("wf.yaml", wf.as_bytes())
        .unwrap();
    let lines = |id: &str| -> Vec<u32> {
        findings
            .iter()
            .filter(|f| f.id == id)
            .map(|f| f.location.line.unwrap())
            .collect()
    };
    // runAsNonRoot is set for the whole workflow: no DD-K8S-003.
    assert_eq!(lines("DD-K8S-003"), Vec::<u32>::new());
    // Each template's container lacks readOnlyRootFilesystem, on its own line.
    assert_eq!(lines("DD-K8S-015"), [9, 12]);
    assert_eq!(lines("DD-K8S-044"), Vec::<u32>::new());
}

#[test]
fn a_hardened_rollout_passes_the_pod_rules() {
    let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      automountServiceAccountToken: false\n      serviceAccountName: web\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        runAsGroup: 10001\n        seccompProfile: {type: RuntimeDefault}\n      containers:\n        - name: web\n          image: shop/web:1.4@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: {drop: [ALL]}\n          resources:\n            requests: {cpu: 100m, memory: 64Mi}\n            limits: {cpu: 500m, memory: 128Mi}\n          livenessProbe: {httpGet: {path: /healthz, port: 8080}}\n          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n";
    let findings = ConfigScanner::new()
        .scan_file("rollout.yaml", rollout.as_bytes())
        .unwrap();
    let ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.is_empty(), "{ids:?}");
}
