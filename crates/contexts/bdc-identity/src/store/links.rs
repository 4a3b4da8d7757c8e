//! The real-name link of a public account to its party (实名关联, `portal_accounts`): the party
//! the account has been proven to be, the proof (the matched verification), and the phone.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use bdc_db::{format_time, StoreResult};

/// A public account's real-name link.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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
    let r = sqlx::query_as::<_, (i64, i64, String, Option<i64>)>("SELECT user_id, party_id, phone_masked, verification_id FROM portal_accounts WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(r.map(|(user_id, party_id, phone_masked, verification_id)| (PortalAccount { user_id, party_id, phone_masked }, verification_id)))
}

/// A public account's verified real-name link; `None` for an account without one.
pub async fn account(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Option<PortalAccount>> {
    Ok(sqlx::query_as("SELECT user_id, party_id, phone_masked FROM portal_accounts WHERE user_id = $1 AND verification_id IS NOT NULL").bind(user_id).fetch_optional(&mut *conn).await?)
}

/// Whether a party already has a verified portal account (one real person, one account). An
/// unverified sign-up naming the same party does not count: it never locks out the owner.
pub async fn party_has_account(conn: &mut AnyConnection, party_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM portal_accounts WHERE party_id = $1 AND verification_id IS NOT NULL").bind(party_id).fetch_optional(&mut *conn).await?.is_some())
}

/// The encrypted phone number of a public account, for sending it a one-time code.
pub async fn sealed_phone(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT phone_enc FROM portal_accounts WHERE user_id = $1").bind(user_id).fetch_optional(&mut *conn).await?)
}

/// The verified public account linked to a party, if any (one party, one account).
pub async fn account_of_party(conn: &mut AnyConnection, party_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT user_id FROM portal_accounts WHERE party_id = $1 AND verification_id IS NOT NULL").bind(party_id).fetch_optional(&mut *conn).await?)
}
