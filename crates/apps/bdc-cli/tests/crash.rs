//! Crash safety: the server is killed (SIGKILL) while many 登簿 are in flight. After a restart,
//! `bdc verify` passes and every case is either wholly registered or not at all.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use bdc_db::{engine_tests, testing::fresh_url, Engine};
use serde_json::{json, Value};

const KEY: &str = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
const PASSWORD: &str = "Changzhou-2026";

fn bdc(dir: &std::path::Path, url: &str) -> Command {
    common::bdc(dir, url, KEY)
}

fn start(dir: &std::path::Path, url: &str) -> (common::Server, String) {
    common::serve(bdc(dir, url))
}

async fn call(http: &reqwest::Client, token: &str, method: reqwest::Method, url: String, body: Option<Value>) -> Value {
    let mut r = http.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap().json().await.unwrap_or(Value::Null)
}

async fn killing_the_server_mid_registration_loses_nothing_and_leaves_no_half_step(engine: Engine) {
    let dir = std::env::temp_dir().join(format!("bdc-crash-{}-{}", std::process::id(), engine.name()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = fresh_url(engine).await;
    let out = bdc(&dir, &url).args(["demo", "--units", "200", "--no-serve"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // 受理, 审核 and 登簿 of one case by three people (不相容岗位分离).
    for (user, role) in [("ops", "intake"), ("ops_sh", "review"), ("ops_db", "register")] {
        let mut add = bdc(&dir, &url).args(["user", "add", "--username", user, "--role", role]).stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        add.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
        assert!(add.wait().unwrap().success());
    }

    let (server, base) = start(&dir, &url);
    let http = reqwest::Client::new();
    let token_of = |user: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let login: Value = http.post(format!("{base}/api/v1/auth/login")).json(&json!({"username": user, "password": PASSWORD, "mode": "token"})).send().await.unwrap().json().await.unwrap();
            login["token"].as_str().unwrap().to_owned()
        }
    };
    let (clerk, reviewer, token) = (token_of("ops").await, token_of("ops_sh").await, token_of("ops_db").await);
    // Approved seizure cases on 60 units; the demo's first court is party 9.
    let mut cases = Vec::new();
    for unit in 1..=60 {
        let r =
            call(&http, &clerk, reqwest::Method::POST, format!("{base}/api/v1/cases"), Some(json!({"flow_code": "CTR-SEIZURE", "unit_ids": [unit], "applicants": [{"party_id": 9, "role": "agent"}]})))
                .await;
        let Some(id) = r["case"]["id"].as_i64() else { continue };
        call(&http, &clerk, reqwest::Method::POST, format!("{base}/api/v1/cases/{id}/actions"), Some(json!({"action": "submit"}))).await;
        call(&http, &reviewer, reqwest::Method::POST, format!("{base}/api/v1/cases/{id}/actions"), Some(json!({"action": "approve"}))).await;
        cases.push(id);
    }
    assert!(cases.len() >= 50, "{} cases prepared", cases.len());
    // Fire every 登簿 at once and kill the server while they run.
    let mut inflight = Vec::new();
    for id in &cases {
        let (http, token, url) = (http.clone(), token.clone(), format!("{base}/api/v1/cases/{id}/actions"));
        inflight.push(tokio::spawn(async move {
            let _ = http.post(url).bearer_auth(token).json(&json!({"action": "register"})).send().await;
        }));
    }
    tokio::time::sleep(Duration::from_millis(40)).await;
    drop(server); // SIGKILL
    for t in inflight {
        let _ = t.await;
    }

    let out = bdc(&dir, &url).arg("verify").output().unwrap();
    assert!(out.status.success(), "verify after the crash: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    let (_server, base) = start(&dir, &url);
    let login: Value = http.post(format!("{base}/api/v1/auth/login")).json(&json!({"username": "ops_db", "password": PASSWORD, "mode": "token"})).send().await.unwrap().json().await.unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    let (mut registered, mut pending) = (0, 0);
    for id in &cases {
        let case = call(&http, &token, reqwest::Method::GET, format!("{base}/api/v1/cases/{id}"), None).await;
        let unit = case["unit_ids"][0].as_i64().unwrap();
        let book = call(&http, &token, reqwest::Method::GET, format!("{base}/api/v1/units/{unit}/register"), None).await;
        let from_case = book["current"].as_array().unwrap().iter().filter(|r| r["case_id"] == *id).count();
        match case["state"].as_str().unwrap() {
            "archive" => {
                assert!(case["registered_seq"].as_i64().is_some());
                assert_eq!(from_case, 1, "case {id} registered: its seizure is in the register");
                registered += 1;
            }
            "register" => {
                assert!(case["registered_seq"].is_null());
                assert_eq!(from_case, 0, "case {id} not registered: nothing of it in the register");
                pending += 1;
            }
            other => panic!("case {id} in state {other}"),
        }
    }
    // The unfinished ones can simply be registered now.
    for id in &cases {
        let case = call(&http, &token, reqwest::Method::GET, format!("{base}/api/v1/cases/{id}"), None).await;
        if case["state"] == "register" {
            let r = call(&http, &token, reqwest::Method::POST, format!("{base}/api/v1/cases/{id}/actions"), Some(json!({"action": "register"}))).await;
            assert_eq!(r["case"]["state"], "archive", "{r}");
        }
    }
    eprintln!("crash test on {}: {registered} registered before the kill, {pending} after the restart", engine.name());
    let out = bdc(&dir, &url).arg("verify").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

engine_tests!(killing_the_server_mid_registration_loses_nothing_and_leaves_no_half_step);
