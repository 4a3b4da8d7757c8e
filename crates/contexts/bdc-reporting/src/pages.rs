//! 上报省厅 — the staff's screens over reporting to the province: the access messages
//! (`/workbench/reporting`: 接入报文 with their state, counted by state, filtered by state and
//! day, paged), a day's 登簿日志 (`/workbench/reporting/log`, with the LogBiz XML and the .xlsx
//! the API produces), and the 销账 items (`/workbench/reporting/reconciliation`) with 重新上报.
//!
//! Like the API, the pages call [`crate::service`] only, which holds the permissions (reading
//! needs `case.read`, re-reporting `case.register`); they wear the shared frame
//! (`bdc_http::page`).

use askama::Template;
use axum::extract::{FromRef, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;

use bdc_core::access::Permission;
use bdc_core::Actor;
use bdc_db::PageRequest;
use bdc_http::page::{expired, redirect, render, staff_with, Chrome};
use bdc_http::page_input::{PageForm, PagePath};
use bdc_http::session::{csrf_ok, Gate, PageActor};
use bdc_registry::domain::rights::RegistrationType;
use bdc_registry::Services;

use crate::domain::{ItemStatus, MessageState};
use crate::service::overview::{self, MessageFilter};
use crate::service::{daily_log, reconciliation};

/// Messages per page.
const PER_PAGE: u32 = 20;

/// The registration types in the order of the log's counts (首次 … 其他).
const TYPES: [RegistrationType; 9] = [
    RegistrationType::First,
    RegistrationType::Transfer,
    RegistrationType::Change,
    RegistrationType::Cancellation,
    RegistrationType::Correction,
    RegistrationType::Objection,
    RegistrationType::Advance,
    RegistrationType::Seizure,
    RegistrationType::Other,
];

/// The reconciliation states a filter may choose.
const ITEM_STATES: [ItemStatus; 4] = [ItemStatus::Open, ItemStatus::Clearing, ItemStatus::Cleared, ItemStatus::Failed];

/// The reporting screens' routes.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
    Gate: FromRef<S>,
{
    Router::new()
        .route("/workbench/reporting", get(reporting_messages))
        .route("/workbench/reporting/log", get(registration_log))
        .route("/workbench/reporting/reconciliation", get(reconciliation_items))
        .route("/workbench/reporting/reconciliation/{id}/resend", post(resend_item))
}

/// A Beijing time as shown (`2026-11-25 09:30`).
fn shown(t: chrono::DateTime<chrono::Utc>) -> String {
    bdc_core::time::beijing(t).format("%Y-%m-%d %H:%M").to_string()
}

/// A date typed in a filter: none, a date, or the error to show beside its field.
fn date_field(s: &str) -> Result<Option<NaiveDate>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map(Some).map_err(|_| "日期格式应为 YYYY-MM-DD".to_owned())
}

// ---- 接入报文 ----

/// The messages' filter as typed.
#[derive(Debug, Deserialize, Default)]
struct MessagesQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

/// One message as listed.
struct MessageRow {
    biz_msg_id: String,
    case_id: Option<i64>,
    business_number: String,
    rec_type: String,
    kind_name: &'static str,
    state_code: &'static str,
    state_name: &'static str,
    /// The province's code and reason, for a refused or quarantined message.
    reason: String,
    sent_at: String,
    answered_at: String,
}

#[derive(Template)]
#[template(path = "reporting.html")]
struct MessagesPage {
    chrome: Chrome,
    /// `(code, name, count)` of every state.
    counts: Vec<(&'static str, &'static str, i64)>,
    query: MessagesQuery,
    from_error: String,
    to_error: String,
    rows: Vec<MessageRow>,
    total: i64,
    page: u32,
    pages: u32,
    keep: String,
    error: String,
}

/// 接入报文: the messages reported to the province, counted by state.
async fn reporting_messages(State(services): State<Services>, PageActor(actor): PageActor, Query(q): Query<MessagesQuery>) -> Response {
    let a = match staff_with(actor, Permission::CaseRead) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let state = MessageState::parse(q.state.trim());
    let (from, from_error) = match date_field(&q.from) {
        Ok(d) => (d, String::new()),
        Err(e) => (None, e),
    };
    let (to, mut to_error) = match date_field(&q.to) {
        Ok(d) => (d, String::new()),
        Err(e) => (None, e),
    };
    if from.zip(to).is_some_and(|(f, t)| f > t) {
        to_error = "结束日期不能早于起始日期".into();
    }
    let page = q.page.trim().parse::<u32>().ok().filter(|p| *p >= 1).unwrap_or(1);
    let refused = !from_error.is_empty() || !to_error.is_empty();
    let mut counts = MessageState::ALL.iter().map(|s| (s.code(), s.name(), 0)).collect::<Vec<_>>();
    let (mut rows, mut total, mut error) = (Vec::new(), 0, String::new());
    if !refused {
        match overview::board(&services, &a, MessageFilter { state, from, to }, PageRequest { page, per_page: PER_PAGE }).await {
            Ok(b) => {
                counts = b.counts.iter().map(|(s, n)| (s.code(), s.name(), *n)).collect();
                total = b.messages.total;
                rows = b
                    .messages
                    .items
                    .into_iter()
                    .map(|m| MessageRow {
                        reason: match (&m.response_code, &m.response_info) {
                            _ if matches!(m.state, MessageState::Sent | MessageState::Accepted) => String::new(),
                            (Some(c), Some(i)) if !c.is_empty() => format!("{c} {i}"),
                            (_, Some(i)) => i.clone(),
                            _ => String::new(),
                        },
                        biz_msg_id: m.biz_msg_id,
                        case_id: m.case_id,
                        business_number: m.business_number,
                        rec_type: m.rec_type,
                        kind_name: m.kind_name,
                        state_code: m.state.code(),
                        state_name: m.state.name(),
                        sent_at: shown(m.sent_at),
                        answered_at: m.answered_at.map(shown).unwrap_or_default(),
                    })
                    .collect();
            }
            Err(e) => error = e.to_string(),
        }
    }
    let pages = u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE)).unwrap_or(u32::MAX).max(1);
    let enc = bdc_http::forms::urlencode;
    let keep = format!("state={}&from={}&to={}", enc(state.map_or("", |s| s.code())), enc(q.from.trim()), enc(q.to.trim()));
    let mut r = render(&MessagesPage { chrome: Chrome::of(Some(&a), "reporting"), counts, query: q, from_error, to_error, rows, total, page, pages, keep, error });
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

// ---- 登簿日志 ----

#[derive(Debug, Deserialize, Default)]
struct LogQuery {
    #[serde(default)]
    date: String,
}

/// One line of the 登簿详单.
struct LogRow {
    case_number: String,
    registration_type: String,
    right_type: u16,
    unit_number: String,
    certificates: String,
    reported: bool,
    biz_msg_id: String,
}

#[derive(Template)]
#[template(path = "reporting_log.html")]
struct LogPage {
    chrome: Chrome,
    date: String,
    date_error: String,
    /// `(登记类型, count)`.
    counts: Vec<(&'static str, u32)>,
    total: u32,
    rows: Vec<LogRow>,
    error: String,
}

/// 登簿日志 of a day (today when none is named), with links to its LogBiz XML and .xlsx.
async fn registration_log(State(services): State<Services>, PageActor(actor): PageActor, Query(q): Query<LogQuery>) -> Response {
    let a = match staff_with(actor, Permission::CaseRead) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (date, date_error) = match date_field(&q.date) {
        Ok(d) => (d.unwrap_or_else(bdc_core::time::today), String::new()),
        Err(e) => (bdc_core::time::today(), e),
    };
    let mut page = LogPage { chrome: Chrome::of(Some(&a), "reporting"), date: date.to_string(), date_error, counts: Vec::new(), total: 0, rows: Vec::new(), error: String::new() };
    if !page.date_error.is_empty() {
        page.date = q.date.clone();
        let mut r = render(&page);
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    match daily_log::daily_log(&services, &a, date).await {
        Ok(log) => {
            page.counts = TYPES.iter().zip(log.counts.iter()).map(|(t, (_, n))| (t.name(), *n)).collect();
            page.total = log.counts.iter().map(|(_, n)| n).sum();
            page.rows = log
                .register_list
                .into_iter()
                .map(|l| LogRow {
                    registration_type: TYPES.iter().find(|t| t.code() == l.registration_type).map_or_else(|| l.registration_type.to_string(), |t| t.name().to_owned()),
                    case_number: l.case_number,
                    right_type: l.right_type,
                    unit_number: l.unit_number,
                    certificates: l.certificates,
                    reported: l.reported,
                    biz_msg_id: l.biz_msg_id,
                })
                .collect();
        }
        Err(e) => page.error = e.to_string(),
    }
    render(&page)
}

// ---- 销账 ----

#[derive(Debug, Deserialize, Default)]
struct ItemsQuery {
    #[serde(default)]
    status: String,
    /// The new BizMsgID of an item just re-reported (the success notice after 重新上报).
    #[serde(default)]
    resent: String,
    #[serde(default)]
    page: String,
}

/// One reconciliation item as listed.
struct ItemRow {
    id: i64,
    list_date: String,
    biz_msg_id: String,
    case_number: String,
    unit_number: String,
    cause_name: &'static str,
    reason: String,
    /// The badge's colour: `success`, `info` or `danger`.
    badge: &'static str,
    status_name: &'static str,
    deadline: String,
    /// 剩 n 个工作日 / 超期 n 个工作日, while open.
    left: String,
    alarm: &'static str,
    resend_biz_msg_id: String,
    /// Not yet cleared: it may be reported again.
    resendable: bool,
}

#[derive(Template)]
#[template(path = "reporting_reconciliation.html")]
struct ItemsPage {
    chrome: Chrome,
    status: String,
    /// `(code, name)` of the states to filter by.
    states: Vec<(i64, &'static str)>,
    rows: Vec<ItemRow>,
    total: i64,
    page: u32,
    pages: u32,
    can_resend: bool,
    notice: String,
    error: String,
}

async fn items_page(services: &Services, a: &Actor, q: &ItemsQuery, notice: String, error: String) -> Response {
    let status = q.status.trim().parse::<i64>().ok().and_then(ItemStatus::parse);
    let page = q.page.trim().parse::<u32>().ok().filter(|p| *p >= 1).unwrap_or(1);
    let (mut rows, mut total, mut error) = (Vec::new(), 0, error);
    match reconciliation::items(services, a, status, PageRequest { page, per_page: PER_PAGE }).await {
        Ok(p) => {
            total = p.total;
            rows = p
                .items
                .into_iter()
                .map(|v| {
                    let i = v.item;
                    ItemRow {
                        id: i.id,
                        cause_name: i.cause.name(),
                        reason: if i.response_code.is_empty() { i.response_info } else { format!("{} {}", i.response_code, i.response_info) },
                        badge: match i.status {
                            ItemStatus::Cleared => "success",
                            ItemStatus::Clearing => "info",
                            ItemStatus::Open | ItemStatus::Failed => "danger",
                        },
                        status_name: i.status.name(),
                        resendable: i.status != ItemStatus::Cleared,
                        list_date: i.list_date,
                        biz_msg_id: i.biz_msg_id,
                        case_number: i.case_number,
                        unit_number: i.unit_number,
                        deadline: i.deadline,
                        left: match v.working_days_left {
                            Some(d) if d < 0 => format!("超期 {} 个工作日", -d),
                            Some(d) => format!("剩 {d} 个工作日"),
                            None => String::new(),
                        },
                        alarm: v.alarm.map_or("", |al| al.code()),
                        resend_biz_msg_id: i.resend_biz_msg_id.unwrap_or_default(),
                    }
                })
                .collect();
        }
        Err(e) => {
            if error.is_empty() {
                error = e.to_string();
            }
        }
    }
    let pages = u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE)).unwrap_or(u32::MAX).max(1);
    let states = ITEM_STATES.iter().map(|s| (s.code(), s.name())).collect();
    render(&ItemsPage {
        chrome: Chrome::of(Some(a), "reporting"),
        status: status.map(|s| s.code().to_string()).unwrap_or_default(),
        states,
        rows,
        total,
        page,
        pages,
        can_resend: a.can(Permission::CaseRegister),
        notice,
        error,
    })
}

/// 销账: the province's inconsistent records with their deadlines, and 重新上报.
async fn reconciliation_items(State(services): State<Services>, PageActor(actor): PageActor, Query(q): Query<ItemsQuery>) -> Response {
    let a = match staff_with(actor, Permission::CaseRead) {
        Ok(a) => a,
        Err(r) => return r,
    };
    // Only a message id is echoed (digits), never free text from the address.
    let resent = q.resent.trim();
    let notice = if !resent.is_empty() && resent.len() <= 32 && resent.bytes().all(|b| b.is_ascii_digit()) {
        format!("已重新上报，新报文 {resent} 已发送，等待省厅响应。")
    } else {
        String::new()
    };
    items_page(&services, &a, &q, notice, String::new()).await
}

#[derive(Debug, Deserialize)]
struct ResendForm {
    #[serde(default)]
    csrf: String,
}

/// 重新上报 (补报 / 重报) one item, then back to the list with the new message's id.
async fn resend_item(State(services): State<Services>, PageActor(actor): PageActor, PagePath(id): PagePath<i64>, PageForm(f): PageForm<ResendForm>) -> Response {
    let a = match staff_with(actor, Permission::CaseRead) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&a, &f.csrf) {
        return expired(&a, "/workbench/reporting/reconciliation");
    }
    match reconciliation::resend(&services, &a, id).await {
        Ok(v) => redirect(&format!("/workbench/reporting/reconciliation?resent={}", v.item.resend_biz_msg_id.unwrap_or_default())),
        Err(e) => {
            let status = match &e {
                bdc_core::ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
                bdc_core::ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
                bdc_core::ServiceError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let mut r = items_page(&services, &a, &ItemsQuery::default(), String::new(), format!("重新上报失败：{e}")).await;
            *r.status_mut() = status;
            r
        }
    }
}
