#!/usr/bin/env python3
"""Generates the misconfiguration benchmark corpus: Kubernetes manifests
(multi-document files of every workload kind, RBAC, Services, Ingresses,
NetworkPolicies), Dockerfiles and Compose files, each with a random mix of
good and bad settings. Deterministic (seeded), so every tool sees the same
files run after run.

usage: gen_corpus.py OUT_DIR [K8S_DOCS] [DOCKERFILES] [COMPOSE_FILES]
"""
import os
import random
import sys

out = sys.argv[1]
n_k8s = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
n_df = int(sys.argv[3]) if len(sys.argv) > 3 else 500
n_dc = int(sys.argv[4]) if len(sys.argv) > 4 else 200
rng = random.Random(20261129)
IMAGES = ["nginx:1.27", "nginx", "redis:latest", "postgres:16.4",
          "registry.example.com/app:2.3@sha256:" + "ab" * 32, "busybox:1.36", "ghcr.io/acme/api:1.0.3"]


def container(i):
    lines = [f"        - name: c{i}", f"          image: {rng.choice(IMAGES)}"]
    sc = []
    if rng.random() < 0.15:
        sc.append("            privileged: true")
    if rng.random() < 0.6:
        sc.append(f"            allowPrivilegeEscalation: {str(rng.random() < 0.2).lower()}")
    if rng.random() < 0.5:
        sc.append("            readOnlyRootFilesystem: true")
    if rng.random() < 0.5:
        sc.append("            runAsNonRoot: true")
    if rng.random() < 0.1:
        sc.append("            runAsUser: 0")
    r = rng.random()
    if r < 0.4:
        sc.append("            capabilities:\n              drop: [ALL]")
    elif r < 0.55:
        sc.append("            capabilities:\n              add: [" + rng.choice(["SYS_ADMIN", "NET_RAW", "NET_ADMIN", "CHOWN"]) + "]")
    if sc:
        lines.append("          securityContext:")
        lines.extend(sc)
    if rng.random() < 0.6:
        lines.append("          resources:\n            requests: {cpu: 100m, memory: 64Mi}")
        if rng.random() < 0.7:
            lines.append("            limits: {cpu: 500m, memory: 256Mi}")
    if rng.random() < 0.3:
        lines.append("          env:\n            - name: DB_PASSWORD\n              value: hunter2")
    if rng.random() < 0.1:
        lines.append("          ports:\n            - containerPort: 8080\n              hostPort: 8080")
    if rng.random() < 0.5:
        lines.append("          livenessProbe: {httpGet: {path: /healthz, port: 8080}}")
        lines.append("          readinessProbe: {httpGet: {path: /ready, port: 8080}}")
    return "\n".join(lines)


def pod_spec(indent):
    lines = []
    if rng.random() < 0.1:
        lines.append("hostNetwork: true")
    if rng.random() < 0.05:
        lines.append("hostPID: true")
    if rng.random() < 0.5:
        lines.append("automountServiceAccountToken: false")
    if rng.random() < 0.5:
        lines.append("serviceAccountName: app")
    if rng.random() < 0.4:
        lines.append("securityContext:\n  runAsNonRoot: true\n  seccompProfile: {type: RuntimeDefault}")
    lines.append("containers:")
    body = "\n".join(lines)
    body += "\n" + "\n".join(container(i) for i in range(rng.randint(1, 3)))
    if rng.random() < 0.1:
        body += "\nvolumes:\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}"
    pad = " " * indent
    out_lines = []
    for l in body.split("\n"):
        # container lines are written for indent 6; re-base them
        if l.startswith("        "):
            out_lines.append(pad + l[6:])
        else:
            out_lines.append(pad + l)
    return "\n".join(out_lines)


def workload(n):
    kind = rng.choice(["Deployment", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"])
    ns = rng.choice(["shop", "billing", "default", "web"])
    head = f"apiVersion: {'v1' if kind == 'Pod' else 'batch/v1' if kind in ('Job', 'CronJob') else 'apps/v1'}\nkind: {kind}\nmetadata:\n  name: w{n}\n  namespace: {ns}\n"
    if kind == "Pod":
        return head + "  labels: {app: w%d}\nspec:\n" % n + pod_spec(2)
    if kind == "CronJob":
        return head + "spec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels: {app: w%d}\n        spec:\n          restartPolicy: OnFailure\n" % n + pod_spec(10)
    return head + "spec:\n  selector:\n    matchLabels: {app: w%d}\n  template:\n    metadata:\n      labels: {app: w%d}\n    spec:\n" % (n, n) + pod_spec(6)


def other(n):
    r = rng.random()
    if r < 0.3:
        t = rng.choice(["ClusterIP", "NodePort", "LoadBalancer"])
        return f"apiVersion: v1\nkind: Service\nmetadata:\n  name: s{n}\nspec:\n  type: {t}\n  ports: [{{port: 80}}]\n  selector: {{app: w{n}}}"
    if r < 0.5:
        verbs = rng.choice(['["*"]', "[get, list]", "[create, delete]", "[get, escalate]"])
        res = rng.choice(['["*"]', "[secrets]", "[pods]", "[configmaps]", "[pods/exec]"])
        return f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {rng.choice(['Role', 'ClusterRole'])}\nmetadata:\n  name: r{n}\nrules:\n  - apiGroups: [\"\"]\n    resources: {res}\n    verbs: {verbs}"
    if r < 0.65:
        role = rng.choice(["cluster-admin", "view", "edit", "r1"])
        sa = rng.choice(["default", "app", "ci"])
        return f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b{n}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: {role}\nsubjects:\n  - kind: ServiceAccount\n    name: {sa}\n    namespace: shop"
    if r < 0.8:
        tls = "  tls:\n    - hosts: [x.example.com]\n      secretName: x\n" if rng.random() < 0.5 else ""
        return f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i{n}\n  namespace: shop\nspec:\n{tls}  rules:\n    - host: x.example.com"
    if r < 0.9:
        ns = rng.choice(["shop", "billing", "web"])
        return f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np{n}\n  namespace: {ns}\nspec:\n  podSelector: {{}}\n  policyTypes: [Ingress]"
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{n}\ndata:\n  log_level: info\n  api_token: abc123"


def dockerfile(n):
    base = rng.choice(["debian:12", "ubuntu", "alpine:latest", "python:3.12-slim", "node:22", "golang:1.23"])
    lines = []
    if rng.random() < 0.3:
        lines += ["FROM golang:1.23 AS build", "WORKDIR /src", "COPY . .", "RUN go build -o /app ./cmd/app"]
    lines.append(f"FROM {base}")
    if "alpine" in base:
        lines.append(rng.choice(["RUN apk add --no-cache curl", "RUN apk add curl git", "RUN apk update && apk add --no-cache ca-certificates"]))
    elif "debian" in base or "ubuntu" in base or "python" in base or "node" in base:
        lines.append(rng.choice([
            "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
            "RUN apt-get update && apt-get install curl",
            "RUN apt-get update\nRUN apt-get install -y python3 python3-pip",
            "RUN apt-get update && \\\n    apt-get install -y \\\n      curl \\\n      git",
        ]))
    if rng.random() < 0.2:
        lines.append("RUN curl -fsSL https://get.example.com/install.sh | bash")
    if rng.random() < 0.2:
        lines.append("ADD https://example.com/tool.tgz /opt/")
    if rng.random() < 0.2:
        lines.append("ENV API_KEY=s3cr3t")
    if rng.random() < 0.1:
        lines.append("RUN sudo chmod 777 /data")
    if rng.random() < 0.2:
        lines.append("RUN pip install flask")
    if rng.random() < 0.1:
        lines.append("EXPOSE 22")
    lines.append(rng.choice(["WORKDIR /app", "WORKDIR app", "WORKDIR /srv"]))
    lines.append(rng.choice(["COPY . /app", "ADD . /app", "COPY --chown=10001 . /app"]))
    if rng.random() < 0.5:
        lines.append(rng.choice(["USER 10001", "USER root", "USER app"]))
    if rng.random() < 0.3:
        lines.append('HEALTHCHECK CMD ["/app", "health"]')
    lines.append(rng.choice(['CMD ["/app"]', "CMD /app --serve", 'ENTRYPOINT ["/app"]']))
    return "\n".join(lines) + "\n"


def compose(n):
    out = ["services:"]
    for s in range(rng.randint(1, 4)):
        out.append(f"  s{s}:")
        out.append(f"    image: {rng.choice(IMAGES)}")
        if rng.random() < 0.1:
            out.append("    privileged: true")
        if rng.random() < 0.1:
            out.append("    network_mode: host")
        if rng.random() < 0.5:
            out.append("    ports:\n      - " + rng.choice(['"8080:80"', "127.0.0.1:8080:80", '"5432"']))
        if rng.random() < 0.1:
            out.append("    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock")
        if rng.random() < 0.3:
            out.append("    environment:\n      POSTGRES_PASSWORD: hunter2")
        if rng.random() < 0.4:
            out.append('    user: "10001"')
        if rng.random() < 0.1:
            out.append("    cap_add: [SYS_ADMIN]")
    return "\n".join(out) + "\n"


os.makedirs(out, exist_ok=True)
docs = 0
f = 0
while docs < n_k8s:
    per = rng.randint(1, 8)
    parts = []
    for _ in range(per):
        parts.append(workload(docs) if rng.random() < 0.6 else other(docs))
        docs += 1
    d = os.path.join(out, "k8s", f"app{f // 50}")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, f"m{f}.yaml"), "w").write("---\n".join(p + "\n" for p in parts))
    f += 1
for i in range(n_df):
    d = os.path.join(out, "docker", f"svc{i}")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "Dockerfile"), "w").write(dockerfile(i))
for i in range(n_dc):
    d = os.path.join(out, "compose", f"stack{i}")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "compose.yaml"), "w").write(compose(i))
print(f"{docs} Kubernetes documents in {f} files, {n_df} Dockerfiles, {n_dc} compose files in {out}")
