//! Real-name verifications (实名核验记录): what the identity authority answered, kept as proof.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use bdc_db::{format_time, StoreResult};

/// A verification to record.
#[derive(Debug, Clone)]
pub struct NewVerification<'a> {
    /// `person` or `enterprise`.
    pub subject: &'a str,
    pub id_type: &'a str,
    pub id_number_bidx: &'a str,
    pub id_number_masked: &'a str,
    pub name: &'a str,
    /// An enterprise's: the verification of its 法定代表人.
    pub representative_of: Option<i64>,
    pub outcome: &'a str,
    pub score: i64,
    pub authority: &'a str,
    pub serial: &'a str,
    /// The authority's signed answer, exactly as received, and its signature.
    pub answer: &'a str,
    pub signature: &'a str,
    /// `sign_up`, `agent` …
    pub purpose: &'a str,
    pub requested_by: &'a str,
}

/// A recorded verification, as stored (production code reads the outcome and the subject; tests
/// read the whole proof).
#[derive(Debug, Clone, sqlx::FromRow)]
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub struct Verification {
    pub id: i64,
    pub subject: String,
    pub id_type: String,
    pub id_number_bidx: String,
    pub id_number_masked: String,
    pub name: String,
    pub representative_of: Option<i64>,
    pub outcome: String,
    pub score: i64,
    pub authority: String,
    pub serial: String,
    pub answer: String,
    pub signature: String,
    pub purpose: String,
    pub requested_by: String,
    pub created_at: String,
}

pub async fn insert(conn: &mut AnyConnection, v: &NewVerification<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO identity_verifications (subject, id_type, id_number_bidx, id_number_masked, name, representative_of, outcome, score, authority, serial, answer, signature, purpose, requested_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(v.subject)
    .bind(v.id_type)
    .bind(v.id_number_bidx)
    .bind(v.id_number_masked)
    .bind(v.name)
    .bind(v.representative_of)
    .bind(v.outcome)
    .bind(v.score)
    .bind(v.authority)
    .bind(v.serial)
    .bind(v.answer)
    .bind(v.signature)
    .bind(v.purpose)
    .bind(v.requested_by)
    .bind(format_time(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

const COLUMNS: &str = "id, subject, id_type, id_number_bidx, id_number_masked, name, representative_of, outcome, score, authority, serial, answer, signature, purpose, requested_by, created_at";

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<Verification>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM identity_verifications WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?)
}

/// The verifications of one ID number (by its blind index), newest first.
#[cfg(feature = "testing")]
pub async fn of_id_number(conn: &mut AnyConnection, bidx: &str, limit: i64) -> StoreResult<Vec<Verification>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM identity_verifications WHERE id_number_bidx = $1 ORDER BY id DESC LIMIT $2")).bind(bidx).bind(limit).fetch_all(&mut *conn).await?)
}
