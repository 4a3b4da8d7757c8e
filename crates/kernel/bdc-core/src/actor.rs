//! Who is acting (操作人): the authenticated user with realm, roles and permissions.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::access::{Permission, Realm};

use crate::ServiceError;

/// How the actor authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVia {
    /// Browser session cookie: state-changing requests must carry the CSRF token.
    Cookie,
    /// `Authorization: Bearer` token of an API client.
    Bearer,
    /// The operator at the `bdc` command line on the server itself.
    Console,
}

/// An authenticated actor.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub realm: Realm,
    pub roles: Vec<String>,
    pub permissions: BTreeSet<Permission>,
    pub session_id: i64,
    pub csrf_token: String,
    pub via: AuthVia,
    /// The audit context of the request this actor acts in (set by the HTTP layer), so that a
    /// change writes its audit row in its own transaction (`bdc_audit::commit`).
    pub audit: Option<AuditSlot>,
}

impl Actor {
    /// The operator at the server's console (`bdc user add`): holds every permission, because
    /// whoever runs the binary on the server already controls its data.
    pub fn console() -> Self {
        Actor {
            user_id: 0,
            username: "console".into(),
            display_name: "服务器控制台".into(),
            realm: Realm::Staff,
            roles: vec!["admin".into()],
            permissions: Permission::ALL.iter().copied().collect(),
            session_id: 0,
            csrf_token: String::new(),
            via: AuthVia::Console,
            audit: None,
        }
    }

    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }

    /// Fails with a Chinese message naming the missing permission.
    pub fn require(&self, p: Permission) -> Result<(), ServiceError> {
        if self.can(p) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(format!("没有“{}”权限", p.name())))
        }
    }
}

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

/// Where a request came from (请求来源), for sessions, rate limits and the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub addr: String,
    pub user_agent: String,
}
