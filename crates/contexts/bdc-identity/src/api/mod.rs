//! The identity context's JSON API: logging in and out, the user's own password and 忘记密码
//! (`/api/v1/auth/…`), accounts and roles administration (`/api/v1/admin/…`), and the public
//! sign-up with real-name verification (`/api/v1/portal/sign-up`, `/api/v1/portal/real-name`).
//!
//! The handlers call [`crate::service`] only. [`router`] is generic over the server's state: it
//! needs the register's [`Services`], the session [`Gate`] and the [`Metrics`]; [`access`] is this
//! context's part of the access table.

use std::sync::Arc;

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use bdc_core::access::Permission;
use bdc_http::access::Access;
use bdc_http::metrics::Metrics;
use bdc_http::session::Gate;
use bdc_registry::Services;

pub mod auth;
pub mod password_reset;
pub mod roles;
pub mod signup;
pub mod users;

/// Who may call each route of this context; `None` for a route that is not its own.
pub fn access(method: &str, route: &str) -> Option<Access> {
    let _ = method;
    Some(match route {
        // 注册: before there is an account (rate-limited per number and address).
        "/api/v1/auth/login" | "/api/v1/portal/sign-up" | "/api/v1/portal/sign-up/code" => Access::Public,
        // 忘记密码: before the user can sign in (the same answers whatever the account).
        "/api/v1/auth/password-reset" | "/api/v1/auth/password-reset/code" => Access::Public,
        "/api/v1/portal/real-name" => Access::PublicAccount,
        "/api/v1/auth/logout" | "/api/v1/auth/me" | "/api/v1/auth/password" => Access::Authenticated,
        r if r.starts_with("/api/v1/admin/users") => Access::Permission(Permission::UsersManage),
        r if r.starts_with("/api/v1/admin/roles") || r == "/api/v1/admin/permissions" => Access::Permission(Permission::RolesManage),
        _ => return None,
    })
}

/// Every identity route with its OpenAPI description.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
    Arc<Metrics>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(password_reset::send_password_reset_code))
        .routes(routes!(password_reset::reset_forgotten_password))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user, users::update_user))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::unlock_user))
        .routes(routes!(roles::list_roles))
        .routes(routes!(roles::list_permissions))
        .routes(routes!(roles::set_role_permissions))
        // Sign-up carries a photo (≤ 2 MB, in base64).
        .merge(OpenApiRouter::new().routes(routes!(signup::portal_sign_up)).routes(routes!(signup::portal_real_name)).layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024)))
        .routes(routes!(signup::portal_sign_up_code))
}
