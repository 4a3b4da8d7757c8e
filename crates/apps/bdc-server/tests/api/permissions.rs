//! The permission matrix: every route of the OpenAPI document, called without a session and
//! with users who lack its permission, must answer 401 or 403 — before any input is looked at.

use bdc_db::Engine;
use reqwest::Method;
use serde_json::Value;

use crate::helpers::{spawn_app, TestApp};

/// Routes anyone may call. Listed here on purpose, so that making a route public is a visible
/// change to this test.
const PUBLIC: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/login"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/v1/catalogue"),
    // 证书真伪查询, open to anyone as on the portal page (rate-limited).
    ("POST", "/api/v1/portal/verify"),
    // 注册 and its one-time code: there is no account yet (rate-limited).
    ("POST", "/api/v1/portal/sign-up"),
    ("POST", "/api/v1/portal/sign-up/code"),
    // 忘记密码: the one who forgot has no session (uninformative answers, rate-limited).
    ("POST", "/api/v1/auth/password-reset/code"),
    ("POST", "/api/v1/auth/password-reset"),
];

/// Routes for any logged-in user.
const ANY_USER: &[(&str, &str)] = &[("POST", "/api/v1/auth/logout"), ("GET", "/api/v1/auth/me"), ("POST", "/api/v1/auth/password")];

fn concrete(path: &str) -> String {
    path.replace("{id}", "1")
        .replace("{code}", "review")
        .replace("{date}", "2026-01-04")
        .replace("{file}", "1")
        .replace("{seq}", "1")
        .replace("{number}", "%E8%8B%8F(2026)%E5%B8%B8%E5%B7%9E%E5%B8%82%E4%B8%8D%E5%8A%A8%E4%BA%A7%E6%9D%83%E7%AC%AC0000001%E5%8F%B7")
}

async fn operations(app: &TestApp) -> Vec<(String, String, String)> {
    let doc = app.call(Method::GET, "/api/openapi.json", None, None).await.body;
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let access = op["x-bdc-access"].as_str().unwrap_or("missing").to_owned();
            out.push((method.to_uppercase(), path.clone(), access));
        }
    }
    out
}

async fn every_route_refuses_callers_without_a_session_or_the_permission(engine: Engine) {
    let app = spawn_app(engine).await;
    let no_roles = app.staff("noroles", &[]).await;
    let citizen = {
        app.user("citizen1", &["person"]).await;
        app.token("citizen1", "public").await
    };
    let all_staff = app.staff("allroles", &["intake", "review", "register", "certify", "archive", "query", "supervise", "admin"]).await;
    let linked = {
        let party = bdc_registry::service::registry::record_party(
            &app.services,
            &bdc_core::Actor::console(),
            bdc_registry::service::registry::NewParty { kind: "person".into(), name: "实名用户".into(), id_type: "1".into(), id_number: "440524188001010014".into() },
        )
        .await
        .unwrap();
        app.public_account("shiming", &["person"], party.id, "13912340000").await
    };
    let ops = operations(&app).await;
    assert!(ops.len() >= 20, "{ops:?}");
    for (method, path, access) in &ops {
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let url = concrete(path);
        let public = PUBLIC.iter().any(|(pm, pp)| pm == method && pp == path);
        let any_user = ANY_USER.iter().any(|(pm, pp)| pm == method && pp == path);
        assert_eq!(public, access == "public", "{method} {path}: documented as {access}");
        assert_eq!(any_user, access == "authenticated", "{method} {path}: documented as {access}");
        // The portal's routes are for real-name public accounts (`realm:public`), and only they
        // are — except the public ones listed above (证书真伪查询).
        let portal = access == "realm:public";
        assert_eq!(portal, path.starts_with("/api/v1/portal/") && !public, "{method} {path}: documented as {access}");
        assert!(access.starts_with("permission:") || public || any_user || portal, "{method} {path}: {access}");
        if public {
            continue;
        }
        // A body that would be valid JSON of the wrong shape: it must not matter.
        let body = Some(Value::Object(Default::default()));
        let anon = app.call(m.clone(), &url, None, body.clone()).await;
        assert_eq!(anon.problem(401), "unauthenticated", "{method} {path} without a session");
        if any_user {
            continue;
        }
        // A public user without a real-name link is refused the portal's routes too.
        for (who, token) in [("staff without roles", &no_roles), ("public user", &citizen)] {
            let r = app.call(m.clone(), &url, Some(token), body.clone()).await;
            assert_eq!(r.problem(403), "forbidden", "{method} {path} as {who}");
        }
        if portal {
            // Staff holding every case permission are not public accounts either; a real-name
            // account gets past access control (to a 2xx, 404 or a validation problem).
            let r = app.call(m.clone(), &url, Some(&all_staff), body.clone()).await;
            assert_eq!(r.problem(403), "forbidden", "{method} {path} as staff");
            let r = app.call(m.clone(), &url, Some(&linked), body.clone()).await;
            assert!(![401, 403].contains(&r.status.as_u16()), "{method} {path} as a real-name account: {}", r.text);
        }
    }
}

async fn each_role_reaches_exactly_what_it_is_granted(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("admin1", &["admin"]).await;
    let supervisor = app.staff("jianguan", &["supervise"]).await;
    let clerk = app.staff("chuangkou", &["intake"]).await;
    // Administrators manage users but do not read the audit log (separation of duties).
    assert_eq!(app.get("/api/v1/admin/users", &admin).await.status, 200);
    assert_eq!(app.get("/api/v1/audit", &admin).await.problem(403), "forbidden");
    // Supervisors read the audit log but manage nobody.
    assert_eq!(app.get("/api/v1/audit", &supervisor).await.status, 200);
    assert_eq!(app.get("/api/v1/admin/users", &supervisor).await.problem(403), "forbidden");
    // Clerks read the calendar but cannot edit it.
    assert_eq!(app.get("/api/v1/calendar/days?year=2026", &clerk).await.status, 200);
    let r = app.call(Method::PUT, "/api/v1/calendar/days/2026-12-31", Some(&clerk), Some(serde_json::json!({"kind": "holiday"}))).await;
    assert_eq!(r.problem(403), "forbidden");
}

crate::both!(every_route_refuses_callers_without_a_session_or_the_permission, each_role_reaches_exactly_what_it_is_granted);
