//! The portal's pages (线上苏小登): the home page with the catalogue, 证书核验, 我的 (cases,
//! applications, drafts, certificates), the application form, co-applicants' confirmations,
//! agents' authorisations, 登记资料查询, 利害关系人查询 with its staff review (查询审批), and the
//! stored files. They wear the shared frame (`bdc_http::page`) and call [`crate::service`] only.
//!
//! Sign-up, login and 实名认证 are the identity context's; the shell serves their pages.

pub mod agency;
pub mod applications;
pub mod archive;
pub mod case_withdrawal;
pub mod files;
pub mod guide;
pub mod interest;
pub mod portal;
pub mod proofs;

use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;

use bdc_http::session::Gate;
use bdc_registry::Services;

/// The design system and the page helpers the portal's pages share with every context.
pub use bdc_http::page::{beijing, limited, message, public_only, redirect, render, too_many, Chrome, Errors};
pub use bdc_http::session::{csrf_ok, PageActor};

/// Every page route of the portal.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    Router::new()
        .route("/", get(portal::home))
        .route("/guide", get(guide::index))
        .route("/guide/{code}", get(guide::show))
        .route("/verify", get(portal::verify_form).post(portal::verify))
        .route("/portal", get(portal::portal_home))
        .route("/portal/apply/{flow}", get(portal::apply_form).post(portal::apply).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/portal/drafts/{id}/files/{file}/remove", post(portal::remove_draft_file))
        .route("/portal/drafts/{id}/delete", get(portal::confirm_delete_draft).post(portal::delete_draft))
        .route("/portal/applications/{id}", get(applications::show))
        .route("/portal/applications/{id}/code", post(applications::send_code))
        .route("/portal/applications/{id}/confirm", post(applications::confirm))
        .route("/portal/applications/{id}/decline", post(applications::decline))
        .route("/portal/applications/{id}/withdraw", post(applications::withdraw))
        .route("/portal/archive", get(archive::page))
        .route("/portal/agency", get(agency::show).post(agency::record).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/portal/agency/{id}/revoke", post(agency::revoke))
        .route("/files/{id}", get(files::show))
        .route("/portal/cases/{id}", get(portal::my_case))
        .route("/portal/cases/{id}/documents/{file}", get(proofs::case_document))
        .route("/portal/archive/proof.pdf", post(proofs::housing_proof))
        .route("/portal/cases/{id}/withdraw", get(case_withdrawal::confirm_withdraw_case).post(case_withdrawal::withdraw_case))
        .route("/portal/cases/{id}/files", post(portal::add_case_files).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
        .route("/portal/certificates/{number}", get(portal::my_certificate))
        .merge(interest::routes())
}
