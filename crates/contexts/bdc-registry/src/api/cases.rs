//! `/api/v1/cases` — cases and their workflow (业务办理): open, list, read, act.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::cases::CaseFilter;
use crate::service::cases::{self, OpenCase, RequestDoc};

pub use crate::service::dto::{case_dto, ApplicantDto, CaseDto, RequestDto};
use crate::Services;
use bdc_http::extract::{paging, ApiJson, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, FindingDto, Problem};
use bdc_http::session::Authed;

/// 受理登记申请.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    /// Catalogue flow code.
    pub flow_code: String,
    /// Units of the case (batch cases name several).
    pub unit_ids: Vec<i64>,
    pub applicants: Vec<ApplicantDto>,
    /// Channel code; default counter.
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub request: RequestDto,
}

/// A case with the rule findings of the step just taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOutcome {
    pub case: CaseDto,
    /// Rules evaluated in this step, warnings included.
    pub findings: Vec<FindingDto>,
    /// Journal entry written, when the step registered the case.
    pub journal_seq: Option<i64>,
}

/// Opens a case (受理). Blocking rules refuse it with `rule_blocked` and the findings.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", operation_id = "open_case",
    security(("bearer" = []), ("cookie" = [])), request_body = OpenCaseRequest,
    responses((status = 201, body = CaseOutcome), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn open_case(State(services): State<Services>, Authed(actor): Authed, ApiJson(r): ApiJson<OpenCaseRequest>) -> ApiResult<(StatusCode, Json<CaseOutcome>)> {
    let cmd = OpenCase {
        flow_code: r.flow_code,
        unit_ids: r.unit_ids,
        applicants: r.applicants.into_iter().map(|a| (a.party_id, a.role, a.share.unwrap_or_else(|| "1".into()))).collect(),
        channel: r.channel.unwrap_or_else(|| "counter".into()),
        request: RequestDoc {
            co_ownership: r.request.co_ownership,
            attrs: r.request.attributes,
            target_right: r.request.target_right,
            mortgagees: r.request.mortgagees,
            title_kind: r.request.title_kind,
            consents: r.request.consents,
            materials: r.request.materials,
            submitted_by: None,
        },
    };
    let opened = cases::open_case(&services, &actor, cmd).await?;
    Ok((StatusCode::CREATED, Json(CaseOutcome { case: case_dto(opened.case), findings: opened.findings.iter().map(FindingDto::from).collect(), journal_seq: None })))
}

/// Filter of the case list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// States, comma-separated (e.g. `review,register`).
    pub state: Option<String>,
    pub unit_id: Option<i64>,
    pub case_number: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Lists cases, nearest deadline first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", operation_id = "list_cases",
    security(("bearer" = []), ("cookie" = [])), params(CaseQuery),
    responses((status = 200, body = PageDto<CaseDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_cases(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<CaseQuery>) -> ApiResult<Json<PageDto<CaseDto>>> {
    let page = paging(q.page, q.per_page)?;
    let codes: Vec<String> = q.state.map(|s| s.split(',').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect()).unwrap_or_default();
    let states = codes.iter().map(|c| cases::CaseState::parse(c)).collect::<Option<Vec<_>>>().ok_or_else(|| Problem::bad_request("bad_query", "业务状态无效").with_field("state", "业务状态无效"))?;
    let f = CaseFilter { states, unit_id: q.unit_id, case_number: q.case_number };
    Ok(Json(PageDto::map(cases::list_cases(&services, &actor, f, page).await?, case_dto)))
}

/// Path of one case.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CasePath {
    pub id: i64,
}

/// One case.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", operation_id = "get_case",
    security(("bearer" = []), ("cookie" = [])), params(CasePath),
    responses((status = 200, body = CaseDto), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_case(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<CasePath>) -> ApiResult<Json<CaseDto>> {
    Ok(Json(case_dto(cases::get_case(&services, &actor, p.id).await?)))
}

/// One step of a case's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseEventDto {
    pub from: String,
    pub to: String,
    pub actor: String,
    pub at: String,
    pub reason: String,
}

/// The case's history of transitions.
#[utoipa::path(get, path = "/api/v1/cases/{id}/events", tag = "cases", operation_id = "list_case_events",
    security(("bearer" = []), ("cookie" = [])), params(CasePath),
    responses((status = 200, body = PageDto<CaseEventDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_case_events(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<CasePath>) -> ApiResult<Json<PageDto<CaseEventDto>>> {
    let events = cases::case_events(&services, &actor, p.id).await?;
    let items: Vec<CaseEventDto> = events.into_iter().map(|(from, to, actor, at, reason)| CaseEventDto { from, to, actor, at, reason }).collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let per_page = u32::try_from(items.len().max(1)).unwrap_or(u32::MAX);
    Ok(Json(PageDto { items, total, page: 1, per_page }))
}

/// One logged rule evaluation.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDto {
    /// intake, review or register.
    pub stage: String,
    pub rule_code: String,
    pub rule_version: i64,
    /// pass, block, warn or consent.
    pub outcome: String,
    pub message: String,
    pub at: String,
}

/// Every rule evaluation of the case: what was checked at intake, review and 登簿, with the rule
/// version applied (限制验证日志).
#[utoipa::path(get, path = "/api/v1/cases/{id}/evaluations", tag = "cases", operation_id = "list_case_evaluations",
    security(("bearer" = []), ("cookie" = [])), params(CasePath),
    responses((status = 200, body = PageDto<EvaluationDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_case_evaluations(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<CasePath>) -> ApiResult<Json<PageDto<EvaluationDto>>> {
    let items: Vec<EvaluationDto> = cases::evaluations(&services, &actor, p.id)
        .await?
        .into_iter()
        .map(|e| EvaluationDto { stage: e.stage, rule_code: e.rule_code, rule_version: e.rule_version, outcome: e.outcome, message: e.message, at: e.at })
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let per_page = u32::try_from(items.len().max(1)).unwrap_or(u32::MAX);
    Ok(Json(PageDto { items, total, page: 1, per_page }))
}

/// 办理动作.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// submit 受理, approve 审核通过, request_correction 补正, resume 补正完成, return 退件,
    /// withdraw 撤回, suspend 挂起, unsuspend 解除挂起, register 登簿, certify 缮证,
    /// issue 发证, archive 归档.
    pub action: String,
    /// Reason or note; required for 补正, 退件, 撤回, 挂起 and 发证 (the recipient).
    #[serde(default)]
    pub reason: String,
}

/// Takes a workflow action. 登簿 answers 409 when the unit changed since review or another
/// case registered first.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", operation_id = "act_on_case",
    security(("bearer" = []), ("cookie" = [])), params(CasePath), request_body = ActionRequest,
    responses((status = 200, body = CaseOutcome), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn act_on_case(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<CasePath>, ApiJson(r): ApiJson<ActionRequest>) -> ApiResult<Json<CaseOutcome>> {
    let moved = cases::act(&services, &actor, p.id, &r.action, &r.reason).await?;
    Ok(Json(CaseOutcome { case: case_dto(moved.case), findings: moved.findings.iter().map(FindingDto::from).collect(), journal_seq: moved.journal_seq }))
}
