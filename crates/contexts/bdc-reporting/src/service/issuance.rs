//! The issuance-data rules (签发数据组织规则, A4.4) as use cases, so the JSON API and the 系统管理
//! page check and store them the same way; the rules apply to every message built after a change.

use chrono::Utc;

use bdc_core::access::Permission;
use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::Services;

use crate::domain::issuance::{Rule, RuleError};
use crate::store as reports;
pub use crate::store::IssuanceRuleRow;

/// The issuance-data rules in the order they apply: `(id, table, field, action, param)`.
pub async fn list(s: &Services, actor: &Actor) -> ServiceResult<Vec<IssuanceRuleRow>> {
    actor.require(Permission::RulesRead)?;
    let mut conn = s.db.conn().await?;
    Ok(reports::issuance_rules(&mut conn).await?)
}

/// Adds an issuance-data rule at the end of the order; returns its id.
pub async fn add(s: &Services, actor: &Actor, table: &str, field: &str, action: &str, param: &str) -> ServiceResult<i64> {
    actor.require(Permission::RulesManage)?;
    Rule::new(table, field, action, param).map_err(|e| {
        let f = if matches!(e, RuleError::BadName) { "field" } else { "action" };
        ServiceError::field("bad_issuance_rule", f, e.to_string())
    })?;
    if param.chars().count() > 500 {
        return Err(ServiceError::field("bad_issuance_rule", "param", "参数不超过 500 个字"));
    }
    let mut tx = s.db.begin().await?;
    let id = reports::insert_issuance_rule(&mut tx, table, field, action, param, &actor.username, Utc::now()).await?;
    bdc_audit::commit(tx, actor, "新增签发数据规则", &format!("规则 {id}：{table}.{field} {action} {param}")).await?;
    Ok(id)
}

/// Removes an issuance-data rule.
pub async fn remove(s: &Services, actor: &Actor, id: i64) -> ServiceResult<()> {
    actor.require(Permission::RulesManage)?;
    let mut tx = s.db.begin().await?;
    if reports::delete_issuance_rule(&mut tx, id).await? {
        bdc_audit::commit(tx, actor, "删除签发数据规则", &format!("规则 {id}")).await
    } else {
        Err(ServiceError::NotFound(format!("规则 {id} 不存在")))
    }
}
