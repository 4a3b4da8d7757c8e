//! The printed documents for the city app (打印文书): a case's 受理回执, 补正告知书, 退件告知书 or
//! 申请书, and the caller's own 有房／无房证明 — each the same signed PDF the portal pages give
//! ([`bdc_registry::service::documents`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::api::files::file_response;
use crate::api::portal::PortalUser;
use bdc_http::extract::{ApiPath, Client};
use bdc_http::problem::{ApiResult, Problem};
use bdc_registry::service::documents::{self, DocumentKind};
use bdc_registry::Services;

/// A case's document as a PDF (`kind`: `receipt` 受理回执, `correction` 补正告知书 — only in 补正,
/// `rejection` 退件告知书 — only once returned, `application` 申请书), for the case's own people.
#[utoipa::path(get, path = "/api/v1/portal/cases/{id}/documents/{kind}", tag = "portal", operation_id = "portal_case_document",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "Case id"), ("kind" = String, Path, description = "receipt | correction | rejection | application")),
    responses((status = 200, description = "文书 PDF", content_type = "application/pdf"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn portal_case_document(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath((id, kind)): ApiPath<(i64, String)>) -> ApiResult<Response> {
    let kind = DocumentKind::parse(&kind).filter(|k| *k != DocumentKind::HousingProof).ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "not_found", "没有这种文书"))?;
    let issued = documents::case_document(&services, &actor, id, kind, crate::pages::proofs::form_labels).await?;
    let name = issued.file_name();
    Ok(file_response("application/pdf", &name, &name, issued.pdf))
}

/// 开具有房／无房证明: the caller's own 不动产登记资料查询结果证明 as a PDF (logged as a public query,
/// rate-limited).
#[utoipa::path(post, path = "/api/v1/portal/proofs/housing", tag = "portal", operation_id = "portal_housing_proof",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "查询结果证明 PDF", content_type = "application/pdf"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 429, body = Problem)))]
pub async fn portal_housing_proof(State(services): State<Services>, PortalUser(actor): PortalUser, Client(client): Client) -> ApiResult<Response> {
    let issued = documents::housing_proof(&services, &actor, &client.addr).await?;
    let name = issued.file_name();
    Ok(file_response("application/pdf", &name, &name, issued.pdf))
}
