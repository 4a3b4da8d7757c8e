//! SM2 signing keys (签名密钥), stored with the secret half encrypted under the master key.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::store::{format_time, StoreResult};

/// A signing key as stored: the public key in clear, the secret only as SM4 cipher text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredKey {
    pub id: i64,
    pub purpose: String,
    pub public_key: String,
    pub secret_enc: String,
}

/// The active key of a purpose (e.g. `certificate`, `report`), if any.
pub async fn active_key(conn: &mut AnyConnection, purpose: &str) -> StoreResult<Option<StoredKey>> {
    Ok(sqlx::query_as("SELECT id, purpose, public_key, secret_enc FROM signing_keys WHERE purpose = $1 AND active = 1 ORDER BY id DESC LIMIT 1").bind(purpose).fetch_optional(&mut *conn).await?)
}

pub async fn insert_key(conn: &mut AnyConnection, purpose: &str, public_key: &str, secret_enc: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO signing_keys (purpose, public_key, secret_enc, created_at, active) VALUES ($1, $2, $3, $4, 1) RETURNING id")
        .bind(purpose)
        .bind(public_key)
        .bind(secret_enc)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?)
}

/// A column that holds sealed (SM4-encrypted) texts with personal data: `(table, key, column)`,
/// named by the code (never by input), each context naming its own.
pub type SealedColumn = (&'static str, &'static str, &'static str);

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// Up to `limit` rows of a sealed column still in clear text: `(key as text, text)`.
pub async fn clear_rows(conn: &mut AnyConnection, (table, key, column): SealedColumn, limit: i64) -> StoreResult<Vec<(String, String)>> {
    debug_assert!([table, key, column].into_iter().all(is_identifier));
    Ok(sqlx::query_as(&format!("SELECT CAST({key} AS TEXT), {column} FROM {table} WHERE {column} NOT LIKE 'sm4gcm:%' ORDER BY {key} LIMIT $1")).bind(limit).fetch_all(&mut *conn).await?)
}

/// Replaces a clear text with its sealed form.
pub async fn set_sealed(conn: &mut AnyConnection, (table, key, column): SealedColumn, id: &str, sealed: &str) -> StoreResult<()> {
    debug_assert!([table, key, column].into_iter().all(is_identifier));
    let q = format!("UPDATE {table} SET {column} = $1 WHERE {key} = $2");
    let q = sqlx::query(&q).bind(sealed);
    // Bound with the key's own type, so the primary key's index is used.
    match id.parse::<i64>() {
        Ok(n) if key == "id" => q.bind(n).execute(&mut *conn).await?,
        _ => q.bind(id).execute(&mut *conn).await?,
    };
    Ok(())
}
