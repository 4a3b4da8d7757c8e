//! `/api/v1/rules` — the rule library (规则库): list, new version, retire.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::rule_library::RuleRecord;
use crate::service::rule_library::{self, RuleDraft};

use crate::Services;
use bdc_http::extract::{paging, ApiJson, ApiPath, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;

/// A rule record.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDto {
    pub code: String,
    /// Assigned by the server: one more than the newest version of the code.
    #[serde(default)]
    pub version: i64,
    pub name: String,
    /// restriction_present, mortgage_forbids_transfer, obligor_is_holder, no_current_of_kind,
    /// shares_sum_to_one, no_other_open_case, certificate_valid.
    pub check: String,
    /// For restriction_present: right kinds, comma-separated (e.g. `seizure,lock`).
    #[serde(default)]
    pub kinds: String,
    /// Effects the rule applies to (empty = all).
    #[serde(default)]
    pub effects: Vec<String>,
    /// Right kinds of the flow the rule applies to (empty = all).
    #[serde(default)]
    pub right_kinds: Vec<String>,
    /// Flow codes excluded.
    #[serde(default)]
    pub except_flows: Vec<String>,
    /// block, warn, consent.
    pub severity: String,
    pub legal_basis: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    #[serde(default)]
    pub retired: bool,
}

fn dto(r: RuleRecord) -> RuleDto {
    RuleDto {
        kinds: r.rule.check.kinds_param(),
        check: r.rule.check.name().into(),
        code: r.rule.code,
        version: r.rule.version,
        name: r.rule.name,
        effects: r.rule.applies.effects,
        right_kinds: r.rule.applies.right_kinds,
        except_flows: r.rule.applies.except_flows,
        severity: r.rule.severity.code().into(),
        legal_basis: r.rule.legal_basis,
        effective_from: r.rule.effective_from,
        effective_to: r.rule.effective_to,
        retired: r.retired,
    }
}

/// Page of the rule list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RuleQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Every rule version, retired ones included.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules", operation_id = "list_rules",
    security(("bearer" = []), ("cookie" = [])), params(RuleQuery),
    responses((status = 200, body = PageDto<RuleDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_rules(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<RuleQuery>) -> ApiResult<Json<PageDto<RuleDto>>> {
    let page = paging(q.page, q.per_page)?;
    Ok(Json(PageDto::slice(rule_library::list(&services, &actor).await?.into_iter().map(dto).collect(), page)))
}

/// Creates a rule or a new version of one (the old version stays in the record).
#[utoipa::path(post, path = "/api/v1/rules", tag = "rules", operation_id = "create_rule",
    security(("bearer" = []), ("cookie" = [])), request_body = RuleDto,
    responses((status = 201, body = RuleDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_rule(State(services): State<Services>, Authed(actor): Authed, ApiJson(r): ApiJson<RuleDto>) -> ApiResult<(StatusCode, Json<RuleDto>)> {
    let draft = RuleDraft {
        code: r.code,
        name: r.name,
        check: r.check,
        kinds: r.kinds,
        effects: r.effects,
        right_kinds: r.right_kinds,
        except_flows: r.except_flows,
        severity: r.severity,
        legal_basis: r.legal_basis,
        effective_from: r.effective_from,
        effective_to: r.effective_to,
    };
    let saved = rule_library::create_version(&services, &actor, draft).await?;
    Ok((StatusCode::CREATED, Json(dto(saved))))
}

/// Path of one rule.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RulePath {
    pub code: String,
}

/// Retires a rule (every version); it stays in the record.
#[utoipa::path(delete, path = "/api/v1/rules/{code}", tag = "rules", operation_id = "retire_rule",
    security(("bearer" = []), ("cookie" = [])), params(RulePath),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn retire_rule(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<RulePath>) -> ApiResult<StatusCode> {
    rule_library::retire(&services, &actor, &p.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A flow's duty setting (岗位设置): which of 受理, 审核, 登簿 one person may combine.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DutyDto {
    /// Set by the path when saving.
    #[serde(default)]
    pub flow_code: String,
    /// separate (受理、审核、登簿分岗，默认), review_with_register (审核登簿合一), combined (不限).
    pub rule: String,
    #[serde(default)]
    pub rule_name: String,
    /// Why the office combines duties for this flow (required unless `separate`).
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub set_by: String,
    #[serde(default)]
    pub set_at: String,
}

/// The flows whose duty setting differs from the default (受理、审核、登簿分岗).
#[utoipa::path(get, path = "/api/v1/duties", tag = "rules", operation_id = "list_duties",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<DutyDto>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_duties(State(services): State<Services>, Authed(actor): Authed) -> ApiResult<Json<Vec<DutyDto>>> {
    let rows = crate::service::duties::list(&services, &actor).await?;
    Ok(Json(rows.into_iter().map(|d| DutyDto { flow_code: d.flow_code, rule: d.rule.code().into(), rule_name: d.rule.name().into(), reason: d.reason, set_by: d.set_by, set_at: d.set_at }).collect()))
}

/// Path of one flow.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FlowPath {
    pub flow_code: String,
}

/// Sets one flow's duty setting; `separate` restores the default.
#[utoipa::path(put, path = "/api/v1/duties/{flow_code}", tag = "rules", operation_id = "set_duty",
    security(("bearer" = []), ("cookie" = [])), params(FlowPath), request_body = DutyDto,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_duty(State(services): State<Services>, Authed(actor): Authed, ApiPath(p): ApiPath<FlowPath>, ApiJson(d): ApiJson<DutyDto>) -> ApiResult<StatusCode> {
    let rule = crate::domain::duties::DutyRule::from_code(&d.rule)
        .ok_or_else(|| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_duty_rule", "岗位设置须为 separate（分岗）、review_with_register（审核登簿合一）或 combined（不限）"))?;
    crate::service::duties::set(&services, &actor, &p.flow_code, rule, &d.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
