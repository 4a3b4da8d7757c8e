//! `/api/v1/admin/users` — user administration (用户管理), for 系统管理.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::users::{self, CreateUser, UpdateUser};
use crate::service::users::{UserFilter, UserRecord};

use bdc_http::dto::RealmDto;
use bdc_http::extract::{paging, ApiJson, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;
use bdc_registry::Services;

/// An account as administrators see it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub realm: String,
    pub username: String,
    pub display_name: String,
    /// `active` (启用) or `disabled` (停用).
    pub status: String,
    pub roles: Vec<String>,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub password_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Send back with a change; a stale version is refused (409).
    pub version: i64,
}

impl From<UserRecord> for UserDto {
    fn from(u: UserRecord) -> Self {
        UserDto {
            id: u.id,
            realm: u.realm,
            username: u.username,
            display_name: u.display_name,
            status: u.status,
            roles: u.roles,
            failed_logins: u.failed_logins,
            locked_until: u.locked_until,
            password_changed_at: u.password_changed_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        }
    }
}

/// Filter and page of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    pub realm: Option<RealmDto>,
    /// Part of the user name or display name.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Lists accounts.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", operation_id = "list_users",
    security(("bearer" = []), ("cookie" = [])), params(UserQuery),
    responses((status = 200, body = PageDto<UserDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_users(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<UserQuery>) -> ApiResult<Json<PageDto<UserDto>>> {
    let page = paging(q.page, q.per_page)?;
    let filter = UserFilter { realm: q.realm.map(|r| bdc_core::access::Realm::from(r).as_str().to_owned()), q: q.q.filter(|s| !s.is_empty()), ..UserFilter::default() };
    let p = users::list_users(&services, &actor, filter, page).await?;
    Ok(Json(PageDto::map(p, UserDto::from)))
}

/// 新建用户.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub realm: RealmDto,
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// Role codes, e.g. `intake`, `review`; they must belong to the realm.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", operation_id = "create_user",
    security(("bearer" = []), ("cookie" = [])), request_body = CreateUserRequest,
    responses((status = 201, body = UserDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(State(services): State<Services>, Authed(actor): Authed, ApiJson(req): ApiJson<CreateUserRequest>) -> ApiResult<(StatusCode, Json<UserDto>)> {
    let u = users::create_user(&services, &actor, CreateUser { realm: req.realm.into(), username: req.username, display_name: req.display_name, password: req.password, roles: req.roles }).await?;
    Ok((StatusCode::CREATED, Json(u.into())))
}

/// Path of one user.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UserPath {
    /// User id.
    pub id: i64,
}

/// One account.
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "admin", operation_id = "get_user",
    security(("bearer" = []), ("cookie" = [])), params(UserPath),
    responses((status = 200, body = UserDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_user(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<UserPath>) -> ApiResult<Json<UserDto>> {
    Ok(Json(users::get_user(&services, &actor, p.id).await?.into()))
}

/// 修改用户: any of the fields; absent ones stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub display_name: Option<String>,
    /// `active` or `disabled`. Disabling ends the user's sessions.
    pub status: Option<String>,
    /// The complete new set of role codes. A change ends the user's sessions.
    pub roles: Option<Vec<String>>,
    /// The version read before; when given, a concurrent change is refused with 409.
    pub version: Option<i64>,
}

/// Changes an account.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", operation_id = "update_user",
    security(("bearer" = []), ("cookie" = [])), params(UserPath), request_body = UpdateUserRequest,
    responses((status = 200, body = UserDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_user(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<UserPath>, ApiJson(req): ApiJson<UpdateUserRequest>) -> ApiResult<Json<UserDto>> {
    let cmd = UpdateUser { display_name: req.display_name, status: req.status, roles: req.roles, version: req.version };
    Ok(Json(users::update_user(&services, &actor, p.id, cmd).await?.into()))
}

/// 重置密码.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub password: String,
}

/// Sets a new password for a user; the user's sessions end.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password", tag = "admin", operation_id = "reset_password",
    security(("bearer" = []), ("cookie" = [])), params(UserPath), request_body = ResetPasswordRequest,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_password(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<UserPath>, ApiJson(req): ApiJson<ResetPasswordRequest>) -> ApiResult<StatusCode> {
    users::reset_password(&services, &actor, p.id, &req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lifts a lock-out after repeated failed logins.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/unlock", tag = "admin", operation_id = "unlock_user",
    security(("bearer" = []), ("cookie" = [])), params(UserPath),
    responses((status = 200, body = UserDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn unlock_user(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<UserPath>) -> ApiResult<Json<UserDto>> {
    Ok(Json(users::unlock_user(&services, &actor, p.id).await?.into()))
}
