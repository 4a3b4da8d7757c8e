//! 线上苏小登 — the public portal's use cases (B2, B4): one-time codes, online applications for
//! the catalogue flows open to the user's channel, progress, and the user's own certificates.
//!
//! A public account is tied to one party (当事人) only through a real-name verification by the
//! identity authority — sign-up and 实名认证 are the identity context's (`bdc-identity`); here the
//! link is read through [`crate::directory`].

use chrono::{Duration, Utc};
use rand::Rng;

use bdc_core::access::Realm;
use bdc_crypto::sm3_hex;
use bdc_domain::catalogue::{self, Channel, Flow};
use bdc_store::cases::CaseRecord;
use bdc_store::{portal, registry};

use crate::directory::AccountLink;

use crate::{Actor, ServiceError, ServiceResult, Services};

/// Purpose of a one-time code: signing up.
pub const SIGN_UP: &str = "sign_up";
const CODE_MINUTES: i64 = 10;
const CODE_RESEND_SECONDS: i64 = 60;
pub const CODE_ATTEMPTS: i64 = 5;

pub fn phone_ok(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit()) && !phone.starts_with("10") && !phone.starts_with("11") && !phone.starts_with("12")
}

pub fn code_hash(phone_bidx: &str, code: &str) -> String {
    sm3_hex(format!("{phone_bidx}:{code}").as_bytes())
}

/// Sends a one-time code by SMS (the sandbox writes it to the server log). At most one a minute
/// per number; a code lives 10 minutes and allows 5 tries. Rate-limited per number and per
/// address `client` besides, so no one floods a phone or spends the SMS budget.
pub async fn send_code(s: &Services, phone: &str, purpose: &str, client: &str) -> ServiceResult<()> {
    let phone = phone.trim();
    if !phone_ok(phone) {
        return Err(ServiceError::field("bad_phone", "phone", "请输入 11 位手机号码"));
    }
    crate::limits::hit(s, crate::limits::Kind::SmsCode, Some(phone), client).await?;
    deliver_code(s, phone, purpose).await
}

/// Makes and sends a one-time code for `purpose`, at most one a minute per number and purpose.
/// The caller has applied the rate limit that fits the purpose (sign-up: per number; an
/// application's confirmation: per account and application, see [`crate::limits::Kind`]).
pub async fn deliver_code(s: &Services, phone: &str, purpose: &str) -> ServiceResult<()> {
    let bidx = s.cipher().blind_index(phone);
    let now = Utc::now();
    let mut conn = s.db.conn().await?;
    if let Some(last) = portal::latest_code(&mut conn, &bidx, purpose).await? {
        let sent = bdc_db::parse_time(&last.created_at)?;
        if now - sent < Duration::seconds(CODE_RESEND_SECONDS) {
            return Err(ServiceError::field("code_too_soon", "phone", "验证码已发送，请 1 分钟后再试"));
        }
    }
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    portal::insert_code(&mut conn, &bidx, purpose, &code_hash(&bidx, &code), now + Duration::minutes(CODE_MINUTES), now).await?;
    drop(conn);
    let text = format!("【线上苏小登】您的验证码为 {code}，{CODE_MINUTES} 分钟内有效。如非本人操作，请忽略本短信。");
    s.sms.send(phone, &text).await.map_err(|e| ServiceError::Internal(Box::new(e)))
}

/// The public user's proven link to his party; an error for staff or accounts without one.
pub async fn account_of(s: &Services, actor: &Actor) -> ServiceResult<AccountLink> {
    if actor.realm != Realm::Public {
        return Err(ServiceError::Forbidden("仅限公众账户".into()));
    }
    let mut conn = s.db.conn().await?;
    s.directory.link(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::Forbidden("该账户尚未完成实名认证".into()))
}

/// The channels a public account applies through (B4).
pub fn channels_of(actor: &Actor) -> Vec<Channel> {
    let mut out = Vec::new();
    for r in &actor.roles {
        match r.as_str() {
            "person" | "agent" => out.push(Channel::Individual),
            "enterprise" => out.extend([Channel::Enterprise, Channel::Developer]),
            "institution" => out.extend([Channel::Bank, Channel::Developer, Channel::HousingAuthority]),
            _ => {}
        }
    }
    out.dedup();
    out
}

/// The flows the user may apply for online.
pub fn flows_for(actor: &Actor) -> Vec<&'static Flow> {
    let channels = channels_of(actor);
    catalogue::flows().iter().filter(|f| f.channels.iter().any(|c| channels.contains(c))).collect()
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

/// Submits an application (see [`crate::applications::apply`]).
pub async fn apply(s: &Services, actor: &Actor, a: Application) -> ServiceResult<crate::applications::Applied> {
    crate::applications::apply(s, actor, a).await
}

/// The user's applications with their progress (办件进度), newest first.
pub async fn my_cases(s: &Services, actor: &Actor) -> ServiceResult<Vec<CaseRecord>> {
    account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    let mut out = Vec::new();
    for id in portal::cases_submitted_by(&mut conn, actor.user_id).await? {
        if let Some(c) = bdc_store::cases::get_case(&mut conn, id).await? {
            out.push(c);
        }
    }
    Ok(out)
}

/// One of the user's applications, with its events (补正、退件 reasons among them).
pub async fn my_case(s: &Services, actor: &Actor, id: i64) -> ServiceResult<(CaseRecord, Vec<(String, String, String, String, String)>)> {
    account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    if !portal::cases_submitted_by(&mut conn, actor.user_id).await?.contains(&id) {
        return Err(ServiceError::NotFound("办件不存在".into()));
    }
    let case = bdc_store::cases::get_case(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound("办件不存在".into()))?;
    let events = bdc_store::cases::events(&mut conn, id).await?;
    Ok((case, events))
}

/// The user's certificates and proofs: `(number, kind, status, right id, unit id)`.
pub async fn my_certificates(s: &Services, actor: &Actor) -> ServiceResult<Vec<(String, String, String, i64, i64)>> {
    let account = account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    Ok(registry::certificates_of_party(&mut conn, account.party_id).await?)
}

/// The result of one of the user's cases (办理结果): the certificates and proofs it produced
/// that are the user's (or his principal's), `(number, kind)`.
pub async fn case_result(s: &Services, actor: &Actor, id: i64) -> ServiceResult<Vec<(String, String)>> {
    let (case, _) = my_case(s, actor, id).await?;
    let mut conn = s.db.conn().await?;
    let mut out = Vec::new();
    for (unit_id, _) in &case.units {
        for r in registry::rights_of_unit(&mut conn, *unit_id, false).await? {
            if r.case_id == Some(case.id) {
                if let Some(n) = r.view.certificate {
                    if case.applicants.iter().any(|(p, _, _)| r.view.holders.iter().any(|h| h.party_id == *p)) {
                        out.push((n, r.view.kind.name().to_owned()));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Whether the user may download the certificate or proof `number` (电子证书下载): it is his
/// party's, or a result of one of his own cases (an agent's principal's certificate).
pub async fn may_download_certificate(s: &Services, actor: &Actor, number: &str) -> ServiceResult<bool> {
    if my_certificates(s, actor).await?.iter().any(|c| c.0 == number) {
        return Ok(true);
    }
    for c in my_cases(s, actor).await? {
        if case_result(s, actor, c.id).await?.iter().any(|r| r.0 == number) {
            return Ok(true);
        }
    }
    Ok(false)
}
