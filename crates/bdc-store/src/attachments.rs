//! 申请材料 — files handed in with an application, described here and kept in the file store;
//! drafts of online applications (网上申请草稿); agents' authorisations (授权委托).

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{format_time, StoreResult};

/// Whom a file belongs to.
pub const CASE: &str = "case";
pub const DRAFT: &str = "draft";
pub const AUTHORISATION: &str = "authorisation";

/// One stored file (附件).
#[derive(Debug, Clone, PartialEq, Eq)]
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

fn from_row(r: &AnyRow) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: r.try_get(0)?,
        owner_kind: r.try_get(1)?,
        owner_id: r.try_get(2)?,
        material_code: r.try_get(3)?,
        file_key: r.try_get(4)?,
        file_name: r.try_get(5)?,
        content_type: r.try_get(6)?,
        size: r.try_get(7)?,
        sm3: r.try_get(8)?,
        uploaded_by: r.try_get(9)?,
        uploaded_at: r.try_get(10)?,
    })
}

pub async fn insert(conn: &mut AnyConnection, a: &NewAttachment<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let row = sqlx::query(
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
    Ok(row.try_get(0)?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Attachment>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM attachments WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// The files of one owner, in the order they were handed in.
pub async fn of_owner(conn: &mut AnyConnection, owner_kind: &str, owner_id: i64) -> StoreResult<Vec<Attachment>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM attachments WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id")).bind(owner_kind).bind(owner_id).fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
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

/// Removes the description of a draft's file (the bytes stay in the store; drafts are the only
/// owners whose files may be taken back before submission).
pub async fn delete_draft_file(conn: &mut AnyConnection, draft_id: i64, id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("DELETE FROM attachments WHERE id = $1 AND owner_kind = 'draft' AND owner_id = $2").bind(id).bind(draft_id).execute(&mut *conn).await?.rows_affected() == 1)
}

/// A saved online application (草稿): the form as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: i64,
    pub user_id: i64,
    pub flow_code: String,
    pub form: String,
    pub updated_at: String,
}

fn draft_from_row(r: &AnyRow) -> StoreResult<Draft> {
    Ok(Draft { id: r.try_get(0)?, user_id: r.try_get(1)?, flow_code: r.try_get(2)?, form: r.try_get(3)?, updated_at: r.try_get(4)? })
}

pub async fn insert_draft(conn: &mut AnyConnection, user_id: i64, flow_code: &str, form: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    let row = sqlx::query("INSERT INTO application_drafts (user_id, flow_code, form, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
        .bind(user_id)
        .bind(flow_code)
        .bind(form)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get(0)?)
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
    let row = sqlx::query("SELECT id, user_id, flow_code, form, updated_at FROM application_drafts WHERE id = $1 AND user_id = $2").bind(id).bind(user_id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(draft_from_row).transpose()
}

pub async fn drafts_of(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Vec<Draft>> {
    let rows = sqlx::query("SELECT id, user_id, flow_code, form, updated_at FROM application_drafts WHERE user_id = $1 ORDER BY id DESC").bind(user_id).fetch_all(&mut *conn).await?;
    rows.iter().map(draft_from_row).collect()
}

pub async fn delete_draft(conn: &mut AnyConnection, id: i64, user_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("DELETE FROM application_drafts WHERE id = $1 AND user_id = $2").bind(id).bind(user_id).execute(&mut *conn).await?.rows_affected() == 1)
}

/// An agent's authorisation to act for a principal (授权委托).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorisation {
    pub id: i64,
    pub agent_user_id: i64,
    pub principal_party_id: i64,
    /// What the principal entrusted (委托事项), as written.
    pub matters: String,
    pub valid_until: String,
    pub document_id: i64,
    pub revoked: bool,
    pub created_at: String,
}

fn authorisation_from_row(r: &AnyRow) -> StoreResult<Authorisation> {
    Ok(Authorisation {
        id: r.try_get(0)?,
        agent_user_id: r.try_get(1)?,
        principal_party_id: r.try_get(2)?,
        matters: r.try_get(3)?,
        valid_until: r.try_get(4)?,
        document_id: r.try_get(5)?,
        revoked: r.try_get::<i64, _>(6)? != 0,
        created_at: r.try_get(7)?,
    })
}

const AUTH_COLUMNS: &str = "id, agent_user_id, principal_party_id, matters, valid_until, document_id, revoked, created_at";

pub async fn insert_authorisation(conn: &mut AnyConnection, agent_user_id: i64, principal_party_id: i64, matters: &str, valid_until: &str, document_id: i64, now: DateTime<Utc>) -> StoreResult<i64> {
    let row = sqlx::query("INSERT INTO agent_authorisations (agent_user_id, principal_party_id, matters, valid_until, document_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(agent_user_id)
        .bind(principal_party_id)
        .bind(matters)
        .bind(valid_until)
        .bind(document_id)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get(0)?)
}

pub async fn authorisations_of(conn: &mut AnyConnection, agent_user_id: i64) -> StoreResult<Vec<Authorisation>> {
    let rows = sqlx::query(&format!("SELECT {AUTH_COLUMNS} FROM agent_authorisations WHERE agent_user_id = $1 ORDER BY id DESC")).bind(agent_user_id).fetch_all(&mut *conn).await?;
    rows.iter().map(authorisation_from_row).collect()
}

pub async fn authorisation(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Authorisation>> {
    let row = sqlx::query(&format!("SELECT {AUTH_COLUMNS} FROM agent_authorisations WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?;
    row.as_ref().map(authorisation_from_row).transpose()
}

pub async fn revoke_authorisation(conn: &mut AnyConnection, id: i64, agent_user_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE agent_authorisations SET revoked = 1 WHERE id = $1 AND agent_user_id = $2 AND revoked = 0").bind(id).bind(agent_user_id).execute(&mut *conn).await?.rows_affected() == 1)
}

/// Gives one file its owner (a document recorded before the row it belongs to).
pub async fn move_owner_of(conn: &mut AnyConnection, id: i64, to_kind: &str, to_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE attachments SET owner_kind = $2, owner_id = $3 WHERE id = $1").bind(id).bind(to_kind).bind(to_id).execute(&mut *conn).await?;
    Ok(())
}
