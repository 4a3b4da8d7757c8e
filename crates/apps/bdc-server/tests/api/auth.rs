use bdc_db::Engine;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, PASSWORD};

async fn wrong_password_and_unknown_user_get_the_same_answer(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("zhangsan", &["intake"]).await;
    let wrong = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "zhangsan", "password": "Wrong-pass-123"}))).await;
    let unknown = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "nobody", "password": "Wrong-pass-123"}))).await;
    assert_eq!(wrong.problem(401), "unauthenticated");
    assert_eq!(unknown.problem(401), "unauthenticated");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    // A staff user is not found in the public realm.
    let public = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "zhangsan", "password": PASSWORD, "realm": "public"}))).await;
    assert_eq!(public.problem(401), "unauthenticated");
}

async fn repeated_failures_lock_the_account_until_an_administrator_unlocks_it(engine: Engine) {
    let app = spawn_app(engine).await;
    let id = app.user("lisi", &["review"]).await;
    let bad = json!({"username": "lisi", "password": "Wrong-pass-123"});
    for _ in 0..4 {
        let r = app.call(Method::POST, "/api/v1/auth/login", None, Some(bad.clone())).await;
        assert_eq!(r.problem(401), "unauthenticated");
    }
    let fifth = app.call(Method::POST, "/api/v1/auth/login", None, Some(bad.clone())).await;
    assert_eq!(fifth.problem(423), "account_locked");
    assert!(fifth.headers.get("retry-after").is_some());
    assert!(fifth.body["detail"].as_str().unwrap().contains("锁定"));
    // Even the right password is refused while locked.
    let right = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "lisi", "password": PASSWORD}))).await;
    assert_eq!(right.problem(423), "account_locked");
    let admin = app.staff("admin1", &["admin"]).await;
    let r = app.call(Method::POST, &format!("/api/v1/admin/users/{id}/unlock"), Some(&admin), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["failed_logins"], 0);
    app.token("lisi", "staff").await;
}

async fn browser_sessions_use_an_httponly_cookie_and_need_the_csrf_token_to_change_state(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("wangwu", &["intake"]).await;
    let login = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "wangwu", "password": PASSWORD}))).await;
    assert_eq!(login.status, 200, "{}", login.text);
    let set_cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(login.body.get("token").is_none(), "cookie mode shows no bearer token");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let csrf = login.body["csrf_token"].as_str().unwrap().to_owned();

    let me = app.raw(app.http.get(format!("{}/api/v1/auth/me", app.base)).header("cookie", &cookie)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["username"], "wangwu");
    assert_eq!(me.body["roles"][0]["name"], "窗口受理");

    let no_csrf = app.raw(app.http.post(format!("{}/api/v1/auth/logout", app.base)).header("cookie", &cookie)).await;
    assert_eq!(no_csrf.problem(403), "csrf_failed");
    let wrong_csrf = app.raw(app.http.post(format!("{}/api/v1/auth/logout", app.base)).header("cookie", &cookie).header("x-csrf-token", "00")).await;
    assert_eq!(wrong_csrf.problem(403), "csrf_failed");
    // The cookie value is not accepted as a bearer token.
    let token = cookie.split_once('=').unwrap().1;
    let as_bearer = app.get("/api/v1/auth/me", token).await;
    assert_eq!(as_bearer.problem(401), "unauthenticated");

    let out = app.raw(app.http.post(format!("{}/api/v1/auth/logout", app.base)).header("cookie", &cookie).header("x-csrf-token", &csrf)).await;
    assert_eq!(out.status, 204);
    assert!(out.headers.get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    let after = app.raw(app.http.get(format!("{}/api/v1/auth/me", app.base)).header("cookie", &cookie)).await;
    assert_eq!(after.problem(401), "unauthenticated");
}

async fn bearer_tokens_work_until_logout(engine: Engine) {
    let app = spawn_app(engine).await;
    let t = app.staff("zhaoliu", &["query"]).await;
    assert_eq!(app.get("/api/v1/auth/me", &t).await.status, 200);
    let out = app.call(Method::POST, "/api/v1/auth/logout", Some(&t), None).await;
    assert_eq!(out.status, 204);
    assert_eq!(app.get("/api/v1/auth/me", &t).await.problem(401), "unauthenticated");
    assert_eq!(app.get("/api/v1/auth/me", "not-a-token").await.problem(401), "unauthenticated");
}

async fn changing_the_password_checks_the_old_one_and_the_policy_and_ends_sessions(engine: Engine) {
    let app = spawn_app(engine).await;
    let t = app.staff("sunqi", &["archive"]).await;
    let wrong = app.call(Method::POST, "/api/v1/auth/password", Some(&t), Some(json!({"old_password": "x", "new_password": "New-pass-2026"}))).await;
    assert_eq!(wrong.problem(422), "wrong_password");
    assert_eq!(wrong.body["errors"][0]["field"], "old_password");
    let weak = app.call(Method::POST, "/api/v1/auth/password", Some(&t), Some(json!({"old_password": PASSWORD, "new_password": "short"}))).await;
    assert_eq!(weak.problem(422), "weak_password");
    assert_eq!(weak.body["errors"][0]["field"], "new_password");
    let ok = app.call(Method::POST, "/api/v1/auth/password", Some(&t), Some(json!({"old_password": PASSWORD, "new_password": "New-pass-2026"}))).await;
    assert_eq!(ok.status, 204, "{}", ok.text);
    assert_eq!(app.get("/api/v1/auth/me", &t).await.problem(401), "unauthenticated");
    let again = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "sunqi", "password": "New-pass-2026", "mode": "token"}))).await;
    assert_eq!(again.status, 200);
}

async fn sessions_expire(engine: Engine) {
    let app = spawn_app(engine).await;
    let t = app.staff("qianba", &["query"]).await;
    assert_eq!(app.get("/api/v1/auth/me", &t).await.status, 200);
    // Move the expiry into the past, as time would.
    let mut c = app.db.conn().await.unwrap();
    sqlx::query("UPDATE sessions SET expires_at = '2020-01-01T00:00:00.000000Z'").execute(&mut *c).await.unwrap();
    let r = app.get("/api/v1/auth/me", &t).await;
    assert_eq!(r.problem(401), "unauthenticated");
    assert!(r.body["detail"].as_str().unwrap().contains("失效"));
}

crate::both!(
    sessions_expire,
    wrong_password_and_unknown_user_get_the_same_answer,
    repeated_failures_lock_the_account_until_an_administrator_unlocks_it,
    browser_sessions_use_an_httponly_cookie_and_need_the_csrf_token_to_change_state,
    bearer_tokens_work_until_logout,
    changing_the_password_checks_the_old_one_and_the_policy_and_ends_sessions
);
