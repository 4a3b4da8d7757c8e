//! 利害关系人查询 — interested-party queries (B5): "由登记机构审核利害关系无误后，按需返回查询结果".
//!
//! A real-name public user states how they are concerned with a property (诉讼当事人, 债权人,
//! 拟购买人/承租人 …), why, and uploads evidence (1–5 PNG, JPEG or PDF files, recognised by their
//! magic bytes, at most 10 MB each). Staff holding 审批利害关系人查询 review the evidence and
//! approve or refuse (with a reason) — once. Before approval the applicant learns nothing about
//! the property, not even whether it exists. After approval they see the limited result that
//! 《不动产登记资料查询暂行办法》 allows interested parties: the property's natural state and whether
//! it is co-owned, mortgaged, under advance notice or objection, seized or otherwise restricted —
//! never the holders' names or ID numbers, certificate numbers or amounts.
//!
//! Every application, decision and viewing of a result is logged in `public_queries` (kind
//! `interest`) for query supervision (C1.4).

use chrono::Utc;

use crate::store::interest::{self as store, NewInterestApplication};
use bdc_core::access::{Permission, Realm};
use bdc_crypto::sm3_hex;
use bdc_registry::domain::register::CoOwnership;
use bdc_registry::domain::rights::RightKind;
use bdc_registry::register_api::registry;

use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::Services;

/// The `public_queries` kind of these queries.
pub const LOG_KIND: &str = "interest";
/// At most this many evidence files per application.
pub const MAX_FILES: usize = 5;
/// At most this many bytes per evidence file: the same 10 MB as every material.
pub use bdc_registry::register_api::materials::MAX_FILE_BYTES;
use bdc_registry::register_api::materials::{display_name, sniff};

// The records this use case hands to the API and the pages.
pub use crate::store::interest::{Evidence, InterestApplication};
const MAX_REASON_CHARS: usize = 500;
const MAX_PROPERTY_CHARS: usize = 200;

/// How the property is named (查询依据).
pub const PROPERTY_KINDS: &[(&str, &str)] = &[("unit", "不动产单元号"), ("location", "坐落"), ("certificate", "不动产权证书号（证明号）")];

/// The applicant's relation to the property (利害关系).
pub const RELATIONS: &[(&str, &str)] = &[("litigant", "诉讼当事人"), ("creditor", "债权人"), ("buyer_tenant", "拟购买人/承租人"), ("other", "其他")];

pub use crate::domain::InterestState;

fn name_of(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table.iter().find(|(c, _)| *c == code).map_or("其他", |(_, n)| n)
}

pub fn relation_name(code: &str) -> &'static str {
    name_of(RELATIONS, code)
}

pub fn property_kind_name(code: &str) -> &'static str {
    name_of(PROPERTY_KINDS, code)
}

/// An uploaded evidence file as received: the name the browser sent and the bytes.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// An application form (利害关系人查询申请).
#[derive(Debug, Clone, Default)]
pub struct InterestForm {
    pub property_kind: String,
    pub property: String,
    pub relation: String,
    pub reason: String,
    pub files: Vec<Upload>,
}

/// Every problem of an application form, by field, so a page can show each beside its field.
pub fn check(f: &InterestForm) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    if !PROPERTY_KINDS.iter().any(|(k, _)| *k == f.property_kind) {
        errors.push(("property_kind", "请选择查询依据".to_owned()));
    }
    let property = f.property.trim();
    if property.is_empty() {
        errors.push(("property", "请填写不动产单元号、坐落或不动产权证书号".to_owned()));
    } else if property.chars().count() > MAX_PROPERTY_CHARS {
        errors.push(("property", format!("查询的不动产不超过 {MAX_PROPERTY_CHARS} 个字")));
    }
    if !RELATIONS.iter().any(|(k, _)| *k == f.relation) {
        errors.push(("relation", "请选择您与该不动产的利害关系".to_owned()));
    }
    let reason = f.reason.trim().chars().count();
    if reason == 0 {
        errors.push(("reason", "请说明查询理由".to_owned()));
    } else if reason > MAX_REASON_CHARS {
        errors.push(("reason", format!("查询理由不超过 {MAX_REASON_CHARS} 个字")));
    }
    if let Some(e) = check_files(&f.files) {
        errors.push(("evidence", e));
    }
    errors
}

fn check_files(files: &[Upload]) -> Option<String> {
    if files.is_empty() {
        return Some("请上传利害关系证明材料（1–5 个文件）".to_owned());
    }
    if files.len() > MAX_FILES {
        return Some(format!("证明材料最多 {MAX_FILES} 个文件"));
    }
    for f in files {
        let name = display_name(&f.file_name);
        if f.bytes.len() > MAX_FILE_BYTES {
            return Some(format!("文件“{name}”超过 10 MB"));
        }
        if f.bytes.is_empty() {
            return Some(format!("文件“{name}”是空文件"));
        }
        if sniff(&f.bytes).is_none() {
            return Some(format!("文件“{name}”不是 PNG、JPEG 图片或 PDF 文件"));
        }
    }
    None
}

fn first_error(errors: Vec<(&'static str, String)>) -> ServiceError {
    let (field, message) = errors.into_iter().next().unwrap_or(("form", "表单有误".into()));
    ServiceError::field("invalid_interest_application", field, message)
}

/// The unit an application names, if it names exactly one.
async fn match_unit(conn: &mut bdc_db::AnyConnection, kind: &str, text: &str) -> ServiceResult<Option<i64>> {
    Ok(match kind {
        "unit" => registry::find_unit(conn, text).await?.map(|u| u.id),
        "certificate" => registry::unit_by_certificate(conn, text).await?,
        _ => {
            let units = registry::units_at(conn, text).await?;
            if units.len() == 1 {
                units.first().copied()
            } else {
                None
            }
        }
    })
}

async fn log(s: &Services, user_id: Option<i64>, client: &str, query: &str, outcome: &str) -> ServiceResult<()> {
    let mut conn = s.db.conn().await?;
    bdc_audit::queries::log(&mut conn, LOG_KIND, user_id, client, query, outcome, Utc::now()).await?;
    Ok(())
}

/// Submits an application with its evidence. The answer says only that it was received: whether
/// the property exists is not revealed before approval.
#[tracing::instrument(name = "interest_apply", skip_all, fields(actor.id = actor.user_id))]
pub async fn apply(s: &Services, actor: &Actor, client: &str, f: InterestForm) -> ServiceResult<InterestApplication> {
    bdc_registry::register_api::limits::hit(s, bdc_registry::register_api::limits::Kind::PublicQuery, Some(&actor.user_id.to_string()), client).await?;
    let account = crate::service::account::account_of(s, actor).await?;
    let errors = check(&f);
    if !errors.is_empty() {
        return Err(first_error(errors));
    }
    let property = f.property.trim();
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    let unit_id = match_unit(&mut tx, &f.property_kind, property).await?;
    let new = NewInterestApplication {
        user_id: actor.user_id,
        party_id: account.party_id,
        property_kind: &f.property_kind,
        property_text: property,
        unit_id,
        relation: &f.relation,
        reason: f.reason.trim(),
    };
    let id = store::insert_application(&mut tx, &new, now).await?;
    for (i, file) in f.files.iter().enumerate() {
        let seq = i64::try_from(i + 1).unwrap_or(i64::MAX);
        let (content_type, ext) = sniff(&file.bytes).ok_or_else(|| ServiceError::field("bad_evidence", "evidence", "证明材料格式不正确"))?;
        let key = format!("interest/{id}/{seq}.{ext}");
        // Stored before the commit: should the commit fail, the file is an orphan nobody can
        // reach, never a row without its file.
        s.files.put(&key, &file.bytes).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
        let e = Evidence {
            application_id: id,
            seq,
            file_key: key,
            file_name: display_name(&file.file_name),
            content_type: content_type.into(),
            size: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
            sm3: sm3_hex(&file.bytes),
        };
        store::insert_evidence(&mut tx, &e, now).await?;
    }
    let app = store::get_application(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound("申请不存在".into()))?;
    bdc_audit::commit(tx, actor, "利害关系人查询申请", &format!("申请 #{id}")).await?;
    let query = format!("申请 #{id}：{}“{property}”，{}", property_kind_name(&f.property_kind), relation_name(&f.relation));
    log(s, Some(actor.user_id), client, &query, "submitted").await?;
    Ok(app)
}

/// The user's own applications, newest first.
pub async fn mine(s: &Services, actor: &Actor) -> ServiceResult<Vec<InterestApplication>> {
    crate::service::account::account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    Ok(store::applications_of_user(&mut conn, actor.user_id).await?)
}

/// What an interested party may learn about the property (查询结果, limited).
#[derive(Debug, Clone, PartialEq)]
pub struct LimitedResult {
    /// Whether the register holds the property at all.
    pub found: bool,
    pub unit_number: String,
    pub location: String,
    pub area: Option<f64>,
    /// 土地用途 (of the parcel).
    pub land_use: String,
    /// 房屋用途.
    pub house_use: String,
    /// Whether a current right (ownership or use) is registered.
    pub titled: bool,
    /// 共有: the current title has more than one holder or is held jointly or in shares.
    pub co_owned: bool,
    pub mortgaged: bool,
    pub advance_notice: bool,
    pub objection: bool,
    pub seized: bool,
    /// Another restriction (锁定) stands on it.
    pub otherwise_restricted: bool,
}

/// The applicant's view of an application.
#[derive(Debug, Clone)]
pub struct MyApplication {
    pub application: InterestApplication,
    pub evidence: Vec<Evidence>,
    /// Only when approved.
    pub result: Option<LimitedResult>,
}

fn own(actor: &Actor, a: &InterestApplication) -> ServiceResult<()> {
    if actor.realm == Realm::Public && a.user_id == actor.user_id {
        Ok(())
    } else {
        // The same answer as for a missing one: whose applications exist is nobody else's business.
        Err(ServiceError::NotFound("未找到该查询申请".into()))
    }
}

/// One of the user's applications; once approved, with the limited result (each viewing logged).
pub async fn my_application(s: &Services, actor: &Actor, client: &str, id: i64) -> ServiceResult<MyApplication> {
    bdc_registry::register_api::limits::hit(s, bdc_registry::register_api::limits::Kind::PublicQuery, Some(&actor.user_id.to_string()), client).await?;
    crate::service::account::account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    let application = store::get_application(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound("未找到该查询申请".into()))?;
    own(actor, &application)?;
    let evidence = store::evidence_of(&mut conn, id).await?;
    let result = if application.state == InterestState::Approved { Some(limited_result(&mut conn, application.unit_id).await?) } else { None };
    drop(conn);
    if let Some(r) = &result {
        let query = format!("查看结果 #{id}：{}“{}”", property_kind_name(&application.property_kind), application.property_text);
        log(s, Some(actor.user_id), client, &query, if r.found { "result_shown" } else { "result_not_found" }).await?;
    }
    Ok(MyApplication { application, evidence, result })
}

/// 房屋用途 by its code (GB/T 17986.1); other values are shown as stored.
pub fn house_use_name(code: &str) -> String {
    match code {
        "10" => "住宅",
        "11" => "成套住宅",
        "12" => "非成套住宅",
        "13" => "集体宿舍",
        "20" | "21" => "工业",
        "22" => "公用设施",
        "27" => "仓储",
        "30" | "31" | "32" => "商业服务",
        "34" => "金融保险",
        "40" => "教育、医疗、卫生、科研",
        "50" => "文化、娱乐、体育",
        "60" => "办公",
        "80" => "其他",
        other => other,
    }
    .to_owned()
}

/// Builds the limited result from the current register. Nothing about holders, certificates or
/// amounts is read into it.
async fn limited_result(conn: &mut bdc_db::AnyConnection, unit_id: Option<i64>) -> ServiceResult<LimitedResult> {
    let empty = LimitedResult {
        found: false,
        unit_number: String::new(),
        location: String::new(),
        area: None,
        land_use: String::new(),
        house_use: String::new(),
        titled: false,
        co_owned: false,
        mortgaged: false,
        advance_notice: false,
        objection: false,
        seized: false,
        otherwise_restricted: false,
    };
    let Some(unit_id) = unit_id else { return Ok(empty) };
    let Some(unit) = registry::get_unit(conn, unit_id).await? else { return Ok(empty) };
    let land_use = registry::get_parcel(conn, &unit.parcel_code).await?.map(|p| p.land_use).unwrap_or_default();
    let rights = registry::rights_of_unit(conn, unit_id, true).await?;
    let has = |k: RightKind| rights.iter().any(|r| r.view.kind == k);
    let titles: Vec<_> = rights.iter().filter(|r| !r.view.kind.is_restriction()).collect();
    Ok(LimitedResult {
        found: true,
        unit_number: unit.unit_number,
        location: unit.location,
        area: unit.area,
        land_use,
        house_use: unit.house_use.as_deref().map(house_use_name).unwrap_or_default(),
        titled: !titles.is_empty(),
        co_owned: titles.iter().any(|r| r.view.holders.len() > 1 || !matches!(r.view.co_ownership, CoOwnership::Sole)),
        mortgaged: has(RightKind::Mortgage),
        advance_notice: has(RightKind::AdvanceNotice),
        objection: has(RightKind::Objection),
        seized: has(RightKind::Seizure),
        otherwise_restricted: has(RightKind::Lock),
    })
}

// ----- staff -----

/// An application as the reviewer sees it.
#[derive(Debug, Clone)]
pub struct ReviewView {
    pub application: InterestApplication,
    /// The applicant's real name and masked ID number (from the real-name account).
    pub applicant_name: String,
    pub applicant_id_masked: String,
    pub applicant_phone_masked: String,
    /// The matched unit: `(id, 不动产单元号, 坐落)`.
    pub unit: Option<(i64, String, String)>,
    pub evidence: Vec<Evidence>,
    pub decided_by_name: String,
}

/// The review queue of one state, oldest first, with the counts of every state.
pub async fn queue(s: &Services, actor: &Actor, state: InterestState) -> ServiceResult<(Vec<InterestApplication>, Vec<(InterestState, i64)>)> {
    actor.require(Permission::InterestReview)?;
    let mut conn = s.db.conn().await?;
    let list = store::applications_in_state(&mut conn, state, 200).await?;
    let counts = store::count_by_state(&mut conn).await?;
    Ok((list, counts))
}

/// One application with the applicant, the matched unit and the evidence.
pub async fn review(s: &Services, actor: &Actor, id: i64) -> ServiceResult<ReviewView> {
    actor.require(Permission::InterestReview)?;
    let mut conn = s.db.conn().await?;
    let application = store::get_application(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound("未找到该查询申请".into()))?;
    let party = registry::get_party(&mut conn, application.party_id).await?;
    let account = s.directory.link(&mut conn, application.user_id).await?;
    let unit = match application.unit_id {
        Some(u) => registry::get_unit(&mut conn, u).await?.map(|u| (u.id, u.unit_number, u.location)),
        None => None,
    };
    let evidence = store::evidence_of(&mut conn, id).await?;
    let decided_by_name = match application.decided_by {
        Some(u) => s.directory.user(&mut conn, u).await?.map(|u| u.display_name).unwrap_or_default(),
        None => String::new(),
    };
    Ok(ReviewView {
        applicant_name: party.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        applicant_id_masked: party.map(|p| p.id_number_masked).unwrap_or_default(),
        applicant_phone_masked: account.map(|a| a.phone_masked).unwrap_or_default(),
        application,
        unit,
        evidence,
        decided_by_name,
    })
}

/// Approves or refuses a submitted application (a refusal needs its reason). A decided
/// application cannot be decided again.
#[tracing::instrument(name = "interest_decide", skip_all, fields(actor.id = actor.user_id, interest.id = id, approve))]
pub async fn decide(s: &Services, actor: &Actor, client: &str, id: i64, approve: bool, reason: &str) -> ServiceResult<InterestApplication> {
    actor.require(Permission::InterestReview)?;
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(ServiceError::field("reason_required", "reason", "拒绝查询须填写理由"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(ServiceError::field("reason_too_long", "reason", format!("审核意见不超过 {MAX_REASON_CHARS} 个字")));
    }
    let mut tx = s.db.begin().await?;
    let current = store::get_application(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound("未找到该查询申请".into()))?;
    let state = if approve { InterestState::Approved } else { InterestState::Refused };
    if current.state != InterestState::Submitted || !store::decide(&mut tx, id, state, actor.user_id, reason, Utc::now()).await? {
        return Err(ServiceError::Conflict { code: "already_decided", message: format!("该申请已审核（{}），不能再次审核", current.state.name()) });
    }
    let decided = store::get_application(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound("未找到该查询申请".into()))?;
    bdc_audit::commit(tx, actor, if approve { "批准利害关系人查询" } else { "拒绝利害关系人查询" }, &format!("申请 #{id}")).await?;
    let query = format!("审核 #{id}：{}“{}”", property_kind_name(&decided.property_kind), decided.property_text);
    log(s, Some(actor.user_id), client, &query, state.code()).await?;
    Ok(decided)
}

/// An evidence file with its bytes, for the applicant or a reviewer; anyone else is told it
/// does not exist.
pub async fn evidence_file(s: &Services, actor: &Actor, id: i64, seq: i64) -> ServiceResult<(Evidence, Vec<u8>)> {
    let missing = || ServiceError::NotFound("未找到该证明材料".into());
    let mut conn = s.db.conn().await?;
    let application = store::get_application(&mut conn, id).await?.ok_or_else(missing)?;
    let allowed = match actor.realm {
        Realm::Public => application.user_id == actor.user_id,
        Realm::Staff => actor.can(Permission::InterestReview),
    };
    if !allowed {
        return Err(missing());
    }
    let evidence = store::evidence_of(&mut conn, id).await?.into_iter().find(|e| e.seq == seq).ok_or_else(missing)?;
    drop(conn);
    let bytes = s.files.get(&evidence.file_key).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    Ok((evidence, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(files: Vec<Upload>) -> InterestForm {
        InterestForm { property_kind: "unit".into(), property: "320402001001GB00001F00010001".into(), relation: "creditor".into(), reason: "借款纠纷".into(), files }
    }

    fn file(name: &str, bytes: &[u8]) -> Upload {
        Upload { file_name: name.into(), bytes: bytes.to_vec() }
    }

    #[test]
    fn evidence_is_recognised_by_its_bytes_not_its_name() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(("application/pdf", "pdf")));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(("image/png", "png")));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(("image/jpeg", "jpg")));
        assert_eq!(sniff(b"<html>"), None);
        assert!(check(&form(vec![file("判决书.pdf", b"%PDF-1.4 x")])).is_empty());
        let fake = check(&form(vec![file("判决书.pdf", b"MZ\x90\x00 not a pdf")]));
        assert_eq!(fake[0].0, "evidence");
        assert!(fake[0].1.contains("判决书.pdf"), "{fake:?}");
    }

    #[test]
    fn one_to_five_files_of_at_most_ten_megabytes() {
        assert_eq!(check(&form(vec![]))[0].0, "evidence");
        assert_eq!(check(&form(vec![file("a.pdf", b"%PDF-1"); 6]))[0].0, "evidence");
        let mut head = b"%PDF-1".to_vec();
        head.resize(MAX_FILE_BYTES + 1, b' ');
        let big = file("a.pdf", &head);
        assert!(check(&form(vec![big]))[0].1.contains("10 MB"));
    }

    #[test]
    fn every_missing_field_is_named() {
        let fields: Vec<&str> = check(&InterestForm::default()).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["property_kind", "property", "relation", "reason", "evidence"]);
    }
}
