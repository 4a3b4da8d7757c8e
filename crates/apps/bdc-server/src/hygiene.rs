//! Text hygiene at the door (输入文本净化): every text a request carries — path, query string,
//! form fields and JSON strings — is checked once, here and in [`bdc_http::extract::ApiJson`], for
//! the characters of [`bdc_core::text`] (NUL, ESC and the other controls, bidi overrides,
//! zero-width characters), and the request is refused with a Chinese reason before any handler
//! runs, so it changes nothing. Multipart forms are checked by their reader
//! ([`bdc_http::forms::read_partial`]).
//!
//! The layer sits outside the routes, so no handler can forget it; URL-encoded bodies are read
//! here (up to the body limit) and handed on unchanged.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use bdc_http::problem::Problem;

/// What the layer needs to know.
#[derive(Clone, Copy, Debug)]
pub struct Hygiene {
    /// Largest URL-encoded body read here; larger ones are refused as too large, as the form
    /// extractors would.
    pub max_body_bytes: usize,
}

/// The first forbidden character in `pairs`, as a sentence naming the field.
fn first_bad<'a>(pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>) -> Option<String> {
    for (k, v) in pairs {
        for text in [&k, &v] {
            if let Err(e) = bdc_core::text::check(text) {
                let field: String = k.chars().filter(|c| bdc_core::text::forbidden_kind(*c).is_none()).take(64).collect();
                return Some(format!("字段 {field}：{e}"));
            }
        }
    }
    None
}

/// Checks a path (percent-decoded) and a query string.
fn check_uri(path: &str, query: Option<&str>) -> Option<String> {
    let decoded: Vec<u8> = form_urlencoded::parse(format!("p={}", path.replace('+', "%2B")).as_bytes()).next().map(|(_, v)| v.into_owned().into_bytes()).unwrap_or_default();
    if let Err(e) = bdc_core::text::check(&String::from_utf8_lossy(&decoded)) {
        return Some(format!("请求地址：{e}"));
    }
    query.and_then(|q| first_bad(form_urlencoded::parse(q.as_bytes())))
}

fn refuse(api: bool, detail: &str) -> Response {
    if api {
        return Problem::bad_request("forbidden_characters", detail.to_owned()).into_response();
    }
    crate::pages::message(StatusCode::BAD_REQUEST, None, "输入含有不允许的字符", detail, "/")
}

/// The middleware: refuses a request whose text holds a forbidden character.
pub async fn refuse_forbidden_chars(State(h): State<Hygiene>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    if let Some(bad) = check_uri(req.uri().path(), req.uri().query()) {
        return refuse(api, &bad);
    }
    let form =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")));
    if !form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, h.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "请求体过大").into_response(),
    };
    if let Some(bad) = first_bad(form_urlencoded::parse(&bytes)) {
        return refuse(api, &bad);
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_queries_and_forms_are_checked_after_decoding() {
        assert!(check_uri("/api/v1/users", Some("q=%E5%BC%A0%E4%B8%89&page=1")).is_none());
        assert!(check_uri("/portal/certificates/%E8%8B%8F(2026)", None).is_none());
        assert!(check_uri("/files/1%00", None).unwrap().contains("U+0000"));
        assert!(check_uri("/x", Some("name=a%1B%5B31m")).unwrap().contains("字段 name"));
        assert!(check_uri("/x", Some("name=%E2%80%AEabc")).unwrap().contains("U+202E"));
        assert!(first_bad(form_urlencoded::parse(b"reason=line1%0D%0Aline2")).is_none(), "line breaks are allowed");
        assert!(first_bad(form_urlencoded::parse("name=张\u{200b}三".as_bytes())).is_some());
    }
}
