//! Building and running the server (`Application::build` binds, then `run` serves).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::{Config, SwaggerUi};

use bdc_services::Services;

use crate::api::system::OpenApiJson;
use crate::metrics::Metrics;
use crate::problem::Problem;
use crate::state::AppState;

/// Settings of the HTTP interface.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub listen: String,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Mark cookies `Secure`.
    pub cookie_secure: bool,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings { listen: "127.0.0.1:8080".into(), max_body_bytes: 1024 * 1024, cookie_secure: false }
    }
}

/// A bound, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

/// The full router with its layers, for tests that want to call it without a socket.
pub fn router(services: Services, settings: &WebSettings) -> Router {
    let state = AppState {
        metrics: Arc::new(Metrics::new(services.db.engine().name())),
        services,
        cookie_secure: settings.cookie_secure,
    };
    let (api, mut openapi) = crate::api::router().split_for_parts();
    crate::api::access::annotate(&mut openapi);
    let doc = OpenApiJson(Arc::new(openapi.to_pretty_json().unwrap_or_else(|_| "{}".into())));
    let request_id = HeaderName::from_static("x-request-id");
    let pages = crate::pages::router().route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::observe::observe));
    let app = api
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::observe::observe))
        .merge(pages)
        .merge(crate::pages::assets())
        .merge(SwaggerUi::new("/api/docs").config(Config::from("/api/openapi.json")))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::Extension(doc))
        .layer(axum::extract::DefaultBodyLimit::max(settings.max_body_bytes))
        .with_state(state);
    app.layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
        tracing::error!("handler panicked");
        Problem::internal().into_response()
    }))
    .layer(TraceLayer::new_for_http())
    .layer(PropagateRequestIdLayer::new(request_id.clone()))
    .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
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
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
    }
}
