//! The pages of the errors a browser meets outside any handler (错误页面): an address that does
//! not exist (404), a method the address does not take (405), a handler that failed (500). The
//! API under `/api/` answers the same errors as problems ([`crate::problem`]); which of the two
//! a request gets is [`wants_page`].

use askama::Template;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;

use bdc_core::access::Realm;
use bdc_core::Actor;

use crate::page::{render, Chrome};

/// An error page: a heading, one sentence, the request's id when it helps the administrator,
/// and the ways back.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub heading: String,
    pub text: String,
    pub request_id: Option<String>,
    pub links: Vec<(&'static str, &'static str)>,
}

/// Whether the answer to an error at `path` is a page rather than a problem: everything but the
/// API (`/api/…`), the operations routes (`/healthz`, `/metrics`) and the static files
/// (`/assets/…`, `/vendor/…`) — and only for a client that asks for HTML (a browser's
/// navigation does; a script sending no `Accept`, or `*/*`, keeps getting the problem).
pub fn wants_page(path: &str, headers: &HeaderMap) -> bool {
    const MACHINE: [&str; 5] = ["/api", "/assets", "/vendor", "/metrics", "/healthz"];
    if MACHINE.into_iter().any(|p| path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'))) {
        return false;
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    accept.contains("text/html") || accept.contains("application/xhtml+xml")
}

/// The error page with `status`; `actor` (if known) keeps the user's own frame, and the links
/// lead to 首页 and the user's own start (工作台, or 我的办件 for a public account).
pub fn error_page(status: StatusCode, actor: Option<&Actor>, heading: &str, text: &str, request_id: Option<&str>) -> Response {
    let own = if actor.is_some_and(|a| a.realm == Realm::Public) { ("我的办件", "/portal") } else { ("工作台", "/workbench") };
    let page = ErrorPage { chrome: Chrome::of(actor, ""), heading: heading.into(), text: text.into(), request_id: request_id.map(str::to_owned), links: vec![("返回首页", "/"), own] };
    let mut r = render(&page);
    *r.status_mut() = status;
    r
}

/// 404 页面不存在.
pub fn not_found(actor: Option<&Actor>) -> Response {
    error_page(StatusCode::NOT_FOUND, actor, "页面不存在", "您访问的页面不存在，可能是地址有误或页面已被移除。", None)
}

/// 405: the address exists but not for this method (a form posted to a page that only shows).
pub fn method_not_allowed(actor: Option<&Actor>) -> Response {
    error_page(StatusCode::METHOD_NOT_ALLOWED, actor, "操作不受支持", "该页面不支持此操作，请从页面上的链接或按钮进入。", None)
}

/// 500 系统内部错误, naming the request so the administrator can find it in the log.
pub fn internal(request_id: Option<&str>) -> Response {
    error_page(StatusCode::INTERNAL_SERVER_ERROR, None, "系统内部错误", "系统内部错误，请稍后重试。", request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, v.parse().unwrap());
        h
    }

    #[test]
    fn pages_for_browsers_problems_for_the_api() {
        let html = accept("text/html,application/xhtml+xml,*/*;q=0.8");
        assert!(wants_page("/foo", &html));
        assert!(wants_page("/workbench/nope", &accept("application/xhtml+xml")));
        assert!(wants_page("/apiary", &html));
        for machine in ["/api/v1/nope", "/api", "/assets/x.css", "/vendor/x.js", "/metrics", "/healthz"] {
            assert!(!wants_page(machine, &html), "{machine}");
        }
        assert!(!wants_page("/foo", &accept("application/json")));
        assert!(!wants_page("/foo", &accept("*/*")));
        assert!(!wants_page("/foo", &HeaderMap::new()));
    }
}
