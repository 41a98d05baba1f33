//! Swarm checks (CIS section 7) over `docker info`'s `Swarm`, `docker swarm
//! inspect` (managers only) and the overlay networks. A node that is not in a
//! swarm gets every section-7 check as not applicable (INFO, with the state
//! seen), not silence; 7.1 passes there, since swarm mode is off.

use super::Outcome;
use crate::json::{at, bool_at, i64_at, str_at};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every section-7 check, automated or not: the ones that are not applicable
/// on a node outside a swarm.
pub const SECTION_7: [&str; 10] = [
    "DD-CIS-7.1",
    "DD-CIS-7.2",
    "DD-CIS-7.3",
    "DD-CIS-7.4",
    "DD-CIS-7.5",
    "DD-CIS-7.6",
    "DD-CIS-7.7",
    "DD-CIS-7.8",
    "DD-CIS-7.9",
    "DD-CIS-7.10",
];

/// What the swarm checks look at.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SwarmFacts {
    /// `docker info`'s `Swarm` object.
    pub info: Value,
    /// `docker swarm inspect`, which only managers answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swarm: Option<Value>,
    /// `docker network ls --filter driver=overlay`, inspected.
    #[serde(default)]
    pub overlay_networks: Vec<Value>,
}

impl SwarmFacts {
    pub fn state(&self) -> &str {
        str_at(&self.info, "LocalNodeState")
    }

    pub fn active(&self) -> bool {
        self.state() == "active"
    }

    fn manager(&self) -> bool {
        bool_at(&self.info, "ControlAvailable")
    }

    /// Why section 7 does not apply here, when it does not.
    pub fn not_applicable(&self) -> Option<String> {
        (!self.active()).then(|| {
            let state = match self.state() {
                "" => "not reported",
                s => s,
            };
            format!("not applicable: the node is not in a swarm (Swarm.LocalNodeState={state})")
        })
    }
}

/// Section 7 checks the API can answer: 7.1, 7.2, 7.4, 7.6.
pub fn swarm_checks(f: &SwarmFacts) -> Vec<Outcome> {
    let state = f.state();
    if let Some(why) = f.not_applicable() {
        return vec![
            Outcome::pass(
                "DD-CIS-7.1",
                format!(
                    "Swarm.LocalNodeState={}",
                    if state.is_empty() { "inactive" } else { state }
                ),
            ),
            Outcome::info("DD-CIS-7.2", why.clone()),
            Outcome::info("DD-CIS-7.4", why.clone()),
            Outcome::info("DD-CIS-7.6", why),
        ];
    }
    let mut out = vec![Outcome::warn(
        "DD-CIS-7.1",
        format!(
            "Swarm.LocalNodeState=active (NodeID {}); leave the swarm if this host does not need it",
            str_at(&f.info, "NodeID")
        ),
    )];
    let on_worker =
        "this node is a worker (Swarm.ControlAvailable=false); run the audit on a manager";

    // Managers: an odd number (Raft needs a majority), few of them.
    out.push(if !f.manager() {
        Outcome::manual("DD-CIS-7.2", on_worker)
    } else {
        let managers = i64_at(&f.info, "Managers");
        let nodes = i64_at(&f.info, "Nodes");
        let ev = format!("Swarm.Managers={managers}, Swarm.Nodes={nodes}");
        if managers % 2 == 0 {
            Outcome::fail(
                "DD-CIS-7.2",
                format!(
                    "{ev}: an even number of managers tolerates no more failures than one fewer"
                ),
            )
        } else if managers > 7 {
            Outcome::fail(
                "DD-CIS-7.2",
                format!("{ev}: more than 7 managers slow every Raft write"),
            )
        } else {
            Outcome::pass("DD-CIS-7.2", ev)
        }
    });

    let plain: Vec<String> = f
        .overlay_networks
        .iter()
        .filter(|n| at(n, "Options.encrypted").is_none())
        .map(|n| str_at(n, "Name").to_string())
        .collect();
    out.push(if f.overlay_networks.is_empty() {
        Outcome::info("DD-CIS-7.4", "no overlay networks")
    } else if plain.is_empty() {
        Outcome::pass(
            "DD-CIS-7.4",
            format!(
                "{} overlay networks, all with Options.encrypted",
                f.overlay_networks.len()
            ),
        )
    } else {
        Outcome::fail(
            "DD-CIS-7.4",
            format!(
                "overlay networks without Options.encrypted: {}",
                plain.join(", ")
            ),
        )
    });

    out.push(match (&f.swarm, f.manager()) {
        (_, false) => Outcome::manual("DD-CIS-7.6", on_worker),
        (None, true) => Outcome::manual("DD-CIS-7.6", "docker swarm inspect did not answer"),
        (Some(s), true) => {
            match at(s, "Spec.EncryptionConfig.AutoLockManagers").and_then(Value::as_bool) {
                Some(true) => {
                    Outcome::pass("DD-CIS-7.6", "Spec.EncryptionConfig.AutoLockManagers=true")
                }
                v => Outcome::fail(
                    "DD-CIS-7.6",
                    format!(
                        "Spec.EncryptionConfig.AutoLockManagers={}",
                        v.map_or("unset".to_string(), |b| b.to_string())
                    ),
                ),
            }
        }
    });
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Status;
    use serde_json::json;

    /// A well-run manager of a three-manager swarm.
    pub fn good() -> SwarmFacts {
        SwarmFacts {
            info: json!({"NodeID": "n1", "NodeAddr": "10.0.0.1", "LocalNodeState": "active",
                "ControlAvailable": true, "Managers": 3, "Nodes": 5}),
            swarm: Some(json!({"Spec": {"EncryptionConfig": {"AutoLockManagers": true}}})),
            overlay_networks: vec![
                json!({"Name": "backend", "Driver": "overlay", "Options": {"encrypted": ""}}),
            ],
        }
    }

    /// A node outside any swarm, as `docker info` says it.
    pub fn inactive() -> SwarmFacts {
        SwarmFacts {
            info: json!({"NodeID": "", "NodeAddr": "", "LocalNodeState": "inactive",
                "ControlAvailable": false}),
            ..Default::default()
        }
    }

    pub fn status_of(f: &SwarmFacts, id: &str) -> (Status, String) {
        let o = swarm_checks(f)
            .into_iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("{id} not emitted"));
        (o.status, o.evidence)
    }

    /// (check id, the passing facts, how to break them, expected status, evidence)
    #[allow(clippy::type_complexity)]
    pub fn bad_cases() -> Vec<(
        &'static str,
        SwarmFacts,
        Box<dyn Fn(&mut SwarmFacts)>,
        Status,
        &'static str,
    )> {
        vec![
            (
                "DD-CIS-7.1",
                inactive(),
                Box::new(|f| *f = good()),
                Status::Warn,
                "Swarm.LocalNodeState=active (NodeID n1)",
            ),
            (
                "DD-CIS-7.2",
                good(),
                Box::new(|f| f.info["Managers"] = json!(2)),
                Status::Fail,
                "Swarm.Managers=2, Swarm.Nodes=5: an even number",
            ),
            (
                "DD-CIS-7.4",
                good(),
                Box::new(|f| {
                    f.overlay_networks
                        .push(json!({"Name": "ingress", "Driver": "overlay", "Options": {}}))
                }),
                Status::Fail,
                "overlay networks without Options.encrypted: ingress",
            ),
            (
                "DD-CIS-7.6",
                good(),
                Box::new(|f| f.swarm = Some(json!({"Spec": {"EncryptionConfig": {}}}))),
                Status::Fail,
                "Spec.EncryptionConfig.AutoLockManagers=unset",
            ),
        ]
    }

    #[test]
    fn every_swarm_check_passes_on_its_good_facts_and_fails_on_its_bad_ones() {
        for (id, good, breaker, want, ev) in bad_cases() {
            let (s, e) = status_of(&good, id);
            assert_eq!(s, Status::Pass, "{id} on its good facts: {e}");
            let mut bad = good.clone();
            breaker(&mut bad);
            let (s, e) = status_of(&bad, id);
            assert_eq!(s, want, "{id} on its bad facts: {e}");
            assert!(e.contains(ev), "{id}: evidence {e:?} lacks {ev:?}");
        }
    }

    #[test]
    fn outside_a_swarm_section_7_is_not_applicable_and_workers_say_why() {
        let f = inactive();
        let why = "not applicable: the node is not in a swarm (Swarm.LocalNodeState=inactive)";
        assert_eq!(f.not_applicable().as_deref(), Some(why));
        for id in ["DD-CIS-7.2", "DD-CIS-7.4", "DD-CIS-7.6"] {
            assert_eq!(status_of(&f, id), (Status::Info, why.to_string()));
        }
        assert_eq!(
            status_of(&f, "DD-CIS-7.1"),
            (Status::Pass, "Swarm.LocalNodeState=inactive".into())
        );
        let mut worker = good();
        worker.info["ControlAvailable"] = json!(false);
        worker.swarm = None;
        assert_eq!(status_of(&worker, "DD-CIS-7.2").0, Status::Manual);
        assert!(status_of(&worker, "DD-CIS-7.6").1.contains("worker"));
        assert!(good().not_applicable().is_none());
    }
}
