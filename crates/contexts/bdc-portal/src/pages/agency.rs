//! 授权委托 — a portal agent records the authorisations he acts under (委托人, 委托事项,
//! 有效期, the signed 授权委托书), sees them, and withdraws one the principal revoked.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bdc_http::page_input::PageForm;
use bdc_http::page_input::PagePath;
use serde::Deserialize;

use crate::service::agency::{self, NewAuthorisation};
use bdc_registry::register_api::materials::Upload;

use super::{csrf_ok, message, redirect, render, Chrome, Errors, PageActor};
use bdc_registry::Services;

/// An authorisation as listed: `(id, principal, masked ID, matters, valid until, usable, document id)`.
type Row = (i64, String, String, String, String, bool, i64);

#[derive(Template)]
#[template(path = "agency.html")]
pub struct AgencyPage {
    chrome: Chrome,
    rows: Vec<Row>,
    principal_name: String,
    principal_id: String,
    matters: String,
    valid_until: String,
    errors: Errors,
    message: String,
}

fn agent_only(actor: Option<bdc_core::Actor>) -> Result<bdc_core::Actor, Response> {
    match actor {
        Some(a) if a.roles.iter().any(|r| r == "agent") => Ok(a),
        Some(a) => Err(message(StatusCode::FORBIDDEN, Some(&a), "仅限代理人账户", "注册时选择“代理人”账户类型后，才能代他人申请。", "/portal")),
        None => Err(redirect("/login")),
    }
}

async fn page(services: &Services, actor: &bdc_core::Actor, f: &NewAuthorisation, errors: Errors, message_text: String) -> AgencyPage {
    let rows = agency::mine(services, actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s.authorisation.id, s.principal_name, s.principal_id_masked, s.authorisation.matters, s.authorisation.valid_until, s.usable, s.authorisation.document_id))
        .collect();
    AgencyPage {
        chrome: Chrome::of(Some(actor), "portal"),
        rows,
        principal_name: f.principal_name.clone(),
        principal_id: f.principal_id.clone(),
        matters: f.matters.clone(),
        valid_until: f.valid_until.clone(),
        errors,
        message: message_text,
    }
}

/// `GET /portal/agency`.
pub async fn show(State(services): State<Services>, PageActor(actor): PageActor) -> Response {
    let actor = match agent_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    render(&page(&services, &actor, &NewAuthorisation::default(), Errors::new(), String::new()).await)
}

/// `POST /portal/agency`: records an authorisation with its letter.
pub async fn record(State(services): State<Services>, PageActor(actor): PageActor, multipart: axum::extract::Multipart) -> Response {
    let actor = match agent_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match bdc_http::forms::read(multipart).await {
        Ok(f) => f,
        Err(e) => return message(StatusCode::PAYLOAD_TOO_LARGE, Some(&actor), "无法提交", &e, "/portal/agency"),
    };
    if !csrf_ok(&actor, &form.get("csrf")) {
        return bdc_http::page::expired(&actor, "/portal/agency");
    }
    let a = NewAuthorisation {
        principal_name: form.get("principal_name"),
        principal_id: form.get("principal_id"),
        matters: form.get("matters"),
        valid_until: form.get("valid_until"),
        document: form.files.iter().find(|(k, _, _)| k == "document").map(|(_, n, b)| Upload { material_code: "document".into(), file_name: n.clone(), bytes: b.clone() }),
    };
    let mut errors = Errors::new();
    for (k, v) in agency::check(&a, bdc_registry::service::cases::today()) {
        errors.entry(k).or_insert(v);
    }
    if errors.is_empty() {
        match agency::record(&services, &actor, a.clone()).await {
            Ok(_) => return redirect("/portal/agency"),
            Err(bdc_core::ServiceError::Validation { field: Some(f), message: m, .. }) => {
                let key = match f.as_str() {
                    "principal_name" => "principal_name",
                    "principal_id" => "principal_id",
                    "valid_until" => "valid_until",
                    "matters" => "matters",
                    _ => "document",
                };
                errors.insert(key, m);
            }
            Err(e) => {
                let mut r = render(&page(&services, &actor, &a, errors, e.to_string()).await);
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                return r;
            }
        }
    }
    let mut r = render(&page(&services, &actor, &a, errors, String::new()).await);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /portal/agency/{id}/revoke`.
pub async fn revoke(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(f): PageForm<CsrfOnly>) -> Response {
    let actor = match agent_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&actor, &f.csrf) {
        return bdc_http::page::expired(&actor, "/portal/agency");
    }
    match agency::revoke(&services, &actor, id).await {
        Ok(()) => redirect("/portal/agency"),
        Err(e) => message(StatusCode::NOT_FOUND, Some(&actor), "无法撤销", &e.to_string(), "/portal/agency"),
    }
}
