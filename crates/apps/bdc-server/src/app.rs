//! Building and running the server (`Application::build` binds, then `run` serves).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::{Config, SwaggerUi};

use bdc_registry::Services;

use crate::api::system::OpenApiJson;
use crate::state::AppState;
use bdc_http::metrics::Metrics;
use bdc_http::page_error;
use bdc_http::problem::Problem;
use bdc_http::session::{Gate, PageActor};
use bdc_identity::sessions::AccountSessions;

/// Settings of the HTTP interface.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub listen: String,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Mark cookies `Secure`; served over TLS (directly or behind a proxy), so HSTS is sent too.
    pub cookie_secure: bool,
    /// How long a request may take before it is answered 408 (a stuck client or query must not
    /// hold a connection and a database connection for ever).
    pub request_timeout: std::time::Duration,
    /// The scrape token that opens `/metrics` to a client off this machine.
    pub metrics_token: Option<secrecy::SecretString>,
    /// The front-end files the setup step installs (htmx), `web_dist`.
    pub web_dist: std::path::PathBuf,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            listen: "127.0.0.1:8080".into(),
            max_body_bytes: 1024 * 1024,
            cookie_secure: false,
            request_timeout: std::time::Duration::from_secs(60),
            metrics_token: None,
            web_dist: bdc_http::page::default_web_dist(),
        }
    }
}

/// A bound, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

/// The full router with its layers, for tests that want to call it without a socket.
pub fn router(services: Services, settings: &WebSettings) -> Router {
    let gate = Gate::new(Arc::new(AccountSessions(services.clone())), crate::api::access::access).with_cookie_secure(settings.cookie_secure);
    let state = AppState {
        metrics: Arc::new(Metrics::new(services.db.engine().name())),
        services,
        cookie_secure: settings.cookie_secure,
        metrics_token: settings.metrics_token.as_ref().map(|t| Arc::from(secrecy::ExposeSecret::expose_secret(t))),
        gate,
    };
    let hygiene = crate::hygiene::Hygiene { max_body_bytes: settings.max_body_bytes };
    let (api, mut openapi) = crate::api::router().split_for_parts();
    crate::api::access::annotate(&mut openapi);
    crate::api::document::normalise(&mut openapi);
    let doc = OpenApiJson(Arc::new(openapi.to_pretty_json().unwrap_or_else(|_| "{}".into())));
    let request_id = HeaderName::from_static("x-request-id");
    let pages = crate::pages::router().route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::observe::observe));
    let app = api
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::observe::observe))
        .merge(pages)
        .merge(bdc_http::page::assets(settings.web_dist.clone()))
        .merge(SwaggerUi::new("/api/docs").config(Config::from("/api/openapi.json")))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::Extension(doc))
        .layer(axum::extract::DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(hygiene, crate::hygiene::refuse_forbidden_chars))
        .with_state(state);
    let hsts = settings.cookie_secure;
    catch_panics(app)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, settings.request_timeout))
        .layer(axum::middleware::map_response(timed_out))
        .layer(axum::middleware::map_response_with_state(hsts, bdc_http::headers::security_headers))
        // One span per request, carrying its id and, once authenticated, the actor: every log line
        // of the request names both. Server errors (5xx), pages' included, are logged by the layer.
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// The span of one request: method, path, request id, and the actor (recorded when known).
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id, actor = tracing::field::Empty)
}

/// The time-out layer answers with an empty 408; it becomes a problem like every other error.
async fn timed_out(resp: Response) -> Response {
    if resp.status() == StatusCode::REQUEST_TIMEOUT && !resp.headers().contains_key(axum::http::header::CONTENT_TYPE) {
        return Problem::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", "请求处理超时，请稍后重试").into_response();
    }
    resp
}

/// A handler that panics answers 500, never drops the connection: the problem `internal` for
/// the API, the page 系统内部错误 for a browser.
fn catch_panics(app: Router) -> Router {
    app.layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
        tracing::error!("handler panicked");
        let mut r = Problem::internal().into_response();
        r.extensions_mut().insert(Panicked);
        r
    }))
    .layer(axum::middleware::from_fn(panic_page))
}

/// Marks the answer of a handler that panicked, for [`panic_page`].
#[derive(Clone, Copy)]
struct Panicked;

/// A panic answers the problem `internal`; a browser's page gets 系统内部错误 instead, naming
/// the request's id.
async fn panic_page(req: Request, next: Next) -> Response {
    let page = page_error::wants_page(req.uri().path(), req.headers());
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let resp = next.run(req).await;
    if page && resp.extensions().get::<Panicked>().is_some() {
        return page_error::internal(id.as_deref());
    }
    resp
}

/// The signed-in user of a browser's request that no route answers, for the error page's frame.
async fn page_actor(state: &AppState, req: Request) -> Option<bdc_core::Actor> {
    let (mut parts, _) = req.into_parts();
    let Ok(PageActor(actor)) = PageActor::from_request_parts(&mut parts, state).await;
    actor
}

/// No route: 页面不存在 for a browser, the problem `not_found` for the API.
async fn not_found(State(state): State<AppState>, req: Request) -> Response {
    if page_error::wants_page(req.uri().path(), req.headers()) {
        return page_error::not_found(page_actor(&state, req).await.as_ref());
    }
    Problem::new(StatusCode::NOT_FOUND, "not_found", "请求的地址不存在").into_response()
}

/// The route exists but not for this method.
async fn method_not_allowed(State(state): State<AppState>, req: Request) -> Response {
    if page_error::wants_page(req.uri().path(), req.headers()) {
        return page_error::method_not_allowed(page_actor(&state, req).await.as_ref());
    }
    Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "该地址不支持此请求方法").into_response()
}

impl Application {
    /// Binds the listener and builds the router. Migrations are the caller's business.
    pub async fn build(services: Services, settings: &WebSettings) -> std::io::Result<Application> {
        let listener = TcpListener::bind(&settings.listen).await?;
        Ok(Application { listener, router: router(services, settings) })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn port(&self) -> u16 {
        self.local_addr().map_or(0, |a| a.port())
    }

    /// Serves until `shutdown` completes, finishing requests in flight.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown).await
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::header;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> Response {
        panic!("a bug in a handler")
    }

    /// Status, content type and body of a request to a router whose handlers panic.
    async fn call(path: &str, accept: &str) -> (StatusCode, String, String) {
        let app = catch_panics(Router::new().route("/workbench/boom", get(boom)).route("/api/v1/boom", get(boom)));
        let req = Request::builder().uri(path).header(header::ACCEPT, accept).header("x-request-id", "req-42").body(Body::empty()).unwrap();
        let resp = app.oneshot(req).await.unwrap();
        let status = resp.status();
        let ct = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        (status, ct, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_panic_is_a_page_for_a_browser_and_a_problem_for_the_api() {
        let (status, ct, body) = call("/workbench/boom", "text/html").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(ct.starts_with("text/html"), "{ct}");
        assert!(body.contains("系统内部错误，请稍后重试") && body.contains("req-42"), "{body}");
        let (status, ct, body) = call("/api/v1/boom", "text/html").await;
        assert_eq!((status, ct.as_str()), (StatusCode::INTERNAL_SERVER_ERROR, "application/problem+json"));
        assert!(body.contains("\"internal\""), "{body}");
    }
}
