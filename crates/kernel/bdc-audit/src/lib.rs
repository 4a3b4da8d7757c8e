//! Recording and querying the audit log (审计).
//!
//! A change is audited inside its own transaction ([`commit`]): the row and the change commit
//! together or not at all, so the log never lacks a change that happened nor holds one that did
//! not. The HTTP layer fills an [`bdc_core::AuditSlot`] per request (who, from where, which route) and hands
//! it to the service through the [`Actor`]; after the response it writes a row only for what no
//! transaction recorded — refusals, failures, logins and requests that changed nothing.

use chrono::Utc;

use bdc_core::access::Permission;
use bdc_core::{Actor, ServiceResult};
use bdc_db::{Db, Page, PageRequest};

pub mod export;
pub mod queries;
pub mod store;

use store as audit;
use store::AuditEntry;
pub use store::{verify_chain, AuditFilter};

/// Appends one row outside any change (refusals, failures, reads). Recording is not
/// permission-checked: every actor's actions are recorded.
pub async fn record(db: &Db, entry: &AuditEntry) -> ServiceResult<()> {
    let mut conn = db.conn().await?;
    audit::append(&mut conn, entry).await?;
    Ok(())
}

/// The row of a change made by `actor`, from his request's slot (or the console's).
fn entry_of(actor: &Actor, action: &str, detail: &str) -> Option<AuditEntry> {
    let base = AuditEntry {
        id: 0,
        at: Utc::now(),
        actor_id: Some(actor.user_id),
        actor_name: actor.username.clone(),
        realm: Some(actor.realm.as_str().to_owned()),
        roles: actor.roles.join(","),
        action: action.to_owned(),
        target: String::new(),
        client_addr: String::new(),
        user_agent: String::new(),
        outcome: "success".into(),
        status: 0,
        request_id: String::new(),
        detail: detail.chars().take(500).collect(),
    };
    match (&actor.audit, actor.via) {
        (Some(slot), _) => Some(slot.with(|d| AuditEntry {
            target: d.target.clone(),
            client_addr: d.client_addr.clone(),
            user_agent: d.user_agent.clone(),
            request_id: d.request_id.clone(),
            // The change committed with this row: the request succeeded.
            status: 200,
            ..base
        })),
        (None, bdc_core::AuthVia::Console) if actor.user_id == 0 && actor.username == "console" => Some(base),
        // Automatic work (jobs, 智能审核) is recorded by the journal and the case events.
        (None, _) => None,
    }
}

/// Commits a change with its audit row in the same transaction (操作与审计同事务).
pub async fn commit(mut tx: bdc_db::Transaction, actor: &Actor, action: &str, detail: &str) -> ServiceResult<()> {
    if let Some(entry) = entry_of(actor, action, detail) {
        audit::append(&mut tx, &entry).await?;
        bdc_db::commit(tx).await?;
        if let Some(slot) = &actor.audit {
            slot.with(|d| d.written = true);
        }
        return Ok(());
    }
    bdc_db::commit(tx).await?;
    Ok(())
}

/// Writes a change's audit row into a transaction the caller commits (for changes that commit
/// through a helper of their own); the caller marks the slot with [`mark_written`] after commit.
pub async fn append_in(tx: &mut bdc_db::AnyConnection, actor: &Actor, action: &str, detail: &str) -> ServiceResult<()> {
    if let Some(entry) = entry_of(actor, action, detail) {
        audit::append(tx, &entry).await?;
    }
    Ok(())
}

/// Notes that the request's change, with its row, has committed.
pub fn mark_written(actor: &Actor) {
    if let Some(slot) = &actor.audit {
        slot.with(|d| d.written = true);
    }
}

/// Supervisors (监管) read the log; nobody can change it.
pub async fn query(db: &Db, actor: &Actor, filter: AuditFilter, page: PageRequest) -> ServiceResult<Page<AuditEntry>> {
    actor.require(Permission::AuditRead)?;
    let mut conn = db.conn().await?;
    Ok(audit::query(&mut conn, &filter, page).await?)
}

/// What re-walking the audit chain found (审计链校验).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainCheck {
    /// 审计链完整: every chained row's hash holds; the number of chained rows.
    Intact(i64),
    /// The first row (by id) whose hash or link does not hold: it, or one before it, was altered
    /// or removed.
    BrokenAt(i64),
}

/// Re-walks the SM3 chain of the audit log for a supervisor (监管), as `bdc verify` does.
pub async fn verify(db: &Db, actor: &Actor) -> ServiceResult<ChainCheck> {
    actor.require(Permission::AuditRead)?;
    let mut conn = db.conn().await?;
    Ok(match audit::verify_chain(&mut conn).await? {
        Ok(n) => ChainCheck::Intact(n),
        Err(id) => ChainCheck::BrokenAt(id),
    })
}

/// The most rows one export (导出) carries; a wider selection is cut to the newest this many.
pub const EXPORT_LIMIT: u32 = 10_000;

/// The rows of `filter`, newest first (at most [`EXPORT_LIMIT`]), for an export; the export
/// itself is audited in its own transaction (导出留痕) with the conditions and the row count.
pub async fn export_rows(db: &Db, actor: &Actor, filter: AuditFilter, conditions: &str) -> ServiceResult<Vec<AuditEntry>> {
    actor.require(Permission::AuditRead)?;
    let page = PageRequest { page: 1, per_page: EXPORT_LIMIT };
    let rows = {
        let mut conn = db.conn().await?;
        audit::query(&mut conn, &filter, page).await?
    };
    let tx = db.begin().await?;
    let detail = format!("导出审计日志 {} 条（共 {} 条符合）；条件：{}", rows.items.len(), rows.total, if conditions.is_empty() { "全部" } else { conditions });
    commit(tx, actor, "导出审计日志", &detail).await?;
    Ok(rows.items)
}
