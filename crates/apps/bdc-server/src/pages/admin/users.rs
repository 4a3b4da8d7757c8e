//! 用户管理 — the user list with search and paging, a new staff account, and one account's
//! page: name, roles, 启用/停用, password reset, unlocking a locked-out account.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use bdc_http::page_input::PageForm;
use bdc_http::page_input::PagePath;
use chrono::Utc;
use serde::Deserialize;

use bdc_core::access::{self, Permission, Realm};
use bdc_db::PageRequest;
use bdc_identity::service::users::{self, CreateUser, UpdateUser};
use bdc_identity::service::users::{UserFilter, UserRecord};

use super::{admit, allow, place, redirect, refused, render, Chrome, Errors, Nav, PageActor};
use crate::pages::{beijing, message};
use crate::state::AppState;

const PER_PAGE: u32 = 20;

/// A role's Chinese name (the code when it is not a built-in role).
fn role_name(code: &str) -> String {
    access::role(code).map_or_else(|| code.to_owned(), |r| r.name.to_owned())
}

/// `(code, name)` of the built-in roles of a realm, for checkboxes.
fn roles_of(realm: Realm) -> Vec<(&'static str, &'static str)> {
    access::ROLES.iter().filter(|r| r.realm == realm).map(|r| (r.code, r.name)).collect()
}

fn locked(u: &UserRecord) -> Option<String> {
    u.locked_until.filter(|t| *t > Utc::now()).map(|t| beijing(&bdc_db::format_time(t)))
}

/// One row of the list.
pub struct Row {
    id: i64,
    username: String,
    display_name: String,
    realm: &'static str,
    roles: String,
    disabled: bool,
    locked_until: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    realm: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    status: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct ListPage {
    chrome: Chrome,
    nav: Nav,
    query: ListQuery,
    all_roles: &'static [access::RoleDef],
    rows: Vec<Row>,
    total: i64,
    page: u32,
    pages: u32,
    /// The query string without the page, for the paging links.
    keep: String,
    message: String,
}

/// The user list: search by name, filter by realm, role and status, 20 a page.
pub async fn list(State(state): State<AppState>, PageActor(actor): PageActor, Query(q): Query<ListQuery>) -> Response {
    let a = match allow(actor, Some(Permission::UsersManage)) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = UserFilter {
        realm: some(&q.realm).filter(|r| r == "staff" || r == "public"),
        q: some(&q.q),
        role: some(&q.role),
        status: some(&q.status).filter(|s| s == "active" || s == "disabled"),
        locked_at: (q.status == "locked").then(Utc::now),
    };
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let (rows, total, message) = match users::list_users(&state.services, &a, filter, PageRequest { page, per_page: PER_PAGE }).await {
        Ok(p) => (
            p.items
                .iter()
                .map(|u| Row {
                    id: u.id,
                    username: u.username.clone(),
                    display_name: u.display_name.clone(),
                    realm: if u.realm == "staff" { "工作人员" } else { "公众" },
                    roles: u.roles.iter().map(|r| role_name(r)).collect::<Vec<_>>().join("、"),
                    disabled: u.status == "disabled",
                    locked_until: locked(u),
                })
                .collect(),
            p.total,
            String::new(),
        ),
        Err(e) => (Vec::new(), 0, e.to_string()),
    };
    let pages = u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE)).unwrap_or(1).max(1);
    let keep = form_urlencoded::Serializer::new(String::new()).append_pair("q", &q.q).append_pair("realm", &q.realm).append_pair("role", &q.role).append_pair("status", &q.status).finish();
    render(&ListPage { chrome: Chrome::of(Some(&a), "admin"), nav: Nav::of(&a, "users"), query: q, all_roles: access::ROLES, rows, total, page, pages, keep, message })
}

/// What the new-account form holds (the password is never sent back).
#[derive(Debug, Default)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    roles: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_user_new.html")]
pub struct NewPage {
    chrome: Chrome,
    nav: Nav,
    form: NewUserForm,
    roles: Vec<(&'static str, &'static str)>,
    errors: Errors,
    message: String,
}

fn new_page(a: &bdc_core::Actor, form: NewUserForm, errors: Errors, message: String) -> Response {
    render(&NewPage { chrome: Chrome::of(Some(a), "admin"), nav: Nav::of(a, "users"), form, roles: roles_of(Realm::Staff), errors, message })
}

pub async fn new_form(PageActor(actor): PageActor) -> Response {
    match allow(actor, Some(Permission::UsersManage)) {
        Ok(a) => new_page(&a, NewUserForm::default(), Errors::new(), String::new()),
        Err(r) => r,
    }
}

/// Creates a staff account; on a refusal the form comes back with the error beside its field.
pub async fn create(State(state): State<AppState>, PageActor(actor): PageActor, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, f) = match admit(actor, Some(Permission::UsersManage), pairs, "/workbench/admin/users/new") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = NewUserForm { username: f.get("username").trim().to_owned(), display_name: f.get("display_name"), roles: f.all("roles") };
    let mut errors = Errors::new();
    if form.username.is_empty() {
        errors.insert("username", "请填写用户名".into());
    }
    if form.display_name.trim().is_empty() {
        errors.insert("display_name", "请填写姓名".into());
    }
    let password = f.get("password");
    if password.is_empty() {
        errors.insert("password", "请填写初始密码".into());
    } else if password != f.get("password_again") {
        errors.insert("password_again", "两次输入的密码不一致".into());
    }
    if form.roles.is_empty() {
        errors.insert("roles", "请至少选择一个角色".into());
    }
    let mut message = String::new();
    if errors.is_empty() {
        let cmd = CreateUser { realm: Realm::Staff, username: form.username.clone(), display_name: form.display_name.clone(), password, roles: form.roles.clone() };
        match users::create_user(&state.services, &a, cmd).await {
            Ok(u) => return redirect(&format!("/workbench/admin/users/{}?done=created", u.id)),
            Err(bdc_core::ServiceError::Conflict { message: m, .. }) => {
                errors.insert("username", m);
            }
            Err(e) => message = place(&e, &["username", "display_name", "password", "roles"], &mut errors),
        }
    }
    refused(new_page(&a, form, errors, message))
}

#[derive(Template)]
#[template(path = "admin_user.html")]
pub struct EditPage {
    chrome: Chrome,
    nav: Nav,
    id: i64,
    username: String,
    realm: &'static str,
    created_at: String,
    password_changed_at: String,
    failed_logins: i64,
    locked_until: Option<String>,
    version: i64,
    display_name: String,
    status: String,
    roles: Vec<String>,
    all_roles: Vec<(&'static str, &'static str)>,
    errors: Errors,
    password_errors: Errors,
    message: String,
    done: String,
}

/// What the account page shows besides the account: what was typed, errors, messages.
#[derive(Default)]
struct Shown {
    typed: Option<Typed>,
    errors: Errors,
    password_errors: Errors,
    message: String,
    done: String,
}

/// What the edit form sent, kept when it is refused.
struct Typed {
    display_name: String,
    status: String,
    roles: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn done_text(code: &str) -> String {
    match code {
        "created" => "账户已创建，可以用初始密码登录。",
        "saved" => "已保存。角色或状态的变更在该用户下次操作时生效。",
        "password" => "密码已重置，该用户的登录会话已全部退出。",
        "unlocked" => "已解除锁定，该用户可以立即登录。",
        _ => "",
    }
    .to_owned()
}

async fn edit_page(state: &AppState, a: &bdc_core::Actor, id: i64, shown: Shown) -> Response {
    let Shown { typed, errors, password_errors, message: message_text, done } = shown;
    let u = match users::get_user(&state.services, a, id).await {
        Ok(u) => u,
        Err(e) => return message(axum::http::StatusCode::NOT_FOUND, Some(a), "用户不存在", &e.to_string(), "/workbench/admin/users"),
    };
    let realm = if u.realm == "staff" { Realm::Staff } else { Realm::Public };
    let typed = typed.unwrap_or(Typed { display_name: u.display_name.clone(), status: u.status.clone(), roles: u.roles.clone() });
    render(&EditPage {
        chrome: Chrome::of(Some(a), "admin"),
        nav: Nav::of(a, "users"),
        id: u.id,
        realm: if realm == Realm::Staff { "工作人员" } else { "公众" },
        created_at: beijing(&bdc_db::format_time(u.created_at)),
        password_changed_at: beijing(&bdc_db::format_time(u.password_changed_at)),
        failed_logins: u.failed_logins,
        locked_until: locked(&u),
        version: u.version,
        display_name: typed.display_name,
        status: typed.status,
        roles: typed.roles,
        all_roles: roles_of(realm),
        username: u.username,
        errors,
        password_errors,
        message: message_text,
        done: done_text(&done),
    })
}

pub async fn edit_form(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, Query(q): Query<DoneQuery>) -> Response {
    match allow(actor, Some(Permission::UsersManage)) {
        Ok(a) => edit_page(&state, &a, id, Shown { done: q.done, ..Shown::default() }).await,
        Err(r) => r,
    }
}

/// Saves name, roles and status, guarded by the version the form was read at.
pub async fn update(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let back = format!("/workbench/admin/users/{id}");
    let (a, f) = match admit(actor, Some(Permission::UsersManage), pairs, &back) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let typed = Typed { display_name: f.get("display_name"), status: f.get("status"), roles: f.all("roles") };
    let cmd = UpdateUser { display_name: Some(typed.display_name.clone()), status: Some(typed.status.clone()), roles: Some(typed.roles.clone()), version: f.get("version").parse().ok() };
    match users::update_user(&state.services, &a, id, cmd).await {
        Ok(_) => redirect(&format!("{back}?done=saved")),
        Err(e) => {
            let mut errors = Errors::new();
            let text = place(&e, &["display_name", "status", "roles"], &mut errors);
            refused(edit_page(&state, &a, id, Shown { typed: Some(typed), errors, message: text, ..Shown::default() }).await)
        }
    }
}

/// Sets a new password chosen by the administrator; the user's sessions end.
pub async fn reset_password(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let back = format!("/workbench/admin/users/{id}");
    let (a, f) = match admit(actor, Some(Permission::UsersManage), pairs, &back) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (password, again) = (f.get("new_password"), f.get("new_password_again"));
    let mut errors = Errors::new();
    if password.is_empty() {
        errors.insert("new_password", "请填写新密码".into());
    } else if password != again {
        errors.insert("new_password_again", "两次输入的密码不一致".into());
    } else if let Err(e) = users::reset_password(&state.services, &a, id, &password).await {
        match e {
            bdc_core::ServiceError::Validation { message: m, .. } => {
                errors.insert("new_password", m);
            }
            other => return refused(edit_page(&state, &a, id, Shown { message: other.to_string(), ..Shown::default() }).await),
        }
    }
    if errors.is_empty() {
        return redirect(&format!("{back}?done=password"));
    }
    refused(edit_page(&state, &a, id, Shown { password_errors: errors, ..Shown::default() }).await)
}

/// Lifts a lock-out before it expires.
pub async fn unlock(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let back = format!("/workbench/admin/users/{id}");
    let (a, _) = match admit(actor, Some(Permission::UsersManage), pairs, &back) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match users::unlock_user(&state.services, &a, id).await {
        Ok(_) => redirect(&format!("{back}?done=unlocked")),
        Err(e) => refused(edit_page(&state, &a, id, Shown { message: e.to_string(), ..Shown::default() }).await),
    }
}
