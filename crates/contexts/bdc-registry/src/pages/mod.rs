//! The register's staff pages: 工作台 (open cases by state with working days left, a case with
//! its findings, materials and actions, a unit's register book, the 缮证 preview), 业务查询 (any
//! case, finished ones included, paged, exported to Excel), and 窗口受理 (the counter's intake of
//! any flow with 预检). They wear the shared frame (`bdc_http::page`) and call
//! [`crate::service`] only.

pub mod documents;
pub mod files;
pub mod intake;
pub mod search;
pub mod workbench;

use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;

use bdc_core::Actor;
use bdc_http::session::Gate;

use crate::Services;

/// The design system and the page helpers the register's pages share with every context.
pub use bdc_http::page::{beijing, message, redirect, render, Chrome, Errors};
pub use bdc_http::session::{csrf_ok, PageActor};

/// The years whose 调休 arrangement (调休安排) is due and not entered, for the warning that
/// calendar administrators (calendar.manage) see on the workbench, the 系统管理 overview and the
/// calendar page (`calendar_warning.html`); empty for everyone else. A calendar that cannot be
/// read gives no warning rather than failing the page: the warning is a reminder, and the
/// calendar page itself reports the error.
pub async fn missing_arrangements(services: &Services, actor: &Actor) -> Vec<i32> {
    crate::service::calendar::missing_arrangements(services, actor, crate::service::cases::today()).await.unwrap_or_default()
}

/// The register's page routes.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    Router::new()
        .route("/workbench", get(workbench::tasks))
        .route("/workbench/search", get(search::search_page))
        .route("/workbench/search.xlsx", get(search::export))
        .route("/workbench/cases/{id}", get(workbench::case_page).post(workbench::act))
        .route("/workbench/cases/{id}/documents/{file}", get(documents::case_document))
        .route("/workbench/cases/{id}/files", post(workbench::add_files).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/workbench/units/{id}", get(workbench::unit_page))
        .route("/workbench/intake", get(intake::form).post(intake::accept).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/workbench/intake/units", get(intake::units))
        .route("/workbench/intake/check-id", post(intake::check_id))
        .route("/workbench/intake/precheck", post(intake::precheck).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/workbench/certificates/{number}", get(workbench::certificate_preview))
}
