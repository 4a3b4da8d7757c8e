//! Agents' authorisations (授权委托): who may act for which principal, in what, until when, and
//! the signed letter (a file of the register's file index).

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use bdc_db::{format_time, StoreResult};

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
    Ok(sqlx::query_scalar("INSERT INTO agent_authorisations (agent_user_id, principal_party_id, matters, valid_until, document_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(agent_user_id)
        .bind(principal_party_id)
        .bind(matters)
        .bind(valid_until)
        .bind(document_id)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?)
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
