//! The register's documents as pages show them: a stored file's line in a checklist
//! ([`FileView`]; the file itself is served by `/files/{id}` once its owner's context lets the
//! actor see it) and a certificate's PDF ([`pdf_response`], for the caller that has checked who
//! may download it).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::service::certificates;
use crate::Services;

use super::message;

/// A stored file as a page shows it: `(id, material name, file name, size text, is image, is pdf)`.
pub struct FileView {
    pub id: i64,
    pub material: String,
    pub name: String,
    pub size: String,
    pub image: bool,
    pub pdf: bool,
    pub uploaded: String,
}

impl FileView {
    pub fn of(a: &crate::service::materials::Attachment, flow: Option<&crate::domain::catalogue::Flow>) -> FileView {
        FileView {
            id: a.id,
            material: flow.and_then(|f| f.materials.iter().find(|m| m.code == a.material_code)).map_or_else(|| a.material_code.clone(), |m| m.name.to_owned()),
            name: a.file_name.clone(),
            size: human_size(a.size),
            image: a.content_type.starts_with("image/"),
            pdf: a.content_type == "application/pdf",
            uploaded: super::beijing(&a.uploaded_at),
        }
    }
}

pub fn human_size(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (n + 1023) / 1024)
    }
}

/// The PDF of a certificate as a download.
/// How a certificate PDF is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Saved as a file (the owner's 电子证书).
    Download,
    /// Shown inside one of our pages (缮证预览 on the case page).
    InPage,
}

pub async fn pdf_response(services: &Services, actor: Option<&bdc_core::Actor>, number: &str, back: &str, shown: Shown) -> Response {
    let view = match certificates::view(services, number).await {
        Ok(Some(v)) => v,
        _ => return message(StatusCode::NOT_FOUND, actor, "证书不存在", "未找到该证书。", back),
    };
    match certificates::pdf(services, &view).await {
        Ok(bytes) => {
            let disposition = match shown {
                Shown::Download => "attachment",
                Shown::InPage => "inline",
            };
            let mut r = (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("{disposition}; filename=\"certificate.pdf\"; filename*=UTF-8''{}.pdf", bdc_http::forms::urlencode(number))),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                bytes,
            )
                .into_response();
            if shown == Shown::InPage {
                // Framed by our own case page (缮证预览), as the stored scans are.
                r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static(bdc_http::headers::FILE_CSP));
            }
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "certificate PDF failed");
            message(StatusCode::INTERNAL_SERVER_ERROR, actor, "证书生成失败", "电子证书暂时无法生成，请稍后再试。", back)
        }
    }
}
