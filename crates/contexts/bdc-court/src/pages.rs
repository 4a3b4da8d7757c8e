//! 法院查控 — the court desk page (`/workbench/court`): the inbox with each property's outcome
//! and receipt, the quarantine with 重新处理, receipts due today and overdue; and 法院送达（窗口）
//! (`/workbench/court/deliver`), the form for a notice a court's officers hand in at the counter,
//! which joins the same queue by its 送达时间 and is registered at once (module `counter`).
//!
//! Like the API, the page calls [`crate::service`] only; it wears the shared frame
//! (`bdc_http::page`).

use askama::Template;
use axum::extract::{FromRef, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use bdc_http::page_input::PageForm;
use serde::Deserialize;

use bdc_core::access::Permission;
use bdc_core::Actor;
use bdc_db::PageRequest;
use bdc_http::page::{beijing, expired, render, staff_with, Chrome};
use bdc_http::session::{csrf_ok, Gate, PageActor};
use bdc_registry::Services;

use crate::service as svc;
use crate::service::{CourtProperty, PropertyFilter};

/// The court desk's routes.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    Router::new()
        .route("/workbench/court", get(court_desk))
        .route("/workbench/court/reprocess", post(court_reprocess))
        .route("/workbench/court/deliver", get(counter::deliver_form).post(counter::deliver).layer(axum::extract::DefaultBodyLimit::max(bdc_http::forms::FORM_LIMIT)))
}

mod counter;

/// One property in the court desk.
struct CourtRow {
    request_number: String,
    seq: String,
    court: String,
    court_case: String,
    action_name: &'static str,
    delivered_at: String,
    status_name: &'static str,
    waiting: bool,
    reason: String,
    case_id: Option<i64>,
    business_number: String,
    receipt_state_name: &'static str,
    receipt_due: Option<String>,
    overdue: bool,
    /// 轮候转查封: the day this waiting seizure became active (a new receipt is due).
    promoted_at: Option<String>,
}

#[derive(Template)]
#[template(path = "court.html")]
struct CourtPage {
    chrome: Chrome,
    message: String,
    pending: i64,
    due: i64,
    overdue: i64,
    can_act: bool,
    /// `(id, fetched at, reason)`.
    messages: Vec<(i64, String, String)>,
    quarantined: Vec<CourtRow>,
    inbox: Vec<CourtRow>,
    /// May enter a notice delivered at the counter (窗口送达, case.intake).
    can_deliver: bool,
    /// What the counter delivery just entered came to (查封成功 / 轮候 …).
    delivered: String,
}

fn court_row(p: CourtProperty, today: &str) -> CourtRow {
    CourtRow {
        overdue: p.receipt_state == svc::ReceiptState::Due && p.receipt_due.as_deref().is_some_and(|d| d < today),
        action_name: svc::action_name(&p.action),
        status_name: p.status.name(),
        receipt_state_name: p.receipt_state.name(),
        request_number: p.request_number,
        seq: p.seq,
        court: p.court,
        court_case: p.court_case,
        delivered_at: p.delivered_at.replace('T', " "),
        waiting: p.waiting,
        reason: p.reason,
        case_id: p.case_id,
        business_number: p.business_number,
        receipt_due: p.receipt_due,
        promoted_at: p.promoted_at.map(|t| beijing(&t)),
    }
}

async fn court_page_for(services: &Services, actor: &Actor, message_text: String) -> Response {
    court_page_with(services, actor, message_text, String::new()).await
}

async fn court_page_with(services: &Services, actor: &Actor, message_text: String, delivered: String) -> Response {
    let today = bdc_core::time::today();
    let page = |n| PageRequest { page: 1, per_page: n };
    let count = |f: PropertyFilter| {
        let (s, a) = (services, actor);
        async move { svc::inbox(s, a, f, page(1)).await.map(|p| p.total).unwrap_or(0) }
    };
    let pending = count(PropertyFilter { status: Some(svc::PropertyStatus::Pending), ..PropertyFilter::default() }).await;
    let due = svc::receipts_due(services, actor, false, page(1)).await.map(|p| p.total).unwrap_or(0);
    let overdue = svc::receipts_due(services, actor, true, page(1)).await.map(|p| p.total).unwrap_or(0);
    let t = today.to_string();
    let quarantined = svc::inbox(services, actor, PropertyFilter { status: Some(svc::PropertyStatus::Quarantined), ..PropertyFilter::default() }, page(200))
        .await
        .map(|p| p.items.into_iter().map(|x| court_row(x, &t)).collect())
        .unwrap_or_default();
    let inbox = svc::inbox(services, actor, PropertyFilter::default(), page(100)).await.map(|p| p.items.into_iter().map(|x| court_row(x, &t)).collect()).unwrap_or_default();
    let messages = svc::quarantined_messages(services, actor).await.unwrap_or_default().into_iter().map(|(id, at, _, reason)| (id, beijing(&at), reason)).collect();
    render(&CourtPage {
        chrome: Chrome::of(Some(actor), "court"),
        message: message_text,
        pending,
        due,
        overdue,
        can_act: actor.can(Permission::CaseRegister),
        messages,
        quarantined,
        inbox,
        can_deliver: actor.can(Permission::CaseIntake),
        delivered,
    })
}

#[derive(Debug, Deserialize, Default)]
struct DeskQuery {
    /// The request number of a counter delivery just entered (its outcome is shown).
    #[serde(default)]
    delivered: String,
}

/// 法院查控: the inbox, the quarantine with reprocessing, receipts due and overdue; after a
/// counter delivery, what became of it.
async fn court_desk(State(services): State<Services>, PageActor(actor): PageActor, Query(q): Query<DeskQuery>) -> Response {
    match staff_with(actor, Permission::CaseRead) {
        Ok(a) => {
            let delivered = counter::outcome(&services, &a, q.delivered.trim()).await;
            court_page_with(&services, &a, String::new(), delivered).await
        }
        Err(r) => r,
    }
}

#[derive(Debug, Deserialize)]
struct ReprocessForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    seq: String,
}

/// Puts a quarantined property back in the queue and processes it.
async fn court_reprocess(State(services): State<Services>, PageActor(actor): PageActor, PageForm(f): PageForm<ReprocessForm>) -> Response {
    let actor = match staff_with(actor, Permission::CaseRead) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&actor, &f.csrf) {
        return expired(&actor, "/workbench/court");
    }
    let text = match svc::reprocess(&services, &actor, &f.number, &f.seq).await {
        Ok(p) => format!("请求 {} 第 {} 项已重新处理：{}{}", p.request_number, p.seq, p.status.name(), if p.reason.is_empty() { String::new() } else { format!("（{}）", p.reason) }),
        Err(e) => e.to_string(),
    };
    court_page_for(&services, &actor, text).await
}
