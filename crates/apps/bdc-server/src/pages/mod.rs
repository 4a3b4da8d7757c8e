//! The HTML interface (页面): every context's pages merged — identity's login and sign-up, the
//! register's 工作台 and 窗口受理, the portal's 线上苏小登, the court desk, reporting's 上报省厅 and
//! 登簿日志 — and the server's own 系统管理 console and 审计日志 over them, server-rendered with
//! askama; htmx (installed from npm by `scripts/setup-web.sh`) adds partial updates where they
//! help. All share one design system (`bdc_http::page`).
//!
//! Pages authenticate with the `bdc_session` cookie. A form that changes state carries the
//! session's CSRF token in a hidden `csrf` field (htmx requests send it as `X-CSRF-Token`); the
//! cookie is `SameSite=Strict` besides. Services check permissions again, as for the API, and
//! every state-changing request is audited by the same `observe` layer.

pub mod admin;
pub mod audit;

use axum::Router;

use crate::state::AppState;

/// The design system and the page helpers every context's pages share.
pub use bdc_http::page::{beijing, limited, message, redirect, render, too_many, Chrome, Errors};
pub use bdc_http::session::{csrf_ok, PageActor};

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(bdc_identity::pages::router())
        .merge(bdc_registry::pages::router())
        .merge(bdc_portal::pages::router())
        .merge(bdc_court::pages::router())
        .merge(bdc_reporting::pages::router())
        .merge(admin::routes())
        .merge(audit::routes())
}

/// The service error as the sentence to show beside a form.
pub fn say(e: &bdc_core::ServiceError) -> String {
    e.to_string()
}
