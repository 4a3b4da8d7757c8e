//! The office's duty setting per flow (岗位设置), see [`crate::domain::duties`].

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::domain::duties::DutyRule;

use crate::store::{format_time, StoreError, StoreResult};

/// One flow's recorded setting.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FlowDuty {
    pub flow_code: String,
    #[sqlx(try_from = "String")]
    pub rule: DutyRule,
    pub reason: String,
    pub set_by: String,
    pub set_at: String,
}

fn rule_of(code: &str) -> StoreResult<DutyRule> {
    DutyRule::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("未知的岗位设置“{code}”")))
}

/// A stored rule code, for [`FlowDuty`]'s `FromRow`.
impl TryFrom<String> for DutyRule {
    type Error = StoreError;

    fn try_from(code: String) -> StoreResult<DutyRule> {
        rule_of(&code)
    }
}

/// The rule of one flow; a flow without a row has the default (分岗).
pub async fn rule(conn: &mut AnyConnection, flow_code: &str) -> StoreResult<DutyRule> {
    let code = sqlx::query_scalar::<_, String>("SELECT rule FROM flow_duties WHERE flow_code = $1").bind(flow_code).fetch_optional(&mut *conn).await?;
    match code {
        Some(code) => rule_of(&code),
        None => Ok(DutyRule::default()),
    }
}

/// Every flow that has a recorded setting.
pub async fn all(conn: &mut AnyConnection) -> StoreResult<Vec<FlowDuty>> {
    Ok(sqlx::query_as("SELECT flow_code, rule, reason, set_by, set_at FROM flow_duties ORDER BY flow_code").fetch_all(&mut *conn).await?)
}

/// Records a flow's setting; the default removes the row, so the table lists exceptions only.
pub async fn set(conn: &mut AnyConnection, flow_code: &str, rule: DutyRule, reason: &str, by: &str, now: DateTime<Utc>) -> StoreResult<()> {
    if rule == DutyRule::default() {
        sqlx::query("DELETE FROM flow_duties WHERE flow_code = $1").bind(flow_code).execute(&mut *conn).await?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO flow_duties (flow_code, rule, reason, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (flow_code) DO UPDATE SET rule = excluded.rule, reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(flow_code)
    .bind(rule.code())
    .bind(reason)
    .bind(by)
    .bind(format_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
