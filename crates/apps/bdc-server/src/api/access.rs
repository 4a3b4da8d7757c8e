//! Who may call which route (访问控制表), declared once.
//!
//! [`bdc_http::session::Authed`] enforces this table right after authentication and before the
//! request body is read, so a caller without the permission learns nothing about validation; the
//! services check the same permissions again, so the CLI and jobs are held to them too. A route
//! missing from the table is refused (fail closed), and a test checks that every route in the
//! OpenAPI document is listed. The table is published in the document as `x-bdc-access`.
//!
//! The carved-out contexts declare their own routes' rules (`bdc_identity::api::access`, `bdc_portal::api::access`, `bdc_court::api::access`,
//! `bdc_reporting::api::access`); this
//! table asks them first and answers the routes still served here.

use bdc_core::access::Permission;
pub use bdc_http::access::Access;

/// The access rule of a route, by method and route pattern (`/api/v1/admin/users/{id}`): the
/// contexts' tables first, then the routes of the register core.
pub fn access(method: &str, route: &str) -> Option<Access> {
    bdc_identity::api::access(method, route)
        .or_else(|| bdc_portal::api::access(method, route))
        .or_else(|| bdc_court::api::access(method, route))
        .or_else(|| bdc_reporting::api::access(method, route))
        // The register last: its unit routes would take the court's `/api/v1/units/{id}/seizures`.
        .or_else(|| bdc_registry::api::access(method, route))
        .or_else(|| core(method, route))
}

/// The server's own routes: health, metrics, the OpenAPI document, the audit log and the jobs.
fn core(method: &str, route: &str) -> Option<Access> {
    use Permission::{AuditRead, JobsRead};
    let read = matches!(method, "GET" | "HEAD");
    Some(match route {
        "/healthz" | "/metrics" | "/api/openapi.json" => Access::Public,
        "/api/v1/audit" if read => Access::Permission(AuditRead),
        "/api/v1/jobs" if read => Access::Permission(JobsRead),
        _ => return None,
    })
}

/// Writes each operation's access rule into the OpenAPI document as `x-bdc-access`.
pub fn annotate(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in &mut doc.paths.paths {
        let ops = [("GET", &mut item.get), ("POST", &mut item.post), ("PUT", &mut item.put), ("PATCH", &mut item.patch), ("DELETE", &mut item.delete)];
        for (method, op) in ops {
            if let Some(op) = op {
                let label = access(method, path).map_or_else(|| "denied".to_owned(), Access::label);
                let ext = op.extensions.get_or_insert_with(Default::default);
                ext.insert("x-bdc-access".into(), serde_json::Value::String(label));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_route_has_an_access_rule() {
        let (_, doc) = crate::api::router().split_for_parts();
        let mut n = 0;
        for (path, item) in &doc.paths.paths {
            for (method, present) in [("GET", item.get.is_some()), ("POST", item.post.is_some()), ("PUT", item.put.is_some()), ("PATCH", item.patch.is_some()), ("DELETE", item.delete.is_some())] {
                if present {
                    n += 1;
                    assert!(access(method, path).is_some(), "{method} {path} has no access rule");
                }
            }
        }
        assert!(n >= 20, "only {n} operations documented");
    }

    #[test]
    fn reading_and_editing_the_calendar_are_separate() {
        assert_eq!(access("GET", "/api/v1/calendar/days"), Some(Access::Permission(Permission::CalendarRead)));
        assert_eq!(access("PUT", "/api/v1/calendar/days/{date}"), Some(Access::Permission(Permission::CalendarManage)));
        assert_eq!(access("DELETE", "/api/v1/audit"), None);
    }
}
