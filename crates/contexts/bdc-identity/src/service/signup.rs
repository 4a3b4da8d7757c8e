//! Real-name sign-up (实名注册) and 实名认证 of an account signed up before real names were proven:
//! the one-time code, then the identity authority (公安 人证比对 of the person; for an enterprise
//! or institution its 法定代表人's check plus the credit code), then the account and its link to
//! the party, in one transaction.
//!
//! A public account is tied to one party (当事人) only through such a verification. The register
//! is never asked whether a name fits a number. One party, one verified account; an unverified
//! account naming the same party locks no one out.

use chrono::Utc;

use bdc_core::access::Realm;
use bdc_core::ids::{CitizenId, CreditCode};
use bdc_core::masking::mask_phone;
use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::register_api::{self, codes, limits};
use bdc_registry::Services;

use crate::store::accounts::{self, NewUser, UserRecord};
use crate::store::links;

/// Purpose of a one-time code: signing up.
pub const SIGN_UP: &str = codes::SIGN_UP;

/// Sends the sign-up code to `phone` (rate-limited per number and per address `client`).
#[tracing::instrument(name = "sign_up_code", skip_all)]
pub async fn send_code(s: &Services, phone: &str, client: &str) -> ServiceResult<()> {
    codes::send_code(s, phone, SIGN_UP, client).await
}

/// The kinds of public account (B2) and what they are called.
pub const ACCOUNT_KINDS: &[(&str, &str)] = &[("person", "个人"), ("enterprise", "企业"), ("institution", "机构（银行、开发企业、中介）"), ("agent", "代理人")];

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
    if let Err(ServiceError::Validation { message, .. }) = super::users::check_username(&f.username) {
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
    if !codes::phone_ok(f.phone.trim()) {
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
    if let Err(ServiceError::Validation { message, .. }) = super::verification::check_photo("photo", &f.photo) {
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
#[tracing::instrument(name = "sign_up", skip_all)]
pub async fn sign_up(s: &Services, f: SignUp, client: &str, audit: Option<bdc_core::AuditSlot>) -> ServiceResult<UserRecord> {
    limits::hit(s, limits::Kind::SignUp, Some(f.phone.trim()), client).await?;
    let errors = check_sign_up(&f);
    if !errors.is_empty() {
        return Err(first_error(errors));
    }
    super::verification::require_authority(s)?;
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
    // The one-time code (each try counted), before anything is asked of the authority.
    let code_id = codes::check_code(s, &bidx, SIGN_UP, &f.code).await?;
    // Real name, proven by the authority.
    let requested_by = format!("sign-up:{}", f.username.trim());
    let checked = if organisation {
        let rep_id = CitizenId::parse(f.representative_id.trim()).map_err(|e| ServiceError::field("bad_id_number", "representative_id", e.to_string()))?;
        super::verification::verify_enterprise(s, &id_number, name, f.representative_name.trim(), rep_id.as_str(), &f.photo, "sign_up", &requested_by).await?
    } else {
        super::verification::verify_person(s, name, &id_number, &f.photo, "sign_up", &requested_by).await?
    };
    if !checked.matched {
        // The try of the code this submission spent (counted when the code was checked) is
        // not given back: five failed checks and the code is gone.
        return Err(ServiceError::field("not_verified", "name", "实名核验未通过：请核对姓名（名称）、证件号码，并上传本人（法定代表人）清晰的正面照片"));
    }
    let hash = super::auth::hash_password(&f.password).await?;
    let mut tx = s.db.begin().await?;
    let party_kind = if organisation { "enterprise" } else { "person" };
    let party_id = register_api::registry::verified_party(s, &mut tx, party_kind, id_type, &id_number, name).await?;
    if links::party_has_account(&mut tx, party_id).await? {
        // Only the proven owner reaches this line: telling him is no oracle.
        return Err(ServiceError::field("already_registered", "id_number", "您已注册过线上苏小登实名账户，请直接登录（忘记密码可在登录页“忘记密码？”凭注册手机重置）"));
    }
    let roles = vec![f.kind.clone()];
    super::users::check_roles(&mut tx, Realm::Public, &roles).await?;
    let new = NewUser { realm: Realm::Public.as_str(), username: f.username.trim(), display_name: name, password_hash: &hash, roles: &roles };
    let user_id = match accounts::insert_user(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(bdc_db::StoreError::Unique(_)) => return Err(ServiceError::field("username_taken", "username", format!("用户名“{}”已被使用", f.username.trim()))),
        Err(e) => return Err(e.into()),
    };
    match links::insert_account(&mut tx, user_id, party_id, Some(checked.verification_id), &s.cipher().encrypt(phone), &bidx, &mask_phone(phone), now).await {
        Ok(()) => {}
        Err(bdc_db::StoreError::Unique(_)) => {
            return Err(ServiceError::field("already_registered", "id_number", "您已注册过线上苏小登实名账户，请直接登录（忘记密码可在登录页“忘记密码？”凭注册手机重置）"))
        }
        Err(e) => return Err(e.into()),
    }
    if !codes::use_code(&mut tx, code_id).await? {
        return Err(ServiceError::field("code_expired", "code", "验证码已使用，请重新获取"));
    }
    let user = accounts::get_user(&mut tx, user_id).await?.ok_or_else(|| ServiceError::NotFound("用户不存在".into()))?;
    let actor = Actor { user_id, username: user.username.clone(), display_name: user.display_name.clone(), realm: Realm::Public, roles, permissions: Default::default(), audit, ..Actor::console() };
    bdc_audit::commit(tx, &actor, "注册实名账户", &format!("公众账户 {user_id}，实名核验记录 {}", checked.verification_id)).await?;
    Ok(user)
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
    let Some((account, None)) = links::account_any(&mut conn, actor.user_id).await? else { return Ok(None) };
    let party = register_api::registry::get_party(&mut conn, account.party_id).await?.ok_or_else(|| ServiceError::NotFound("当事人不存在".into()))?;
    Ok(Some(party.id_type == "8"))
}

#[tracing::instrument(name = "verify_my_account", skip_all, fields(actor.id = actor.user_id))]
pub async fn verify_my_account(s: &Services, actor: &Actor, r: RealName) -> ServiceResult<()> {
    if actor.realm != Realm::Public {
        return Err(ServiceError::Forbidden("仅限公众账户".into()));
    }
    let mut conn = s.db.conn().await?;
    let (account, verified) = links::account_any(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::Forbidden("该账户未关联当事人，请重新注册实名账户".into()))?;
    if verified.is_some() {
        return Err(ServiceError::Conflict { code: "already_verified", message: "该账户已完成实名认证".into() });
    }
    let party = register_api::registry::get_party(&mut conn, account.party_id).await?.ok_or_else(|| ServiceError::NotFound("当事人不存在".into()))?;
    drop(conn);
    super::verification::check_photo("photo", &r.photo)?;
    super::verification::require_authority(s)?;
    limits::refuse_if_over(s, limits::Kind::IdentityCheck, &actor.username).await?;
    let id_number = s.cipher().decrypt(&party.id_number_enc).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let requested_by = format!("account:{}", actor.username);
    let checked = if party.id_type == "8" {
        let rep_id = CitizenId::parse(r.representative_id.trim()).map_err(|e| ServiceError::field("bad_id_number", "representative_id", format!("法定代表人身份证号：{e}")))?;
        if r.representative_name.trim().is_empty() {
            return Err(ServiceError::field("representative_name", "representative_name", "请填写法定代表人（负责人）姓名"));
        }
        super::verification::verify_enterprise(s, &id_number, &party.name, r.representative_name.trim(), rep_id.as_str(), &r.photo, "account", &requested_by).await?
    } else {
        super::verification::verify_person(s, &party.name, &id_number, &r.photo, "account", &requested_by).await?
    };
    if !checked.matched {
        limits::hit(s, limits::Kind::IdentityCheck, Some(&actor.username), "").await?;
        return Err(ServiceError::field("not_verified", "photo", "实名核验未通过：请上传本人（法定代表人）清晰的正面照片；姓名或证件号码有误的账户请重新注册"));
    }
    let mut tx = s.db.begin().await?;
    if links::party_has_account(&mut tx, party.id).await? {
        return Err(ServiceError::Conflict { code: "already_registered", message: "您已有经实名认证的线上苏小登账户，请使用该账户登录".into() });
    }
    match links::verify_account(&mut tx, actor.user_id, party.id, checked.verification_id).await {
        Ok(_) => {}
        Err(bdc_db::StoreError::Unique(_)) => {
            return Err(ServiceError::Conflict { code: "already_registered", message: "您已有经实名认证的线上苏小登账户，请使用该账户登录".into() })
        }
        Err(e) => return Err(e.into()),
    }
    bdc_audit::commit(tx, actor, "实名认证", &format!("公众账户 {}，实名核验记录 {}", actor.user_id, checked.verification_id)).await
}

/// Links public account `user_id` to `party_id` through the matched verification
/// `verification_id` (the demo's accounts, proven through the sandbox authority). Refused when
/// the verification did not match that party, or the party has a proven account already.
pub async fn link_proven(s: &Services, actor: &Actor, user_id: i64, party_id: i64, verification_id: i64, phone: &str) -> ServiceResult<()> {
    actor.require(bdc_core::access::Permission::UsersManage)?;
    let mut tx = s.db.begin().await?;
    let party = register_api::registry::get_party(&mut tx, party_id).await?.ok_or_else(|| ServiceError::NotFound("当事人不存在".into()))?;
    let proof = crate::store::verifications::get(&mut tx, verification_id).await?.ok_or_else(|| ServiceError::NotFound("实名核验记录不存在".into()))?;
    if proof.outcome != "match" || proof.id_number_bidx != party.id_number_bidx {
        return Err(ServiceError::validation("not_verified", "该核验记录未证明此当事人"));
    }
    if links::party_has_account(&mut tx, party_id).await? {
        return Err(ServiceError::Conflict { code: "already_registered", message: "该当事人已有经实名认证的账户".into() });
    }
    links::insert_account(&mut tx, user_id, party_id, Some(verification_id), &s.cipher().encrypt(phone), &s.cipher().blind_index(phone), &mask_phone(phone), Utc::now()).await?;
    bdc_audit::commit(tx, actor, "关联实名账户", &format!("公众账户 {user_id}，实名核验记录 {verification_id}")).await
}
