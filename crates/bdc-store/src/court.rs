//! Court messages and requests (法院查控报文与请求).

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use crate::{format_time, StoreResult};

/// Stores a fetched message as it came; returns its id.
pub async fn store_raw(conn: &mut AnyConnection, raw: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query("INSERT INTO court_messages (fetched_at, raw, status) VALUES ($1, $2, 'stored') RETURNING id")
        .bind(format_time(now))
        .bind(raw)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

pub async fn mark_message(conn: &mut AnyConnection, id: i64, status: &str, reason: &str) -> StoreResult<()> {
    sqlx::query("UPDATE court_messages SET status = $1, reason = $2 WHERE id = $3").bind(status).bind(reason).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Messages in a state (e.g. `quarantined`, for staff), newest first: `(id, fetched_at, status, reason)`.
pub async fn messages(conn: &mut AnyConnection, status: Option<&str>, limit: i64) -> StoreResult<Vec<(i64, String, String, String)>> {
    let rows = sqlx::query("SELECT id, fetched_at, status, reason FROM court_messages WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2")
        .bind(status)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
}

/// Keeps a request once: false when its number was seen before (a duplicate delivery).
#[allow(clippy::too_many_arguments)]
pub async fn insert_request(conn: &mut AnyConnection, number: &str, message_id: i64, court: &str, case_number: &str, delivered_at: &str, body: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(sqlx::query(
        "INSERT INTO court_requests (number, message_id, court, case_number, delivered_at, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (number) DO NOTHING",
    )
    .bind(number)
    .bind(message_id)
    .bind(court)
    .bind(case_number)
    .bind(delivered_at)
    .bind(body)
    .bind(format_time(now))
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// Requests in delivery order: `(number, court, case_number, delivered_at)`.
pub async fn requests(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<(String, String, String, String)>> {
    let rows = sqlx::query("SELECT number, court, case_number, delivered_at FROM court_requests ORDER BY delivered_at, number LIMIT $1").bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
}
