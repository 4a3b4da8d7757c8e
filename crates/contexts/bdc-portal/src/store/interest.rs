//! 利害关系人查询 — interested-party query applications and their evidence files (B5).
//!
//! An application names the property as the applicant typed it and, when it matched, the unit;
//! the unit is for the registry's eyes until the application is approved. Evidence files live
//! in the file store; this table keeps their key, name, type, size and SM3 digest.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use bdc_db::{format_time, StoreError, StoreResult};

use crate::domain::InterestState;

/// An interested-party query application (利害关系人查询申请).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InterestApplication {
    pub id: i64,
    pub user_id: i64,
    pub party_id: i64,
    /// unit, location or certificate.
    pub property_kind: String,
    pub property_text: String,
    pub unit_id: Option<i64>,
    /// litigant, creditor, buyer_tenant or other.
    pub relation: String,
    pub reason: String,
    /// submitted, approved or refused.
    #[sqlx(try_from = "String")]
    pub state: InterestState,
    pub decided_by: Option<i64>,
    pub decided_at: Option<String>,
    pub decision_reason: String,
    pub created_at: String,
    pub updated_at: String,
}

/// What an application is submitted with.
#[derive(Debug, Clone)]
pub struct NewInterestApplication<'a> {
    pub user_id: i64,
    pub party_id: i64,
    pub property_kind: &'a str,
    pub property_text: &'a str,
    pub unit_id: Option<i64>,
    pub relation: &'a str,
    pub reason: &'a str,
}

/// An evidence file (证明材料) of an application.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Evidence {
    pub application_id: i64,
    /// 1-based position within the application.
    pub seq: i64,
    pub file_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sm3: String,
}

const COLUMNS: &str = "id, user_id, party_id, property_kind, property_text, unit_id, relation, reason, state, decided_by, decided_at, decision_reason, created_at, updated_at";

/// Inserts a submitted application; returns its id.
pub async fn insert_application(conn: &mut AnyConnection, a: &NewInterestApplication<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let now = format_time(now);
    Ok(sqlx::query_scalar(
        "INSERT INTO interest_applications (user_id, party_id, property_kind, property_text, unit_id, relation, reason, state, decision_reason, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $9, '', $8, $8) RETURNING id",
    )
    .bind(a.user_id)
    .bind(a.party_id)
    .bind(a.property_kind)
    .bind(a.property_text)
    .bind(a.unit_id)
    .bind(a.relation)
    .bind(a.reason)
    .bind(now)
    .bind(InterestState::Submitted.code())
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn insert_evidence(conn: &mut AnyConnection, e: &Evidence, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO interest_evidence (application_id, seq, file_key, file_name, content_type, size, sm3, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(e.application_id)
        .bind(e.seq)
        .bind(&e.file_key)
        .bind(&e.file_name)
        .bind(&e.content_type)
        .bind(e.size)
        .bind(&e.sm3)
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn get_application(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<InterestApplication>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM interest_applications WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?)
}

/// A user's own applications, newest first.
pub async fn applications_of_user(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Vec<InterestApplication>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM interest_applications WHERE user_id = $1 ORDER BY id DESC LIMIT 200")).bind(user_id).fetch_all(&mut *conn).await?)
}

/// The review queue: applications in `state`, oldest first (first come, first served).
pub async fn applications_in_state(conn: &mut AnyConnection, state: InterestState, limit: i64) -> StoreResult<Vec<InterestApplication>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM interest_applications WHERE state = $1 ORDER BY created_at, id LIMIT $2")).bind(state.code()).bind(limit).fetch_all(&mut *conn).await?)
}

/// How many applications are in each state: `(state, count)`.
pub async fn count_by_state(conn: &mut AnyConnection) -> StoreResult<Vec<(InterestState, i64)>> {
    let rows = sqlx::query_as::<_, (String, i64)>("SELECT state, COUNT(*) FROM interest_applications GROUP BY state").fetch_all(&mut *conn).await?;
    rows.into_iter().map(|(state, n)| Ok((state_of(state)?, n))).collect()
}

fn state_of(code: String) -> StoreResult<InterestState> {
    InterestState::from_code(&code).ok_or_else(|| StoreError::Corrupt(format!("未知的查询申请状态：{code}")))
}

/// A stored state code, for [`InterestApplication`]'s `FromRow`.
impl TryFrom<String> for InterestState {
    type Error = StoreError;

    fn try_from(code: String) -> StoreResult<InterestState> {
        state_of(code)
    }
}

pub async fn evidence_of(conn: &mut AnyConnection, application_id: i64) -> StoreResult<Vec<Evidence>> {
    Ok(sqlx::query_as("SELECT application_id, seq, file_key, file_name, content_type, size, sm3 FROM interest_evidence WHERE application_id = $1 ORDER BY seq")
        .bind(application_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// Records the decision on a submitted application. False when it was no longer submitted
/// (decided meanwhile by someone else): a decision is taken once.
pub async fn decide(conn: &mut AnyConnection, id: i64, state: InterestState, decided_by: i64, reason: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let now = format_time(now);
    Ok(sqlx::query("UPDATE interest_applications SET state = $1, decided_by = $2, decided_at = $3, decision_reason = $4, updated_at = $3 WHERE id = $5 AND state = $6")
        .bind(state.code())
        .bind(decided_by)
        .bind(now)
        .bind(reason)
        .bind(id)
        .bind(InterestState::Submitted.code())
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1)
}
