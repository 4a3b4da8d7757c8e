//! Extractors that turn every kind of bad input into a 4xx problem, never a 500.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// JSON body. Malformed JSON → 400 `malformed_json`; valid JSON of the wrong shape (types,
/// missing or unknown fields) → 422 `invalid_body`; wrong content type → 415; too large → 413;
/// a string holding a control, bidi or zero-width character (文本净化, [`bdc_core::text`]) →
/// 422 `forbidden_characters`, naming the field — every JSON body of the API passes here.
///
/// The body is parsed in two steps (text → JSON value → type) so the two cases are told apart
/// reliably; serde_json alone reports some type errors as syntax errors.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|v| v.split(';').next()).is_some_and(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        });
        if !is_json {
            return Err(Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "请求体须为 JSON，并设置 Content-Type: application/json"));
        }
        let bytes = match Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "请求体过大")),
            Err(rej) => return Err(Problem::new(rej.status(), "bad_body", "无法读取请求体")),
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| Problem::bad_request("malformed_json", "请求体不是合法的 JSON"))?;
        if let Some((path, e)) = forbidden_in(&value, "") {
            let field = if path.is_empty() { "body".to_owned() } else { path };
            return Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "forbidden_characters", format!("字段 {field}：{e}")).with_field(&field, &e.to_string()));
        }
        serde_path_to_error::deserialize::<_, T>(value).map(ApiJson).map_err(|e| {
            let path = e.path().to_string();
            let inner = explain_serde(&e.into_inner().to_string());
            let detail = if path == "." { inner } else { format!("{path}：{inner}") };
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", format!("请求体字段不符合要求：{detail}"))
        })
    }
}

/// The first string (or object key) in `v` with a forbidden character, and its path (`a.b[2]`).
fn forbidden_in(v: &serde_json::Value, path: &str) -> Option<(String, bdc_core::text::ForbiddenChar)> {
    match v {
        serde_json::Value::String(s) => bdc_core::text::check(s).err().map(|e| (path.to_owned(), e)),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| forbidden_in(x, &format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
            let here = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            match bdc_core::text::check(k) {
                Err(e) => Some((here, e)),
                Ok(()) => forbidden_in(x, &here),
            }
        }),
        _ => None,
    }
}

/// Translates the common serde messages into Chinese, keeping the field names.
fn explain_serde(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let field = rest.split(',').next().unwrap_or(rest);
        return format!("不允许的字段 {field}");
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("缺少字段 {rest}");
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        return format!("类型错误（{rest}）");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return format!("取值无效 {rest}");
    }
    msg.to_owned()
}

/// Query string. Anything that does not parse → 400 `bad_query`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(ApiQuery(q.0)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let inner = std::error::Error::source(&e).map_or_else(|| e.body_text(), ToString::to_string);
                Err(Problem::bad_request("bad_query", format!("查询参数无效：{}", explain_serde(&inner))))
            }
            Err(_) => Err(Problem::bad_request("bad_query", "查询参数无效")),
        }
    }
}

/// Path parameters, rejected before the database is touched → 400 `bad_path`.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(ApiPath(p.0)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => Err(Problem::bad_request("bad_path", format!("路径参数无效：{}", explain_serde(&e.body_text())))),
            Err(_) => Err(Problem::bad_request("bad_path", "路径参数无效")),
        }
    }
}

/// The client's address and user agent, for sessions, rate limits and the audit log.
pub struct Client(pub bdc_core::ClientInfo);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map_or_else(String::new, |c| c.0.ip().to_string());
        let user_agent = parts.headers.get(header::USER_AGENT).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).unwrap_or_default();
        Ok(Client(bdc_core::ClientInfo { addr, user_agent }))
    }
}

/// Paging: `page` from 1, `per_page` 1–200 (default 20).
pub fn paging(page: Option<u32>, per_page: Option<u32>) -> Result<bdc_db::PageRequest, Problem> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(20);
    if page == 0 || page > 1_000_000 {
        return Err(Problem::bad_request("bad_paging", "页码 page 须为 1 至 1000000 的整数").with_field("page", "页码须从 1 开始"));
    }
    if !(1..=200).contains(&per_page) {
        return Err(Problem::bad_request("bad_paging", "每页条数 per_page 须为 1 至 200 的整数").with_field("per_page", "每页 1 至 200 条"));
    }
    Ok(bdc_db::PageRequest { page, per_page })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_chinese() {
        assert_eq!(explain_serde("unknown field `x`, expected `a` or `b` at line 1 column 5"), "不允许的字段 `x`");
        assert_eq!(explain_serde("missing field `password`"), "缺少字段 `password`");
        assert!(explain_serde("invalid type: integer `1`, expected a string").starts_with("类型错误"));
    }

    #[test]
    fn forbidden_characters_are_found_with_their_path() {
        let v: serde_json::Value = serde_json::from_str(r#"{"name": "张三", "parties": [{"address": "a\u0000b"}]}"#).unwrap();
        let (path, e) = forbidden_in(&v, "").unwrap();
        assert_eq!((path.as_str(), e.code), ("parties[0].address", 0));
        assert!(forbidden_in(&serde_json::json!({"reason": "第一行\n第二行", "n": 1}), "").is_none());
    }

    #[test]
    fn paging_bounds() {
        assert!(paging(None, None).is_ok());
        assert_eq!(paging(Some(0), None).unwrap_err().status, 400);
        assert_eq!(paging(Some(1), Some(0)).unwrap_err().status, 400);
        assert_eq!(paging(Some(1), Some(201)).unwrap_err().status, 400);
        assert_eq!(paging(Some(3), Some(200)).unwrap().offset(), 400);
    }
}
