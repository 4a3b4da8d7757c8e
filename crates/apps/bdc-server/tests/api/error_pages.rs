//! 错误页面 on both engines: a browser that meets an unknown address, a wrong method, a bad id in
//! a page's address or a form that cannot be read gets a page in Chinese with the right status;
//! the API under /api/ keeps answering problems.

use bdc_db::Engine;
use reqwest::{Method, StatusCode};

use crate::helpers::{spawn_app, Reply, TestApp};

const HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn browse(app: &TestApp, method: Method, path: &str, cookie: Option<&str>) -> Reply {
    let mut req = app.http.request(method, format!("{}{path}", app.base)).header("accept", HTML);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.raw(req).await
}

/// Asserts an HTML page with this status holding `text`.
fn page(r: &Reply, status: u16, text: &str) {
    assert_eq!(r.status.as_u16(), status, "body: {}", r.text);
    let ct = r.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(ct.starts_with("text/html"), "content type {ct}; body: {}", r.text);
    assert!(r.text.contains(text), "page lacks {text}: {}", r.text);
}

async fn unknown_addresses_and_methods_are_pages_for_browsers_and_problems_for_the_api(engine: Engine) {
    let app = spawn_app(engine).await;
    for path in ["/foo", "/workbench/nope", "/portal/nope/deeper"] {
        let r = browse(&app, Method::GET, path, None).await;
        page(&r, 404, "页面不存在");
        assert!(r.text.contains(r#"href="/""#) && r.text.contains(r#"href="/workbench""#), "links back: {}", r.text);
    }
    // A form posted to a page that only shows itself.
    page(&browse(&app, Method::POST, "/workbench/units/1", None).await, 405, "该页面不支持此操作");
    // The API, the operations routes and the static files keep their problems.
    assert_eq!(browse(&app, Method::GET, "/api/v1/nope", None).await.problem(404), "not_found");
    assert_eq!(app.call(Method::GET, "/api/v1/nope", None, None).await.problem(404), "not_found");
    assert_eq!(browse(&app, Method::DELETE, "/healthz", None).await.problem(405), "method_not_allowed");
    assert_eq!(browse(&app, Method::GET, "/assets/nope.css", None).await.status, StatusCode::NOT_FOUND);
    assert_ne!(browse(&app, Method::GET, "/assets/nope.css", None).await.headers["content-type"], "text/html; charset=utf-8");
    // A client that does not ask for HTML (a script, `*/*`) gets the problem wherever it asks.
    assert_eq!(app.call(Method::GET, "/foo", None, None).await.problem(404), "not_found");
    let json = app.raw(app.http.get(format!("{}/foo", app.base)).header("accept", "application/json")).await;
    assert_eq!(json.problem(404), "not_found");
    // Every answer, the error pages' too, names its request.
    assert!(browse(&app, Method::GET, "/foo", None).await.headers.get("x-request-id").is_some());
}

async fn a_bad_id_in_a_page_s_address_is_a_friendly_400(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("clerk1", &["intake"]).await;
    let cookie = app.page_cookie("clerk1").await;
    for path in ["/workbench/cases/abc", "/workbench/units/1.5", "/workbench/admin/users/x"] {
        let r = browse(&app, Method::GET, path, Some(&cookie)).await;
        page(&r, 400, "地址中的编号无效");
        assert!(r.text.contains(r#"href="/workbench""#), "back to the workbench: {}", r.text);
        assert!(r.text.contains("退出"), "the signed-in frame: {}", r.text);
    }
    page(&browse(&app, Method::GET, "/workbench/nope", Some(&cookie)).await, 404, "退出");
    // Nobody signed in: the same page, before any guard or database.
    for path in ["/portal/cases/abc", "/files/abc", "/portal/applications/-"] {
        page(&browse(&app, Method::GET, path, None).await, 400, "地址中的编号无效");
    }
    // The API still answers its problem.
    let token = app.token("clerk1", "staff").await;
    assert_eq!(app.get("/api/v1/cases/abc", &token).await.problem(400), "bad_path");
}

async fn a_form_that_cannot_be_read_is_a_friendly_page(engine: Engine) {
    let app = spawn_app(engine).await;
    app.user("clerk2", &["intake"]).await;
    let cookie = app.page_cookie("clerk2").await;
    let r = app.raw(app.http.post(format!("{}/workbench/cases/1", app.base)).header("cookie", &cookie).header("accept", HTML).header("content-type", "application/json").body("{}")).await;
    page(&r, 415, "提交的内容无效");
}

crate::both!(unknown_addresses_and_methods_are_pages_for_browsers_and_problems_for_the_api, a_bad_id_in_a_page_s_address_is_a_friendly_400, a_form_that_cannot_be_read_is_a_friendly_page,);
