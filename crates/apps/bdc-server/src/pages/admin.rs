//! 系统管理 — the workbench's administration pages: users (用户管理), roles and their
//! permissions (角色权限), the working-day calendar (工作日历), the rule library (规则库, A2.6)
//! with the issuance-data rules (签发数据组织规则, A4.4), and the business catalogue (业务目录).
//!
//! Each page only shows what the user's permissions allow and every change goes through the
//! same service as the JSON API, which checks the permission again.

mod calendar;
mod catalogue;
mod roles;
mod rules;
mod users;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use bdc_core::access::{Permission, Realm};
use bdc_core::{Actor, ServiceError};

use super::{csrf_ok, message, redirect, render, Chrome, Errors, PageActor};
use crate::state::AppState;

/// The administration routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workbench/admin", get(overview))
        .route("/workbench/admin/users", get(users::list).post(users::create))
        .route("/workbench/admin/users/new", get(users::new_form))
        .route("/workbench/admin/users/{id}", get(users::edit_form).post(users::update))
        .route("/workbench/admin/users/{id}/password", post(users::reset_password))
        .route("/workbench/admin/users/{id}/unlock", post(users::unlock))
        .route("/workbench/admin/roles", get(roles::matrix))
        .route("/workbench/admin/roles/{code}", post(roles::save))
        .route("/workbench/admin/calendar", get(calendar::month))
        .route("/workbench/admin/calendar/days", post(calendar::set_day))
        .route("/workbench/admin/calendar/days/remove", post(calendar::remove_day))
        .route("/workbench/admin/calendar/hours", post(calendar::set_hours))
        .route("/workbench/admin/rules", get(rules::library).post(rules::create))
        .route("/workbench/admin/rules/{code}", get(rules::versions))
        .route("/workbench/admin/rules/{code}/retire", get(rules::retire_confirm).post(rules::retire))
        .route("/workbench/admin/issuance-rules", post(rules::add_issuance))
        .route("/workbench/admin/issuance-rules/{id}/remove", get(rules::remove_issuance_confirm).post(rules::remove_issuance))
        .route("/workbench/admin/catalogue", get(catalogue::list))
        .route("/workbench/admin/catalogue/duties", post(catalogue::save_duty))
}

/// The sections of 系统管理 the user may open, for the side menu and the overview.
#[derive(Debug, Clone, Copy)]
pub struct Nav {
    pub users: bool,
    pub roles: bool,
    pub calendar: bool,
    pub rules: bool,
    pub catalogue: bool,
    /// The section shown: `home`, `users`, `roles`, `calendar`, `rules`, `catalogue`.
    pub current: &'static str,
}

impl Nav {
    fn of(a: &Actor, current: &'static str) -> Nav {
        Nav { users: a.can(Permission::UsersManage), roles: a.can(Permission::RolesManage), calendar: a.can(Permission::CalendarRead), rules: a.can(Permission::RulesRead), catalogue: true, current }
    }
}

/// A staff user holding `need` (any staff user when `None`); else the 403 page, or the login
/// page when nobody is logged in.
fn allow(actor: Option<Actor>, need: Option<Permission>) -> Result<Actor, Response> {
    match actor {
        None => Err(redirect(bdc_http::page::STAFF_LOGIN)),
        Some(a) if a.realm != Realm::Staff => Err(message(StatusCode::FORBIDDEN, Some(&a), "没有权限", "系统管理仅对登记中心工作人员开放。", "/")),
        Some(a) => match need {
            Some(p) if !a.can(p) => {
                let text = format!("您的角色没有“{}”权限，请联系系统管理员。", p.name());
                Err(message(StatusCode::FORBIDDEN, Some(&a), "没有权限", &text, "/workbench/admin"))
            }
            _ => Ok(a),
        },
    }
}

/// The answer to a form whose CSRF token is missing or stale.
fn expired(a: &Actor, back: &str) -> Response {
    bdc_http::page::expired(a, back)
}

/// A page shown again after a refused form: 422, so tests and tools see the refusal.
fn refused(mut r: Response) -> Response {
    if r.status() == StatusCode::OK {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// Puts a service error beside its field when the form has that field, else returns it as the
/// page's message.
fn place(e: &ServiceError, fields: &[&'static str], errors: &mut Errors) -> String {
    if let ServiceError::Validation { field: Some(f), message, .. } = e {
        if let Some(k) = fields.iter().find(|k| **k == f.as_str()) {
            errors.insert(k, message.clone());
            return String::new();
        }
    }
    e.to_string()
}

/// A submitted form as name–value pairs, so repeated names (checkboxes) are kept.
/// A submitted form's fields (repeated names kept), as the upload forms read them too.
pub type Fields = bdc_http::forms::Submitted;

/// One card of the overview.
pub struct Card {
    href: &'static str,
    title: &'static str,
    text: &'static str,
}

#[derive(Template)]
#[template(path = "admin_home.html")]
pub struct HomePage {
    chrome: Chrome,
    nav: Nav,
    cards: Vec<Card>,
    /// Years whose 调休 are not entered (calendar administrators only).
    missing_arrangements: Vec<i32>,
}

/// 系统管理 overview: one card per section the user may open.
pub async fn overview(State(state): State<AppState>, PageActor(actor): PageActor) -> Response {
    let a = match allow(actor, None) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let nav = Nav::of(&a, "home");
    let mut cards = Vec::new();
    if nav.users {
        cards.push(Card { href: "/workbench/admin/users", title: "用户管理", text: "新建工作人员账户，修改姓名、角色与启用状态，重置密码，解除登录锁定。" });
    }
    if nav.roles {
        cards.push(Card { href: "/workbench/admin/roles", title: "角色权限", text: "按角色勾选权限；公众角色不能获得工作人员权限。" });
    }
    if nav.calendar {
        cards.push(Card { href: "/workbench/admin/calendar", title: "工作日历", text: "法定节假日、调休上班与办公时间，所有办理时限按此计算。" });
    }
    if nav.rules {
        cards.push(Card { href: "/workbench/admin/rules", title: "规则库", text: "限制验证与审核规则的版本、法律依据与生效日期；签发数据组织规则。" });
    }
    cards.push(Card { href: "/workbench/admin/catalogue", title: "业务目录", text: "全部登记业务的登记类型、办理时限、申请人与申请材料。" });
    let missing_arrangements = bdc_registry::pages::missing_arrangements(&state.services, &a).await;
    render(&HomePage { chrome: Chrome::of(Some(&a), "admin"), nav, cards, missing_arrangements })
}

/// The CSRF check and the 403 page, in one line for each handler.
/// A state-changing form: the permission first, then the session's CSRF token; `back` is where
/// an expired page sends the user.
fn admit(actor: Option<Actor>, need: Option<Permission>, pairs: Vec<(String, String)>, back: &str) -> Result<(Actor, Fields), Response> {
    let a = allow(actor, need)?;
    let f = Fields::from_pairs(pairs);
    if csrf_ok(&a, &f.get("csrf")) {
        Ok((a, f))
    } else {
        Err(expired(&a, back))
    }
}
