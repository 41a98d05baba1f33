//! Prune plans: the exact docker commands that would clean up what the
//! inventory found, and applying them, which deletes only what the plan lists
//! and only while each item is still what it was when the plan was made.

use crate::inventory::DockerInventory;
use crate::json::{str_at, strings_at};
use crate::live::{Client, api, is_404};
use crate::{AuditError, short_id};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PruneKind {
    RemoveContainer,
    RemoveImage,
}

/// One deletion, with what the item must still look like to be deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PruneAction {
    pub kind: PruneKind,
    /// Full container or image id.
    pub id: String,
    /// Container name or image reference, for people.
    pub name: String,
    /// The finding that put it in the plan (`DD-SPRAWL-EXITED`).
    pub reason: String,
    /// The command a person would run: `docker rm <id>`, `docker rmi <tag>...`.
    pub command: String,
    /// Containers: the state (`exited`) and FinishedAt seen when planning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_finished_at: Option<String>,
    /// Images: the tags seen when planning (sorted); removed one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect_tags: Vec<String>,
}

/// Why an action of the plan was not carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PruneSkip {
    pub action: PruneAction,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PruneOutcome {
    pub removed: Vec<PruneAction>,
    pub skipped: Vec<PruneSkip>,
}

/// The plan for an inventory: containers exited past the threshold, then
/// dangling and unused images. Nothing else is ever listed.
pub fn prune_plan(inv: &DockerInventory) -> Vec<PruneAction> {
    let mut plan = Vec::new();
    for f in inv.findings.iter().filter(|f| f.id == "DD-SPRAWL-EXITED") {
        let Some(c) = inv
            .containers
            .iter()
            .find(|c| Some(&c.id) == f.target.id.as_ref())
        else {
            continue;
        };
        plan.push(PruneAction {
            kind: PruneKind::RemoveContainer,
            id: c.id.clone(),
            name: c.name.clone(),
            reason: f.id.clone(),
            command: format!("docker rm {}", c.id),
            expect_state: Some(c.state.clone()),
            expect_finished_at: Some(c.finished_at.clone().unwrap_or_default()),
            expect_tags: Vec::new(),
        });
    }
    for f in inv
        .findings
        .iter()
        .filter(|f| f.id == "DD-SPRAWL-DANGLING" || f.id == "DD-SPRAWL-UNUSED")
    {
        let Some(i) = inv
            .images
            .iter()
            .find(|i| Some(&i.id) == f.target.id.as_ref())
        else {
            continue;
        };
        let command = if i.repo_tags.is_empty() {
            format!("docker rmi {}", i.id)
        } else {
            format!("docker rmi {}", i.repo_tags.join(" "))
        };
        plan.push(PruneAction {
            kind: PruneKind::RemoveImage,
            id: i.id.clone(),
            name: f.target.name.clone(),
            reason: f.id.clone(),
            command,
            expect_state: None,
            expect_finished_at: None,
            expect_tags: i.repo_tags.clone(),
        });
    }
    plan
}

/// Carries out a plan. Each item is inspected again first and deleted only if
/// it is still the same (same id; a container still stopped with the same
/// finish time; an image with the same tags, each still naming it, and no
/// container using it). Nothing is forced.
pub fn apply_prune(plan: &[PruneAction]) -> Result<PruneOutcome, AuditError> {
    let client = Client::connect()?;
    let mut out = PruneOutcome::default();
    for a in plan {
        let verdict = match a.kind {
            PruneKind::RemoveContainer => remove_container(&client, a),
            PruneKind::RemoveImage => remove_image(&client, a),
        }?;
        match verdict {
            None => out.removed.push(a.clone()),
            Some(reason) => out.skipped.push(PruneSkip {
                action: a.clone(),
                reason,
            }),
        }
    }
    Ok(out)
}

/// `Ok(None)` = removed; `Ok(Some(why))` = left alone.
fn remove_container(client: &Client, a: &PruneAction) -> Result<Option<String>, AuditError> {
    let Some(c) = client.inspect_container(&a.id)? else {
        return Ok(Some("no longer exists".into()));
    };
    let state = str_at(&c, "State.Status");
    let finished = str_at(&c, "State.FinishedAt");
    if str_at(&c, "Id") != a.id {
        return Ok(Some(format!(
            "id now resolves to {}",
            short_id(str_at(&c, "Id"))
        )));
    }
    if Some(state) != a.expect_state.as_deref()
        || state == "running"
        || state == "restarting"
        || state == "paused"
    {
        return Ok(Some(format!("state changed to {state}")));
    }
    let expect_finished = a.expect_finished_at.as_deref().unwrap_or("");
    if !expect_finished.is_empty() && finished != expect_finished {
        return Ok(Some(format!("State.FinishedAt changed to {finished}")));
    }
    let opts = bollard::query_parameters::RemoveContainerOptionsBuilder::default()
        .force(false)
        .v(false)
        .build();
    match client.block(client.docker.remove_container(&a.id, Some(opts))) {
        Ok(()) => Ok(None),
        Err(e) if is_404(&e) => Ok(Some("no longer exists".into())),
        Err(e) => Ok(Some(format!("daemon refused: {e}"))),
    }
}

fn remove_image(client: &Client, a: &PruneAction) -> Result<Option<String>, AuditError> {
    let Some(img) = client.inspect_image(&a.id)? else {
        return Ok(Some("no longer exists".into()));
    };
    if str_at(&img, "Id") != a.id {
        return Ok(Some(format!(
            "id now resolves to {}",
            short_id(str_at(&img, "Id"))
        )));
    }
    let mut tags = strings_at(&img, "RepoTags");
    tags.retain(|t| t != "<none>:<none>");
    tags.sort();
    if tags != a.expect_tags {
        return Ok(Some(format!(
            "tags changed to {}",
            serde_json::to_string(&tags).unwrap_or_default()
        )));
    }
    let users = client
        .block(
            client.docker.list_containers(Some(
                bollard::query_parameters::ListContainersOptionsBuilder::default()
                    .all(true)
                    .build(),
            )),
        )
        .map_err(|e| api("list containers", e))?;
    if let Some(u) = users
        .iter()
        .find(|c| c.image_id.as_deref() == Some(a.id.as_str()))
    {
        let name = u
            .names
            .as_ref()
            .and_then(|n| n.first())
            .cloned()
            .unwrap_or_default();
        return Ok(Some(format!(
            "now used by container {}",
            name.trim_start_matches('/')
        )));
    }
    let opts = || {
        bollard::query_parameters::RemoveImageOptionsBuilder::default()
            .force(false)
            .noprune(false)
            .build()
    };
    if tags.is_empty() {
        return Ok(
            match client.block(client.docker.remove_image(&a.id, Some(opts()), None)) {
                Ok(_) => None,
                Err(e) => Some(format!("daemon refused: {e}")),
            },
        );
    }
    for t in &tags {
        // A tag moved since the check above must not take another image with it.
        match client.inspect_image(t)? {
            Some(i) if str_at(&i, "Id") == a.id => {}
            _ => return Ok(Some(format!("tag {t} no longer names this image"))),
        }
        if let Err(e) = client.block(client.docker.remove_image(t, Some(opts()), None)) {
            return Ok(Some(format!("daemon refused to untag {t}: {e}")));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::ImageRecord;
    use crate::inventory::{InventoryOptions, build, container_record};
    use serde_json::json;

    #[test]
    fn plan_lists_exited_containers_then_dangling_and_unused_images_only() {
        let c = |name: &str, state: &str| {
            container_record(
                &json!({"Id": format!("{name}-id"), "Name": format!("/{name}"), "Image": "sha256:used", "Created": "2026-01-01T00:00:00Z",
                    "State": {"Status": state, "FinishedAt": "2026-01-02T00:00:00Z"}, "Config": {"Image": "app:1"}}),
                None,
            )
        };
        let img = |id: &str, tags: &[&str], used: &[&str]| ImageRecord {
            id: id.into(),
            repo_tags: tags.iter().map(|s| s.to_string()).collect(),
            created: "2026-02-01T00:00:00Z".into(),
            size: 0,
            labels: Default::default(),
            used_by: used.iter().map(|s| s.to_string()).collect(),
            diff_ids: Vec::new(),
            in_scope: true,
        };
        let inv = build(
            vec![c("gone", "exited"), c("live", "running")],
            vec![
                img("sha256:used", &["app:1"], &["gone", "live"]),
                img("sha256:dangle", &[], &[]),
                img("sha256:tool", &["tool:1", "tool:latest"], &[]),
            ],
            vec![],
            &InventoryOptions {
                now: Some(time::macros::datetime!(2026-03-01 00:00 UTC)),
                ..Default::default()
            },
        )
        .unwrap();
        let plan = prune_plan(&inv);
        let cmds: Vec<&str> = plan.iter().map(|a| a.command.as_str()).collect();
        assert_eq!(
            cmds,
            vec![
                "docker rm gone-id",
                "docker rmi sha256:dangle",
                "docker rmi tool:1 tool:latest"
            ]
        );
        assert_eq!(plan[0].expect_state.as_deref(), Some("exited"));
        assert_eq!(
            plan[0].expect_finished_at.as_deref(),
            Some("2026-01-02T00:00:00Z")
        );
        assert_eq!(plan[2].expect_tags, vec!["tool:1", "tool:latest"]);
    }
}
