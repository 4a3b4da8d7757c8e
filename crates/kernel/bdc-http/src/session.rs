//! Authentication at the edge (身份认证): the [`Gate`] every context's handlers pass, and the
//! [`Authed`] and [`PageActor`] extractors.
//!
//! A request authenticates with `Authorization: Bearer <token>` (API clients) or the
//! `bdc_session` cookie (the HTML interface). A cookie-authenticated request that changes state
//! must also send the session's CSRF token in `X-CSRF-Token` (pages: a hidden `csrf` field,
//! checked with [`csrf_ok`]); the cookie is `SameSite=Strict` and `HttpOnly` besides.
//! Authorisation happens again in the services, so the CLI and jobs are held to it too.
//!
//! The kernel knows no accounts: who holds a session token is the identity context's answer,
//! reached through the [`Sessions`] trait the server plugs into the gate. A context's router is
//! generic over the server's state and asks only that a [`Gate`] can be taken from it.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};

use bdc_core::access::{Permission, Realm};
use bdc_core::{Actor, AuditSlot, AuthVia, ServiceError};

use crate::access::{Access, AccessTable};
use crate::problem::Problem;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "bdc_session";
/// Header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who holds a session or API token (会话): the identity context answers.
#[async_trait::async_trait]
pub trait Sessions: Send + Sync + 'static {
    /// The actor behind `token`, or why there is none (expired, revoked, unknown).
    async fn authenticate(&self, token: &str) -> Result<Actor, ServiceError>;
}

/// The door every authenticated route passes: the session lookup and the access table of all
/// the server's routes.
#[derive(Clone)]
pub struct Gate {
    sessions: Arc<dyn Sessions>,
    access: AccessTable,
    cookie_secure: bool,
}

impl Gate {
    pub fn new(sessions: Arc<dyn Sessions>, access: AccessTable) -> Gate {
        Gate { sessions, access, cookie_secure: false }
    }

    /// Session cookies marked `Secure` (the server is reached over HTTPS).
    #[must_use]
    pub fn with_cookie_secure(mut self, secure: bool) -> Gate {
        self.cookie_secure = secure;
        self
    }

    /// Whether session cookies are marked `Secure`.
    pub fn cookie_secure(&self) -> bool {
        self.cookie_secure
    }

    /// The rule of a route (fail closed: `None` is refused).
    pub fn access(&self, method: &str, route: &str) -> Option<Access> {
        (self.access)(method, route)
    }

    async fn actor(&self, token: &str) -> Result<Actor, ServiceError> {
        self.sessions.authenticate(token).await
    }
}

/// An authenticated actor whose roles pass the route's access rule.
pub struct Authed(pub Actor);

fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).filter_map(|kv| kv.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Names the acting user in the request's span (and so in every log line of the request), and
/// hands the actor the request's audit slot.
fn attach(parts: &Parts, actor: &mut Actor) {
    if let Some(slot) = parts.extensions.get::<AuditSlot>() {
        slot.set_actor(actor);
        record_actor(&actor.username);
        actor.audit = Some(slot.clone());
    }
}

/// Names the acting user in the current request's span.
pub fn record_actor(username: &str) {
    tracing::Span::current().record("actor", username);
}

impl<S: Send + Sync> FromRequestParts<S> for Authed
where
    Gate: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let gate = Gate::from_ref(state);
        let bearer = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer "))).map(str::trim);
        let (token, via) = match (bearer, cookie_value(parts, SESSION_COOKIE)) {
            (Some(t), _) => (t, AuthVia::Bearer),
            (None, Some(c)) => (c, AuthVia::Cookie),
            (None, None) => return Err(Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录")),
        };
        let mut actor = gate.actor(token).await.map_err(Problem::from)?;
        // A bearer token must be used as a bearer token and a cookie as a cookie: a leaked
        // cookie value is not an API token, and CSRF protection cannot be sidestepped.
        if actor.via != via {
            return Err(Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "登录已失效，请重新登录"));
        }
        attach(parts, &mut actor);
        let route = parts.extensions.get::<MatchedPath>().map_or("", MatchedPath::as_str);
        match gate.access(parts.method.as_str(), route) {
            Some(Access::Public | Access::Authenticated) => {}
            Some(Access::Permission(p)) if actor.can(p) => {}
            Some(Access::PublicAccount) if actor.realm == Realm::Public => {}
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

/// The logged-in user of a page, if any (a page never fails for want of a session: it shows
/// the login link or redirects). Only the cookie authenticates a page.
pub struct PageActor(pub Option<Actor>);

impl<S: Send + Sync> FromRequestParts<S> for PageActor
where
    Gate: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie_value(parts, SESSION_COOKIE).map(str::to_owned) else { return Ok(PageActor(None)) };
        let mut actor = Gate::from_ref(state).actor(&token).await.ok().filter(|a| a.via == AuthVia::Cookie);
        if let Some(a) = &mut actor {
            attach(parts, a);
            parts.extensions.insert(crate::page_input::SeenActor(a.clone()));
        }
        Ok(PageActor(actor))
    }
}

/// Whether a submitted form carries the session's CSRF token.
pub fn csrf_ok(actor: &Actor, sent: &str) -> bool {
    constant_time_eq(sent.as_bytes(), actor.csrf_token.as_bytes())
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
