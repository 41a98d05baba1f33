//! Secrets in an image config: Env, Labels and history `created_by`.

mod common;

use common::expand;
use drydock_secrets::{SecretScanner, scan_image_config};
use serde_json::json;

#[test]
fn env_labels_and_build_args_in_history() {
    let (db, _) = expand("{b62:18}", "cfg-db");
    let (npm, _) = expand("npm_{b62:30}{crc}", "cfg-npm");
    let (slack, _) = expand(
        "https://hooks.slack.com/services/T{up:10}/B{up:10}/{b62:24}",
        "cfg-slack",
    );
    let config = json!({
        "architecture": "amd64",
        "config": {
            "Env": ["PATH=/usr/local/bin:/usr/bin", "LANG=C.UTF-8", "APP_ENV=production", format!("DB_PASSWORD={db}")],
            "Labels": {"org.opencontainers.image.title": "app", "alerts.webhook": slack}
        },
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
            {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
            {"created_by": "ARG NPM_TOKEN", "empty_layer": true},
            {"created_by": format!("RUN |1 NPM_TOKEN={npm} /bin/sh -c npm ci # buildkit")},
            {"created_by": "COPY . /app # buildkit"}
        ]
    });
    let found = scan_image_config(&config);
    let got: Vec<(&str, &str, u32)> = found
        .iter()
        .map(|f| (f.path.as_str(), f.rule_id.as_str(), f.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("config:Env[3]", "generic-env-assignment", 1),
            ("config:Labels[alerts.webhook]", "slack-webhook-url", 1),
            ("config:history[3].created_by", "npm-access-token", 1),
        ]
    );
    // Redacted in every path.
    for f in &found {
        assert!(
            !f.evidence.contains(&db) && !f.evidence.contains(&npm) && !f.evidence.contains(&slack),
            "{f:?}"
        );
    }
    let shown = format!("{}{}{}", &db[..4], "*".repeat(10), &db[14..]);
    assert_eq!(found[0].evidence, format!("DB_PASSWORD={shown}"));
}

#[test]
fn docker_inspect_form_and_empty_configs() {
    let (tok, _) = expand("glpat-{b64u:20}", "cfg-gl");
    let inspect = json!({"Config": {"Env": [format!("GITLAB_TOKEN={tok}")]}});
    let scanner = SecretScanner::builtin().unwrap();
    let found = scanner.scan_image_config(&inspect);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].path.as_str(), found[0].rule_id.as_str()),
        ("config:Env[0]", "gitlab-pat")
    );
    assert!(scanner.scan_image_config(&json!({})).is_empty());
    assert!(
        scanner
            .scan_image_config(&json!({"config": null, "history": "x"}))
            .is_empty()
    );
}
