//! The one error type of the use cases (业务错误).

use chrono::{DateTime, Utc};

/// What went wrong in a use case. Each variant carries a Chinese message for the user; the
/// cause of an internal error is kept for the log and never shown.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input that breaks a rule; `field` names the offending field when there is one.
    #[error("{message}")]
    Validation { code: &'static str, message: String, field: Option<String> },
    /// Several fields break rules at once (表单多处有误): a form is checked whole and every
    /// problem is reported in one answer, each beside its field, so the user corrects them all
    /// in one go instead of meeting them one submit at a time. Never empty; a single problem is
    /// a [`ServiceError::Validation`] (see [`FieldErrors::finish`]).
    #[error("{}", fields_summary(.0))]
    Fields(Vec<FieldError>),
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

/// One field's problem (字段错误): the stable code, the field as the form or request names it
/// (`property`, `others[1].id_number` …) and the Chinese message shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub code: &'static str,
    pub field: String,
    pub message: String,
}

fn fields_summary(errors: &[FieldError]) -> String {
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    format!("共有 {} 处需要修改：{}", errors.len(), messages.join("；"))
}

/// The field errors of a form as it is checked (逐项核对): a check that fails on a field is
/// noted and the next one runs; [`FieldErrors::finish`] answers them all at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        FieldErrors::default()
    }

    /// Notes a problem of `field`. A field keeps its first problem only: the one to fix first.
    pub fn add(&mut self, code: &'static str, field: &str, message: impl Into<String>) {
        if !self.has(field) {
            self.0.push(FieldError { code, field: field.to_owned(), message: message.into() });
        }
    }

    /// Whether `field` already has a problem.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of a check, or `None` when it failed on a field (the failure is noted). Any
    /// other failure (the database, a rate limit, a refusal) is no field's and stops the check.
    pub fn check<T>(&mut self, r: ServiceResult<T>) -> ServiceResult<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(ServiceError::Validation { code, message, field: Some(field) }) => {
                self.add(code, &field, message);
                Ok(None)
            }
            Err(ServiceError::Fields(errors)) => {
                for e in errors {
                    self.add(e.code, &e.field, e.message);
                }
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// `Ok` when no field failed; one problem as a [`ServiceError::Validation`], several as
    /// [`ServiceError::Fields`].
    pub fn finish(mut self) -> ServiceResult<()> {
        match self.0.len() {
            0 => Ok(()),
            1 => {
                let FieldError { code, field, message } = self.0.remove(0);
                Err(ServiceError::Validation { code, message, field: Some(field) })
            }
            _ => Err(ServiceError::Fields(self.0)),
        }
    }
}

impl ServiceError {
    pub fn validation(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Validation { code, message: message.into(), field: None }
    }

    pub fn field(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        ServiceError::Validation { code, message: message.into(), field: Some(field.to_owned()) }
    }

    /// Every field problem this error names, `(field, message)` in the order found: what a page
    /// puts beside its fields. Empty for an error of no field.
    pub fn field_messages(&self) -> Vec<(&str, &str)> {
        match self {
            ServiceError::Validation { field: Some(f), message, .. } => vec![(f.as_str(), message.as_str())],
            ServiceError::Fields(errors) => errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect(),
            _ => vec![],
        }
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

    #[test]
    fn field_errors_are_answered_together() {
        assert!(FieldErrors::new().finish().is_ok());
        let mut one = FieldErrors::new();
        assert_eq!(one.check(Err::<(), _>(ServiceError::field("a", "property", "请填写"))).unwrap(), None);
        assert!(matches!(one.finish(), Err(ServiceError::Validation { code: "a", field: Some(f), .. }) if f == "property"));
        let mut two = FieldErrors::new();
        two.add("a", "property", "请填写不动产");
        two.add("b", "property", "第二个问题不覆盖第一个");
        two.add("c", "others[1].id_number", "证件号码无效");
        assert!(two.check(Err::<(), _>(ServiceError::Forbidden("不是字段的".into()))).is_err(), "a refusal is no field's");
        let e = two.finish().unwrap_err();
        assert_eq!(e.field_messages(), vec![("property", "请填写不动产"), ("others[1].id_number", "证件号码无效")]);
        assert_eq!(e.to_string(), "共有 2 处需要修改：请填写不动产；证件号码无效");
    }
}
