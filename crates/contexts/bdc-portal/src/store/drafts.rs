//! Drafts of online applications (网上申请草稿): the form as JSON, kept for its user until he
//! submits or discards it.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use bdc_db::{format_time, StoreResult};

/// A saved online application (草稿): the form as JSON.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Draft {
    pub id: i64,
    pub user_id: i64,
    pub flow_code: String,
    pub form: String,
    pub updated_at: String,
}

pub async fn insert_draft(conn: &mut AnyConnection, user_id: i64, flow_code: &str, form: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    let id = sqlx::query_scalar("INSERT INTO application_drafts (user_id, flow_code, form, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
        .bind(user_id)
        .bind(flow_code)
        .bind(form)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// Replaces a draft's form; false when the draft is not the user's.
pub async fn update_draft(conn: &mut AnyConnection, id: i64, user_id: i64, form: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE application_drafts SET form = $3, updated_at = $4 WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .bind(form)
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1)
}

pub async fn draft(conn: &mut AnyConnection, id: i64, user_id: i64) -> StoreResult<Option<Draft>> {
    Ok(sqlx::query_as("SELECT id, user_id, flow_code, form, updated_at FROM application_drafts WHERE id = $1 AND user_id = $2").bind(id).bind(user_id).fetch_optional(&mut *conn).await?)
}

pub async fn drafts_of(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Vec<Draft>> {
    Ok(sqlx::query_as("SELECT id, user_id, flow_code, form, updated_at FROM application_drafts WHERE user_id = $1 ORDER BY id DESC").bind(user_id).fetch_all(&mut *conn).await?)
}

pub async fn delete_draft(conn: &mut AnyConnection, id: i64, user_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("DELETE FROM application_drafts WHERE id = $1 AND user_id = $2").bind(id).bind(user_id).execute(&mut *conn).await?.rows_affected() == 1)
}
