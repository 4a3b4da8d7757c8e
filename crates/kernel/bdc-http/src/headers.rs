//! Security headers (安全响应头) on every response, pages and API alike.
//!
//! The Content-Security-Policy fits what the pages are: scripts only from this origin (htmx is
//! served from `/vendor`, no template has an inline script or event handler, and htmx needs no
//! `eval` here), so an injected `<script>` or `onerror=` does not run. Styles allow
//! `'unsafe-inline'` because templates use `style=` attributes and htmx adds its indicator
//! style; styles cannot run code. Images may be `data:` (the API docs page draws its icons so).
//! `frame-ancestors 'none'` forbids framing the pages (click-jacking); the stored scans that the
//! case page shows in a frame set their own policy allowing this origin. HSTS is sent only when
//! the server is configured for TLS (`cookie_secure`), since over plain HTTP it would be ignored
//! at best and lock users out of a misconfigured host at worst.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::Response;

/// The policy of pages and API answers.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy of a stored file (a scan, a PDF) shown in a frame of one of our own pages.
pub const FILE_CSP: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'";

/// One year, the usual HSTS lifetime.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Adds the headers a handler did not set itself (a handler may set a stricter or
/// frame-friendly policy of its own).
pub async fn security_headers(State(hsts): State<bool>, mut resp: Response) -> Response {
    let h = resp.headers_mut();
    let framable = h.get(header::CONTENT_SECURITY_POLICY).is_some_and(|v| v.as_bytes().ends_with(b"frame-ancestors 'self'"));
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CSP));
    h.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static(if framable { "SAMEORIGIN" } else { "DENY" }));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    if hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    resp
}
