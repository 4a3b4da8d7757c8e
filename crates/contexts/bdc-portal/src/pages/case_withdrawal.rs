//! 撤回申请 — the applicant takes his online case back before 受理: a confirmation page with an
//! optional reason (like deleting a draft), then back to the case with a notice.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bdc_http::page_input::{PageForm, PagePath};
use serde::Deserialize;

use super::{csrf_ok, message, public_only, redirect, render, Chrome, PageActor};
use crate::service::{account, applications};
use bdc_core::ServiceError;
use bdc_registry::domain::catalogue;
use bdc_registry::Services;

#[derive(Template)]
#[template(path = "case_withdraw.html")]
pub struct CaseWithdrawPage {
    chrome: Chrome,
    id: i64,
    number: String,
    flow: String,
    reason: String,
    /// The reason's problem, beside it.
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// The confirmation page, or the message page when the case cannot (any longer) be withdrawn.
async fn page(services: &Services, actor: &bdc_core::Actor, id: i64, reason: String, error: Option<String>) -> Response {
    let back = format!("/portal/cases/{id}");
    let case = match account::my_case(services, actor, id).await {
        Ok((case, _)) => case,
        Err(e) => return message(StatusCode::NOT_FOUND, Some(actor), "办件不存在", &e.to_string(), "/portal"),
    };
    match applications::case_withdrawable(services, actor, id).await {
        Ok(true) => {}
        Ok(false) => return message(StatusCode::CONFLICT, Some(actor), "不能撤回", "办件已受理，如需撤回请联系登记机构", &back),
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, Some(actor), "暂时无法撤回", &e.to_string(), &back),
    }
    let flow = catalogue::flow(&case.flow_code).map_or_else(|| case.flow_code.clone(), |f| f.name.to_owned());
    let mut r = render(&CaseWithdrawPage { chrome: Chrome::of(Some(actor), "portal"), id, number: case.case_number, flow, reason, error: error.clone() });
    if error.is_some() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// `GET /portal/cases/{id}/withdraw`: asks before the case is taken back.
pub async fn confirm_withdraw_case(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    page(&services, &actor, id, String::new(), None).await
}

/// `POST /portal/cases/{id}/withdraw` (after [`confirm_withdraw_case`]): back to the case, which
/// now shows 已撤回; a bad reason stays on the confirmation page, beside its field.
pub async fn withdraw_case(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(f): PageForm<WithdrawForm>) -> Response {
    let actor = match public_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let back = format!("/portal/cases/{id}");
    if !csrf_ok(&actor, &f.csrf) {
        return bdc_http::page::expired(&actor, &back);
    }
    match applications::withdraw_case(&services, &actor, id, &f.reason).await {
        Ok(_) => redirect(&format!("{back}?withdrawn=1")),
        Err(ServiceError::Validation { message: m, .. }) => page(&services, &actor, id, f.reason, Some(m)).await,
        Err(e @ ServiceError::Conflict { .. }) => message(StatusCode::CONFLICT, Some(&actor), "不能撤回", &e.to_string(), &back),
        Err(e @ (ServiceError::NotFound(_) | ServiceError::Forbidden(_))) => message(StatusCode::NOT_FOUND, Some(&actor), "办件不存在", &e.to_string(), "/portal"),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, Some(&actor), "暂时无法撤回", &e.to_string(), &back),
    }
}
