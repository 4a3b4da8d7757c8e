//! Per-route middleware: the audit log of every state-changing request, and request metrics.
//!
//! Both run after routing (`route_layer`), so they know the route pattern (`/api/v1/admin/users/{id}`)
//! and metrics do not explode with ids. The audit row is written after the handler with the
//! outcome; handlers enrich it through the [`AuditSlot`] (the login handler names the user who
//! tried, since there is no actor yet).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;

use bdc_services::Actor;
use bdc_store::audit::AuditEntry;

use crate::state::AppState;

#[derive(Default, Debug)]
struct SlotData {
    actor_id: Option<i64>,
    actor_name: Option<String>,
    realm: Option<String>,
    roles: String,
    action: Option<String>,
    outcome: Option<&'static str>,
    detail: String,
}

/// What a handler knows about the action being audited.
#[derive(Clone, Default, Debug)]
pub struct AuditSlot(Arc<Mutex<SlotData>>);

impl AuditSlot {
    fn with<R>(&self, f: impl FnOnce(&mut SlotData) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    pub fn set_actor(&self, a: &Actor) {
        self.with(|d| {
            d.actor_id = Some(a.user_id);
            d.actor_name = Some(a.username.clone());
            d.realm = Some(a.realm.as_str().to_owned());
            d.roles = a.roles.join(",");
        });
    }

    /// For actions without an actor yet: the user name that was tried.
    pub fn set_attempted(&self, username: &str, realm: &str) {
        self.with(|d| {
            d.actor_name = Some(username.chars().take(64).collect());
            d.realm = Some(realm.to_owned());
        });
    }

    pub fn set_action(&self, action: &str) {
        self.with(|d| d.action = Some(action.to_owned()));
    }

    /// Overrides the outcome read from the status (a refused login is a `failure`, not `denied`).
    pub fn set_outcome(&self, outcome: &'static str) {
        self.with(|d| d.outcome = Some(outcome));
    }

    pub fn set_detail(&self, detail: &str) {
        self.with(|d| d.detail = detail.chars().take(500).collect());
    }
}

fn is_state_changing(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Records metrics for every request and an audit row for every state-changing one.
pub async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let audited = is_state_changing(&method);
    let slot = AuditSlot::default();
    req.extensions_mut().insert(slot.clone());
    let target = req.uri().path().to_owned();
    let client_addr = req.extensions().get::<ConnectInfo<SocketAddr>>().map_or_else(String::new, |c| c.0.ip().to_string());
    let user_agent = req.headers().get(header::USER_AGENT).map(|v| String::from_utf8_lossy(v.as_bytes()).chars().take(256).collect::<String>()).unwrap_or_default();
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();

    let resp = next.run(req).await;

    let status = resp.status();
    state.metrics.observe(method.as_str(), &route, status.as_u16(), start.elapsed().as_secs_f64());
    if audited {
        let d = slot.with(std::mem::take);
        let outcome = if let Some(o) = d.outcome {
            o
        } else if status.is_success() || status.is_redirection() {
            "success"
        } else if status.as_u16() == 401 || status.as_u16() == 403 {
            "denied"
        } else {
            "failure"
        };
        let entry = AuditEntry {
            id: 0,
            at: Utc::now(),
            actor_id: d.actor_id,
            actor_name: d.actor_name.unwrap_or_else(|| "-".into()),
            realm: d.realm,
            roles: d.roles,
            action: d.action.unwrap_or_else(|| format!("{method} {route}")),
            target,
            client_addr,
            user_agent,
            outcome: outcome.into(),
            status: i64::from(status.as_u16()),
            request_id,
            detail: d.detail,
        };
        if let Err(e) = bdc_services::audit::record(&state.services, &entry).await {
            state.metrics.audit_failure();
            tracing::error!(error = %e, action = %entry.action, "audit row could not be written");
        }
    }
    resp
}
