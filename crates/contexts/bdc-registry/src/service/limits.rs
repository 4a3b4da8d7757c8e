//! Rate limits (频率限制) on the doors an attacker knocks on: login, one-time SMS codes
//! (短信验证码), sign-up, password change, 证书真伪查询 and the other public queries, and the
//! codes and wrong codes of 共同申请确认.
//!
//! Each kind of request is counted twice in a fixed window — per account (the user name, phone
//! number or user id it is about) and per source address — and refused with
//! [`ServiceError::RateLimited`] (HTTP 429 with `Retry-After`) once either count passes its
//! limit. The counters are rows in the database ([`crate::store::limits`]), so several server
//! instances share them and a restart does not reset them. The lock-out
//! ([`bdc_core::password::locked_until`]) still guards each account's password; these limits
//! stop one address from trying many accounts and one account from being flooded with codes.
//!
//! Keys are stored as SM3 digests: the counter table holds no phone number or address in clear.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Deserialize;

use bdc_crypto::sm3_hex;

use crate::service::{ServiceError, ServiceResult, Services};

/// One limit: how many requests per account and per source address one window admits
/// (0 = no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub per_account: u32,
    pub per_address: u32,
}

/// A limit as written in the settings file: what is left out keeps its default.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitFile {
    per_account: Option<u32>,
    per_address: Option<u32>,
}

/// `[rate_limits]` as written in the settings file.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitsFile {
    window_seconds: Option<u32>,
    login: Option<LimitFile>,
    sms_code: Option<LimitFile>,
    sign_up: Option<LimitFile>,
    password_change: Option<LimitFile>,
    certificate_check: Option<LimitFile>,
    public_query: Option<LimitFile>,
    identity_check: Option<LimitFile>,
    confirmation_code: Option<LimitFile>,
    code_guess: Option<LimitFile>,
}

impl From<RateLimitsFile> for RateLimits {
    fn from(f: RateLimitsFile) -> Self {
        let d = RateLimits::default();
        let merge = |over: Option<LimitFile>, base: Limit| {
            let over = over.unwrap_or_default();
            Limit { per_account: over.per_account.unwrap_or(base.per_account), per_address: over.per_address.unwrap_or(base.per_address) }
        };
        RateLimits {
            window_seconds: f.window_seconds.unwrap_or(d.window_seconds),
            login: merge(f.login, d.login),
            sms_code: merge(f.sms_code, d.sms_code),
            sign_up: merge(f.sign_up, d.sign_up),
            password_change: merge(f.password_change, d.password_change),
            certificate_check: merge(f.certificate_check, d.certificate_check),
            public_query: merge(f.public_query, d.public_query),
            identity_check: merge(f.identity_check, d.identity_check),
            confirmation_code: merge(f.confirmation_code, d.confirmation_code),
            code_guess: merge(f.code_guess, d.code_guess),
        }
    }
}

impl Limit {
    pub const fn new(per_account: u32, per_address: u32) -> Self {
        Limit { per_account, per_address }
    }
}

/// The limits of every kind, and the window they count in (设置项 `[rate_limits]`).
///
/// The defaults leave room for a busy counter hall behind one address (many clerks, one NAT)
/// and for the test suites, while stopping scripted guessing: 10 minutes, login 20 per account
/// and 300 per address, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(from = "RateLimitsFile")]
pub struct RateLimits {
    /// Length of a window in seconds.
    pub window_seconds: u32,
    pub login: Limit,
    pub sms_code: Limit,
    pub sign_up: Limit,
    pub password_change: Limit,
    pub certificate_check: Limit,
    pub public_query: Limit,
    /// Failed identity checks of a named party (a name that does not match the ID number, or an
    /// ID the register does not know): few are honest mistakes, many are guessing.
    pub identity_check: Limit,
    /// One-time codes for confirming an online application (共同申请确认), counted per account
    /// *and application*, and per address: a bank or developer confirms many customers'
    /// applications a day, each with its own code, so one account-wide count like
    /// [`RateLimits::sms_code`] would stop honest work; per application it still stops flooding.
    pub confirmation_code: Limit,
    /// Wrong one-time codes per account (`per_account`; `per_address` is unused), over all its
    /// applications: each code allows 5 tries, but a stolen session could otherwise spread
    /// guesses over many applications. Once used up, every confirmation is refused alike.
    pub code_guess: Limit,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            window_seconds: 600,
            login: Limit::new(20, 300),
            sms_code: Limit::new(5, 50),
            sign_up: Limit::new(10, 50),
            password_change: Limit::new(10, 100),
            certificate_check: Limit::new(100, 300),
            public_query: Limit::new(200, 600),
            identity_check: Limit::new(10, 30),
            confirmation_code: Limit::new(5, 300),
            code_guess: Limit::new(10, 0),
        }
    }
}

impl RateLimits {
    /// No limits at all (load tests that hammer one account from one address).
    pub fn unlimited() -> Self {
        let none = Limit::new(0, 0);
        RateLimits {
            login: none,
            sms_code: none,
            sign_up: none,
            password_change: none,
            certificate_check: none,
            public_query: none,
            identity_check: none,
            confirmation_code: none,
            code_guess: none,
            ..RateLimits::default()
        }
    }

    /// Whether the settings make sense; a Chinese reason when not.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=86_400).contains(&self.window_seconds) {
            return Err("rate_limits.window_seconds 须在 1–86400 之间".into());
        }
        Ok(())
    }

    fn of(&self, kind: Kind) -> Limit {
        match kind {
            Kind::Login => self.login,
            Kind::SmsCode => self.sms_code,
            Kind::SignUp => self.sign_up,
            Kind::PasswordChange => self.password_change,
            Kind::CertificateCheck => self.certificate_check,
            Kind::PublicQuery => self.public_query,
            Kind::IdentityCheck => self.identity_check,
            Kind::ConfirmationCode => self.confirmation_code,
            Kind::CodeGuess => self.code_guess,
        }
    }
}

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 登录.
    Login,
    /// 短信验证码.
    SmsCode,
    /// 注册.
    SignUp,
    /// 修改密码.
    PasswordChange,
    /// 证书真伪查询.
    CertificateCheck,
    /// 档案查询、利害关系人查询 and the other public queries.
    PublicQuery,
    /// 身份核验未通过 — a failed check of a named party's name against its ID number.
    IdentityCheck,
    /// 共同申请确认验证码 — a one-time code to confirm one online application.
    ConfirmationCode,
    /// 验证码错误 — a wrong one-time code given to confirm an application.
    CodeGuess,
}

impl Kind {
    const fn code(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::SmsCode => "sms_code",
            Kind::SignUp => "sign_up",
            Kind::PasswordChange => "password_change",
            Kind::CertificateCheck => "certificate_check",
            Kind::PublicQuery => "public_query",
            Kind::IdentityCheck => "identity_check",
            Kind::ConfirmationCode => "confirmation_code",
            Kind::CodeGuess => "code_guess",
        }
    }
}

/// The window containing `now`: its start and its end.
fn window(now: DateTime<Utc>, seconds: u32) -> (DateTime<Utc>, DateTime<Utc>) {
    let len = i64::from(seconds.max(1));
    let start = now.timestamp().div_euclid(len) * len;
    let start = Utc.timestamp_opt(start, 0).single().unwrap_or(now);
    (start, start + Duration::seconds(len))
}

/// Refuses (429) when `account` has already used up its limit of `kind` in this window,
/// without counting anything: for limits that count only failures, so that once over, every
/// attempt is refused alike and success cannot be told from failure.
pub async fn refuse_if_over(s: &Services, kind: Kind, account: &str) -> ServiceResult<()> {
    let limits = s.security.rate_limits;
    let max = limits.of(kind).per_account;
    if max == 0 || account.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let (start, end) = window(now, limits.window_seconds);
    let bucket = format!("{}:account:{}", kind.code(), &sm3_hex(account.as_bytes())[..32]);
    let mut conn = s.db.conn().await?;
    if crate::store::limits::hits(&mut conn, &bucket, start).await? >= i64::from(max) {
        let retry_after = u64::try_from((end - now).num_seconds().max(1)).unwrap_or(1);
        return Err(ServiceError::RateLimited { retry_after });
    }
    Ok(())
}

/// Counts one request of `kind` for `account` (when known) and from `address` (when known),
/// and refuses it when either has passed its limit in the current window.
pub async fn hit(s: &Services, kind: Kind, account: Option<&str>, address: &str) -> ServiceResult<()> {
    let limits = s.security.rate_limits;
    let limit = limits.of(kind);
    let now = Utc::now();
    let (start, end) = window(now, limits.window_seconds);
    let mut conn = s.db.conn().await?;
    let mut over = false;
    for (scope, key, max) in [("account", account.unwrap_or(""), limit.per_account), ("address", address, limit.per_address)] {
        if max == 0 || key.is_empty() {
            continue;
        }
        let bucket = format!("{}:{scope}:{}", kind.code(), &sm3_hex(key.as_bytes())[..32]);
        let hits = crate::store::limits::hit(&mut conn, &bucket, start).await?;
        over |= hits > i64::from(max);
    }
    // Old windows go now and then, so the table stays small without a job of its own.
    if rand::random::<u8>() == 0 {
        crate::store::limits::purge(&mut conn, start - Duration::days(1)).await?;
    }
    if over {
        let retry_after = u64::try_from((end - now).num_seconds().max(1)).unwrap_or(1);
        return Err(ServiceError::RateLimited { retry_after });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_and_contain_now() {
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 1, 7, 30).unwrap();
        let (start, end) = window(now, 600);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 2, 1, 0, 0).unwrap());
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 12, 2, 1, 10, 0).unwrap());
    }

    #[test]
    fn settings_read_from_toml_with_defaults() {
        let l: RateLimits = serde_json::from_str(r#"{"login": {"per_account": 3}}"#).unwrap();
        assert_eq!(l.login, Limit::new(3, 300), "what is left out keeps its default");
        assert_eq!(l.sms_code, RateLimits::default().sms_code);
        assert!(serde_json::from_str::<RateLimits>(r#"{"logn": {}}"#).is_err(), "typos are errors");
        assert!(serde_json::from_str::<RateLimits>(r#"{"login": {"per_acount": 1}}"#).is_err(), "typos are errors");
        assert!(RateLimits { window_seconds: 0, ..RateLimits::default() }.check().is_err());
    }
}
