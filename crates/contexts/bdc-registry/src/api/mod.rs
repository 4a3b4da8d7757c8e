//! The register's JSON API (登记簿接口): the catalogue, cadastre and parties (`/api/v1/parcels`,
//! `/buildings`, `/units`, `/parties`, the register book), cases and their workflow
//! (`/api/v1/cases`) and their search (业务查询, `/api/v1/cases/search`), the working calendar
//! (`/api/v1/calendar`), the rule library and duty settings (`/api/v1/rules`, `/duties`), with
//! this context's part of the access table.
//!
//! The handlers call [`crate::service`] only. [`router`] is generic over the server's state: it
//! needs [`Services`] and the session [`Gate`].

pub mod calendar;
pub mod case_search;
pub mod cases;
pub mod catalogue;
pub mod registry;
pub mod rules;

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use bdc_core::access::Permission;
use bdc_http::access::Access;
use bdc_http::session::Gate;

use crate::Services;

/// This context's rules of the access table; `None` for a route that is not the register's.
pub fn access(method: &str, route: &str) -> Option<Access> {
    use Permission::{CadastreManage, CalendarManage, CalendarRead, CaseIntake, CaseRead, PartiesManage, RegistryRead, RulesManage, RulesRead};
    let read = matches!(method, "GET" | "HEAD");
    Some(match route {
        "/api/v1/catalogue" => Access::Public,
        r if r.starts_with("/api/v1/calendar/") && read => Access::Permission(CalendarRead),
        r if r.starts_with("/api/v1/calendar/") => Access::Permission(CalendarManage),
        "/api/v1/parcels" | "/api/v1/buildings" => Access::Permission(CadastreManage),
        "/api/v1/units" if !read => Access::Permission(CadastreManage),
        "/api/v1/parties" if !read => Access::Permission(PartiesManage),
        r if (r.starts_with("/api/v1/units") || r.starts_with("/api/v1/parties")) && read => Access::Permission(RegistryRead),
        "/api/v1/cases" if !read => Access::Permission(CaseIntake),
        r if r.starts_with("/api/v1/cases") && read => Access::Permission(CaseRead),
        // Each workflow action needs its own permission, checked by the service; any case
        // permission lets the request through to it.
        "/api/v1/cases/{id}/actions" => Access::AnyCasePermission,
        r if r.starts_with("/api/v1/rules") && read => Access::Permission(RulesRead),
        r if r.starts_with("/api/v1/rules") => Access::Permission(RulesManage),
        "/api/v1/duties" if read => Access::Permission(RulesRead),
        "/api/v1/duties/{flow_code}" if !read => Access::Permission(RulesManage),
        _ => return None,
    })
}

/// The register's API routes with their OpenAPI descriptions.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(calendar::list_days))
        .routes(routes!(calendar::statutory))
        .routes(routes!(calendar::set_day, calendar::clear_day))
        .routes(routes!(calendar::get_office_hours, calendar::set_office_hours))
        .routes(routes!(calendar::add_working_days))
        .routes(routes!(calendar::count_working_days))
        .routes(routes!(calendar::working_time))
        .routes(routes!(catalogue::list_catalogue))
        .routes(routes!(registry::create_parcel))
        .routes(routes!(registry::create_building))
        .routes(routes!(registry::search_units, registry::create_unit))
        .routes(routes!(registry::get_register_book))
        .routes(routes!(registry::find_parties, registry::create_party))
        .routes(routes!(cases::list_cases, cases::open_case))
        .routes(routes!(case_search::search_cases))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::list_case_events))
        .routes(routes!(cases::list_case_evaluations))
        .routes(routes!(cases::act_on_case))
        .routes(routes!(rules::list_rules, rules::create_rule))
        .routes(routes!(rules::retire_rule))
        .routes(routes!(rules::list_duties))
        .routes(routes!(rules::set_duty))
}
