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
