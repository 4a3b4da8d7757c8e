//! `/api/v1/audit` — the audit log, read-only (审计日志查询), for 监管.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use bdc_audit::store::{AuditEntry, AuditFilter};

use crate::api::PageDto;
use crate::state::AppState;
use bdc_http::extract::{paging, ApiQuery};
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;

/// One audit row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub realm: Option<String>,
    pub roles: Vec<String>,
    /// `login`, or `METHOD /route/pattern`.
    pub action: String,
    /// The path acted on.
    pub target: String,
    pub client_addr: String,
    pub user_agent: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    pub status: i64,
    pub request_id: String,
    pub detail: String,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(e: AuditEntry) -> Self {
        AuditEntryDto {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            realm: e.realm,
            roles: e.roles.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            action: e.action,
            target: e.target,
            client_addr: e.client_addr,
            user_agent: e.user_agent,
            outcome: e.outcome,
            status: e.status,
            request_id: e.request_id,
            detail: e.detail,
        }
    }
}

/// Conditions of an audit query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Exact user name.
    pub actor: Option<String>,
    /// Prefix of the action, e.g. `login` or `POST /api/v1/admin`.
    pub action: Option<String>,
    pub outcome: Option<String>,
    /// From this moment (RFC 3339), inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Up to this moment, exclusive.
    pub to: Option<DateTime<Utc>>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Queries the audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", operation_id = "list_audit",
    security(("bearer" = []), ("cookie" = [])), params(AuditQuery),
    responses((status = 200, body = PageDto<AuditEntryDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_audit(State(state): State<AppState>, Authed(actor): Authed, ApiQuery(q): ApiQuery<AuditQuery>) -> ApiResult<Json<PageDto<AuditEntryDto>>> {
    let page = paging(q.page, q.per_page)?;
    if let (Some(f), Some(t)) = (q.from, q.to) {
        if f > t {
            return Err(Problem::bad_request("bad_range", "起始时间不能晚于结束时间"));
        }
    }
    let filter = AuditFilter { actor: q.actor, action: q.action, outcome: q.outcome, from: q.from, to: q.to, keyword: None };
    let p = bdc_audit::query(&state.services.db, &actor, filter, page).await?;
    Ok(Json(PageDto::map(p, AuditEntryDto::from)))
}
