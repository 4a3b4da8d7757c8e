//! What a route requires (访问控制): the vocabulary of every context's access table.
//!
//! Each context declares the rule of each of its routes in one function
//! (`fn(method, route) -> Option<Access>`); the server chains them into the [`Gate`]'s table.
//! [`crate::session::Authed`] enforces the rule right after authentication and before the
//! request body is read, so a caller without the permission learns nothing about validation.
//! A route missing from every table is refused (fail closed).
//!
//! [`Gate`]: crate::session::Gate

use bdc_core::access::Permission;

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in user of either realm.
    Authenticated,
    /// A user whose roles grant this permission.
    Permission(Permission),
    /// A user with any of the case-handling permissions (受理 … 归档); the service then checks
    /// the one the action needs.
    AnyCasePermission,
    /// A public account (线上苏小登); the portal's routes then require its real-name link.
    PublicAccount,
}

impl Access {
    /// `public`, `authenticated` or `permission:<code>`, as published in the OpenAPI document.
    pub fn label(self) -> String {
        match self {
            Access::Public => "public".into(),
            Access::Authenticated => "authenticated".into(),
            Access::Permission(p) => format!("permission:{}", p.code()),
            Access::AnyCasePermission => "permission:case.*".into(),
            Access::PublicAccount => "realm:public".into(),
        }
    }
}

/// A context's access table: the rule of a route by method and route pattern
/// (`/api/v1/admin/users/{id}`), `None` for a route the context does not own.
pub type AccessTable = fn(method: &str, route: &str) -> Option<Access>;
