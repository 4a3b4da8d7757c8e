//! `/api/v1/admin/roles`, `/api/v1/admin/permissions` — roles and what they grant (角色权限).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::roles;
use crate::service::roles::RoleRecord;
use bdc_core::access::Permission;

use bdc_http::extract::{paging, ApiJson, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;
use bdc_registry::Services;

/// A role and the permissions it grants.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    pub code: String,
    pub name: String,
    pub realm: String,
    pub builtin: bool,
    pub permissions: Vec<String>,
}

impl From<RoleRecord> for RoleDto {
    fn from(r: RoleRecord) -> Self {
        RoleDto { code: r.code, name: r.name, realm: r.realm, builtin: r.builtin, permissions: r.permissions }
    }
}

/// A permission that roles can grant.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionDto {
    pub code: String,
    pub name: String,
    /// The realm whose roles may hold it.
    pub realm: String,
}

/// Page of a short list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Lists the roles.
#[utoipa::path(get, path = "/api/v1/admin/roles", tag = "admin", operation_id = "list_roles",
    security(("bearer" = []), ("cookie" = [])), params(PageQuery),
    responses((status = 200, body = PageDto<RoleDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_roles(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<PageDto<RoleDto>>> {
    let page = paging(q.page, q.per_page)?;
    let all = roles::list_roles(&services, &actor).await?;
    Ok(Json(PageDto::slice(all.into_iter().map(RoleDto::from).collect(), page)))
}

/// Lists the permissions that exist.
#[utoipa::path(get, path = "/api/v1/admin/permissions", tag = "admin", operation_id = "list_permissions",
    security(("bearer" = []), ("cookie" = [])), params(PageQuery),
    responses((status = 200, body = PageDto<PermissionDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_permissions(Authed(actor): Authed, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<PageDto<PermissionDto>>> {
    actor.require(Permission::RolesManage)?;
    let page = paging(q.page, q.per_page)?;
    let all = Permission::ALL.iter().map(|p| PermissionDto { code: p.code().into(), name: p.name().into(), realm: p.realm().as_str().into() }).collect();
    Ok(Json(PageDto::slice(all, page)))
}

/// Path of one role.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RolePath {
    /// Role code, e.g. `review`.
    pub code: String,
}

/// 设置角色权限: the complete new set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPermissionsRequest {
    pub permissions: Vec<String>,
}

/// Replaces the permissions a role grants.
#[utoipa::path(put, path = "/api/v1/admin/roles/{code}/permissions", tag = "admin", operation_id = "set_role_permissions",
    security(("bearer" = []), ("cookie" = [])), params(RolePath), request_body = SetPermissionsRequest,
    responses((status = 200, body = RoleDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_role_permissions(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<RolePath>, ApiJson(req): ApiJson<SetPermissionsRequest>) -> ApiResult<Json<RoleDto>> {
    Ok(Json(roles::set_role_permissions(&services, &actor, &p.code, &req.permissions).await?.into()))
}
