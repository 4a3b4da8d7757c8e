//! Shared state of the HTTP interface.

use std::sync::Arc;

use bdc_services::Services;

use bdc_http::metrics::Metrics;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub metrics: Arc<Metrics>,
    /// Mark cookies `Secure` (set when served over HTTPS, directly or behind a proxy).
    pub cookie_secure: bool,
    /// The bearer token a scraper off this machine must send to read `/metrics`.
    pub metrics_token: Option<Arc<str>>,
}
