use bdc_db::Engine;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, PASSWORD};

async fn an_administrator_creates_lists_changes_and_disables_users(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("admin1", &["admin"]).await;
    let body = json!({"realm": "staff", "username": "shenhe01", "display_name": "审核员甲", "password": PASSWORD, "roles": ["review"]});
    let created = app.call(Method::POST, "/api/v1/admin/users", Some(&admin), Some(body.clone())).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(created.body.get("password_hash").is_none());
    let id = created.body["id"].as_i64().unwrap();
    let dup = app.call(Method::POST, "/api/v1/admin/users", Some(&admin), Some(body)).await;
    assert_eq!(dup.problem(409), "username_taken");

    let list = app.get("/api/v1/admin/users?q=shenhe&per_page=10", &admin).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["display_name"], "审核员甲");
    let page2 = app.get("/api/v1/admin/users?per_page=1&page=2", &admin).await;
    assert_eq!((page2.body["total"].as_i64(), page2.body["items"].as_array().map(Vec::len)), (Some(2), Some(1)));

    let t = app.token("shenhe01", "staff").await;
    let version = created.body["version"].as_i64().unwrap();
    let changed = app.call(Method::PATCH, &format!("/api/v1/admin/users/{id}"), Some(&admin), Some(json!({"roles": ["review", "register"], "version": version}))).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["roles"], json!(["register", "review"]));
    // A change of roles ends the user's sessions, so new grants apply at once.
    assert_eq!(app.get("/api/v1/auth/me", &t).await.problem(401), "unauthenticated");
    let stale = app.call(Method::PATCH, &format!("/api/v1/admin/users/{id}"), Some(&admin), Some(json!({"display_name": "乙", "version": version}))).await;
    assert_eq!(stale.problem(409), "stale_version");

    let disabled = app.call(Method::PATCH, &format!("/api/v1/admin/users/{id}"), Some(&admin), Some(json!({"status": "disabled"}))).await;
    assert_eq!(disabled.body["status"], "disabled");
    let login = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "shenhe01", "password": PASSWORD}))).await;
    assert_eq!(login.problem(401), "unauthenticated");
    assert!(login.body["detail"].as_str().unwrap().contains("停用"));

    let reset = app.call(Method::POST, &format!("/api/v1/admin/users/{id}/password"), Some(&admin), Some(json!({"password": "Reset-pass-2026"}))).await;
    assert_eq!(reset.status, 204);
    app.call(Method::PATCH, &format!("/api/v1/admin/users/{id}"), Some(&admin), Some(json!({"status": "active"}))).await;
    let login = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "shenhe01", "password": "Reset-pass-2026"}))).await;
    assert_eq!(login.status, 200);
}

async fn administrators_cannot_lock_themselves_out(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("admin1", &["admin"]).await;
    let me = app.get("/api/v1/auth/me", &admin).await.body["id"].as_i64().unwrap();
    let r = app.call(Method::PATCH, &format!("/api/v1/admin/users/{me}"), Some(&admin), Some(json!({"status": "disabled"}))).await;
    assert_eq!(r.problem(422), "self_disable");
    let r = app.call(Method::PATCH, &format!("/api/v1/admin/users/{me}"), Some(&admin), Some(json!({"roles": ["review"]}))).await;
    assert_eq!(r.problem(422), "self_demote");
    let r = app.call(Method::PUT, "/api/v1/admin/roles/admin/permissions", Some(&admin), Some(json!({"permissions": ["users.manage"]}))).await;
    assert_eq!(r.problem(422), "self_lockout");
}

async fn role_permissions_are_managed_as_data(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("admin1", &["admin"]).await;
    let roles = app.get("/api/v1/admin/roles", &admin).await;
    assert_eq!(roles.body["total"], 12);
    let names: Vec<&str> = roles.body["items"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    for n in ["窗口受理", "审核", "登簿", "缮证发证", "档案", "查询", "监管", "系统管理", "个人", "企业", "机构", "代理"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let clerk = app.staff("chaxun", &["query"]).await;
    assert_eq!(app.get("/api/v1/audit", &clerk).await.problem(403), "forbidden");
    let r = app.call(Method::PUT, "/api/v1/admin/roles/query/permissions", Some(&admin), Some(json!({"permissions": ["calendar.read", "audit.read"]}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The grant applies to the existing session at its next request.
    assert_eq!(app.get("/api/v1/audit", &clerk).await.status, 200);
    let r = app.call(Method::PUT, "/api/v1/admin/roles/person/permissions", Some(&admin), Some(json!({"permissions": ["audit.read"]}))).await;
    assert_eq!(r.problem(422), "permission_realm_mismatch");
    let r = app.call(Method::PUT, "/api/v1/admin/roles/query/permissions", Some(&admin), Some(json!({"permissions": ["audit.delete"]}))).await;
    assert_eq!(r.problem(422), "unknown_permission");
    let r = app.call(Method::PUT, "/api/v1/admin/roles/nosuch/permissions", Some(&admin), Some(json!({"permissions": []}))).await;
    assert_eq!(r.problem(404), "not_found");
}

crate::both!(an_administrator_creates_lists_changes_and_disables_users, administrators_cannot_lock_themselves_out, role_permissions_are_managed_as_data);
