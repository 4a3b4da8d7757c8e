//! One-time codes by SMS (短信验证码): sent, checked and used up by the identity context's
//! sign-up and password reset as by the portal's confirmations of an application. Only the
//! code's hash is kept. A code is bound to its purpose: a sign-up code never resets a password.

use chrono::{Duration, Utc};
use rand::Rng;

use crate::store::codes;
use bdc_crypto::sm3_hex;

use crate::service::{ServiceError, ServiceResult, Services};

/// Purpose of a one-time code: signing up.
pub const SIGN_UP: &str = "sign_up";
/// Purpose of a one-time code: resetting a forgotten password (忘记密码), sent to the phone the
/// account was signed up with.
pub const PASSWORD_RESET: &str = "password_reset";
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
    crate::service::limits::hit(s, crate::service::limits::Kind::SmsCode, Some(phone), client).await?;
    deliver_code(s, phone, purpose).await
}

/// Makes and sends a one-time code for `purpose`, at most one a minute per number and purpose.
/// The caller has applied the rate limit that fits the purpose (sign-up: per number; an
/// application's confirmation: per account and application, see [`crate::service::limits::Kind`]).
pub async fn deliver_code(s: &Services, phone: &str, purpose: &str) -> ServiceResult<()> {
    let bidx = s.cipher().blind_index(phone);
    let now = Utc::now();
    let mut conn = s.db.conn().await?;
    if let Some(last) = codes::latest_code(&mut conn, &bidx, purpose).await? {
        let sent = bdc_db::parse_time(&last.created_at)?;
        if now - sent < Duration::seconds(CODE_RESEND_SECONDS) {
            return Err(ServiceError::field("code_too_soon", "phone", "验证码已发送，请 1 分钟后再试"));
        }
    }
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    codes::insert_code(&mut conn, &bidx, purpose, &code_hash(&bidx, &code), now + Duration::minutes(CODE_MINUTES), now).await?;
    drop(conn);
    let text = if purpose == PASSWORD_RESET {
        // Whoever did not ask for it learns that someone tries his account, and is told not to pass it on.
        format!("【线上苏小登】您正在重置登录密码，验证码为 {code}，{CODE_MINUTES} 分钟内有效。如非本人操作，请勿将验证码告知他人。")
    } else {
        format!("【线上苏小登】您的验证码为 {code}，{CODE_MINUTES} 分钟内有效。如非本人操作，请忽略本短信。")
    };
    s.sms.send(phone, &text).await.map_err(|e| ServiceError::Internal(Box::new(e)))
}

/// Checks `code` against the latest unused code sent to the number with blind index `phone_bidx`
/// for `purpose`, and returns the stored code's id for the caller to use it up
/// ([`crate::store::codes::use_code`]) in the transaction of what the code allows.
///
/// The try is counted *before* the code is compared, in one statement on its own connection
/// ([`codes::count_attempt`]), so the count stays when the caller's change fails and parallel
/// tries cannot outrun it: after [`CODE_ATTEMPTS`] tries (right or wrong) the code is spent and
/// even the right one is refused. The errors are field errors on `code`: `no_code`,
/// `code_expired` (expired, used, or out of tries) and `wrong_code`.
pub async fn check_code(s: &Services, phone_bidx: &str, purpose: &str, code: &str) -> ServiceResult<i64> {
    let mut conn = s.db.conn().await?;
    let stored = codes::latest_code(&mut conn, phone_bidx, purpose).await?.ok_or_else(|| ServiceError::field("no_code", "code", "请先获取短信验证码"))?;
    if codes::count_attempt(&mut conn, stored.id, CODE_ATTEMPTS, Utc::now()).await?.is_none() {
        return Err(ServiceError::field("code_expired", "code", "验证码已失效，请重新获取"));
    }
    if stored.code_hash != code_hash(phone_bidx, code.trim()) {
        return Err(ServiceError::field("wrong_code", "code", "验证码错误"));
    }
    Ok(stored.id)
}
