//! The audit log (审计日志): append-only.
//!
//! The application only ever inserts here; there is no update or delete function, and the
//! database itself refuses UPDATE and DELETE on `audit_log` (triggers in the foundation
//! migration), so not even a bug or an administrator's SQL through the application can rewrite it.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use crate::{format_time, parse_time, Page, PageRequest, StoreResult};

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    /// User name, or the name tried in a failed login, or `-` when anonymous.
    pub actor_name: String,
    pub realm: Option<String>,
    /// Role codes, comma-separated.
    pub roles: String,
    pub action: String,
    pub target: String,
    pub client_addr: String,
    pub user_agent: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// HTTP status of the request (0 for actions outside HTTP, e.g. the CLI).
    pub status: i64,
    pub request_id: String,
    pub detail: String,
}

pub async fn append(conn: &mut AnyConnection, e: &AuditEntry) -> StoreResult<i64> {
    Ok(sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, realm, roles, action, target, client_addr, user_agent, outcome, status, request_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(format_time(e.at))
    .bind(e.actor_id)
    .bind(&e.actor_name)
    .bind(&e.realm)
    .bind(&e.roles)
    .bind(&e.action)
    .bind(&e.target)
    .bind(&e.client_addr)
    .bind(&e.user_agent)
    .bind(&e.outcome)
    .bind(e.status)
    .bind(&e.request_id)
    .bind(&e.detail)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?)
}

/// Conditions of an audit query; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Prefix of the action, e.g. `login` or `POST /api/v1/admin`.
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub async fn query(conn: &mut AnyConnection, f: &AuditFilter, page: PageRequest) -> StoreResult<Page<AuditEntry>> {
    let cond = "($1 IS NULL OR actor_name = $1) AND ($2 IS NULL OR action LIKE $2 ESCAPE '\\') AND ($3 IS NULL OR outcome = $3) \
                AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5)";
    let action = f.action.as_ref().map(|a| format!("{}%", a.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let from = f.from.map(format_time);
    let to = f.to.map(format_time);
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM audit_log WHERE {cond}"))
        .bind(f.actor.clone())
        .bind(action.clone())
        .bind(f.outcome.clone())
        .bind(from.clone())
        .bind(to.clone())
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let rows = sqlx::query(&format!(
        "SELECT id, at, actor_id, actor_name, realm, roles, action, target, client_addr, user_agent, outcome, status, request_id, detail \
         FROM audit_log WHERE {cond} ORDER BY id DESC LIMIT $6 OFFSET $7"
    ))
    .bind(f.actor.clone())
    .bind(action)
    .bind(f.outcome.clone())
    .bind(from)
    .bind(to)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(&mut *conn)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: parse_time(&r.try_get::<String, _>("at")?)?,
                actor_id: r.try_get("actor_id")?,
                actor_name: r.try_get("actor_name")?,
                realm: r.try_get("realm")?,
                roles: r.try_get("roles")?,
                action: r.try_get("action")?,
                target: r.try_get("target")?,
                client_addr: r.try_get("client_addr")?,
                user_agent: r.try_get("user_agent")?,
                outcome: r.try_get("outcome")?,
                status: r.try_get("status")?,
                request_id: r.try_get("request_id")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page })
}
