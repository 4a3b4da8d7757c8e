//! Signed checkpoints of the register's journal (账本检查点).
//!
//! The journal is an SM3 hash chain, but a chain alone proves nothing to someone who can write
//! the database: he can rewrite an entry and recompute every hash after it. So the head of the
//! chain is signed with the office's SM2 key at intervals (every day, with the 登簿日志 job) and
//! kept outside the database, in the file store: `checkpoints/journal-latest.json` and one file
//! per checkpoint. `bdc verify` checks the chain against the latest checkpoint: an entry at or
//! before it whose hash differs, or a journal shorter than it, is forgery. The signing key's
//! secret is stored SM4-encrypted under the master key, which is not in the database either.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::journal;
use bdc_crypto::sm2_verify_hex;

use crate::service::{ServiceError, ServiceResult, Services};

/// Purpose of the SM2 key that signs checkpoints.
pub const KEY_PURPOSE: &str = "journal";
/// File-store key of the latest checkpoint.
pub const LATEST: &str = "checkpoints/journal-latest.json";

/// One signed checkpoint: the journal's head at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// When it was taken (UTC, stored format).
    pub at: String,
    /// The SM2 public key it was signed with (hex, SEC1 uncompressed).
    pub public_key: String,
    /// SM2 signature of [`Checkpoint::message`], hex.
    pub signature: String,
}

impl Checkpoint {
    /// The signed text: a fixed prefix, the sequence number, the hash and the time.
    pub fn message(seq: i64, hash: &str, at: &str) -> String {
        format!("BDC-JOURNAL-CHECKPOINT\n{seq}\n{hash}\n{at}")
    }

    /// Is the signature good for the key it names?
    pub fn signature_valid(&self) -> bool {
        sm2_verify_hex(&self.public_key, Self::message(self.seq, &self.hash, &self.at).as_bytes(), &self.signature).unwrap_or(false)
    }
}

/// Signs the journal's head now and stores the checkpoint; `None` while the journal is empty.
pub async fn write(s: &Services, now: DateTime<Utc>) -> ServiceResult<Option<Checkpoint>> {
    let (seq, hash) = {
        let mut conn = s.db.conn().await?;
        journal::head(&mut conn).await?
    };
    if seq == 0 {
        return Ok(None);
    }
    let cp = sign(s, seq, hash, now).await?;
    let text = serde_json::to_vec_pretty(&cp).map_err(|e| ServiceError::Internal(Box::new(e)))?;
    s.files.put(&format!("checkpoints/journal-{seq:012}.json"), &text).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    s.files.put(LATEST, &text).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    Ok(Some(cp))
}

/// Signs the journal head `(seq, hash)` with the office's journal key.
pub async fn sign(s: &Services, seq: i64, hash: String, now: DateTime<Utc>) -> ServiceResult<Checkpoint> {
    let key = crate::service::keys::signing_key(s, KEY_PURPOSE).await?;
    let at = journal::now_text(now);
    let signature = key.sign_hex(Checkpoint::message(seq, &hash, &at).as_bytes());
    Ok(Checkpoint { seq, hash, at, public_key: key.public_key_hex(), signature })
}

/// The checkpoint the day's LogBiz carries: the one [`write`] takes and stores, or, while the
/// journal is still empty, a signed empty head (sequence 0), which is not stored.
pub async fn for_log(s: &Services, now: DateTime<Utc>) -> ServiceResult<Checkpoint> {
    match write(s, now).await? {
        Some(cp) => Ok(cp),
        None => sign(s, 0, "0".repeat(64), now).await,
    }
}

/// The latest stored checkpoint, if any has been taken. An unreadable one is an error: it is
/// evidence, and must not silently count as absent.
pub async fn latest(s: &Services) -> ServiceResult<Option<Checkpoint>> {
    if !s.files.exists(LATEST).await.map_err(|e| ServiceError::Internal(Box::new(e)))? {
        return Ok(None);
    }
    let bytes = s.files.get(LATEST).await.map_err(|e| ServiceError::Internal(Box::new(e)))?;
    serde_json::from_slice(&bytes).map(Some).map_err(|e| ServiceError::Internal(format!("账本检查点无法读取：{e}").into()))
}
