//! Roles, users and sessions (角色、用户与会话).

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use bdc_core::access::{default_grants, ROLES};

use bdc_db::{format_time, parse_time, Page, PageRequest, StoreResult};

/// A role with the permissions it grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    pub code: String,
    pub name: String,
    pub realm: String,
    pub builtin: bool,
    pub permissions: Vec<String>,
}

/// Inserts the built-in roles that are missing, each with its default grants. A role that
/// exists keeps the permissions an administrator gave it.
pub async fn seed_builtin_roles(conn: &mut AnyConnection) -> StoreResult<()> {
    for r in ROLES {
        let inserted = sqlx::query("INSERT INTO roles (code, name, realm, builtin) VALUES ($1, $2, $3, 1) ON CONFLICT (code) DO NOTHING")
            .bind(r.code)
            .bind(r.name)
            .bind(r.realm.as_str())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if inserted == 1 {
            for p in default_grants(r.code) {
                sqlx::query("INSERT INTO role_permissions (role_code, permission) VALUES ($1, $2)").bind(r.code).bind(p.code()).execute(&mut *conn).await?;
            }
        }
    }
    Ok(())
}

pub async fn list_roles(conn: &mut AnyConnection) -> StoreResult<Vec<RoleRecord>> {
    let rows = sqlx::query_as::<_, (String, String, String, i64)>("SELECT code, name, realm, builtin FROM roles ORDER BY realm DESC, code").fetch_all(&mut *conn).await?;
    let grants = sqlx::query_as::<_, (String, String)>("SELECT role_code, permission FROM role_permissions ORDER BY permission").fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|(code, name, realm, builtin)| {
            let permissions = grants.iter().filter(|(role_code, _)| *role_code == code).map(|(_, permission)| permission.clone()).collect();
            RoleRecord { code, name, realm, builtin: builtin != 0, permissions }
        })
        .collect())
}

pub async fn get_role(conn: &mut AnyConnection, code: &str) -> StoreResult<Option<RoleRecord>> {
    Ok(list_roles(conn).await?.into_iter().find(|r| r.code == code))
}

/// Replaces the permissions a role grants.
pub async fn set_role_permissions(conn: &mut AnyConnection, code: &str, permissions: &[String]) -> StoreResult<()> {
    sqlx::query("DELETE FROM role_permissions WHERE role_code = $1").bind(code).execute(&mut *conn).await?;
    for p in permissions {
        sqlx::query("INSERT INTO role_permissions (role_code, permission) VALUES ($1, $2)").bind(code).bind(p).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The union of the permissions granted by `roles`.
pub async fn permissions_of(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT DISTINCT rp.permission FROM user_roles ur JOIN role_permissions rp ON rp.role_code = ur.role_code WHERE ur.user_id = $1 ORDER BY rp.permission")
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// An account as stored.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub realm: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub status: String,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub password_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub roles: Vec<String>,
}

const USER_COLUMNS: &str = "id, realm, username, display_name, password_hash, status, failed_logins, locked_until, password_changed_at, created_at, updated_at, version";

fn user_from_row(r: &AnyRow) -> StoreResult<UserRecord> {
    let locked: Option<String> = r.try_get("locked_until")?;
    Ok(UserRecord {
        id: r.try_get("id")?,
        realm: r.try_get("realm")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        status: r.try_get("status")?,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: locked.as_deref().map(parse_time).transpose()?,
        password_changed_at: parse_time(&r.try_get::<String, _>("password_changed_at")?)?,
        created_at: parse_time(&r.try_get::<String, _>("created_at")?)?,
        updated_at: parse_time(&r.try_get::<String, _>("updated_at")?)?,
        version: r.try_get("version")?,
        roles: Vec::new(),
    })
}

async fn with_roles(conn: &mut AnyConnection, mut users: Vec<UserRecord>) -> StoreResult<Vec<UserRecord>> {
    for u in &mut users {
        u.roles = sqlx::query_scalar("SELECT role_code FROM user_roles WHERE user_id = $1 ORDER BY role_code").bind(u.id).fetch_all(&mut *conn).await?;
    }
    Ok(users)
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub realm: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a [String],
}

/// Inserts an account with its roles; a taken user name is [`StoreError::Unique`](bdc_db::StoreError::Unique).
pub async fn insert_user(conn: &mut AnyConnection, u: &NewUser<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let now = format_time(now);
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (realm, username, display_name, password_hash, status, failed_logins, password_changed_at, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, 'active', 0, $5, $5, $5, 1) RETURNING id",
    )
    .bind(u.realm)
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    set_user_roles(conn, id, u.roles).await?;
    Ok(id)
}

pub async fn set_user_roles(conn: &mut AnyConnection, user_id: i64, roles: &[String]) -> StoreResult<()> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role_code) VALUES ($1, $2)").bind(user_id).bind(r).execute(&mut *conn).await?;
    }
    Ok(())
}

/// `(username, display name)` of the staff accounts among `usernames`, in one statement.
pub async fn staff_names(conn: &mut AnyConnection, usernames: &[String]) -> StoreResult<Vec<(String, String)>> {
    if usernames.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT username, display_name FROM users WHERE realm = 'staff' AND username IN ({})", bdc_db::placeholders(1, usernames.len()));
    let mut q = sqlx::query_as(&sql);
    for u in usernames {
        q = q.bind(u);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

pub async fn get_user(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<UserRecord>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?;
    match row {
        Some(r) => Ok(with_roles(conn, vec![user_from_row(&r)?]).await?.pop()),
        None => Ok(None),
    }
}

pub async fn find_user(conn: &mut AnyConnection, realm: &str, username: &str) -> StoreResult<Option<UserRecord>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE realm = $1 AND username = $2")).bind(realm).bind(username).fetch_optional(&mut *conn).await?;
    match row {
        Some(r) => Ok(with_roles(conn, vec![user_from_row(&r)?]).await?.pop()),
        None => Ok(None),
    }
}

/// Filter of the user list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub realm: Option<String>,
    /// Part of the user name or display name.
    pub q: Option<String>,
    /// Holds this role (code).
    pub role: Option<String>,
    /// `active` or `disabled`.
    pub status: Option<String>,
    /// Only accounts locked out at this moment (登录失败锁定中).
    pub locked_at: Option<DateTime<Utc>>,
}

pub async fn list_users(conn: &mut AnyConnection, f: &UserFilter, page: PageRequest) -> StoreResult<Page<UserRecord>> {
    let like = f.q.as_ref().map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let cond = "($1 IS NULL OR realm = $1) AND ($2 IS NULL OR username LIKE $2 ESCAPE '\\' OR display_name LIKE $2 ESCAPE '\\') \
        AND ($3 IS NULL OR id IN (SELECT user_id FROM user_roles WHERE role_code = $3)) AND ($4 IS NULL OR status = $4) AND ($5 IS NULL OR locked_until > $5)";
    let locked = f.locked_at.map(format_time);
    let total = sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM users WHERE {cond}"))
        .bind(f.realm.clone())
        .bind(like.clone())
        .bind(f.role.clone())
        .bind(f.status.clone())
        .bind(locked.clone())
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE {cond} ORDER BY id LIMIT $6 OFFSET $7"))
        .bind(f.realm.clone())
        .bind(like)
        .bind(f.role.clone())
        .bind(f.status.clone())
        .bind(locked)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&mut *conn)
        .await?;
    let users = rows.iter().map(user_from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page { items: with_roles(conn, users).await?, total, page: page.page, per_page: page.per_page })
}

/// Changes display name and status, guarded by the version the caller read: 0 rows means
/// somebody else changed the account in between (→ conflict).
pub async fn update_user(conn: &mut AnyConnection, id: i64, expected_version: i64, display_name: &str, status: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = sqlx::query("UPDATE users SET display_name = $1, status = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5")
        .bind(display_name)
        .bind(status)
        .bind(format_time(now))
        .bind(id)
        .bind(expected_version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub async fn set_password(conn: &mut AnyConnection, id: i64, hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    let now = format_time(now);
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2, failed_logins = 0, locked_until = NULL, version = version + 1 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Counts a password attempt on the account *before* the password is checked (登录失败计数):
/// adds one to `failed_logins` unless the account is locked at `now`, and returns the new count,
/// or `None` when it is locked. One statement, so parallel guesses each get their own number and
/// none is checked without being counted; call it in a transaction with [`set_locked_until`]
/// so the lock that a failure would earn is in place before the slow hash check runs.
pub async fn count_login_attempt(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING failed_logins")
        .bind(id)
        .bind(format_time(now))
        .fetch_optional(&mut *conn)
        .await?)
}

/// Sets (or clears) the account's lock without touching the failure count.
pub async fn set_locked_until(conn: &mut AnyConnection, id: i64, locked_until: Option<DateTime<Utc>>) -> StoreResult<()> {
    sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2").bind(locked_until.map(format_time)).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Records the outcome of a login attempt on the account's lock-out counters.
pub async fn set_login_counters(conn: &mut AnyConnection, id: i64, failed_logins: i64, locked_until: Option<DateTime<Utc>>) -> StoreResult<()> {
    sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3").bind(failed_logins).bind(locked_until.map(format_time)).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// A session or API token as stored; the token itself is never stored, only its SM3 hash.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

/// What is needed to open a session.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub kind: &'a str,
    pub csrf_token: &'a str,
    pub expires_at: DateTime<Utc>,
    pub client_addr: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert_session(conn: &mut AnyConnection, s: &NewSession<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let now = format_time(now);
    Ok(sqlx::query_scalar(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at, last_seen_at, client_addr, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8) RETURNING id",
    )
    .bind(s.token_hash)
    .bind(s.user_id)
    .bind(s.kind)
    .bind(s.csrf_token)
    .bind(&now)
    .bind(format_time(s.expires_at))
    .bind(s.client_addr)
    .bind(s.user_agent)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn find_session(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
    let row = sqlx::query("SELECT id, user_id, kind, csrf_token, expires_at, revoked_at FROM sessions WHERE token_hash = $1").bind(token_hash).fetch_optional(&mut *conn).await?;
    row.map(|r| {
        Ok(SessionRecord {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            kind: r.try_get("kind")?,
            csrf_token: r.try_get("csrf_token")?,
            expires_at: parse_time(&r.try_get::<String, _>("expires_at")?)?,
            revoked: r.try_get::<Option<String>, _>("revoked_at")?.is_some(),
        })
    })
    .transpose()
}

/// Moves a sliding session's expiry forward and notes the time it was last used.
pub async fn touch_session(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3").bind(format_time(now)).bind(format_time(expires_at)).bind(id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn revoke_session(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(format_time(now)).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Ends every session of a user: after a password change, a role change or disabling.
pub async fn revoke_user_sessions(conn: &mut AnyConnection, user_id: i64, now: DateTime<Utc>) -> StoreResult<u64> {
    Ok(sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL").bind(format_time(now)).bind(user_id).execute(&mut *conn).await?.rows_affected())
}

/// Active accounts holding a role: `serve` uses it to tell an operator how to create the first
/// administrator.
pub async fn count_active_with_role(conn: &mut AnyConnection, role_code: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users u JOIN user_roles ur ON ur.user_id = u.id WHERE ur.role_code = $1 AND u.status = 'active'").bind(role_code).fetch_one(&mut *conn).await?)
}
