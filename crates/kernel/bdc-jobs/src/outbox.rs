//! The outbox (事务外发箱): a change's effects on other contexts, queued in the change's own
//! transaction.
//!
//! A context that wants to hear of a topic subscribes one of its job kinds to it when it is
//! installed ([`subscribe`], stored in `outbox_subscriptions`, migration 0020). A change publishes
//! an event ([`publish`]) inside its transaction: one job per subscribing kind is queued with
//! the event's key as de-duplication key, so the event and the change commit together or not at
//! all, an event is handled at least once, and twice never queues twice. The publisher names no
//! subscriber; the subscriber reads what it needs through the publisher's service API.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use bdc_db::{format_time, StoreResult};

/// Subscribes `job_kind` to `topic`; idempotent.
pub async fn subscribe(conn: &mut AnyConnection, topic: &str, job_kind: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO outbox_subscriptions (topic, job_kind) VALUES ($1, $2) ON CONFLICT (topic, job_kind) DO NOTHING").bind(topic).bind(job_kind).execute(&mut *conn).await?;
    Ok(())
}

/// Publishes an event of `topic` with its `key` (unique per topic) and `payload`: queues one job
/// per subscriber, in the caller's transaction. Returns how many were queued.
pub async fn publish(conn: &mut AnyConnection, topic: &str, key: &str, payload: &str, now: DateTime<Utc>) -> StoreResult<u64> {
    let at = format_time(now);
    let done = sqlx::query(
        "INSERT INTO jobs (kind, payload, dedup_key, state, attempts, max_attempts, run_at, created_at) \
         SELECT job_kind, $2, $3, 'queued', 0, 20, $4, $4 FROM outbox_subscriptions WHERE topic = $1 \
         ON CONFLICT (kind, dedup_key) DO NOTHING",
    )
    .bind(topic)
    .bind(payload)
    .bind(key)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}
