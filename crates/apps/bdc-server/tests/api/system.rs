use bdc_db::Engine;
use reqwest::Method;

use crate::helpers::spawn_app;

async fn health_reports_the_engine_and_every_response_has_a_request_id(engine: Engine) {
    let app = spawn_app(engine).await;
    let r = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["status"], "ok");
    assert_eq!(r.body["database"], engine.name());
    assert!(r.headers.get("x-request-id").is_some());
    let r = app.call(Method::GET, "/nowhere", None, None).await;
    assert_eq!(r.problem(404), "not_found");
    assert!(r.headers.get("x-request-id").is_some());
}

async fn health_fails_with_503_when_the_database_is_gone(engine: Engine) {
    let app = spawn_app(engine).await;
    app.db.close().await;
    let r = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(r.problem(503), "database_unavailable");
}

async fn metrics_are_prometheus_text_and_count_requests(engine: Engine) {
    let app = spawn_app(engine).await;
    app.call(Method::GET, "/healthz", None, None).await;
    let r = app.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("# TYPE bdc_http_requests counter"), "{}", r.text);
    assert!(r.text.contains(r#"route="/healthz""#), "{}", r.text);
    assert!(r.text.contains("bdc_build_info"));
}

async fn openapi_document_and_offline_docs_page_are_served(engine: Engine) {
    let app = spawn_app(engine).await;
    let r = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(r.status, 200);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3."));
    assert!(r.body["paths"]["/api/v1/admin/users"]["post"]["x-bdc-access"] == "permission:users.manage");
    let page = app.call(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui"), "docs page");
    assert!(!page.text.contains("://unpkg.com") && !page.text.contains("://cdn."), "no CDN: works offline");
    let init = app.call(Method::GET, "/api/docs/swagger-initializer.js", None, None).await;
    assert_eq!(init.status, 200);
    assert!(init.text.contains("/api/openapi.json"), "{}", init.text);
}

crate::both!(
    health_reports_the_engine_and_every_response_has_a_request_id,
    health_fails_with_503_when_the_database_is_gone,
    metrics_are_prometheus_text_and_count_requests,
    openapi_document_and_offline_docs_page_are_served
);
