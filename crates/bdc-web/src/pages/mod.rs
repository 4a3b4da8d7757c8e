//! The HTML interface (页面): the 线上苏小登 public portal and the staff workbench (工作台),
//! server-rendered with askama; htmx (installed from npm by `scripts/setup-web.sh`) adds partial
//! updates where they help. Both share one design system (`assets/bdc.css`).
//!
//! Pages authenticate with the `bdc_session` cookie. A form that changes state carries the
//! session's CSRF token in a hidden `csrf` field (htmx requests send it as `X-CSRF-Token`); the
//! cookie is `SameSite=Strict` besides. Services check permissions again, as for the API, and
//! every state-changing request is audited by the same `observe` layer.

pub mod admin;
pub mod agency;
pub mod applications;
pub mod archive;
pub mod files;
pub mod intake;
pub mod interest;
pub mod portal;
pub mod workbench;

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use bdc_core::access::{Permission, Realm};
use bdc_core::{Actor, AuthVia};
use bdc_services::auth;

use crate::observe::AuditSlot;
use crate::session::SESSION_COOKIE;
use crate::state::AppState;

/// Field errors of a form, by field name.
pub type Errors = BTreeMap<&'static str, String>;

/// What every page's frame shows: who is logged in, the CSRF token, the realm's navigation.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub user: Option<String>,
    pub csrf: Option<String>,
    pub staff: bool,
    /// Whether the staff user administers something (users, roles, calendar, rules): shows 系统管理.
    pub admin: bool,
    /// The staff user's other sections, each shown only to those who may use it: 工作台 and
    /// 法院查控 (case.read), 窗口受理 (case.intake), 查询审批 (interest.review).
    pub cases: bool,
    pub intake: bool,
    pub interest: bool,
    pub section: &'static str,
}

impl Chrome {
    pub fn of(actor: Option<&Actor>, section: &'static str) -> Chrome {
        Chrome {
            user: actor.map(|a| a.display_name.clone()),
            csrf: actor.map(|a| a.csrf_token.clone()),
            staff: actor.is_some_and(|a| a.realm == Realm::Staff),
            admin: actor.is_some_and(|a| a.realm == Realm::Staff && [Permission::UsersManage, Permission::RolesManage, Permission::CalendarManage, Permission::RulesManage].iter().any(|p| a.can(*p))),
            cases: actor.is_some_and(|a| a.realm == Realm::Staff && a.can(Permission::CaseRead)),
            intake: actor.is_some_and(|a| a.realm == Realm::Staff && a.can(Permission::CaseIntake)),
            interest: actor.is_some_and(|a| a.realm == Realm::Staff && a.can(Permission::InterestReview)),
            section,
        }
    }
}

/// The logged-in user of a page, if any (a page never fails for want of a session: it shows
/// the login link or redirects).
pub struct PageActor(pub Option<Actor>);

impl FromRequestParts<AppState> for PageActor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == SESSION_COOKIE)
            .map(|(_, v)| v.to_owned());
        let Some(token) = token else { return Ok(PageActor(None)) };
        let mut actor = auth::authenticate(&state.services, &token).await.ok().filter(|a| a.via == AuthVia::Cookie);
        if let (Some(a), Some(slot)) = (&mut actor, parts.extensions.get::<AuditSlot>()) {
            slot.set_actor(a);
            crate::app::record_actor(&a.username);
            a.audit = Some(slot.clone());
        }
        Ok(PageActor(actor))
    }
}

/// The years whose 调休 arrangement (调休安排) is due and not entered, for the warning that
/// calendar administrators (calendar.manage) see on the workbench, the 系统管理 overview and the
/// calendar page (`calendar_warning.html`); empty for everyone else. A calendar that cannot be
/// read gives no warning rather than failing the page: the warning is a reminder, and the
/// calendar page itself reports the error.
pub async fn missing_arrangements(state: &AppState, actor: &Actor) -> Vec<i32> {
    bdc_services::calendar::missing_arrangements(&state.services, actor, bdc_services::cases::today()).await.unwrap_or_default()
}

/// Whether a submitted form carries the session's CSRF token.
pub fn csrf_ok(actor: &Actor, sent: &str) -> bool {
    let want = actor.csrf_token.as_bytes();
    want.len() == sent.len() && want.iter().zip(sent.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Renders a template; a template error is a 500 page that says nothing.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Html("<!doctype html><meta charset=utf-8><p>服务器内部错误，请稍后再试。</p>".to_owned())).into_response()
        }
    }
}

/// `303 See Other` to `to` (after a successful form post).
pub fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// A short page with one message (not found, forbidden, done).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub heading: String,
    pub text: String,
    pub back: String,
}

pub fn message(status: StatusCode, actor: Option<&Actor>, heading: &str, text: &str, back: &str) -> Response {
    let mut r = render(&MessagePage { chrome: Chrome::of(actor, ""), heading: heading.into(), text: text.into(), back: back.into() });
    *r.status_mut() = status;
    r
}

/// A page answer for a rate-limited request (频率限制): status 429 and `Retry-After`, as the
/// API answers; any other error leaves `r` as it is.
pub fn limited(mut r: Response, e: &bdc_core::ServiceError) -> Response {
    if let bdc_core::ServiceError::RateLimited { retry_after } = e {
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        r.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(*retry_after));
    }
    r
}

/// The 429 message page for a rate-limited request; `None` for any other error.
pub fn too_many(actor: Option<&Actor>, e: &bdc_core::ServiceError, back: &str) -> Option<Response> {
    matches!(e, bdc_core::ServiceError::RateLimited { .. }).then(|| limited(message(StatusCode::TOO_MANY_REQUESTS, actor, "请求过于频繁", &e.to_string(), back), e))
}

const CSS: &str = include_str!("../../assets/bdc.css");
const LOGO: &str = include_str!("../../assets/logo.svg");
const FAVICON: &str = include_str!("../../assets/favicon.svg");

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, ct) = match name.as_str() {
        "bdc.css" => (CSS, "text/css; charset=utf-8"),
        "logo.svg" => (LOGO, "image/svg+xml"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    ([(header::CONTENT_TYPE, ct), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// htmx, as installed from npm by the setup step into `web/dist/vendor` (never committed).
/// `BDC_WEB_DIST` points elsewhere when the server runs outside the source tree.
async fn htmx() -> Response {
    let dir = std::env::var("BDC_WEB_DIST").map_or_else(|_| std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist")), std::path::PathBuf::from);
    match tokio::fs::read(dir.join("vendor/htmx.min.js")).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], bytes).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], "/* htmx 未安装：运行 bash scripts/setup-web.sh */").into_response(),
    }
}

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(portal::home))
        .route("/login", get(portal::login_form).post(portal::login))
        .route("/logout", post(portal::logout))
        // The sign-up form carries a photo (≤ 2 MB) for 人证比对.
        .route("/signup", get(portal::signup_form).post(portal::signup).layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024)))
        .route("/signup/code", post(portal::signup_code))
        .route("/verify", get(portal::verify_form).post(portal::verify))
        .route("/portal", get(portal::portal_home))
        .route("/portal/real-name", get(portal::real_name_form).post(portal::real_name).layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024)))
        .route("/portal/apply/{flow}", get(portal::apply_form).post(portal::apply).layer(axum::extract::DefaultBodyLimit::max(files::FORM_LIMIT)))
        .route("/portal/drafts/{id}/files/{file}/remove", post(portal::remove_draft_file))
        .route("/portal/drafts/{id}/delete", post(portal::delete_draft))
        .route("/portal/applications/{id}", get(applications::show))
        .route("/portal/applications/{id}/code", post(applications::send_code))
        .route("/portal/applications/{id}/confirm", post(applications::confirm))
        .route("/portal/applications/{id}/decline", post(applications::decline))
        .route("/portal/applications/{id}/withdraw", post(applications::withdraw))
        .route("/portal/archive", get(archive::page))
        .route("/portal/agency", get(agency::show).post(agency::record).layer(axum::extract::DefaultBodyLimit::max(files::FORM_LIMIT)))
        .route("/portal/agency/{id}/revoke", post(agency::revoke))
        .route("/files/{id}", get(files::show))
        .route("/portal/cases/{id}", get(portal::my_case))
        .route("/portal/cases/{id}/files", post(portal::add_case_files).layer(axum::extract::DefaultBodyLimit::max(files::FORM_LIMIT)))
        .route("/portal/certificates/{number}", get(portal::my_certificate))
        .route("/workbench", get(workbench::tasks))
        .route("/workbench/cases/{id}", get(workbench::case_page).post(workbench::act))
        .route("/workbench/cases/{id}/files", post(workbench::add_files).layer(axum::extract::DefaultBodyLimit::max(files::FORM_LIMIT)))
        .route("/workbench/units/{id}", get(workbench::unit_page))
        .route("/workbench/intake", get(intake::form).post(intake::accept).layer(axum::extract::DefaultBodyLimit::max(files::FORM_LIMIT)))
        .route("/workbench/intake/units", get(intake::units))
        .route("/workbench/intake/check-id", post(intake::check_id))
        .route("/workbench/intake/precheck", post(intake::precheck).layer(axum::extract::DefaultBodyLimit::max(files::FORM_LIMIT)))
        .route("/workbench/court", get(workbench::court_desk))
        .route("/workbench/court/reprocess", post(workbench::court_reprocess))
        .route("/workbench/certificates/{number}", get(workbench::certificate_preview))
        .merge(admin::routes())
        .merge(interest::routes())
}

/// Static files, outside the audit and metrics layer.
pub fn assets() -> Router<AppState> {
    Router::new().route("/assets/{name}", get(asset)).route("/vendor/htmx.min.js", get(htmx))
}

/// A stored UTC time as Beijing time (`2026-11-25 09:30`).
pub fn beijing(at: &str) -> String {
    bdc_db::parse_time(at).map(|t| bdc_core::time::beijing(t).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|_| at.to_owned())
}

/// The service error as the sentence to show beside a form.
pub fn say(e: &bdc_core::ServiceError) -> String {
    e.to_string()
}
