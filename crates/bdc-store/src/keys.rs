//! SM2 signing keys (签名密钥), stored with the secret half encrypted under the master key.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use crate::{format_time, StoreResult};

/// A signing key as stored: the public key in clear, the secret only as SM4 cipher text.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub id: i64,
    pub purpose: String,
    pub public_key: String,
    pub secret_enc: String,
}

/// The active key of a purpose (e.g. `certificate`, `report`), if any.
pub async fn active_key(conn: &mut AnyConnection, purpose: &str) -> StoreResult<Option<StoredKey>> {
    let row = sqlx::query("SELECT id, purpose, public_key, secret_enc FROM signing_keys WHERE purpose = $1 AND active = 1 ORDER BY id DESC LIMIT 1")
        .bind(purpose)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        Ok(StoredKey {
            id: r.try_get("id")?,
            purpose: r.try_get("purpose")?,
            public_key: r.try_get("public_key")?,
            secret_enc: r.try_get("secret_enc")?,
        })
    })
    .transpose()
}

pub async fn insert_key(conn: &mut AnyConnection, purpose: &str, public_key: &str, secret_enc: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query("INSERT INTO signing_keys (purpose, public_key, secret_enc, created_at, active) VALUES ($1, $2, $3, $4, 1) RETURNING id")
        .bind(purpose)
        .bind(public_key)
        .bind(secret_enc)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}
