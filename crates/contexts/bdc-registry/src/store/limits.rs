//! Rate-limit counters (频率限制计数): one row per bucket and fixed window.
//!
//! Counting is one statement — an upsert that adds one and returns the new count — so parallel
//! requests on any number of server instances never lose a hit: on PostgreSQL the row lock of
//! `ON CONFLICT DO UPDATE` orders them, on SQLite the write lock does.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::store::{format_time, StoreResult};

/// Adds one hit to `bucket` in the window starting at `window_start` and returns the hits in
/// that window so far, this one included.
pub async fn hit(conn: &mut AnyConnection, bucket: &str, window_start: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
    )
    .bind(bucket)
    .bind(format_time(window_start))
    .fetch_one(&mut *conn)
    .await?)
}

/// The hits of `bucket` in the window starting at `window_start`, without adding one.
pub async fn hits(conn: &mut AnyConnection, bucket: &str, window_start: DateTime<Utc>) -> StoreResult<i64> {
    let hits = sqlx::query_scalar::<_, i64>("SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start = $2").bind(bucket).bind(format_time(window_start)).fetch_optional(&mut *conn).await?;
    Ok(hits.unwrap_or(0))
}

/// Deletes the windows that started before `before` (they no longer count).
pub async fn purge(conn: &mut AnyConnection, before: DateTime<Utc>) -> StoreResult<u64> {
    Ok(sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(format_time(before)).execute(&mut *conn).await?.rows_affected())
}
