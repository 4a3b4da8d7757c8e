//! 角色权限 — every role with its permissions as a checkbox matrix, one save button per role.
//! The realm rule of the service (a public role never gets a staff permission) comes back as a
//! Chinese sentence above the matrix, with what the administrator ticked kept.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use bdc_http::page_input::PageForm;
use bdc_http::page_input::PagePath;

use bdc_core::access::{Permission, Realm};
use bdc_identity::service::roles;

use super::{admit, allow, redirect, refused, render, Chrome, Nav, PageActor};
use crate::state::AppState;

/// One column of the matrix.
pub struct Column {
    code: String,
    name: String,
    public: bool,
    granted: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_roles.html")]
pub struct MatrixPage {
    chrome: Chrome,
    nav: Nav,
    /// `(code, Chinese name)` of every permission, in the order of the domain.
    permissions: Vec<(&'static str, &'static str)>,
    columns: Vec<Column>,
    message: String,
    saved: String,
}

async fn page(state: &AppState, a: &bdc_core::Actor, typed: Option<(String, Vec<String>)>, message: String, saved: String) -> Response {
    let list = match roles::list_roles(&state.services, a).await {
        Ok(l) => l,
        Err(e) => return crate::pages::message(axum::http::StatusCode::INTERNAL_SERVER_ERROR, Some(a), "无法加载", &e.to_string(), "/workbench/admin"),
    };
    let columns = list
        .into_iter()
        .map(|r| {
            let granted = match &typed {
                Some((code, ticked)) if *code == r.code => ticked.clone(),
                _ => r.permissions,
            };
            Column { public: r.realm == Realm::Public.as_str(), code: r.code, name: r.name, granted }
        })
        .collect();
    render(&MatrixPage { chrome: Chrome::of(Some(a), "admin"), nav: Nav::of(a, "roles"), permissions: Permission::ALL.iter().map(|p| (p.code(), p.name())).collect(), columns, message, saved })
}

#[derive(Debug, serde::Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
}

pub async fn matrix(State(state): State<AppState>, PageActor(actor): PageActor, axum::extract::Query(q): axum::extract::Query<SavedQuery>) -> Response {
    let a = match allow(actor, Some(Permission::RolesManage)) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let saved = if q.saved.is_empty() {
        String::new()
    } else {
        format!("角色“{}”的权限已保存，持有该角色的用户下次操作时生效。", bdc_core::access::role(&q.saved).map_or(q.saved.as_str(), |r| r.name))
    };
    page(&state, &a, None, String::new(), saved).await
}

/// Replaces one role's grants with the ticked permissions.
pub async fn save(State(state): State<AppState>, PageActor(actor): PageActor, PagePath(code): PagePath<String>, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, f) = match admit(actor, Some(Permission::RolesManage), pairs, "/workbench/admin/roles") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let ticked = f.all("permissions");
    match roles::set_role_permissions(&state.services, &a, &code, &ticked).await {
        Ok(_) => redirect(&format!("/workbench/admin/roles?saved={}", bdc_http::forms::urlencode(&code))),
        Err(e) => {
            let name = bdc_core::access::role(&code).map_or(code.as_str(), |r| r.name).to_owned();
            refused(page(&state, &a, Some((code.clone(), ticked)), format!("角色“{name}”未保存：{e}"), String::new()).await)
        }
    }
}
