//! 打印文书 on the workbench: `GET /workbench/cases/{id}/documents/{kind}.pdf` — the case's
//! 受理回执, 补正告知书, 退件告知书 or 申请书 as a PDF for staff who read cases
//! ([`crate::service::documents`]). The answer helpers here serve the portal's twin as well.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use bdc_core::access::Permission;
use bdc_core::{Actor, ServiceError};
use bdc_http::page_input::PagePath;

use super::{message, PageActor};
use crate::service::documents::{self, DocumentKind, Issued};
use crate::Services;

/// The document kind of an address's last segment, `receipt.pdf` → 受理回执.
pub fn kind_of(file: &str) -> Option<DocumentKind> {
    file.strip_suffix(".pdf").and_then(DocumentKind::parse).filter(|k| *k != DocumentKind::HousingProof)
}

/// An issued document as the browser receives it: a PDF shown in its viewer (to print), named
/// by its number, never cached.
pub fn pdf_answer(issued: Issued) -> Response {
    let name = issued.file_name();
    ([(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")), (header::CACHE_CONTROL, "no-store".to_owned())], issued.pdf)
        .into_response()
}

/// The Chinese message page of a document that cannot be printed.
pub fn refusal(actor: &Actor, e: &ServiceError, back: &str) -> Response {
    match e {
        ServiceError::NotFound(m) => message(StatusCode::NOT_FOUND, Some(actor), "文书不存在", m, back),
        ServiceError::Conflict { message: m, .. } => message(StatusCode::CONFLICT, Some(actor), "不能出具该文书", m, back),
        ServiceError::Forbidden(m) => message(StatusCode::FORBIDDEN, Some(actor), "没有权限", m, back),
        other => {
            if let Some(r) = bdc_http::page::too_many(Some(actor), other, back) {
                return r;
            }
            tracing::error!(error = %other, cause = %other.cause(), "document PDF failed");
            message(StatusCode::INTERNAL_SERVER_ERROR, Some(actor), "文书生成失败", "文书暂时无法生成，请稍后再试。", back)
        }
    }
}

/// `GET /workbench/cases/{id}/documents/{kind}.pdf`.
pub async fn case_document(State(services): State<Services>, PageActor(actor): PageActor, PagePath((id, file)): PagePath<(i64, String)>) -> Response {
    let actor = match bdc_http::page::staff_with(actor, Permission::CaseRead) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = format!("/workbench/cases/{id}");
    let Some(kind) = kind_of(&file) else {
        return message(StatusCode::NOT_FOUND, Some(&actor), "文书不存在", "没有这种文书。", &back);
    };
    match documents::case_document(&services, &actor, id, kind, documents::register_labels).await {
        Ok(issued) => pdf_answer(issued),
        Err(e) => refusal(&actor, &e, &back),
    }
}
