//! The design system of every page (页面框架): the frame (`templates/base.html`) with its
//! navigation, the form macros (`templates/macros.html`), the stylesheet and logo
//! (`assets/`), and the helpers every context's pages answer with — render, redirect, a
//! message page, the 429 page.
//!
//! A context's templates extend `base.html` and import `macros.html`; its `askama.toml` lists
//! this crate's `templates/` after its own, so the whole product looks like one.

use std::collections::BTreeMap;

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use bdc_core::access::{Permission, Realm};
use bdc_core::{Actor, ServiceError};

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
    /// 审计日志 (audit.read, the supervisor's).
    pub audit: bool,
    pub section: &'static str,
}

impl Chrome {
    pub fn of(actor: Option<&Actor>, section: &'static str) -> Chrome {
        let staff = actor.is_some_and(|a| a.realm == Realm::Staff);
        let may = |p: Permission| staff && actor.is_some_and(|a| a.can(p));
        Chrome {
            user: actor.map(|a| a.display_name.clone()),
            csrf: actor.map(|a| a.csrf_token.clone()),
            staff,
            admin: [Permission::UsersManage, Permission::RolesManage, Permission::CalendarManage, Permission::RulesManage].into_iter().any(may),
            cases: may(Permission::CaseRead),
            intake: may(Permission::CaseIntake),
            interest: may(Permission::InterestReview),
            audit: may(Permission::AuditRead),
            section,
        }
    }
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

/// The signed-in public account for a public page: staff are sent to their workbench with a
/// message, nobody signed in to the login page.
pub fn public_only(actor: Option<Actor>) -> Result<Actor, Response> {
    match actor {
        Some(a) if a.realm == Realm::Public => Ok(a),
        Some(a) => Err(message(StatusCode::FORBIDDEN, Some(&a), "仅限公众账户", "工作人员请使用工作台。", "/workbench")),
        None => Err(redirect("/login")),
    }
}

/// The answer to a form whose CSRF token is missing or stale.
pub fn expired(actor: &Actor, back: &str) -> Response {
    message(StatusCode::FORBIDDEN, Some(actor), "页面已过期", "请刷新页面后重新提交。", back)
}

/// The staff's login door (工作人员登录); the public's is `/login`.
pub const STAFF_LOGIN: &str = "/workbench/login";

/// A staff member holding `permission`, or the page to answer instead: the staff's login for no
/// one, 没有权限 for a public account or a staff member without it.
pub fn staff_with(actor: Option<Actor>, permission: Permission) -> Result<Actor, Response> {
    match actor {
        Some(a) if a.realm == Realm::Staff && a.can(permission) => Ok(a),
        Some(a) => Err(message(StatusCode::FORBIDDEN, Some(&a), "没有权限", "工作台仅对登记中心办理人员开放。", "/")),
        None => Err(redirect(STAFF_LOGIN)),
    }
}

/// A page answer for a rate-limited request (频率限制): status 429 and `Retry-After`, as the
/// API answers; any other error leaves `r` as it is.
pub fn limited(mut r: Response, e: &ServiceError) -> Response {
    if let ServiceError::RateLimited { retry_after } = e {
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        r.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(*retry_after));
    }
    r
}

/// The 429 message page for a rate-limited request; `None` for any other error.
pub fn too_many(actor: Option<&Actor>, e: &ServiceError, back: &str) -> Option<Response> {
    matches!(e, ServiceError::RateLimited { .. }).then(|| limited(message(StatusCode::TOO_MANY_REQUESTS, actor, "请求过于频繁", &e.to_string(), back), e))
}

/// Puts every field problem of a use case's error beside its field on a form: `key` names the
/// form's own key for a field it shows (`None`: the form has no place for it). Returns the
/// messages left without a place, to show above the form; for an error of no field, its message.
pub fn place_fields(e: &ServiceError, errors: &mut Errors, key: impl Fn(&str) -> Option<&'static str>) -> Vec<String> {
    let fields = e.field_messages();
    if fields.is_empty() {
        return vec![e.to_string()];
    }
    let mut unplaced = Vec::new();
    for (field, message) in fields {
        match key(field) {
            Some(k) => {
                errors.entry(k).or_insert_with(|| message.to_owned());
            }
            None => unplaced.push(message.to_owned()),
        }
    }
    unplaced
}

/// A stored UTC time as Beijing time (`2026-11-25 09:30`).
pub fn beijing(at: &str) -> String {
    bdc_db::parse_time(at).map(|t| bdc_core::time::beijing(t).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|_| at.to_owned())
}

const CSS: &str = include_str!("../assets/bdc.css");
const LOGO: &str = include_str!("../assets/logo.svg");
const FAVICON: &str = include_str!("../assets/favicon.svg");
const SCRIPT: &str = include_str!("../assets/bdc.js");

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, ct) = match name.as_str() {
        "bdc.css" => (CSS, "text/css; charset=utf-8"),
        "logo.svg" => (LOGO, "image/svg+xml"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        "bdc.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    ([(header::CONTENT_TYPE, ct), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// Where the setup step installs the front-end files in the source tree (`web/dist`); the
/// `web_dist` setting points elsewhere when the server runs outside it.
pub fn default_web_dist() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../web/dist"))
}

/// htmx, as installed from npm by the setup step into `<web_dist>/vendor` (never committed).
async fn htmx(dir: &std::path::Path) -> Response {
    match tokio::fs::read(dir.join("vendor/htmx.min.js")).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], bytes).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], "/* htmx 未安装：运行 bash scripts/setup-web.sh */").into_response(),
    }
}

/// Static files (stylesheet, logo, htmx from `web_dist`), served outside the audit and metrics
/// layer.
pub fn assets<S: Clone + Send + Sync + 'static>(web_dist: std::path::PathBuf) -> Router<S> {
    let web_dist = std::sync::Arc::new(web_dist);
    Router::new().route("/assets/{name}", get(asset)).route("/vendor/htmx.min.js", get(move || async move { htmx(&web_dist).await }))
}
