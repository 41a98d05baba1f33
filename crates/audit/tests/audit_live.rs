//! `audit_docker` against the real daemon: a well-configured container and
//! one container per misconfiguration, every check's status asserted.

mod common;

use common::{Fixture, docker};
use drydock_audit::{AuditOptions, AuditReport, Status, TargetKind, audit_docker, to_findings};
use std::collections::BTreeMap;

fn statuses(r: &AuditReport, target: &str) -> BTreeMap<String, Status> {
    let mut m = BTreeMap::new();
    for x in r.for_target(target) {
        assert!(
            m.insert(x.id.clone(), x.status).is_none(),
            "{} reported twice for {target}",
            x.id
        );
    }
    m
}

fn set(base: &BTreeMap<String, Status>, changes: &[(&str, Status)]) -> BTreeMap<String, Status> {
    let mut m = base.clone();
    for (id, s) in changes {
        assert!(
            m.insert(id.to_string(), *s).is_some(),
            "{id} not in the base map"
        );
    }
    m
}

#[test]
fn audit_reports_exact_results_per_container() {
    use Status::*;
    let mut fx = Fixture::new("audit");
    let tag = format!("drydock-audit-test/audit:{}", std::process::id());
    let image_id = fx.import(&tag, &[]);
    let net = fx.network("net");
    let sleep = ["sleep", "infinity"];
    fx.run_container(
        "good",
        &[
            "--network",
            &net,
            "--user",
            "1000:1000",
            "--read-only",
            "--memory",
            "64m",
            "--cpus",
            "0.5",
            "--pids-limit",
            "64",
            "--security-opt",
            "no-new-privileges",
            "--restart",
            "on-failure:3",
            "--health-cmd",
            "true",
            "--health-interval",
            "60s",
        ],
        &tag,
        &sleep,
    );
    fx.run_container("plain", &[], &tag, &sleep);
    fx.create_container("privileged", &["--privileged"], &tag, &sleep);
    fx.run_container(
        "socket",
        &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
        &tag,
        &sleep,
    );
    fx.run_container("hostnet", &["--network", "host"], &tag, &sleep);
    let port = drydock_testkit::free_port().to_string();
    fx.run_container(
        "ports",
        &["-p", &format!("0.0.0.0:{port}:80")],
        &tag,
        &sleep,
    );
    fx.run_container("capsys", &["--cap-add", "SYS_ADMIN"], &tag, &sleep);
    fx.run_container("pidhost", &["--pid", "host"], &tag, &sleep);
    fx.run_container("etc", &["-v", "/etc:/host-etc"], &tag, &sleep);
    fx.run_container("always", &["--restart", "always"], &tag, &sleep);

    let lookup = common::one_vulnerable_image(&image_id, 2);
    let opts = AuditOptions {
        label_filter: vec![fx.label.clone()],
        vuln_lookup: Some(&lookup),
        include_stopped: true,
        ..Default::default()
    };
    let report = audit_docker(&opts).expect("audit");
    assert_eq!(report.containers_audited, 10);
    assert_eq!(report.images_audited, 1);

    // What this host supports decides 5.1 and 5.2 (read independently with the CLI).
    let sec = docker(&["info", "--format", "{{json .SecurityOptions}}"]);
    let (aa, selinux) = (sec.contains("name=apparmor"), sec.contains("name=selinux"));
    let host_aa = if aa { Pass } else { Info };
    let host_se = if selinux { Fail } else { Info };
    let daemon_nnp = report
        .results
        .iter()
        .any(|r| r.id == "DD-CIS-2.14" && r.status == Pass);
    let nnp_default = if daemon_nnp { Pass } else { Fail };

    let plain: BTreeMap<String, Status> = [
        ("DD-CIS-5.1", host_aa),
        ("DD-CIS-5.2", host_se),
        ("DD-CIS-5.3", Pass),
        ("DD-CIS-5.4", Pass),
        ("DD-CIS-5.5", Pass),
        ("DD-CIS-5.6", Manual),
        ("DD-CIS-5.7", Pass),
        ("DD-CIS-5.8", Pass),
        ("DD-CIS-5.9", Pass),
        ("DD-CIS-5.10", Fail),
        ("DD-CIS-5.11", Fail),
        ("DD-CIS-5.12", Fail),
        ("DD-CIS-5.13", Pass),
        ("DD-CIS-5.14", Pass),
        ("DD-CIS-5.15", Pass),
        ("DD-CIS-5.16", Pass),
        ("DD-CIS-5.17", Pass),
        ("DD-CIS-5.18", Pass),
        ("DD-CIS-5.19", Pass),
        ("DD-CIS-5.20", Pass),
        ("DD-CIS-5.21", Pass),
        ("DD-CIS-5.22", Manual),
        ("DD-CIS-5.23", Manual),
        ("DD-CIS-5.24", Pass),
        ("DD-CIS-5.25", nnp_default),
        ("DD-CIS-5.26", Fail),
        ("DD-CIS-5.27", Pass),
        ("DD-CIS-5.28", Fail),
        ("DD-CIS-5.29", Warn),
        ("DD-CIS-5.30", Pass),
        ("DD-CIS-5.31", Pass),
        ("DD-RUN-ROOT", Fail),
        ("DD-RUN-SHARED-NS", Pass),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let good = set(
        &plain,
        &[
            ("DD-CIS-5.10", Pass),
            ("DD-CIS-5.11", Pass),
            ("DD-CIS-5.12", Pass),
            ("DD-CIS-5.25", Pass),
            ("DD-CIS-5.26", Pass),
            ("DD-CIS-5.28", Pass),
            ("DD-CIS-5.29", Pass),
            ("DD-RUN-ROOT", Pass),
        ],
    );
    let host_aa_priv = if aa { Fail } else { Info };
    let expected: Vec<(&str, BTreeMap<String, Status>)> = vec![
        ("good", good),
        ("plain", plain.clone()),
        (
            "privileged",
            set(
                &plain,
                &[
                    ("DD-CIS-5.4", Fail),
                    ("DD-CIS-5.21", Fail),
                    ("DD-CIS-5.1", host_aa_priv),
                ],
            ),
        ),
        ("socket", set(&plain, &[("DD-CIS-5.31", Fail)])),
        (
            "hostnet",
            set(&plain, &[("DD-CIS-5.9", Fail), ("DD-CIS-5.29", Pass)]),
        ),
        (
            "ports",
            set(&plain, &[("DD-CIS-5.13", Fail), ("DD-CIS-5.8", Info)]),
        ),
        ("capsys", set(&plain, &[("DD-CIS-5.3", Fail)])),
        ("pidhost", set(&plain, &[("DD-CIS-5.15", Fail)])),
        ("etc", set(&plain, &[("DD-CIS-5.5", Fail)])),
        ("always", set(&plain, &[("DD-CIS-5.14", Fail)])),
    ];
    for (what, want) in expected {
        let name = fx.name(what);
        assert_eq!(statuses(&report, &name), want, "container {what}");
    }

    // Evidence is the exact field and value from inspect.
    let ev = |what: &str, id: &str| {
        let name = fx.name(what);
        report
            .for_target(&name)
            .find(|r| r.id == id)
            .map(|r| r.evidence.clone())
            .unwrap()
    };
    assert_eq!(ev("privileged", "DD-CIS-5.4"), "HostConfig.Privileged=true");
    // The CLI may normalise the name (CAP_SYS_ADMIN); the evidence is what inspect says.
    let caps = docker(&[
        "inspect",
        "--format",
        "{{json .HostConfig.CapAdd}}",
        &fx.name("capsys"),
    ]);
    assert!(caps.contains("SYS_ADMIN"), "{caps}");
    assert_eq!(
        ev("capsys", "DD-CIS-5.3"),
        format!("HostConfig.CapAdd={caps}")
    );
    assert_eq!(ev("pidhost", "DD-CIS-5.15"), "HostConfig.PidMode=host");
    assert_eq!(
        ev("socket", "DD-CIS-5.31"),
        "Mounts: /var/run/docker.sock -> /var/run/docker.sock"
    );
    assert_eq!(
        ev("ports", "DD-CIS-5.13"),
        format!("published on all interfaces: 0.0.0.0:{port}->80/tcp")
    );
    assert_eq!(
        ev("etc", "DD-CIS-5.5"),
        "Mounts: /etc -> /host-etc (RW=true)"
    );
    assert_eq!(ev("plain", "DD-RUN-ROOT"), r#"Config.User="""#);
    assert_eq!(ev("good", "DD-RUN-ROOT"), r#"Config.User="1000:1000""#);
    assert_eq!(
        ev("always", "DD-CIS-5.14"),
        "HostConfig.RestartPolicy.Name=always, MaximumRetryCount=0"
    );

    // The imported image: no USER, no HEALTHCHECK, no history, 2 vulnerabilities in the "cache".
    let img: BTreeMap<String, Status> = [
        ("DD-CIS-4.1", Fail),
        ("DD-CIS-4.2", Manual),
        ("DD-CIS-4.3", Manual),
        ("DD-CIS-4.4", Fail),
        ("DD-CIS-4.6", Fail),
        ("DD-CIS-4.7", Manual),
        ("DD-CIS-4.8", Manual),
        ("DD-CIS-4.9", Manual),
        ("DD-CIS-4.10", Pass),
        ("DD-CIS-4.11", Manual),
        ("DD-CIS-4.12", Manual),
        ("DD-IMG-LATEST", Pass),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(statuses(&report, &tag), img);
    let r = report.for_target(&tag).next().unwrap();
    assert_eq!(r.target.kind, TargetKind::Image);
    assert_eq!(r.target.id.as_deref(), Some(image_id.as_str()));

    // Daemon checks, judged the same way as the CLI reports the daemon.
    let d = statuses(&report, "daemon");
    // Sections 2 and 4.5 (19), and the 10 of section 7 (see section_7_outside_a_swarm_is_not_applicable).
    assert_eq!(d.len(), 29, "{d:?}");
    let live_restore = docker(&["info", "--format", "{{.LiveRestoreEnabled}}"]);
    assert_eq!(
        d["DD-CIS-2.15"],
        if live_restore == "true" { Pass } else { Fail }
    );
    assert_eq!(
        d["DD-CIS-2.9"],
        if sec.contains("name=userns") {
            Pass
        } else {
            Fail
        }
    );
    let driver = docker(&["info", "--format", "{{.Driver}}"]);
    assert_eq!(d["DD-CIS-2.6"], if driver == "aufs" { Fail } else { Pass });
    let icc = docker(&[
        "network",
        "inspect",
        "bridge",
        "--format",
        "{{index .Options \"com.docker.network.bridge.enable_icc\"}}",
    ]);
    assert_eq!(d["DD-CIS-2.2"], if icc == "false" { Pass } else { Fail });
    let sock_mode = u32::from_str_radix(
        drydock_testkit::run(std::process::Command::new("stat").args([
            "-c",
            "%a",
            "/var/run/docker.sock",
        ]))
        .trim(),
        8,
    )
    .unwrap();
    let sock = report
        .results
        .iter()
        .find(|r| r.id == "DD-CIS-3.16")
        .unwrap();
    assert_eq!(
        sock.status,
        if sock_mode & !0o660 == 0 { Pass } else { Fail }
    );
    assert_eq!(
        sock.evidence,
        format!("/var/run/docker.sock: mode {sock_mode:04o}")
    );
    assert_eq!(sock.target.name, "/var/run/docker.sock");

    // Findings for the common report: failures and warnings only, with compliance and evidence.
    let findings = to_findings(&report);
    let failing = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Fail | Warn))
        .count();
    assert_eq!(findings.len(), failing);
    let name = fx.name("privileged");
    let f = findings
        .iter()
        .find(|f| {
            f.id == "DD-CIS-5.4" && f.location.path.starts_with(&format!("container/{name}@"))
        })
        .unwrap();
    assert_eq!(
        f.compliance,
        vec!["CIS-Docker-1.6:5.4", "NIST-800-190:4.4.3"]
    );
    assert_eq!(f.evidence.as_deref(), Some("HostConfig.Privileged=true"));
    assert_eq!(f.severity, drydock_core::Severity::Critical);
}

#[test]
fn setuid_scan_reads_the_layers_when_asked() {
    let mut fx = Fixture::new("setuid");
    let tag = format!("drydock-audit-test/setuid:{}", std::process::id());
    fx.import(&tag, &["USER 1000"]);
    fx.run_container("c", &[], &tag, &["sleep", "infinity"]);
    // The user's settings: one check off, one severity changed, one check of their own.
    let config = drydock_audit::RuleConfig::parse(
        "disable: [DD-CIS-5.29]\nseverity: {DD-CIS-5.12: LOW}\ncustom:\n  - id: ACME-MEM-RESERVATION\n    target: container\n    title: Containers reserve memory\n    severity: MEDIUM\n    description: Reservations keep the scheduler honest.\n    remediation: docker run --memory-reservation 32m\n    compliance: ['NIST-800-190:4.4.3']\n    field: HostConfig.MemoryReservation\n    fail_if: {empty: true}\n",
        "audit.yaml",
    )
    .unwrap();
    let opts = AuditOptions {
        label_filter: vec![fx.label.clone()],
        scan_setuid: true,
        skip_daemon: true,
        config,
        ..Default::default()
    };
    let report = audit_docker(&opts).expect("audit");
    let r = report
        .for_target(&tag)
        .find(|r| r.id == "DD-CIS-4.8")
        .unwrap();
    // The same list `find` gives on the root filesystem the image was made from.
    let rootfs = drydock_testkit::bookworm_rootfs();
    let out = drydock_testkit::run(
        std::process::Command::new("find")
            .arg(".")
            .args(["-type", "f", "-perm", "/6000"])
            .current_dir(&rootfs),
    );
    let mut want: Vec<String> = out
        .lines()
        .map(|l| l.trim_start_matches("./").to_string())
        .collect();
    want.sort();
    assert!(
        !want.is_empty(),
        "the bookworm rootfs has setuid binaries (su, passwd...)"
    );
    assert_eq!(r.status, Status::Fail, "{}", r.evidence);
    assert!(
        r.evidence
            .starts_with(&format!("{} setuid/setgid files: {}", want.len(), want[0])),
        "{} vs {want:?}",
        r.evidence
    );
    let u = report
        .for_target(&tag)
        .find(|r| r.id == "DD-CIS-4.1")
        .unwrap();
    assert_eq!(
        (u.status, u.evidence.as_str()),
        (Status::Pass, r#"Config.User="1000""#)
    );
    assert!(report.for_target("daemon").next().is_none());
    let name = fx.name("c");
    let mine: Vec<_> = report
        .for_target(&name)
        .filter(|r| r.id == "ACME-MEM-RESERVATION")
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].status, mine[0].evidence.as_str()),
        (Status::Fail, "HostConfig.MemoryReservation=0")
    );
    assert!(report.for_target(&name).all(|r| r.id != "DD-CIS-5.29"));
    let ro = report
        .for_target(&name)
        .find(|r| r.id == "DD-CIS-5.12")
        .unwrap();
    assert_eq!(
        (ro.status, ro.severity),
        (Status::Fail, drydock_core::Severity::Low)
    );
}

/// Section 3 read from a host root of the test's making (the daemon is the
/// real one, so the host is local): registry certificates with a wrong owner
/// and a readable client key, /etc/default/docker, the containerd socket, and
/// files that are not there.
#[test]
fn section_3_files_are_read_under_the_host_root() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::Path;
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let put = |path: &str, body: &str, mode: u32| {
        let p = r.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    put(
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\nci:x:1000:1000::/home/ci:/bin/sh\n",
        0o644,
    );
    put("etc/group", "root:x:0:\nci:x:1000:\n", 0o644);
    put("lib/systemd/system/docker.service", "[Service]\n", 0o644);
    put("etc/default/docker", "DOCKER_OPTS=\n", 0o664);
    let reg = "etc/docker/certs.d/registry.example:5000";
    put(&format!("{reg}/ca.crt"), "ca\n", 0o444);
    put(&format!("{reg}/client.cert"), "cert\n", 0o444);
    put(&format!("{reg}/client.key"), "key\n", 0o640);
    std::fs::set_permissions(r.join("etc/docker"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(r.join("run/containerd")).unwrap();
    let sock = r.join("run/containerd/containerd.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o666)).unwrap();
    // As root the files are root's; hand the CA certificate to ci.
    let am_root = std::fs::metadata(r.join("etc/passwd")).unwrap().uid() == 0;
    if am_root {
        std::os::unix::fs::chown(r.join(format!("{reg}/ca.crt")), Some(1000), Some(1000)).unwrap();
    }

    let opts = AuditOptions {
        label_filter: vec![format!("drydock.test=none-{}", std::process::id())],
        host_root: Some(r.to_path_buf()),
        daemon_json: Some(r.join("etc/docker/daemon.json")),
        ..Default::default()
    };
    let report = audit_docker(&opts).expect("audit");
    let got = |id: &str| {
        let x = report
            .results
            .iter()
            .find(|x| x.id == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        (x.status, x.evidence.clone(), x.target.name.clone())
    };
    use Status::*;
    let certs = "/etc/docker/certs.d".to_string();
    if am_root {
        assert_eq!(
            got("DD-CIS-3.7"),
            (
                Fail,
                "/etc/docker/certs.d/registry.example:5000/ca.crt owner ci:ci; expected root:root"
                    .into(),
                certs.clone()
            )
        );
        assert_eq!(
            got("DD-CIS-3.19"),
            (
                Pass,
                "/etc/default/docker: owner root:root".into(),
                "/etc/default/docker".into()
            )
        );
        assert_eq!(got("DD-CIS-3.1").0, Pass);
        assert_eq!(got("DD-CIS-3.23").0, Pass);
    }
    assert_eq!(
        got("DD-CIS-3.8"),
        (
            Fail,
            "/etc/docker/certs.d/registry.example:5000/client.key mode 0640; allowed at most 0444"
                .into(),
            certs
        )
    );
    assert_eq!(
        got("DD-CIS-3.20").1,
        "/etc/default/docker: mode 0664, allowed at most 0644"
    );
    assert_eq!(got("DD-CIS-3.2").0, Pass);
    assert_eq!(
        got("DD-CIS-3.24"),
        (
            Fail,
            "/run/containerd/containerd.sock: mode 0666, allowed at most 0660".into(),
            "/run/containerd/containerd.sock".into()
        )
    );
    for id in ["DD-CIS-3.21", "DD-CIS-3.22"] {
        assert_eq!(
            got(id),
            (
                Info,
                "/etc/sysconfig/docker: not present".into(),
                "/etc/sysconfig/docker".into()
            )
        );
    }
    assert_eq!(
        got("DD-CIS-3.3").1,
        "/lib/systemd/system/docker.socket: not present"
    );
    // Nothing of the real host leaked in: the real /etc/docker/daemon.json is not judged.
    assert_eq!(got("DD-CIS-3.17").0, Info);
    assert!(!Path::new(&r.join("etc/sysconfig")).exists());
}

/// This daemon is not in a swarm (the test never joins one): section 7 is
/// reported as not applicable, check by check, and 7.1 passes.
#[test]
fn section_7_outside_a_swarm_is_not_applicable() {
    let state = docker(&["info", "--format", "{{.Swarm.LocalNodeState}}"]);
    assert_eq!(state, "inactive", "the test daemon must not be in a swarm");
    let opts = AuditOptions {
        label_filter: vec![format!("drydock.test=none-{}", std::process::id())],
        ..Default::default()
    };
    let report = audit_docker(&opts).expect("audit");
    let section_7: Vec<(String, Status, String)> = report
        .for_target("daemon")
        .filter(|r| r.cis_id.as_deref().is_some_and(|c| c.starts_with("7.")))
        .map(|r| (r.id.clone(), r.status, r.evidence.clone()))
        .collect();
    let why = "not applicable: the node is not in a swarm (Swarm.LocalNodeState=inactive)";
    let mut want = vec![(
        "DD-CIS-7.1".to_string(),
        Status::Pass,
        "Swarm.LocalNodeState=inactive".to_string(),
    )];
    for n in 2..=10 {
        want.push((format!("DD-CIS-7.{n}"), Status::Info, why.to_string()));
    }
    let mut got = section_7;
    got.sort_by_key(|(id, _, _)| {
        id.trim_start_matches("DD-CIS-7.")
            .parse::<u32>()
            .unwrap_or(0)
    });
    assert_eq!(got, want);
    // Not applicable is not a finding.
    assert!(
        !to_findings(&report)
            .iter()
            .any(|f| f.id.starts_with("DD-CIS-7."))
    );
}
