//! docs/rules/docker-cis.md is generated from the rule data; this test fails
//! when the committed file differs. `UPDATE_RULE_DOCS=1` rewrites it.

use drydock_audit::Catalog;
use std::path::Path;

#[test]
fn rule_docs_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules/docker-cis.md");
    let want = Catalog::builtin()
        .expect("built-in rules parse")
        .render_markdown();
    // Every check of the data has its entry (a section without a heading would drop it).
    for c in Catalog::builtin().unwrap().all() {
        assert!(
            want.contains(&format!("\n### {}\n", c.id)),
            "generated docs lack {}",
            c.id
        );
    }
    if std::env::var_os("UPDATE_RULE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is out of date with crates/audit/rules/*.yaml: run `UPDATE_RULE_DOCS=1 cargo test -p drydock-audit --test rule_docs`",
        path.display()
    );
}
