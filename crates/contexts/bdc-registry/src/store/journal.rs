//! The register's journal (登簿日志账本): append-only, SM3-chained.
//!
//! Each 登簿 appends exactly one entry holding the whole change as JSON. Its hash is
//! `SM3(prev_hash ‖ "\n" ‖ seq ‖ "\n" ‖ payload)`, so altering, removing or reordering any entry
//! breaks every hash after it. `journal_head` holds the tip; updating it inside the registration
//! transaction orders registrations and makes the chain linear on both engines.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::store::{format_time, StoreError, StoreResult};

/// The change an entry records. Serialised with sorted keys, so the text (and hash) is stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub flow_code: Option<String>,
    pub at: String,
    pub steps: Vec<Step>,
}

/// One step of a registration, with every value a projection row needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Step {
    /// A right or restriction became current.
    Create {
        right_id: i64,
        unit_id: i64,
        kind: String,
        co_ownership: String,
        /// `(party id, share)`.
        holders: Vec<(i64, String)>,
        details: String,
        certificate: Option<String>,
        certificate_kind: Option<String>,
        predecessor_id: Option<i64>,
        /// The holders' names at registration, in the order of `holders` (账本格式 2): so a
        /// name altered in `parties` behind the register's back is found by `bdc verify`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        names: Vec<String>,
        /// The unit's 坐落 at registration (账本格式 2), for the same reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
    },
    /// A current right became historic (2) or ended (3).
    End { right_id: i64, state: i64 },
    /// The right's certificate was voided and a new one issued.
    Recertify { right_id: i64, old_certificate: Option<String>, certificate: String, certificate_kind: String },
    /// The unit's 坐落 changed (坐落变更).
    Relocate { unit_id: i64, previous: String, location: String },
    /// A party's name changed (姓名或名称变更).
    Rename { party_id: i64, previous: String, name: String },
}

/// The hash of an entry.
pub fn entry_hash(prev_hash: &str, seq: i64, payload: &str) -> String {
    // The same bytes as `format!("{prev_hash}\n{seq}\n{payload}")`, hashed in place.
    bdc_crypto::sm3_hex_parts(&[prev_hash.as_bytes(), b"\n", seq.to_string().as_bytes(), b"\n", payload.as_bytes()])
}

/// Reserves the next sequence number: locks the head row for the rest of the transaction.
pub async fn next_seq(conn: &mut AnyConnection) -> StoreResult<(i64, String)> {
    Ok(sqlx::query_as("UPDATE journal_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").fetch_one(&mut *conn).await?)
}

/// The format entries are written in (账本格式). 1: the payload alone (the first entries).
/// 2: the payload sealed with its format number and actor, so the hash covers who registered it,
/// when and for which case, and every `Create` step names the holders and the unit's 坐落.
pub const FORMAT: u8 = 2;

/// The stored text of an entry: `{"v":2,"actor":…, …payload}` — a canonical encoding (fixed
/// field order, no whitespace) that the hash is taken over.
#[derive(Serialize)]
struct Sealed<'a> {
    v: u8,
    actor: &'a str,
    #[serde(flatten)]
    payload: &'a Payload,
}

/// The seal of a stored entry, when it has one (format 2 and later).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Seal {
    pub v: Option<u8>,
    pub actor: Option<String>,
}

/// Reads the seal of a stored entry text.
pub fn seal_of(text: &str) -> Seal {
    serde_json::from_str(text).unwrap_or_default()
}

/// The stored (and hashed) text of an entry made by `actor` (format [`FORMAT`]).
pub fn sealed_text(actor: &str, payload: &Payload) -> String {
    serde_json::to_string(&Sealed { v: FORMAT, actor, payload }).unwrap_or_default()
}

/// Appends the entry for a reserved `seq` whose predecessor hash is `prev_hash`.
pub async fn append(conn: &mut AnyConnection, seq: i64, prev_hash: &str, actor: &str, payload: &Payload, now: DateTime<Utc>) -> StoreResult<String> {
    let text = serde_json::to_string(&Sealed { v: FORMAT, actor, payload }).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let hash = entry_hash(prev_hash, seq, &text);
    sqlx::query("INSERT INTO journal (seq, at, case_id, actor, prev_hash, hash, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(seq)
        .bind(format_time(now))
        .bind(payload.case_id)
        .bind(actor)
        .bind(prev_hash)
        .bind(&hash)
        .bind(&text)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE journal_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    Ok(hash)
}

/// A stored entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub case_id: Option<i64>,
    pub actor: String,
    pub prev_hash: String,
    pub hash: String,
    pub payload: String,
}

/// When and by whom each of several entries was made (登簿时间, 登簿人), in one statement:
/// `(seq, at, actor)`.
pub async fn stamps(conn: &mut AnyConnection, seqs: &[i64]) -> StoreResult<Vec<(i64, String, String)>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT seq, at, actor FROM journal WHERE seq IN ({})", bdc_db::placeholders(1, seqs.len()));
    let mut q = sqlx::query_as(&sql);
    for seq in seqs {
        q = q.bind(*seq);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

/// Entries after `after_seq`, in order, at most `limit`.
pub async fn entries(conn: &mut AnyConnection, after_seq: i64, limit: i64) -> StoreResult<Vec<Entry>> {
    Ok(sqlx::query_as("SELECT seq, at, case_id, actor, prev_hash, hash, payload FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2").bind(after_seq).bind(limit).fetch_all(&mut *conn).await?)
}

/// The head: last sequence number and hash.
pub async fn head(conn: &mut AnyConnection) -> StoreResult<(i64, String)> {
    Ok(sqlx::query_as("SELECT seq, hash FROM journal_head WHERE id = 1").fetch_one(&mut *conn).await?)
}

/// Parses a payload; `None` when the text is not a payload (tampering).
pub fn parse_payload(text: &str) -> Option<Payload> {
    serde_json::from_str(text).ok()
}

/// The text a payload is stored as.
pub fn payload_text(p: &Payload) -> String {
    serde_json::to_string(p).unwrap_or_default()
}

/// `Utc::now()` in the stored format, for payloads.
pub fn now_text(now: DateTime<Utc>) -> String {
    format_time(now)
}

/// One entry by sequence number.
pub async fn entry(conn: &mut AnyConnection, seq: i64) -> StoreResult<Option<Entry>> {
    Ok(entries(conn, seq - 1, 1).await?.into_iter().next().filter(|e| e.seq == seq))
}

/// Entries written in `[from, to)` (UTC), in order: a day's registrations.
pub async fn entries_between(conn: &mut AnyConnection, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<Entry>> {
    Ok(sqlx::query_as("SELECT seq, at, case_id, actor, prev_hash, hash, payload FROM journal WHERE at >= $1 AND at < $2 ORDER BY seq")
        .bind(format_time(from))
        .bind(format_time(to))
        .fetch_all(&mut *conn)
        .await?)
}
