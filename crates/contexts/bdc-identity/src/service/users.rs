//! User administration (用户管理): create, list, change roles and status, reset passwords.

use chrono::Utc;

use bdc_core::access::{self, Permission, Realm};
use bdc_core::password;
use bdc_db::{Page, PageRequest};
use bdc_registry::Services;

use crate::store::accounts::{self, NewUser};

use super::auth::hash_password;
use bdc_core::{Actor, ServiceError, ServiceResult};

// The records this use case hands to the API and the pages.
pub use crate::store::accounts::{UserFilter, UserRecord};

/// A new account.
#[derive(Debug, Clone)]
pub struct CreateUser {
    pub realm: Realm,
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<String>,
}

/// Checks a user name: 3–32 characters of letters, digits, `_`, `-`, `.`, starting with a letter
/// or digit. (Real names go in the display name.)
pub(crate) fn check_username(u: &str) -> ServiceResult<()> {
    let ok = (3..=32).contains(&u.chars().count()) && u.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) && u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::field("bad_username", "username", "用户名须为 3–32 位字母、数字、下划线、短横线或点，并以字母或数字开头"))
    }
}

fn check_display_name(n: &str) -> ServiceResult<()> {
    let len = n.trim().chars().count();
    if len == 0 || len > 64 {
        return Err(ServiceError::field("bad_display_name", "display_name", "姓名不能为空，且不超过 64 个字"));
    }
    // The web layer refuses these already; the console (`bdc user add`) comes here directly.
    bdc_core::text::check(n).map_err(|e| ServiceError::field("forbidden_characters", "display_name", e.to_string()))?;
    Ok(())
}

/// Every role must exist and belong to the account's realm: a public account can never be
/// given a staff role.
pub(crate) async fn check_roles(conn: &mut bdc_db::AnyConnection, realm: Realm, roles: &[String]) -> ServiceResult<()> {
    let known = accounts::list_roles(conn).await?;
    for r in roles {
        match known.iter().find(|k| &k.code == r) {
            None => return Err(ServiceError::field("unknown_role", "roles", format!("角色“{r}”不存在"))),
            Some(k) if k.realm != realm.as_str() => {
                let name = access::role(r).map_or(r.as_str(), |d| d.name);
                return Err(ServiceError::field("role_realm_mismatch", "roles", format!("角色“{name}”不能授予{}账户", realm_name(realm))));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn realm_name(r: Realm) -> &'static str {
    match r {
        Realm::Staff => "工作人员",
        Realm::Public => "公众",
    }
}

#[tracing::instrument(name = "create_user", skip_all, fields(actor.id = actor.user_id))]
pub async fn create_user(s: &Services, actor: &Actor, cmd: CreateUser) -> ServiceResult<UserRecord> {
    actor.require(Permission::UsersManage)?;
    check_username(&cmd.username)?;
    check_display_name(&cmd.display_name)?;
    password::check_password(&cmd.username, &cmd.password).map_err(|e| ServiceError::field("weak_password", "password", e.to_string()))?;
    let mut roles = cmd.roles.clone();
    roles.sort();
    roles.dedup();
    let hash = hash_password(&cmd.password).await?;
    let mut tx = s.db.begin().await?;
    check_roles(&mut tx, cmd.realm, &roles).await?;
    let new = NewUser { realm: cmd.realm.as_str(), username: &cmd.username, display_name: cmd.display_name.trim(), password_hash: &hash, roles: &roles };
    let id = match accounts::insert_user(&mut tx, &new, Utc::now()).await {
        Ok(id) => id,
        Err(bdc_db::StoreError::Unique(_)) => return Err(ServiceError::Conflict { code: "username_taken", message: format!("用户名“{}”已被使用", cmd.username) }),
        Err(e) => return Err(e.into()),
    };
    let user = accounts::get_user(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound("用户不存在".into()))?;
    bdc_audit::commit(tx, actor, "新增用户", &format!("用户 {id}（{}），角色 {}", user.username, roles.join(","))).await?;
    Ok(user)
}

pub async fn list_users(s: &Services, actor: &Actor, filter: UserFilter, page: PageRequest) -> ServiceResult<Page<UserRecord>> {
    actor.require(Permission::UsersManage)?;
    let mut conn = s.db.conn().await?;
    Ok(accounts::list_users(&mut conn, &filter, page).await?)
}

pub async fn get_user(s: &Services, actor: &Actor, id: i64) -> ServiceResult<UserRecord> {
    actor.require(Permission::UsersManage)?;
    let mut conn = s.db.conn().await?;
    accounts::get_user(&mut conn, id).await?.ok_or_else(|| ServiceError::NotFound(format!("用户 {id} 不存在")))
}

/// A change to an account; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct UpdateUser {
    pub display_name: Option<String>,
    /// `active` or `disabled`.
    pub status: Option<String>,
    pub roles: Option<Vec<String>>,
    /// The version the administrator saw; a stale one is a conflict.
    pub version: Option<i64>,
}

#[tracing::instrument(name = "update_user", skip(s, actor, cmd), fields(actor.id = actor.user_id))]
pub async fn update_user(s: &Services, actor: &Actor, id: i64, cmd: UpdateUser) -> ServiceResult<UserRecord> {
    actor.require(Permission::UsersManage)?;
    if let Some(n) = &cmd.display_name {
        check_display_name(n)?;
    }
    if let Some(st) = &cmd.status {
        if st != "active" && st != "disabled" {
            return Err(ServiceError::field("bad_status", "status", "状态只能是 active（启用）或 disabled（停用）"));
        }
        if id == actor.user_id && st == "disabled" {
            return Err(ServiceError::field("self_disable", "status", "不能停用自己的账户"));
        }
    }
    let now = Utc::now();
    let mut tx = s.db.begin().await?;
    let user = accounts::get_user(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound(format!("用户 {id} 不存在")))?;
    let realm: Realm = user.realm.parse().map_err(|e| ServiceError::Internal(Box::new(e)))?;
    let version = cmd.version.unwrap_or(user.version);
    let display_name = cmd.display_name.as_deref().map_or(user.display_name.as_str(), str::trim).to_owned();
    let status = cmd.status.clone().unwrap_or_else(|| user.status.clone());
    if !accounts::update_user(&mut tx, id, version, &display_name, &status, now).await? {
        return Err(ServiceError::Conflict { code: "stale_version", message: "该用户已被他人修改，请刷新后重试".into() });
    }
    let mut end_sessions = status == "disabled";
    if let Some(mut roles) = cmd.roles.clone() {
        roles.sort();
        roles.dedup();
        check_roles(&mut tx, realm, &roles).await?;
        if id == actor.user_id && !roles.iter().any(|r| r == "admin") && user.roles.iter().any(|r| r == "admin") {
            return Err(ServiceError::field("self_demote", "roles", "不能移除自己的系统管理角色"));
        }
        // Separation of duties (职责分离): no one grants himself a role.
        if id == actor.user_id {
            if let Some(new) = roles.iter().find(|r| !user.roles.contains(r)) {
                let name = bdc_core::access::role(new).map_or_else(|| new.clone(), |d| d.name.to_owned());
                return Err(ServiceError::Forbidden(format!("职责分离：不能为自己授予角色“{name}”，请由其他系统管理员操作")));
            }
        }
        end_sessions |= roles != user.roles;
        accounts::set_user_roles(&mut tx, id, &roles).await?;
    }
    if end_sessions {
        accounts::revoke_user_sessions(&mut tx, id, now).await?;
    }
    let user = accounts::get_user(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound(format!("用户 {id} 不存在")))?;
    bdc_audit::commit(tx, actor, "修改用户", &format!("用户 {id}（{}）：状态 {}，角色 {}", user.username, user.status, user.roles.join(","))).await?;
    Ok(user)
}

/// An administrator sets a new password for a user (e.g. a forgotten one); the user's sessions end.
/// Not his own: that would change a password without knowing the old one, so whoever holds an
/// administrator's session could take the account over. He uses 修改密码 like everyone else.
#[tracing::instrument(name = "reset_password", skip(s, actor, new_password), fields(actor.id = actor.user_id))]
pub async fn reset_password(s: &Services, actor: &Actor, id: i64, new_password: &str) -> ServiceResult<()> {
    actor.require(Permission::UsersManage)?;
    if id == actor.user_id {
        return Err(ServiceError::Forbidden("不能通过用户管理重置自己的密码，请使用“修改密码”（POST /api/v1/auth/password）并输入原密码".into()));
    }
    let now = Utc::now();
    let user = get_user(s, actor, id).await?;
    password::check_password(&user.username, new_password).map_err(|e| ServiceError::field("weak_password", "password", e.to_string()))?;
    let hash = hash_password(new_password).await?;
    let mut tx = s.db.begin().await?;
    accounts::set_password(&mut tx, id, &hash, now).await?;
    accounts::revoke_user_sessions(&mut tx, id, now).await?;
    bdc_audit::commit(tx, actor, "重置密码", &format!("用户 {id}（{}）", user.username)).await
}

/// Lifts a lock-out before it expires.
#[tracing::instrument(name = "unlock_user", skip(s, actor), fields(actor.id = actor.user_id))]
pub async fn unlock_user(s: &Services, actor: &Actor, id: i64) -> ServiceResult<UserRecord> {
    actor.require(Permission::UsersManage)?;
    let mut tx = s.db.begin().await?;
    accounts::get_user(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound(format!("用户 {id} 不存在")))?;
    accounts::set_login_counters(&mut tx, id, 0, None).await?;
    let user = accounts::get_user(&mut tx, id).await?.ok_or_else(|| ServiceError::NotFound(format!("用户 {id} 不存在")))?;
    bdc_audit::commit(tx, actor, "解除锁定", &format!("用户 {id}（{}）", user.username)).await?;
    Ok(user)
}

/// The account `username` of `realm`, if any (the console's and the demo's lookup).
pub async fn find_user(s: &Services, actor: &Actor, realm: Realm, username: &str) -> ServiceResult<Option<UserRecord>> {
    actor.require(Permission::UsersManage)?;
    let mut conn = s.db.conn().await?;
    Ok(accounts::find_user(&mut conn, realm.as_str(), username).await?)
}

/// How many active accounts hold `role` (whether the office has an administrator yet).
pub async fn count_active_with_role(s: &Services, role: &str) -> ServiceResult<i64> {
    let mut conn = s.db.conn().await?;
    Ok(accounts::count_active_with_role(&mut conn, role).await?)
}
