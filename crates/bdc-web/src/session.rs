//! Authentication at the edge (身份认证): the [`Authed`] extractor.
//!
//! A request authenticates with `Authorization: Bearer <token>` (API clients) or the
//! `bdc_session` cookie (the HTML interface). A cookie-authenticated request that changes state
//! must also send the session's CSRF token in `X-CSRF-Token`; the cookie is `SameSite=Strict`
//! and `HttpOnly` besides. Authorisation happens in the services, so the CLI is checked too.

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};

use bdc_core::access::Permission;
use bdc_core::{Actor, AuthVia};
use bdc_services::auth;

use crate::api::access::{access, Access};
use crate::observe::AuditSlot;
use crate::state::AppState;
use bdc_http::problem::Problem;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "bdc_session";
/// Header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// An authenticated actor.
pub struct Authed(pub Actor);

fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).filter_map(|kv| kv.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer "))).map(str::trim);
        let (token, via) = match (bearer, cookie_value(parts, SESSION_COOKIE)) {
            (Some(t), _) => (t, AuthVia::Bearer),
            (None, Some(c)) => (c, AuthVia::Cookie),
            (None, None) => return Err(Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录")),
        };
        let mut actor = auth::authenticate(&state.services, token).await.map_err(Problem::from)?;
        // A bearer token must be used as a bearer token and a cookie as a cookie: a leaked
        // cookie value is not an API token, and CSRF protection cannot be sidestepped.
        if actor.via != via {
            return Err(Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "登录已失效，请重新登录"));
        }
        if let Some(slot) = parts.extensions.get::<AuditSlot>() {
            slot.set_actor(&actor);
            crate::app::record_actor(&actor.username);
            actor.audit = Some(slot.clone());
        }
        let route = parts.extensions.get::<MatchedPath>().map_or("", MatchedPath::as_str);
        match access(parts.method.as_str(), route) {
            Some(Access::Public | Access::Authenticated) => {}
            Some(Access::Permission(p)) if actor.can(p) => {}
            Some(Access::PublicAccount) if actor.realm == bdc_core::access::Realm::Public => {}
            Some(Access::PublicAccount) => return Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", "仅限线上苏小登公众账户")),
            Some(Access::AnyCasePermission)
                if [Permission::CaseIntake, Permission::CaseReview, Permission::CaseRegister, Permission::CaseCertify, Permission::CaseArchive].iter().any(|p| actor.can(*p)) => {}
            Some(Access::AnyCasePermission) => return Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", "没有办理业务的权限")),
            Some(Access::Permission(p)) => return Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", format!("没有“{}”权限", p.name()))),
            None => return Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", "该接口未开放")),
        }
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via == AuthVia::Cookie && !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), actor.csrf_token.as_bytes()) {
                return Err(Problem::new(StatusCode::FORBIDDEN, "csrf_failed", "缺少或错误的 CSRF 令牌，请刷新页面后重试"));
            }
        }
        Ok(Authed(actor))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `Set-Cookie` value for a new session.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}", if secure { "; Secure" } else { "" })
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}
