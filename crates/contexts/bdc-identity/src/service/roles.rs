//! Role administration (角色权限管理).

use bdc_core::access::{Permission, Realm};
use bdc_registry::Services;

use crate::store::accounts;

use bdc_core::{Actor, ServiceError, ServiceResult};

// The records this use case hands to the API and the pages.
pub use crate::store::accounts::RoleRecord;

pub async fn list_roles(s: &Services, actor: &Actor) -> ServiceResult<Vec<RoleRecord>> {
    actor.require(Permission::RolesManage)?;
    let mut conn = s.db.conn().await?;
    Ok(accounts::list_roles(&mut conn).await?)
}

/// Replaces the permissions a role grants. Unknown permissions are refused, and staff
/// permissions cannot be granted to a public role. Sessions of the role's users pick the change
/// up on their next request.
///
/// Separation of duties (职责分离): no one adds a permission to a role he holds himself — an
/// administrator giving his own role `audit.read` would read the audit log that is meant to
/// watch him. Another administrator must make such a change; taking permissions away is allowed.
#[tracing::instrument(name = "set_role_permissions", skip(s, actor, permissions), fields(actor.id = actor.user_id))]
pub async fn set_role_permissions(s: &Services, actor: &Actor, code: &str, permissions: &[String]) -> ServiceResult<RoleRecord> {
    actor.require(Permission::RolesManage)?;
    let mut parsed = Vec::new();
    for p in permissions {
        let perm: Permission = p.parse().map_err(|e: bdc_core::access::UnknownCode| ServiceError::field("unknown_permission", "permissions", e.to_string()))?;
        parsed.push(perm);
    }
    parsed.sort();
    parsed.dedup();
    let mut tx = s.db.begin().await?;
    let role = accounts::get_role(&mut tx, code).await?.ok_or_else(|| ServiceError::NotFound(format!("角色“{code}”不存在")))?;
    if role.realm == Realm::Public.as_str() {
        if let Some(p) = parsed.iter().find(|p| p.realm() == Realm::Staff) {
            return Err(ServiceError::field("permission_realm_mismatch", "permissions", format!("“{}”权限不能授予公众角色", p.name())));
        }
    }
    if code == "admin" && actor.roles.iter().any(|r| r == "admin") && !parsed.contains(&Permission::RolesManage) {
        return Err(ServiceError::field("self_lockout", "permissions", "不能移除系统管理角色的“管理角色权限”权限，否则将无人能再修改权限"));
    }
    if actor.roles.iter().any(|r| r == code) {
        if let Some(p) = parsed.iter().find(|p| !role.permissions.iter().any(|have| have == p.code())) {
            return Err(ServiceError::Forbidden(format!("职责分离：不能为自己所属的角色“{}”增加“{}”权限，请由其他系统管理员操作", role.name, p.name())));
        }
    }
    let codes: Vec<String> = parsed.iter().map(|p| p.code().to_owned()).collect();
    accounts::set_role_permissions(&mut tx, code, &codes).await?;
    let role = accounts::get_role(&mut tx, code).await?.ok_or_else(|| ServiceError::NotFound(format!("角色“{code}”不存在")))?;
    bdc_audit::commit(tx, actor, "设置角色权限", &format!("角色 {code}：{}", codes.join(","))).await?;
    Ok(role)
}
