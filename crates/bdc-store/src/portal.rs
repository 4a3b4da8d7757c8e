//! The public portal's own rows (线上苏小登): one-time codes, who submitted a case online, the
//! log of public queries. (Accounts and their real-name links are the identity context's.)

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use crate::{format_time, StoreResult};

/// A one-time code as stored (only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    let r = sqlx::query("SELECT id, code_hash, expires_at, attempts, created_at FROM sms_codes WHERE phone_bidx = $1 AND purpose = $2 AND used = 0 ORDER BY id DESC LIMIT 1")
        .bind(phone_bidx)
        .bind(purpose)
        .fetch_optional(&mut *conn)
        .await?;
    r.map(|r| Ok(StoredCode { id: r.try_get(0)?, code_hash: r.try_get(1)?, expires_at: r.try_get(2)?, attempts: r.try_get(3)?, created_at: r.try_get(4)? })).transpose()
}

pub async fn code_attempted(conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Marks a code used; false when it was used already (two submissions racing).
pub async fn use_code(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE sms_codes SET used = 1 WHERE id = $1 AND used = 0").bind(id).execute(&mut *conn).await?.rows_affected() == 1)
}

pub async fn set_submitted_by(conn: &mut AnyConnection, case_id: i64, user_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE cases SET submitted_by = $1 WHERE id = $2").bind(user_id).bind(case_id).execute(&mut *conn).await?;
    Ok(())
}

/// Cases a public user applied for online, newest first.
pub async fn cases_submitted_by(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM cases WHERE submitted_by = $1 ORDER BY id DESC LIMIT 200").bind(user_id).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Records a public query (查询留痕): what was asked (masked), by whom, from where, and the answer.
pub async fn log_query(conn: &mut AnyConnection, kind: &str, user_id: Option<i64>, client: &str, query: &str, outcome: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO public_queries (at, kind, user_id, client, query, outcome) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(format_time(now))
        .bind(kind)
        .bind(user_id)
        .bind(client)
        .bind(query)
        .bind(outcome)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The query log, newest first: `(at, kind, user id, client, query, outcome)`.
pub async fn queries(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<(String, String, Option<i64>, String, String, String)>> {
    let rows = sqlx::query("SELECT at, kind, user_id, client, query, outcome FROM public_queries ORDER BY id DESC LIMIT $1").bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?))).collect()
}
