//! The JSON API under `/api/v1`, and the OpenAPI document that describes every route.

pub mod access;
pub mod audit;
pub mod document;
pub mod jobs;
pub mod system;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub use bdc_http::dto::RealmDto;
pub use bdc_http::extract::Client;
pub use bdc_http::paged::PageDto;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        components.add_security_scheme("cookie", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(bdc_http::session::SESSION_COOKIE))));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "BDC 不动产登记信息平台 API", description = "JSON API of BDC. Errors are RFC 9457 problem details with a stable `code` and a Chinese `detail`. Browser sessions send `X-CSRF-Token` with every state-changing request."),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "登录与会话"),
        (name = "admin", description = "用户、角色与权限管理"),
        (name = "audit", description = "审计日志"),
        (name = "calendar", description = "工作日历"),
        (name = "registry", description = "业务目录、地籍数据、当事人与登记簿"),
        (name = "cases", description = "业务受理、审核、登簿、缮证发证、归档"),
        (name = "rules", description = "限制验证与审核规则库"),
        (name = "portal", description = "线上苏小登：网上申请、共同申请确认、办件进度与证书（公众实名账户）"),
        (name = "court", description = "法院网络查控：查控请求、查封轮候、隔离区与回执"),
        (name = "system", description = "健康检查、指标与接口文档"),
    )
)]
struct ApiDoc;

/// Every route of the API with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(bdc_identity::api::router())
        .merge(bdc_registry::api::router())
        .routes(routes!(audit::list_audit))
        .routes(routes!(jobs::list_jobs))
        .merge(bdc_court::api::router())
        .merge(bdc_reporting::api::router())
        .merge(bdc_portal::api::router())
        .routes(routes!(system::healthz))
        .routes(routes!(system::metrics))
        .routes(routes!(system::openapi_json))
}
