//! The one error type of the use cases (业务错误).

use chrono::{DateTime, Utc};

/// What went wrong in a use case. Each variant carries a Chinese message for the user; the
/// cause of an internal error is kept for the log and never shown.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input that breaks a rule; `field` names the offending field when there is one.
    #[error("{message}")]
    Validation { code: &'static str, message: String, field: Option<String> },
    #[error("{0}")]
    NotFound(String),
    /// The state changed under the caller (a stale version, a duplicate name).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Not logged in, or the credentials are wrong.
    #[error("{0}")]
    Unauthenticated(String),
    /// Logged in but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// The account is locked after repeated failures.
    #[error("账户因多次登录失败已被锁定，请于 {} 后再试", crate::time::beijing(*until).format("%Y-%m-%d %H:%M"))]
    Locked { until: DateTime<Utc> },
    /// Too many requests of one kind from one account or address (频率限制); try again after
    /// `retry_after` seconds.
    #[error("请求过于频繁，请 {retry_after} 秒后再试")]
    RateLimited { retry_after: u64 },
    /// Restriction or review rules stop the case (限制验证未通过); the findings say which and why.
    #[error("{message}")]
    RuleBlocked { message: String, findings: Vec<crate::finding::Finding> },
    /// An outside system the use case needs cannot answer now (身份核验服务 …); nothing changed.
    #[error("{0}")]
    Unavailable(String),
    #[error("服务器内部错误")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn validation(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Validation { code, message: message.into(), field: None }
    }

    pub fn field(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        ServiceError::Validation { code, message: message.into(), field: Some(field.to_owned()) }
    }

    /// The message with its whole chain of causes, for the log and a job's `last_error`: an
    /// internal error shown to a user says only 服务器内部错误, but whoever looks at a failed job
    /// must see what failed (the database, the transport, the file system …).
    pub fn cause(&self) -> String {
        let mut out = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            out.push('：');
            out.push_str(&e.to_string());
            next = e.source();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cause_of_an_internal_error_is_kept() {
        let e = ServiceError::Internal("连接被拒绝 (os error 111)".into());
        assert_eq!(e.to_string(), "服务器内部错误");
        assert_eq!(e.cause(), "服务器内部错误：连接被拒绝 (os error 111)");
        assert_eq!(ServiceError::validation("x", "缺少日期").cause(), "缺少日期");
    }
}
