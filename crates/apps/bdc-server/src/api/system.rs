//! `/healthz`, `/metrics`, `/api/openapi.json` — operations (运维) routes, public.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use bdc_http::problem::Problem;

/// Health of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub version: String,
}

/// Health check: answers 200 when the database answers, 503 otherwise.
#[utoipa::path(get, path = "/healthz", tag = "system", operation_id = "healthz",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.services.db.ping().await {
        Ok(()) => Json(Health { status: "ok".into(), database: state.services.db.engine().name().into(), version: env!("CARGO_PKG_VERSION").into() }).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "database_unavailable", "数据库无法连接").into_response()
        }
    }
}

/// Whether a request may read the metrics: from this machine (loopback), or carrying the
/// configured scrape token as `Authorization: Bearer …`. The counters tell which routes are
/// used and how often logins fail — worth keeping from strangers.
fn may_scrape(state: &AppState, peer: Option<std::net::SocketAddr>, headers: &axum::http::HeaderMap) -> bool {
    if peer.is_some_and(|p| p.ip().is_loopback()) {
        return true;
    }
    let Some(token) = state.metrics_token.as_deref() else { return false };
    let sent = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
    // Compared in constant time, like the CSRF token.
    sent.len() == token.len() && sent.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Prometheus metrics in the text exposition format: to loopback clients, or with the scrape
/// token (`metrics_token`) as a bearer token; anyone else gets 403.
#[utoipa::path(get, path = "/metrics", tag = "system", operation_id = "metrics",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"), (status = 403, body = Problem)))]
pub async fn metrics(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    if !may_scrape(&state, peer, req.headers()) {
        return Problem::new(StatusCode::FORBIDDEN, "metrics_forbidden", "指标仅对本机或持有抓取令牌（metrics_token）的监控系统开放").into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], state.metrics.render()).into_response()
}

/// The OpenAPI document, rendered once at start.
#[derive(Clone)]
pub struct OpenApiJson(pub Arc<String>);

/// This API's OpenAPI 3 document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "system", operation_id = "openapi_json",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
pub async fn openapi_json(Extension(doc): Extension<OpenApiJson>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], doc.0.as_str().to_owned()).into_response()
}
