//! 材料文件 — showing a stored file to the people entitled to it (inline, so PDFs and photos open
//! in the page's viewer). Reading the forms that carry them is [`bdc_http::forms`].

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use bdc_http::page_input::PagePath;

use super::{message, redirect, PageActor};
use bdc_registry::Services;

/// `GET /files/{id}`: one stored material, inline, to staff who read cases or to the case's
/// own people; anyone else gets "not found" (whether it exists is not told).
pub async fn show(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>) -> Response {
    let Some(actor) = actor else { return redirect("/login") };
    match crate::service::files::open(&services, &actor, id).await {
        Ok((a, bytes)) => (
            [
                (header::CONTENT_TYPE, a.content_type.clone()),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"file.{}\"; filename*=UTF-8''{}", a.file_key.rsplit('.').next().unwrap_or("bin"), bdc_http::forms::urlencode(&a.file_name))),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
                // The case page shows the scan in a frame: framing by our own pages only.
                (header::CONTENT_SECURITY_POLICY, bdc_http::headers::FILE_CSP.to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => message(StatusCode::NOT_FOUND, Some(&actor), "文件不存在", &e.to_string(), if actor.realm == bdc_core::access::Realm::Staff { "/workbench" } else { "/portal" }),
    }
}
