//! The public portal's own rows (线上苏小登): real-name accounts, one-time codes, the log of
//! public queries.

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

/// A public account's real-name link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAccount {
    pub user_id: i64,
    pub party_id: i64,
    pub phone_masked: String,
}

/// Links a public account to its party. `verification_id` is the matched real-name verification
/// that proves the link; only a verified link gives the account the party's data.
#[allow(clippy::too_many_arguments)]
pub async fn insert_account(
    conn: &mut AnyConnection,
    user_id: i64,
    party_id: i64,
    verification_id: Option<i64>,
    phone_enc: &str,
    phone_bidx: &str,
    phone_masked: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO portal_accounts (user_id, party_id, verification_id, phone_enc, phone_bidx, phone_masked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(user_id)
        .bind(party_id)
        .bind(verification_id)
        .bind(phone_enc)
        .bind(phone_bidx)
        .bind(phone_masked)
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Links an existing account to a party through a matched verification (实名认证 after sign-up).
pub async fn verify_account(conn: &mut AnyConnection, user_id: i64, party_id: i64, verification_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE portal_accounts SET party_id = $1, verification_id = $2 WHERE user_id = $3").bind(party_id).bind(verification_id).bind(user_id).execute(&mut *conn).await?.rows_affected()
        == 1)
}

/// A public account's link, verified or not.
pub async fn account_any(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Option<(PortalAccount, Option<i64>)>> {
    let r = sqlx::query("SELECT user_id, party_id, phone_masked, verification_id FROM portal_accounts WHERE user_id = $1").bind(user_id).fetch_optional(&mut *conn).await?;
    r.map(|r| Ok((PortalAccount { user_id: r.try_get(0)?, party_id: r.try_get(1)?, phone_masked: r.try_get(2)? }, r.try_get(3)?))).transpose()
}

/// A public account's verified real-name link; `None` for an account without one.
pub async fn account(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Option<PortalAccount>> {
    let r = sqlx::query("SELECT user_id, party_id, phone_masked FROM portal_accounts WHERE user_id = $1 AND verification_id IS NOT NULL").bind(user_id).fetch_optional(&mut *conn).await?;
    r.map(|r| Ok(PortalAccount { user_id: r.try_get(0)?, party_id: r.try_get(1)?, phone_masked: r.try_get(2)? })).transpose()
}

/// Whether a party already has a verified portal account (one real person, one account). An
/// unverified sign-up naming the same party does not count: it never locks out the owner.
pub async fn party_has_account(conn: &mut AnyConnection, party_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM portal_accounts WHERE party_id = $1 AND verification_id IS NOT NULL").bind(party_id).fetch_optional(&mut *conn).await?.is_some())
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
