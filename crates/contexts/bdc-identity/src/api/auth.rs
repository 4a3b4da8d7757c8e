//! `/api/v1/auth` — login, logout, who am I, change own password (登录与会话).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::auth::{self, SessionKind};
use bdc_core::access::{self, Realm};
use bdc_core::Actor;
use bdc_core::AuditSlot;
use bdc_http::dto::RealmDto;
use bdc_http::extract::ApiJson;
use bdc_http::extract::Client;
use bdc_http::metrics::Metrics;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Gate;
use bdc_http::session::{clear_cookie, session_cookie, Authed};
use bdc_registry::Services;

/// How the client wants to hold the session.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LoginMode {
    /// Browser: an HttpOnly cookie plus a CSRF token for state-changing requests.
    #[default]
    Cookie,
    /// API client: a bearer token in the response body.
    Token,
}

/// 登录请求.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// `staff` (default) or `public`.
    #[serde(default)]
    pub realm: Option<RealmDto>,
    #[serde(default)]
    pub mode: Option<LoginMode>,
}

/// A role as shown to users.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleRef {
    pub code: String,
    pub name: String,
}

/// The logged-in user (当前用户).
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub realm: RealmDto,
    pub roles: Vec<RoleRef>,
    pub permissions: Vec<String>,
}

impl From<&Actor> for Me {
    fn from(a: &Actor) -> Self {
        Me {
            id: a.user_id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            realm: a.realm.into(),
            roles: a.roles.iter().map(|r| RoleRef { code: r.clone(), name: access::role(r).map_or_else(|| r.clone(), |d| d.name.to_owned()) }).collect(),
            permissions: a.permissions.iter().map(|p| p.code().to_owned()).collect(),
        }
    }
}

/// 登录结果.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub user: Me,
    /// Cookie mode: send this in `X-CSRF-Token` with every state-changing request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    /// Token mode: send as `Authorization: Bearer …`. Shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// Logs in. Wrong credentials answer 401 without telling whether the user exists; repeated
/// failures lock the account with back-off (423 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", operation_id = "login",
    request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem), (status = 423, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(services): State<Services>,
    State(metrics): State<std::sync::Arc<Metrics>>,
    State(gate): State<Gate>,
    Extension(slot): Extension<AuditSlot>,
    Client(client): Client,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let realm: Realm = req.realm.unwrap_or(RealmDto::Staff).into();
    let mode = req.mode.unwrap_or_default();
    slot.set_action("login");
    slot.set_attempted(&req.username, realm.as_str());
    if req.username.is_empty() || req.username.len() > 64 || req.password.is_empty() || req.password.len() > 256 {
        slot.set_outcome("failure");
        return Err(Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "用户名或密码错误"));
    }
    let kind = if mode == LoginMode::Token { SessionKind::Bearer } else { SessionKind::Cookie };
    match auth::login(&services, realm, &req.username, &req.password, kind, &client).await {
        Ok(l) => {
            slot.set_actor(&l.actor);
            bdc_http::session::record_actor(&l.actor.username);
            slot.set_detail(if mode == LoginMode::Token { "bearer token issued" } else { "browser session" });
            metrics.login("success");
            let body = LoginResponse {
                user: Me::from(&l.actor),
                csrf_token: (mode == LoginMode::Cookie).then(|| l.csrf_token.clone()),
                token: (mode == LoginMode::Token).then(|| l.token.clone()),
                expires_at: l.expires_at,
            };
            let mut resp = Json(body).into_response();
            if mode == LoginMode::Cookie {
                let max_age = services.security.session_idle_minutes * 60;
                let cookie = session_cookie(&l.token, max_age, gate.cookie_secure());
                resp.headers_mut().insert(header::SET_COOKIE, cookie.parse().map_err(|_| Problem::internal())?);
            }
            resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            Ok(resp)
        }
        Err(e) => {
            slot.set_outcome("failure");
            slot.set_detail(&e.to_string());
            metrics.login("failure");
            Err(e.into())
        }
    }
}

/// Ends the current session (or revokes the bearer token used).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", operation_id = "logout",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout(State(services): State<Services>, State(gate): State<Gate>, Authed(actor): Authed) -> ApiResult<Response> {
    auth::logout(&services, &actor).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie(gate.cookie_secure()).parse().map_err(|_| Problem::internal())?);
    Ok(resp)
}

/// The logged-in user with roles and permissions.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", operation_id = "get_me",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(Authed(actor): Authed) -> Json<Me> {
    Json(Me::from(&actor))
}

/// 修改密码.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub old_password: String,
    pub new_password: String,
}

/// Changes the user's own password; every session of the user ends, this one included.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", operation_id = "change_password",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem), (status = 423, body = Problem), (status = 429, body = Problem)))]
pub async fn change_password(
    State(services): State<Services>,
    State(gate): State<Gate>,
    Authed(actor): Authed,
    Client(client): Client,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> ApiResult<Response> {
    auth::change_own_password(&services, &actor, &client, &req.old_password, &req.new_password).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie(gate.cookie_secure()).parse().map_err(|_| Problem::internal())?);
    Ok(resp)
}
