//! 代理 — a portal agent (代理人) applies for a principal under a recorded authorisation (B2):
//! the principal's real name and ID, what is entrusted, until when, and the signed
//! 授权委托书 itself as a PDF or image. An application made under it names the principal as the
//! applicant and the agent as 代理人 where the flow has one; staff see the authorisation with
//! the case.

use chrono::{NaiveDate, Utc};

use crate::domain::AUTHORISATION;
use crate::store::agency::{self as store, Authorisation};
use bdc_core::ids::{CitizenId, CreditCode};
use bdc_registry::register_api::materials::NewAttachment;
use bdc_registry::register_api::registry;

use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::register_api::materials::{self, Upload};
use bdc_registry::Services;

/// An authorisation lasts at most a year (a longer one is renewed with a new letter).
pub const MAX_DAYS: i64 = 366;

/// What an agent records.
#[derive(Debug, Clone, Default)]
pub struct NewAuthorisation {
    pub principal_name: String,
    /// 身份证号 of a person, or 统一社会信用代码 of an organisation.
    pub principal_id: String,
    /// 委托事项.
    pub matters: String,
    /// `YYYY-MM-DD`.
    pub valid_until: String,
    pub document: Option<Upload>,
}

/// An authorisation as shown: with the principal's name and masked ID.
#[derive(Debug, Clone)]
pub struct Shown {
    pub authorisation: Authorisation,
    pub principal_name: String,
    pub principal_id_masked: String,
    pub usable: bool,
}

fn require_agent(actor: &Actor) -> ServiceResult<()> {
    if actor.roles.iter().any(|r| r == "agent") {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("仅代理人账户可以登记授权委托".into()))
    }
}

/// Every problem of the form, by field.
pub fn check(a: &NewAuthorisation, today: NaiveDate) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    let name = a.principal_name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        errors.push(("principal_name", "请填写委托人姓名或单位名称（不超过 64 个字）".to_owned()));
    }
    let id = a.principal_id.trim();
    if id.is_empty() {
        errors.push(("principal_id", "请填写委托人的身份证号或统一社会信用代码".to_owned()));
    } else if CitizenId::parse(id).is_err() && CreditCode::parse(id).is_err() {
        // Seventeen digits first: meant as a 身份证号; otherwise as a 统一社会信用代码.
        let citizen = id.chars().take(17).all(|c| c.is_ascii_digit());
        let e = if citizen { CitizenId::parse(id).err().map(|e| e.to_string()) } else { CreditCode::parse(id).err().map(|e| e.to_string()) };
        errors.push(("principal_id", e.unwrap_or_else(|| "证件号码无效".into())));
    }
    let matters = a.matters.trim();
    if matters.is_empty() || matters.chars().count() > 200 {
        errors.push(("matters", "请填写委托事项（不超过 200 个字）".to_owned()));
    }
    match NaiveDate::parse_from_str(a.valid_until.trim(), "%Y-%m-%d") {
        Ok(d) if d < today => errors.push(("valid_until", "有效期不能早于今天".to_owned())),
        Ok(d) if (d - today).num_days() > MAX_DAYS => errors.push(("valid_until", "授权有效期最长一年".to_owned())),
        Ok(_) => {}
        Err(_) => errors.push(("valid_until", "请选择有效期截止日期".to_owned())),
    }
    match &a.document {
        None => errors.push(("document", "请上传委托人签字（盖章）的授权委托书".to_owned())),
        Some(u) => {
            if let Err(e) = materials::check(u) {
                errors.push(("document", e.to_string()));
            }
        }
    }
    errors
}

/// Records an authorisation: the principal's party (real name: an existing record of the ID must
/// bear the name), the letter in the file store, and the authorisation row — one transaction for
/// the rows.
#[tracing::instrument(name = "portal_authorise", skip_all, fields(actor.id = actor.user_id))]
pub async fn record(s: &Services, actor: &Actor, a: NewAuthorisation) -> ServiceResult<Authorisation> {
    require_agent(actor)?;
    crate::service::account::account_of(s, actor).await?;
    let today = bdc_registry::register_api::today();
    if let Some((field, message)) = check(&a, today).into_iter().next() {
        return Err(ServiceError::field("invalid_authorisation", field, message));
    }
    let id = a.principal_id.trim();
    let (id_type, id) = match CitizenId::parse(id) {
        Ok(c) => ("1", c.as_str().to_owned()),
        Err(_) => ("8", CreditCode::parse(id).map_err(|e| ServiceError::field("bad_id_number", "principal_id", e.to_string()))?.as_str().to_owned()),
    };
    let doc = a.document.as_ref().ok_or_else(|| ServiceError::field("no_document", "document", "请上传授权委托书"))?;
    let (content_type, ext) = materials::check(doc)?;
    let digest = bdc_crypto::sm3_hex(&doc.bytes);
    let key = format!("authorisation/{}/{digest}.{ext}", actor.user_id);
    s.files.put(&key, &doc.bytes).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    bdc_registry::register_api::limits::refuse_if_over(s, bdc_registry::register_api::limits::Kind::IdentityCheck, &actor.username).await?;
    let Some(party_id) = bdc_registry::register_api::registry::party_on_record(s, &mut tx, id_type, &id, a.principal_name.trim()).await? else {
        // Not an oracle: a wrong name and an unknown number get one answer, each failure counts
        // against the agent's small identity-check limit, and nobody is recorded as a party by
        // being named here (the principal must be on record: a verified account or a counter case).
        drop(tx);
        bdc_registry::register_api::limits::hit(s, bdc_registry::register_api::limits::Kind::IdentityCheck, Some(&actor.username), "").await?;
        return Err(ServiceError::field("party_not_verified", "principal_name", "委托人身份核验未通过：请核对委托人姓名（名称）与证件号码；委托人须已注册线上苏小登实名账户或在登记机构留有记录"));
    };
    let name = materials::display_name(&doc.file_name);
    let doc_id = materials::insert(
        &mut tx,
        &NewAttachment {
            owner_kind: AUTHORISATION,
            owner_id: 0,
            material_code: "authorisation",
            file_key: &key,
            file_name: &name,
            content_type,
            size: i64::try_from(doc.bytes.len()).unwrap_or(i64::MAX),
            sm3: &digest,
            uploaded_by: &actor.username,
        },
        now,
    )
    .await?;
    let auth_id = store::insert_authorisation(&mut tx, actor.user_id, party_id, a.matters.trim(), a.valid_until.trim(), doc_id, now).await?;
    materials::move_owner_of(&mut tx, doc_id, AUTHORISATION, auth_id).await?;
    let out = store::authorisation(&mut tx, auth_id).await?.ok_or_else(|| ServiceError::NotFound("授权不存在".into()))?;
    bdc_audit::commit(tx, actor, "登记授权委托", &format!("授权 #{auth_id}，委托人当事人 {party_id}，有效至 {}", a.valid_until.trim())).await?;
    Ok(out)
}

fn usable(a: &Authorisation, today: NaiveDate) -> bool {
    !a.revoked && NaiveDate::parse_from_str(&a.valid_until, "%Y-%m-%d").is_ok_and(|d| d >= today)
}

/// The agent's authorisations, newest first.
pub async fn mine(s: &Services, actor: &Actor) -> ServiceResult<Vec<Shown>> {
    require_agent(actor)?;
    let today = bdc_registry::register_api::today();
    let mut conn = s.db.conn().await?;
    let mut out = Vec::new();
    for a in store::authorisations_of(&mut conn, actor.user_id).await? {
        let p = registry::get_party(&mut conn, a.principal_party_id).await?;
        out.push(Shown {
            usable: usable(&a, today),
            principal_name: p.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            principal_id_masked: p.map(|p| p.id_number_masked).unwrap_or_default(),
            authorisation: a,
        });
    }
    Ok(out)
}

/// An authorisation of the agent's that can be used today, or why not.
pub async fn usable_for(s: &Services, actor: &Actor, id: i64) -> ServiceResult<Authorisation> {
    require_agent(actor)?;
    let mut conn = s.db.conn().await?;
    let a = store::authorisation(&mut conn, id).await?.filter(|a| a.agent_user_id == actor.user_id).ok_or_else(|| ServiceError::field("unknown_authorisation", "on_behalf", "授权委托不存在"))?;
    if !usable(&a, bdc_registry::register_api::today()) {
        return Err(ServiceError::field("authorisation_lapsed", "on_behalf", "该授权委托已撤销或已过期"));
    }
    Ok(a)
}

/// Withdraws an authorisation (the principal revoked it); cases already opened keep it.
#[tracing::instrument(name = "portal_revoke_authorisation", skip_all, fields(actor.id = actor.user_id, authorisation.id = id))]
pub async fn revoke(s: &Services, actor: &Actor, id: i64) -> ServiceResult<()> {
    require_agent(actor)?;
    let mut tx = s.db.begin().await?;
    if store::revoke_authorisation(&mut tx, id, actor.user_id).await? {
        bdc_audit::commit(tx, actor, "撤销授权委托", &format!("授权 #{id}")).await
    } else {
        Err(ServiceError::NotFound("授权委托不存在或已撤销".into()))
    }
}

/// The authorisation a case was applied under, for staff: `(principal name, agent, matters, valid until, document id)`.
pub async fn of_case(s: &Services, actor: &Actor, request_attrs: &std::collections::BTreeMap<String, String>) -> ServiceResult<Option<(Authorisation, String)>> {
    actor.require(bdc_core::access::Permission::CaseRead)?;
    let Some(id) = request_attrs.get(bdc_registry::domain::register::attr::AUTHORISATION).and_then(|v| v.parse::<i64>().ok()) else { return Ok(None) };
    let mut conn = s.db.conn().await?;
    let Some(a) = store::authorisation(&mut conn, id).await? else { return Ok(None) };
    let name = registry::get_party(&mut conn, a.principal_party_id).await?.map(|p| p.name).unwrap_or_default();
    Ok(Some((a, name)))
}
