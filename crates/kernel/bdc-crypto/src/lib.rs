//! Chinese commercial cryptography (国密) primitives for personal data and signatures.
//!
//! - SM3 hashing ([`sm3_hex`]) — tokens, the register's hash chain.
//! - SM4-GCM field encryption ([`FieldCipher`]) — ID numbers, phones, addresses at rest. GCM
//!   (RFC 8998) authenticates as well as encrypts, so a tampered cipher text is refused.
//! - HMAC-SM3 blind index ([`FieldCipher::blind_index`]) — exact lookup of an encrypted value
//!   without decrypting the column.
//! - SM2 signatures ([`SigningKeyPair`]) — certificates, receipts and report messages.
//!
//! The master key never lives in the repository: it comes from configuration or the
//! environment, or (embedded default only) is generated into the data directory.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{AesGcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sm2::dsa::signature::{Signer, Verifier};
use sm3::{Digest, Sm3};

type Sm4Gcm = AesGcm<sm4::Sm4, aes_gcm::aead::consts::U12>;
type HmacSm3 = Hmac<Sm3>;

/// The distinguishing identifier of SM2 signatures made by BDC (GB/T 32918 default ID).
pub const SM2_DIST_ID: &str = "1234567812345678";

/// Errors of the crypto primitives. Messages are for operators; none reveals key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("主密钥格式错误：应为 64 位十六进制字符（32 字节）")]
    BadMasterKey,
    #[error("密文格式错误或已被篡改")]
    BadCipherText,
    #[error("签名密钥格式错误")]
    BadSigningKey,
    #[error("签名格式错误")]
    BadSignature,
}

/// SM3 digest of `data` as lower-case hex (64 characters).
pub fn sm3_hex(data: &[u8]) -> String {
    hex::encode(Sm3::digest(data))
}

/// SM3 of the concatenation of `parts`, as lower-case hex, without copying them into one buffer.
pub fn sm3_hex_parts(parts: &[&[u8]]) -> String {
    let mut h = Sm3::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// HMAC-SM3 of `data` under `key`, as lower-case hex.
pub fn hmac_sm3_hex(key: &[u8], data: &[u8]) -> String {
    let mut mac = <HmacSm3 as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// `n` random bytes from the operating system, hex-encoded: session tokens, CSRF tokens, keys.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// The master key (主密钥): 32 bytes, from which the SM4 field key and the blind-index key are
/// derived, so one secret is configured and the two uses never share a key.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    /// Parses the 64-hex-character form used in configuration and the key file.
    pub fn from_hex(s: &str) -> Result<Self, CryptoError> {
        let bytes = hex::decode(s.trim()).map_err(|_| CryptoError::BadMasterKey)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadMasterKey)?;
        Ok(MasterKey(arr))
    }

    /// A new random master key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        OsRng.fill_bytes(&mut k);
        MasterKey(k)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    fn derive(&self, label: &str) -> Vec<u8> {
        let mut mac = <HmacSm3 as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// Field encryption and blind indexing under one master key.
#[derive(Clone)]
pub struct FieldCipher {
    cipher: Sm4Gcm,
    index_key: Vec<u8>,
}

impl FieldCipher {
    pub fn new(master: &MasterKey) -> Self {
        let enc_key = master.derive("bdc/field-encryption/sm4");
        let cipher = Sm4Gcm::new_from_slice(&enc_key[..16]).expect("SM4 key is 16 bytes");
        FieldCipher { cipher, index_key: master.derive("bdc/blind-index/hmac-sm3") }
    }

    /// Encrypts `plain` with a fresh nonce. Output: `sm4gcm:` + base64(nonce ‖ cipher text ‖ tag).
    pub fn encrypt(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let ct = self.cipher.encrypt(Nonce::from_slice(&nonce), plain.as_bytes()).expect("SM4-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend(ct);
        format!("sm4gcm:{}", B64.encode(out))
    }

    /// Decrypts what [`encrypt`](Self::encrypt) produced; refuses anything altered.
    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let body = stored.strip_prefix("sm4gcm:").ok_or(CryptoError::BadCipherText)?;
        let raw = B64.decode(body).map_err(|_| CryptoError::BadCipherText)?;
        if raw.len() < 12 + 16 {
            return Err(CryptoError::BadCipherText);
        }
        let (nonce, ct) = raw.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), ct).map_err(|_| CryptoError::BadCipherText)?;
        String::from_utf8(plain).map_err(|_| CryptoError::BadCipherText)
    }

    /// Keyed blind index (HMAC-SM3) of a value, for exact lookups of encrypted columns. The value
    /// is normalised (trimmed, upper-cased) so `11010519491231002x` finds `…002X`.
    pub fn blind_index(&self, value: &str) -> String {
        hmac_sm3_hex(&self.index_key, value.trim().to_uppercase().as_bytes())
    }
}

/// An SM2 key pair for signing (签名密钥对).
#[derive(Clone)]
pub struct SigningKeyPair {
    key: sm2::dsa::SigningKey,
}

impl std::fmt::Debug for SigningKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKeyPair(public={})", self.public_key_hex())
    }
}

impl SigningKeyPair {
    pub fn generate() -> Self {
        let secret = sm2::SecretKey::random(&mut OsRng);
        let key = sm2::dsa::SigningKey::new(SM2_DIST_ID, &secret).expect("a random secret key is valid");
        SigningKeyPair { key }
    }

    /// The 32-byte secret scalar, hex. Store it only encrypted ([`FieldCipher::encrypt`]).
    pub fn secret_hex(&self) -> String {
        hex::encode(self.key.to_bytes())
    }

    pub fn from_secret_hex(s: &str) -> Result<Self, CryptoError> {
        let bytes = hex::decode(s).map_err(|_| CryptoError::BadSigningKey)?;
        let key = sm2::dsa::SigningKey::from_slice(SM2_DIST_ID, &bytes).map_err(|_| CryptoError::BadSigningKey)?;
        Ok(SigningKeyPair { key })
    }

    /// Uncompressed SEC1 public key (04 ‖ x ‖ y), hex — what verifiers are given.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_sec1_bytes())
    }

    /// SM2 signature (r ‖ s, 64 bytes) of `msg`, hex.
    pub fn sign_hex(&self, msg: &[u8]) -> String {
        let sig: sm2::dsa::Signature = self.key.sign(msg);
        hex::encode(sig.to_bytes())
    }
}

/// Verifies an SM2 signature made by [`SigningKeyPair::sign_hex`] against a public key in hex.
pub fn sm2_verify_hex(public_key_hex: &str, msg: &[u8], signature_hex: &str) -> Result<bool, CryptoError> {
    let pk = hex::decode(public_key_hex).map_err(|_| CryptoError::BadSigningKey)?;
    let vk = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DIST_ID, &pk).map_err(|_| CryptoError::BadSigningKey)?;
    let sig_bytes = hex::decode(signature_hex).map_err(|_| CryptoError::BadSignature)?;
    let sig = sm2::dsa::Signature::from_slice(&sig_bytes).map_err(|_| CryptoError::BadSignature)?;
    Ok(vk.verify(msg, &sig).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_matches_the_standard_example() {
        // GB/T 32905-2016, example 1: "abc".
        assert_eq!(sm3_hex(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }

    #[test]
    fn field_encryption_round_trips_and_detects_tampering() {
        let c = FieldCipher::new(&MasterKey::generate());
        let stored = c.encrypt("11010519491231002X");
        assert_ne!(stored, c.encrypt("11010519491231002X"), "fresh nonce each time");
        assert_eq!(c.decrypt(&stored).unwrap(), "11010519491231002X");
        let mut tampered = stored.clone().into_bytes();
        let i = tampered.len() - 5;
        tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
        assert_eq!(c.decrypt(&String::from_utf8(tampered).unwrap()), Err(CryptoError::BadCipherText));
        assert_eq!(c.decrypt("plain"), Err(CryptoError::BadCipherText));
        let other = FieldCipher::new(&MasterKey::generate());
        assert_eq!(other.decrypt(&stored), Err(CryptoError::BadCipherText));
    }

    #[test]
    fn blind_index_is_stable_normalised_and_keyed() {
        let key = MasterKey::generate();
        let c = FieldCipher::new(&key);
        assert_eq!(c.blind_index("11010519491231002X"), c.blind_index(" 11010519491231002x "));
        assert_ne!(c.blind_index("11010519491231002X"), c.blind_index("440524188001010014"));
        let c2 = FieldCipher::new(&MasterKey::from_hex(&key.to_hex()).unwrap());
        assert_eq!(c.blind_index("x"), c2.blind_index("x"));
        assert_ne!(c.blind_index("x"), FieldCipher::new(&MasterKey::generate()).blind_index("x"));
    }

    #[test]
    fn master_key_parsing() {
        assert_eq!(MasterKey::from_hex("abc").unwrap_err(), CryptoError::BadMasterKey);
        assert_eq!(MasterKey::from_hex(&"zz".repeat(32)).unwrap_err(), CryptoError::BadMasterKey);
        assert!(MasterKey::from_hex(&"00".repeat(32)).is_ok());
        assert_eq!(format!("{:?}", MasterKey::generate()), "MasterKey(***)");
    }

    #[test]
    fn sm2_signatures_verify_and_reject_alteration() {
        let kp = SigningKeyPair::generate();
        let sig = kp.sign_hex(b"certificate payload");
        let pk = kp.public_key_hex();
        assert!(sm2_verify_hex(&pk, b"certificate payload", &sig).unwrap());
        assert!(!sm2_verify_hex(&pk, b"certificate payloaD", &sig).unwrap());
        let restored = SigningKeyPair::from_secret_hex(&kp.secret_hex()).unwrap();
        assert_eq!(restored.public_key_hex(), pk);
        let other = SigningKeyPair::generate();
        assert!(!sm2_verify_hex(&other.public_key_hex(), b"certificate payload", &sig).unwrap());
        assert!(sm2_verify_hex(&pk, b"x", "00").is_err());
    }
}
