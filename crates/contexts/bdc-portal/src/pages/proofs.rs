//! 打印文书 on the portal: a case's 受理回执, 补正告知书, 退件告知书 and 申请书 for the case's own
//! people (`GET /portal/cases/{id}/documents/{kind}.pdf`), and the 有房／无房证明 a real-name user
//! issues himself from 档案查询 (`POST /portal/archive/proof.pdf`). The register prints and signs
//! them ([`bdc_registry::service::documents`]); the application form names its particulars by
//! this portal's own form labels.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use bdc_http::extract::Client;
use bdc_http::page_input::{PageForm, PagePath};
use bdc_registry::domain::catalogue::Flow;
use bdc_registry::pages::documents::{kind_of, pdf_answer, refusal};
use bdc_registry::service::documents;
use bdc_registry::Services;

use super::{csrf_ok, message, public_only, PageActor};

/// The portal form's labels of a flow's particulars (登记事项), for the printed 申请书.
pub fn form_labels(flow: &'static Flow) -> Vec<(&'static str, &'static str)> {
    crate::service::applications::form_of(flow).particulars.iter().map(|p| (p.key, p.label)).collect()
}

/// `GET /portal/cases/{id}/documents/{kind}.pdf`: only for those who may see the case; anyone
/// else is told it does not exist (404), as for the case page.
pub async fn case_document(State(services): State<Services>, PageActor(actor): PageActor, PagePath((id, file)): PagePath<(i64, String)>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = format!("/portal/cases/{id}");
    let Some(kind) = kind_of(&file) else {
        return message(StatusCode::NOT_FOUND, Some(&actor), "文书不存在", "没有这种文书。", &back);
    };
    match documents::case_document(&services, &actor, id, kind, form_labels).await {
        Ok(issued) => pdf_answer(issued),
        Err(e) => refusal(&actor, &e, &back),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ProofForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /portal/archive/proof.pdf`: 开具有房／无房证明 (CSRF-checked; logged as a public query).
pub async fn housing_proof(State(services): State<Services>, PageActor(actor): PageActor, Client(client): Client, PageForm(f): PageForm<ProofForm>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&actor, &f.csrf) {
        return bdc_http::page::expired(&actor, "/portal/archive");
    }
    match documents::housing_proof(&services, &actor, &client.addr).await {
        Ok(issued) => pdf_answer(issued),
        Err(e) => refusal(&actor, &e, "/portal/archive"),
    }
}
