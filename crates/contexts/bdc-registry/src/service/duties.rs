//! Separation of incompatible duties (不相容岗位分离) as a use case: the check at 审核 and 登簿, and
//! the office's per-flow setting (岗位设置), kept with who set it, when and why.

use chrono::Utc;

use crate::domain::catalogue;
use crate::domain::duties::{self, CaseHands, Duty, DutyRule};
use crate::store::cases as case_store;
use crate::store::duties as store;
pub use crate::store::duties::FlowDuty;
use bdc_core::access::Permission;
use bdc_db::AnyConnection;

use crate::service::{Actor, ServiceError, ServiceResult, Services};

/// Whether `actor` is a person: the console and automatic review (智能审核) are not, and are
/// never refused by the separation of duties.
fn is_person(actor: &Actor) -> bool {
    actor.user_id > 0
}

/// Who accepted and who reviewed a case, read from its events: 受理 (intake → review) and
/// 补正完成 (correction → review) accept; 审核通过 (review → register) reviews.
async fn hands(conn: &mut AnyConnection, case_id: i64) -> ServiceResult<CaseHands> {
    let mut h = CaseHands::default();
    for e in case_store::events(conn, case_id).await? {
        use crate::domain::workflow::CaseState;
        match (e.from, e.to) {
            (Some(CaseState::Intake | CaseState::Correction), CaseState::Review) => h.acceptors.push(e.actor),
            (Some(CaseState::Review), CaseState::Register) => h.reviewers.push(e.actor),
            _ => {}
        }
    }
    Ok(h)
}

/// Refuses `duty` on the case when the actor already holds an incompatible one, under the flow's
/// setting; the refusal names the step he took and the setting.
pub(crate) async fn require(conn: &mut AnyConnection, actor: &Actor, case_id: i64, flow_code: &str, duty: Duty) -> ServiceResult<()> {
    if !is_person(actor) {
        return Ok(());
    }
    let rule = store::rule(conn, flow_code).await?;
    if rule == DutyRule::Combined {
        return Ok(());
    }
    let hands = hands(conn, case_id).await?;
    duties::check(rule, duty, &actor.username, &hands).map_err(ServiceError::Forbidden)
}

/// The flows whose setting differs from the default (分岗).
pub async fn list(s: &Services, actor: &Actor) -> ServiceResult<Vec<FlowDuty>> {
    actor.require(Permission::RulesRead)?;
    let mut conn = s.db.conn().await?;
    Ok(store::all(&mut conn).await?)
}

/// Sets one flow's duty rule (规则库管理员); a combined setting needs a reason, which is kept.
#[tracing::instrument(name = "set_duty", skip(s, actor, reason), fields(actor.id = actor.user_id))]
pub async fn set(s: &Services, actor: &Actor, flow_code: &str, rule: DutyRule, reason: &str) -> ServiceResult<()> {
    actor.require(Permission::RulesManage)?;
    if catalogue::flow(flow_code).is_none() {
        return Err(ServiceError::NotFound(format!("业务流程“{flow_code}”不存在")));
    }
    let reason = reason.trim();
    bdc_core::text::check(reason).map_err(|e| ServiceError::field("forbidden_characters", "reason", e.to_string()))?;
    if rule != DutyRule::Separate && reason.chars().count() < 4 {
        return Err(ServiceError::field("reason_required", "reason", "合并岗位须写明理由（至少 4 个字），以备监管查阅"));
    }
    if reason.chars().count() > 200 {
        return Err(ServiceError::field("reason_too_long", "reason", "理由不超过 200 个字"));
    }
    let mut tx = s.db.begin().await?;
    store::set(&mut tx, flow_code, rule, reason, &actor.username, Utc::now()).await?;
    bdc_audit::commit(tx, actor, "岗位设置", &format!("{flow_code}：{}；理由：{reason}", rule.name())).await
}
