//! The provincial front-end machine for court requests (前置机): the client BDC polls. The
//! sandbox that speaks the same SOAP/base64 protocol on one machine is `bdc_sandbox::court`.

use super::message::{render_feedback, soap_wrap, Feedback};

/// Errors talking to the front-end.
#[derive(Debug, thiserror::Error)]
pub enum CourtError {
    #[error("法院前置机不可用：{0}")]
    Unavailable(String),
    #[error("法院前置机拒绝：{0}")]
    Refused(String),
}

/// The court front-end as BDC sees it.
#[async_trait::async_trait]
pub trait CourtFrontEnd: Send + Sync + std::fmt::Debug {
    /// Fetches the pending requests. Returns the raw SOAP answer: the caller stores it before
    /// parsing (invariant 7) and reads it with [`super::message::soap_unwrap`].
    async fn fetch_requests(&self) -> Result<String, CourtError>;
    /// Sends the feedback (回执) for processed properties.
    async fn send_feedback(&self, feedback: &[Feedback]) -> Result<(), CourtError>;
}

/// The SOAP client of the real front-end: `POST {url}` with a SOAP envelope.
#[derive(Debug, Clone)]
pub struct SoapClient {
    url: String,
    user: String,
    /// Printed as `[REDACTED]` by `Debug`.
    password: secrecy::SecretString,
    client: reqwest::Client,
}

impl SoapClient {
    pub fn new(url: impl Into<String>, user: impl Into<String>, password: impl Into<String>) -> Self {
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap_or_default();
        SoapClient { url: url.into(), user: user.into(), password: secrecy::SecretString::from(password.into()), client }
    }

    async fn call(&self, operation: &str, payload: &str) -> Result<String, CourtError> {
        let resp = self
            .client
            .post(&self.url)
            .header("content-type", "text/xml; charset=utf-8")
            .header("soapaction", operation)
            .body(soap_wrap(operation, &self.user, secrecy::ExposeSecret::expose_secret(&self.password), payload))
            .send()
            .await
            .map_err(|e| CourtError::Unavailable(e.to_string()))?;
        let status = resp.status();
        let body = resp.text().await.map_err(|e| CourtError::Unavailable(e.to_string()))?;
        if status.is_success() {
            Ok(body)
        } else if status.is_client_error() {
            Err(CourtError::Refused(body))
        } else {
            Err(CourtError::Unavailable(format!("HTTP {status}")))
        }
    }
}

#[async_trait::async_trait]
impl CourtFrontEnd for SoapClient {
    async fn fetch_requests(&self) -> Result<String, CourtError> {
        self.call("getRequests", "").await
    }

    async fn send_feedback(&self, feedback: &[Feedback]) -> Result<(), CourtError> {
        self.call("submitFeedback", &render_feedback(feedback)).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let c = SoapClient::new("http://127.0.0.1:1/", "bdc", "front-end-password");
        assert!(!format!("{c:?}").contains("front-end-password"));
    }
}
