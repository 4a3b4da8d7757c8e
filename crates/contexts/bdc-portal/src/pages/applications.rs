//! 共同申请确认 pages of 线上苏小登: an online application as its applicant and its
//! co-applicants see it; a co-applicant gets his one-time code and confirms, or declines.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use bdc_http::page_input::PageForm;
use bdc_http::page_input::PagePath;
use serde::Deserialize;

use crate::service::applications::{self as svc, ApplicationState, ApplicationView, ConfirmationState};
use bdc_core::ServiceError;

use super::{csrf_ok, message, redirect, render, Chrome, PageActor};
use bdc_registry::Services;

#[derive(Template)]
#[template(path = "application.html")]
pub struct ApplicationPage {
    chrome: Chrome,
    a: ApplicationView,
    /// The viewer still has to answer.
    can_answer: bool,
    awaiting: bool,
    sent_to: String,
    error: String,
    attributes: Vec<(String, String)>,
}

impl ApplicationPage {
    fn state_badge(&self) -> &'static str {
        match self.a.state {
            ApplicationState::Awaiting => "badge--warning",
            ApplicationState::Submitted => "badge--success",
            ApplicationState::Declined | ApplicationState::Refused => "badge--danger",
            ApplicationState::Withdrawn => "badge--muted",
        }
    }
}

/// The badge class of a confirmation state.
pub fn badge(s: ConfirmationState) -> &'static str {
    match s {
        ConfirmationState::Pending => "badge--warning",
        ConfirmationState::Confirmed => "badge--success",
        ConfirmationState::Declined => "badge--danger",
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    sent: Option<String>,
}

fn label_of(flow_code: &str, key: &str) -> String {
    catalogue_label(flow_code, key).unwrap_or_else(|| key.to_owned())
}

fn catalogue_label(flow_code: &str, key: &str) -> Option<String> {
    let flow = bdc_registry::domain::catalogue::flow(flow_code)?;
    svc::form_of(flow).particulars.iter().find(|p| p.key == key).map(|p| p.label.to_owned())
}

async fn page(services: &Services, actor: &bdc_core::Actor, id: i64, sent_to: String, error: String) -> Response {
    match svc::view(services, actor, id).await {
        Ok(a) => {
            let attributes = a.attributes.iter().map(|(k, v)| (label_of(&a.flow_code, k), v.clone())).collect();
            let awaiting = a.state == ApplicationState::Awaiting;
            let p = ApplicationPage {
                chrome: Chrome::of(Some(actor), "portal"),
                can_answer: awaiting && a.my_confirmation == Some(ConfirmationState::Pending),
                awaiting,
                a,
                sent_to,
                attributes,
                error: error.clone(),
            };
            let mut r = render(&p);
            if !error.is_empty() {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            r
        }
        Err(e) => message(StatusCode::NOT_FOUND, Some(actor), "申请不存在", &e.to_string(), "/portal"),
    }
}

fn public(actor: Option<bdc_core::Actor>) -> Result<bdc_core::Actor, Response> {
    match actor {
        Some(a) if a.realm == bdc_core::access::Realm::Public => Ok(a),
        Some(a) => Err(message(StatusCode::FORBIDDEN, Some(&a), "仅限公众账户", "工作人员请使用工作台。", "/workbench")),
        None => Err(redirect("/login")),
    }
}

/// `GET /portal/applications/{id}`.
pub async fn show(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, Query(q): Query<ShowQuery>) -> Response {
    let actor = match public(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    page(&services, &actor, id, q.sent.unwrap_or_default(), String::new()).await
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    reason: String,
}

fn text_of(e: ServiceError) -> String {
    e.to_string()
}

/// A public account's answer form, admitted: real-name account, then CSRF.
fn admitted(actor: Option<bdc_core::Actor>, csrf: &str) -> Result<bdc_core::Actor, Response> {
    let actor = public(actor)?;
    if !csrf_ok(&actor, csrf) {
        return Err(message(StatusCode::FORBIDDEN, Some(&actor), "页面已过期", "请刷新页面后重试。", "/portal"));
    }
    Ok(actor)
}

/// After an action on an application: back to it, or the page again with the reason.
async fn answered<T>(services: &Services, actor: &bdc_core::Actor, id: i64, done: Result<T, ServiceError>) -> Response {
    match done {
        Ok(_) => redirect(&format!("/portal/applications/{id}")),
        Err(e) => page(services, actor, id, String::new(), text_of(e)).await,
    }
}

/// `POST /portal/applications/{id}/code`: the one-time code to the co-applicant's phone.
pub async fn send_code(
    State(services): State<Services>,
    bdc_http::extract::Client(client): bdc_http::extract::Client,
    PageActor(actor): PageActor,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AnswerForm>,
) -> Response {
    let actor = match admitted(actor, &f.csrf) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match svc::send_confirmation_code(&services, &actor, id, &client.addr).await {
        Ok(to) => redirect(&format!("/portal/applications/{id}?sent={}", bdc_http::forms::urlencode(&to))),
        Err(e) => page(&services, &actor, id, String::new(), text_of(e)).await,
    }
}

/// `POST /portal/applications/{id}/confirm`.
pub async fn confirm(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(f): PageForm<AnswerForm>) -> Response {
    match admitted(actor, &f.csrf) {
        Ok(actor) => answered(&services, &actor, id, svc::confirm(&services, &actor, id, &f.code).await).await,
        Err(r) => r,
    }
}

/// `POST /portal/applications/{id}/withdraw`: the applicant takes back a waiting application.
pub async fn withdraw(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(f): PageForm<AnswerForm>) -> Response {
    match admitted(actor, &f.csrf) {
        Ok(actor) => answered(&services, &actor, id, svc::withdraw(&services, &actor, id, &f.reason).await).await,
        Err(r) => r,
    }
}

/// `POST /portal/applications/{id}/decline`.
pub async fn decline(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(f): PageForm<AnswerForm>) -> Response {
    match admitted(actor, &f.csrf) {
        Ok(actor) => answered(&services, &actor, id, svc::decline(&services, &actor, id, &f.reason).await).await,
        Err(r) => r,
    }
}
