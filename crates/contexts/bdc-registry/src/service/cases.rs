//! Cases and their workflow (业务与流程): intake, review, 登簿, certificates, archive.
//!
//! The workflow is a table ([`TRANSITIONS`]): each action names the states it leaves, the
//! state it reaches and the permissions that may take it. Every transition is one transaction,
//! recorded as a case event and (through the HTTP layer or the caller) in the audit log.
//! Registration (登簿) is the transition that changes the register: it re-evaluates the rules,
//! plans the change ([`crate::domain::register::plan`]), writes the projections and appends one
//! journal entry, guarded by the unit versions the reviewer saw.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::catalogue::{self, ApplicantRole, Basis, ChangeScope, Effect, Flow};
use crate::domain::duties::Duty;
use crate::domain::register::{self, CertificateNeed, ChangeRequest, CoOwnership, Holding, Planned, RightView, Share};
use crate::domain::rights::{RightKind, RightState};
use crate::domain::rules::{self, Applicant, Facts, Finding, Severity};
use crate::store::cases::{self as store, NewCase};
use crate::store::journal::{self, Payload, Step};
use crate::store::registry;
use bdc_core::access::Permission;
use bdc_core::ids::{CaseNumber, CertificateKind, CertificateNumber};
use bdc_core::office::Office;
use bdc_db::{AnyConnection, Page, PageRequest};

use crate::service::{Actor, ServiceError, ServiceResult, Services};

// The records this use case hands to the API and the pages.
pub use crate::domain::workflow::CaseState;
pub use crate::store::cases::{CaseFilter, CaseRecord, Evaluation};

mod issuance;
pub mod notices;
mod steps;
pub use issuance::{serial_field, IdKind, Issuance, Issued, Relation};
pub use steps::{steps_of, CaseEvent, CaseStep, Hand};

/// States in which a case is still open on its units (not yet registered, nor closed).
pub const OPEN_STATES: &[CaseState] = &CaseState::OPEN;

/// One workflow action.
#[derive(Debug)]
pub struct Transition {
    pub action: &'static str,
    pub name: &'static str,
    pub from: &'static [CaseState],
    pub to: CaseState,
    pub permissions: &'static [Permission],
    pub needs_reason: bool,
}

/// The workflow table: 受理 → 审核 → 登簿 → 缮证 → 发证 → 归档, with 补正, 退件, 撤回, 挂起.
pub const TRANSITIONS: &[Transition] = &[
    Transition { action: "submit", name: "受理", from: &[CaseState::Intake], to: CaseState::Review, permissions: &[Permission::CaseIntake], needs_reason: false },
    Transition { action: "approve", name: "审核通过", from: &[CaseState::Review], to: CaseState::Register, permissions: &[Permission::CaseReview], needs_reason: false },
    Transition {
        action: "request_correction",
        name: "补正",
        from: &[CaseState::Intake, CaseState::Review],
        to: CaseState::Correction,
        permissions: &[Permission::CaseIntake, Permission::CaseReview],
        needs_reason: true,
    },
    Transition { action: "resume", name: "补正完成", from: &[CaseState::Correction], to: CaseState::Review, permissions: &[Permission::CaseIntake], needs_reason: false },
    Transition {
        action: "return",
        name: "退件",
        from: &[CaseState::Intake, CaseState::Review, CaseState::Correction],
        to: CaseState::Returned,
        permissions: &[Permission::CaseIntake, Permission::CaseReview],
        needs_reason: true,
    },
    Transition {
        action: "withdraw",
        name: "撤回",
        from: &[CaseState::Intake, CaseState::Review, CaseState::Correction, CaseState::Suspended],
        to: CaseState::Withdrawn,
        permissions: &[Permission::CaseIntake],
        needs_reason: true,
    },
    Transition { action: "suspend", name: "挂起", from: &[CaseState::Review, CaseState::Register], to: CaseState::Suspended, permissions: &[Permission::CaseReview], needs_reason: true },
    Transition { action: "unsuspend", name: "解除挂起", from: &[CaseState::Suspended], to: CaseState::Review, permissions: &[Permission::CaseReview], needs_reason: false },
    Transition { action: "register", name: "登簿", from: &[CaseState::Register], to: CaseState::Certify, permissions: &[Permission::CaseRegister], needs_reason: false },
    Transition { action: "certify", name: "缮证", from: &[CaseState::Certify], to: CaseState::Issue, permissions: &[Permission::CaseCertify], needs_reason: false },
    // 发证 takes its own fields ([`act_issue`]), not a reason.
    Transition { action: "issue", name: "发证", from: &[CaseState::Issue], to: CaseState::Archive, permissions: &[Permission::CaseCertify], needs_reason: false },
    Transition { action: "archive", name: "归档", from: &[CaseState::Archive], to: CaseState::Archived, permissions: &[Permission::CaseArchive], needs_reason: false },
];

/// Chinese name of a state given by its code (a case event's).
pub use crate::domain::workflow::state_name;

/// The requested change, as stored with the case.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestDoc {
    pub co_ownership: Option<String>,
    #[serde(default)]
    pub attrs: BTreeMap<String, String>,
    pub target_right: Option<i64>,
    #[serde(default)]
    pub mortgagees: Vec<i64>,
    pub title_kind: Option<String>,
    /// Parties who consent (预告权利人、抵押权人同意).
    #[serde(default)]
    pub consents: Vec<i64>,
    /// Material codes handed in (申请材料).
    #[serde(default)]
    pub materials: Vec<String>,
    /// The party an online application was made by (the account's party or the principal an
    /// agent applies for); never set at the counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<i64>,
}

/// An application to open a case.
#[derive(Debug, Clone)]
pub struct OpenCase {
    pub flow_code: String,
    pub unit_ids: Vec<i64>,
    /// `(party id, role code, share)`.
    pub applicants: Vec<(i64, String, String)>,
    pub channel: String,
    pub request: RequestDoc,
}

/// An opened case with the findings of the intake rules (warnings included).
#[derive(Debug, Clone)]
pub struct Opened {
    pub case: CaseRecord,
    pub findings: Vec<Finding>,
}

fn flow_of(code: &str) -> ServiceResult<&'static Flow> {
    catalogue::flow(code).ok_or_else(|| ServiceError::field("unknown_flow", "flow_code", format!("业务流程“{code}”不存在")))
}

/// Today's business date (Beijing).
pub fn today() -> NaiveDate {
    bdc_core::time::today()
}

fn parse_request(case: &CaseRecord) -> ServiceResult<RequestDoc> {
    serde_json::from_str(&case.request).map_err(|e| ServiceError::Internal(Box::new(e)))
}

fn applicants_of(case: &CaseRecord) -> Vec<Applicant> {
    case.applicants.iter().map(|(p, role, share)| Applicant { party_id: *p, role: role.clone(), share: Share::parse(share).unwrap_or(Share::WHOLE) }).collect()
}

/// Whether a flow registers a mortgage (or a mortgage advance notice) beside its main right
/// (catalogue data: [`Flow::with_mortgage`]).
pub fn with_mortgage(flow: &Flow) -> bool {
    flow.with_mortgage()
}

/// Attribute keys an application may carry for the register's own particulars besides the
/// right's: the unit's new 坐落 and a holder's new name.
const LOCATION: &str = "location";
const NEW_NAME: &str = "new_name";

fn change_request(flow: &Flow, req: &RequestDoc, applicants: &[Applicant]) -> ServiceResult<ChangeRequest> {
    // The new right's holders are the 权利人 of the application; a court's seizure or an
    // authority's lock names the acting authority (代理/执行机关) instead.
    let of_role = |role: &str| -> Vec<Holding> { applicants.iter().filter(|a| a.role == role).map(|a| Holding { party_id: a.party_id, share: a.share }).collect() };
    let mut holders = of_role("right_holder");
    if holders.is_empty() {
        holders = of_role("agent");
    }
    let co_ownership = match &req.co_ownership {
        Some(c) => Some(CoOwnership::from_code(c).ok_or_else(|| ServiceError::field("bad_co_ownership", "co_ownership", "共有方式须为 0 单独、1 共同、2 按份、3 其他"))?),
        None => None,
    };
    let title_kind = match &req.title_kind {
        Some(k) => Some(RightKind::from_code(k).ok_or_else(|| ServiceError::field("bad_title_kind", "title_kind", format!("权利类型“{k}”无效")))?),
        None => None,
    };
    let acting: Vec<i64> = match flow.basis {
        Basis::Assignment => of_role("obligor"),
        Basis::Court | Basis::Authority => of_role("agent"),
        _ => of_role("right_holder"),
    }
    .iter()
    .map(|h| h.party_id)
    .collect();
    let mut attrs = req.attrs.clone();
    // The authorisation an agent applied under belongs to the case, not to the right.
    attrs.remove(crate::domain::register::attr::AUTHORISATION);
    let location = attrs.remove(LOCATION);
    let rename = match attrs.remove(NEW_NAME) {
        Some(name) => {
            let holder = applicants.iter().find(|a| a.role == "right_holder").map(|a| a.party_id).ok_or_else(|| ServiceError::field("missing_applicant", "applicants", "姓名变更须有权利人"))?;
            Some((holder, name))
        }
        None => None,
    };
    let combined = with_mortgage(flow);
    let mut mortgage_attrs = register::Attributes::new();
    if combined {
        // The mortgage's particulars are its own: the title keeps its land term and use.
        for k in register::attr::MORTGAGE.iter().filter(|k| **k != register::attr::NOTE) {
            if let Some(v) = attrs.remove(*k) {
                mortgage_attrs.insert((*k).to_owned(), v);
            }
        }
    }
    if flow.right_kind == RightKind::Seizure && flow.effect == Effect::CreateRestriction {
        // 预查封登记 is a pre-seizure whatever the form says.
        if flow.pre_seizure() {
            attrs.insert(register::attr::SEIZURE_KIND.into(), register::SeizureKind::Pre.code().into());
        }
    }
    Ok(ChangeRequest {
        holders,
        co_ownership,
        attrs,
        target_right: req.target_right,
        acting,
        mortgagees: req.mortgagees.iter().map(|p| Holding { party_id: *p, share: Share::WHOLE }).collect(),
        mortgage_attrs,
        with_mortgage: combined,
        reassign: flow.basis == Basis::Assignment,
        title_kind,
        location,
        rename,
        today: today(),
    })
}

fn parse_date(attrs: &BTreeMap<String, String>, key: &str, label: &str) -> ServiceResult<Option<NaiveDate>> {
    match attrs.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<NaiveDate>().map(Some).map_err(|_| ServiceError::field("bad_date", key, format!("{label}“{v}”不是有效日期（YYYY-MM-DD）"))),
    }
}

/// The particulars a flow cannot be registered without, and those nobody may type: checked
/// before a case is opened, so a bad application changes nothing.
fn check_particulars(flow: &Flow, req: &RequestDoc) -> ServiceResult<()> {
    use register::attr;
    if let Some(k) = req.attrs.keys().find(|k| attr::COMPUTED.contains(&k.as_str())) {
        return Err(ServiceError::field("computed_attribute", k, "失效日期、轮候顺序和抵押顺位由系统依法计算，不能填写（异议登记十五日、预告登记九十日，《民法典》第二百二十条、第二百二十一条）"));
    }
    for (k, v) in &req.attrs {
        if v.chars().count() > 500 || k.len() > 64 {
            return Err(ServiceError::field("attribute_too_long", k, "登记事项每项不超过 500 个字"));
        }
    }
    let combined = with_mortgage(flow);
    let creates_mortgage = (flow.effect == Effect::CreateRestriction && flow.right_kind == RightKind::Mortgage) || (combined && flow.effect != Effect::AdvanceToTitle);
    if creates_mortgage {
        // 《民法典》第四百条、《不动产登记暂行条例实施细则》第六十六条: the register records the
        // secured claim and the term of the debt; a maximum-amount mortgage its ceiling and period.
        let method = req.attrs.get(attr::MORTGAGE_METHOD).map_or("1", String::as_str);
        if !matches!(method, "1" | "2") {
            return Err(ServiceError::field("bad_mortgage_method", attr::MORTGAGE_METHOD, "抵押方式须为 1 一般抵押或 2 最高额抵押"));
        }
        let label = if method == "2" { "最高债权额" } else { "被担保主债权数额" };
        match req.attrs.get(attr::AMOUNT).map(|v| v.trim()) {
            None | Some("") => return Err(ServiceError::field("amount_required", attr::AMOUNT, format!("抵押登记须写明{label}（元）"))),
            Some(a) => {
                let ok = a.parse::<f64>().is_ok_and(|x| x > 0.0 && x < 1e14) && a.split_once('.').is_none_or(|(_, f)| f.len() <= 2) && a.bytes().all(|b| b.is_ascii_digit() || b == b'.');
                if !ok {
                    return Err(ServiceError::field("bad_amount", attr::AMOUNT, format!("{label}“{a}”无效：应为大于零的金额（元），至多两位小数")));
                }
            }
        }
        let start = parse_date(&req.attrs, attr::TERM_START, "债务履行期限起始日")?;
        let end = parse_date(&req.attrs, attr::TERM_END, "债务履行期限截止日")?;
        match (start, end) {
            (Some(s), Some(e)) if s <= e => {}
            (Some(_), Some(_)) => return Err(ServiceError::field("bad_term", attr::TERM_END, "债务履行期限的截止日不能早于起始日")),
            _ => return Err(ServiceError::field("term_required", attr::TERM_START, "抵押登记须写明债务履行期限（起始日和截止日）")),
        }
        if method == "2" {
            let cs = parse_date(&req.attrs, attr::CLAIM_START, "债权确定期间起始日")?;
            let ce = parse_date(&req.attrs, attr::CLAIM_END, "债权确定期间截止日")?;
            match (cs, ce) {
                (Some(s), Some(e)) if s <= e => {}
                _ => return Err(ServiceError::field("claim_period_required", attr::CLAIM_START, "最高额抵押须写明债权确定期间（起始日和截止日，截止日不早于起始日）")),
            }
        }
        if combined && req.mortgagees.is_empty() {
            return Err(ServiceError::field("mortgagee_required", "mortgagees", format!("“{}”须写明抵押权人", flow.name)));
        }
    }
    for key in [attr::TERM_START, attr::TERM_END, attr::CLAIM_START, attr::CLAIM_END, attr::REGISTRABLE_ON] {
        parse_date(&req.attrs, key, "日期")?;
    }
    if flow.right_kind == RightKind::Seizure && flow.effect == Effect::CreateRestriction {
        // 查封期限: three years from registration at most (民诉法解释 第四百八十五条); the system
        // computes it, a court may ask a shorter one that has not already ended.
        if let Some(end) = parse_date(&req.attrs, attr::TERM_END, "查封期限截止日")? {
            let day = today();
            if end <= day {
                return Err(ServiceError::field("term_ended", attr::TERM_END, format!("查封期限截止日 {end} 已届满，不能登记")));
            }
            if end > day + chrono::Duration::days(SEIZURE_DAYS) {
                return Err(ServiceError::field("term_too_long", attr::TERM_END, "不动产查封期限不得超过三年（《民事诉讼法》司法解释第四百八十五条）"));
            }
        }
        if req.attrs.contains_key(attr::TERM_START) {
            return Err(ServiceError::field("computed_attribute", attr::TERM_START, "查封期限自登簿之日（轮候查封自转为正式查封之日）起算，由系统计算"));
        }
    }
    if flow.right_kind == RightKind::Easement && flow.effect == Effect::CreateRight && req.attrs.get(attr::DOMINANT_UNIT).is_none_or(|d| d.trim().is_empty()) {
        return Err(ServiceError::field("dominant_unit_required", attr::DOMINANT_UNIT, "地役权登记须写明需役地的不动产单元号（《不动产登记暂行条例实施细则》第六十条）"));
    }
    if let Some(k) = [attr::SERVIENT_UNIT].into_iter().find(|k| req.attrs.contains_key(*k)) {
        return Err(ServiceError::field("computed_attribute", k, "供役地由登记机构在需役地登记簿中记载，不能填写"));
    }
    match flow.change_scope() {
        Some(ChangeScope::Name) if req.attrs.get(NEW_NAME).is_none_or(|n| n.trim().is_empty()) => {
            return Err(ServiceError::field("new_name_required", NEW_NAME, "姓名或名称变更须写明变更后的姓名（名称）"));
        }
        Some(ChangeScope::Address) if req.attrs.get(LOCATION).is_none_or(|n| n.trim().is_empty()) => {
            return Err(ServiceError::field("location_required", LOCATION, "坐落变更须写明变更后的坐落"));
        }
        Some(ChangeScope::CoOwnership) if req.co_ownership.is_none() => {
            return Err(ServiceError::field("co_ownership_required", "co_ownership", "共有性质变更须写明变更后的共有方式"));
        }
        _ => {}
    }
    if let Some(n) = req.attrs.get(NEW_NAME) {
        if n.trim().is_empty() || n.trim().chars().count() > 64 {
            return Err(ServiceError::field("bad_new_name", NEW_NAME, "变更后的姓名（名称）不超过 64 个字"));
        }
        if !matches!(flow.effect, Effect::ChangeRight | Effect::Correction) {
            return Err(ServiceError::field("not_a_change", NEW_NAME, "姓名（名称）只能通过变更登记或更正登记改变"));
        }
    }
    if req.attrs.contains_key(LOCATION) && !matches!(flow.effect, Effect::ChangeRight | Effect::Correction) {
        return Err(ServiceError::field("not_a_change", LOCATION, "坐落只能通过变更登记或更正登记改变"));
    }
    Ok(())
}

/// 查封 of real property: three years (民诉法解释 第四百八十五条), counted as 3 × 365 days.
const SEIZURE_DAYS: i64 = 3 * 365;

/// Evaluates the rules in force for one unit of a case and logs every evaluation.
#[allow(clippy::too_many_arguments)]
async fn evaluate(
    conn: &mut AnyConnection,
    flow: &Flow,
    case_id: i64,
    unit_rights: &[RightView],
    unit_id: i64,
    applicants: &[Applicant],
    req: &RequestDoc,
    stage: &str,
    log: bool,
) -> ServiceResult<Vec<Finding>> {
    let active = crate::store::rules::active_rules(conn).await?;
    // Only cases received earlier stand in the way (条例 第十九条): for an application not yet
    // opened, every open case is earlier.
    let other_open = if case_id > 0 {
        i64::try_from(store::earlier_open_cases(conn, unit_id, case_id, OPEN_STATES).await?.len()).unwrap_or(i64::MAX)
    } else {
        store::open_cases_on_unit(conn, unit_id, case_id, OPEN_STATES).await?
    };
    let consents: BTreeSet<i64> = req.consents.iter().copied().collect();
    let co = req.co_ownership.as_deref().and_then(CoOwnership::from_code);
    let facts = Facts {
        flow,
        unit: unit_rights,
        applicants,
        co_ownership: co,
        consents: &consents,
        other_open_cases: usize::try_from(other_open).unwrap_or(usize::MAX),
        today: today(),
        submitter: req.submitted_by,
        target_right: req.target_right,
    };
    let findings = rules::evaluate(&active, &facts);
    if log && case_id > 0 {
        let now = Utc::now();
        log_findings(conn, case_id, stage, &findings, now).await?;
    }
    Ok(findings)
}

fn blocked(findings: Vec<Finding>) -> ServiceResult<Vec<Finding>> {
    if findings.iter().any(Finding::blocks) {
        let first = findings.iter().find(|f| f.blocks()).map(|f| format!("{}：{}", f.rule_name, f.message)).unwrap_or_default();
        Err(ServiceError::RuleBlocked { message: format!("限制验证未通过 — {first}"), findings })
    } else {
        Ok(findings)
    }
}

fn role_code(r: ApplicantRole) -> &'static str {
    match r {
        ApplicantRole::RightHolder => "right_holder",
        ApplicantRole::Obligor => "obligor",
        ApplicantRole::Agent => "agent",
    }
}

/// Checks an application against its flow (units, channel, roles, shares) before any rule runs.
fn check_application(flow: &'static Flow, cmd: &OpenCase) -> ServiceResult<Vec<Applicant>> {
    if cmd.unit_ids.is_empty() || cmd.unit_ids.len() > 500 {
        return Err(ServiceError::field("bad_units", "unit_ids", "须指定 1 至 500 个不动产单元"));
    }
    if !flow.channels.iter().any(|c| c.code() == cmd.channel) {
        return Err(ServiceError::field("bad_channel", "channel", format!("业务“{}”不能通过该渠道办理", flow.name)));
    }
    let allowed: Vec<&str> = flow.applicant_roles.iter().map(|r| role_code(*r)).collect();
    for (party, role, share) in &cmd.applicants {
        if !["right_holder", "obligor", "agent"].contains(&role.as_str()) {
            return Err(ServiceError::field("bad_role", "applicants", format!("申请人角色“{role}”无效（right_holder 权利人、obligor 义务人、agent 代理人）")));
        }
        if !allowed.contains(&role.as_str()) {
            return Err(ServiceError::field("role_not_in_flow", "applicants", format!("业务“{}”没有该申请人角色：{role}", flow.name)));
        }
        if Share::parse(share).is_none() {
            return Err(ServiceError::field("bad_share", "applicants", format!("份额“{share}”无效，应为如 1/2 或 0.5 的正数且不大于 1")));
        }
        let _ = party;
    }
    let only_agent = flow.applicant_roles.iter().all(|r| *r == ApplicantRole::Agent);
    for role in flow.applicant_roles.iter().filter(|r| only_agent || **r != ApplicantRole::Agent) {
        if !cmd.applicants.iter().any(|(_, r, _)| r == role_code(*role)) {
            return Err(ServiceError::field("missing_applicant", "applicants", format!("业务“{}”须有{}", flow.name, role.name())));
        }
    }
    let apps: Vec<Applicant> = cmd.applicants.iter().map(|(p, r, sh)| Applicant { party_id: *p, role: r.clone(), share: Share::parse(sh).unwrap_or(Share::WHOLE) }).collect();
    check_particulars(flow, &cmd.request)?;
    change_request(flow, &cmd.request, &apps)?;
    Ok(apps)
}

/// 预检: the intake rules for an application not yet opened, so that the clerk sees every
/// finding (blocking ones included) with its legal basis before 受理. Nothing is written.
pub async fn precheck(s: &Services, actor: &Actor, cmd: &OpenCase) -> ServiceResult<Vec<Finding>> {
    actor.require(Permission::CaseIntake)?;
    let flow = flow_of(&cmd.flow_code)?;
    let apps = check_application(flow, cmd)?;
    let mut conn = s.db.conn().await?;
    let mut findings = Vec::new();
    for uid in &cmd.unit_ids {
        let unit = registry::get_unit(&mut conn, *uid).await?.ok_or_else(|| ServiceError::field("unknown_unit", "unit_ids", format!("不动产单元 {uid} 不存在")))?;
        let rights: Vec<RightView> = registry::rights_of_unit(&mut conn, unit.id, true).await?.into_iter().map(|r| r.view).collect();
        findings.extend(evaluate(&mut conn, flow, 0, &rights, unit.id, &apps, &cmd.request, "intake", false).await?);
    }
    Ok(findings)
}

/// 受理: opens a case after checking the flow, units, applicants and the intake rules. A rule
/// that blocks stops the case before it exists; warnings are returned with it.
#[tracing::instrument(name = "open_case", skip_all, fields(flow = %cmd.flow_code, channel = %cmd.channel, case.id = tracing::field::Empty))]
pub async fn open_case(s: &Services, actor: &Actor, cmd: OpenCase) -> ServiceResult<Opened> {
    actor.require(Permission::CaseIntake)?;
    let flow = flow_of(&cmd.flow_code)?;
    let apps = check_application(flow, &cmd)?;
    let request_text = serde_json::to_string(&cmd.request).map_err(|e| ServiceError::Internal(Box::new(e)))?;

    let now = Utc::now();
    let day = today();
    let cal = crate::service::calendar::load(s).await?;
    let mut tx = s.db.begin().await?;
    let mut units = Vec::new();
    let mut findings = Vec::new();
    for uid in &cmd.unit_ids {
        let unit = registry::get_unit(&mut tx, *uid).await?.ok_or_else(|| ServiceError::field("unknown_unit", "unit_ids", format!("不动产单元 {uid} 不存在")))?;
        for (party, _, _) in &cmd.applicants {
            if registry::get_party(&mut tx, *party).await?.is_none() {
                return Err(ServiceError::field("unknown_party", "applicants", format!("当事人 {party} 不存在")));
            }
        }
        let rights: Vec<RightView> = registry::rights_of_unit(&mut tx, unit.id, true).await?.into_iter().map(|r| r.view).collect();
        findings.extend(evaluate(&mut tx, flow, 0, &rights, unit.id, &apps, &cmd.request, "intake", false).await?);
        units.push((unit.id, unit.version));
    }
    if findings.iter().any(Finding::blocks) {
        drop(tx);
        return Err(blocked(findings).err().unwrap_or_else(|| ServiceError::validation("rule_blocked", "限制验证未通过")));
    }
    let county = {
        let first = registry::get_unit(&mut tx, units[0].0).await?.ok_or_else(|| ServiceError::NotFound("不动产单元不存在".into()))?;
        first.unit_number[..6].to_owned()
    };
    let number = next_case_number(&mut tx, &county, day).await?;
    let deadline = cal.add_working_days(day, flow.time_limit_days);
    let id = store::insert_case(
        &mut tx,
        &NewCase {
            case_number: number.as_str(),
            flow_code: flow.code,
            state: CaseState::Intake,
            channel: &cmd.channel,
            county_code: &county,
            request: &request_text,
            created_by: &actor.username,
            accepted_on: day,
            deadline,
            units: &units,
            applicants: &cmd.applicants,
        },
        now,
    )
    .await?;
    tracing::Span::current().record("case.id", id);
    log_findings(&mut tx, id, "intake", &findings, now).await?;
    store::add_event(&mut tx, id, None, CaseState::Intake, &actor.username, "受理登记", now).await?;
    let case = store::get_case(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound("业务不存在".into()))?;
    bdc_audit::commit(tx, actor, "申请登记", &format!("业务 {}：{}", case.case_number, flow.name)).await?;
    Ok(Opened { case, findings })
}

/// Logs a stage's findings in one statement (see [`store::record_evaluations`]).
async fn log_findings(conn: &mut AnyConnection, case_id: i64, stage: &str, findings: &[Finding], now: DateTime<Utc>) -> ServiceResult<()> {
    let rows: Vec<(&str, i64, &str, &str)> = findings.iter().map(|f| (f.rule_code.as_str(), f.rule_version, if f.passed { "pass" } else { f.severity.code() }, f.message.as_str())).collect();
    store::record_evaluations(conn, case_id, stage, &rows, now).await?;
    Ok(())
}

/// The next 业务号 of a county for a day (county + date + sequence).
pub async fn next_case_number(conn: &mut AnyConnection, county: &str, day: NaiveDate) -> ServiceResult<CaseNumber> {
    let period = day.year() * 10000 + i32::try_from(day.month() * 100 + day.day()).unwrap_or(0);
    let seq = registry::next_certificate_seq(conn, county, period, "case").await?;
    CaseNumber::new(county, day, u32::try_from(seq).unwrap_or(u32::MAX)).map_err(|e| ServiceError::Internal(Box::new(e)))
}

/// What the case page shows around a case: its units, the certificates it produced, its
/// applicants (named with their masked ID numbers) and the active rule library the findings
/// are read against. A unit or party that went missing is left out.
#[derive(Debug, Clone, Default)]
pub struct CaseSheet {
    /// `(unit id, 不动产单元号)`.
    pub units: Vec<(i64, String)>,
    /// 证书号 of the rights this case registered.
    pub certificates: Vec<String>,
    /// `(name, role code, share, masked ID number)`.
    pub applicants: Vec<(String, String, String, String)>,
    pub library: Vec<crate::domain::rules::Rule>,
    /// The valid certificates 发证 hands over, by number (the order of its 印制号 fields).
    pub to_issue: Vec<String>,
    /// What 发证 recorded: who received which certificate, with which 印制号.
    pub issued: Vec<Issued>,
}

pub async fn case_sheet(s: &Services, actor: &Actor, case: &CaseRecord) -> ServiceResult<CaseSheet> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    let mut sheet = CaseSheet { library: crate::store::rules::active_rules(&mut conn).await?, ..CaseSheet::default() };
    for (uid, _) in &case.units {
        if let Some(u) = registry::get_unit(&mut conn, *uid).await? {
            sheet.units.push((u.id, u.unit_number));
        }
        let rights = registry::rights_of_unit(&mut conn, *uid, true).await?;
        sheet.certificates.extend(rights.into_iter().filter(|r| r.case_id == Some(case.id)).filter_map(|r| r.view.certificate));
    }
    for (pid, role, share) in &case.applicants {
        if let Some(p) = registry::get_party(&mut conn, *pid).await? {
            sheet.applicants.push((p.name, role.clone(), share.clone(), p.id_number_masked));
        }
    }
    (sheet.to_issue, sheet.issued) = issuance::sheet(&mut conn, case.id).await?;
    // 发证人 by name, as the register book names its 登簿人.
    let mut by: Vec<String> = sheet.issued.iter().map(|i| i.issued_by.clone()).collect();
    by.sort_unstable();
    by.dedup();
    if !by.is_empty() {
        let names = s.directory.staff_names(&mut conn, &by).await?;
        for i in &mut sheet.issued {
            if let Some(n) = names.iter().find(|n| n.username == i.issued_by) {
                i.issued_by.clone_from(&n.display_name);
            }
        }
    }
    Ok(sheet)
}

pub async fn get_case(s: &Services, actor: &Actor, id: i64) -> ServiceResult<CaseRecord> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    store::get_case(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound(format!("业务 {id} 不存在")))
}

pub async fn list_cases(s: &Services, actor: &Actor, f: CaseFilter, page: PageRequest) -> ServiceResult<Page<CaseRecord>> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    Ok(store::list_cases(&mut conn, &f, page).await?)
}

/// The case's 办理记录: each event with its step and who took it (staff by name).
pub async fn case_events(s: &Services, actor: &Actor, id: i64) -> ServiceResult<Vec<CaseStep>> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    let case = store::get_case(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound(format!("业务 {id} 不存在")))?;
    steps_of(s, &mut conn, &case).await
}

/// Every rule evaluation of a case (intake, review, 登簿).
pub async fn evaluations(s: &Services, actor: &Actor, id: i64) -> ServiceResult<Vec<store::Evaluation>> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    Ok(store::evaluations(&mut conn, id).await?)
}

/// What an action produced.
#[derive(Debug, Clone)]
pub struct Moved {
    pub case: CaseRecord,
    pub findings: Vec<Finding>,
    /// Journal sequence number when the action registered the case.
    pub journal_seq: Option<i64>,
}

/// Takes a workflow action on a case.
#[tracing::instrument(name = "case_action", skip(s, actor, reason), fields(case.id = case_id))]
pub async fn act(s: &Services, actor: &Actor, case_id: i64, action: &str, reason: &str) -> ServiceResult<Moved> {
    let t = TRANSITIONS.iter().find(|t| t.action == action).ok_or_else(|| ServiceError::field("unknown_action", "action", format!("未知的办理动作“{action}”")))?;
    if !t.permissions.iter().any(|p| actor.can(*p)) {
        return Err(ServiceError::Forbidden(format!("没有“{}”的权限", t.name)));
    }
    let reason = reason.trim();
    if t.needs_reason && reason.is_empty() {
        return Err(ServiceError::field("reason_required", "reason", format!("“{}”须填写原因或说明", t.name)));
    }
    if reason.chars().count() > 500 {
        return Err(ServiceError::field("reason_too_long", "reason", "原因不超过 500 个字"));
    }
    if action == "register" {
        return register(s, actor, case_id).await;
    }
    if action == "issue" {
        // 发证 has fields of its own: without them it is refused field by field (or 409 when
        // the case is not waiting for it).
        return act_issue(s, actor, case_id, &Issuance::default()).await;
    }
    let moved = transition(s, actor, case_id, t, reason).await?;
    // Automatic registration (智能登簿): eligible flows whose rules pass and materials are complete.
    if action == "submit" {
        let flow = flow_of(&moved.case.flow_code)?;
        if flow.auto_register {
            if let Some(auto) = try_auto_register(s, &moved.case, flow).await? {
                return Ok(auto);
            }
        }
    }
    Ok(moved)
}

/// 发证 with its fields ([`Issuance`]): the receiver and each certificate's 印制号 are recorded
/// in the transaction of the transition, so a refused form (every problem beside its field, a
/// 印制号 used before) changes nothing.
#[tracing::instrument(name = "case_issue", skip(s, actor, input), fields(case.id = case_id))]
pub async fn act_issue(s: &Services, actor: &Actor, case_id: i64, input: &Issuance) -> ServiceResult<Moved> {
    let t = TRANSITIONS.iter().find(|t| t.action == "issue").ok_or_else(|| ServiceError::Internal("workflow table lacks issue".into()))?;
    if !t.permissions.iter().any(|p| actor.can(*p)) {
        return Err(ServiceError::Forbidden(format!("没有“{}”的权限", t.name)));
    }
    transition_with(s, actor, case_id, t, "", Some(input)).await
}

/// One table-driven transition other than 登簿, in one transaction.
pub(crate) async fn transition(s: &Services, actor: &Actor, case_id: i64, t: &Transition, reason: &str) -> ServiceResult<Moved> {
    transition_with(s, actor, case_id, t, reason, None).await
}

/// A transition with what it records besides (发证's [`Issuance`]), in one transaction.
async fn transition_with(s: &Services, actor: &Actor, case_id: i64, t: &Transition, reason: &str, issuance: Option<&Issuance>) -> ServiceResult<Moved> {
    let action = t.action;
    let now = Utc::now();
    let day = today();
    let cal = crate::service::calendar::load(s).await?;
    let mut tx = s.db.begin().await?;
    let case = store::get_case(&mut tx, case_id).await?.ok_or_else(|| ServiceError::NotFound(format!("业务 {case_id} 不存在")))?;
    if !t.from.contains(&case.state) {
        return Err(ServiceError::Conflict { code: "bad_state", message: format!("业务当前状态为“{}”，不能“{}”", case.state.name(), t.name) });
    }
    let flow = flow_of(&case.flow_code)?;
    if action == "approve" {
        crate::service::duties::require(&mut tx, actor, case.id, &case.flow_code, Duty::Review).await?;
    }
    let req = parse_request(&case)?;
    let apps = applicants_of(&case);
    let mut findings = Vec::new();
    if action == "approve" && decided_in_order(flow) {
        for (unit_id, _) in &case.units {
            wait_for_earlier(&mut tx, *unit_id, case.id).await?;
        }
    }
    // Rules run again at review: the register may have changed since intake.
    if action == "approve" || action == "submit" {
        for (unit_id, _) in &case.units {
            let unit = registry::get_unit(&mut tx, *unit_id).await?.ok_or_else(|| ServiceError::NotFound("不动产单元不存在".into()))?;
            let rights: Vec<RightView> = registry::rights_of_unit(&mut tx, *unit_id, true).await?.into_iter().map(|r| r.view).collect();
            let stage = if action == "approve" { "review" } else { "intake" };
            findings.extend(evaluate(&mut tx, flow, case.id, &rights, *unit_id, &apps, &req, stage, true).await?);
            if action == "approve" {
                store::set_seen_version(&mut tx, case.id, *unit_id, unit.version).await?;
            }
        }
        if findings.iter().any(Finding::blocks) {
            bdc_db::commit(tx).await?;
            return Err(blocked(findings).err().unwrap_or_else(|| ServiceError::validation("rule_blocked", "限制验证未通过")));
        }
        if action == "approve" {
            store::set_review_report(&mut tx, case.id, &review_report(flow, &case, &findings, &actor.display_name, false)).await?;
        }
    }
    // 补正 pauses the clock; resuming extends the deadline by the working days it was paused.
    let (deadline, paused) = match action {
        "request_correction" => (case.deadline, Some(day)),
        "resume" => {
            let paused_days = case.paused_since.map_or(0, |p| cal.working_days_between(p, day).max(0));
            (cal.add_working_days(case.deadline, u32::try_from(paused_days).unwrap_or(0)), None)
        }
        _ => (case.deadline, case.paused_since),
    };
    let recorded = match issuance {
        Some(input) => Some(issuance::record(s, &mut tx, actor, case.id, input, &bdc_db::format_time(now)).await?),
        None => None,
    };
    let reason = recorded.as_deref().unwrap_or(reason);
    if !store::transition(&mut tx, case.id, case.version, case.state, t.to, reason, deadline, paused).await? {
        return Err(ServiceError::Conflict { code: "stale_case", message: "业务已被他人办理，请刷新后重试".into() });
    }
    store::add_event(&mut tx, case.id, Some(case.state), t.to, &actor.username, if reason.is_empty() { t.name } else { reason }, now).await?;
    crate::service::events::case_moved(&mut tx, case.id, case.version + 1, case.state, t.to, reason).await?;
    let case = store::get_case(&mut tx, case_id).await?.ok_or_else(|| ServiceError::NotFound("业务不存在".into()))?;
    let detail = if reason.is_empty() { format!("业务 {}", case.case_number) } else { format!("业务 {}：{reason}", case.case_number) };
    bdc_audit::commit(tx, actor, t.name, &detail).await?;
    Ok(Moved { case, findings, journal_seq: None })
}

/// The review report (审核报告): facts checked, rules applied with their legal basis, outcome.
fn review_report(flow: &Flow, case: &CaseRecord, findings: &[Finding], reviewer: &str, automatic: bool) -> String {
    let mut out = format!(
        "审核报告\n业务号：{}\n业务：{}（{}）\n不动产单元：{} 个\n申请人：{} 人\n审核方式：{}\n审核人：{}\n\n规则核验：\n",
        case.case_number,
        flow.name,
        flow.registration_type.name(),
        case.units.len(),
        case.applicants.len(),
        if automatic { "系统自动审核（智能登簿）" } else { "人工审核" },
        reviewer
    );
    for f in findings {
        let sev = match f.severity {
            Severity::Block => "阻断",
            Severity::Warn => "提示",
            Severity::Consent => "需同意",
        };
        out.push_str(&format!("- {}（{}）：{}；依据：{}\n", f.rule_name, sev, if f.passed { "通过".to_owned() } else { f.message.clone() }, f.legal_basis));
    }
    if findings.is_empty() {
        out.push_str("- 无适用规则\n");
    }
    out.push_str(&format!("\n结论：{}\n", if findings.iter().any(Finding::blocks) { "不予通过" } else { "审核通过，准予登簿" }));
    out
}

async fn try_auto_register(s: &Services, case: &CaseRecord, flow: &Flow) -> ServiceResult<Option<Moved>> {
    let req = parse_request(case)?;
    if !flow.basis.checkable_from_register() {
        return Ok(None);
    }
    let missing: Vec<&str> = flow.materials.iter().filter(|m| m.required && !req.materials.iter().any(|c| c == m.code)).map(|m| m.name).collect();
    let system = system_actor();
    if !missing.is_empty() {
        let mut conn = s.db.conn().await?;
        store::add_event(&mut conn, case.id, Some(CaseState::Review), CaseState::Review, "system", &format!("未自动登簿，转人工审核：缺少材料 {}", missing.join("、")), Utc::now()).await?;
        return Ok(None);
    }
    // Only a case every check passes goes through unattended: a warning or a needed consent is
    // for a person to weigh.
    {
        let mut conn = s.db.conn().await?;
        let apps = applicants_of(case);
        let mut unsure = Vec::new();
        for (unit_id, _) in &case.units {
            let rights: Vec<RightView> = registry::rights_of_unit(&mut conn, *unit_id, true).await?.into_iter().map(|r| r.view).collect();
            for f in evaluate(&mut conn, flow, case.id, &rights, *unit_id, &apps, &req, "review", false).await? {
                if !f.passed {
                    unsure.push(format!("{}：{}", f.rule_name, f.message));
                }
            }
        }
        if !unsure.is_empty() {
            store::add_event(&mut conn, case.id, Some(CaseState::Review), CaseState::Review, "system", &format!("未自动登簿，转人工审核：{}", unsure.join("；")), Utc::now()).await?;
            return Ok(None);
        }
    }
    let approve = TRANSITIONS.iter().find(|t| t.action == "approve").ok_or_else(|| ServiceError::Internal("workflow table lacks approve".into()))?;
    match transition(s, &system, case.id, approve, "").await {
        Ok(approved) => {
            let mut conn = s.db.conn().await?;
            let flow_report = review_report(flow, &approved.case, &approved.findings, "系统", true);
            store::set_review_report(&mut conn, case.id, &flow_report).await?;
            drop(conn);
            register(s, &system, case.id).await.map(Some)
        }
        Err(ServiceError::RuleBlocked { message, .. }) | Err(ServiceError::Conflict { code: "earlier_case_open", message }) => {
            let mut conn = s.db.conn().await?;
            store::add_event(&mut conn, case.id, Some(CaseState::Review), CaseState::Review, "system", &format!("未自动登簿，转人工审核：{message}"), Utc::now()).await?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The actor of automatic review and registration (智能审核).
pub fn system_actor() -> Actor {
    let mut a = Actor::console();
    a.username = "system".into();
    a.display_name = "智能审核".into();
    a
}

/// Width of a certificate number's sequence: 苏(年)常州市不动产权第0000001号, the province and the
/// city from the office served.
const WIDTH: u8 = 7;

async fn new_certificate(conn: &mut AnyConnection, office: &Office, need: CertificateNeed, year: i32) -> ServiceResult<Option<(String, &'static str)>> {
    let (kind, code) = match need {
        CertificateNeed::Title => (CertificateKind::Title, "title"),
        CertificateNeed::Proof => (CertificateKind::Proof, "proof"),
        CertificateNeed::None => return Ok(None),
    };
    let seq = registry::next_certificate_seq(conn, &office.city_name, year, code).await?;
    let number = CertificateNumber::new(office.province_abbr, u16::try_from(year).unwrap_or(2026), &office.city_name, kind, u32::try_from(seq).unwrap_or(u32::MAX), WIDTH)
        .map_err(|e| ServiceError::Internal(Box::new(e)))?;
    Ok(Some((number.format(), code)))
}

/// Cases on one unit are decided in the order they were received (《不动产登记暂行条例》第十九条、
/// 第二十一条; 实施细则 第十五条): a later case is not approved or registered while an earlier one
/// is open. A court's seizure and an authority's lock are the exception: they take effect when
/// registered, ahead of pending applications, which they then block.
fn decided_in_order(flow: &Flow) -> bool {
    !matches!(flow.basis, Basis::Court | Basis::Authority)
}

async fn wait_for_earlier(conn: &mut AnyConnection, unit_id: i64, case_id: i64) -> ServiceResult<()> {
    let earlier = store::earlier_open_cases(conn, unit_id, case_id, OPEN_STATES).await?;
    match earlier.first() {
        None => Ok(()),
        Some((_, number)) => Err(ServiceError::Conflict {
            code: "earlier_case_open",
            message: format!("该单元有先受理的业务 {number} 尚未办结：同一不动产单元的登记按受理先后顺序办理（《不动产登记暂行条例》第十九条、第二十一条），本业务须待其办结后再审核、登簿"),
        }),
    }
}

/// 登簿: enters an approved case in the register, in one transaction with its journal entry.
async fn register(s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<Moved> {
    if !actor.can(Permission::CaseRegister) {
        return Err(ServiceError::Forbidden("没有“登簿”的权限".into()));
    }
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    let (seq, prev_hash) = journal::next_seq(&mut tx).await?;
    match register_locked(&mut tx, &s.office, actor, case_id, seq, &prev_hash, now).await {
        Ok(moved) => {
            bdc_audit::commit(tx, actor, "登簿", &format!("业务 {}，登记簿第 {seq} 条", moved.case.case_number)).await?;
            Ok(moved)
        }
        Err(ServiceError::RuleBlocked { message, findings }) => {
            // The evaluation that blocked is kept, outside the abandoned registration.
            drop(tx);
            let mut conn = s.db.conn().await?;
            log_findings(&mut conn, case_id, "register", &findings, now).await?;
            Err(ServiceError::RuleBlocked { message, findings })
        }
        Err(e) => Err(e),
    }
}

/// 登簿 inside a transaction that already holds the journal head (`seq`, `prev_hash`), so that a
/// caller can put more in the same transaction (the court intake marks its request processed).
/// Nothing is committed here.
#[tracing::instrument(name = "register", skip(tx, office, actor, prev_hash, now), fields(case.id = case_id, journal.seq = seq))]
pub async fn register_locked(tx: &mut AnyConnection, office: &Office, actor: &Actor, case_id: i64, seq: i64, prev_hash: &str, now: DateTime<Utc>) -> ServiceResult<Moved> {
    let year = today().year();
    let case = store::get_case(tx, case_id).await?.ok_or_else(|| ServiceError::NotFound(format!("业务 {case_id} 不存在")))?;
    if case.state != CaseState::Register {
        return Err(ServiceError::Conflict { code: "bad_state", message: format!("业务当前状态为“{}”，不能登簿", case.state.name()) });
    }
    let flow = flow_of(&case.flow_code)?;
    crate::service::duties::require(tx, actor, case.id, &case.flow_code, Duty::Register).await?;
    let req = parse_request(&case)?;
    let apps = applicants_of(&case);
    let change = change_request(flow, &req, &apps)?;
    if decided_in_order(flow) {
        for (unit_id, _) in &case.units {
            wait_for_earlier(tx, *unit_id, case.id).await?;
        }
    }
    let mut steps = Vec::new();
    let mut findings = Vec::new();
    let mut any_certificate = false;
    for (unit_id, seen) in &case.units {
        let unit = registry::get_unit(tx, *unit_id).await?.ok_or_else(|| ServiceError::NotFound("不动产单元不存在".into()))?;
        if unit.version != *seen {
            return Err(ServiceError::Conflict {
                code: "unit_changed", message: format!("不动产单元 {} 在本业务审核后已被其他业务登簿，登记簿已变化，请退回重新审核", unit.unit_number)
            });
        }
        let current: Vec<RightView> = registry::rights_of_unit(tx, unit.id, true).await?.into_iter().map(|r| r.view).collect();
        let found = evaluate(tx, flow, case.id, &current, unit.id, &apps, &req, "register", false).await?;
        if found.iter().any(Finding::blocks) {
            return Err(blocked(found).err().unwrap_or_else(|| ServiceError::validation("rule_blocked", "限制验证未通过")));
        }
        findings.extend(found);
        if flow.right_kind == RightKind::Seizure && flow.effect == crate::domain::catalogue::Effect::ChangeRestriction {
            check_renewal(&current, &change)?;
        }
        let planned = register::plan(flow.effect, flow.right_kind, &current, &change).map_err(|e| ServiceError::validation("cannot_register", e.to_string()))?;
        let planned = start_promoted_terms(planned, today());
        let companion = if flow.right_kind == RightKind::Easement { easement_companion(tx, &unit, &current, &planned).await? } else { None };
        let (unit_steps, certified) = apply_plan(tx, office, unit.id, &current, planned, seq, Some(case.id), year, now).await?;
        steps.extend(unit_steps);
        any_certificate |= certified;
        if !registry::bump_unit_version(tx, unit.id, unit.version).await? {
            return Err(ServiceError::Conflict { code: "unit_changed", message: format!("不动产单元 {} 正被其他业务登簿，请稍后重试", unit.unit_number) });
        }
        if let Some((dominant, dominant_rights, mirror)) = companion {
            let (mirror_steps, _) = apply_plan(tx, office, dominant.id, &dominant_rights, mirror, seq, Some(case.id), year, now).await?;
            steps.extend(mirror_steps);
            if !registry::bump_unit_version(tx, dominant.id, dominant.version).await? {
                return Err(ServiceError::Conflict { code: "unit_changed", message: format!("需役地不动产单元 {} 正被其他业务登簿，请稍后重试", dominant.unit_number) });
            }
        }
    }
    log_findings(tx, case.id, "register", &findings, now).await?;
    let payload = Payload { case_id: Some(case.id), case_number: Some(case.case_number.clone()), flow_code: Some(case.flow_code.clone()), at: journal::now_text(now), steps };
    journal::append(tx, seq, prev_hash, &actor.username, &payload, now).await?;
    // The outbox: the other contexts hear of the entry in the same transaction (the province's
    // report, a promoted court).
    crate::service::events::registered(tx, seq, &payload.steps).await?;
    store::set_registered(tx, case.id, seq).await?;
    // Flows that issue no certificate (查封, 锁定, 注销) go straight to archiving.
    let to = if any_certificate { CaseState::Certify } else { CaseState::Archive };
    if !store::transition(tx, case.id, case.version, CaseState::Register, to, "", case.deadline, None).await? {
        return Err(ServiceError::Conflict { code: "stale_case", message: "业务已被他人办理，请刷新后重试".into() });
    }
    store::add_event(tx, case.id, Some(CaseState::Register), to, &actor.username, "登簿", now).await?;
    crate::service::events::case_moved(tx, case.id, case.version + 1, CaseState::Register, to, "").await?;
    let case = store::get_case(tx, case_id).await?.ok_or_else(|| ServiceError::NotFound("业务不存在".into()))?;
    Ok(Moved { case, findings, journal_seq: Some(seq) })
}

/// 地役权 is recorded in the registers of both the servient land (供役地) and the dominant land
/// (需役地) (《不动产登记暂行条例实施细则》第六十条). The servient unit's entry is the easement, with
/// its proof; the dominant unit's register carries a companion entry naming the servient unit,
/// which follows every registration of the easement: created, changed or transferred with it,
/// ended with it. Returns the dominant unit, its current rights and the companion's steps.
async fn easement_companion(conn: &mut AnyConnection, servient: &registry::Unit, current: &[RightView], planned: &[Planned]) -> ServiceResult<Option<(registry::Unit, Vec<RightView>, Vec<Planned>)>> {
    use register::attr::{DOMINANT_UNIT, SERVIENT_UNIT};
    // The easement version the registration leaves current (if any), and the one it ends.
    let created = planned.iter().find_map(|p| match p {
        Planned::Create { kind: RightKind::Easement, co_ownership, holders, attrs, .. } if attrs.contains_key(DOMINANT_UNIT) => Some((*co_ownership, holders.clone(), attrs.clone())),
        _ => None,
    });
    let ended = planned.iter().find_map(|p| match p {
        Planned::End { right_id, to } => current.iter().find(|r| r.id == *right_id && r.kind == RightKind::Easement).and_then(|r| r.attr(DOMINANT_UNIT).map(|d| (d.to_owned(), *to))),
        _ => None,
    });
    let Some(number) = created.as_ref().and_then(|c| c.2.get(DOMINANT_UNIT).cloned()).or_else(|| ended.as_ref().map(|e| e.0.clone())) else { return Ok(None) };
    let dominant = registry::find_unit(conn, &number).await?.ok_or_else(|| ServiceError::field("unknown_dominant_unit", DOMINANT_UNIT, format!("需役地不动产单元 {number} 不存在")))?;
    if dominant.id == servient.id {
        return Err(ServiceError::field("bad_dominant_unit", DOMINANT_UNIT, "需役地不能是供役地本身"));
    }
    let rights: Vec<RightView> = registry::rights_of_unit(conn, dominant.id, true).await?.into_iter().map(|r| r.view).collect();
    let old = rights.iter().find(|r| r.kind == RightKind::Easement && r.attr(SERVIENT_UNIT) == Some(servient.unit_number.as_str()));
    let mut steps = Vec::new();
    if let Some(o) = old {
        let to = if created.is_some() { crate::domain::rights::RightState::Historic } else { crate::domain::rights::RightState::Ended };
        steps.push(Planned::End { right_id: o.id, to });
    }
    if let Some((co_ownership, holders, mut attrs)) = created {
        attrs.remove(DOMINANT_UNIT);
        attrs.insert(SERVIENT_UNIT.into(), servient.unit_number.clone());
        steps.push(Planned::Create { kind: RightKind::Easement, co_ownership, holders, attrs, certificate: CertificateNeed::None, predecessor: old.map(|o| o.id) });
    }
    Ok(Some((dominant, rights, steps)))
}

/// Applies the planned steps for one unit inside the registration transaction: writes created
/// rights with their certificate numbers, ends superseded ones, recertifies. Returns the journal
/// steps and whether a certificate or proof was issued.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_plan(
    conn: &mut AnyConnection,
    office: &Office,
    unit_id: i64,
    current: &[RightView],
    planned: Vec<Planned>,
    seq: i64,
    case_id: Option<i64>,
    year: i32,
    now: DateTime<Utc>,
) -> ServiceResult<(Vec<Step>, bool)> {
    let mut steps = Vec::new();
    let mut any_certificate = false;
    // The names and the 坐落 the sealed journal records, read once per registration and kept
    // current by the plan's own renames and relocations.
    let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut location: Option<String> = None;
    for p in planned {
        match p {
            Planned::Create { kind, co_ownership, holders, attrs, certificate, predecessor } => {
                let cert = new_certificate(&mut *conn, office, certificate, year).await?;
                let right_id = registry::insert_right(
                    &mut *conn,
                    &registry::NewRight {
                        unit_id,
                        kind,
                        co_ownership,
                        holders: &holders,
                        attrs: &attrs,
                        certificate_number: cert.as_ref().map(|c| c.0.as_str()),
                        registered_seq: seq,
                        case_id,
                        predecessor_id: predecessor,
                    },
                )
                .await?;
                if let Some((number, kind_code)) = &cert {
                    registry::insert_certificate(&mut *conn, number, kind_code, right_id, case_id, seq).await?;
                    any_certificate = true;
                }
                // The holders' names and the unit's 坐落 as registered, so the journal covers
                // them (账本格式 2).
                let mut holder_names = Vec::with_capacity(holders.len());
                for h in &holders {
                    if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(h.party_id) {
                        let party = registry::get_party(&mut *conn, h.party_id).await?.ok_or_else(|| ServiceError::NotFound(format!("当事人 {} 不存在", h.party_id)))?;
                        slot.insert(party.name);
                    }
                    holder_names.push(names[&h.party_id].clone());
                }
                if location.is_none() {
                    location = registry::get_unit(&mut *conn, unit_id).await?.map(|u| u.location);
                }
                steps.push(Step::Create {
                    right_id,
                    unit_id,
                    kind: kind.code().into(),
                    co_ownership: co_ownership.code().into(),
                    holders: holders.iter().map(|h| (h.party_id, h.share.to_string())).collect(),
                    details: serde_json::to_string(&attrs).map_err(|e| ServiceError::Internal(Box::new(e)))?,
                    certificate: cert.as_ref().map(|c| c.0.clone()),
                    certificate_kind: cert.as_ref().map(|c| c.1.to_owned()),
                    predecessor_id: predecessor,
                    names: holder_names,
                    location: location.clone(),
                });
            }
            Planned::End { right_id, to } => {
                if !registry::end_right(&mut *conn, right_id, to, seq).await? {
                    return Err(ServiceError::Conflict { code: "right_changed", message: "权利状态已被其他业务改变，请重新审核".into() });
                }
                steps.push(Step::End { right_id, state: i64::from(to.code()) });
            }
            Planned::Recertify { right_id, certificate } => {
                let old = current.iter().find(|r| r.id == right_id).and_then(|r| r.certificate.clone());
                if let Some(o) = &old {
                    registry::void_certificate(&mut *conn, o, seq).await?;
                }
                let (number, kind_code) = new_certificate(&mut *conn, office, certificate, year).await?.ok_or_else(|| ServiceError::validation("no_certificate", "该权利不发放证书或证明"))?;
                registry::set_right_certificate(&mut *conn, right_id, &number).await?;
                registry::insert_certificate(&mut *conn, &number, kind_code, right_id, case_id, seq).await?;
                any_certificate = true;
                steps.push(Step::Recertify { right_id, old_certificate: old, certificate: number, certificate_kind: kind_code.into() });
            }
            Planned::Relocate { location: location_now } => {
                let previous = registry::set_unit_location(&mut *conn, unit_id, &location_now).await?;
                location = Some(location_now.clone());
                steps.push(Step::Relocate { unit_id, previous, location: location_now });
            }
            Planned::Rename { party_id, name } => {
                let previous = registry::rename_party(&mut *conn, party_id, &name, case_id, seq, now).await?;
                names.insert(party_id, name.clone());
                steps.push(Step::Rename { party_id, previous, name });
            }
        }
    }
    Ok((steps, any_certificate))
}

/// A waiting seizure that becomes active starts its term then (法发〔2004〕5号 第20条): three
/// years from the day it is promoted, unless the court set a later end.
pub(crate) fn start_promoted_terms(planned: Vec<Planned>, today: NaiveDate) -> Vec<Planned> {
    planned
        .into_iter()
        .map(|p| match p {
            // A new active seizure starts its term on the day it is registered: three years, or
            // the shorter term the court asked for.
            Planned::Create { kind: RightKind::Seizure, co_ownership, holders, mut attrs, certificate, predecessor: None }
                if !attrs.contains_key(register::attr::QUEUE) && !attrs.contains_key(register::attr::TERM_START) =>
            {
                attrs.insert(register::attr::TERM_START.into(), today.to_string());
                attrs.entry(register::attr::TERM_END.into()).or_insert_with(|| (today + chrono::Duration::days(SEIZURE_DAYS - 1)).to_string());
                Planned::Create { kind: RightKind::Seizure, co_ownership, holders, attrs, certificate, predecessor: None }
            }
            Planned::Create { kind: RightKind::Seizure, co_ownership, holders, mut attrs, certificate, predecessor: Some(pred) }
                if !attrs.contains_key(register::attr::QUEUE) && attrs.get(register::attr::TERM_START).and_then(|d| d.parse::<NaiveDate>().ok()).is_none_or(|d| d < today) =>
            {
                let ends_after = attrs.get(register::attr::TERM_END).and_then(|d| d.parse::<NaiveDate>().ok()).is_some_and(|d| d > today);
                if !ends_after || !attrs.contains_key(register::attr::TERM_START) {
                    attrs.insert(register::attr::TERM_START.into(), today.to_string());
                    attrs.insert(register::attr::TERM_END.into(), (today + chrono::Duration::days(3 * 365 - 1)).to_string());
                }
                Planned::Create { kind: RightKind::Seizure, co_ownership, holders, attrs, certificate, predecessor: Some(pred) }
            }
            other => other,
        })
        .collect()
}

/// 续封 (民诉法解释 第487条): registered before the seizure expires, for at most 3 years beyond
/// its current end.
pub(crate) fn check_renewal(current: &[RightView], change: &ChangeRequest) -> ServiceResult<()> {
    let seizures: Vec<&RightView> = current.iter().filter(|r| r.kind == RightKind::Seizure && r.attr(register::attr::QUEUE).is_none()).collect();
    let target = match change.target_right {
        Some(id) => seizures.into_iter().find(|r| r.id == id),
        None => seizures.into_iter().next(),
    }
    .ok_or_else(|| ServiceError::validation("cannot_register", "该单元没有可续封的现势查封"))?;
    let old_end = target.attr(register::attr::TERM_END).and_then(|d| d.parse::<NaiveDate>().ok());
    let new_end = change.attrs.get(register::attr::TERM_END).and_then(|d| d.parse::<NaiveDate>().ok());
    let Some(new_end) = new_end else {
        return Err(ServiceError::field("term_required", "term_end", "续封须写明新的查封期限（term_end）"));
    };
    if let Some(old_end) = old_end {
        if today() > old_end {
            return Err(ServiceError::validation("seizure_expired", format!("原查封已于 {old_end} 到期失效，不能续封，应重新查封")));
        }
        let limit = old_end.checked_add_signed(chrono::Duration::days(3 * 365 + 1)).unwrap_or(old_end);
        if new_end > limit || new_end <= old_end {
            return Err(ServiceError::field("bad_term", "term_end", format!("续封期限须晚于原期限 {old_end}，且不超过三年（至 {limit}）")));
        }
    }
    Ok(())
}

/// The state a right ends in, for display.
pub fn right_state_name(code: i64) -> &'static str {
    u8::try_from(code).ok().and_then(RightState::from_code).map_or("未知", RightState::name)
}

/// Findings that did not pass, for display.
pub fn failing(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| !f.passed).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transition_leaves_from_known_states() {
        // Every state but the closed ones is left by some action; every state is reached.
        for st in CaseState::ALL {
            assert!(st.is_closed() || TRANSITIONS.iter().any(|t| t.from.contains(&st)), "{st} is a dead end");
            assert!(st == CaseState::Intake || TRANSITIONS.iter().any(|t| t.to == st), "{st} is never reached");
        }
        for t in TRANSITIONS {
            assert!(!t.from.contains(&t.to), "{} leaves a state for itself", t.action);
        }
    }
}
