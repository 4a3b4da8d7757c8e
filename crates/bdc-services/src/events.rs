//! What the register tells the other contexts (登簿事件), through the kernel's outbox.
//!
//! Every change of the register — a registration (登簿) or a lapse recorded by the daily job —
//! publishes [`REGISTERED`] with its journal sequence in the change's own transaction. A context
//! that must act on it (the court desk telling the court whose waiting seizure became active)
//! subscribes a job kind of its own and reads the entry through [`crate::register_api`].

use chrono::Utc;

use bdc_db::AnyConnection;

use crate::ServiceResult;

/// A journal entry was appended: `{"seq": N}`, keyed by the sequence.
pub const REGISTERED: &str = "registered";

/// Publishes that journal entry `seq` was appended, inside the registering transaction. The
/// subscribers' jobs are due at once, by the wall clock, whatever business time the change
/// was recorded at (the daily lapse records a past day's end).
pub async fn registered(conn: &mut AnyConnection, seq: i64) -> ServiceResult<()> {
    bdc_jobs::outbox::publish(conn, REGISTERED, &seq.to_string(), &format!("{{\"seq\":{seq}}}"), Utc::now()).await?;
    Ok(())
}

/// The journal sequence an event of [`REGISTERED`] names.
pub fn registered_seq(payload: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(payload).ok()?["seq"].as_i64()
}
