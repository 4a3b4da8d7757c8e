//! The reporting context's JSON API: the messages reported to the province (`/api/v1/reports`),
//! the daily registration log (`/api/v1/registration-log`), reconciliation (`/api/v1/reconciliation`)
//! and the issuance-data rules (`/api/v1/issuance-rules`).
//!
//! The handlers call [`crate::service`] only. [`router`] is generic over the server's state: it
//! needs the register's [`Services`] and the session [`Gate`]; [`access`] is this context's part
//! of the access table.

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use bdc_core::access::Permission;
use bdc_http::access::Access;
use bdc_http::session::Gate;
use bdc_registry::Services;

pub mod daily_log;
pub mod issuance_rules;
pub mod messages;
pub mod reconciliation;

/// Who may call each route of this context; `None` for a route that is not its own.
pub fn access(method: &str, route: &str) -> Option<Access> {
    let read = matches!(method, "GET" | "HEAD");
    Some(match route {
        "/api/v1/reports" if read => Access::Permission(Permission::CaseRead),
        r if r.starts_with("/api/v1/registration-log") && read => Access::Permission(Permission::CaseRead),
        "/api/v1/reconciliation" if read => Access::Permission(Permission::CaseRead),
        "/api/v1/reconciliation/{id}/resend" => Access::Permission(Permission::CaseRegister),
        r if r.starts_with("/api/v1/issuance-rules") && read => Access::Permission(Permission::RulesRead),
        r if r.starts_with("/api/v1/issuance-rules") => Access::Permission(Permission::RulesManage),
        _ => return None,
    })
}

/// Every reporting route with its OpenAPI description.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(issuance_rules::list_issuance_rules, issuance_rules::create_issuance_rule))
        .routes(routes!(issuance_rules::delete_issuance_rule))
        .routes(routes!(messages::list_reports))
        .routes(routes!(reconciliation::list_reconciliation))
        .routes(routes!(reconciliation::resend_reconciliation_item))
        .routes(routes!(daily_log::get_registration_log))
        .routes(routes!(daily_log::get_registration_log_xml))
        .routes(routes!(daily_log::export_registration_log))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_and_changing_need_different_permissions() {
        assert_eq!(access("GET", "/api/v1/issuance-rules"), Some(Access::Permission(Permission::RulesRead)));
        assert_eq!(access("POST", "/api/v1/issuance-rules"), Some(Access::Permission(Permission::RulesManage)));
        assert_eq!(access("POST", "/api/v1/reconciliation/{id}/resend"), Some(Access::Permission(Permission::CaseRegister)));
        // Not this context's: another table answers, or the whole table refuses.
        assert_eq!(access("POST", "/api/v1/reports"), None);
        assert_eq!(access("GET", "/api/v1/rules"), None);
    }
}
