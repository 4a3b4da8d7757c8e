//! 申请材料 — files handed in with a case or an online application, described here and kept in
//! the file store. A file names its owner by kind and id: a case (the register's), or a draft,
//! an application or an authorisation (the portal's, whose kinds the portal names).

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::store::{format_time, StoreResult};

/// Owner kind of a case's files (收件材料).
pub const CASE: &str = "case";

/// One stored file (附件).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub owner_kind: String,
    pub owner_id: i64,
    pub material_code: String,
    pub file_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sm3: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// A file to describe (its bytes are already in the file store under `file_key`).
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub owner_kind: &'a str,
    pub owner_id: i64,
    pub material_code: &'a str,
    pub file_key: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sm3: &'a str,
    pub uploaded_by: &'a str,
}

const COLUMNS: &str = "id, owner_kind, owner_id, material_code, file_key, file_name, content_type, size, sm3, uploaded_by, uploaded_at";

pub async fn insert(conn: &mut AnyConnection, a: &NewAttachment<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO attachments (owner_kind, owner_id, material_code, file_key, file_name, content_type, size, sm3, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(a.owner_kind)
    .bind(a.owner_id)
    .bind(a.material_code)
    .bind(a.file_key)
    .bind(a.file_name)
    .bind(a.content_type)
    .bind(a.size)
    .bind(a.sm3)
    .bind(a.uploaded_by)
    .bind(format_time(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Attachment>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM attachments WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?)
}

/// The files of one owner, in the order they were handed in.
pub async fn of_owner(conn: &mut AnyConnection, owner_kind: &str, owner_id: i64) -> StoreResult<Vec<Attachment>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM attachments WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id")).bind(owner_kind).bind(owner_id).fetch_all(&mut *conn).await?)
}

/// Moves a draft's files to the case it became.
pub async fn move_owner(conn: &mut AnyConnection, from_kind: &str, from_id: i64, to_kind: &str, to_id: i64) -> StoreResult<u64> {
    Ok(sqlx::query("UPDATE attachments SET owner_kind = $3, owner_id = $4 WHERE owner_kind = $1 AND owner_id = $2")
        .bind(from_kind)
        .bind(from_id)
        .bind(to_kind)
        .bind(to_id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Removes the description of one file of an owner (the bytes stay in the store): a draft's
/// files may be taken back before submission. False when the owner has no such file.
pub async fn delete_of_owner(conn: &mut AnyConnection, owner_kind: &str, owner_id: i64, id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("DELETE FROM attachments WHERE id = $1 AND owner_kind = $2 AND owner_id = $3").bind(id).bind(owner_kind).bind(owner_id).execute(&mut *conn).await?.rows_affected() == 1)
}

/// Gives one file its owner (a document recorded before the row it belongs to).
pub async fn move_owner_of(conn: &mut AnyConnection, id: i64, to_kind: &str, to_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE attachments SET owner_kind = $2, owner_id = $3 WHERE id = $1").bind(id).bind(to_kind).bind(to_id).execute(&mut *conn).await?;
    Ok(())
}
