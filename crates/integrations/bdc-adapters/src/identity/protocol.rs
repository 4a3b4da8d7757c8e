//! The wire protocol of the identity authority (身份核验接口) and its HTTP client.
//!
//! Requests: `POST {base}/v1/person/verify` and `POST {base}/v1/enterprise/verify`, JSON bodies,
//! signed by the calling application: `X-Bdc-App` (its id), `X-Bdc-Timestamp` (Unix seconds),
//! `X-Bdc-Nonce` (32 hex digits, never reused), `X-Bdc-Signature` = HMAC-SM3 under the
//! application's secret of `POST \n {path} \n {timestamp} \n {nonce} \n SM3(body)`, hex.
//! Answers: JSON whose `request_nonce` repeats the request's nonce, signed with the authority's
//! SM2 key over the exact body bytes (`X-Authority-Signature`, hex r ‖ s). The client refuses an
//! answer whose signature or nonce does not hold, so an old "match" cannot be replayed.

use base64::Engine as _;
use bdc_crypto::{hmac_sm3_hex, random_hex, sm2_verify_hex, sm3_hex};
use serde::{Deserialize, Serialize};

use super::{EnterpriseCheck, IdentityAuthority, IdentityError, PersonCheck};

/// Header names of the protocol.
pub const APP: &str = "x-bdc-app";
pub const TIMESTAMP: &str = "x-bdc-timestamp";
pub const NONCE: &str = "x-bdc-nonce";
pub const SIGNATURE: &str = "x-bdc-signature";
pub const AUTHORITY_SIGNATURE: &str = "x-authority-signature";
pub const PERSON_PATH: &str = "/v1/person/verify";
pub const ENTERPRISE_PATH: &str = "/v1/enterprise/verify";

/// What the authority found (核验结果).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 一致: the name belongs to the number (and, for a person, the photo matches).
    Match,
    /// 姓名（名称）与号码不一致.
    NameMismatch,
    /// 库中无此号.
    NotFound,
    /// 人像比对不一致: name and number agree, the photo is not that person.
    PhotoMismatch,
    /// 法定代表人不一致.
    RepresentativeMismatch,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Match => "match",
            Outcome::NameMismatch => "name_mismatch",
            Outcome::NotFound => "not_found",
            Outcome::PhotoMismatch => "photo_mismatch",
            Outcome::RepresentativeMismatch => "representative_mismatch",
        }
    }
}

/// The person-check body on the wire.
#[derive(Debug, Serialize, Deserialize)]
pub struct PersonRequest {
    pub name: String,
    pub id_number: String,
    /// The photo, standard base64.
    pub photo: String,
}

/// The authority's answer to a person check, as signed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonAnswerBody {
    /// The authority's serial number of the check (核验流水号).
    pub serial: String,
    pub result: Outcome,
    /// 比对分值 in thousandths (0–1000); 0 when no photo was compared.
    pub score: u16,
    pub answered_at: String,
    pub request_nonce: String,
}

/// The enterprise-check body on the wire.
#[derive(Debug, Serialize, Deserialize)]
pub struct EnterpriseRequest {
    pub credit_code: String,
    pub name: String,
    pub representative_name: String,
    pub representative_id: String,
}

/// The authority's answer to an enterprise check, as signed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnterpriseAnswerBody {
    pub serial: String,
    pub result: Outcome,
    pub answered_at: String,
    pub request_nonce: String,
}

/// A verified answer with its proof: the exact signed body and the signature.
#[derive(Debug, Clone)]
pub struct Signed<T> {
    pub answer: T,
    pub body: String,
    pub signature: String,
}

pub type PersonAnswer = Signed<PersonAnswerBody>;
pub type EnterpriseAnswer = Signed<EnterpriseAnswerBody>;

/// The string an application signs for a request.
pub fn signing_string(path: &str, timestamp: &str, nonce: &str, body: &[u8]) -> String {
    format!("POST\n{path}\n{timestamp}\n{nonce}\n{}", sm3_hex(body))
}

/// The HTTP client of an authority: base address, the application's id and secret, and the
/// authority's SM2 public key (hex) its answers are checked against.
#[derive(Debug, Clone)]
pub struct HttpAuthority {
    base: String,
    app: String,
    /// Printed as `[REDACTED]` by `Debug`.
    secret: secrecy::SecretString,
    authority_key: String,
    client: reqwest::Client,
}

impl HttpAuthority {
    pub fn new(base: impl Into<String>, app: impl Into<String>, secret: impl Into<String>, authority_key: impl Into<String>) -> Self {
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).build().unwrap_or_default();
        HttpAuthority { base: base.into().trim_end_matches('/').to_owned(), app: app.into(), secret: secrecy::SecretString::from(secret.into()), authority_key: authority_key.into(), client }
    }

    async fn call<T: for<'de> Deserialize<'de>>(&self, path: &str, body: Vec<u8>, nonce_of: impl Fn(&T) -> &str) -> Result<Signed<T>, IdentityError> {
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let nonce = random_hex(16);
        let signature = hmac_sm3_hex(secrecy::ExposeSecret::expose_secret(&self.secret).as_bytes(), signing_string(path, &timestamp, &nonce, &body).as_bytes());
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header(APP, &self.app)
            .header(TIMESTAMP, &timestamp)
            .header(NONCE, &nonce)
            .header(SIGNATURE, signature)
            .body(body)
            .send()
            .await
            .map_err(|e| IdentityError::Unavailable(e.to_string()))?;
        let status = resp.status();
        let authority_sig = resp.headers().get(AUTHORITY_SIGNATURE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = resp.text().await.map_err(|e| IdentityError::Unavailable(e.to_string()))?;
        if status.is_client_error() {
            return Err(IdentityError::Refused(format!("HTTP {status}: {}", text.chars().take(200).collect::<String>())));
        }
        if !status.is_success() {
            return Err(IdentityError::Unavailable(format!("HTTP {status}")));
        }
        let sig = authority_sig.ok_or(IdentityError::BadSignature)?;
        if !sm2_verify_hex(&self.authority_key, text.as_bytes(), &sig).unwrap_or(false) {
            return Err(IdentityError::BadSignature);
        }
        let answer: T = serde_json::from_str(&text).map_err(|e| IdentityError::Unavailable(format!("应答无法解析：{e}")))?;
        if nonce_of(&answer) != nonce {
            return Err(IdentityError::BadSignature);
        }
        Ok(Signed { answer, body: text, signature: sig })
    }
}

#[async_trait::async_trait]
impl IdentityAuthority for HttpAuthority {
    async fn verify_person(&self, check: &PersonCheck) -> Result<PersonAnswer, IdentityError> {
        let body = serde_json::to_vec(&PersonRequest { name: check.name.clone(), id_number: check.id_number.clone(), photo: base64::engine::general_purpose::STANDARD.encode(&check.photo) })
            .map_err(|e| IdentityError::Unavailable(e.to_string()))?;
        self.call(PERSON_PATH, body, |a: &PersonAnswerBody| &a.request_nonce).await
    }

    async fn verify_enterprise(&self, check: &EnterpriseCheck) -> Result<EnterpriseAnswer, IdentityError> {
        let body = serde_json::to_vec(&EnterpriseRequest {
            credit_code: check.credit_code.clone(),
            name: check.name.clone(),
            representative_name: check.representative_name.clone(),
            representative_id: check.representative_id.clone(),
        })
        .map_err(|e| IdentityError::Unavailable(e.to_string()))?;
        self.call(ENTERPRISE_PATH, body, |a: &EnterpriseAnswerBody| &a.request_nonce).await
    }

    fn name(&self) -> &str {
        &self.base
    }
}

#[cfg(test)]
mod secret_tests {
    use super::*;

    #[test]
    fn the_application_secret_never_shows_in_debug_output() {
        let a = HttpAuthority::new("http://127.0.0.1:1", "bdc", "application-secret-0123", "04ab");
        assert!(!format!("{a:?}").contains("application-secret-0123"));
    }
}
