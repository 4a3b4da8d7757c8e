//! `/api/v1/portal/…` — 线上苏小登 as a JSON API, for the city app and partner systems (banks,
//! developers, the 住建 platform, agents): every action of the portal pages, with a bearer token
//! of a real-name public account. The use cases are the pages' own
//! ([`crate::service::applications`], [`crate::service::account`]), so the checks are the same.
//! Drafts, uploads and authorisations are in [`crate::api::files`], the queries
//! (档案查询, 利害关系人查询, 证书核验) in [`crate::api::queries`].
//!
//! Sign-up (注册) with its SMS code and real-name verification is in
//! `bdc_identity::api::signup`; login and logout are `/api/v1/auth/…`.

use std::collections::BTreeMap;

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::applications::{self as svc, ApplicationView, FieldKind};
use crate::service::applications::{Application, NamedParty, OtherParty};
use bdc_core::Actor;
use bdc_registry::domain::catalogue;

use bdc_http::extract::Client;
use bdc_http::extract::{ApiJson, ApiPath, ApiQuery};
use bdc_http::problem::{ApiResult, FindingDto, Problem};
use bdc_http::session::{Authed, Gate};
// A flow's material reads as in the register's catalogue (one schema in the document).
use bdc_registry::api::catalogue::MaterialDto;
use bdc_registry::service::dto::{case_dto, CaseDto};
use bdc_registry::Services;

/// A public account with its real-name link (实名认证), checked before any input is read: an
/// account without one is refused like a caller without the permission.
pub struct PortalUser(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for PortalUser
where
    Gate: FromRef<S>,
    Services: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Authed(actor) = Authed::from_request_parts(parts, state).await?;
        crate::service::account::account_of(&Services::from_ref(state), &actor).await.map_err(Problem::from)?;
        Ok(PortalUser(actor))
    }
}

/// A role of a flow.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowRoleDto {
    /// right_holder, obligor, agent.
    pub code: String,
    pub name: String,
}

/// A choice of a particular.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionDto {
    pub code: String,
    pub name: String,
}

/// A particular (登记事项) the form asks for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticularDto {
    /// The key in `attributes`.
    pub key: String,
    pub label: String,
    /// text, date, amount or choice.
    pub kind: String,
    pub required: bool,
    pub hint: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionDto>,
}

/// The online form of a flow (网上申请表), built from its catalogue record.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowFormDto {
    pub code: String,
    pub name: String,
    pub group: String,
    /// The channel this account applies through.
    pub channel: String,
    pub channel_name: String,
    /// Who may apply (申请主体).
    pub basis: String,
    /// 双方共同申请: the other side is named and confirms.
    pub joint: bool,
    pub roles: Vec<FlowRoleDto>,
    pub particulars: Vec<ParticularDto>,
    /// 抵押权人 are named.
    pub mortgagees: bool,
    /// 共有方式 and shares are asked.
    pub co_ownership: bool,
    pub co_ownership_required: bool,
    /// The right acted on may be chosen (`target_right`).
    pub target: bool,
    pub materials: Vec<MaterialDto>,
    pub time_limit_days: u32,
}

fn form_dto(actor: &Actor, flow: &'static catalogue::Flow) -> FlowFormDto {
    let f = svc::form_of(flow);
    let channel = svc::channel_for(actor, flow);
    FlowFormDto {
        code: flow.code.into(),
        name: flow.name.into(),
        group: flow.group.into(),
        channel: channel.map_or("", |c| c.code()).into(),
        channel_name: channel.map_or("", |c| c.name()).into(),
        basis: flow.basis.code().into(),
        joint: f.joint,
        roles: f.roles.iter().map(|r| FlowRoleDto { code: r.code().into(), name: r.name().into() }).collect(),
        particulars: f
            .particulars
            .iter()
            .map(|p| {
                let (kind, options) = match p.kind {
                    FieldKind::Text => ("text", vec![]),
                    FieldKind::Date => ("date", vec![]),
                    FieldKind::Amount => ("amount", vec![]),
                    FieldKind::Choice(o) => ("choice", o.iter().map(|(c, n)| OptionDto { code: (*c).into(), name: (*n).into() }).collect()),
                };
                ParticularDto { key: p.key.into(), label: p.label.into(), kind: kind.into(), required: p.required, hint: p.hint.into(), options }
            })
            .collect(),
        mortgagees: f.mortgagees,
        co_ownership: f.co_ownership,
        co_ownership_required: f.co_ownership_required,
        target: f.target,
        materials: flow.materials.iter().map(|m| MaterialDto { code: m.code.into(), name: m.name.into(), required: m.required }).collect(),
        time_limit_days: flow.time_limit_days,
    }
}

/// The flows this account may apply for online, each with its form.
#[utoipa::path(get, path = "/api/v1/portal/flows", tag = "portal", operation_id = "portal_flows",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<FlowFormDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn portal_flows(PortalUser(actor): PortalUser) -> ApiResult<Json<Vec<FlowFormDto>>> {
    Ok(Json(crate::service::account::flows_for(&actor).into_iter().map(|f| form_dto(&actor, f)).collect()))
}

/// The form of one flow open to this account.
#[utoipa::path(get, path = "/api/v1/portal/flows/{code}", tag = "portal", operation_id = "portal_flow",
    security(("bearer" = []), ("cookie" = [])), params(("code" = String, Path, description = "Flow code")),
    responses((status = 200, body = FlowFormDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_flow(PortalUser(actor): PortalUser, ApiPath(code): ApiPath<String>) -> ApiResult<Json<FlowFormDto>> {
    let flow = crate::service::account::flows_for(&actor).into_iter().find(|f| f.code == code).ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "not_found", "该业务不存在或您的账户不能在线办理"))?;
    Ok(Json(form_dto(&actor, flow)))
}

/// A current right on one of the applicant's units.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnRightDto {
    pub right_id: i64,
    pub kind: String,
    pub kind_name: String,
    /// The certificate, when the right is the applicant's.
    pub certificate: String,
    pub share: String,
    pub own: bool,
}

/// One of the applicant's units with its current rights.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnUnitDto {
    pub unit_id: i64,
    pub unit_number: String,
    pub location: String,
    pub rights: Vec<OwnRightDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitsQuery {
    /// An agent's authorisation: the principal's units instead of his own.
    pub on_behalf: Option<i64>,
}

/// The applicant's own units (or his principal's), to choose the property and the right acted on.
#[utoipa::path(get, path = "/api/v1/portal/units", tag = "portal", operation_id = "portal_units",
    security(("bearer" = []), ("cookie" = [])), params(UnitsQuery),
    responses((status = 200, body = Vec<OwnUnitDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_units(State(services): State<Services>, PortalUser(actor): PortalUser, ApiQuery(q): ApiQuery<UnitsQuery>) -> ApiResult<Json<Vec<OwnUnitDto>>> {
    let units = svc::my_units(&services, &actor, q.on_behalf).await?;
    Ok(Json(
        units
            .into_iter()
            .map(|u| OwnUnitDto {
                unit_id: u.unit_id,
                unit_number: u.unit_number,
                location: u.location,
                rights: u
                    .rights
                    .into_iter()
                    .map(|r| OwnRightDto { right_id: r.right_id, kind: r.kind.into(), kind_name: r.kind_name.into(), certificate: r.certificate, share: r.share, own: r.own })
                    .collect(),
            })
            .collect(),
    ))
}

/// Another party named by name and ID number.
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct OtherPartyDto {
    /// right_holder 权利人, obligor 义务人, agent 代理人.
    pub role: String,
    pub name: String,
    /// 身份证号 or 统一社会信用代码.
    pub id_number: String,
    /// 份额 for 按份共有, e.g. 1/2 (default 1).
    #[serde(default)]
    pub share: Option<String>,
}

/// A mortgagee (抵押权人) by name and ID number.
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NamedPartyDto {
    pub name: String,
    pub id_number: String,
}

/// An online application: the whole request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    pub flow_code: String,
    /// 不动产单元号 or 不动产权证书号.
    pub property: String,
    /// The applicant's role (or his principal's; `agent` for 银行代办 / 开发企业代办).
    pub my_role: String,
    #[serde(default)]
    pub my_share: Option<String>,
    #[serde(default)]
    pub others: Vec<OtherPartyDto>,
    #[serde(default)]
    pub mortgagees: Vec<NamedPartyDto>,
    /// 共有方式: 0 单独, 1 共同, 2 按份, 3 其他.
    #[serde(default)]
    pub co_ownership: Option<String>,
    /// Particulars by the counter's keys: amount, term_start, term_end, mortgage_method, claim_start, claim_end, advance_kind, note, purpose, dominant_unit, location, new_name …
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub target_right: Option<i64>,
    /// Material codes provided.
    #[serde(default)]
    pub materials: Vec<String>,
    /// An agent's authorisation (授权委托) to apply for its principal.
    #[serde(default)]
    pub on_behalf: Option<i64>,
}

/// A party of an application.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyLineDto {
    pub party_id: i64,
    pub name: String,
    pub id_masked: String,
    pub role: String,
    pub role_name: String,
    pub share: String,
}

/// A co-applicant's confirmation (共同申请确认).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmationDto {
    pub party_id: i64,
    pub name: String,
    pub roles: Vec<String>,
    /// pending 待确认, confirmed 已确认, declined 已拒绝.
    pub state: String,
    pub state_name: String,
    pub decided_at: Option<String>,
    pub reason: String,
    /// Whether he has a real-name account to confirm from.
    pub has_account: bool,
}

/// An online application as its applicant or a co-applicant sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: i64,
    pub flow_code: String,
    pub flow_name: String,
    /// awaiting 待共同申请人确认, submitted 已提交登记机构, declined 共同申请人已拒绝, refused 未能提交.
    pub state: String,
    pub state_name: String,
    pub unit_id: i64,
    pub unit_number: String,
    pub location: String,
    pub parties: Vec<PartyLineDto>,
    pub mortgagees: Vec<PartyLineDto>,
    pub co_ownership: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub target_right: Option<i64>,
    pub materials: Vec<String>,
    pub confirmations: Vec<ConfirmationDto>,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub reason: String,
    pub created_at: String,
    pub updated_at: String,
    /// Made by the caller.
    pub mine: bool,
    /// The caller's own answer, when he is a co-applicant.
    pub my_confirmation: Option<String>,
}

fn line(p: svc::PartyLine) -> PartyLineDto {
    PartyLineDto { party_id: p.party_id, name: p.name, id_masked: p.id_masked, role: p.role, role_name: p.role_name.into(), share: p.share }
}

pub fn application_dto(v: ApplicationView) -> ApplicationDto {
    ApplicationDto {
        id: v.id,
        flow_code: v.flow_code,
        flow_name: v.flow_name.into(),
        state: v.state.code().into(),
        state_name: v.state.name().into(),
        unit_id: v.unit_id,
        unit_number: v.unit_number,
        location: v.location,
        parties: v.parties.into_iter().map(line).collect(),
        mortgagees: v.mortgagees.into_iter().map(line).collect(),
        co_ownership: v.co_ownership,
        attributes: v.attributes,
        target_right: v.target_right,
        materials: v.materials,
        confirmations: v
            .confirmations
            .into_iter()
            .map(|c| ConfirmationDto {
                party_id: c.party_id,
                name: c.name,
                roles: c.roles.into_iter().map(str::to_owned).collect(),
                state: c.state.code().into(),
                state_name: c.state.name().into(),
                decided_at: c.decided_at,
                reason: c.reason,
                has_account: c.has_account,
            })
            .collect(),
        case_id: v.case_id,
        case_number: v.case_number,
        reason: v.reason,
        created_at: v.created_at,
        updated_at: v.updated_at,
        mine: v.mine,
        my_confirmation: v.my_confirmation.map(|c| c.code().to_owned()),
    }
}

/// What applying did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppliedDto {
    pub application: ApplicationDto,
    /// The case, when nobody else had to confirm.
    pub case: Option<CaseDto>,
    /// The registry's checks, warnings included.
    pub findings: Vec<FindingDto>,
}

/// Makes an online application (网上申请). Checked as the counter checks it — a bad request
/// changes nothing; `rule_blocked` with the findings when the register refuses it. Opened as a
/// case at once when nobody else has to confirm; otherwise `awaiting` the co-applicants.
#[utoipa::path(post, path = "/api/v1/portal/applications", tag = "portal", operation_id = "portal_apply",
    security(("bearer" = []), ("cookie" = [])), request_body = ApplyRequest,
    responses((status = 201, body = AppliedDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_apply(State(services): State<Services>, PortalUser(actor): PortalUser, ApiJson(r): ApiJson<ApplyRequest>) -> ApiResult<(StatusCode, Json<AppliedDto>)> {
    let a = Application {
        flow_code: r.flow_code,
        property: r.property,
        my_role: r.my_role,
        my_share: r.my_share.unwrap_or_default(),
        others: r.others.into_iter().map(|o| OtherParty { role: o.role, name: o.name, id_number: o.id_number, share: o.share.unwrap_or_default() }).collect(),
        mortgagees: r.mortgagees.into_iter().map(|m| NamedParty { name: m.name, id_number: m.id_number }).collect(),
        co_ownership: r.co_ownership,
        attributes: r.attributes,
        target_right: r.target_right,
        materials: r.materials,
        on_behalf: r.on_behalf,
    };
    let applied = svc::apply(&services, &actor, a).await?;
    Ok((
        StatusCode::CREATED,
        Json(AppliedDto { application: application_dto(applied.application), case: applied.case.map(case_dto), findings: applied.findings.iter().map(FindingDto::from).collect() }),
    ))
}

/// The caller's applications and those naming him as co-applicant, newest first.
#[utoipa::path(get, path = "/api/v1/portal/applications", tag = "portal", operation_id = "portal_applications",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<ApplicationDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn portal_applications(State(services): State<Services>, PortalUser(actor): PortalUser) -> ApiResult<Json<Vec<ApplicationDto>>> {
    Ok(Json(svc::list(&services, &actor).await?.into_iter().map(application_dto).collect()))
}

/// One application (the applicant's own, or one naming the caller as co-applicant).
#[utoipa::path(get, path = "/api/v1/portal/applications/{id}", tag = "portal", operation_id = "portal_application",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Application id")),
    responses((status = 200, body = ApplicationDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_application(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<ApplicationDto>> {
    Ok(Json(application_dto(svc::view(&services, &actor, id).await?)))
}

/// Where the one-time code went.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSentDto {
    pub phone_masked: String,
}

/// Sends the co-applicant his one-time code (短信验证码) to confirm the application.
#[utoipa::path(post, path = "/api/v1/portal/applications/{id}/code", tag = "portal", operation_id = "portal_confirmation_code",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Application id")),
    responses((status = 200, body = CodeSentDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_confirmation_code(State(services): State<Services>, Client(client): Client, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<CodeSentDto>> {
    Ok(Json(CodeSentDto { phone_masked: svc::send_confirmation_code(&services, &actor, id, &client.addr).await? }))
}

/// 确认共同申请.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The 6-digit one-time code.
    pub code: String,
}

/// Confirms the application with the one-time code; the last confirmation opens the case.
#[utoipa::path(post, path = "/api/v1/portal/applications/{id}/confirm", tag = "portal", operation_id = "portal_confirm",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Application id")), request_body = ConfirmRequest,
    responses((status = 200, body = ApplicationDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_confirm(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>, ApiJson(r): ApiJson<ConfirmRequest>) -> ApiResult<Json<ApplicationDto>> {
    Ok(Json(application_dto(svc::confirm(&services, &actor, id, &r.code).await?)))
}

/// 拒绝共同申请.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    #[serde(default)]
    pub reason: String,
}

/// Declines the application: it stops.
#[utoipa::path(post, path = "/api/v1/portal/applications/{id}/decline", tag = "portal", operation_id = "portal_decline",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Application id")), request_body = DeclineRequest,
    responses((status = 200, body = ApplicationDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_decline(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>, ApiJson(r): ApiJson<DeclineRequest>) -> ApiResult<Json<ApplicationDto>> {
    Ok(Json(application_dto(svc::decline(&services, &actor, id, &r.reason).await?)))
}

/// Withdraws (撤回) the caller's own application while it still waits for co-applicants.
#[utoipa::path(post, path = "/api/v1/portal/applications/{id}/withdraw", tag = "portal", operation_id = "portal_withdraw",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Application id")), request_body = DeclineRequest,
    responses((status = 200, body = ApplicationDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_withdraw(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>, ApiJson(r): ApiJson<DeclineRequest>) -> ApiResult<Json<ApplicationDto>> {
    Ok(Json(application_dto(svc::withdraw(&services, &actor, id, &r.reason).await?)))
}

/// The caller's cases (办件进度), newest first.
#[utoipa::path(get, path = "/api/v1/portal/cases", tag = "portal", operation_id = "portal_cases",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<CaseDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn portal_cases(State(services): State<Services>, PortalUser(actor): PortalUser) -> ApiResult<Json<Vec<CaseDto>>> {
    Ok(Json(crate::service::account::my_cases(&services, &actor).await?.into_iter().map(case_dto).collect()))
}

/// An event of a case (办理记录).
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalEventDto {
    pub at: String,
    /// The state left; empty for the submission that opened the case.
    pub from_state: String,
    pub to_state: String,
    /// Who took the step, as the applicant is told: 申请人 or 登记机构 (never a staff member).
    pub actor: String,
    /// The step (环节): 提交申请, 受理, 补正, 登簿 …
    pub step: String,
    /// 补正、退件 reasons among them.
    pub note: String,
}

/// A case with its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalCaseDto {
    pub case: CaseDto,
    pub events: Vec<PortalEventDto>,
}

/// One of the caller's cases with its events.
#[utoipa::path(get, path = "/api/v1/portal/cases/{id}", tag = "portal", operation_id = "portal_case",
    security(("bearer" = []), ("cookie" = [])), params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = PortalCaseDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_case(State(services): State<Services>, PortalUser(actor): PortalUser, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<PortalCaseDto>> {
    let (case, events) = crate::service::account::my_case(&services, &actor, id).await?;
    let events = events
        .into_iter()
        .map(|e| PortalEventDto {
            actor: e.hand.public_view().to_owned(),
            step: e.step.to_owned(),
            from_state: e.event.from.map_or("", |f| f.code()).to_owned(),
            to_state: e.event.to.code().to_owned(),
            at: e.event.at,
            note: e.event.reason,
        })
        .collect();
    Ok(Json(PortalCaseDto { case: case_dto(case), events }))
}

/// A certificate or proof of the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalCertificateDto {
    pub number: String,
    /// title 不动产权证书 or proof 不动产登记证明.
    pub kind: String,
    /// valid or void.
    pub status: String,
    pub unit_id: i64,
}

/// The caller's certificates and proofs.
#[utoipa::path(get, path = "/api/v1/portal/certificates", tag = "portal", operation_id = "portal_certificates",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<PortalCertificateDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn portal_certificates(State(services): State<Services>, PortalUser(actor): PortalUser) -> ApiResult<Json<Vec<PortalCertificateDto>>> {
    let certs = crate::service::account::my_certificates(&services, &actor).await?;
    Ok(Json(certs.into_iter().map(|(number, kind, status, _, unit_id)| PortalCertificateDto { number, kind, status, unit_id }).collect()))
}

/// An agent's recorded authorisation (授权委托).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorisationDto {
    pub id: i64,
    pub principal_name: String,
    pub principal_id_masked: String,
    /// 委托事项: the agent applies only for what it names.
    pub matters: String,
    pub valid_until: String,
    /// Not revoked and not expired.
    pub usable: bool,
    /// The signed 授权委托书, for `GET /api/v1/portal/files/{id}`.
    pub document_id: i64,
}

/// An agent's authorisations (recorded with `POST /api/v1/portal/authorisations`); none for
/// other accounts.
#[utoipa::path(get, path = "/api/v1/portal/authorisations", tag = "portal", operation_id = "portal_authorisations",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<AuthorisationDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn portal_authorisations(State(services): State<Services>, PortalUser(actor): PortalUser) -> ApiResult<Json<Vec<AuthorisationDto>>> {
    if !actor.roles.iter().any(|r| r == "agent") {
        return Ok(Json(vec![]));
    }
    let list = crate::service::agency::mine(&services, &actor).await?;
    Ok(Json(list.into_iter().map(authorisation_dto).collect()))
}

pub fn authorisation_dto(a: crate::service::agency::Shown) -> AuthorisationDto {
    AuthorisationDto {
        id: a.authorisation.id,
        principal_name: a.principal_name,
        principal_id_masked: a.principal_id_masked,
        matters: a.authorisation.matters,
        valid_until: a.authorisation.valid_until,
        usable: a.usable,
        document_id: a.authorisation.document_id,
    }
}
