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

/// One step of a case's history (办理记录).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseEventDto {
    /// State code left; empty for the event that opened the case.
    pub from: String,
    pub to: String,
    /// Username of who took the step (`system` for automatic review).
    pub actor: String,
    pub at: String,
    pub reason: String,
    /// The step (环节): 提交申请, 窗口收件, 受理, 审核通过, 智能审核, 补正, 补正完成, 退件, 撤回, 挂起,
    /// 登簿, 缮证, 发证, 归档 …
    pub step: String,
    /// Who took it by name: a staff member's display name, 申请人 for the online applicant's own
    /// steps, 系统 for automatic review.
    pub actor_name: String,
}

/// The case's history of transitions.
#[utoipa::path(get, path = "/api/v1/cases/{id}/events", tag = "cases", operation_id = "list_case_events",
    security(("bearer" = []), ("cookie" = [])), params(CasePath),
    responses((status = 200, body = PageDto<CaseEventDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_case_events(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<CasePath>) -> ApiResult<Json<PageDto<CaseEventDto>>> {
    let events = cases::case_events(&services, &actor, p.id).await?;
    let items: Vec<CaseEventDto> = events
        .into_iter()
        .map(|e| CaseEventDto {
            actor_name: e.hand.staff_view().to_owned(),
            step: e.step.to_owned(),
            from: e.event.from.map_or("", |f| f.code()).to_owned(),
            to: e.event.to.code().to_owned(),
            actor: e.event.actor,
            at: e.event.at,
            reason: e.event.reason,
        })
        .collect();
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
    /// Reason or note; required for 补正, 退件, 撤回 and 挂起.
    #[serde(default)]
    pub reason: String,
    /// 发证's own fields: required for `issue`, refused for any other action.
    #[serde(default)]
    pub issuance: Option<IssuanceRequest>,
}

/// 发证: who collects the certificates and the 证书印制号 each was printed on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuanceRequest {
    /// 领证人姓名.
    pub recipient_name: String,
    /// 证件类型: `resident_card` 居民身份证 (checked as a 公民身份号码), `passport` 护照,
    /// `hk_macau_permit` 港澳居民来往内地通行证, `taiwan_permit` 台湾居民来往大陆通行证, `other` 其他.
    pub id_kind: String,
    /// 证件号码; stored sealed, shown masked.
    pub id_number: String,
    /// 与权利人关系: `holder` 本人, `agent` 代理人, `other` 其他.
    pub relation: String,
    /// One 证书印制号 per certificate or proof of the case. An entry without
    /// `certificate_number` takes the next certificate not named otherwise, in number order; a
    /// problem is reported under `serials[i]`, `i` the certificate's place in that order. A
    /// 印制号 used before anywhere in the office is refused (`serial_taken`).
    pub serials: Vec<PrintSerialDto>,
}

/// The 证书印制号 of one certificate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintSerialDto {
    /// 证书号 (不动产权证书号 or 不动产登记证明号) of the case.
    #[serde(default)]
    pub certificate_number: Option<String>,
    /// The serial printed on the blank certificate paper: 4–32 letters or digits.
    pub print_serial: String,
}

/// Takes a workflow action. 登簿 answers 409 when the unit changed since review or another
/// case registered first. 发证 takes `issuance` (the receiver and each certificate's 印制号),
/// every problem reported beside its field (422) with nothing changed.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", operation_id = "act_on_case",
    security(("bearer" = []), ("cookie" = [])), params(CasePath), request_body = ActionRequest,
    responses((status = 200, body = CaseOutcome), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn act_on_case(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<CasePath>, ApiJson(r): ApiJson<ActionRequest>) -> ApiResult<Json<CaseOutcome>> {
    let moved = match (r.action.as_str(), r.issuance) {
        ("issue", Some(i)) => {
            let input = cases::Issuance {
                recipient_name: i.recipient_name,
                id_kind: i.id_kind,
                id_number: i.id_number,
                relation: i.relation,
                serials: i.serials.into_iter().map(|s| (s.certificate_number, s.print_serial)).collect(),
            };
            cases::act_issue(&services, &actor, p.id, &input).await?
        }
        (_, Some(_)) => return Err(Problem::from(bdc_core::ServiceError::field("not_an_issue", "issuance", "只有发证需要填写领证信息"))),
        (action, None) => cases::act(&services, &actor, p.id, action, &r.reason).await?,
    };
    Ok(Json(CaseOutcome { case: case_dto(moved.case), findings: moved.findings.iter().map(FindingDto::from).collect(), journal_seq: moved.journal_seq }))
}
