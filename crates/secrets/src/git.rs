//! Secrets in git history (`drydock git DIR`): every commit reachable from any
//! branch, tag, remote ref or HEAD, each blob scanned once. Commits are visited
//! oldest first, so a blob is reported with the commit (and author date) that
//! introduced it, under its path there; a secret deleted later is still found.

use crate::engine::SecretScanner;
use crate::{Error, ScanOutput, to_finding};
use drydock_core::{Location, ScanWarning};
use gix::ObjectId;
use std::collections::HashSet;
use std::path::Path;

/// Options of [`scan_git`].
pub struct GitOptions<'a> {
    pub scanner: &'a SecretScanner,
}

struct CommitInfo {
    id: ObjectId,
    tree: ObjectId,
    time: i64,
    date: String,
}

/// Scans the history of the repository at `repo` (a work tree or a bare repository).
/// Each finding's `location.path` is the file's path in the commit; its notes
/// carry `commit <id>` and `author date <RFC 3339>`.
pub fn scan_git(repo: &Path, opts: &GitOptions<'_>) -> Result<ScanOutput, Error> {
    let name = repo.display().to_string();
    let err = |what: &str, e: &dyn std::fmt::Display| Error::Git {
        repo: name.clone(),
        message: format!("{what}: {e}"),
    };
    let r = gix::open(repo).map_err(|e| err("cannot open (is it a git repository?)", &e))?;

    let mut tips: Vec<ObjectId> = Vec::new();
    let platform = r.references().map_err(|e| err("reading refs", &e))?;
    for reference in platform.all().map_err(|e| err("reading refs", &e))? {
        let Ok(mut reference) = reference else {
            continue;
        };
        // Tags of trees or blobs, and broken refs, hold no commits to walk.
        if let Ok(commit) = reference.peel_to_commit() {
            tips.push(commit.id);
        }
    }
    if let Ok(head) = r.head_id() {
        tips.push(head.detach());
    }
    tips.sort();
    tips.dedup();

    let mut out = ScanOutput::default();
    let mut commits: Vec<CommitInfo> = Vec::new();
    if !tips.is_empty() {
        let walk = r
            .rev_walk(tips)
            .all()
            .map_err(|e| err("walking commits", &e))?;
        for info in walk {
            let info = info.map_err(|e| err("walking commits", &e))?;
            let commit = info
                .object()
                .map_err(|e| err(&format!("commit {}", info.id), &e))?;
            let tree = commit
                .tree_id()
                .map_err(|e| err(&format!("commit {}", info.id), &e))?;
            let (time, date) = match commit.author().ok().and_then(|a| a.time().ok()) {
                Some(t) => (
                    t.seconds,
                    t.format(gix::date::time::format::ISO8601_STRICT)
                        .unwrap_or_else(|_| t.seconds.to_string()),
                ),
                None => (0, "unknown".to_string()),
            };
            commits.push(CommitInfo {
                id: info.id,
                tree: tree.detach(),
                time,
                date,
            });
        }
    }
    commits.sort_by(|a, b| a.time.cmp(&b.time).then(a.id.cmp(&b.id)));

    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    for c in &commits {
        let mut stack: Vec<(ObjectId, String)> = vec![(c.tree, String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            // A tree seen before holds only blobs seen before.
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = match r.find_tree(tree_id) {
                Ok(t) => t,
                Err(e) => {
                    out.warnings.push(ScanWarning {
                        input: format!("{name}@{}:{prefix}", c.id),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            let decoded = match tree.decode() {
                Ok(d) => d,
                Err(e) => {
                    out.warnings.push(ScanWarning {
                        input: format!("{name}@{}:{prefix}", c.id),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            for entry in &decoded.entries {
                let path = format!("{prefix}{}", entry.filename);
                let oid = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    stack.push((oid, format!("{path}/")));
                } else if entry.mode.is_blob() && seen_blobs.insert(oid) {
                    scan_blob(&r, opts.scanner, oid, &path, c, &name, &mut out);
                }
            }
        }
    }
    out.findings.sort_by(|a, b| {
        (&a.location.path, a.location.line, &a.id).cmp(&(&b.location.path, b.location.line, &b.id))
    });
    Ok(out)
}

fn scan_blob(
    r: &gix::Repository,
    scanner: &SecretScanner,
    oid: ObjectId,
    path: &str,
    c: &CommitInfo,
    name: &str,
    out: &mut ScanOutput,
) {
    // The header alone gives the size, so big blobs are never inflated.
    let size = r.find_header(oid).map(|h| h.size()).unwrap_or(0);
    if !scanner.wants(path, size) {
        return;
    }
    let blob = match r.find_blob(oid) {
        Ok(b) => b,
        Err(e) => {
            out.warnings.push(ScanWarning {
                input: format!("{name}@{}:{path}", c.id),
                message: e.to_string(),
            });
            return;
        }
    };
    out.files += 1;
    out.bytes += blob.data.len() as u64;
    for f in scanner.scan_bytes(path, &blob.data) {
        let mut finding = to_finding(&f, Location::file(path));
        finding.notes.push(format!("commit {}", c.id));
        finding.notes.push(format!("author date {}", c.date));
        finding.notes.push(format!("blob {oid}"));
        out.findings.push(finding);
    }
}
