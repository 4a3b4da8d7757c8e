//! The identity authority (身份核验): 公安 人证比对 for persons and the enterprise registry
//! (市场监管 企业信用信息) for enterprises and institutions.
//!
//! Real-name (实名) on the portal is proven by this authority, never by the register: a person
//! gives name, 公民身份号码 and a live photo (活体照片), and the authority answers whether the name
//! belongs to the number and how well the photo matches the ID photo on file (比对分值); an
//! enterprise is proven by its 法定代表人's verified identity plus the registry's record of the
//! credit code, name and representative. Every answer is signed by the authority (SM2) and kept
//! with the verification as its proof.
//!
//! The protocol is in `docs/IDENTITY-PROTOCOL.md`: JSON over HTTP(S), each request signed with
//! HMAC-SM3 under the application's secret, each answer signed with the authority's SM2 key.
//! [`HttpAuthority`] is the client; `bdc_sandbox::identity` is an authority on one machine for
//! tests and the demo.

pub mod protocol;

pub use protocol::{EnterpriseAnswer, HttpAuthority, Outcome, PersonAnswer};

/// Errors talking to the authority. A refused or unreadable answer is never a "no match": the
/// caller tells the user the check could not be made, and nothing is decided.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("身份核验服务不可用：{0}")]
    Unavailable(String),
    #[error("身份核验服务拒绝请求：{0}")]
    Refused(String),
    #[error("身份核验服务的应答签名无效")]
    BadSignature,
}

/// A person to verify (人证比对请求).
#[derive(Debug, Clone)]
pub struct PersonCheck {
    pub name: String,
    /// 公民身份号码, validated by the caller.
    pub id_number: String,
    /// The live photo, JPEG or PNG bytes.
    pub photo: Vec<u8>,
}

/// An enterprise or institution to verify (企业身份核验请求): its record at the registry.
#[derive(Debug, Clone)]
pub struct EnterpriseCheck {
    /// 统一社会信用代码, validated by the caller.
    pub credit_code: String,
    pub name: String,
    /// 法定代表人 (负责人) as the applicant states it.
    pub representative_name: String,
    pub representative_id: String,
}

/// The identity authority as BDC sees it.
#[async_trait::async_trait]
pub trait IdentityAuthority: Send + Sync + std::fmt::Debug {
    /// 人证比对: name against number, photo against the ID photo on file.
    async fn verify_person(&self, check: &PersonCheck) -> Result<PersonAnswer, IdentityError>;
    /// The registry's record of an enterprise against what the applicant states.
    async fn verify_enterprise(&self, check: &EnterpriseCheck) -> Result<EnterpriseAnswer, IdentityError>;
    /// A short name of the authority, recorded with each verification.
    fn name(&self) -> &str;
}

/// Whether `bytes` look like a photo the authority accepts: JPEG or PNG, 1 KB to 2 MB.
pub fn photo_kind(bytes: &[u8]) -> Option<&'static str> {
    if !(1024..=2 * 1024 * 1024).contains(&bytes.len()) {
        return None;
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else {
        None
    }
}
