//! `/api/v1/portal/…` — 线上苏小登 as a JSON API, for the city app and partner systems (banks,
//! developers, the 住建 platform, agents), with this context's part of the access table.
//!
//! - [`portal`] — flows, units, applications and their confirmations, cases, certificates.
//! - [`case_withdrawal`] — 撤回 of an online case before 受理.
//! - [`files`] — drafts, uploads and agents' authorisations.
//! - [`queries`] — 档案查询, 利害关系人查询, 证书核验 (open to anyone, rate-limited), the PDF.
//!
//! The handlers call [`crate::service`] only. [`router`] is generic over the server's state: it
//! needs the register's [`Services`] and the session [`Gate`].

pub mod case_withdrawal;
pub mod documents;
pub mod files;
pub mod portal;
pub mod queries;

use axum::extract::FromRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use bdc_http::access::Access;
use bdc_http::session::Gate;
use bdc_registry::Services;

/// This context's rules of the access table: 证书真伪查询 is open to anyone, as on the portal page
/// (rate-limited per address); everything else needs a public account (its real-name link is
/// checked by [`portal::PortalUser`] before any input is read). Sign-up and real-name, also
/// under `/api/v1/portal/`, are the identity context's and are asked first.
pub fn access(_method: &str, route: &str) -> Option<Access> {
    match route {
        "/api/v1/portal/verify" => Some(Access::Public),
        r if r.starts_with("/api/v1/portal/") => Some(Access::PublicAccount),
        _ => None,
    }
}

/// The portal's API routes with their OpenAPI descriptions.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(portal::portal_flows))
        .routes(routes!(portal::portal_flow))
        .routes(routes!(portal::portal_units))
        .routes(routes!(portal::portal_applications, portal::portal_apply))
        .routes(routes!(portal::portal_application))
        .routes(routes!(portal::portal_confirmation_code))
        .routes(routes!(portal::portal_confirm))
        .routes(routes!(portal::portal_decline))
        .routes(routes!(portal::portal_withdraw))
        .routes(routes!(portal::portal_cases))
        .routes(routes!(portal::portal_case))
        .routes(routes!(case_withdrawal::portal_withdraw_case))
        .routes(routes!(portal::portal_certificates))
        .routes(routes!(documents::portal_case_document))
        .routes(routes!(documents::portal_housing_proof))
        .routes(routes!(files::portal_revoke_authorisation))
        .routes(routes!(files::portal_drafts, files::portal_create_draft))
        .routes(routes!(files::portal_draft, files::portal_save_draft, files::portal_delete_draft))
        .routes(routes!(files::portal_remove_draft_file))
        .routes(routes!(files::portal_submit_draft))
        .routes(routes!(files::portal_application_files))
        .routes(routes!(files::portal_file))
        .routes(routes!(queries::portal_archive))
        .routes(routes!(queries::portal_interest_application))
        .routes(routes!(queries::portal_interest_evidence))
        .routes(routes!(queries::portal_verify_certificate))
        .routes(routes!(queries::portal_certificate_pdf))
        // Uploads of scanned materials: larger bodies than the server-wide limit.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(files::portal_upload_draft_files))
                .routes(routes!(portal::portal_authorisations, files::portal_record_authorisation))
                .routes(routes!(files::portal_case_files, files::portal_upload_case_files))
                .routes(routes!(queries::portal_interest_applications, queries::portal_apply_interest))
                .layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)),
        )
}
