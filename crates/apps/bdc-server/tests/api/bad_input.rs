//! Bad input of every kind gets a 4xx problem+json with a Chinese detail, never a 500, and
//! changes nothing.

use bdc_db::Engine;
use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

async fn every_route_with_a_body_refuses_malformed_and_wrong_typed_bodies(engine: Engine) {
    let app = spawn_app(engine).await;
    // One account holding every staff role, so that only the body decides the answer.
    let admin = app.staff("admin1", &["admin", "intake", "review", "register", "certify", "archive"]).await;
    // The portal's routes take a real-name public account.
    let party = bdc_registry::service::registry::record_party(
        &app.services,
        &bdc_core::Actor::console(),
        bdc_registry::service::registry::NewParty { kind: "person".into(), name: "实名用户".into(), id_type: "1".into(), id_number: "440524188001010014".into() },
    )
    .await
    .unwrap();
    let citizen = app.public_account("shiming", &["person"], party.id, "13912340000").await;
    let doc = app.call(Method::GET, "/api/openapi.json", None, None).await.body;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("requestBody").is_none() {
                continue;
            }
            checked += 1;
            let url = format!("{}{}", app.base, path.replace("{id}", "1").replace("{code}", "review").replace("{date}", "2026-01-04"));
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let token = if path.starts_with("/api/v1/portal/") { &citizen } else { &admin };
            // Uploads take multipart/form-data: JSON is the wrong media type, a broken body is a
            // 400, a forbidden character in a part a 422 — and none of it stores anything.
            if op["requestBody"]["content"].get("multipart/form-data").is_some() {
                let json = app.raw(app.http.request(m.clone(), &url).bearer_auth(token).header("content-type", "application/json").body("{}")).await;
                assert_eq!(json.problem(415), "unsupported_media_type", "{method} {path}");
                let no_boundary = app.raw(app.http.request(m.clone(), &url).bearer_auth(token).header("content-type", "multipart/form-data").body("x")).await;
                assert_eq!(no_boundary.problem(400), "bad_body", "{method} {path}");
                let b = "----bad-input-7";
                let broken = app
                    .raw(
                        app.http
                            .request(m.clone(), &url)
                            .bearer_auth(token)
                            .header("content-type", format!("multipart/form-data; boundary={b}"))
                            .body(format!("--{b}\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end")),
                    )
                    .await;
                assert_eq!(broken.problem(400), "bad_body", "{method} {path}");
                let bad_char = format!("--{b}\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\na\u{202e}b\r\n--{b}--\r\n");
                let r = app.raw(app.http.request(m.clone(), &url).bearer_auth(token).header("content-type", format!("multipart/form-data; boundary={b}")).body(bad_char)).await;
                assert_eq!(r.problem(422), "forbidden_characters", "{method} {path}");
                continue;
            }
            let send = |body: &'static str| app.http.request(m.clone(), &url).bearer_auth(token).header("content-type", "application/json").body(body);
            let malformed = app.raw(send("{bad json")).await;
            assert_eq!(malformed.problem(400), "malformed_json", "{method} {path}");
            for wrong in ["[1, 2]", "\"text\"", "{\"unexpected_field\": 1}", "{\"username\": [], \"password\": {}, \"permissions\": 5, \"kind\": 7, \"spans\": \"x\"}"] {
                let r = app.raw(send(wrong)).await;
                assert_eq!(r.problem(422), "invalid_body", "{method} {path} with {wrong}");
            }
            let no_type = app.raw(app.http.request(m.clone(), &url).bearer_auth(token).body("{}")).await;
            assert_eq!(no_type.problem(415), "unsupported_media_type", "{method} {path}");
        }
    }
    assert!(checked >= 8, "only {checked} routes with a body");
    // Nothing was created by all that.
    let mut c = app.db.conn().await.unwrap();
    let files: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments").fetch_one(&mut *c).await.unwrap();
    drop(c);
    assert_eq!(files, 0, "no upload was stored");
    let users = app.get("/api/v1/admin/users", &admin).await;
    assert_eq!(users.body["total"], 2, "the administrator and the real-name account only");
}

async fn oversized_bodies_bad_paging_bad_paths_and_bad_queries_are_4xx(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("admin1", &["admin"]).await;
    let huge = json!({"realm": "staff", "username": "x".repeat(200_000), "display_name": "x", "password": "x"});
    let r = app.call(Method::POST, "/api/v1/admin/users", Some(&admin), Some(huge)).await;
    assert_eq!(r.problem(413), "body_too_large");
    for q in ["page=0", "per_page=0", "per_page=201", "page=-1", "page=abc", "per_page=1.5"] {
        let r = app.get(&format!("/api/v1/admin/users?{q}"), &admin).await;
        let code = r.problem(400);
        assert!(code == "bad_paging" || code == "bad_query", "{q}: {code}");
    }
    let r = app.get("/api/v1/admin/users?colour=red", &admin).await;
    assert_eq!(r.problem(400), "bad_query");
    let r = app.get("/api/v1/admin/users/abc", &admin).await;
    assert_eq!(r.problem(400), "bad_path");
    let r = app.get("/api/v1/admin/users/99999", &admin).await;
    assert_eq!(r.problem(404), "not_found");
    let r = app.call(Method::DELETE, "/api/v1/calendar/days/2026-02-30", Some(&admin), None).await;
    assert_eq!(r.problem(400), "bad_path");
    let r = app.get("/api/v1/calendar/working-days/add?from=2026-13-01&days=1", &admin).await;
    assert_eq!(r.problem(400), "bad_query");
    let r = app.get("/api/v1/calendar/working-days/add?from=2026-01-01&days=-3", &admin).await;
    assert_eq!(r.problem(400), "bad_query");
    let r = app.get("/api/v1/calendar/days?year=99999", &admin).await;
    assert_eq!(r.problem(422), "bad_year");
    let r = app.call(Method::DELETE, "/api/v1/admin/users", Some(&admin), None).await;
    assert_eq!(r.problem(405), "method_not_allowed");
}

async fn invalid_values_are_refused_with_the_field_named(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("admin1", &["admin"]).await;
    let cases = [
        (json!({"realm": "staff", "username": "a", "display_name": "甲", "password": "Good-pass-2026"}), "bad_username", "username"),
        (json!({"realm": "staff", "username": "jia01", "display_name": "甲", "password": "weak"}), "weak_password", "password"),
        (json!({"realm": "staff", "username": "jia01", "display_name": " ", "password": "Good-pass-2026"}), "bad_display_name", "display_name"),
        (json!({"realm": "staff", "username": "jia01", "display_name": "甲", "password": "Good-pass-2026", "roles": ["god"]}), "unknown_role", "roles"),
        (json!({"realm": "public", "username": "jia01", "display_name": "甲", "password": "Good-pass-2026", "roles": ["admin"]}), "role_realm_mismatch", "roles"),
    ];
    for (body, code, field) in cases {
        let r = app.call(Method::POST, "/api/v1/admin/users", Some(&admin), Some(body.clone())).await;
        assert_eq!(r.problem(422), code, "{body}");
        assert_eq!(r.body["errors"][0]["field"], field, "{body}");
    }
    let users = app.get("/api/v1/admin/users", &admin).await;
    assert_eq!(users.body["total"], 1, "nothing was created");
}

crate::both!(every_route_with_a_body_refuses_malformed_and_wrong_typed_bodies, oversized_bodies_bad_paging_bad_paths_and_bad_queries_are_4xx, invalid_values_are_refused_with_the_field_named);
