//! 审计日志 — the supervisor's (监管) page over the audit log (`/workbench/audit`): who did what,
//! when and from where, filtered by 操作人, 操作, 结果, Beijing dates and a 关键字 of the detail,
//! paged in the database, newest first; the result of re-walking the log's SM3 chain
//! (审计链校验); and the selected rows as an .xlsx workbook, the export itself audited.
//!
//! Like `GET /api/v1/audit` it calls the audit use cases (`bdc_audit::query`, `verify`,
//! `export_rows`), which hold the permission (`audit.read`); names come from the accounts
//! directory the register's port answers.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Deserialize;

use bdc_audit::store::AuditEntry;
use bdc_audit::{AuditFilter, ChainCheck};
use bdc_core::access::Permission;
use bdc_core::Actor;
use bdc_db::PageRequest;
use bdc_http::page::staff_with;
use bdc_registry::Services;

use super::{render, Chrome, Errors, PageActor};
use crate::state::AppState;

/// The sizes of a page the supervisor may choose.
const PER_PAGE: [u32; 2] = [20, 50];

/// The audit routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/workbench/audit", get(audit_log)).route("/workbench/audit/export", get(export_audit_log))
}

/// The filter as typed (every field text, so no input fails to parse before it can be told).
#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    keyword: String,
    #[serde(default)]
    per_page: String,
    #[serde(default)]
    page: String,
}

/// The filter read: the use case's conditions, or the errors beside their fields.
struct Read {
    filter: AuditFilter,
    /// The conditions in words, for the export's audit row.
    words: String,
    errors: Errors,
}

/// Midnight of a Beijing date, as the UTC instant the log stores.
fn beijing_midnight(d: NaiveDate) -> Option<DateTime<Utc>> {
    bdc_core::time::beijing_offset().from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single().map(|t| t.with_timezone(&Utc))
}

fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl AuditQuery {
    fn read(&self) -> Read {
        let mut errors = Errors::new();
        let date = |s: &str, field: &'static str, errors: &mut Errors| match text(s) {
            None => None,
            Some(t) => match NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.insert(field, "日期格式应为 YYYY-MM-DD".into());
                    None
                }
            },
        };
        let from = date(&self.from, "from", &mut errors);
        let to = date(&self.to, "to", &mut errors);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                errors.insert("to", "结束日期不能早于起始日期".into());
            }
        }
        let outcome = text(&self.outcome);
        if outcome.as_deref().is_some_and(|o| !["success", "failure", "denied"].contains(&o)) {
            errors.insert("outcome", "请选择成功、失败或拒绝".into());
        }
        let filter = AuditFilter {
            actor: text(&self.actor),
            action: text(&self.action),
            outcome,
            from: from.and_then(beijing_midnight),
            // Up to the end of the last day named.
            to: to.and_then(|d| beijing_midnight(d + Duration::days(1))),
            keyword: text(&self.keyword),
        };
        let words = [("操作人", &self.actor), ("操作", &self.action), ("结果", &self.outcome), ("从", &self.from), ("到", &self.to), ("关键字", &self.keyword)]
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k} {}", v.trim()))
            .collect::<Vec<_>>()
            .join("，");
        Read { filter, words, errors }
    }

    fn per_page(&self) -> u32 {
        self.per_page.trim().parse().ok().filter(|n| PER_PAGE.contains(n)).unwrap_or(PER_PAGE[0])
    }

    fn page(&self) -> u32 {
        self.page.trim().parse().ok().filter(|n| *n >= 1).unwrap_or(1)
    }

    /// The filter as a query string, to keep it across pages and in the export link.
    fn keep(&self) -> String {
        let enc = bdc_http::forms::urlencode;
        format!(
            "actor={}&action={}&outcome={}&from={}&to={}&keyword={}&per_page={}",
            enc(self.actor.trim()),
            enc(self.action.trim()),
            enc(self.outcome.trim()),
            enc(self.from.trim()),
            enc(self.to.trim()),
            enc(self.keyword.trim()),
            self.per_page()
        )
    }
}

/// One row as shown.
pub struct Row {
    at: String,
    display_name: String,
    username: String,
    action: String,
    target: String,
    outcome: &'static str,
    outcome_code: String,
    detail: String,
    request_id: String,
    client_addr: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    chrome: Chrome,
    query: AuditQuery,
    errors: Errors,
    rows: Vec<Row>,
    total: i64,
    page: u32,
    pages: u32,
    per_page: u32,
    keep: String,
    /// `审计链完整` with the count, or where the chain breaks.
    chain_ok: bool,
    chain: String,
}

/// A log time as shown: Beijing time to the second.
fn shown_time(e: &AuditEntry) -> String {
    bdc_core::time::beijing(e.at).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The display names (姓名) of the staff named in `rows`, by username, from the accounts
/// directory; a name it does not know (a public user, a failed login's name) is left out.
async fn names_of(services: &Services, rows: &[AuditEntry]) -> BTreeMap<String, String> {
    let mut usernames: Vec<String> = rows.iter().map(|e| e.actor_name.clone()).filter(|n| n != "-").collect();
    usernames.sort();
    usernames.dedup();
    if usernames.is_empty() {
        return BTreeMap::new();
    }
    let Ok(mut conn) = services.db.conn().await else { return BTreeMap::new() };
    match services.directory.staff_names(&mut conn, &usernames).await {
        Ok(names) => names.into_iter().map(|n| (n.username, n.display_name)).collect(),
        Err(e) => {
            tracing::warn!(error = %e.cause(), "staff names unavailable for the audit page");
            BTreeMap::new()
        }
    }
}

fn chain_words(c: &bdc_core::ServiceResult<ChainCheck>) -> (bool, String) {
    match c {
        Ok(ChainCheck::Intact(n)) => (true, format!("审计链完整（已校验 {n} 条记录）")),
        Ok(ChainCheck::BrokenAt(id)) => (false, format!("审计链在第 {id} 条记录处断开：该记录或其前一条已被改动或删除")),
        Err(e) => (false, format!("审计链未能校验：{e}")),
    }
}

/// 审计日志: the filtered rows, a page of them, and the chain check.
pub async fn audit_log(State(state): State<AppState>, PageActor(actor): PageActor, Query(q): Query<AuditQuery>) -> Response {
    let a = match staff_with(actor, Permission::AuditRead) {
        Ok(a) => a,
        Err(r) => return r,
    };
    audit_page(&state.services, &a, q).await
}

async fn audit_page(services: &Services, a: &Actor, q: AuditQuery) -> Response {
    let read = q.read();
    let per_page = q.per_page();
    let page = q.page();
    let mut total = 0;
    let mut entries = Vec::new();
    let mut errors = read.errors;
    if errors.is_empty() {
        match bdc_audit::query(&services.db, a, read.filter.clone(), PageRequest { page, per_page }).await {
            Ok(p) => {
                total = p.total;
                entries = p.items;
            }
            Err(e) => {
                errors.insert("actor", e.to_string());
            }
        }
    }
    let pages = u32::try_from((total + i64::from(per_page) - 1) / i64::from(per_page)).unwrap_or(u32::MAX).max(1);
    let names = names_of(services, &entries).await;
    let rows = entries
        .into_iter()
        .map(|e| Row {
            at: shown_time(&e),
            display_name: names.get(&e.actor_name).cloned().unwrap_or_default(),
            outcome: bdc_audit::export::outcome_name(&e.outcome),
            outcome_code: e.outcome,
            username: e.actor_name,
            action: e.action,
            target: e.target,
            detail: e.detail,
            request_id: e.request_id,
            client_addr: e.client_addr,
        })
        .collect();
    let (chain_ok, chain) = chain_words(&bdc_audit::verify(&services.db, a).await);
    let refused = !errors.is_empty();
    let keep = q.keep();
    let mut r = render(&AuditPage { chrome: Chrome::of(Some(a), "audit"), query: q, errors, rows, total, page, pages, per_page, keep, chain_ok, chain });
    if refused {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// 导出: the filtered rows as an .xlsx workbook (at most `bdc_audit::EXPORT_LIMIT`, newest
/// first); the export is audited with its conditions. A filter that does not read shows the
/// page with its errors instead.
pub async fn export_audit_log(State(state): State<AppState>, PageActor(actor): PageActor, Query(q): Query<AuditQuery>) -> Response {
    let a = match staff_with(actor, Permission::AuditRead) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let read = q.read();
    if !read.errors.is_empty() {
        return audit_page(&state.services, &a, q).await;
    }
    let rows = match bdc_audit::export_rows(&state.services.db, &a, read.filter, &read.words).await {
        Ok(rows) => rows,
        Err(e) => return bdc_http::page::message(StatusCode::INTERNAL_SERVER_ERROR, Some(&a), "导出失败", &e.to_string(), "/workbench/audit"),
    };
    let names = names_of(&state.services, &rows).await;
    match bdc_audit::export::xlsx(&rows, &names, shown_time) {
        Ok(bytes) => {
            let day = bdc_core::time::today();
            let disposition = format!("attachment; filename=\"audit-log-{day}.xlsx\"");
            ([(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e.cause(), "audit export failed");
            bdc_http::page::message(StatusCode::INTERNAL_SERVER_ERROR, Some(&a), "导出失败", "服务器内部错误，请稍后再试。", "/workbench/audit")
        }
    }
}
