//! SM2 signing keys (签名密钥): created on first use, stored with the secret encrypted (SM4).

use chrono::Utc;

use bdc_domain::crypto::SigningKeyPair;
use bdc_store::keys;

use crate::{ServiceError, ServiceResult, Services};

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
    bdc_store::commit(tx).await?;
    Ok(pair)
}
