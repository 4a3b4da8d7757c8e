//! The `bdc` binary as an operator uses it: migrate, create the first administrator from stdin,
//! serve on a random port, log in over HTTP — on SQLite and PostgreSQL.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use bdc_db::{engine_tests, testing::fresh_url, Engine};
use serde_json::json;

const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn bdc(dir: &std::path::Path, url: &str) -> Command {
    common::bdc(dir, url, KEY)
}

async fn operator_creates_the_first_administrator_and_logs_in(engine: Engine) {
    let dir = std::env::temp_dir().join(format!("bdc-cli-{}", bdc_domain_rand()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = fresh_url(engine).await;

    let out = bdc(&dir, &url).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0001_foundation"));

    // An unknown role is refused with the list of roles.
    let out = bdc(&dir, &url).args(["user", "add", "--username", "admin", "--role", "超级用户"]).stdin(Stdio::null()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("系统管理"));

    let mut child = bdc(&dir, &url).args(["user", "add", "--username", "admin", "--role", "系统管理"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"Changzhou-2026\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("已创建用户 admin"));

    let (_server, base) = common::serve(bdc(&dir, &url));
    let http = reqwest::Client::new();
    let health: serde_json::Value = http.get(format!("{base}/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["database"], engine.name());
    let login = http.post(format!("{base}/api/v1/auth/login")).json(&json!({"username": "admin", "password": "Changzhou-2026", "mode": "token"})).send().await.unwrap();
    assert_eq!(login.status(), 200);
    let token = login.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    // The console's action is in the audit log: a supervisor created through the API can see it.
    let r = http
        .post(format!("{base}/api/v1/admin/users"))
        .bearer_auth(&token)
        .json(&json!({"realm": "staff", "username": "jianguan", "display_name": "监管员", "password": "Changzhou-2026", "roles": ["supervise"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let login: serde_json::Value =
        http.post(format!("{base}/api/v1/auth/login")).json(&json!({"username": "jianguan", "password": "Changzhou-2026", "mode": "token"})).send().await.unwrap().json().await.unwrap();
    let audit: serde_json::Value = http.get(format!("{base}/api/v1/audit?action=cli")).bearer_auth(login["token"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
    assert_eq!(audit["items"][0]["action"], "cli user add");
    assert_eq!(audit["items"][0]["outcome"], "success");
    std::fs::remove_dir_all(&dir).ok();
}

fn bdc_domain_rand() -> String {
    format!("{}-{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}

engine_tests!(operator_creates_the_first_administrator_and_logs_in);

/// The embedded default: the data directory, the database and the master key are owner-only,
/// and the demo's journal is signed into a checkpoint that `bdc verify` checks.
#[cfg(unix)]
#[test]
fn the_embedded_default_keeps_its_files_owner_only_and_signs_the_journal() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("bdc-cli-{}", bdc_domain_rand()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bdc"))
            .current_dir(&dir)
            .env("BDC_DATA_DIR", dir.join("data"))
            .env_remove("BDC_DATABASE_URL")
            .env_remove("BDC_MASTER_KEY")
            .env_remove("BDC_CONFIG")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["demo", "--units", "60", "--no-serve"]);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("账本检查点"), "{}", String::from_utf8_lossy(&out.stdout));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.join("data")), 0o700, "data directory");
    assert_eq!(mode(&dir.join("data").join("bdc.db")), 0o600, "database");
    assert_eq!(mode(&dir.join("data").join("master.key")), 0o600, "master key");
    let out = run(&["verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("签名检查点：第") && text.contains("校验通过"), "{text}{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn postgres_without_a_master_key_refuses_to_start() {
    let dir = std::env::temp_dir().join(format!("bdc-cli-nokey-{}", bdc_domain_rand()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bdc"))
        .current_dir(&dir)
        .env_remove("BDC_MASTER_KEY")
        .env_remove("BDC_CONFIG")
        .args(["serve", "--database-url", "postgres://nobody@127.0.0.1:1/none", "--data-dir", "data"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("BDC_MASTER_KEY"), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}
