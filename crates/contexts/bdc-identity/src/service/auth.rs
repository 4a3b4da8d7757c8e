//! Login, sessions and API tokens (登录与会话).
//!
//! A session token is 32 random bytes; only its SM3 hash is stored, so a copy of the database
//! does not let anyone log in. Browser sessions slide (idle timeout) and carry a CSRF token;
//! bearer tokens for API clients have a fixed lifetime. Failed logins count towards a lock-out
//! with back-off ([`bdc_core::password::locked_until`]).
//!
//! Every password check — login, and the old password of a password change — is counted
//! *before* the slow Argon2 check runs ([`reserve_attempt`]): the count goes up by one in the
//! database and the lock that a failure would earn is set in the same transaction, and only then
//! is the password compared. Parallel guesses therefore cannot all be checked against the
//! count they read before any of them failed; once the free attempts are taken, the rest are
//! refused as locked without being checked. A right password clears the count again.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};

use bdc_core::access::{Permission, Realm};
use bdc_core::password;
use bdc_crypto::{random_hex, sm3_hex};
use bdc_registry::register_api::limits;
use bdc_registry::Services;

use crate::store::accounts::{self, NewSession, UserRecord};

use bdc_core::{Actor, AuthVia, ServiceError, ServiceResult};

pub use bdc_core::ClientInfo;

/// What the client wants from a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    Bearer,
}

impl SessionKind {
    const fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::Bearer => "bearer",
        }
    }
}

/// A new session: the token is shown to the client once and never stored.
#[derive(Debug, Clone)]
pub struct NewLogin {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub actor: Actor,
}

/// Hashes a password with Argon2id (default parameters) on a blocking thread.
pub async fn hash_password(password: &str) -> ServiceResult<String> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(pw.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| ServiceError::Internal(Box::new(e)))?
    .map_err(|e| ServiceError::Internal(e.to_string().into()))
}

async fn verify_password(password: &str, hash: &str) -> bool {
    let (pw, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())).await.unwrap_or(false)
}

/// Checks user name and password and opens a session. Every outcome is for the caller to audit;
/// the error messages do not reveal whether the user name exists.
#[tracing::instrument(name = "login", skip_all, fields(realm = ?realm))]
pub async fn login(s: &Services, realm: Realm, username: &str, password_text: &str, kind: SessionKind, client: &ClientInfo) -> ServiceResult<NewLogin> {
    let wrong = || ServiceError::Unauthenticated("用户名或密码错误".into());
    limits::hit(s, limits::Kind::Login, Some(&format!("{}:{}", realm.as_str(), username.to_lowercase())), &client.addr).await?;
    let now = Utc::now();
    let mut conn = s.db.conn().await?;
    let Some(user) = accounts::find_user(&mut conn, realm.as_str(), username).await? else {
        // Hash anyway, so the answer takes as long as for a real user and does not tell which
        // user names exist.
        hash_password(password_text).await?;
        return Err(wrong());
    };
    drop(conn);
    let until = reserve_attempt(s, user.id, now).await?;
    if !verify_password(password_text, &user.password_hash).await {
        return Err(match until {
            Some(until) => ServiceError::Locked { until },
            None => wrong(),
        });
    }
    let mut conn = s.db.conn().await?;
    // The right password: this attempt's count and any lock it set in advance are cleared.
    accounts::set_login_counters(&mut conn, user.id, 0, None).await?;
    if user.status != "active" {
        return Err(ServiceError::Unauthenticated("账户已停用，请联系管理员".into()));
    }
    let token = random_hex(32);
    let csrf_token = random_hex(16);
    let expires_at = match kind {
        SessionKind::Cookie => now + Duration::minutes(s.security.session_idle_minutes),
        SessionKind::Bearer => now + Duration::hours(s.security.token_hours),
    };
    let session_id = accounts::insert_session(
        &mut conn,
        &NewSession {
            token_hash: &sm3_hex(token.as_bytes()),
            user_id: user.id,
            kind: kind.as_str(),
            csrf_token: &csrf_token,
            expires_at,
            client_addr: &client.addr,
            user_agent: &truncate(&client.user_agent, 512),
        },
        now,
    )
    .await?;
    let via = match kind {
        SessionKind::Cookie => AuthVia::Cookie,
        SessionKind::Bearer => AuthVia::Bearer,
    };
    let actor = actor_of(&mut conn, user, session_id, csrf_token.clone(), via).await?;
    Ok(NewLogin { token, csrf_token, expires_at, actor })
}

/// Counts one password attempt on the account before the password is checked, and sets the
/// lock this attempt earns if it fails, in one transaction. Returns that lock (`None` while
/// attempts are still free); a locked account is refused with [`ServiceError::Locked`] without
/// being counted or checked.
async fn reserve_attempt(s: &Services, user_id: i64, now: DateTime<Utc>) -> ServiceResult<Option<DateTime<Utc>>> {
    let mut tx = s.db.begin().await?;
    let Some(failures) = accounts::count_login_attempt(&mut tx, user_id, now).await? else {
        let user = accounts::get_user(&mut tx, user_id).await?;
        drop(tx);
        let until = user.and_then(|u| u.locked_until).filter(|u| *u > now).unwrap_or(now + Duration::seconds(1));
        return Err(ServiceError::Locked { until });
    };
    let until = password::locked_until(u32::try_from(failures).unwrap_or(u32::MAX), now);
    if until.is_some() {
        accounts::set_locked_until(&mut tx, user_id, until).await?;
    }
    bdc_db::commit(tx).await?;
    Ok(until)
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

async fn actor_of(conn: &mut bdc_db::AnyConnection, user: UserRecord, session_id: i64, csrf_token: String, via: AuthVia) -> ServiceResult<Actor> {
    let permissions = accounts::permissions_of(conn, user.id).await?.iter().filter_map(|p| p.parse::<Permission>().ok()).collect();
    let realm = user.realm.parse::<Realm>().map_err(|e| ServiceError::Internal(Box::new(e)))?;
    Ok(Actor { user_id: user.id, username: user.username, display_name: user.display_name, realm, roles: user.roles, permissions, session_id, csrf_token, via, audit: None })
}

/// Resolves a session token to its actor, or says why it cannot.
pub async fn authenticate(s: &Services, token: &str) -> ServiceResult<Actor> {
    let expired = || ServiceError::Unauthenticated("登录已失效，请重新登录".into());
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(expired());
    }
    let now = Utc::now();
    let mut conn = s.db.conn().await?;
    let Some(session) = accounts::find_session(&mut conn, &sm3_hex(token.as_bytes())).await? else {
        return Err(expired());
    };
    if session.revoked || session.expires_at <= now {
        return Err(expired());
    }
    let Some(user) = accounts::get_user(&mut conn, session.user_id).await? else {
        return Err(expired());
    };
    if user.status != "active" {
        return Err(ServiceError::Unauthenticated("账户已停用，请联系管理员".into()));
    }
    let via = if session.kind == "cookie" {
        // Sliding expiry, written at most once per half idle period to spare the database.
        let idle = Duration::minutes(s.security.session_idle_minutes);
        if session.expires_at - now < idle / 2 {
            accounts::touch_session(&mut conn, session.id, now, now + idle).await?;
        }
        AuthVia::Cookie
    } else {
        AuthVia::Bearer
    };
    actor_of(&mut conn, user, session.id, session.csrf_token, via).await
}

/// Ends the actor's session or token.
#[tracing::instrument(name = "logout", skip_all, fields(actor.id = actor.user_id))]
pub async fn logout(s: &Services, actor: &Actor) -> ServiceResult<()> {
    let mut conn = s.db.conn().await?;
    accounts::revoke_session(&mut conn, actor.session_id, Utc::now()).await?;
    Ok(())
}

/// A user changes his own password: the old one is required, the policy applies, and every
/// other session of the user ends. A wrong old password counts towards the lock-out exactly as
/// a failed login does — a stolen session must not become a way to guess the password.
#[tracing::instrument(name = "change_own_password", skip_all, fields(actor.id = actor.user_id))]
pub async fn change_own_password(s: &Services, actor: &Actor, client: &ClientInfo, old: &str, new: &str) -> ServiceResult<()> {
    limits::hit(s, limits::Kind::PasswordChange, Some(&actor.user_id.to_string()), &client.addr).await?;
    let mut conn = s.db.conn().await?;
    let user = accounts::get_user(&mut conn, actor.user_id).await?.ok_or_else(|| ServiceError::NotFound("用户不存在".into()))?;
    drop(conn);
    let until = reserve_attempt(s, user.id, Utc::now()).await?;
    if !verify_password(old, &user.password_hash).await {
        return Err(match until {
            Some(until) => ServiceError::Locked { until },
            None => ServiceError::field("wrong_password", "old_password", "原密码不正确"),
        });
    }
    if let Err(e) = password::check_password(&user.username, new) {
        // The old password was right: the attempt does not count against the user.
        accounts::set_login_counters(&mut *s.db.conn().await?, user.id, 0, None).await?;
        return Err(ServiceError::field("weak_password", "new_password", e.to_string()));
    }
    let hash = hash_password(new).await?;
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    accounts::set_password(&mut tx, user.id, &hash, now).await?;
    accounts::revoke_user_sessions(&mut tx, user.id, now).await?;
    bdc_db::commit(tx).await?;
    Ok(())
}
