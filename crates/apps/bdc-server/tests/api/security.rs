//! Security and reliability (issue 14): the lock-out under parallel guessing, rate limits,
//! separation of duties, the password strength check, text hygiene, security headers,
//! the request time-out and who may read `/metrics`.

use std::sync::Arc;

use bdc_core::ServiceError;
use bdc_db::Engine;
use bdc_identity::service::signup::{self as portal, SignUp};
use bdc_registry::service::limits::{Limit, RateLimits};
use bdc_registry::Services;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, spawn_app_with_web, TestApp, PASSWORD};

fn limits(f: impl FnOnce(&mut RateLimits)) -> impl FnOnce(Services) -> Services {
    move |mut s: Services| {
        f(&mut s.security.rate_limits);
        s
    }
}

async fn login(app: &TestApp, username: &str, password: &str) -> crate::helpers::Reply {
    app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": password, "mode": "token"}))).await
}

/// Dozens of wrong guesses at once: only the free attempts are checked, and the right password
/// afterwards finds the account locked.
async fn parallel_wrong_logins_lock_the_account(engine: Engine) {
    let app = Arc::new(
        spawn_app_with(engine, |mut s| {
            s.security.rate_limits = RateLimits::unlimited();
            s
        })
        .await,
    );
    app.user("bingfa", &["review"]).await;
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move { login(&app, "bingfa", &format!("Wrong-guess-{i:03}")).await.status.as_u16() })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let wrong = answers.iter().filter(|s| **s == 401).count();
    assert!(answers.iter().all(|s| *s == 401 || *s == 423), "{answers:?}");
    assert!(wrong < bdc_core::password::FREE_ATTEMPTS as usize, "only the free attempts are told 'wrong': {answers:?}");
    let right = login(&app, "bingfa", PASSWORD).await;
    assert_eq!(right.problem(423), "account_locked");
    assert!(right.headers.get("retry-after").is_some());
}

/// Guessing the old password on a password change counts towards the same lock-out.
async fn guessing_the_old_password_locks_the_account(engine: Engine) {
    let app = spawn_app_with(engine, limits(|l| *l = RateLimits::unlimited())).await;
    let t = app.staff("caimi", &["archive"]).await;
    let mut statuses = Vec::new();
    for i in 0..12 {
        let r = app.call(Method::POST, "/api/v1/auth/password", Some(&t), Some(json!({"old_password": format!("Guess-{i}-old"), "new_password": "Lantern-Quartz-77"}))).await;
        statuses.push(r.status.as_u16());
    }
    assert_eq!(&statuses[..4], &[422, 422, 422, 422], "{statuses:?}");
    assert!(statuses[4..].iter().all(|s| *s == 423), "{statuses:?}");
    // Now even the right old password and a login are refused until the lock ends.
    let r = app.call(Method::POST, "/api/v1/auth/password", Some(&t), Some(json!({"old_password": PASSWORD, "new_password": "Lantern-Quartz-77"}))).await;
    assert_eq!(r.problem(423), "account_locked");
    assert_eq!(login(&app, "caimi", PASSWORD).await.problem(423), "account_locked");
}

/// Past the limit: 429 with `Retry-After` and a Chinese problem; per address and per account.
async fn rate_limits_answer_429_with_retry_after(engine: Engine) {
    let app = spawn_app_with(
        engine,
        limits(|l| {
            l.login = Limit::new(0, 3);
            l.password_change = Limit::new(1, 0);
            l.certificate_check = Limit::new(0, 2);
            l.sms_code = Limit::new(0, 2);
            l.sign_up = Limit::new(1, 0);
        }),
    )
    .await;
    let t = app.staff("xianliu", &["query"]).await; // login 1
    login(&app, "xianliu", "Wrong-pass-123").await; // 2
    login(&app, "nobody", PASSWORD).await; // 3: the address counts, whatever the account
    let r = login(&app, "xianliu", PASSWORD).await;
    assert_eq!(r.problem(429), "rate_limited");
    let secs: u64 = r.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&secs), "{secs}");
    assert!(r.body["detail"].as_str().unwrap().contains("请求过于频繁"));
    // The login page answers 429 too.
    let page = app.raw(app.http.post(format!("{}/login", app.base)).form(&[("realm", "staff"), ("username", "xianliu"), ("password", PASSWORD)])).await;
    assert_eq!(page.status, 429);
    assert!(page.headers.get("retry-after").is_some() && page.text.contains("请求过于频繁"));

    // Password change: one per account per window.
    let body = json!({"old_password": "Wrong-old-1", "new_password": "Lantern-Quartz-77"});
    assert_eq!(app.call(Method::POST, "/api/v1/auth/password", Some(&t), Some(body.clone())).await.problem(422), "wrong_password");
    assert_eq!(app.call(Method::POST, "/api/v1/auth/password", Some(&t), Some(body)).await.problem(429), "rate_limited");

    // 证书真伪查询 on the page: two per address.
    for _ in 0..2 {
        let r = app.raw(app.http.post(format!("{}/verify", app.base)).form(&[("name", "张三"), ("number", "苏(2026)常州市不动产权第0000001号")])).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = app.raw(app.http.post(format!("{}/verify", app.base)).form(&[("name", "张三"), ("number", "苏(2026)常州市不动产权第0000001号")])).await;
    assert_eq!(r.status, 429);
    assert!(r.headers.get("retry-after").is_some() && r.text.contains("请求过于频繁"));

    // One-time codes: two per address, whichever the numbers.
    let s = &app.services;
    portal::send_code(s, "13900000001", "10.0.0.9").await.unwrap();
    portal::send_code(s, "13900000002", "10.0.0.9").await.unwrap();
    assert!(matches!(portal::send_code(s, "13900000003", "10.0.0.9").await, Err(ServiceError::RateLimited { .. })));
    portal::send_code(s, "13900000003", "10.0.0.10").await.unwrap();

    // Sign-up: one per phone number.
    let form = SignUp { kind: "person".into(), phone: "13900000004".into(), ..SignUp::default() };
    assert!(matches!(portal::sign_up(s, form.clone(), "10.0.0.11", None).await, Err(ServiceError::Validation { .. })));
    assert!(matches!(portal::sign_up(s, form, "10.0.0.12", None).await, Err(ServiceError::RateLimited { .. })));
}

/// No administrator grants himself a role or a permission, nor resets his own password
/// without the old one.
async fn administrators_do_not_grant_themselves_anything(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("guanli", &["admin"]).await;
    let me = app.get("/api/v1/auth/me", &admin).await;
    let my_id = me.body["id"].as_i64().unwrap();
    let version = app.get(&format!("/api/v1/admin/users/{my_id}"), &admin).await.body["version"].clone();

    // His own role gets no new permission…
    let roles = app.get("/api/v1/admin/roles", &admin).await;
    let mut perms: Vec<String> =
        roles.body["items"].as_array().unwrap().iter().find(|r| r["code"] == "admin").unwrap()["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
    perms.push("audit.read".into());
    let r = app.call(Method::PUT, "/api/v1/admin/roles/admin/permissions", Some(&admin), Some(json!({"permissions": perms}))).await;
    assert_eq!(r.problem(403), "forbidden");
    assert!(r.body["detail"].as_str().unwrap().contains("职责分离"), "{}", r.text);
    assert_eq!(app.get("/api/v1/audit", &admin).await.status, 403, "still no audit log");
    // …and he gets no new role.
    let r = app.call(Method::PATCH, &format!("/api/v1/admin/users/{my_id}"), Some(&admin), Some(json!({"roles": ["admin", "supervise"], "version": version}))).await;
    assert_eq!(r.problem(403), "forbidden");
    assert!(r.body["detail"].as_str().unwrap().contains("监管"), "{}", r.text);
    // Another role, another user: allowed.
    let r = app.call(Method::PUT, "/api/v1/admin/roles/query/permissions", Some(&admin), Some(json!({"permissions": ["case.read", "registry.read", "calendar.read"]}))).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // His own password only through 修改密码.
    let r = app.call(Method::POST, &format!("/api/v1/admin/users/{my_id}/password"), Some(&admin), Some(json!({"password": "Lantern-Quartz-77"}))).await;
    assert_eq!(r.problem(403), "forbidden");
    assert!(r.body["detail"].as_str().unwrap().contains("修改密码"));
    assert_eq!(login(&app, "guanli", PASSWORD).await.status, 200, "the password is unchanged");
}

/// Common passwords are refused even with three character classes.
async fn common_passwords_are_refused(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("guanli", &["admin"]).await;
    for weak in ["Password123", "Qwerty12345!"] {
        let r =
            app.call(Method::POST, "/api/v1/admin/users", Some(&admin), Some(json!({"realm": "staff", "username": "ruomima", "display_name": "弱密码", "password": weak, "roles": ["query"]}))).await;
        assert_eq!(r.problem(422), "weak_password", "{weak}");
        assert!(r.body["detail"].as_str().unwrap().contains("常见"), "{}", r.text);
    }
    let r = app
        .call(Method::POST, "/api/v1/admin/users", Some(&admin), Some(json!({"realm": "staff", "username": "qiangmima", "display_name": "强密码", "password": "Demo-2026!", "roles": ["query"]})))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

/// Control, bidi and zero-width characters are refused in JSON, forms and queries, and the
/// request changes nothing.
async fn forbidden_characters_are_refused_everywhere(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.staff("guanli", &["admin"]).await;
    let before = app.get("/api/v1/admin/users", &admin).await.body["total"].clone();
    for name in ["张\u{0}三", "\u{1b}[31m红", "李\u{202e}四", "王\u{200b}五", "\u{feff}赵六", "钱\u{85}七"] {
        let r =
            app.call(Method::POST, "/api/v1/admin/users", Some(&admin), Some(json!({"realm": "staff", "username": "kongzhi", "display_name": name, "password": PASSWORD, "roles": ["query"]}))).await;
        assert_eq!(r.problem(422), "forbidden_characters", "{name:?}");
        assert_eq!(r.body["errors"][0]["field"], "display_name");
        assert!(r.body["detail"].as_str().unwrap().contains("display_name"));
    }
    assert_eq!(app.get("/api/v1/admin/users", &admin).await.body["total"], before, "nothing was created");
    // Query strings.
    let r = app.get("/api/v1/admin/users?q=%E2%80%AE", &admin).await;
    assert_eq!(r.problem(400), "forbidden_characters");
    // Page forms: refused with a page, before the handler.
    let r = app.raw(app.http.post(format!("{}/login", app.base)).form(&[("realm", "staff"), ("username", "guanli\u{1b}"), ("password", PASSWORD)])).await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("不允许的控制字符") && r.text.contains("username"), "{}", r.text);
    // Line breaks in a multi-line field stay allowed.
    let r = app.raw(app.http.post(format!("{}/verify", app.base)).form(&[("name", "张三\r\n"), ("number", "x")])).await;
    assert_eq!(r.status, 200);
}

/// A 身份证号 born after today is refused at sign-up and for a party.
async fn citizen_ids_born_in_the_future_are_refused(engine: Engine) {
    let app = spawn_app(engine).await;
    let body: Vec<char> = "32040220991231001".chars().collect();
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.iter().zip(weights).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    let id: String = body.iter().copied().chain(std::iter::once("10X98765432".chars().nth((sum % 11) as usize).unwrap())).collect();
    let form = SignUp { kind: "person".into(), id_number: id.clone(), ..SignUp::default() };
    let errors = portal::check_sign_up(&form);
    let (_, e) = errors.iter().find(|(f, _)| *f == "id_number").expect("id refused");
    assert!(e.contains("晚于今天"), "{e}");
    let clerk = app.staff("banli", &["intake"]).await;
    let r = app.call(Method::POST, "/api/v1/parties", Some(&clerk), Some(json!({"kind": "person", "name": "未来", "id_type": "1", "id_number": id}))).await;
    assert_eq!(r.problem(422), "bad_id_number");
}

/// Pages and API carry the security headers; HSTS only with TLS.
async fn security_headers_are_sent(engine: Engine) {
    let app = spawn_app(engine).await;
    for path in ["/", "/login", "/api/v1/catalogue", "/healthz", "/api/v1/nothing"] {
        let r = app.raw(app.http.get(format!("{}{path}", app.base))).await;
        let h = |n: &str| r.headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let csp = h("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"), "{path}: {csp}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert!(r.headers.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    }
    let tls = spawn_app_with_web(engine, |s| s, |w| bdc_server::WebSettings { cookie_secure: true, ..w }).await;
    let r = tls.raw(tls.http.get(format!("{}/", tls.base))).await;
    assert!(r.headers.get("strict-transport-security").unwrap().to_str().unwrap().starts_with("max-age="));
}

/// A request that does not finish in time gets 408 and a Chinese problem.
async fn slow_requests_time_out(engine: Engine) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with_web(engine, |s| s, |w| bdc_server::WebSettings { request_timeout: std::time::Duration::from_millis(500), ..w }).await;
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    // Announces 100 bytes of body and sends 2, then waits.
    stream.write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"").await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.unwrap_or(0);
            answer.extend_from_slice(&buf[..n]);
            if n == 0 || String::from_utf8_lossy(&answer).contains("request_timeout") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answered");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("请求处理超时"), "{text}");
}

/// `/metrics` is open to loopback and to the scrape token, to no one else.
async fn metrics_need_loopback_or_the_scrape_token(engine: Engine) {
    use tower::ServiceExt;
    let app = spawn_app(engine).await;
    assert_eq!(app.raw(app.http.get(format!("{}/metrics", app.base))).await.status, 200, "loopback");
    let settings = bdc_server::WebSettings { metrics_token: Some("scrape-token-0123456789".into()), ..bdc_server::WebSettings::default() };
    let router = bdc_server::app::router(app.services.clone(), &settings);
    let from = |token: Option<&str>| {
        let mut req = axum::http::Request::get("/metrics");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let mut req = req.body(axum::body::Body::empty()).unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([10, 1, 2, 3], 40000))));
        req
    };
    assert_eq!(router.clone().oneshot(from(None)).await.unwrap().status(), 403);
    assert_eq!(router.clone().oneshot(from(Some("wrong-token-0123456789"))).await.unwrap().status(), 403);
    assert_eq!(router.oneshot(from(Some("scrape-token-0123456789"))).await.unwrap().status(), 200);
}

crate::both!(
    parallel_wrong_logins_lock_the_account,
    guessing_the_old_password_locks_the_account,
    rate_limits_answer_429_with_retry_after,
    administrators_do_not_grant_themselves_anything,
    common_passwords_are_refused,
    forbidden_characters_are_refused_everywhere,
    citizen_ids_born_in_the_future_are_refused,
    security_headers_are_sent,
    slow_requests_time_out,
    metrics_need_loopback_or_the_scrape_token
);
