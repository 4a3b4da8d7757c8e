//! `/api/v1/rules` — the rule library (规则库): list, new version, retire.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use bdc_domain::access::Permission;
use bdc_domain::rules::{Applicability, Check, Rule, Severity};
use bdc_services::{ServiceError, ServiceResult, Services};
use bdc_store::rules::{self as store, RuleRecord};

use crate::api::PageDto;
use crate::extract::{paging, ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiResult, Problem};
use crate::session::Authed;
use crate::state::AppState;

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

async fn all(s: &Services) -> ServiceResult<Vec<RuleRecord>> {
    let mut conn = s.db.conn().await?;
    Ok(store::all_rules(&mut conn).await?)
}

/// Every rule version, retired ones included.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules", operation_id = "list_rules",
    security(("bearer" = []), ("cookie" = [])), params(RuleQuery),
    responses((status = 200, body = PageDto<RuleDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_rules(State(state): State<AppState>, Authed(actor): Authed, ApiQuery(q): ApiQuery<RuleQuery>) -> ApiResult<Json<PageDto<RuleDto>>> {
    actor.require(Permission::RulesRead)?;
    let page = paging(q.page, q.per_page)?;
    Ok(Json(PageDto::slice(all(&state.services).await?.into_iter().map(dto).collect(), page)))
}

/// Creates a rule or a new version of one (the old version stays in the record).
#[utoipa::path(post, path = "/api/v1/rules", tag = "rules", operation_id = "create_rule",
    security(("bearer" = []), ("cookie" = [])), request_body = RuleDto,
    responses((status = 201, body = RuleDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_rule(State(state): State<AppState>, Authed(actor): Authed, ApiJson(r): ApiJson<RuleDto>) -> ApiResult<(StatusCode, Json<RuleDto>)> {
    actor.require(Permission::RulesManage)?;
    let bad = |field: &str, msg: &str| Problem::from(ServiceError::field("bad_rule", field, msg));
    if r.code.is_empty() || r.code.len() > 64 || !r.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(bad("code", "规则编码须为 1–64 位字母、数字、短横线或下划线"));
    }
    if r.name.trim().is_empty() || r.legal_basis.trim().is_empty() {
        return Err(bad("legal_basis", "规则名称和法律依据不能为空"));
    }
    let check = Check::from_parts(&r.check, &r.kinds).ok_or_else(|| bad("check", "检查项或其权利类型参数无效"))?;
    let severity = Severity::from_code(&r.severity).ok_or_else(|| bad("severity", "严重程度须为 block、warn 或 consent"))?;
    if r.effective_to.is_some_and(|t| t < r.effective_from) {
        return Err(bad("effective_to", "失效日期不能早于生效日期"));
    }
    let known = |e: &str| bdc_domain::catalogue::flows().iter().any(|f| f.effect.code() == e);
    if let Some(e) = r.effects.iter().find(|e| !known(e)) {
        return Err(bad("effects", &format!("未知的登记效果“{e}”")));
    }
    let mut tx = state.services.db.begin().await.map_err(ServiceError::from)?;
    let existing = store::all_rules(&mut tx).await.map_err(ServiceError::from)?;
    let version = existing.iter().filter(|x| x.rule.code == r.code).map(|x| x.rule.version).max().unwrap_or(0) + 1;
    let rule = Rule {
        code: r.code.clone(),
        version,
        name: r.name.trim().into(),
        check,
        applies: Applicability { effects: r.effects, right_kinds: r.right_kinds, except_flows: r.except_flows },
        severity,
        legal_basis: r.legal_basis.trim().into(),
        effective_from: r.effective_from,
        effective_to: r.effective_to,
    };
    store::insert_rule(&mut tx, &rule, &actor.username, Utc::now()).await.map_err(ServiceError::from)?;
    let saved = store::all_rules(&mut tx).await.map_err(ServiceError::from)?.into_iter().find(|x| x.rule.code == r.code && x.rule.version == version);
    bdc_store::commit(tx).await.map_err(ServiceError::from)?;
    let saved = saved.ok_or_else(Problem::internal)?;
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
pub async fn retire_rule(State(state): State<AppState>, Authed(actor): Authed, ApiPath(p): ApiPath<RulePath>) -> ApiResult<StatusCode> {
    actor.require(Permission::RulesManage)?;
    let mut conn = state.services.db.conn().await.map_err(ServiceError::from)?;
    if store::retire(&mut conn, &p.code, Utc::now()).await.map_err(ServiceError::from)? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::new(StatusCode::NOT_FOUND, "not_found", format!("规则“{}”不存在或已停用", p.code)))
    }
}
