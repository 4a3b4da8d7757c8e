//! Building and running the server (`Application::build` binds, then `run` serves).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderName, StatusCode};
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
use bdc_http::problem::Problem;
use bdc_http::session::Gate;
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
    app.layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
        tracing::error!("handler panicked");
        Problem::internal().into_response()
    }))
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

async fn not_found() -> Response {
    Problem::new(StatusCode::NOT_FOUND, "not_found", "请求的地址不存在").into_response()
}

async fn method_not_allowed() -> Response {
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
