//! 法院送达（窗口） — a court's notice handed in at the counter by its officers: the form with
//! every field the counter delivery takes (法院, 案号, 文号, 送达时间 — now, Beijing time, unless
//! typed —, the 执行人员 and their 证件, 被执行人, the unit(s), 查封期限, the scanned
//! 协助执行通知书), errors in Chinese beside their fields, then the desk with what the register
//! made of it (查封成功 / 轮候 / 未能控制 and why).
//!
//! It calls the same use case as `POST /api/v1/court/deliveries`
//! ([`crate::service::deliver_at_counter`], then the queue), after reading the form: a term that
//! has already ended, or ends before it begins, is refused here with nothing written (issue 13:
//! the counter 查封 must not accept an ended term).

use askama::Template;
use axum::extract::multipart::Multipart;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;

use bdc_adapters::court::message::{Action, Document, Property, Request};
use bdc_core::access::Permission;
use bdc_core::ids::UnitNumber;
use bdc_core::{Actor, ServiceError};
use bdc_db::PageRequest;
use bdc_http::forms::Submitted;
use bdc_http::page::{expired, place_fields, redirect, render, staff_with, Chrome, Errors};
use bdc_http::session::{csrf_ok, PageActor};
use bdc_registry::Services;

use crate::service::{self as svc, PropertyFilter, PropertyStatus};

/// The controls a counter delivery may ask for (过户文书 goes to a person, not here).
const ACTIONS: [Action; 3] = [Action::Seize, Action::Continue, Action::Release];

/// Most units one notice names on this form.
const MAX_UNITS: usize = 50;

/// The form as typed (kept when it is shown again).
#[derive(Debug, Clone, Default)]
pub struct Typed {
    court: String,
    case_number: String,
    ruling_number: String,
    delivered_at: String,
    officers: String,
    officer_ids: String,
    subject: String,
    subject_id: String,
    action: String,
    units: String,
    original_case: String,
    term_start: String,
    term_end: String,
}

impl Typed {
    fn of(f: &Submitted) -> Typed {
        Typed {
            court: f.get("court"),
            case_number: f.get("case_number"),
            ruling_number: f.get("ruling_number"),
            delivered_at: f.get("delivered_at"),
            officers: f.get("officers"),
            officer_ids: f.get("officer_ids"),
            subject: f.get("subject"),
            subject_id: f.get("subject_id"),
            action: f.get("action"),
            units: f.get("units"),
            original_case: f.get("original_case"),
            term_start: f.get("term_start"),
            term_end: f.get("term_end"),
        }
    }

    /// A fresh form: delivered now (Beijing time), a 查封 whose term starts today.
    fn fresh() -> Typed {
        let now = bdc_core::time::beijing(chrono::Utc::now());
        Typed { delivered_at: now.format("%Y-%m-%dT%H:%M").to_string(), action: Action::Seize.code().to_owned(), term_start: bdc_core::time::today().to_string(), ..Typed::default() }
    }
}

#[derive(Template)]
#[template(path = "court_deliver.html")]
struct DeliverPage {
    chrome: Chrome,
    f: Typed,
    errors: Errors,
    /// A problem of no field (the service's, or the form's reading).
    message: String,
    /// `(code, name)` of the controls offered.
    actions: Vec<(&'static str, &'static str)>,
}

fn page(a: &Actor, f: Typed, errors: Errors, message: String) -> Response {
    let refused = !errors.is_empty() || !message.is_empty();
    let mut r = render(&DeliverPage { chrome: Chrome::of(Some(a), "court"), f, errors, message, actions: ACTIONS.iter().map(|x| (x.code(), x.name())).collect() });
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// 法院送达（窗口）: the empty form.
pub async fn deliver_form(PageActor(actor): PageActor) -> Response {
    match staff_with(actor, Permission::CaseIntake) {
        Ok(a) => page(&a, Typed::fresh(), Errors::new(), String::new()),
        Err(r) => r,
    }
}

/// Whether a scan is a PDF, JPEG or PNG (by its first bytes, not its name).
fn is_scan(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-") || bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

fn date(s: &str) -> Result<Option<NaiveDate>, ()> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map(Some).map_err(|_| ())
}

/// Reads the form into the court's request, or the errors beside their fields. Nothing is
/// written before every field reads.
fn read(f: &Typed, files: &[(String, String, Vec<u8>)], today: NaiveDate) -> Result<Request, Errors> {
    let mut errors = Errors::new();
    let need = |v: &str, field: &'static str, what: &str, errors: &mut Errors| {
        if v.trim().is_empty() {
            errors.insert(field, format!("请填写{what}"));
        }
    };
    need(&f.court, "court", "送达法院", &mut errors);
    need(&f.case_number, "case_number", "案号", &mut errors);
    need(&f.ruling_number, "ruling_number", "协助执行通知书文号", &mut errors);
    need(&f.officers, "officers", "执行人员姓名", &mut errors);
    need(&f.officer_ids, "officer_ids", "执行人员的工作证或执行公务证号", &mut errors);
    // 送达时间: `datetime-local` gives minutes; seconds are allowed when typed.
    let at = f.delivered_at.trim();
    let delivered = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M").or_else(|_| chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S"));
    let delivered_at = match delivered {
        Ok(t) if t.date() > today => {
            errors.insert("delivered_at", "送达时间不能晚于今天".into());
            String::new()
        }
        Ok(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
        Err(_) => {
            errors.insert("delivered_at", "请填写送达时间（年-月-日 时:分）".into());
            String::new()
        }
    };
    let action = Action::from_code(f.action.trim()).filter(|a| ACTIONS.contains(a));
    if action.is_none() {
        errors.insert("action", "请选择查封、续封或解除查封".into());
    }
    let mut units = Vec::new();
    for line in f.units.split(['\n', ',', '，', ' ']).map(str::trim).filter(|l| !l.is_empty()) {
        match UnitNumber::parse(line) {
            Ok(u) if !units.contains(&u.as_str().to_owned()) => units.push(u.as_str().to_owned()),
            Ok(_) => {}
            Err(e) => {
                errors.insert("units", format!("{line}：{e}"));
                break;
            }
        }
    }
    if units.is_empty() && !errors.contains_key("units") {
        errors.insert("units", "请填写至少一个不动产单元号".into());
    } else if units.len() > MAX_UNITS {
        errors.insert("units", format!("一份通知书在此最多填写 {MAX_UNITS} 个不动产单元"));
    }
    let needs_original = matches!(action, Some(Action::Continue | Action::Release));
    if needs_original && f.original_case.trim().is_empty() {
        errors.insert("original_case", "续封、解除查封须写明原查封的案号或业务号".into());
    }
    // 查封期限: the term asked for. One that has ended is refused (issue 13), as is one that
    // ends before it begins; an empty end leaves the statutory three years.
    let start = date(&f.term_start).unwrap_or_else(|()| {
        errors.insert("term_start", "日期格式应为 YYYY-MM-DD".into());
        None
    });
    let end = date(&f.term_end).unwrap_or_else(|()| {
        errors.insert("term_end", "日期格式应为 YYYY-MM-DD".into());
        None
    });
    if matches!(action, Some(Action::Seize | Action::Continue)) {
        if let Some(e) = end {
            if e < today {
                errors.insert("term_end", format!("查封期限已于 {e} 届满，不能办理"));
            } else if start.is_some_and(|s| s > e) {
                errors.insert("term_end", "查封期限的截止日期不能早于起始日期".into());
            }
        }
    }
    // The scanned 协助执行通知书 (and any other document of the notice), kept with the request.
    let mut documents = Vec::new();
    for (field, name, bytes) in files {
        if field != "notice" {
            continue;
        }
        if bytes.len() > bdc_core::upload::MAX_FILE_BYTES {
            errors.insert("notice", format!("{name} 超过 {} MB", bdc_core::upload::MAX_FILE_BYTES / 1024 / 1024));
        } else if !is_scan(bytes) {
            errors.insert("notice", format!("{name} 不是 PDF、JPG 或 PNG 文件"));
        } else {
            documents.push(Document { name: name.clone(), bytes: bytes.clone() });
        }
    }
    if documents.is_empty() && !errors.contains_key("notice") {
        errors.insert("notice", "请上传协助执行通知书扫描件".into());
    }
    let Some(action) = action else { return Err(errors) };
    if !errors.is_empty() {
        return Err(errors);
    }
    let term = |d: Option<NaiveDate>| if matches!(action, Action::Release) { String::new() } else { d.map(|d| d.to_string()).unwrap_or_default() };
    let properties = units
        .iter()
        .enumerate()
        .map(|(i, u)| Property {
            seq: (i + 1).to_string(),
            action,
            unit_number: u.clone(),
            location: String::new(),
            certificate: String::new(),
            start: term(start),
            end: term(end),
            original_case: if needs_original { f.original_case.trim().to_owned() } else { String::new() },
            original_business: String::new(),
        })
        .collect();
    Ok(Request {
        number: String::new(),
        court: f.court.trim().to_owned(),
        // 承办人 (CBR): the officers who delivered it, with the papers they showed.
        judge: format!("{}（证件：{}）", f.officers.trim(), f.officer_ids.trim()),
        case_number: f.case_number.trim().to_owned(),
        ruling_number: f.ruling_number.trim().to_owned(),
        subject: f.subject.trim().to_owned(),
        subject_id: f.subject_id.trim().to_owned(),
        delivered_at,
        properties,
        documents,
    })
}

/// The form's key for a field the use case names.
fn key(field: &str) -> Option<&'static str> {
    match field {
        "properties" => Some("units"),
        "court" => Some("court"),
        "case_number" => Some("case_number"),
        "delivered_at" => Some("delivered_at"),
        _ => None,
    }
}

/// 窗口送达: enters the notice, processes the queue, and shows the desk with the outcome.
pub async fn deliver(State(services): State<Services>, PageActor(actor): PageActor, multipart: Multipart) -> Response {
    let a = match staff_with(actor, Permission::CaseIntake) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (form, problem) = bdc_http::forms::read_partial(multipart).await;
    if !csrf_ok(&a, &form.get("csrf")) {
        return expired(&a, "/workbench/court/deliver");
    }
    let typed = Typed::of(&form);
    if let Some(p) = problem {
        return page(&a, typed, Errors::new(), p);
    }
    let request = match read(&typed, &form.files, bdc_core::time::today()) {
        Ok(r) => r,
        Err(errors) => return page(&a, typed, errors, String::new()),
    };
    let number = match svc::deliver_at_counter(&services, &a, request).await {
        Ok(n) => n,
        Err(e) => return refused(&a, typed, &e),
    };
    // The notice is in the queue (committed with its audit row); register it now, as the API does.
    if let Err(e) = svc::process_pending(&services).await {
        tracing::error!(error = %e.cause(), "court queue after a counter delivery");
    }
    redirect(&format!("/workbench/court?delivered={}", bdc_http::forms::urlencode(&number)))
}

fn refused(a: &Actor, typed: Typed, e: &ServiceError) -> Response {
    let mut errors = Errors::new();
    let unplaced = place_fields(e, &mut errors, key);
    page(a, typed, errors, unplaced.join("；"))
}

/// What the register made of counter delivery `number`, in one sentence per property
/// (查封成功 / 轮候 / 未能控制 …); empty when there is no such delivery.
pub async fn outcome(services: &Services, a: &Actor, number: &str) -> String {
    if number.is_empty() || number.len() > 40 || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return String::new();
    }
    let Ok(all) = svc::inbox(services, a, PropertyFilter::default(), PageRequest { page: 1, per_page: 1000 }).await else { return String::new() };
    let mut mine: Vec<_> = all.items.into_iter().filter(|p| p.request_number == number).collect();
    if mine.is_empty() {
        return String::new();
    }
    mine.sort_by(|x, y| x.seq.cmp(&y.seq));
    let parts: Vec<String> = mine
        .iter()
        .map(|p| {
            let result = match p.status {
                PropertyStatus::Registered if p.waiting => format!("轮候查封（业务号 {}）", p.business_number),
                PropertyStatus::Registered if p.action == Action::Seize.code() => {
                    format!("查封成功（业务号 {}，期限 {} 至 {}）", p.business_number, p.actual_start, p.actual_end)
                }
                PropertyStatus::Registered => format!("{}已登簿（业务号 {}）", svc::action_name(&p.action), p.business_number),
                _ if p.reason.is_empty() => p.status.name().to_owned(),
                _ => format!("{}：{}", p.status.name(), p.reason),
            };
            format!("第 {} 项 {}", p.seq, result)
        })
        .collect();
    format!("窗口送达已受理，请求单号 {number}。{}。回执以纸质方式交付法院。", parts.join("；"))
}
