//! The rule reference in docs/rules/*.md is generated from the metadata; this
//! fails when the committed files differ. `UPDATE_RULE_DOCS=1` rewrites them.

use drydock_config::{Family, rule_docs};
use std::path::Path;

#[test]
fn rule_docs_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let update = std::env::var_os("UPDATE_RULE_DOCS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for family in Family::ALL {
        let path = dir.join(format!("{}.md", family.as_str()));
        let want = rule_docs(family);
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule docs (run `UPDATE_RULE_DOCS=1 cargo test -p drydock-config --test docs`): {stale:?}"
    );
}

#[test]
fn docs_name_every_rule() {
    for family in Family::ALL {
        let md = rule_docs(family);
        for r in drydock_config::rules()
            .iter()
            .filter(|r| r.family == family)
        {
            assert!(md.contains(&format!("## {}", r.id)), "{}", r.id);
        }
    }
}
