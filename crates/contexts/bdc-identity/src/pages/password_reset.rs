//! 忘记密码 pages of the public door: `/password/forgot` asks for the user name and sends the code
//! (the same answer whatever the account), `/password/reset` takes the code and the new password
//! twice, each problem beside its field. They call [`crate::service::password_reset`] only.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bdc_core::{AuditSlot, ServiceError};
use bdc_http::extract::Client;
use bdc_http::page::{limited, render, Chrome, Errors};
use bdc_http::page_input::PageForm;
use bdc_http::session::PageActor;
use bdc_registry::Services;
use serde::Deserialize;

use crate::service::password_reset::{self as svc, PasswordReset};

/// Step 1 (获取验证码).
#[derive(Template)]
#[template(path = "password_forgot.html")]
pub struct ForgotPage {
    chrome: Chrome,
    username: String,
    errors: Errors,
    message: String,
}

/// Step 2 (重置密码), or its outcome when `done`.
#[derive(Template)]
#[template(path = "password_reset.html")]
pub struct ResetPage {
    chrome: Chrome,
    /// The answer to step 1, shown above the form.
    notice: &'static str,
    username: String,
    errors: Errors,
    message: String,
    done: bool,
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    username: String,
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

fn with_status(mut r: Response, status: StatusCode) -> Response {
    *r.status_mut() = status;
    r
}

/// `GET /password/forgot`.
pub async fn forgot_form(PageActor(actor): PageActor) -> Response {
    render(&ForgotPage { chrome: Chrome::of(actor.as_ref(), "login"), username: String::new(), errors: Errors::new(), message: String::new() })
}

/// `POST /password/forgot`: sends the code if there is an account to send it to, and answers
/// step 2 with the one sentence that does not say which.
pub async fn forgot(State(services): State<Services>, axum::Extension(slot): axum::Extension<AuditSlot>, Client(client): Client, PageForm(f): PageForm<ForgotForm>) -> Response {
    slot.set_action("password_reset_code");
    slot.set_attempted(f.username.trim(), "public");
    match svc::send_reset_code(&services, &f.username, &client.addr).await {
        Ok(()) => render(&ResetPage { chrome: Chrome::default(), notice: svc::CODE_SENT, username: f.username.trim().to_owned(), errors: Errors::new(), message: String::new(), done: false }),
        Err(e) => {
            slot.set_outcome("failure");
            let mut errors = Errors::new();
            let mut message = String::new();
            match &e {
                ServiceError::Validation { message: m, .. } => {
                    errors.insert("username", m.clone());
                }
                other => message = other.to_string(),
            }
            let r = with_status(render(&ForgotPage { chrome: Chrome::default(), username: f.username.clone(), errors, message }), StatusCode::UNPROCESSABLE_ENTITY);
            limited(r, &e)
        }
    }
}

/// `GET /password/reset`: step 2 for whoever already has a code.
pub async fn reset_form(PageActor(actor): PageActor) -> Response {
    render(&ResetPage { chrome: Chrome::of(actor.as_ref(), "login"), notice: "", username: String::new(), errors: Errors::new(), message: String::new(), done: false })
}

/// The fields of the reset form, where a problem is shown.
const FIELDS: [&str; 4] = ["username", "code", "password", "password_again"];

/// `POST /password/reset`: the new password, or the form again with each problem beside its
/// field (a refused code beside the code; nothing changed).
pub async fn reset(State(services): State<Services>, axum::Extension(slot): axum::Extension<AuditSlot>, Client(client): Client, PageForm(f): PageForm<ResetForm>) -> Response {
    slot.set_action("password_reset");
    slot.set_attempted(f.username.trim(), "public");
    let cmd = PasswordReset { username: f.username.clone(), code: f.code.clone(), password: f.password.clone(), password_again: f.password_again.clone() };
    let mut errors: Errors = svc::check_reset(&cmd).into_iter().collect();
    let mut message = String::new();
    let mut refused = None;
    if errors.is_empty() {
        match svc::reset_password(&services, &cmd, &client.addr, Some(slot.clone())).await {
            Ok(()) => return render(&ResetPage { chrome: Chrome::default(), notice: "", username: String::new(), errors, message, done: true }),
            Err(ServiceError::Validation { field: Some(field), message: m, .. }) => {
                errors.insert(FIELDS.into_iter().find(|k| *k == field).unwrap_or("code"), m);
            }
            Err(e) => {
                message = e.to_string();
                refused = Some(e);
            }
        }
    }
    slot.set_outcome("failure");
    let r = with_status(render(&ResetPage { chrome: Chrome::default(), notice: "", username: f.username.trim().to_owned(), errors, message, done: false }), StatusCode::UNPROCESSABLE_ENTITY);
    match refused {
        Some(e) => limited(r, &e),
        None => r,
    }
}
