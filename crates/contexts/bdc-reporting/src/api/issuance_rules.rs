//! `/api/v1/issuance-rules` — issuance-data normalisation rules (签发数据组织规则, A4.4).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::issuance;

use bdc_http::extract::{paging, ApiJson, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;
use bdc_registry::Services;

/// A normalisation rule, applied in id order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuanceRuleDto {
    #[serde(default)]
    pub id: i64,
    /// Exchange table (e.g. `ZTT_GY_QLR`) or `*`.
    pub table: String,
    /// Field (attribute), e.g. `BDCQZH`.
    pub field: String,
    /// default (补充字段值), separator (统一连接符), map (值规范, `from=>to;…`), halfwidth, trim.
    pub action: String,
    #[serde(default)]
    pub param: String,
}

/// Page of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IssuanceQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The rules, in the order they apply.
#[utoipa::path(get, path = "/api/v1/issuance-rules", tag = "rules", operation_id = "list_issuance_rules",
    security(("bearer" = []), ("cookie" = [])), params(IssuanceQuery),
    responses((status = 200, body = PageDto<IssuanceRuleDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_issuance_rules(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<IssuanceQuery>) -> ApiResult<Json<PageDto<IssuanceRuleDto>>> {
    let page = paging(q.page, q.per_page)?;
    let rules = issuance::list(&services, &actor).await?;
    Ok(Json(PageDto::slice(rules.into_iter().map(|(id, table, field, action, param)| IssuanceRuleDto { id, table, field, action, param }).collect(), page)))
}

/// Adds a rule at the end of the order.
#[utoipa::path(post, path = "/api/v1/issuance-rules", tag = "rules", operation_id = "create_issuance_rule",
    security(("bearer" = []), ("cookie" = [])), request_body = IssuanceRuleDto,
    responses((status = 201, body = IssuanceRuleDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_issuance_rule(State(services): State<Services>, Authed(actor): Authed, ApiJson(r): ApiJson<IssuanceRuleDto>) -> ApiResult<(StatusCode, Json<IssuanceRuleDto>)> {
    let id = issuance::add(&services, &actor, &r.table, &r.field, &r.action, &r.param).await?;
    Ok((StatusCode::CREATED, Json(IssuanceRuleDto { id, ..r })))
}

/// Path of one rule.
#[derive(Debug, Deserialize, IntoParams)]
pub struct IssuancePath {
    pub id: i64,
}

/// Removes a rule.
#[utoipa::path(delete, path = "/api/v1/issuance-rules/{id}", tag = "rules", operation_id = "delete_issuance_rule",
    security(("bearer" = []), ("cookie" = [])), params(IssuancePath),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_issuance_rule(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<IssuancePath>) -> ApiResult<StatusCode> {
    issuance::remove(&services, &actor, p.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
