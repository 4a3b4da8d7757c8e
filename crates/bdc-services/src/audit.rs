//! Recording and querying the audit log (审计).
//!
//! A change is audited inside its own transaction ([`commit`]): the row and the change commit
//! together or not at all, so the log never lacks a change that happened nor holds one that did
//! not. The HTTP layer fills an [`AuditSlot`] per request (who, from where, which route) and hands
//! it to the service through the [`Actor`]; after the response it writes a row only for what no
//! transaction recorded — refusals, failures, logins and requests that changed nothing.

use std::sync::{Arc, Mutex};

use chrono::Utc;

use bdc_domain::access::Permission;
use bdc_store::audit::{self, AuditEntry, AuditFilter};
use bdc_store::{Page, PageRequest};

use crate::{Actor, ServiceResult, Services};

/// What one request has told the audit so far (请求审计上下文).
#[derive(Default, Debug)]
pub struct SlotData {
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub realm: Option<String>,
    pub roles: String,
    pub action: Option<String>,
    pub outcome: Option<&'static str>,
    pub detail: String,
    /// The request path, the client's address, its user agent and request id.
    pub target: String,
    pub client_addr: String,
    pub user_agent: String,
    pub request_id: String,
    /// A row for this request was written inside a committed-or-abandoned change transaction.
    pub written: bool,
}

/// The audit context of one request, shared by the HTTP layer, its handler and the services.
#[derive(Clone, Default, Debug)]
pub struct AuditSlot(Arc<Mutex<SlotData>>);

impl AuditSlot {
    /// Runs `f` on the slot's data.
    pub fn with<R>(&self, f: impl FnOnce(&mut SlotData) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Where the request came from, as the HTTP layer saw it.
    pub fn set_request(&self, target: String, client_addr: String, user_agent: String, request_id: String) {
        self.with(|d| {
            d.target = target;
            d.client_addr = client_addr;
            d.user_agent = user_agent;
            d.request_id = request_id;
        });
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

/// Appends one row outside any change (refusals, failures, reads). Recording is not
/// permission-checked: every actor's actions are recorded.
pub async fn record(s: &Services, entry: &AuditEntry) -> ServiceResult<()> {
    let mut conn = s.db.conn().await?;
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
        (None, crate::actor::AuthVia::Console) if actor.user_id == 0 && actor.username == "console" => Some(base),
        // Automatic work (jobs, 智能审核) is recorded by the journal and the case events.
        (None, _) => None,
    }
}

/// Commits a change with its audit row in the same transaction (操作与审计同事务).
pub async fn commit(mut tx: bdc_store::Transaction, actor: &Actor, action: &str, detail: &str) -> ServiceResult<()> {
    if let Some(entry) = entry_of(actor, action, detail) {
        audit::append(&mut tx, &entry).await?;
        bdc_store::commit(tx).await?;
        if let Some(slot) = &actor.audit {
            slot.with(|d| d.written = true);
        }
        return Ok(());
    }
    bdc_store::commit(tx).await?;
    Ok(())
}

/// Writes a change's audit row into a transaction the caller commits (for changes that commit
/// through a helper of their own); the caller marks the slot with [`mark_written`] after commit.
pub async fn append_in(tx: &mut bdc_store::AnyConnection, actor: &Actor, action: &str, detail: &str) -> ServiceResult<()> {
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
pub async fn query(s: &Services, actor: &Actor, filter: AuditFilter, page: PageRequest) -> ServiceResult<Page<AuditEntry>> {
    actor.require(Permission::AuditRead)?;
    let mut conn = s.db.conn().await?;
    Ok(audit::query(&mut conn, &filter, page).await?)
}
