//! 工作日历 — a month at a glance (工作日, 休息日, 法定节假日, 调休上班 with their names; statutory
//! holidays without an entry shown as computed), the month's entries with removal, a form to set
//! a date's entry, and the office hours (办公时间). Reading needs calendar.read; the forms, and the
//! warning that a year's 调休 are not entered, show only with calendar.manage.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use bdc_http::page_input::PageForm;
use chrono::{Datelike, Months, NaiveDate, NaiveTime, Weekday};
use serde::Deserialize;

use bdc_core::access::Permission;
use bdc_core::calendar::{statutory_holiday, DayKind, OfficeSpan};
use bdc_registry::service::calendar as svc;
use bdc_registry::service::cases::today;

use super::{admit, allow, place, redirect, refused, render, Chrome, Errors, Nav, PageActor};
use crate::state::AppState;

/// One cell of the month grid.
pub struct Cell {
    day: u32,
    date: String,
    /// `workday`, `restday`, `holiday`, `makeup` (the CSS modifier).
    class: &'static str,
    label: &'static str,
    note: String,
    today: bool,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
pub struct MonthPage {
    chrome: Chrome,
    nav: Nav,
    can_edit: bool,
    title: String,
    month: String,
    prev: String,
    next: String,
    /// Weeks of seven cells; `None` pads the first and last week.
    weeks: Vec<Vec<Option<Cell>>>,
    /// The month's entries: `(date, kind name, note)`.
    entries: Vec<(String, &'static str, String)>,
    working_days: usize,
    hours: String,
    form_date: String,
    form_kind: String,
    form_note: String,
    form_hours: String,
    errors: Errors,
    message: String,
    done: String,
    /// Years whose 调休 are not entered (calendar administrators only).
    missing_arrangements: Vec<i32>,
}

#[derive(Debug, Deserialize, Default)]
pub struct MonthQuery {
    #[serde(default)]
    month: String,
    #[serde(default)]
    done: String,
}

/// The first day of `YYYY-MM`, or of this month when it does not parse.
fn first_of(month: &str) -> NaiveDate {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok().filter(|d| (2000..=2100).contains(&d.year())).unwrap_or_else(|| today().with_day(1).expect("day 1"))
}

fn hours_text(spans: &[OfficeSpan]) -> String {
    spans.iter().map(|s| format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M"))).collect::<Vec<_>>().join(", ")
}

/// What the forms sent, kept when refused.
#[derive(Default)]
struct Typed {
    date: String,
    kind: String,
    note: String,
    hours: Option<String>,
}

async fn page(state: &AppState, a: &bdc_core::Actor, first: NaiveDate, typed: Typed, errors: Errors, message: String, done: &str) -> Response {
    let entries = match svc::list_year(&state.services, a, first.year()).await {
        Ok(e) => e,
        Err(e) => return crate::pages::message(axum::http::StatusCode::INTERNAL_SERVER_ERROR, Some(a), "无法加载", &e.to_string(), "/workbench/admin"),
    };
    let hours = svc::office_hours(&state.services, a).await.map(|h| hours_text(h.spans())).unwrap_or_default();
    let next_first = first + Months::new(1);
    let now = today();
    let mut weeks = Vec::new();
    let mut week: Vec<Option<Cell>> = (0..first.weekday().num_days_from_monday()).map(|_| None).collect();
    let mut working_days = 0;
    let mut d = first;
    while d < next_first {
        let entry = entries.iter().find(|e| e.date == d);
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        // The same order as the calendar engine: a stored entry, then the computed statutory day.
        let statutory = statutory_holiday(d);
        let (class, label, note) = match (entry, statutory) {
            (Some(e), _) if e.kind == DayKind::Holiday => ("holiday", "法定节假日", e.note.clone()),
            (Some(e), _) => ("makeup", "调休上班", e.note.clone()),
            (None, Some(s)) => ("holiday", "法定节假日", format!("{}（自动计算）", s.note())),
            (None, None) if weekend => ("restday", "休息日", String::new()),
            (None, None) => ("workday", "工作日", String::new()),
        };
        if class == "workday" || class == "makeup" {
            working_days += 1;
        }
        week.push(Some(Cell { day: d.day(), date: d.to_string(), class, label, note, today: d == now }));
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
        d = d.succ_opt().expect("date in range");
    }
    if !week.is_empty() {
        while week.len() < 7 {
            week.push(None);
        }
        weeks.push(week);
    }
    let month_entries =
        entries.iter().filter(|e| e.date >= first && e.date < next_first).map(|e| (e.date.to_string(), if e.kind == DayKind::Holiday { "法定节假日" } else { "调休上班" }, e.note.clone())).collect();
    let fmt = |d: NaiveDate| d.format("%Y-%m").to_string();
    let missing_arrangements = bdc_registry::pages::missing_arrangements(&state.services, a).await;
    render(&MonthPage {
        chrome: Chrome::of(Some(a), "admin"),
        nav: Nav::of(a, "calendar"),
        can_edit: a.can(Permission::CalendarManage),
        title: format!("{} 年 {} 月", first.year(), first.month()),
        month: fmt(first),
        prev: fmt(first - Months::new(1)),
        next: fmt(next_first),
        weeks,
        entries: month_entries,
        working_days,
        form_hours: typed.hours.unwrap_or_else(|| hours.clone()),
        hours,
        form_date: if typed.date.is_empty() { first.to_string() } else { typed.date },
        form_kind: typed.kind,
        form_note: typed.note,
        errors,
        message,
        done: match done {
            "set" => "已保存，所有办理时限即按新日历计算。",
            "removed" => "已删除，该日期恢复为按法定节假日和星期计算。",
            "hours" => "办公时间已保存。",
            _ => "",
        }
        .to_owned(),
        missing_arrangements,
    })
}

/// The month view (`?month=2026-10`, default this month).
pub async fn month(State(state): State<AppState>, PageActor(actor): PageActor, Query(q): Query<MonthQuery>) -> Response {
    match allow(actor, Some(Permission::CalendarRead)) {
        Ok(a) => page(&state, &a, first_of(&q.month), Typed::default(), Errors::new(), String::new(), &q.done).await,
        Err(r) => r,
    }
}

fn back_to(date: NaiveDate, done: &str) -> Response {
    redirect(&format!("/workbench/admin/calendar?month={}&done={done}", date.format("%Y-%m")))
}

/// Sets a date's entry: 法定节假日 or 调休上班, with its name.
pub async fn set_day(State(state): State<AppState>, PageActor(actor): PageActor, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, f) = match admit(actor, Some(Permission::CalendarManage), pairs, "/workbench/admin/calendar") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let typed = Typed { date: f.get("date").trim().to_owned(), kind: f.get("kind"), note: f.get("note"), hours: None };
    let mut errors = Errors::new();
    let date = NaiveDate::parse_from_str(&typed.date, "%Y-%m-%d").ok();
    if date.is_none() {
        errors.insert("date", "请填写日期，格式如 2026-10-01".into());
    }
    let kind = DayKind::parse(&typed.kind);
    if kind.is_none() {
        errors.insert("kind", "请选择法定节假日或调休上班".into());
    }
    if typed.note.trim().is_empty() {
        errors.insert("note", "请填写名称，如“国庆节”或“国庆节调休”".into());
    }
    let mut message = String::new();
    if let (Some(date), Some(kind), true) = (date, kind, errors.is_empty()) {
        match svc::set_day(&state.services, &a, date, kind, &typed.note).await {
            Ok(_) => return back_to(date, "set"),
            Err(bdc_core::ServiceError::Validation { field: Some(f), message: m, .. }) if f == "year" => {
                errors.insert("date", m);
            }
            Err(e) => message = place(&e, &["note"], &mut errors),
        }
    }
    let first = date.filter(|d| (2000..=2100).contains(&d.year())).map_or_else(|| first_of(""), |d| d.with_day(1).expect("day 1"));
    refused(page(&state, &a, first, typed, errors, message, "").await)
}

/// Removes a date's entry; the date falls back to the computed statutory holidays and the week.
pub async fn remove_day(State(state): State<AppState>, PageActor(actor): PageActor, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, f) = match admit(actor, Some(Permission::CalendarManage), pairs, "/workbench/admin/calendar") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(date) = NaiveDate::parse_from_str(f.get("date").trim(), "%Y-%m-%d") else {
        return refused(page(&state, &a, first_of(""), Typed::default(), Errors::new(), "日期无效".into(), "").await);
    };
    match svc::clear_day(&state.services, &a, date).await {
        Ok(()) => back_to(date, "removed"),
        Err(e) => refused(page(&state, &a, date.with_day(1).expect("day 1"), Typed::default(), Errors::new(), e.to_string(), "").await),
    }
}

/// Parses `09:00-12:00, 13:30-17:30`.
fn parse_spans(text: &str) -> Option<Vec<OfficeSpan>> {
    text.split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|p| {
            let (a, b) = p.split_once(['-', '–', '—', '~'])?;
            let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
            Some(OfficeSpan { start: t(a)?, end: t(b)? })
        })
        .collect()
}

/// Sets the office hours.
pub async fn set_hours(State(state): State<AppState>, PageActor(actor): PageActor, PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let (a, f) = match admit(actor, Some(Permission::CalendarManage), pairs, "/workbench/admin/calendar") {
        Ok(x) => x,
        Err(r) => return r,
    };
    let text = f.get("hours");
    let first = first_of(&f.get("month"));
    let mut errors = Errors::new();
    match parse_spans(&text) {
        None => {
            errors.insert("hours", "格式应为 09:00-12:00, 13:30-17:30".into());
        }
        Some(spans) => match svc::set_office_hours(&state.services, &a, spans).await {
            Ok(_) => return redirect(&format!("/workbench/admin/calendar?month={}&done=hours", first.format("%Y-%m"))),
            Err(e) => {
                errors.insert("hours", e.to_string());
            }
        },
    }
    refused(page(&state, &a, first, Typed { hours: Some(text), ..Typed::default() }, errors, String::new(), "").await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_hours_are_read_as_typed() {
        assert_eq!(parse_spans("09:00-12:00, 13:30-17:30").map(|s| s.len()), Some(2));
        assert_eq!(parse_spans("09:00–12:00，13:30-17:30").map(|s| s.len()), Some(2));
        assert!(parse_spans("9点到12点").is_none());
        assert_eq!(parse_spans("").map(|s| s.len()), Some(0), "empty is refused by the service");
    }

    #[test]
    fn a_bad_month_falls_back_to_this_month() {
        assert_eq!(first_of("2026-10"), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(first_of("1899-01").day(), 1);
        assert_eq!(first_of("abc").day(), 1);
    }
}
