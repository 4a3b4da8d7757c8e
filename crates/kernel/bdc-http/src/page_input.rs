//! Extractors for the pages (页面输入): like the API's [`crate::extract`], every bad input is
//! answered before the handler runs — but with the friendly Chinese message page, not a JSON
//! problem. A page handler takes [`PagePath`] and [`PageForm`], never axum's `Path`/`Form`,
//! whose rejections are plain English text.

use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;

use bdc_core::Actor;

use crate::page::message;

/// The signed-in user of the page, left in the request's extensions by
/// [`crate::session::PageActor`] so a rejection can still show the user's own frame.
#[derive(Clone)]
pub(crate) struct SeenActor(pub(crate) Actor);

fn seen(parts: &Parts) -> Option<&Actor> {
    parts.extensions.get::<SeenActor>().map(|s| &s.0)
}

/// Where the 返回 link of a rejection leads: the section the address belongs to.
pub fn section_home(path: &str) -> &'static str {
    const HOMES: [&str; 2] = ["/workbench", "/portal"];
    HOMES.into_iter().find(|h| path == *h || path.strip_prefix(h).is_some_and(|rest| rest.starts_with('/'))).unwrap_or("/")
}

/// Path parameters of a page. One that does not parse (`/workbench/cases/abc`) → the 400
/// message page 地址无效, before the database is touched.
pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PagePath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(PagePath(p.0)),
            Err(rej) => {
                if !matches!(rej, PathRejection::FailedToDeserializePathParams(_)) {
                    tracing::warn!(error = %rej, "page path parameters missing");
                }
                Err(message(StatusCode::BAD_REQUEST, seen(parts), "地址无效", "地址中的编号无效，请检查链接是否完整、正确。", section_home(parts.uri.path())))
            }
        }
    }
}

/// A form posted to a page (`application/x-www-form-urlencoded`). One that cannot be read
/// → the message page 提交的内容无效 with the rejection's status (400, 413, 415 or 422).
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let actor = seen(&parts).cloned();
        let back = section_home(parts.uri.path());
        match axum::Form::<T>::from_request(Request::from_parts(parts, body), state).await {
            Ok(f) => Ok(PageForm(f.0)),
            Err(rej) => Err(form_rejected(&rej, actor.as_ref(), back)),
        }
    }
}

fn form_rejected(rej: &FormRejection, actor: Option<&Actor>, back: &str) -> Response {
    let status = rej.status();
    let text = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过大，请精简后重新提交。",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交的格式无法识别，请通过页面上的表单提交。",
        _ => "表单内容不完整或格式不正确，请返回刷新页面后重新填写。",
    };
    let status = if status.is_client_error() { status } else { StatusCode::BAD_REQUEST };
    message(status, actor, "提交的内容无效", text, back)
}

#[cfg(test)]
mod tests {
    use super::section_home;

    #[test]
    fn rejections_lead_back_to_their_section() {
        assert_eq!(section_home("/workbench/cases/abc"), "/workbench");
        assert_eq!(section_home("/portal/cases/x"), "/portal");
        assert_eq!(section_home("/portalx/1"), "/");
        assert_eq!(section_home("/verify/abc"), "/");
    }
}
