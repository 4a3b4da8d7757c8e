//! BDC web — the HTTP interface: the JSON API under `/api/v1`, its OpenAPI document and docs
//! page, health and metrics.
//!
//! A request passes: request id → trace → security headers (`bdc_http::headers`) → time-out → panic
//! guard → text hygiene ([`hygiene`]) → body limit → routing → per-route
//! [`observe`] (metrics, audit) → handler. Handlers are thin: extract (bad input becomes a
//! problem in `bdc_http::extract`), authenticate (`bdc_http::session::Authed`), call one service, map the result
//! to a DTO. Only `bdc_http::problem` makes error responses.

// `Problem` is the error of every handler and extractor; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod app;
pub mod hygiene;
pub mod observe;
pub mod pages;
pub mod state;

pub use app::{Application, WebSettings};

/// Serves a plain router (the sandboxes of outside systems) until the process ends.
pub async fn serve_router(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}
