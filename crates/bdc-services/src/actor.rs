//! Who is acting (操作人): the authenticated user with realm, roles and permissions.

use std::collections::BTreeSet;

use bdc_domain::access::{Permission, Realm};

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
    /// change writes its audit row in its own transaction ([`crate::audit::commit`]).
    pub audit: Option<crate::audit::AuditSlot>,
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
