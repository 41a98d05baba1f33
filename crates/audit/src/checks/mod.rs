//! The logic of the checks: pure functions from gathered facts (inspect JSON,
//! `docker info`, file stats) to outcomes keyed by check id. Metadata (title,
//! severity, remediation, compliance) is joined from the catalogue afterwards.

pub mod container;
pub mod custom;
pub mod daemon;
pub mod image;
pub mod swarm;

use crate::Status;

/// What one check decided about one target, before the metadata is joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: &'static str,
    pub status: Status,
    pub evidence: String,
}

impl Outcome {
    pub fn new(id: &'static str, status: Status, evidence: impl Into<String>) -> Outcome {
        Outcome {
            id,
            status,
            evidence: evidence.into(),
        }
    }
    pub fn pass(id: &'static str, evidence: impl Into<String>) -> Outcome {
        Outcome::new(id, Status::Pass, evidence)
    }
    pub fn fail(id: &'static str, evidence: impl Into<String>) -> Outcome {
        Outcome::new(id, Status::Fail, evidence)
    }
    pub fn warn(id: &'static str, evidence: impl Into<String>) -> Outcome {
        Outcome::new(id, Status::Warn, evidence)
    }
    pub fn info(id: &'static str, evidence: impl Into<String>) -> Outcome {
        Outcome::new(id, Status::Info, evidence)
    }
    pub fn manual(id: &'static str, evidence: impl Into<String>) -> Outcome {
        Outcome::new(id, Status::Manual, evidence)
    }
}

#[cfg(test)]
mod coverage {
    use crate::rules::Catalog;
    use std::collections::BTreeSet;

    /// Sprawl and network ids, each asserted with a failing and a passing
    /// record in `inventory::tests`.
    const INVENTORY_TESTED: [&str; 12] = [
        "DD-SPRAWL-EXITED",
        "DD-SPRAWL-RESTART-LOOP",
        "DD-SPRAWL-DANGLING",
        "DD-SPRAWL-UNUSED",
        "DD-SPRAWL-OLD-IMAGE",
        "DD-SPRAWL-STALE-TAG",
        "DD-SPRAWL-MISSING-LABELS",
        "DD-SPRAWL-VULNERABLE",
        "DD-NET-ALL-INTERFACES",
        "DD-NET-DEFAULT-BRIDGE",
        "DD-NET-SHARED-NETNS",
        "DD-NET-ICC-OPEN",
    ];

    #[test]
    fn every_check_in_the_data_has_logic_and_fixtures_and_vice_versa() {
        let cat = Catalog::builtin().unwrap();
        let mut fixtured: BTreeSet<String> = BTreeSet::new();
        fixtured.extend(
            super::daemon::tests::bad_cases()
                .into_iter()
                .map(|c| c.0.to_string()),
        );
        fixtured.extend(
            super::image::tests::bad_cases()
                .into_iter()
                .map(|c| c.0.to_string()),
        );
        fixtured.extend(
            super::container::tests::bad_cases()
                .into_iter()
                .map(|c| c.0.to_string()),
        );
        fixtured.extend(
            super::swarm::tests::bad_cases()
                .into_iter()
                .map(|c| c.0.to_string()),
        );
        fixtured.extend(INVENTORY_TESTED.iter().map(|s| s.to_string()));
        let automated: BTreeSet<String> = cat
            .all()
            .filter(|c| c.automated)
            .map(|c| c.id.clone())
            .collect();
        // Checks whose non-pass outcome is only MANUAL/INFO by nature (not judged
        // here), each with its own test: 5.1/5.2 where not applicable, 4.4 unscanned.
        let missing: Vec<_> = automated.difference(&fixtured).collect();
        assert!(
            missing.is_empty(),
            "automated checks without fixtures: {missing:?}"
        );
        let unknown: Vec<_> = fixtured.difference(&automated).collect();
        assert!(
            unknown.is_empty(),
            "fixtures for checks not in the data: {unknown:?}"
        );

        // Every id the logic emits has metadata.
        let (img, h, ictx) = super::image::tests::good();
        let (c, cctx) = super::container::tests::good();
        let f = super::daemon::tests::good();
        let emitted: Vec<&str> = super::daemon::daemon_checks(&f)
            .into_iter()
            .chain(super::daemon::file_checks(&f).into_iter().map(|x| x.0))
            .chain(super::image::image_checks(&img, &h, &ictx))
            .chain(super::container::container_checks(&c, &cctx))
            .chain(super::swarm::swarm_checks(&super::swarm::tests::good()))
            .chain(super::swarm::swarm_checks(&super::swarm::tests::inactive()))
            .map(|o| o.id)
            .collect();
        for id in &emitted {
            assert!(
                cat.get(id).is_some_and(|m| m.automated),
                "{id} emitted but not an automated check in the data"
            );
        }
        let emitted: BTreeSet<String> = emitted.iter().map(|s| s.to_string()).collect();
        let not_emitted: Vec<_> = automated
            .iter()
            .filter(|id| !INVENTORY_TESTED.contains(&id.as_str()) && !emitted.contains(*id))
            .collect();
        assert!(
            not_emitted.is_empty(),
            "automated checks the logic never emits: {not_emitted:?}"
        );
    }
}
