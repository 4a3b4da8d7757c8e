//! Text messages (短信): one-time codes for sign-up and real-name checks go through this trait.
//!
//! The installation plugs in the operator's gateway; [`SandboxSms`] is the sandbox: it writes the
//! message to the server log (so a tester reads the code there) and keeps the last message per
//! phone number for tests.

use std::collections::HashMap;
use std::sync::Mutex;

/// Errors of a gateway.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("短信发送失败：{0}")]
    Failed(String),
}

#[async_trait::async_trait]
pub trait SmsGateway: Send + Sync + std::fmt::Debug {
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError>;
}

/// The sandbox gateway: logs each message (`短信沙箱`) instead of sending it.
#[derive(Debug, Default)]
pub struct SandboxSms {
    last: Mutex<HashMap<String, String>>,
}

impl SandboxSms {
    /// The last text sent to `phone`.
    pub fn last(&self, phone: &str) -> Option<String> {
        self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(phone).cloned()
    }
}

#[async_trait::async_trait]
impl SmsGateway for SandboxSms {
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError> {
        tracing::warn!(target: "sms_sandbox", phone, text, "短信沙箱（未真实发送）");
        eprintln!("短信沙箱 → {phone}：{text}");
        self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(phone.to_owned(), text.to_owned());
        Ok(())
    }
}
