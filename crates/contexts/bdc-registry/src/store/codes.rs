//! One-time codes sent by SMS (短信验证码), kept only as hashes: sign-up and password reset (the
//! identity context's) and an application's confirmation (the portal's) use them.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::store::{format_time, StoreResult};

/// A one-time code as stored (only its hash).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCode {
    pub id: i64,
    pub code_hash: String,
    pub expires_at: String,
    pub attempts: i64,
    pub created_at: String,
}

pub async fn insert_code(conn: &mut AnyConnection, phone_bidx: &str, purpose: &str, code_hash: &str, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO sms_codes (phone_bidx, purpose, code_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(phone_bidx)
        .bind(purpose)
        .bind(code_hash)
        .bind(format_time(expires_at))
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The latest unused code for a phone and purpose.
pub async fn latest_code(conn: &mut AnyConnection, phone_bidx: &str, purpose: &str) -> StoreResult<Option<StoredCode>> {
    Ok(sqlx::query_as("SELECT id, code_hash, expires_at, attempts, created_at FROM sms_codes WHERE phone_bidx = $1 AND purpose = $2 AND used = 0 ORDER BY id DESC LIMIT 1")
        .bind(phone_bidx)
        .bind(purpose)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Counts one try of a code *before* it is compared (验证码尝试计数): one statement, so parallel
/// tries each get their own count and none is compared once the code's `max_attempts` tries are
/// spent, or it has expired or been used. Returns the tries counted so far, or `None` when the
/// code can no longer be tried.
pub async fn count_attempt(conn: &mut AnyConnection, id: i64, max_attempts: i64, now: DateTime<Utc>) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1 AND used = 0 AND attempts < $2 AND expires_at > $3 RETURNING attempts")
        .bind(id)
        .bind(max_attempts)
        .bind(format_time(now))
        .fetch_optional(&mut *conn)
        .await?)
}

pub async fn code_attempted(conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Marks a code used; false when it was used already (two submissions racing).
pub async fn use_code(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE sms_codes SET used = 1 WHERE id = $1 AND used = 0").bind(id).execute(&mut *conn).await?.rows_affected() == 1)
}
