//! 线上苏小登 — the public portal's use cases (B2, B4): real-name sign-up with a one-time code,
//! online applications for the catalogue flows open to the user's channel, progress, and the
//! user's own certificates.
//!
//! A public account is tied to one party (当事人) only through a real-name verification by the
//! identity authority ([`crate::identity`]): 公安 人证比对 of the person (name, 公民身份号码,
//! live photo), or for an enterprise or institution its 法定代表人's check plus the registry's
//! record of the credit code. The register is never asked whether a name fits a number. One
//! party, one verified account; an unverified account naming the same party locks no one out.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use bdc_core::access::Realm;
use bdc_core::ids::{CitizenId, CreditCode};
use bdc_core::masking::mask_phone;
use bdc_crypto::sm3_hex;
use bdc_domain::catalogue::{self, Channel, Flow};
use bdc_store::accounts::{self, NewUser, UserRecord};
use bdc_store::cases::CaseRecord;
use bdc_store::{portal, registry};

use crate::{Actor, ServiceError, ServiceResult, Services};

/// Purpose of a one-time code: signing up.
pub const SIGN_UP: &str = "sign_up";
const CODE_MINUTES: i64 = 10;
const CODE_RESEND_SECONDS: i64 = 60;
pub(crate) const CODE_ATTEMPTS: i64 = 5;

/// The kinds of public account (B2) and what they are called.
pub const ACCOUNT_KINDS: &[(&str, &str)] = &[("person", "个人"), ("enterprise", "企业"), ("institution", "机构（银行、开发企业、中介）"), ("agent", "代理人")];

fn phone_ok(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit()) && !phone.starts_with("10") && !phone.starts_with("11") && !phone.starts_with("12")
}

pub(crate) fn code_hash(phone_bidx: &str, code: &str) -> String {
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
pub(crate) async fn deliver_code(s: &Services, phone: &str, purpose: &str) -> ServiceResult<()> {
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

/// A sign-up form (注册).
#[derive(Debug, Clone, Default)]
pub struct SignUp {
    /// person, enterprise, institution or agent.
    pub kind: String,
    pub username: String,
    pub password: String,
    pub password_again: String,
    /// 姓名 or 单位名称.
    pub name: String,
    /// 身份证号 (person, agent) or 统一社会信用代码 (enterprise, institution).
    pub id_number: String,
    pub phone: String,
    pub code: String,
    /// The live photo for 人证比对: the applicant's own (person, agent) or the 法定代表人's.
    pub photo: Vec<u8>,
    /// Enterprise and institution: 法定代表人（负责人）姓名 and 身份证号.
    pub representative_name: String,
    pub representative_id: String,
}

/// Every problem of a sign-up form, by field, so a page can show each beside its field.
pub fn check_sign_up(f: &SignUp) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    if !ACCOUNT_KINDS.iter().any(|(k, _)| *k == f.kind) {
        errors.push(("kind", "请选择账户类型".to_owned()));
    }
    if let Err(ServiceError::Validation { message, .. }) = crate::users::check_username(&f.username) {
        errors.push(("username", message));
    }
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        errors.push(("name", "请填写姓名或单位名称（不超过 64 个字）".to_owned()));
    }
    let organisation = matches!(f.kind.as_str(), "enterprise" | "institution");
    let id = f.id_number.trim();
    if id.is_empty() {
        errors.push(("id_number", if organisation { "请填写统一社会信用代码" } else { "请填写身份证号" }.to_owned()));
    } else if organisation {
        if let Err(e) = CreditCode::parse(id) {
            errors.push(("id_number", e.to_string()));
        }
    } else if let Err(e) = CitizenId::parse(id) {
        errors.push(("id_number", e.to_string()));
    }
    if let Err(e) = bdc_core::password::check_password(&f.username, &f.password) {
        errors.push(("password", e.to_string()));
    } else if f.password != f.password_again {
        errors.push(("password_again", "两次输入的密码不一致".to_owned()));
    }
    if !phone_ok(f.phone.trim()) {
        errors.push(("phone", "请输入 11 位手机号码".to_owned()));
    }
    if f.code.trim().len() != 6 || !f.code.trim().bytes().all(|b| b.is_ascii_digit()) {
        errors.push(("code", "请输入短信中的 6 位验证码".to_owned()));
    }
    if organisation {
        let rep = f.representative_name.trim();
        if rep.is_empty() || rep.chars().count() > 32 || bdc_core::text::check(rep).is_err() {
            errors.push(("representative_name", "请填写法定代表人（负责人）姓名".to_owned()));
        }
        if let Err(e) = CitizenId::parse(f.representative_id.trim()) {
            errors.push(("representative_id", format!("法定代表人身份证号：{e}")));
        }
    }
    if let Err(ServiceError::Validation { message, .. }) = crate::identity::check_photo("photo", &f.photo) {
        errors.push(("photo", message));
    }
    errors
}

fn first_error(errors: Vec<(&'static str, String)>) -> ServiceError {
    let (field, message) = errors.into_iter().next().unwrap_or(("form", "表单有误".into()));
    ServiceError::field("invalid_sign_up", field, message)
}

/// Creates a public account tied to its party, after the form checks, the one-time code and
/// the real-name verification by the identity authority. Returns the new user. Rate-limited per
/// phone number and per address `client`, as the code and the verification are what a script
/// would probe.
///
/// A failed verification says only that it failed (never whether the name or the number or the
/// photo was wrong) and uses up a try of the one-time code, so it cannot be repeated against a
/// known ID number. A matched one links the account to the party bearing the number, recorded now
/// if the register does not know it: the authority has proven that the person exists.
pub async fn sign_up(s: &Services, f: SignUp, client: &str, audit: Option<bdc_core::AuditSlot>) -> ServiceResult<UserRecord> {
    crate::limits::hit(s, crate::limits::Kind::SignUp, Some(f.phone.trim()), client).await?;
    let errors = check_sign_up(&f);
    if !errors.is_empty() {
        return Err(first_error(errors));
    }
    crate::identity::require_authority(s)?;
    let phone = f.phone.trim();
    let bidx = s.cipher().blind_index(phone);
    let organisation = matches!(f.kind.as_str(), "enterprise" | "institution");
    let (id_type, id_number) = if organisation {
        ("8", CreditCode::parse(f.id_number.trim()).map_err(|e| ServiceError::field("bad_id_number", "id_number", e.to_string()))?.as_str().to_owned())
    } else {
        ("1", CitizenId::parse(f.id_number.trim()).map_err(|e| ServiceError::field("bad_id_number", "id_number", e.to_string()))?.as_str().to_owned())
    };
    let name = f.name.trim();
    let now = Utc::now();
    // The one-time code, before anything is asked of the authority.
    let code = {
        let mut conn = s.db.conn().await?;
        let code = portal::latest_code(&mut conn, &bidx, SIGN_UP).await?.ok_or_else(|| ServiceError::field("no_code", "code", "请先获取短信验证码"))?;
        let expired = bdc_db::parse_time(&code.expires_at).map(|t: DateTime<Utc>| t < now).unwrap_or(true);
        if expired || code.attempts >= CODE_ATTEMPTS {
            return Err(ServiceError::field("code_expired", "code", "验证码已失效，请重新获取"));
        }
        if code.code_hash != code_hash(&bidx, f.code.trim()) {
            portal::code_attempted(&mut conn, code.id).await?;
            return Err(ServiceError::field("wrong_code", "code", "验证码错误"));
        }
        code
    };
    // Real name, proven by the authority.
    let requested_by = format!("sign-up:{}", f.username.trim());
    let checked = if organisation {
        let rep_id = CitizenId::parse(f.representative_id.trim()).map_err(|e| ServiceError::field("bad_id_number", "representative_id", e.to_string()))?;
        crate::identity::verify_enterprise(s, &id_number, name, f.representative_name.trim(), rep_id.as_str(), &f.photo, "sign_up", &requested_by).await?
    } else {
        crate::identity::verify_person(s, name, &id_number, &f.photo, "sign_up", &requested_by).await?
    };
    if !checked.matched {
        let mut conn = s.db.conn().await?;
        portal::code_attempted(&mut conn, code.id).await?;
        return Err(ServiceError::field("not_verified", "name", "实名核验未通过：请核对姓名（名称）、证件号码，并上传本人（法定代表人）清晰的正面照片"));
    }
    let hash = crate::auth::hash_password(&f.password).await?;
    let mut tx = s.db.begin().await?;
    let party_kind = if organisation { "enterprise" } else { "person" };
    let party_id = crate::registry::verified_party(s, &mut tx, party_kind, id_type, &id_number, name).await?;
    if portal::party_has_account(&mut tx, party_id).await? {
        // Only the proven owner reaches this line: telling him is no oracle.
        return Err(ServiceError::field("already_registered", "id_number", "您已注册过线上苏小登实名账户，请直接登录（忘记密码请到登记窗口办理）"));
    }
    let roles = vec![f.kind.clone()];
    crate::users::check_roles(&mut tx, Realm::Public, &roles).await?;
    let new = NewUser { realm: Realm::Public.as_str(), username: f.username.trim(), display_name: name, password_hash: &hash, roles: &roles };
    let user_id = match accounts::insert_user(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(bdc_db::StoreError::Unique(_)) => return Err(ServiceError::field("username_taken", "username", format!("用户名“{}”已被使用", f.username.trim()))),
        Err(e) => return Err(e.into()),
    };
    match portal::insert_account(&mut tx, user_id, party_id, Some(checked.verification_id), &s.cipher().encrypt(phone), &bidx, &mask_phone(phone), now).await {
        Ok(()) => {}
        Err(bdc_db::StoreError::Unique(_)) => return Err(ServiceError::field("already_registered", "id_number", "您已注册过线上苏小登实名账户，请直接登录（忘记密码请到登记窗口办理）")),
        Err(e) => return Err(e.into()),
    }
    if !portal::use_code(&mut tx, code.id).await? {
        return Err(ServiceError::field("code_expired", "code", "验证码已使用，请重新获取"));
    }
    let user = accounts::get_user(&mut tx, user_id).await?.ok_or_else(|| ServiceError::NotFound("用户不存在".into()))?;
    let actor = Actor { user_id, username: user.username.clone(), display_name: user.display_name.clone(), realm: Realm::Public, roles, permissions: Default::default(), audit, ..Actor::console() };
    bdc_audit::commit(tx, &actor, "注册实名账户", &format!("公众账户 {user_id}，实名核验记录 {}", checked.verification_id)).await?;
    Ok(user)
}

/// The public user's account link; an error for staff or accounts without one.
pub async fn account_of(s: &Services, actor: &Actor) -> ServiceResult<portal::PortalAccount> {
    if actor.realm != Realm::Public {
        return Err(ServiceError::Forbidden("仅限公众账户".into()));
    }
    let mut conn = s.db.conn().await?;
    portal::account(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::Forbidden("该账户尚未完成实名认证".into()))
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

/// 实名认证 of an account already signed up whose link to its party was never proven (linked by
/// a register lookup, before real-name was proven by the authority): the party's own name and ID
/// number, with a live photo of the person (or, for an organisation, its 法定代表人), go to the
/// authority. A match proves the link; a failure says one sentence and counts against the
/// account's identity-check limit. If another account has already been proven for the party,
/// this one stays unverified.
#[derive(Debug, Clone, Default)]
pub struct RealName {
    pub photo: Vec<u8>,
    pub representative_name: String,
    pub representative_id: String,
}

/// Whether the account still needs 实名认证: `Some(organisation?)` for a linked, unverified
/// account; `None` when it is verified or has no link at all.
pub async fn needs_real_name(s: &Services, actor: &Actor) -> ServiceResult<Option<bool>> {
    if actor.realm != Realm::Public {
        return Ok(None);
    }
    let mut conn = s.db.conn().await?;
    let Some((account, None)) = portal::account_any(&mut conn, actor.user_id).await? else { return Ok(None) };
    let party = registry::get_party(&mut conn, account.party_id).await?.ok_or_else(|| ServiceError::NotFound("当事人不存在".into()))?;
    Ok(Some(party.id_type == "8"))
}

pub async fn verify_my_account(s: &Services, actor: &Actor, r: RealName) -> ServiceResult<()> {
    if actor.realm != Realm::Public {
        return Err(ServiceError::Forbidden("仅限公众账户".into()));
    }
    let mut conn = s.db.conn().await?;
    let (account, verified) = portal::account_any(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::Forbidden("该账户未关联当事人，请重新注册实名账户".into()))?;
    if verified.is_some() {
        return Err(ServiceError::Conflict { code: "already_verified", message: "该账户已完成实名认证".into() });
    }
    let party = registry::get_party(&mut conn, account.party_id).await?.ok_or_else(|| ServiceError::NotFound("当事人不存在".into()))?;
    drop(conn);
    crate::identity::check_photo("photo", &r.photo)?;
    crate::identity::require_authority(s)?;
    crate::limits::refuse_if_over(s, crate::limits::Kind::IdentityCheck, &actor.username).await?;
    let id_number = s.cipher().decrypt(&party.id_number_enc).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let requested_by = format!("account:{}", actor.username);
    let checked = if party.id_type == "8" {
        let rep_id = CitizenId::parse(r.representative_id.trim()).map_err(|e| ServiceError::field("bad_id_number", "representative_id", format!("法定代表人身份证号：{e}")))?;
        if r.representative_name.trim().is_empty() {
            return Err(ServiceError::field("representative_name", "representative_name", "请填写法定代表人（负责人）姓名"));
        }
        crate::identity::verify_enterprise(s, &id_number, &party.name, r.representative_name.trim(), rep_id.as_str(), &r.photo, "account", &requested_by).await?
    } else {
        crate::identity::verify_person(s, &party.name, &id_number, &r.photo, "account", &requested_by).await?
    };
    if !checked.matched {
        crate::limits::hit(s, crate::limits::Kind::IdentityCheck, Some(&actor.username), "").await?;
        return Err(ServiceError::field("not_verified", "photo", "实名核验未通过：请上传本人（法定代表人）清晰的正面照片；姓名或证件号码有误的账户请重新注册"));
    }
    let mut tx = s.db.begin().await?;
    if portal::party_has_account(&mut tx, party.id).await? {
        return Err(ServiceError::Conflict { code: "already_registered", message: "您已有经实名认证的线上苏小登账户，请使用该账户登录".into() });
    }
    match portal::verify_account(&mut tx, actor.user_id, party.id, checked.verification_id).await {
        Ok(_) => {}
        Err(bdc_db::StoreError::Unique(_)) => {
            return Err(ServiceError::Conflict { code: "already_registered", message: "您已有经实名认证的线上苏小登账户，请使用该账户登录".into() })
        }
        Err(e) => return Err(e.into()),
    }
    bdc_audit::commit(tx, actor, "实名认证", &format!("公众账户 {}，实名核验记录 {}", actor.user_id, checked.verification_id)).await
}
