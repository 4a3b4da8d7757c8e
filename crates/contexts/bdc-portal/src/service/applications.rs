//! 网上申请 — the whole online application, and 共同申请确认: the co-applicants' confirmations.
//!
//! An online application carries everything the counter's 受理 takes — every party the flow
//! names (权利人, 义务人, 抵押权人, 代理人) with shares and 共有方式, the particulars the flow's
//! effect needs, the right it acts on — and is checked by the very same code
//! ([`bdc_registry::register_api::cases::precheck`], then [`bdc_registry::register_api::cases::open_case`]), so the portal can never accept
//! what the counter would refuse.
//!
//! Why confirmations: a sale, a mortgage and the like are applied for by both sides together
//! (《不动产登记暂行条例》第十四条). Online, nobody is named as an applicant without his own
//! act: every party named besides the applicant himself confirms from his own real-name account
//! with a one-time SMS code (the online equivalent of signing the 申请书), or declines. Until all
//! have confirmed the application waits (待确认) and no case exists; a decline stops it. The
//! confirmations stay with the case (`crate::store::applications`).
//!
//! Who applies: the account's own party; or, for an agent (代理人), the principal of a recorded
//! authorisation (授权委托), only within its 委托事项 — the signed letter stands for the
//! principal, who does not confirm again; or, for a bank or developer applying for its customers
//! (银行代办, 开发企业代办), the customers it names, who all confirm.

use std::collections::BTreeMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::store::applications::{self as store, ApplicationRow, NewApplication};
use bdc_core::ids::{CitizenId, CreditCode};
use bdc_db::{AnyConnection, PageRequest};
use bdc_registry::domain::catalogue::{self, ApplicantRole, Basis, ChangeScope, Channel, Effect, Flow};
use bdc_registry::domain::register::attr;
use bdc_registry::domain::rights::{RightKind, RightState};
use bdc_registry::domain::rules::Finding;
use bdc_registry::register_api::cases::CaseRecord;
use bdc_registry::register_api::materials as files;
use bdc_registry::register_api::registry::{self, UnitFilter};

use crate::service::account as portal;
use bdc_core::{Actor, FieldErrors, ServiceError, ServiceResult};
use bdc_registry::register_api::cases::{OpenCase, RequestDoc};
use bdc_registry::Services;

pub use crate::domain::{ApplicationState, ConfirmationState};

mod checks;

/// The role of a mortgagee (抵押权人) among the named parties; the case keeps mortgagees apart
/// from the applicants, the confirmations name them too.
pub const MORTGAGEE: &str = "mortgagee";

/// Chinese name of a role code.
pub fn role_name(code: &str) -> &'static str {
    match code {
        MORTGAGEE => "抵押权人",
        c => ApplicantRole::from_code(c).map_or("申请人", ApplicantRole::name),
    }
}

/// Another party named in an application (其他申请人), by name and ID number.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OtherParty {
    /// right_holder, obligor or agent.
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    /// 份额 (按份共有), e.g. 1/2; empty for 1.
    #[serde(default)]
    pub share: String,
}

/// A party named without a role of the application: a mortgagee (抵押权人) of a combined
/// transfer and mortgage or of a 双预告.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NamedParty {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
}

/// An online application (网上申请): the whole request, as the counter takes it.
#[derive(Debug, Clone, Default)]
pub struct Application {
    pub flow_code: String,
    /// 不动产单元号 or 不动产权证书号 of the property.
    pub property: String,
    /// The applicant's own role in the flow (or his principal's, or `agent` for 代办).
    pub my_role: String,
    pub my_share: String,
    pub others: Vec<OtherParty>,
    /// 抵押权人 (转移抵押合并, 双预告).
    pub mortgagees: Vec<NamedParty>,
    /// 共有方式 code of the new holders (0 单独, 1 共同, 2 按份, 3 其他).
    pub co_ownership: Option<String>,
    /// The particulars (登记事项), keyed as the counter's `request.attributes`.
    pub attributes: std::collections::BTreeMap<String, String>,
    /// The right the flow acts on, chosen from the applicant's own.
    pub target_right: Option<i64>,
    /// Material codes provided.
    pub materials: Vec<String>,
    /// An agent applying for his principal: the authorisation (授权委托) it is made under.
    pub on_behalf: Option<i64>,
}

// ----- the form of a flow -----

/// How a particular is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Date,
    /// 金额（元）.
    Amount,
    /// One of the listed `(code, name)`.
    Choice(&'static [(&'static str, &'static str)]),
}

/// A particular (登记事项) the form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Particular {
    /// The key in `request.attributes`, as the counter uses it.
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub hint: &'static str,
}

/// 共有方式 codes and names.
pub const CO_OWNERSHIP: &[(&str, &str)] = &[("0", "单独所有"), ("1", "共同共有"), ("2", "按份共有"), ("3", "其他共有")];
const MORTGAGE_METHODS: &[(&str, &str)] = &[("1", "一般抵押"), ("2", "最高额抵押")];
const ADVANCE_KINDS: &[(&str, &str)] = &[("1", "预售商品房买卖预告登记"), ("2", "其他不动产买卖预告登记")];

const fn p(key: &'static str, label: &'static str, kind: FieldKind, required: bool, hint: &'static str) -> Particular {
    Particular { key, label, kind, required, hint }
}

/// The online form of a flow, read from its catalogue record.
#[derive(Debug, Clone)]
pub struct FormSpec {
    pub flow: &'static Flow,
    /// Every role the flow names.
    pub roles: Vec<ApplicantRole>,
    pub particulars: Vec<Particular>,
    /// 抵押权人 are named (转移抵押合并, 双预告).
    pub mortgagees: bool,
    /// 共有方式 (and shares) of the new holders are asked.
    pub co_ownership: bool,
    pub co_ownership_required: bool,
    /// The right the flow acts on may be chosen from the applicant's own.
    pub target: bool,
    /// 双方共同申请 (第十四条第一款: Joint, Assignment, Division): the other side must be named.
    pub joint: bool,
}

/// Whether a flow creates a mortgage (or the mortgage notice of a 双预告): the same condition
/// under which the counter requires the debt's amount and term.
pub fn creates_mortgage(flow: &Flow) -> bool {
    let combined = bdc_registry::register_api::cases::with_mortgage(flow);
    (flow.effect == Effect::CreateRestriction && flow.right_kind == RightKind::Mortgage) || (combined && flow.effect != Effect::AdvanceToTitle)
}

/// The form of a flow: roles, particulars, and what else its effect needs.
pub fn form_of(flow: &'static Flow) -> FormSpec {
    use FieldKind::{Amount, Choice, Date, Text};
    let mut particulars = Vec::new();
    if creates_mortgage(flow) {
        particulars.extend([
            p(attr::MORTGAGE_METHOD, "抵押方式", Choice(MORTGAGE_METHODS), false, ""),
            p(attr::AMOUNT, "被担保主债权数额（最高债权额）", Amount, true, "单位：元，至多两位小数"),
            p(attr::TERM_START, "债务履行期限起始日", Date, true, ""),
            p(attr::TERM_END, "债务履行期限截止日", Date, true, ""),
            p(attr::CLAIM_START, "债权确定期间起始日", Date, false, "最高额抵押必填"),
            p(attr::CLAIM_END, "债权确定期间截止日", Date, false, "最高额抵押必填"),
        ]);
    }
    match (flow.effect, flow.right_kind) {
        (Effect::CreateRight, RightKind::Easement) => particulars.extend([
            p(attr::DOMINANT_UNIT, "需役地不动产单元号", Text, false, ""),
            p(attr::PURPOSE, "地役权利用目的", Text, false, "如：通行"),
            p(attr::TERM_END, "地役权期限截止日", Date, false, ""),
        ]),
        (Effect::CreateRight, RightKind::ResidenceRight) => particulars.push(p(attr::TERM_END, "居住权期限截止日", Date, false, "不填为终身")),
        (Effect::CreateRight, _) => particulars.extend([p(attr::TERM_START, "土地使用期限起始日", Date, false, ""), p(attr::TERM_END, "土地使用期限截止日", Date, false, "")]),
        (Effect::CreateRestriction, RightKind::AdvanceNotice) if !bdc_registry::register_api::cases::with_mortgage(flow) => {
            particulars.push(p(attr::ADVANCE_KIND, "预告登记种类", Choice(ADVANCE_KINDS), false, ""))
        }
        (Effect::ChangeRestriction, RightKind::Mortgage) if flow.basis != Basis::Assignment => {
            particulars.extend([p(attr::AMOUNT, "变更后的被担保主债权数额", Amount, false, "单位：元"), p(attr::TERM_END, "变更后的债务履行期限截止日", Date, false, "")])
        }
        (Effect::Correction, _) => particulars.extend([p(attr::TERM_START, "更正后的使用期限起始日", Date, false, ""), p(attr::TERM_END, "更正后的使用期限截止日", Date, false, "")]),
        _ => {}
    }
    match flow.change_scope() {
        Some(ChangeScope::Name) => particulars.push(p("new_name", "变更后的姓名（名称）", Text, true, "与变更证明一致")),
        Some(ChangeScope::Address) => particulars.push(p("location", "变更后的坐落", Text, true, "与地址变更证明一致")),
        Some(ChangeScope::Any) if flow.right_kind == RightKind::Easement => particulars.push(p(attr::PURPOSE, "变更后的利用目的", Text, false, "")),
        Some(ChangeScope::Any) => particulars.extend([p(attr::TERM_START, "变更后的使用期限起始日", Date, false, ""), p(attr::TERM_END, "变更后的使用期限截止日", Date, false, "")]),
        _ => {}
    }
    let note = match (flow.effect, flow.right_kind) {
        (Effect::CreateRestriction, RightKind::Objection) => "异议事项",
        (Effect::Correction, _) => "更正事项",
        _ => "附记",
    };
    particulars.push(p(attr::NOTE, note, Text, false, "不超过 500 个字"));
    let scope = flow.change_scope();
    FormSpec {
        flow,
        roles: flow.applicant_roles.to_vec(),
        particulars,
        mortgagees: bdc_registry::register_api::cases::with_mortgage(flow) && flow.effect != Effect::AdvanceToTitle,
        co_ownership: matches!(flow.effect, Effect::CreateRight | Effect::TransferRight | Effect::TransferWithMortgage) || scope == Some(ChangeScope::CoOwnership),
        co_ownership_required: scope == Some(ChangeScope::CoOwnership),
        target: !matches!(flow.effect, Effect::CreateRight | Effect::CreateRestriction | Effect::AdvanceToTitle),
        joint: matches!(flow.basis, Basis::Joint | Basis::Assignment | Basis::Division),
    }
}

// ----- the applicant's own units -----

/// A current right on one of the applicant's units, to choose the right a flow acts on.
#[derive(Debug, Clone, Serialize)]
pub struct OwnRight {
    pub right_id: i64,
    pub kind: &'static str,
    pub kind_name: &'static str,
    pub certificate: String,
    /// The applicant's share, empty for a right of someone else on his unit (a mortgage).
    pub share: String,
    pub own: bool,
}

/// One of the applicant's units (his title, his mortgage or notice on it).
#[derive(Debug, Clone, Serialize)]
pub struct OwnUnit {
    pub unit_id: i64,
    pub unit_number: String,
    pub location: String,
    pub rights: Vec<OwnRight>,
}

/// The units the applicant's party (or, for an agent, the principal of the authorisation) holds
/// a current right on, with their current rights.
pub async fn my_units(s: &Services, actor: &Actor, on_behalf: Option<i64>) -> ServiceResult<Vec<OwnUnit>> {
    let account = portal::account_of(s, actor).await?;
    let party = match on_behalf {
        Some(id) => crate::service::agency::usable_for(s, actor, id).await?.principal_party_id,
        None => account.party_id,
    };
    let mut conn = s.db.conn().await?;
    let page = registry::search_units(&mut conn, &UnitFilter { holder: Some(party), ..UnitFilter::default() }, PageRequest { page: 1, per_page: 100 }).await?;
    let mut out = Vec::new();
    for unit in page.items {
        let rights = registry::rights_of_unit(&mut conn, unit.id, true).await?;
        let rights = rights
            .into_iter()
            .filter(|r| r.view.state == RightState::Current)
            .map(|r| {
                let mine = r.view.holders.iter().find(|h| h.party_id == party);
                OwnRight {
                    right_id: r.view.id,
                    kind: r.view.kind.code(),
                    kind_name: r.view.kind.name(),
                    certificate: if mine.is_some() { r.view.certificate.clone().unwrap_or_default() } else { String::new() },
                    share: mine.map(|h| h.share.to_string()).unwrap_or_default(),
                    own: mine.is_some(),
                }
            })
            .collect();
        out.push(OwnUnit { unit_id: unit.id, unit_number: unit.unit_number, location: unit.location, rights });
    }
    Ok(out)
}

// ----- applying -----

/// The request as it is kept until the case is opened: exactly what [`bdc_registry::register_api::cases::open_case`]
/// will be given.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    unit_ids: Vec<i64>,
    applicants: Vec<(i64, String, String)>,
    channel: String,
    request: RequestDoc,
}

/// An application seen by its applicant or by one of its co-applicants.
#[derive(Debug, Clone, Serialize)]
pub struct PartyLine {
    pub party_id: i64,
    pub name: String,
    pub id_masked: String,
    pub role: String,
    pub role_name: &'static str,
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConfirmationView {
    pub party_id: i64,
    pub name: String,
    pub roles: Vec<&'static str>,
    pub state: ConfirmationState,
    pub decided_at: Option<String>,
    pub reason: String,
    /// Whether the party has a real-name account to confirm from (else he must sign up first).
    pub has_account: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    pub id: i64,
    pub flow_code: String,
    pub flow_name: &'static str,
    pub state: ApplicationState,
    pub unit_id: i64,
    pub unit_number: String,
    pub location: String,
    pub parties: Vec<PartyLine>,
    pub mortgagees: Vec<PartyLine>,
    pub co_ownership: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub target_right: Option<i64>,
    pub materials: Vec<String>,
    pub confirmations: Vec<ConfirmationView>,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub reason: String,
    pub created_at: String,
    pub updated_at: String,
    /// The viewer made it.
    pub mine: bool,
    /// The viewer's own answer, when he is a co-applicant.
    pub my_confirmation: Option<ConfirmationState>,
}

/// What applying did: the application, and its case when nobody had to confirm.
#[derive(Debug, Clone)]
pub struct Applied {
    pub application: ApplicationView,
    pub case: Option<CaseRecord>,
    /// Warnings of the registry's checks (blocking ones refuse the application).
    pub findings: Vec<Finding>,
}

fn parse_id(raw: &str) -> Option<(&'static str, &'static str, String)> {
    let raw = raw.trim();
    if let Ok(c) = CitizenId::parse(raw) {
        return Some(("1", "person", c.as_str().to_owned()));
    }
    CreditCode::parse(raw).ok().map(|c| ("8", "enterprise", c.as_str().to_owned()))
}

/// The outcome of a named party's identity check, counted: a failure counts against the
/// account's small `identity_check` limit, and once it is used up every check is refused alike.
async fn verified(s: &Services, actor: &Actor, found: ServiceResult<i64>) -> ServiceResult<i64> {
    bdc_registry::register_api::limits::refuse_if_over(s, bdc_registry::register_api::limits::Kind::IdentityCheck, &actor.username).await?;
    if let Err(ServiceError::Validation { code: "party_not_verified", .. }) = &found {
        bdc_registry::register_api::limits::hit(s, bdc_registry::register_api::limits::Kind::IdentityCheck, Some(&actor.username), "").await?;
    }
    found
}

/// A party named online by name and ID number: it must be on record with that name (a
/// co-applicant who confirms has a real-name account, so he is). Nothing is created.
async fn named_party(s: &Services, conn: &mut AnyConnection, field: &str, who: &str, name: &str, id_number: &str) -> ServiceResult<i64> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::field("name_required", &format!("{field}.name"), format!("请填写{who}的姓名或名称")));
    }
    // 身份证号 and 统一社会信用代码 are read strictly; any other number (护照, 旧营业执照 …) must
    // match a party on record with an ID of another type.
    let raw = id_number.trim();
    let shaped_citizen = raw.len() == 18 && raw[..17].bytes().all(|b| b.is_ascii_digit());
    let shaped_credit = raw.len() == 18 && raw.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    let (id_type, id) = match parse_id(id_number) {
        Some((t, _, id)) => (Some(t), id),
        None if shaped_citizen || shaped_credit => {
            let why = if shaped_citizen { CitizenId::parse(raw).err().map(|e| e.to_string()) } else { CreditCode::parse(raw).err().map(|e| e.to_string()) };
            return Err(ServiceError::field("bad_id_number", &format!("{field}.id_number"), format!("{who}的证件号码无效：{}", why.unwrap_or_default())));
        }
        None if id_number.trim().len() >= 4 && id_number.trim().len() <= 40 => (None, id_number.trim().to_owned()),
        None => return Err(ServiceError::field("bad_id_number", &format!("{field}.id_number"), format!("{who}的证件号码无效：须为身份证号、统一社会信用代码或其他证件号码"))),
    };
    let bidx = s.cipher().blind_index(&id);
    for pid in registry::find_party_by_index(conn, &bidx).await? {
        if let Some(p) = registry::get_party(conn, pid).await? {
            let same_type = match id_type {
                Some(t) => p.id_type == t,
                None => p.id_type != "1" && p.id_type != "8",
            };
            if !same_type {
                continue;
            }
            if p.name != name {
                break;
            }
            return Ok(p.id);
        }
    }
    // Not an oracle: a wrong name and an unknown ID get the same answer, and every failure
    // counts against a small limit, so names cannot be guessed against a known ID number.
    Err(ServiceError::field("party_not_verified", &format!("{field}.name"), format!("{who}的身份核验未通过：请核对姓名（名称）与证件号码；对方须已注册线上苏小登实名账户或在登记机构留有记录")))
}

/// Whether an authorisation's 委托事项 covers a flow: it names the flow, its class (“转移登记”,
/// “抵押登记” …) or all registrations.
pub fn within_authorisation(matters: &str, flow: &Flow) -> bool {
    matters.contains(flow.name) || matters.contains(&format!("{}登记", flow.group)) || matters.contains("全部登记") || matters.contains("一切登记")
}

/// The unit an application names by 不动产单元号 or by 不动产权证书号.
async fn property_unit(conn: &mut AnyConnection, property: &str) -> ServiceResult<registry::Unit> {
    if let Some(u) = registry::find_unit(conn, property).await? {
        return Ok(u);
    }
    let id = registry::unit_by_certificate(conn, property).await?.ok_or_else(|| ServiceError::field("unknown_property", "property", "未找到该不动产单元号或证书号对应的不动产"))?;
    registry::get_unit(conn, id).await?.ok_or_else(|| ServiceError::field("unknown_property", "property", "未找到该不动产"))
}

fn role_ok(flow: &Flow, role: &str) -> bool {
    flow.applicant_roles.iter().any(|r| r.code() == role)
}

fn share_of(raw: &str) -> String {
    if raw.trim().is_empty() {
        "1".to_owned()
    } else {
        raw.trim().to_owned()
    }
}

/// Makes an online application: checked as the counter checks it (nothing is written when it
/// fails); opened as a case at once when nobody else has to confirm, otherwise kept waiting for
/// the co-applicants' confirmations.
#[tracing::instrument(name = "portal_apply", skip_all, fields(actor.id = actor.user_id, flow = %a.flow_code))]
pub async fn apply(s: &Services, actor: &Actor, a: Application) -> ServiceResult<Applied> {
    apply_with_files(s, actor, a, None).await
}

/// [`apply`] for a draft's application: the draft's files go with it.
///
/// The whole form is checked before anything is refused (逐项核对): every field that is wrong is
/// reported at once, each beside its field ([`ServiceError::Fields`]); only a form whose fields
/// are all valid meets the counter's checks and the restriction rules (限制验证).
pub(crate) async fn apply_with_files(s: &Services, actor: &Actor, a: Application, draft: Option<i64>) -> ServiceResult<Applied> {
    let account = portal::account_of(s, actor).await?;
    let flow = catalogue::flow(a.flow_code.trim()).ok_or_else(|| ServiceError::field("unknown_flow", "flow_code", "请选择要办理的业务"))?;
    let channels = portal::channels_of(actor);
    let channel = *flow.channels.iter().find(|c| channels.contains(c)).ok_or_else(|| ServiceError::field("flow_not_open", "flow_code", format!("您的账户不能在线办理“{}”", flow.name)))?;
    let spec = form_of(flow);
    let mut errors = FieldErrors::new();
    let my_role = a.my_role.trim();
    if !role_ok(flow, my_role) {
        let names: Vec<&str> = flow.applicant_roles.iter().map(|r| r.name()).collect();
        errors.add("bad_role", "my_role", format!("请选择您在本业务中的身份：{}", names.join("、")));
    }
    checks::share(&mut errors, "my_share", "您", &a.my_share);
    let property = a.property.trim();
    let mut conn = s.db.conn().await?;
    let unit = if property.is_empty() {
        errors.add("no_property", "property", "请选择或填写不动产单元号、不动产权证书号");
        None
    } else {
        errors.check(property_unit(&mut conn, property).await)?
    };
    let mut attrs: BTreeMap<String, String> = a.attributes.iter().map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).filter(|(_, v)| !v.is_empty()).collect();
    if let Some(k) = attrs.keys().find(|k| k.as_str() == attr::AUTHORISATION) {
        errors.add("bad_attribute", k, "授权委托请在“代理申请”中选择");
    }
    checks::particulars(&mut errors, &spec, &attrs);
    let mut applicants: Vec<(i64, String, String)> = Vec::new();
    // The party the application is made for: the entitlement rule refuses it unless the
    // register says it may ask.
    let mut submitter = account.party_id;
    // Parties whose own act is already on record and who need not confirm.
    let mut settled = vec![account.party_id];
    // The roles of every row filled in, verified or not: a row with a wrong ID number still
    // names its role, so the form is not told a role is missing as well.
    let mut typed_roles: Vec<&str> = vec![my_role];
    match a.on_behalf {
        Some(id) => {
            if my_role == "agent" {
                errors.add("bad_role", "my_role", "代理申请时请选择委托人在本业务中的身份（权利人或义务人）");
            }
            if let Some(auth) = errors.check(crate::service::agency::usable_for(s, actor, id).await)? {
                if !within_authorisation(&auth.matters, flow) {
                    errors.add("outside_authorisation", "on_behalf", format!("授权委托书的委托事项“{}”不包括“{}”：代理人只能在授权范围内申请", auth.matters, flow.name));
                }
                attrs.insert(attr::AUTHORISATION.to_owned(), auth.id.to_string());
                submitter = auth.principal_party_id;
                settled.push(auth.principal_party_id);
                applicants.push((auth.principal_party_id, my_role.to_owned(), share_of(&a.my_share)));
                if role_ok(flow, "agent") && auth.principal_party_id != account.party_id {
                    applicants.push((account.party_id, "agent".to_owned(), "1".to_owned()));
                    typed_roles.push("agent");
                }
            }
        }
        None => applicants.push((account.party_id, my_role.to_owned(), share_of(&a.my_share))),
    }
    for (i, o) in a.others.iter().enumerate() {
        if o.name.trim().is_empty() && o.id_number.trim().is_empty() {
            continue;
        }
        let field = format!("others[{i}]");
        let who = format!("第 {} 位其他申请人", i + 1);
        let role = o.role.trim();
        let role_valid = role_ok(flow, role);
        if role_valid {
            typed_roles.push(role);
        } else {
            errors.add("bad_role", &format!("{field}.role"), format!("{who}的身份无效"));
        }
        checks::share(&mut errors, &format!("{field}.share"), &who, &o.share);
        let Some(pid) = errors.check(verified(s, actor, named_party(s, &mut conn, &field, &who, &o.name, &o.id_number).await).await)? else { continue };
        if !role_valid {
            continue;
        }
        if applicants.iter().any(|(p, r, _)| *p == pid && r == role) {
            errors.add("duplicate_party", &format!("{field}.id_number"), format!("{who}重复"));
            continue;
        }
        applicants.push((pid, role.to_owned(), share_of(&o.share)));
    }
    let mut mortgagees = Vec::new();
    let mut mortgagee_rows = 0;
    for (i, m) in a.mortgagees.iter().enumerate() {
        if m.name.trim().is_empty() && m.id_number.trim().is_empty() {
            continue;
        }
        mortgagee_rows += 1;
        let Some(pid) = errors.check(verified(s, actor, named_party(s, &mut conn, &format!("mortgagees[{i}]"), &format!("第 {} 位抵押权人", i + 1), &m.name, &m.id_number).await).await)? else {
            continue;
        };
        if !mortgagees.contains(&pid) {
            mortgagees.push(pid);
        }
    }
    drop(conn);
    if spec.mortgagees && mortgagee_rows == 0 {
        errors.add("mortgagee_required", "mortgagees", format!("“{}”须写明抵押权人", flow.name));
    }
    checks::roles_named(&mut errors, flow, &typed_roles);
    // 代办: the bank or developer is only the agent; the application is its customers', and
    // each of them confirms.
    if a.on_behalf.is_none() && my_role == "agent" {
        let customer = applicants.iter().find(|(_, r, _)| r == "right_holder").or_else(|| applicants.iter().find(|(_, r, _)| r == "obligor"));
        match customer {
            Some((p, _, _)) => submitter = *p,
            None if !typed_roles.iter().any(|r| *r == "right_holder" || *r == "obligor") => {
                errors.add("customer_required", "others", "代办申请须写明所代办的申请人（权利人或义务人）");
            }
            None => {}
        }
    }
    checks::co_ownership(&mut errors, &spec, a.co_ownership.as_deref());
    if draft.is_some() {
        // A draft's files are its materials: every required one must have a file.
        for m in flow.required_materials().filter(|m| !a.materials.iter().any(|c| c == m.code)) {
            errors.add("material_missing", m.code, format!("请上传必交材料“{}”", m.name));
        }
    }
    errors.finish()?;
    let Some(unit) = unit else { return Err(ServiceError::field("no_property", "property", "请选择或填写不动产单元号、不动产权证书号")) };
    let request = RequestDoc {
        co_ownership: a.co_ownership.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned),
        attrs,
        target_right: a.target_right,
        mortgagees: mortgagees.clone(),
        title_kind: None,
        consents: vec![],
        materials: a.materials.clone(),
        submitted_by: Some(submitter),
    };
    let stored = Stored { unit_ids: vec![unit.id], applicants, channel: channel.code().to_owned(), request };
    let opener = opener_for(actor.username.clone(), actor.display_name.clone());
    let cmd = command(flow, &stored);
    // The counter's checks, writing nothing: a bad application is refused here, by field.
    let findings = bdc_registry::register_api::cases::precheck(s, &opener, &cmd).await?;
    if findings.iter().any(Finding::blocks) {
        let first = findings.iter().find(|f| f.blocks()).map(|f| format!("{}：{}", f.rule_name, f.message)).unwrap_or_default();
        return Err(ServiceError::RuleBlocked { message: format!("限制验证未通过 — {first}"), findings });
    }
    // Who must confirm: everyone named besides the applicant (and a principal whose signed
    // authorisation is on record).
    let mut confirmers: Vec<(i64, Vec<String>)> = Vec::new();
    let named = stored.applicants.iter().map(|(p, r, _)| (*p, r.clone())).chain(mortgagees.iter().map(|p| (*p, MORTGAGEE.to_owned())));
    for (pid, role) in named {
        if settled.contains(&pid) {
            continue;
        }
        match confirmers.iter_mut().find(|(p, _)| *p == pid) {
            Some((_, roles)) => roles.push(role),
            None => confirmers.push((pid, vec![role])),
        }
    }
    let request_text = serde_json::to_string(&stored).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let now = Utc::now();
    if confirmers.is_empty() {
        // Nobody else to ask: the case is opened now, as before.
        let opened = bdc_registry::register_api::cases::open_case(s, &opener, cmd).await?;
        let mut tx = s.db.begin().await?;
        let id = store::insert(
            &mut tx,
            &NewApplication { user_id: actor.user_id, party_id: submitter, flow_code: flow.code, unit_id: unit.id, state: ApplicationState::Submitted.code(), request: &request_text },
            now,
        )
        .await?;
        store::set_state(&mut tx, id, ApplicationState::Submitted.code(), ApplicationState::Submitted.code(), Some(opened.case.id), "", now).await?;
        bdc_registry::register_api::cases::set_submitted_by(&mut tx, opened.case.id, actor.user_id).await?;
        if let Some(d) = draft {
            files::move_owner(&mut tx, crate::domain::DRAFT, d, files::CASE, opened.case.id).await?;
            crate::store::drafts::delete_draft(&mut tx, d, actor.user_id).await?;
        }
        bdc_audit::commit(tx, actor, "网上申请", &format!("申请 #{id}：{}，业务 {}", flow.name, opened.case.case_number)).await?;
        let application = view(s, actor, id).await?;
        return Ok(Applied { application, case: Some(opened.case), findings: opened.findings });
    }
    let mut tx = s.db.begin().await?;
    let id = store::insert(
        &mut tx,
        &NewApplication { user_id: actor.user_id, party_id: submitter, flow_code: flow.code, unit_id: unit.id, state: ApplicationState::Awaiting.code(), request: &request_text },
        now,
    )
    .await?;
    for (pid, roles) in &confirmers {
        store::insert_confirmation(&mut tx, id, *pid, &roles.join(","), ConfirmationState::Pending.code(), now).await?;
    }
    if let Some(d) = draft {
        files::move_owner(&mut tx, crate::domain::DRAFT, d, crate::domain::APPLICATION, id).await?;
        crate::store::drafts::delete_draft(&mut tx, d, actor.user_id).await?;
    }
    bdc_audit::commit(tx, actor, "网上申请", &format!("申请 #{id}：{}，待 {} 位共同申请人确认", flow.name, confirmers.len())).await?;
    let application = view(s, actor, id).await?;
    Ok(Applied { application, case: None, findings })
}

/// The registry's intake acting for the online user: cases are opened in his name, and staff
/// then accept (受理) them like counter applications.
fn opener_for(username: String, display_name: String) -> Actor {
    let mut opener = Actor::console();
    opener.username = username;
    opener.display_name = display_name;
    opener
}

fn command(flow: &Flow, st: &Stored) -> OpenCase {
    OpenCase { flow_code: flow.code.into(), unit_ids: st.unit_ids.clone(), applicants: st.applicants.clone(), channel: st.channel.clone(), request: st.request.clone() }
}

fn parse_stored(row: &ApplicationRow) -> ServiceResult<Stored> {
    serde_json::from_str(&row.request).map_err(|e| ServiceError::Internal(Box::new(e)))
}

fn state_of(row: &ApplicationRow) -> ServiceResult<ApplicationState> {
    ApplicationState::from_code(&row.state).ok_or_else(|| ServiceError::Internal(format!("unknown application state {}", row.state).into()))
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("申请不存在".into())
}

/// Loads an application the actor may see: his own, or one naming his party as co-applicant.
async fn visible(s: &Services, actor: &Actor, id: i64) -> ServiceResult<(bdc_registry::service::directory::AccountLink, ApplicationRow, Vec<store::ConfirmationRow>)> {
    let account = portal::account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    let row = store::get(&mut conn, id).await?.ok_or_else(not_found)?;
    let confirmations = store::confirmations(&mut conn, id).await?;
    if row.user_id != actor.user_id && !confirmations.iter().any(|c| c.party_id == account.party_id) {
        return Err(not_found());
    }
    Ok((account, row, confirmations))
}

/// Whether the actor may see an application (its applicant, or a co-applicant it names).
pub(crate) async fn may_see(s: &Services, actor: &Actor, id: i64) -> ServiceResult<bool> {
    match visible(s, actor, id).await {
        Ok(_) => Ok(true),
        Err(ServiceError::NotFound(_) | ServiceError::Forbidden(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The materials handed in with an application that still waits for its co-applicants (they
/// move to the case once it is opened), for its applicant and the co-applicants who sign it.
pub async fn files(s: &Services, actor: &Actor, id: i64) -> ServiceResult<Vec<bdc_registry::register_api::materials::Attachment>> {
    let (_, row, _) = visible(s, actor, id).await?;
    let mut conn = s.db.conn().await?;
    let owner = match row.case_id {
        Some(case) => (files::CASE, case),
        None => (crate::domain::APPLICATION, id),
    };
    Ok(files::of_owner(&mut conn, owner.0, owner.1).await?)
}

async fn party_line(conn: &mut AnyConnection, pid: i64, role: &str, share: &str) -> ServiceResult<PartyLine> {
    let p = registry::get_party(conn, pid).await?;
    Ok(PartyLine {
        party_id: pid,
        name: p.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        id_masked: p.map(|p| p.id_number_masked).unwrap_or_default(),
        role: role.to_owned(),
        role_name: role_name(role),
        share: share.to_owned(),
    })
}

/// One application as its applicant or a co-applicant sees it.
pub async fn view(s: &Services, actor: &Actor, id: i64) -> ServiceResult<ApplicationView> {
    let (account, row, confirmations) = visible(s, actor, id).await?;
    let stored = parse_stored(&row)?;
    let mut conn = s.db.conn().await?;
    let unit = registry::get_unit(&mut conn, row.unit_id).await?;
    let mut parties = Vec::new();
    for (pid, role, share) in &stored.applicants {
        parties.push(party_line(&mut conn, *pid, role, share).await?);
    }
    let mut mortgagees = Vec::new();
    for pid in &stored.request.mortgagees {
        mortgagees.push(party_line(&mut conn, *pid, MORTGAGEE, "1").await?);
    }
    let mut cv = Vec::new();
    for c in &confirmations {
        let p = registry::get_party(&mut conn, c.party_id).await?;
        cv.push(ConfirmationView {
            party_id: c.party_id,
            name: p.map(|p| p.name).unwrap_or_default(),
            roles: c.roles.split(',').map(role_name).collect(),
            state: ConfirmationState::from_code(&c.state).unwrap_or(ConfirmationState::Pending),
            decided_at: c.decided_at.clone(),
            reason: c.reason.clone(),
            has_account: s.directory.account_of_party(&mut conn, c.party_id).await?.is_some(),
        });
    }
    let case_number = match row.case_id {
        Some(cid) => bdc_registry::register_api::cases::get_case(&mut conn, cid).await?.map(|c| c.case_number),
        None => None,
    };
    let mut attributes = stored.request.attrs.clone();
    attributes.remove(attr::AUTHORISATION);
    Ok(ApplicationView {
        id: row.id,
        flow_name: catalogue::flow(&row.flow_code).map_or("", |f| f.name),
        flow_code: row.flow_code.clone(),
        state: state_of(&row)?,
        unit_id: row.unit_id,
        unit_number: unit.as_ref().map(|u| u.unit_number.clone()).unwrap_or_default(),
        location: unit.map(|u| u.location).unwrap_or_default(),
        parties,
        mortgagees,
        co_ownership: stored.request.co_ownership.clone(),
        attributes,
        target_right: stored.request.target_right,
        materials: stored.request.materials.clone(),
        my_confirmation: confirmations.iter().find(|c| c.party_id == account.party_id).and_then(|c| ConfirmationState::from_code(&c.state)),
        confirmations: cv,
        case_id: row.case_id,
        case_number,
        reason: row.reason.clone(),
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
        mine: row.user_id == actor.user_id,
    })
}

/// The actor's applications and those waiting for (or answered by) him, newest first.
pub async fn list(s: &Services, actor: &Actor) -> ServiceResult<Vec<ApplicationView>> {
    let account = portal::account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    let rows = store::visible_to(&mut conn, actor.user_id, account.party_id, 200).await?;
    drop(conn);
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(view(s, actor, r.id).await?);
    }
    Ok(out)
}

/// The actor's own pending confirmation on an application that still waits.
async fn my_pending(s: &Services, actor: &Actor, id: i64) -> ServiceResult<(bdc_registry::service::directory::AccountLink, ApplicationRow)> {
    let (account, row, confirmations) = visible(s, actor, id).await?;
    let Some(mine) = confirmations.iter().find(|c| c.party_id == account.party_id) else {
        return Err(ServiceError::Forbidden("您不是该申请的共同申请人，无需确认".into()));
    };
    if state_of(&row)? != ApplicationState::Awaiting {
        return Err(ServiceError::Conflict { code: "not_awaiting", message: format!("该申请{}，不能再确认或拒绝", state_of(&row)?.name()) });
    }
    if mine.state != ConfirmationState::Pending.code() {
        return Err(ServiceError::Conflict { code: "already_answered", message: "您已答复过该申请".into() });
    }
    Ok((account, row))
}

fn purpose(id: i64) -> String {
    format!("confirm:{id}")
}

/// Sends the co-applicant a one-time code (短信验证码) to the phone of his own account, to
/// confirm this application. Returns the masked number it went to.
#[tracing::instrument(name = "portal_confirmation_code", skip_all, fields(actor.id = actor.user_id, application.id = id))]
pub async fn send_confirmation_code(s: &Services, actor: &Actor, id: i64, client: &str) -> ServiceResult<String> {
    let (account, _) = my_pending(s, actor, id).await?;
    let mut conn = s.db.conn().await?;
    let enc = s.directory.sealed_phone(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::Forbidden("该账户尚未完成实名认证".into()))?;
    drop(conn);
    let phone = s.cipher().decrypt(&enc).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    // Counted per account and application, not per phone: a bank confirms many customers'
    // applications from one account, each with its own code.
    bdc_registry::register_api::limits::hit(s, bdc_registry::register_api::limits::Kind::ConfirmationCode, Some(&format!("{}:{id}", actor.user_id)), client).await?;
    bdc_registry::register_api::codes::deliver_code(s, &phone, &purpose(id)).await?;
    Ok(account.phone_masked)
}

/// Confirms an application with the one-time code. When this was the last confirmation the
/// case is opened (the registry's checks run again: the register may have changed meanwhile).
#[tracing::instrument(name = "portal_confirm", skip_all, fields(actor.id = actor.user_id, application.id = id))]
pub async fn confirm(s: &Services, actor: &Actor, id: i64, code: &str) -> ServiceResult<ApplicationView> {
    let (account, _) = my_pending(s, actor, id).await?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ServiceError::field("bad_code", "code", "请输入短信中的 6 位验证码"));
    }
    let mut conn = s.db.conn().await?;
    let enc = s.directory.sealed_phone(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::Forbidden("该账户尚未完成实名认证".into()))?;
    drop(conn);
    let phone = s.cipher().decrypt(&enc).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let bidx = s.cipher().blind_index(&phone);
    // An account that has given too many wrong codes (over all its applications) is refused
    // before its code is looked at, so a right guess cannot be told from a wrong one.
    let guesser = actor.user_id.to_string();
    bdc_registry::register_api::limits::refuse_if_over(s, bdc_registry::register_api::limits::Kind::CodeGuess, &guesser).await?;
    // The one check of a one-time code: the try is counted before the comparison, in a statement
    // of its own, so parallel guesses cannot outrun the limit of tries.
    let stored = match bdc_registry::register_api::codes::check_code(s, &bidx, &purpose(id), code).await {
        Ok(stored) => stored,
        Err(e @ ServiceError::Validation { code: "wrong_code", .. }) => {
            bdc_registry::register_api::limits::hit(s, bdc_registry::register_api::limits::Kind::CodeGuess, Some(&guesser), "").await?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    if !bdc_registry::register_api::codes::use_code(&mut tx, stored).await? {
        return Err(ServiceError::field("code_expired", "code", "验证码已使用，请重新获取"));
    }
    if !store::decide(&mut tx, id, account.party_id, ConfirmationState::Pending.code(), ConfirmationState::Confirmed.code(), actor.user_id, "", now).await? {
        return Err(ServiceError::Conflict { code: "already_answered", message: "您已答复过该申请".into() });
    }
    let all = store::confirmations(&mut tx, id).await?;
    bdc_audit::commit(tx, actor, "确认共同申请", &format!("申请 #{id}")).await?;
    if all.iter().all(|c| c.state == ConfirmationState::Confirmed.code()) {
        submit(s, id).await?;
    }
    view(s, actor, id).await
}

/// Declines an application (拒绝): it stops, and the applicant sees who declined and why.
#[tracing::instrument(name = "portal_decline", skip_all, fields(actor.id = actor.user_id, application.id = id))]
pub async fn decline(s: &Services, actor: &Actor, id: i64, reason: &str) -> ServiceResult<ApplicationView> {
    let (account, _) = my_pending(s, actor, id).await?;
    let reason = reason.trim();
    if reason.chars().count() > 200 {
        return Err(ServiceError::field("reason_too_long", "reason", "拒绝理由不超过 200 个字"));
    }
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    if !store::decide(&mut tx, id, account.party_id, ConfirmationState::Pending.code(), ConfirmationState::Declined.code(), actor.user_id, reason, now).await? {
        return Err(ServiceError::Conflict { code: "already_answered", message: "您已答复过该申请".into() });
    }
    let text = if reason.is_empty() { format!("{}拒绝共同申请", actor.display_name) } else { format!("{}拒绝共同申请：{reason}", actor.display_name) };
    if !store::set_state(&mut tx, id, ApplicationState::Awaiting.code(), ApplicationState::Declined.code(), None, &text, now).await? {
        return Err(ServiceError::Conflict { code: "not_awaiting", message: "该申请已不在待确认状态".into() });
    }
    bdc_audit::commit(tx, actor, "拒绝共同申请", &format!("申请 #{id}")).await?;
    view(s, actor, id).await
}

/// 撤回: the applicant takes back an application still waiting for its co-applicants. Once
/// every one has confirmed it is a case, withdrawn only through the registry (撤回 of the case).
#[tracing::instrument(name = "portal_withdraw", skip_all, fields(actor.id = actor.user_id, application.id = id))]
pub async fn withdraw(s: &Services, actor: &Actor, id: i64, reason: &str) -> ServiceResult<ApplicationView> {
    portal::account_of(s, actor).await?;
    let reason = reason.trim();
    if reason.chars().count() > 200 {
        return Err(ServiceError::field("reason_too_long", "reason", "撤回理由不超过 200 个字"));
    }
    let mut tx = s.db.begin().await?;
    let row = store::get(&mut tx, id).await?.filter(|r| r.user_id == actor.user_id).ok_or_else(not_found)?;
    if state_of(&row)? != ApplicationState::Awaiting {
        return Err(ServiceError::Conflict {
            code: "not_awaiting", message: format!("该申请{}，不能撤回；已提交登记机构的办件请向登记机构申请撤回", state_of(&row)?.name())
        });
    }
    let text = if reason.is_empty() { "申请人撤回".to_owned() } else { format!("申请人撤回：{reason}") };
    if !store::set_state(&mut tx, id, ApplicationState::Awaiting.code(), ApplicationState::Withdrawn.code(), None, &text, Utc::now()).await? {
        return Err(ServiceError::Conflict { code: "not_awaiting", message: "该申请已不在待确认状态".into() });
    }
    bdc_audit::commit(tx, actor, "撤回网上申请", &format!("申请 #{id}")).await?;
    view(s, actor, id).await
}

/// 撤回 of the actor's own online case while it still waits for 受理; the register decides
/// whether it may ([`bdc_registry::register_api::cases::withdraw_by_applicant`]: only the
/// account that submitted it, only before 受理).
pub async fn withdraw_case(s: &Services, actor: &Actor, case_id: i64, reason: &str) -> ServiceResult<CaseRecord> {
    portal::account_of(s, actor).await?;
    Ok(bdc_registry::register_api::cases::withdraw_by_applicant(s, actor, case_id, reason).await?.case)
}

/// Whether the actor may still withdraw the case (the case page's 撤回申请 button).
pub async fn case_withdrawable(s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<bool> {
    bdc_registry::register_api::cases::withdrawable(s, actor, case_id).await
}

/// Opens the case of a fully confirmed application. Exactly one caller wins the move out of
/// 待确认; if the registry's checks now refuse it, the application is 未能提交 with the reason.
async fn submit(s: &Services, id: i64) -> ServiceResult<()> {
    let now = Utc::now();
    let mut conn = s.db.conn().await?;
    let row = store::get(&mut conn, id).await?.ok_or_else(not_found)?;
    if !store::set_state(&mut conn, id, ApplicationState::Awaiting.code(), ApplicationState::Submitted.code(), None, "", now).await? {
        return Ok(());
    }
    let user = s.directory.user(&mut conn, row.user_id).await?.ok_or_else(not_found)?;
    drop(conn);
    let flow = catalogue::flow(&row.flow_code).ok_or_else(not_found)?;
    let stored = parse_stored(&row)?;
    let opener = opener_for(user.username.clone(), user.display_name.clone());
    match bdc_registry::register_api::cases::open_case(s, &opener, command(flow, &stored)).await {
        Ok(opened) => {
            let mut tx = s.db.begin().await?;
            store::set_state(&mut tx, id, ApplicationState::Submitted.code(), ApplicationState::Submitted.code(), Some(opened.case.id), "", now).await?;
            bdc_registry::register_api::cases::set_submitted_by(&mut tx, opened.case.id, row.user_id).await?;
            files::move_owner(&mut tx, crate::domain::APPLICATION, id, files::CASE, opened.case.id).await?;
            bdc_db::commit(tx).await?;
            Ok(())
        }
        Err(ServiceError::Internal(e)) => {
            let mut conn = s.db.conn().await?;
            store::set_state(&mut conn, id, ApplicationState::Submitted.code(), ApplicationState::Awaiting.code(), None, "", now).await?;
            Err(ServiceError::Internal(e))
        }
        Err(e) => {
            let mut conn = s.db.conn().await?;
            store::set_state(&mut conn, id, ApplicationState::Submitted.code(), ApplicationState::Refused.code(), None, &format!("登记机构的检查未通过：{e}"), now).await?;
            Ok(())
        }
    }
}

/// The confirmations kept with a case made online, for staff reading the case: `(name, roles,
/// state, decided at)`.
pub async fn confirmations_of_case(s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<Vec<(String, String, ConfirmationState, Option<String>)>> {
    actor.require(bdc_core::access::Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    let Some(row) = store::of_case(&mut conn, case_id).await? else { return Ok(vec![]) };
    let mut out = Vec::new();
    for c in store::confirmations(&mut conn, row.id).await? {
        let name = registry::get_party(&mut conn, c.party_id).await?.map(|p| p.name).unwrap_or_default();
        let roles: Vec<&str> = c.roles.split(',').map(role_name).collect();
        out.push((name, roles.join("、"), ConfirmationState::from_code(&c.state).unwrap_or(ConfirmationState::Pending), c.decided_at));
    }
    Ok(out)
}

/// The channel a flow is applied through by this account, for the form.
pub fn channel_for(actor: &Actor, flow: &Flow) -> Option<Channel> {
    let channels = portal::channels_of(actor);
    flow.channels.iter().copied().find(|c| channels.contains(c))
}
