//! Printed documents (登记文书): 受理回执, 补正告知书, 退件告知书（不予受理／不予登记告知书）,
//! 申请书 and 不动产登记资料查询结果证明（有房／无房证明）, as PDFs a citizen or clerk prints.
//!
//! Each print is an issued record (出具文书): it gets a number of its own (`HZ` + business date +
//! sequence for a receipt, `BZ`, `TJ`, `SQ`, `ZM` for the others) from the register's sequences,
//! a row in `issued_documents` with the SM3 digest of the PDF handed out, and an audit row in the
//! same transaction. Its QR code carries `BDCW1.<base64url(JSON facts)>.<SM2 signature>` signed
//! with the certificates' key — the kind, the number, the case (业务号) or the person (masked) and
//! the date — so the public verification page (`/verify`, [`crate::service::certificates`])
//! answers 该文书真实有效 for a genuine one and 伪造 for a code that was altered, or that names a
//! document the register never issued.
//!
//! Every date and figure printed is the register's: the promised completion date is the case's
//! deadline as the working calendar computed it at acceptance, never typed.

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use bdc_adapters::notice_pdf::{render, NoticeDoc};
use bdc_core::access::{Permission, Realm};
use bdc_core::masking::mask_name;
use bdc_crypto::sm2_verify_hex;
use bdc_db::PageRequest;

use crate::domain::catalogue::{self, ApplicantRole, Flow};
use crate::domain::register::{attr, is_title_kind};
use crate::domain::rights::RightState;
use crate::domain::workflow::CaseState;
use crate::service::certificates::KEY_PURPOSE;
use crate::service::{Actor, ServiceError, ServiceResult, Services};
use crate::store::cases::CaseRecord;
use crate::store::documents::{self as store, IssuedDocument};
use crate::store::registry;

/// What a document's signed payload starts with (a certificate's is `BDCZ1`).
pub const PREFIX: &str = "BDCW1";

/// Which document (文书种类).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// 受理回执（受理通知书）.
    Receipt,
    /// 补正材料告知书.
    Correction,
    /// 退件告知书: 不予受理 or 不予登记.
    Rejection,
    /// 不动产登记申请书, as filled in.
    Application,
    /// 不动产登记资料查询结果证明（有房／无房证明）.
    HousingProof,
}

impl DocumentKind {
    /// The documents of a case, in the order the case page offers them.
    pub const OF_CASE: [DocumentKind; 4] = [DocumentKind::Receipt, DocumentKind::Correction, DocumentKind::Rejection, DocumentKind::Application];

    /// The code in addresses and payloads.
    pub const fn code(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "receipt",
            DocumentKind::Correction => "correction",
            DocumentKind::Rejection => "rejection",
            DocumentKind::Application => "application",
            DocumentKind::HousingProof => "housing",
        }
    }

    pub fn parse(code: &str) -> Option<DocumentKind> {
        [DocumentKind::Receipt, DocumentKind::Correction, DocumentKind::Rejection, DocumentKind::Application, DocumentKind::HousingProof].into_iter().find(|k| k.code() == code)
    }

    /// The short Chinese name (文书种类).
    pub const fn name(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "受理回执",
            DocumentKind::Correction => "补正告知书",
            DocumentKind::Rejection => "退件告知书",
            DocumentKind::Application => "申请书",
            DocumentKind::HousingProof => "不动产登记资料查询结果证明",
        }
    }

    /// The letters its numbers start with.
    const fn prefix(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "HZ",
            DocumentKind::Correction => "BZ",
            DocumentKind::Rejection => "TJ",
            DocumentKind::Application => "SQ",
            DocumentKind::HousingProof => "ZM",
        }
    }

    /// Whether a case in `state` has this document: 补正告知书 only while in 补正, 退件告知书 only
    /// once returned; the receipt and the application form always.
    pub fn offered_in(self, state: CaseState) -> bool {
        match self {
            DocumentKind::Correction => state == CaseState::Correction,
            DocumentKind::Rejection => state == CaseState::Returned,
            DocumentKind::Receipt | DocumentKind::Application => true,
            DocumentKind::HousingProof => false,
        }
    }
}

/// A flow's particulars by their form labels, `(attribute key, label)`.
pub type Labels = fn(&'static Flow) -> Vec<(&'static str, &'static str)>;

/// No labels of the caller's: the register's own wording.
pub fn register_labels(_: &'static Flow) -> Vec<(&'static str, &'static str)> {
    Vec::new()
}

/// What the QR code states (signed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFacts {
    /// 文书种类 code.
    pub k: String,
    /// 文书编号.
    pub n: String,
    /// 对象: the 业务号, or the person masked.
    pub s: String,
    /// 出具日期 (business date).
    pub d: String,
}

/// An issued document: its number, the PDF and the signed payload its QR code carries.
#[derive(Debug, Clone)]
pub struct Issued {
    pub kind: DocumentKind,
    pub number: String,
    pub payload: String,
    pub pdf: Vec<u8>,
}

impl Issued {
    /// The download's file name.
    pub fn file_name(&self) -> String {
        format!("{}-{}.pdf", self.kind.code(), self.number)
    }
}

/// The office as printed: its name, and the 咨询电话 of its first hall.
fn authority(s: &Services) -> String {
    format!("{}不动产登记中心", s.office.city_name)
}

fn phone(s: &Services) -> String {
    s.office.halls.first().map(|h| h.phone.clone()).unwrap_or_default()
}

/// The label of a requested particular (登记事项) when the caller gives none: the register's own
/// wording for the attributes it keeps. The portal passes its form's labels, which win.
fn attr_label(key: &str) -> Option<&'static str> {
    Some(match key {
        attr::AMOUNT => "被担保主债权数额（元）",
        attr::MORTGAGE_METHOD => "抵押方式",
        attr::RANK => "抵押顺位",
        attr::TERM_START => "期限起始日",
        attr::TERM_END => "期限截止日",
        attr::CLAIM_START => "债权确定期间起始日",
        attr::CLAIM_END => "债权确定期间截止日",
        attr::ADVANCE_KIND => "预告登记种类",
        attr::DOMINANT_UNIT => "需役地不动产单元号",
        attr::PURPOSE => "利用目的",
        attr::NOTE => "附记",
        attr::NO_TRANSFER => "约定禁止或限制转让",
        "new_name" => "变更后的姓名（名称）",
        "location" => "变更后的坐落",
        _ => return None,
    })
}

/// A coded particular's value read out (抵押方式 1 → 一般抵押 …).
fn attr_value(key: &str, value: &str) -> String {
    match (key, value) {
        (attr::MORTGAGE_METHOD, "1") => "一般抵押".into(),
        (attr::MORTGAGE_METHOD, "2") => "最高额抵押".into(),
        (attr::ADVANCE_KIND, "1") => "预售商品房买卖预告登记".into(),
        (attr::ADVANCE_KIND, "2") => "其他不动产买卖预告登记".into(),
        (attr::NO_TRANSFER, "true") => "是".into(),
        (attr::NO_TRANSFER, "false") => "否".into(),
        _ => value.to_owned(),
    }
}

fn co_ownership_name(code: &str) -> &str {
    match code {
        "0" => "单独所有",
        "1" => "共同共有",
        "2" => "按份共有",
        "3" => "其他共有",
        other => other,
    }
}

/// `YYYY年M月D日`.
fn chinese(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Everything a case's documents print, gathered once.
struct CaseFacts {
    case: CaseRecord,
    flow: Option<&'static Flow>,
    /// `(name, masked ID, role name, share)`.
    applicants: Vec<(String, String, &'static str, String)>,
    /// `(不动产单元号, 坐落)`.
    units: Vec<(String, String)>,
    /// Material codes received: those the application named and those filed.
    received: BTreeSet<String>,
    accepted_by: String,
    request: crate::service::cases::RequestDoc,
    /// Whether the office has accepted it (受理): a counter case from the start, an online one
    /// once a clerk took it from 待受理 (`submit`).
    accepted: bool,
    /// Whether it was refused before acceptance: 不予受理 rather than 不予登记.
    refused_at_intake: bool,
}

impl CaseFacts {
    fn flow_name(&self) -> String {
        self.flow.map_or_else(|| self.case.flow_code.clone(), |f| f.name.to_owned())
    }

    fn material_name(&self, code: &str) -> String {
        self.flow.and_then(|f| f.materials.iter().find(|m| m.code == code)).map_or_else(|| code.to_owned(), |m| m.name.to_owned())
    }

    fn applicants_line(&self) -> String {
        self.applicants.iter().map(|(n, id, _, _)| format!("{n}（{id}）")).collect::<Vec<_>>().join("、")
    }

    fn masked_names(&self) -> String {
        self.applicants.iter().map(|(n, _, _, _)| mask_name(n)).collect::<Vec<_>>().join("、")
    }

    fn units_line(&self) -> String {
        self.units.iter().map(|(n, l)| format!("{l}（{n}）")).collect::<Vec<_>>().join("\n")
    }

    /// The flow's required materials not among those received (补正 asks for them).
    fn missing(&self) -> Vec<String> {
        self.flow.map(|f| f.materials.iter().filter(|m| m.required && !self.received.contains(m.code)).map(|m| m.name.to_owned()).collect()).unwrap_or_default()
    }
}

async fn case_facts(s: &Services, case_id: i64) -> ServiceResult<CaseFacts> {
    let mut conn = s.db.conn().await?;
    let case = crate::store::cases::get_case(&mut conn, case_id).await?.ok_or_else(|| ServiceError::NotFound("办件不存在".into()))?;
    let request: crate::service::cases::RequestDoc = serde_json::from_str(&case.request).unwrap_or_default();
    let mut applicants = Vec::new();
    for (pid, role, share) in &case.applicants {
        if let Some(p) = registry::get_party(&mut conn, *pid).await? {
            applicants.push((p.name, p.id_number_masked, ApplicantRole::from_code(role).map_or("申请人", ApplicantRole::name), share.clone()));
        }
    }
    let mut units = Vec::new();
    for (uid, _) in &case.units {
        if let Some(u) = registry::get_unit(&mut conn, *uid).await? {
            units.push((u.unit_number, u.location));
        }
    }
    let mut received: BTreeSet<String> = request.materials.iter().cloned().collect();
    for f in crate::store::attachments::of_owner(&mut conn, crate::store::attachments::CASE, case.id).await? {
        received.insert(f.material_code);
    }
    let events = crate::store::cases::events(&mut conn, case.id).await?;
    let counter = case.channel == catalogue::Channel::Counter.code();
    // Online, the clerk who took the case from 待受理 accepted it; at the counter, who opened it.
    let acceptance = events.iter().find(|e| e.from == Some(CaseState::Intake) && e.to == CaseState::Review);
    let accepted = counter || acceptance.is_some();
    let refused_at_intake = acceptance.is_none();
    let clerk = if counter { case.created_by.clone() } else { acceptance.map(|e| e.actor.clone()).unwrap_or_default() };
    let names = s.directory.staff_names(&mut conn, std::slice::from_ref(&clerk)).await?;
    let accepted_by = names.into_iter().next().map_or(clerk, |n| n.display_name);
    Ok(CaseFacts { flow: catalogue::flow(&case.flow_code), case, request, applicants, units, received, accepted_by, accepted, refused_at_intake })
}

/// The text of a case document: its title, facts and paragraphs.
fn case_notice(s: &Services, kind: DocumentKind, f: &CaseFacts, labels: &BTreeMap<String, String>, at_intake: bool) -> (String, Vec<(String, String)>, Vec<String>) {
    let c = &f.case;
    let mut facts: Vec<(String, String)> =
        vec![("业务号".into(), c.case_number.clone()), ("登记业务".into(), f.flow_name()), ("申请人".into(), f.applicants_line()), ("坐落／不动产单元号".into(), f.units_line())];
    let accepted_at = bdc_db::parse_time(&c.created_at).map(|t| bdc_core::time::beijing(t).format("%Y年%-m月%-d日 %H:%M").to_string()).unwrap_or_else(|_| c.created_at.clone());
    let office = format!("{}，咨询电话 {}", authority(s), phone(s));
    let follow = "办理进度可登录“线上苏小登”（我的办件）查询，或凭业务号到登记大厅、拨打咨询电话查询。".to_owned();
    match kind {
        DocumentKind::Receipt => {
            let received = f.received.iter().map(|m| f.material_name(m)).collect::<Vec<_>>();
            facts.push(("收到材料".into(), if received.is_empty() { "（无）".into() } else { received.join("\n") }));
            facts.push(("受理时间".into(), accepted_at));
            facts.push(("承诺办结日期".into(), chinese(c.deadline)));
            facts.push(("受理人".into(), f.accepted_by.clone()));
            facts.push(("登记机构".into(), office));
            let paragraphs = vec![
                format!("您（单位）申请的{}已于上述时间受理。登记机构将自受理之日起在承诺办结日期前办结（补正、公告等期间不计入办结时限）。", f.flow_name()),
                follow,
                "依据：《不动产登记暂行条例》第十七条、第二十条。".into(),
            ];
            ("不动产登记受理回执".into(), facts, paragraphs)
        }
        DocumentKind::Correction => {
            let missing = f.missing();
            facts.push(("补正原因".into(), if c.state_reason.trim().is_empty() { "申请材料不齐全或者不符合法定形式".into() } else { c.state_reason.clone() }));
            facts.push(("尚缺材料".into(), if missing.is_empty() { "按补正原因补充或更正相应材料".into() } else { missing.join("\n") }));
            facts.push(("受理时间".into(), accepted_at));
            facts.push(("登记机构".into(), office));
            let paragraphs = vec![
                "经审查，您（单位）提交的申请材料不齐全或者不符合法定形式。依据《不动产登记暂行条例》第十七条的规定，请按上述要求一次性补正全部材料。".into(),
                "补正期间不计入办结时限；补正材料收到后，登记机构继续办理，办结时限自收到之日起接续计算。".into(),
                "补正材料可登录“线上苏小登”上传，或携带原件到登记大厅提交。".into(),
                follow,
            ];
            ("不动产登记补正材料告知书".into(), facts, paragraphs)
        }
        DocumentKind::Rejection => {
            facts.push(("退件原因".into(), if c.state_reason.trim().is_empty() { "申请不符合登记条件".into() } else { c.state_reason.clone() }));
            facts.push(("受理时间".into(), accepted_at));
            facts.push(("登记机构".into(), office));
            let (title, basis) = if at_intake {
                ("不动产登记不予受理告知书", "依据《不动产登记暂行条例》第十七条的规定，您（单位）的申请不予受理，申请材料予以退回。")
            } else {
                ("不动产登记不予登记告知书", "依据《不动产登记暂行条例》第二十二条的规定，您（单位）的申请不予登记，申请材料予以退回。")
            };
            let paragraphs = vec![
                basis.to_owned(),
                "如对本决定不服，您可以自收到本告知书之日起六十日内依法申请行政复议，或者自收到之日起六个月内依法向人民法院提起行政诉讼。".into(),
                "问题解决后，您可以重新提出登记申请。".into(),
                follow,
            ];
            (title.into(), facts, paragraphs)
        }
        DocumentKind::Application | DocumentKind::HousingProof => {
            facts.truncate(2);
            for (name, id, role, share) in &f.applicants {
                let share = if share.is_empty() || share == "1" { String::new() } else { format!("，份额 {share}") };
                facts.push((role.to_string(), format!("{name}（{id}）{share}")));
            }
            if let Some(co) = &f.request.co_ownership {
                facts.push(("共有方式".into(), co_ownership_name(co).to_owned()));
            }
            facts.push(("不动产坐落".into(), f.units.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>().join("\n")));
            facts.push(("不动产单元号".into(), f.units.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>().join("\n")));
            for (key, value) in &f.request.attrs {
                let label = labels.get(key).cloned().or_else(|| attr_label(key).map(str::to_owned));
                if let Some(label) = label {
                    if !value.trim().is_empty() {
                        facts.push((label, attr_value(key, value)));
                    }
                }
            }
            let materials = f.received.iter().map(|m| f.material_name(m)).collect::<Vec<_>>();
            facts.push(("提交材料".into(), if materials.is_empty() { "（无）".into() } else { materials.join("\n") }));
            facts.push(("申请日期".into(), chinese(c.accepted_on)));
            let paragraphs = vec![
                "申请人承诺：本申请书所填内容及提交的申请材料真实、合法、有效，如有虚假，愿承担相应的法律责任（《不动产登记暂行条例》第十六条）。".into(),
                "申请人（签章）：                      代理人（签章）：".into(),
            ];
            ("不动产登记申请书".into(), facts, paragraphs)
        }
    }
}

/// Prints a case's document for whoever may see the case (staff with case.read, the case's own
/// applicants and its online submitter). `labels` names a flow's requested particulars as the
/// form asked for them (the portal's `form_of`); the register's own wording fills the rest.
#[tracing::instrument(name = "case_document", skip_all, fields(case.id = case_id, kind = kind.code()))]
pub async fn case_document(s: &Services, actor: &Actor, case_id: i64, kind: DocumentKind, labels: Labels) -> ServiceResult<Issued> {
    if kind == DocumentKind::HousingProof {
        return Err(ServiceError::NotFound("该文书不存在".into()));
    }
    if actor.realm == Realm::Staff {
        actor.require(Permission::CaseRead)?;
    }
    if !crate::service::materials::may_see_case(s, actor, case_id).await? {
        return Err(ServiceError::NotFound("办件不存在".into()));
    }
    let f = case_facts(s, case_id).await?;
    if !kind.offered_in(f.case.state) {
        let message = match kind {
            DocumentKind::Correction => format!("该业务当前为“{}”，不在补正状态，不能出具补正告知书", f.case.state.name()),
            _ => format!("该业务当前为“{}”，未退件，不能出具退件告知书", f.case.state.name()),
        };
        return Err(ServiceError::Conflict { code: "document_not_offered", message });
    }
    if kind == DocumentKind::Receipt && !f.accepted {
        return Err(ServiceError::Conflict { code: "document_not_offered", message: "该网上申请尚未受理，登记机构受理后方可打印受理回执".into() });
    }
    // 退件 before 受理 is 不予受理 (条例 第十七条); after, in review, 不予登记 (第二十二条).
    let at_intake = f.refused_at_intake;
    let labels: BTreeMap<String, String> = f.flow.map(labels).unwrap_or_default().into_iter().map(|(k, l)| (k.to_owned(), l.to_owned())).collect();
    let (title, facts, paragraphs) = case_notice(s, kind, &f, &labels, at_intake);
    let summary = format!("{}；申请人 {}", f.flow_name(), f.masked_names());
    issue(s, actor, kind, Some(case_id), f.case.case_number.clone(), summary, title, facts, paragraphs).await
}

/// 有房／无房证明 for a real-name public user: the current titles his own party holds in this
/// city, or that none was found; logged in the public query log like the archive query.
#[tracing::instrument(name = "housing_proof", skip_all, fields(actor.id = actor.user_id))]
pub async fn housing_proof(s: &Services, actor: &Actor, client: &str) -> ServiceResult<Issued> {
    if actor.realm != Realm::Public {
        return Err(ServiceError::Forbidden("有房／无房证明仅向实名认证的本人出具".into()));
    }
    crate::service::limits::hit(s, crate::service::limits::Kind::PublicQuery, Some(&actor.user_id.to_string()), client).await?;
    let mut conn = s.db.conn().await?;
    let account = s.directory.link(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::Forbidden("该账户尚未完成实名认证，请先实名认证".into()))?;
    let party = registry::get_party(&mut conn, account.party_id).await?.ok_or_else(|| ServiceError::NotFound("未找到本人的登记主体".into()))?;
    // 有房证明 counts what he owns — a bank's 抵押权 on a unit is not a house of its own.
    let filter = registry::UnitFilter { holder: Some(account.party_id), held_as: registry::HeldAs::Title, ..registry::UnitFilter::default() };
    let units = registry::search_units(&mut conn, &filter, PageRequest { page: 1, per_page: 200 }).await?;
    // `(坐落, 单元号, 权利类型, 证书号, 份额)` of each current title he holds.
    let mut titles = Vec::new();
    for unit in units.items {
        for r in registry::rights_of_unit(&mut conn, unit.id, false).await? {
            if r.view.state != RightState::Current || !is_title_kind(r.view.kind) {
                continue;
            }
            if let Some(h) = r.view.holders.iter().find(|h| h.party_id == account.party_id) {
                titles.push((unit.location.clone(), unit.unit_number.clone(), r.view.kind.name(), r.view.certificate.clone().unwrap_or_default(), h.share.to_string()));
            }
        }
    }
    drop(conn);
    let today = crate::service::cases::today();
    let printed = bdc_core::time::beijing(Utc::now()).format("%Y年%-m月%-d日 %H:%M").to_string();
    let person = format!("{}（{}）", party.name, party.id_number_masked);
    let masked_person = format!("{}（{}）", mask_name(&party.name), party.id_number_masked);
    let mut facts = vec![("查询对象".into(), person.clone()), ("查询范围".into(), format!("{}行政区域内已登记的不动产", s.office.city_name)), ("查询时间".into(), printed.clone())];
    let (title, summary, result) = if titles.is_empty() {
        ("不动产登记资料查询结果证明（无房证明）", "未发现不动产登记记录".to_owned(), format!("经查询，截至{}，未发现{}名下有不动产登记记录。", chinese(today), person))
    } else {
        for (n, (location, unit, kind, cert, share)) in titles.iter().enumerate() {
            let share = if share == "1" { String::new() } else { format!("，份额 {share}") };
            facts.push((format!("不动产 {}", n + 1), format!("{location}\n不动产单元号 {unit}\n{kind}，{cert}{share}")));
        }
        let listed = titles.iter().map(|(_, unit, _, _, _)| unit.clone()).collect::<Vec<_>>().join("、");
        (
            "不动产登记资料查询结果证明（有房证明）",
            format!("名下不动产 {} 处：{listed}", titles.len()),
            format!("经查询，截至{}，{}名下在{}有以上 {} 处不动产登记记录。", chinese(today), person, s.office.city_name, titles.len()),
        )
    };
    let paragraphs = vec![
        result,
        "本证明仅反映出具时登记簿记载的情况，自出具之日起 30 日内有效；登记簿记载变化的，以登记簿为准。".into(),
        "本证明由“线上苏小登”依申请人实名身份自助出具，可扫描下方二维码或登录线上苏小登核验真伪。".into(),
    ];
    let issued = issue(s, actor, DocumentKind::HousingProof, None, masked_person.clone(), summary.clone(), title.into(), facts, paragraphs).await?;
    let mut conn = s.db.conn().await?;
    bdc_audit::queries::log(&mut conn, "housing_proof", Some(actor.user_id), client, &format!("有房／无房证明（本人）{masked_person}"), &format!("{} {summary}", issued.number), Utc::now()).await?;
    Ok(issued)
}

/// Numbers, signs, renders, stores and audits one document in one transaction.
#[allow(clippy::too_many_arguments)]
async fn issue(
    s: &Services,
    actor: &Actor,
    kind: DocumentKind,
    case_id: Option<i64>,
    subject: String,
    summary: String,
    title: String,
    facts: Vec<(String, String)>,
    paragraphs: Vec<String>,
) -> ServiceResult<Issued> {
    let today = crate::service::cases::today();
    let day: i32 = today.format("%Y%m%d").to_string().parse().unwrap_or_default();
    // The key first: creating it on first use takes a transaction of its own.
    let key = crate::service::keys::signing_key(s, KEY_PURPOSE).await?;
    let (font, index) = s.cjk_font.load().map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let mut tx = s.db.begin().await?;
    let seq = registry::next_certificate_seq(&mut tx, &s.office.city_code, day, &format!("doc_{}", kind.prefix())).await?;
    let number = format!("{}{day}{seq:04}", kind.prefix());
    let signed_facts = DocumentFacts { k: kind.code().into(), n: number.clone(), s: subject.clone(), d: today.format("%Y-%m-%d").to_string() };
    let payload = sign(&key, &signed_facts)?;
    let doc = NoticeDoc {
        title,
        number: number.clone(),
        facts,
        paragraphs,
        authority: authority(s),
        issued_on: signed_facts.d.clone(),
        qr_payload: format!("{}/verify?payload={payload}", s.public_url.trim_end_matches('/')),
    };
    let pdf = tokio::task::spawn_blocking(move || render(&doc, &font, index)).await.map_err(|e| ServiceError::Internal(Box::new(e)))?.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let row = IssuedDocument {
        number: number.clone(),
        kind: kind.code().into(),
        case_id,
        subject: subject.clone(),
        summary,
        issued_on: signed_facts.d.clone(),
        issued_by: actor.username.clone(),
        digest: bdc_crypto::sm3_hex(&pdf),
    };
    store::insert(&mut tx, &row, Utc::now()).await?;
    bdc_audit::commit(tx, actor, "出具文书", &format!("{} {number}（{subject}）", kind.name())).await?;
    Ok(Issued { kind, number, payload, pdf })
}

fn sign(key: &bdc_crypto::SigningKeyPair, facts: &DocumentFacts) -> ServiceResult<String> {
    let body = B64.encode(serde_json::to_vec(facts).map_err(|e| ServiceError::Internal(Box::new(e)))?);
    let signed = format!("{PREFIX}.{body}");
    Ok(format!("{signed}.{}", key.sign_hex(signed.as_bytes())))
}

/// Whether a scanned text is a document's payload (rather than a certificate's).
pub fn is_document_payload(payload: &str) -> bool {
    payload.starts_with(&format!("{PREFIX}."))
}

/// Checks a document's payload: the signature, then the register's row of that number, which
/// must say the same kind, subject and date. `None` when either fails (伪造或篡改).
pub async fn verify(s: &Services, payload: &str) -> ServiceResult<Option<(DocumentFacts, IssuedDocument)>> {
    let mut parts = payload.rsplitn(2, '.');
    let (Some(sig), Some(signed)) = (parts.next(), parts.next()) else { return Ok(None) };
    let Some(body) = signed.strip_prefix(&format!("{PREFIX}.")) else { return Ok(None) };
    let key = crate::service::keys::signing_key(s, KEY_PURPOSE).await?;
    if !sm2_verify_hex(&key.public_key_hex(), signed.as_bytes(), sig).unwrap_or(false) {
        return Ok(None);
    }
    let Some(facts) = B64.decode(body).ok().and_then(|b| serde_json::from_slice::<DocumentFacts>(&b).ok()) else { return Ok(None) };
    let mut conn = s.db.conn().await?;
    Ok(store::get(&mut conn, &facts.n).await?.filter(|row| row.kind == facts.k && row.subject == facts.s && row.issued_on == facts.d).map(|row| (facts, row)))
}

/// The documents issued for a case, newest first (for staff who read the case).
pub async fn of_case(s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<Vec<IssuedDocument>> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    Ok(store::of_case(&mut conn, case_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_codes() {
        for k in [DocumentKind::Receipt, DocumentKind::Correction, DocumentKind::Rejection, DocumentKind::Application, DocumentKind::HousingProof] {
            assert_eq!(DocumentKind::parse(k.code()), Some(k));
        }
        assert_eq!(DocumentKind::parse("certificate"), None);
    }

    #[test]
    fn notices_of_a_state_are_offered_only_in_it() {
        assert!(DocumentKind::Correction.offered_in(CaseState::Correction));
        assert!(!DocumentKind::Correction.offered_in(CaseState::Review));
        assert!(DocumentKind::Rejection.offered_in(CaseState::Returned));
        assert!(!DocumentKind::Rejection.offered_in(CaseState::Intake));
        assert!(DocumentKind::Receipt.offered_in(CaseState::Archived));
    }

    #[test]
    fn coded_particulars_are_read_out() {
        assert_eq!(attr_value(attr::MORTGAGE_METHOD, "2"), "最高额抵押");
        assert_eq!(attr_label(attr::AMOUNT), Some("被担保主债权数额（元）"));
        assert_eq!(chinese(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()), "2026年3月5日");
    }
}
