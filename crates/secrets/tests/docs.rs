//! docs/rules/secrets.md is generated from the rule files; this fails when the
//! committed copy is stale. `UPDATE_RULE_DOCS=1 cargo test -p drydock-secrets --test docs` rewrites it.

use std::path::Path;

#[test]
fn rule_reference_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules/secrets.md");
    let generated = drydock_secrets::docs::rules_markdown().unwrap();
    if std::env::var_os("UPDATE_RULE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run UPDATE_RULE_DOCS=1 cargo test -p drydock-secrets --test docs",
        path.display()
    );
    for id in [
        "github-pat",
        "aws-secret-access-key",
        "private-key-openssh",
        "generic-env-assignment",
    ] {
        assert!(committed.contains(&format!("### {id}")), "{id} missing");
    }
}
