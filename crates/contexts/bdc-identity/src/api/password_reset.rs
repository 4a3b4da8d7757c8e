//! `/api/v1/auth/password-reset…` — 忘记密码 for the city app: the code to the account's phone,
//! then the new password with it. Open to anyone, like the pages, with the same uninformative
//! answers: 202 to every request for a code, one `code_refused` for every refused code.

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::service::password_reset::{self as svc, PasswordReset};
use bdc_core::AuditSlot;
use bdc_http::extract::{ApiJson, Client};
use bdc_http::problem::{ApiResult, Problem};
use bdc_registry::Services;

/// Whose password is forgotten (忘记密码：获取验证码).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetCodeRequest {
    /// The public account's user name.
    #[serde(default)]
    pub username: String,
}

/// Sends a reset code to the phone the public account was signed up with, if there is such an
/// account. The answer is 202 whether or not a code went out (unknown user name, staff account,
/// no phone, limits per user name and number): only a source address that floods gets 429.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/code", tag = "auth", operation_id = "send_password_reset_code",
    request_body = PasswordResetCodeRequest,
    responses((status = 202, description = "如该账户存在且绑定了手机，验证码已发送至其绑定的手机"), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn send_password_reset_code(
    State(services): State<Services>,
    Extension(slot): Extension<AuditSlot>,
    Client(client): Client,
    ApiJson(r): ApiJson<PasswordResetCodeRequest>,
) -> ApiResult<StatusCode> {
    slot.set_action("password_reset_code");
    slot.set_attempted(r.username.trim(), "public");
    svc::send_reset_code(&services, &r.username, &client.addr).await?;
    Ok(StatusCode::ACCEPTED)
}

/// The new password with the reset code (重置密码).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[serde(default)]
    pub username: String,
    /// The 6-digit SMS code.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub new_password: String,
}

/// Sets the new password: the lock-out is cleared and every session of the user ends. A wrong,
/// expired or spent code — or an account that does not exist — answers 422 `code_refused` on
/// the field `code`, and nothing changes.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", operation_id = "reset_forgotten_password",
    request_body = PasswordResetRequest,
    responses((status = 204, description = "密码已重置"), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn reset_forgotten_password(
    State(services): State<Services>,
    Extension(slot): Extension<AuditSlot>,
    Client(client): Client,
    ApiJson(r): ApiJson<PasswordResetRequest>,
) -> ApiResult<StatusCode> {
    slot.set_action("password_reset");
    slot.set_attempted(r.username.trim(), "public");
    let cmd = PasswordReset { username: r.username, code: r.code, password_again: r.new_password.clone(), password: r.new_password };
    let errors = svc::check_reset(&cmd);
    if let Some((_, first)) = errors.first() {
        let p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_reset", first.clone());
        // The API has one password field: the form's `password` is `new_password` here.
        return Err(errors.iter().fold(p, |p, (field, message)| p.with_field(if *field == "password" { "new_password" } else { field }, message)));
    }
    svc::reset_password(&services, &cmd, &client.addr, Some(slot)).await?;
    Ok(StatusCode::NO_CONTENT)
}
