//! `POST /api/v1/portal/cases/{id}/withdraw` — 撤回 of the caller's online case before 受理.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::portal::PortalUser;
use bdc_http::extract::{ApiJson, ApiPath};
use bdc_http::problem::{ApiResult, Problem};
use bdc_registry::service::dto::{case_dto, CaseDto};
use bdc_registry::Services;

/// 撤回申请: why the applicant takes the case back (optional, at most 200 characters).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawCaseRequest {
    #[serde(default)]
    pub reason: String,
}

/// Withdraws (撤回) the caller's own online case while it still waits for 受理; afterwards the
/// registration office decides (409).
#[utoipa::path(post, path = "/api/v1/portal/cases/{id}/withdraw", tag = "portal", operation_id = "portal_withdraw_case",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Case id")), request_body = WithdrawCaseRequest,
    responses((status = 200, body = CaseDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_withdraw_case(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>, ApiJson(r): ApiJson<WithdrawCaseRequest>) -> ApiResult<Json<CaseDto>> {
    Ok(Json(case_dto(crate::service::applications::withdraw_case(&services, &actor, id, &r.reason).await?)))
}
