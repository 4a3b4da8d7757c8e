//! Per-route middleware: the audit log of every state-changing request, and request metrics.
//!
//! Both run after routing (`route_layer`), so they know the route pattern (`/api/v1/admin/users/{id}`)
//! and metrics do not explode with ids. A change writes its audit row in its own transaction
//! (`bdc_audit::commit`, through the [`AuditSlot`] the actor carries); after the handler
//! this layer writes the row of everything no transaction recorded — refusals, failures, logins,
//! staff reads of personal data — with the outcome. Handlers enrich it through the slot (the
//! login handler names the user who tried, since there is no actor yet).

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;

use bdc_audit::store::AuditEntry;

use crate::state::AppState;

pub use bdc_core::AuditSlot;

fn is_state_changing(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Reads of personal data (个人信息查阅): a party, a unit's register book, a case and its
/// materials, the files behind them, the unit and party searches. Every such read by staff is
/// audited with its conditions, which supervision (廉防) builds on.
fn reads_personal_data(route: &str) -> bool {
    const ROUTES: &[&str] = &[
        "/api/v1/parties",
        "/api/v1/units",
        "/api/v1/units/{id}/register",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/events",
        "/api/v1/cases/{id}/evaluations",
        "/api/v1/cases/search",
        "/workbench/units/{id}",
        "/workbench/cases/{id}",
        "/workbench/cases/{id}/files",
        "/workbench/certificates/{number}",
        "/workbench/intake/units",
        "/workbench/intake/check-id",
        // 业务查询 shows applicants' names and masked IDs; its export is audited by the use case.
        "/workbench/search",
        "/files/{id}",
    ];
    ROUTES.contains(&route)
}

/// The conditions of a read as logged: the query string with every run of 6 or more digits (an
/// ID or phone number typed as a condition) masked but its ends, so the log holds no personal
/// number in clear.
fn masked_conditions(uri: &axum::http::Uri) -> String {
    let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri).map(|q| q.0).unwrap_or_default();
    let decoded: String = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    masked_numbers(&decoded)
}

/// `text` with every run of 6 or more digits masked but its ends.
fn masked_numbers(decoded: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 6 {
            let chars: Vec<char> = run.chars().collect();
            out.extend(chars[..2].iter());
            out.extend(std::iter::repeat_n('*', chars.len() - 4));
            out.extend(chars[chars.len() - 2..].iter());
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in decoded.chars() {
        if c.is_ascii_digit() || c == 'X' || c == 'x' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out.chars().take(500).collect()
}

/// Records metrics for every request and an audit row for every state-changing one.
pub async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let changes = is_state_changing(&method);
    let personal_read = !changes && reads_personal_data(&route);
    let conditions = if personal_read { masked_conditions(req.uri()) } else { String::new() };
    let slot = AuditSlot::default();
    let target = req.uri().path().to_owned();
    let client_addr = req.extensions().get::<ConnectInfo<SocketAddr>>().map_or_else(String::new, |c| c.0.ip().to_string());
    let user_agent = req.headers().get(header::USER_AGENT).map(|v| String::from_utf8_lossy(v.as_bytes()).chars().take(256).collect::<String>()).unwrap_or_default();
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    slot.set_request(target.clone(), client_addr.clone(), user_agent.clone(), request_id.clone());
    req.extensions_mut().insert(slot.clone());

    let resp = next.run(req).await;

    let status = resp.status();
    state.metrics.observe(method.as_str(), &route, status.as_u16(), start.elapsed().as_secs_f64());
    // A read is audited when staff made it (public users' own queries have their log).
    let staff_read = personal_read && slot.with(|d| d.realm.as_deref() == Some("staff"));
    let succeeded = status.is_success() || status.is_redirection();
    // The change's own transaction already holds its row.
    let recorded = succeeded && slot.with(|d| d.written);
    if (changes || staff_read) && !recorded {
        let mut d = slot.with(std::mem::take);
        if d.detail.is_empty() && !succeeded {
            if let Some(note) = resp.extensions().get::<bdc_http::problem::ProblemNote>() {
                d.detail = masked_numbers(&note.0);
            }
        }
        if staff_read {
            d.action.get_or_insert_with(|| format!("查阅 {route}"));
            if d.detail.is_empty() {
                d.detail = if conditions.is_empty() { "查阅".to_owned() } else { format!("查询条件：{conditions}") };
            }
        }
        let outcome = if let Some(o) = d.outcome {
            o
        } else if succeeded {
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
        if let Err(e) = bdc_audit::record(&state.services.db, &entry).await {
            state.metrics.audit_failure();
            tracing::error!(error = %e, action = %entry.action, "audit row could not be written");
        }
    }
    resp
}
