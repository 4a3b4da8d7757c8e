//! What the register tells the other contexts (登簿事件), through the kernel's outbox.
//!
//! Every change of the register — a registration (登簿) or a lapse recorded by the daily job —
//! publishes [`REGISTERED`] with its journal sequence in the change's own transaction, and
//! [`SEIZURE_PROMOTED`] as well when the entry put a seizure in place of an earlier one (a
//! waiting seizure became active or moved in the queue, or a seizure was continued), so that a context interested in
//! one kind of change hears of that kind only: the court desk is not woken for every 登簿 of a
//! busy day. A subscriber reads the entry through [`crate::service::register_api`].
//!
//! A case applied for online publishes [`ONLINE_CASE_MOVED`] on every change of its state, in
//! the transition's transaction, so its applicant is told by SMS after the change committed and
//! however often the message must be retried (`sms.case_state`, see
//! [`crate::service::cases::notices`]); a counter case is nobody's to tell and publishes nothing.

use chrono::Utc;

use crate::domain::rights::RightKind;
use crate::domain::workflow::CaseState;
use crate::store::journal::Step;
use bdc_db::AnyConnection;

use crate::service::ServiceResult;

/// A journal entry was appended: `{"seq": N}`, keyed by the sequence.
pub const REGISTERED: &str = "registered";

/// Journal entry `{"seq": N}` created a seizure succeeding another one on its unit — the next
/// waiting seizure promoted when the active one ended, a continuation (续封), or a waiting
/// seizure moved to another place in the queue (轮候顺序).
pub const SEIZURE_PROMOTED: &str = "seizure_promoted";

/// A case applied for online changed state: `{"case_id", "from", "to", "reason"}`, keyed by
/// the case and its new version (so each change is told once).
pub const ONLINE_CASE_MOVED: &str = "online_case_moved";

/// Publishes that case `case_id` moved from `from` to `to` (now at `version`), with the reason
/// given, inside the transition's transaction — when the case was applied for online.
pub async fn case_moved(conn: &mut AnyConnection, case_id: i64, version: i64, from: CaseState, to: CaseState, reason: &str) -> ServiceResult<()> {
    if crate::store::cases::submitted_by(conn, case_id).await?.is_none() {
        return Ok(());
    }
    let payload = serde_json::json!({"case_id": case_id, "from": from.code(), "to": to.code(), "reason": reason}).to_string();
    bdc_jobs::outbox::publish(conn, ONLINE_CASE_MOVED, &format!("{case_id}:{version}"), &payload, Utc::now()).await?;
    Ok(())
}

/// Publishes that journal entry `seq` with `steps` was appended, inside the registering
/// transaction. The subscribers' jobs are due at once, by the wall clock, whatever business
/// time the change was recorded at (the daily lapse records a past day's end).
pub async fn registered(conn: &mut AnyConnection, seq: i64, steps: &[Step]) -> ServiceResult<()> {
    let (key, payload, now) = (seq.to_string(), format!("{{\"seq\":{seq}}}"), Utc::now());
    bdc_jobs::outbox::publish(conn, REGISTERED, &key, &payload, now).await?;
    if steps.iter().any(succeeds_a_seizure) {
        bdc_jobs::outbox::publish(conn, SEIZURE_PROMOTED, &key, &payload, now).await?;
    }
    Ok(())
}

/// A step creating a seizure in place of an earlier right of the unit (active, or waiting at a
/// new place).
fn succeeds_a_seizure(step: &Step) -> bool {
    matches!(step, Step::Create { kind, predecessor_id: Some(_), .. } if kind == RightKind::Seizure.code())
}

/// The journal sequence an event of [`REGISTERED`] or [`SEIZURE_PROMOTED`] names.
pub fn registered_seq(payload: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(payload).ok()?["seq"].as_i64()
}
