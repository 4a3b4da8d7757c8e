//! Shared state of the HTTP interface.

use std::sync::Arc;

use axum::extract::FromRef;

use bdc_http::metrics::Metrics;
use bdc_http::session::Gate;
use bdc_registry::Services;

/// What every handler can reach. A context's router takes from it only what it names
/// (`Services`, the [`Gate`]) through `FromRef`.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub services: Services,
    pub metrics: Arc<Metrics>,
    /// Mark cookies `Secure` (set when served over HTTPS, directly or behind a proxy).
    pub cookie_secure: bool,
    /// The bearer token a scraper off this machine must send to read `/metrics`.
    pub metrics_token: Option<Arc<str>>,
    /// The session lookup and the access table of every route.
    pub gate: Gate,
}
