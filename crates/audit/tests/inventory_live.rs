//! `inventory`, `prune_plan` and `apply_prune` against the real daemon, on
//! containers and images this test creates (filtered by its own label).

mod common;

use common::{Fixture, docker, docker_ok};
use drydock_audit::{InventoryOptions, PruneKind, apply_prune, inventory, prune_plan};
use std::time::{Duration, Instant};

#[test]
fn inventory_sprawl_exposure_and_prune() {
    let pid = std::process::id();
    let mut fx = Fixture::new("inv");
    let tag = |x: &str| format!("drydock-audit-test/inv-{x}:{pid}");
    let (ta, tb, tc, td) = (tag("a"), tag("b"), tag("c"), tag("d"));
    let a = fx.import(&ta, &["ENV IMG=a"]);
    let b = fx.import(&tb, &["ENV IMG=b"]);
    let c_old = fx.import(&tc, &["ENV IMG=c1"]);
    let c_new = fx.import(&tc, &["ENV IMG=c2"]); // the first one is now dangling
    let d = fx.import(&td, &["ENV IMG=d"]);
    assert!(a != b && b != c_old && c_old != c_new && c_new != d);

    let e1 = fx.run_container("exited1", &[], &ta, &["true"]);
    let e2 = fx.run_container("exited2", &[], &ta, &["true"]);
    docker(&["wait", &e1]);
    docker(&["wait", &e2]);
    let port = drydock_testkit::free_port();
    fx.run_container(
        "web",
        &["--label", "team=shop", "-p", &format!("0.0.0.0:{port}:80")],
        &ta,
        &["sleep", "infinity"],
    );
    fx.run_container(
        "side",
        &["--network", &format!("container:{}", fx.name("web"))],
        &ta,
        &["sleep", "infinity"],
    );
    let stale = fx.run_container("stale", &[], &td, &["sleep", "infinity"]);
    docker(&["tag", &tb, &td]); // a newer build now carries the stale container's tag
    let lp = fx.run_container("loop", &["--restart", "always"], &ta, &["false"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while docker(&["inspect", "--format", "{{.RestartCount}}", &lp])
        .parse::<i64>()
        .unwrap_or(0)
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "the restart loop did not restart twice"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let lookup = common::one_vulnerable_image(&a, 3);
    let opts = InventoryOptions {
        label_filter: vec![fx.label.clone()],
        exited_days: 0,
        image_age_days: 36500,
        restart_threshold: 2,
        require_labels: vec!["team".into(), "service".into()],
        vuln_lookup: Some(&lookup),
        ..Default::default()
    };
    let inv = inventory(&opts).expect("inventory");
    let ids = |name: &str| {
        inv.findings_for(name)
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
    };
    let n = |x: &str| fx.name(x);

    assert_eq!(
        inv.containers
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>(),
        ["exited1", "exited2", "loop", "side", "stale", "web"]
            .map(n)
            .to_vec()
    );
    let bridge = ["DD-NET-DEFAULT-BRIDGE"];
    let exited = [
        "DD-SPRAWL-EXITED",
        "DD-SPRAWL-MISSING-LABELS",
        "DD-SPRAWL-VULNERABLE",
        bridge[0],
    ];
    assert_eq!(ids(&n("exited1")), exited);
    assert_eq!(ids(&n("exited2")), exited);
    assert_eq!(
        ids(&n("web")),
        [
            "DD-SPRAWL-MISSING-LABELS",
            "DD-SPRAWL-VULNERABLE",
            "DD-NET-ALL-INTERFACES",
            bridge[0]
        ]
    );
    assert_eq!(
        ids(&n("side")),
        [
            "DD-SPRAWL-MISSING-LABELS",
            "DD-SPRAWL-VULNERABLE",
            "DD-NET-SHARED-NETNS"
        ]
    );
    assert_eq!(
        ids(&n("stale")),
        ["DD-SPRAWL-STALE-TAG", "DD-SPRAWL-MISSING-LABELS", bridge[0]]
    );
    assert_eq!(
        ids(&n("loop")),
        [
            "DD-SPRAWL-RESTART-LOOP",
            "DD-SPRAWL-MISSING-LABELS",
            "DD-SPRAWL-VULNERABLE",
            bridge[0]
        ]
    );
    let ev = |name: &str, id: &str| {
        inv.findings_for(name)
            .find(|f| f.id == id)
            .map(|f| f.evidence.clone())
            .unwrap()
    };
    assert_eq!(
        ev(&n("web"), "DD-SPRAWL-MISSING-LABELS"),
        "Config.Labels lacks service"
    );
    assert_eq!(
        ev(&n("web"), "DD-NET-ALL-INTERFACES"),
        format!("published 0.0.0.0:{port}->80/tcp")
    );
    let web_id = inv.container(&n("web")).unwrap().id.clone();
    assert_eq!(
        ev(&n("side"), "DD-NET-SHARED-NETNS"),
        format!(
            "HostConfig.NetworkMode=container:{web_id} (shares with {})",
            n("web")
        )
    );
    assert_eq!(
        ev(&n("stale"), "DD-SPRAWL-STALE-TAG"),
        format!(
            "Config.Image={td} now names {}, the container runs Image={}",
            &b[7..19],
            &d[7..19]
        )
    );
    assert!(
        ev(&n("exited1"), "DD-SPRAWL-EXITED").starts_with("State.Status=exited, State.FinishedAt=")
    );

    // Images: in scope by label; usage counts every container of the daemon.
    assert_eq!(ids(&ta), Vec::<&str>::new());
    assert_eq!(ids(&tb), ["DD-SPRAWL-UNUSED"]);
    assert_eq!(ids(&tc), ["DD-SPRAWL-UNUSED"]);
    assert_eq!(ids(&c_old[7..19]), ["DD-SPRAWL-DANGLING"]);
    assert_eq!(ids(&d[7..19]), Vec::<&str>::new()); // untagged but still used by the stale container
    let ra = inv.images.iter().find(|i| i.id == a).unwrap();
    assert_eq!(ra.repo_tags, vec![ta.clone()]);
    assert_eq!(
        ra.used_by,
        ["exited1", "exited2", "loop", "side", "web"]
            .map(n)
            .to_vec()
    );
    assert_eq!(
        inv.images.iter().find(|i| i.id == b).unwrap().repo_tags,
        vec![tb.clone(), td.clone()]
    );
    assert_eq!(
        inv.container(&n("stale")).unwrap().tag_now,
        Some(Some(b.clone()))
    );

    // Network exposure map and the default bridge's ICC.
    let exposure: Vec<String> = inv
        .exposure()
        .iter()
        .map(|(c, p)| format!("{c} {p}"))
        .collect();
    assert_eq!(
        exposure,
        vec![format!("{} 0.0.0.0:{port}->80/tcp", n("web"))]
    );
    let icc = docker(&[
        "network",
        "inspect",
        "bridge",
        "--format",
        "{{index .Options \"com.docker.network.bridge.enable_icc\"}}",
    ]);
    assert_eq!(
        ids("bridge"),
        if icc == "false" {
            vec![]
        } else {
            vec!["DD-NET-ICC-OPEN"]
        }
    );

    // Age thresholds, measured from a later "now".
    let later = InventoryOptions {
        now: Some(time::OffsetDateTime::now_utc() + time::Duration::days(40)),
        image_age_days: 30,
        exited_days: 30,
        label_filter: vec![fx.label.clone()],
        ..Default::default()
    };
    let old = inventory(&later).expect("inventory");
    assert_eq!(
        old.findings
            .iter()
            .filter(|f| f.id == "DD-SPRAWL-OLD-IMAGE")
            .count(),
        5
    );
    assert_eq!(
        old.findings
            .iter()
            .filter(|f| f.id == "DD-SPRAWL-EXITED")
            .count(),
        2
    );

    // The plan: exactly the exited containers, the dangling image and the unused ones.
    let plan = prune_plan(&inv);
    let cmds: Vec<&str> = plan.iter().map(|p| p.command.as_str()).collect();
    let e1_full = inv.container(&n("exited1")).unwrap().id.clone();
    let e2_full = inv.container(&n("exited2")).unwrap().id.clone();
    assert_eq!(
        cmds,
        vec![
            format!("docker rm {e1_full}"),
            format!("docker rm {e2_full}"),
            format!("docker rmi {c_old}"),
            format!("docker rmi {tb} {td}"),
            format!("docker rmi {tc}"),
        ]
    );

    // Things change after planning: exited2 runs again, tag c moves, a new
    // container exits. Apply must delete only what still matches the plan.
    docker(&["start", "-a", &e2]);
    docker(&["tag", &ta, &tc]);
    let keep = fx.run_container("keep", &[], &ta, &["true"]);
    docker(&["wait", &keep]);
    let before_containers = docker(&["ps", "-aq", "--no-trunc"]);
    let outcome = apply_prune(&plan).expect("apply");
    let removed: Vec<(PruneKind, &str)> = outcome
        .removed
        .iter()
        .map(|a| (a.kind, a.id.as_str()))
        .collect();
    assert_eq!(
        removed,
        vec![
            (PruneKind::RemoveContainer, e1_full.as_str()),
            (PruneKind::RemoveImage, c_old.as_str()),
            (PruneKind::RemoveImage, b.as_str())
        ]
    );
    let skipped: Vec<(&str, &str)> = outcome
        .skipped
        .iter()
        .map(|s| (s.action.id.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0].0, e2_full);
    assert!(
        skipped[0].1.starts_with("State.FinishedAt changed to "),
        "{}",
        skipped[0].1
    );
    assert_eq!(skipped[1], (c_new.as_str(), "tags changed to []"));

    assert!(!docker_ok(&["inspect", &e1]), "exited1 was removed");
    assert!(!docker_ok(&["image", "inspect", &c_old]) && !docker_ok(&["image", "inspect", &b]));
    for id in [&e2, &keep, &lp, &stale, &web_id] {
        assert!(docker_ok(&["inspect", id]), "{id} must survive");
    }
    for id in [&a, &c_new, &d] {
        assert!(
            docker_ok(&["image", "inspect", id]),
            "image {id} must survive"
        );
    }
    // Every container that existed before apply, ours or not, except exited1, is still there
    // (or was removed by someone else, never by apply: it reported only the three above).
    for id in before_containers
        .split_whitespace()
        .filter(|i| *i != e1_full)
    {
        assert!(!outcome.removed.iter().any(|r| r.id == id));
    }
}
