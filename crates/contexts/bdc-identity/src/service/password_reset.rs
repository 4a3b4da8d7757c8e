//! 忘记密码 — a public account resets a forgotten password with a one-time code sent to the
//! phone it was signed up with (the sealed phone of its real-name link, `portal_accounts`).
//!
//! Neither step tells whether an account exists: asking for a code answers the same for an
//! unknown user name, a staff account (staff passwords are reset by an administrator), an
//! account without a phone and a user name or number past its limit ([`send_reset_code`] says
//! nothing, it only sends or does not); a wrong, expired, spent or never-sent code, and an
//! account that does not exist, all answer one field error on the code ([`reset_password`]).
//! Only a source address that floods is told so (429): that says nothing about any account.
//!
//! The code has a purpose of its own ([`codes::PASSWORD_RESET`]), so a sign-up code cannot reset a
//! password, and it is checked by the register's [`codes::check_code`] (5 tries counted before
//! each comparison). The new password, the cleared lock-out, the end of every session and the
//! audit entry (重置密码) are one transaction.

use chrono::Utc;

use bdc_core::access::Realm;
use bdc_core::{Actor, AuditSlot, ServiceError, ServiceResult};
use bdc_registry::register_api::{codes, limits};
use bdc_registry::Services;

use crate::store::accounts::{self, UserRecord};
use crate::store::links;

/// The one answer to a request for a code, whatever happened (发送结果).
pub const CODE_SENT: &str = "如该账户存在且绑定了手机，验证码已发送至其绑定的手机";

/// The one refusal of a code, whatever was wrong with it or the account.
const CODE_REFUSED: &str = "验证码错误或已失效，请重新获取";

/// A filled-in reset form (重置密码).
#[derive(Debug, Clone, Default)]
pub struct PasswordReset {
    pub username: String,
    pub code: String,
    pub password: String,
    pub password_again: String,
}

/// The per-user-name key of the reset's rate limits (case-insensitive, as a login's).
fn reset_key(username: &str) -> String {
    format!("password_reset:{}", username.trim().to_lowercase())
}

fn check_username(username: &str) -> ServiceResult<()> {
    let u = username.trim();
    if u.is_empty() {
        return Err(ServiceError::field("no_username", "username", "请填写用户名"));
    }
    if u.chars().count() > 64 || bdc_core::text::check(u).is_err() {
        return Err(ServiceError::field("bad_username", "username", "用户名不正确"));
    }
    Ok(())
}

/// The public, active account of `username` and the phone it was signed up with, if both exist.
async fn account_with_phone(s: &Services, username: &str) -> ServiceResult<Option<(UserRecord, String)>> {
    let mut conn = s.db.conn().await?;
    let Some(user) = accounts::find_user(&mut conn, Realm::Public.as_str(), username).await? else { return Ok(None) };
    if user.status != "active" {
        return Ok(None);
    }
    let Some(sealed) = links::sealed_phone(&mut conn, user.id).await? else { return Ok(None) };
    let phone = s.cipher().decrypt(&sealed).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    Ok(Some((user, phone)))
}

/// Sends a reset code to the phone of public account `username`, if there is one, and answers
/// the same in every case but two: an empty user name (a field error) and a source address
/// `client` past its limit of codes (429). The limits per user name and per phone number (the
/// latter shared with sign-up's codes) and the once-a-minute rule only keep the SMS from going.
#[tracing::instrument(name = "password_reset_code", skip_all)]
pub async fn send_reset_code(s: &Services, username: &str, client: &str) -> ServiceResult<()> {
    check_username(username)?;
    limits::hit(s, limits::Kind::SmsCode, None, client).await?;
    let silent = |r: ServiceResult<()>| match r {
        Ok(()) => Ok(true),
        Err(ServiceError::RateLimited { .. } | ServiceError::Validation { .. }) => Ok(false),
        Err(e) => Err(e),
    };
    if !silent(limits::hit(s, limits::Kind::SmsCode, Some(&reset_key(username)), "").await)? {
        return Ok(());
    }
    let Some((user, phone)) = account_with_phone(s, username.trim()).await? else { return Ok(()) };
    if !silent(limits::hit(s, limits::Kind::SmsCode, Some(&phone), "").await)? {
        return Ok(());
    }
    match codes::deliver_code(s, &phone, codes::PASSWORD_RESET).await {
        // Sent, or not again within the minute: the same answer.
        Ok(()) | Err(ServiceError::Validation { .. }) => Ok(()),
        Err(e) => {
            // An SMS gateway down must not tell an existing account from an unknown one.
            tracing::warn!(user.id = user.id, error = %e.cause(), "password reset code not sent");
            Ok(())
        }
    }
}

/// Every problem of a reset form that does not depend on the account, by field, so a page can
/// show each beside its field (none tells whether the account exists).
pub fn check_reset(f: &PasswordReset) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    if let Err(ServiceError::Validation { message, .. }) = check_username(&f.username) {
        errors.push(("username", message));
    }
    let code = f.code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(("code", "请输入短信中的 6 位验证码".to_owned()));
    }
    if f.password.is_empty() {
        errors.push(("password", "请填写新密码".to_owned()));
    } else if let Err(e) = bdc_core::password::check_password(f.username.trim(), &f.password) {
        errors.push(("password", e.to_string()));
    } else if f.password != f.password_again {
        errors.push(("password_again", "两次输入的新密码不一致".to_owned()));
    }
    errors
}

/// Sets a new password for public account `f.username` with the reset code sent to its phone:
/// the form's checks, then the code, then — in one transaction — the new password hash with
/// the lock-out and failure count cleared, every session of the user ended, and the audit entry.
/// Rate-limited per user name and per address `client` (as a password change), and wrong codes
/// per user name (as a confirmation's), whether or not the account exists.
#[tracing::instrument(name = "password_reset", skip_all)]
pub async fn reset_password(s: &Services, f: &PasswordReset, client: &str, audit: Option<AuditSlot>) -> ServiceResult<()> {
    if let Some((field, message)) = check_reset(f).into_iter().next() {
        return Err(ServiceError::field("invalid_reset", field, message));
    }
    let key = reset_key(&f.username);
    limits::hit(s, limits::Kind::PasswordChange, Some(&key), client).await?;
    limits::refuse_if_over(s, limits::Kind::CodeGuess, &key).await?;
    let refused = || ServiceError::field("code_refused", "code", CODE_REFUSED);
    let checked = match account_with_phone(s, f.username.trim()).await? {
        Some((user, phone)) => codes::check_code(s, &s.cipher().blind_index(&phone), codes::PASSWORD_RESET, &f.code).await.map(|code_id| (user, code_id)),
        None => Err(refused()),
    };
    let (user, code_id) = match checked {
        Ok(found) => found,
        Err(ServiceError::Validation { .. }) => {
            limits::hit(s, limits::Kind::CodeGuess, Some(&key), "").await?;
            return Err(refused());
        }
        Err(e) => return Err(e),
    };
    let hash = super::auth::hash_password(&f.password).await?;
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    if !codes::use_code(&mut tx, code_id).await? {
        // Two submissions of one code: the other one won.
        return Err(refused());
    }
    accounts::set_password(&mut tx, user.id, &hash, now).await?;
    let ended = accounts::revoke_user_sessions(&mut tx, user.id, now).await?;
    let realm = Realm::Public;
    let actor = Actor {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        realm,
        roles: user.roles.clone(),
        permissions: Default::default(),
        audit,
        ..Actor::console()
    };
    bdc_audit::commit(tx, &actor, "重置密码", &format!("公众账户 {}，短信验证码核验通过，结束会话 {ended} 个", user.id)).await
}
