//! Online applications waiting for their co-applicants (网上申请与共同申请确认) and the
//! confirmations kept with the case they became. The services decide the states; the rows keep
//! them as their stable codes.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use bdc_db::{format_time, StoreResult};

/// An online application as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub user_id: i64,
    pub party_id: i64,
    pub flow_code: String,
    pub unit_id: i64,
    pub state: String,
    pub request: String,
    pub case_id: Option<i64>,
    pub reason: String,
    pub created_at: String,
    pub updated_at: String,
}

/// One co-applicant's confirmation as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConfirmationRow {
    pub application_id: i64,
    pub party_id: i64,
    pub roles: String,
    pub state: String,
    pub user_id: Option<i64>,
    pub decided_at: Option<String>,
    pub reason: String,
}

const COLUMNS: &str = "id, user_id, party_id, flow_code, unit_id, state, request, case_id, reason, created_at, updated_at";

/// The fields of a new application.
pub struct NewApplication<'a> {
    pub user_id: i64,
    pub party_id: i64,
    pub flow_code: &'a str,
    pub unit_id: i64,
    pub state: &'a str,
    pub request: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, a: &NewApplication<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let t = format_time(now);
    let id = sqlx::query_scalar("INSERT INTO online_applications (user_id, party_id, flow_code, unit_id, state, request, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id")
        .bind(a.user_id)
        .bind(a.party_id)
        .bind(a.flow_code)
        .bind(a.unit_id)
        .bind(a.state)
        .bind(a.request)
        .bind(&t)
        .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

pub async fn insert_confirmation(conn: &mut AnyConnection, application_id: i64, party_id: i64, roles: &str, state: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO application_confirmations (application_id, party_id, roles, state, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(application_id)
        .bind(party_id)
        .bind(roles)
        .bind(state)
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<ApplicationRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM online_applications WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?)
}

/// The application a case was opened from, if it was made online.
pub async fn of_case(conn: &mut AnyConnection, case_id: i64) -> StoreResult<Option<ApplicationRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM online_applications WHERE case_id = $1")).bind(case_id).fetch_optional(&mut *conn).await?)
}

/// Applications made by a user, and those naming a party as co-applicant, newest first.
pub async fn visible_to(conn: &mut AnyConnection, user_id: i64, party_id: i64, limit: i64) -> StoreResult<Vec<ApplicationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM online_applications WHERE user_id = $1 OR id IN (SELECT application_id FROM application_confirmations WHERE party_id = $2) ORDER BY id DESC LIMIT $3"
    ))
    .bind(user_id)
    .bind(party_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn confirmations(conn: &mut AnyConnection, application_id: i64) -> StoreResult<Vec<ConfirmationRow>> {
    Ok(sqlx::query_as("SELECT application_id, party_id, roles, state, user_id, decided_at, reason FROM application_confirmations WHERE application_id = $1 ORDER BY id")
        .bind(application_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// Records a co-applicant's decision; false when it was no longer pending (decided already).
#[allow(clippy::too_many_arguments)]
pub async fn decide(conn: &mut AnyConnection, application_id: i64, party_id: i64, pending: &str, state: &str, user_id: i64, reason: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = sqlx::query("UPDATE application_confirmations SET state = $1, user_id = $2, reason = $3, decided_at = $4 WHERE application_id = $5 AND party_id = $6 AND state = $7")
        .bind(state)
        .bind(user_id)
        .bind(reason)
        .bind(format_time(now))
        .bind(application_id)
        .bind(party_id)
        .bind(pending)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Moves an application from one state to another; false when it was not in `from` (a race
/// with another confirmation or a decline).
pub async fn set_state(conn: &mut AnyConnection, id: i64, from: &str, to: &str, case_id: Option<i64>, reason: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = sqlx::query("UPDATE online_applications SET state = $1, case_id = COALESCE($2, case_id), reason = $3, updated_at = $4 WHERE id = $5 AND state = $6")
        .bind(to)
        .bind(case_id)
        .bind(reason)
        .bind(format_time(now))
        .bind(id)
        .bind(from)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n == 1)
}
