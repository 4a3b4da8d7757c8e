//! The audit log (审计日志): append-only.
//!
//! The application only ever inserts here; there is no update or delete function, and the
//! database itself refuses UPDATE and DELETE on `audit_log` (triggers in the foundation
//! migration), so not even a bug or an administrator's SQL through the application can rewrite it.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use bdc_db::{format_time, parse_time, Page, PageRequest, StoreResult};

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

/// The text of a row its hash is taken over: every field, in a fixed order, separated by the
/// unit separator (U+001F, refused in any text the application takes in).
pub fn canonical(e: &AuditEntry) -> String {
    [
        format_time(e.at),
        e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
        e.actor_name.clone(),
        e.realm.clone().unwrap_or_default(),
        e.roles.clone(),
        e.action.clone(),
        e.target.clone(),
        e.client_addr.clone(),
        e.user_agent.clone(),
        e.outcome.clone(),
        e.status.to_string(),
        e.request_id.clone(),
        e.detail.clone(),
    ]
    .join("\u{1f}")
}

/// The hash of a row after `prev`.
pub fn row_hash(prev: &str, e: &AuditEntry) -> String {
    bdc_crypto::sm3_hex(format!("{prev}\n{}", canonical(e)).as_bytes())
}

/// Appends a row, chained to the one before it (in a transaction of its own that takes the
/// chain's head, so appends are ordered on both engines).
pub async fn append(conn: &mut AnyConnection, e: &AuditEntry) -> StoreResult<i64> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let prev = sqlx::query_scalar::<_, String>("UPDATE audit_head SET hash = hash WHERE id = 1 RETURNING hash").fetch_one(&mut *tx).await?;
    let hash = row_hash(&prev, e);
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO audit_log (at, actor_id, actor_name, realm, roles, action, target, client_addr, user_agent, outcome, status, request_id, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
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
    .bind(&prev)
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// Re-walks the audit chain (from its first hashed row); returns the number of chained rows, or
/// the id of the first row whose hash or link does not hold.
pub async fn verify_chain(conn: &mut AnyConnection) -> StoreResult<Result<i64, i64>> {
    let mut prev: Option<String> = None;
    let mut after = 0i64;
    let mut n = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT id, at, actor_id, actor_name, realm, roles, action, target, client_addr, user_agent, outcome, status, request_id, detail, prev_hash, hash \
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000",
        )
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            let head = sqlx::query_scalar::<_, String>("SELECT hash FROM audit_head WHERE id = 1").fetch_one(&mut *conn).await?;
            return Ok(match prev {
                Some(p) if p != head => Err(after),
                _ => Ok(n),
            });
        }
        for r in &rows {
            let e = entry_from_row(r)?;
            after = e.id;
            let (row_prev, hash): (String, String) = (r.try_get("prev_hash")?, r.try_get("hash")?);
            if hash.is_empty() && prev.is_none() {
                continue; // written before the chain began
            }
            if prev.as_deref().is_some_and(|p| p != row_prev) || row_hash(&row_prev, &e) != hash {
                return Ok(Err(e.id));
            }
            prev = Some(hash);
            n += 1;
        }
    }
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
    /// Words the detail contains (关键字), matched literally anywhere in it.
    pub keyword: Option<String>,
}

pub async fn query(conn: &mut AnyConnection, f: &AuditFilter, page: PageRequest) -> StoreResult<Page<AuditEntry>> {
    let cond = "($1 IS NULL OR actor_name = $1) AND ($2 IS NULL OR action LIKE $2 ESCAPE '\\') AND ($3 IS NULL OR outcome = $3) \
                AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5) AND ($6 IS NULL OR detail LIKE $6 ESCAPE '\\')";
    let action = f.action.as_ref().map(|a| format!("{}%", like_literal(a)));
    let keyword = f.keyword.as_ref().map(|k| format!("%{}%", like_literal(k)));
    let from = f.from.map(format_time);
    let to = f.to.map(format_time);
    let total = sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM audit_log WHERE {cond}"))
        .bind(f.actor.clone())
        .bind(action.clone())
        .bind(f.outcome.clone())
        .bind(from.clone())
        .bind(to.clone())
        .bind(keyword.clone())
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT id, at, actor_id, actor_name, realm, roles, action, target, client_addr, user_agent, outcome, status, request_id, detail \
         FROM audit_log WHERE {cond} ORDER BY id DESC LIMIT $7 OFFSET $8"
    ))
    .bind(f.actor.clone())
    .bind(action)
    .bind(f.outcome.clone())
    .bind(from)
    .bind(to)
    .bind(keyword)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(&mut *conn)
    .await?;
    let items = rows.iter().map(entry_from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page })
}

/// `s` as the literal text of a LIKE pattern (backslash, `%` and `_` escaped).
fn like_literal(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn entry_from_row(r: &sqlx::any::AnyRow) -> StoreResult<AuditEntry> {
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
}
