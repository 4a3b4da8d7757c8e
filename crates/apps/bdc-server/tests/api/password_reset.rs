//! 忘记密码 on both engines: a citizen who signed up forgets her password and sets a new one with
//! a code sent to the phone she signed up with (JSON API and pages); asking for a code answers
//! the same whoever is named; a sign-up code resets nothing; the sixth try of a code is refused
//! even when right; a flooding address gets 429 while a user name past its limit just gets no SMS.

use std::sync::Arc;

use bdc_adapters::sms::SandboxSms;
use bdc_db::Engine;
use bdc_registry::service::limits::Limit;
use bdc_sandbox::portrait::portrait;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app_with, spawn_app_with_identity, Reply, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "Lantern-Quartz-77";
const SENT: &str = "如该账户存在且绑定了手机，验证码已发送至其绑定的手机";

fn code_of(sms: &SandboxSms, phone: &str) -> String {
    sms.last(phone).unwrap().chars().filter(char::is_ascii_digit).take(6).collect()
}

fn other_than(code: &str, n: u32) -> String {
    let c: u32 = code.parse().unwrap();
    format!("{:06}", (c + n) % 1_000_000)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut c = app.db.conn().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *c).await.unwrap()
}

async fn login(app: &TestApp, username: &str, password: &str) -> Reply {
    app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": password, "realm": "public", "mode": "token"}))).await
}

async fn ask_code(app: &TestApp, username: &str) -> Reply {
    app.call(Method::POST, "/api/v1/auth/password-reset/code", None, Some(json!({"username": username}))).await
}

async fn reset(app: &TestApp, username: &str, code: &str, password: &str) -> Reply {
    app.call(Method::POST, "/api/v1/auth/password-reset", None, Some(json!({"username": username, "code": code, "new_password": password}))).await
}

async fn page_post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Reply {
    app.raw(app.http.post(format!("{}{path}", app.base)).form(form)).await
}

/// The refusal of a code: 422 `code_refused` beside the field `code`.
fn refused(r: &Reply) {
    assert_eq!(r.problem(422), "code_refused", "{}", r.text);
    assert_eq!(r.body["errors"][0]["field"], "code", "{}", r.text);
}

async fn the_signed_up_phone_resets_a_forgotten_password_and_ends_every_session(engine: Engine) {
    use base64::Engine as _;
    let sms = Arc::new(SandboxSms::default());
    let (app, authority) = spawn_app_with_identity(engine, |s| s.with_sms(sms.clone())).await;
    let phone = "13912340001";
    // 陈静 signs up (real name proven by the authority) and signs in.
    authority.add_resident("陈静", "320402199002020022");
    assert_eq!(app.call(Method::POST, "/api/v1/portal/sign-up/code", None, Some(json!({"phone": phone}))).await.status, 202);
    let code = code_of(&sms, phone);
    let photo = base64::engine::general_purpose::STANDARD.encode(portrait("320402199002020022", 3));
    let body = json!({"kind": "person", "username": "chenjing", "password": PASSWORD, "name": "陈静", "id_number": "320402199002020022", "phone": phone, "code": code, "photo": photo});
    let r = app.call(Method::POST, "/api/v1/portal/sign-up", None, Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let old_session = app.token("chenjing", "public").await;
    app.staff("chuangkou", &["intake"]).await;

    // The doors: the public's links to 忘记密码, the staff's says whom to ask.
    let public_door = app.raw(app.http.get(format!("{}/login", app.base))).await;
    assert!(public_door.text.contains("href=\"/password/forgot\"") && public_door.text.contains("忘记密码？"), "{}", public_door.text);
    let staff_door = app.raw(app.http.get(format!("{}/workbench/login", app.base))).await;
    assert!(staff_door.text.contains("忘记密码请联系系统管理员") && !staff_door.text.contains("/password/forgot"), "{}", staff_door.text);

    // The city app finds both steps in the OpenAPI document.
    let doc = app.call(Method::GET, "/api/openapi.json", None, None).await.body;
    assert_eq!(doc["paths"]["/api/v1/auth/password-reset/code"]["post"]["operationId"], "send_password_reset_code");
    assert_eq!(doc["paths"]["/api/v1/auth/password-reset"]["post"]["operationId"], "reset_forgotten_password");

    // Then she forgets it, tries too often, and is locked out.
    for _ in 0..6 {
        login(&app, "chenjing", "Forgotten-Pass-1").await;
    }
    assert_eq!(login(&app, "chenjing", PASSWORD).await.problem(423), "account_locked");

    // A sign-up code is no reset code, even for her own number.
    assert_eq!(app.call(Method::POST, "/api/v1/portal/sign-up/code", None, Some(json!({"phone": phone}))).await.status, 202);
    let sign_up_code = code_of(&sms, phone);
    refused(&reset(&app, "chenjing", &sign_up_code, NEW_PASSWORD).await);

    // Asking for a code answers the same, byte for byte, whoever is named — her, nobody, staff.
    let hers = ask_code(&app, "chenjing").await;
    let reset_text = sms.last(phone).unwrap();
    assert!(reset_text.contains("重置登录密码"), "the SMS says what the code is for: {reset_text}");
    let code = code_of(&sms, phone);
    for other in ["chenjinh", "chuangkou"] {
        let theirs = ask_code(&app, other).await;
        assert_eq!((hers.status, &hers.text), (theirs.status, &theirs.text), "{other}");
    }
    assert_eq!(hers.status, 202, "{}", hers.text);
    // The page too: one sentence, no masked phone.
    let page = |username: &'static str| {
        let app = &app;
        async move {
            let r = page_post(app, "/password/forgot", &[("username", username)]).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.text.replace(username, "USERNAME")
        }
    };
    let her_page = page("chenjing").await;
    assert!(her_page.contains(SENT) && !her_page.contains("139****0001"), "{her_page}");
    assert_eq!(her_page, page("chenjinh").await, "a known and an unknown user name get the same page");
    assert_eq!(her_page, page("chuangkou").await, "a staff account gets the same page");
    assert_eq!(code_of(&sms, phone), code, "within the minute no second code went out");
    if code != sign_up_code {
        refused(&reset(&app, "chenjing", &sign_up_code, NEW_PASSWORD).await);
    }

    // A weak password is refused beside its field, and nothing changes.
    let r = reset(&app, "chenjing", &code, "Password123").await;
    assert_eq!(r.problem(422), "invalid_reset");
    assert_eq!(r.body["errors"][0]["field"], "new_password", "{}", r.text);
    // An unknown user name with her code: the same refusal as a wrong code.
    refused(&reset(&app, "chenjinh", &code, NEW_PASSWORD).await);

    // Her code resets it: the lock is gone, the old password and the old session are not.
    let r = reset(&app, "chenjing", &code, NEW_PASSWORD).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(app.get("/api/v1/auth/me", &old_session).await.problem(401), "unauthenticated", "the old session ended");
    assert_eq!(login(&app, "chenjing", PASSWORD).await.problem(401), "unauthenticated", "the old password is gone");
    let r = login(&app, "chenjing", NEW_PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = '重置密码'").await, 1, "audited once, in the reset's transaction");
    // The code is used up.
    refused(&reset(&app, "chenjing", &code, "Another-Lantern-88").await);
    assert_eq!(login(&app, "chenjing", NEW_PASSWORD).await.status, 200);
}

/// A real-name public account `username` with `phone`, as sign-up leaves it (the fixture).
async fn citizen(app: &TestApp, username: &str, id_number: &str, phone: &str) {
    let party = bdc_registry::service::registry::record_party(
        &app.services,
        &bdc_core::Actor::console(),
        bdc_registry::service::registry::NewParty { kind: "person".into(), name: "周丽".into(), id_type: "1".into(), id_number: id_number.into() },
    )
    .await
    .unwrap();
    app.public_account(username, &["person"], party.id, phone).await;
}

async fn the_sixth_try_of_a_reset_code_is_refused_even_when_right(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |s| s.with_sms(sms.clone())).await;
    citizen(&app, "zhouli", "440524188001010014", "13912345688").await;
    assert_eq!(ask_code(&app, "zhouli").await.status, 202);
    let code = code_of(&sms, "13912345688");
    // Four wrong codes over the API, the fifth on the page: refused beside the code field.
    for n in 1..=4 {
        refused(&reset(&app, "zhouli", &other_than(&code, n), NEW_PASSWORD).await);
    }
    let wrong = other_than(&code, 5);
    let r = page_post(&app, "/password/reset", &[("username", "zhouli"), ("code", &wrong), ("password", NEW_PASSWORD), ("password_again", NEW_PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"code-error\"") && r.text.contains("验证码错误或已失效"), "{}", r.text);
    // The sixth is the right one, and too late.
    refused(&reset(&app, "zhouli", &code, NEW_PASSWORD).await);
    assert_eq!(login(&app, "zhouli", NEW_PASSWORD).await.problem(401), "unauthenticated", "nothing changed");
    assert_eq!(login(&app, "zhouli", PASSWORD).await.status, 200, "the old password still works");

    // A new code (a minute later) works on the page, which says so and leads to the login.
    {
        let mut c = app.db.conn().await.unwrap();
        sqlx::query("UPDATE sms_codes SET created_at = '2000-01-01T00:00:00.000000Z'").execute(&mut *c).await.unwrap();
    }
    let r = page_post(&app, "/password/forgot", &[("username", "zhouli")]).await;
    assert!(r.text.contains(SENT), "{}", r.text);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM sms_codes WHERE purpose = 'password_reset'").await, 2, "a second code went out");
    let fresh = code_of(&sms, "13912345688");
    let r = page_post(&app, "/password/reset", &[("username", "zhouli"), ("code", &fresh), ("password", NEW_PASSWORD), ("password_again", "Lantern-Quartz-78")]).await;
    assert!(r.text.contains("id=\"password_again-error\""), "two different passwords: {}", r.text);
    let r = page_post(&app, "/password/reset", &[("username", "zhouli"), ("code", &fresh), ("password", NEW_PASSWORD), ("password_again", NEW_PASSWORD)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("密码已重置") && r.text.contains("href=\"/login\""), "{}", r.text);
    assert_eq!(login(&app, "zhouli", NEW_PASSWORD).await.status, 200);
}

async fn a_flooding_address_gets_429_and_a_user_name_past_its_limit_no_sms(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |mut s| {
        s.security.rate_limits.sms_code = Limit::new(1, 3);
        s.with_sms(sms.clone())
    })
    .await;
    citizen(&app, "zhouli", "440524188001010014", "13912345688").await;
    let codes = || count(&app, "SELECT COUNT(*) FROM sms_codes WHERE purpose = 'password_reset'");
    // A user name past its limit: the same answer, and no SMS.
    let s = &app.services;
    bdc_identity::service::password_reset::send_reset_code(s, "zhouli", "10.0.0.1").await.unwrap();
    assert_eq!(codes().await, 1);
    {
        let mut c = app.db.conn().await.unwrap();
        sqlx::query("UPDATE sms_codes SET created_at = '2000-01-01T00:00:00.000000Z'").execute(&mut *c).await.unwrap();
    }
    bdc_identity::service::password_reset::send_reset_code(s, "zhouli", "10.0.0.2").await.unwrap();
    assert_eq!(codes().await, 1, "the second code in the window did not go out");
    // An address: three requests a window, whatever the names; then 429 on the API and the page.
    for name in ["zhouli", "nobody1", "nobody2"] {
        assert_eq!(ask_code(&app, name).await.status, 202);
    }
    let r = ask_code(&app, "nobody3").await;
    assert_eq!(r.problem(429), "rate_limited");
    assert!(r.headers.get("retry-after").is_some() && r.body["detail"].as_str().unwrap().contains("请求过于频繁"), "{}", r.text);
    let page = page_post(&app, "/password/forgot", &[("username", "zhouli")]).await;
    assert_eq!(page.status, 429);
    assert!(page.headers.get("retry-after").is_some() && page.text.contains("请求过于频繁"), "{}", page.text);
}

/// Tries sent at once cannot outrun the count: eight wrong codes in parallel spend exactly the
/// five tries, and the right code after them is refused.
async fn parallel_wrong_codes_spend_exactly_the_five_tries(engine: Engine) {
    let sms = Arc::new(SandboxSms::default());
    let app = spawn_app_with(engine, |s| s.with_sms(sms.clone())).await;
    citizen(&app, "zhouli", "440524188001010014", "13912345688").await;
    assert_eq!(ask_code(&app, "zhouli").await.status, 202);
    let code = code_of(&sms, "13912345688");
    let wrongs: Vec<String> = (1..=8).map(|n| other_than(&code, n)).collect();
    let replies = futures::future::join_all(wrongs.iter().map(|w| reset(&app, "zhouli", w, NEW_PASSWORD))).await;
    for r in &replies {
        refused(r);
    }
    assert_eq!(count(&app, "SELECT MAX(attempts) FROM sms_codes WHERE purpose = 'password_reset'").await, 5, "each try counted once, none past the fifth");
    refused(&reset(&app, "zhouli", &code, NEW_PASSWORD).await);
    assert_eq!(login(&app, "zhouli", PASSWORD).await.status, 200, "nothing changed");
}

crate::both!(
    the_signed_up_phone_resets_a_forgotten_password_and_ends_every_session,
    the_sixth_try_of_a_reset_code_is_refused_even_when_right,
    parallel_wrong_codes_spend_exactly_the_five_tries,
    a_flooding_address_gets_429_and_a_user_name_past_its_limit_no_sms
);
