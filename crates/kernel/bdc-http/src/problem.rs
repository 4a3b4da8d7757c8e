//! RFC 9457 problem details (`application/problem+json`): the only way errors leave the API.
//!
//! Every problem has a stable machine `code` and a Chinese `detail`; validation problems list
//! the offending fields in `errors`. A 500 says nothing about its cause; the cause is logged
//! once, here.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use bdc_core::ServiceError;

/// A field-level validation error.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, e.g. `password`.
    pub field: String,
    pub message: String,
}

/// The outcome of one restriction or review rule (规则核验结果).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FindingDto {
    pub rule_code: String,
    pub rule_version: i64,
    pub rule_name: String,
    /// `block`, `warn` or `consent`.
    pub severity: String,
    pub passed: bool,
    pub message: String,
    pub legal_basis: String,
}

impl From<&bdc_core::finding::Finding> for FindingDto {
    fn from(f: &bdc_core::finding::Finding) -> Self {
        FindingDto {
            rule_code: f.rule_code.clone(),
            rule_version: f.rule_version,
            rule_name: f.rule_name.clone(),
            severity: f.severity.code().into(),
            passed: f.passed,
            message: f.message.clone(),
            legal_basis: f.legal_basis.clone(),
        }
    }
}

/// Problem details per RFC 9457.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:bdc:problem:{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short Chinese title of the status, e.g. 请求无效.
    pub title: String,
    pub status: u16,
    /// What went wrong, in Chinese, for the user.
    pub detail: String,
    /// Stable machine code, e.g. `malformed_json`.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `rule_blocked`: every rule evaluated, with its outcome and legal basis.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingDto>,
    #[serde(skip)]
    retry_after: Option<u64>,
}

fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "请求无效",
        401 => "未登录",
        403 => "无权访问",
        404 => "未找到",
        405 => "方法不允许",
        409 => "冲突",
        413 => "请求体过大",
        415 => "不支持的媒体类型",
        422 => "数据校验失败",
        423 => "账户已锁定",
        429 => "请求过于频繁",
        503 => "服务不可用",
        _ if status.is_server_error() => "服务器错误",
        _ => "请求错误",
    }
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("urn:bdc:problem:{code}"),
            title: title(status).to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            errors: Vec::new(),
            findings: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with_field(mut self, field: &str, message: &str) -> Self {
        self.errors.push(FieldError { field: field.to_owned(), message: message.to_owned() });
        self
    }

    pub fn bad_request(code: &str, detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn internal() -> Self {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后重试；如持续出现请联系管理员")
    }
}

/// The detail of a problem response, kept in its extensions for the audit log.
#[derive(Clone, Debug)]
pub struct ProblemNote(pub String);

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut resp = (status, body).into_response();
        // For the audit row of a refused or failed request: why it was refused.
        resp.extensions_mut().insert(ProblemNote(self.detail));
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            // The rest of the body stays unread, so the connection cannot be reused.
            resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let Some(secs) = retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Validation { code, message, field } => {
                let p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, message.clone());
                match field {
                    Some(f) => p.with_field(&f, &message),
                    None => p,
                }
            }
            ServiceError::Fields(errors) => {
                // Every field at once: `detail` sums them up, `errors` lists each beside its field;
                // the code is theirs when they share one (three missing materials are
                // `material_missing`), else `invalid_fields`.
                let detail = ServiceError::Fields(errors.clone()).to_string();
                let code = errors.first().map(|e| e.code).filter(|c| errors.iter().all(|e| e.code == *c)).unwrap_or("invalid_fields");
                errors.iter().fold(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail), |p, e| p.with_field(&e.field, &e.message))
            }
            ServiceError::NotFound(m) => Problem::new(StatusCode::NOT_FOUND, "not_found", m),
            ServiceError::Conflict { code, message } => Problem::new(StatusCode::CONFLICT, code, message),
            ServiceError::Unauthenticated(m) => Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", m),
            ServiceError::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, "forbidden", m),
            ServiceError::Locked { until } => {
                let secs = (until - chrono::Utc::now()).num_seconds().max(1);
                let mut p = Problem::new(StatusCode::LOCKED, "account_locked", ServiceError::Locked { until }.to_string());
                p.retry_after = u64::try_from(secs).ok();
                p
            }
            ServiceError::RateLimited { retry_after } => {
                let mut p = Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", ServiceError::RateLimited { retry_after }.to_string());
                p.retry_after = Some(retry_after);
                p
            }
            ServiceError::RuleBlocked { message, findings } => {
                let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_blocked", message);
                p.findings = findings.iter().map(FindingDto::from).collect();
                p
            }
            ServiceError::Unavailable(m) => {
                let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", m);
                p.retry_after = Some(60);
                p
            }
            ServiceError::Internal(cause) => {
                tracing::error!(error = %cause, cause = ?cause, "internal error");
                Problem::internal()
            }
        }
    }
}

/// Handlers return this: a value or a problem.
pub type ApiResult<T> = Result<T, Problem>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_field_errors_are_one_problem_listing_each() {
        let mut errors = bdc_core::FieldErrors::new();
        errors.add("no_property", "property", "请选择不动产");
        errors.add("bad_id_number", "others[1].id_number", "证件号码无效");
        let p = Problem::from(errors.finish().unwrap_err());
        assert_eq!((p.status, p.code.as_str()), (422, "invalid_fields"));
        assert_eq!(p.errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect::<Vec<_>>(), vec![("property", "请选择不动产"), ("others[1].id_number", "证件号码无效")]);
        assert!(p.detail.contains("2 处"), "{}", p.detail);
        let mut same = bdc_core::FieldErrors::new();
        same.add("material_missing", "a", "请上传甲");
        same.add("material_missing", "b", "请上传乙");
        assert_eq!(Problem::from(same.finish().unwrap_err()).code, "material_missing", "one code shared by every field is the problem's");
    }
}
