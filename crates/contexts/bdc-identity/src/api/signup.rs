//! `/api/v1/portal/sign-up…` — 注册 as a JSON API: the one-time code, then the account with its
//! real-name verification (公安 人证比对, or the 法定代表人's check plus the enterprise registry).
//! Open to anyone, like the page, and limited the same way (per phone number and per address).

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::Json;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::signup::{self as svc, SignUp};
use bdc_core::AuditSlot;

use bdc_http::extract::ApiJson;
use bdc_http::extract::Client;
use bdc_http::problem::{ApiResult, Problem};
use bdc_registry::Services;

/// The photo of a request, from base64; empty when none was given (the service says it is missing).
fn photo_of(b64: &str) -> Result<Vec<u8>, Problem> {
    if b64.trim().is_empty() {
        return Ok(Vec::new());
    }
    let bad = "照片须为 base64 编码的 JPEG 或 PNG";
    base64::engine::general_purpose::STANDARD.decode(b64.trim().as_bytes()).map_err(|_| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_photo", bad).with_field("photo", bad))
}

/// Where to send the one-time code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUpCodeRequest {
    /// 11-digit mobile number.
    #[serde(default)]
    pub phone: String,
}

/// Sends the sign-up code by SMS (10 minutes, 5 tries; at most one a minute per number).
#[utoipa::path(post, path = "/api/v1/portal/sign-up/code", tag = "portal", operation_id = "portal_sign_up_code",
    request_body = SignUpCodeRequest,
    responses((status = 202, description = "验证码已发送"), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn portal_sign_up_code(State(services): State<Services>, Client(client): Client, ApiJson(r): ApiJson<SignUpCodeRequest>) -> ApiResult<StatusCode> {
    svc::send_code(&services, &r.phone, &client.addr).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A sign-up (注册实名账户).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUpRequest {
    /// person, enterprise, institution or agent.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    /// 姓名 or 单位名称.
    #[serde(default)]
    pub name: String,
    /// 公民身份号码 (person, agent) or 统一社会信用代码 (enterprise, institution).
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    /// The SMS code.
    #[serde(default)]
    pub code: String,
    /// The live photo for 人证比对 (the applicant's, or the 法定代表人's), base64 JPEG or PNG.
    #[serde(default)]
    pub photo: String,
    /// Enterprise and institution: 法定代表人（负责人）.
    #[serde(default)]
    pub representative_name: String,
    #[serde(default)]
    pub representative_id: String,
}

/// The account created.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedUpDto {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
}

/// Creates a real-name public account. A failed verification answers `not_verified` whatever
/// failed (name, number or photo), and uses up a try of the code.
#[utoipa::path(post, path = "/api/v1/portal/sign-up", tag = "portal", operation_id = "portal_sign_up",
    request_body = SignUpRequest,
    responses((status = 201, body = SignedUpDto), (status = 400, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem), (status = 503, body = Problem)))]
pub async fn portal_sign_up(
    State(services): State<Services>,
    Extension(slot): Extension<AuditSlot>,
    Client(client): Client,
    ApiJson(r): ApiJson<SignUpRequest>,
) -> ApiResult<(StatusCode, Json<SignedUpDto>)> {
    slot.set_action("signup");
    slot.set_attempted(r.username.trim(), "public");
    let photo = photo_of(&r.photo)?;
    let cmd = SignUp {
        kind: r.kind,
        username: r.username.trim().to_owned(),
        password_again: r.password.clone(),
        password: r.password,
        name: r.name,
        id_number: r.id_number,
        phone: r.phone,
        code: r.code,
        photo,
        representative_name: r.representative_name,
        representative_id: r.representative_id,
    };
    let errors = svc::check_sign_up(&cmd);
    if !errors.is_empty() {
        let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_sign_up", errors[0].1.clone());
        for (field, message) in &errors {
            p = p.with_field(field, message);
        }
        return Err(p);
    }
    let user = svc::sign_up(&services, cmd, &client.addr, Some(slot)).await?;
    Ok((StatusCode::CREATED, Json(SignedUpDto { user_id: user.id, username: user.username, display_name: user.display_name })))
}

/// 实名认证 of an account signed up before real-name was proven by the authority.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RealNameRequest {
    /// The live photo (the person's, or the 法定代表人's), base64 JPEG or PNG.
    #[serde(default)]
    pub photo: String,
    #[serde(default)]
    pub representative_name: String,
    #[serde(default)]
    pub representative_id: String,
}

/// Proves the link of the caller's account to its party through the identity authority; until
/// then the account reaches none of the party's data (the portal's other routes answer 403).
#[utoipa::path(post, path = "/api/v1/portal/real-name", tag = "portal", operation_id = "portal_real_name",
    security(("bearer" = []), ("cookie" = [])),
    request_body = RealNameRequest,
    responses((status = 204, description = "实名认证成功"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem), (status = 503, body = Problem)))]
pub async fn portal_real_name(State(services): State<Services>, bdc_http::session::Authed(actor): bdc_http::session::Authed, ApiJson(r): ApiJson<RealNameRequest>) -> ApiResult<StatusCode> {
    let photo = photo_of(&r.photo)?;
    svc::verify_my_account(&services, &actor, svc::RealName { photo, representative_name: r.representative_name, representative_id: r.representative_id }).await?;
    Ok(StatusCode::NO_CONTENT)
}
