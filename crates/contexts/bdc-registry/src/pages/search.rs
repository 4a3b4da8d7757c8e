//! 业务查询 — the staff's search page (`/workbench/search`): any case, finished ones included, by
//! 业务号, applicant, 坐落, unit, certificate, flow, state, 受理日期 and channel; a GET form, so the
//! conditions stay in the address (a result can be bookmarked, the pager keeps them); 导出 Excel
//! of the same conditions (`/workbench/search.xlsx`); printable (the stylesheet's print rules
//! leave the navigation, the form and the buttons off the paper).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::domain::catalogue;
use crate::domain::workflow::CaseState;
use crate::service::case_search::{self, CaseHit, ChannelFilter, SearchInput, SearchOrder};
use bdc_core::access::Permission;
use bdc_core::{Actor, ServiceError};
use bdc_db::PageRequest;

use super::{message, render, Chrome, Errors, PageActor};
use crate::Services;

/// The page sizes offered (每页条数).
const PER_PAGE: [u32; 3] = [20, 50, 100];

/// The form's fields, as the use case names them: where an error is put.
const FIELDS: [&str; 12] = ["case_number", "applicant", "id_number", "location", "unit_number", "certificate", "flow", "state", "from", "to", "channel", "sort"];

/// The query string of the page: the conditions, the page and its size. Unknown keys are
/// ignored, so an old bookmark still opens.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchForm {
    pub case_number: String,
    pub applicant: String,
    pub id_number: String,
    pub location: String,
    pub unit_number: String,
    pub certificate: String,
    pub flow: String,
    pub state: String,
    pub from: String,
    pub to: String,
    pub channel: String,
    pub sort: String,
    pub page: String,
    pub per_page: String,
}

impl SearchForm {
    fn input(&self) -> SearchInput {
        SearchInput {
            case_number: self.case_number.clone(),
            applicant: self.applicant.clone(),
            id_number: self.id_number.clone(),
            location: self.location.clone(),
            unit_number: self.unit_number.clone(),
            certificate: self.certificate.clone(),
            flow: self.flow.clone(),
            state: self.state.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            channel: self.channel.clone(),
            sort: self.sort.clone(),
        }
    }

    /// The conditions as a query string (without the page), for the pager and the export.
    fn conditions(&self) -> String {
        let mut q = form_pairs(self);
        q.retain(|(_, v)| !v.is_empty());
        q.iter().map(|(k, v)| format!("{k}={}", bdc_http::forms::urlencode(v))).collect::<Vec<_>>().join("&")
    }

    fn per_page(&self) -> u32 {
        self.per_page.trim().parse().ok().filter(|n| PER_PAGE.contains(n)).unwrap_or(PER_PAGE[0])
    }

    fn page(&self) -> u32 {
        self.page.trim().parse().ok().filter(|n| (1..=1_000_000).contains(n)).unwrap_or(1)
    }
}

fn form_pairs(f: &SearchForm) -> Vec<(&'static str, String)> {
    vec![
        ("case_number", f.case_number.trim().to_owned()),
        ("applicant", f.applicant.trim().to_owned()),
        ("id_number", f.id_number.trim().to_owned()),
        ("location", f.location.trim().to_owned()),
        ("unit_number", f.unit_number.trim().to_owned()),
        ("certificate", f.certificate.trim().to_owned()),
        ("flow", f.flow.clone()),
        ("state", f.state.clone()),
        ("from", f.from.clone()),
        ("to", f.to.clone()),
        ("channel", f.channel.clone()),
        ("sort", f.sort.clone()),
        ("per_page", if f.per_page.is_empty() { String::new() } else { f.per_page().to_string() }),
    ]
}

/// One row of the result table.
pub struct ResultRow {
    id: i64,
    number: String,
    flow: String,
    location: String,
    applicants: String,
    state: &'static str,
    received: String,
    deadline: String,
    /// 剩余工作日; `None` once closed.
    days_left: Option<i64>,
}

impl From<CaseHit> for ResultRow {
    fn from(h: CaseHit) -> Self {
        ResultRow {
            id: h.id,
            received: h.received_beijing(),
            applicants: h.applicants_line(),
            location: h.locations.join("；"),
            number: h.case_number,
            flow: h.flow_name,
            state: h.state.name(),
            deadline: h.deadline.to_string(),
            days_left: h.days_left,
        }
    }
}

#[derive(Template)]
#[template(path = "case_search.html")]
pub struct SearchPage {
    chrome: Chrome,
    form: SearchForm,
    per_page: u32,
    per_pages: [u32; 3],
    /// `(code, name)` of every flow of the catalogue.
    flows: Vec<(&'static str, String)>,
    states: Vec<(&'static str, &'static str)>,
    channels: Vec<(&'static str, &'static str)>,
    sorts: Vec<(&'static str, &'static str)>,
    errors: Errors,
    /// A problem that belongs to no field.
    message: String,
    rows: Vec<ResultRow>,
    total: i64,
    page: u32,
    pages: u32,
    /// The conditions as a query string, kept by the pager and the export link.
    keep: String,
}

fn errors_of(e: &ServiceError, errors: &mut Errors) -> String {
    if let ServiceError::Validation { field: Some(f), message, .. } = e {
        if let Some(k) = FIELDS.iter().find(|k| **k == f.as_str()) {
            errors.insert(k, message.clone());
            return String::new();
        }
    }
    e.to_string()
}

fn staff_only(actor: Option<Actor>) -> Result<Actor, Response> {
    bdc_http::page::staff_with(actor, Permission::CaseRead)
}

/// The form as sent: an unreadable query string (a key twice) is read as no conditions.
fn form_of(q: Result<Query<SearchForm>, axum::extract::rejection::QueryRejection>) -> SearchForm {
    q.map(|Query(f)| f).unwrap_or_default()
}

/// `GET /workbench/search`: the form with the page of results the conditions in the address
/// give (with none, the newest cases).
pub async fn search_page(State(services): State<Services>, PageActor(actor): PageActor, q: Result<Query<SearchForm>, axum::extract::rejection::QueryRejection>) -> Response {
    let actor = match staff_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = form_of(q);
    let per_page = form.per_page();
    let mut errors = Errors::new();
    let (rows, total, page, pages, message_text) = match case_search::search(&services, &actor, &form.input(), PageRequest { page: form.page(), per_page }).await {
        Ok(found) => {
            let pages = u32::try_from((found.total + i64::from(per_page) - 1) / i64::from(per_page)).unwrap_or(u32::MAX).max(1);
            (found.items.into_iter().map(ResultRow::from).collect(), found.total, found.page, pages, String::new())
        }
        Err(e @ (ServiceError::Validation { .. } | ServiceError::Forbidden(_))) => {
            let text = errors_of(&e, &mut errors);
            (Vec::new(), 0, 1, 1, text)
        }
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, Some(&actor), "无法查询", &e.to_string(), "/workbench/search"),
    };
    let keep = form.conditions();
    let page_view = SearchPage {
        chrome: Chrome::of(Some(&actor), "search"),
        per_page,
        per_pages: PER_PAGE,
        flows: catalogue::flows().iter().map(|f| (f.code, format!("{}｜{}", f.group, f.name))).collect(),
        states: CaseState::ALL.iter().map(|s| (s.code(), s.name())).collect(),
        channels: ChannelFilter::ALL.iter().map(|c| (c.code(), c.name())).collect(),
        sorts: SearchOrder::ALL.iter().map(|o| (o.code(), o.name())).collect(),
        form,
        errors,
        message: message_text,
        rows,
        total,
        page,
        pages,
        keep,
    };
    let mut r = render(&page_view);
    if !page_view.errors.is_empty() || !page_view.message.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// `GET /workbench/search.xlsx`: every case the conditions give (at most
/// [`case_search::EXPORT_CAP`]) as an Excel workbook; the export is audited.
pub async fn export(State(services): State<Services>, PageActor(actor): PageActor, q: Result<Query<SearchForm>, axum::extract::rejection::QueryRejection>) -> Response {
    let actor = match staff_only(actor) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = form_of(q);
    let back = format!("/workbench/search?{}", form.conditions());
    match case_search::export(&services, &actor, &form.input()).await {
        Ok(x) => {
            let day = crate::service::cases::today().format("%Y%m%d");
            let name = format!("业务查询-{day}.xlsx");
            (
                [
                    (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"case-search-{day}.xlsx\"; filename*=UTF-8''{}", bdc_http::forms::urlencode(&name))),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                x.bytes,
            )
                .into_response()
        }
        Err(e @ ServiceError::Validation { .. }) => message(StatusCode::UNPROCESSABLE_ENTITY, Some(&actor), "查询条件有误", &e.to_string(), &back),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, Some(&actor), "无法导出", &e.to_string(), &back),
    }
}
