//! 申请人撤回 — an online case taken back by its applicant before 受理.
//!
//! Why: an online application becomes a case once every co-applicant has confirmed, but until a
//! clerk accepts it (受理) nothing has been examined and nobody at the office relies on it; the
//! applicant may still change his mind. 《不动产登记暂行条例实施细则》第十三条 lets the applicants
//! withdraw before 登簿 — all of them together: so online he withdraws alone only what he alone
//! applied for (every applicant is the party he applied as); a case applied for jointly (a sale,
//! a mortgage) is withdrawn by all its applicants together at the office, where a clerk takes the
//! workflow's own 撤回. After 受理 the office decides, so he is sent to the registration office.
//!
//! The move is the workflow's own transition ([`crate::service::cases`]), limited to `Intake`:
//! the state and version are checked in the transaction that moves the case, so a race with the
//! clerk's 受理 has exactly one winner, and the case leaves its units as a clerk's 撤回 leaves
//! them (a withdrawn case is no longer open on them). The case event names the applicant.

use crate::domain::workflow::CaseState;
use crate::service::cases::{transition, Moved, Transition};
use crate::service::{Actor, ServiceError, ServiceResult, Services};
use crate::store::cases as store;
use bdc_core::access::Realm;

/// The applicant's 撤回: only from 受理中 (`Intake`); no staff permission, the submitter is
/// checked instead.
const BY_APPLICANT: Transition = Transition { action: "withdraw", name: "申请人撤回", from: &[CaseState::Intake], to: CaseState::Withdrawn, permissions: &[], needs_reason: false };

/// The most a reason may say.
const REASON_CHARS: usize = 200;

/// Whether the actor's account submitted the case online (its `submitted_by`).
async fn submitted_by_actor(conn: &mut bdc_db::AnyConnection, actor: &Actor, case_id: i64) -> ServiceResult<bool> {
    Ok(store::cases_submitted_by(conn, actor.user_id).await?.contains(&case_id))
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("办件不存在".into())
}

fn joint() -> ServiceError {
    ServiceError::Conflict {
        code: "joint_withdrawal", message: "本业务由多方共同申请，撤回须由全体申请人共同提出（《不动产登记暂行条例实施细则》第十三条），请全体申请人到登记机构办理".into()
    }
}

/// Whether the case was applied for by the submitter's party alone: every applicant is the
/// party the online application was made as (his own, or the principal an agent applied for).
fn applied_alone(case: &crate::store::cases::CaseRecord) -> bool {
    let submitter = serde_json::from_str::<crate::service::cases::RequestDoc>(&case.request).ok().and_then(|r| r.submitted_by);
    submitter.is_some_and(|party| case.applicants.iter().all(|(p, _, _)| *p == party))
}

fn accepted() -> ServiceError {
    ServiceError::Conflict { code: "case_accepted", message: "办件已受理，如需撤回请联系登记机构".into() }
}

/// Whether the actor may withdraw the case now: he submitted it online and it still waits for
/// 受理. For the case page's 撤回申请 button; [`withdraw_by_applicant`] checks again.
pub async fn withdrawable(s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<bool> {
    if actor.realm != Realm::Public {
        return Ok(false);
    }
    let mut conn = s.db.conn().await?;
    if !submitted_by_actor(&mut conn, actor, case_id).await? {
        return Ok(false);
    }
    Ok(store::get_case(&mut conn, case_id).await?.is_some_and(|c| c.state == CaseState::Intake && applied_alone(&c)))
}

/// 撤回 by the public account that submitted the case, while it is still `Intake`: the case
/// becomes `Withdrawn` with the event “申请人撤回：<reason>” under the applicant's username,
/// audited in the same transaction. Anyone else is told the case does not exist; a case past
/// 受理 (or accepted while he was asking) is a conflict.
#[tracing::instrument(name = "case_withdraw_by_applicant", skip(s, actor, reason), fields(actor.id = actor.user_id, case.id = case_id))]
pub async fn withdraw_by_applicant(s: &Services, actor: &Actor, case_id: i64, reason: &str) -> ServiceResult<Moved> {
    if actor.realm != Realm::Public {
        return Err(ServiceError::Forbidden("申请人撤回只能由提交申请的线上账户办理".into()));
    }
    let reason = reason.trim();
    if reason.chars().count() > REASON_CHARS {
        return Err(ServiceError::field("reason_too_long", "reason", format!("撤回理由不超过 {REASON_CHARS} 个字")));
    }
    bdc_core::text::check(reason).map_err(|e| ServiceError::field("forbidden_characters", "reason", e.to_string()))?;
    let mut conn = s.db.conn().await?;
    if !submitted_by_actor(&mut conn, actor, case_id).await? {
        return Err(not_found());
    }
    let case = store::get_case(&mut conn, case_id).await?.ok_or_else(not_found)?;
    drop(conn);
    match case.state {
        CaseState::Intake => {}
        CaseState::Withdrawn => return Err(ServiceError::Conflict { code: "case_withdrawn", message: "办件已撤回".into() }),
        _ => return Err(accepted()),
    }
    if !applied_alone(&case) {
        return Err(joint());
    }
    let text = if reason.is_empty() { "申请人撤回".to_owned() } else { format!("申请人撤回：{reason}") };
    match transition(s, actor, case_id, &BY_APPLICANT, &text).await {
        // The clerk's 受理 came first (the state, or the version, moved under us).
        Err(ServiceError::Conflict { .. }) => Err(accepted()),
        other => other,
    }
}
