//! SM2 signing keys (签名密钥): created on first use, stored with the secret encrypted (SM4).

use chrono::Utc;

use crate::store::keys;
use bdc_crypto::SigningKeyPair;

use crate::service::{ServiceError, ServiceResult, Services};

/// The active key pair for `purpose` (e.g. `certificate`), created and stored if there is none.
/// Kept in memory after the first use: every certificate and report is signed.
pub async fn signing_key(s: &Services, purpose: &str) -> ServiceResult<SigningKeyPair> {
    if let Some(k) = s.key_cache.lock().ok().and_then(|c| c.get(purpose).cloned()) {
        return Ok(k);
    }
    let pair = load_or_create(s, purpose).await?;
    if let Ok(mut c) = s.key_cache.lock() {
        c.insert(purpose.to_owned(), pair.clone());
    }
    Ok(pair)
}

async fn load_or_create(s: &Services, purpose: &str) -> ServiceResult<SigningKeyPair> {
    let mut tx = s.db.begin().await?;
    let pair = match keys::active_key(&mut tx, purpose).await? {
        Some(k) => {
            let secret = s.cipher().decrypt(&k.secret_enc).map_err(|e| ServiceError::Internal(Box::new(e)))?;
            SigningKeyPair::from_secret_hex(&secret).map_err(|e| ServiceError::Internal(Box::new(e)))?
        }
        None => {
            let pair = SigningKeyPair::generate();
            keys::insert_key(&mut tx, purpose, &pair.public_key_hex(), &s.cipher().encrypt(&pair.secret_hex()), Utc::now()).await?;
            pair
        }
    };
    bdc_db::commit(tx).await?;
    Ok(pair)
}

/// Seals a stored text that holds personal data (保存报文加密): a province message with the
/// holders' 身份证号, a court message or request with the 被执行人's — SM4-GCM under the master
/// key, like the parties' ID numbers. Only [`unseal`] reads it back, to send or to show it.
pub fn seal(s: &Services, plain: &str) -> String {
    s.cipher().encrypt(plain)
}

/// Reads back what [`seal`] stored. A row written before sealing began (migration 0016) is
/// still clear text and is returned as it is; [`seal_legacy`] encrypts such rows. Anything else
/// that does not decrypt is an error with its cause — never an empty text.
pub fn unseal(s: &Services, stored: &str) -> ServiceResult<String> {
    if !stored.starts_with(SEALED_PREFIX) {
        return Ok(stored.to_owned());
    }
    s.cipher().decrypt(stored).map_err(|e| ServiceError::Internal(format!("保存的报文无法解密（主密钥不符或内容被改动）：{e}").into()))
}

/// What [`bdc_crypto::FieldCipher::encrypt`] output starts with.
pub const SEALED_PREFIX: &str = "sm4gcm:";

/// Encrypts the rows of `columns` stored in clear before sealing began (each context passes its
/// own when its jobs start: the court's raw messages, the province messages).
/// Idempotent; returns how many rows it sealed.
pub async fn seal_legacy(s: &Services, columns: &[crate::store::keys::SealedColumn]) -> ServiceResult<usize> {
    let mut n = 0;
    for &col in columns {
        loop {
            let mut tx = s.db.begin().await?;
            let rows = crate::store::keys::clear_rows(&mut tx, col, 500).await?;
            if rows.is_empty() {
                bdc_db::commit(tx).await?;
                break;
            }
            for (id, text) in &rows {
                crate::store::keys::set_sealed(&mut tx, col, id, &seal(s, text)).await?;
            }
            bdc_db::commit(tx).await?;
            n += rows.len();
        }
    }
    Ok(n)
}
