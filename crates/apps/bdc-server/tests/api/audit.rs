use bdc_db::Engine;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, PASSWORD};

async fn logins_and_state_changes_are_audited_with_who_what_where_and_outcome(engine: Engine) {
    let app = spawn_app(engine).await;
    let supervisor = app.staff("jianguan", &["supervise"]).await;
    let admin = app.staff("admin1", &["admin"]).await;
    app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin1", "password": "Wrong-pass-1"}))).await;
    let created = app
        .raw(
            app.http
                .post(format!("{}/api/v1/admin/users", app.base))
                .bearer_auth(&admin)
                .header("user-agent", "窗口终端/1.0")
                .json(&json!({"realm": "staff", "username": "newclerk", "display_name": "新职员", "password": PASSWORD, "roles": ["intake"]})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let request_id = created.headers["x-request-id"].to_str().unwrap().to_owned();
    // A refused attempt is audited too.
    app.call(Method::POST, "/api/v1/admin/users", None, Some(json!({}))).await;

    let logins = app.get("/api/v1/audit?action=login&actor=admin1", &supervisor).await;
    assert_eq!(logins.status, 200, "{}", logins.text);
    let outcomes: Vec<&str> = logins.body["items"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["failure", "success"], "newest first");
    assert_eq!(logins.body["items"][0]["client_addr"], "127.0.0.1");

    // The refusal is recorded by the request; the change by its own transaction, under its name.
    let refused = app.get("/api/v1/audit?action=POST%20/api/v1/admin/users", &supervisor).await;
    let items = refused.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    let denied = &items[0];
    assert_eq!((denied["outcome"].as_str(), denied["status"].as_i64(), denied["actor_name"].as_str()), (Some("denied"), Some(401), Some("-")));
    let changes = app.get("/api/v1/audit?action=新增用户&actor=admin1", &supervisor).await;
    let items = changes.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    let ok = &items[0];
    assert!(ok["detail"].as_str().unwrap().contains("newclerk"), "{ok}");
    assert_eq!(ok["outcome"], "success");
    assert_eq!(ok["actor_name"], "admin1");
    assert_eq!(ok["roles"], json!(["admin"]));
    assert_eq!(ok["realm"], "staff");
    assert_eq!(ok["user_agent"], "窗口终端/1.0");
    assert_eq!(ok["request_id"], request_id);
    assert_eq!(ok["target"], "/api/v1/admin/users");
}

async fn nobody_can_change_or_delete_audit_rows_through_the_api(engine: Engine) {
    let app = spawn_app(engine).await;
    let supervisor = app.staff("jianguan", &["supervise"]).await;
    let before = app.get("/api/v1/audit", &supervisor).await.body["total"].as_i64().unwrap();
    assert!(before >= 1);
    for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let r = app.call(m.clone(), "/api/v1/audit", Some(&supervisor), Some(json!({}))).await;
        assert_eq!(r.problem(405), "method_not_allowed", "{m}");
        let r = app.call(m.clone(), "/api/v1/audit/1", Some(&supervisor), Some(json!({}))).await;
        assert_eq!(r.problem(404), "not_found", "{m}");
    }
    // Even granting every permission to a role adds no way to edit the log.
    let admin = app.staff("admin1", &["admin"]).await;
    let all = app.get("/api/v1/admin/permissions", &admin).await;
    assert!(all.body["items"].as_array().unwrap().iter().all(|p| !p["code"].as_str().unwrap().starts_with("audit.") || p["code"] == "audit.read"));
    let after = app.get("/api/v1/audit?action=login", &supervisor).await;
    assert!(after.body["total"].as_i64().unwrap() >= before);
}

/// Staff reads of personal data are logged with who, what and the conditions — an ID number
/// searched for is logged masked.
async fn staff_reads_of_personal_data_are_logged_with_their_conditions(engine: Engine) {
    let app = spawn_app(engine).await;
    let supervisor = app.staff("jianguan", &["supervise"]).await;
    let clerk = app.staff("chaxun", &["intake"]).await;
    let r = app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "张三", "id_type": "1", "id_number": "440524188001010014"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let found = app.get("/api/v1/parties?id_number=440524188001010014", &clerk).await;
    assert_eq!(found.status, 200, "{}", found.text);
    let log = app.get("/api/v1/audit?actor=chaxun", &supervisor).await;
    let items = log.body["items"].as_array().unwrap();
    let read = items.iter().find(|e| e["action"] == "查阅 /api/v1/parties").unwrap_or_else(|| panic!("the read is logged: {items:?}"));
    let detail = read["detail"].as_str().unwrap();
    assert!(detail.contains("id_number=44") && detail.contains("14") && !detail.contains("440524188001010014"), "masked conditions: {detail}");
    assert_eq!((read["outcome"].as_str(), read["realm"].as_str()), (Some("success"), Some("staff")));
    // The supervisor's own reading of the audit log is not a read of personal data.
    assert!(items.iter().all(|e| !e["action"].as_str().unwrap_or("").contains("/api/v1/audit")));
}

crate::both!(
    logins_and_state_changes_are_audited_with_who_what_where_and_outcome,
    nobody_can_change_or_delete_audit_rows_through_the_api,
    staff_reads_of_personal_data_are_logged_with_their_conditions
);
