//! The HTML interface (页面): the 线上苏小登 public portal and the staff workbench (工作台),
//! server-rendered with askama; htmx (installed from npm by `scripts/setup-web.sh`) adds partial
//! updates where they help. Both share one design system (`bdc_http::page`).
//!
//! Pages authenticate with the `bdc_session` cookie. A form that changes state carries the
//! session's CSRF token in a hidden `csrf` field (htmx requests send it as `X-CSRF-Token`); the
//! cookie is `SameSite=Strict` besides. Services check permissions again, as for the API, and
//! every state-changing request is audited by the same `observe` layer.

pub mod admin;
pub mod intake;
pub mod workbench;

use axum::routing::{get, post};
use axum::Router;

use bdc_core::Actor;

use crate::state::AppState;

/// The design system and the page helpers every context's pages share.
pub use bdc_http::page::{beijing, limited, message, redirect, render, too_many, Chrome, Errors};
pub use bdc_http::session::{csrf_ok, PageActor};

/// The years whose 调休 arrangement (调休安排) is due and not entered, for the warning that
/// calendar administrators (calendar.manage) see on the workbench, the 系统管理 overview and the
/// calendar page (`calendar_warning.html`); empty for everyone else. A calendar that cannot be
/// read gives no warning rather than failing the page: the warning is a reminder, and the
/// calendar page itself reports the error.
pub async fn missing_arrangements(state: &AppState, actor: &Actor) -> Vec<i32> {
    bdc_registry::service::calendar::missing_arrangements(&state.services, actor, bdc_registry::service::cases::today()).await.unwrap_or_default()
}

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/workbench", get(workbench::tasks))
        .route("/workbench/cases/{id}", get(workbench::case_page).post(workbench::act))
        .route("/workbench/cases/{id}/files", post(workbench::add_files).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/workbench/units/{id}", get(workbench::unit_page))
        .route("/workbench/intake", get(intake::form).post(intake::accept).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/workbench/intake/units", get(intake::units))
        .route("/workbench/intake/check-id", post(intake::check_id))
        .route("/workbench/intake/precheck", post(intake::precheck).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/workbench/certificates/{number}", get(workbench::certificate_preview))
        .merge(bdc_identity::pages::router())
        .merge(bdc_portal::pages::router())
        .merge(bdc_court::pages::router())
        .merge(admin::routes())
}

/// The service error as the sentence to show beside a form.
pub fn say(e: &bdc_core::ServiceError) -> String {
    e.to_string()
}
