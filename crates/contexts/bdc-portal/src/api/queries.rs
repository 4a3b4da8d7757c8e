//! `/api/v1/portal/…` — the portal's queries as a JSON API (B5): 登记资料档案查询 (the caller's
//! own units and past cases), 利害关系人查询 (apply with evidence, follow the decision, read the
//! limited result), 证书真伪查询 (public, rate-limited like the page) and the caller's electronic
//! certificates as PDF. The use cases are the pages' own ([`crate::service::archive`],
//! [`crate::service::interest`], [`bdc_registry::register_api::certificates`]): the same limits, the same
//! logging in `public_queries`, the same "not found" for what is another's.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::interest::{self, InterestForm, LimitedResult};
use crate::service::interest::{Evidence, InterestApplication};
use bdc_registry::register_api::certificates::{self, Verdict};

use crate::api::files::{file_dto, file_response, ApiMultipart, FileDto};
use crate::api::portal::PortalUser;
use bdc_core::ServiceError;
use bdc_http::extract::Client;
use bdc_http::extract::{ApiJson, ApiPath, ApiQuery};
use bdc_http::problem::{ApiResult, Problem};
use bdc_registry::service::dto::{case_dto, CaseDto};
use bdc_registry::Services;

// ----- 登记资料档案查询 -----

/// What is registered on an own unit now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArchiveEntryDto {
    /// 权利类型 (or restriction) name.
    pub kind: String,
    pub state: String,
    /// The certificate, when the entry is the caller's.
    pub certificate: String,
    /// The caller's share of it.
    pub share: String,
    /// Held by the caller (his title, his mortgage), not a restriction on it.
    pub own: bool,
}

/// One of the caller's units.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArchiveUnitDto {
    pub unit_id: i64,
    pub unit_number: String,
    pub location: String,
    pub area: Option<f64>,
    pub entries: Vec<ArchiveEntryDto>,
}

/// One of the caller's past cases with the materials handed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArchiveCaseDto {
    pub case: CaseDto,
    pub files: Vec<FileDto>,
}

/// The caller's own registration records.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArchiveDto {
    /// The units he holds a right of (名下的不动产), one page.
    pub units: Vec<ArchiveUnitDto>,
    /// All of them, over every page.
    pub units_total: i64,
    /// The units he holds a restriction on (a bank's 抵押权, a buyer's 预告), one page.
    pub held: Vec<ArchiveUnitDto>,
    pub held_total: i64,
    pub cases: Vec<ArchiveCaseDto>,
}

/// The archive's conditions: words to find (不动产单元号 prefix, 坐落 part, certificate number),
/// the order (`unit`, `location`, or as recorded) and the page of each list (20 per page).
#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ArchiveParams {
    pub q: Option<String>,
    pub order: Option<String>,
    pub page: Option<u32>,
    pub held_page: Option<u32>,
}

fn unit_dto(u: crate::service::archive::ArchiveUnit) -> ArchiveUnitDto {
    ArchiveUnitDto {
        unit_id: u.unit.id,
        unit_number: u.unit.unit_number,
        location: u.unit.location,
        area: u.unit.area,
        entries: u.entries.into_iter().map(|e| ArchiveEntryDto { kind: e.kind.into(), state: e.state.into(), certificate: e.certificate, share: e.share, own: e.own }).collect(),
    }
}

/// 登记资料档案查询: the units the caller holds now with what is registered on them, and his past
/// cases with their materials (units 20 a page, searchable and sorted; at most 200 cases).
/// Logged as a public query; rate-limited.
#[utoipa::path(get, path = "/api/v1/portal/archive", tag = "portal", operation_id = "portal_archive",
    security(("bearer" = []), ("cookie" = [])), params(ArchiveParams),
    responses((status = 200, body = ArchiveDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 429, body = Problem)))]
pub async fn portal_archive(State(services): State<Services>, Client(client): Client, PortalUser(actor): PortalUser, ApiQuery(p): ApiQuery<ArchiveParams>) -> ApiResult<Json<ArchiveDto>> {
    use bdc_registry::register_api::registry::UnitOrder;
    let order = match p.order.as_deref() {
        None | Some("") => UnitOrder::Recorded,
        Some("unit") => UnitOrder::UnitNumber,
        Some("location") => UnitOrder::Location,
        Some(_) => return Err(ServiceError::field("bad_order", "order", "排序须为 unit（不动产单元号）或 location（坐落）").into()),
    };
    let query = crate::service::archive::ArchiveQuery { text: p.q, order, units_page: p.page.unwrap_or(1).max(1), held_page: p.held_page.unwrap_or(1).max(1) };
    let found = crate::service::archive::my_archive(&services, &actor, &client.addr, &query).await?;
    Ok(Json(ArchiveDto {
        units: found.units.into_iter().map(unit_dto).collect(),
        units_total: found.units_total,
        held: found.held.into_iter().map(unit_dto).collect(),
        held_total: found.held_total,
        cases: found
            .cases
            .into_iter()
            .map(|c| {
                let flow = bdc_registry::domain::catalogue::flow(&c.case.flow_code);
                ArchiveCaseDto { files: c.files.into_iter().map(|f| file_dto(f, flow)).collect(), case: case_dto(c.case) }
            })
            .collect(),
    }))
}

// ----- 利害关系人查询 -----

/// An interested-party query application as its applicant sees it (before approval nothing
/// about the property is told, not even whether it exists).
#[derive(Debug, Serialize, ToSchema)]
pub struct InterestDto {
    pub id: i64,
    /// unit 不动产单元号, location 坐落, certificate 不动产权证书号.
    pub property_kind: String,
    pub property: String,
    /// litigant, creditor, buyer_tenant, other.
    pub relation: String,
    pub relation_name: String,
    pub reason: String,
    /// submitted 待审核, approved 已同意, refused 已拒绝.
    pub state: String,
    pub state_name: String,
    pub decided_at: Option<String>,
    /// The reviewer's reason (a refusal always has one).
    pub decision_reason: String,
    pub created_at: String,
}

fn interest_dto(a: InterestApplication) -> InterestDto {
    InterestDto {
        id: a.id,
        relation_name: interest::relation_name(&a.relation).into(),
        state_name: a.state.name().into(),
        property_kind: a.property_kind,
        property: a.property_text,
        relation: a.relation,
        reason: a.reason,
        state: a.state.code().into(),
        decided_at: a.decided_at,
        decision_reason: a.decision_reason,
        created_at: a.created_at,
    }
}

/// An evidence file.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    /// For `GET /api/v1/portal/interest/{id}/evidence/{seq}`.
    pub seq: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sm3: String,
}

fn evidence_dto(e: Evidence) -> EvidenceDto {
    EvidenceDto { seq: e.seq, file_name: e.file_name, content_type: e.content_type, size: e.size, sm3: e.sm3 }
}

/// What an interested party may learn (查询结果): the natural state and whether it is co-owned,
/// mortgaged, under advance notice or objection, seized or otherwise restricted — never
/// holders, ID numbers, certificate numbers or amounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitedResultDto {
    /// Whether the register holds the property; when not, the rest is empty.
    pub found: bool,
    pub unit_number: String,
    pub location: String,
    pub area: Option<f64>,
    pub land_use: String,
    pub house_use: String,
    pub titled: bool,
    pub co_owned: bool,
    pub mortgaged: bool,
    pub advance_notice: bool,
    pub objection: bool,
    pub seized: bool,
    pub otherwise_restricted: bool,
}

fn result_dto(r: LimitedResult) -> LimitedResultDto {
    LimitedResultDto {
        found: r.found,
        unit_number: r.unit_number,
        location: r.location,
        area: r.area,
        land_use: r.land_use,
        house_use: r.house_use,
        titled: r.titled,
        co_owned: r.co_owned,
        mortgaged: r.mortgaged,
        advance_notice: r.advance_notice,
        objection: r.objection,
        seized: r.seized,
        otherwise_restricted: r.otherwise_restricted,
    }
}

/// One application with its evidence and, once approved, the limited result.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterestDetailDto {
    pub application: InterestDto,
    pub evidence: Vec<EvidenceDto>,
    /// Only once approved.
    pub result: Option<LimitedResultDto>,
}

/// The caller's interested-party query applications, newest first.
#[utoipa::path(get, path = "/api/v1/portal/interest", tag = "portal", operation_id = "portal_interest_applications",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<InterestDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn portal_interest_applications(State(services): State<Services>, PortalUser(actor): PortalUser) -> ApiResult<Json<Vec<InterestDto>>> {
    Ok(Json(interest::mine(&services, &actor).await?.into_iter().map(interest_dto).collect()))
}

/// 利害关系人查询申请 (`multipart/form-data`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct InterestApplicationForm {
    /// unit, location or certificate.
    pub property_kind: String,
    pub property: String,
    /// litigant, creditor, buyer_tenant or other.
    pub relation: String,
    pub reason: String,
    /// 1–5 evidence files (repeat the part), PDF, JPG or PNG, at most 10 MB each.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub evidence: Vec<Vec<u8>>,
}

/// Applies for an interested-party query with 1–5 evidence files; the office reviews it. Bad
/// input (a missing field, a file that is no PDF/JPG/PNG, more than 5) stores nothing.
#[utoipa::path(post, path = "/api/v1/portal/interest", tag = "portal", operation_id = "portal_apply_interest",
    security(("bearer" = []), ("cookie" = [])), request_body(content = inline(InterestApplicationForm), content_type = "multipart/form-data"),
    responses((status = 201, body = InterestDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn portal_apply_interest(
    State(services): State<Services>,
    Client(client): Client,
    PortalUser(actor): PortalUser,
    ApiMultipart(form): ApiMultipart,
) -> ApiResult<(StatusCode, Json<InterestDto>)> {
    if let Some((name, _, _)) = form.files.iter().find(|(k, _, _)| k != "evidence") {
        return Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "unexpected_field", format!("文件字段 {name} 无法识别：证明材料请以 evidence 上传")).with_field(name, "请以 evidence 上传"));
    }
    let f = InterestForm {
        property_kind: form.get("property_kind"),
        property: form.get("property"),
        relation: form.get("relation"),
        reason: form.get("reason"),
        files: form.files.into_iter().map(|(_, file_name, bytes)| interest::Upload { file_name, bytes }).collect(),
    };
    let a = interest::apply(&services, &actor, &client.addr, f).await?;
    Ok((StatusCode::CREATED, Json(interest_dto(a))))
}

/// One of the caller's applications; once approved with the limited result (each viewing is
/// logged and rate-limited). Another's is "not found".
#[utoipa::path(get, path = "/api/v1/portal/interest/{id}", tag = "portal", operation_id = "portal_interest_application",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Application id")),
    responses((status = 200, body = InterestDetailDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn portal_interest_application(State(services): State<Services>, Client(client): Client, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<InterestDetailDto>> {
    let mine = interest::my_application(&services, &actor, &client.addr, id).await?;
    Ok(Json(InterestDetailDto { application: interest_dto(mine.application), evidence: mine.evidence.into_iter().map(evidence_dto).collect(), result: mine.result.map(result_dto) }))
}

/// One evidence file of the caller's application.
#[utoipa::path(get, path = "/api/v1/portal/interest/{id}/evidence/{seq}", tag = "portal", operation_id = "portal_interest_evidence",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Application id"), ("seq" = i64, Path, description = "Evidence number, from 1")),
    responses((status = 200, description = "证明材料（PDF、JPG 或 PNG）", content_type = "application/octet-stream"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_interest_evidence(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath((id, seq)): ApiPath<(i64, i64)>) -> ApiResult<Response> {
    let (e, bytes) = interest::evidence_file(&services, &actor, id, seq).await?;
    let ext = e.file_key.rsplit('.').next().unwrap_or("bin");
    Ok(file_response(&e.content_type, &e.file_name, &format!("evidence-{id}-{seq}.{ext}"), bytes))
}

// ----- 证书真伪查询 -----

/// 证书真伪查询: the holder's name and the certificate number, or the payload of its QR code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// 权利人姓名（名称）, with `number`.
    #[serde(default)]
    pub name: String,
    /// 不动产权证书号 or 不动产登记证明号, with `name`.
    #[serde(default)]
    pub number: String,
    /// The scanned QR payload (`BDCZ1.…`), instead of name and number.
    #[serde(default)]
    pub payload: String,
}

/// What the register says of a certificate (masked holder names).
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateFactsDto {
    pub number: String,
    /// title 不动产权证书 or proof 不动产登记证明.
    pub kind: String,
    pub unit_number: String,
    /// 登簿日期.
    pub registered_on: String,
    /// 权利人, masked.
    pub holders: String,
}

/// The verdict.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerdictDto {
    /// genuine 真实有效, void 已注销, not_found 未查询到, forged 伪造或篡改.
    pub verdict: String,
    pub verdict_name: String,
    pub facts: Option<CertificateFactsDto>,
}

/// 证书真伪查询 — open to anyone, as the page is; rate-limited per address like it (429 with
/// `Retry-After`), and logged in `public_queries`.
#[utoipa::path(post, path = "/api/v1/portal/verify", tag = "portal", operation_id = "portal_verify_certificate",
    request_body = VerifyRequest,
    responses((status = 200, body = VerdictDto), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn portal_verify_certificate(State(services): State<Services>, Client(client): Client, ApiJson(r): ApiJson<VerifyRequest>) -> ApiResult<Json<VerdictDto>> {
    let s = &services;
    let verdict = if r.payload.trim().is_empty() {
        if r.name.trim().is_empty() || r.number.trim().is_empty() {
            let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "missing", "请填写权利人姓名（名称）和证书号，或二维码内容 payload");
            if r.name.trim().is_empty() {
                p = p.with_field("name", "请填写权利人姓名（名称）");
            }
            if r.number.trim().is_empty() {
                p = p.with_field("number", "请填写证书号");
            }
            return Err(p);
        }
        certificates::verify_by_number(s, None, &client.addr, &r.name, &r.number).await?
    } else {
        certificates::verify_payload(s, None, &client.addr, &r.payload).await?
    };
    let facts = match &verdict {
        Verdict::Genuine(f) | Verdict::Void(f) => Some(CertificateFactsDto { number: f.n.clone(), kind: f.k.clone(), unit_number: f.u.clone(), registered_on: f.d.clone(), holders: f.h.clone() }),
        Verdict::NotFound | Verdict::Forged => None,
    };
    Ok(Json(VerdictDto { verdict: verdict.code().into(), verdict_name: verdict.name().into(), facts }))
}

// ----- electronic certificates -----

/// One of the caller's certificates or proofs (or a result of his own case) as the PDF with its
/// signed QR code (电子证书证明).
#[utoipa::path(get, path = "/api/v1/portal/certificates/{number}/pdf", tag = "portal", operation_id = "portal_certificate_pdf",
    security(("bearer" = []), ("cookie" = [])), params(("number" = String, Path, description = "证书号 (percent-encoded)")),
    responses((status = 200, description = "电子证书 PDF", content_type = "application/pdf"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_certificate_pdf(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(number): ApiPath<String>) -> ApiResult<Response> {
    let missing = || Problem::new(StatusCode::NOT_FOUND, "not_found", "未找到您名下的该证书");
    if !crate::service::account::may_download_certificate(&services, &actor, &number).await? {
        return Err(missing());
    }
    let view = certificates::view(&services, &number).await?.ok_or_else(missing)?;
    let bytes = certificates::pdf(&services, &view).await?;
    Ok(file_response("application/pdf", &format!("{number}.pdf"), "certificate.pdf", bytes))
}
